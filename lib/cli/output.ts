/**
 * Writing a compilation into `dist/` (the transaction of lib/synth/write.ts, from the project's
 * side): each stage staged as soon as it is compiled (`beginOutput`), then swapped in at once,
 * and what changed, for the commands' summary lines.
 */
import { counted } from '../model/limits.js';
import { join, relative } from 'node:path';
import type { Compiled, StageOutcome } from '../compile.js';
import { diffManifests } from '../diff/objects.js';
import { diffLines } from '../diff/lines.js';
import { manifestsOf, type Manifest } from '../diff/manifests.js';
import { edgeChangeLines } from '../edge/changes.js';
import { ExitCode, ProblemsError, escapeName, formatProblem, nameList, type Problem } from '../errors.js';
import { escapeInvisible } from '../model/invisible-characters.js';
import { changeLines, changeSummary, objectsUnchanged, type InventoryChanges } from '../synth/inventory-changes.js';
import { INVENTORY_FILE } from '../synth/inventory.js';
import type { ChangedFiles } from '../synth/stage-directory.js';
import { beginTransaction } from '../synth/write.js';
import { JOURNAL_FILE } from '../synth/journal.js';
import { fileDigests, stageOutcome, type OutputTarget, type StagedOutcome, type StagedStage, type StagingOutput } from './staging.js';
import { foreignFilesProblem, present } from '../synth/disk.js';
import { compareDist, compareDistDir, distDirs, foreignAtRoot, mergeDifferences, type DistDifference } from '../synth/compare-dist.js';
import type { Substitution } from '../transforms/images.js';
import { objectsReport } from '../synth/rendered.js';
import type { FileTree } from '../synth/file-content.js';
import { BYTE_ORDER_MARK, startsWithByteOrderMark } from './read-file.js';
import { noteWritten } from './print.js';
import { DIST_DIR, compile, readStageFile, readStageTree, stagePath, type Project } from './project.js';

/** What writing a stage changed, for the summary line. */
export interface WrittenStage {
  readonly stage: string;
  readonly objects: number;
  readonly files: number;
  /** Compared with the inventory that was in `dist/<stage>/` before; undefined when there was none. */
  readonly changes?: InventoryChanges;
  /** The stage's files that are not what `dist/<stage>/` held before: written (changed or added), and gone. @default none */
  readonly changedFiles?: ChangedFiles;
  /** The images the stage's architecture substituted (`images:` of a stage file). */
  readonly images: readonly Substitution[];
}

export interface WriteOutputOptions {
  /** A full synthesis: remove the output of stages that have no stage file any more. */
  readonly removeOthers: boolean;
  /** New texts of stage files, written with the output in one transaction (an edit by promote or switch). */
  readonly stageTexts?: ReadonlyMap<string, string>;
  /** Other project files to write in the same transaction, which stagecraft generates (the schema), by path relative to the root. */
  readonly files?: ReadonlyMap<string, string>;
  /** Stages whose output stays as it is, not compiled (lib/cli/reuse.ts): never removed. @default [] */
  readonly keep?: readonly string[];
  /** Throws when a file the command read changed since, checked just before the renames (lib/synth/write.ts). @default - no check */
  readonly unchanged?: () => void;
}

export interface WrittenOutput {
  /** One per compiled stage, in order. */
  readonly stages: WrittenStage[];
  /** Stages whose output was removed because their stage file is gone, sorted. */
  readonly removed: string[];
  /** The SHA-256 of every file written below `dist/`, by path from the project root (`dist/qa/inventory.txt`). */
  readonly digests: ReadonlyMap<string, string>;
  /** Whether a warning listed files in `dist/` that stagecraft did not write (`synth/foreign-files`): counted with the others. */
  readonly foreignFiles: readonly string[];
  /** Whether a warning said that the schema, a symbolic link, was replaced by a file (`synth/schema-link`): counted with the others. */
  readonly replacedLinks: boolean;
}

