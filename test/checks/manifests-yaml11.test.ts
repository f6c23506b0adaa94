import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../lib/checks/manifests.js';
import { checkObjects } from '../../lib/checks/index.js';
import { ExitCode, ProblemsError, type Problem } from '../../lib/errors.js';
import { readBlockYaml } from '../../lib/model/block-yaml.js';
import { readYaml } from '../../lib/model/read-yaml.js';

const DIR = 'test/fixtures/manifests/yaml11';
const read = (name: string) => ({ file: `${DIR}/${name}`, text: readFileSync(`${DIR}/${name}`, 'utf8') });
/** The problems `run` throws, which must be bad input (exit 2). */
function problemsThrownBy(run: () => unknown): readonly Problem[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ProblemsError && e.exitCode === ExitCode.badInput) return e.problems;
    throw e;
  }
  throw new Error('no problem was thrown');
}
const shown = (p: Problem) => `${p.location?.line}:${p.location?.column} ${p.code} ${p.message.slice(0, p.message.indexOf(' to kubectl'))}`;

describe('npm run check -- <files>: plain values kubectl (YAML 1.1) reads otherwise', () => {
  it("refuses the auditor's ConfigMap at each value and key kubectl misreads (exit 2), read by the yaml library", () => {
    const file = read('auditor.yaml');
    expect(readBlockYaml(file.text), 'a number as a key leaves the block subset').toBeUndefined();
    const problems = problemsThrownBy(() => parseManifests([file]));
    expect(problems.map(shown)).toEqual([
      '4:9 input/yaml-1.1 name: 2001-12-14 is a string to stagecraft (YAML 1.2) but a timestamp',
      '6:20 input/yaml-1.1 build: 1_000 is a string to stagecraft (YAML 1.2) but the number 1000',
      '6:32 input/yaml-1.1 day: 2001-12-14 is a string to stagecraft (YAML 1.2) but a timestamp',
      '8:10 input/yaml-1.1 count: 1_000 is a string to stagecraft (YAML 1.2) but the number 1000',
      '9:3 input/yaml-1.1 the key 1 is the number 1',
    ]);
    expect(problems.every((p) => p.location?.file === file.file && p.hint?.startsWith('quote'))).toBe(true);
  });

  it('never prints a password kubectl reads otherwise (DB_PASSWORD: 0755), as written or as either reads it, in either reader', () => {
    const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n';
    const block = `${head}  DB_PASSWORD: 1_234_567\n  MODE: 0755\n`;
    // (a number as a key leaves the block subset: the yaml library reads the same values)
    const library = `${block}  1: x\n`;
    expect(readBlockYaml(block)).toBeDefined();
    expect(readBlockYaml(library)).toBeUndefined();
    const flow = `${head.slice(0, -'data:\n'.length)}data: {DB_PASSWORD: 1_234_567, MODE: 0755}\n`;
    expect(readBlockYaml(flow), 'a flow mapping is in the block subset').toBeDefined();
    for (const text of [block, library, flow]) {
      const said = problemsThrownBy(() => parseManifests([{ file: 'a.yaml', text }]));
      // was: '1_234_567 is a string to stagecraft (YAML 1.2) but the number 1234567 to kubectl', the password twice over
      // said of its key, which names the setting and no part of the value
      expect(said[0]!.message).toBe(
        'DB_PASSWORD: (a 9-character value, hidden) is read otherwise by kubectl (YAML 1.1) than by stagecraft (YAML 1.2)',
      );
      expect(said.map((p) => `${p.message} ${p.hint}`).join('\n')).not.toMatch(/1_?234_?567/);
      // a value under a name that says nothing is said as before
      expect(said[1]!.message).toContain('0755 is the number 755 to stagecraft');
    }
  });

  it("never prints an env var's password kubectl reads otherwise (- name: DB_PASSWORD, value: 0755), in either reader", () => {
    const head = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25\n';
    const block = `${head}      env:\n        - name: DB_PASSWORD\n          value: 1_234_567\n        - name: MODE\n          value: 0755\n`;
    const library = `${block}      1: x\n`;
    const flow = `${head}      env: [{name: DB_PASSWORD, value: 1_234_567}, {name: MODE, value: 0755}]\n`;
    expect(readBlockYaml(block)).toBeDefined();
    expect(readBlockYaml(library)).toBeUndefined();
    expect(readBlockYaml(flow)).toBeDefined();
    for (const text of [block, library, flow]) {
      const said = problemsThrownBy(() => parseManifests([{ file: 'a.yaml', text }]));
      // was: 'value: 1_234_567 is a string to stagecraft (YAML 1.2) but the number 1234567 to kubectl': the holder 'value' says nothing
      expect(said[0]!.message, text).toBe(
        'value: (a 9-character value, hidden) is read otherwise by kubectl (YAML 1.1) than by stagecraft (YAML 1.2)',
      );
      expect(said.map((p) => `${p.message} ${p.hint}`).join('\n')).not.toMatch(/1_?234_?567/);
      expect(said[1]!.message).toContain('0755 is the number 755 to stagecraft');
    }
  });

  it("never prints the items of a list under a secret's name kubectl reads otherwise (tokens: [1_234_567]), in either reader", () => {
    const head = 'apiVersion: example.com/v1\nkind: Db\nmetadata:\n  name: a\nspec:\n';
    const block = `${head}  tokens:\n    - 1_234_567\n  modes:\n    - 0755\n`;
    const library = `${block}  1: x\n`;
    const flow = `${head}  tokens: [1_234_567]\n  modes: [0755]\n`;
    expect(readBlockYaml(block)).toBeDefined();
    expect(readBlockYaml(library)).toBeUndefined();
    expect(readBlockYaml(flow)).toBeDefined();
    for (const text of [block, library, flow]) {
      const said = problemsThrownBy(() => parseManifests([{ file: 'a.yaml', text }]));
      // was: '1_234_567 is a string to stagecraft (YAML 1.2) but the number 1234567 to kubectl' in the block and yaml library readers
      expect(said[0]!.message, text).toContain('(a 9-character value, hidden) is read otherwise by kubectl (YAML 1.1)');
      expect(said.map((p) => `${p.message} ${p.hint}`).join('\n'), text).not.toMatch(/1_?234_?567/);
      expect(said[1]!.message, text).toContain('0755 is the number 755 to stagecraft');
    }
  });

  it('refuses them in a file of the block subset at the same places as the yaml library finds them', () => {
    const file = read('block.yaml');
    expect(readBlockYaml(file.text), 'the fixture is in the block subset').toBeDefined();
    const problems = problemsThrownBy(() => parseManifests([file]));
    expect(problems.map(shown)).toEqual([
      '7:20 input/yaml-1.1 build: 1_000 is a string to stagecraft (YAML 1.2) but the number 1000',
      '7:32 input/yaml-1.1 day: 2001-12-14 is a string to stagecraft (YAML 1.2) but a timestamp',
      '9:9 input/yaml-1.1 flag: yes is a string to stagecraft (YAML 1.2) but the boolean true',
      '10:10 input/yaml-1.1 short: n is a string to stagecraft (YAML 1.2) but the boolean false',
      '11:10 input/yaml-1.1 count: 1_000 is a string to stagecraft (YAML 1.2) but the number 1000',
      '12:9 input/yaml-1.1 mask: 0b1 is a string to stagecraft (YAML 1.2) but the number 1',
      '13:10 input/yaml-1.1 stamp: 2001-12-14 21:59:43.10 is a string to stagecraft (YAML 1.2) but a timestamp',
      '20:3 input/yaml-1.1 the key yes is the boolean true',
      '20:8 input/yaml-1.1 yes: on is a string to stagecraft (YAML 1.2) but the boolean true',
      '28:13 input/yaml-1.1 replicas: 010 is the number 10 to stagecraft (YAML 1.2) but the number 8',
      '39:33 input/yaml-1.1 value: 0X1F is a string to stagecraft (YAML 1.2) but the number 31',
      '41:22 input/yaml-1.1 value: .inf is the float Infinity',
    ]);
    expect(problemsThrownBy(() => parseManifests([file], { blockReader: false }))).toEqual(problems);
  });

  it("says a volume's file mode written 0400 at its field, why (YAML 1.2 reads 400), and both fixes, read by either reader", () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: p, namespace: default }',
      'spec:',
      '  containers: [{ name: c, image: nginx }]',
      '  volumes:',
      '    - name: s',
      '      secret:',
      '        secretName: s',
      '        defaultMode: 0400',
      '        items: [{ key: a, path: a, mode: 0644 }]',
      '',
    ].join('\n');
    const file = { file: 'pod.yaml', text };
    expect(readBlockYaml(text), 'the block reader reads it').toBeDefined();
    const problems = problemsThrownBy(() => parseManifests([file]));
    expect(problems.map((p) => [`${p.location?.line}:${p.location?.column}`, p.message, p.hint])).toEqual([
      [
        '10:22',
        'defaultMode: 0400 is the number 400 to stagecraft (YAML 1.2) but the number 256 to kubectl (YAML 1.1), as a leading 0 makes it octal there',
        'write 0o400 or 256, which YAML 1.2 and kubectl both read as the mode 0400 (a file mode takes an integer: quoted, it is refused)',
      ],
      [
        '11:42',
        'mode: 0644 is the number 644 to stagecraft (YAML 1.2) but the number 420 to kubectl (YAML 1.1), as a leading 0 makes it octal there',
        'write 0o644 or 420, which YAML 1.2 and kubectl both read as the mode 0644 (a file mode takes an integer: quoted, it is refused)',
      ],
    ]);
    expect(problemsThrownBy(() => parseManifests([file], { blockReader: false }))).toEqual(problems);
  });

  it("tells a ConfigMap's data.mode: 0644 (a string field) to be quoted too, not as a file mode only, read by either reader", () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: default }\ndata:\n  mode: 0644\n  more: { mode: 0600 }\n';
    const file = { file: 'cm.yaml', text };
    expect(readBlockYaml(text), 'the block reader reads it').toBeDefined();
    const problems = problemsThrownBy(() => parseManifests([file]));
    expect(problems.map((p) => [`${p.location?.line}:${p.location?.column}`, p.hint])).toEqual([
      [
        '5:9',
        'write 420 or 0o644 (YAML 1.2 and kubectl both read it as 420), as a file mode means it; or 644, the decimal stagecraft reads, where no file mode is meant; quote it ("0644") only where the field takes a string',
      ],
      [
        '6:17',
        'write 384 or 0o600 (YAML 1.2 and kubectl both read it as 384), as a file mode means it; or 600, the decimal stagecraft reads, where no file mode is meant; quote it ("0600") only where the field takes a string',
      ],
    ]);
    expect(problemsThrownBy(() => parseManifests([file], { blockReader: false }))).toEqual(problems);
  });

  it('reads the same values quoted (and those kubectl reads alike, such as 1:20) without a word', () => {
    const m = parseManifests([read('quoted.yaml')]);
    expect(m.objects.map((o) => o.kind)).toEqual(['ConfigMap', 'ReplicationController']);
    expect(checkObjects(m.objects, { existingNamespaces: ['fz'] }).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('a file with a YAML directive (%YAML 1.1, %TAG)', () => {
  const config = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: old }\ndata:\n  enabled: yes\n';
  const placed = (text: string) =>
    problemsThrownBy(() => parseManifests([{ file: 'old.yaml', text }])).map(
      (p) => `${p.location?.line}:${p.location?.column} ${p.code} ${p.message} (${p.hint})`,
    );
  const refused =
    "makes kubectl and kustomize refuse the file: they split it at its --- lines before reading each part, which leaves the directive apart from its document ('did not find expected <document start>')";
  const yamlHint =
    'remove the line: manifests are read as YAML 1.2 without it, and values that kubectl (YAML 1.1) reads otherwise are said';

  it('is refused at the directive, as kubectl and kustomize refuse it, rather than read as the directive says', () => {
    expect(placed(`%YAML 1.1\n---\n${config}`)).toEqual([`1:1 input/yaml-directive the directive %YAML 1.1 ${refused} (${yamlHint})`]);
    expect(placed(`%TAG !e! tag:example.com,2000:\n---\n${config}`)).toEqual([
      `1:1 input/yaml-directive the directive %TAG !e! tag:example.com,2000: ${refused} (remove the line, and write each tag it abbreviates in full (!<tag:...>), or none)`,
    ]);
    // after a document closed by ..., and after one that is not (where the yaml library would read a value)
    expect(placed(`${config}...\n%YAML 1.2\n---\n${config}`)).toEqual([
      `7:1 input/yaml-directive the directive %YAML 1.2 ${refused} (${yamlHint})`,
    ]);
    expect(placed(`${config}---\n%YAML 1.1\n---\n${config}`)).toEqual([
      `7:1 input/yaml-directive the directive %YAML 1.1 ${refused} (${yamlHint})`,
    ]);
  });

  it("leaves a stage file's directive to the stage file's reader (one document, which kubectl never reads)", () => {
    expect(
      readYaml('%YAML 1.2\n---\napps: {}\n', 'environments/qa.yaml', { maxAliasCount: 100, multi: false, what: 'stage files' }).problems,
    ).toEqual([]);
    // and a stray % line in it is the yaml library's error, not a directive kubectl and kustomize refuse
    const stray = readYaml('apps:\n  a: { stack: hello }\n%oops\n', 'environments/qa.yaml', {
      maxAliasCount: 100,
      multi: false,
      what: 'stage files',
    }).problems;
    expect(stray.map((p) => p.code)).toContain('yaml/bad-scalar-start');
    expect(stray.map((p) => `${p.code} ${p.message}`).join('\n')).not.toMatch(/input\/yaml-directive|kubectl/);
  });
});
