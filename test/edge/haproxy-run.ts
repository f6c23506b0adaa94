/**
 * Running a generated haproxy.cfg with the real HAProxy (in the foreground, as this user), in front
 * of "nodes" (HTTP servers on 127.0.0.1 and 127.0.0.2 at one node port), for the tests of what the
 * operator of the edge sees (haproxy-runtime, haproxy-logs, haproxy-tls and haproxy-reload.test.ts).
 * Each test file calls `stopAll` after its tests.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { HAPROXY_MONITOR, haproxyConfig } from '../../lib/edge/haproxy.js';
import { keepalivedConfigs } from '../../lib/edge/keepalived.js';
import type { EdgePlan } from '../../lib/edge/publish.js';

export const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
export const HAPROXY_MISSING =
  'haproxy is not installed, so a generated haproxy.cfg cannot be run: apt-get update && apt-get install -y haproxy (.ci/run installs it when missing)';

/** Listens on `host`:`port` (0: any free port); the port. */
export const listen = (server: Server, host: string, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });

/** A port free on 127.0.0.1 (listened on, then closed), for haproxy to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server, '127.0.0.1', 0);
  await new Promise((r) => server.close(r));
  return port;
}

/** Nodes n1 (127.0.0.1) and n2 (127.0.0.2) listening at one node port, which is returned; closed after the tests. */
export async function twoNodes(n1: Server, n2: Server): Promise<number> {
  nodes.push(n1, n2);
  const nodePort = await listen(n1, '127.0.0.1', 0);
  await listen(n2, '127.0.0.2', nodePort);
  return nodePort;
}

/** A node: answers 200 on every path, as a ready pod behind the node port does. */
export const node = () => createServer((_req, res) => res.end('ok\n'));

/** The status of a GET of `/` on the edge's plain HTTP listener, for host a.example.com. */
export const status = (port: number) =>
  new Promise<number>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', headers: { host: 'a.example.com' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });

/** A GET of `path` on the edge's plain HTTP listener for host a.example.com: its status and the body it got before the end or a close. */
export const fetchBody = (port: number, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { host: 'a.example.com' } }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      // a connection closed before the end of the body is an 'aborted' response, then 'close'
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The plan of one frontend (plain HTTP, no redirect) sending a.example.com to two nodes at `nodePort`, n2 drained if said. */
export const planOf = (nodePort: number, { drainN2 = false } = {}): EdgePlan => ({
  stage: 'edge',
  source: 'environments/edge.yaml',
  machines: [{ name: 'lb1', address: '10.0.0.5' }],
  frontends: [
    {
      name: 'web',
      httpPort: 80,
      httpsPort: 443,
      certificates: ['/etc/haproxy/certs/a.pem'],
      redirectHttp: false,
      gzip: false,
      routes: [{ host: 'a.example.com', app: 'a', backend: 'a' }],
    },
  ],
  backends: [
    {
      name: 'a',
      service: 'Service edge/a',
      nodePort,
      healthPath: '/ready',
      host: 'a.example.com',
      servers: [
        { name: 'n1', address: '127.0.0.1' },
        { name: 'n2', address: '127.0.0.2', ...(drainN2 ? { drained: true } : {}) },
      ],
    },
  ],
});

// the test files share this module (vitest.config.ts: isolate false): each one's directory is made at its first use
// and removed by its stopAll
let current: string | undefined;
/** The directory of this test file's configs and admin socket. */
export const runDir = () => (current ??= mkdtempSync(join(tmpdir(), 'stagecraft-haproxy-run-')));
/** The admin socket of the configs `runnable` gives (`stats socket`), in this test's directory. */
export const socket = () => join(runDir(), 'admin.sock');

/**
 * The generated haproxy.cfg of `planOf(nodePort)` as this user runs it: without root's chroot, syslog
 * or TLS listener, its admin socket in this test's directory, listening on 127.0.0.1:`httpPort`.
 */
export const runnable = (nodePort: number, httpPort: number, options: { drainN2?: boolean; maxconn?: number } = {}) =>
  haproxyConfig(planOf(nodePort, options), options.maxconn)
    .split('\n')
    .filter((l) => !/^ {4}(chroot|user|group|log \/dev\/log|bind :443 )/.test(l))
    .join('\n')
    .replace(/^( {4}stats socket) \S+/m, `$1 ${socket()}`)
    .replace('bind :80\n', `bind 127.0.0.1:${httpPort}\n`);

/** What the admin socket answers to `command`, as `socat stdio /run/haproxy/admin.sock` prints it. */
export const admin = (command: string) =>
  new Promise<string>((resolve, reject) => {
    let out = '';
    const c = connect(socket(), () => c.write(`${command}\n`));
    c.on('data', (d) => {
      out += d;
    });
    c.on('end', () => resolve(out));
    c.on('error', reject);
  });

/** Stops the haproxy processes of the tests before, which would answer at the same admin socket, once they have exited. */
export async function stopProxies(): Promise<void> {
  const exited = (p: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      p.once('exit', () => resolve());
      p.kill();
    });
  await Promise.all(proxies.splice(0).map(exited));
}
/** Starts haproxy on `config` (written to `file`) with its monitor at `monitorPort`; the process. */
export function startMonitored(file: string, config: string, monitorPort: number): ChildProcess {
  const path = join(runDir(), file);
  writeFileSync(path, config.replace(`bind 127.0.0.1:${HAPROXY_MONITOR.port}\n`, `bind 127.0.0.1:${monitorPort}\n`));
  const proxy = spawn('haproxy', ['-db', '-f', path], { stdio: 'ignore' });
  proxies.push(proxy);
  return proxy;
}

/**
 * The check keepalived runs on an edge machine (keepalived.conf's vrrp_script), at `monitorPort`,
 * with `env` (keepalived's environment), once it has passed: a function giving its exit status.
 */
export async function keepalivedCheck(monitorPort: number, env: NodeJS.ProcessEnv = process.env): Promise<() => number | null> {
  const keepalived = keepalivedConfigs('edge', 'environments/edge.yaml', {
    machines: { lb1: { address: '10.0.0.5' }, lb2: { address: '10.0.0.6' } },
    floatingIp: { address: '10.0.0.100/24', interface: 'eth0', routerId: 7 },
    frontends: {},
  });
  const script = /^ {4}script "(.*)"$/m
    .exec(keepalived.get('keepalived-lb1.conf')!)![1]!
    .replace(`:${HAPROXY_MONITOR.port}/`, `:${monitorPort}/`);
  const check = () => {
    // split as keepalived splits it: at spaces, a word in single quotes without them
    const [command, ...args] = script.split(' ').map((w) => w.replace(/^'(.*)'$/, '$1'));
    return spawnSync(command!, args, { timeout: 5000, env }).status;
  };
  let passed = false;
  for (let i = 0; i < 100 && !passed; i++) {
    passed = check() === 0;
    if (!passed) await sleep(100);
  }
  expect(passed, `keepalived's check (${script}) did not pass within 10s of haproxy's start`).toBe(true);
  return check;
}

export const nodes: Server[] = [];
export const proxies: ChildProcess[] = [];
/** Stops every haproxy and node the tests started, and removes their directory: each test file's afterAll. */
export function stopAll(): void {
  for (const p of proxies.splice(0)) p.kill();
  for (const n of nodes.splice(0)) {
    n.closeAllConnections();
    n.close();
  }
  if (current) rmSync(current, { recursive: true, force: true });
  current = undefined;
}
