/**
 * Which of two release tags is later, where the tags say it (`npm run promote` refuses an older
 * release; blue/green labels the objects both colors share with the newer), and why two are not
 * ordered, for a note. Pure; lib/release.ts keeps what a release is.
 */
import { imageParts, imageVersion } from './model/image.js';

/** Numbers separated by dots: `1`, `1.10`, `2.4.0`, and calendar versions written with zeros (`24.04`, `2024.06.01`). */
const NUMBERED = /^\d+(\.\d+)*$/;

/** A number written with a leading zero: `04`, `007`. */
const padded = (n: string) => n.length > 1 && n.startsWith('0');

/** How two numbers of a tag order (the sign), or undefined when it cannot be said. */
type NumberOrder = (p: string, q: string) => number | undefined;

/** Two numbers read as numbers: `09` and `9` are one. */
const asNumbers: NumberOrder = (p, q) => Math.sign(Number(BigInt(p) - BigInt(q)));

/** Two numbers read as text, as decimals' digits are: `09` before `9`. */
const asText: NumberOrder = (p, q) => (p < q ? -1 : p > q ? 1 : 0);

/**
 * Two numbers as both readings order them: of one width, or neither written with a leading zero,
 * the reading is one; of two widths, one with a leading zero (`09` and `9`, `0010` and `9`), the
 * zero may be a decimal's or padding: undefined unless both readings agree (`010` after `0009`).
 */
const eitherReading: NumberOrder = (p, q) => {
  if (p.length === q.length || (!padded(p) && !padded(q))) return asNumbers(p, q);
  const n = asNumbers(p, q);
  return n === asText(p, q) ? n : undefined;
};

/**
 * `a` against `b` (the sign is what matters) when both are NUMBERED, as the collator orders them
 * (test/promotion.test.ts compares both), without loading ICU: the versions of most releases,
 * and two equal versions; undefined for anything else, and for two numbers of two widths, one
 * written with a leading zero, that the two readings order otherwise (`1.09` and `1.9`: a decimal,
 * or the ninth?). Zeros that make numbers one width (`24.04` before `24.10`, `2024.06.01` before
 * `2024.06.15`) order them as either reading does.
 */
export function compareNumbered(a: string, b: string): number | undefined {
  if (a === b) return 0;
  if (!NUMBERED.test(a) || !NUMBERED.test(b)) return undefined;
  return compareParts(a, b, eitherReading);
}

/**
 * Digits alone, seven or more, as a commit written short may be: git's seven hex digits have no
 * letter once in 27 (10/16 to the 7th), and two such commits are no releases in order. Still ordered
 * as numbers, as build numbers are (a CI run id: GitLab's pipeline id, GitHub's run id, 10 and 11
 * digits, always all digits): a pair of commits both without a letter is 1 in 729, and refused then
 * with both readings said (`digitsAlone`), where unordered every build number's later release
 * would be moved back. A date written as digits (DIGIT_DATE) is none.
 */
const DIGITS_ALONE = /^\d{7,}$/;

/** A day written as digits, with its hour, minutes and seconds if given: `20240601`, `202406011230`. */
const DIGIT_DATE = /^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:(?:[01]\d|2[0-3])(?:[0-5]\d(?:[0-5]\d)?)?)?$/;

/** Whether a tag may be a commit written short (DIGITS_ALONE) rather than a build's number. */
const commitLike = (tag: string) => DIGITS_ALONE.test(tag) && !DIGIT_DATE.test(tag);

/**
 * A tag as release numbers are written: an optional `v`, NUMBERED, and a suffix after `-` (`v1.2.3`,
 * `1.2.3-rc.1`, `8.0.36-debian`).
 */
const RELEASE_TAG = /^[vV]?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z]+(?:[.-][0-9A-Za-z]+)*))?$/;

/** A suffix that makes a tag a pre-release of its numbers (`rc.1`, `beta2`, `alpha`), as semver orders them: before the release. */
const PRE_RELEASE = /^(?:alpha|beta|rc|pre|preview)(?:\d+)?(?:[.-]|$)/i;

/**
 * A suffix that marks a build made after its release (`1.2.1-hotfix`, `hotfix.2`, `hf1`, `patch1`, `fix`, `post1`):
 * teams tag a hotfix so, where semver would read any suffix as a pre-release, and a Docker tag
 * cannot hold semver's build metadata (`+`). Ordered as written: after the release, before the next numbers.
 */
const POST_RELEASE = /^(?:hotfix|hf|fix|patch|post)(?:\d+)?(?:[.-]|$)/i;

/** A date as a tag, `2024-06-01`, with an optional number of that day's build (`2024-06-01.2`, `2024-06-01-2`). */
const DATE_TAG = /^(\d{4}-\d{2}-\d{2})(?:[.-](0|[1-9]\d*))?$/;

/**
 * The order of two suffixes of one rank (two pre-releases, as semver orders them, or two hotfixes),
 * dot by dot, a number in a word (`rc9`, `rc10`) read as one, its numbers as `numbers` orders them:
 * by default undefined for two widths one of which has a leading zero that the readings order
 * otherwise (`rc.0010` and `rc.9`: semver writes no number so, and padding or not is not known).
 */
