import { describe, expect, it } from 'vitest';
import { stageRepeats } from '../../bench/repeats.js';

/** A Deployment of `stage`, labelled with it as stagecraft labels every object, in `namespace`. */
function deployment(stage: string, namespace: string, image = 'demoapp:1') {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace, labels: { 'stagecraft.dev/stage': stage } },
    spec: { template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image }] } } },
  };
}

const cronJob = (image: string) => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'backup' },
  spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'backup', image }] } } } } },
});

describe('stageRepeats', () => {
  it('counts an object that differs only by its namespace as repeated without it, not exactly', () => {
    const object = (namespace: string) => ({ kind: 'ConfigMap', metadata: { name: 'c', namespace }, data: { a: '1' } });
    const [first, second] = stageRepeats([
      { name: 'qa', objects: [object('qa'), object('qa')] },
      { name: 'production', objects: [object('production')] },
    ]);
    // the second copy within the stage is no repeat across stages
    expect(first).toMatchObject({ objects: 2, exact: 0, namespaceOut: 0, stageOut: 0 });
    expect(second).toMatchObject({ objects: 1, exact: 0, namespaceOut: 1, stageOut: 1 });
  });

  it("counts an object that carries the stage's name only with the name taken out, and its pod spec whole", () => {
    const [, second, third] = stageRepeats([
      { name: 'qa', objects: [deployment('qa', 'qa')] },
      { name: 'production', objects: [deployment('production', 'production')] },
      { name: 'staging', objects: [deployment('staging', 'staging', 'demoapp:2')] },
    ]);
    expect(second).toMatchObject({ exact: 0, namespaceOut: 0, stageOut: 1, podSpecs: 1, podSpecsSeen: 1 });
    // another image: neither the object nor its pod spec was seen
    expect(third).toMatchObject({ exact: 0, namespaceOut: 0, stageOut: 0, podSpecs: 1, podSpecsSeen: 0 });
  });

  it('counts an object repeated whole as repeated by every key, and finds a CronJob pod spec', () => {
    const [, second] = stageRepeats([
      { name: 'qa', objects: [cronJob('b:1'), { kind: 'Namespace', metadata: { name: 'shared' } }] },
      { name: 'production', objects: [cronJob('b:1'), { kind: 'Namespace', metadata: { name: 'shared' } }] },
    ]);
    expect(second).toMatchObject({ objects: 2, exact: 2, namespaceOut: 2, stageOut: 2, podSpecs: 1, podSpecsSeen: 1 });
  });
});
