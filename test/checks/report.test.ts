import { RULES } from '../../lib/model/rules.js';
import { describe, expect, it } from 'vitest';
import {
  jsonFailure,
  jsonReport,
  locateFindings,
  sarifArtifact,
  sarifFailure,
  sarifReport,
  textReport,
  textReportPieces,
} from '../../lib/checks/report.js';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import type { Problem } from '../../lib/errors.js';
import type { Finding } from '../../lib/checks/finding.js';

const finding: Finding = {
  code: 'refs/claim',
  severity: 'error',
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' } },
  path: ['spec', 'volumes', 0],
  message: "claim 'data' is not defined",
};

describe('the SARIF report', () => {
  it("describes each rule with the catalogue's title and help", () => {
    const log = JSON.parse(sarifReport([{ finding }], '0.0.0'));
    expect(log.runs[0].tool.driver.rules).toEqual([
      {
        id: 'refs/claim',
        shortDescription: { text: RULES['refs/claim'].short },
        fullDescription: { text: RULES['refs/claim'].help },
        help: { text: `${RULES['refs/claim'].help} Mirrors: ${RULES['refs/claim'].mirrors}.` },
      },
    ]);
    expect(log.runs[0].results[0]).toMatchObject({ ruleId: 'refs/claim', ruleIndex: 0, level: 'error' });
  });
});

describe('SARIF artifact locations', () => {
  it('writes a relative path as a URI reference under %SRCROOT%, each segment percent-encoded', () => {
    expect(sarifArtifact('team#2/café/a b.yaml')).toEqual({ uri: 'team%232/caf%C3%A9/a%20b.yaml', uriBaseId: '%SRCROOT%' });
    expect(sarifArtifact('./m/100%?.yaml').uri).toBe('m/100%25%3F.yaml');
    // a colon in the first segment would make it a scheme
    expect(sarifArtifact('c:d/a.yaml').uri).toBe('c%3Ad/a.yaml');
    expect(sarifArtifact('../other/a.yaml').uri).toBe('../other/a.yaml');
  });

  it('writes an absolute path as a file:// URI, without a base', () => {
    expect(sarifArtifact('/tmp/my dir#1/ü/a b.yaml')).toEqual({ uri: 'file:///tmp/my%20dir%231/%C3%BC/a%20b.yaml' });
  });

  it('names the same file, resolved and decoded, for any characters a file name may hold', () => {
    for (const name of ['a b', 'x#1', '50%', 'q?', 'ü', '日本', "it's (1)", 'a+b=c&d', '[x]', '@at', 'semi;colon']) {
      const rel = `dir ${name}/${name}.yaml`;
      const url = new URL(sarifArtifact(rel).uri, 'file:///root/');
      expect(url.hash + url.search, name).toBe('');
      expect(decodeURIComponent(url.pathname), name).toBe(`/root/${rel}`);
      expect(decodeURIComponent(new URL(sarifArtifact(`/abs/${rel}`).uri).pathname), name).toBe(`/abs/${rel}`);
    }
  });

  it('places results with it', () => {
    const log = JSON.parse(sarifReport([{ finding, location: { file: 'team#2/a.yaml', line: 3, column: 5 } }], '0.0.0'));
    expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'team%232/a.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 5 },
    });
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: true }]);
  });
});

