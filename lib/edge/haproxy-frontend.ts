/**
 * A frontend of haproxy.cfg (haproxy.ts): its listeners (IPv6 too when an edge machine has an IPv6
 * address), the requested host read once (HOST_VAR), a 400 to a request that names no valid host, the
 * redirect to HTTPS (308), HSTS, gzip, its routes on the Host header, and the 404 backend of a host no
 * route names. Pure.
 */
import { isIP } from 'node:net';
import type { EdgeFrontend, EdgePlan } from './publish.js';
import { commentText, section, word } from './haproxy-lines.js';

/** Content types worth compressing; images and archives are compressed already. */
const GZIP_TYPES = 'text/html text/plain text/css text/javascript application/javascript application/json image/svg+xml';

/**
 * Whether a frontend listens on IPv6 too: when an edge machine has an IPv6 address, where a client may
 * name the edge by an IPv6 literal. The Host header is read alike either way (HOST).
 */
export interface Family {
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
export const familyOf = (plan: EdgePlan): Family => ({ ipv6: plan.machines.some((m) => isIP(m.address) === 6) });

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

export const noAppBackend = section(`backend ${NO_APP}`, [
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

/** A frontend of the plan: its listeners, the answers read before the routes, its routes to the backends, and the 404 of a host none names. */
export function frontend(family: Family, f: EdgeFrontend): string {
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
