/**
 * The README's reload without systemd (`haproxy -x <admin socket> -sf <old pid>`), run as written
 * with the real HAProxy on the generated haproxy.cfg (haproxy-run.ts): the new process listens on
 * the old one's very sockets (the same inodes, read from /proc), so a connection waiting in their
 * queue when the old process leaves is answered by the new one. Without `-x` the new process binds
 * sockets of its own beside the old ones, and the old process resets what waits in its queue when
 * it closes them: the test makes such a connection wait there on purpose (maxconn 1, the one
 * connection held), instead of hoping for one under load.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAPROXY_ADMIN_SOCKET, HAPROXY_MONITOR } from '../../lib/edge/haproxy.js';
import { REPO } from '../helpers/cli.js';
import { HAPROXY_MISSING, freePort, haproxy, listen, nodes, proxies, runDir, runnable, sleep, socket, stopAll } from './haproxy-run.js';

afterAll(stopAll);

/** The README's lines that reload haproxy without systemd, or start it where none runs: from `if sudo kill -0` to `fi`. */
const readmeReload = (): string | undefined => {
  const lines = readFileSync(join(REPO, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('if sudo kill -0 '));
  const end = lines.indexOf('fi', start);
  return start < 0 || end < 0 ? undefined : lines.slice(start, end + 1).join('\n');
};

/**
 * The README's reload as this test runs it: as this user, in the foreground (`-db` for `-D`, so
 * that the process is the test's child), with this test's config, pid file and admin socket. Every
 * other word as the README writes it: without its `-x`, the reload binds sockets of its own.
 */
function reloadCommand(config: string, pidFile: string): string {
  const block = readmeReload();
  expect(block, "the README's reload without systemd (if sudo kill -0 ... fi)").toBeDefined();
  for (const part of [' -f /etc/haproxy/haproxy.cfg ', ' -p /run/haproxy.pid ', '-sf $(cat /run/haproxy.pid)', '\nelse sudo haproxy -D ']) {
    expect(block, "the README's reload without systemd").toContain(part);
  }
  return block!
    .replaceAll('sudo haproxy -D ', 'exec haproxy -db ')
    .replaceAll('sudo kill ', 'kill ')
    .replaceAll('/etc/haproxy/haproxy.cfg', config)
    .replaceAll('/run/haproxy.pid', pidFile)
    .replaceAll(HAPROXY_ADMIN_SOCKET, socket());
}

/**
 * The TCP sockets process `pid` listens on (none once it has exited): each one's inode by its port
 * (its descriptors link to `socket:[<inode>]`, and /proc/net/tcp gives each socket's state, 0A for
 * listening, and local port).
 */
function listeningSockets(pid: number): Record<number, string> {
  const held = new Set<string>();
  for (const fd of existsSync(`/proc/${pid}/fd`) ? readdirSync(`/proc/${pid}/fd`) : []) {
    const inode = /^socket:\[(\d+)\]$/.exec(readlinkOrNone(`/proc/${pid}/fd/${fd}`))?.[1];
    if (inode) held.add(inode);
  }
  const sockets: Record<number, string> = {};
  for (const [, local, , state, , , , , , inode] of tcpSockets()) {
    if (state === '0A' && held.has(inode!)) sockets[localPort(local!)] = inode!;
  }
  return sockets;
}

/** Where the link at `path` points; '' for a descriptor closed between the listing and the read. */
const readlinkOrNone = (path: string) => {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
};

/** The columns of each line of /proc/net/tcp (IPv4, which the test's listeners are). */
const tcpSockets = () =>
  readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.trim().split(/\s+/));

/** The port of a local address as /proc/net/tcp writes it (hex address:hex port). */
const localPort = (address: string) => Number.parseInt(address.split(':')[1]!, 16);

/** How many connections wait to be accepted on the sockets listening at `port` (a listening socket's rx_queue). */
const queued = (port: number) =>
  tcpSockets()
    .filter(([, local, , state]) => state === '0A' && localPort(local!) === port)
    .map(([, , , , queues]) => Number.parseInt(queues!.split(':')[1]!, 16))
    .reduce((a, b) => a + b, 0);

