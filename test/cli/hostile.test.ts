import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { readInputFile } from '../../lib/cli/read-file.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { checkObjects } from '../../lib/checks/index.js';
import { toProblem } from '../../lib/checks/finding.js';
import { StageLoader } from '../../lib/config/load.js';
import { compileStages } from '../../lib/compile.js';
import { MAX_PROBLEMS_PER_FILE } from '../../lib/model/limits.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import { REPO, repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';
import { compile, openProject } from '../../lib/cli/project.js';
import { problemsThrownBy } from '../helpers/problems.js';

const loader = new StageLoader(STACKS);
const fixture = (name: string) => `test/fixtures/hostile/${name}`;

/** The problems of loading `text` as the stage file `file`, formatted. */
function problems(text: string, file = 'environments/x.yaml'): string[] {
  const found = problemsThrownBy(() => loader.load(text, file));
  if (found.length === 0) throw new Error('loaded without problems');
  return found.map(formatProblem);
}
const fromFixture = (name: string) => problems(readFileSync(join(REPO, fixture(name)), 'utf8'), fixture(name));

const DNS_APP =
  "a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters) other than 'namespace'";

describe('hostile stage files get located messages', () => {
  it('validates app names with the schema: own properties only, no construct-id clashes', () => {
    const f = fixture('app-names.yaml');
    expect(fromFixture('app-names.yaml')).toEqual([
      `${f}:3:3: apps: 'toString' is not a valid name; it must be ${DNS_APP}`,
      `${f}:4:3: apps: '__proto__' is not a valid name; it must be ${DNS_APP}`,
      `${f}:5:3: apps: 'namespace' is not a valid name; it must be ${DNS_APP}`,
      `${f}:6:3: apps: '' is not a valid name; it must be ${DNS_APP}`,
      `${f}:7:3: apps: 'hello.nodes' is not a valid name; it must be ${DNS_APP}`,
      `${f}:8:3: apps: 'hasOwnProperty' is not a valid name; it must be ${DNS_APP}`,
    ]);
  });

  it('refuses a 300-character node name in the schema (it would be a directory name too long)', () => {
    expect(problems(`nodes:\n  ${'n'.repeat(300)}: {}\napps: {}\n`)).toEqual([
      `environments/x.yaml:2:3: nodes: '${'n'.repeat(29)}…${'n'.repeat(29)} (300 characters)' is not a valid name; it must be a host name (labels of lowercase letters, digits and '-', joined by '.') of at most 253 characters`,
    ]);
  });

  it('describes .inf, .nan and 1e400 truthfully', () => {
    const f = fixture('non-finite.yaml');
    expect(fromFixture('non-finite.yaml')).toEqual([
      `${f}:4:15: apps.nginx.replicas must be an integer from 0 to 2147483647 (found .inf (infinity, or a number too large to be finite such as 1e400))`,
      `${f}:8:15: apps.web.replicas must be an integer from 0 to 2147483647 (found .nan (not a number))`,
      `${f}:12:15: apps.api.replicas must be an integer from 0 to 2147483647 (found .inf (infinity, or a number too large to be finite such as 1e400))`,
    ]);
  });

  it('says did you mean for a misspelled stack: `stack: ngnix`', () => {
    expect(fromFixture('stack-typo.yaml')).toEqual([
      `${fixture('stack-typo.yaml')}:2:16: apps.web.stack must be one of ${Object.keys(STACKS)
        .map((s) => `'${s}'`)
        .join(', ')} (found "ngnix"); did you mean 'nginx'?`,
    ]);
  });

  it('reads the value it places: an anchor elsewhere does not change how `+0x3` reads', () => {
    // one parser: +0x3 is a string to the yaml library (YAML 1.2 core), with or without anchors
    expect(fromFixture('hex-with-anchor.yaml')).toEqual([
      `${fixture('hex-with-anchor.yaml')}:4:15: apps.nginx.replicas must be an integer from 0 to 2147483647 (found "+0x3")`,
      `${fixture('hex-with-anchor.yaml')}:5:5: apps.nginx.extra is not a known setting (known: ${Object.keys((STACKS.nginx.settings as { properties: object }).properties).join(', ')})`,
    ]);
  });

  it('never echoes a value under a secret-looking key', () => {
    const text = 'apps:\n  nginx:\n    image: nginx\n    replicas: 1\n    password: [hunter2]\n';
    const all = problems(text).join('\n');
    expect(all).not.toContain('hunter2');
  });

  it('refuses nesting deeper than the bound, even 10,000 levels, with a message', () => {
    const text = `apps:\n  nginx: ${'['.repeat(10000)}${']'.repeat(10000)}\n`;
    const out = problems(text);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^environments\/x\.yaml:2:\d+: mappings and lists are nested more than 100 levels deep here\n {2}hint: nest at most 100 levels \(Kubernetes objects need about 15\)$/,
    );
    expect(problems(`apps:\n  nginx: ${'['.repeat(150)}${']'.repeat(150)}\n`)[0]).toContain('nested more than 100 levels deep');
  });

  it('refuses deep nesting at the same place with the same message, however deep the caller already is', () => {
    const text = `apps:\n  nginx: ${'['.repeat(10000)}${']'.repeat(10000)}\n`;
    const nested = (frames: number): string[] => (frames === 0 ? problems(text) : nested(frames - 1));
    const shallow = problems(text);
    for (const frames of [100, 1000, 3000]) expect(nested(frames)).toEqual(shallow);
    expect(shallow[0]).toMatch(/^environments\/x\.yaml:2:\d+: mappings and lists are nested more than 100 levels deep here/);
  });

  it('refuses a list or a mapping as a key, at the key, without a warning of Node.js', () => {
    expect(problems('apps: {}\n? [a]\n: b\n')).toEqual([
      'environments/x.yaml:2:3: a key here is a list or a mapping; keys are plain names\n  hint: write the key as a plain name (quoted if it holds special characters)',
    ]);
    const dir = tempProject({ x: 'apps:\n  nginx:\n    replicas: 1\n? { a: 1 }\n: b\n' });
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environments/x.yaml:4:3: error: a key here is a list or a mapping');
    expect(r.stderr).not.toContain('Warning');
  });

  it('refuses a second document in a stage file, where it starts', () => {
    expect(problems('apps: {}\n---\napps: {}\n')).toEqual([
      'environments/x.yaml:2:1: a second YAML document starts here; stage files hold one document each\n' +
        '  hint: remove the `---` line and what follows it, or move that document to a file of its own',
    ]);
  });

  it('limits alias expansion with the parser itself, even behind quotes in plain scalars', () => {
    const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= 9; i++)
      lines.push(
        `l${i}"q: &l${i} [${Array(9)
          .fill(`*l${i - 1}`)
          .join(', ')}] #"`,
      );
    const [first, ...rest] = problems(`${lines.join('\n')}\n`);
    expect(rest).toEqual([]);
    expect(first).toMatch(
      /^environments\/x\.yaml:\d+:\d+: YAML aliases expand more than 100 times \(an "alias bomb" that would exhaust memory\)/,
    );
  });

  it(`reports the first ${MAX_PROBLEMS_PER_FILE} problems of 40,000 unknown keys, then a count`, () => {
    const text = `apps: {}\n${Array.from({ length: 40000 }, (_, i) => `unknown${i}: 1\n`).join('')}`;
    const out = problems(text);
    expect(out).toHaveLength(MAX_PROBLEMS_PER_FILE + 1);
    expect(out.at(-1)).toBe(
      `environments/x.yaml:40002:1: and ${40000 - MAX_PROBLEMS_PER_FILE} more problems in this file (only the first ${MAX_PROBLEMS_PER_FILE} are shown)\n  hint: fix these and run again`,
    );
  });

  it('counts every problem in the last line, those not shown included', () => {
    const dir = tempProject({
      x: `apps: {}\n${Array.from({ length: MAX_PROBLEMS_PER_FILE + 10 }, (_, i) => `unknown${i}: 1\n`).join('')}`,
    });
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('and 10 more problems in this file');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(`${MAX_PROBLEMS_PER_FILE + 10} problems; nothing was written.`);
  });

  it('shortens a 1 MB key in its message', () => {
    const key = 'k'.repeat(1024 * 1024);
    // an explicit key (`? key`): an implicit one is refused by the parser beyond 1,024 characters
    const out = problems(`apps: {}\n? ${key}\n: 1\n`);
    expect(out).toHaveLength(1);
    expect(out[0].length).toBeLessThan(1000);
    expect(out[0]).toMatch(/^environments\/x\.yaml:2:3: k+…k+ \(1048576 characters\) is not a known setting/);
  });

  it('prints a key with ESC sequences and a CR as escapes, which cannot rewrite the terminal', () => {
    const out = problems('apps: {}\n"x\\e[2J\\e]0;owned\\a\\rz": 1\n');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^environments\/x\.yaml:2:1: x\\x1b\[2J\\x1b\]0;owned\\x07\\rz is not a known setting/);
  });

  it('names a stage file whose name holds ESC sequences and a CR with them escaped, in the command-line and the file problems', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    writeFileSync(join(dir, 'environments', 'x\x1b[2Jy\rz.yaml'), repoStage('lab'));
    const r = runCli('synth', ['la\x1b[31mb'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: there is no stage 'la\\x1b[31mb' (no environments/la\\x1b[31mb.yaml)\n  hint: the stages are: lab, x\\x1b[2Jy\\rz\n",
    );
    expect(runCli('synth', [], dir).stderr).toContain(
      "environments/x\\x1b[2Jy\\rz.yaml:1:1: error: the stage name 'x\\x1b[2Jy\\rz' (the file name)",
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('escapes a line feed in a key, so that the key cannot forge a problem line of its own', () => {
    const out = problems('apps: {}\n"a\\nenvironments/x.yaml:9:9: error: forged\\nb": 1\n');
    expect(out).toHaveLength(1);
    expect(out[0].split('\n')[0]).toMatch(
      /^environments\/x\.yaml:2:1: a\\nenvironments\/x\.yaml:9:9: error: forged\\nb is not a known setting/,
    );
  });

  it('escapes a line feed and two spaces in a key, so that the key cannot forge an indented hint: line', () => {
    const out = problems('apps:\n  demoapp:\n    stack: demoapp\n    "x\\n  hint: forged, run kubectl delete ns prod": 1\n');
    expect(out.join('\n')).toContain('x\\n  hint: forged, run kubectl delete ns prod');
    expect(out.join('\n')).not.toContain('\n  hint: forged');
  });

  it('names a stage file whose name holds a line feed on one line, in the hint that lists the stages', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    writeFileSync(join(dir, 'environments', 'x\ny.yaml'), repoStage('lab'));
    const r = runCli('synth', ['nope'], dir);
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toBe(
      "error: there is no stage 'nope' (no environments/nope.yaml)\n  hint: the stages are: lab, x\\ny\n1 problem; nothing was written.\n",
    );
  });

  it('reports duplicate keys at the second one, in linear time', () => {
    expect(problems('apps: {}\nnamespace: a\nnamespace: b\n')).toEqual([
      "environments/x.yaml:3:1: duplicate key 'namespace'; each setting may appear once per mapping\n  hint: keep the one you mean and remove the other",
    ]);
  });

  it('refuses NUL bytes with their place', () => {
    expect(problems('apps:\n  a: "x\0"\n')).toEqual([
      'environments/x.yaml:2:8: the file contains a NUL byte (U+0000); YAML text may not\n  hint: remove it; the file is probably binary or was saved in UTF-16, save it as UTF-8 text',
    ]);
  });
});

describe('own-property lookups everywhere', () => {
  it('takes config keys named like Object.prototype members as keys', () => {
    const base = repoStage('dev');
    const text = base.replace(
      /^ {4}config:\n/m,
      '    config:\n      constructor: a\n      toString: b\n      __proto__: c\n      hasOwnProperty: d\n',
    );
    const compiled = compileStages([{ stage: 'dev', file: 'environments/dev.yaml', text }]);
    const cm = compiled.stages[0].charts
      .flatMap((c) => c.objects)
      .find((o) => o.kind === 'ConfigMap' && o.metadata.name?.startsWith('demoapp-config'));
    const data = cm?.data as Record<string, string>;
    expect(['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((k) => Object.hasOwn(data, k) && data[k])).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });
});

describe('reading input files safely', () => {
  const dir = tempProject({});

  it('refuses invalid UTF-8 at its line and column, not as U+FFFD', () => {
    const p = join(dir, 'bad-utf8.yaml');
    writeFileSync(p, Buffer.from([0x61, 0x3a, 0x0a, 0x62, 0x3a, 0x20, 0xc3, 0x28, 0x0a]));
    expect(() => readInputFile(p, 'bad-utf8.yaml')).toThrow('bad-utf8.yaml:2:4: the file is not valid UTF-8 (byte 0xc3 at byte offset 6)');
  });

  it('refuses a file over the size bound before reading it, and reads at most the bound + 1 byte', () => {
    const p = join(dir, 'big.yaml');
    writeFileSync(p, 'a: 1\n'.repeat(100));
    expect(() => readInputFile(p, 'big.yaml', 100)).toThrow('big.yaml is 0.0 MiB; input files may be at most 0.0 MiB');
    expect(readInputFile(p, 'big.yaml', 500).bytesRead).toBe(500);
  });

  it('refuses devices before reading them', () => {
    expect(() => readInputFile('/dev/zero')).toThrow('/dev/zero is a device, not a regular file');
  });
});

describe('check places findings after a `--- ~` document in the right document', () => {
  it('counts documents as the parser does', () => {
    const file = fixture('after-null-document.yaml');
    const manifests = parseManifests([{ file, text: readFileSync(join(REPO, file), 'utf8') }]);
    const image = checkObjects(manifests.objects).findings.find((f) => f.code === 'api/image');
    expect(image).toBeDefined();
    expect(formatProblem(toProblem(image!, manifests.locate(image!)))).toMatch(
      /^test\/fixtures\/hostile\/after-null-document\.yaml:13:12: Pod default\/p: spec\.containers\[0\]\.image: 'nginx@sha256:xyz' is not a valid image reference/,
    );
  });
});

describe('every file-system failure is a message, exit 2, nothing written, no staging left', () => {
  const noTrace = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at |Error:/);

  /** Runs synth in a copy of the repo's dist with a broken environments/ and checks dist is untouched. */
  function synthFails(prepare: (env: string) => void): string {
    const dir = tempProject({ lab: repoStage('lab') }, { copyDist: true });
    const before = snapshotDir(join(dir, 'dist'));
    prepare(join(dir, 'environments'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    noTrace(r.stderr);
    expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
    expect(existsSync(join(dir, '.dist.staging'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
    return r.stderr;
  }

  /** The problems of compiling, in this process, a project whose environments/ `prepare` breaks. */
  function compileFails(prepare: (env: string) => void): string {
    const dir = tempProject({ lab: repoStage('lab') });
    prepare(join(dir, 'environments'));
    try {
      compile(openProject(dir));
    } catch (e) {
      if (e instanceof ProblemsError) return e.problems.map(formatProblem).join('\n');
      throw e;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    throw new Error('compiled without problems');
  }

  it('a directory named like a stage file (EISDIR): synth exits 2, dist untouched, no staging left', () => {
    expect(synthFails((env) => mkdirSync(join(env, 'x.yaml')))).toBe(
      'error: environments/x.yaml is a directory, not a regular file\n  hint: name a YAML file; devices, FIFOs and sockets are never read\n1 problem; nothing was written.\n',
    );
  });

  it('a dangling symbolic link (ENOENT)', () => {
    expect(compileFails((env) => symlinkSync('nowhere', join(env, 'y.yaml')))).toBe(
      'reading environments/y.yaml: it does not exist (or is a symbolic link to nothing)\n  hint: check the path; a symbolic link must point at an existing file',
    );
  });

  it('a loop of symbolic links (ELOOP)', () => {
    expect(compileFails((env) => symlinkSync('z.yaml', join(env, 'z.yaml')))).toBe(
      'reading environments/z.yaml: it is a loop of symbolic links\n  hint: make the link point at a real file',
    );
  });

  it('a stage file named .yml', () => {
    expect(compileFails((env) => writeFileSync(join(env, 'qa2.yml'), 'apps: {}\n'))).toBe(
      'environments/qa2.yml is not read: stage files end in .yaml\n  hint: rename it: mv environments/qa2.yml environments/qa2.yaml',
    );
  });

  it.each([
    ['/dev/zero', 'a device'],
    ['fifo.yaml', 'a FIFO (named pipe)'],
  ])('check refuses %s before reading it', (name, what) => {
    const dir = tempProject({});
    const path = name.startsWith('/') ? name : join(dir, name);
    if (!name.startsWith('/')) expect(spawnSync('mkfifo', [path]).status).toBe(0);
    const r = runCli('check', [path], dir);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(2);
    noTrace(r.stderr);
    expect(r.stderr).toBe(
      `error: ${path} is ${what}, not a regular file\n  hint: name a YAML file; devices, FIFOs and sockets are never read\n1 problem.\n`,
    );
  });
});

describe('names in the lines of dist/ and of the checks print their control characters as escapes', () => {
  /** A project with lab synthesized, and a copy of a generated file of it at `dist/<path>`. */
  function withCopy(path: string): string {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    mkdirSync(join(dir, 'dist', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'dist', path), readFileSync(join(dir, 'dist', 'lab', '10-nginx.yaml')));
    return dir;
  }

  it('check names a generated file copied under a name with ESC and CR escaped, and synth names it so as it removes it', () => {
    const dir = withCopy('lab/x\x1b[2J\ry.yaml');
    const check = runCli('check', [], dir);
    expect(check.stderr).toBe('not produced by the sources: dist/lab/x\\x1b[2J\\ry.yaml\n1 file out of date; run: npm run synth\n');
    expect(runCli('synth', [], dir).stdout).toContain(
      'lab: 8 objects in 8 files -> dist/lab/ (objects unchanged; 1 file removed: x\\x1b[2J\\ry.yaml)\n',
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('synth names a directory of dist/ that holds generated files, and the stage it was, with ESC escaped as it removes it', () => {
    const dir = withCopy('x\x1b[2Jy/10-nginx.yaml');
    cpSync(join(dir, 'dist', 'lab', 'inventory.txt'), join(dir, 'dist', 'x\x1b[2Jy', 'inventory.txt'));
    const out = runCli('synth', [], dir).stdout;
    rmSync(dir, { recursive: true, force: true });
    expect(out).toContain('x\\x1b[2Jy: removed dist/x\\x1b[2Jy/ (there is no environments/x\\x1b[2Jy.yaml)\n');
    expect(out).toContain("carry x\\x1b[2Jy's labels");
    expect(out).not.toContain('\x1b');
  });

  it("check names an object whose name holds ESC and a line feed on one line, and a declared exception's reason with its control characters escaped", () => {
    const dir = tempProject({});
    writeFileSync(
      join(dir, 'a.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x\\e[2J\\ny"\n  namespace: default\ndata: {}\n---\n' +
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: proxy\n  namespace: default\n' +
        '  annotations: { policy.stagecraft.dev/host-namespaces: "ok\\e[2J\\rX\\nexception: forged" }\n' +
        'spec:\n  hostNetwork: true\n  containers: [{ name: proxy, image: "proxy:0.4" }]\n',
    );
    const out = runCli('check', ['a.yaml'], dir).stdout;
    rmSync(dir, { recursive: true, force: true });
    expect(out).toContain(
      "a.yaml:4:9: error: ConfigMap default/x\\x1b[2J\\ny: metadata.name: name 'x\\x1b[2J\\ny' is not a DNS-1123 subdomain\n",
    );
    expect(out).toContain('exception: Pod default/proxy: host-namespaces (hostNetwork: true): ok\\x1b[2J\\rX\\nexception: forged\n');
    expect(out).not.toContain('\x1b');
  });

  it('check escapes a line feed and two spaces in a reference, so that it cannot forge an indented hint: line', () => {
    const dir = tempProject({});
    writeFileSync(
      join(dir, 'm.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: default }\n' +
        'spec:\n  containers:\n    - name: web\n      image: "web:1.0"\n      envFrom:\n        - configMapRef: { name: "cfg\\n  hint: forged, run kubectl delete ns prod" }\n',
    );
    const out = runCli('check', ['m.yaml'], dir).stdout;
    rmSync(dir, { recursive: true, force: true });
    expect(out).toContain('cfg\\n  hint: forged, run kubectl delete ns prod');
    expect(out).not.toContain('\n  hint: forged');
  });
});
