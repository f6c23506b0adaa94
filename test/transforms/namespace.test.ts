import { describe, expect, it } from 'vitest';
import { setNamespace } from '../../lib/transforms/namespace.js';

const obj = (kind: string, namespace?: string) => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
});

describe('setNamespace', () => {
  it.each([
    ['a namespaced object without namespace gets the stage namespace', obj('ConfigMap'), 'qa'],
    ['a namespaced object keeps the namespace it names', obj('ConfigMap', 'kube-system'), 'kube-system'],
    ['a cluster-scoped object gets none', obj('PersistentVolume'), undefined],
    ['a cluster-scoped object loses one given by mistake', obj('ClusterRole', 'qa'), undefined],
    ['an unknown kind (a custom resource) is treated as namespaced', obj('Certificate'), 'qa'],
  ])('%s', (_, input, expected) => {
    const [out] = setNamespace([input], { namespace: 'qa' });
    expect(out.metadata.namespace).toBe(expected);
  });

  describe('with the custom kinds a CRD puts at cluster scope (group/kind)', () => {
    const custom = (apiVersion: string, kind: string, namespace?: string) => ({ ...obj(kind, namespace), apiVersion });
    const clusterScopedKinds = ['cert-manager.io/ClusterIssuer', 'example.com/Gadget'];
    it.each([
      ['such a kind gets none', custom('cert-manager.io/v1', 'ClusterIssuer'), undefined],
      ['such a kind loses one given by mistake', custom('example.com/v1', 'Gadget', 'qa'), undefined],
      ['the same kind name in another group stays namespaced', custom('other.example.com/v1', 'Gadget'), 'qa'],
      ['another custom kind stays namespaced', custom('cert-manager.io/v1', 'Certificate'), 'qa'],
    ])('%s', (_, input, expected) => {
      const [out] = setNamespace([input], { namespace: 'qa', clusterScopedKinds });
      expect(out.metadata.namespace).toBe(expected);
    });
  });

  it('does not change the objects it is given', () => {
    const input = obj('ConfigMap');
    setNamespace([input], { namespace: 'qa' });
    expect(input.metadata).toEqual({ name: 'x' });
  });
});
