import { describe, expect, it, vi } from 'vitest';

// the lookup must not make a group/kind key for the objects it is asked about most: every object, about seven times
vi.mock('../../lib/k8s.js', async (original) => {
  const k8s = await original<typeof import('../../lib/k8s.js')>();
  return { ...k8s, groupOf: vi.fn(k8s.groupOf), groupKind: vi.fn(k8s.groupKind) };
});

// modules loaded anew: the suite runs without isolation (vitest.config.ts), and a custom-workloads.js an earlier file
// loaded would hold the real k8s.js, never calling the spies (the test below then passed whatever the lookup did)
vi.resetModules();
const { groupKind, groupOf } = await import('../../lib/k8s.js');
const { customTemplatePath } = await import('../../lib/model/custom-workloads.js');
const { workloadTemplate } = await import('../../lib/model/pod-specs.js');
type KubeObject = import('../../lib/model/object.js').KubeObject;

const object = (apiVersion: string, kind: string, spec: unknown = {}) =>
  ({ apiVersion, kind, metadata: { name: 'x' }, spec }) as KubeObject;
const template = { template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'i' }] } } };

describe('customTemplatePath', () => {
  it('finds the custom workloads by group and kind, and nothing else', () => {
    expect(customTemplatePath(object('argoproj.io/v1alpha1', 'Rollout'))).toEqual(['spec', 'template']);
    expect(customTemplatePath(object('apps.kruise.io/v1alpha1', 'CloneSet'))).toEqual(['spec', 'template']);
    expect(customTemplatePath(object('apps.kruise.io/v1beta1', 'StatefulSet'))).toEqual(['spec', 'template']);
    expect(customTemplatePath(object('apps.kruise.io/v1alpha1', 'DaemonSet'))).toEqual(['spec', 'template']);
    // the kind of another group, the group of another kind, the core group, a kind named like a property
    expect(customTemplatePath(object('example.com/v1', 'Rollout'))).toBeUndefined();
    expect(customTemplatePath(object('apps/v1', 'StatefulSet'))).toBeUndefined();
    expect(customTemplatePath(object('argoproj.io/v1alpha1', 'CloneSet'))).toBeUndefined();
    expect(customTemplatePath(object('v1', 'Rollout'))).toBeUndefined();
    for (const kind of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(customTemplatePath(object('argoproj.io/v1alpha1', kind))).toBeUndefined();
    expect(customTemplatePath({ kind: 'Rollout', metadata: { name: 'x' } } as unknown as KubeObject)).toBeUndefined();
    expect(workloadTemplate(object('argoproj.io/v1alpha1', 'Rollout', template))?.path).toEqual(['spec', 'template']);
  });

  it('makes no group/kind key for an object whose kind no custom workload has', () => {
    vi.mocked(groupOf).mockClear();
    vi.mocked(groupKind).mockClear();
    for (const [apiVersion, kind] of [
      ['v1', 'ConfigMap'],
      ['apps/v1', 'Deployment'],
      ['networking.k8s.io/v1', 'Ingress'],
      ['example.com/v1', 'Widget'],
    ])
      expect(customTemplatePath(object(apiVersion, kind))).toBeUndefined();
    expect(workloadTemplate(object('v1', 'Secret'))).toBeUndefined();
    expect(vi.mocked(groupOf)).not.toHaveBeenCalled();
    expect(vi.mocked(groupKind)).not.toHaveBeenCalled();
    // a kind a custom workload has (Knative's Service) is looked up by its group: the spy sees the lookups
    expect(customTemplatePath(object('v1', 'Service'))).toBeUndefined();
    expect(vi.mocked(groupOf).mock.calls).toEqual([['v1']]);
  });
});
