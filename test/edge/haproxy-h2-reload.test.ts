/**
 * HTTP/2 clients (the TLS listener's `alpn h2`, what browsers speak there) through blue/green switches
 * reloaded as the README says (`-x <admin socket> -sf <old pid>`), with the real HAProxy on the generated
 * haproxy.cfg (haproxy-run.ts): the old process sends each connection a GOAWAY as the reload begins, so
 * its clients move to the new process (the color now live), and a request that crosses the GOAWAY is
 * refused unprocessed (RST_STREAM REFUSED_STREAM), never reset once the app has it: one a client may send
 * again, which browsers and curl do and Node's http2 leaves to its caller (README, "The edge").
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type ClientHttp2Session, connect as h2connect } from 'node:http2';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyConfig } from '../../lib/edge/haproxy.js';
import { HAPROXY_MISSING, freePort, haproxy, listen, nodes, planOf, proxies, runDir, sleep, socket, stopAll } from './haproxy-run.js';

let certificate: string;
beforeAll(() => {
  const [key, cert] = [join(runDir(), 'h2-key.pem'), join(runDir(), 'h2-cert.pem')];
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=a.example.com', '-keyout', key, '-out', cert],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl could not make a test certificate: ${r.stderr || r.error}`);
  certificate = join(runDir(), 'h2-edge.pem');
  writeFileSync(certificate, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
});
afterAll(stopAll);

/** NGHTTP2_REFUSED_STREAM: the server did not process the stream, which may be sent again (RFC 9113 8.7). */
const REFUSED_STREAM = 7;

/** One request's outcome: when it was sent, and the color that answered it (`blue`, `green`) or how it failed. */
interface Outcome {
  readonly sent: number;
  readonly answer: string;
}

/** A GET on `session`: the body of its 200 (the color), `refused` when refused unprocessed, else the status or error. */
const get = (session: ClientHttp2Session) =>
  new Promise<string>((resolve) => {
    const req = session.request({ ':path': '/', ':authority': 'a.example.com' });
    let [status, body] = ['', ''];
    req.setTimeout(5000, () => {
      resolve('no answer within 5s');
      req.close();
    });
    req.on('response', (h) => {
      status = String(h[':status']);
    });
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => resolve(status === '200' ? body.trim() : `status ${status}`));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(req.rstCode === REFUSED_STREAM ? 'refused' : `${e.code} ${req.rstCode}`));
    req.end();
  });

/**
 * A client on one HTTP/2 connection at a time, sending GETs one after another (0-20 ms apart) while
 * `running` says so, opening a new connection once its own was sent a GOAWAY or closed.
 */
/** When `p` has exited (now, if it has). */
const exitOf = (p: ChildProcess) =>
  new Promise<number>((resolve) =>
    p.exitCode !== null || p.signalCode !== null ? resolve(Date.now()) : p.once('exit', () => resolve(Date.now())),
  );

async function h2Client(port: number, running: () => boolean, outcomes: Outcome[], goaways: { n: number }): Promise<void> {
  let session: ClientHttp2Session | undefined;
  const open = () => {
    const s = h2connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false, servername: 'a.example.com' });
    s.on('error', () => {});
    s.on('goaway', () => {
      goaways.n++;
      if (session === s) session = undefined;
    });
    s.on('close', () => {
      if (session === s) session = undefined;
    });
    return s;
  };
  while (running()) {
    session ??= open();
    const sent = Date.now();
    outcomes.push({ sent, answer: await get(session) });
    await sleep(Math.random() * 20);
  }
  session?.close();
}