/**
 * Writes compiled stages into `dist/` and any edited project files as one transaction (see
 * lib/synth/write.ts), leaving files stagecraft did not write where they are (one warning lists
 * them), and says what changed in each stage compared with the output that was there.
 * @throws Error when the project was not opened as a writer (it must hold the lock)
 */
export function writeOutput(project: Project, compiled: Compiled, options: WriteOutputOptions): WrittenOutput {
  const output = beginOutput(project, options);
  try {
    return output.write(compiled);
  } finally {
    output.abort();
  }
}

/**
 * Output being written while stages are compiled: `keep` (give it to `compile`) writes each stage's
 * files into the staging directory of the write transaction (lib/synth/write.ts) as soon as the
 * stage is compiled, and drops them and the stage's objects (but the objects of a stage that
 * declares `delivery:`, which the delivery plan needs), so that the command never holds the
 * output of every stage at once; `write` then does the transaction. Nothing users see changes
 * before `write`, and `abort` removes what was staged (call it in a `finally`: after `write`
 * it does nothing).
 */
export interface OutputInProgress extends StagingOutput {
  /** Writes what `keep` staged and the files of `compiled.tree` (see `writeOutput`). */
  write(compiled: Compiled): WrittenOutput;
  abort(): void;
}

/**
 * Starts writing output into `dist/` (see `OutputInProgress`). The project must be opened as a writer.
 * @throws Error when the project was not opened as a writer (it must hold the lock)
 */
export function beginOutput(project: Project, { removeOthers, stageTexts, files, keep, unchanged }: WriteOutputOptions): OutputInProgress {
  if (!project.writer) throw new Error('writeOutput: open the project with openProject(root, { writer }) first, which takes the lock');
  const projectFiles = new Map([
    ...(files ?? []),
    ...[...(stageTexts ?? [])].map(([stage, text]) => [relative(project.root, stagePath(project, stage)), text] as const),
  ]);
  const command = project.writer;
  // `files` are stagecraft's own (the schema), `stageTexts` the team's sources
  const generated = new Set(files?.keys());
  const tx = beginTransaction({
    root: project.root,
    distDir: DIST_DIR,
    removeOthers,
    keep,
    files: projectFiles,
    generated,
    command,
    unchanged,
  });
  const target: OutputTarget = { root: project.root };
  const staged = new Map<string, StagedStage>();
  /** Digests of the files written (path below the root -> SHA-256), for the fingerprint (lib/cli/fingerprint.ts). */
  const digests = new Map<string, string>();
  const adopt = ({ outcome, staged: s }: StagedOutcome): StageOutcome => {
    if (s) {
      tx.adopt(outcome.stage, s.directory);
      for (const [path, digest] of s.digests) digests.set(path, digest);
      staged.set(outcome.stage, s.summary);
    }
    return outcome;
  };
  return {
    keep: (outcome) => adopt(stageOutcome(target, outcome)),
    target,
    adopt,
    write(compiled) {
      for (const [stage, tree] of compiled.tree) for (const [path, digest] of fileDigests(stage, tree)) digests.set(path, digest);
      // what the last full synthesis recorded (lib/cli/fingerprint.ts) stays: every use of it takes the
      // digests again, so a stage written since is compiled again and the others keep their records
      // (the next synthesis of a stage promote or switch rewrote plans dist/delivery/ with them)
      const { removed, foreign, changed, replacedLinks } = commitOrSayHalfDone(project.root, () => tx.commit(compiled.tree));
      noteWritten(`${DIST_DIR}/`);
      for (const { path, target } of replacedLinks) project.log(formatProblem(schemaLinkReplaced(path, target)));
      return { ...report(project, compiled, staged, foreign, changed), removed, digests, replacedLinks: replacedLinks.length > 0 };
    },
    abort: () => tx.abort(),
  };
}

