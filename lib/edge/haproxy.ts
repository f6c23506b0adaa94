/**
 * haproxy.cfg from an edge plan: global settings (with Debian's admin socket), timeouts and retries,
 * one frontend per declared frontend (TLS offload with `ssl crt`, HTTP -> HTTPS redirect (308), HSTS, gzip,
 * routing on the Host header, 400 without one host, 404 for a host no route names; on IPv6 too when an edge machine has an
 * IPv6 address), one backend
 * per published Service (every node's address at the Service's node port, checked on the app's
 * readiness path with its probe's Host header, at the node port that reaches the probe's port when
 * it is another). Pure; the same plan gives the same bytes. Every value of the plan is written as
 * one plain word, checked where it was read (haproxy-words.ts: `haproxyWordProblem`); one that
 * HAProxy would read otherwise (cut at a space or `#`, unquoted, unescaped) throws, never written.
 */
import { isIP } from 'node:net';
import type { EdgeBackend, EdgeFrontend, EdgePlan } from './publish.js';
import { haproxyWordProblem, hostHeaderProblem } from './haproxy-words.js';
import { generatedLine } from '../synth/disk.js';
import { MONITOR_PORT } from './settings.js';

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

/** Content types worth compressing; images and archives are compressed already. */
const GZIP_TYPES = 'text/html text/plain text/css text/javascript application/javascript application/json image/svg+xml';

/**
 * `value`, which haproxy.cfg holds as one word: a value that reached the writer without being
 * checked where it was read is a bug of stagecraft, never written.
 * @throws Error naming the value and the check it escaped
 */
function word(value: string | number, what: string): string {
  const text = String(value);
  const problem = haproxyWordProblem(text);
  if (problem) throw new Error(`internal: ${what} ${JSON.stringify(text)} reached haproxy.cfg unchecked: ${problem}`);
  return text;
}

/**
 * `host` for the Host header of the health check, whose value HAProxy reads as a log-format string:
 * one that reached the writer without being checked where it was read is a bug, never written.
 * @throws Error naming the value and the check it escaped
 */
function hostHeader(host: string): string {
  const problem = hostHeaderProblem(host);
  if (problem) throw new Error(`internal: the Host header ${JSON.stringify(host)} reached haproxy.cfg unchecked: ${problem}`);
  return host;
}

/** `text` for a comment line of haproxy.cfg; one with a line break or a control character is a bug, never written. */
function commentText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  if (/[\u0000-\u001f\u007f\u2028\u2029\u0085]/u.test(text)) {
    throw new Error(`internal: a comment of haproxy.cfg would hold a line break or a control character: ${JSON.stringify(text)}`);
  }
  return text;
}

const INDENT = '    ';

function section(head: string, lines: readonly string[]): string {
  return [head, ...lines.map((l) => `${INDENT}${l}`)].join('\n');
}

/**
 * Whether a frontend listens on IPv6 too: when an edge machine has an IPv6 address, where a client may
 * name the edge by an IPv6 literal. The Host header is read alike either way (HOST).
 */
interface Family {
  /** Whether the frontends also listen on IPv6. */
  readonly ipv6: boolean;
}

/**
 * The requested host as a route names it, as an HAProxy sample expression, on an IPv4 edge and a
 * dual-stack one alike: the Host header without its port (`:` and digits at the end, none too:
 * `name:`, which RFC 9110 allows), then without the trailing dot of an absolute name. `app.example.com.`
 * is the same name written as absolute (RFC 1034 3.1), valid in a URL and sent as such in the Host header
 * by clients that are given it (curl, browsers, resolvers' search lists bypassed on purpose); compared
 * as written, it went to the 404 of a host no route names. One dot only: `app.example.com..` is no name.
 * The port goes first: `app.example.com.:8443`. Only a port of digits goes: what is left with a `:` is
 * no host (`app.example.com:abc`, `app:80:90`), answered 400 (VALID_HOST), where `field(1,:)`, cutting at
 * the first `:`, routed it on an IPv4 edge (and cut an IPv6 literal, `[::1]:8080`, to `[`). HAProxy's
 * `host_only` is missing from some 2.x releases; regsub is in all.
 */
