/**
 * haproxy.cfg from an edge plan: global settings (with Debian's admin socket), timeouts and retries,
 * one frontend per declared frontend (TLS offload with `ssl crt`, HTTP -> HTTPS redirect (308), HSTS, gzip,
 * routing on the Host header, 400 without one host, 404 for a host no route names; on IPv6 too when an edge machine has an
 * IPv6 address), one backend
 * per published Service (every node's address at the Service's node port, checked on the app's
 * readiness path with its probe's Host header, at the node port that reaches the probe's port when
 * it is another). Pure; the same plan gives the same bytes. Every value of the plan is written as
 * one plain word, checked where it was read (haproxy-words.ts: `haproxyWordProblem`); one that
 * HAProxy would read otherwise (cut at a space or `#`, unquoted, unescaped) throws, never written
 * (haproxy-lines.ts). Its frontends are haproxy-frontend.ts', its backends haproxy-backend.ts', and
 * haproxy-read.ts reads a written file back.
 */
import type { EdgePlan } from './publish.js';
import { generatedLine } from '../synth/disk.js';
import { MONITOR_PORT } from './settings.js';
import { commentText, section } from './haproxy-lines.js';
import { backend } from './haproxy-backend.js';
import { familyOf, frontend, noAppBackend } from './haproxy-frontend.js';
import { MACHINES_END, MACHINES_LINE } from './haproxy-read.js';

/** Where the file goes on an edge machine (Debian's haproxy package reads it from there). */
export const HAPROXY_CONFIG_PATH = '/etc/haproxy/haproxy.cfg';
/** HAProxy's admin socket on an edge machine, where Debian's default config puts it (the package makes /run/haproxy). */
export const HAPROXY_ADMIN_SOCKET = '/run/haproxy/admin.sock';
/** The file's name under `dist/<stage>/edge/`. */
export const HAPROXY_FILE = 'haproxy.cfg';
/**
 * Where haproxy itself answers 200 while it serves (`monitor-uri`, no backend asked), on the edge
 * machine only: keepalived asks there whether the machine may hold the floating IP (keepalived.ts).
 * A haproxy that hangs keeps its process, so `pidof haproxy` would still find it; this asks it to
 * answer. The frontend's name has an underscore, which no frontend of a stage file can (settings.ts).
 */
export const HAPROXY_MONITOR = { frontend: 'stagecraft_monitor', port: MONITOR_PORT, path: '/stagecraft-alive' } as const;
/**
 * How many connections each public frontend takes at once (with `defaults`); the global `maxconn`
 * is their sum and the monitor's, so that a full edge (websockets that stay open) stops accepting on
 * its public listeners only: when the global one is reached, haproxy stops accepting on every
 * listener, the monitor's too, keepalived's check times out and the address moves to the next
 * machine, which fills the same way. The connections beyond wait in the kernel's queue.
 */
export const FRONTEND_MAXCONN = 4096;
/** The monitor's own room (keepalived asks it once every 2s, for 1s at most). */
const MONITOR_MAXCONN = 8;

/** The URL of the monitor on the edge machine. */
export const HAPROXY_MONITOR_URL = `http://127.0.0.1:${HAPROXY_MONITOR.port}${HAPROXY_MONITOR.path}`;

/**
 * Timeouts: long enough for a slow page, short enough that a dead node or client frees its slot
 * soon; `http-request` bounds how long a client may take to send its headers (slowloris). Once a
 * connection is upgraded (a websocket: 101 Switching Protocols), `tunnel` replaces `client` and
 * `server`: a websocket may stay quiet for up to an hour (an app's pings need not come every 30s),
 * and one whose client or server has closed its side (`client-fin`, `server-fin`) goes after 30s,
 * not after the hour, so that half-closed tunnels do not hold the frontend's connections
 * (FRONTEND_MAXCONN). A reload still ends the old process's tunnels at `hard-stop-after`.
 */
const TIMEOUTS = [
  ['connect', '5s'],
  ['client', '30s'],
  ['server', '30s'],
  ['tunnel', '1h'],
  ['client-fin', '30s'],
  ['server-fin', '30s'],
  ['http-request', '10s'],
  ['http-keep-alive', '5s'],
  ['queue', '30s'],
] as const;

/**
 * How long the processes of the config before a reload may keep serving the connections open
 * through them. A reload starts new processes and lets the old ones finish their connections; a
 * connection that never finishes (a websocket, a stream that keeps sending within the client and
 * server timeouts) would keep its old process, its memory and the old config's backends (after a
 * switch: the color that is no longer live) for as long as it lasts, one such process per reload.
 * After this, the old process closes what it still holds and exits: long enough for any download
 * or request, short enough that reloads do not pile processes up.
 */
