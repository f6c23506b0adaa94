/**
 * What one entry of the render cache (lib/cli/render-cache.ts) holds, and how it is read back: one
 * line of JSON (the documents' digests, the SHA-256 of the app's file, the kept check results, the
 * summary and warnings), then the app's YAML stream, read from its pack only when it is used.
 */
import { serializeObjects, withObjects, type CachedApp, type KeptApp, type SerializedObjects } from '../synth/rendered.js';
import type { StoredBytes } from '../synth/file-content.js';
import type { AppClasses, AppSummary } from '../synth/app-summary.js';
import { digest } from '../synth/inventory.js';
import type { Problem, SourceLocation } from '../errors.js';
import type { ExceptionUse, KeptChecks, KeptReferences, KeptResult } from '../model/kept-checks.js';
import type { ClassPriority } from '../model/pod-defaults.js';
import type { Substitution } from '../transforms/images.js';
import { isRecord, type KubeObject } from '../model/object.js';
import { readEntries } from './render-pack.js';

/** Bumped whenever what an entry or a pack holds changes, so that older packs are never read. */
export const ENTRY_FORMAT = 12;

/**
 * An entry's bytes: the documents' digests, the SHA-256 of the app's file, the kept check results
 * and the summary as one line of JSON, then the YAML stream of the documents as it is (UTF-8). A
 * read parses the line (`entryHead`) and leaves the stream in the pack, to be read when the app's
 * file is written.
 */
export function encodeEntry({ serialized, checks, summary, warnings }: KeptApp): Buffer {
  const head = `${JSON.stringify({ digests: serialized.digests, file: serialized.file, checks, summary, warnings })}\n`;
  const { stream } = serialized;
  const headBytes = Buffer.byteLength(head);
  if (typeof stream === 'string') {
    // both texts encoded straight into the entry's buffer: no buffer of each to copy into a third
    const entry = Buffer.allocUnsafe(headBytes + Buffer.byteLength(stream));
    entry.write(head, 0);
    entry.write(stream, headBytes);
    return entry;
  }
  const entry = Buffer.allocUnsafe(headBytes + stream.length);
  entry.write(head, 0);
  if (stream instanceof Uint8Array) entry.set(stream, headBytes);
  else stream.read((b) => entry.set(b, headBytes));
  return entry;
}

/** An entry's line, parsed, and where its documents start in it. */
export interface EntryHead {
  readonly kept: Omit<KeptApp, 'serialized'> & Pick<SerializedObjects, 'file'> & { readonly digests: string[] };
  readonly start: number;
}

/**
 * The line `encodeEntry` wrote at the start of `bytes` (an entry; JSON never holds a raw line break,
 * so the first one ends it); undefined when it is not one: not JSON, or not of the shape `encodeEntry`
 * writes (`isKept`). An entry's SHA-256 only says that it is the one its pack's index lists; what a
 * pack holds is read, not trusted, so that whatever stands in `.stagecraft/` is a miss at worst.
 */
export function entryHead(bytes: Buffer): EntryHead | undefined {
  const end = bytes.indexOf(0x0a);
  if (end < 0) return undefined;
  let kept: unknown;
  try {
    kept = JSON.parse(bytes.toString('utf8', 0, end));
  } catch {
    return undefined;
  }
  return isKept(kept) ? { kept, start: end + 1 } : undefined;
}

/** Whether a value is of a shape (one field of an entry's line, a list item, ...). */
type Check = (v: unknown) => boolean;
/** The check of a field that may be left out (`optional`). */
type Optional = Check & { readonly optional: true };
/** A check for each field of `T`, an optional field's made with `optional`: every field listed, no other. */
type Fields<T> = { readonly [K in keyof T]-?: object extends Pick<T, K> ? Optional : Check };