const HOST = 'req.hdr(host),regsub(:[0-9]*$,),regsub([.]$,)';

/**
 * What the host (HOST_VAR) must be for a request to be routed: a name or an IPv4 address (no `:`, `[`
 * or `]`), or an IPv6 literal in brackets; not empty. A `:` left after the port went is a port that is
 * not digits, or two ports, which RFC 9112 3.2 answers with 400. Brackets written as classes (`[[]`),
 * since HAProxy's parser reads a backslash itself.
 */
const VALID_HOST = '^([^]:[]+|[[][^]]+[]])$';

/**
 * The variable that holds the requested host (HOST), set once per request before the answers that
 * read it: the deny of a request without one valid host, the redirect and every route. With the whole
 * expression in each use_backend line, a request to a host no route names ran it (a regsub or two) once
 * per route: with 500 routes, about 4.1 times HAProxy's CPU (4.5 dual-stack; bench/edge-routes.ts).
 */
const HOST_VAR = 'txn.host';
const setHost = `http-request set-var(${HOST_VAR}) ${HOST}`;

/**
 * The family of a plan's frontends: both when an edge machine has an IPv6 address, since clients
 * on that address would otherwise be refused (`bind :80` listens on IPv4 only). A machine named by
 * host name is taken as IPv4, as before: which family its name resolves to is not known here.
 */
const familyOf = (plan: EdgePlan): Family => ({ ipv6: plan.machines.some((m) => isIP(m.address) === 6) });

/** The Host header without a port (HOST_VAR), compared case-insensitively with the route's host. */
const hostIs = (host: string) => `{ var(${HOST_VAR}) -m str -i ${word(host, 'the host')} }`;

/**
 * The status of the redirect to HTTPS: 308, permanent and keeping the method and body (RFC 9110
 * 15.4.9). With 301 a client may, and browsers, curl -L and most libraries do, repeat a POST as a GET
 * without its body: a form or an API call sent over plain HTTP would reach the app as a GET, and be
 * answered as one (a page, a 404 or a 405) with nothing said of the data lost.
 */
const REDIRECT_CODE = 308;

/**
 * The redirect of plain HTTP to HTTPS: to the host the client asked for without its port, at the
 * frontend's TLS listener (no port for 443), the same path and query. Not `redirect scheme https`,
 * which keeps the Host header's port (HAProxy 2.6): a client of a frontend on `httpPort` 8080 sends
 * `Host: shop.example.com:8080` and was sent to https://shop.example.com:8080/, TLS to the plain listener.
 */
function redirectToHttps(httpsPort: number): string {
  const port = httpsPort === 443 ? '' : `:${word(httpsPort, 'the HTTPS port')}`;
  return `http-request redirect location https://%[var(${HOST_VAR})]${port}%[pathq] code ${REDIRECT_CODE} unless { ssl_fc }`;
}

/**
 * The Strict-Transport-Security header of a frontend's responses over TLS (`hsts`): with
 * `http-after-response`, HAProxy's own answers (a 503 when every server is down) carry it too,
 * which `http-response` would leave out. Never over plain HTTP, where browsers ignore it (RFC 6797 8.1).
 */
function hstsLine(hsts: NonNullable<EdgeFrontend['hsts']>): string {
  const value = `max-age=${word(hsts.maxAge, 'the HSTS max-age')}${hsts.includeSubDomains ? '; includeSubDomains' : ''}`;
  return `http-after-response set-header Strict-Transport-Security "${value}" if { ssl_fc }`;
}

/**
 * The bind lines of one listener: `:<port>` is IPv4's any address; with IPv6, a second socket on
 * IPv6's (`:::<port>`), v6only so that it does not also claim IPv4, whatever the machine's
 * net.ipv6.bindv6only says.
 */
function binds(family: Family, port: number, options: string): string[] {
  const p = word(port, 'the port');
  return [`bind :${p}${options}`, ...(family.ipv6 ? [`bind :::${p} v6only${options}`] : [])];
}

