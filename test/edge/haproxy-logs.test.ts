/**
 * What an operator reads of a generated haproxy.cfg run by the real HAProxy (haproxy-run.ts): its
 * log lines, and the state of a backend whose readiness path answers with a redirect.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAPROXY_MONITOR } from '../../lib/edge/haproxy.js';
import {
  HAPROXY_MISSING,
  admin,
  freePort,
  haproxy,
  listen,
  node,
  nodes,
  proxies,
  runDir,
  runnable,
  sleep,
  status,
  stopAll,
  stopProxies,
  twoNodes,
} from './haproxy-run.js';

afterAll(stopAll);

/** The status `answer` gives within 10s (each try 100ms apart), or the last one it gave. */
async function awaitStatus(answer: () => Promise<number>, wanted: number): Promise<number> {
  let got = 0;
  for (let i = 0; i < 100 && got !== wanted; i++) {
    got = await answer().catch(() => 0);
    if (got !== wanted) await sleep(100);
  }
  return got;
}

/**
 * Server n1 of backend a in show stat: its check status once its first check ended (`check_status`: L7OK
 * passed, L7STS an unexpected status), or, given `state`, its state once it is that (within 10s).
 */
async function firstCheck(state?: string): Promise<string> {
  const [name, done] = state === undefined ? ['check_status', (v: string) => /^L[4-7]/.test(v)] : ['status', (v: string) => v === state];
  let value = '';
  for (let i = 0; i < 100 && !done(value); i++) {
    const stat = await admin('show stat').catch(() => '');
    const [header = '', ...rows] = stat.split('\n');
    const column = header.replace(/^# /, '').split(',').indexOf(name);
    value = rows.find((r) => r.startsWith('a,n1,'))?.split(',')[column] ?? '';
    if (!done(value)) await sleep(100);
  }
  return value;
}

/**
 * haproxy started on the generated config (written to `file`) in front of the nodes at `nodePort` (n1
 * alone with `servers: 1`), logging to the machine's syslog (/dev/log, which Debian's unit puts in the
 * chroot) as a UDP listener: the lines logged, its HTTP and monitor ports, and `close` for the listener.
 */
async function loggingProxy(file: string, nodePort: number, servers: 1 | 2) {
  const lines: string[] = [];
  const syslog = createSocket('udp4').on('message', (m) => lines.push(m.toString()));
  const logPort = await new Promise<number>((resolve) => syslog.bind(0, '127.0.0.1', () => resolve(syslog.address().port)));
  const [httpPort, monitorPort] = [await freePort(), await freePort()];
  const config = runnable(nodePort, httpPort)
    .replace('global\n', `global\n    log 127.0.0.1:${logPort} local0\n`)
    .replace(`bind 127.0.0.1:${HAPROXY_MONITOR.port}\n`, `bind 127.0.0.1:${monitorPort}\n`);
  const path = join(runDir(), file);
  writeFileSync(path, servers === 1 ? config.replace(/^ {4}server n2 .*\n/m, '') : config);
  proxies.push(spawn('haproxy', ['-db', '-f', path], { stdio: 'ignore' }));
  return { lines, httpPort, monitorPort, close: () => syslog.close() };
}

describe('haproxy running a generated haproxy.cfg, as its operator reads it', () => {
  it("logs each request (option httplog) with its backend, server and status, and a 503 with no server up as <NOSRV>, but not keepalived's requests to the monitor", async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    await stopProxies();
    const up = createServer((_req, res) => res.end('ok\n'));
    nodes.push(up);
    const { lines, httpPort, monitorPort, close } = await loggingProxy('logs.cfg', await listen(up, '127.0.0.1', 0), 1);
    try {
      expect(await awaitStatus(() => status(httpPort), 200), 'haproxy did not answer 200 within 10s').toBe(200);
      // keepalived's check, as it asks every 2s
      const monitor = () =>
        new Promise<number>((resolve, reject) =>
          get({ host: '127.0.0.1', port: monitorPort, path: HAPROXY_MONITOR.path }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          }).on('error', reject),
        );
      expect(await monitor()).toBe(200);
      // every server down, once its checks took it out: the client gets haproxy's 503 page, logged without a server
      up.closeAllConnections();
      await new Promise((r) => up.close(r));
      expect(await firstCheck('DOWN')).toBe('DOWN');
      expect(await status(httpPort)).toBe(503);
      await sleep(300);
      expect(lines.find((l) => / web a\/n1 .* 200 .*"GET \/ HTTP\/1\.1"/.test(l))).toBeDefined();
      expect(lines.find((l) => / web a\/<NOSRV> .* 503 .*"GET \/ HTTP\/1\.1"/.test(l))).toBeDefined();
      expect(lines.find((l) => l.includes('Server a/n1 is DOWN'))).toBeDefined();
      expect(lines.filter((l) => l.includes(HAPROXY_MONITOR.path) || l.includes(HAPROXY_MONITOR.frontend))).toEqual([]);
    } finally {
      close();
    }
  }, 30_000);

  it.each([
    [
      'at once, with two servers: each of the 3 retries goes to the other (option redispatch 1) without a wait',
      2 as const,
      0,
      1000,
      '\\+3',
    ],
    ['about 3 seconds later, with one server: its 3 retries are a second apart', 1 as const, 2500, 6000, '3'],
  ])(
    'answers 503 to a request that finds every node refusing connections before the checks take them out %s',
    async (_, count, least, most, retries) => {
      if (haproxy.error) throw new Error(HAPROXY_MISSING);
      await stopProxies();
      const up = [node(), node()];
      const { lines, httpPort, close } = await loggingProxy('refused.cfg', await twoNodes(up[0]!, up[1]!), count);
      try {
        expect(await awaitStatus(() => status(httpPort), 200), 'haproxy did not answer 200 within 10s').toBe(200);
        // the nodes stop: they refuse connections, and their checks (every 2s) have not taken them out yet
        for (const n of up) {
          n.closeAllConnections();
          await new Promise((r) => n.close(r));
        }
        const start = Date.now();
        expect(await status(httpPort)).toBe(503);
        const took = Date.now() - start;
        expect(took).toBeGreaterThanOrEqual(least);
        expect(took).toBeLessThan(most);
        await sleep(300);
        // at a server still UP, after 3 retries (+3: each to another server), the connection refused (SC--)
        const logged = new RegExp(` web a/n[12] .* 503 .* SC-- [0-9/]+${retries} .*"GET / HTTP/1\\.1"`);
        expect(lines.find((l) => logged.test(l))).toBeDefined();
      } finally {
        close();
      }
    },
    30_000,
  );

  it('keeps a server whose readiness path answers a redirect UP, as the kubelet counts 200-399 as ready (an app that sends /ready to /ready/, or plain HTTP to HTTPS)', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    await stopProxies();
    const redirecting = createServer((req, res) => {
      res.writeHead(req.url === '/ready' ? 301 : 200, { location: '/ready/' });
      res.end();
    });
    nodes.push(redirecting);
    const nodePort = await listen(redirecting, '127.0.0.1', 0);
    const path = join(runDir(), 'redirect.cfg');
    writeFileSync(path, runnable(nodePort, await freePort()).replace(/^ {4}server n2 .*\n/m, ''));
    proxies.push(spawn('haproxy', ['-db', '-f', path], { stdio: 'ignore' }));
    expect(await firstCheck()).toBe('L7OK');
  }, 30_000);
});
