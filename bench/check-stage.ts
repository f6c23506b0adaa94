/**
 * The checks of a rendered stage (`checkStage`, lib/checks/stage.ts) measured in this process, on one
 * thread, as a cold synthesis runs them: each pass renders a stage of the project afresh (not timed)
 * with a render cache that has nothing (so every app's objects are serialized, their digests their
 * identities, and the traced checks record their lookups to keep them), then checks it. The passes take
 * the project's fleet stages in turn (dev, test, qa, production: bench/fleet.ts' order), as a thread
 * takes a synthesis's stages; every pass checks objects never checked before, so the secret screen,
 * which keeps its strings per object, is paid in each (bench/check-passes.ts). Times are the thread's
 * CPU (/proc/thread-self/schedstat, which other processes on the machine do not inflate;
 * `process.cpuUsage` where there is none), in milliseconds per pass. Given another checkout, its own
 * modules render and check the same stage, in turns with this one's (every other pass in the reverse
 * order), and both must find the same and keep the same in each pass (compared by a digest of their
 * findings and kept results); the last column is this / that. The first pass of each includes
 * compiling its code and validators, and meets an empty memo of the secret rules' verdicts by text (a
 * thread's first stage): compare later passes, which are a thread's later stages.
 *
 * Run it under the synthesis's V8 flags (lib/cli/run.cjs `SYNTH_FLAGS`), without which V8 inlines
 * and optimizes what a synthesis runs as baseline code:
 * `node --interrupt-budget=1000000 --always-sparkplug --no-turbo-inlining --import tsx bench/check-stage.ts <project dir> [<passes> [<another checkout>]]`
 * (default 9 passes; a fleet made by bench/fleet.ts). Not part of `npm run bench`.
 */
import { resolve } from 'node:path';
import { checkoutPasses } from './check-passes.js';
import { fleetStageSources } from './fleet.js';
import { alternate } from './alternating.js';

const [dir, passes, against] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: node <SYNTH_FLAGS> --import tsx bench/check-stage.ts <project dir> [<passes> [<another checkout>]]\n');
  process.exit(2);
}
const project = resolve(dir);
const sources = fleetStageSources(project);
const roots = [resolve(import.meta.dirname, '..'), ...(against === undefined ? [] : [resolve(against)])];
const checkouts = await Promise.all(roots.map((root) => checkoutPasses(root, project)));
process.stdout.write(`${project}: ${sources.join(', ')} in turn, each rendered afresh; the same findings and kept results in every pass\n`);
process.stdout.write(alternate(roots, checkouts, sources, Number(passes ?? 9), 'found or kept something else'));
