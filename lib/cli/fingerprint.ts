/**
 * What the last full synthesis (or full check) saw, so that `npm run check` on an unchanged tree
 * answers without compiling: `.stagecraft/fingerprint.json` (git-ignored) holds the SHA-256 of
 * every input and of every file below `dist/` (lib/cli/digests.ts) at a moment when `dist/` was
 * exactly what those inputs produce. Check recomputes them all and compares: any difference at all
 * (a file changed, added, removed, or a symbolic link retargeted) means a full compilation, as
 * without this file. Deleting it is always safe (the next check compiles in full), and so is keeping it
 * while `dist/` or the inputs change: a command that writes without recording a new one (promote,
 * switch, a synthesis of some stages) leaves it, and every use takes the digests again, which differ where they wrote.
 */
import { lstatSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../errors.js';
import { isFsError } from '../fs-problems.js';
import type { DeliveredStage } from '../delivery/stage.js';
import { checkoutAsRecorded, checkoutRecord } from './delivery-checkout.js';
import { sha256Hex } from '../model/sha256.js';
import { hasInvisible } from '../model/invisible-characters.js';
import { STATE_DIR, isGenerated, readRegularBytes, type DistTree } from '../synth/disk.js';
import {
  COMPILER_ROOT,
  MAX_STATE_BYTES,
  MTIME_MARGIN_MS,
  compilerDigests,
  compilerRecentlyChanged,
  currentCompilerDigests,
  distDigests,
  fileDigest,
  keepDigests,
  primeDigests,
  projectDigests,
  rereadDigest,
  writeStateFile,
  type Digests,
} from './digests.js';

import { FINGERPRINT_FILE, keptAfterAll, noteUnkept } from './unkept-state.js';

export { FINGERPRINT_FILE, unkeptState } from './unkept-state.js';
/** Bumped whenever what a fingerprint covers changes, so that an older file never matches. */
const FORMAT = 4;

/** What the fingerprint file holds. */
export interface Fingerprint {
  readonly format: number;
  readonly node: string;
  /**
   * The project's directory: one moved (within its Git repository) is another input, since where it lies
   * there is where the engines read dist/<stage> from (lib/cli/delivery-checkout.ts), which no file says.
   */
  readonly root: string;
  /** What Git said that the delivery plan read (lib/cli/delivery-checkout.ts `checkoutRecord`), asked again by each use. @default - none asked */
  readonly checkout?: Readonly<Record<string, string>>;
  readonly compiler: Digests;
  readonly project: Digests;
  readonly dist: Digests;
  /** For check's message: the stages and the generated files. */
  readonly stages: number;
  readonly files: number;
  /**
   * The entries of `dist/` stagecraft did not write, as the command that recorded this fingerprint
   * found them (`dist/qa/notes.md`), which check answering from it says again. @default - none
   */
  readonly foreign?: readonly string[];
  /**
   * What `npm run synth` prints when nothing changed, recorded by a full synthesis when `dist/`
   * holds only generated files (no warning about foreign files to repeat).
   */
  readonly synthOutput?: { readonly stdout: string; readonly stderr: string };
  /**
   * What a full synthesis printed about each stage and what the stage declares across stages,
   * recorded when `dist/` holds only generated files: a later synthesis keeps the output of a
   * stage whose inputs are all unchanged without compiling it (lib/cli/reuse.ts).
   */
  readonly synthStages?: Readonly<Record<string, StageRecord>>;
  /** What synth printed on stdout after the stages (dist/delivery/), recorded with `synthStages`. */
  readonly synthFooter?: string;
  /**
   * The delivery plan's warnings (`Compiled.deliveryWarnings`: a revision no branch of the checkout, a URL none of its
   * remotes), which synth and check answering from this fingerprint say again: they hold while it does. @default - none
   */
  readonly deliveryWarnings?: readonly Problem[];
}

/** What a full synthesis printed about one stage, and what it declares that other stages' output depends on. */
export interface StageRecord {
  /** Objects and files of `dist/<stage>/`, for its summary line. */
  readonly objects: number;
  readonly files: number;
  /** The lines printed on stdout below the summary line (image substitutions, exceptions, excused secret values). */
  readonly stdout: string;
  /** The warning summary printed on stderr (one problem per check), and how many warnings it counts. */
  readonly summary: readonly Problem[];
  readonly warnings: number;
  /** Whether the stage declares `delivery:` (its objects are in dist/delivery/). */
  readonly delivered: boolean;
  /** Its `promotion.from`. */
  readonly from?: string;
  /** What dist/delivery/ is planned from, when it declares `delivery:` (a synthesis that keeps the stage plans with it). */
  readonly delivery?: DeliveredStage;
  /** What it takes that no other stage may take too (lib/edge/across-stages.ts), compared with the stages a synthesis compiles. */
  readonly claims?: unknown;
}

/**
 * The fingerprint file parsed last, and the SHA-256 of its bytes: shared by every copy of this
 * module in the process (the fast path reads the file, then the command: lib/cli/run.cjs).
 */
const lastFingerprint: { digest?: string; parsed?: unknown } = ((globalThis as { [key: symbol]: object | undefined })[
  Symbol.for(`stagecraft.fingerprint.last.${FORMAT}`)
] ??= {});

/** Whether two sets of digests name the same files with the same digests. */
export function sameDigests(a: Digests, b: Digests): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** What a command compiled and found current, for `record`. */
export interface Recorded {
  readonly distDir: string;
  /** The compiled output of every stage (and of dist/delivery/), but the files in `digests`. */
  readonly tree: DistTree;
  /** The SHA-256 of files of the output already hashed, by path from the project root (`dist/qa/inventory.txt`). @default - none */
  readonly digests?: ReadonlyMap<string, string>;
  /** Whether this command wrote the files of `digests` (a synthesis), rather than read them (a check). @default false */
  readonly wrote?: boolean;
  /** A project file the command writes or checks itself (the stage-file schema), and its expected text. */
  readonly schema: { readonly file: string; readonly text: string };
  readonly stages: number;
  /** The entries of `dist/` the command found stagecraft did not write (`DistDifference.foreign`, from the root). @default - none */
  readonly foreign?: readonly string[];
  /** What synth printed, as when run again with nothing changed. */
  readonly synthOutput?: { readonly stdout: string; readonly stderr: string };
  /** What synth printed per stage (see `Fingerprint.synthStages`); only kept when dist/ has no foreign file. */
  readonly synthStages?: Readonly<Record<string, StageRecord>>;
  readonly synthFooter?: string;
  /** The delivery plan's warnings, said again by each answer from the fingerprint (`Fingerprint.deliveryWarnings`). @default - none */
  readonly deliveryWarnings?: readonly Problem[];
  /**
   * Stages whose output was not compiled but kept (lib/cli/reuse.ts), and the digests of their
   * files that the last fingerprint proved to be their output: recorded as they are, not hashed again.
   */
  readonly kept?: { readonly stages: readonly string[]; readonly dist: Digests };
}

/** Digests computed at the start of a command, so that they are not computed twice. */
export interface InputDigests {
  readonly project: Digests;
  readonly compiler: Digests;
}

/**
 * Takes the digests of the inputs before a compilation of the whole project; `record` then writes
 * the fingerprint, but only when it can prove it true: no input but the schema changed meanwhile,
 * the compiler's sources had not changed just before the start, the schema on disk is `schema.text`,
 * every file of the tree is on disk with exactly its bytes, and no other file below `dist/` has
 * the generated-file header. Otherwise it leaves no fingerprint (the next check compiles in full).
 */
export function startFingerprint(
  root: string,
  { project, compiler }: InputDigests = { project: projectDigests(root), compiler: compilerDigests() },
): { record(r: Recorded): boolean } {
  return {
    record({
      distDir,
      tree,
      digests,
      wrote = false,
      schema,
      stages,
      foreign: found = [],
      synthOutput,
      synthStages,
      synthFooter,
      deliveryWarnings,
      kept,
    }) {
      const path = join(root, FINGERPRINT_FILE);
      // best effort: a project that cannot be written (read-only, a full disk, a file size limit)
      // keeps no fingerprint, and the command's answer stands (the next check compiles in full)
      if (!keepingState(root, () => rmSync(path, { force: true }))) return false;
      // whatever stood there is gone: the next command reads this command's fingerprint, or none
      keptAfterAll(FINGERPRINT_FILE);
      const now = projectDigests(root);
      const schemaDigest = sha256Hex(schema.text);
      const inputsSame = Object.keys({ ...project, ...now }).every((k) => k === schema.file || project[k] === now[k]);
      if (!inputsSame || now[schema.file] !== schemaDigest || !sameDigests(compiler, currentCompilerDigests()) || compilerRecentlyChanged())
        return false;
      // a kept stage's files were proved to be its output by the fingerprint they come from
      const keptDirs = new Set((kept?.stages ?? []).map((s) => `${distDir}/${s}`));
      const written = digests ?? new Map<string, string>();
      const dist = { ...distDigests(root, distDir, (rel) => keptDirs.has(rel) || written.has(rel)), ...kept?.dist };
      // a file this command wrote (or linked) in the last moments counts as written without being
      // read back: its stamp is too recent for any later command to believe (see `fileDigest`), so
      // each reads it again before it trusts this fingerprint. While the process is younger than
      // that, so is every file it wrote: none is looked at (one lost meanwhile is missing when the
      // next command takes the digests of dist/, which then differ: it compiles). One written
      // earlier, or only read (check), is read now, and its stamp kept, as every other file's: the
      // next command need not read it again
      const young = wrote && process.uptime() * 1000 < MTIME_MARGIN_MS;
      for (const [p, d] of written) {
        if (young) {
          dist[p] = d;
          continue;
        }
        const st = lstatSync(join(root, p), { throwIfNoEntry: false });
        if (!st?.isFile()) return false;
        dist[p] = Math.max(st.mtimeMs, st.ctimeMs) < Date.now() - MTIME_MARGIN_MS ? fileDigest(join(root, p), st) : d;
      }
      const expected = new Map<string, string>(Object.entries(kept?.dist ?? {}));
      let files = expected.size;
      for (const [stage, stageFiles] of tree) {
        for (const [rel, text] of stageFiles) expected.set(`${distDir}/${stage}/${rel}`, sha256Hex(text));
        files += stageFiles.size;
      }
      for (const [p, d] of digests ?? []) expected.set(p, d);
      files += digests?.size ?? 0;
      // a digest taken from what an earlier command kept is checked against the file itself before
      // it can keep this fingerprint from being written (a damaged DIGESTS_FILE heals here)
      for (const [p, d] of expected) if (dist[p] !== d && rereadDigest(join(root, p)) !== d) return false;
      let foreign = false;
      for (const p of Object.keys(dist)) {
        if (expected.has(p) || p === distDir) continue;
        foreign = true;
        if (!p.endsWith('@') && dist[p] !== 'missing' && !dist[p].startsWith('other:') && isGenerated(join(root, p))) return false;
      }
      const fingerprint: Fingerprint = {
        format: FORMAT,
        node: process.version,
        root,
        checkout: checkoutRecord(root),
        compiler,
        project: now,
        dist,
        stages,
        files,
        ...(foreign && found.length ? { foreign: found } : {}),
        ...(synthOutput && !foreign ? { synthOutput } : {}),
        ...(synthStages && !foreign ? { synthStages, synthFooter } : {}),
        ...(deliveryWarnings?.length ? { deliveryWarnings } : {}),
      };
      return keepingState(root, () => {
        mkdirSync(join(root, STATE_DIR), { recursive: true });
        writeStateFile(path, JSON.stringify(fingerprint), 'fingerprint-staged');
        keepDigests(root);
      });
    },
  };
}

/** Runs `write`, a write of state: false when the file system refuses it (anything else is a bug: thrown). */
function keepingState(root: string, write: () => void): boolean {
  try {
    write();
    return true;
  } catch (e) {
    if (!isFsError(e)) throw e;
    noteUnkept(root, e, 'writing');
    return false;
  }
}

/**
 * The fingerprint of the last full synthesis when every input and every file of `dist/` is as it
 * recorded (then `dist/` is current without compiling); undefined when anything differs or there
 * is none.
 */
export function unchangedSinceRecorded(root: string, distDir: string, compilerRoot = COMPILER_ROOT): Fingerprint | undefined {
  const fingerprint = readFingerprint(root);
  if (!fingerprint) return undefined;
  const current =
    sameDigests(fingerprint.project, projectDigests(root)) &&
    sameDigests(fingerprint.dist, distDigests(root, distDir)) &&
    sameDigests(fingerprint.compiler, currentCompilerDigests(compilerRoot));
  return current ? fingerprint : undefined;
}

/** The fingerprint file of the project in `root` when there is one written by this Node.js version in this format. */
export function readFingerprint(root: string): Fingerprint | undefined {
  primeDigests(root);
  let fingerprint: Fingerprint;
  try {
    const bytes = readRegularBytes(join(root, FINGERPRINT_FILE), MAX_STATE_BYTES);
    // the same bytes are parsed once (the fast path reads them, then the command)
    const digest = sha256Hex(bytes);
    if (lastFingerprint.digest !== digest) Object.assign(lastFingerprint, { digest, parsed: JSON.parse(bytes.toString('utf8')) });
    fingerprint = lastFingerprint.parsed as Fingerprint;
  } catch (e) {
    // none yet is no news, and a damaged one is replaced by the next full synthesis or check
    noteUnkept(root, e, 'reading');
    return undefined;
  }
  if (fingerprint?.format !== FORMAT || fingerprint.node !== process.version || fingerprint.root !== root) return undefined;
  if (!checkoutAsRecorded(root, fingerprint.checkout)) return undefined;
  const recorded = [fingerprint.project, fingerprint.dist, fingerprint.compiler];
  // a file that is not a fingerprint (edited, or written by something else) matches nothing
  if (!recorded.every((d) => typeof d === 'object' && d !== null && Object.values(d).every((v) => typeof v === 'string'))) return undefined;
  const warnings: unknown = fingerprint.deliveryWarnings ?? [];
  if (!Array.isArray(warnings) || !warnings.every(replayable)) return undefined;
  return fingerprint;
}

/**
 * Whether `p` is a warning as the delivery plan gives one (`Fingerprint.deliveryWarnings`), which an answer from the
 * fingerprint prints as it is: a file edited by hand (a hint that is a number, a location that is a string, an `error`)
 * would else end the command in a TypeError after it printed half its answer, or print what no plan says; and nothing
 * that prints as nothing or turns the line around (the plan escapes such characters in the names it prints).
 */
function replayable(p: unknown): boolean {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return false;
  const { code, severity, message, hint, location, subject, lines } = p as Record<string, unknown>;
  const texts = [code, message, ...(hint === undefined ? [] : [hint]), ...(subject === undefined ? [] : [subject])];
  const place = location as Record<string, unknown> | undefined;
  return (
    severity === 'warning' &&
    texts.every((t) => typeof t === 'string' && !hasInvisible(t)) &&
    (place === undefined ||
      (typeof place === 'object' &&
        place !== null &&
        typeof place.file === 'string' &&
        !hasInvisible(place.file) &&
        Number.isSafeInteger(place.line) &&
        Number.isSafeInteger(place.column))) &&
    (lines === undefined || (Array.isArray(lines) && lines.every((l) => typeof l === 'string' && !hasInvisible(l))))
  );
}