describe('the report of a run on bad input', () => {
  const problems: Problem[] = [
    { code: 'yaml/duplicate-key', location: { file: 'a b.yaml', line: 7, column: 3 }, message: "duplicate key 'A'", hint: 'remove one' },
    { code: 'cli/no-such-path', message: "there is no file or directory 'nope'" },
  ];

  it('is a SARIF log whose invocation failed, with the problems as tool notifications and no results', () => {
    const log = JSON.parse(sarifFailure(problems, '0.0.0'));
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'stagecraft', version: '0.0.0', rules: [] });
    expect(log.runs[0].invocations).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          {
            descriptor: { id: 'yaml/duplicate-key' },
            level: 'error',
            message: { text: "duplicate key 'A' (hint: remove one)" },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: 'a%20b.yaml', uriBaseId: '%SRCROOT%' },
                  region: { startLine: 7, startColumn: 3 },
                },
              },
            ],
          },
          { descriptor: { id: 'cli/no-such-path' }, level: 'error', message: { text: "there is no file or directory 'nope'" } },
        ],
      },
    ]);
  });

  it('is a JSON report of the problems', () => {
    expect(JSON.parse(jsonFailure(problems))).toEqual({
      problems: [
        {
          code: 'yaml/duplicate-key',
          severity: 'error',
          message: "duplicate key 'A'",
          hint: 'remove one',
          location: problems[0]!.location,
        },
        { code: 'cli/no-such-path', severity: 'error', message: "there is no file or directory 'nope'" },
      ],
    });
  });
});

