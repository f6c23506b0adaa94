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
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, repoStage, tempProject, type CliResult } from '../helpers/cli.js';
import { FINGERPRINT_FILE, compilerDigests, unchangedSinceRecorded } from '../../lib/cli/fingerprint.js';

const TSX = import.meta.resolve('tsx');

/** Runs `<compiler>/lib/cli/<command>.ts` in `cwd`. */
function run(compiler: string, command: string, cwd: string): CliResult {
  const r = spawnSync(process.execPath, ['--import', TSX, join(compiler, 'lib/cli', `${command}.ts`)], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the compiler (its sources and lockfiles, node_modules linked), with the original times so that it counts as settled. */
function compilerCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-compiler-'));
  for (const e of ['lib', 'apps', 'package.json', 'package-lock.json', 'tsconfig.json'])
    cpSync(join(REPO, e), join(dir, e), { recursive: true, preserveTimestamps: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
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
  const compiler = compilerCopy();
  afterAll(() => rmSync(compiler, { recursive: true, force: true }));

  it('says current without compiling when nothing changed, with the same message', () => {
    const dir = synthesized(compiler);
    const fast = run(compiler, 'check', dir);
    rmSync(join(dir, FINGERPRINT_FILE));
    // a full check that passes records the fingerprint too
    const full = run(compiler, 'check', dir);
    expect(fast).toEqual(full);
    expect(fast).toMatchObject({ code: 0, stdout: expect.stringMatching(/^dist\/ is current: 1 stage\(s\), \d+ files\n$/) });
    expect(unchangedSinceRecorded(dir, 'dist', compiler)).toBeDefined();
  });

  it('a damaged fingerprint matches nothing', () => {
    const dir = synthesized(compiler);
    for (const text of [
      '{',
      '{"format":1}',
      'null',
      `{"format":1,"node":"${process.version}"}`,
      `{"format":1,"node":"${process.version}","project":{},"dist":[1],"compiler":{}}`,
    ]) {
      writeFileSync(join(dir, FINGERPRINT_FILE), text);
      expect(unchangedSinceRecorded(dir, 'dist', compiler)).toBeUndefined();
    }
  });

  it('a stage file changed', () => {
    const dir = synthesized(compiler);
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
    expect(checkBothWays(compiler, dir).stderr).toContain('changed: dist/lab/10-nginx.yaml');
  });

  it('a stage file added, and the project file changed', () => {
    const dir = synthesized(compiler);
    writeFileSync(join(dir, 'environments', 'other.yaml'), repoStage('lab'));
    expect(checkBothWays(compiler, dir).code).toBe(1);
    const again = synthesized(compiler);
    appendFileSync(join(again, 'stagecraft.yaml'), '\n# a comment\n');
    checkBothWays(compiler, again);
  });

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
    // node_modules/.package-lock.json (what npm installed) is one of the digests, through the link
    const digests = compilerDigests(compiler);
    expect(digests['node_modules/.package-lock.json']).toMatch(/^[0-9a-f]{64}$/);
    expect(digests['package-lock.json']).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(digests)).toContain('apps/nginx.ts');
  });

  it('a generated file edited by hand, removed, or added, and a foreign file added', () => {
    const edited = synthesized(compiler);
    appendFileSync(join(edited, 'dist', 'lab', '10-flannel.yaml'), '# edited\n');
    expect(checkBothWays(compiler, edited).stderr).toContain('changed: dist/lab/10-flannel.yaml');
    const removed = synthesized(compiler);
    rmSync(join(removed, 'dist', 'lab', '10-flannel.yaml'));
    expect(checkBothWays(compiler, removed).stderr).toContain('missing: dist/lab/10-flannel.yaml');
    const added = synthesized(compiler);
    writeFileSync(
      join(added, 'dist', 'lab', '10-extra.yaml'),
      '# Generated by stagecraft from environments/lab.yaml; do not edit.\nkind: X\n',
    );
    expect(checkBothWays(compiler, added).stderr).toContain('not produced by the sources: dist/lab/10-extra.yaml');
    const foreign = synthesized(compiler);
    mkdirSync(join(foreign, 'dist', 'notes'));
    writeFileSync(join(foreign, 'dist', 'notes', 'README.md'), 'hand-written\n');
    expect(checkBothWays(compiler, foreign).code).toBe(0);
  });

  it('the schema or a crds/ folder changed', () => {
    const schema = synthesized(compiler);
    appendFileSync(join(schema, 'environments', 'stage.schema.json'), ' ');
    expect(checkBothWays(compiler, schema).stderr).toContain('changed: environments/stage.schema.json');
    const crds = synthesized(compiler);
    mkdirSync(join(crds, 'crds'));
    writeFileSync(join(crds, 'crds', 'x.yaml'), 'kind: CustomResourceDefinition\n');
    checkBothWays(compiler, crds);
  });
});
