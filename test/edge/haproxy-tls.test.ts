/**
 * A generated haproxy.cfg with its TLS listener, run by the real HAProxy (haproxy-run.ts) with a
 * self-signed certificate in place of the edge machine's: what a client sees of the redirect to
 * HTTPS and of `hsts`, not only what `haproxy -c` accepts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyConfig } from '../../lib/edge/haproxy.js';
import type { EdgeBackend, EdgeFrontend } from '../../lib/edge/publish.js';
import { HAPROXY_MISSING, freePort, haproxy, listen, nodes, planOf, proxies, runDir, sleep, stopAll, stopProxies } from './haproxy-run.js';

let certificate: string;
beforeAll(() => {
  const [key, cert] = [join(runDir(), 'key.pem'), join(runDir(), 'cert.pem')];
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=a.example.com', '-keyout', key, '-out', cert],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl could not make a test certificate: ${r.stderr || r.error}`);
  certificate = join(runDir(), 'edge.pem');
  writeFileSync(certificate, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
});
afterAll(stopAll);

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** `method` of `url` with `body`, for `host` (the Host header), over TLS when the URL says https (the test certificate trusted). */
const send = (url: string, method: string, body = '', host = 'a.example.com') =>
  new Promise<Answer>((resolve, reject) => {
    const u = new URL(url);
    const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const options = {
      host: '127.0.0.1',
      port: u.port,
      path: `${u.pathname}${u.search}`,
      method,
      servername: 'a.example.com',
      rejectUnauthorized: false,
      headers: { host, 'content-length': Buffer.byteLength(body) },
    };
    const req = request(options, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });

/** The head of the answer to `request`, sent as written (no Host header unless it has one) to 127.0.0.1:`port`, over TLS if said. */
const rawAnswer = (port: number, tls: boolean, request: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = tls
      ? tlsConnect({ host: '127.0.0.1', port, servername: 'a.example.com', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] })
      : connect(port, '127.0.0.1');
    let answer = '';
    socket.on(tls ? 'secureConnect' : 'connect', () => socket.write(request));
    socket.on('data', (d) => {
      answer += d;
    });
    socket.on('end', () => resolve(answer.split('\r\n\r\n')[0]!));
    socket.on('error', reject);
  });

/** What the node received: each request's method, path and body (the checks' left out); each answered 200. */
const received: string[] = [];
const record = (req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (d) => {
    body += d;
  });
  req.on('end', () => {
    if (req.url !== '/ready') received.push(`${req.method} ${req.url}${req.socket instanceof TLSSocket ? ' (over TLS)' : ''} ${body}`);
    res.end(`${req.method}\n`);
  });
};
const recording = () => createServer(record);
/** A recording node that serves HTTPS alone, with the test certificate (self-signed, as a pod's most often is). */
const recordingTls = () =>
  createHttpsServer({ key: readFileSync(join(runDir(), 'key.pem')), cert: readFileSync(join(runDir(), 'cert.pem')) }, record);

/**
 * Runs the generated haproxy.cfg of one frontend (`frontend` over planOf's) in front of one recording
 * node (or none: `nodeUp` false), listening on 127.0.0.1 at free ports for plain HTTP and TLS; the two
 * ports, once it answers over TLS. With `ipv6`, its edge machine has an IPv6 address, so the config
 * reads the host as a dual-stack edge does (its IPv6 listeners left out: the tests connect over IPv4).
 */
