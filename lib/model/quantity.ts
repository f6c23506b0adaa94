/**
 * Kubernetes quantities (k8s.io/apimachinery resource.Quantity) as numbers, and the cpu and
 * memory quantities that are valid but almost surely not what was meant: memory in thousandths of
 * a byte (`512m`), memory of a few bytes (`512`), hundreds of CPU cores (`500`). The API server
 * takes them; the checks (lib/checks/quantity.ts) and the stage loader (lib/config/workload.ts)
 * warn about them, with the quantity probably meant, both through `carelessResources`.
 */
import { BoundedMap } from './bounded-map.js';

/**
 * The quantity grammar: a decimal number with an optional binary-SI suffix (Ki..Ei), a
 * decimal-SI suffix (n u m k M G T P E) or a decimal exponent (e3, E-2). JSON Schema's `string`
 * lets `2Gib` through; the API server does not.
 */
export const QUANTITY_PATTERN = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$';

const QUANTITY = new RegExp(QUANTITY_PATTERN);
/** A quantity's number and suffix, once QUANTITY matched. */
const PARTS = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)$/;
// (not the suffix E alone, which is exa: 10^18)
const EXPONENT = /^[eE][+-]?[0-9]/;
const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * A quantity's number as written and its suffix (`512m` -> 512, m), or undefined when it is not one.
 * A number is read from its text, as the API server reads a JSON number (Quantity.UnmarshalJSON
 * parses its text): kubectl sends YAML's 1e21 as `1e+21` and 1e-7 as `1e-7`, as JavaScript writes
 * them, so the number 1 with the exponent e+21, not `1e+21` with no suffix.
 */
function quantityParts(q: unknown): { number: string; suffix: string } | undefined {
  const text = typeof q === 'number' && Number.isFinite(q) ? String(q) : q;
  if (typeof text !== 'string' || !QUANTITY.test(text)) return undefined;
  const m = PARTS.exec(text)!;
  return { number: m[1], suffix: m[2] };
}

/** The value of a quantity's parts (`quantityParts`). */
function partsValue(parts: { number: string; suffix: string }): number {
  const scale = EXPONENT.test(parts.suffix) ? 10 ** Number(parts.suffix.slice(1)) : SUFFIX[parts.suffix];
  return Number(parts.number) * scale;
}

/** Powers of ten of the decimal suffixes, and of 1024 of the binary ones. */
const DECIMAL_EXPONENT: Readonly<Record<string, number>> = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENT: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

/** A quantity exactly: digits x 10^ten x 2^two (`0.7` -> 7 x 10^-1, `1.5Gi` -> 15 x 10^-1 x 2^30). */
function exactParts(parts: { number: string; suffix: string }): { digits: bigint; ten: number; two: number } {
  const negative = parts.number.startsWith('-');
  const unsigned = parts.number.replace(/^[+-]/, '');
  const [whole, fraction = ''] = unsigned.split('.');
  const digits = BigInt(`${whole}${fraction}` || '0');
  const { suffix } = parts;
  const ten = -fraction.length + (EXPONENT.test(suffix) ? Number(suffix.slice(1)) : (DECIMAL_EXPONENT[suffix] ?? 0));
  return { digits: negative ? -digits : digits, ten, two: 10 * (BINARY_EXPONENT[suffix] ?? 0) };
}

/** Exponents beyond this are compared as floating-point numbers (a hostile `1e999999` would not fit in memory exactly). */
const MAX_EXACT_EXPONENT = 400;

/**
 * How quantity `a` compares with `b` (negative, 0, positive), exactly: `700m` equals `0.7`, which
 * floating-point arithmetic does not say (0.7 < 700 x 0.001); undefined when either is not one.
 */
export function compareQuantities(a: unknown, b: unknown): number | undefined {
  // every app of a stage and every container of a fleet compare a few requests with a few limits: each pair once
  if ((typeof a !== 'string' && typeof a !== 'number') || (typeof b !== 'string' && typeof b !== 'number')) return compareExactly(a, b);
  const key = JSON.stringify([a, b]);
  const known = comparisons.get(key);
  return known !== undefined ? (known ?? undefined) : (comparisons.remember(key, compareExactly(a, b) ?? null) ?? undefined);
}

/** Answers of `compareQuantities` on strings and numbers, by the pair as JSON (a number told from its text). */
const comparisons = new BoundedMap<string, number | null>(10_000);

