/**
 * Plain scalars that kubectl reads otherwise than stagecraft. stagecraft reads manifests as YAML
 * 1.2 (the yaml library's core schema); kubectl reads them with go-yaml, which resolves plain
 * scalars by YAML 1.1's rules: `kubectl apply -f` and `create -f` through sigs.k8s.io/yaml
 * (go-yaml v2), `kubectl kustomize` and `apply -k` through kyaml (go-yaml v3), which resolve
 * numbers and timestamps alike. What they resolve (go-yaml's resolve.go, each form checked with
 * kubectl 1.32: `kubectl kustomize` on a ConfigMap's data, and `kubectl create --dry-run=client
 * -f` on its labels, which it decodes before it needs a cluster; test/model/yaml11.test.ts):
 * - `y Y yes Yes YES n N no No NO on On ON off Off OFF`: booleans to `apply -f` (a label value
 *   fails to decode); kustomize keeps them strings;
 * - numbers read with Go's strconv after every `_` is dropped: `1_000`, `1_`, `0b1`, `0B1`,
 *   `0O17`, `0X1F`, signed `-0x1F` and `-0o17`; a leading zero is octal (`010` is 8, `-010` -8);
 *   floats as `[-+]?(\.d+|d+(\.d*)?)([eE][-+]?d+)?` (`1_0.5` is 10.5);
 * - timestamps `2001-12-14`, `2001-12-14 21:59:43.10`, `2001-12-14T21:59:43Z` (a four-digit year,
 *   a real date and time, `T`/`t` with a zone, a space without): strings to `apply -f`,
 *   rewritten by kustomize (`2001-12-14T00:00:00Z`) unless written as Go's RFC3339Nano writes
 *   them; kustomize fails on such a key;
 * - `.inf`, `-.Inf`, `.nan`...: floats to both readers, which JSON cannot carry: kubectl fails;
 * - an integer beyond 2^53 (`9007199254740993`): exact to go-yaml's int64 and uint64, the nearest
 *   double to stagecraft, which would write another number to dist/;
 * - keys: kustomize fails on any key that is not a string (`1:`, `true:`, `010:`), and `apply -f`
 *   makes a string of its own of one (`yes:` is `"true"`, `1_000:` is `"1000"`).
 * Read alike, as go-yaml does not resolve them: sexagesimal `1:20`, `=`, `<<` as a value (as a
 * key it is the merge key, which lib/model/read-yaml.ts expands), `tRUE`, `0b12`, `0x`, `1e400`.
 */
import { isPair, isScalar, isSeq, visit, type Document } from 'yaml';
import type { Problem, SourceLocation } from '../errors.js';
import { shorten } from './limits.js';
import { maskValue, shownName } from './secret-rules.js';
import { holderOf } from './yaml-aliases.js';

/** What go-yaml makes of a plain scalar, where that is not a string. */
type GoValue =
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'number'; readonly value: number; readonly octal: boolean; readonly exact?: bigint }
  | { readonly type: 'not-finite'; readonly value: number }
  | { readonly type: 'timestamp'; readonly canonical: boolean }
  | { readonly type: 'null' };

const GO_BOOLS = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, false] as const),
]);
const GO_NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** The boolean go-yaml (YAML 1.1) reads the plain scalar `s` as (`yes`, `Off`, `TRUE`), or undefined when it reads none. */
export function yaml11Boolean(s: string): boolean | undefined {
  return GO_BOOLS.get(s);
}
const GO_NOT_FINITE = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, Number.NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
]);

/** Go's strconv.ParseInt(s, 0, 64), then ParseUint: a sign, a base prefix (`0x 0o 0b`, or `0` for octal), digits. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]+)|([0-9]+))$/;
/** go-yaml's yamlStyleFloat. */
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** go-yaml's timestamp layouts: a date, or a date and time (`T`/`t` and a zone, or spaces and none). */
const GO_TIMESTAMP =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|( +))([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})?)?$/;
/** A timestamp as Go's RFC3339Nano layout writes it, which kubectl kustomize writes back unchanged. */
const RFC3339_NANO = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{0,8}[1-9])?(?:Z|[-+](?!00:00)[0-9]{2}:[0-9]{2})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Whether Go's time.Parse takes the parts of a GO_TIMESTAMP match (ranges, the days of the month). */
function isGoTimestamp(m: RegExpExecArray): boolean {
  const [, year, month, day, spaces, hour, minute, second, zone] = m;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = mo === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
  if (mo < 1 || mo > 12 || d < 1 || d > days) return false;
  if (hour === undefined) return true;
  // `T` needs a zone; spaces take none
  if ((spaces === undefined) !== (zone !== undefined)) return false;
  return Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
}

