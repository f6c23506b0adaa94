import { describe, expect, it } from 'vitest';
import { readYaml } from '../../lib/model/read-yaml.js';

const problems = (text: string) =>
  readYaml(text, 'f.yaml', { maxAliasCount: 100, multi: false, what: 'stage files' }).problems.map(
    (p) => `${p.location?.line}:${p.location?.column} ${p.code}: ${p.message}\n  hint: ${p.hint}`,
  );

describe('an unquoted value that starts with *', () => {
  it('is one problem at the value, a cron schedule told to quote it, not one "Unexpected alias" per star', () => {
    expect(problems('apps:\n  job:\n    stack: cron\n    schedule: */5 * * * *  # every five minutes\n')).toEqual([
      "4:15 yaml/unexpected-token: '*/5 * * * *' starts with *, which YAML reads as an alias (a reference to an anchor such as &name), not as text\n" +
        '  hint: quote it: schedule: "*/5 * * * *" (a cron schedule such as */5 * * * * is always quoted)',
    ]);
  });

  it('in a list, and of other characters, is told to quote it without echoing the value', () => {
    expect(problems('args:\n  - *x token\n')).toEqual([
      '2:5 yaml/unexpected-token: this value starts with *, which YAML reads as an alias (a reference to an anchor such as &name), not as text\n' +
        '  hint: quote it (a cron schedule such as */5 * * * * is always quoted)',
    ]);
  });
});

describe('a key indented between the columns of two mappings', () => {
  it('is told the mapping it was read into and the indentations that place it (an app appended below delivery:)', () => {
    const text = 'apps:\n  demoapp:\n    image: demoapp:1\ndelivery:\n  engine: argocd\n web:\n   stack: service\n';
    expect(problems(text)).toEqual([
      "6:2 yaml/bad-indent: 'web' is indented 1 space, so it was read into delivery (line 4), whose keys are indented 2 spaces\n" +
        '  hint: indent it 2 spaces to make it a key of delivery, or 0 spaces to make it a top-level key; the keys of one mapping start at the same column',
    ]);
  });

  it('names the mapping that holds the outer one, below the top level', () => {
    expect(problems('apps:\n  a:\n    x: 1\n   b: 2\n')[0]).toBe(
      "4:4 yaml/bad-indent: 'b' is indented 3 spaces, so it was read into a (line 2), whose keys are indented 4 spaces\n" +
        '  hint: indent it 4 spaces to make it a key of a, or 2 spaces to make it a key of apps (line 1); the keys of one mapping start at the same column',
    );
  });
});

describe('a mapping begun on the line of a document marker (--- apiVersion: v1)', () => {
  it('is told to start on the line after ---, not to close a quote or bracket that is not open', () => {
    expect(problems('--- apiVersion: v1\nkind: ConfigMap\n')).toEqual([
      '1:5 yaml/missing-char: Block collection cannot start on same line with directives-end marker\n' +
        '  hint: start the document on the line after ---: a --- line holds nothing else, but a comment',
    ]);
    // an unclosed bracket after the marker keeps the hint of a bracket left open
    expect(problems('--- [a,\n')[0]).toContain('hint: close the quote or bracket opened before this place');
  });
});
