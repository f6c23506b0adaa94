import { describe, expect, it } from 'vitest';
import { editValues, formatEdit, shownValue } from '../../lib/config/edit.js';
import { ProblemsError } from '../../lib/errors.js';

const stage = `# yaml-language-server: $schema=./stage.schema.json
# Production: the comments stay.
apps:
  demoapp:
    image: demoapp:1   # the release
    quoted: "x"
    single: 'y'
    database:
      storage: 2Gi
      backup: { schedule: "0 2 * * *", storage: 2Gi }

  other: { image: 'a:1' }
`;

describe('editing a stage file', () => {
  it('changes only the characters of the values, keeping comments, blank lines and quote styles', () => {
    const { text, applied } = editValues(
      stage,
      [
        { path: ['apps', 'demoapp', 'image'], value: 'demoapp:1.1' },
        { path: ['apps', 'demoapp', 'quoted'], value: 'x2' },
        { path: ['apps', 'demoapp', 'single'], value: "it's" },
        { path: ['apps', 'other', 'image'], value: 'a:2' },
      ],
      'environments/p.yaml',
    );
    expect(text).toBe(
      stage
        .replace('image: demoapp:1   #', 'image: demoapp:1.1   #')
        .replace('quoted: "x"', 'quoted: "x2"')
        .replace("single: 'y'", "single: 'it''s'")
        .replace("{ image: 'a:1' }", "{ image: 'a:2' }"),
    );
    expect(applied.map(formatEdit)).toEqual([
      'environments/p.yaml:5:12: apps.demoapp.image: demoapp:1 -> demoapp:1.1',
      'environments/p.yaml:6:13: apps.demoapp.quoted: x -> x2',
      "environments/p.yaml:7:13: apps.demoapp.single: y -> it's",
      'environments/p.yaml:12:19: apps.other.image: a:1 -> a:2',
    ]);
  });

  it('shows a value with blanks at its ends or none at all quoted, each such edit on one line, and a text of several lines as the lines that change', () => {
    const text = 'apps:\n  demoapp:\n    notes: |\n      line one\n      line two\n    tag: " 1.2 "\n    empty: ""\n';
    const { applied } = editValues(
      text,
      [
        { path: ['apps', 'demoapp', 'notes'], value: 'one line' },
        { path: ['apps', 'demoapp', 'tag'], value: 'a\tb\u001b[31m' },
        { path: ['apps', 'demoapp', 'empty'], value: 'x' },
      ],
      'environments/p.yaml',
    );
    // the old value was printed raw: 'line one', 'line two' and ' -> one line' on lines of their own; an escape reached the terminal;
    // then a block of several lines as one line of \n's, which a reviewer of a long block cannot read
    expect(applied.map(formatEdit)).toEqual([
      'environments/p.yaml:3:12: apps.demoapp.notes: a text of 2 lines -> 1 line, a final newline removed, from line 1:\n  - line one\n  - line two\n  + one line',
      'environments/p.yaml:4:10: apps.demoapp.tag: " 1.2 " -> "a\\tb\\x1b[31m"',
      'environments/p.yaml:5:12: apps.demoapp.empty: "" -> x',
    ]);
  });

  it('shows a block scalar\'s line that lost its trailing blanks quoted, as a value of one line is (" 1.2 "), not as the same line twice', () => {
    const text = 'apps:\n  demoapp:\n    conf: "a\\nb  \\nc\\n"\n';
    const { applied } = editValues(text, [{ path: ['apps', 'demoapp', 'conf'], value: 'a\nb\nc\n' }], 'environments/p.yaml');
    expect(formatEdit(applied[0]!).split('\n')).toEqual([
      'environments/p.yaml:3:11: apps.demoapp.conf: a text of 3 lines -> 3 lines, from line 2:',
      '  - "b  "',
      '  + b',
    ]);
  });

  it('shows a long block scalar changed in one line as that line, under the place', () => {
    const config = (port: number) => Array.from({ length: 40 }, (_, i) => (i === 17 ? `listen ${port}` : `setting${i} on`)).join('\n');
    const block = config(80)
      .split('\n')
      .map((l) => `      ${l}`)
      .join('\n');
    const text = `apps:\n  demoapp:\n    conf: |\n${block}\n`;
    const { applied } = editValues(text, [{ path: ['apps', 'demoapp', 'conf'], value: `${config(8080)}\n` }], 'environments/p.yaml');
    // was one line of 40 settings and 39 \n's on each side of the arrow
    expect(formatEdit(applied[0]!).split('\n')).toEqual([
      'environments/p.yaml:3:11: apps.demoapp.conf: a text of 40 lines -> 40 lines, from line 18:',
      '  - listen 80',
      '  + listen 8080',
    ]);
  });

  it('shows a value holding a character that reorders or hides text (U+202E, a zero-width space, a BOM) quoted, as its escape', () => {
    // 'demoapp:1.2\u202e3.1' reads 'demoapp:1.21.3' on a terminal: the right-to-left override turns what follows it around
    expect(shownValue('demoapp:1.2\u202e3.1')).toBe('"demoapp:1.2\\u202e3.1"');
    expect(shownValue('web\u200b')).toBe('"web\\u200b"');
    expect(shownValue('\ufeffweb')).toBe('"\\ufeffweb"');
    expect(shownValue('a\u2066b\u2069c\u200fd')).toBe('"a\\u2066b\\u2069c\\u200fd"');
    expect(shownValue('x\u2028y')).toBe('"x\\u2028y"');
    expect(shownValue('demoapp:1.2 é 中')).toBe('demoapp:1.2 é 中');
  });

  it('quotes a value that would read as another on its line: one in quotes, one holding the arrow, the words of no value', () => {
    // printed as they are, '"1.2"' read as 1.2 shown quoted, 'a -> b' as two values, '(not set)' as no value
    expect(shownValue('"1.2"')).toBe('"\\"1.2\\""');
    expect(shownValue('a -> b')).toBe('"a -> b"');
    expect(shownValue('(not set)')).toBe('"(not set)"');
    expect(shownValue('demoapp:1.2')).toBe('demoapp:1.2');
  });

  it('adds a missing key as the last entry of its block or flow mapping', () => {
    const { text, applied } = editValues(
      stage,
      [
        { path: ['apps', 'demoapp', 'database', 'image'], value: 'mysql:8.4' },
        { path: ['apps', 'demoapp', 'database', 'backup', 'image'], value: 'mysql:8.4' },
      ],
      'environments/p.yaml',
    );
    expect(text).toBe(stage.replace('storage: 2Gi }\n', 'storage: 2Gi, image: mysql:8.4 }\n      image: mysql:8.4\n'));
    expect(applied.map(formatEdit)).toEqual([
      'environments/p.yaml:11:14: apps.demoapp.database.image: (not set) -> mysql:8.4',
      'environments/p.yaml:10:61: apps.demoapp.database.backup.image: (not set) -> mysql:8.4',
    ]);
  });

  it('adds a key to an empty flow mapping ({} or { }), keeping the line and its comment', () => {
    const empty = 'apps:\n  demoapp: {}   # set by promote\n  other: { }\r\nnamespace: qa\n';
    const { text, applied } = editValues(
      empty,
      [
        { path: ['apps', 'demoapp', 'image'], value: 'demoapp:1.1' },
        { path: ['apps', 'other', 'image'], value: 'a, b' },
      ],
      'environments/qa.yaml',
    );
    expect(text).toBe('apps:\n  demoapp: { image: demoapp:1.1 }   # set by promote\n  other: { image: "a, b" }\r\nnamespace: qa\n');
    expect(applied.map(formatEdit)).toEqual([
      'environments/qa.yaml:2:21: apps.demoapp.image: (not set) -> demoapp:1.1',
      'environments/qa.yaml:3:19: apps.other.image: (not set) -> a, b',
    ]);
  });

  it('leaves a value that is already right alone, and says so by applying nothing', () => {
    expect(editValues(stage, [{ path: ['apps', 'demoapp', 'image'], value: 'demoapp:1' }], 'p.yaml')).toEqual({ text: stage, applied: [] });
  });

  it('quotes a value that plain YAML would read as something else', () => {
    const { text } = editValues('a: x\n', [{ path: ['a'], value: 'yes: no' }], 'p.yaml');
    expect(text).toBe('a: "yes: no"\n');
  });

  it('refuses to write through something that is not a mapping, saying what to do', () => {
    expect(() => editValues(stage, [{ path: ['apps', 'missing', 'image'], value: 'x' }], 'environments/p.yaml')).toThrow(
      'environments/p.yaml:1:1: cannot write apps.missing.image: there is no mapping apps.missing to add it to\n  hint: write apps.missing.image: x into environments/p.yaml by hand',
    );
  });

  it('keeps a block scalar that strips its line break (|-, >-) a block scalar, its header, comment and indentation, and every other line', () => {
    const block = `apps:\n  demoapp:\n    image: |-\n      demoapp:1\n    # the release\n    replicas: 2\n  other:\n    image: >- # folded\n      other:1\n\n    replicas: 1\n`;
    const { text, applied } = editValues(
      block,
      [
        { path: ['apps', 'demoapp', 'image'], value: 'demoapp:1.1' },
        { path: ['apps', 'other', 'image'], value: 'yes: no' },
      ],
      'environments/p.yaml',
    );
    expect(text).toBe(
      `apps:\n  demoapp:\n    image: |-\n      demoapp:1.1\n    # the release\n    replicas: 2\n  other:\n    image: >- # folded\n      yes: no\n\n    replicas: 1\n`,
    );
    expect(applied.map(formatEdit)).toEqual([
      'environments/p.yaml:3:12: apps.demoapp.image: demoapp:1 -> demoapp:1.1',
      'environments/p.yaml:8:12: apps.other.image: other:1 -> yes: no',
    ]);
  });

  it('keeps a block scalar of an indentation indicator (|2-) at its indentation, not at its first line of content, whose value starts with blanks', () => {
    // content indented two under the key (|2-): the first line's further blanks were the value's, written over
    const { text } = editValues('a:\n  image: |2-\n      x:1\n  b: 1\n', [{ path: ['a', 'image'], value: 'x:2' }], 'p.yaml');
    expect(text).toBe('a:\n  image: |2-\n    x:2\n  b: 1\n');
  });

  it('replaces a block scalar at the end of a file, with CRLF line breaks, keeping them (one that keeps its line break, |, written plain)', () => {
    const crlf = 'a:\r\n  image: |-\r\n    x:1\r\n  b: 1\r\nc: |\r\n  y';
    const { text } = editValues(
      crlf,
      [
        { path: ['a', 'image'], value: 'x:2' },
        { path: ['c'], value: 'z' },
      ],
      'p.yaml',
    );
    expect(text).toBe('a:\r\n  image: |-\r\n    x:2\r\n  b: 1\r\nc: z');
  });

  it('adds a missing key with the line break of a CRLF file, in the middle of the file and at its end', () => {
    const crlf = stage.replace(/\n/g, '\r\n');
    const { text } = editValues(crlf, [{ path: ['apps', 'demoapp', 'database', 'image'], value: 'mysql:8.4' }], 'p.yaml');
    expect(text).toBe(crlf.replace('storage: 2Gi }\r\n', 'storage: 2Gi }\r\n      image: mysql:8.4\r\n'));
    const last = editValues('a:\r\n  b: 1', [{ path: ['a', 'c'], value: 'x' }], 'p.yaml').text;
    expect(last).toBe('a:\r\n  b: 1\r\n  c: x\r\n');
    // and an LF file stays LF
    expect(editValues('a:\n  b: 1', [{ path: ['a', 'c'], value: 'x' }], 'p.yaml').text).toBe('a:\n  b: 1\n  c: x\n');
  });

  it('writes a value written as an alias in its place, the anchor keeping its own, and says so', () => {
    const { text, applied } = editValues('a: &x v\nb: *x # as a\n', [{ path: ['b'], value: 'w' }], 'p.yaml');
    expect(text).toBe('a: &x v\nb: w # as a\n');
    expect(applied.map(formatEdit)).toEqual(['p.yaml:2:4: b: v -> w (written in place of the alias *x of a, which stays v)']);
  });
});