/** The warning that the generated file `path` (the schema), a symbolic link to `target`, was replaced by the file itself. */
const schemaLinkReplaced = (path: string, target: string): Problem => ({
  code: 'synth/schema-link',
  severity: 'warning',
  message: `${path} was a symbolic link to ${target}; stagecraft never writes its schema through a link (it would write over whatever the link leads to), so the link is replaced by the schema itself, and ${target} is left as it was`,
  hint: `the schema is stagecraft's own: commit ${path} as the file synth wrote (git add ${path}); a copy elsewhere is yours to make (cp ${path} <there>)`,
});

/**
 * Runs `commit`; when it fails once its journal is written (a rename refused), says so for the
 * failure's last line: part of the change is done, and the next command completes it, rather than
 * 'nothing was written'.
 */
function commitOrSayHalfDone<T>(root: string, commit: () => T): T {
  try {
    return commit();
  } catch (e) {
    if (present(join(root, JOURNAL_FILE))) noteWritten(`part of the change (the next command completes it from ${JOURNAL_FILE})`);
    throw e;
  }
}

function report(
  project: Project,
  compiled: Compiled,
  staged: ReadonlyMap<string, StagedStage>,
  foreign: readonly string[],
  changed: ReadonlyMap<string, ChangedFiles>,
): Omit<WrittenOutput, 'removed' | 'digests' | 'replacedLinks'> {
  if (foreign.length) {
    project.log(formatProblem(foreignFilesProblem(foreign)));
  }
  const stages = compiled.stages.map((r) => {
    const s: StagedStage = staged.get(r.stage.name) ?? { ...objectsReport(r.charts), files: compiled.tree.get(r.stage.name)!.size };
    return {
      stage: r.stage.name,
      objects: s.objects,
      files: s.files,
      images: s.images,
      // compared with the output as it was when the stage was compiled (lib/output-changes.ts), under this command's lock
      changes: compiled.changes.get(r.stage.name),
      changedFiles: changed.get(r.stage.name),
    };
  });
  return { stages, foreignFiles: foreign };
}

/** Files named in a summary line whose objects did not change; more are counted. */
const LISTED_FILES = 3;

/** `2 files changed: a, b` (`removed` for files gone), at most LISTED_FILES named. */
function filesPart(files: readonly string[], what: string): string {
  const named =
    files.length > LISTED_FILES ? `${nameList(files.slice(0, LISTED_FILES))} and ${files.length - LISTED_FILES} more` : nameList(files);
  return `${counted(files.length, 'file')} ${what}: ${named}`;
}

/**
 * `qa: 14 objects in 5 files -> dist/qa/ (1 added, 1 changed, 0 removed)`, then the objects. When
 * no object changed but files did (an edge configuration, a node's file, a file edited by hand
 * and written again, or a generated file gone), the line says which: `(objects unchanged; 2 files
 * changed: edge/haproxy.cfg, inventory.txt)`, `(objects unchanged; 1 file removed: 10-nginx.yaml.bak)`,
 * a file new to the stage apart (an edge machine renamed: `1 file added: edge/keepalived-lb3.conf; 1 file removed: ...`).
 * When objects changed too, the files of a folder (a machine's: `edge/`, `nodes/<node>/`) added and removed are said after
 * them, which the objects' lines do not say and which are installed on, or taken off, a machine: `(0 added, 1 changed, 0
 * removed; 1 file added: edge/keepalived-lb3.conf; ...)`.
 */