async function start(
  frontend: Partial<EdgeFrontend>,
  {
    nodeUp = true,
    ipv6 = false,
    httpsNode = false,
    backend = {},
  }: { nodeUp?: boolean; ipv6?: boolean; httpsNode?: boolean; backend?: Partial<EdgeBackend> } = {},
) {
  await stopProxies();
  const server = httpsNode ? recordingTls() : recording();
  nodes.push(server);
  const nodePort = await listen(server, '127.0.0.1', 0);
  if (!nodeUp) await new Promise((r) => server.close(r));
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const plan = { ...planOf(nodePort), ...(ipv6 ? { machines: [{ name: 'lb1', address: 'fd00::5' }] } : {}) };
  // pods that serve HTTPS, as their readiness probe's scheme says (publish.ts)
  if (httpsNode) plan.backends = plan.backends.map((b) => ({ ...b, https: true, ...backend }));
  const f = { ...plan.frontends[0]!, httpPort, httpsPort, ...frontend };
  const config = haproxyConfig({ ...plan, frontends: [f] })
    .split('\n')
    .filter((l) => !/^ {4}(chroot|user|group|log \/dev\/log|stats socket|server n2 |bind :::)/.test(l))
    .join('\n')
    .replace(`bind :${httpPort}\n`, `bind 127.0.0.1:${httpPort}\n`)
    .replace(/bind :\d+ ssl crt \S+/, `bind 127.0.0.1:${httpsPort} ssl crt ${certificate}`)
    // the port of the TLS listener as the client sees it: a redirect to another port goes to the test's
    .replace(`:${f.httpsPort}%[pathq]`, `:${httpsPort}%[pathq]`);
  const path = join(runDir(), 'tls.cfg');
  writeFileSync(path, config);
  proxies.push(spawn('haproxy', ['-db', '-f', path], { stdio: 'ignore' }));
  for (let i = 0; i < 100; i++) {
    const answer = await send(`https://a.example.com:${httpsPort}/`, 'GET').catch(() => undefined);
    if (answer && answer.status === (nodeUp ? 200 : 503)) return { httpPort, httpsPort };
    await sleep(100);
  }
  throw new Error(`haproxy did not answer over TLS within 10s:\n${config}`);
}

