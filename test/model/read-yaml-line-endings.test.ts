/**
 * Lines ending in a carriage return alone (classic Mac OS) in any YAML input (lib/model/read-yaml.ts):
 * the yaml library reads them as one line, so a file of them starting with a comment read as empty,
 * while kubectl (Go's YAML) reads each line. Refused at the first one, in an included manifest, a
 * file given to check and stagecraft.yaml as in a stage file (test/config/read-stage.test.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../lib/errors.js';
import { readYaml } from '../../lib/model/read-yaml.js';
import { runCli, tempProject } from '../helpers/cli.js';

const CONFIG_MAP = ['# config for web', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: web', 'data:', '  a: b', ''];
const FILE = 'manifests/odd/5/a.yaml';
const MESSAGE =
  "this line ends with a carriage return alone (CR, the line ending of classic Mac OS), which stagecraft's YAML reader does not take for a line break: it would read this line and the next as one";
const hint = (file: string) =>
  `  hint: save the file with LF line endings (your editor's line-ending setting, or: perl -pi -e 's/\\r\\n?/\\n/g' ${file}); to keep a carriage return in a value, write it as \\r inside double quotes`;
const read = (text: string) => readYaml(text, FILE, { maxAliasCount: 1000, multi: true, what: 'manifest documents' });

/** A project whose stage `odd5` includes the manifest `text` at FILE. */
function oddProject(text: string): string {
  const dir = tempProject({ odd5: 'apps:\n  odd:\n    stack: manifests\n    include: [manifests/odd/5]\n' });
  mkdirSync(join(dir, 'manifests/odd/5'), { recursive: true });
  writeFileSync(join(dir, FILE), text);
  return dir;
}

describe('a manifest with lines ending in a carriage return alone', () => {
  it.each([
    ['every line, the first a comment (read as one comment: no object)', CONFIG_MAP.join('\r'), '1:17'],
    ['one line of an LF file, a comment before a key (which it would hide)', 'kind: ConfigMap # web\rapiVersion: v1\n', '1:22'],
    ['one line of a CRLF file, in the second document', 'a: 1\r\n---\r\nb: 2\rc: 3\r\n', '3:5'],
  ])('is refused at the first, with the conversion: %s', (_, text, place) => {
    expect(read(text).problems.map(formatProblem)).toEqual([`${FILE}:${place}: ${MESSAGE}\n${hint(FILE)}`]);
  });

  it('is read as LF is when every CR is followed by LF (CRLF)', () => {
    const crlf = read(CONFIG_MAP.join('\r\n'));
    expect(crlf.problems).toEqual([]);
    expect(crlf.values).toEqual(read(CONFIG_MAP.join('\n')).values);
  });

  it('is refused by synth with exit code 2 at its file:line:col, no dist/ written (not 1 object, its ConfigMap lost)', () => {
    const dir = oddProject(CONFIG_MAP.join('\r'));
    const synth = runCli('synth', ['odd5'], dir);
    expect(synth.code).toBe(2);
    expect(synth.stderr).toContain(`${FILE}:1:17: error: ${MESSAGE}`);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('is refused by check at its file:line:col (not "found no Kubernetes objects")', () => {
    const dir = oddProject(CONFIG_MAP.join('\r'));
    const check = runCli('check', [FILE], dir);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(`${FILE}:1:17: error: ${MESSAGE}`);
    expect(check.stderr).not.toContain('found no Kubernetes objects');
  });
});

describe('stagecraft.yaml with lines ending in a carriage return alone', () => {
  it('is refused by synth at its file:line:col (not read as one comment, its settings lost)', () => {
    const dir = tempProject({ lab: 'apps:\n  nginx:\n    replicas: 1\n' });
    writeFileSync(join(dir, 'stagecraft.yaml'), '# shared settings\rdelivery:\r  engine: argocd\r');
    const synth = runCli('synth', [], dir);
    expect(synth.code).toBe(2);
    expect(synth.stderr).toContain(`stagecraft.yaml:1:18: error: ${MESSAGE}`);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });
});
