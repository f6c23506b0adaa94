/**
 * The README's reload without systemd (`haproxy -x <admin socket> -sf <old pid>`), run with the real
 * HAProxy on the generated haproxy.cfg (haproxy-run.ts) while clients open connection after
 * connection: the new process takes the old one's listening sockets, so none is refused or reset.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAPROXY_ADMIN_SOCKET } from '../../lib/edge/haproxy.js';
import { REPO } from '../helpers/cli.js';
import {
  HAPROXY_MISSING,
  freePort,
  haproxy,
  listen,
  node,
  nodes,
  proxies,
  runDir,
  runnable,
  sleep,
  socket,
  status,
  stopAll,
} from './haproxy-run.js';

afterAll(stopAll);

/** The README's line that reloads haproxy without systemd. */
const readmeReload = () =>
  readFileSync(join(REPO, 'README.md'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('sudo haproxy -D '));

/** A GET of `/` on a new connection: its status, or the error's code (ECONNRESET, ECONNREFUSED). */
const fresh = (port: number) =>
  new Promise<string>((resolve) => {
    get({ host: '127.0.0.1', port, path: '/', agent: false, headers: { host: 'a.example.com' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    }).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });

describe('a reload without systemd, as the README says', () => {
  it("starts the new process on the old one's listening sockets (-x the admin socket, which haproxy.cfg exposes): no connection refused or reset across reloads", async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    expect(readmeReload()).toBe(
      `sudo haproxy -D -f /etc/haproxy/haproxy.cfg -p /run/haproxy.pid -x ${HAPROXY_ADMIN_SOCKET} -sf $(cat /run/haproxy.pid)`,
    );
    const server = node();
    nodes.push(server);
    const nodePort = await listen(server, '127.0.0.1', 0);
    const httpPort = await freePort();
    const path = join(runDir(), 'reload-x.cfg');
    writeFileSync(path, runnable(nodePort, httpPort).replace(/^ {4}server n2 .*\n/m, ''));
    const start = (args: string[]) => {
      const p = spawn('haproxy', ['-db', '-f', path, ...args], { stdio: 'ignore' });
      proxies.push(p);
      return p;
    };
    let current: ChildProcess = start([]);
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = (await status(httpPort).catch(() => 0)) === 200;
      if (!ready) await sleep(100);
    }
    expect(ready, 'haproxy did not answer within 10s').toBe(true);

    // clients open connection after connection while the config is reloaded, the old process told to leave (-sf)
    const answers: string[] = [];
    let reloading = true;
    const client = async () => {
      while (reloading) answers.push(await fresh(httpPort));
    };
    const clients = Array.from({ length: 20 }, client);
    const reloaded: ChildProcess[] = [];
    for (let i = 0; i < 6; i++) {
      await sleep(300);
      current = start(['-x', socket(), '-sf', String(current.pid)]);
      reloaded.push(current);
    }
    await sleep(500);
    reloading = false;
    await Promise.all(clients);

    // each new process took over (without the sockets it would have exited), and each old one left
    expect(reloaded.map((p) => p.exitCode)).toEqual([0, 0, 0, 0, 0, null]);
    expect(answers.length).toBeGreaterThan(100);
    expect(answers.filter((a) => a !== '200')).toEqual([]);
  }, 30_000);
});
