/**
 * `npm run synth`: compiles every stage file into `dist/<stage>/`, or nothing at all when any
 * stage has a problem.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, formatProblem } from '../errors.js';
import { exceptionLines, toProblem } from '../checks/finding.js';
import { imageSubstitutions } from '../transforms/images.js';
import { DELIVERY_DIR } from '../delivery/index.js';
import { INVENTORY_FILE } from '../synth/inventory.js';
import { startFingerprint, unchangedSinceRecorded } from './fingerprint.js';
import { main } from './main.js';
import { DIST_DIR, SCHEMA_FILE, compile, flushRenderCache, openProject, requireStages, schemaText, writeOutput, writtenLines, type WrittenStage } from './project.js';

const usage = `Usage: npm run synth [-- --stage <name> ...] [--no-cache]

Compiles environments/<stage>.yaml into dist/<stage>/ for every stage (or only the named ones),
writes environments/stage.schema.json, and removes the output of stages that no longer exist.
On any problem nothing is written and the exit code is 2.

Options:
  --stage <name>  compile only this stage (repeatable)
  --no-cache      render every app again, without .stagecraft/cache/render/
  -h, --help      show this help
`;

await main<{ stage?: string[]; 'no-cache'?: boolean }>({
  usage,
  options: { stage: { type: 'string', multiple: true }, 'no-cache': { type: 'boolean' } },
  run({ stage, 'no-cache': noCache }) {
    const root = process.cwd();
    const project = openProject(root, { writer: ['synth', ...(stage ? ['--', ...stage.flatMap((s) => ['--stage', s])] : [])].join(' ') });
    requireStages(project, stage ?? []);
    // nothing changed since the last full synthesis (lib/cli/fingerprint.ts): dist/ is its output already
    const replay = stage === undefined && !noCache ? unchangedSinceRecorded(root, DIST_DIR)?.synthOutput : undefined;
    if (replay) {
      process.stdout.write(replay.stdout);
      process.stderr.write(replay.stderr);
      return ExitCode.ok;
    }
    // a full synthesis records the digests that let the next check (and synth) answer without compiling
    const fingerprint = stage === undefined ? startFingerprint(root) : undefined;
    const compiled = compile(project, stage ?? project.stages, { noCache });
    const schemaPath = join(root, SCHEMA_FILE);
    const schema = schemaText();
    const schemaStale = !existsSync(schemaPath) || readFileSync(schemaPath, 'utf8') !== schema;
    // a full synthesis removes the output of stages whose stage file is gone, and says so
    const { stages: written, removed: gone } = writeOutput(project, compiled, {
      removeOthers: stage === undefined,
      files: new Map(schemaStale ? [[SCHEMA_FILE, schema]] : []),
    });
    /** What the command prints about `stages`: the summary lines, images, exceptions, warnings; then dist/delivery/. */
    const report = (stages: readonly WrittenStage[]) => {
      let out = '';
      let err = '';
      for (const [i, s] of compiled.stages.entries()) {
        out += writtenLines(stages[i]).map((l) => `${l}\n`).join('');
        for (const sub of imageSubstitutions(s.charts.flatMap((c) => c.objects))) {
          out += `  ${s.stage.architecture} image: ${sub.from} -> ${sub.to} (${sub.object}, container ${sub.container})\n`;
        }
        const result = compiled.checks.get(s.stage.name);
        for (const line of exceptionLines(result?.exceptions ?? [])) out += `  ${line}\n`;
        const warnings = (result?.findings ?? []).filter((f) => f.severity === 'warning');
        if (warnings.length) err += warnings.map((f) => formatProblem(toProblem(f))).join('\n') + '\n';
      }
      for (const [path, text] of compiled.tree.get(DELIVERY_DIR) ?? []) {
        if (!path.endsWith(`/${INVENTORY_FILE}`)) continue;
        const objects = /^objects: (\d+)$/m.exec(text)?.[1];
        out += `${DELIVERY_DIR}: ${objects} ${path.split('/')[0]} objects -> ${DIST_DIR}/${DELIVERY_DIR}/${path.split('/')[0]}/\n`;
      }
      return { stdout: out, stderr: err };
    };
    flushRenderCache();
    const now = report(written);
    process.stdout.write(now.stdout);
    process.stderr.write(now.stderr);
    // what the same command prints when run again with nothing changed, for the next run to repeat
    const again = report(written.map((w) => ({ ...w, changes: { added: [], changed: [], removed: [] } })));
    fingerprint?.record({ distDir: DIST_DIR, tree: compiled.tree, schema: { file: SCHEMA_FILE, text: schema }, stages: project.stages.length, synthOutput: again });
    for (const d of gone) {
      const why = d === DELIVERY_DIR ? 'no stage file declares delivery:' : `there is no environments/${d}.yaml`;
      process.stdout.write(`${d}: removed ${DIST_DIR}/${d}/ (${why})\n`);
    }
    return ExitCode.ok;
  },
});
