/**
 * `npm run check` on an unchanged tree answers from the digests the last full synth recorded
 * (lib/cli/fingerprint.ts), and cannot miss a change: after each kind of change, the fingerprint no
 * longer matches and check answers exactly as a full compilation does (the same run with the
 * fingerprint deleted).
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, repoStage, runCli, tempProject, type CliResult, labElsewhere } from '../helpers/cli.js';
import { compilerDigests } from '../../lib/cli/digests.js';
import { FINGERPRINT_FILE, unchangedSinceRecorded } from '../../lib/cli/fingerprint.js';

/**
 * Runs `command` in `cwd` with `compiler`'s code: in this process for this repository, otherwise
 * as `npm run <command>` starts it there (its lib/cli/run.cjs), so that an edited source is the code that runs.
 */
function run(compiler: string, command: string, cwd: string): CliResult {
  if (compiler === REPO) return runCli(command, [], cwd);
  const r = spawnSync(process.execPath, [join(compiler, 'lib/cli/run.cjs'), command], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A copy of the compiler (its sources and lockfiles, with the original times so that it counts as
 * settled, however soon a command starts), whose node_modules/ links to each installed package of
 * this one: its own node_modules/.cache/, so that its bundles and this repository's never replace each other.
 */
function compilerCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-compiler-'));
  for (const e of ['lib', 'apps', 'package.json', 'package-lock.json', 'tsconfig.json'])
    cpSync(join(REPO, e), join(dir, e), { recursive: true, preserveTimestamps: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const e of readdirSync(join(REPO, 'node_modules'))) {
    // what npm installed is a compiler input: a copy of the file with its time (a link made now would be new,
    // and so would a copy of a link, as in .ci/adoption-check's copy of this repository)
    if (e === '.package-lock.json') {
      cpSync(join(REPO, 'node_modules', e), join(dir, 'node_modules', e), { dereference: true, preserveTimestamps: true });
    } else if (e !== '.cache') symlinkSync(join(REPO, 'node_modules', e), join(dir, 'node_modules', e));
  }
  return dir;
}

/**
 * Runs `change` on a file of the compiler copy, then puts the file back as it was, its times too
 * (a source changed just before a command starts keeps that command from recording a fingerprint).
 */
function withChanged(path: string, change: (text: string) => string, body: () => void): void {
  const text = readFileSync(path, 'utf8');
  const { atime, mtime } = statSync(path);
  try {
    writeFileSync(path, change(text));
    body();
  } finally {
    writeFileSync(path, text);
    utimesSync(path, atime, mtime);
  }
}

/** A project with the lab stage synthesized by `compiler`: its dist/ current, its fingerprint recorded. */
function synthesized(compiler: string): string {
  const dir = tempProject({ lab: repoStage('lab') });
  expect(run(compiler, 'synth', dir).code).toBe(0);
  expect(unchangedSinceRecorded(dir, 'dist', compiler)).toBeDefined();
  return dir;
}

/** Check's answer with the fingerprint, which must equal its answer after a full compilation. */
function checkBothWays(compiler: string, dir: string): CliResult {
  expect(unchangedSinceRecorded(dir, 'dist', compiler)).toBeUndefined();
  const fast = run(compiler, 'check', dir);
  rmSync(join(dir, FINGERPRINT_FILE), { force: true });
  const full = run(compiler, 'check', dir);
  expect(fast).toEqual(full);
  return fast;
}

describe('npm run check from the digests of the last synth', () => {
  it('says current without compiling when nothing changed, with the same message', () => {
    const dir = synthesized(REPO);
    const fast = run(REPO, 'check', dir);
    rmSync(join(dir, FINGERPRINT_FILE));
    // a full check that passes records the fingerprint too
    const full = run(REPO, 'check', dir);
    expect(fast).toEqual(full);
    expect(fast).toMatchObject({ code: 0, stdout: expect.stringMatching(/^dist\/ is current: 1 stage, \d+ files\n$/) });
    expect(unchangedSinceRecorded(dir, 'dist', REPO)).toBeDefined();
  });

  it('a damaged fingerprint matches nothing', () => {
    const dir = synthesized(REPO);
    for (const text of [
      '{',
      '{"format":3}',
      'null',
      `{"format":3,"node":"${process.version}"}`,
      `{"format":3,"node":"${process.version}","project":{},"dist":[1],"compiler":{}}`,
    ]) {
      writeFileSync(join(dir, FINGERPRINT_FILE), text);
      expect(unchangedSinceRecorded(dir, 'dist', REPO)).toBeUndefined();
    }
  });

  it('a stage file changed', () => {
    const dir = synthesized(REPO);
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
    expect(checkBothWays(REPO, dir).stderr).toContain('changed: dist/lab/10-nginx.yaml');
  });

  it('a stage file added, and the project file changed', () => {
    const dir = synthesized(REPO);
    writeFileSync(join(dir, 'environments', 'other.yaml'), labElsewhere());
    expect(checkBothWays(REPO, dir).code).toBe(1);
    const again = synthesized(REPO);
    appendFileSync(join(again, 'stagecraft.yaml'), '\n# a comment\n');
    checkBothWays(REPO, again);
  });

  it('a generated file edited by hand, removed, or added, and a foreign file added', () => {
    const edited = synthesized(REPO);
    appendFileSync(join(edited, 'dist', 'lab', '10-flannel.yaml'), '# edited\n');
    expect(checkBothWays(REPO, edited).stderr).toContain('changed: dist/lab/10-flannel.yaml');
    const removed = synthesized(REPO);
    rmSync(join(removed, 'dist', 'lab', '10-flannel.yaml'));
    expect(checkBothWays(REPO, removed).stderr).toContain('missing: dist/lab/10-flannel.yaml');
    const added = synthesized(REPO);
    writeFileSync(
      join(added, 'dist', 'lab', '10-extra.yaml'),
      '# Generated by stagecraft from environments/lab.yaml; do not edit.\nkind: X\n',
    );
    expect(checkBothWays(REPO, added).stderr).toContain('not produced by the sources: dist/lab/10-extra.yaml');
    const foreign = synthesized(REPO);
    mkdirSync(join(foreign, 'dist', 'notes'));
    writeFileSync(join(foreign, 'dist', 'notes', 'README.md'), 'hand-written\n');
    expect(checkBothWays(REPO, foreign).code).toBe(0);
  });

  it('the schema or a crds/ folder changed', () => {
    const schema = synthesized(REPO);
    appendFileSync(join(schema, 'environments', 'stage.schema.json'), ' ');
    expect(checkBothWays(REPO, schema).stderr).toContain('changed: environments/stage.schema.json');
    const crds = synthesized(REPO);
    mkdirSync(join(crds, 'crds'));
    writeFileSync(join(crds, 'crds', 'x.yaml'), 'kind: CustomResourceDefinition\n');
    checkBothWays(REPO, crds);
  });

  it('a directory where a stage file goes, even an empty one, is a change: check refuses it as synth does', () => {
    const dir = synthesized(REPO);
    mkdirSync(join(dir, 'environments', 'x.yaml'));
    const result = checkBothWays(REPO, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environments/x.yaml is a directory, not a regular file');
    // and an empty folder anywhere among the inputs (a stack may include a folder)
    const again = synthesized(REPO);
    mkdirSync(join(again, 'manifests'));
    expect(unchangedSinceRecorded(again, 'dist', REPO)).toBeUndefined();
  });

  it('a symbolic link to a folder being walked (an ancestor, or the project itself) is recorded, not walked round the loop', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    mkdirSync(join(dir, 'misc'));
    symlinkSync('..', join(dir, 'misc', 'up'));
    const synth = run(REPO, 'synth', dir);
    expect(synth.code, synth.stderr).toBe(0);
    expect(unchangedSinceRecorded(dir, 'dist', REPO)).toBeDefined();
    // retargeted, it is a change like any other
    rmSync(join(dir, 'misc', 'up'));
    symlinkSync('.', join(dir, 'misc', 'up'));
    expect(checkBothWays(REPO, dir).code).toBe(0);
    symlinkSync('.', join(dir, 'self'));
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    expect(checkBothWays(REPO, dir).code).toBe(0);
    expect(unchangedSinceRecorded(dir, 'dist', REPO)).toBeDefined();
  });

  describe('with a copy of the compiler, run as npm run starts it there', () => {
    const compiler = compilerCopy();
    afterAll(() => rmSync(compiler, { recursive: true, force: true }));

    it("a stack's source changed", () => {
      const dir = synthesized(compiler);
      withChanged(
        join(compiler, 'apps', 'nginx.ts'),
        (t) => {
          const changed = t.replace("            name: 'nginx',\n            image:", "            name: 'web',\n            image:");
          expect(changed, 'the edit this test makes to the stack').not.toBe(t);
          return changed;
        },
        () => {
          expect(checkBothWays(compiler, dir).stderr).toContain('changed: dist/lab/10-nginx.yaml');
        },
      );
    });

    it('the lockfile changed, or what npm installed', () => {
      const dir = synthesized(compiler);
      withChanged(
        join(compiler, 'package-lock.json'),
        (t) => `${t}\n`,
        () => {
          expect(checkBothWays(compiler, dir).code).toBe(0);
        },
      );
      // node_modules/.package-lock.json (what npm installed) is one of the digests
      const digests = compilerDigests(compiler);
      expect(digests['node_modules/.package-lock.json']).toMatch(/^[0-9a-f]{64}$/);
      expect(digests['package-lock.json']).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.keys(digests)).toContain('apps/nginx.ts');
    });
  });
});
