/**
 * Opening the project in a directory, as every command starts: a writer takes the project's lock,
 * whatever an interrupted command left is completed or rolled back, and the stage names are read
 * from `environments/`. Reading and compiling the stage files is lib/cli/project.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DIST_DIR, readRegularFile } from '../synth/disk.js';
import { PROJECT_FILE } from '../config/project-file.js';
import { DELIVERY_DIR } from '../delivery/index.js';
import { ProblemsError, shellWord, type Problem } from '../errors.js';
import { withFs } from '../fs-problems.js';
import { needsRecovery, recover } from '../synth/recover.js';
import { ENVIRONMENTS_DIR } from './digests.js';
import { acquireLock, commandRan } from './lock.js';

/** The JSON Schema of stage files, for editors (`# yaml-language-server: $schema=./stage.schema.json`). */
export const SCHEMA_FILE = join(ENVIRONMENTS_DIR, 'stage.schema.json');

export interface Project {
  readonly root: string;
  /** Stage names, from the files in `environments/`, sorted. */
  readonly stages: readonly string[];
  /** Where messages about the project itself go (a recovery, files left alone in dist/). @default stderr */
  readonly log: (line: string) => void;
  /** The command that holds the project's lock, as it ran (`npm run synth`, `node lib/cli/run.cjs synth`), when opened as a writer. */
  readonly writer?: string;
}

export interface OpenOptions {
  /**
   * The command, when it writes: the project's lock is taken for it (lib/cli/lock.ts) and held
   * until the process exits. @default - a reader, which takes no lock
   */
  readonly writer?: string;
  /** @default - write each line to stderr */
  readonly log?: (line: string) => void;
}

/**
 * Opens the project in `root`: takes the lock for a writer, and completes or rolls back what an
 * interrupted command left (a journal or staging files, see lib/synth/journal.ts), saying so.
 */
export function openProject(root: string, { writer, log = (l) => process.stderr.write(`${l}\n`) }: OpenOptions = {}): Project {
  const dir = join(root, ENVIRONMENTS_DIR);
  // run elsewhere, a reader would find no stage and compare nothing with nothing, and a writer would
  // leave its lock's .stagecraft/ there before failing to write the schema: say where to run it instead
  if (!existsSync(dir)) {
    const project = enclosingProject(root);
    const cd = project === undefined ? undefined : shellWord(project);
    throw new ProblemsError([
      {
        code: 'cli/not-a-project',
        message: `no ${ENVIRONMENTS_DIR}/ here (${root}): run it in the project directory`,
        hint: project
          ? `this is inside the project ${project}: ${cd === undefined ? 'cd to it' : `cd ${cd}`}, then run the command again`
          : `cd to the directory that holds ${ENVIRONMENTS_DIR}/ and package.json, then run the command again`,
      },
    ]);
  }
  const command = writer && commandRan(writer);
  if (command) acquireLock(root, command, log);
  if (needsRecovery(root, DIST_DIR)) {
    // a reader takes the lock only to recover, and not from a writer that is still at work
    const release = command ? undefined : acquireLock(root, 'recovery', log);
    try {
      // its lines print a journal's command and paths escaped, whoever wrote it (one committed to a repository)
      for (const line of recover(root, DIST_DIR, { stageDir: ENVIRONMENTS_DIR, generated: [SCHEMA_FILE] })) log(line);
    } finally {
      release?.();
    }
  }
  const entries = withFs(ENVIRONMENTS_DIR, 'reading', () => readdirSync(dir));
  const yml = entries.filter((f) => f.endsWith('.yml')).sort();
  if (yml.length) {
    throw new ProblemsError(
      yml.map((f) => {
        const [from, to] = [shellWord(`${ENVIRONMENTS_DIR}/${f}`), shellWord(`${ENVIRONMENTS_DIR}/${f.slice(0, -'.yml'.length)}.yaml`)];
        return {
          code: 'config/yml-extension',
          message: `${ENVIRONMENTS_DIR}/${f} is not read: stage files end in .yaml`,
          hint: from && to ? `rename it: mv ${from} ${to}` : 'rename it to end in .yaml',
        };
      }),
    );
  }
  const stages = entries
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
  // nothing to compile, check or remove: said, rather than done and exit 0 (a CI job green on nothing)
  if (stages.length === 0 && !holdsStageOutput(root)) throw new ProblemsError([NO_STAGES]);
  return { root, stages, log, writer: command };
}

/**
 * An `environments/` without a stage file, and a `dist/` without a stage's output (a new project, a
 * checkout gone wrong): every command would compile and check nothing, and exit 0 as if all were well.
 * With a stage's output left in `dist/`, its file was removed (the last stage retired): synth removes
 * the output, printing the command that deletes its objects, and check says it is stale.
 */
const NO_STAGES: Problem = {
  code: 'cli/no-stages',
  message: `${ENVIRONMENTS_DIR}/ holds no stage file (<stage>.yaml) and ${DIST_DIR}/ no stage's output, so there is nothing to compile or check`,
  hint: `add a stage file (${ENVIRONMENTS_DIR}/dev.yaml: README.md, Stage files), then run the command again`,
};

/**
 * Whether `dist/` holds a stage's output (a directory with its inventory.txt), or the delivery objects
 * of stages (`dist/delivery/`, left when the stages' own output was removed by hand): synth removes
 * them, printing the commands that delete the Argo CD Applications they made.
 */
function holdsStageOutput(root: string): boolean {
  try {
    const dist = join(root, DIST_DIR);
    return readdirSync(dist, { withFileTypes: true }).some(
      (e) => e.isDirectory() && (e.name === DELIVERY_DIR || existsSync(join(dist, e.name, 'inventory.txt'))),
    );
  } catch {
    return false; // no dist/ (a new project), or none that can be read
  }
}

/** The nearest directory above `dir` that is a stagecraft project (`isProject`: the one a command was run inside of, in a subdirectory), or undefined. */
function enclosingProject(dir: string): string | undefined {
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) if (isProject(d)) return d;
  return undefined;
}

/** Bytes of a package.json read to tell whether its scripts run stagecraft: far above a project's, and no more. */
const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

/**
 * Whether `dir` is a stagecraft project: an `environments/` folder alone is not one (Terraform's
 * repositories have them), so it must also hold what every stagecraft project has: the schema synth
 * writes (committed), the project file, or a package.json whose scripts run stagecraft (`node
 * lib/cli/run.cjs synth`, as this repository's do).
 */
function isProject(dir: string): boolean {
  if (!existsSync(join(dir, ENVIRONMENTS_DIR))) return false;
  if (existsSync(join(dir, SCHEMA_FILE)) || existsSync(join(dir, PROJECT_FILE))) return true;
  try {
    const { scripts } = JSON.parse(readRegularFile(join(dir, 'package.json'), MAX_PACKAGE_JSON_BYTES)) as { scripts?: unknown };
    return (
      typeof scripts === 'object' &&
      scripts !== null &&
      Object.values(scripts).some((s) => typeof s === 'string' && /\bstagecraft\b|\blib\/cli\/run\.cjs\b/.test(s))
    );
  } catch {
    // none, or none that can be read: no sign of a project
    return false;
  }
}