/** The number go-yaml reads from `plain` (its `_` dropped), which starts with a sign or a digit; undefined for a string. */
function goNumber(plain: string): GoValue | undefined {
  const int = GO_INT.exec(plain);
  if (int) {
    const [, sign, hex, oct, bin, zeroOct, dec] = int;
    const prefix = hex ? '0x' : oct || zeroOct ? '0o' : bin ? '0b' : '';
    const n = BigInt(prefix + (hex ?? oct ?? bin ?? zeroOct ?? dec)) * (sign === '-' ? -1n : 1n);
    if ((n >= INT64_MIN && n <= INT64_MAX) || (sign === '' && n <= UINT64_MAX)) {
      const value = Number(n);
      // Go holds a 64-bit integer exactly; a double holds 2^53 and less so (9007199254740993 is 9007199254740992)
      return { type: 'number', value, octal: zeroOct !== undefined, ...(BigInt(value) === n ? {} : { exact: n }) };
    }
  }
  if (GO_FLOAT.test(plain)) {
    const value = Number(plain);
    // Go's ParseFloat fails on an overflow (1e400): the scalar stays a string
    if (Number.isFinite(value)) return { type: 'number', value, octal: false };
  }
  return undefined;
}

/** go-yaml's reading of a plain scalar: undefined when it is a string. */
function goValue(s: string): GoValue | undefined {
  const bool = GO_BOOLS.get(s);
  if (bool !== undefined) return { type: 'bool', value: bool };
  if (GO_NULLS.has(s)) return { type: 'null' };
  const notFinite = GO_NOT_FINITE.get(s);
  if (notFinite !== undefined) return { type: 'not-finite', value: notFinite };
  const c = s.charCodeAt(0);
  // `.`: Go's ParseFloat of the scalar as written
  if (c === 46) return /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(s) ? { type: 'number', value: Number(s), octal: false } : undefined;
  const digit = c >= 48 && c <= 57;
  if (!digit && c !== 43 && c !== 45) return undefined;
  const timestamp = digit ? GO_TIMESTAMP.exec(s) : null;
  if (timestamp && isGoTimestamp(timestamp)) return { type: 'timestamp', canonical: RFC3339_NANO.test(s) };
  return goNumber(s.includes('_') ? s.replaceAll('_', '') : s);
}

/**
 * First characters of the plain scalars go-yaml may read otherwise than the yaml library: its
 * YAML 1.1 booleans (`y n o`), numbers and timestamps (`+ - . 0-9`); `t f ~` resolve alike.
 */
const SUSPECT_START = new Set([...'yYnNoO+-.0123456789'].map((c) => c.charCodeAt(0)));
/** A decimal integer both read as the same number: the common case (ports, replicas). */
const PLAIN_DECIMAL = /^-?[1-9][0-9]{0,14}$/;

/** How kubectl reads a plain scalar otherwise than stagecraft: a problem's message and hint. */
export interface Yaml11Reading {
  readonly message: string;
  readonly hint: string;
  /** The hint where the scalar is a file mode (`defaultMode: 0400`), for an octal number only. @default - none */
  readonly mode?: string;
}

const shown = (v: unknown): string =>
  typeof v === 'string' ? 'a string' : v instanceof Date ? 'a timestamp' : `the ${typeof v} ${String(v)}`;

const goShown = (g: GoValue): string =>
  g.type === 'timestamp'
    ? 'a timestamp'
    : g.type === 'null'
      ? 'null'
      : `the ${g.type === 'bool' ? 'boolean' : g.type === 'number' ? 'number' : 'float'} ${g.type === 'number' ? (g.exact ?? g.value) : g.value}`;

/**
 * How kubectl (go-yaml, YAML 1.1) reads the plain scalar `written`, which stagecraft (the
 * yaml library, YAML 1.2 core: a manifest that says `%YAML 1.1` is refused, as kubectl refuses it, read-yaml.ts) read as `value`, where that makes
 * kubectl fail or read another value; undefined when it reads what stagecraft read. `key`: the scalar is a mapping's key,
 * which kubectl kustomize needs to be a string. Cheap for what manifests are mostly made of:
 * names, images and paths start with a letter no YAML 1.1 type starts with (or are longer than
 * `yes`), and decimal integers are read alike.
 */
export function yaml11Reading(written: string, value: unknown, key: boolean, holder?: string): Yaml11Reading | undefined {
  const reading = readingOf(written, value, key);
  // a password that YAML reads otherwise (`DB_PASSWORD: 0755`, `1_234_567`): neither as written nor as either reader reads it
  if (reading === undefined || key || shownName(written, holder) === written) return reading;
  return {
    message: `${maskValue(written)} is read otherwise by kubectl (YAML 1.1) than by stagecraft (YAML 1.2)`,
    hint: 'quote it for the string; it is not printed, being a secret, which belongs in a Secret made in the cluster',
  };
}