export function writtenLines(w: WrittenStage): string[] {
  const { written = [], gone = [], added = [] } = w.changedFiles ?? {};
  const changed = written.filter((f) => !added.includes(f));
  const part = (files: readonly string[], what: string) => (files.length ? [filesPart(files, what)] : []);
  const parts = [...part(changed, 'changed'), ...part(added, 'added'), ...part(gone, 'removed')];
  const inFolder = (files: readonly string[]) => files.filter((f) => f.includes('/'));
  // no inventory before: a new stage, or one whose inventory.txt a hand removed (other files of it were there)
  const what = !w.changes
    ? w.changedFiles !== undefined && added.length < w.files
      ? [`no ${INVENTORY_FILE} to compare its objects with`, ...parts].join('; ')
      : 'new'
    : objectsUnchanged(w.changes) && parts.length
      ? `objects unchanged; ${parts.join('; ')}`
      : [changeSummary(w.changes), ...part(inFolder(added), 'added'), ...part(inFolder(gone), 'removed')].join('; ');
  return [
    `${w.stage}: ${counted(w.objects, 'object')} in ${counted(w.files, 'file')} -> ${DIST_DIR}/${w.stage}/ (${what})`,
    // each line names objects of the inventory that was there, which a hand may have edited
    ...(w.changes ? changeLines(w.changes).map((l) => `  ${escapeName(l)}`) : []),
  ];
}

/** The files of `dist/` that differ from `compiled` (its stages only), as `changed: dist/qa/...` lines. */
export function staleFiles(project: Project, compiled: Compiled, removeOthers = false): string[] {
  const distDir = join(project.root, DIST_DIR);
  return staleLines(distDir, compareDist(distDir, compiled.tree, { removeOthers }));
}

/** The lines naming the files of `diff` as `npm run check` says them out of date (`changed: dist/qa/10-web.yaml`). */
export function staleLines(distDir: string, diff: DistDifference): string[] {
  // a name's control characters, and those that print as nothing or turn the line around (U+202E), as their escapes
  const shown = (p: string) => escapeInvisible(escapeName(p));
  // a file of dist/ is named as found there, whoever named it; one missing where a file stagecraft did not write stands is said so
  const missing = (p: string) =>
    present(join(distDir, p))
      ? `missing: ${DIST_DIR}/${shown(p)} (what stands there was not written by stagecraft: move it away, then npm run synth)`
      : `missing: ${DIST_DIR}/${shown(p)}`;
  return [
    ...diff.changed.map((p) => `changed: ${DIST_DIR}/${shown(p)}`),
    ...diff.missing.map(missing),
    ...diff.extra.map((p) => `not produced by the sources: ${DIST_DIR}/${shown(p)}`),
  ];
}

/**
 * Compares the stages of a compilation of the whole project with `dist/` one by one, as each
 * arrives (`keep`, for `compile`): its files are compared and dropped, only their digests kept for
 * the fingerprint, so that no stage's files wait for the others (`npm run check`).
 */
export function comparingStages(project: Project) {
  const distDir = join(project.root, DIST_DIR);
  const compared = new Map<string, DistDifference>();
  const digests = new Map<string, string>();
  return {
    keep(outcome: StageOutcome): StageOutcome {
      const { files, ...rest } = outcome;
      // a stage with problems stops the command: nothing to compare
      if (!files || outcome.problems.length || outcome.failedChecks) return outcome;
      compared.set(outcome.stage, compareDistDir(distDir, outcome.stage, files));
      for (const [path, digest] of fileDigests(outcome.stage, files)) digests.set(path, digest);
      return rest;
    },
    /** SHA-256 of each file of the stages compared, by path below the root (`dist/qa/inventory.txt`). */
    digests: digests as ReadonlyMap<string, string>,
    /**
     * Every file of `dist/` that differs, as `staleFiles(project, compiled, true)` lists them (the
     * stages compared, then the rest: `compiled.tree`), and the entries stagecraft did not write (`dist/qa/notes.md`).
     */
    compare(compiled: Compiled): { readonly stale: string[]; readonly foreign: string[] } {
      const stages = new Set([...compared.keys(), ...compiled.tree.keys()]);
      const atRoot: string[] = [];
      const diff = mergeDifferences(
        distDirs(distDir, stages, true).flatMap((d) => {
          // what is no stage's is left as a full synthesis leaves it (a file, a folder of the user's), and said as it says it
          const left = stages.has(d) ? undefined : foreignAtRoot(distDir, d);
          if (left !== undefined) atRoot.push(left);
          return left === undefined ? [compared.get(d) ?? compareDistDir(distDir, d, compiled.tree.get(d))] : [];
        }),
      );
      return { stale: staleLines(distDir, diff), foreign: [...diff.foreign, ...atRoot].map((p) => `${DIST_DIR}/${p}`).sort() };
    },
  };
}