function compareExactly(a: unknown, b: unknown): number | undefined {
  const pa = quantityParts(a);
  const pb = quantityParts(b);
  if (!pa || !pb) return undefined;
  const x = exactParts(pa);
  const y = exactParts(pb);
  if (Math.max(Math.abs(x.ten), Math.abs(y.ten)) > MAX_EXACT_EXPONENT) return Math.sign(partsValue(pa) - partsValue(pb));
  const ten = Math.min(x.ten, y.ten);
  const two = Math.min(x.two, y.two);
  const scaled = (q: typeof x) => q.digits * 10n ** BigInt(q.ten - ten) * 2n ** BigInt(q.two - two);
  const d = scaled(x) - scaled(y);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/** The binary suffixes by power of 1024, and the decimal ones by power of 1000 from 10^-9 (n) to 10^18 (E). */
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_SUFFIXES: Readonly<Record<number, string>> = {
  [-9]: 'n',
  [-6]: 'u',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};

/**
 * A quantity written by its value alone, so that two quantities have the same text when they are
 * equal (`1Gi` and `1024Mi` are `1Gi`, `1000m` and `1` are `1`, `0.5` is `500m`), as the API server
 * compares them (apiequality.Semantic: Quantity.Cmp): a whole number of bytes that 1024 divides in
 * its largest binary suffix, anything else in the largest decimal suffix that keeps it whole,
 * rounded up to a nano as the API server rounds it. `q` itself when it is not a quantity, or when
 * its exponent is too large to be written out exactly.
 */
export function quantityByValue(q: unknown): unknown {
  const parts = quantityParts(q);
  if (!parts) return q;
  const exact = exactParts(parts);
  if (Math.abs(exact.ten) > MAX_EXACT_EXPONENT) return q;
  const negative = exact.digits < 0n;
  let digits = (negative ? -exact.digits : exact.digits) * 2n ** BigInt(exact.two);
  let ten = exact.ten;
  if (ten < -9) {
    // below a nano: rounded up to one
    const scale = 10n ** BigInt(-9 - ten);
    digits = (digits + scale - 1n) / scale;
    ten = -9;
  }
  if (digits === 0n) return '0';
  while (digits % 10n === 0n && ten < 18) {
    digits /= 10n;
    ten++;
  }
  const sign = negative ? '-' : '';
  if (ten >= 0) {
    let whole = digits * 10n ** BigInt(ten);
    if (whole % 1024n === 0n) {
      let power = 0;
      while (whole % 1024n === 0n && power < BINARY_SUFFIXES.length - 1) {
        whole /= 1024n;
        power++;
      }
      return `${sign}${whole}${BINARY_SUFFIXES[power]}`;
    }
  }
  const three = Math.min(18, Math.floor(ten / 3) * 3);
  return `${sign}${digits * 10n ** BigInt(ten - three)}${DECIMAL_SUFFIXES[three]}`;
}

/** The value of a quantity (`2Gi` -> 2147483648), or undefined when it is not one. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  const parts = quantityParts(q);
  return parts ? partsValue(parts) : undefined;
}

/** Less memory than this is no container's: a quantity below it lost its unit. */
export const LEAST_LIKELY_MEMORY = 4 * 2 ** 20;
/** More CPU cores than this (or as many) is no container's: a quantity from it on lost its `m`. */
export const MOST_LIKELY_CPU = 64;

/** A cpu or memory quantity that is valid but almost surely a mistake of units. */
export interface CarelessQuantity {
  readonly code: 'quantity/memory-milli' | 'quantity/memory-small' | 'quantity/cpu-large';
  /** What the quantity amounts to: `0.512 bytes`, `500 CPU cores`. */
  readonly amount: string;
  /** Why that is surely not what was meant, as a clause in parentheses. */
  readonly why: string;
  /** The quantity probably meant (`512Mi`, `500m`), when there is one to say. */
  readonly meant?: string;
  readonly hint: string;
}

/** A number as messages show it: at most 6 significant digits, no exponent for the usual sizes. */
const shown = (n: number) => String(Number(n.toPrecision(6)));

/**
 * What is careless about `value` as the quantity of `resource` (cpu or memory; any other is
 * taken as it is), or undefined: memory with the suffix m (thousandths of a byte), memory below
 * 4 MiB, cpu of 64 cores or more. Zero is none of these: it asks for nothing, on purpose.
 */
export function carelessQuantity(resource: string, value: unknown): CarelessQuantity | undefined {
  if (resource !== 'cpu' && resource !== 'memory') return undefined;
  // every app of a stage and every container of a fleet repeat a few quantities: each is judged once
  if (typeof value !== 'string' && typeof value !== 'number') return judgeQuantity(resource, value);
  const key = `${resource} ${typeof value === 'number' ? '#' : ''}${value}`;
  const known = verdicts.get(key);
  return known !== undefined ? (known ?? undefined) : (verdicts.remember(key, judgeQuantity(resource, value) ?? null) ?? undefined);
}

/** Verdicts of `carelessQuantity` on strings and numbers, by resource and value (a number marked `#`). */
const verdicts = new BoundedMap<string, CarelessQuantity | null>(10_000);

function judgeQuantity(resource: 'cpu' | 'memory', value: unknown): CarelessQuantity | undefined {
  const parts = quantityParts(value);
  if (!parts) return undefined;
  const n = partsValue(parts);
  if (n <= 0) return undefined;
  // an exponent (5e2) has no suffix to swap for the one meant
  const meantWith = (suffix: string) => (EXPONENT.test(parts.suffix) ? undefined : `${parts.number}${suffix}`);
  if (resource === 'memory' && parts.suffix === 'm') {
    return {
      code: 'quantity/memory-milli',
      amount: `${shown(n)} bytes`,
      why: 'the suffix m means thousandths, not mebibytes',
      meant: meantWith('Mi'),
      hint: 'write memory in Mi or Gi (mebibytes, gibibytes): the API server takes m, but no container runs in a fraction of a byte',
    };
  }
  if (resource === 'memory' && n < LEAST_LIKELY_MEMORY) {
    return {
      code: 'quantity/memory-small',
      amount: `${shown(n)} bytes`,
      why: 'no container runs in less than 4Mi',
      meant: meantWith('Mi'),
      hint: 'memory without a suffix counts bytes: write Mi or Gi (mebibytes, gibibytes)',
    };
  }
  if (resource === 'cpu' && n >= MOST_LIKELY_CPU) {
    return {
      code: 'quantity/cpu-large',
      amount: `${shown(n)} CPU cores`,
      why: `no node is likely to have ${MOST_LIKELY_CPU} or more`,
      meant: parts.suffix === '' ? meantWith('m') : undefined,
      hint: 'cpu without a suffix counts whole cores: write m for thousandths of a core (500m is half a core)',
    };
  }
  return undefined;
}

/** A careless quantity of a container's resources (`carelessResources`), with where it is. */
export interface CarelessResource {
  readonly side: 'requests' | 'limits';
  readonly resource: 'cpu' | 'memory';
  /** The quantity as written. */
  readonly value: unknown;
  readonly careless: CarelessQuantity;
}

/**
 * The careless cpu and memory quantities (`carelessQuantity`) of a container's `resources`, or of
 * a stage file's resources setting, which has the same shape: requests, then limits; cpu, then
 * memory. The one loop of the checks' warnings (lib/checks/quantity.ts) and the stage loader's
 * (lib/config/workload.ts).
 */
export function carelessResources(resources: unknown): CarelessResource[] {
  const out: CarelessResource[] = [];
  if (!resources || typeof resources !== 'object') return out;
  for (const side of ['requests', 'limits'] as const) {
    const quantities = (resources as Record<string, unknown>)[side];
    if (!quantities || typeof quantities !== 'object') continue;
    for (const resource of ['cpu', 'memory'] as const) {
      const value = (quantities as Record<string, unknown>)[resource];
      const careless = value === undefined ? undefined : carelessQuantity(resource, value);
      if (careless) out.push({ side, resource, value, careless });
    }
  }
  return out;
}

/** What a careless quantity amounts to and why that is surely not meant, with the quantity probably meant: the end of either's message. */
export const carelessAmount = (c: CarelessQuantity): string => `${c.amount} (${c.why})${c.meant ? `; did you mean ${c.meant}?` : ''}`;

/** A request above its limit, which the API server refuses. */
export interface RequestAboveLimit {
  /** The resource (`cpu`, `memory`, or any other a container requests). */
  readonly resource: string;
  /** The request and the limit as written. */
  readonly request: unknown;
  readonly limit: unknown;
}

/**
 * The requests of a container's `resources` (or of a stage file's resources setting, which has the
 * same shape) above their limits, in the requests' order: the API server refuses such a container
 * (lib/checks/api-limits.ts), and the stage loader refuses the setting (lib/config/workload.ts).
 */
export function requestsAboveLimits(resources: unknown): RequestAboveLimit[] {
  const out: RequestAboveLimit[] = [];
  if (!resources || typeof resources !== 'object') return out;
  const { requests, limits } = resources as Record<string, unknown>;
  if (!requests || typeof requests !== 'object' || !limits || typeof limits !== 'object') return out;
  for (const [resource, request] of Object.entries(requests)) {
    if (!Object.hasOwn(limits, resource)) continue;
    const limit = (limits as Record<string, unknown>)[resource];
    if ((compareQuantities(request, limit) ?? 0) > 0) out.push({ resource, request, limit });
  }
  return out;
}

/** The message and hint of a request above its limit. */
export const requestAboveLimitText = ({ resource, request, limit }: RequestAboveLimit) => ({
  message: `request ${String(request)} is above the limit ${String(limit)}`,
  hint: `raise the limit or lower the request: ${/^[aeiou]/.test(resource) ? 'an' : 'a'} ${resource} request may not exceed its limit`,
});
