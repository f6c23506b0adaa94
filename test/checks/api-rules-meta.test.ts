import { describe, expect, it } from 'vitest';
import { checkLabels } from '../../lib/checks/api-rules-meta.js';
import { finder, type Finding } from '../../lib/checks/finding.js';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
/** The findings of checkLabels over each mapping in turn, as `code field`. */
function findings(...mappings: Record<string, unknown>[]): string[] {
  const out: Finding[] = [];
  for (const [i, labels] of mappings.entries()) checkLabels(finder(pod), labels, ['m', i], out);
  return out.map((f) => `${f.code} ${f.path.join('.')}`);
}

describe('label syntax, answered once per key and value', () => {
  it('reports a bad key or value at every place it repeats, and a good one at none', () => {
    const bad = { 'bad key': 'ok', good: 'bad value' };
    expect(findings(bad, bad, { good: 'ok', 'bad key': 'bad value' })).toEqual([
      'api/label-key m.0.bad key',
      'api/label-value m.0.good',
      'api/label-key m.1.bad key',
      'api/label-value m.1.good',
      'api/label-key m.2.bad key',
      'api/label-value m.2.bad key',
    ]);
    expect(findings({ 'app.kubernetes.io/name': '' }, { 'app.kubernetes.io/name': 'web' })).toEqual([]);
  });

  it('judges strings too long to be valid without keeping them, and values that are not strings', () => {
    const long = 'a'.repeat(64);
    const longKey = `${'a'.repeat(254)}/b`;
    expect(findings({ x: long }, { x: long }, { [longKey]: 'v' })).toEqual([
      'api/label-value m.0.x',
      'api/label-value m.1.x',
      `api/label-key m.2.${longKey}`,
    ]);
    // a custom resource's metadata is typed by nothing else: a value that is no string is found here
    const out: Finding[] = [];
    checkLabels(finder(pod), { x: 5, y: true }, ['labels'], out, 'label', false);
    checkLabels(finder(pod), { n: 2 }, ['annotations'], out, 'annotation', false);
    expect(out.map((f) => `${f.code} ${f.path.join('.')}: ${f.message} (${f.hint})`)).toEqual([
      'api/label-value labels.x: label value 5 is not a string: labels are strings, and the API server refuses the object (it cannot decode labels of another type) (quote it: x: "5")',
      'api/label-value labels.y: label value true is not a string: labels are strings, and the API server refuses the object (it cannot decode labels of another type) (quote it: y: "true")',
      'api/annotation-value annotations.n: annotation value 2 is not a string: annotations are strings, and the API server refuses the object (it cannot decode annotations of another type) (quote it: n: "2")',
    ]);
  });
});

describe('a label or annotation value that is no string', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    },
  };
  const meta = { name: 'web', labels: { app: 'web', tier: 1 }, annotations: { replicas: 2 } };
  const found = (o: KubeObject) =>
    checkObjects([crd as KubeObject, o])
      .findings.filter((f) => f.path[0] === 'metadata' && f.severity === 'error')
      .map((f) => `${f.code} ${f.path.join('.')}`)
      .sort();

  it("is one error on a built-in kind, the schema's, not a second one about the label's syntax", () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      },
    };
    expect(found(deployment as unknown as KubeObject)).toEqual([
      'schema/type metadata.annotations.replicas',
      'schema/type metadata.labels.tier',
    ]);
  });

  it("is an error on a custom resource, whose metadata the API server decodes as a built-in kind's, annotations included", () => {
    expect(found({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta } as unknown as KubeObject)).toEqual([
      'api/annotation-value metadata.annotations.replicas',
      'api/label-value metadata.labels.tier',
    ]);
  });
});

describe('metadata the API server sets, in an object exported from a cluster', () => {
  const serverSet = (o: KubeObject) => checkObjects([o]).findings.filter((f) => f.code === 'api/server-set');

  it('stands at the first such field the manifest writes and names them in its order, as kubectl get -o yaml prints them', () => {
    // kubectl get -o yaml sorts metadata's keys: creationTimestamp comes first, uid last
    const exported = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { creationTimestamp: '2024-03-01T10:00:00Z', name: 'web', namespace: 'shop', resourceVersion: '12345', uid: '0b5d1f0a' },
      data: { a: 'b' },
    };
    expect(serverSet(exported as KubeObject).map((f) => `${f.path.join('.')}: ${f.message}`)).toEqual([
      'metadata.creationTimestamp: metadata the API server sets, not a manifest: creationTimestamp, resourceVersion and uid; this ConfigMap was exported from a cluster (kubectl get -o yaml)',
    ]);
  });

  it('passes the null creationTimestamp that kubectl create --dry-run=client -o yaml writes', () => {
    const dryRun = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { creationTimestamp: null, name: 'web' }, data: { a: 'b' } };
    expect(serverSet(dryRun as unknown as KubeObject)).toEqual([]);
  });
});

