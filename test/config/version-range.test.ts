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
  ])('reads %s as the tags of its range', (constraint, tags) => {
    expect(inRange(constraint)).toEqual(tags);
  });

  it.each([['main'], ['release/2'], ['v1.2.3.4'], ['feature-1.x'], ['1.2.3 ||'], ['>=']])(
    'reads %s as no range (a branch or tag by its name)',
    (revision) => {
      expect(versionRange(revision)).toBeUndefined();
    },
  );
});
