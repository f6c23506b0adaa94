/** One writer at a time: .stagecraft/lock. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, acquireLock, commandRan, lockWaitSeconds, processStart } from '../../lib/cli/lock.js';
import { atStep } from '../../lib/model/crash-point.cjs';
import { REPO, repoStage, snapshotDir, tempProject } from '../helpers/cli.js';

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Result {
  const r = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), command, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts a command without waiting for it, so that several run at once. */
function start(command: string, args: readonly string[], cwd: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'lib/cli/run.cjs'), command, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A lock file as a holder with this PID writes it (with the start of its process, when given). */
function writeLock(dir: string, pid: number, command = 'npm run synth', start?: string): string {
  const raw = JSON.stringify({
    pid,
    host: hostname(),
    command,
    since: '2026-12-01T10:00:00.000Z',
    token: 'abc',
    ...(start ? { start } : {}),
  });
  mkdirSync(join(dir, '.stagecraft'), { recursive: true });
  writeFileSync(join(dir, LOCK_FILE), raw);
  return raw;
}

const GUARD = join('.stagecraft', 'lock.takeover');

/** The guard of a takeover as the process `pid` writes it (what its lock would say); returns its path. */
function writeGuard(dir: string, pid: number, start?: string): string {
  const raw = JSON.stringify({
    pid,
    host: hostname(),
    command: 'npm run synth',
    since: new Date().toISOString(),
    token: `t${pid}`,
    ...(start ? { start } : {}),
  });
  writeFileSync(join(dir, GUARD), raw);
  return join(dir, GUARD);
}

/** Whether this process may run one in a PID and UTS namespace of its own (`unshare -pfu`: root, a kernel and container that allow it). */
const inOwnPidNamespace =
  process.getuid?.() === 0 && spawnSync('unshare', ['-pfu', '--mount-proc', 'true'], { stdio: 'ignore' }).status === 0;

/**
 * Starts a Node.js process in a PID namespace and hostname (a-container) of its own, with the PID `pid` there, that
 * writes into `state` the file a takeover links its guard from (`lock.takeover.<pid>.tmp`, its lock text, with its
 * start as its /proc says) and runs until killed; resolves once the file is there.
 */
