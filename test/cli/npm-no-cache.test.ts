/**
 * --no-cache given before `--` (`npm run synth --no-cache -- dev`), which npm takes for its own cache
 * and leaves no variable of: told by npm's own log of the run (lib/cli/npm-log.ts), and refused with
 * the line that gives it after `--`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastPath } from '../../lib/cli/fast.js';
import type { Io } from '../../lib/cli/print.js';
import { REPO, RUN_SCRIPT, fixtureProject, runCli, snapshotDir } from '../helpers/cli.js';

describe("--no-cache given before '--', which npm takes for its own cache", () => {
  it.each([
    ['synth', ['dev'], ['run', 'synth', '--no-cache', '--', 'dev'], 'npm run synth -- dev --no-cache'],
    ['synth', [], ['run', '--loglevel', 'silent', 'synth', '--no-cache'], 'npm run --loglevel silent synth -- --no-cache'],
    ['diff', ['qa'], ['run', '--no-cache', 'diff', '--', 'qa'], 'npm run diff -- qa --no-cache'],
    ['check', [], ['run', 'check', '--no-cache', 'true'], 'npm run check -- --no-cache'],
    // npm's own options stay where they were, as its log writes them (-w web: --workspace web): the line runs where the first did
    ['diff', ['qa'], ['run', '--workspace', 'web', 'diff', '--no-cache', '--', 'qa'], 'npm run --workspace web diff -- qa --no-cache'],
    [
      'diff',
      ['qa'],
      ['--prefix', '/srv/my project', 'run', 'diff', '--no-cache', 'qa'],
      "npm --prefix '/srv/my project' run diff qa -- --no-cache",
    ],
  ])('%s %j is refused (exit 2, nothing written) when npm says it was given %j', (command, args, npm, line) => {
    const dir = fixtureProject(['dev', 'qa']);
    const before = snapshotDir(dir);
    const r = runCli(command, args, dir, { npm_lifecycle_event: command }, { npmArguments: npm });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      `error: --no-cache was given before '--' (npm's log of this run says so), where npm takes it for its own cache (its warning 'invalid config cache=false') and leaves ${command} nothing: it would run with the render cache`,
      `  hint: write ${line}: ${command}'s options go after '--'`,
    ]);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it.each([
    [
      'a registry token',
      ['run', 'diff', '--no-cache', '--//registry.example.com/:_authToken', 'glpat-SECRET1', '--', 'qa'],
      'glpat-SECRET1',
    ],
    ['_auth', ['run', '--_auth', 'dXNlcjpTRUNSRVQy', 'diff', '--no-cache', '--', 'qa'], 'dXNlcjpTRUNSRVQy'],
    ['a one-time password', ['run', 'diff', '--otp', '654321', '--no-cache', '--', 'qa'], '654321'],
    ["a URL's password npm's log hid", ['run', 'diff', '--proxy', 'http://u:***@proxy:8080', '--no-cache', '--', 'qa'], "'http://u:***"],
    [
      "a URL's password npm's log did not hide",
      ['run', 'diff', '--registry=https://ci:SECRET3@r.example/', '--no-cache', '--', 'qa'],
      'SECRET3',
    ],
    ["an argument npm's log hid (a UUID)", ['run', 'diff', '--no-cache', '--', '***'], "'***'"],
  ])("prints no line that would hold %s of npm's options (the credential, or a line that would not run as is)", (_, npm, never) => {
    const dir = fixtureProject(['dev', 'qa']);
    const r = runCli('diff', ['qa'], dir, { npm_lifecycle_event: 'diff' }, { npmArguments: npm });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(never);
    expect(r.stderr.split('\n')[1]).toBe(
      "  hint: give --no-cache after '--', and npm's own options as you gave them (npm's log holds a credential or hides a word among them, not repeated here): diff's options go after '--'",
    );
  });

  it.each([
    ['given after --', ['dev', '--no-cache'], ['run', 'synth', '--', 'dev', '--no-cache'], 'synth'],
    ['--no-cache=false', ['dev'], ['run', 'synth', '--no-cache', 'false', '--', 'dev'], 'synth'],
    ["after npm's --", ['dev'], ['run', 'synth', '--', 'dev', '--no-cache'], 'synth'],
    ["another script's run", ['dev'], ['run', 'synth', '--no-cache', '--', 'dev'], 'build'],
    ['nothing known of npm', ['dev'], undefined, 'synth'],
  ])('is not refused: %s', (_, args, npm, event) => {
    const dir = fixtureProject(['dev', 'qa']);
    const r = runCli('synth', args, dir, { npm_lifecycle_event: event }, npm ? { npmArguments: npm } : {});
    expect(r.stderr).not.toContain("--no-cache was given before '--'");
    expect(r.code).toBe(0);
  });

  it('is not refused to check given files, which reads no cache (the line with --no-cache after -- is refused in turn)', () => {
    const dir = fixtureProject(['dev', 'qa'], { copyDist: true });
    const r = runCli(
      'check',
      ['dist/qa'],
      dir,
      { npm_lifecycle_event: 'check' },
      { npmArguments: ['run', 'check', '--no-cache', '--', 'dist/qa'] },
    );
    expect(r.stderr).not.toContain("--no-cache was given before '--'");
    expect(r.stdout).toContain('objects checked');
  });

  it('gets no answer from the fast path (lib/cli/fast.ts) of an unchanged project: the command refuses it', () => {
    const dir = fixtureProject(['dev', 'qa', 'test', 'production']);
    const synth = runCli('synth', [], dir);
    expect(synth.code, synth.stderr).toBe(0);
    const io = (command: string, npm: readonly string[]): Io => ({
      cwd: dir,
      env: { npm_lifecycle_event: command },
      stdout: { write: () => {} },
      stderr: { write: () => {} },
      npmArguments: () => npm,
    });
    for (const command of ['synth', 'check']) {
      expect(fastPath(command, [], io(command, ['run', command]))).toBe(0);
      expect(fastPath(command, [], io(command, ['run', command, '--no-cache']))).toBeUndefined();
    }
  });

  it("is told from npm's own log by a real npm run, under --silent too, before the fast path answers (check writes nothing)", () => {
    const cache = mkdtempSync(join(tmpdir(), 'stagecraft-npm-cache-'));
    const npm = (args: string[]) =>
      spawnSync('npm', ['run', '--silent', 'check', ...args], {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, npm_config_cache: cache },
      });
    const r = npm(['--no-cache']);
    expect(readdirSync(join(cache, '_logs')).length).toBeGreaterThan(0);
    expect([
      r.status,
      r.stderr
        .split('\n')
        .filter((l) => !l.startsWith('npm warn'))
        .slice(0, 2),
    ]).toEqual([
      2,
      [
        "error: --no-cache was given before '--' (npm's log of this run says so), where npm takes it for its own cache (its warning 'invalid config cache=false') and leaves check nothing: it would run with the render cache",
        "  hint: write npm run --loglevel silent check -- --no-cache: check's options go after '--'",
      ],
    ]);
    // the same run without it is answered as before (no log, no refusal)
    const plain = spawnSync('npm', ['run', '--silent', 'check', '--', '--help'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, npm_config_cache: cache },
    });
    expect(plain.status).toBe(0);
  });

  it("reads npm's own log, which it holds open, not another run's of the same title and time once its own name is removed (logs-max)", () => {
    const cache = mkdtempSync(join(tmpdir(), 'stagecraft-npm-cache-'));
    const project = mkdtempSync(join(tmpdir(), 'stagecraft-npm-own-log-'));
    // another npm's cleanup (logs-max) removes this run's log by name; a run of the same title a moment later wrote --no-cache
    const other = String.raw`0 verbose cli node npm\n7 verbose title npm run diff nosuch\n8 verbose argv "run" "diff" "--no-cache" "--" "nosuch"\n`;
    const script = [
      'rm -f "$npm_config_cache"/_logs/*',
      `printf '${other}' > "$npm_config_cache/_logs/$(date -u +%Y-%m-%dT%H_%M_%S)_000Z-debug-0.log"`,
      `cd '${REPO}' && '${process.execPath}' '${RUN_SCRIPT}' diff`,
    ].join('; ');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'own', version: '1.0.0', scripts: { diff: script } }));
    const r = spawnSync('npm', ['run', '--silent', 'diff', '--', 'nosuch'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, npm_config_cache: cache },
    });
    expect(readdirSync(join(cache, '_logs')).length).toBe(1);
    expect([r.status, r.stderr.split('\n').find((l) => l.startsWith('error:'))]).toEqual([
      2,
      "error: there is no stage 'nosuch' (no environments/nosuch.yaml)",
    ]);
  });

  it('is not told of an npm running another script, whose own option it is (npm run ci --no-cache, ci running check by another runner)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'stagecraft-npm-cache-'));
    const project = mkdtempSync(join(tmpdir(), 'stagecraft-npm-outer-'));
    // a runner between npm and the command (yarn, pnpm) sets npm_lifecycle_event to the command's script
    const script = `cd '${REPO}' && npm_lifecycle_event=check '${process.execPath}' '${RUN_SCRIPT}' check no-such-file.yaml`;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'outer', version: '1.0.0', scripts: { ci: script } }));
    const r = spawnSync('npm', ['run', '--silent', 'ci', '--no-cache'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, npm_config_cache: cache },
    });
    expect(readdirSync(join(cache, '_logs')).length).toBeGreaterThan(0);
    // (read from npm's INIT_CWD, the outer project)
    expect([r.status, r.stderr.split('\n').find((l) => l.startsWith('error:'))]).toEqual([
      2,
      `error: there is no file or directory '${join(project, 'no-such-file.yaml')}'`,
    ]);
  });
});
