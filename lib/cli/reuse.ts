/**
 * Which stages a full `npm run synth` need not compile: a stage whose stage file is byte for byte
 * what the last full synthesis compiled, in a project where nothing else changed (no other input,
 * not the compiler), keeps `dist/<stage>/` as it is, when that directory is still exactly what the
 * last synthesis recorded. The proof is the fingerprint (lib/cli/fingerprint.ts), written only when
 * `dist/` was exactly the output of the inputs it lists; here every digest is computed again.
 *
 * What crosses stages is taken into account:
 * - `promotion.from` of a kept stage is recorded, so that the promotion order (cycles, names) and
 *   the delivery plan see every stage's declaration;
 * - dist/delivery/ is planned from every delivered stage: what the plan needs of a stage (its
 *   delivery settings and where its file writes them, its namespaces and kinds) is recorded with it, and planned from again with
 *   the compiled stages' when it is kept; a delivered stage recorded without it is never kept
 *   while another stage changed;
 * - what two stages may not both take (lib/edge/across-stages.ts: edge addresses, node ports) is
 *   recorded with each stage, and compared with the compiled stages'; a stage recorded without it
 *   is never kept while another stage changed;
 * - a stage added or removed changes the set of stages: every stage is compiled.
 * Anything else that differs (a stack's code, stagecraft.yaml, crds/, a file a stack includes,
 * the schema file, a generated file edited by hand outside the changed stages, a foreign file)
 * means every stage is compiled, as without a fingerprint.
 */
import { ENVIRONMENTS_DIR, compilerDigests, distDigests, projectDigests, projectEntryDigests, type Digests } from './digests.js';
import { ENGINES } from '../model/engines.js';
import type { DeliveredStage, GroupKind } from '../delivery/stage.js';
import { isRecord } from '../model/object.js';
import { isStageClaims } from '../edge/claims.js';
import { readFingerprint, sameDigests, type Fingerprint, type InputDigests, type StageRecord } from './fingerprint.js';

export interface Reuse {
  /** The fingerprint the kept stages' output is proved by (their records only, when `keptDist` is undefined). */
  readonly fingerprint: Fingerprint;
  /** Stages not compiled, with what the last synthesis printed about them (and recorded for the delivery plan). */
  readonly kept: ReadonlyMap<string, StageRecord>;
  /**
   * Stages to compile (their stage file changed, they have no record, or `compile` names them), sorted;
   * empty when nothing changed at all.
   */
  readonly changed: readonly string[];
  /**
   * The digests of the kept stages' files, as recorded: their output is kept as it is. Undefined
   * only with `compile`, when `dist/` is not as recorded (or the record's footer is not one, or a
   * named stage's file is no file on one side): the
   * kept stages' records then only plan dist/delivery/ (and check the promotion order) with the
   * compiled ones, as a full synthesis would, and their output is not looked at.
   */
  readonly keptDist?: Digests;
  /** The inputs' digests as computed now, for the next fingerprint. */
  readonly inputs: InputDigests;
  /**
   * With `compile`, whether a stage file other than theirs changed too: `kept` then holds the records
   * of the stages whose file did not change (the others are in `changed`, and `keptDist` is
   * undefined), for a synthesis of some stages to compare what they take with
   * (lib/edge/across-stages.ts; of a stage with no record here, lib/edge/output-claims.ts reads its
   * output in dist/ while that was written from its stage file as it is), and nothing else: some
   * stage is then neither compiled nor kept, so dist/delivery/ is not planned with them.
   */
  readonly othersChanged: boolean;
}

/** A `Reuse` whose kept stages keep their output as it is, not only their records. */
export type KeptOutput = Reuse & { readonly keptDist: Digests };

/** Whether the kept stages of `reuse` keep their output (`keptDist`). */
export const keepsOutput = (reuse: Reuse | undefined): reuse is KeptOutput => reuse?.keptDist !== undefined;

/** Key of a stage file among the project digests. */
const stageKey = (stage: string) => `${ENVIRONMENTS_DIR}/${stage}.yaml`;

/**
 * What of the last full synthesis of `stages` (every stage of the project in `root`, sorted) can be
 * kept, or undefined when every stage must be compiled (or, with `allOrNothing`, when any must be).
 *
 * With `compile` (a synthesis of only those stages): the other stages' records, when the compiler
 * and every input but those stages' files (the other stage files, the stacks, stagecraft.yaml,
 * crds/) are as recorded, so that compiling the others now would give what was recorded of them;
 * with `keptDist` when their output is as recorded too. While only other stage files changed
 * besides, the records of the stages whose file did not change (`othersChanged`). Else undefined:
 * what was recorded of the others may no longer be what compiling them would give.
 */
