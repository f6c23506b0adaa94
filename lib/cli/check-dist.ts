/**
 * `npm run check` without paths: every stage compiled in memory and compared with dist/ and the schema
 * file, or answered from the last full synthesis's digests when nothing changed since.
 */
import { counted } from '../model/limits.js';
import { ExitCode } from '../errors.js';
import { progress, type Io } from './main.js';
import { DIST_DIR, SCHEMA_FILE, compile, flushRenderCache, openProject, schemaOnDisk, schemaText } from './project.js';
import { comparingStages } from './output.js';
import { readFingerprint, startFingerprint, unchangedSinceRecorded } from './fingerprint.js';
import { compilerDigests, projectDigests } from './digests.js';
import { heldRecords } from './reuse.js';
import { currentLine, reportCurrent } from './fast.js';
import { printProblems } from './print.js';
import { foreignFilesProblem } from '../synth/disk.js';
import { STAGING_LEFT, stagingInTheWayWarning } from '../synth/staging-mark.js';

/** Compares dist/ and the schema file with what the stage files make (with the render cache, unless `noCache`); the files out of date on stderr. */
export function checkDist(io: Io, noCache: boolean | undefined): ExitCode {
  const root = io.cwd;
  let leftSaid = false;
  const project = openProject(root, {
    log: (l) => {
      leftSaid ||= l.startsWith(STAGING_LEFT);
      io.stderr.write(`${l}\n`);
    },
  });
  // a directory of a team's where a write stages (dist/.stagecraft-tx): dist/ may be current, but the next synth refuses it
  // (said once: a recovery for other leftovers said it already)
  const inTheWay = leftSaid ? undefined : stagingInTheWayWarning(root, DIST_DIR);
  if (inTheWay) printProblems(io, [inTheWay]);
  // nothing changed since the last full synth (or check): its digests say so without compiling
  const unchanged = noCache ? undefined : unchangedSinceRecorded(root, DIST_DIR);
  if (unchanged) return reportCurrent(unchanged, io);
  // what the last full synthesis recorded of each stage, of which the new fingerprint keeps what still holds
  const replaced = readFingerprint(root);
  const inputs = { project: projectDigests(root), compiler: compilerDigests() };
  const fingerprint = startFingerprint(root, inputs);
  const line = progress(io);
  const comparison = comparingStages(project);
  const compiled = line.during(() =>
    compile(project, project.stages, {
      onStage: (s, i, n) => line.update(`check: compiling ${s} (${i + 1}/${n})`),
      // only the files are compared: each stage's objects go as soon as it is compiled, its files once compared
      objects: false,
      noCache,
      keep: comparison.keep,
    }),
  );
  const { tree } = compiled;
  const schemaStale = schemaOnDisk(root) !== schemaText();
  const { stale, foreign } = comparison.compare(compiled);
  // said whether or not dist/ is current, as synth says it: kubectl apply -f reads them
  if (foreign.length) printProblems(io, [foreignFilesProblem(foreign)]);
  // what the delivery plan warns of (a revision no branch of the checkout), as synth and an answer from the fingerprint say it
  printProblems(io, compiled.deliveryWarnings);
  const lines = [...stale, ...(schemaStale ? [`changed: ${SCHEMA_FILE}`] : [])];
  if (lines.length) {
    io.stderr.write(`${lines.join('\n')}\n${counted(lines.length, 'file')} out of date; run: npm run synth\n`);
    return ExitCode.checkFailed;
  }
  flushRenderCache();
  const { digests } = comparison;
  fingerprint.record({
    distDir: DIST_DIR,
    tree,
    digests,
    schema: { file: SCHEMA_FILE, text: schemaText() },
    stages: project.stages.length,
    foreign,
    deliveryWarnings: compiled.deliveryWarnings,
    ...heldRecords(replaced, inputs, project.stages),
  });
  io.stdout.write(
    currentLine(
      project.stages.length,
      [...tree.values()].reduce((n, f) => n + f.size, digests.size),
    ),
  );
  return ExitCode.ok;
}
