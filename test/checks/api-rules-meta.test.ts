import { describe, expect, it } from 'vitest';
import { checkLabels } from '../../lib/checks/api-rules-meta.js';
import { finder, type Finding } from '../../lib/checks/finding.js';
import type { KubeObject } from '../../lib/model/object.js';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
/** The findings of checkLabels over each mapping in turn, as `code field`. */
function findings(...mappings: Record<string, unknown>[]): string[] {
  const out: Finding[] = [];
  for (const [i, labels] of mappings.entries()) checkLabels(finder(pod), labels, ['m', i], out);
  return out.map((f) => `${f.code} ${f.path.join('.')}`);
}

describe('label syntax, answered once per key and value', () => {
  it('reports a bad key or value at every place it repeats, and a good one at none', () => {
    const bad = { 'bad key': 'ok', good: 'bad value' };
    expect(findings(bad, bad, { good: 'ok', 'bad key': 'bad value' })).toEqual([
      'api/label-key m.0.bad key',
      'api/label-value m.0.good',
      'api/label-key m.1.bad key',
      'api/label-value m.1.good',
      'api/label-key m.2.bad key',
      'api/label-value m.2.bad key',
    ]);
    expect(findings({ 'app.kubernetes.io/name': '' }, { 'app.kubernetes.io/name': 'web' })).toEqual([]);
  });

  it('judges strings too long to be valid without keeping them, and values that are not strings', () => {
    const long = 'a'.repeat(64);
    const longKey = `${'a'.repeat(254)}/b`;
    expect(findings({ x: long }, { x: long }, { [longKey]: 'v' }, { x: 5 })).toEqual([
      'api/label-value m.0.x',
      'api/label-value m.1.x',
      `api/label-key m.2.${longKey}`,
      'api/label-value m.3.x',
    ]);
  });
});