export function reusableStages(
  root: string,
  distDir: string,
  stages: readonly string[],
  { allOrNothing = false, compile }: { readonly allOrNothing?: boolean; readonly compile?: readonly string[] } = {},
): Reuse | undefined {
  const fingerprint = readFingerprint(root);
  const records = fingerprint?.synthStages;
  if (!fingerprint || typeof records !== 'object' || records === null) return undefined;
  // a record that is not one (the file edited, or written by something else) keeps nothing
  if (!Object.values(records).every(isStageRecord)) return undefined;
  // the footer is printed again only with the kept output
  let proved = ['string', 'undefined'].includes(typeof fingerprint.synthFooter);
  if (!proved && !compile) return undefined;
  // a record of a stage that is gone keeps nothing; a stage without one (a check kept only the records
  // that still held: `heldRecords`) is compiled, as a changed one is
  if (Object.keys(records).some((s) => !stages.includes(s))) return undefined;
  const unrecorded = stages.filter((s) => !Object.hasOwn(records, s));
  if (allOrNothing) {
    // the caller can use nothing less than every stage: any input changed is enough to stop, and
    // the stage files, which change most, are looked at first
    const stageFiles = projectEntryDigests(root, stages.map(stageKey));
    if (Object.entries(stageFiles).some(([k, d]) => fingerprint.project[k] !== d)) return undefined;
  }
  const project = projectDigests(root);
  if (allOrNothing && !sameDigests(project, fingerprint.project)) return undefined;
  const compiler = compilerDigests();
  const edited = editedStageFiles({ project, compiler }, fingerprint, stages);
  if (!edited) return undefined;
  /** The stages compiled: those whose file was edited, those without a record, those named by `compile`. */
  const compiled = new Set<string>();
  for (const [stage, fileBothSides] of edited) {
    // a stage file that is no file on one side is compiled, but proves nothing of dist/
    if (!fileBothSides) {
      if (!compile?.includes(stage)) return undefined;
      proved = false;
    }
    compiled.add(stage);
  }
  for (const s of unrecorded) compiled.add(s);
  // the caller can use nothing less than every stage: spare it the digests of dist/
  if (allOrNothing && compiled.size) return undefined;
  // a synthesis of some stages keeps every other one, unless one of them changed: it then keeps only the records of the others
  const othersChanged = compile !== undefined && [...compiled].some((s) => !compile.includes(s));
  for (const s of compile ?? []) compiled.add(s);
  const kept = new Map(stages.filter((s) => !compiled.has(s)).map((s) => [s, records[s]]));
  // dist/delivery/ is planned from every delivered stage: a kept one's part of the plan is its record's
  if (compiled.size && !othersChanged && ![...kept].every(plannable)) return undefined;
  const reuse = { fingerprint, kept, changed: [...compiled].sort(), inputs: { project, compiler }, othersChanged };
  if (!proved || othersChanged) return reuse;
  const compiledDirs = new Set([...compiled].map((s) => `${distDir}/${s}`));
  // the output of the stages compiled is compared by the writer; every other file must be as recorded
  const dist = distDigests(root, distDir, (rel) => compiledDirs.has(rel));
  const recordedDist: Digests = {};
  const keptDist: Digests = {};
  for (const [path, digest] of Object.entries(fingerprint.dist)) {
    // `dist/<stage>` or `dist/<stage>/...`: the stage's directory (a compiled one's is left out)
    const end = path.indexOf('/', distDir.length + 1);
    const dir = end < 0 ? path : path.slice(0, end);
    if (compiledDirs.has(dir)) continue;
    recordedDist[path] = digest;
    if (kept.has(dir.slice(distDir.length + 1))) keptDist[path] = digest;
  }
  if (sameDigests(dist, recordedDist)) return { ...reuse, keptDist };
  return compile ? reuse : undefined;
}

/**
 * What of the last full synthesis's records (in `replaced`, the fingerprint a check replaces once it
 * compiled every stage and found dist/ current) still holds for the inputs as they are now
 * (`inputs`), for the check to keep in its own: nothing when the compiler or an input other than a
 * stage file changed (any record may be other now), else the records of the stages whose file is as
 * recorded (a stage without one is compiled by the next synthesis), with the footer while every
 * stage keeps its record. So a check after promote or switch keeps what a synthesis of the stage
 * they rewrote plans dist/delivery/ with, as the fingerprint they keep does.
 */
