import { describe, expect, it } from 'vitest';
import { Schema } from 'yaml';
import { PLAIN_SHORTCUT, offsetOf, readBlockYaml } from '../../lib/model/block-yaml.js';
import type { FieldPath } from '../../lib/model/field-path.js';
import { yamlPlace, yamlRead } from '../helpers/yaml-reference.js';
import { random } from '../helpers/random.js';

/** Every path into `value` (and one missing key or index below each collection). */
function paths(value: unknown, path: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [path, [...path, 'missing'], [...path, 7], [...path, -1], [...path, 0.5]];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...path, i]));
  } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...path, k]));
  return out;
}

/** Reads `text` with the block reader and checks every value and place against the yaml library. */
function expectSameAsYaml(text: string): void {
  const block = readBlockYaml(text);
  expect(block, 'read by the block reader').toBeDefined();
  const reference = yamlRead(text);
  expect(reference, 'valid YAML').toBeDefined();
  expect(block!.values).toEqual(reference!.docs.map((d) => d.value));
  block!.values.forEach((value, index) => {
    for (const path of paths(value)) {
      for (const atKey of [false, true]) {
        const { line, col } = block!.lines.linePos(offsetOf(block!.nodes, block!.roots[index], path, atKey));
        expect(`${line}:${col}`, `document ${index}, ${JSON.stringify(path)}${atKey ? ' (key)' : ''}`).toBe(
          yamlPlace(reference!, index, path, atKey),
        );
      }
    }
  });
}

/**
 * One test per text of `cases`: read by the block reader as the yaml library reads it, or left to
 * the library; and one that at least `atLeast` of them are read (the cases reach the subset).
 */
function readAsYamlOrLeft(cases: readonly string[], atLeast: number, what = 'most of them'): void {
  for (const c of cases) {
    it(JSON.stringify(c), () => {
      if (readBlockYaml(c)) expectSameAsYaml(c);
    });
  }
  it(`reads ${what}`, () => {
    expect(cases.filter((c) => readBlockYaml(c)).length).toBeGreaterThanOrEqual(atLeast);
  });
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # a comment
  namespace: 'shop'
  labels:
    app: web
    "app.kubernetes.io/part-of": "shop front"
  annotations: {}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
        args: []
        ports:
        -   containerPort: 8080
            name: http
        env:
          - name: A
            value: 'it''s #1'
          -
            name: B
            value: a#b
      volumes:
        - name: data
          emptyDir: {}
`;

describe('the block reader reads what the yaml library reads, at the same places', () => {
  it('a Deployment as kubectl and people write it: comments, quotes, compact and indented sequences, {} and []', () => {
    expectSameAsYaml(deployment);
  });

  it('several documents, with comments and empty documents between them', () => {
    expectSameAsYaml(
      `# leading comment\n---\n${deployment}---\n# only a comment\n---\n\n---   # marker comment\n${deployment.replace(/web/g, 'api')}---\n`,
    );
  });

  it('CRLF line ends and a BOM', () => {
    expectSameAsYaml(`\uFEFF${deployment}---\r\n${deployment}`.replace(/\n/g, '\r\n').replace(/\r\r\n/g, '\r\n'));
    expectSameAsYaml(`\uFEFF# c\n${deployment}`);
  });

  it('plain scalars as the core schema reads them', () => {
    const scalars = [
      '010',
      '0o17',
      '0x1F',
      '1_000',
      '-12',
      '+3',
      '1.5',
      '1.',
      '.5',
      '1e3',
      '-1.5E-3',
      '.inf',
      '-.Inf',
      '+.INF',
      '.nan',
      '.NaN',
      'true',
      'True',
      'TRUE',
      'false',
      'yes',
      'no',
      'on',
      'off',
      'y',
      'n',
      'null',
      'Null',
      'NULL',
      '~',
      'nULL',
      '0b101',
      '1:30',
      '2001-12-14',
      '0.0.0.0/0',
      'http://x.io:80/a?b=c',
      'a,b[c]{d}',
      '-x',
      '--flag=1',
      "it's",
      'é ü 中',
    ];
    const entries = scalars.map((s, i) => `  k${i}: ${s}\n`).join('');
    const items = scalars.map((s) => `- ${s}\n`).join('');
    expectSameAsYaml(`apiVersion: v1\nkind: ConfigMap\ndata:\n${entries}list:\n${items}`);
  });

  it('a document indented as a whole, and a root mapping of one key', () => {
    expectSameAsYaml('  a: 1\n  b:\n    - x\n---\nc: d\n');
  });

  it('nested sequences and mappings inside sequences at several indentations', () => {
    expectSameAsYaml('a:\n-\n  - x\n  - y\nb:\n  -\n    -\n      c: 1\n      d:\n      - 2\n');
  });
});

