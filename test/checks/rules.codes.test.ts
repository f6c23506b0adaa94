import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../lib/model/rules.js';
import { REPO } from '../helpers/cli.js';

const dir = join(REPO, 'lib/checks');
const source = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join(dir, f), 'utf8'))
  .join('\n');

describe('finding codes', () => {
  it('describes every literal code the checks emit', () => {
    const emitted = [...source.matchAll(/'((?:api|refs|schema|crd|policy|static-pod|quantity)\/[a-z-]+)'/g)].map((m) => m[1]);
    expect(emitted.filter((c) => !(c in RULES))).toEqual([]);
  });

  it('documents every code in lib/checks/README.md', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(Object.keys(RULES).filter((c) => !readme.includes(`| \`${c}\` |`))).toEqual([]);
  });
});
