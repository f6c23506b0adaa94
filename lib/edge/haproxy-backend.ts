/**
 * A backend of haproxy.cfg (haproxy.ts): every node's address at a published Service's node port,
 * checked on the app's readiness path with its probe's Host header (at the node port that reaches the
 * probe's port when it is another; over TLS when the probe's scheme is HTTPS), the drained nodes as backup servers. Pure.
 */
import type { EdgeBackend } from './publish.js';
import { commentText, hostHeader, section, word } from './haproxy-lines.js';

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

/**
 * The words of a server of a backend whose pods answer TLS: at the port that serves (`tls`, or a readiness probe of scheme HTTPS
 * checked there), the traffic over TLS (`ssl`, and the checks too when they are made there); checked at another port over HTTPS
 * (`https` with a `checkPort`), the checks over TLS (`check-ssl`: with a `port`, HAProxy checks in plain text whatever `ssl` says).
 * The pods' certificate is not verified (`verify none`), as the kubelet checks an HTTPS probe: it is most often self-signed or
 * for the Service's name inside the cluster, which no CA file on the edge machine could vouch for, and without one HAProxy
 * refuses an `ssl` server; the clients' TLS ends at the edge's own certificates all the same.
 */
function tlsWords(b: EdgeBackend): string {
  const { ssl, checkSsl } = tlsOf(b);
  return `${ssl ? ' ssl' : ''}${checkSsl ? ' check-ssl' : ''}${ssl || checkSsl ? ' verify none' : ''}`;
}

/** What of a backend's goes over TLS (`tlsWords`): the traffic (`ssl`, and the checks with it unless at a `checkPort`), the checks at a `checkPort` (`checkSsl`). */
function tlsOf(b: EdgeBackend): { ssl: boolean; checkSsl: boolean } {
  return {
    ssl: b.tls === true || (b.https === true && b.checkPort === undefined),
    checkSsl: b.https === true && b.checkPort !== undefined,
  };
}

/**
 * The comment of a backend whose servers get `verify none` (`tlsWords`): what goes over TLS and that the pods' certificate is
 * not verified, said where the reader of haproxy.cfg (and of npm run diff's lines) meets it, with why; none for plain HTTP.
 */
function tlsComment(b: EdgeBackend): string[] {
  const { ssl, checkSsl } = tlsOf(b);
  if (!ssl && !checkSsl) return [];
  const what = !ssl ? 'the checks' : checkSsl || b.checkPort === undefined ? 'the traffic and the checks' : 'the traffic';
  return [
    commentText(
      `# over TLS to the pods: ${what}, their certificate not verified (verify none), as the kubelet does not verify an HTTPS probe's: most often self-signed or for a name inside the cluster`,
    ),
  ];
}

/** A backend of the plan: a published Service at its node port on every node, checked on its app's readiness path. */
export function backend(b: EdgeBackend): string {
  const lines = [
    commentText(
      `# ${b.service}, node port ${b.nodePort} on every node${b.checkPort === undefined ? '' : `, checked at node port ${b.checkPort} (where its readiness probe is)`}`,
    ),
    ...drainedLines(b),
    ...tlsComment(b),
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
        tlsWords(b) +
        // drained (edge.drainedNodes): no new connections while another is up, still checked (UP, bck 1 in show stat); the open ones finish
        (s.drained ? ' backup' : ''),
    ),
  ];
  return section(`backend ${word(b.name, 'the backend')}`, lines);
}
