/** Objects whose only change is their release label: lib/label-only-changes.ts, and how the summary lists them (changeLines). */
import { describe, expect, it } from 'vitest';
import { relabeledOnly } from '../lib/label-only-changes.js';
import type { KubeObject } from '../lib/model/object.js';
import { changeLines } from '../lib/synth/inventory-changes.js';

const labels = (version: string) => ({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/version': version });
const configMap = (version: string, data = 'a'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web', namespace: 'qa', labels: labels(version) },
  data: { KEY: data },
});
const workload = (kind: string, version: string): KubeObject => ({
  apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
  kind,
  metadata: { name: 'web', namespace: 'qa', labels: labels(version) },
  spec: {
    replicas: 1,
    selector: kind === 'Deployment' ? { matchLabels: { name: 'web' } } : { name: 'web' },
    template: {
      metadata: { labels: { name: 'web', ...labels(version) } },
      spec: { containers: [{ name: 'web', image: 'web:1' }] },
    },
  },
});

/** `relabeledOnly` of objects (key -> [before, after]). */
function relabeled(pairs: Record<string, [KubeObject, KubeObject]>) {
  const keys = Object.keys(pairs);
  const before = new Map(keys.map((k) => [k, { object: pairs[k][0] }]));
  const after = new Map(keys.map((k) => [k, pairs[k][1]]));
  return relabeledOnly(keys, before, after);
}

describe('relabeledOnly', () => {
  it("takes objects whose release label alone changed, their pod template's too when that replaces no pod (a ReplicationController), grouped by the change", () => {
    expect(
      relabeled({
        'v1 ConfigMap qa/web': [configMap('1'), configMap('1.1')],
        'v1 ReplicationController qa/web': [workload('ReplicationController', '1'), workload('ReplicationController', '1.1')],
        'v1 ConfigMap qa/other': [configMap('0.9'), configMap('1.1')],
      }),
    ).toEqual([
      { from: '1', to: '1.1', keys: ['v1 ConfigMap qa/web', 'v1 ReplicationController qa/web'] },
      { from: '0.9', to: '1.1', keys: ['v1 ConfigMap qa/other'] },
    ]);
  });

  it('leaves out an object with another change too, a Deployment whose new template label rolls its pods out, and one without the label either side', () => {
    const unlabeled = configMap('1');
    delete (unlabeled.metadata.labels as Record<string, string>)['app.kubernetes.io/version'];
    expect(
      relabeled({
        'v1 ConfigMap qa/web': [configMap('1'), configMap('1.1', 'b')],
        'apps/v1 Deployment qa/web': [workload('Deployment', '1'), workload('Deployment', '1.1')],
        'v1 ConfigMap qa/new': [unlabeled, configMap('1.1')],
      }),
    ).toEqual([]);
  });

  it("leaves out a Job whose pod template's release label changed: its template is immutable, so the apply is refused until it is deleted (output/immutable-field), not a relabel", () => {
    const template = (version: string) => ({
      metadata: { labels: { name: 'web', ...labels(version) } },
      spec: { containers: [{ name: 'web', image: 'web:1' }], restartPolicy: 'Never' },
    });
    const job = (version: string, templateVersion = version): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'web', namespace: 'qa', labels: labels(version) },
      spec: { template: template(templateVersion) },
    });
    expect(relabeled({ 'batch/v1 Job qa/web': [job('1'), job('1.1')] })).toEqual([]);
    // its own label alone is a relabel: the object's labels change, its template does not
    expect(relabeled({ 'batch/v1 Job qa/web': [job('1'), job('1.1', '1')] })).toEqual([
      { from: '1', to: '1.1', keys: ['batch/v1 Job qa/web'] },
    ]);
  });

  it('is listed apart by the summary, the first three objects named', () => {
    const keys = ['v1 ConfigMap qa/a', 'v1 ConfigMap qa/b', 'v1 Service qa/c', 'v1 Service qa/d'];
    expect(
      changeLines({
        added: [],
        changed: ['apps/v1 Deployment qa/web-green', ...keys],
        removed: [],
        relabeled: [{ from: '1', to: '1.1', keys }],
      }),
    ).toEqual([
      'changed: Deployment qa/web-green',
      'changed only in their release label, app.kubernetes.io/version "1" -> "1.1" (their app\'s newest release, which its objects carry, those a blue/green app\'s two colors share too; none of their pods is replaced): ConfigMap qa/a, ConfigMap qa/b, Service qa/c and 1 more',
    ]);
  });

  it('is counted by its objects when the summary cuts the list: the more line says how many objects it left out, not lines', () => {
    const shared = Array.from({ length: 13 }, (_, i) => `v1 ConfigMap qa/shared-${i}`);
    const changed = Array.from({ length: 10 }, (_, i) => `apps/v1 Deployment qa/web-${i}`);
    const lines = changeLines({
      added: [],
      changed: [...changed, ...shared],
      removed: ['v1 Service qa/gone'],
      relabeled: [{ from: '1', to: '1.1', keys: shared }],
    });
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe('... and 14 more');
  });
});