const optional = (check: Check): Optional => Object.assign((v: unknown) => check(v), { optional: true as const });
const isString: Check = (v) => typeof v === 'string';
const isBoolean: Check = (v) => typeof v === 'boolean';
const isNull: Check = (v) => v === null;
/** A place, a count (`from` and above): an integer a JSON number holds exactly, not 1e400 (Infinity) nor 2^60. */
const integer =
  (from: number): Check =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= from;
const isCount = integer(0);
const isStringOrNull: Check = (v) => v === null || typeof v === 'string';
const isSeverity: Check = (v) => v === 'error' || v === 'warning';
/** A list of items of one shape (loops, not closures: this runs on every kept list of every app read). */
const listOf =
  (item: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
    return true;
  };
const tuple =
  (...items: Check[]): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length !== items.length) return false;
    for (let i = 0; i < items.length; i++) if (!items[i](v[i])) return false;
    return true;
  };
/** A record of strings (labels), none of them under the key `__proto__`, which copying it by assignment would take for its prototype. */
const isStrings: Check = (v) => {
  if (!isRecord(v)) return false;
  for (const k in v) if (k === '__proto__' || typeof v[k] !== 'string') return false;
  return true;
};
/**
 * An object with exactly the fields of `T`: each required one, an optional one when present, and
 * no other (`__proto__` included: JSON.parse makes it a field, which a spread would carry along).
 */
function fields<T>(of: Fields<T>): Check {
  const keys = Object.keys(of);
  const checks = Object.values<Check | Optional>(of);
  const required = checks.map((c) => !('optional' in c));
  return (v) => {
    if (!isRecord(v)) return false;
    let present = 0;
    for (let i = 0; i < keys.length; i++) {
      const x = v[keys[i]];
      if (x === undefined) {
        if (required[i]) return false;
      } else if (checks[i](x)) present++;
      else return false;
    }
    for (const _ in v) present--;
    return present === 0;
  };
}

const isPath = listOf((v) => typeof v === 'string' || isCount(v));
const isLines = optional(listOf(isString));
type KeptFinding = KeptResult['findings'][number];
const isFindings = listOf(
  fields<KeptFinding>({
    code: isString,
    severity: isSeverity,
    object: isNull,
    path: isPath,
    message: isString,
    hint: optional(isString),
    lines: isLines,
    atKey: optional(isBoolean),
    series: optional(fields<NonNullable<KeptFinding['series']>>({ first: isString, index: isCount })),
  }),
);
const isResult = fields<KeptResult>({
  findings: isFindings,
  exceptions: optional(
    listOf(
      fields<ExceptionUse & { object: null }>({ control: isString, code: isString, reason: isString, allows: isString, object: isNull }),
    ),
  ),
});
const isKeptObject = listOf(tuple(isCount, isResult));
const isChecks = fields<KeptChecks>({
  context: isString,
  checks: isCount,
  // each object's results: the place of each check that found something (below `checks`: `isKept`), and what it found
  results: listOf((v) => v === null || isKeptObject(v)),
  // per object, what a custom resource's results were kept for (lib/checks `crdContext`)
  crds: optional(listOf((v) => v === null || isString(v))),
  references: optional(
    fields<KeptReferences>({ context: isString, traces: listOf(tuple(isString, isString)), findings: listOf(isFindings) }),
  ),
});
const isSummary = fields<AppSummary>({
  heads: listOf(tuple(isString, isString, isStringOrNull, isStringOrNull)),
  workloads: listOf(tuple(isCount, isStrings)),
  images: listOf(fields<Substitution>({ object: isString, container: isString, from: isString, to: isString })),
  written: listOf(isString),
  plain: isBoolean,
  classes: optional(
    fields<AppClasses>({
      storage: listOf(tuple(isString, isBoolean)),
      priority: listOf(
        tuple(
          isString,
          fields<ClassPriority>({
            priority: integer(Number.MIN_SAFE_INTEGER),
            preemptionPolicy: isString,
            globalDefault: optional(isBoolean),
          }),
        ),
      ),
    }),
  ),
  scaleTargets: optional(listOf(isString)),
  certManager: optional(tuple(isCount, listOf(isString))),
});
const isWarning = fields<Problem>({
  code: isString,
  message: isString,
  hint: optional(isString),
  lines: isLines,
  severity: optional(isSeverity),
  location: optional(fields<SourceLocation>({ file: isString, line: integer(1), column: integer(1) })),
  subject: optional(isString),
  // the object of a transform's problem is never kept: a stack's warnings are placed (`addChartWarning`)
  field: optional(() => false),
  counts: optional(integer(1)),
  series: optional(fields<NonNullable<Problem['series']>>({ first: isString, index: isCount })),
});
/** An inventory's digest of a document (`digest`): `sha256:` and as many hex digits as it has. */
const DIGEST = new RegExp(`^sha256:[0-9a-f]{${digest('').length - 'sha256:'.length}}$`);
const isHead = fields<EntryHead['kept']>({
  digests: listOf((v) => typeof v === 'string' && DIGEST.test(v)),
  file: optional(
    fields<NonNullable<SerializedObjects['file']>>({ source: isString, sha256: (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) }),
  ),
  checks: optional(isChecks),
  summary: isSummary,
  warnings: optional(listOf(isWarning)),
});

