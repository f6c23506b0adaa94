import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { counted, describeValue, yamlTagOf } from '../../lib/model/limits.js';

describe('describeValue', () => {
  it.each([
    ['!!timestamp 2001-12-14', 'a YAML !!timestamp value'],
    ['!!binary aGVsbG8=', 'a YAML !!binary value'],
    ['!!set {a, b}', 'a YAML !!set value'],
    ['!!omap [{a: 1}]', 'a YAML !!omap value'],
  ])('names the tag of a value the yaml library reads from %s, rather than calling it a mapping', (source, words) => {
    expect(describeValue(parse(`v: ${source}`).v)).toBe(words);
  });

  it('still calls a mapping, a list and a string what they are', () => {
    expect([{ a: 1 }, [1], '2001-12-14'].map(describeValue)).toEqual(['a mapping', 'a list', '"2001-12-14"']);
    expect([{ a: 1 }, [1], '2001-12-14', null].map(yamlTagOf)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('counted', () => {
  it.each([
    [0, 'objects'],
    [1, 'object'],
    [8, 'objects'],
  ])('says %i object in the plural but for one', (n, noun) => {
    expect(counted(n, 'object')).toBe(`${n} ${noun}`);
  });
});