describe('one-line edge cases: read as the yaml library reads them, or left to it', () => {
  const cases = [
    'k: --- x',
    'k: -1',
    'k: ~x',
    'k: x~',
    "k: 'a'  # c",
    'k: "a" # c',
    'k: a  #c',
    'k:\n- a #c',
    'k: [] # c',
    'k: {}#c',
    'k: ...',
    'k: a\t',
    'k: x ',
    'k: "" ',
    "k: ''",
    'k: =',
    'k: <<',
    'k: a,b',
    'k: x]',
    'k: x}',
    'k: !x',
    'k: a !b',
    'k: a &b',
    'k: a *b',
    'k: -.5',
    'k: 0.',
    'k: 00',
    'k: 0o',
    'k: 0x',
    'k: +',
    'k: .',
    'k: 1e',
    'k: 1e+',
    'k: 12:30:00',
    'k: "a\'b"',
    "k: 'a\"b'",
    'k: x #',
    'k: a:b',
    'k: a::',
    '"k y": 1',
    "'k''q': 1",
    'k-: 1',
    'k.: 1',
    'k/: 1',
    '"": 1',
    "k: ' a '",
    '/a: 1',
    '/: 1',
    'k:\n- /a: b',
    'k: {/foo: {port: 80}, /a/b: 1}',
  ];
  readAsYamlOrLeft(
    cases.map((c) => `${c}\n`),
    cases.length - 5,
  );
});

describe('literal block scalars: read as the yaml library reads them, or left to it', () => {
  const cases = [
    'a: |\n  x\n  y\n',
    'a: |-\n  x\n  y\n',
    'a: |\n  x\n\n  y\n\n\nb: 1\n',
    'a: |\n  x\n# c\nb: 1\n',
    'a: |\n  # not a comment\n  x\n',
    'a: | # c\n  x\n',
    'a: |\n    x\n  y\n',
    'a: |\n  x\n   y\n',
    'a: |\n  x',
    'a: |-\n  x',
    'a: |\n\n  x\n',
    'a: |\n  x\n    \n  y\n',
    'a: |\n  x\n \n  y\n',
    'a: |\nb: 1\n',
    'a:\n- |\n  x\n- y\n',
    'a:\n  - |\n    x\n  - y\n',
    'l:\n- a: |\n    x\n  b: 1\n',
    'a: |\n  x\n---\nb: |\n  y\n',
    'a: |\r\n  x\r\n\r\n  y\r\nb: 1\r\n',
    'a: |+\n  x\n',
    'a: |2\n  x\n',
    'a: >\n  x\n',
    'a: |\n  x\n  ---\n',
    'a: |\n x\n',
    'k:\n  a: |\n   x\n  b: 2\n',
    'a: |\n  x  \n  y z\n',
    'a: |x\n  y\n',
    'a: |-  # c\n  x\n\n',
  ];
  readAsYamlOrLeft(cases, cases.length - 10, 'the plain ones');
  it('a ConfigMap with a script, as helm writes it', () => {
    expectSameAsYaml(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n  run.sh: |\n    #!/bin/sh\n    set -e\n\n    exec app --port: 80 # "x"\n  other: y\n',
    );
  });
});

