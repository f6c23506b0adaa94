/**
 * Output that arrives whole: more than 1 MiB of each command's output through a real pipe equals,
 * byte for byte, the same output written to a file; a reader that stops early (`| head`) ends
 * the command quietly. Real processes through lib/cli/run.cjs, as `npm run <command>` starts them.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, RUN_SCRIPT, repoStage } from '../helpers/cli.js';

const MiB = 1024 * 1024;
let base: string;

interface Output {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** `node run.cjs <args>` with stdout and stderr read from pipes. */
function piped(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Output {
  const r = spawnSync(process.execPath, [RUN_SCRIPT, ...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * MiB });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `node run.cjs <args> >out 2>err`: stdout and stderr written to files. */
function toFiles(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Output {
  const dir = mkdtempSync(join(base, 'out-'));
  const out = openSync(join(dir, 'out'), 'w');
  const err = openSync(join(dir, 'err'), 'w');
  const r = spawnSync(process.execPath, [RUN_SCRIPT, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, err] });
  closeSync(out);
  closeSync(err);
  return { status: r.status, stdout: readFileSync(join(dir, 'out')), stderr: readFileSync(join(dir, 'err')) };
}

/** A directory of untagged, probe-less Pods: a few findings each, a report of more than 1 MiB. */
function manifestsDir(): string {
  const dir = join(base, 'manifests');
  mkdirSync(dir);
  let text = '';
  for (let i = 0; i < 1100; i++)
    text += `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-${i}\n  namespace: default\nspec:\n  containers:\n    - name: web\n      image: nginx\n`;
  writeFileSync(join(dir, 'pods.yaml'), text);
  return dir;
}

/** A project with one stage of `apps` nginx instances (three warnings each). */
function fleetProject(name: string, apps: number): string {
  const dir = join(base, name);
  mkdirSync(join(dir, 'environments'), { recursive: true });
  let text = 'apps:\n';
  for (let i = 0; i < apps; i++) text += `  web${i}:\n    stack: nginx\n    image: nginx\n    replicas: 1\n`;
  writeFileSync(join(dir, 'environments', 'big.yaml'), text);
  return dir;
}

function expectSame(a: Output, b: Output): void {
  expect(a.status).toBe(b.status);
  expect(a.stdout.equals(b.stdout)).toBe(true);
  expect(a.stderr.equals(b.stderr)).toBe(true);
}

describe('output through a pipe', () => {
  let manifests: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'stagecraft-pipes-'));
    manifests = manifestsDir();
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it.each(['text', 'json', 'sarif'])('npm run check -- <dir> --format %s: more than 1 MiB, the same as written to a file', (format) => {
    const args = ['check', manifests, '--format', format];
    const p = piped(args, base);
    expect(p.stdout.length).toBeGreaterThan(MiB);
    expect(p.stderr.toString()).toBe('');
    expectSame(p, toFiles(args, base));
    if (format !== 'text') expect(() => JSON.parse(p.stdout.toString())).not.toThrow();
    else expect(p.stdout.toString()).toMatch(/\n1100 objects checked: 0 errors, \d+ warnings\n$/);
  });

  it('npm run check -- <dir> --format json | node -e JSON.parse(...) reads the whole report', () => {
    const reader =
      'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.objects,r.findings.length,s.length)})';
    const r = spawnSync('sh', ['-c', `npm run --silent check -- "$DIR" --format json | node -e '${reader}'`], {
      cwd: join(RUN_SCRIPT, '..', '..', '..'),
      encoding: 'utf8',
      env: { ...process.env, DIR: manifests },
    });
    expect(r.stderr).toBe('');
    const [objects, findings, length] = r.stdout.trim().split(' ').map(Number);
    expect(objects).toBe(1100);
    expect(findings).toBeGreaterThan(800);
    expect(length).toBeGreaterThan(MiB);
  });

  it('npm run secrets -- <stage>: a Secret of more than 1 MiB, the same as written to a file', () => {
    const dir = join(base, 'secrets');
    mkdirSync(join(dir, 'environments'), { recursive: true });
    mkdirSync(join(dir, '.secrets'));
    writeFileSync(join(dir, 'environments', 'dev.yaml'), repoStage('dev'));
    const long = 'x'.repeat(MiB);
    writeFileSync(
      join(dir, '.secrets', 'dev.env'),
      `MYSQLSECRET_USERNAME=demo\nMYSQLSECRET_PASSWORD=${long}\nMYSQLSECRET_DATABASE=demodb\n`,
    );
    const env = { MYSQLSECRET_USERNAME: '', MYSQLSECRET_PASSWORD: '', MYSQLSECRET_DATABASE: '' };
    const p = piped(['secrets', 'dev'], dir, env);
    expect(p.status).toBe(0);
    expect(p.stdout.length).toBeGreaterThan(MiB);
    expect(p.stdout.toString()).toContain(Buffer.from(long).toString('base64'));
    expectSame(p, toFiles(['secrets', 'dev'], dir, env));
  });

  it('npm run synth -- --verbose: more than 1 MiB of warnings, the same as written to a file', () => {
    // two fresh projects, so that both runs write a new stage and print the same
    const p = piped(['synth', '--verbose'], fleetProject('fleet-pipe', 1300));
    expect(p.status).toBe(0);
    expect(p.stdout.toString()).toMatch(/^big: \d+ objects in \d+ files -> dist\/big\/ \(new\)\n/);
    expect(p.stderr.length).toBeGreaterThan(MiB);
    expect(p.stderr.toString()).not.toContain('\x1b['); // no colour into a pipe
    expectSame(p, toFiles(['synth', '--verbose'], fleetProject('fleet-file', 1300)));
  });

  it("a reader that starts late gets every byte, and the exit status is still the command's (1: an error found)", () => {
    const dir = join(base, 'late');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pods.yaml'), readFileSync(join(manifests, 'pods.yaml')));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\n  namespace: default\nspec:\n  ports:\n    - port: http\n',
    );
    // the pipe holds 64 KiB: the command waits on it until the reader starts, then ends as it would
    const r = spawnSync(
      'bash',
      ['-c', `node "${RUN_SCRIPT}" check "${dir}" --format json 2>/dev/null | (sleep 0.5; cat); echo "\${PIPESTATUS[0]}" >status`],
      { cwd: base, maxBuffer: 64 * MiB },
    );
    const whole = toFiles(['check', dir, '--format', 'json'], base);
    expect(whole.status).toBe(1);
    expect(readFileSync(join(base, 'status'), 'utf8')).toBe('1\n');
    expect(r.stdout.length).toBeGreaterThan(MiB);
    expect(r.stdout.equals(whole.stdout)).toBe(true);
  });

  it('ends quietly when the reader stops early (| head)', () => {
    const r = spawnSync(
      'bash',
      ['-c', `node "${RUN_SCRIPT}" check "${manifests}" --format json 2>err | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`],
      { cwd: base, encoding: 'utf8' },
    );
    expect(r.stdout).toBe('0\n'); // warnings only: exit 0, as without the pipe
    expect(readFileSync(join(base, 'err'), 'utf8')).toBe('');
  });

  it.skipIf(!existsSync('/dev/full'))(
    'says in one problem that standard output could not be written (a full disk), exit 2, without a stack trace',
    () => {
      const full = openSync('/dev/full', 'w');
      const err = join(base, 'full-err');
      const errFd = openSync(err, 'w');
      const r = spawnSync(process.execPath, [RUN_SCRIPT, 'check', manifests, '--format', 'json'], {
        cwd: base,
        stdio: ['ignore', full, errFd],
      });
      closeSync(full);
      closeSync(errFd);
      expect(r.status).toBe(2);
      expect(readFileSync(err, 'utf8')).toBe(
        'error: writing standard output: it cannot be written: the disk is full (no space or no inodes left on its file system)\n' +
          '  hint: free some space on that file system (df -h shows it, df -i the inodes) and run again\n',
      );
    },
  );

  // Node.js writes a file with one write(2) per chunk, and took a short one as done: the report was cut, exit 0
  it.each(['json', 'sarif'])(
    'a report written in one piece to a file cut short by a file size limit (ulimit -f): one problem, exit 2 (--format %s)',
    (format) => {
      const out = join(base, `limited-${format}`);
      // the command's bundle built first, without the limit
      expect(piped(['check', '--help'], base).status).toBe(0);
      const r = spawnSync(
        'bash',
        ['-c', `ulimit -f 64 && exec "${process.execPath}" "${RUN_SCRIPT}" check "${manifests}" --format ${format} >"${out}"`],
        { cwd: base, encoding: 'utf8' },
      );
      expect(r.stderr).toBe(
        'error: writing standard output: it cannot be written: it would be larger than the file size limit (ulimit -f) or the file system allows\n' +
          '  hint: raise the file size limit (ulimit -f) and run again\n',
      );
      expect(r.status).toBe(2);
      expect(readFileSync(out).length).toBe(64 * 1024);
    },
  );

  it.skipIf(!existsSync('/dev/full'))('a synthesis whose report cannot be written says that dist/ was written before (exit 2)', () => {
    const project = fleetProject('full-synth', 2);
    const full = openSync('/dev/full', 'w');
    const r = spawnSync(process.execPath, [RUN_SCRIPT, 'synth'], { cwd: project, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    closeSync(full);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'error: writing standard output: it cannot be written: the disk is full (no space or no inodes left on its file system); dist/ was written before, only this report is missing\n',
    );
    expect(existsSync(join(project, 'dist', 'big', 'inventory.txt'))).toBe(true);
  });
});