describe('editing a text that is no stage file the loader reads', () => {
  const edit = [{ path: ['apps', 'demoapp', 'image'], value: 'demoapp:3' }];
  const refusal = (text: string) => {
    try {
      editValues(text, edit, 'qa.yaml');
    } catch (e) {
      if (e instanceof ProblemsError) return e.problems.map((p) => [p.code, p.location?.line]);
      throw e;
    }
    return 'edited';
  };

  it.each([
    // the yaml library alone took the first and edited it, leaving the file with the same key twice
    ['a key written twice', 'apps:\n  demoapp:\n    image: demoapp:1\n    image: demoapp:0\n', [['yaml/duplicate-key', 4]]],
    // read as one line, without its mappings: "there is no mapping apps.demoapp"
    ['lines ending in a CR alone', 'apps:\r  demoapp:\r    image: demoapp:1\r', [['input/cr-line-endings', 1]]],
    [
      'git conflict markers',
      'apps:\n  demoapp:\n<<<<<<< HEAD\n    image: demoapp:1\n=======\n    image: demoapp:2\n>>>>>>> x\n',
      [['input/merge-conflict', 3]],
    ],
    ['a list', '- a\n', [['config/not-a-mapping', 1]]],
  ])("is refused with the loader's problem, at its line: %s", (_, text, problems) => {
    expect(refusal(text)).toEqual(problems);
  });

  it('is refused with its first problems and a count of the rest, as the loader says them', () => {
    const text = `apps:\n  demoapp:\n    image: demoapp:1\n${'    replicas: 1\n'.repeat(61)}`;
    const problems = refusal(text);
    expect(problems).toHaveLength(51);
    expect(problems.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => ['yaml/duplicate-key', i + 5]));
    expect(problems[50]).toEqual(['config/more-problems', 65]);
  });
});