async function claimInOwnNamespace(state: string, pid: number): Promise<ChildProcess> {
  const script =
    "const fs = require('node:fs'); const stat = fs.readFileSync('/proc/self/stat', 'utf8');" +
    "const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];" +
    "const text = JSON.stringify({ pid: process.pid, host: require('node:os').hostname(), command: 'npm run synth', since: new Date().toISOString(), token: 'c0ffee', start });" +
    "fs.writeFileSync(process.argv[1] + '/lock.takeover.' + process.pid + '.tmp', text); console.log('ready'); setInterval(() => {}, 1000);";
  // the shell is PID 1 of the namespace; the next PID given there is `pid`
  const shell = `hostname a-container && echo ${pid - 1} > /proc/sys/kernel/ns_last_pid && "$0" -e "$1" "$2"`;
  // --kill-child: the namespace's first process (and with it every process of the namespace) ends with unshare; without
  // it, killing unshare left the claim running for ever, holding the test worker's stderr, which vitest's main process
  // reads: the run's end then waited 10 s ('close timed out ... something prevents Vite server from exiting')
  const child = spawn('unshare', ['-pfu', '--kill-child', '--mount-proc', 'sh', '-c', shell, process.execPath, script, state], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(line.toString()).toBe('ready\n');
  return child;
}

/** The PID of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('the project lock', () => {
  it('refuses a second writer, naming the holder, and writes nothing', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    // this test's own process holds it: alive for as long as the test runs
    const raw = writeLock(dir, process.pid, 'npm run promote -- qa production');
    const before = snapshotDir(dir);
    const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: another command is writing this project: pid ${process.pid} (npm run promote -- qa production, since 2026-12-01T10:00:00.000Z) holds .stagecraft/lock\n` +
        '  hint: wait for it to finish and run the command again (or set STAGECRAFT_LOCK_WAIT to wait longer than 0 s); if that process is gone, the next command takes its lock over\n' +
        '1 problem; nothing was written.\n',
    );
    expect(snapshotDir(dir)).toEqual(before);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(raw);
  });

  it('refuses a lock taken on another host with a hint that says how to free it, since no next command takes it over', () => {
    // a checkout shared with another machine, or a container replaced since (a new hostname): its processes cannot be seen from here
    const dir = tempProject({ lab: repoStage('lab') });
    mkdirSync(join(dir, '.stagecraft'), { recursive: true });
    const raw = JSON.stringify({
      pid: deadPid(),
      host: 'ci-runner-7f3a',
      command: 'npm run synth',
      since: '2026-12-01T10:00:00.000Z',
      token: 'abc',
    });
    writeFileSync(join(dir, LOCK_FILE), raw);
    const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: another command is writing this project: pid \d+ on ci-runner-7f3a \(npm run synth, since 2026-12-01T10:00:00.000Z\) holds .stagecraft\/lock\n/,
    );
    expect(r.stderr).toContain(
      '  hint: it was taken on ci-runner-7f3a, whose processes stagecraft cannot see from here, so it is never taken over: wait for that command to finish (or set STAGECRAFT_LOCK_WAIT to wait longer than 0 s); if none runs there (a container replaced since, a machine restarted), remove .stagecraft/lock, then run the command again\n',
    );
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(raw);
  });

  it('refuses a STAGECRAFT_LOCK_WAIT that is not a number of seconds, naming it, rather than waiting 30 s and hinting "longer than NaN s"', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    try {
      writeLock(dir, process.pid, 'npm run promote -- qa production');
      const before = snapshotDir(dir);
      const started = Date.now();
      const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: 'abc' });
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        "error: STAGECRAFT_LOCK_WAIT takes a number of seconds >= 0 (found 'abc')\n" +
          "  hint: set STAGECRAFT_LOCK_WAIT=<seconds> (e.g. STAGECRAFT_LOCK_WAIT=120; 0 gives up at once), or unset it to wait 30 s for another command's lock\n" +
          '1 problem; nothing was written.\n',
      );
      expect(snapshotDir(dir)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [undefined, 30],
    ['', 30],
    ['0', 0],
    ['2.5', 2.5],
    ['120', 120],
  ])('takes STAGECRAFT_LOCK_WAIT=%j as %d s', (setting, seconds) => {
    expect(lockWaitSeconds(setting)).toBe(seconds);
  });

  it.each(['abc', '-5', 'Infinity', '30s', 'NaN'])('refuses STAGECRAFT_LOCK_WAIT=%j', (setting) => {
    expect(() => lockWaitSeconds(setting)).toThrow(/^STAGECRAFT_LOCK_WAIT takes a number of seconds >= 0/);
  });

  it('makes a second writer wait, saying for whom, and readers not at all', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    writeLock(dir, process.pid);
    const r = run('switch', ['lab', 'nginx'], dir, { STAGECRAFT_LOCK_WAIT: '0.3' });
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      `stagecraft: waiting for pid ${process.pid} (npm run synth, since 2026-12-01T10:00:00.000Z) to finish writing this project`,
      `error: another command is writing this project: pid ${process.pid} (npm run synth, since 2026-12-01T10:00:00.000Z) holds .stagecraft/lock`,
    ]);
    expect(run('check', [], dir, { STAGECRAFT_LOCK_WAIT: '0' }).stderr).not.toContain('lock');
  });

  it('makes synth wait once, saying so once, not once in its quick look and again in the command', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(run('synth', [], dir).code).toBe(0); // recorded, so that the quick look would answer
    writeLock(dir, process.pid);
    const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0.3' });
    expect(r.code).toBe(1);
    expect(r.stderr.match(/stagecraft: waiting for/g)).toHaveLength(1);
  });

  it('is taken over when its holder is no longer running, and released at the end', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    const pid = deadPid();
    writeLock(dir, pid);
    const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0' });
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(
      `stagecraft: taking over the lock left by pid ${pid} (npm run synth, since 2026-12-01T10:00:00.000Z), which is no longer running`,
    );
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('names its holder with the control characters of what the lock file says escaped (a lock committed to a repository), never rewriting the terminal', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    writeLock(dir, process.pid, 'npm run synth\x1b[2J\x1b]0;owned\x07\rfine\n\\x1b');
    const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      `error: another command is writing this project: pid ${process.pid} (npm run synth\\x1b[2J\\x1b]0;owned\\x07\\rfine\\n\\\\x1b, since 2026-12-01T10:00:00.000Z) holds .stagecraft/lock`,
    );
  });

  it('names its holder with a character that turns the line around (a --stage pasted with U+202E) as its escape', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    writeLock(dir, process.pid, 'npm run synth -- --stage lab\u202e');
    const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      `error: another command is writing this project: pid ${process.pid} (npm run synth -- --stage lab\\u202e, since 2026-12-01T10:00:00.000Z) holds .stagecraft/lock`,
    );
    expect(r.stderr).not.toContain('\u202e');
  });

  it('is taken over when it holds no lock a command wrote (emptied by a crash of the machine), saying so rather than naming a holder', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    mkdirSync(join(dir, '.stagecraft'));
    writeFileSync(join(dir, LOCK_FILE), '');
    const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0' });
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(
      `stagecraft: taking over ${LOCK_FILE}, which holds no lock a command wrote (emptied by a crash of the machine, or edited)`,
    );
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it.skipIf(processStart(process.pid) === undefined)(
    'is taken over when its PID now belongs to a process that started after the holder, and kept while the holder runs',
    () => {
      const dir = tempProject({ lab: repoStage('lab') });
      // this test's own process has the PID, but the lock's holder started at another time
      writeLock(dir, process.pid, 'npm run synth', '1');
      const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.split('\n')[0]).toBe(
        `stagecraft: taking over the lock left by pid ${process.pid} (npm run synth, since 2026-12-01T10:00:00.000Z), which is no longer running`,
      );
      // the holder's own start: it runs
      writeLock(dir, process.pid, 'npm run synth', processStart(process.pid));
      expect(run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0' }).code).toBe(1);
      // a lock the command writes says when its process started
      rmSync(join(dir, LOCK_FILE));
      const release = acquireLock(dir, 'npm run synth', () => {});
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, start: processStart(process.pid) });
      release();
    },
  );

  it('serializes writers started at once, also when they take over a dead holder together', async () => {
    // test is promoted from dev, which this project does not have
    const dir = tempProject({ lab: repoStage('lab'), qa: repoStage('qa'), test: repoStage('test').replace(/^promotion:.*$/m, '#') });
    expect(run('synth', [], dir).code).toBe(0);
    writeLock(dir, deadPid());
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 2'));
    const results = await Promise.all([
      start('synth', ['--stage', 'lab'], dir),
      start('synth', [], dir),
      start('promote', ['test', 'qa', '--force'], dir),
    ]);
    for (const r of results) expect(r.stderr).not.toMatch(/ENOENT|ENOTEMPTY|EEXIST|another command is writing/);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(run('check', [], dir)).toMatchObject({ code: 0, stderr: '' });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('the command a lock names', () => {
  it('is the command line that ran, every argument given: node and the script for a direct run, npm run for an npm script', () => {
    const argv = [process.execPath, join(process.cwd(), 'lib', 'cli', 'run.cjs'), 'synth', '--stage', 'qa', '--no-cache'];
    expect(commandRan('synth -- --stage qa', {}, argv)).toBe('node lib/cli/run.cjs synth --stage qa --no-cache');
    expect(commandRan('synth -- --stage qa', { npm_lifecycle_event: 'synth' }, argv)).toBe('npm run synth -- --stage qa --no-cache');
    expect(commandRan('synth', { npm_lifecycle_event: 'synth' }, argv.slice(0, 3))).toBe('npm run synth');
    // another script's run (npm test running a command) is no npm run of this command
    expect(
      commandRan('promote -- qa production', { npm_lifecycle_event: 'test' }, [...argv.slice(0, 2), 'promote', 'qa', 'production']),
    ).toBe('node lib/cli/run.cjs promote qa production');
    // run in another program's process (a test runner's): the command as given, in npm's form
    expect(commandRan('synth', {}, [process.execPath, join(process.cwd(), 'node_modules/vitest/dist/workers/forks.js')])).toBe(
      'npm run synth',
    );
  });

  it('keeps each argument that holds a secret as (hidden), judged whole: one of several words is no secret in halves', () => {
    const script = join(process.cwd(), 'lib', 'cli', 'run.cjs');
    // a secret's setting given as one argument (--release 'password: ...'), and a token, pasted where a value goes
    const argv = [process.execPath, script, 'switch', 'production', 'demoapp', '--release', 'password: Hunter2pw'];
    expect(commandRan('switch -- production demoapp', { npm_lifecycle_event: 'switch' }, argv)).toBe(
      'npm run switch -- production demoapp --release (hidden)',
    );
    expect(commandRan('switch -- production demoapp', {}, [...argv.slice(0, 6), 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB'])).toBe(
      'node lib/cli/run.cjs switch production demoapp --release (hidden)',
    );
    // run in another program's process: the command as given, each word that holds one hidden
    expect(commandRan('promote -- dev ghp_1234567890abcdefghijklmnopqrstuvwxyzAB', {}, [process.execPath])).toBe(
      'npm run promote -- dev (hidden)',
    );
  });

  it('names a direct node lib/cli/run.cjs synth as that, in the lock and in the journal the recovery reads, not npm run synth', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    const env = { STAGECRAFT_CRASH_AT: 'journal', npm_lifecycle_event: '' };
    // the lab stage's files changed, so that the write has a journal
    expect(run('synth', ['--stage', 'lab'], dir, env).code).not.toBe(0);
    const ran = `node ${relative(dir, join(REPO, 'lib/cli/run.cjs'))} synth --stage lab`;
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ command: ran });
    const r = run('check', [], dir, { npm_lifecycle_event: '' });
    expect(r.stderr).toContain(`recovered: '${ran}' (pid `);
  });
});

describe('acquireLock', () => {
  it('is taken again by the same process without waiting, and released by the last release', () => {
    const dir = tempProject({});
    const log: string[] = [];
    const first = acquireLock(dir, 'npm run synth', (l) => log.push(l));
    const second = acquireLock(dir, 'npm run synth', (l) => log.push(l));
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'npm run synth' });
    second();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    first();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(log).toEqual([]);
  });

  it("refuses a directory left where a takeover's guard goes, saying a directory is there and how to remove it (not what a stage file is)", () => {
    const dir = tempProject({ lab: repoStage('lab') });
    writeLock(dir, deadPid());
    mkdirSync(join(dir, GUARD));
    const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: writing .stagecraft/lock.takeover: it is a directory, not a file\n' +
        '  hint: move or rename the directory, or remove it (rm -r .stagecraft/lock.takeover), then run the command again\n' +
        '1 problem; nothing was written.\n',
    );
  });

  it("takes a dead holder's lock over when a takeover killed meanwhile left its guard, however its time is dated (a clock set back since)", () => {
    const dir = tempProject({ lab: repoStage('lab') });
    writeLock(dir, deadPid());
    const guard = writeGuard(dir, deadPid());
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(guard, future, future);
    // in a process of its own, ended if it waits
    const r = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), 'synth'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBe(null);
    expect(r.status).toBe(0);
    expect(existsSync(guard)).toBe(false);
  });

  it.each([
    // its guard made, the dead holder's lock not yet removed
    ['takeover-guarded', false],
    // a dead takeover's guard judged stale, not yet claimed
    ['takeover-judged', true],
    // that guard claimed (lock.takeover.<its token>), not yet removed
    ['takeover-claimed', true],
  ])(
    'a takeover killed at %s (kill -9) leaves what the next command takes over: it writes, and nothing of either is left',
    (step, staleGuard) => {
      const dir = tempProject({ lab: repoStage('lab') });
      expect(run('synth', [], dir).code).toBe(0);
      const dist = snapshotDir(join(dir, 'dist'));
      writeLock(dir, deadPid());
      if (staleGuard) writeGuard(dir, deadPid());
      const killed = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), 'synth'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, STAGECRAFT_CRASH_AT: step },
        timeout: 20_000,
      });
      expect(killed.signal).toBe('SIGKILL');
      expect(readdirSync(join(dir, '.stagecraft')).filter((n) => n.startsWith('lock'))).not.toEqual([]);
      // in a process of its own, ended if it waits
      const next = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), 'synth'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      expect(next.signal).toBe(null);
      expect(next.stderr).toMatch(
        /^stagecraft: taking over the lock left by pid \d+ \(npm run synth, since 2026-12-01T10:00:00\.000Z\), which is no longer running\n/,
      );
      expect(next.status).toBe(0);
      expect(readdirSync(join(dir, '.stagecraft')).filter((n) => n.startsWith('lock'))).toEqual([]);
      expect(snapshotDir(join(dir, 'dist'))).toEqual(dist);
      expect(run('check', [], dir).code).toBe(0);
    },
  );

  it("leaves the guard of a takeover whose process runs in place, however its time is dated (a file system's clock ahead of this one)", () => {
    const dir = tempProject({});
    writeLock(dir, deadPid());
    const guard = writeGuard(dir, process.pid, processStart(process.pid));
    const text = readFileSync(guard, 'utf8');
    const future = new Date(Date.now() + 60_000);
    utimesSync(guard, future, future);
    expect(() => acquireLock(dir, 'npm run synth', () => {}, { wait: false })).toThrow(
      /another command is taking over the lock left by pid/,
    );
    expect(readFileSync(guard, 'utf8')).toBe(text);
  });

  it('never removes the fresh guard of another waiter that removed the stale guard both judged, and made its own, before this one moved it', () => {
    const dir = tempProject({});
    writeLock(dir, deadPid());
    const guard = writeGuard(dir, deadPid());
    let fresh = '';
    // judged stale here; meanwhile another waiter removes it and makes its own guard
    const cancel = atStep('takeover-judged', () => {
      rmSync(guard);
      fresh = readFileSync(writeGuard(dir, process.pid, processStart(process.pid)), 'utf8');
    });
    try {
      expect(() => acquireLock(dir, 'npm run synth', () => {}, { wait: false })).toThrow(/another command is taking over/);
    } finally {
      cancel();
    }
    expect(fresh).not.toBe('');
    expect(readFileSync(guard, 'utf8')).toBe(fresh);
    expect(readdirSync(join(dir, '.stagecraft')).sort()).toEqual(['lock', 'lock.takeover']);
  });

  it("leaves a stale guard another waiter has claimed (lock.takeover.<its token>) while that waiter runs: only the claim's holder removes it", () => {
    const dir = tempProject({});
    writeLock(dir, deadPid());
    const stale = deadPid();
    const guard = writeGuard(dir, stale);
    const text = readFileSync(guard, 'utf8');
    // judged stale here; meanwhile another waiter (alive: this process) claims it
    const claim = join(dir, `${GUARD}.t${stale}`);
    const cancel = atStep('takeover-judged', () =>
      writeFileSync(
        claim,
        JSON.stringify({
          pid: process.pid,
          host: hostname(),
          command: 'npm run synth',
          since: 'x',
          token: 'w',
          start: processStart(process.pid),
        }),
      ),
    );
    try {
      expect(() => acquireLock(dir, 'npm run synth', () => {}, { wait: false })).toThrow(/another command is taking over/);
    } finally {
      cancel();
    }
    expect(readFileSync(guard, 'utf8')).toBe(text);
    expect(readdirSync(join(dir, '.stagecraft')).sort()).toEqual(['lock', 'lock.takeover', `lock.takeover.t${stale}`]);
  });

  it('takes the lock over when its own guard was removed meanwhile (this process taken for gone), with no raw ENOENT', () => {
    const dir = tempProject({});
    writeLock(dir, deadPid());
    let removed = false;
    const cancel = atStep('takeover-guarded', () => {
      rmSync(join(dir, GUARD));
      removed = true;
    });
    try {
      acquireLock(dir, 'npm run synth', () => {})();
    } finally {
      cancel();
    }
    expect(removed).toBe(true);
    expect(readdirSync(join(dir, '.stagecraft'))).toEqual([]);
  });

  it('removes, at a takeover, what processes killed during one left: a claim, a file being linked, a guard moved aside by an earlier release', () => {
    const dir = tempProject({});
    writeLock(dir, deadPid());
    const dead = deadPid();
    const state = join(dir, '.stagecraft');
    const leftover = JSON.stringify({ pid: dead, host: hostname(), command: 'npm run synth', since: 'x', token: 'k' });
    writeFileSync(join(state, 'lock.takeover.t1'), leftover);
    writeFileSync(join(state, `lock.takeover.${dead}.tmp`), leftover);
    writeFileSync(join(state, `lock.takeover.${dead}.0a1b2c3d`), leftover);
    // a live process's file being linked (the test runner's PID) stays
    writeFileSync(join(state, `lock.takeover.${process.ppid}.tmp`), '');
    acquireLock(dir, 'npm run synth', () => {})();
    expect(readdirSync(state)).toEqual([`lock.takeover.${process.ppid}.tmp`]);
  });

  // a PID used again is told apart by its start, where /proc says it
  it.skipIf(processStart(process.pid) === undefined)(
    "judges a takeover's file being linked by the lock text it holds, as a waiter's: another host's stays, one whose PID was used again since goes",
    () => {
      const dir = tempProject({});
      writeLock(dir, deadPid());
      const state = join(dir, '.stagecraft');
      const text = (pid: number, host: string, start?: string) =>
        JSON.stringify({ pid, host, command: 'npm run synth', since: 'x', token: 'k', ...(start ? { start } : {}) });
      // a PID no process here has: a container's process sharing the project directory may have it in its own PID namespace
      const other = deadPid();
      writeFileSync(join(state, `lock.takeover.${other}.tmp`), text(other, 'a-container'));
      // this test's own PID, named with a start it did not have: the process that wrote it is gone
      writeFileSync(join(state, `lock.takeover.${process.pid}.tmp`), text(process.pid, hostname(), '1'));
      acquireLock(dir, 'npm run synth', () => {})();
      expect(readdirSync(state)).toEqual([`lock.takeover.${other}.tmp`]);
    },
  );

  it.skipIf(!inOwnPidNamespace)(
    'leaves the file being linked of a takeover under way in another PID namespace sharing the project directory (unshare -pfu), whose PID no process here has',
    async () => {
      const dir = tempProject({});
      writeLock(dir, deadPid());
      const state = join(dir, '.stagecraft');
      // the claim's process gets, in its own namespace, a PID that no process of this one has
      const pid = deadPid();
      const claim = await claimInOwnNamespace(state, pid);
      try {
        const name = `lock.takeover.${pid}.tmp`;
        expect(JSON.parse(readFileSync(join(state, name), 'utf8'))).toMatchObject({ pid, host: 'a-container' });
        expect(existsSync(`/proc/${pid}`)).toBe(false);
        acquireLock(dir, 'npm run synth', () => {})();
        expect(readdirSync(state)).toEqual([name]);
      } finally {
        claim.kill('SIGKILL');
        await once(claim, 'exit');
      }
    },
    60_000,
  );

  it("gives up at STAGECRAFT_LOCK_WAIT while another process's takeover is under way, naming its guard, and says nothing else (the quick look of synth's fast path does not wait)", () => {
    const dir = tempProject({ lab: repoStage('lab') });
    const pid = deadPid();
    writeLock(dir, pid);
    writeGuard(dir, process.pid, processStart(process.pid));
    const r = run('synth', [], dir, { STAGECRAFT_LOCK_WAIT: '0.5' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: another command is taking over the lock left by pid ${pid} (npm run synth, since 2026-12-01T10:00:00.000Z) (.stagecraft/lock.takeover is there)\n` +
        '  hint: run the command again in a moment; if no other stagecraft command runs, remove .stagecraft/lock.takeover\n' +
        '1 problem; nothing was written.\n',
    );
  });

  it('gives up at once, in a quick look (wait: false), while another process takes the lock over, leaving the wait to the command', () => {
    const dir = tempProject({});
    writeLock(dir, deadPid());
    writeGuard(dir, process.pid, processStart(process.pid));
    const log: string[] = [];
    const started = Date.now();
    // STAGECRAFT_LOCK_WAIT is 30 s by default: a quick look that waited it would double the command's wait
    expect(() => acquireLock(dir, 'npm run synth', (l) => log.push(l), { wait: false })).toThrow(/another command is taking over/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(log).toEqual([]);
  });

  it("waits, without spinning, while another process's takeover of a dead holder's lock is under way, and says it takes the lock over once, once it has", () => {
    const dir = tempProject({});
    writeLock(dir, deadPid());
    writeGuard(dir, process.pid, processStart(process.pid));
    // the takeover's process is killed after 5 looks: its guard is then stale
    let looks = 0;
    const look = () => {
      if (++looks === 5) writeGuard(dir, deadPid());
      else cancel = atStep('takeover-busy', look);
    };
    let cancel = atStep('takeover-busy', look);
    const log: string[] = [];
    const started = Date.now();
    const cpu = process.cpuUsage();
    try {
      const release = acquireLock(dir, 'npm run synth', (l) => log.push(l));
      release();
    } finally {
      cancel();
    }
    const used = process.cpuUsage(cpu);
    expect(looks).toBe(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(log).toEqual([
      expect.stringMatching(/^stagecraft: taking over the lock left by pid \d+ \(npm run synth, since .*\), which is no longer running$/),
    ]);
    expect(existsSync(join(dir, GUARD))).toBe(false);
    // a busy loop would use about as much CPU time as it waited
    expect((used.user + used.system) / 1000).toBeLessThan(300);
  });
});
