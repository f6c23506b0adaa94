import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { describeObject, type KubeObject } from '../../lib/model/object.js';

const configMap = (name: string, annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, annotations },
  data: { x: '1' },
});

/** Each object, and the objects it names, of a kpt package or a KRM function's output. */
const CASES = [
  configMap('setters', { 'config.kubernetes.io/local-config': 'true' }),
  configMap('blank', { 'config.kubernetes.io/local-config': '' }),
  configMap('hashed', { 'internal.config.kubernetes.io/needsHashSuffix': 'enabled' }),
  configMap('kept', { 'config.kubernetes.io/local-config': 'false' }),
  configMap('marked', { 'kustomize.config.k8s.io/needs-hash': 'true' }),
  configMap('not-enabled', { 'internal.config.kubernetes.io/needsHashSuffix': 'true' }),
];

const dir = mkdtempSync(join(tmpdir(), 'stagecraft-kustomize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('annotations kustomize acts on when kubectl apply -k builds a stage', () => {
  it('are errors where kustomize leaves the object out (local-config, any value but "false") or renames it (needsHashSuffix: enabled)', () => {
    const findings = checkObjects(CASES)
      .findings.filter((f) => f.code === 'api/kustomize-annotation')
      .sort((a, b) => CASES.indexOf(a.object) - CASES.indexOf(b.object))
      .map((f) => `${f.severity} ${describeObject(f.object)}: ${f.path.slice(2).join('.')}: ${f.hint}`);
    expect(findings).toEqual([
      'error ConfigMap setters: config.kubernetes.io/local-config: if the ConfigMap is configuration for a tool, remove it from the manifests; to apply it, remove the annotation',
      'error ConfigMap blank: config.kubernetes.io/local-config: if the ConfigMap is configuration for a tool, remove it from the manifests; to apply it, remove the annotation',
      "error ConfigMap hashed: internal.config.kubernetes.io/needsHashSuffix: remove the annotation (a mark kustomize gives its generators' output, not meant for manifests)",
    ]);
  });

  it('mirror what kubectl kustomize does: those three are left out or renamed, the others built under their names', () => {
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- objects.yaml\n');
    writeFileSync(join(dir, 'objects.yaml'), CASES.map((o) => JSON.stringify(o)).join('\n---\n'));
    const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    expect(r.error, 'kubectl was not found on PATH').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const names = [...r.stdout.matchAll(/^ {2}name: (\S+)$/gm)].map((m) => m[1]);
    expect(names.map((n) => n.replace(/-[a-z0-9]{10}$/, '-<hash>'))).toEqual(['hashed-<hash>', 'kept', 'marked', 'not-enabled']);
  });
});
