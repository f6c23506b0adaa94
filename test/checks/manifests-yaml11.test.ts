import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../lib/checks/manifests.js';
import { checkObjects } from '../../lib/checks/index.js';
import { ExitCode, ProblemsError, type Problem } from '../../lib/errors.js';
import { readBlockYaml } from '../../lib/model/block-yaml.js';

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
      '4:9 input/yaml-1.1 2001-12-14 is a string to stagecraft (YAML 1.2) but a timestamp',
      '6:20 input/yaml-1.1 1_000 is a string to stagecraft (YAML 1.2) but the number 1000',
      '6:32 input/yaml-1.1 2001-12-14 is a string to stagecraft (YAML 1.2) but a timestamp',
      '8:10 input/yaml-1.1 1_000 is a string to stagecraft (YAML 1.2) but the number 1000',
      '9:3 input/yaml-1.1 the key 1 is the number 1',
    ]);
    expect(problems.every((p) => p.location?.file === file.file && p.hint?.startsWith('quote'))).toBe(true);
  });

  it('refuses them in a file of the block subset at the same places as the yaml library finds them', () => {
    const file = read('block.yaml');
    expect(readBlockYaml(file.text), 'the fixture is in the block subset').toBeDefined();
    const problems = problemsThrownBy(() => parseManifests([file]));
    expect(problems.map(shown)).toEqual([
      '7:20 input/yaml-1.1 1_000 is a string to stagecraft (YAML 1.2) but the number 1000',
      '7:32 input/yaml-1.1 2001-12-14 is a string to stagecraft (YAML 1.2) but a timestamp',
      '9:9 input/yaml-1.1 yes is a string to stagecraft (YAML 1.2) but the boolean true',
      '10:10 input/yaml-1.1 n is a string to stagecraft (YAML 1.2) but the boolean false',
      '11:10 input/yaml-1.1 1_000 is a string to stagecraft (YAML 1.2) but the number 1000',
      '12:9 input/yaml-1.1 0b1 is a string to stagecraft (YAML 1.2) but the number 1',
      '13:10 input/yaml-1.1 2001-12-14 21:59:43.10 is a string to stagecraft (YAML 1.2) but a timestamp',
      '20:3 input/yaml-1.1 the key yes is the boolean true',
      '20:8 input/yaml-1.1 on is a string to stagecraft (YAML 1.2) but the boolean true',
      '28:13 input/yaml-1.1 010 is the number 10 to stagecraft (YAML 1.2) but the number 8',
      '39:33 input/yaml-1.1 0X1F is a string to stagecraft (YAML 1.2) but the number 31',
      '41:22 input/yaml-1.1 .inf is the float Infinity',
    ]);
    expect(problemsThrownBy(() => parseManifests([file], { blockReader: false }))).toEqual(problems);
  });

  it('reads the same values quoted (and those kubectl reads alike, such as 1:20) without a word', () => {
    const m = parseManifests([read('quoted.yaml')]);
    expect(m.objects.map((o) => o.kind)).toEqual(['ConfigMap', 'ReplicationController']);
    expect(checkObjects(m.objects, { existingNamespaces: ['fz'] }).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('a file that says %YAML 1.1', () => {
  const file = (data: string) => ({
    file: 'old.yaml',
    text: `%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: old }\ndata:\n${data}`,
  });

  it('is read as YAML 1.1 by stagecraft too, and its messages say so, never YAML 1.2', () => {
    const problems = problemsThrownBy(() => parseManifests([file('  at: 1:20\n  day: 2001-12-14\n')]));
    expect(problems.map((p) => `${p.location?.line}:${p.location?.column} ${p.code} ${p.message}`)).toEqual([
      "7:7 input/yaml-1.1 1:20 is the number 80 to stagecraft (YAML 1.1, as the file's %YAML 1.1 says) but a string to kubectl (go-yaml)",
      "8:8 input/yaml-1.1 2001-12-14 is a timestamp to stagecraft (YAML 1.1, as the file's %YAML 1.1 says) and to kubectl (YAML 1.1), each of which writes it back as an RFC 3339 timestamp, another string",
    ]);
    expect(problems.map((p) => p.hint)).toEqual([
      'quote it ("1:20") for the string, or write the number plainly',
      'quote it ("2001-12-14") to keep the string as written',
    ]);
  });

  it('says what stagecraft makes of what go-yaml reads as a string: a sexagesimal key, a timestamp with spaces', () => {
    const problems = problemsThrownBy(() => parseManifests([file('  1:20: a\n  at: 2001-12-14 21:59:43.10 -5\n')]));
    expect(problems.map((p) => `${p.location?.line}:${p.location?.column} ${p.message} (${p.hint})`)).toEqual([
      "7:3 the key 1:20 is the number 80 to stagecraft (YAML 1.1, as the file's %YAML 1.1 says), which makes it the key '80', but a string to kubectl (go-yaml) (quote the key (\"1:20\"))",
      '8:7 2001-12-14 21:59:43.10 -5 is a timestamp to stagecraft (YAML 1.1, as the file\'s %YAML 1.1 says) but a string to kubectl (go-yaml): stagecraft writes it as the RFC 3339 timestamp 2001-12-15T02:59:43.100Z, another string (quote it ("2001-12-14 21:59:43.10 -5") to keep the string as written)',
    ]);
  });

  it("reads yes and 0644 as kubectl does (true, 420): no input/yaml-1.1, the schema's type error", () => {
    // parseManifests throws a file's input problems: none here
    const m = parseManifests([file('  enabled: yes\n  mode: 0644\n')]);
    expect(m.objects[0].data).toEqual({ enabled: true, mode: 420 });
  });
});