/** A stage's output as it is in `dist/<stage>/`: its files, and the objects they hold. */
export interface StageOutputAsIs {
  readonly tree: FileTree;
  readonly manifests: readonly Manifest[];
}

/**
 * Reads a stage's output as it is (`readStageTree`) and parses its objects.
 * @throws ProblemsError locating a file there that is not YAML (a merge conflict)
 */
export function readStageOutput(project: Project, stage: string): StageOutputAsIs {
  const tree = readStageTree(project, stage);
  return { tree, manifests: manifestsOf(tree, `${DIST_DIR}/${stage}`) };
}

/**
 * Writes a new text of one stage file and that stage's output, after compiling it in memory: when
 * the new text does not compile, nothing is written. Returns what to tell the user: the stage's
 * summary line and, field by field, how its objects changed from `asIs` (the stage's output as the
 * caller read it, under this command's lock; read here when not given).
 * @param edit the new `text`, and the text of the stage file it was made `from` (and `compiled`, the text compiled, when the caller did)
 * @throws ProblemsError when the stage file is no longer `from`: saved from an editor (which takes no
 *   lock) while the command ran, an edit that writing `text` would undo
 */
export function rewriteStage(
  project: Project,
  stage: string,
  edit: { from: string; text: string; compiled?: Compiled },
  asIs?: StageOutputAsIs,
): string[] {
  const { text } = edit;
  // compiled by the caller when it says the problems of the edited text its own way (promote: the release's, a refusal)
  const compiled = edit.compiled ?? compile(project, [stage], { sources: new Map([[stage, text]]) });
  // a file there that is not YAML (a merge conflict) is reported at its place, before anything is written
  const { tree, manifests: before } = asIs ?? readStageOutput(project, stage);
  // the stage file keeps a byte-order mark it had (reading drops it): only the values edited change
  const file = startsWithByteOrderMark(stagePath(project, stage)) ? `${BYTE_ORDER_MARK}${text}` : text;
  // read again last, once the journal is written and just before the file's rename: an edit is lost
  // only when saved between that read and the rename (rename(2) cannot be made conditional)
  const unchanged = () => {
    if (readStageFile(project, stage) === edit.from) return;
    throw new ProblemsError(
      [
        {
          code: 'edit/changed',
          subject: relative(project.root, stagePath(project, stage)),
          message: 'changed while the command ran, so writing its edit of the file as it was read would undo that change',
          hint: 'run the command again, which reads the file as it is now',
        },
        // refused, as promote and switch refuse what they cannot do safely: the input is not wrong
      ],
      ExitCode.checkFailed,
    );
  };
  const [written] = writeOutput(project, compiled, { removeOthers: false, stageTexts: new Map([[stage, file]]), unchanged }).stages;
  // a report lost now (a full disk behind >) loses the only account of the change, which the command run again does
  // not give back (a promotion finds nothing to promote, a switch switches back): the stage file was written too
  noteWritten(`the change (${relative(project.root, stagePath(project, stage))} and ${DIST_DIR}/${stage}/, which git diff shows)`);
  const changes = diffManifests(before, manifestsOf(compiled.tree.get(stage)!));
  return [
    writtenLines(written)[0],
    ...diffLines(changes, { before: 'the old output', after: 'the new output' }).map((l) => `  ${l}`),
    // an edge machine or floating IP another stage now takes is said as the compilation told it again (install that stage's files there), as diff and synth say it
    ...edgeChangeLines(tree, compiled.tree.get(stage)!, compiled.notices).map((l) => `  ${l}`),
  ];
}