describe('plain and single-quoted scalars on several lines: read as the yaml library reads them, or left to it', () => {
  const cases = [
    'a: x\n  y\n',
    'a: x\n y\nb: 1\n',
    'a: x\n  y\n    z\n',
    'a: x  \n  y  \n  z\n',
    'a: x\n\n  y\n',
    'a: x\n\n\n  y\n\nb: 1\n',
    'a: x\n   \n  y\n',
    'a: x\r\n  y\r\n\r\n  z\r\n',
    'a: 1\n  2\n',
    'a: true\n  x\n',
    'a: x\n  - y\n',
    'a: x\n  -y\n',
    'a: x\n  [y] {z} `w` "v" \'u\' &t *s !r |q >p %o @n ,m ? l\n',
    'a: x\n  ---\n',
    'a: x\n  ...\n',
    'a: x\n  y:z\n',
    'a: x\n  y #c\n',
    'a: x\n  #c\n  y\n',
    'a: x\n  y\n  # c\n',
    'a: x\n  y\n# c\nb: 1\n',
    'a: x # c\n  y\n',
    'a: x\n  y: z\n',
    'a: x\n  y:\n',
    'a: x\n  : y\n',
    '- a: x\n   y\n',
    '- a: x\n  y\n',
    'l:\n- a: x\n   y\n  b: 1\n',
    'a:\n  b: x\n   y\n  c: 1\n',
    'a:\n- x\n  y\n',
    'a: x\n---\nb: y\n  z\n',
    "a: 'x\n  y'\n",
    "a: 'x\n y'\n",
    "a: 'x\ny'\n",
    "a: 'x  \n   y  '\n",
    "a: 'x\n\n  y'\n",
    "a: 'x\n  \n  y'\n",
    "a: 'x\n  ''y'' z'\n",
    "a: 'x'' \n  y'\n",
    "a: 'x\n  y' # c\n",
    "a: 'x\n  y' z\n",
    "a: 'x\n  #y: z - w'\n",
    "a: 'x\n---\n  y'\n",
    "- a: 'x\n  y'\n",
    "- a: 'x\n   y'\n",
    "a: 'x\n  y\n  z'\nb: 1\n",
    "a: '\n  y'\n",
    "a: 'x\n  '\n",
    "a: 'x\n  y'\n  b\n",
    "a: 'x\n  y\n",
    "a: 'x\r\n  y'\r\nb: 1\r\n",
    "a: ' x '\nb: 'it''s'\n",
    'a: "x\n  y"\n',
    "a:\n- 'x\n  y'\n",
    "a: {b: 'x\n  y'}\n",
  ];
  readAsYamlOrLeft(cases, Math.floor(cases.length / 2) + 1);
  it('a CRD as controller-gen writes it: descriptions wrapped into plain and single-quoted lines', () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        description: Widget is the Schema for the widgets API. It is served
          by the example operator.
        properties:
          spec:
            properties:
              interval:
                description: 'Interval at which to check the source for updates.
                  This interval is approximate and may be subject to jitter to ensure
                  efficient use of resources.'
                pattern: ^([0-9]+(.[0-9]+)?(ms|s|m|h))+$
                type: string
              suspend:
                description: Suspend tells the controller to suspend the reconciliation
                  of this source.

                  It defaults to false.
                type: boolean
            type: object
            x-kubernetes-validations:
            - message: 'spec.interval must be set when suspend is false, it''s
                required'
              rule: '!self.suspend || has(self.interval)'
        type: object
    served: true
    storage: true
`;
    expectSameAsYaml(crd);
  });
});

describe('flow collections on one line, and plain scalars starting with a colon', () => {
  const cases = [
    'k: :5001',
    'k: ::1',
    'k: :',
    'k: [a, b]',
    'k: [ a , "b" ,c ]',
    'k: [1, 0x1F, .inf, ~, true]',
    'k: {a: 1, b: x}',
    'k: { app: web }',
    'k: {"a": 1}',
    "k: {'a': b}",
    'k: {a: 1,}',
    'k: [a,]',
    'k: [a b, c]',
    'k: [a:b]',
    'k: {a:b}',
    'k: {a: http://x}',
    'k: [a#b]',
    'k: [a #b]',
    'k: [ ]',
    'k: { }',
    'k: [[a]]',
    'k: [{a: 1}]',
    'k: [-1]',
    'k: [a, , b]',
    'k: {a: }',
    'k: {1: a}',
    'k: {a: 1, a: 2}',
    'k: ["a"b]',
    'k: [a] x',
    'k: [a]#c',
    'k: [a] # c',
    'l:\n- [a, b]',
    'k:\n- {a: b, c: d}\n- [x]',
    'k: {a: "x,y", b: \'p q\'}',
    'k: [--port, -v, -1, -.5, -x-y]',
    'k: [-]',
    'k: [- a]',
    'k: {a: -b}',
    'k: {-a: b}',
    'k: [-#]',
    'k: [-:]',
    'k: [-"]',
    'k: [é, ü]',
    'k: [a',
    'k: {a: 1',
    'k: [ReadWriteOnce]',
    'k: {__proto__: 1}',
    'k: [a, {}]',
    'k: {b: [1]}',
    'k: { http: { path: /healthz }, periodSeconds: 10 }',
    'k: { secret: { keys: [username, password, database] }, backup: { schedule: "0 2 * * *", storage: 2Gi } }',
    'k: { roles: [control-plane], address: 192.168.122.130 }',
    'k: { live: blue, blue: demoapp:1, green: demoapp:1 }',
    'k: [[a, [b, []]], {}, {a: {}}]',
    'k: [{a: 1}, {b: [x, y]}]',
    'k: {a: [1, 2], b: {c: {d: e}}}',
    'k: {a: b:c, d: http://x:80/y}',
    'k: [a:, b]',
    'k: [a: b]',
    'k: {a: b: c}',
    'k: {a:[1]}',
    'k: {a: [1]x}',
    'k: {a: [1] , b: 2}',
    'k: {a: [1],b: 2}',
    'k: {a: x#y}',
    'k: {a: x #y}',
    'k: {a : 1}',
    'k: {"a":1}',
    'k: {a-b: 1, c.d/e: 2}',
    'k: {? a: 1}',
    'k: [a]]',
    'k: [a}',
    'k: {a: 1]',
    'k: [{a: 1, a: 2}]',
    'k: [[1,],]',
    'k: {a: :x}',
    'k: {a: x:}',
    'k: [-1:2, x:-]',
    'k: [a, [b, c] ] # c',
    'k: {a: [b, {c: d}]}#c',
    'k: [1, 0x1F, [.inf, ~], {t: true, n: null}]',
  ];
  readAsYamlOrLeft(
    cases.map((c) => `${c}\n`),
    17,
    'the flat ones',
  );
});

describe('the block reader leaves to the yaml library what it is not sure of', () => {
  const outside: Record<string, string> = {
    'an anchor and an alias': 'a: &x 1\nb: *x\n',
    'a tag': 'a: !!str 1\n',
    'a literal block scalar with a keep indicator': 'a: |+\n  x\n',
    'a literal block scalar with leading empty lines': 'a: |\n\n  x\n',
    'a folded block scalar': 'a: >-\n  x\n',
    'a plain scalar continued after a comment': 'a: x # c\n  y\n',
    'a comment line inside a plain scalar': 'a: x\n  #c\n  y\n',
    'a plain scalar continued by a line that would be an entry': 'a: x\n  y: z\n',
    'a plain scalar on two lines in a sequence': 'a:\n- x\n  y\n',
    'a double-quoted scalar on two lines': 'a: "x\n  y"\n',
    'a single-quoted scalar on two lines in a sequence': "a:\n- 'x\n  y'\n",
    'a single-quoted scalar without its closing quote': "a: 'x\n  y\n",
    "a single-quoted scalar continued at its key's indentation": "a: 'x\ny'\n",
    'a nested flow collection on two lines': 'a: {b: [1,\n  2]}\n',
    'a comment inside a flow collection': 'a: {b: [1 # c\n  ]}\n',
    'a flow sequence on two lines': 'a: [1,\n  2]\n',
    'an empty value': 'a:\nb: 1\n',
    'an empty value at the end': 'a: 1\nb:\n',
    'an empty sequence item': 'a:\n-\n- 1\n',
    'an escape in double quotes': 'a: "x\\ty"\n',
    'a tab': 'a:\tb\n',
    'a directive': '%YAML 1.1\n---\na: 1\n',
    'an explicit document end': 'a: 1\n...\n',
    'a duplicate key': 'a: 1\na: 2\n',
    'a key written once plain and once quoted': 'a: 1\n"a": 2\n',
    'a __proto__ key': '__proto__: 1\n',
    'a key the schema reads as a number': '80: http\n',
    'a key the schema reads as a boolean': 'true: 1\n',
    'a key with a space': 'a b: 1\n',
    'an explicit key': '? a\n: 1\n',
    'a root sequence': '- a\n',
    'a root scalar': 'just text\n',
    'a nested mapping on one line': 'a: b: c\n',
    'a value ending in a colon': 'a: b:\n',
    'content after a quoted scalar': 'a: "x" y\n',
    'a comment without a space after a quoted scalar': 'a: "x"#c\n',
    'content after a document marker': '--- a: 1\n',
    'a lone CR': 'a: 1\rb: 2\n',
    'a line separator': 'a: x\u2028y\n',
    'a next-line character': 'a: x\u0085y\n',
    'a control character': 'a: x\u0007y\n',
    'a BOM inside the text': 'a: x\uFEFFy\n',
    'an astral character': 'a: 😀\n',
    'a less indented line after a deeper one': 'a:\n    b: 1\n  c: 2\n',
    'a more indented line after a value': 'a: 1\n  b: 2\n',
    'a sequence under a key at a lower indentation': 'a:\n  b:\n - 1\n',
    'a sequence in a sequence on one line': 'a:\n- - 1\n',
    'a reserved indicator': 'a: @x\n',
    'a key of more than 1,000 characters': `${'k'.repeat(1001)}: 1\n`,
    // merge keys are expanded by the yaml library (lib/model/read-yaml.ts), never read as a key `<<`
    'a merge key with a mapping in place': 'a:\n  <<: {b: 1}\n  c: 2\n',
    'a merge key in a flow mapping': 'a: {<<: {b: 1}, c: 2}\n',
  };
  for (const [what, text] of Object.entries(outside)) {
    it(what, () => {
      expect(readBlockYaml(text)).toBeUndefined();
    });
  }

  it('nesting deeper than its bound', () => {
    const deep = Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i)}k${i}:\n`).join('') + `${'  '.repeat(70)}v: 1\n`;
    expect(readBlockYaml(deep)).toBeUndefined();
    const shallow = Array.from({ length: 20 }, (_, i) => `${'  '.repeat(i)}k${i}:\n`).join('') + `${'  '.repeat(20)}v: 1\n`;
    expectSameAsYaml(shallow);
  });
});

