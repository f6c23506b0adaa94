/**
 * V8's code cache of a command's bundles (lib/cli/run.cjs): kept once a command has run, used by
 * the next start, and never trusted when it is damaged, rejected by V8, or made from another
 * bundle; the packages' bundle and its cache outlive an edit of the sources. Real processes in a project of their own (its own node_modules/.cache), so that the
 * repository's bundles are left alone.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_ENV } from '../../lib/synth/write.js';
import { compilerCopy, repoStage, rootCache } from '../helpers/cli.js';

let base: string;
let project: string;
let cacheDir: string;

/**
 * Past the margin within which lib/cli/run.cjs believes no stamp of a source (MTIME_MARGIN_MS): a
 * bundle built from files changed less than 2 s before is not vouched for, and built again.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, 2100));

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'stagecraft-code-cache-'));
  project = compilerCopy(join(base, 'project'), { lab: repoStage('lab') });
  cacheDir = rootCache(project);
  await settle(); // the copy's files were just written
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** `node lib/cli/run.cjs synth <args>` in the project, without the kept output (each run compiles). */
function synth(...args: string[]) {
  rmSync(join(project, '.stagecraft'), { recursive: true, force: true });
  const r = spawnSync(process.execPath, [join(project, 'lib', 'cli', 'run.cjs'), 'synth', ...args], { cwd: project, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `synth('lab')` killed at the crash point `step` (STAGECRAFT_CRASH_AT, as lib/synth/write.ts names it): its signal. */
function synthKilledAt(step: string) {
  rmSync(join(project, '.stagecraft'), { recursive: true, force: true });
  return spawnSync(process.execPath, [join(project, 'lib', 'cli', 'run.cjs'), 'synth', 'lab'], {
    cwd: project,
    env: { ...process.env, [CRASH_ENV]: step },
  }).signal;
}

/** The code cache of bundle `name`, named for the flags Node.js started with (none here). */
const codeCache = (name: string) => {
  const files = readdirSync(cacheDir).filter((n) => new RegExp(`^${name.replace('.', '\\.')}\\.[0-9a-f]{16}\\.v8$`).test(n));
  if (files.length !== 1) throw new Error(`not one code cache of ${name} in ${readdirSync(cacheDir).join(', ')}`);
  return join(cacheDir, files[0]);
};
const cacheFile = () => codeCache('synth');
/** The file's inode and modification time: a rewrite (renamed into place) changes them. */
const version = (file: string) => {
  const st = statSync(file);
  return `${st.ino} ${st.mtimeMs}`;
};

describe('the code cache of a bundle', () => {
  let first: ReturnType<typeof synth>;

  it('is kept by the first start and used, not made again, by the next', () => {
    first = synth('lab');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^lab: \d+ objects in \d+ files -> dist\/lab\/ \(new\)\n/);
    expect(readdirSync(cacheDir)).toEqual(expect.arrayContaining(['synth.cjs', 'synth.json']));
    for (const name of ['synth', 'synth.packages', 'fast']) expect(codeCache(name)).toBeDefined();
    const kept = version(cacheFile());
    expect(synth('lab')).toEqual({ ...first, stdout: first.stdout.replace('(new)', '(unchanged)') });
    expect(version(cacheFile())).toBe(kept);
  });

  it("of the packages outlives an edit of the sources, which rebuilds only the sources' bundle", async () => {
    const packages = [join(cacheDir, 'synth.packages.cjs'), codeCache('synth.packages')].map(version);
    const sources = version(join(cacheDir, 'synth.cjs'));
    const file = join(project, 'lib', 'cli', 'synth.ts');
    const old = statSync(file);
    writeFileSync(file, `${readFileSync(file, 'utf8')}// edited\n`);
    utimesSync(file, old.atime, old.mtime); // an edit long ago: the bundle built from it is kept
    await settle();
    expect(synth('lab')).toEqual({ ...first, stdout: first.stdout.replace('(new)', '(unchanged)') });
    expect(version(join(cacheDir, 'synth.cjs'))).not.toBe(sources);
    expect([join(cacheDir, 'synth.packages.cjs'), codeCache('synth.packages')].map(version)).toEqual(packages);
  });

  it('is made again after an edit of the same size whose modification time was set back (its change time moved)', async () => {
    const file = join(project, 'lib', 'cli', 'output.ts');
    const old = statSync(file);
    const text = readFileSync(file, 'utf8');
    const edited = text.replace("'object')} in ${", "'object')} at ${");
    expect(edited.length).toBe(text.length);
    writeFileSync(file, edited);
    utimesSync(file, old.atime, old.mtime);
    expect(statSync(file).size).toBe(old.size);
    try {
      expect(synth('lab').stdout).toMatch(/^lab: \d+ objects at \d+ files -> dist\/lab\/ /);
    } finally {
      writeFileSync(file, text);
      utimesSync(file, old.atime, old.mtime);
    }
    await settle();
    expect(synth('lab').stdout).toMatch(/^lab: \d+ objects in \d+ files -> dist\/lab\/ /);
  });

  it('is kept per set of flags Node.js starts with: a start with other flags leaves this one as it is', () => {
    const kept = version(cacheFile());
    const flagged = () =>
      spawnSync(process.execPath, ['--max-semi-space-size=4', join(project, 'lib', 'cli', 'run.cjs'), 'synth', 'lab'], {
        cwd: project,
        encoding: 'utf8',
      }).status;
    const mine = cacheFile();
    rmSync(join(project, '.stagecraft'), { recursive: true, force: true });
    expect(flagged()).toBe(0);
    const names = readdirSync(cacheDir).filter((n) => /^synth\.[0-9a-f]{16}\.v8$/.test(n));
    expect(names.length).toBe(2);
    const other = join(cacheDir, names.find((n) => join(cacheDir, n) !== mine)!);
    const otherKept = version(other);
    // each start takes its own (V8 would reject the other's) and rewrites neither
    expect(synth('lab').status).toBe(0);
    rmSync(join(project, '.stagecraft'), { recursive: true, force: true });
    expect(flagged()).toBe(0);
    expect(version(mine)).toBe(kept);
    expect(version(other)).toBe(otherKept);
    rmSync(other);
  });

  it("is one of at most four per bundle: a start that makes one removes the oldest others' and the old unflagged one", () => {
    const otherBundles = () =>
      readdirSync(cacheDir).filter((n) => (n.endsWith('.v8') && !n.startsWith('synth.')) || n.startsWith('synth.packages.'));
    const othersBefore = otherBundles();
    const minePath = cacheFile();
    const mine = version(minePath);
    // caches left by five other sets of flags, written a minute apart, and by a version without flags in the name
    const others = Array.from({ length: 5 }, (_, i) => join(cacheDir, `synth.${String(i).repeat(16)}.v8`));
    const legacy = join(cacheDir, 'synth.v8');
    for (const [i, f] of [...others, legacy].entries()) {
      writeFileSync(f, 'stale');
      const t = new Date(Date.now() - (10 - i) * 60_000);
      utimesSync(f, t, t);
    }
    const flaggedCaches = () =>
      readdirSync(cacheDir)
        .filter((n) => /^synth\.([0-9a-f]{16}\.)?v8$/.test(n))
        .sort();
    // a start that makes no cache removes nothing
    expect(synth('lab').status).toBe(0);
    expect(version(minePath)).toBe(mine);
    expect(flaggedCaches().length).toBe(7);
    // one that makes its own keeps it and the three written last
    rmSync(minePath);
    expect(synth('lab').status).toBe(0);
    expect(flaggedCaches()).toEqual([basename(minePath), ...others.slice(2).map((f) => basename(f))].sort());
    for (const f of others.slice(2)) rmSync(f);
    // the other bundles' caches are theirs to prune
    expect(otherBundles()).toEqual(othersBefore);
  });

  it('is never left half written: a start killed before renaming it (or a bundle) into place leaves a file that later starts remove', () => {
    const temps = () =>
      readdirSync(cacheDir)
        .filter((n) => n.endsWith('.tmp'))
        .sort();
    const kept = version(cacheFile());
    // killed between writing a code cache beside its place and renaming it: the one in place is as it was
    rmSync(join(cacheDir, 'fast.json'));
    expect(synthKilledAt('bundle-staged')).toBe('SIGKILL');
    expect(synthKilledAt('code-cache-staged')).toBe('SIGKILL');
    expect(version(cacheFile())).toBe(kept);
    const left = temps();
    // in either order: the code cache's name holds the digest of the flags it was made under
    expect(left).toHaveLength(2);
    expect(left).toEqual(
      expect.arrayContaining([expect.stringMatching(/^fast\.[0-9a-f]{16}\.v8\.\d+\.tmp$/), expect.stringMatching(/^fast\.cjs\.\d+\.tmp$/)]),
    );
    // a live process's file, and a dead one's written in the last minute, may still be renamed: kept
    const live = `synth.cjs.${process.pid}.tmp`;
    writeFileSync(join(cacheDir, live), 'partial');
    rmSync(cacheFile());
    expect(synth('lab').status).toBe(0);
    expect(temps()).toEqual([...left, live].sort());
    // once a minute old, a dead process's are removed by the next start that writes a code cache
    const old = new Date(Date.now() - 120_000);
    for (const name of temps()) utimesSync(join(cacheDir, name), old, old);
    rmSync(cacheFile());
    expect(synth('lab').status).toBe(0);
    expect(temps()).toEqual([live]);
    rmSync(join(cacheDir, live));
  });

  it('is made again when damaged, and the command runs as without it', () => {
    const bytes = readFileSync(cacheFile());
    bytes[bytes.length - 100] ^= 0xff; // V8 would take this data and run it
    writeFileSync(cacheFile(), bytes);
    const damaged = version(cacheFile());
    expect(synth('lab')).toEqual({ ...first, stdout: first.stdout.replace('(new)', '(unchanged)') });
    expect(version(cacheFile())).not.toBe(damaged);
    // and what was made again is used
    const remade = version(cacheFile());
    synth('lab');
    expect(version(cacheFile())).toBe(remade);
  });

  it('is made again when V8 rejects it', () => {
    // the file as run.cjs writes it (sha256 of the rest, identity line, data), with data V8 rejects
    const bytes = readFileSync(cacheFile());
    const newline = bytes.indexOf(0x0a, 32);
    const rest = Buffer.concat([bytes.subarray(32, newline + 1), Buffer.alloc(4096, 7)]);
    writeFileSync(cacheFile(), Buffer.concat([createHash('sha256').update(rest).digest(), rest]));
    const rejected = version(cacheFile());
    expect(synth('lab')).toEqual({ ...first, stdout: first.stdout.replace('(new)', '(unchanged)') });
    expect(version(cacheFile())).not.toBe(rejected);
    expect(statSync(cacheFile()).size).toBeGreaterThan(4096 + 200);
  });

  it('is never taken for another bundle, even one of the same length edited in place with its time set back', () => {
    const bundle = join(cacheDir, 'synth.cjs');
    // a time that can be set back exactly, and a cache made for the bundle with it
    const time = 1_600_000_000;
    utimesSync(bundle, time, time);
    synth('lab');
    const text = readFileSync(bundle, 'utf8');
    expect(text).toContain('Usage: npm run synth');
    writeFileSync(bundle, text.replace('Usage: npm run synth', 'Usage: npm run SYNTH'));
    utimesSync(bundle, time, time);
    const help = synth('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run SYNTH/);
  });
});

describe('the bundle a manifest vouches for', () => {
  it('is built again when another one took its place (a start from a checkout sharing this node_modules)', () => {
    const expected = synth('lab');
    expect(expected.status).toBe(0);
    const bundle = join(cacheDir, 'synth.cjs');
    const manifest = () => JSON.parse(readFileSync(join(cacheDir, 'synth.json'), 'utf8')) as { build: string };
    // renamed into place, as a start from another root renames its own bundle, its manifest left as it was
    writeFileSync(`${bundle}.other`, "// stagecraft build another-checkout\nthrow new Error('the bundle of another checkout ran');\n");
    renameSync(`${bundle}.other`, bundle);
    expect(synth('lab')).toEqual(expected);
    expect(readFileSync(bundle, 'utf8').startsWith(`// stagecraft build ${manifest().build}\n`)).toBe(true);
  });
});

describe("the packages' bundle", () => {
  it("holds cdk8s-plus's generated code and cdk8s's resolve rewritten (lib/cli/defined-entries.mjs, builtin-resolve.mjs)", () => {
    expect(synth('lab').status).toBe(0);
    const packages = readFileSync(join(cacheDir, 'synth.packages.cjs'), 'latin1');
    expect(packages).toContain('__definedEntries(obj.labels)');
    expect(packages).not.toContain('.reduce((r, i) => (i[1] === undefined)');
    // (whitespace minified)
    expect(packages.includes('if(__onlyBuiltIn(resolvers))return __resolveBuiltIn(value)')).toBe(true);
    // the sources' bundle holds no package, and is not built again when a rewrite changes
    const sources = readFileSync(join(cacheDir, 'synth.cjs'), 'latin1');
    expect(sources.includes('__definedEntries')).toBe(false);
    const inputs = (name: string) =>
      Object.keys((JSON.parse(readFileSync(join(cacheDir, `${name}.json`), 'utf8')) as { files: object }).files);
    expect(inputs('synth.packages')).toEqual(expect.arrayContaining(['lib/cli/defined-entries.mjs', 'lib/cli/builtin-resolve.mjs']));
    // each bundle is built again when the launcher, the builder or what writes a bundle's first lines changes (lib/cli/bundle.cjs)
    for (const name of ['synth', 'synth.packages'])
      expect(inputs(name)).toEqual(expect.arrayContaining(['lib/cli/run.cjs', 'lib/cli/bundle.cjs', 'lib/cli/bundle-files.cjs']));
    expect(inputs('synth')).not.toContain('lib/cli/defined-entries.mjs');
  });
});
