import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, snapshotDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `npm run synth` in a fresh copy of the repo's stage files, in its own process, under `locale`. */
function synthUnder(locale: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-locale-'));
  dirs.push(dir);
  // the project's inputs: stage files, the project file and whatever they include (not the compiler, the output or packages)
  const notInputs = new Set(['dist', 'node_modules', '.git', '.stagecraft', 'test-results', 'lib', 'apps', 'test', 'bench']);
  for (const e of readdirSync(REPO)) if (!notInputs.has(e)) cpSync(join(REPO, e), join(dir, e), { recursive: true });
  const r = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.cjs'), 'synth'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, LANG: locale, LC_ALL: locale, LC_COLLATE: locale },
  });
  // warnings (one line per check and stage, and their total) only: no error
  expect(r.stderr).not.toMatch(/^(?![a-z0-9-]+: warning: |\d+ warnings? in all| {2}hint: |\s*$)/m);
  expect(r.status).toBe(0);
  return snapshotDir(join(dir, 'dist'));
}

describe('synthesis in two processes under different locales', () => {
  it('gives the same bytes under C, Turkish and Swedish collation (ICU follows LANG/LC_ALL)', () => {
    const c = synthUnder('C');
    expect(Object.keys(c).length).toBeGreaterThan(0);
    expect(synthUnder('tr_TR.UTF-8')).toEqual(c);
    expect(synthUnder('sv_SE.UTF-8')).toEqual(c);
  });
});
