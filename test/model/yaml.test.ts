import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mayUseAliases, quickValue } from '../../lib/model/yaml.js';

describe('mayUseAliases', () => {
  it.each(['a: *x', 'a: &x 1', '- *x', '[*x, 1]', '{a: *x}', "a: 'it''s'\nb: *x"])('sees the anchor or alias in %j', (text) => {
    expect(mayUseAliases(text)).toBe(true);
  });

  it.each(['schedule: "0 2 * * *"', "schedule: '*/5 * * * *'", 'schedule: 0 2 * * *', 'a: b*c', 'a: b&c'])('sees none in %j', (text) => {
    expect(mayUseAliases(text)).toBe(false);
  });
});

describe('quickValue', () => {
  it('reads what the yaml library reads', () => {
    const text = 'apps:\n  app-0001:\n    replicas: 2\n    on: yes\n    ports: [80, "443"]\n    schedule: "0 2 * * *"\n    hex: 0x1F\n    none: ~\n';
    expect(quickValue(text)).toEqual(parse(text));
  });

  it.each(['a: 1_000', 'a: 0b101', 'a: -0', 'a: *x', 'a: 1\na: 2', 'a: [', '', '# nothing', 'a: 1\n---\nb: 2'])('leaves %j to the yaml library', (text) => {
    expect(quickValue(text)).toBeUndefined();
  });
});
