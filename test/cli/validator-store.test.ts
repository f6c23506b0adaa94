/**
 * The validator store on disk (lib/cli/validator-store.ts) writes each validator's code and its V8
 * code cache beside its place and renames it there; the staging file is created anew, so that a
 * link planted or left at that name is never written through nor renamed into place.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { diskValidatorStore } from '../../lib/cli/validator-store.js';
import { REPO } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const KEY = 'a'.repeat(64);
const FLAGS = '0123456789abcdef';

describe("the validator store's staging files", () => {
  it('are written anew where links stand at the names of the code and its code cache: the file they lead to keeps its bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validator-store-'));
    dirs.push(dir);
    const elsewhere = join(dir, 'elsewhere.txt');
    writeFileSync(elsewhere, 'not a validator\n');
    for (const name of [`${KEY}.cjs`, `${KEY}.${FLAGS}.v8`]) symlinkSync(elsewhere, join(dir, `${name}.${process.pid}.tmp`));
    const store = diskValidatorStore(dir, dir, FLAGS);
    const code = 'module.exports = () => true;\n';
    store.set(KEY, code);
    store.setCodeCache?.(KEY, code, Buffer.from('data'));
    expect(readFileSync(elsewhere, 'utf8')).toBe('not a validator\n');
    expect(lstatSync(join(dir, `${KEY}.cjs`)).isFile()).toBe(true);
    expect(lstatSync(join(dir, `${KEY}.${FLAGS}.v8`)).isFile()).toBe(true);
    const again = diskValidatorStore(dir, dir, FLAGS);
    expect(again.get(KEY)).toBe(code);
    expect(Buffer.from(again.getCodeCache?.(KEY, code) ?? []).toString()).toBe('data');
  });

  it('of a writer killed (kill -9) before its rename leave the code in place as it was; the next writer removes them once a minute old', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validator-store-'));
    dirs.push(dir);
    const old = 'module.exports = () => false;\n';
    diskValidatorStore(dir, dir, FLAGS).set(KEY, old);
    const store = pathToFileURL(join(REPO, 'lib/cli/validator-store.ts')).href;
    const script = `import { diskValidatorStore } from ${JSON.stringify(store)};
diskValidatorStore(${JSON.stringify(dir)}, ${JSON.stringify(dir)}, '${FLAGS}').set('${KEY}', 'module.exports = () => 1;\\n');`;
    const killed = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, STAGECRAFT_CRASH_AT: 'validator-staged' },
    });
    expect(killed.signal).toBe('SIGKILL');
    const staging = `${KEY}.cjs.${killed.pid}.tmp`;
    expect(readdirSync(dir).sort()).toEqual([`${KEY}.cjs`, staging]);
    expect(diskValidatorStore(dir, dir, FLAGS).get(KEY)).toBe(old);
    // still within the minute: a writer of another machine sharing the directory may be that PID
    const code = 'module.exports = () => true;\n';
    diskValidatorStore(dir, dir, FLAGS).set(KEY, code);
    expect(readdirSync(dir).sort()).toEqual([`${KEY}.cjs`, staging]);
    const past = new Date(Date.now() - 120_000);
    utimesSync(join(dir, staging), past, past);
    diskValidatorStore(dir, dir, FLAGS).set(KEY, code);
    expect(readdirSync(dir)).toEqual([`${KEY}.cjs`]);
    expect(diskValidatorStore(dir, dir, FLAGS).get(KEY)).toBe(code);
  });
});