/** A GET of `path` on a new connection: its status, or the error's code (ECONNRESET, ECONNREFUSED). */
const fresh = (port: number, path = '/') =>
  new Promise<string>((resolve) => {
    get({ host: '127.0.0.1', port, path, agent: false, headers: { host: 'a.example.com' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    }).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });

/**
 * A keep-alive connection to 127.0.0.1:`port` that has made one request and now waits, idle; `again`
 * sends one more on it: the status and Connection header of its answer (`200 close`), or `closed`
 * when the connection was closed first or reset.
 */
async function idleConnection(port: number): Promise<{ again: () => Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  let closed = false;
  let answered = () => {};
  socket.on('data', (d) => {
    received += d;
    if (/\r\n\r\nok\n$/.test(received)) answered();
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
    answered();
  });
  const request = () =>
    new Promise<string>((resolve) => {
      received = '';
      answered = () => {
        const head = received.split('\r\n\r\n')[0]!;
        const status = /^HTTP\/1\.1 (\d+)/.exec(head)?.[1];
        resolve(status ? `${status} ${/^connection: close$/im.test(head) ? 'close' : 'keep-alive'}` : 'closed');
      };
      if (closed) return answered();
      socket.write('GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n');
    });
  expect(await request()).toBe('200 keep-alive');
  return { again: request };
}

/** Waits until `done` holds, polling; fails saying `what` did not happen after 10s. */
async function until(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await done()) return;
    await sleep(20);
  }
  expect.fail(`${what} within 10s`);
}

/** The exit code of `p` once it has exited (the signal's name if one ended it). */
const exited = (p: ChildProcess) =>
  new Promise<number | string | null>((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve(p.exitCode ?? p.signalCode);
    p.once('exit', (code, signal) => resolve(code ?? signal));
  });

/** A node answering 200 at once, except to `/held`, answered only once `release` is called; `received` resolves when that request has come. */
function holdingNode() {
  let arrived = () => {};
  let release = () => {};
  const received = new Promise<void>((r) => {
    arrived = r;
  });
  const released = new Promise<void>((r) => {
    release = r;
  });
  const server = createServer((req, res) => {
    if (req.url !== '/held') return res.end('ok\n');
    arrived();
    void released.then(() => res.end('ok\n'));
  });
  nodes.push(server);
  return { server, received, release: () => release() };
}