/** `yaml11Reading` of any value, said as written. */
function readingOf(written: string, value: unknown, key: boolean): Yaml11Reading | undefined {
  const c = written.charCodeAt(0);
  if (key && typeof value !== 'string') return keyReading(shorten(written), goValue(written), value);
  if (!SUSPECT_START.has(c)) return undefined;
  // `y n o`: only y, yes, n, no, on, off are booleans
  if (c > 64 && written.length > 3) return undefined;
  if (typeof value === 'number' && PLAIN_DECIMAL.test(written)) return undefined;
  const go = goValue(written);
  const source = shorten(written);
  if (key) return go ? keyReading(source, go, value) : undefined;
  const read = `${source} is ${shown(value)} to stagecraft (YAML 1.2) but ${go ? goShown(go) : 'a string'} to kubectl (YAML 1.1)`;
  if (!go) {
    return typeof value === 'number'
      ? { message: read, hint: `quote it ("${source}") for the string, or write the number plainly` }
      : undefined;
  }
  switch (go.type) {
    case 'bool':
      if (typeof value === 'boolean') return undefined;
      return {
        message: `${read}: where Kubernetes needs a string kubectl fails, and where it takes true or false stagecraft refuses the string`,
        hint: `quote it ("${source}") for the string, or write ${go.value} for the boolean`,
      };
    case 'number':
      if (value === go.value && go.exact !== undefined) {
        // either side of 0: a negative one is as far out as a positive one
        const exact = `between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`;
        return {
          message: `${source} is the number ${value} to stagecraft, whose numbers are doubles (exact ${exact}), but the integer ${go.exact} to kubectl`,
          hint: `quote it ("${source}") for a string, or write an integer ${exact}`,
        };
      }
      if (typeof value === 'number') {
        if (value === go.value) return undefined;
        return {
          message: `${read}${go.octal ? ', as a leading 0 makes it octal there' : ''}`,
          hint: numberHint(written, source, go, value),
          ...modeHint(written, go),
        };
      }
      return {
        message: `${read}: kubectl fails where Kubernetes needs a string, and reads another value where it takes a number`,
        hint: `quote it ("${source}") for the string, or write ${go.value} for the number`,
      };
    case 'not-finite':
      return {
        message: `${source} is ${goShown(go)} to kubectl, which JSON cannot hold: kubectl fails on the file`,
        hint: `quote it ("${source}") for the string, or write a finite number`,
      };
    case 'timestamp':
      if (go.canonical) return undefined;
      return {
        message: `${read}: kubectl kustomize writes it back as an RFC 3339 timestamp, another string`,
        hint: `quote it ("${source}") to keep the string as written`,
      };
    default:
      return undefined;
  }
}

/**
 * The hint for a number each reads otherwise (`010`): the number kubectl reads, also written as
 * `0o10`, which YAML 1.2 and go-yaml both read so (an octal file mode, `defaultMode: 0755`, means
 * it), then the decimal stagecraft reads, said to be no file mode (a mode is at most 0o777 = 511,
 * and a number with a leading 0 written as its decimal is another mode, or none). Quoting is offered
 * last, for a field that takes a string: a field of a number (a mode, a port) refuses one.
 */
function numberHint(written: string, source: string, go: Extract<GoValue, { type: 'number' }>, value: number): string {
  const quote = `quote it ("${source}") only where the field takes a string`;
  // YAML 1.2's 0o takes no sign: a negative octal is written in decimal
  const octal = go.octal && /^0+[0-7]+$/.test(written) ? `0o${written.replace(/^0+/, '')}` : undefined;
  if (octal)
    return `write ${go.value} or ${octal} (YAML 1.2 and kubectl both read it as ${go.value}), as a file mode means it; or ${value}, the decimal stagecraft reads, where no file mode is meant; ${quote}`;
  return go.octal
    ? `write ${go.value}, the octal kubectl reads, or ${value}, the decimal stagecraft reads; ${quote}`
    : `write ${go.value}, the number kubectl reads, or ${value}, the one stagecraft reads; ${quote}`;
}

/**
 * The hint of an octal number as a file mode (`defaultMode: 0400`): the two ways both readers read it as
 * the mode meant; the decimal stagecraft reads is another mode (400 is 0620) or none, and a quoted one
 * is refused (the field takes an integer).
 */