describe('a stream closed by the shell (>&-, 2>&-)', () => {
  /** `node run.cjs <args> <redirections>` through sh, with what is not closed read from pipes. */
  const shell = (args: string, redirections: string, cwd = REPO) =>
    spawnSync('sh', ['-c', `exec "${process.execPath}" "${RUN_SCRIPT}" ${args} ${redirections}`], { cwd, encoding: 'utf8' });
  const lost = (command: string) => [
    `warning: standard output is closed (>&-) or /dev/null opened for reading and writing, so what ${command} prints is lost (its exit code stands)`,
    '  hint: give it somewhere to go (> file, | less), or > /dev/null to discard it on purpose',
  ];

  it.skipIf(!existsSync('/proc/self/fdinfo'))('stdout: --help and --version, which only print, exit 2 saying so', () => {
    expect(shell('check --help', '>&-')).toMatchObject({
      status: 2,
      stderr: [
        'error: standard output is closed (>&-) or /dev/null opened for reading and writing, so what check prints would be lost',
        '  hint: give it somewhere to go (> file, | less), or > /dev/null to discard it on purpose',
        '1 problem.',
        '',
      ].join('\n'),
    });
    expect(shell('diff --version', '>&-').status).toBe(2);
    // and run.cjs's own, without a command (answered before any bundle loads)
    for (const own of ['--help', '-V'])
      expect(shell(own, '>&-')).toMatchObject({
        status: 2,
        stderr: expect.stringMatching(
          /^error: standard output is closed \(>&-\) or \/dev\/null opened for reading and writing, so what stagecraft prints would be lost\n/,
        ),
      });
    expect(shell('--version', '>/dev/null')).toMatchObject({ status: 0, stderr: '' });
    // > /dev/null is output discarded on purpose
    expect(shell('check --help', '>/dev/null')).toMatchObject({ status: 0, stderr: '' });
    expect(shell('diff dev qa', '>/dev/null')).toMatchObject({ status: 0, stderr: '' });
  });

  it.skipIf(!existsSync('/proc/self/fdinfo'))('stdout: a command warns that what it prints is lost and exits with its verdict', () => {
    const r = shell('check test/fixtures/manifests/valid', '>&-');
    expect(r.stderr.split('\n').slice(0, 2)).toEqual(lost('check'));
    expect(r.status).toBe(0);
    expect(shell('check test/fixtures/manifests/defects/3-dangling-claim.yaml', '>&-').status).toBe(1);
    const diff = shell('diff dev qa', '>&-');
    expect(diff).toMatchObject({ status: 0, stderr: `${lost('diff').join('\n')}\n` });
  });

  it.skipIf(!existsSync('/proc/self/fdinfo'))(
    "stdout discarded by the program that starts the command (stdio 'ignore', subprocess.DEVNULL: /dev/null read and write): secrets and diff exit with their verdict",
    () => {
      // secrets run to learn whether every declared key has a value, without printing one anywhere
      const values = { MYSQLSECRET_DATABASE: 'db', MYSQLSECRET_PASSWORD: 'pw-not-printed', MYSQLSECRET_USERNAME: 'user' };
      const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
        spawnSync(process.execPath, [RUN_SCRIPT, ...args], {
          cwd: REPO,
          encoding: 'utf8',
          env: { ...process.env, ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
      const secrets = run(['secrets', 'qa'], values);
      expect(secrets.status).toBe(0);
      expect(secrets.stderr).toBe(`${lost('secrets').join('\n')}\n`);
      expect(run(['secrets', 'qa']).status).toBe(2);
      expect(run(['diff', 'dev', 'qa']).status).toBe(0);
    },
  );

  it("stderr: the exit code is the command's, what it prints on stdout arrives", () => {
    expect(shell('diff nope', '2>&-')).toMatchObject({ status: 2, stdout: '' });
    expect(shell('synth --verbos', '2>&-').status).toBe(2);
    const diff = shell('diff dev qa', '2>&-');
    expect(diff.status).toBe(0);
    expect(diff.stdout).toMatch(/^ConfigMap demoapp-config-<hash>$/m);
  });
});

describe("check's standard input ('-') when nothing is piped in", () => {
  const firstLine = (r: { stderr: string }) => r.stderr.split('\n')[0];
  const noPipe =
    "error: '-' reads the manifests from standard input, which is no pipe but /dev/null, an empty file, or closed at the start (<&-): it holds nothing";

  it('says that /dev/null, an empty file or a closed standard input is no pipe, not that a command before | wrote nothing', () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'stdin-')), 'empty.yaml');
    writeFileSync(empty, '');
    for (const redirect of ['< /dev/null', `< "${empty}"`, '<&-']) {
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${RUN_SCRIPT}" check - ${redirect}`], { cwd: REPO, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(firstLine(r)).toBe(noPipe);
    }
  });

  it('still says an empty pipe is what the command before | left', () => {
    const r = spawnSync('sh', ['-c', `true | "${process.execPath}" "${RUN_SCRIPT}" check -`], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(firstLine(r)).toBe(
      "error: '-' reads the manifests from standard input, and it is empty: the command before | wrote nothing (did it fail?)",
    );
  });
});
