/**
 * `npm run check`: compiles every stage in memory and fails when `dist/` (or the stage-file
 * schema) is not exactly what the sources produce.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../errors.js';
import { compareDist } from '../synth/write.js';
import { main } from './main.js';
import { DIST_DIR, SCHEMA_FILE, compile, openProject, schemaText } from './project.js';

const usage = `Usage: npm run check

Compiles every stage in memory, without writing, and compares the result with the committed
dist/ and environments/stage.schema.json. Exit 0 when they are current, 1 listing the files
that differ, 2 when a stage file has a problem.

Options:
  -h, --help  show this help
`;

await main({
  usage,
  options: {},
  run() {
    const root = process.cwd();
    const project = openProject(root);
    const { tree } = compile(project);
    const diff = compareDist(join(root, DIST_DIR), tree, { removeOthers: true });
    const schemaPath = join(root, SCHEMA_FILE);
    const schemaStale = !existsSync(schemaPath) || readFileSync(schemaPath, 'utf8') !== schemaText();
    const lines = [
      ...diff.changed.map((p) => `changed: ${DIST_DIR}/${p}`),
      ...diff.missing.map((p) => `missing: ${DIST_DIR}/${p}`),
      ...diff.extra.map((p) => `not produced by the sources: ${DIST_DIR}/${p}`),
      ...(schemaStale ? [`changed: ${SCHEMA_FILE}`] : []),
    ];
    if (lines.length) {
      process.stderr.write(`${lines.join('\n')}\n${lines.length} file(s) out of date; run: npm run synth\n`);
      return ExitCode.checkFailed;
    }
    process.stdout.write(`dist/ is current: ${project.stages.length} stage(s), ${[...tree.values()].reduce((n, f) => n + f.size, 0)} files\n`);
    return ExitCode.ok;
  },
});
