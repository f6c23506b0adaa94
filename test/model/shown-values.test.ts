import { describe, expect, it } from 'vitest';
import { formatEdit, editValues, shownValue } from '../../lib/config/edit.js';
import { diffManifests } from '../../lib/diff/objects.js';
import { formatDiff } from '../../lib/diff/lines.js';
import { quotedText, shownJson } from '../../lib/model/shown-values.js';

describe('quotedText', () => {
  it('writes each control character as a name does (\\x1b, \\n, \\t), a backslash as \\\\ and a quote as \\"', () => {
    expect(quotedText('a\x1b[31mb\tc\nd\\x1b"e\x7f\x9b')).toBe('"a\\x1b[31mb\\tc\\nd\\\\x1b\\"e\\x7f\\x9b"');
  });

  it('writes what prints as nothing or turns the text around as its escape', () => {
    expect(quotedText('1.2\u202e3.1\u200b\ufeff\u2028')).toBe('"1.2\\u202e3.1\\u200b\\ufeff\\u2028"');
  });

  it('leaves letters of any script as they are', () => {
    expect(quotedText('é 中 ✓')).toBe('"é 中 ✓"');
  });
});

describe('shownJson', () => {
  it("writes a structure as JSON does, but each string and key as quotedText (ESC as \\x1b, not JSON's \\u001b)", () => {
    const value = { 'k\x1b': ['a\x1bb', 1, true, null, undefined], n: 1.5, gone: undefined };
    expect(shownJson(value)).toBe('{"k\\x1b":["a\\x1bb",1,true,null,null],"n":1.5}');
    expect(shownJson(value)).not.toContain('\\u001b');
  });

  it('writes a number JSON has not as null and asks an object with toJSON for its value, as JSON.stringify does', () => {
    expect(shownJson([Number.POSITIVE_INFINITY, Number.NaN])).toBe(JSON.stringify([Number.POSITIVE_INFINITY, Number.NaN]));
    expect(shownJson({ a: { toJSON: () => 'said' } })).toBe('{"a":"said"}');
  });

  it('writes a value without control or invisible characters exactly as JSON.stringify does', () => {
    const value = { a: 'x"y\\z', b: [1, 'é', { c: false }], d: -0 };
    expect(shownJson(value)).toBe(JSON.stringify(value));
  });
});

describe('one way of showing a value for every command', () => {
  it("shows a value holding ESC in diff's lines as promote's edit line shows it", () => {
    const value = 'demoapp:1.2\x1b[2J';
    const config = (data: Record<string, string>) => ({
      id: 'ConfigMap qa/web',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'qa' }, data },
    });
    const diff = formatDiff(diffManifests([config({ a: '1' })], [config({ a: value })]), { before: 'a', after: 'b' });
    const { applied } = editValues('apps:\n  web:\n    image: "1"\n', [{ path: ['apps', 'web', 'image'], value }], 'environments/qa.yaml');
    // diff printed "demoapp:1.2\u001b[2J" (JSON's escape), promote "demoapp:1.2\x1b[2J"
    expect(diff.split('\n')[1]).toBe(`  data.a: "1" -> ${shownValue(value)}`);
    expect(formatEdit(applied[0]!)).toBe(`environments/qa.yaml:3:12: apps.web.image: 1 -> ${shownValue(value)}`);
    expect(shownValue(value)).toBe('"demoapp:1.2\\x1b[2J"');
  });
});
