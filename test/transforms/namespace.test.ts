import { describe, expect, it } from 'vitest';
import { setNamespace } from '../../lib/transforms/namespace.js';

const obj = (apiVersion: string, kind: string, namespace?: string) => ({
  apiVersion,
  kind,
  metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
});

describe('setNamespace', () => {
  it.each([
    ['a namespaced object without namespace gets the stage namespace', obj('v1', 'ConfigMap'), 'qa'],
    ['a namespaced object keeps the namespace it names', obj('v1', 'ConfigMap', 'kube-system'), 'kube-system'],
    ['a cluster-scoped object gets none', obj('v1', 'PersistentVolume'), undefined],
    ['a cluster-scoped object loses one given by mistake', obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'qa'), undefined],
    ['an unknown kind (a custom resource) is treated as namespaced', obj('cert-manager.io/v1', 'Certificate'), 'qa'],
  ])('%s', (_, input, expected) => {
    const [out] = setNamespace([input], { namespace: 'qa' });
    expect(out.metadata.namespace).toBe(expected);
  });

  describe('decides scope by API group and kind', () => {
    it.each([
      ['an alpha kind that kubectl api-resources does not list (ClusterCIDR)', obj('networking.k8s.io/v1alpha1', 'ClusterCIDR')],
      ['the other alpha kind of Kubernetes 1.25 (StorageVersion)', obj('internal.apiserver.k8s.io/v1alpha1', 'StorageVersion')],
      [
        'a kind of a later Kubernetes (ValidatingAdmissionPolicy)',
        obj('admissionregistration.k8s.io/v1alpha1', 'ValidatingAdmissionPolicy'),
      ],
      ['a kind of a later Kubernetes (IPAddress)', obj('networking.k8s.io/v1alpha1', 'IPAddress')],
      ['a beta version of a listed kind (FlowSchema)', obj('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema', 'qa')],
      ['RuntimeClass', obj('node.k8s.io/v1', 'RuntimeClass')],
      ['CSIDriver', obj('storage.k8s.io/v1', 'CSIDriver')],
      ['VolumeAttachment', obj('storage.k8s.io/v1', 'VolumeAttachment')],
      ['CertificateSigningRequest', obj('certificates.k8s.io/v1', 'CertificateSigningRequest')],
      ['MutatingWebhookConfiguration', obj('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'qa')],
    ])('a cluster-scoped built-in kind gets no namespace: %s', (_, input) => {
      const [out] = setNamespace([input], { namespace: 'qa' });
      expect(out.metadata).toEqual({ name: 'x' });
    });

    it.each([
      ['Node', obj('example.com/v1', 'Node')],
      ['ClusterRole', obj('acme.example.com/v1beta1', 'ClusterRole')],
      ['Namespace', obj('example.com/v1', 'Namespace')],
      ['ClusterCIDR', obj('example.com/v1', 'ClusterCIDR')],
    ])('a custom kind named like a built-in cluster-scoped kind (%s) gets the stage namespace', (_, input) => {
      const [out] = setNamespace([input], { namespace: 'qa' });
      expect(out.metadata.namespace).toBe('qa');
    });

    it('a built-in kind of the wrong group is not cluster-scoped (ClusterRole is rbac.authorization.k8s.io, not the core group)', () => {
      const [out] = setNamespace([obj('v1', 'ClusterRole')], { namespace: 'qa' });
      expect(out.metadata.namespace).toBe('qa');
    });
  });

  describe('with the custom kinds a CRD puts at cluster scope (group/kind)', () => {
    const clusterScopedKinds = ['cert-manager.io/ClusterIssuer', 'example.com/Gadget', 'example.com/Namespace'];
    it.each([
      ['such a kind gets none', obj('cert-manager.io/v1', 'ClusterIssuer'), undefined],
      ['such a kind loses one given by mistake', obj('example.com/v1', 'Gadget', 'qa'), undefined],
      ['such a kind named like a built-in one gets none', obj('example.com/v1', 'Namespace'), undefined],
      ['the same kind name in another group stays namespaced', obj('other.example.com/v1', 'Gadget'), 'qa'],
      ['another custom kind stays namespaced', obj('cert-manager.io/v1', 'Certificate'), 'qa'],
      ['a built-in kind stays as Kubernetes has it', obj('v1', 'ConfigMap'), 'qa'],
    ])('%s', (_, input, expected) => {
      const [out] = setNamespace([input], { namespace: 'qa', clusterScopedKinds });
      expect(out.metadata.namespace).toBe(expected);
    });
  });

  it('does not change the objects it is given', () => {
    const input = obj('v1', 'ConfigMap');
    setNamespace([input], { namespace: 'qa' });
    expect(input.metadata).toEqual({ name: 'x' });
  });
});