export function heldRecords(
  replaced: Fingerprint | undefined,
  inputs: InputDigests,
  stages: readonly string[],
): Pick<Fingerprint, 'synthStages' | 'synthFooter'> {
  const records = replaced?.synthStages;
  if (!replaced || typeof records !== 'object' || records === null) return {};
  const edited = editedStageFiles(inputs, replaced, stages);
  if (!edited) return {};
  const held = stages.filter((s) => Object.hasOwn(records, s) && !edited.has(s));
  if (!held.length) return {};
  return {
    synthStages: Object.fromEntries(held.map((s) => [s, records[s]])),
    ...(held.length === stages.length ? { synthFooter: replaced.synthFooter } : {}),
  };
}

/**
 * The stages of `stages` whose file differs between the inputs `now` and those `recorded` with a
 * fingerprint, each with whether it is a file on both sides (else it was added, removed, or is no
 * regular file on one side); undefined when the compiler or an input other than a stage file's
 * content (a stack, the project file, a link) differs, since then any stage may compile otherwise.
 */
function editedStageFiles(now: InputDigests, recorded: InputDigests, stages: readonly string[]): Map<string, boolean> | undefined {
  if (!sameDigests(now.compiler, recorded.compiler)) return undefined;
  const stageKeys = new Map(stages.map((s) => [stageKey(s), s]));
  /** By stage whose file differs, whether it is a file on both sides. */
  const edited = new Map<string, boolean>();
  for (const k of new Set([...Object.keys(now.project), ...Object.keys(recorded.project)])) {
    if (now.project[k] === recorded.project[k]) continue;
    const stage = stageKeys.get(k);
    if (stage === undefined) return undefined;
    edited.set(stage, now.project[k] !== undefined && recorded.project[k] !== undefined);
  }
  return edited;
}

/**
 * Whether a stage's record holds what the delivery plan needs of it (its part of the plan when it is
 * delivered), and what it takes that another stage may not (its claims, compared with the compiled stages').
 */
const plannable = ([s, r]: [string, StageRecord]) =>
  isStageClaims(r.claims) && (r.delivered ? isDeliveredStage(r.delivery, s) : r.delivery === undefined);

const isOptional = (v: unknown, type: 'string' | 'boolean') => v === undefined || typeof v === type;
const isGroupKinds = (v: unknown): v is GroupKind[] =>
  Array.isArray(v) && v.every((gk) => isRecord(gk) && typeof gk.group === 'string' && typeof gk.kind === 'string');

const isPlaces = (v: unknown): boolean =>
  isRecord(v) && Object.values(v).every((p) => isRecord(p) && Number.isInteger(p.line) && Number.isInteger(p.column));

/** A delivered stage's record as lib/delivery/plan.ts `deliveredStage` makes it, for `stage`: anything else keeps nothing. */
function isDeliveredStage(v: unknown, stage: string): v is DeliveredStage {
  if (!isRecord(v) || !isRecord(v.kinds) || !isRecord(v.delivery)) return false;
  const { engine, cluster, repository = {}, sync = {} } = v.delivery;
  return (
    v.stage === stage &&
    typeof v.namespace === 'string' &&
    typeof v.source === 'string' &&
    Array.isArray(v.namespaces) &&
    v.namespaces.every((n) => typeof n === 'string') &&
    isGroupKinds(v.kinds.namespaced) &&
    isGroupKinds(v.kinds.cluster) &&
    // a record from before the settings' places were recorded plans no delivery problem at file:line:col: it keeps nothing
    isPlaces(v.places) &&
    // and one from before the objects outside its namespace were recorded could not be compared with the others'
    Array.isArray(v.elsewhere) &&
    v.elsewhere.every((k) => typeof k === 'string') &&
    (engine === undefined || (ENGINES as readonly unknown[]).includes(engine)) &&
    isOptional(cluster, 'string') &&
    isRecord(repository) &&
    isOptional(repository.url, 'string') &&
    isOptional(repository.revision, 'string') &&
    isRecord(sync) &&
    [sync.automated, sync.prune, sync.selfHeal].every((b) => isOptional(b, 'boolean'))
  );
}

function isStageRecord(r: unknown): r is StageRecord {
  if (typeof r !== 'object' || r === null) return false;
  const v = r as Record<string, unknown>;
  return (
    [v.objects, v.files, v.warnings].every((n) => Number.isInteger(n)) &&
    typeof v.stdout === 'string' &&
    typeof v.delivered === 'boolean' &&
    (v.from === undefined || typeof v.from === 'string') &&
    Array.isArray(v.summary) &&
    v.summary.every((p: unknown) => typeof p === 'object' && p !== null && typeof (p as { message?: unknown }).message === 'string')
  );
}
