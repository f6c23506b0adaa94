import { describe, expect, it } from 'vitest';
import { problems } from '../helpers/stage.js';

describe('secrets.external, whose items are a Secret name or a mapping { name, keys }', () => {
  it('tells an item of neither form both forms, not only the one it was not', () => {
    const text = ['secrets:', '  external: [5, [a, b]]', 'apps: {}', ''].join('\n');
    expect(problems(text)).toEqual([
      'environments/x.yaml:2:14: secrets.external[0] must be a Secret name, or a mapping { name, keys } that lists the keys pods may read (found 5)',
      'environments/x.yaml:2:17: secrets.external[1] must be a Secret name, or a mapping { name, keys } that lists the keys pods may read (found a list)',
    ]);
  });

  it('tells a name that is no Secret name what a Secret name is', () => {
    expect(problems(['secrets:', '  external: [Api_TLS]', 'apps: {}', ''].join('\n'))).toEqual([
      "environments/x.yaml:2:14: secrets.external[0] must be a Secret name (labels of lowercase letters, digits and '-', joined by '.'), of at most 253 characters (found \"Api_TLS\")",
    ]);
  });
});