describe('whatever the text, the block reader reads the same as the yaml library or nothing', () => {
  /** A deterministic generator scaled to [0, n), so that a failure can be replayed. */
  function scaled(seed: number) {
    const next = random(seed);
    return (n: number) => next() * n;
  }
  // mostly what the block reader reads, sometimes what it must leave to the yaml library
  const goodKeys = ['a', 'b', 'name', '"q"', "'s'", 'x.y/z', 'on', 'k-1', '"a"'];
  const badKeys = ['1', 'a b', 'null', '__proto__', '? a'];
  const goodValues = [
    ' [a, b]',
    ' [--x, -1, "-"]',
    ' { k: v, "q": 1 }',
    ' [ ]',
    " [1, x y, 'z']",
    ' :x',
    ' |',
    ' |-',
    '',
    ' 1',
    ' x',
    ' "y"',
    " 'z'",
    ' {}',
    ' []',
    ' # c',
    ' x # c',
    ' x#c',
    ' 0x1F',
    ' .inf',
    ' ~',
    ' 1_0',
    " 'it''s'",
    ' { a: [1, 2], b: { c: d } }',
    ' [[a], {b: c:d}, []]',
    ' { http: { path: /healthz }, n: 10 }',
    " 'opened",
    " 'it''s opened ",
  ];
  // lines that continue a plain or single-quoted scalar (or would be read as one)
  const goodContinuations = [
    'more words',
    'x  y ',
    "closed'",
    "closed' # c",
    "it''s'",
    "'",
    '- dash',
    '[a] {b} `c` "d" &e *f !g',
    '...',
    '1',
  ];
  const badContinuations = ["closed' x", 'a: b', 'c:', 'x #c', '# c', ': x', "'x", '"open'];
  const badValues = [
    ' [a,]',
    ' {a:b}',
    ' [[a]]',
    ' {a: 1',
    ' a: b',
    ' &a x',
    ' *a',
    ' |+',
    ' |2',
    ' -',
    ' - x',
    ' [1]',
    ' "a\\"',
    ' x:',
    ' "x"#',
    ' !!str x',
    ' >',
  ];
  const pick = (rnd: (n: number) => number, good: string[], bad: string[]) =>
    rnd(8) < 1 ? bad[Math.floor(rnd(bad.length))] : good[Math.floor(rnd(good.length))];
  let previous = 0;
  const line = (rnd: (n: number) => number): string => {
    // mostly the indentation of the line before, or one step in or out; sometimes an odd one
    previous = Math.max(0, previous + [0, 0, 2, -2, -4, 1][Math.floor(rnd(6))]);
    const indent = ' '.repeat(previous);
    const r = rnd(10);
    if (r < 1) return '---';
    if (r < 1.3) return `${indent}x: y # z`;
    if (r < 1.5) return `${indent}# comment`;
    if (r < 2) return '';
    if (r < 4) return `${indent}-${rnd(3) < 1 ? '' : ` ${pick(rnd, goodKeys, badKeys)}:${pick(rnd, goodValues, badValues)}`}`;
    if (r < 4.5) return `${indent}-${pick(rnd, goodValues, badValues)}`;
    if (r < 5.3) return `${indent}${pick(rnd, goodContinuations, badContinuations)}`;
    return `${indent}${pick(rnd, goodKeys, badKeys)}:${pick(rnd, goodValues, badValues)}`;
  };

  it('on 5,000 random texts made of the lines manifests are made of (and of some they should not be)', () => {
    const rnd = scaled(19);
    let read = 0;
    for (let i = 0; i < 5000; i++) {
      previous = 0;
      const text = `${Array.from({ length: 1 + Math.floor(rnd(8)) }, () => line(rnd)).join('\n')}\n`;
      const block = readBlockYaml(text);
      if (!block) continue;
      read++;
      const reference = yamlRead(text);
      expect(reference, `valid YAML: ${JSON.stringify(text)}`).toBeDefined();
      expect(block.values, JSON.stringify(text)).toEqual(reference!.docs.map((d) => d.value));
      if (block.values.length) expectSameAsYaml(text);
    }
    // the generator must exercise both sides
    expect(read).toBeGreaterThan(400);
    expect(read).toBeLessThan(4500);
  });
});

