import { describe, expect, it } from 'vitest';
import { KINDS, ObjectIndex, namespaceOf } from '../../lib/checks/object-index.js';
import type { KubeObject } from '../../lib/model/object.js';

const object = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe('the namespace an object is indexed under', () => {
  it.each([
    ['a namespaced built-in kind: its namespace', object('v1', 'ConfigMap', 'c', 'qa'), 'qa'],
    ['a namespaced built-in kind that names none: default', object('v1', 'ConfigMap', 'c'), 'default'],
    ['a cluster-scoped built-in kind: none, whatever it says', object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r', 'qa'), ''],
    ['an alpha cluster-scoped kind: none', object('networking.k8s.io/v1alpha1', 'ClusterCIDR', 'c', 'qa'), ''],
    ['a custom kind named like a cluster-scoped built-in one: its namespace', object('example.com/v1', 'Node', 'n', 'qa'), 'qa'],
    ['a built-in kind name in another built-in group: its namespace', object('v1', 'ClusterRole', 'r', 'qa'), 'qa'],
  ])('%s', (_, o, ns) => {
    expect(namespaceOf(o)).toBe(ns);
    expect(new ObjectIndex([o]).namespaceOf(o)).toBe(ns);
  });

  it('is none for a custom kind the CRDs put at cluster scope, by group and kind', () => {
    const issuer = object('cert-manager.io/v1', 'ClusterIssuer', 'ca', 'qa');
    const other = object('example.com/v1', 'ClusterIssuer', 'ca', 'qa');
    const clusterScopedKinds = ['cert-manager.io/ClusterIssuer'];
    const index = new ObjectIndex([issuer, other], { clusterScopedKinds });
    expect([index.namespaceOf(issuer), index.namespaceOf(other)]).toEqual(['', 'qa']);
    expect([index.isClusterScoped(issuer), index.isClusterScoped(other)]).toEqual([true, false]);
    expect(index.get('cert-manager.io/ClusterIssuer', '', 'ca')).toBe(issuer);
    expect(index.get('cert-manager.io/ClusterIssuer', 'qa', 'ca')).toBeUndefined();
    expect(new ObjectIndex([issuer]).get('cert-manager.io/ClusterIssuer', 'qa', 'ca')).toBe(issuer);
  });
});

describe('looking an object up by group and kind, namespace and name', () => {
  const node = object('v1', 'Node', 'n1');
  const custom = object('example.com/v1', 'Node', 'n2', 'qa');
  const index = new ObjectIndex([node, custom]);

  it("finds a cluster-scoped object under the namespace ''", () => {
    expect(index.get('/Node', '', 'n1')).toBe(node);
    expect(index.namesOf('/Node', '')).toEqual(['n1']);
  });

  it('finds an object of a namespaced custom kind named like a built-in one in its namespace, not at cluster scope', () => {
    expect(index.get('example.com/Node', 'qa', 'n2')).toBe(custom);
    expect(index.get('example.com/Node', '', 'n2')).toBeUndefined();
    expect(index.namesOf('example.com/Node', 'qa')).toEqual(['n2']);
    expect(index.objectsOf('example.com/Node', 'qa')).toEqual([custom]);
  });

  it('finds an object only under its own group: a custom Secret is no Secret, and both of one name are indexed', () => {
    const custom = object('example.com/v1', 'Secret', 'creds', 'qa');
    const secret = object('v1', 'Secret', 'creds', 'qa');
    const alone = new ObjectIndex([custom]);
    expect(alone.get(KINDS.Secret, 'qa', 'creds')).toBeUndefined();
    expect(alone.namesOf(KINDS.Secret, 'qa')).toEqual([]);
    expect(alone.objectsOf(KINDS.Secret)).toEqual([]);
    const both = new ObjectIndex([custom, secret]);
    expect(both.get(KINDS.Secret, 'qa', 'creds')).toBe(secret);
    expect(both.get('example.com/Secret', 'qa', 'creds')).toBe(custom);
    expect([both.duplicate(custom), both.duplicate(secret)]).toEqual([undefined, undefined]);
    expect([both.isFirst(custom), both.isFirst(secret)]).toEqual([true, true]);
  });

  it('finds two versions of one group and kind as one object: the second is a duplicate', () => {
    const v1 = object('autoscaling/v1', 'HorizontalPodAutoscaler', 'web', 'qa');
    const v2 = object('autoscaling/v2', 'HorizontalPodAutoscaler', 'web', 'qa');
    const index = new ObjectIndex([v1, v2]);
    expect(index.get(KINDS.HorizontalPodAutoscaler, 'qa', 'web')).toBe(v1);
    expect(index.duplicate(v2)?.message).toContain('(as autoscaling/v1 and autoscaling/v2) is defined twice');
  });
});

describe('traced lookups', () => {
  const secret = object('v1', 'Secret', 'db', 'qa');
  const labels = { app: 'web' };
  const deployment: KubeObject = {
    ...object('apps/v1', 'Deployment', 'web', 'qa'),
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
    },
  };
  const identity = (o: KubeObject) => `${o.kind}:${JSON.stringify(o)}`;
  const lookups = (index: ObjectIndex) => {
    index.get(KINDS.Secret, 'qa', 'db');
    index.get(KINDS.Secret, 'qa', 'missing');
    index.workloadsLabelled('qa', labels);
    index.workloadsSelected('qa', { matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] });
    index.get(KINDS.Secret, 'qa', 'db');
    index.get(KINDS.Secret, 'qa', 'missing');
  };

  it('records a lookup asked again as the trace it recorded before: its key is built once per index', () => {
    const index = new ObjectIndex([secret, deployment], { identity });
    const { traces } = index.traced(() => lookups(index), undefined);
    expect(traces?.map(([query]) => query)).toEqual([
      'get:/Secret/qa/db',
      'get:/Secret/qa/missing',
      '["labelled","qa",{"app":"web"}]',
      '["selected","qa",{"matchLabels":{},"matchExpressions":[{"key":"app","operator":"In","values":["web"]}]}]',
      'get:/Secret/qa/db',
      'get:/Secret/qa/missing',
    ]);
    expect(traces?.[4]).toBe(traces?.[0]);
    expect(traces?.[5]).toBe(traces?.[1]);
    expect(traces?.[0][1]).toBe(identity(secret));
    expect(traces?.[1][1]).toBe('');
  });

  it('records what each lookup finds as an index of the same objects evaluates it, and no longer holds once what it found changes', () => {
    const first = new ObjectIndex([secret, deployment], { identity });
    const traces = first.traced(() => lookups(first), undefined).traces!;
    expect(new ObjectIndex([secret, deployment], { identity }).holds(traces)).toBe(true);
    expect(new ObjectIndex([deployment], { identity }).holds(traces)).toBe(false);
    const relabelled: KubeObject = {
      ...deployment,
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels: { app: 'api' } } } },
    };
    expect(new ObjectIndex([secret, relabelled], { identity }).holds(traces)).toBe(false);
  });
});

