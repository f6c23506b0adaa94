/**
 * --no-cache where a command compiles stages: synth, check without paths and diff compile every stage
 * and render every app again, reading neither the render cache nor the last synthesis's record;
 * check with paths, which compiles nothing, refuses it rather than ignore it.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../lib/model/sha256.js';
import { fixtureProject, runCli, snapshotDir } from '../helpers/cli.js';

/** A clock that advances `step` ms at every reading: each progress update is past the delay. */
function ticking(step: number): () => number {
  let now = 0;
  return () => (now += step);
}

/** The warning of a render cache that cannot be written, which a command that reads it gives. */
const CACHE_IN_THE_WAY = /^warning: the render cache \.stagecraft\/cache\/render\/ cannot be written.*\n/m;

describe('--no-cache', () => {
  let dir: string;
  beforeAll(() => {
    dir = fixtureProject(['dev', 'qa', 'test']);
    expect(runCli('synth', [], dir).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('check without paths compiles every stage (not answered from the digests of the last synth)', () => {
    const quick = runCli('check', [], dir, {}, { tty: 'stderr', clock: ticking(2000) });
    expect(quick).toMatchObject({ code: 0, stdout: 'dist/ is current: 3 stages, 18 files\n' });
    expect(quick.stderr).not.toContain('check: compiling');
    const fresh = runCli('check', ['--no-cache'], dir, {}, { tty: 'stderr', clock: ticking(2000) });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toBe(quick.stdout);
    expect(fresh.stderr).toContain('check: compiling qa (2/3)');
  });

  it('diff of two stages with it compiles both (not read from dist/, which the last synth proved current)', () => {
    expect(runCli('synth', [], dir).code).toBe(0);
    // a file of dist/qa edited, and the last synth's record made to prove it current: read, it shows the edit; compiled, never
    const file = join('dist', 'qa', '00-namespace.yaml');
    const text = readFileSync(join(dir, file), 'utf8');
    const edited = text.replace('app.kubernetes.io/managed-by: stagecraft', 'app.kubernetes.io/managed-by: by-hand');
    expect(edited).not.toBe(text);
    writeFileSync(join(dir, file), edited);
    const record = join(dir, '.stagecraft', 'fingerprint.json');
    const fingerprint = JSON.parse(readFileSync(record, 'utf8'));
    expect(fingerprint.dist[file]).toBe(sha256Hex(text));
    writeFileSync(record, JSON.stringify({ ...fingerprint, dist: { ...fingerprint.dist, [file]: sha256Hex(edited) } }));
    try {
      // without the option, dist/ is read: what the one below would show without it
      const kept = runCli('diff', ['qa', 'test'], dir);
      expect(kept.code).toBe(0);
      expect(kept.stdout).toContain('"by-hand" -> "stagecraft"');
      const fresh = runCli('diff', ['qa', 'test', '--no-cache'], dir);
      expect(fresh.code).toBe(0);
      expect(fresh.stdout).not.toContain('by-hand');
      expect(fresh.stdout).toContain('the same');
    } finally {
      writeFileSync(join(dir, file), text);
    }
  });

  it('check and diff with --no-cache use no render cache; without it, they do (and warn of a file in its place)', () => {
    // a file where the cache's directory goes: a command that uses the cache says so, one without it has nothing to say
    // qa's file edited: no stage is kept from the last synth, so both diffs compile
    appendFileSync(join(dir, 'environments', 'qa.yaml'), '# edited\n');
    mkdirSync(join(dir, '.stagecraft'), { recursive: true });
    rmSync(join(dir, '.stagecraft', 'cache'), { recursive: true, force: true });
    writeFileSync(join(dir, '.stagecraft', 'cache'), 'in the way\n');
    try {
      const before = snapshotDir(dir);
      const cached = runCli('diff', ['qa'], dir);
      expect(cached.code).toBe(0);
      expect(cached.stderr).toMatch(CACHE_IN_THE_WAY);
      const uncached = runCli('diff', ['qa', '--no-cache'], dir);
      expect(uncached).toEqual({ ...cached, stderr: cached.stderr.replace(CACHE_IN_THE_WAY, '') });
      expect(runCli('diff', ['qa', 'test'], dir).stderr).toMatch(CACHE_IN_THE_WAY);
      const two = runCli('diff', ['--no-cache', 'qa', 'test'], dir);
      expect(two.code).toBe(0);
      expect(two.stderr).not.toMatch(CACHE_IN_THE_WAY);
      expect(runCli('check', ['--no-cache'], dir).stderr).not.toMatch(CACHE_IN_THE_WAY);
      expect(snapshotDir(dir)).toEqual(before);
    } finally {
      rmSync(join(dir, '.stagecraft', 'cache'), { force: true });
    }
  });

  it('check with paths refuses it, saying why (checking files compiles nothing) and the two command lines it may mean', () => {
    const r = runCli('check', ['--format', 'json', '--no-cache', 'dist/qa'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'error: --no-cache is for npm run check without paths, which compiles every stage (afresh with it); checking files compiles nothing and reads no cache, so it would change nothing',
        '  hint: write npm run check -- --format=json dist/qa to check these files, or npm run check -- --no-cache to compare dist/ with the stage files without the render cache',
        '1 problem.',
        '',
      ].join('\n'),
    );
  });

  it('check with paths of which one is not there says so too: the line without --no-cache would be refused in turn', () => {
    const r = runCli('check', ['--no-cache', 'qa'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').slice(1, 4)).toEqual([
      '  hint: write npm run check -- qa to check these files, or npm run check -- --no-cache to compare dist/ with the stage files without the render cache',
      "error: there is no file or directory 'qa'",
      '  hint: qa is a stage: npm run check -- dist/qa checks its output, npm run check (without paths) every stage against its stage file; a relative path is read from the directory you run npm in',
    ]);
  });

  it("check's usage shows both forms: without paths (where --no-cache goes) and with them", () => {
    expect(runCli('check', ['--help']).stdout.split('\n').slice(0, 2)).toEqual([
      'Usage: npm run check [-- --no-cache]',
      '       npm run check -- [options] <file or directory>...',
    ]);
  });

  it.each([
    ['check', 'npm run check -- --no-cache'],
    ['diff', 'npm run diff -- <stage> --no-cache'],
  ])("%s --help lists it, and says where it goes: npm takes it before '--' without a trace but its warning", (command, line) => {
    const help = runCli(command, ['--help']).stdout;
    expect(help).toMatch(/^ {2}--no-cache {2,}/m);
    const options = help.slice(help.indexOf('\nOptions'), help.indexOf('\n  --')).replaceAll('\n', ' ');
    expect(options).toContain("'invalid config cache=false'");
    expect(options).toContain(`write ${line}`);
  });
});