function compareSuffixes(a: string, b: string, numbers: NumberOrder = eitherReading): number | undefined {
  const x = a.split(/[.-]/);
  const y = b.split(/[.-]/);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [/^([A-Za-z]*)(\d+)$/.exec(x[i]), /^([A-Za-z]*)(\d+)$/.exec(y[i])];
    const d = p && q && p[1].toLowerCase() === q[1].toLowerCase() ? numbers(p[2], q[2]) : asText(x[i].toLowerCase(), y[i].toLowerCase());
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Where a suffix puts a tag among the builds of its numbers: -1 a pre-release (`rc.1`), 0 none,
 * 1 a build after the release (`hotfix`); undefined for a variant (`debian`, `oracle`), which says
 * nothing of when it was built.
 */
function suffixRank(suffix: string | undefined): number | undefined {
  if (suffix === undefined) return 0;
  return PRE_RELEASE.test(suffix) ? -1 : POST_RELEASE.test(suffix) ? 1 : undefined;
}

/**
 * Which of two release tags is later (the sign is what matters), where the tags say it: their
 * numbers (`compareNumbered`), with or without a leading `v` and whatever follows them
 * (`v1.2.1-hotfix` after `v1.2.0`, `8.0.37-debian` after `8.0.36`); of equal numbers, a pre-release
 * before its release (`1.2.3-rc.1` before `1.2.3`, `rc.2` before `rc.10`) and a hotfix after it
 * (`1.2.1` before `1.2.1-hotfix` before `1.2.1-hotfix.2`: see POST_RELEASE); dates (`2024-06-01`,
 * `2024-06-15`). Undefined for anything else: a name (`stable`, `latest`), a commit
 * (`sha-abc1234`), a digest, or equal numbers of which one is a variant (`8.0-oracle` and `8.0`),
 * of which the tags do not say which is later (`sameNumbers` tells those apart).
 */
export function compareReleases(a: string, b: string): number | undefined {
  if (a === b) return 0;
  const [dateA, dateB] = [DATE_TAG.exec(a), DATE_TAG.exec(b)];
  if (dateA && dateB) {
    if (dateA[1] !== dateB[1]) return dateA[1] < dateB[1] ? -1 : 1;
    return (dateA[2] === undefined ? -1 : Number(dateA[2])) - (dateB[2] === undefined ? -1 : Number(dateB[2]));
  }
  // a date and a version (2024 and a suffix, as RELEASE_TAG reads it) are two ways of tagging, not two releases in order
  if (dateA || dateB) return undefined;
  const [x, y] = [RELEASE_TAG.exec(a), RELEASE_TAG.exec(b)];
  if (!x || !y) return undefined;
  const numbers = compareNumbered(x[1], y[1]);
  if (numbers !== 0) return numbers;
  const [suffixA, suffixB] = [x[2], y[2]];
  if (suffixA === suffixB) return 0;
  // of one release's numbers, a variant (`-debian`) says nothing of which is later: `8.0-oracle` and `8.0` are two images
  const [rankA, rankB] = [suffixRank(suffixA), suffixRank(suffixB)];
  if (rankA === undefined || rankB === undefined) return undefined;
  if (rankA !== rankB) return rankA - rankB;
  // two hotfixes are ordered by their numbers alone: of two words (`hf` and `patch`, `hotfix-debian` and `hotfix-alpine`) neither says it is later
  return rankA === 1 ? compareHotfixes(suffixA!, suffixB!) : compareSuffixes(suffixA!, suffixB!);
}

/**
 * The order of two hotfix suffixes of one word (`hotfix` before `hotfix.2` before `hotfix.10`,
 * `hf1` before `hf2`); undefined when their words differ (`hf1` and `patch2`, `hotfix-debian`
 * and `hotfix-alpine`, `hotfix` and `hotfix-debian`): two kinds of build, not two builds of one kind.
 */
function compareHotfixes(a: string, b: string, numbers: NumberOrder = eitherReading): number | undefined {
  return hotfixWord(a) === hotfixWord(b) ? compareSuffixes(a, b, numbers) : undefined;
}

/** A hotfix suffix's words, without its numbers: `hotfix` of `hotfix.2`, `hf` of `hf1`, `hotfix-#-debian` of `hotfix-2-debian`. */
const hotfixWord = (suffix: string) =>
  suffix
    .toLowerCase()
    .replace(/\d+/g, '#')
    .replace(/([.-]?#)+$/, '');

/**
 * Why `later` is later than `earlier` when only its hotfix suffix says it, and semver would say
 * otherwise (`1.2.1-hotfix` and `1.2.1` or `1.2.1-rc.1`: semver reads any suffix as a pre-release):
 * the reading, for a message; undefined when the numbers, a date, or suffixes semver orders alike said it.
 */
export function hotfixReading(later: string, earlier: string): string | undefined {
  const [x, y] = [RELEASE_TAG.exec(later), RELEASE_TAG.exec(earlier)];
  if (!x || !y || compareNumbered(x[1], y[1]) !== 0 || suffixRank(x[2]) !== 1 || suffixRank(y[2]) === 1) return undefined;
  // two pre-releases to semver: it orders them alike (`1.2.1-alpha` before `1.2.1-patch`), nothing to say
  if (y[2] !== undefined && (compareSuffixes(x[2], y[2]) ?? 0) > 0) return undefined;
  return `${later} read as a hotfix of ${x[1]}, built after ${y[2] === undefined ? 'it' : earlier}; semver would read -${x[2]} as a pre-release, before ${x[1]}`;
}

/**
 * The numbers two tags share when they differ in a variant only (`1.2.1-oracle` and `1.2.1`,
 * `8.0-debian` and `8.0-oracle`), which `compareReleases` leaves unordered; else undefined.
 */
export function sameNumbers(a: string, b: string): string | undefined {
  const [x, y] = [RELEASE_TAG.exec(a), RELEASE_TAG.exec(b)];
  if (!x || !y || a === b || compareNumbered(x[1], y[1]) !== 0 || compareReleases(a, b) !== undefined) return undefined;
  // numbers of two widths in the suffixes (rc.0010, rc.9) are said by paddedNumbers, with both readings
  return paddedNumbers(a, b) === undefined ? x[1] : undefined;
}

/**
 * Why two tags of numbers are not ordered (`compareNumbered`: one written with leading zeros, the
 * other of another width, `0010` and `9`; or such numbers in two pre-releases or hotfixes of the
 * same numbers, `rc.0010` and `rc.9`), said as both readings, for a note; undefined when they are
 * ordered, are not both numbers, or both readings order them alike (`010` and `0009`).
 */
export function paddedNumbers(a: string, b: string): string | undefined {
  const [x, y] = [RELEASE_TAG.exec(a), RELEASE_TAG.exec(b)];
  if (!x || !y) return undefined;
  const readings = numberReadings([x[1], x[2]], [y[1], y[2]]);
  if (!readings || readings.numbers === readings.text) return undefined;
  const later = (order: number) => (order > 0 ? a : b);
  const numbers = readings.numbers === 0 ? 'they are one release' : `${later(readings.numbers)} is later`;
  return `${a} and ${b} are numbers of two widths, one written with leading zeros: read as numbers ${numbers}, as text or decimals ${later(readings.text)} is`;
}

/**
 * How two tags (their numbers and suffix) order read as numbers and as text, when their numbers or
 * their suffixes of one rank are of two widths with a leading zero that the readings order otherwise;
 * undefined when `compareReleases` orders them or leaves them unordered for another reason.
 */
function numberReadings(
  [numbersA, suffixA]: readonly [string, string | undefined],
  [numbersB, suffixB]: readonly [string, string | undefined],
): { numbers: number; text: number } | undefined {
  const numbers = compareNumbered(numbersA, numbersB);
  if (numbers === undefined)
    return { numbers: compareParts(numbersA, numbersB, asNumbers)!, text: compareParts(numbersA, numbersB, asText)! };
  if (numbers !== 0 || suffixA === undefined || suffixB === undefined) return undefined;
  const rank = suffixRank(suffixA);
  if (rank === undefined || rank !== suffixRank(suffixB)) return undefined;
  const compare = rank === 1 ? compareHotfixes : compareSuffixes;
  if (compare(suffixA, suffixB) !== undefined) return undefined;
  const [n, t] = [compare(suffixA, suffixB, asNumbers), compare(suffixA, suffixB, asText)];
  return n === undefined || t === undefined ? undefined : { numbers: Math.sign(n), text: Math.sign(t) };
}

/** How the dotted numbers `a` and `b` order, part by part as `compare` orders two parts, then by how many they have; undefined where `compare` cannot say. */
function compareParts(a: string, b: string, compare: NumberOrder): number | undefined {
  const [x, y] = [a.split('.'), b.split('.')];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = compare(x[i], y[i]);
    if (d !== 0) return d;
  }
  return Math.sign(x.length - y.length);
}

/**
 * How `later` and `earlier`, ordered as numbers, read otherwise when one is digits alone (`1234567`:
 * a build's number, or a commit written short, of which neither is later?), for the refusal that
 * their order makes; undefined when neither is.
 */
export function digitsAlone(later: string, earlier: string): string | undefined {
  const alone = [earlier, later].filter(commitLike);
  if (alone.length === 0 || (compareReleases(later, earlier) ?? 0) <= 0) return undefined;
  const what = alone.length > 1 ? 'are commits' : 'is a commit';
  return `read as numbers; if ${alone.join(' and ')} ${what} written short, digits alone, neither tag is later: pass --rollback`;
}

/**
 * The tag that says which release an image is, for `compareReleases`: its tag, also when it is
 * pinned by digest (`web:1.2@sha256:...` is release 1.2, which the digest pins); else its version.
 */
export function releaseTag(image: string): string {
  return imageParts(image).tag ?? imageVersion(image);
}