describe('whatever the scalar on several lines, the block reader reads the same as the yaml library or nothing', () => {
  it('on 3,000 random mappings whose values go on over lines of random indentation, content and blank lines', () => {
    const next = random(23);
    const rnd = (n: number) => Math.floor(next() * n);
    // mostly words any scalar may hold, sometimes what ends one or is not one
    const words = [
      'x',
      'it',
      "it''s",
      'a:b',
      '- d',
      '[e]',
      '{f}',
      '`g`',
      '"h"',
      '1',
      'true',
      '~',
      '...',
      '---',
      '  ',
      '%',
      '&i',
      '*j',
      '!k',
      '|',
      '>',
      '?',
      ',',
    ];
    const odd = ["'", "''", 'a: b', 'c:', '#', ' #c'];
    const word = () => (rnd(10) ? words[rnd(words.length)] : odd[rnd(odd.length)]);
    const text = (n: number) => Array.from({ length: 1 + rnd(n) }, word).join(rnd(4) ? ' ' : '');
    let read = 0;
    let multi = 0;
    for (let i = 0; i < 3000; i++) {
      const lines: string[] = [];
      const indent = rnd(3) * 2;
      if (indent) lines.push(rnd(2) ? 'top:' : '- top: 1');
      for (let e = 0; e < 1 + rnd(3); e++) {
        const key = `${' '.repeat(indent)}k${e}`;
        const quoted = rnd(2) === 0;
        const body = [text(3), ...Array.from({ length: rnd(4) }, () => text(3))];
        const last = body.length - 1;
        for (const [j, part] of body.entries()) {
          const content = `${quoted && j === 0 ? "'" : ''}${part}${quoted && j === last && rnd(6) ? "'" : ''}${j === last && rnd(5) === 0 ? ' # c' : ''}`;
          if (j === 0) lines.push(`${key}: ${content}`);
          else {
            for (let b = rnd(4) === 0 ? 1 + rnd(2) : 0; b > 0; b--) lines.push(' '.repeat(rnd(indent + 4)));
            lines.push(`${' '.repeat(Math.max(0, indent + [1, 2, 2, 4, 0, -1][rnd(6)]))}${content}`);
          }
        }
      }
      const source = `${lines.join(rnd(8) ? '\n' : '\r\n')}\n`;
      const block = readBlockYaml(source);
      if (!block) continue;
      read++;
      if (lines.length > 2 + (indent ? 1 : 0)) multi++;
      const reference = yamlRead(source);
      expect(reference, `valid YAML: ${JSON.stringify(source)}`).toBeDefined();
      expect(block.values, JSON.stringify(source)).toEqual(reference!.docs.map((d) => d.value));
      expectSameAsYaml(source);
    }
    // the generator must exercise both sides, and scalars on several lines among what is read
    expect(read).toBeGreaterThan(250);
    expect(read).toBeLessThan(2700);
    expect(multi).toBeGreaterThan(120);
  });
});

describe('plain scalars that start with a letter are strings without trying every tag', () => {
  it('in use with the yaml library installed: its core tags are the ones the shortcut knows', () => {
    expect(PLAIN_SHORTCUT).toBe(true);
  });

  it('no core tag reads a scalar starting with a character other than ~ n N t T f F, a digit, + - or .', () => {
    const tests = new Schema({ schema: 'core' }).tags.filter((t) => t.default === true && t.test).map((t) => t.test!);
    const missed: string[] = [];
    for (let c = 0x20; c < 0x3000; c++) {
      const first = String.fromCharCode(c);
      if ('~nNtTfF0123456789+-.'.includes(first)) continue;
      for (const rest of ['', 'ull', 'rue', 'alse', '1', '0', '.5', 'inf', 'nan', 'x1F', 'o7', 'e3']) {
        if (tests.some((t) => t.test(first + rest))) missed.push(first + rest);
      }
    }
    expect(missed).toEqual([]);
  });
});
