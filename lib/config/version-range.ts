/**
 * The version ranges Argo CD resolves a Git revision against the repository's tags with (2.11 on: its repo server reads
 * a `targetRevision` that parses as a semver constraint, `1.2.*`, `>=1.2.0 <1.3.0`, `~1.2`, `^1.2.3`, `v1`, as Masterminds
 * semver v3 does, and applies the highest tag in it; only when none is does it look the revision up by name). Pure.
 */

/** A version as Masterminds semver reads a tag laxly (`v1.2`, `1.2.3-rc.1`): its three numbers and prerelease. */
interface Version {
  readonly parts: readonly [number, number, number];
  readonly prerelease: string;
}

/** A version of a constraint: its numbers (undefined where missing or a wildcard, `x`, `X`, `*`, and after one) and prerelease. */
interface Bound {
  readonly parts: readonly (number | undefined)[];
  readonly prerelease: string;
}

const NUMBER = '(?:0|[1-9]\\d*)';
const IDENTIFIERS = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
const VERSION = new RegExp(`^v?(${NUMBER})(?:\\.(${NUMBER}))?(?:\\.(${NUMBER}))?(?:-(${IDENTIFIERS}))?(?:\\+${IDENTIFIERS})?$`);
const PART = '(?:\\d+|[xX*])';
const BOUND = `v?${PART}(?:\\.${PART}){0,2}(?:-${IDENTIFIERS})?(?:\\+${IDENTIFIERS})?`;
const OPERATOR = '!=|>=|=>|<=|=<|~>|[=><~^]';
const COMPARATOR = new RegExp(`^(${OPERATOR})?(${BOUND})$`);
/** An operator written apart from its version (`>= 1.2`), by blanks alone. */
const OPERATOR_ALONE = new RegExp(`^(?:${OPERATOR})$`);
/** One end of a hyphen range (`1.2 - 1.4`): a version with no operator. */
const RANGE_END = new RegExp(`^${BOUND}$`);
const BLANKS = /^\s+$/;

/** The version a tag names (`v1.2` is 1.2.0), or undefined when it names none. */
function tagVersion(tag: string): Version | undefined {
  const m = VERSION.exec(tag);
  if (!m) return undefined;
  return { parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], prerelease: m[4] ?? '' };
}

/** A comparator's version: its numbers up to the first wildcard or missing one, and its prerelease. */
function bound(text: string): Bound {
  const plain = text.replace(/^v/, '').replace(/\+.*$/, '');
  const dash = plain.indexOf('-');
  const [core, prerelease] = dash === -1 ? [plain, ''] : [plain.slice(0, dash), plain.slice(dash + 1)];
  const parts: (number | undefined)[] = [];
  for (const p of core.split('.')) parts.push(/^\d+$/.test(p) && parts.every((q) => q !== undefined) ? Number(p) : undefined);
  while (parts.length < 3) parts.push(undefined);
  return { parts, prerelease };
}

/** Semver precedence of two prereleases ('' is none, which comes after any). */
function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (!a || !b) return a ? -1 : 1;
  const [x, y] = [a.split('.'), b.split('.')];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i], y[i]];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const [np, nq] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (np && nq) return Number(p) - Number(q);
    if (np !== nq) return np ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/** `v` against the version of `parts` and `prerelease`, by semver precedence: below 0, 0 or above. */
function compare(v: Version, parts: readonly number[], prerelease = ''): number {
  for (let i = 0; i < 3; i++) if (v.parts[i] !== parts[i]) return v.parts[i]! - parts[i]!;
  return comparePrerelease(v.prerelease, prerelease);
}

/** The first version past those whose numbers `b` fixes up to `at` (`1.2` at 1 is 1.3.0), the lowest prerelease of it. */
const past = (low: readonly number[], at: number) => low.map((p, i) => (i < at ? p : i === at ? p + 1 : 0));

