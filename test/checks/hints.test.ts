import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { MANIFESTS } from './helpers.js';

/** The YAML files under `dir`, recursively. */
const yamlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );

describe('every finding says what to do', () => {
  it('has a hint, on every fixture manifest that parses (the API rules, the schema, the references, the policy)', () => {
    const codes = new Set<string>();
    const bare: string[] = [];
    for (const file of yamlFiles(MANIFESTS)) {
      let objects: ReturnType<typeof parseManifests>['objects'];
      try {
        objects = parseManifests([{ file, text: readFileSync(file, 'utf8') }]).objects;
      } catch {
        continue; // not Kubernetes YAML: bad input, whose message test/checks/manifests*.test.ts check
      }
      for (const f of checkObjects(objects).findings) {
        codes.add(f.code);
        if (!f.hint) bare.push(`${f.code}: ${f.message}`);
      }
    }
    expect(bare).toEqual([]);
    // the rules whose findings had none, among many others
    for (const code of [
      'api/port-range',
      'api/one-of',
      'api/no-containers',
      'api/duplicate-key',
      'api/label-key',
      'schema/type',
      'schema/enum',
      'schema/const',
    ])
      expect(codes).toContain(code);
    expect(codes.size).toBeGreaterThan(60);
  });
});
