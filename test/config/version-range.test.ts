/**
 * The semver constraints Argo CD resolves a Git revision against the repository's tags with (lib/config/version-range.ts),
 * as its repo server reads them (Masterminds semver v3's constraints, tags read as versions with or without a v): a tag in
 * the range is what the engine applies.
 */
import { describe, expect, it } from 'vitest';
import { versionRange } from '../../lib/config/version-range.js';

const TAGS = ['v1.2.0', 'v1.2.7', '1.3.0', 'v2.0.0-rc.1', 'v2.1', 'release-3', 'v10.0.0'];

/** The tags of TAGS in the range `constraint`. */
const inRange = (constraint: string) => TAGS.filter(versionRange(constraint)!);

describe('versionRange', () => {
  it.each([
    ['1.2.x', ['v1.2.0', 'v1.2.7']],
    ['v1.2.*', ['v1.2.0', 'v1.2.7']],
    ['1.2', ['v1.2.0', 'v1.2.7']],
    ['v1', ['v1.2.0', 'v1.2.7', '1.3.0']],
    ['v1.*', ['v1.2.0', 'v1.2.7', '1.3.0']],
    ['1.2.7', ['v1.2.7']],
    ['*', ['v1.2.0', 'v1.2.7', '1.3.0', 'v2.1', 'v10.0.0']],
    ['>=1.2.0 <1.3.0', ['v1.2.0', 'v1.2.7']],
    ['>= 1.2.5, < 2', ['v1.2.7', '1.3.0']],
    ['~1.2', ['v1.2.0', 'v1.2.7']],
    ['^1.2.3', ['v1.2.7', '1.3.0']],
    ['1.2 - 1.3', ['v1.2.0', 'v1.2.7', '1.3.0']],
    ['<1.2.7 || >=10', ['v1.2.0', 'v10.0.0']],
    ['2.0.0-rc.1', ['v2.0.0-rc.1']],
    ['!=1.2.7, 1.x', ['v1.2.0', '1.3.0']],
    // a hyphen range among other comparators, as Masterminds rewrites it first (>= 1.2, <= 1.3 !=1.2.7)
    ['1.2 - 1.3 !=1.2.7', ['v1.2.0', '1.3.0']],
    ['1.2.0 - 1.2.7,>1.2.0', ['v1.2.7']],
    // > of a version with a number missing: past every version it fixes (Masterminds' constraintGreaterThan)
    ['>1.2', ['1.3.0', 'v2.1', 'v10.0.0']],
    ['>1', ['v2.1', 'v10.0.0']],
    ['>1.x <10', ['v2.1']],
    // ~0.0.0 is any version to Masterminds (its constraintTilde), not 0.0.x
    ['~0.0.0', ['v1.2.0', 'v1.2.7', '1.3.0', 'v2.1', 'v10.0.0']],
  ])('reads %s as the tags of its range', (constraint, tags) => {
    expect(inRange(constraint)).toEqual(tags);
  });

  it.each([
    ['main'],
    ['release/2'],
    ['v1.2.3.4'],
    ['feature-1.x'],
    ['1.2.3 ||'],
    ['>='],
    // an operator apart from another, or from its version by a comma: no comparator to Masterminds (validConstraintRegex)
    ['> = 1.2'],
    ['>=, 1.2'],
    ['>= 1.2 - 1.4'],
    ['1.2 ||| 1.3'],
  ])('reads %s as no range (a branch or tag by its name)', (revision) => {
    expect(versionRange(revision)).toBeUndefined();
  });

  it('reads a revision of long runs of blanks, operators or groups in a time of its length (no pattern backtracks over them)', () => {
    const long = [
      `1${' '.repeat(100_000)}1`,
      `1${' '.repeat(100_000)}|`,
      `${'>= '.repeat(50_000)}1`,
      `${'1 || '.repeat(20_000)}1`,
      `1${' -'.repeat(50_000)}`,
      `1${', '.repeat(50_000)}1`,
    ];
    const start = performance.now();
    for (const revision of long) versionRange(revision)?.('v1.2.3');
    // (each in well under a millisecond per thousand characters; a square of 100,000 blanks took minutes)
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
