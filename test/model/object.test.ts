import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { goRegExp } from '../../lib/checks/re2.js';
import { staticPodProblems } from '../../lib/checks/static-pods.js';
import { immutableChanges } from '../../lib/immutable-fields.js';
import { asRecord, describeObject, kubectlTarget, numberNameless, ownEntry, recordsIn, type KubeObject } from '../../lib/model/object.js';

const pod = (metadata?: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', ...(metadata ? { metadata } : {}) }) as KubeObject;

describe('how messages name an object', () => {
  it('names an object by its name, its generateName, or its place among the nameless of its kind', () => {
    const objects = [pod({ name: 'a', namespace: 'qa' }), pod({ generateName: 'job-' }), pod({}), pod({ name: '' }), pod()];
    numberNameless(objects);
    expect(objects.map(describeObject)).toEqual(['Pod qa/a', 'Pod job-*', 'Pod #3 (no name)', 'Pod #4 (empty name)', 'Pod #5 (no name)']);
  });

  it('says (no name) or (empty name) for an object the checks did not number', () => {
    expect(describeObject(pod({ name: '' }))).toBe('Pod (empty name)');
    expect(describeObject(pod({ generateName: '' }))).toBe('Pod (no name)');
  });
});

describe('a field of any type read as a mapping (asRecord, recordsIn)', () => {
  it('takes a mapping as it is and nothing else: null, a list, a string, a number, false', () => {
    const m = { a: 1 };
    expect(asRecord(m)).toBe(m);
    for (const v of [null, undefined, [m], 'a', 0, 1, false, true]) expect(asRecord(v)).toBeUndefined();
  });

  it("keeps a list's mappings in their order, and finds none in what is no list", () => {
    const a = { name: 'a' };
    const b = { name: 'b' };
    expect(recordsIn([a, null, 'x', [b], b, 3])).toEqual([a, b]);
    for (const v of [a, 'ab', null, undefined, 7]) expect(recordsIn(v)).toEqual([]);
  });
});

describe('how kubectl commands name one object', () => {
  it('as kubectl delete takes it, or kind/name as rollout restart and edit-last-applied take it, with -n only for a namespaced object', () => {
    const web = { kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } };
    expect(kubectlTarget(web)).toBe('deployment web -n shop');
    expect(kubectlTarget(web, '/')).toBe('deployment/web -n shop');
    expect(kubectlTarget({ kind: 'Namespace', metadata: { name: 'shop' } })).toBe('namespace shop');
  });
});

/** Names Object.prototype has: each was once found in a plain-object table as a function or an object. */
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
];

describe('a table read with a key from input (ownEntry)', () => {
  it('finds only its own entries, not those every object has', () => {
    const table = { Pod: 1 };
    expect(ownEntry(table, 'Pod')).toBe(1);
    expect(PROTOTYPE_NAMES.map((k) => ownEntry(table, k))).toEqual(PROTOTYPE_NAMES.map(() => undefined));
  });

  it('lets the checks say that a kind named like one is no Kubernetes 1.25 kind (or an unknown custom resource): no internal error', () => {
    const objects = PROTOTYPE_NAMES.flatMap((kind) =>
      ['v1', 'example.com/v1'].map((apiVersion) => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'qa' }, spec: {} })),
    );
    const { findings } = checkObjects(objects);
    for (const kind of PROTOTYPE_NAMES) {
      expect(findings.some((f) => f.object?.kind === kind && f.message.includes(`v1 ${kind} is not a Kubernetes 1.25 kind`))).toBe(true);
      expect(findings.some((f) => f.object?.kind === kind && f.message.includes(`example.com/v1 ${kind} is a custom resource`))).toBe(true);
    }
  });

  it('refuses a RoleBinding subject of such a kind as any other kind that is not ServiceAccount, User or Group', () => {
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b', namespace: 'qa' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'constructor', name: 'x' }],
    };
    expect(checkObjects([binding]).findings.map((f) => f.message)).toContain(
      "subject kind 'constructor' is not ServiceAccount, User or Group",
    );
  });

  it("gives a static pod's volume source or a CRD pattern's POSIX class of such a name no meaning", () => {
    const staticPod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'etcd', namespace: 'kube-system' },
      spec: {
        containers: [{ name: 'etcd', image: 'etcd' }],
        volumes: [{ name: 'v', constructor: {}, projected: { sources: [{ valueOf: {} }] } }],
      },
    };
    expect(() => staticPodProblems(staticPod)).not.toThrow();
    expect(() => goRegExp('^[[:constructor:]]$')).toThrow('[:constructor:] is no POSIX class');
  });

  it('finds no immutable fields, defaults or updatable pod fields for such a kind or field', () => {
    const object = (kind: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind,
      metadata: { name: 'x', namespace: 'qa' },
      spec,
    });
    for (const kind of PROTOTYPE_NAMES) expect(immutableChanges(object(kind, { a: 1 }), object(kind, { a: 2 }), [])).toEqual([]);
    const webPod = (spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'qa' },
      spec: { containers: [{ name: 'web', image: 'nginx:1.25' }], ...spec },
    });
    expect(immutableChanges(webPod({}), webPod({ constructor: 'x' }), []).map((c) => c.path.join('.'))).toEqual(['spec.constructor']);
  });
});