/**
 * Where a frontend sends a host none of its routes names (a typo, a name pointed at the edge by
 * mistake, a host of another frontend's port): a 404 of haproxy's own, said in its log as this
 * backend. Without it HAProxy answers 503, "No server is available", as if an app were down, which
 * sends whoever reads it to the app's servers. Its name has an underscore, which no backend named
 * after a stage's Service can (as the monitor's frontend).
 */
const NO_APP = 'stagecraft_no_app';

const noAppBackend = section(`backend ${NO_APP}`, [
  commentText(`# a host no route of the frontend names: 404, not the 503 of an app whose servers are down`),
  'http-request return status 404 content-type text/plain string "no app is published at this host"',
]);

/**
 * The answer to a request that does not name one valid host: none (no Host header, an empty one, a port
 * or a dot alone: an HTTP/1.0 client, a scanner), a list (`Host: other.example.com, shop.example.com`,
 * which RFC 9110 does not allow), or one whose port is not digits (`shop.example.com:abc`, VALID_HOST):
 * 400, before the redirect and the routes. The edge routes by host, so a request without one reaches no
 * app; it was redirected to `https:///path` (no host: a client cannot follow it), or answered 503 without
 * the redirect, as if the apps were down. HAProxy reads a header's value as a list at its commas, and a
 * route's condition holds when any item matches: a list went to the app of any host it named, which saw
 * the whole list as its Host (links built from it, caches keyed on it).
 */
const notOneHost = `http-request deny deny_status 400 unless { req.hdr_cnt(host) eq 1 } { var(${HOST_VAR}) -m reg ${VALID_HOST} }`;

function frontend(family: Family, f: EdgeFrontend): string {
  const tls = ` ssl ${f.certificates.map((c) => `crt ${word(c, 'the certificate')}`).join(' ')} alpn h2,http/1.1`;
  const lines = [
    ...binds(family, f.httpPort, ''),
    ...binds(family, f.httpsPort, tls),
    setHost,
    notOneHost,
    ...(f.redirectHttp ? [redirectToHttps(f.httpsPort)] : []),
    ...(f.hsts ? [hstsLine(f.hsts)] : []),
    // the apps behind see the client and the scheme it used, not the edge: forwardfor appends the
    // client's address to X-Forwarded-For, and X-Forwarded-Proto is always set from the connection,
    // so a client cannot claim HTTPS over plain HTTP
    'option forwardfor',
    'http-request set-header X-Forwarded-Proto https if { ssl_fc }',
    'http-request set-header X-Forwarded-Proto http if !{ ssl_fc }',
    ...(f.gzip ? ['compression algo gzip', `compression type ${GZIP_TYPES}`] : []),
    ...f.routes.flatMap((r) => [
      ...(r.blueGreen
        ? [
            commentText(
              `# ${r.app} is blue/green: ${r.blueGreen.live} is live, ${r.blueGreen.idle} (backend ${r.blueGreen.idleBackend}) is idle; npm run switch flips this line`,
            ),
          ]
        : []),
      `use_backend ${word(r.backend, 'the backend')} if ${hostIs(r.host)}`,
    ]),
    `default_backend ${NO_APP}`,
  ];
  return section(`frontend ${word(f.name, 'the frontend name')}`, lines);
}

/**
 * The lines of a backend's drained servers (edge.drainedNodes), if it has any: backup servers, sent
 * no new connection while another server is up, and, when every other is down, all of them
 * (allbackups) rather than the first alone: a drained node that passes its checks serves better
 * than a 503 (`weight 0`, with `backup` or without, is never sent one, haproxy 2.6).
 */
function drainedLines(b: EdgeBackend): string[] {
  const drained = b.servers.filter((s) => s.drained).map((s) => s.name);
  if (drained.length === 0) return [];
  return [
    commentText(`# drained (edge.drainedNodes): ${drained.join(', ')}, backup: no new connections while another server is up`),
    'option allbackups',
  ];
}