describe('the text report', () => {
  // two Deployments with several findings each, some of them at one place (a missing field is
  // placed at its parent), and a Service whose selector matches nothing
  const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: default }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - { name: a, image: nginx }
        - { name: b, image: "busybox:latest", securityContext: { privileged: true } }
`;
  const text = `${deployment('web')}---\n${deployment('api')}---\napiVersion: v1\nkind: Service\nmetadata: { name: s, namespace: default }\nspec: { selector: { app: none }, ports: [{ port: 80 }] }\n`;
  const manifests = parseManifests([{ file: 'm.yaml', text }]);
  const findings = checkObjects(manifests.objects, { sort: false }).findings;

  it('is in the same order whichever order the checks made the findings in', () => {
    expect(findings.length).toBeGreaterThan(10);
    const report = (fs: readonly Finding[]) =>
      textReport(
        locateFindings(fs, (f) => manifests.locate(f)),
        manifests.objects.length,
      );
    const expected = report(findings);
    // places ascend; findings at one place are ordered by what they say of the object
    const lines = expected.split('\n').flatMap((l) => {
      const m = /^m\.yaml:(\d+):(\d+): (?:warning|error): (.*)$/.exec(l);
      return m ? [{ place: Number(m[1]) * 1000 + Number(m[2]), says: m[3] }] : [];
    });
    expect(lines.length).toBe(findings.length);
    expect(lines.some((l, i) => i > 0 && l.place === lines[i - 1].place)).toBe(true);
    for (let i = 1; i < lines.length; i++) {
      expect(lines[i].place).toBeGreaterThanOrEqual(lines[i - 1].place);
      if (lines[i].place === lines[i - 1].place) expect(lines[i].says > lines[i - 1].says).toBe(true);
    }
    expect(report([...findings].reverse())).toBe(expected);
    expect(report(checkObjects(manifests.objects).findings)).toBe(expected);
    // a deterministic shuffle
    const shuffled = findings
      .map((f, i) => ({ f, k: (i * 7919) % findings.length }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.f);
    expect(report(shuffled)).toBe(expected);
  });

  it('comes in pieces of about 64 KiB that make the whole report', () => {
    const many = Array.from({ length: 400 }, () => findings).flat();
    const located = locateFindings(many, (f) => manifests.locate(f));
    const pieces = [...textReportPieces(located, 3)];
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces.slice(0, -1)) expect(p.length).toBeGreaterThanOrEqual(1 << 16);
    expect(pieces.join('')).toBe(textReport(located, 3));
    expect(pieces.at(-1)).toMatch(/3 objects checked: \d+ errors?, \d+ warnings?\n$/);
  });
});

describe('an object defined twice', () => {
  const configMap = (data: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  namespace: default\ndata: { a: ${data} }\n`;
  /** The duplicate findings of the files, placed, with the first definition of each as `npm run check` relates it. */
  const located = (files: { file: string; text: string }[]) => {
    const manifests = parseManifests(files);
    const findings = checkObjects(manifests.objects, { sort: false }).findings.filter((f) => f.code === 'refs/duplicate-object');
    return locateFindings(
      findings,
      (f) => manifests.locate(f),
      (f) => manifests.related(f),
    );
  };
  const twice = located([
    { file: 'a.yaml', text: `${configMap('b')}---\n${configMap('c')}` },
    { file: 'b.yaml', text: configMap('d') },
  ]);

  it('names the place of the first definition beside each later one, in text', () => {
    const lines = textReport(twice, 3)
      .split('\n')
      .filter((l) => !l.startsWith('  hint:'));
    expect(lines).toEqual([
      'a.yaml:11:9: error: ConfigMap default/one: metadata.name: ConfigMap default/one is defined twice: applied together, the second definition replaces the first (kubectl apply) or fails as already existing (kubectl create)',
      '  first defined at a.yaml:4:9',
      'b.yaml:4:9: error: ConfigMap default/one: metadata.name: ConfigMap default/one is defined twice: applied together, the second definition replaces the first (kubectl apply) or fails as already existing (kubectl create)',
      '  first defined at a.yaml:4:9',
      '3 objects checked: 2 errors, 0 warnings',
      '',
    ]);
  });

  it('gives the first place as related in JSON, and as a related location the message links to in SARIF', () => {
    const json = JSON.parse(jsonReport(twice, 3));
    expect(json.findings.map((f: { location: unknown; related: unknown }) => [f.location, f.related])).toEqual([
      [{ file: 'a.yaml', line: 11, column: 9 }, [{ location: { file: 'a.yaml', line: 4, column: 9 }, message: 'first defined' }]],
      [{ file: 'b.yaml', line: 4, column: 9 }, [{ location: { file: 'a.yaml', line: 4, column: 9 }, message: 'first defined' }]],
    ]);
    const [result] = JSON.parse(sarifReport(twice, '0.0.0')).runs[0].results;
    expect(result.message.text).toContain('(first defined at [a.yaml:4:9](1))');
    expect(result.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'a.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 9 } },
        message: { text: 'first defined' },
      },
    ]);
  });

  it('names the first place of an object whose finding is masked (a name that is a secret value of it), which copies the finding', () => {
    const leaky = (n: number) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hunter2-xq9zlm4pwr7t\n  namespace: default\ndata:\n  DB_PASSWORD: hunter2-xq9zlm4pwr7t\n  copy: "${n}"\n`;
    const masked = located([{ file: 'a.yaml', text: `${leaky(1)}---\n${leaky(2)}` }]);
    const lines = textReport(masked, 2)
      .split('\n')
      .filter((l) => !l.startsWith('  hint:'));
    expect(lines[0]).toContain('(a 20-character value, hidden) is defined twice');
    expect(lines[1]).toBe('  first defined at a.yaml:4:9');
  });

  it('places the first definition with locate and related passed on alone, as functions', () => {
    const manifests = parseManifests([{ file: 'a.yaml', text: `${configMap('b')}---\n${configMap('c')}` }]);
    const { locate, related } = manifests;
    const found = checkObjects(manifests.objects, { sort: false }).findings.filter((f) => f.code === 'refs/duplicate-object');
    expect(locateFindings(found, locate, related).map((l) => l.related)).toEqual([
      [{ location: { file: 'a.yaml', line: 4, column: 9 }, message: 'first defined' }],
    ]);
  });

  it("escapes the brackets of a file's name in the SARIF link's text, which would end it", () => {
    const odd = located([
      { file: 'team [old]/a.yaml', text: configMap('b') },
      { file: 'b.yaml', text: configMap('c') },
    ]);
    const [result] = JSON.parse(sarifReport(odd, '0.0.0')).runs[0].results;
    expect(result.message.text).toContain('(first defined at [team \\[old\\]/a.yaml:4:9](1))');
  });

  it('says the first place of standard input in words in SARIF, which no URI names', () => {
    const piped = located([{ file: '<stdin>', text: `${configMap('b')}---\n${configMap('c')}` }]);
    const [result] = JSON.parse(sarifReport(piped, '0.0.0')).runs[0].results;
    expect(result.message.text).toContain('(standard input, line 11, column 9) (first defined at standard input, line 4, column 9)');
    expect(result.relatedLocations).toBeUndefined();
  });
});
