/**
 * A stage worker runs the command's bundles with the code caches the main thread keeps
 * (lib/cli/bundle-run.cjs, `runInWorker`): V8 takes a cache only under the flags it was made
 * under, so the flags set while the command runs are undone around each compilation; a cache
 * rejected all the same, and a bundle replaced since the main thread read it, fall back to what
 * a worker did before. Each case runs in a Node.js process of its own: V8's flags are the process's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bundle-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A flag set at run time as a large compilation sets it (lib/cli/project.ts, `tightHeap`), and what undoes it. */
const HEAP_GROWTH = { flag: '--heap-growing-percent=50', undo: '--heap-growing-percent=0' };

/** The flags lib/cli/run.cjs sets for a synthesis before the command loads (SYNTH_FLAGS), which name its code caches. */
const SYNTH_FLAGS = ['--interrupt-budget=1000000', '--always-sparkplug', '--no-turbo-inlining'];

/**
 * Makes two bundles in `dir` (`cmd` and `cmd.packages`, the first requiring the second) and their
 * code caches, as lib/cli/run.cjs does, in a new Node.js process (after setting `launcherFlags`
 * there as run.cjs does, when given); then runs `main` there, where `inWorker(body)` resolves to
 * what `body` gives in a new worker thread (a new isolate, whose compilations V8 has not kept as
 * the main thread's, and which has not taken the launcher's flags); what `main` prints (JSON).
 */
function inProcess(main: string, launcherFlags: readonly string[] = []): unknown {
  const head = `
const fs = require('node:fs');
const { join } = require('node:path');
const { buildBanner } = require(${JSON.stringify(join(REPO, 'lib/cli/bundle-files.cjs'))});
const { forWorkers, runBundles, runInWorker } = require(${JSON.stringify(join(REPO, 'lib/cli/bundle-run.cjs'))});
const dir = ${JSON.stringify(dir)};
const bundles = { dir, name: 'cmd', sources: { build: 'b1' }, packages: { build: 'b2' } };
`;
  const script = `${head}
fs.writeFileSync(join(dir, 'cmd.packages.cjs'), buildBanner('b2') + 'module.exports = { twice: (n) => n * 2 };\\n');
fs.writeFileSync(join(dir, 'cmd.cjs'), buildBanner('b1') + 'const { twice } = require("./cmd.packages.cjs");\\nexports.answer = () => twice(21);\\n');
for (const f of fs.readdirSync(dir)) if (f.endsWith('.v8')) fs.rmSync(join(dir, f));
require(${JSON.stringify(join(REPO, 'lib/model/launcher-flags.cjs'))}).setLauncherFlags(${JSON.stringify(launcherFlags)});
const made = runBundles(bundles, { cached: true });
made.exports.answer();
made.keepCodeCache();
const v8 = require('node:v8');
const { Worker } = require('node:worker_threads');
const inWorker = (body) => new Promise((resolve, reject) => {
  const w = new Worker(${JSON.stringify(head)} + 'require("node:worker_threads").parentPort.postMessage((() => {' + body + '})());', { eval: true });
  w.once('message', resolve);
  w.once('error', reject);
});
(async () => { ${main} })().catch((e) => { console.error(e); process.exitCode = 1; });
`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe("a stage worker's run of the command's bundles", () => {
  it('takes their code caches although a flag was set at run time, which V8 rejects them for otherwise', async () => {
    const out = inProcess(`
v8.setFlagsFromString(${JSON.stringify(HEAP_GROWTH.flag)});
// the premise: compiled under the flag, both caches are rejected (compiled from their text)
const plain = await inWorker('return runBundles(bundles, { cached: true }).fromText;');
const taken = await inWorker(\`
const fromText = runInWorker(bundles, [${JSON.stringify(HEAP_GROWTH)}], () => { throw new Error('no fallback expected'); });
return { fromText, answer: runBundles(bundles, { cached: false }).exports.answer() };\`);
// the flag is set again once the bundles are compiled
const flagged = await inWorker('return runBundles(bundles, { cached: true }).fromText;');
console.log(JSON.stringify({ plain, taken, flagged }));
`);
    expect(out).toEqual({ plain: ['cmd.packages', 'cmd'], taken: { fromText: [], answer: 42 }, flagged: ['cmd.packages', 'cmd'] });
  });

  it('takes the code caches the main thread keeps under the flags lib/cli/run.cjs set, which the worker takes only later', () => {
    const out = inProcess(
      `
// what the main thread leaves for its workers (lib/cli/run.cjs, \`stagecraft.bundles\`)
const ran = forWorkers(bundles).bundles;
const run = (b) => inWorker(\`return runInWorker(\${JSON.stringify(b)}, [], () => { throw new Error('no fallback expected'); });\`);
// the premise: looked for under this thread's own flags, which lack the launcher's, neither cache is found
console.log(JSON.stringify({ own: await run(bundles), main: await run(ran) }));
`,
      SYNTH_FLAGS,
    );
    expect(out).toEqual({ own: ['cmd.packages', 'cmd'], main: [] });
  });

  it('runs them all the same when V8 rejects a cache (made under other flags): compiled from their text', () => {
    const out = inProcess(`
v8.setFlagsFromString('--no-lazy-feedback-allocation');
console.log(JSON.stringify(await inWorker("return runInWorker(bundles, [], () => { throw new Error('no fallback expected'); });")));
`);
    expect(out).toEqual(['cmd.packages', 'cmd']);
  });

  it('leaves a bundle replaced since the main thread read it to the fallback, which loads the file as Node.js does', () => {
    const out = inProcess(`
fs.writeFileSync(join(dir, 'cmd.cjs'), buildBanner('another-build') + 'exports.answer = () => 0;\\n');
console.log(JSON.stringify(await inWorker('let fallback = false; const fromText = runInWorker(bundles, [], () => { fallback = true; }); return { fromText, fallback };')));
`);
    expect(out).toEqual({ fromText: [], fallback: true });
  });
});