describe('the workloads found by their pod labels', () => {
  const deployment = (name: string, namespace: string, labels: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } } },
  });
  const a = deployment('a', 'qa', { 'x=y': 'z', tier: 'web' });
  const b = deployment('b', 'qa', { x: 'y=z', tier: 'web' });
  const c = deployment('c', 'dev', { x: 'y=z', tier: 'web' });
  const d = deployment('d', 'qa', { tier: 'web', app: 'd' });
  const index = new ObjectIndex([a, b, c, d]);
  const names = (found: readonly { object: KubeObject }[]) => found.map((w) => w.object.metadata.name);

  it('by each label of the selector, a key and value never taken for another key whose text runs into its value', () => {
    expect(names(index.workloadsLabelled('qa', { 'x=y': 'z' }))).toEqual(['a']);
    expect(names(index.workloadsLabelled('qa', { x: 'y=z' }))).toEqual(['b']);
    expect(names(index.workloadsLabelled('qa', { x: 'y' }))).toEqual([]);
    expect(names(index.workloadsLabelled('qa', { tier: 'web' }))).toEqual(['a', 'b', 'd']);
    expect(names(index.workloadsLabelled('qa', { tier: 'web', app: 'd' }))).toEqual(['d']);
    expect(names(index.workloadsLabelled('qa', { tier: 'web', app: 'e' }))).toEqual([]);
    expect(names(index.workloadsLabelled('dev', { x: 'y=z' }))).toEqual(['c']);
    expect(names(index.workloadsLabelled('prod', { tier: 'web' }))).toEqual([]);
  });

  it('not by a label a template writes as a number, for the string of that number (the API server takes no number as a label)', () => {
    const numbered = deployment('n', 'qa', { version: 2 });
    const found = new ObjectIndex([numbered]);
    expect(names(found.workloadsLabelled('qa', { version: '2' }))).toEqual([]);
    expect(names(found.workloadsSelected('qa', { matchLabels: {}, matchExpressions: [] }))).toEqual(['n']);
  });
});