describe('an object that names its owners by uid, as kubectl get -o yaml prints a namespace', () => {
  const owned = (o: KubeObject) =>
    checkObjects([o])
      .findings.filter((f) => f.code === 'api/owner-reference')
      .map((f) => `${f.severity} ${f.path.join('.')}: ${f.message} (${f.hint})`);
  const owner = (controller: boolean) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: '1b5d1f0a', controller });
  const replicaSet = (ownerReferences: unknown[]) =>
    ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-7d9c6b8f5', labels: { app: 'web' }, ownerReferences },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'team/web:1.4.2' }] } },
      },
    }) as unknown as KubeObject;

  it('is an error saying which controller makes it, to be removed from the manifests with its owner kept', () => {
    expect(owned(replicaSet([owner(true)]))).toEqual([
      "error metadata.ownerReferences: this ReplicaSet is made and managed by Deployment web, its controller (ownerReferences): the garbage collector deletes it at once where no object has its owner's uid (in any other cluster or namespace), and where one does, each apply fights that controller; it was exported from a cluster (kubectl get -o yaml) (remove the ReplicaSet from the manifests: Deployment web makes it (keep Deployment web itself))",
    ]);
  });

  it('is an error naming the owners when none is its controller, with ownerReferences to remove', () => {
    expect(owned(replicaSet([owner(false)]))).toEqual([
      "error metadata.ownerReferences: names its owners (Deployment web) by the uids they had in the cluster it was exported from: the garbage collector deletes it at once where no object has its owner's uid (in any other cluster or namespace) (remove ownerReferences: the owner is named by a uid the cluster gives it, which no manifest can know)",
    ]);
    expect(owned(replicaSet([]))).toEqual([]);
  });

  it("keeps no owner that a controller makes in turn (a Deployment's ReplicaSet, a CronJob's Job): the Pod's hint does not keep what the ReplicaSet's removes", () => {
    const pod = (kind: string, name: string) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${name}-x2x9q`, ownerReferences: [{ apiVersion: 'apps/v1', kind, name, uid: '2c6e', controller: true }] },
        spec: { containers: [{ name: 'web', image: 'team/web:1.4.2' }] },
      }) as unknown as KubeObject;
    const hint = (o: KubeObject) => checkObjects([o]).findings.find((f) => f.code === 'api/owner-reference')?.hint;
    expect(hint(pod('ReplicaSet', 'web-7d9c6b8f5'))).toBe('remove the Pod from the manifests: ReplicaSet web-7d9c6b8f5 makes it');
    expect(hint(pod('Job', 'backup-28911'))).toBe('remove the Pod from the manifests: Job backup-28911 makes it');
    expect(hint(pod('StatefulSet', 'db'))).toBe('remove the Pod from the manifests: StatefulSet db makes it (keep StatefulSet db itself)');
  });

  it('says the object is deleted in any other cluster, not namespace, when an owner is cluster-scoped (a Node)', () => {
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-1', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: '9a1c' }] },
      spec: { holderIdentity: 'node-1' },
    } as unknown as KubeObject;
    expect(owned(lease)).toEqual([
      "error metadata.ownerReferences: names its owners (Node node-1) by the uids they had in the cluster it was exported from: the garbage collector deletes it at once where no object has its owner's uid (in any other cluster) (remove ownerReferences: the owner is named by a uid the cluster gives it, which no manifest can know)",
    ]);
  });
});

describe('a StatefulSet name', () => {
  const set = (name: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } },
    },
  });
  const names = (o: KubeObject) =>
    checkObjects([o])
      .findings.filter((f) => f.code === 'api/name')
      .map((f) => `${f.severity} ${f.message} (${f.hint})`);

  it('over 52 characters is an error: its pods carry controller-revision-hash: <name>-<hash>, a label the API server refuses over 63 characters', () => {
    const long = `${'s'.repeat(52)}t`;
    expect(names(set(long))).toEqual([
      `error name '${long}' has 53 characters, more than the 52 a StatefulSet's name may have: the StatefulSet controller labels each pod controller-revision-hash: <name>-<a hash of up to 10 letters and digits>, and a label value is at most 63 characters: the API server refuses the pods, and the StatefulSet runs none (shorten the name to at most 52 characters)`,
    ]);
    expect(names(set('s'.repeat(52)))).toEqual([]);
  });
});