describe('haproxy running a generated haproxy.cfg with its TLS listener', () => {
  it('redirects plain HTTP with a 308, so that a POST followed to HTTPS reaches the app as a POST with its body', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const { httpPort, httpsPort } = await start({ redirectHttp: true, httpsPort: 18443 });
    const redirect = await send(`http://a.example.com:${httpPort}/orders?id=7`, 'POST', 'quantity=2');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe(`https://a.example.com:${httpsPort}/orders?id=7`);
    // followed as RFC 9110 says of a 308 (after a 301, clients may and mostly do send a GET without the body)
    received.length = 0;
    const followed = await send(redirect.headers.location!, 'POST', 'quantity=2');
    expect(followed.status).toBe(200);
    expect(received).toEqual(['POST /orders?id=7 quantity=2']);
  }, 20_000);

  it('redirects to https://<host>/ with a 308 when the TLS listener is on 443', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const { httpPort } = await start({ redirectHttp: true, httpsPort: 443 });
    const redirect = await send(`http://a.example.com:${httpPort}/orders`, 'POST', 'quantity=2');
    expect([redirect.status, redirect.headers.location]).toEqual([308, 'https://a.example.com/orders']);
  }, 20_000);

  it("redirects to https://<host>/ without the port the client's Host header names (a frontend on httpPort 8080), not TLS to the plain listener", async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const { httpPort } = await start({ redirectHttp: true, httpsPort: 443 });
    for (const host of ['a.example.com:8080', 'a.example.com:80']) {
      const redirect = await send(`http://a.example.com:${httpPort}/orders?id=7`, 'GET', '', host);
      expect([redirect.status, redirect.headers.location]).toEqual([308, 'https://a.example.com/orders?id=7']);
    }
  }, 20_000);

  it('answers 400, not a redirect to https:///path nor a 503, to a request that names no host (none, an empty one, a port alone), over plain HTTP and TLS', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    for (const redirectHttp of [true, false]) {
      const { httpPort, httpsPort } = await start({ redirectHttp });
      received.length = 0;
      for (const head of [
        'GET /orders HTTP/1.0',
        'GET /orders HTTP/1.1',
        'GET /orders HTTP/1.1\r\nHost: ',
        'GET /orders HTTP/1.1\r\nHost: :80',
      ]) {
        for (const [port, tls] of [
          [httpPort, false],
          [httpsPort, true],
        ] as const) {
          const answer = await rawAnswer(port, tls, `${head}\r\nConnection: close\r\n\r\n`);
          expect([JSON.stringify(head), tls, answer.split('\r\n')[0], /^location:/im.test(answer)]).toEqual([
            JSON.stringify(head),
            tls,
            'HTTP/1.1 400 Bad request',
            false,
          ]);
        }
      }
      expect(received).toEqual([]);
      // a host still gets the redirect, or the app
      expect((await send(`http://a.example.com:${httpPort}/orders`, 'GET')).status).toBe(redirectHttp ? 308 : 200);
    }
  }, 30_000);

  it('answers 400 to a Host header that lists several hosts, which a route would take for any of them and the app would see whole, over plain HTTP and TLS', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const { httpPort, httpsPort } = await start({ redirectHttp: false });
    received.length = 0;
    for (const host of [
      'other.example.com, a.example.com',
      'a.example.com, other.example.com',
      'a.example.com,a.example.com',
      'a.example.com,',
    ]) {
      for (const [port, tls] of [
        [httpPort, false],
        [httpsPort, true],
      ] as const) {
        const answer = await rawAnswer(port, tls, `GET /orders HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
        expect([host, tls, answer.split('\r\n')[0]]).toEqual([host, tls, 'HTTP/1.1 400 Bad request']);
      }
    }
    expect(received).toEqual([]);
    expect((await send(`http://a.example.com:${httpPort}/orders`, 'GET')).status).toBe(200);
  }, 20_000);

  it('answers 404 to a host no route names, over TLS and plain HTTP, not the 503 of an app whose servers are down, and sends it to no app', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const { httpPort, httpsPort } = await start({ redirectHttp: false });
    received.length = 0;
    for (const url of [`https://a.example.com:${httpsPort}/orders`, `http://a.example.com:${httpPort}/orders`]) {
      const typo = await send(url, 'GET', '', 'a.exmaple.com');
      expect([typo.status, typo.body]).toEqual([404, 'no app is published at this host']);
      expect((await send(url, 'GET')).status).toBe(200);
    }
    expect(received).toEqual(['GET /orders ', 'GET /orders ']);
  }, 20_000);

  it('sends a host written as an absolute name (a trailing dot: a.example.com., valid DNS), with a port or without, to its app, over TLS and plain HTTP, on an IPv4 edge and a dual-stack one', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    for (const ipv6 of [false, true]) {
      const { httpPort, httpsPort } = await start({ redirectHttp: false }, { ipv6 });
      received.length = 0;
      for (const url of [`https://a.example.com:${httpsPort}/orders`, `http://a.example.com:${httpPort}/orders`]) {
        for (const host of ['a.example.com.', 'A.Example.COM.', 'a.example.com.:8443']) {
          const answer = await send(url, 'GET', '', host);
          expect([ipv6, url, host, answer.status, answer.body]).toEqual([ipv6, url, host, 200, 'GET\n']);
        }
        // one dot at the end only: two are no name, and a dot alone names no host
        expect((await send(url, 'GET', '', 'a.example.com..')).status).toBe(404);
        expect((await send(url, 'GET', '', '.')).status).toBe(400);
      }
      expect(received).toHaveLength(6);
    }
    // and the redirect to HTTPS goes to the name without the dot
    const { httpPort } = await start({ redirectHttp: true, httpsPort: 443 });
    const redirect = await send(`http://a.example.com:${httpPort}/orders?id=7`, 'GET', '', 'a.example.com.:80');
    expect([redirect.status, redirect.headers.location]).toEqual([308, 'https://a.example.com/orders?id=7']);
  }, 30_000);

  it('sends a host with an empty port (Host: a.example.com:, which RFC 9110 allows) to its app on an IPv4 edge and a dual-stack one alike', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    for (const ipv6 of [false, true]) {
      const { httpPort, httpsPort } = await start({ redirectHttp: false }, { ipv6 });
      for (const url of [`https://a.example.com:${httpsPort}/orders`, `http://a.example.com:${httpPort}/orders`]) {
        for (const host of ['a.example.com:', 'a.example.com.:']) {
          const answer = await send(url, 'GET', '', host);
          expect([ipv6, url, host, answer.status]).toEqual([ipv6, url, host, 200]);
        }
      }
    }
  }, 30_000);

  it('answers 400 to a Host whose port is not digits or that names two ports, and routes a port of digits and an IPv6 literal, on an IPv4 edge and a dual-stack one alike', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    for (const ipv6 of [false, true]) {
      const { httpPort, httpsPort } = await start({ redirectHttp: false }, { ipv6 });
      received.length = 0;
      for (const [port, tls] of [
        [httpPort, false],
        [httpsPort, true],
      ] as const) {
        const head = async (host: string) =>
          (await rawAnswer(port, tls, `GET /orders HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)).split('\r\n')[0];
        // field(1,:) took a.example.com:abc for a.example.com on an IPv4 edge, which the dual-stack one sent to the 404
        for (const host of [
          'a.example.com:abc',
          'a.example.com:80:90',
          'a.example.com:8a',
          'a.example.com.:x',
          '[fd00::5]:abc',
          'fd00::5',
          '[fd00::5',
        ]) {
          expect([ipv6, tls, host, await head(host)]).toEqual([ipv6, tls, host, 'HTTP/1.1 400 Bad request']);
        }
        expect([ipv6, tls, await head('a.example.com:8443')]).toEqual([ipv6, tls, 'HTTP/1.1 200 OK']);
        // an IPv6 literal is a host, which no route names
        expect([ipv6, tls, await head('[fd00::5]:80')]).toEqual([ipv6, tls, 'HTTP/1.1 404 Not Found']);
      }
      expect(received).toEqual(['GET /orders ', 'GET /orders ']);
    }
  }, 30_000);

  it('sends no Strict-Transport-Security without hsts', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const { httpsPort } = await start({ redirectHttp: false });
    const answer = await send(`https://a.example.com:${httpsPort}/`, 'GET');
    expect(answer.status).toBe(200);
    expect(answer.headers['strict-transport-security']).toBeUndefined();
  }, 20_000);

  it("with hsts, puts Strict-Transport-Security on the app's answers over TLS, and not over plain HTTP, where browsers ignore it", async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const { httpPort, httpsPort } = await start({ redirectHttp: false, hsts: { maxAge: 31536000, includeSubDomains: true } });
    const tls = await send(`https://a.example.com:${httpsPort}/`, 'GET');
    expect([tls.status, tls.headers['strict-transport-security']]).toEqual([200, 'max-age=31536000; includeSubDomains']);
    const plain = await send(`http://a.example.com:${httpPort}/`, 'GET');
    expect([plain.status, plain.headers['strict-transport-security']]).toEqual([200, undefined]);
  }, 20_000);

  it('sends the traffic and the checks over TLS to pods that serve HTTPS alone (a readiness probe of scheme HTTPS), whose self-signed certificate it does not verify, as the kubelet does not', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    received.length = 0;
    // over plain HTTP, every check of such a pod fails and every request is answered 503: start() would time out
    const { httpPort, httpsPort } = await start({ redirectHttp: false }, { httpsNode: true });
    const [tls, plain] = [
      await send(`https://a.example.com:${httpsPort}/orders`, 'POST', 'x=1'),
      await send(`http://a.example.com:${httpPort}/`, 'GET'),
    ];
    expect([tls.status, tls.body, plain.status]).toEqual([200, 'POST\n', 200]);
    expect(received).toContain('POST /orders (over TLS) x=1');
  }, 20_000);

  it('sends the traffic over TLS to pods that serve HTTPS alone with no HTTP readiness probe (an HTTPS liveness probe says so): the check connects over TLS', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    received.length = 0;
    // sent plain HTTP, the pod drops each request and every one is answered 502, while the check, which only connects, passes
    const { httpsPort } = await start(
      { redirectHttp: false },
      { httpsNode: true, backend: { https: false, tls: true, healthPath: undefined } },
    );
    const tls = await send(`https://a.example.com:${httpsPort}/orders`, 'POST', 'x=1');
    expect([tls.status, tls.body]).toEqual([200, 'POST\n']);
    expect(received).toContain('POST /orders (over TLS) x=1');
  }, 20_000);

  it("with hsts, puts it on HAProxy's own answers over TLS too (a 503 when every server is down)", async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const { httpsPort } = await start({ redirectHttp: true, hsts: { maxAge: 0, includeSubDomains: false } }, { nodeUp: false });
    const answer = await send(`https://a.example.com:${httpsPort}/`, 'GET');
    expect([answer.status, answer.headers['strict-transport-security']]).toEqual([503, 'max-age=0']);
  }, 20_000);
});
