/**
 * A node's directory pinned to a node for the first time (lib/volume-nodes.ts, `firstPin`): the hint
 * lists the pods of the workload that mounts its claim, built-in or custom.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../lib/model/object.js';
import type { RenderedChart } from '../lib/synth/rendered.js';
import { firstPin } from '../lib/volume-nodes.js';

const pv = (affinity?: unknown): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'data' },
  spec: { hostPath: { path: '/srv/data' }, ...(affinity ? { nodeAffinity: affinity } : {}) },
});
const pinned = pv({
  required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node2'] }] }] },
});
const claim: KubeObject = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'team' },
  spec: { volumeName: 'data' },
};
/** A workload of `apiVersion` and `kind` whose pods (app=db) mount the claim. */
const workload = (apiVersion: string, kind: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'db', namespace: 'team' },
  spec: {
    selector: { matchLabels: { app: 'db' } },
    template: {
      metadata: { labels: { app: 'db' } },
      spec: {
        containers: [{ name: 'db', image: 'postgres:16' }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      },
    },
  },
});
const hint = (w: KubeObject) => firstPin(pv(), pinned, [{ name: 'db', objects: [pinned, claim, w] } as RenderedChart])!.hint();

describe('a volume pinned to a node for the first time', () => {
  it.each([
    ['apps/v1', 'StatefulSet'],
    ['argoproj.io/v1alpha1', 'Rollout'],
    ['apps.kruise.io/v1alpha1', 'CloneSet'],
    ['apps.kruise.io/v1beta1', 'StatefulSet'],
  ])('hints at the pods of the %s %s that mounts its claim, to see which node they run on', (apiVersion, kind) => {
    expect(hint(workload(apiVersion, kind))).toBe(
      `first see which node they run on: kubectl get pods -o wide -n team -l 'app=db' (${kind} team/db's); ` +
        'if it is not node2, name that node instead, or copy /srv/data from it to the same path on node2 before the pod is made again',
    );
  });

  it('hints at copying from every node when no workload that runs pods mounts it (a kind of another group named like one)', () => {
    expect(hint(workload('example.com/v1', 'Rollout'))).toBe(
      'to keep what they wrote on other nodes, copy /srv/data from each node that has it to the same path on node2',
    );
  });
});