export const HARD_STOP_AFTER = '30m';

/**
 * The text of haproxy.cfg for a plan.
 * @param maxconn the connections each public frontend takes at once (FRONTEND_MAXCONN; a test's is small)
 */
export function haproxyConfig(plan: EdgePlan, maxconn = FRONTEND_MAXCONN): string {
  const machines = plan.machines.map((m) => `${m.name} (${m.address})`).join(', ');
  const header = [
    `# ${generatedLine(`${plan.source} (stage ${plan.stage})`)}`,
    '# Change the stage file or the stack, then run: npm run synth',
    `${MACHINES_LINE}${machines}${MACHINES_END}${HAPROXY_CONFIG_PATH}, check with`,
    // reload-or-restart: a haproxy stopped (an edge taken out, whose warning said systemctl disable --now, then put back) cannot be reloaded
    `# haproxy -c -f ${HAPROXY_CONFIG_PATH}, then systemctl enable haproxy and systemctl reload-or-restart haproxy,`,
    '# which starts it where it was stopped (see the README, "The edge").',
  ].map(commentText);
  const global = section('global', [
    'log /dev/log local0',
    // Debian's package runs haproxy as root only to bind, then as its own user in a chroot
    'chroot /var/lib/haproxy',
    'user haproxy',
    'group haproxy',
    // Debian's default config has it, and this file replaces that one: the operator reads the servers'
    // state there (show stat: is the idle color UP before a switch?) and drains a node (set server);
    // expose-fd listeners: a reload without systemd (haproxy -x <socket> -sf <old pid>, README) takes the old process's
    // listening sockets through it, where binding new ones resets the connections waiting in the old ones' queue
    // (systemd's reload, master-worker, passes them by itself); without it, -x makes the new process exit
    `stats socket ${HAPROXY_ADMIN_SOCKET} mode 660 level admin expose-fd listeners`,
    'stats timeout 30s',
    // every public frontend's room and the monitor's (FRONTEND_MAXCONN): reached, haproxy would accept on no listener
    `maxconn ${maxconn * plan.frontends.length + MONITOR_MAXCONN}`,
    // the old processes of a reload exit at the latest this long after it (HARD_STOP_AFTER)
    `hard-stop-after ${HARD_STOP_AFTER}`,
    'ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets',
  ]);
  const defaults = section('defaults', [
    'mode http',
    'log global',
    'option httplog',
    'option dontlognull',
    // a reload's old process closes no idle keep-alive connection: it answers the next request on it, with Connection:
    // close, so that the client's request after that reaches the new process (after a switch, the color now live). Closed
    // idle (HAProxy 2.6 closes them all as the reload begins, or over close-spread-time, which takes precedence over this),
    // a request its client sent just then was reset (1 to 7 of 7,000-12,000 under 30 keep-alive clients and reloads 0.4 to
    // 2.5 s apart; none with this); one that stays idle is closed at timeout http-keep-alive, as any. HTTP/1.1's only: an
    // HTTP/2 connection (alpn h2) is sent a GOAWAY as the reload begins, which says what it left unprocessed (README)
    'option idle-close-on-response',
    // each public frontend's room: a full one stops accepting there only, not on the monitor (FRONTEND_MAXCONN)
    `maxconn ${maxconn}`,
    ...TIMEOUTS.map(([what, value]) => `timeout ${what} ${value}`),
    // a node that goes down serves no request between its last passed check and the checks that take it
    // out (up to 6s): a connection it refuses or lets time out is tried again, on another node
    // (redispatch), rather than retried on it or answered 503; only a connection, so nothing was sent yet
    'retries 3',
    'option redispatch 1',
    // a node that is down at start-up must not stop haproxy from starting; checks every 2s, out after 3 failures
    'default-server init-addr last,libc,none inter 2s fall 3 rise 2',
  ]);
  const monitor = section(`frontend ${HAPROXY_MONITOR.frontend}`, [
    '# answered by haproxy itself while it serves, on this machine only: keepalived asks it (keepalived-<machine>.conf)',
    `bind 127.0.0.1:${HAPROXY_MONITOR.port}`,
    `monitor-uri ${HAPROXY_MONITOR.path}`,
    // its own room, kept out of the global maxconn with the public frontends full (FRONTEND_MAXCONN)
    `maxconn ${MONITOR_MAXCONN}`,
  ]);
  return (
    [
      header.join('\n'),
      global,
      defaults,
      ...plan.frontends.map((f) => frontend(familyOf(plan), f)),
      monitor,
      ...plan.backends.map(backend),
      noAppBackend,
    ].join('\n\n') + '\n'
  );
}