describe('an edit that makes a text the loader refuses', () => {
  it('is refused with the reason the loader gives, placed where the edit goes in the text as given', () => {
    // the key added after an explicit key (? replicas) reads as a key of several lines
    const text = 'apps:\n  demoapp:\n    ? replicas\n    : 2\n';
    expect(() => editValues(text, [{ path: ['apps', 'demoapp', 'image'], value: 'demoapp:3' }], 'qa.yaml')).toThrow(
      expect.objectContaining({
        problems: [
          {
            code: 'edit/not-a-value',
            location: { file: 'qa.yaml', line: 3, column: 5 },
            message:
              'cannot write apps.demoapp.image: the stage file it makes would be refused (Implicit keys need to be on a single line)',
            hint: 'write apps.demoapp.image: demoapp:3 into qa.yaml by hand',
          },
        ],
      }),
    );
  });
});

describe('editing a stage file that merges mappings (<<: *anchor)', () => {
  const merged = `apps:
  web: &web { stack: service, image: team/web:1.0, replicas: 1 }
  web2: &web2 { <<: *web, replicas: 2 }
  web3:
    <<: *web2
    replicas: 3
`;
  const edit = (text: string, values: Record<string, string>) =>
    editValues(
      text,
      Object.entries(values).map(([app, value]) => ({ path: ['apps', app, 'image'], value })),
      'environments/qa.yaml',
    );

  it('keeps the value of a mapping that merges an edited one, written out beside the merge', () => {
    const { text, applied } = edit(merged, { web: 'team/web:2.0' });
    expect(text).toBe(
      merged
        .replace('image: team/web:1.0, replicas: 1 }', 'image: team/web:2.0, replicas: 1 }')
        .replace('{ <<: *web, replicas: 2 }', '{ <<: *web, replicas: 2, image: team/web:1.0 }'),
    );
    // web3 merges web2, which now writes the old value: it needs no line of its own
    expect(applied.map(formatEdit)).toEqual([
      'environments/qa.yaml:2:38: apps.web.image: team/web:1.0 -> team/web:2.0',
      'environments/qa.yaml:3:47: apps.web2.image: team/web:1.0 kept (now written here: it was merged from apps.web.image, which changes)',
    ]);
  });

  it('says where a merged value came from when the mapping gets a value of its own', () => {
    const { text, applied } = edit(merged, { web2: 'team/web:2.0' });
    expect(text).toBe(
      merged
        .replace('{ <<: *web, replicas: 2 }', '{ <<: *web, replicas: 2, image: team/web:2.0 }')
        .replace('replicas: 3\n', 'replicas: 3\n    image: team/web:1.0\n'),
    );
    expect(applied.map(formatEdit)).toEqual([
      'environments/qa.yaml:3:47: apps.web2.image: team/web:1.0 (merged from apps.web.image) -> team/web:2.0',
      'environments/qa.yaml:7:12: apps.web3.image: team/web:1.0 kept (now written here: it was merged from apps.web2.image, which changes)',
    ]);
  });

  it('changes the merged value once when every mapping gets the same value, and lists each, placed at its merge', () => {
    const { text, applied } = edit(merged, { web: 'team/web:2.0', web2: 'team/web:2.0', web3: 'team/web:2.0' });
    expect(text).toBe(merged.replace('image: team/web:1.0', 'image: team/web:2.0'));
    expect(applied.map(formatEdit)).toEqual([
      'environments/qa.yaml:2:38: apps.web.image: team/web:1.0 -> team/web:2.0',
      'environments/qa.yaml:3:21: apps.web2.image: team/web:1.0 -> team/web:2.0 (merged from apps.web.image)',
      'environments/qa.yaml:5:9: apps.web3.image: team/web:1.0 -> team/web:2.0 (merged from apps.web.image)',
    ]);
  });

  it('writes a value of its own where a mapping that merges gets another value', () => {
    const { text, applied } = edit(merged, { web: 'team/web:2.0', web2: 'team/web:3.0', web3: 'team/web:2.0' });
    expect(text).toBe(
      merged
        .replace('image: team/web:1.0', 'image: team/web:2.0')
        .replace('{ <<: *web, replicas: 2 }', '{ <<: *web, replicas: 2, image: team/web:3.0 }')
        .replace('replicas: 3\n', 'replicas: 3\n    image: team/web:2.0\n'),
    );
    expect(applied.map(formatEdit)).toEqual([
      'environments/qa.yaml:2:38: apps.web.image: team/web:1.0 -> team/web:2.0',
      'environments/qa.yaml:3:47: apps.web2.image: team/web:1.0 (merged from apps.web.image) -> team/web:3.0',
      'environments/qa.yaml:7:12: apps.web3.image: team/web:1.0 (merged from apps.web.image) -> team/web:2.0',
    ]);
  });

  it('refuses an edit of a setting read through an alias, at the alias, saying how to write it out', () => {
    expect(() => edit(`${merged}  web4: *web\n`, { web4: 'team/web:2.0' })).toThrow(
      'environments/qa.yaml:7:9: cannot write apps.web4.image: apps.web4 is the alias *web, so the value is not written there, and writing it where *web is defined would change that setting too\n' +
        '  hint: write { <<: *web, image: team/web:2.0 } in place of *web in environments/qa.yaml',
    );
    expect(() => editValues('a: &x { b: { c: 1 } }\nd: *x\n', [{ path: ['d', 'b', 'c'], value: '2' }], 'p.yaml')).toThrow(
      'p.yaml:2:4: cannot write d.b.c: d is the alias *x, so the value is not written there, and writing it where *x is defined would change that setting too\n' +
        '  hint: write out what *x stands for at d in p.yaml, then set d.b.c: 2',
    );
  });

  it('refuses an edit that would change a setting read through an alias, saying how to keep it', () => {
    expect(() => edit(`${merged}  web4: *web\n`, { web: 'team/web:2.0' })).toThrow(
      'environments/qa.yaml:7:9: cannot write apps.web.image: apps.web4.image would change with it (team/web:1.0 -> team/web:2.0), since apps.web4 is the alias *web, where stagecraft cannot write the old value out\n' +
        '  hint: write apps.web.image: team/web:2.0 into environments/qa.yaml by hand; for apps.web4.image to keep team/web:1.0, write { <<: *web, image: team/web:1.0 } in place of *web',
    );
    // an alias of the value edited is written out as the value it had (lib/config/edit.ts' aliasesKept)
    expect(editValues('a: &x v\nb: *x\n', [{ path: ['a'], value: 'w' }], 'p.yaml').text).toBe('a: &x w\nb: v\n');
  });

  it('says where an alias in a list of the value edited is, and its name (was 1:1, the alias undefined)', () => {
    expect(() => editValues('green: &v demoapp:1\nlist: [*v]\n', [{ path: ['green'], value: 'demoapp:1.1' }], 'p.yaml')).toThrow(
      'p.yaml:2:8: cannot write green: list[0] would change with it (demoapp:1 -> demoapp:1.1), since list[0] is the alias *v, where stagecraft cannot write the old value out\n' +
        '  hint: write green: demoapp:1.1 into p.yaml by hand; for list[0] to keep demoapp:1, write that value in place of *v',
    );
  });

  it('refuses to add a key to a mapping that another merges, which would get it too', () => {
    expect(() => editValues(merged, [{ path: ['apps', 'web', 'tag'], value: 'x' }], 'p.yaml')).toThrow(
      'p.yaml:3:21: cannot write apps.web.tag: apps.web2.tag would change with it ((not set) -> x), since apps.web2 merges it (<<: *web) and a merged key cannot be kept unset',
    );
  });

  it('keeps a value written as it was, so that it reads as the same value of the same type', () => {
    const text = 'a: &a { n: 1, s: "yes", t: \'1.10\', v: x }\nb:\n  <<: *a\n';
    const edits = ['n', 's', 't'].map((k) => ({ path: ['a', k], value: 'new' }));
    expect(editValues(text, edits, 'p.yaml').text).toBe(
      'a: &a { n: new, s: "new", t: \'new\', v: x }\nb:\n  <<: *a\n  n: 1\n  s: "yes"\n  t: \'1.10\'\n',
    );
  });
});

describe('the edit lines', () => {
  it('say why a value is what it is, after it', () => {
    const { applied } = editValues(
      'image: r.example.com/web:1\n',
      [{ path: ['image'], value: 'r.example.com/web:2', why: "the tag of qa's web:2; production's registry kept" }],
      'p.yaml',
    );
    expect(applied.map(formatEdit)).toEqual([
      "p.yaml:1:8: image: r.example.com/web:1 -> r.example.com/web:2 (the tag of qa's web:2; production's registry kept)",
    ]);
  });
});
