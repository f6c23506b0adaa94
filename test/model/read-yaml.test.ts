import { describe, expect, it } from 'vitest';
import { problems as stageProblems } from '../helpers/stage.js';
import { offsetInDocument, readYaml, type ReadYamlOptions } from '../../lib/model/read-yaml.js';
import { formatProblem } from '../../lib/errors.js';

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

  it('reports a line indented with a tab once, without the errors of the lines it makes nest wrongly', () => {
    const text = 'apps:\n  nginx:\n    replicas: 1\n\timage: nginx:1.25\n    ports:\n      http: { port: 80 }\n';
    expect(problems(text, stageFile)).toEqual([
      '4:1 yaml/tab-as-indent: Tabs are not allowed as indentation\n  hint: indent with spaces: YAML does not allow tabs in indentation',
    ]);
  });

  it('reports a git merge conflict once, at its <<<<<<< line, instead of the errors of both sides', () => {
    const conflicted = [
      'apps:',
      '  nginx:',
      '<<<<<<< HEAD',
      '    replicas: 3',
      '=======',
      '    replicas: 4',
      '>>>>>>> feature',
      '    image: nginx:1.25',
      '',
    ].join('\n');
    expect(stageProblems(conflicted, 'environments/lab.yaml')).toEqual([
      'environments/lab.yaml:3:1: a git merge conflict (to line 7): the file holds both sides of a change between conflict markers, so it is not what either side meant\n' +
        '  hint: resolve the conflict: keep the lines you mean, delete the <<<<<<<, ======= and >>>>>>> lines (or git checkout --ours/--theirs the file), then run the command again',
    ]);
    // each conflict of a manifest file, and CRLF lines
    const two = `a: 1\r\n<<<<<<< HEAD\r\nb: 1\r\n=======\r\nb: 2\r\n>>>>>>> x\r\nc: 1\r\n<<<<<<< HEAD\r\nd: 1\r\n=======\r\n>>>>>>> x\r\n`;
    expect(readYaml(two, 'm.yaml', manifests).problems.map((p) => [p.code, p.location?.line, p.location?.column])).toEqual([
      ['input/merge-conflict', 2, 1],
      ['input/merge-conflict', 8, 1],
    ]);
    // a line of seven < alone, in a value, is no conflict
    expect(readYaml('a: |\n  <<<<<<< x\n  >>>>>>> y\n', 'm.yaml', manifests).problems).toEqual([]);
  });

  it("calls a repeated key of a manifest a key, and a stage file's a setting, with a hint", () => {
    expect(problems('data:\n  A: "1"\n  A: "2"\n')).toEqual([
      "3:3 yaml/duplicate-key: duplicate key 'A'; each key may appear once per mapping\n  hint: keep the one you mean and remove the other",
    ]);
    expect(problems('apps: {}\nnamespace: a\nnamespace: b\n', stageFile)).toEqual([
      "3:1 yaml/duplicate-key: duplicate key 'namespace'; each setting may appear once per mapping\n  hint: keep the one you mean and remove the other",
    ]);
  });

  it('never prints a repeated key that is a secret (a token pasted as a key), in a manifest or a stage file', () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    // was: "duplicate key 'ghp_...'", the token in npm run check's text and --json, and in synth's problem
    expect(problems(`data:\n  ${token}: "1"\n  ${token}: "2"\n`)).toEqual([
      '3:3 yaml/duplicate-key: duplicate key (a 40-character key, hidden); each key may appear once per mapping\n  hint: keep the one you mean and remove the other',
    ]);
    expect(problems(`apps: {}\nx:\n  ${token}: 1\n  ${token}: 2\n`, stageFile).join('\n')).not.toContain(token);
  });

  it('never prints a secret pasted as an alias or a directive, which their messages quote', () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    // was: 'the alias *ghp_... names no anchor', 'set the anchor &ghp_...', and 'the directive %ghp_... makes kubectl ... refuse'
    const alias = problems(`a: 1\nb: *${token}\n`);
    const directive = problems(`a: 1\n---\n%${token}\n`);
    expect(alias.map((p) => p.split('\n')[0])).toEqual([
      '2:4 yaml/alias: the alias *(a 40-character name, hidden) names no anchor before it in its document (kubectl refuses it: unknown anchor)',
    ]);
    expect(directive.map((p) => p.split(' makes ')[0])).toEqual(['3:1 input/yaml-directive: the directive (a 41-character value, hidden)']);
    expect([...alias, ...directive].join('\n')).not.toContain(token);
    // nor a password that starts with *, which YAML reads as an alias, under a secret's name
    const password = problems('data:\n  DB_PASSWORD: *Xk9vQ2mLr7pT\n');
    expect(password.join('\n')).not.toContain('Xk9vQ2mLr7pT');
    // said as the value it is, with quotes for a hint: was 'set the anchor &(a 12-character name, hidden) in this document'
    expect(password).toEqual([
      '2:16 yaml/alias: (a 13-character value, hidden) starts with *, which YAML reads as an alias, and names no anchor (kubectl refuses it: unknown anchor)\n' +
        '  hint: quote it for the string; it is not printed, being a secret, which belongs in a Secret made in the cluster',
    ]);
    // nor under an env var's name, the setting of an entry's value (was printed: its holder 'value' names no secret)
    expect(problems('env:\n  - name: DB_PASSWORD\n    value: *Xk9vQ2mLr7pT\n').join('\n')).not.toContain('Xk9vQ2mLr7pT');
    expect(problems('env:\n  - name: MODE\n    value: *base\n')[0]).toContain('the alias *base names no anchor');
    expect(problems('data:\n  A: *base\n')[0]).toContain('the alias *base names no anchor');
  });

  it("never prints a password the parser quotes, one that starts with a block scalar's indicator or reads as a tag", () => {
    for (const value of ['|Xk9vQ2mLr7pT', '>-Xk9vQ2mLr7pT', '!a!Xk9vQ2mLr7pT']) {
      const said = problems(`data:\n  DB_PASSWORD: ${value}\n`);
      // was: 'Block scalar header includes extra characters: |Xk9vQ2mLr7pT', 'Could not resolve tag: !a!Xk9vQ2mLr7pT'
      expect(said.length, value).toBeGreaterThan(0);
      expect(said.join('\n'), value).not.toContain('Xk9vQ2mLr7pT');
      expect(said[0], value).toContain(`(a ${value.length}-character value, hidden)`);
    }
    // nor a token wherever it is; what a setting that names no secret quotes is said as before
    expect(problems('data:\n  note: |ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5\n').join('\n')).not.toContain('ghp_aB3d');
    expect(problems('data:\n  MODE: |x\n')[0]).toContain('Block scalar header includes extra characters: |x');
  });

  it('reports the keys that are repeated or are collections in file order, with a hint for template syntax', () => {
    expect(problems('a: 1\nb:\n  {{ .Values.x }}: 1\na: 2\nc: {{ .Values.y }}\n').map((p) => p.split('\n')[0])).toEqual([
      '3:3 yaml/non-string-key: a key here is a list or a mapping; keys are plain names',
      '3:4 yaml/non-string-key: a key here is a list or a mapping; keys are plain names',
      "4:1 yaml/duplicate-key: duplicate key 'a'; each key may appear once per mapping",
      '5:5 yaml/non-string-key: a key here is a list or a mapping; keys are plain names',
    ]);
    expect(problems('c: {{ .Values.y }}\n')[0]).toContain('hint: this is template syntax ({{ ... }}, as in a Helm chart)');
    expect(problems('c: { [a]: 1 }\n')[0]).toContain('hint: write the key as a plain name');
  });

  it("says a YAML error is a template's where its line holds one, as a Helm value left in a name (name: {{ .Release.Name }}-config)", () => {
    const left = problems('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n');
    expect(left).toEqual([
      '4:28 yaml/unexpected-token: Unexpected scalar at node end\n' +
        '  hint: this is template syntax ({{ ... }}, as in a Helm chart), not YAML: render the template first (helm template) and read its output',
    ]);
    // the same error away from a template keeps its own hint
    expect(problems('a: [1, 2]]\nb: "{{ x }}"\n')[0]).toContain('hint: correct the YAML at this place');
  });

  it("does not take a quoted {{ for a template: rendered Prometheus text before an unrelated error keeps the error's own hint", () => {
    const rule = 'annotations:\n  summary: "Instance {{ $labels.instance }} down"\n  labels: [1, 2]]\n';
    const [problem] = problems(rule);
    expect(problem).toContain('hint: correct the YAML at this place');
    expect(problem).not.toContain('template syntax');
    expect(problems("annotations:\n  summary: 'Instance {{ $labels.instance }} down'\n  labels: [1, 2]]\n")[0]).not.toContain(
      'template syntax',
    );
    // unquoted, it is a template's
    expect(problems(rule.replace('"Instance {{ $labels.instance }} down"', '{{ .Values.summary }}'))[0]).toContain('template syntax');
  });

  describe('merge keys (<<), which kubectl and kustomize expand', () => {
    const read = (text: string, options = manifests) => readYaml(text, 'f.yaml', options);

    it('are expanded: the keys a mapping writes win over merged ones, and the first of several merged mappings wins', () => {
      const text = 'a: &a { p: 1, q: 1 }\nb: &b { q: 2, r: 2 }\nc:\n  <<: [*a, *b]\n  p: 3\nd:\n  <<: *b\n  <<: { s: 4 }\n';
      const { values, problems: found } = read(text);
      expect(found).toEqual([]);
      expect(values[0]).toMatchObject({ c: { p: 3, q: 1, r: 2 }, d: { q: 2, r: 2, s: 4 } });
      expect(Object.keys(values[0] as object)).not.toContain('<<');
    });

    it('are expanded in stage files too, and a quoted "<<" stays a key of its own, as in kubectl', () => {
      expect(read('a: &a { p: 1 }\nb:\n  <<: *a\n', stageFile).values[0]).toEqual({ a: { p: 1 }, b: { p: 1 } });
      expect(read('a: &a { p: 1 }\nb:\n  "<<": *a\n').values[0]).toEqual({ a: { p: 1 }, b: { '<<': { p: 1 } } });
    });

    it('place a merged key at the merge that brings it in, and a written key where it is written', () => {
      const text = 'a: &a { p: 1 }\nb: &b { r: 2 }\nc:\n  q: 0\n  <<: [*a, *b]\n';
      const { docs, lines } = read(text);
      const place = (path: string[]) => {
        const { line, col } = lines.linePos(offsetInDocument(docs[0], path, true));
        return `${line}:${col}`;
      };
      expect([place(['c', 'p']), place(['c', 'r']), place(['c', 'q'])]).toEqual(['5:7', '5:7', '4:3']);
    });

    it('refuse an alias (merged or not) of an anchor set in an earlier document, at the alias, saying that anchors do not carry over ---', () => {
      const cm = (name: string, data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: ${data}\n`;
      const later = 'anchors do not carry over a --- line (kubectl refuses it: unknown anchor)';
      const hint = '  hint: set the anchor &d in this document, before the alias, or write the values out';
      expect(problems(`${cm('a', '&d { k: v }')}---\n${cm('b', '*d')}`)).toEqual([
        `9:7 yaml/alias: the alias *d names the anchor &d of an earlier document: ${later}\n${hint}`,
      ]);
      expect(problems(`${cm('a', '&d { k: v }')}---\n${cm('b', '\n  <<: *d\n  x: y')}`)).toEqual([
        `10:7 yaml/alias: the alias *d names the anchor &d of an earlier document: ${later}\n${hint}`,
      ]);
      expect(problems(cm('b', '\n  <<: *d'))).toEqual([
        `5:7 yaml/alias: the alias *d names no anchor before it in its document (kubectl refuses it: unknown anchor)\n${hint}`,
      ]);
    });

    it('refuse a merge of something other than a mapping at its place, with a hint', () => {
      for (const text of ['c:\n  <<: 1\n', 'a: &a [1]\nc:\n  <<: *a\n', 'c:\n  <<: [{ p: 1 }, x]\n']) {
        const line = text.split('\n').findIndex((l) => l.includes('<<')) + 1;
        expect(problems(text), text).toEqual([
          `${line}:7 yaml/merge: this merge key (<<) merges something other than a mapping\n` +
            '  hint: merge mappings only (`<<: *defaults`, `<<: [*a, *b]`, with each anchor on a mapping), or write the keys out',
        ]);
      }
    });
  });
});

describe('a byte-order mark inside a file (files saved with one, then joined: cat a.yaml b.yaml)', () => {
  const read = (text: string) => readYaml(text, 'team/all.yaml', { maxAliasCount: 1000, multi: true, what: 'manifest documents' });
  const doc = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

  it('is refused at each line it starts, saying kubectl skips it and how to remove it, rather than read as part of a key', () => {
    const text = `${doc('a')}---\n\ufeff${doc('b')}---\r\n\ufeff${doc('c')}`;
    expect(read(text).problems.map(formatProblem)).toEqual(
      [6, 11].map(
        (line) =>
          `team/all.yaml:${line}:1: a byte-order mark (U+FEFF, invisible in most editors) starts this line, inside the file, as joining files saved with one leaves it: kubectl skips it, and stagecraft would read it as part of the key here\n` +
          "  hint: remove it; a byte-order mark belongs only at the very start of a file (GNU sed: sed -i 's/^\\xEF\\xBB\\xBF//' team/all.yaml removes each one at the start of a line)",
      ),
    );
    expect(read(text).problems.map((p) => p.code)).toEqual(['input/byte-order-mark', 'input/byte-order-mark']);
  });

  it('piped in (<stdin>), gives the sed for the pipe, not sed -i on a file named <stdin>', () => {
    const [p] = readYaml(`${doc('a')}---\n\ufeff${doc('b')}`, '<stdin>', {
      maxAliasCount: 1000,
      multi: true,
      what: 'manifest documents',
    }).problems;
    expect(p.hint).toBe(
      "remove it; a byte-order mark belongs only at the very start of a file (GNU sed: put sed 's/^\\xEF\\xBB\\xBF//' in the pipe before npm run check -- -, or remove it from the files joined)",
    );
  });

  it('before a --- line, says that kubectl does not split the file there (its reader splits at lines starting with ---)', () => {
    const problems = read(`${doc('a')}\ufeff---\n${doc('b')}\ufeff--- # b\r\n${doc('c')}\ufeff----\n`).problems;
    expect(
      problems.map((p) => `${p.location?.line} ${p.message.includes('kubectl splits a file only at lines that start with ---')}`),
    ).toEqual(['5 true', '10 true', '15 false']);
    expect(problems[0].message).toBe(
      'a byte-order mark (U+FEFF, invisible in most editors) starts this --- line, inside the file, as joining files saved with one leaves it: kubectl splits a file only at lines that start with ---, so it does not read the document after this one as its own, and stagecraft would read the line as part of a key',
    );
  });

  it('is read as the yaml library reads it at the start of the file, and inside a value (where kubectl keeps it too)', () => {
    expect(read(`\ufeff${doc('a')}`)).toMatchObject({ problems: [], values: [{ metadata: { name: 'a' } }] });
    expect(read(`${doc('a')}data:\n  k: "x\ufeff"\n`).problems).toEqual([]);
  });
});