function modeHint(written: string, go: Extract<GoValue, { type: 'number' }>): { mode?: string } {
  if (!go.octal || !/^0+[0-7]{1,3}$/.test(written)) return {};
  const octal = `0o${written.replace(/^0+/, '') || '0'}`;
  return {
    mode: `write ${octal} or ${go.value}, which YAML 1.2 and kubectl both read as the mode ${written} (a file mode takes an integer: quoted, it is refused)`,
  };
}

/**
 * A key go-yaml reads as no string: kubectl kustomize fails on it, but on a boolean of YAML 1.1
 * alone (`yes:`, which go-yaml v3 reads as a string); `kubectl apply -f` makes a string of its own
 * of a boolean or a number (`yes:` is `'true'`, `1_000:` is `'1000'`).
 */
function keyReading(source: string, go: GoValue | undefined, value: unknown): Yaml11Reading {
  const applied = go?.type === 'bool' || go?.type === 'number' ? String(go.value) : undefined;
  const hint = `quote the key ("${source}")`;
  if (!go && typeof value !== 'string') {
    // a string to go-yaml that stagecraft does not read as one: `0o17:` (15)
    return {
      message: `the key ${source} is ${shown(value)} to stagecraft (YAML 1.2), which makes it the key '${String(value)}', but a string to kubectl (go-yaml)`,
      hint,
    };
  }
  if (go?.type === 'bool' && typeof value === 'string') {
    return { message: `the key ${source} is ${goShown(go)} to kubectl apply (YAML 1.1), which makes it the key '${applied}'`, hint };
  }
  const also = applied !== undefined && applied !== source ? `, and kubectl apply makes it the key '${applied}'` : '';
  return {
    message: `the key ${source} is ${go ? goShown(go) : 'no string'} to kubectl (YAML 1.1): kubectl kustomize fails on a key that is not a string${also}`,
    hint,
  };
}

/** A plain scalar kubectl reads otherwise, at its offset in the file. */
export interface Yaml11Place {
  readonly offset: number;
  readonly reading: Yaml11Reading;
  /** The key of the mapping entry whose value the scalar is (`defaultMode`), said with it. @default - none: an item of a list, a key, a document */
  readonly key?: string;
  /** Whether that entry is of a mapping that is an item of a list (a volume's `items[].mode`). @default - not */
  readonly inItem?: true;
}

/**
 * Whether a place is a volume's file mode (`defaultMode`, an item's `mode`: lib/checks/file-modes.ts), whose octal number
 * (`0400`) is said as a mode: a field of an integer, where neither the decimal stagecraft reads nor a quoted string is one.
 * A `mode` that is no item's is not (a ConfigMap's `data.mode: 0644` is a string, to be quoted).
 */
const isFileMode = ({ key, inItem }: Yaml11Place): boolean => key === 'defaultMode' || (key === 'mode' && inItem === true);

/** The plain scalars of parsed documents (lib/model/read-yaml.ts) that kubectl reads otherwise than stagecraft. */
export function yaml11Places(docs: readonly Document[]): Yaml11Place[] {
  const found: Yaml11Place[] = [];
  for (const doc of docs) {
    visit(doc, {
      Scalar(at, node, path) {
        const source = node.source;
        const pair = path.at(-1);
        // a tag says what the scalar is, to either reader; `<<` is the merge key
        if (node.type !== 'PLAIN' || source === undefined || node.tag !== undefined || source === '<<' || !node.range) return;
        const key = at === 'value' && isPair(pair) && isScalar(pair.key) ? String(pair.key.value) : undefined;
        // the setting that holds it: the key, an entry's name for its `value` (`- name: DB_PASSWORD` then `value: 0755`), a list's
        const reading = yaml11Reading(source, node.value, at === 'key', at === 'key' ? undefined : holderOf(path));
        // path: ..., the list or pair holding the mapping, the mapping, the pair
        const inItem = key !== undefined && isSeq(path.at(-3));
        if (reading) found.push({ offset: node.range[0], reading, ...(key === undefined ? {} : { key }), ...(inItem ? { inItem } : {}) });
      },
    });
  }
  return found;
}

/**
 * The problem of a Yaml11Place, at its place, said of its key (`defaultMode: 0400 is ...`); an octal number
 * of a file mode's key told as a mode only (`0o400` or `256`).
 */
export function yaml11Problem(place: Yaml11Place, at: (offset: number) => SourceLocation): Problem {
  const { offset, reading, key } = place;
  const mode = isFileMode(place) ? reading.mode : undefined;
  return {
    code: 'input/yaml-1.1',
    location: at(offset),
    message: key === undefined ? reading.message : `${key}: ${reading.message}`,
    hint: mode ?? reading.hint,
  };
}
