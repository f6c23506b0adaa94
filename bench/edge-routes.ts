/**
 * What the routes of a generated haproxy.cfg cost HAProxy: the CPU time (user + system, from
 * /proc/<pid>/stat) that the real haproxy spends answering requests over a keep-alive connection
 * to a host no route names (each one compared with every route, then the 404 of
 * `stagecraft_no_app`), with the config as lib/edge/haproxy.ts writes it (the host read once into
 * `txn.host`, each route comparing that variable) and as it wrote it before (each route running
 * the whole host expression). The two run in rounds, one of each per round (every other round in
 * the reverse order), so the machine's slow moments fall on both alike; prints the medians and the
 * median of the per-round ratios. Not a timed test: the figures depend on the machine and its load.
 * Needs `haproxy` on the PATH.
 *
 *   node --import tsx bench/edge-routes.ts [<routes> [<requests> [<rounds>]]]   (500 20000 5)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haproxyConfig } from '../lib/edge/haproxy.js';
import type { EdgePlan } from '../lib/edge/publish.js';
import { summarize } from './stats.js';

const [routes, requests, rounds] = [500, 20_000, 5].map((d, i) => Number(process.argv[2 + i] ?? d));
/** Requests written at once on the connection before their answers are read (HTTP/1.1 pipelining). */
const BATCH = 100;
/** The clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS = 100;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The config of `routes` hosts, each to a backend of its own, listening on 127.0.0.1:`port` over plain HTTP, without what needs root. */
function config(port: number, dualStack: boolean): string {
  const hosts = Array.from({ length: routes }, (_, i) => `app-${String(i).padStart(4, '0')}`);
  const plan: EdgePlan = {
    stage: 'bench',
    source: 'environments/bench.yaml',
    machines: [{ name: 'lb1', address: dualStack ? 'fd00::5' : '10.0.0.5' }],
    frontends: [
      {
        name: 'web',
        httpPort: port,
        httpsPort: 443,
        certificates: ['/c.pem'],
        redirectHttp: false,
        gzip: false,
        routes: hosts.map((h) => ({ host: `${h}.example.com`, app: h, backend: h })),
      },
    ],
    backends: hosts.map((h, i) => ({
      name: h,
      service: `Service bench/${h}`,
      nodePort: 30000 + i,
      host: `${h}.example.com`,
      servers: [{ name: 'n1', address: '127.0.0.1' }],
    })),
  };
  return haproxyConfig(plan)
    .split('\n')
    .filter((l) => !/^ {4}(chroot|user|group|log \/dev\/log|stats socket|bind :::|bind :443)/.test(l))
    .join('\n')
    .replace(`bind :${port}\n`, `bind 127.0.0.1:${port}\n`);
}

/** The same config as written before the host was read once: the expression in every route and in the 400's condition. */
function everyRoute(text: string): string {
  const set = /^ {4}http-request set-var\(txn\.host\) (\S+)\n/m.exec(text);
  if (!set) throw new Error('no set-var(txn.host) line: the config is not of the shape this benchmark compares');
  return (
    text
      .replace(set[0], '')
      .replaceAll('{ var(txn.host) -m str -i ', `{ ${set[1]} -i `)
      // the deny of a request without one valid host (lib/edge/haproxy.ts VALID_HOST), as it reads the host
      .replaceAll('{ var(txn.host) -m reg ', `{ ${set[1]} -m reg `)
  );
}

/** The CPU seconds (user + system) process `pid` has used. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Sends `requests` requests for a host no route names over one keep-alive connection, BATCH at a time; the 404s counted. */
function unknownHost(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const batch = 'GET / HTTP/1.1\r\nHost: unknown.example.com\r\n\r\n'.repeat(BATCH);
    let [answered, sent, pending] = [0, 0, ''];
    const more = () => {
      if (sent >= requests) return void socket.end();
      sent += BATCH;
      socket.write(batch);
    };
    socket.on('connect', more);
    socket.on('data', (d) => {
      pending += d.toString('latin1');
      const parts = pending.split('HTTP/1.1 404');
      answered += parts.length - 1;
      pending = parts[parts.length - 1]!;
      if (answered >= sent) more();
    });
    socket.on('close', () => resolve(answered));
    socket.on('error', reject);
  });
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.end();
      resolve(true);
    }).on('error', () => resolve(false));
  });

/** The haproxy CPU seconds that answering the requests of `unknownHost` costs with config `text`. */
async function run(dir: string, text: string, port: number): Promise<number> {
  const path = join(dir, 'haproxy.cfg');
  writeFileSync(path, text);
  const proxy = spawn('haproxy', ['-db', '-f', path], { stdio: 'ignore' });
  try {
    for (let i = 0; !(await listening(port)); i++) {
      if (i > 100) throw new Error(`haproxy did not listen on ${port} within 10s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = cpuSeconds(proxy.pid!);
    const answered = await unknownHost(port);
    if (answered !== requests) throw new Error(`${answered} of ${requests} requests answered 404`);
    return cpuSeconds(proxy.pid!) - before;
  } finally {
    proxy.kill();
    await new Promise((r) => proxy.once('exit', r));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'stagecraft-edge-routes-'));
try {
  for (const dualStack of [false, true]) {
    const samples = { once: [] as number[], every: [] as number[], ratio: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      const port = await freePort();
      const once = config(port, dualStack);
      const order = round % 2 ? (['every', 'once'] as const) : (['once', 'every'] as const);
      const cpu = { once: 0, every: 0 };
      for (const which of order) cpu[which] = await run(dir, which === 'once' ? once : everyRoute(once), port);
      samples.once.push(cpu.once);
      samples.every.push(cpu.every);
      samples.ratio.push(cpu.every / cpu.once);
    }
    const [once, every, ratio] = [summarize(samples.once), summarize(samples.every), summarize(samples.ratio)];
    const range = (s: typeof once) => `${s.median.toFixed(2)} s (${s.min.toFixed(2)}-${s.max.toFixed(2)})`;
    console.log(
      `${dualStack ? 'dual-stack' : 'IPv4'}, ${routes} routes, ${requests} keep-alive requests to a host no route names, haproxy CPU, median of ${rounds}: ` +
        `host read once (txn.host) ${range(once)}, expression in every route ${range(every)}, every/once ${ratio.median.toFixed(2)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