describe('a reload without systemd, as the README says', () => {
  it.each([
    ['no pid file (a first start)', false],
    ['the pid file of a process that is gone (its edge taken out, then put back; or killed)', true],
  ])(
    'starts haproxy where none runs, without -x (which finds no old process and refuses to start): %s',
    async (_, stale) => {
      if (haproxy.error) throw new Error(HAPROXY_MISSING);
      const server = createServer((_req, res) => res.end('ok\n'));
      nodes.push(server);
      const nodePort = await listen(server, '127.0.0.1', 0);
      const [httpPort, monitorPort] = [await freePort(), await freePort()];
      const config = join(runDir(), `start-${stale}.cfg`);
      writeFileSync(
        config,
        runnable(nodePort, httpPort)
          .replace(/^ {4}server n2 .*\n/m, '')
          .replace(`bind 127.0.0.1:${HAPROXY_MONITOR.port}\n`, `bind 127.0.0.1:${monitorPort}\n`),
      );
      const pidFile = join(runDir(), `start-${stale}.pid`);
      if (stale) {
        // a process that has exited: its pid names no process now
        const gone = spawn('true');
        await exited(gone);
        writeFileSync(pidFile, `${gone.pid}\n`);
      }
      let stderr = '';
      const started = spawn('bash', ['-c', reloadCommand(config, pidFile)], { stdio: ['ignore', 'ignore', 'pipe'] });
      started.stderr!.on('data', (d) => {
        stderr += d;
      });
      proxies.push(started);
      const answer = await Promise.race([
        (async () => {
          await until(async () => (await fresh(httpPort)) === '200', 'haproxy did not answer');
          return '200';
        })(),
        exited(started).then((code) => `haproxy exited (${code}): ${stderr}`),
      ]);
      expect(answer).toBe('200');
    },
    30_000,
  );

  it("starts the new process on the old one's listening sockets (-x the admin socket, which haproxy.cfg exposes them on): a connection waiting in their queue as the old process leaves is answered, not reset", async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const node = holdingNode();
    const nodePort = await listen(node.server, '127.0.0.1', 0);
    const [httpPort, monitorPort] = [await freePort(), await freePort()];
    const config = join(runDir(), 'reload.cfg');
    // one connection at a time (maxconn 1): while the old process serves one, the next waits in the
    // kernel's queue of its listening socket, where a reload that binds sockets of its own resets it
    writeFileSync(
      config,
      runnable(nodePort, httpPort, { maxconn: 1 })
        .replace(/^ {4}server n2 .*\n/m, '')
        .replace(`bind 127.0.0.1:${HAPROXY_MONITOR.port}\n`, `bind 127.0.0.1:${monitorPort}\n`),
    );
    const old = spawn('haproxy', ['-db', '-f', config], { stdio: 'ignore' });
    proxies.push(old);
    const pidFile = join(runDir(), 'haproxy.pid');
    writeFileSync(pidFile, `${old.pid}\n`);
    await until(async () => (await fresh(httpPort)) === '200', 'haproxy did not answer');
    const sockets = listeningSockets(old.pid!);
    expect(Object.keys(sockets).map(Number).sort()).toEqual([httpPort, monitorPort].sort());

    // the old process's one connection, whose answer the node holds; the next waits in the queue
    const first = fresh(httpPort, '/held');
    await node.received;
    const waiting = fresh(httpPort);
    await until(() => queued(httpPort) === 1, 'the second connection did not wait in the listening socket');

    let stderr = '';
    const reloaded = spawn('bash', ['-c', reloadCommand(config, pidFile)], { stdio: ['ignore', 'ignore', 'pipe'] });
    reloaded.stderr!.on('data', (d) => {
      stderr += d;
    });
    proxies.push(reloaded);
    const answer = await Promise.race([waiting, exited(reloaded).then((code) => `the new process exited (${code}): ${stderr}`)]);
    expect({ answer, sockets: listeningSockets(reloaded.pid!) }).toEqual({ answer: '200', sockets });

    // the old process finishes its connection and leaves (-sf); the new one serves on
    node.release();
    expect(await first).toBe('200');
    expect(await exited(old)).toBe(0);
    expect([reloaded.exitCode, await fresh(httpPort)]).toEqual([null, '200']);
  }, 30_000);

  it("keeps the old process's idle keep-alive connections open until their next request, answered with Connection: close, however long after the reload it comes (not closed idle, where a request sent just then was reset); one that stays idle closes at timeout http-keep-alive, and the old process leaves", async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    const server = createServer((_req, res) => res.end('ok\n'));
    nodes.push(server);
    const nodePort = await listen(server, '127.0.0.1', 0);
    const [httpPort, monitorPort] = [await freePort(), await freePort()];
    const config = join(runDir(), 'keep-alive.cfg');
    const generated = runnable(nodePort, httpPort)
      .replace(/^ {4}server n2 .*\n/m, '')
      .replace(`bind 127.0.0.1:${HAPROXY_MONITOR.port}\n`, `bind 127.0.0.1:${monitorPort}\n`);
    expect(generated).toMatch(/^ {4}option idle-close-on-response$/m);
    // an idle connection is closed at timeout http-keep-alive after its last answer, whatever the reload does: 5s would
    // leave the requests 2.5s after the reload some 2s in hand, which a reload slowed by a loaded machine takes (all
    // 'closed', as without the option); 15s leaves 12s, and the quiet one still shows it closed then
    expect(generated).toMatch(/^ {4}timeout http-keep-alive 5s$/m);
    const text = generated.replace(/^( {4}timeout http-keep-alive) 5s$/m, '$1 15s');
    writeFileSync(config, text);
    const old = spawn('haproxy', ['-db', '-f', config], { stdio: 'ignore' });
    proxies.push(old);
    const pidFile = join(runDir(), 'keep-alive.pid');
    writeFileSync(pidFile, `${old.pid}\n`);
    await until(async () => (await fresh(httpPort)) === '200', 'haproxy did not answer');
    const idle = await Promise.all(Array.from({ length: 20 }, () => idleConnection(httpPort)));
    const quiet = await idleConnection(httpPort);

    const reloaded = spawn('bash', ['-c', reloadCommand(config, pidFile)], { stdio: 'ignore' });
    proxies.push(reloaded);
    // the old process is told to stop (-sf) once the new one runs: it stops listening, and keeps its idle connections
    await until(() => listeningSockets(reloaded.pid!)[httpPort] !== undefined, 'the new process did not listen');
    await until(() => listeningSockets(old.pid!)[httpPort] === undefined, 'the old process did not stop listening');
    // half of close-spread-time (5s) after the reload: with it, about half of them were closed idle by now
    await sleep(2500);
    const answers = await Promise.all(idle.map((c) => c.again()));
    expect(answers).toEqual(Array.from({ length: 20 }, () => '200 close'));
    expect(await fresh(httpPort)).toBe('200');
    // the connection that sends nothing more (quiet) is closed at timeout http-keep-alive (15s here), then the old process leaves
    expect(quiet).toBeDefined();
    expect(await Promise.race([exited(old), sleep(30_000).then(() => 'still running 30 s after the requests')])).toBe(0);
  }, 60_000);
});
