/**
 * The commands as real processes, started through lib/cli/run.cjs as `npm run <command>` starts
 * them: the rest of the suite runs them in this process (test/helpers/cli.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, RUN_SCRIPT, compilerCopy, fixtureProject, repoStage, rootCache, runCli, runProcess, snapshotDir } from '../helpers/cli.js';

describe('node lib/cli/run.cjs <command>', () => {
  it('runs the command from its bundle as it runs in process: same exit code and output', () => {
    const dir = fixtureProject(['lab']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const bundled = runProcess('diff', ['lab'], dir);
    expect({ code: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr }).toEqual(runCli('diff', ['lab'], dir));
    expect(bundled.stdout).toMatch(/^dist\/lab and the sources are the same/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes the arguments after the command to it: --help and --version', () => {
    const help = runProcess('synth', ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run synth/);
    const version = runProcess('diff', ['--version']);
    expect(version).toMatchObject({
      status: 0,
      stdout: `stagecraft ${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`,
      stderr: '',
    });
  });

  it('each npm script starts Node.js without the extra CA certificates it never uses (NODE_EXTRA_CA_CERTS cleared)', () => {
    const scripts = Object.entries(
      (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
    );
    const commands = scripts.filter(([, script]) => script.includes('lib/cli/run.cjs'));
    expect(commands.map(([name]) => name)).toEqual(['synth', 'check', 'secrets', 'diff', 'promote', 'switch']);
    for (const [name, script] of commands) {
      // as npm runs it (in a shell), where the variable names a file that cannot be loaded: Node.js warns when it reads it
      const r = spawnSync(`${script} --version`, {
        shell: true,
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' },
      });
      expect({ name, status: r.status, stderr: r.stderr }).toEqual({ name, status: 0, stderr: '' });
      expect(r.stdout).toMatch(/^stagecraft \d/);
    }
    // the check itself: a plain Node.js start reads the variable
    const plain = spawnSync(process.execPath, ['-e', '0'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' },
    });
    expect(plain.stderr).toContain('extra certs');
  });

  it('npm run check -- <path> started in a directory of the project reads the path from there (npm sets INIT_CWD)', () => {
    const defects = join(REPO, 'test', 'fixtures', 'manifests', 'defects');
    const r = spawnSync('npm', ['run', '--silent', 'check', '--', '3-dangling-claim.yaml'], { cwd: defects, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('\ntest/fixtures/manifests/defects/3-dangling-claim.yaml:33:20: error: Pod test/mysql: ');
  });

  it('refuses a command that does not exist, naming the commands', () => {
    const r = spawnSync(process.execPath, [RUN_SCRIPT, 'deploy'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "error: there is no command 'deploy'\nUsage: node lib/cli/run.cjs <command> [arguments]; the commands are: synth, check, secrets, diff, promote, switch\n",
    );
  });

  it.each([
    ['snyth', 'synth'],
    // a longer word that starts with the command, which no edit distance finds near it
    ['synthesize', 'synth'],
    ['Synthesise', 'synth'],
    ['checking', 'check'],
  ])('refuses a misspelt command (%s) with the command meant', (given, meant) => {
    const r = spawnSync(process.execPath, [RUN_SCRIPT, given], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`error: there is no command '${given}'; did you mean '${meant}'?`);
  });

  it.each(['--help', '-h'])('lists the commands for %s, as npm run users expect, with exit 0', (flag) => {
    const r = spawnSync(process.execPath, [RUN_SCRIPT, flag], { cwd: REPO, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /^Usage: node lib\/cli\/run\.cjs <command> \[arguments\]; the commands are: synth, check, secrets, diff, promote, switch\n/,
    );
    expect(r.status).toBe(0);
  });

  it('still runs a command file started directly with tsx, as cdk8s.yaml does', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join('lib', 'cli', 'secrets.ts'), '--help'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run secrets -- <stage>/);
  });

  it('works after the project is moved: the bundle cache knows where the project is', () => {
    const base = mkdtempSync(join(tmpdir(), 'stagecraft-moved-'));
    try {
      // a compiler fixture, not the example (whose apps a team may change)
      const first = compilerCopy(join(base, 'first'), { lab: repoStage('lab') });
      const start = spawnSync(process.execPath, [join(first, 'lib', 'cli', 'run.cjs'), 'synth', '--version'], {
        cwd: first,
        encoding: 'utf8',
      });
      expect(start).toMatchObject({ status: 0, stderr: '' });
      expect(readdirSync(rootCache(first))).toContain('synth.cjs');

      const moved = join(base, 'moved');
      renameSync(first, moved); // the original is gone
      const r = spawnSync(process.execPath, [join(moved, 'lib', 'cli', 'run.cjs'), 'synth', 'lab'], { cwd: moved, encoding: 'utf8' });
      expect(r.stderr).not.toContain('Cannot find module');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^lab: \d+ objects in \d+ files -> dist\/lab\/ \(new\)\n/);
      expect(Object.keys(snapshotDir(join(moved, 'dist', 'lab')))).toEqual(
        expect.arrayContaining(['10-nginx.yaml', 'Kustomization', 'inventory.txt']),
      );
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe("cdk8s.yaml's app, as the cdk8s CLI runs it (in a shell, with CDK8S_OUTDIR)", () => {
  const app = /^app: (.+)$/m
    .exec(readFileSync(join(REPO, 'cdk8s.yaml'), 'utf8'))![1]
    .replace('lib/cli/run.cjs', join(REPO, 'lib', 'cli', 'run.cjs'));
  const runApp = (dir: string, outdir: string) =>
    spawnSync(app, { shell: true, cwd: dir, env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8' });

  it('synthesizes dist/ and makes the folder the CLI expects', () => {
    const dir = fixtureProject(['lab']);
    const outdir = join(dir, '.stagecraft', 'cdk8s');
    const r = runApp(dir, outdir);
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, 'dist', 'lab'))).toContain('inventory.txt');
    expect(readdirSync(outdir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves dist/ as it was, and makes no folder, when the synth fails', () => {
    const dir = fixtureProject(['lab']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const before = snapshotDir(join(dir, 'dist'));
    writeFileSync(join(dir, 'environments', 'lab.yaml'), 'apps:\n  nginx: { replicas: three }\n');
    const outdir = join(dir, '.stagecraft', 'cdk8s');
    const r = runApp(dir, outdir);
    expect(r.status).toBe(2);
    expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
    expect(readdirSync(join(dir, '.stagecraft'))).not.toContain('cdk8s');
    rmSync(dir, { recursive: true, force: true });
  });
});
