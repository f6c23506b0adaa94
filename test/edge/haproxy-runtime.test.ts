/**
 * A generated haproxy.cfg run by the real HAProxy (in the foreground, as this user), in front of
 * two "nodes" (HTTP servers on 127.0.0.1 and 127.0.0.2 at one node port), while one of them goes
 * down: what the operator of the edge sees, not only what `haproxy -c` accepts (haproxy-run.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  HAPROXY_MISSING,
  admin,
  fetchBody,
  freePort,
  haproxy,
  keepalivedCheck,
  listen,
  node,
  nodes,
  proxies,
  runDir,
  runnable,
  sleep,
  startMonitored,
  status,
  stopAll,
  stopProxies,
  twoNodes,
} from './haproxy-run.js';

afterAll(stopAll);

describe('haproxy running a generated haproxy.cfg', () => {
  it('keeps answering 200 while a node goes down, before its checks take it out (the request is tried on another node)', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const b = node();
    const nodePort = await twoNodes(node(), b);
    const httpPort = await freePort();
    const path = join(runDir(), 'haproxy.cfg');
    writeFileSync(path, runnable(nodePort, httpPort));
    proxies.push(spawn('haproxy', ['-db', '-f', path], { stdio: 'ignore' }));
    // both nodes in service: every request answered
    let answered = 0;
    for (let i = 0; i < 100 && answered < 4; i++) {
      answered = (await status(httpPort).catch(() => 0)) === 200 ? answered + 1 : 0;
      if (answered < 4) await sleep(100);
    }
    expect(answered, 'haproxy did not answer 200 four times in a row within 10s').toBe(4);

    // node n2 goes down: it refuses connections, and its checks need up to 6s to take it out
    b.closeAllConnections();
    await new Promise((r) => b.close(r));
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push(await status(httpPort));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
  }, 20_000);

  it('on a reload, finishes a request in flight on the old process, answers new ones on the new one, and closes a connection that never ends at hard-stop-after, when the old process exits', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    await stopProxies();
    // a node where /slow answers after 1.5s and /stream sends a line every 100ms and never ends (a websocket's like)
    const streams = createServer((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('slow\n'), 1500);
      else if (req.url === '/stream') setInterval(() => res.write('tick\n'), 100).unref();
      else res.end('ok\n');
    });
    nodes.push(streams);
    const nodePort = await listen(streams, '127.0.0.1', 0);
    const httpPort = await freePort();
    const config = runnable(nodePort, httpPort).replace(/^ {4}server n2 .*\n/m, '');
    expect(config).toMatch(/^ {4}hard-stop-after 30m$/m);
    const path = join(runDir(), 'reload.cfg');
    // the same bound, made short for the test
    writeFileSync(path, config.replace(/^( {4}hard-stop-after) \S+$/m, '$1 2s'));
    const old = spawn('haproxy', ['-db', '-f', path], { stdio: 'ignore' });
    proxies.push(old);
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = (await status(httpPort).catch(() => 0)) === 200;
      if (!ready) await sleep(100);
    }
    expect(ready, 'haproxy did not answer 200 within 10s').toBe(true);
    const slow = fetchBody(httpPort, '/slow');
    const stream = fetchBody(httpPort, '/stream');
    await sleep(300);
    // the reload without systemd, as the README gives it: a new process, which tells the old one (-sf) to finish and leave
    const exited = new Promise<number>((resolve) => {
      const started = Date.now();
      old.once('exit', () => resolve(Date.now() - started));
    });
    proxies.push(spawn('haproxy', ['-db', '-f', path, '-sf', String(old.pid)], { stdio: 'ignore' }));
    expect(await slow).toEqual({ status: 200, body: 'slow\n' });
    await sleep(300);
    expect(await status(httpPort)).toBe(200);
    const lasted = await Promise.race([exited, sleep(8000).then(() => -1)]);
    expect(lasted, 'the old haproxy process was still running 8s after the reload').toBeGreaterThan(0);
    expect(lasted).toBeLessThan(6000);
    const streamed = await stream;
    expect(streamed.status).toBe(200);
    expect(streamed.body).toMatch(/^(tick\n){10,}$/);
  }, 30_000);

  it('keeps a websocket open while it is quiet for longer than the client and server timeouts (timeout tunnel), and closes one that its client half-closed while the server did not (timeout server-fin)', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    await stopProxies();
    // a node that upgrades /ws to a websocket and echoes what it receives, as an app's websocket endpoint does
    const ws = node();
    ws.on('upgrade', (_req, sock: Socket) => {
      sock.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
      );
      sock.on('data', (d) => sock.write(d));
      sock.on('end', () => undefined); // half-closed by the client: the node keeps its side open
    });
    nodes.push(ws);
    const nodePort = await listen(ws, '127.0.0.1', 0);
    const httpPort = await freePort();
    const config = runnable(nodePort, httpPort).replace(/^ {4}server n2 .*\n/m, '');
    expect(config).toMatch(/^ {4}timeout tunnel 1h$/m);
    expect(config).toMatch(/^ {4}timeout client-fin 30s$/m);
    expect(config).toMatch(/^ {4}timeout server-fin 30s$/m);
    const path = join(runDir(), 'tunnel.cfg');
    // the client and server timeouts (and the half-closed one) made short for the test; the tunnel's as generated
    writeFileSync(
      path,
      config.replace(/^( {4}timeout (?:client|server)) 30s$/gm, '$1 1s').replace(/^( {4}timeout (?:client|server)-fin) 30s$/gm, '$1 1s'),
    );
    proxies.push(spawn('haproxy', ['-db', '-f', path], { stdio: 'ignore' }));
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = (await status(httpPort).catch(() => 0)) === 200;
      if (!ready) await sleep(100);
    }
    expect(ready, 'haproxy did not answer 200 within 10s').toBe(true);
    /** A websocket through the edge: what it received, and whether it was closed. */
    const open = () =>
      new Promise<{ sock: Socket; got: () => string; closed: () => boolean }>((resolve, reject) => {
        let got = '';
        let closed = false;
        const sock = connect(httpPort, '127.0.0.1', () =>
          sock.write(
            'GET /ws HTTP/1.1\r\nHost: a.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          ),
        );
        sock.on('data', (d) => {
          got += d;
          if (got.includes('\r\n\r\n')) resolve({ sock, got: () => got, closed: () => closed });
        });
        sock.on('close', () => {
          closed = true;
        });
        sock.on('error', reject);
      });
    const quiet = await open();
    expect(quiet.got()).toMatch(/^HTTP\/1\.1 101 /);
    await sleep(2500);
    expect(quiet.closed(), 'the quiet websocket was closed at the client or server timeout').toBe(false);
    quiet.sock.write('ping');
    await sleep(300);
    expect(quiet.got()).toMatch(/ping$/);
    quiet.sock.destroy();
    const halfClosed = await open();
    halfClosed.sock.end();
    await sleep(2500);
    expect(halfClosed.closed(), 'a websocket half-closed by its client stayed open past timeout server-fin').toBe(true);
  }, 30_000);

  it("lets keepalived's check of a machine fail when its haproxy no longer answers (a process stopped: a hung one keeps its pid, which pidof finds)", async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    await stopProxies();
    const [httpPort, monitorPort] = [await freePort(), await freePort()];
    const proxy = startMonitored('monitor.cfg', runnable(30999, httpPort), monitorPort);
    const check = await keepalivedCheck(monitorPort);
    proxy.kill('SIGSTOP');
    try {
      expect(check()).not.toBe(0);
    } finally {
      proxy.kill('SIGCONT');
    }
    expect(check()).toBe(0);
  }, 30_000);

  it("asks haproxy itself, not a proxy that keepalived's environment names (http_proxy)", async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    await stopProxies();
    const [httpPort, monitorPort, nowhere] = [await freePort(), await freePort(), await freePort()];
    startMonitored('proxy.cfg', runnable(30999, httpPort), monitorPort);
    // a proxy that is not there: curl going through it would fail, and the address would move
    const proxy = `http://127.0.0.1:${nowhere}`;
    const check = await keepalivedCheck(monitorPort, { ...process.env, http_proxy: proxy, HTTP_PROXY: proxy, no_proxy: '', NO_PROXY: '' });
    expect(check()).toBe(0);
  }, 30_000);

  it("keeps answering keepalived's check while the public frontends are full (websockets that stay open), so that the address does not move to a machine that fills the same way", async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    await stopProxies();
    const [httpPort, monitorPort] = [await freePort(), await freePort()];
    // each public frontend takes 3 connections at once (4096 on an edge machine)
    startMonitored('full.cfg', runnable(30999, httpPort, { maxconn: 3 }), monitorPort);
    const check = await keepalivedCheck(monitorPort);
    // 3 clients that keep their connections open: the frontend is full
    const open = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<Socket>((resolve, reject) => {
            const c = connect(httpPort, '127.0.0.1', () => resolve(c)).on('error', reject);
          }),
      ),
    );
    try {
      await sleep(300);
      // a 4th client waits in the queue (not answered within 1s), and keepalived's check still passes
      const queued = spawnSync('curl', ['--silent', '--max-time', '1', '--output', '/dev/null', `http://127.0.0.1:${httpPort}/`], {
        timeout: 5000,
      });
      expect(queued.status, 'curl exits 28 (timed out): the public frontend is full').toBe(28);
      expect(check()).toBe(0);
    } finally {
      for (const c of open) c.destroy();
    }
  }, 30_000);

  it('sends no request to a drained node (edge.drainedNodes) while another is up, still checked (UP, a backup), and still none after a reload, where a drain set on the admin socket ends; and sends it the requests once every other node is down, rather than answering 503', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    await stopProxies();
    // each node answers with its own name
    const named = (name: string) => createServer((_req, res) => res.end(name));
    const n1 = named('n1');
    const nodePort = await twoNodes(n1, named('n2'));
    const httpPort = await freePort();
    const path = join(runDir(), 'drained.cfg');
    writeFileSync(path, runnable(nodePort, httpPort, { drainN2: true }));
    /** Who answered 8 requests, and n2's status in show stat, once its first check has passed. */
    const observe = async () => {
      let stat = '';
      for (let i = 0; i < 100 && !/^a,n2,.*L7OK/m.test(stat); i++) {
        stat = await admin('show stat').catch(() => '');
        if (!/^a,n2,.*L7OK/m.test(stat)) await sleep(100);
      }
      const answers: string[] = [];
      for (let i = 0; i < 8; i++) answers.push((await fetchBody(httpPort, '/')).body);
      const [header = '', ...rows] = stat.split('\n');
      const columns = header.replace(/^# /, '').split(',');
      const n2 = rows.find((r) => r.startsWith('a,n2,'))?.split(',') ?? [];
      return { answers: [...new Set(answers)], n2: { status: n2[columns.indexOf('status')], backup: n2[columns.indexOf('bck')] } };
    };
    const first = spawn('haproxy', ['-db', '-f', path], { stdio: 'ignore' });
    proxies.push(first);
    expect(await observe()).toEqual({ answers: ['n1'], n2: { status: 'UP', backup: '1' } });
    // a reload (a switch's): the new process reads the drain from the config
    proxies.push(spawn('haproxy', ['-db', '-f', path, '-sf', String(first.pid)], { stdio: 'ignore' }));
    await new Promise((r) => first.once('exit', r));
    expect(await observe()).toEqual({ answers: ['n1'], n2: { status: 'UP', backup: '1' } });
    // n1 goes down: once its checks take it out (up to 6s), the drained n2 answers
    n1.closeAllConnections();
    await new Promise((r) => n1.close(r));
    let answer = '';
    for (let i = 0; i < 100 && answer !== 'n2'; i++) {
      answer = (await fetchBody(httpPort, '/')).body;
      if (answer !== 'n2') await sleep(100);
    }
    expect(answer, 'the drained node did not answer within 10s of the other going down').toBe('n2');
  }, 30_000);

  it('checks the readiness path as the kubelet does, over HTTP/1.1 with a Host header: a proxy in front of the app (Envoy) answers HTTP/1.0 with 426', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    await stopProxies();
    // Envoy's default, and so Istio's sidecars': HTTP/1.0 is refused with 426 Upgrade Required
    const envoyLike = createServer((req, res) => {
      res.statusCode = req.httpVersion === '1.0' || !req.headers.host ? 426 : 200;
      res.end();
    });
    nodes.push(envoyLike);
    const nodePort = await listen(envoyLike, '127.0.0.1', 0);
    const httpPort = await freePort();
    const path = join(runDir(), 'http11.cfg');
    // one node only (n2 on 127.0.0.2 would listen nowhere)
    writeFileSync(path, runnable(nodePort, httpPort).replace(/^ {4}server n2 .*\n/m, ''));
    proxies.push(spawn('haproxy', ['-db', '-f', path], { stdio: 'ignore' }));
    // the result of n1's first check (show stat's check_status: L7OK passed, L7STS a status it does not expect)
    let status = '';
    for (let i = 0; i < 100 && !/^L[4-7]/.test(status); i++) {
      const stat = await admin('show stat').catch(() => '');
      const [header = '', ...rows] = stat.split('\n');
      const column = header.replace(/^# /, '').split(',').indexOf('check_status');
      status = rows.find((r) => r.startsWith('a,n1,'))?.split(',')[column] ?? '';
      if (!/^L[4-7]/.test(status)) await sleep(100);
    }
    expect(status).toBe('L7OK');
  }, 30_000);
});