/**
 * Whether `v` is an entry's line as `encodeEntry` writes it: every field of the shape its readers
 * take (`isHead`), one digest per object, each workload's place one of the objects, each kept
 * result's check one of those counted. What its readers rely on, checked once where it is decoded.
 */
function isKept(v: unknown): v is EntryHead['kept'] {
  if (!isHead(v)) return false;
  const { digests, summary, checks } = v as EntryHead['kept'];
  const objects = summary.heads.length;
  if (digests.length !== objects || summary.workloads.some(([place]) => place >= objects)) return false;
  return !checks || checks.results.every((r) => r === null || r.every(([check]) => check < checks.checks));
}

/** The app an entry keeps: its line, its documents (left in the pack), and `render` giving its objects. */
export function cachedApp({ kept }: EntryHead, stream: StoredBytes, render: () => KubeObject[]): CachedApp {
  const { digests, file, checks, summary, warnings } = kept;
  return withObjects(
    {
      serialized: { stream, digests, ...(file ? { file } : {}) },
      summary,
      ...(checks ? { checks } : {}),
      ...(warnings ? { warnings } : {}),
    },
    render,
  );
}

/** Where an entry is in a pack, and the SHA-256 of its bytes. */
interface EntryPlace {
  readonly offset: number;
  readonly length: number;
  readonly digest: string;
}

/**
 * The documents of the entry at `entry` of the pack open as `fd`, from byte `start` of it: read
 * again, and checked again, each time they are used (their pack stays open until the command ends;
 * packs are never written again, and one removed meanwhile by another command's eviction is still
 * read through `fd`). Should they no longer be what the index says, they are what the app renders
 * to (`render`, the same bytes by the cache's premise; anything else is a bug, and stops the command).
 */
export function storedDocuments(fd: number, entry: EntryPlace, start: number, render: () => KubeObject[]): StoredBytes {
  const length = entry.length - start;
  return {
    length,
    read(use) {
      let used = false;
      let value: ReturnType<typeof use> | undefined;
      try {
        readEntries(fd, [entry], (_, bytes) => {
          used = true;
          value = use(bytes.subarray(start));
        });
      } catch (e) {
        // an error of `use` is its caller's; a pack that could not be read (closed: a bug) is rendered again below
        if (used) throw e;
      }
      if (used) return value as ReturnType<typeof use>;
      const again = Buffer.from(serializeObjects(render()).stream);
      if (again.length !== length)
        throw new Error(`an app's entry in the render cache changed while it was used, and rendering it again gave other bytes`);
      return use(again);
    },
  };
}