describe('HTTP/2 clients through blue/green switches reloaded without systemd, as the README says', () => {
  it('are each sent a GOAWAY and move to the new process, the color now live; a request crossing it is refused unprocessed, none is reset or answered 5xx', async () => {
    if (haproxy.error) throw new Error(HAPROXY_MISSING);
    let served = 0;
    const color = (name: string) =>
      createServer((req, res) => {
        if (req.url !== '/ready') served++;
        res.end(`${name}\n`);
      });
    const [blue, green] = [color('blue'), color('green')];
    nodes.push(blue, green);
    const ports = { blue: await listen(blue, '127.0.0.1', 0), green: await listen(green, '127.0.0.1', 0) };
    const [httpsPort, monitorPort] = [await freePort(), await freePort()];
    // the live color's backend as a switch writes it: the plan's one node at that color's node port
    const configOf = (live: 'blue' | 'green') =>
      haproxyConfig(planOf(ports[live]))
        .split('\n')
        .filter((l) => !/^ {4}(chroot|user|group|log \/dev\/log|server n2 |bind :80$)/.test(l))
        .join('\n')
        .replace(/^( {4}stats socket) \S+/m, `$1 ${socket()}`)
        .replace(/bind :443 ssl crt \S+/, `bind 127.0.0.1:${httpsPort} ssl crt ${certificate}`)
        .replace(/bind 127\.0\.0\.1:\d+\n( {4}monitor-uri)/, `bind 127.0.0.1:${monitorPort}\n$1`);
    expect(configOf('blue')).toMatch(/ alpn h2,http\/1\.1$/m);
    const config = join(runDir(), 'h2.cfg');
    writeFileSync(config, configOf('blue'));
    let current = spawn('haproxy', ['-db', '-f', config], { stdio: 'ignore' });
    proxies.push(current);
    // up once a GET on a new connection is answered by blue
    let up = '';
    for (let i = 0; i < 100 && up !== 'blue'; i++) {
      const s = h2connect(`https://127.0.0.1:${httpsPort}`, { rejectUnauthorized: false, servername: 'a.example.com' });
      s.on('error', () => {});
      up = await get(s);
      s.destroy();
      if (up !== 'blue') await sleep(100);
    }
    expect(up).toBe('blue');
    served = 0;

    const outcomes: Outcome[] = [];
    const goaways = { n: 0 };
    let running = true;
    const clients = Array.from({ length: 10 }, () => h2Client(httpsPort, () => running, outcomes, goaways));
    const switches: { at: number; live: string }[] = [];
    // when each process a reload replaced has exited (its last connection closed)
    const replaced: Promise<number>[] = [];
    for (const live of ['green', 'blue', 'green'] as const) {
      await sleep(700);
      writeFileSync(config, configOf(live));
      switches.push({ at: Date.now(), live });
      replaced.push(exitOf(current));
      current = spawn('haproxy', ['-db', '-f', config, '-x', socket(), '-sf', String(current.pid)], { stdio: 'ignore' });
      proxies.push(current);
    }
    // no clock is trusted for the move (a loaded machine may take seconds): the requests compared below are
    // those sent once every replaced process is gone, so only the last one can answer them; waited for until
    // there are enough of them, at most 30 s
    const gone = Math.max(...(await Promise.all(replaced)));
    for (let i = 0; i < 300 && outcomes.filter((o) => o.sent > gone).length < 100; i++) await sleep(100);
    running = false;
    await Promise.all(clients);

    const answers = outcomes.map((o) => o.answer);
    // each request answered by a color, or refused unprocessed: never reset, answered 5xx or left hanging
    expect(answers.filter((a) => !['blue', 'green', 'refused'].includes(a))).toEqual([]);
    // the refused never reached the app: each request the app served was answered
    expect(served).toBe(answers.filter((a) => a !== 'refused').length);
    // each client was sent a GOAWAY at each reload
    expect(goaways.n).toBeGreaterThanOrEqual(10 * switches.length);
    // the clients moved to the new process: sent once the replaced processes are gone, every request is answered
    // by the color now live
    const late = outcomes.filter((o) => o.sent > gone);
    expect(late.length).toBeGreaterThan(50);
    expect(new Set(late.map((o) => o.answer))).toEqual(new Set([switches.at(-1)!.live]));
  }, 60_000);
});
