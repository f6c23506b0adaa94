import { describe, expect, it } from 'vitest';
import { RULES } from '../../lib/model/rules.js';
import { tolerationProblems } from '../../lib/model/tolerations.js';

describe('the toleration rules', () => {
  it("are each named in api/workload's help, which docs/problem-codes.md prints", () => {
    const broken = [
      { key: 'spot', operator: 'Exists', value: 'yes' },
      { operator: 'Equal', value: 'x' },
      { key: 'spot', tolerationSeconds: 60 },
    ];
    const help = RULES['api/workload'].help;
    const named: Record<string, string> = {
      value: 'operator Exists has no value',
      operator: 'without a key has operator Exists',
      tolerationSeconds: 'tolerationSeconds has effect NoExecute',
    };
    const fields = broken.flatMap((t) => tolerationProblems(t).map((p) => p.field));
    expect(new Set(fields)).toEqual(new Set(Object.keys(named)));
    for (const field of fields) expect(help).toContain(named[field]);
  });
});
