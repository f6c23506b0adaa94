import { openProject, projectCrds } from '../../lib/cli/project.js';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { REPO, RUN_SCRIPT, fixtureProject, repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';

const fixture = (f: string) => `test/fixtures/manifests/${f}`;

describe('npm run check -- <paths>', () => {
  it('reports each finding at file:line:col and exits 1 on errors', () => {
    const r = runCli('check', [fixture('defects/3-dangling-claim.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "test/fixtures/manifests/defects/3-dangling-claim.yaml:33:20: error: Pod test/mysql: spec.volumes[0].persistentVolumeClaim.claimName: volume 'storage' claims 'mysqlvolume', but the claims in namespace 'test' are: mysql\n  hint: fix the name, or add the PersistentVolumeClaim to the files checked\n",
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('3 objects checked: 1 error, 2 warnings');
  });

  it('refuses the options of checking files when no file is given, rather than ignoring them (exit 2)', () => {
    for (const args of [
      ['--format', 'sarif'],
      ['--format', 'xml'],
      ['--pod-security', 'strict'],
      ['--crds', '/nonexistent'],
      ['--scope-per-dir'],
      ['--require-crds'],
    ]) {
      const r = runCli('check', args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toContain(`error: ${args[0]} applies to checking files, and no file or directory is given`);
    }
  });

  it('reports secret values at file:line:col and never prints them, in any format', () => {
    const f = fixture('policy/secret-values.yaml');
    const text = runCli('check', [f]);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n').filter((l) => !l.startsWith('  hint: '))).toEqual([
      `${f}:9:9: error: ConfigMap default/app: metadata.labels.db: holds a URL with a user and password (scheme://user:password@host) (a 32-character value, hidden); secret values must not be in manifests, which are committed`,
      `${f}:9:9: error: ConfigMap default/app: metadata.labels.db: label value "(a 32-character value, hidden)" is not valid`,
      `${f}:11:17: error: ConfigMap default/app: data.DATABASE_URL: holds a URL with a user and password (scheme://user:password@host) (a 32-character value, hidden); secret values must not be in manifests, which are committed`,
      `${f}:12:12: error: ConfigMap default/app: data.DB_PASS: is the value of 'DB_PASS', whose name says it is secret (a 9-character value, hidden); secret values must not be in manifests, which are committed`,
      `${f}:13:12: error: ConfigMap default/app: data.tls.key: holds a private key (PEM block) (a 118-character value, hidden); secret values must not be in manifests, which are committed`,
      `${f}:17:13: error: ConfigMap default/app: data.UPSTREAM: holds a 'Bearer' authorization value (a 27-character value, hidden); secret values must not be in manifests, which are committed`,
      '1 object checked: 6 errors, 0 warnings',
      '',
    ]);
    for (const format of ['text', 'json', 'sarif']) {
      const out = runCli('check', ['--format', format, f]);
      for (const secret of ['pw4demo', 'hunter2pw', 'MadeUpNotARealKey', '8f3kQz71LmA0pX9wQv2b'])
        expect(out.stdout + out.stderr, format).not.toContain(secret);
    }
  });

  it("reads the manifests piped in for '-' (kubectl kustomize ... | npm run check -- -), each finding at <stdin>:line:col", () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: web\n      image: nginx:1.25\n      foo: 1\n';
    const r = runCli('check', ['-', '--namespace-exists', 'shop'], REPO, {}, { stdin: pod });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("<stdin>:10:7: error: Pod shop/web: spec.containers[0].foo: unknown field 'foo'");
    // beside files, in JSON, and bounded and decoded as a file is
    const json = runCli(
      'check',
      ['--format', 'json', 'test/fixtures/manifests/defects/3-dangling-claim.yaml', '-'],
      REPO,
      {},
      { stdin: pod },
    );
    const files = (JSON.parse(json.stdout) as { findings: { location?: { file: string } }[] }).findings.map((f) => f.location?.file);
    expect(new Set(files)).toEqual(new Set(['<stdin>', 'test/fixtures/manifests/defects/3-dangling-claim.yaml']));
    const large = runCli('check', ['-'], REPO, {}, { stdin: Buffer.alloc(8 * 1024 * 1024 + 1, 0x61) });
    expect([large.code, large.stderr.split('\n')[0]]).toEqual([2, 'error: <stdin> is more than 8 MiB; input files may be at most 8 MiB']);
  });

  it("says text piped in (-) that is not UTF-8 as the pipe's, whose writer is to change: no file to save as UTF-8 (exit 2)", () => {
    const latin1 = runCli('check', ['-'], REPO, {}, { stdin: Buffer.from([0x61, 0xff]) });
    expect([latin1.code, ...latin1.stderr.split('\n').slice(0, 2)]).toEqual([
      2,
      '<stdin>:1:2: error: standard input is not valid UTF-8 (byte 0xff at byte offset 1)',
      '  hint: the command before | wrote text in another encoding, or bytes that are not text: convert it on the way (... | iconv -f LATIN1 -t UTF-8 | npm run check -- -, naming the encoding it writes), or name the files to check',
    ]);
    const utf16 = runCli('check', ['-'], REPO, {}, { stdin: Buffer.from('\ufeffkind: Pod\n', 'utf16le') });
    expect(utf16.stderr.split('\n').slice(0, 2)).toEqual([
      '<stdin>:1:1: error: standard input is not valid UTF-8 (byte 0xff at byte offset 0)',
      "  hint: the command before | wrote UTF-16 (it starts with UTF-16's byte-order mark, as PowerShell's > and Out-File write): convert it on the way (... | iconv -f UTF-16 -t UTF-8 | npm run check -- -), or name the files to check",
    ]);
  });

  it('says the place in the manifests piped in (-) in the SARIF message, a result at <stdin> (code scanning refuses a log with a result of no location)', () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: web\n      image: nginx:1.25\n      foo: 1\n';
    const r = runCli(
      'check',
      ['--format', 'sarif', '--namespace-exists', 'shop', '-', fixture('defects/1-misspelled-field.yaml')],
      REPO,
      {},
      { stdin: pod },
    );
    const results = JSON.parse(r.stdout).runs[0].results as { message: { text: string }; locations?: unknown[] }[];
    const piped = results.find((x) => x.message.text.includes("'foo'"));
    expect(piped?.locations).toEqual([
      { physicalLocation: { artifactLocation: { uri: '%3Cstdin%3E', uriBaseId: '%SRCROOT%' }, region: { startLine: 10, startColumn: 7 } } },
    ]);
    expect(piped?.message.text).toContain("unknown field 'foo' (standard input, line 10, column 7)");
    // every result has a location, which code scanning requires of each
    expect(results.every((x) => x.locations?.length === 1)).toBe(true);
    // a problem in standard input that stops the run (exit 2): the notification says where, with no location
    const bad = runCli('check', ['--format', 'sarif', '-'], REPO, {}, { stdin: Buffer.from([0x61, 0xff]) });
    const notification = JSON.parse(bad.stdout).runs[0].invocations[0].toolExecutionNotifications[0];
    expect([bad.code, notification.locations, notification.message.text.split(' (hint')[0]]).toEqual([
      2,
      undefined,
      'standard input is not valid UTF-8 (byte 0xff at byte offset 1) (standard input, line 1, column 2)',
    ]);
  });

  it("says a YAML syntax error piped in (-) as a file's, not as a file named other than *.yaml (standard input has no name)", () => {
    const r = runCli('check', ['-'], REPO, {}, { stdin: 'apiVersion: v1\nkind: [\n' });
    expect([r.code, ...r.stderr.split('\n').slice(0, 2)]).toEqual([
      2,
      '<stdin>:3:1: error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      '  hint: indent the entries of one mapping or list to the same column, with spaces; a list or mapping in brackets ([...], {...}) must be closed',
    ]);
  });

  it('reads a pipe of several chunks whole as a process (node lib/cli/run.cjs check -), its own standard input', () => {
    const doc = (i: number) =>
      `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: default\ndata:\n  k: ${'v'.repeat(200)}\n`;
    const text =
      Array.from({ length: 600 }, (_, i) => doc(i)).join('') +
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last\n  namespace: default\nbad: 1\n';
    expect(text.length).toBeGreaterThan(128 * 1024);
    const r = spawnSync(process.execPath, [RUN_SCRIPT, 'check', '-'], { cwd: REPO, input: text, encoding: 'utf8' });
    const lines = text.split('\n').length - 1;
    expect(r.stdout).toContain(`<stdin>:${lines}:1: error: ConfigMap default/last: bad: unknown field 'bad'`);
    expect(r.stdout).toContain('601 objects checked');
    expect(r.status).toBe(1);
    // a directory given with < is no file to remove or rename: standard input has no name
    const dir = spawnSync('sh', ['-c', `"${process.execPath}" "${RUN_SCRIPT}" check - < dist`], { cwd: REPO, encoding: 'utf8' });
    expect([dir.status, ...dir.stderr.split('\n').slice(0, 2)]).toEqual([
      2,
      "error: '-' reads the manifests from standard input, which cannot be read: it is a directory",
      '  hint: name the directory as a path (npm run check -- dist/qa) rather than giving it with <, pipe the manifests in (kubectl kustomize overlays/qa | npm run check -- -), or name the files or directories to check',
    ]);
  });

  it("refuses '-' when standard input is a terminal or missing (nothing piped in: it would wait for typing), or given twice (exit 2)", () => {
    const hint = '  hint: pipe them in (kubectl kustomize overlays/qa | npm run check -- -), or name the files or directories to check';
    expect(runCli('check', ['-'], REPO, {}, { stdin: 'tty' }).stderr.split('\n').slice(0, 2)).toEqual([
      "error: '-' reads the manifests from standard input, and it is a terminal: nothing is piped in",
      hint,
    ]);
    expect(runCli('check', ['-']).stderr.split('\n')[0]).toBe("error: '-' reads the manifests from standard input, and there is none");
    // empty (a command before | that failed, without set -o pipefail): beside files, it would pass unseen
    const empty = runCli('check', ['-', 'dist/qa'], REPO, {}, { stdin: '' });
    expect([empty.code, ...empty.stderr.split('\n').slice(0, 2)]).toEqual([
      2,
      "error: '-' reads the manifests from standard input, and it is empty: the command before | wrote nothing (did it fail?)",
      '  hint: pipe the manifests in (kubectl kustomize overlays/qa | npm run check -- -; set -o pipefail in a script, so that the failure of the first fails the job), or name the files or directories to check',
    ]);
    const twice = runCli('check', ['-', '-'], REPO, {}, { stdin: 'kind: x\n' });
    expect([twice.code, ...twice.stderr.split('\n').slice(0, 2)]).toEqual([
      2,
      "error: '-' (standard input) is given more than once, and it is read once",
      "  hint: give '-' once; a file named - is ./-",
    ]);
  });

  it('exits 0 on a clean directory', () => {
    expect(runCli('check', ['--pod-security', 'restricted', fixture('valid')])).toMatchObject({
      code: 0,
      stdout: '11 objects checked: 0 errors, 0 warnings\n',
    });
  });

  it('reads a file reached twice (a path given twice, a directory and a file in it, a link to it) once: its objects are not defined twice', () => {
    const valid = fixture('valid');
    const [first] = readdirSync(join(REPO, valid)).sort();
    const dir = mkdtempSync(join(tmpdir(), 'check-twice-'));
    symlinkSync(join(REPO, valid, first), join(dir, 'link.yaml'));
    for (const args of [
      [valid, valid],
      [valid, `${valid}/`, `./${valid}/${first}`],
      [valid, join(dir, 'link.yaml')],
    ])
      expect([args, runCli('check', args)]).toMatchObject([args, { code: 0, stdout: '11 objects checked: 0 errors, 0 warnings\n' }]);
  });

  it('reads a file of two names (a hard link, a bind mount) once, and a directory reached again through a link (loop -> .) once', () => {
    const valid = fixture('valid');
    const [first] = readdirSync(join(REPO, valid)).sort();
    // a hard link is a second name of one file, not a link realpath follows: the same device and inode
    const dir = mkdtempSync(join(tmpdir(), 'check-names-'));
    copyFileSync(join(REPO, valid, first), join(dir, 'a.yaml'));
    linkSync(join(dir, 'a.yaml'), join(dir, 'b.yaml'));
    expect(runCli('check', [dir])).toMatchObject({ code: 0, stdout: '11 objects checked: 0 errors, 0 warnings\n' });
    expect(runCli('check', [join(dir, 'a.yaml'), join(dir, 'b.yaml')])).toMatchObject({
      code: 0,
      stdout: '11 objects checked: 0 errors, 0 warnings\n',
    });
    // a link back to a directory being searched: its files once, not a search 40 deep that ends as 'a loop of symbolic links'
    const looped = mkdtempSync(join(tmpdir(), 'check-loop-'));
    copyFileSync(join(REPO, valid, first), join(looped, 'a.yaml'));
    symlinkSync('.', join(looped, 'loop'));
    expect(runCli('check', [looped])).toMatchObject({ code: 0, stdout: '11 objects checked: 0 errors, 0 warnings\n', stderr: '' });
  });

  it('accepts namespaces the cluster already has with --namespace-exists', () => {
    const f = fixture('refs/pods.yaml');
    expect(runCli('check', [f]).stdout).toContain("namespace 'staging' is neither created in the stage nor known to exist");
    expect(runCli('check', ['--namespace-exists', 'staging', f]).stdout).not.toContain("namespace 'staging'");
  });

  it('writes JSON with the object, field and place of every finding', () => {
    const r = runCli('check', ['--format', 'json', fixture('defects/2-quantity.yaml')]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.objects).toBe(1);
    expect(report.findings).toEqual([
      {
        code: 'schema/quantity',
        severity: 'error',
        object: { apiVersion: 'v1', kind: 'PersistentVolume', name: 'mysqlvolume' },
        field: 'spec.capacity.storage',
        message: '"2Gib" is not a valid quantity',
        hint: expect.stringContaining('e.g. 2Gi'),
        location: { file: 'test/fixtures/manifests/defects/2-quantity.yaml', line: 8, column: 14 },
      },
    ]);
  });

  it('writes SARIF 2.1.0 for code scanning', () => {
    const r = runCli('check', ['--format', 'sarif', fixture('defects/1-misspelled-field.yaml')]);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0].results;
    expect(results.map((x: { ruleId: string; level: string }) => `${x.level} ${x.ruleId}`)).toEqual([
      'error api/image',
      'warning policy/probes',
      'warning policy/resources',
      'error schema/unknown-field',
    ]);
    const rule = log.runs[0].tool.driver.rules.find((x: { id: string }) => x.id === 'schema/unknown-field');
    expect(rule.shortDescription.text).toBe('A field the kind does not have');
    expect(rule.help.text).toMatch(/^Usually a misspelling/);
    expect(results[3].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'test/fixtures/manifests/defects/1-misspelled-field.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 11, startColumn: 7 },
    });
  });

  it('fails with a clear message and exit code 2 on YAML that is not Kubernetes', () => {
    const r = runCli('check', [fixture('not-kubernetes')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'test/fixtures/manifests/not-kubernetes/docker-compose.yaml:2:1: error: this document is not a Kubernetes object (found a mapping without apiVersion)\n' +
        '  hint: point npm run check at Kubernetes manifests: YAML documents with apiVersion, kind and metadata\n' +
        'test/fixtures/manifests/not-kubernetes/list.yml:1:1: error: this document is not a Kubernetes object (found a list)\n' +
        '  hint: point npm run check at Kubernetes manifests: YAML documents with apiVersion, kind and metadata\n' +
        '2 problems.\n',
    );
  });

  it('tells a stage file given as a manifest that it is a stage file, and what checks it (exit 2)', () => {
    expect(runCli('check', ['environments/qa.yaml', 'dist/qa'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'environments/qa.yaml:1:1: error: this is a stage file, not Kubernetes manifests: npm run check -- <paths> checks manifests\n' +
        '  hint: npm run check (without paths) checks every stage file and whether dist/ is what they make; npm run diff -- qa shows what this one would change in dist/qa/, and npm run check -- dist/qa checks that output\n' +
        '1 problem.\n',
    });
  });

  it('tells a stage file given by its absolute path that it is one, and takes environments/x.yml for a manifest', () => {
    expect(runCli('check', [join(REPO, 'environments/qa.yaml')])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`${join(REPO, 'environments/qa.yaml')}:1:1: error: this is a stage file, not Kubernetes manifests`),
    });
    const dir = tempProject({});
    writeFileSync(join(dir, 'environments', 'notes.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: notes }\n');
    const r = runCli('check', ['environments/notes.yml'], dir);
    expect(r.stderr).not.toContain('stage file');
    expect(r.code).toBe(0);
  });

  it('reports every problem of YAML in a file not named *.yaml or *.yml (helm template > out.txt, cm.json) with its own hint', () => {
    const dir = fixtureProject(['qa']);
    writeFileSync(
      join(dir, 'rendered.txt'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  ENABLED: yes\n  MODE: 010\n',
    );
    writeFileSync(join(dir, 'cm.json'), '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "name": "b"}}\n');
    const r = runCli('check', ['rendered.txt', 'cm.json'], dir);
    expect(r.code).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => / error: /.test(l));
    expect(errors).toEqual([
      expect.stringMatching(/^rendered\.txt:7:12: error: ENABLED: yes is a string to stagecraft/),
      expect.stringMatching(/^rendered\.txt:8:9: error: MODE: 010 is the number 10 to stagecraft/),
      expect.stringMatching(/^cm\.json:1:\d+: error: duplicate key 'name'/),
    ]);
    expect(r.stderr).not.toContain('is not named *.yaml');
  });

  it('checks a Secret whose data value is megabytes of base64 (a repeated group of four overflowed the stack: an internal error)', () => {
    const dir = fixtureProject(['qa']);
    const blob = Buffer.from('x'.repeat(4 << 20)).toString('base64');
    writeFileSync(
      join(dir, 'big.yaml'),
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\n  namespace: default\ndata:\n  blob: ${blob}\n`,
    );
    const r = runCli('check', ['big.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('big.yaml:7:3: error: Secret default/big: data: holds 5461 KiB of data');
    expect(r.stdout).not.toContain('is not base64');
  });

  it('fails with exit code 2 on a directory without YAML, a missing path or a bad option', () => {
    expect(runCli('check', ['lib/checks'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('found no YAML files (*.yaml, *.yml) in lib/checks'),
    });
    expect(runCli('check', ['nope'])).toMatchObject({
      code: 2,
      stderr:
        "error: there is no file or directory 'nope'\n  hint: name files or directories that exist; a relative path is read from the directory you run npm in\n1 problem.\n",
    });
    // a stage's name where its output was meant, and an option after '--', read as a path
    expect(runCli('check', ['qa']).stderr).toBe(
      "error: there is no file or directory 'qa'\n  hint: qa is a stage: npm run check -- dist/qa checks its output, npm run check (without paths) every stage against its stage file; a relative path is read from the directory you run npm in\n1 problem.\n",
    );
    expect(runCli('check', ['dist/qa', '--', '--format=json']).stderr.split('\n').slice(0, 2)).toEqual([
      "error: there is no file or directory '--format=json'",
      "  hint: what follows a second '--' is read as paths, so --format=json is not taken as an option: write npm run check -- --format=json dist/qa (npm run check -- --help lists them)",
    ]);
    // a file not named as YAML that is none: its first problem alone, saying so (not thousands of the parser's)
    const readme = runCli('check', ['README.md', 'dist/qa']);
    expect(readme.code).toBe(2);
    expect(readme.stderr).toMatch(
      /^README\.md:\d+:\d+: error: [^\n]+\n {2}hint: README\.md is not named \*\.yaml or \*\.yml, and is not YAML: name the Kubernetes manifests to check\n1 problem\.\n$/,
    );
    // a second '--' (its options read as paths), and --format given before '--' (npm passed its value on as a path):
    // the command line that gives them as options, not 'give options before --', which npm takes
    expect(runCli('check', ['--pod-security', 'restricted', 'dist/qa', '--', '--format=json']).stderr.split('\n').slice(0, 2)).toEqual([
      "error: there is no file or directory '--format=json'",
      "  hint: what follows a second '--' is read as paths, so --format=json is not taken as an option: write npm run check -- --pod-security=restricted --format=json dist/qa (npm run check -- --help lists them)",
    ]);
    // an option given apart from its value there: the two as one option, the value said as its own (not as a format npm passed on)
    expect(runCli('check', ['--', 'dist/qa', '--format', 'json', '--pod-security', 'restricted']).stderr.split('\n')).toEqual([
      "error: there is no file or directory '--format'",
      "  hint: what follows a second '--' is read as paths, so --format is not taken as an option: write npm run check -- --format=json --pod-security=restricted dist/qa (npm run check -- --help lists them)",
      "error: there is no file or directory 'json'",
      "  hint: json is the value of --format, which follows a second '--' and is read as a path with it: write npm run check -- --format=json --pod-security=restricted dist/qa (npm run check -- --help lists them)",
      "error: there is no file or directory '--pod-security'",
      "  hint: what follows a second '--' is read as paths, so --pod-security is not taken as an option: write npm run check -- --format=json --pod-security=restricted dist/qa (npm run check -- --help lists them)",
      "error: there is no file or directory 'restricted'",
      "  hint: restricted is the value of --pod-security, which follows a second '--' and is read as a path with it: write npm run check -- --format=json --pod-security=restricted dist/qa (npm run check -- --help lists them)",
      '4 problems.',
      '',
    ]);
    // one with no value there: no line that would give it the next word (--format dist/qa)
    expect(runCli('check', ['dist/qa', '--', '--format']).stderr.split('\n')).toEqual([
      "error: there is no file or directory '--format'",
      "  hint: what follows a second '--' is read as paths, so --format is not taken as an option: give options after the first '--' and before the paths (npm run check -- --help lists them)",
      '1 problem.',
      '',
    ]);
    expect(runCli('check', ['json', 'dist/qa']).stderr.split('\n').slice(0, 2)).toEqual([
      "error: there is no file or directory 'json'",
      "  hint: json is a report format: --format given before '--' is npm's, which passes its value on as a path; give it after '--': npm run check -- --format=json dist/qa",
    ]);
    // '-', standard input, stays '-' in the line to write (./- would be a file named so)
    expect(runCli('check', ['-', 'json'], REPO, {}, { stdin: '' }).stderr.split('\n').slice(0, 2)).toEqual([
      "error: there is no file or directory 'json'",
      "  hint: json is a report format: --format given before '--' is npm's, which passes its value on as a path; give it after '--': npm run check -- --format=json -",
    ]);
    // a Pod Security level alike (npm run check --pod-security restricted dist/qa), with the format beside it
    expect(runCli('check', ['restricted', 'dist/qa']).stderr.split('\n').slice(0, 2)).toEqual([
      "error: there is no file or directory 'restricted'",
      "  hint: restricted is a Pod Security level: --pod-security given before '--' is npm's, which passes its value on as a path; give it after '--': npm run check -- --pod-security=restricted dist/qa",
    ]);
    expect(runCli('check', ['json', 'baseline', 'dist/qa']).stderr.split('\n')[3]).toBe(
      "  hint: baseline is a Pod Security level: --pod-security given before '--' is npm's, which passes its value on as a path; give it after '--': npm run check -- --format=json --pod-security=baseline dist/qa",
    );
    expect(runCli('check', ['--format', 'xml', 'dist'])).toMatchObject({
      code: 2,
      stderr:
        "error: --format must be one of text, json, sarif (found 'xml')\n  hint: write --format text; npm run check -- --help lists the options\n1 problem.\n",
    });
    // the one probably meant, in another case or shortened, and what to write
    expect(runCli('check', ['--format', 'JSON', 'dist']).stderr).toBe(
      "error: --format must be one of text, json, sarif (found 'JSON'); did you mean 'json'?\n  hint: write --format json; npm run check -- --help lists the options\n1 problem.\n",
    );
    expect(runCli('check', ['--pod-security', 'restrict', 'dist']).stderr).toBe(
      "error: --pod-security must be one of baseline, restricted (found 'restrict'); did you mean 'restricted'?\n  hint: write --pod-security restricted; npm run check -- --help lists the options\n1 problem.\n",
    );
  });

  it('lists the exceptions the objects declare and used, in text and JSON, and as suppressed results in SARIF', () => {
    const dir = tempProject({});
    mkdirSync(join(dir, 'm'));
    writeFileSync(
      join(dir, 'm', 'web.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: default\n  annotations:\n' +
        '    secrets.stagecraft.dev/allow: "data.MAPS_KEY (google-api-key): a browser key, public by design"\n' +
        'data:\n  MAPS_KEY: AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW\n',
    );
    const line = 'exception: ConfigMap default/web: secrets (data.MAPS_KEY: a Google API key): a browser key, public by design';
    expect(runCli('check', ['m'], dir)).toMatchObject({
      code: 0,
      stdout: `${line}\n1 object checked: 0 errors, 0 warnings, 1 exception used\n`,
    });
    const json = JSON.parse(runCli('check', ['--format', 'json', 'm'], dir).stdout);
    expect(json.exceptions).toEqual([
      {
        object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'web' },
        control: 'secrets',
        code: 'secrets/value',
        allows: 'data.MAPS_KEY: a Google API key',
        reason: 'a browser key, public by design',
      },
    ]);
    const run = JSON.parse(runCli('check', ['--format', 'sarif', 'm'], dir).stdout).runs[0];
    expect(run.results).toMatchObject([
      {
        ruleId: 'secrets/value',
        suppressions: [{ kind: 'inSource', justification: 'a browser key, public by design' }],
        locations: [{ physicalLocation: { artifactLocation: { uri: 'm/web.yaml' }, region: { startLine: 7 } } }],
      },
    ]);
  });

  it('prints a SARIF log or a JSON report of the problems on bad input too, still exiting 2 with the text on stderr', () => {
    const dir = tempProject({});
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', 'a b#1.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  A: "1"\n  A: "2"\n');
    const sarif = runCli('check', ['--format', 'sarif', 'm'], dir);
    expect(sarif.code).toBe(2);
    expect(sarif.stderr).toBe(
      "m/a b#1.yaml:6:3: error: duplicate key 'A'; each key may appear once per mapping\n  hint: keep the one you mean and remove the other\n1 problem.\n",
    );
    const run = JSON.parse(sarif.stdout).runs[0];
    expect(run.results).toEqual([]);
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications).toMatchObject([
      {
        descriptor: { id: 'yaml/duplicate-key' },
        level: 'error',
        locations: [{ physicalLocation: { artifactLocation: { uri: 'm/a%20b%231.yaml', uriBaseId: '%SRCROOT%' } } }],
      },
    ]);
    const json = runCli('check', ['--format', 'json', 'm', 'nope'], dir);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).problems.map((p: { code: string }) => p.code)).toEqual(['cli/no-such-path']);
    // the text report is stderr's alone
    expect(runCli('check', ['m'], dir)).toMatchObject({ code: 2, stdout: '' });
  });

  it('reports YAML syntax errors as bad input', () => {
    const dir = tempProject({});
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', 'a.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n');
    expect(runCli('check', ['m'], dir)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^m\/a\.yaml:\d+:\d+: /) });
  });
});

describe('npm run check -- <paths> run from a directory of the project', () => {
  /** A project with manifests in m/ (a ConfigMap with a finding, and ServiceMonitor CRDs in m/crds/). */
  const project = () => {
    const dir = tempProject({});
    mkdirSync(join(dir, 'm', 'crds'), { recursive: true });
    copyFileSync(join(REPO, fixture('defects/3-dangling-claim.yaml')), join(dir, 'm', 'claim.yaml'));
    copyFileSync(join(REPO, fixture('rules/service-monitor-crd.yaml')), join(dir, 'm', 'crds', 'monitor.yaml'));
    return dir;
  };
  /** What npm sets for `npm run check` started in `dir`. */
  const from = (dir: string) => ({ INIT_CWD: dir, npm_lifecycle_event: 'check' });

  it('reads a relative path from there (INIT_CWD), and names files from the project directory, as in SARIF', () => {
    const dir = project();
    const r = runCli('check', ['claim.yaml'], dir, from(join(dir, 'm')));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "m/claim.yaml:33:20: error: Pod test/mysql: spec.volumes[0].persistentVolumeClaim.claimName: volume 'storage'",
    );
    const sarif = JSON.parse(runCli('check', ['--format', 'sarif', '.'], dir, from(join(dir, 'm'))).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: 'm/claim.yaml',
      uriBaseId: '%SRCROOT%',
    });
    // a path up and down again is named by where it leads
    expect(runCli('check', ['../claim.yaml'], dir, from(join(dir, 'm', 'crds'))).stdout).toContain('\nm/claim.yaml:33:20: error: ');
  });

  it('reads --crds from there too, and names a missing path from the project directory', () => {
    const dir = project();
    expect(runCli('check', ['--crds', 'crds/monitor.yaml', 'claim.yaml'], dir, from(join(dir, 'm'))).code).toBe(1);
    const r = runCli('check', ['--crds', 'nocrds', 'nope'], dir, from(join(dir, 'm')));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("error: there is no file or directory 'm/nope'");
    expect(runCli('check', ['--crds', 'nocrds', 'claim.yaml'], dir, from(join(dir, 'm'))).stderr.split('\n')[0]).toBe(
      "error: there is no file or directory 'm/nocrds' (given to --crds)",
    );
  });

  it('names a path that leads out of the project absolute, and reads an absolute one as it is', () => {
    const dir = project();
    const outside = mkdtempSync(join(tmpdir(), 'stagecraft-outside-'));
    copyFileSync(join(dir, 'm', 'claim.yaml'), join(outside, 'claim.yaml'));
    const r = runCli('check', ['claim.yaml'], dir, from(outside));
    expect(r.stdout).toContain(`\n${join(outside, 'claim.yaml')}:33:20: error: `);
    expect(runCli('check', [join(dir, 'm', 'claim.yaml')], dir, from(outside)).stdout).toContain(
      `\n${join(dir, 'm', 'claim.yaml')}:33:20: `,
    );
  });

  it("reads what a missing path may mean in the word given there: a stage, a report format npm passed on, an option after a second '--'", () => {
    const dir = project();
    mkdirSync(join(dir, 'dist', 'qa'), { recursive: true });
    mkdirSync(join(dir, 'environments'), { recursive: true });
    // npm run check -- qa, in environments/: the stage's output is ../dist/qa from there
    expect(
      runCli('check', ['qa'], dir, from(join(dir, 'environments')))
        .stderr.split('\n')
        .slice(0, 2),
    ).toEqual([
      "error: there is no file or directory 'environments/qa'",
      '  hint: qa is a stage: npm run check -- ../dist/qa checks its output, npm run check (without paths) every stage against its stage file; a relative path is read from the directory you run npm in',
    ]);
    // npm run check --format=json -- claim.yaml, in m/: npm passed json on
    expect(
      runCli('check', ['json', 'claim.yaml'], dir, from(join(dir, 'm')))
        .stderr.split('\n')
        .slice(0, 2),
    ).toEqual([
      "error: there is no file or directory 'm/json'",
      "  hint: json is a report format: --format given before '--' is npm's, which passes its value on as a path; give it after '--': npm run check -- --format=json claim.yaml",
    ]);
    expect(
      runCli('check', ['claim.yaml', '--', '--format', 'json'], dir, from(join(dir, 'm')))
        .stderr.split('\n')
        .slice(0, 4),
    ).toEqual([
      "error: there is no file or directory 'm/--format'",
      "  hint: what follows a second '--' is read as paths, so --format is not taken as an option: write npm run check -- --format=json claim.yaml (npm run check -- --help lists them)",
      "error: there is no file or directory 'm/json'",
      "  hint: json is the value of --format, which follows a second '--' and is read as a path with it: write npm run check -- --format=json claim.yaml (npm run check -- --help lists them)",
    ]);
  });

  it('reads from the project directory when INIT_CWD is not for this command: another npm script started it', () => {
    const dir = project();
    // `"lint": "node lib/cli/run.cjs check m"` run from m/: the script's paths are the project's
    const r = runCli('check', ['m/claim.yaml'], dir, { INIT_CWD: join(dir, 'm'), npm_lifecycle_event: 'lint' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('\nm/claim.yaml:33:20: error: ');
    expect(runCli('check', ['m/claim.yaml'], dir, { INIT_CWD: undefined, npm_lifecycle_event: undefined }).code).toBe(1);
  });
});

describe('npm run synth runs the checks', () => {
  it('writes nothing and exits 1 when a stage fails a check (here: the restricted standard)', () => {
    const dir = tempProject({ lab: repoStage('lab') }, { copyDist: true });
    const before = snapshotDir(join(dir, 'dist'));
    writeFileSync(join(dir, 'environments', 'lab.yaml'), `${repoStage('lab')}checks:\n  podSecurity: restricted\n`);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "ReplicationController lab/nginx: spec.template.spec.containers[0].securityContext: container 'nginx' may run as root (runAsNonRoot is not true) (Pod Security Standard 'restricted')\n",
    );
    // flannel (hostNetwork, NET_ADMIN) declares exceptions to the baseline only, so it fails too
    expect(r.stderr).toMatch(/\n10 problems; nothing was written\.\n$/);
    expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
  });

  it('checks every stage of dist/ at once, each stage its own cluster scope', () => {
    const r = runCli('check', ['dist'], REPO);
    expect(r.stdout).toMatch(/objects checked: 0 errors/);
    expect(r.code).toBe(0);
  });

  it('shares one scope between plain directories unless --scope-per-dir', () => {
    const dir = tempProject({});
    const pod = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n';
    for (const d of ['a', 'b']) {
      mkdirSync(join(dir, 'm', d), { recursive: true });
      writeFileSync(join(dir, 'm', d, 'cm.yaml'), pod);
    }
    expect(runCli('check', ['m'], dir)).toMatchObject({ code: 1, stdout: expect.stringContaining('ConfigMap settings is defined twice') });
    expect(runCli('check', ['--scope-per-dir', 'm'], dir)).toMatchObject({ code: 0 });
  });

  it('validates custom resources with the CRDs of --crds', () => {
    const r = runCli('check', ['--crds', '../shared/crds/cert-manager', fixture('crds/cert-manager-invalid.yaml')], REPO);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("spec.secretNam: unknown field 'secretNam'; did you mean 'secretName'?");
    expect(runCli('check', ['--crds', '../shared/crds/cert-manager', fixture('crds/cert-manager-valid.yaml')], REPO).code).toBe(0);
  });

  it('makes a custom resource whose CRD is not known an error with --require-crds (exit 1), as the strict check of dist/ does; a warning without it', () => {
    const f = fixture('crds/cert-manager-valid.yaml');
    const warned = runCli('check', [f], REPO);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain(
      `${f}:2:13: warning: ClusterIssuer letsencrypt: apiVersion: cert-manager.io/v1 ClusterIssuer is a custom resource`,
    );
    const refused = runCli('check', ['--require-crds', f], REPO);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      `${f}:2:13: error: ClusterIssuer letsencrypt: apiVersion: cert-manager.io/v1 ClusterIssuer is a custom resource`,
    );
    expect(runCli('check', ['--require-crds', '--crds', '../shared/crds/cert-manager', f], REPO).code).toBe(0);
  });

  it("keeps a stage directory's own ExternalSecret a warning with --require-crds, as synth keeps it; a custom kind of an app's file an error", () => {
    // dist/production: its secret store's ExternalSecret, in 00-namespace.yaml, which synth writes with a warning
    const dir = join(mkdtempSync(join(tmpdir(), 'require-crds-')), 'production');
    mkdirSync(dir);
    for (const f of readdirSync(join(REPO, 'dist/production'))) copyFileSync(join(REPO, 'dist/production', f), join(dir, f));
    const own = runCli('check', ['--require-crds', dir], REPO);
    expect(own.code, own.stdout).toBe(0);
    expect(own.stdout).toContain(
      'warning: ExternalSecret production/mysqlsecret: apiVersion: external-secrets.io/v1 ExternalSecret is a custom resource',
    );
    expect(own.stdout).toContain(
      "hint: stagecraft made it from the stage file's settings (a secret store's ExternalSecret), so it stays a warning",
    );
    writeFileSync(join(dir, '10-widget.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w, namespace: production }\n');
    const app = runCli('check', ['--require-crds', dir], REPO);
    expect(app.code).toBe(1);
    expect(app.stdout).toContain('10-widget.yaml:1:13: error: Widget production/w: apiVersion: example.com/v1 Widget is a custom resource');
  });

  it('refuses a --crds path that does not exist, saying it was given to --crds and what --crds takes (exit 2)', () => {
    const r = runCli('check', ['--crds', 'no-such-crds', fixture('crds/cert-manager-valid.yaml')], REPO);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: there is no file or directory 'no-such-crds' (given to --crds)\n  hint: without one no custom resource is validated: give --crds a file or folder of CustomResourceDefinitions (kind: CustomResourceDefinition), such as an operator's crds.yaml; a relative path is read from the directory you run npm in\n",
    );
    expect(r.stdout).toBe('');
  });

  it('refuses a --crds file or folder that holds no CustomResourceDefinition, naming what it holds, rather than validating nothing', () => {
    const dir = tempProject({});
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'm'));
    copyFileSync(join(REPO, fixture('rules/service-monitor-crd.yaml')), join(dir, 'crds.yaml'));
    copyFileSync(join(REPO, fixture('rules/service-monitor-fire.yaml')), join(dir, 'm', 'monitors.yaml'));
    const r = runCli('check', ['--crds', 'm/monitors.yaml', '--crds', 'empty', '--crds', 'crds.yaml', 'm'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([
      'error: --crds m/monitors.yaml holds no CustomResourceDefinition (found 4 objects of other kinds: Pod, Service, ServiceMonitor)',
      'error: --crds empty holds no CustomResourceDefinition (found no *.yaml or *.yml file)',
    ]);
    expect(runCli('check', ['--crds', 'crds.yaml', 'm'], dir).code).toBe(1);
  });

  it("reads a project's crds/ folder without YAML files as no CRDs when --crds is not given, as synth does", () => {
    const dir = tempProject({});
    mkdirSync(join(dir, 'crds'));
    writeFileSync(join(dir, 'crds', 'README.md'), 'CRDs of the operators the stages use.\n');
    copyFileSync(join(REPO, 'dist', 'lab', '00-namespace.yaml'), join(dir, 'namespace.yaml'));
    expect(runCli('check', ['namespace.yaml'], dir)).toMatchObject({ code: 0, stderr: '' });
  });

  it("uses the project's crds/ folder when --crds is not given", () => {
    const dir = tempProject({});
    mkdirSync(join(dir, 'crds'));
    mkdirSync(join(dir, 'm'));
    copyFileSync(join(REPO, fixture('rules/service-monitor-crd.yaml')), join(dir, 'crds', 'service-monitor.yaml'));
    copyFileSync(join(REPO, fixture('rules/service-monitor-fire.yaml')), join(dir, 'm', 'monitors.yaml'));
    expect(projectCrds(dir).map((o) => o.metadata.name)).toEqual(['servicemonitors.monitoring.coreos.com']);
    const r = runCli('check', ['m'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("scrapes the port named 'metrics', but the selected Services (api) have the named ports: http");
  });

  it("reads crds/ as a stack's included manifests are: a link back up the folder is walked once, and synth and check read the same", () => {
    const dir = tempProject({ lab: repoStage('lab') });
    mkdirSync(join(dir, 'crds', 'monitoring'), { recursive: true });
    mkdirSync(join(dir, 'm'));
    copyFileSync(join(REPO, fixture('rules/service-monitor-crd.yaml')), join(dir, 'crds', 'monitoring', 'service-monitor.yaml'));
    copyFileSync(join(REPO, fixture('rules/service-monitor-fire.yaml')), join(dir, 'm', 'monitors.yaml'));
    symlinkSync('..', join(dir, 'crds', 'monitoring', 'up'));
    expect(projectCrds(dir).map((o) => o.metadata.name)).toEqual(['servicemonitors.monitoring.coreos.com']);
    expect(runCli('check', ['m'], dir).stdout).toContain("scrapes the port named 'metrics'");
    expect(runCli('synth', [], dir).code).toBe(0);
  });

  it('refuses a link in crds/ that leads outside the project, in synth and in check, naming it', () => {
    const outside = mkdtempSync(join(tmpdir(), 'stagecraft-outside-'));
    copyFileSync(join(REPO, fixture('rules/service-monitor-crd.yaml')), join(outside, 'service-monitor.yaml'));
    const dir = tempProject({ lab: repoStage('lab') });
    mkdirSync(join(dir, 'crds'));
    symlinkSync(join(outside, 'service-monitor.yaml'), join(dir, 'crds', 'service-monitor.yaml'));
    copyFileSync(join(REPO, 'dist', 'lab', '00-namespace.yaml'), join(dir, 'namespace.yaml'));
    for (const r of [runCli('check', ['namespace.yaml'], dir), runCli('synth', [], dir)]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error: crds/service-monitor.yaml leads outside the project through a symbolic link');
    }
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  // each stage is its own cluster or namespace: lab and raspberry both run flannel in kube-system
  it.each(openProject(REPO).stages)('checks the committed dist/%s as clean', (stage) => {
    const r = runCli('check', [`dist/${stage}`], REPO);
    expect(r.stdout + r.stderr).toMatch(/objects checked: 0 errors/);
    expect(r.code).toBe(0);
  });
});