/** Whether `v` satisfies one comparator (`>=1.2`), as Masterminds reads a wildcard or missing number (`1.2` is `~1.2`). */
function satisfies(v: Version, operator: string, b: Bound): boolean {
  const low = b.parts.map((p) => p ?? 0);
  const open = b.parts.indexOf(undefined);
  // below the first version past what it fixes (none past `*`)
  const below = (at: number) => at < 0 || compare(v, past(low, at), '0') < 0;
  const atLeast = compare(v, low, b.prerelease) >= 0;
  const same = open === -1 ? compare(v, low, b.prerelease) === 0 : atLeast && below(open - 1);
  switch (operator) {
    case '':
    case '=':
      return same;
    case '!=':
      return !same;
    case '>':
      // of a wildcard or missing number, past every version it fixes (`>1.2` from 1.3.0 on, `>1` from 2.0.0; `>*` past 0.0.0)
      return open > 0 ? !below(open - 1) : compare(v, low, b.prerelease) > 0;
    case '>=':
    case '=>':
      return atLeast;
    case '<':
      return compare(v, low, b.prerelease) < 0;
    case '<=':
    case '=<':
      return open === -1 ? compare(v, low, b.prerelease) <= 0 : below(open - 1);
    case '~':
    case '~>':
      // ~1.2.3 and ~1.2 below 1.3.0, ~1 below 2.0.0; ~0.0.0, with its three numbers, any (as Masterminds reads it)
      if (open === -1 && low.every((p) => p === 0)) return atLeast;
      return atLeast && below(b.parts[1] === undefined ? (b.parts[0] === undefined ? -1 : 0) : 1);
    default: {
      // ^: the numbers up to the first one not 0 fixed (^1.2.3 below 2.0.0, ^0.2.3 below 0.3.0)
      const first = low.findIndex((p, i) => p !== 0 || i === open - 1);
      return atLeast && below(b.parts[0] === undefined ? -1 : first === -1 ? 2 : first);
    }
  }
}

/**
 * The comparators of one AND group (`>=1.2.0 <1.3.0`, `>= 1.2, < 2`, `1.2 - 1.4 !=1.3.0`), or undefined when it is none:
 * as Masterminds reads one, comparators apart by blanks or a comma, an operator apart from its version by blanks alone,
 * and `a - b` (two versions with no operator, blanks around the `-`) as `>=a <=b`. Read item by item, with no pattern
 * over the whole text: a long run of blanks takes as long as its length, never its square.
 */
function comparators(group: string): { operator: string; bound: Bound }[] | undefined {
  // the items at even places, what stands between them (blanks, a comma) at odd ones
  const parts = group.trim().split(/(\s*,\s*|\s+)/);
  const blanksAt = (i: number) => BLANKS.test(parts[i] ?? '');
  const read: { operator: string; bound: Bound }[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    let item = parts[i]!;
    if (OPERATOR_ALONE.test(item) && blanksAt(i + 1) && i + 2 < parts.length) {
      i += 2;
      item += parts[i];
    }
    if (RANGE_END.test(item) && blanksAt(i + 1) && parts[i + 2] === '-' && blanksAt(i + 3) && RANGE_END.test(parts[i + 4] ?? '')) {
      read.push({ operator: '>=', bound: bound(item) }, { operator: '<=', bound: bound(parts[i + 4]!) });
      i += 4;
      continue;
    }
    const m = COMPARATOR.exec(item);
    if (!m) return undefined;
    read.push({ operator: m[1] ?? '', bound: bound(m[2]!) });
  }
  return read;
}

/**
 * Whether each tag (by its name, `v1.2.7`) is in the range a revision reads as, when it is a semver constraint Argo CD
 * resolves against the tags: `1.2.x`, `v1.*`, `1.2`, `>=1.2.0 <1.3.0`, `~1.2`, `^1.2.3`, `1.2 - 1.4`, `<1 || >=2`;
 * undefined of one that is none (`main`, `release/2`). A prerelease tag is in it only where a comparator of its group
 * names a prerelease. Where Masterminds reads a wildcard narrower than it is written (`^*` and `<=*`, of versions 0.0.x
 * alone) this takes a tag more, never one less: a revision Argo CD resolves to a tag is never said to be in no tag's range.
 */
export function versionRange(revision: string): ((tag: string) => boolean) | undefined {
  // (split at each `||` as it is written, as Masterminds does: blanks around it are the groups' own)
  const read = revision.split('||').map(comparators);
  if (!read.every((g) => g !== undefined)) return undefined;
  return (tag) => {
    const v = tagVersion(tag);
    return (
      v !== undefined &&
      read.some(
        (group) => (!v.prerelease || group!.some((c) => c.bound.prerelease)) && group!.every((c) => satisfies(v, c.operator, c.bound)),
      )
    );
  };
}
