import { describe, expect, it } from 'vitest';
import { builtInClusterScoped, isClusterScoped, k8s, kindGroups } from '../lib/k8s.js';

/** `apiVersion kind` of every kind of the Kubernetes API that cdk8s-plus binds (its 1.25 OpenAPI definitions), lists left out. */
function boundKinds(): { apiVersion: string; kind: string }[] {
  const bindings = Object.values(k8s as unknown as Record<string, { GVK?: { apiVersion: string; kind: string } }>);
  return bindings.flatMap((b) => (b?.GVK && !b.GVK.kind.endsWith('List') ? [b.GVK] : []));
}

describe('the scope of built-in kinds', () => {
  it('is known for every kind of the Kubernetes 1.25 API that is applied as an object, alpha kinds included', () => {
    const bound = boundKinds();
    expect(bound.length).toBeGreaterThan(50);
    const unknown = bound.filter((g) => builtInClusterScoped(g.apiVersion, g.kind) === undefined).map((g) => `${g.apiVersion} ${g.kind}`);
    // sent to a subresource of another object (pods/eviction, deployments/scale, serviceaccounts/token),
    // or an API response (Status): never applied
    expect(unknown.sort()).toEqual(['authentication.k8s.io/v1 TokenRequest', 'autoscaling/v1 Scale', 'policy/v1 Eviction', 'v1 Status']);
  });

  it.each([
    ['v1', 'Namespace'],
    ['v1', 'Node'],
    ['v1', 'ComponentStatus'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ['apiregistration.k8s.io/v1', 'APIService'],
    ['networking.k8s.io/v1alpha1', 'ClusterCIDR'],
    ['internal.apiserver.k8s.io/v1alpha1', 'StorageVersion'],
    ['flowcontrol.apiserver.k8s.io/v1beta1', 'PriorityLevelConfiguration'],
    ['storage.k8s.io/v1', 'CSINode'],
    ['scheduling.k8s.io/v1', 'PriorityClass'],
    ['admissionregistration.k8s.io/v1beta1', 'ValidatingAdmissionPolicyBinding'],
  ])('puts %s %s at cluster scope', (apiVersion, kind) => {
    expect(builtInClusterScoped(apiVersion, kind)).toBe(true);
    expect(isClusterScoped(apiVersion, kind)).toBe(true);
  });

  it.each([
    ['v1', 'ConfigMap'],
    ['v1', 'Event'],
    ['events.k8s.io/v1', 'Event'],
    ['storage.k8s.io/v1beta1', 'CSIStorageCapacity'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ])('keeps %s %s in a namespace', (apiVersion, kind) => {
    expect(builtInClusterScoped(apiVersion, kind)).toBe(false);
    expect(isClusterScoped(apiVersion, kind)).toBe(false);
  });

  it.each([
    ['example.com/v1', 'Node'],
    ['example.com/v1', 'Namespace'],
    ['acme.example.com/v1beta1', 'ClusterRole'],
    ['v1', 'ClusterRole'],
    ['apps/v1', 'Namespace'],
    ['cert-manager.io/v1', 'Certificate'],
  ])('has no built-in %s %s: the kind is of another group, or of none', (apiVersion, kind) => {
    expect(builtInClusterScoped(apiVersion, kind)).toBeUndefined();
    expect(isClusterScoped(apiVersion, kind)).toBe(false);
  });

  it('reads nothing but strings', () => {
    expect(builtInClusterScoped(undefined, 'Namespace')).toBeUndefined();
    expect(builtInClusterScoped('v1', 42)).toBeUndefined();
    expect(isClusterScoped(null, 'Node')).toBe(false);
  });
});

describe('the scope of custom kinds', () => {
  const custom = kindGroups(['cert-manager.io/ClusterIssuer', 'example.com/Node', 'other.example.com/Node']);

  it('puts the kinds a CRD says are cluster-scoped there, by group and kind', () => {
    expect(isClusterScoped('cert-manager.io/v1', 'ClusterIssuer', custom)).toBe(true);
    expect(isClusterScoped('example.com/v1alpha1', 'Node', custom)).toBe(true);
    expect(isClusterScoped('other.example.com/v1', 'Node', custom)).toBe(true);
    expect(isClusterScoped('third.example.com/v1', 'Node', custom)).toBe(false);
    expect(isClusterScoped('example.com.evil/v1', 'Node', custom)).toBe(false);
    expect(isClusterScoped('cert-manager.io/v1', 'Issuer', custom)).toBe(false);
  });

  it('puts every kind of a group written group/* there (Gatekeeper makes each constraint kind of its template, at cluster scope)', () => {
    const gatekeeper = kindGroups(['constraints.gatekeeper.sh/*', 'templates.gatekeeper.sh/ConstraintTemplate']);
    expect(isClusterScoped('constraints.gatekeeper.sh/v1beta1', 'K8sRequiredLabels', gatekeeper)).toBe(true);
    expect(isClusterScoped('constraints.gatekeeper.sh/v1', 'AnyKindAtAll', gatekeeper)).toBe(true);
    expect(isClusterScoped('templates.gatekeeper.sh/v1', 'Other', gatekeeper)).toBe(false);
    expect(isClusterScoped('evil-constraints.gatekeeper.sh/v1', 'K8sRequiredLabels', gatekeeper)).toBe(false);
    // still no built-in kind of Kubernetes' own groups
    expect(isClusterScoped('apps/v1', 'Deployment', kindGroups(['apps/*']))).toBe(false);
  });

  it('never overrides a built-in kind: the group decides whose kind it is', () => {
    const claimsBuiltIns = kindGroups(['/ConfigMap', 'apps/Deployment']);
    expect(isClusterScoped('v1', 'ConfigMap', claimsBuiltIns)).toBe(false);
    expect(isClusterScoped('apps/v1', 'Deployment', claimsBuiltIns)).toBe(false);
    expect(isClusterScoped('v1', 'Node', claimsBuiltIns)).toBe(true);
  });

  it('makes the lookup once per list of kinds', () => {
    const kinds = ['cert-manager.io/ClusterIssuer'];
    expect(kindGroups(kinds)).toBe(kindGroups(kinds));
    expect(kindGroups(kinds)).toEqual(new Map([['ClusterIssuer', ['cert-manager.io']]]));
    expect(kindGroups([]).size).toBe(0);
    expect(kindGroups(undefined).size).toBe(0);
  });
});
