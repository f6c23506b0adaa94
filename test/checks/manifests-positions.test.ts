import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { jsonReport, locateFindings, sarifReport, textReport } from '../../lib/checks/report.js';
import { readBlockYaml } from '../../lib/model/block-yaml.js';
import { yamlPlace, yamlRead } from '../helpers/yaml-reference.js';

/** A Deployment with findings (untagged image, no probes, no resources, an unknown field, a wrong type), written in several styles. */
const deployment = (i: number) => {
  // odd: the sequence at its key's indentation (as kubectl writes it); even: indented (as the yaml library writes it)
  const item = i % 2 ? '      ' : '        ';
  return `# app ${i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "app-${i}"
  labels: {}
spec:
  replicas: ${i % 3 === 0 ? "'2'" : '2'}   # a string where a number belongs, in every third
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
    spec:
${i % 2 ? '      containerz: []\n' : ''}      containers:
${item}- name: app
${item}  image: nginx
${item}  ports:
${item}  -   containerPort: ${i % 5 === 0 ? 99999 : 8080}
`;
};

const config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 'x'\n  b: 1\n";

/** Every finding's place as the CLI reports it, and where the yaml library's Document puts it. */
function places(text: string) {
  const manifests = parseManifests([{ file: 'm.yaml', text }]);
  const reference = yamlRead(text)!;
  // documents are the non-empty ones, in order; List items are not used here
  const docOf = new Map(manifests.objects.map((o, i) => [o, i]));
  return checkObjects(manifests.objects).findings.map((f) => {
    const l = manifests.locate(f)!;
    return {
      finding: `${f.code} ${JSON.stringify(f.path)}${f.atKey ? ' (key)' : ''}`,
      block: `${l.line}:${l.column}`,
      yaml: yamlPlace(reference, docOf.get(f.object)!, f.path, f.atKey ?? false),
    };
  });
}

describe('findings are placed by the block reader exactly where the yaml library places them', () => {
  const styles: Record<string, string> = {
    'documents with comments, quotes, flow {} and [], compact and indented sequences': [0, 1, 2, 3, 4, 5].map(deployment).join('---\n'),
    'empty and comment-only documents between objects': `---\n# nothing\n---\n${deployment(1)}---\n---\n${config}---\n${deployment(5)}`,
    'CRLF line ends': [2, 3].map(deployment).join('---\n').replace(/\n/g, '\r\n'),
    'a BOM': `\uFEFF${deployment(4)}---\n${config}`,
  };
  for (const [what, text] of Object.entries(styles)) {
    it(what, () => {
      expect(readBlockYaml(text), 'read by the block reader').toBeDefined();
      const found = places(text);
      expect(found.length).toBeGreaterThan(3);
      expect(new Set(found.map((f) => f.finding.split(' ')[0])).size).toBeGreaterThan(2);
      for (const f of found) expect(f.block, f.finding).toBe(f.yaml);
    });
  }

  it('CRLF line ends inside multi-line quoted and plain values: the values folded as kubectl reads them, each finding at its line and column', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: crlf',
      '  labels:',
      '    a: "bad',
      '      value"',
      "    b: 'x",
      '',
      "      y'",
      '    c: plain',
      '      folded',
      '    d: also bad',
      '',
    ].join('\r\n');
    // a double-quoted value over lines is read by the yaml library; the others by the block reader too
    const single = text.replace('"bad\r\n      value"', "'bad\r\n      value'");
    expect(readBlockYaml(text)).toBeUndefined();
    // the block reader reads the single-quoted file, to the value the yaml library reads
    expect(readBlockYaml(single)?.values).toEqual(yamlRead(single)!.docs.map((d) => d.value));
    expect(readBlockYaml(single)?.values[0]).toMatchObject({ metadata: { labels: { a: 'bad value', b: 'x\ny' } } });
    for (const [source, blockReader] of [
      [text, true],
      [single, true],
      [single, false],
    ] as const) {
      const m = parseManifests([{ file: 'm.yaml', text: source }], { blockReader });
      expect(m.objects[0].metadata.labels, `block reader: ${blockReader}`).toEqual({
        a: 'bad value',
        b: 'x\ny',
        c: 'plain folded',
        d: 'also bad',
      });
      const found = checkObjects(m.objects).findings.filter((f) => f.code === 'api/label-value');
      expect(found.map((f) => `${f.path.at(-1)} ${JSON.stringify(m.locate(f))}`)).toEqual([
        'a {"file":"m.yaml","line":6,"column":8}',
        'b {"file":"m.yaml","line":8,"column":8}',
        'c {"file":"m.yaml","line":11,"column":8}',
        'd {"file":"m.yaml","line":13,"column":8}',
      ]);
    }
  });

  it('the items of a v1 List, whose places are under items[i]', () => {
    const item = (i: number) =>
      deployment(i)
        .replace(/^# .*\n/, '')
        .replace(/^/gm, '    ')
        .replace(/^ {4}(?=\S)/, '  - ')
        .replace(/\n {4}$/, '\n');
    const text = `apiVersion: v1\nkind: List\nitems:\n${item(1)}${item(2)}${item(3)}`;
    expect(readBlockYaml(text), 'read by the block reader').toBeDefined();
    const block = parseManifests([{ file: 'l.yaml', text }]);
    const yaml = parseManifests([{ file: 'l.yaml', text }], { blockReader: false });
    expect(block.objects).toEqual(yaml.objects);
    const places = (m: typeof block) => checkObjects(m.objects).findings.map((f) => `${f.code} ${JSON.stringify(m.locate(f))}`);
    expect(places(block).length).toBeGreaterThan(5);
    expect(places(block)).toEqual(places(yaml));
  });

  it('a file the block reader leaves to the yaml library (anchors) gets the same places it always had', () => {
    const anchored = config.replace('  name: c\n', '  name: c\n  labels: &l\n    app: c\n  annotations: *l\n');
    const text = `${deployment(1)}---\n${anchored}---\n${deployment(2)}`;
    expect(readBlockYaml(text)).toBeUndefined();
    const found = places(text);
    expect(found.length).toBeGreaterThan(3);
    for (const f of found) expect(f.block, f.finding).toBe(f.yaml);
  });
});

describe('check reports the same bytes whichever reader read the file', () => {
  const text = [0, 1, 2, 3, 4, 5, 6, 7].map(deployment).join('---\n# between\n---\n') + `---\n${config}`;

  it('text, JSON and SARIF, for a file with findings in every document', () => {
    expect(readBlockYaml(text)).toBeDefined();
    const report = (blockReader: boolean) => {
      const manifests = parseManifests([{ file: 'dir/m.yaml', text }], { blockReader });
      const located = locateFindings(checkObjects(manifests.objects).findings, (f) => manifests.locate(f));
      const n = manifests.objects.length;
      return {
        objects: manifests.objects,
        documents: manifests.documents,
        text: textReport(located, n),
        json: jsonReport(located, n),
        sarif: sarifReport(located, '1.0.0'),
      };
    };
    const block = report(true);
    const yaml = report(false);
    expect(block.objects).toEqual(yaml.objects);
    expect(block.documents).toBe(9);
    expect(block.documents).toBe(yaml.documents);
    expect(block.text.split('\n').length).toBeGreaterThan(30);
    expect(block.text).toBe(yaml.text);
    expect(block.json).toBe(yaml.json);
    expect(block.sarif).toBe(yaml.sarif);
  });
});
