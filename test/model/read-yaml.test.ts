import { describe, expect, it } from 'vitest';
import { readYaml, type ReadYamlOptions } from '../../lib/model/read-yaml.js';

const manifests: ReadYamlOptions = { maxAliasCount: 100, multi: true, what: 'manifest documents' };
const stageFile: ReadYamlOptions = { maxAliasCount: 100, multi: false, what: 'stage files', key: 'setting' };
const problems = (text: string, options = manifests) =>
  readYaml(text, 'f.yaml', options).problems.map(
    (p) => `${p.location?.line}:${p.location?.column} ${p.code}: ${p.message}\n  hint: ${p.hint}`,
  );

describe('readYaml', () => {
  it('gives every YAML syntax error a hint: the usual cause for the common ones, where to look for the others', () => {
    expect(problems('apiVersion: v1\ndata: [a, b\n')).toEqual([
      '3:1 yaml/bad-indent: Flow sequence in block collection must be sufficiently indented and end with a ]\n' +
        '  hint: indent the entries of one mapping or list to the same column, with spaces; a list or mapping in brackets ([...], {...}) must be closed',
    ]);
    expect(problems('a:\n\tb: 1\n')[0]).toContain('hint: indent with spaces: YAML does not allow tabs in indentation');
    expect(problems('a: "x\n')[0]).toContain('hint: close the quote or bracket opened before this place');
    expect(problems('a: b: c\n')[0]).toContain('hint: quote a value that holds ": " (a colon and a space)');
    expect(problems('a: @x\n')[0]).toContain('hint: quote a value that starts with @ or `');
    expect(problems('a: "\\q"\n')[0]).toContain('hint: in double quotes, write a backslash as \\\\, or quote the value with single quotes');
    expect(problems('a: [1, 2]]\n')[0]).toContain('hint: correct the YAML at this place (the line before is often the cause)');
    expect(problems('a: 1\n---\nb: 2\n', stageFile)[0]).toContain('hint: remove the `---` line and what follows it');
    for (const text of ['- a\nb: 1\n', 'a:\n  - b\n c: 1\n', 'a: {b: 1\n', '"a\n', 'a: !<x> [\n'])
      for (const p of problems(text)) expect(p, text).not.toContain('hint: undefined');
  });

  it("calls a repeated key of a manifest a key, and a stage file's a setting, with a hint", () => {
    expect(problems('data:\n  A: "1"\n  A: "2"\n')).toEqual([
      "3:3 yaml/duplicate-key: duplicate key 'A'; each key may appear once per mapping\n  hint: keep the one you mean and remove the other",
    ]);
    expect(problems('apps: {}\nnamespace: a\nnamespace: b\n', stageFile)).toEqual([
      "3:1 yaml/duplicate-key: duplicate key 'namespace'; each setting may appear once per mapping\n  hint: keep the one you mean and remove the other",
    ]);
  });
});
