import { describe, expect, it } from 'vitest';
import { describeObject, kubectlTarget, numberNameless, type KubeObject } from '../../lib/model/object.js';

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

describe('how kubectl commands name one object', () => {
  it('as kubectl delete takes it, or kind/name as rollout restart and edit-last-applied take it, with -n only for a namespaced object', () => {
    const web = { kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } };
    expect(kubectlTarget(web)).toBe('deployment web -n shop');
    expect(kubectlTarget(web, '/')).toBe('deployment/web -n shop');
    expect(kubectlTarget({ kind: 'Namespace', metadata: { name: 'shop' } })).toBe('namespace shop');
  });
});
