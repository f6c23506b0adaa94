import { describe, expect, it } from 'vitest';
import { describeObject, numberNameless, type KubeObject } from '../../lib/model/object.js';

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