function backend(b: EdgeBackend): string {
  const lines = [
    commentText(
      `# ${b.service}, node port ${b.nodePort} on every node${b.checkPort === undefined ? '' : `, checked at node port ${b.checkPort} (where its readiness probe is)`}`,
    ),
    ...drainedLines(b),
    'balance roundrobin',
    ...(b.healthPath
      ? [
          'option httpchk',
          // HTTP/1.1 with a Host header (the probe's own, else a host the edge sends to the app), as the kubelet sends
          // its probe: HAProxy's default, HTTP/1.0 without one, is answered 426 by proxies in front of apps (Envoy,
          // Istio's sidecars), and every server would be taken out
          `http-check send meth GET uri ${word(b.healthPath, 'the readiness path')} ver HTTP/1.1 hdr Host ${hostHeader(b.host)}`,
          'http-check expect status 200-399',
        ]
      : ['# no readiness path to GET at this node port: the check only connects to it']),
    ...b.servers.map(
      (s) =>
        `server ${word(s.name, 'the server name')} ${word(s.address, 'the node address')}:${word(b.nodePort, 'the node port')} check` +
        (b.checkPort === undefined ? '' : ` port ${word(b.checkPort, 'the node port of the check')}`) +
        // drained (edge.drainedNodes): no new connections while another is up, still checked (UP, bck 1 in show stat); the open ones finish
        (s.drained ? ' backup' : ''),
    ),
  ];
  return section(`backend ${word(b.name, 'the backend')}`, lines);
}

/** The head of the header line that names the edge machines (`haproxyConfig`), read back by `readHaproxyConfig`. */
const MACHINES_LINE = '# For the edge machines ';
/** What follows the machines on that line. */
const MACHINES_END = ': copy to ';

/** What `readHaproxyConfig` reads back of a haproxy.cfg that `haproxyConfig` wrote. */
export interface WrittenHaproxyConfig {
  /** The edge machines its header names (`name (address)`), in its order. */
  readonly machines: readonly { readonly name: string; readonly address: string }[];
  /** Its `use_backend` lines, in order: the backend and the host sent to it. */
  readonly routes: readonly { readonly backend: string; readonly host: string }[];
  /** Its backends, in order: the Service their comment names, its node port, and the one it is checked at when another. */
  readonly backends: readonly { readonly name: string; readonly service: string; readonly nodePort: string; readonly checkPort?: string }[];
}

/**
 * What a haproxy.cfg of `haproxyConfig` says of its machines, routes and backends, read back from the
 * lines it writes them on: the one reader of the format, for what a stage's output in dist/ has
 * (across-stages.ts), what changed between two outputs (changes.ts) and what a removed stage leaves
 * on its machines (lib/cli/removed-stage.ts). A file of another shape (edited by hand) reads as what
 * its lines of these shapes say, possibly nothing.
 */
export function readHaproxyConfig(config: string): WrittenHaproxyConfig {
  // the header's third line; its first lines only, so that a long file is not split whole
  const header = config.split('\n', 8).find((l) => l.startsWith(MACHINES_LINE)) ?? '';
  const listed = header.slice(MACHINES_LINE.length, Math.max(0, header.indexOf(MACHINES_END)));
  return {
    machines: [...listed.matchAll(/([^\s,()]+) \(([^()\s]+)\)/g)].map((m) => ({ name: m[1]!, address: m[2]! })),
    // `{ var(txn.host) -m str -i <host> }`, or as outputs written before HOST_VAR have it, `{ <expression> -i <host> }`
    routes: [...config.matchAll(/^ {4}use_backend (\S+) if \{ (?:var\(txn\.host\) -m str|\S+) -i (\S+) \}$/gm)].map((m) => ({
      backend: m[1]!,
      host: m[2]!,
    })),
    backends: [
      ...config.matchAll(/^backend (\S+)\n {4}# (Service \S+), node port (\d+) on every node(?:, checked at node port (\d+))?/gm),
    ].map((m) => ({ name: m[1]!, service: m[2]!, nodePort: m[3]!, ...(m[4] === undefined ? {} : { checkPort: m[4] }) })),
  };
}

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
    `# haproxy -c -f ${HAPROXY_CONFIG_PATH}, then systemctl reload haproxy (see the README, "The edge").`,
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
