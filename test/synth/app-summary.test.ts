/**
 * What the render cache keeps of an app besides its documents (lib/synth/app-summary.ts,
 * `summarize`): whether its objects are plain to the checks across objects, whichever of them is
 * not, and the labels of its pod templates.
 */
import { describe, expect, it } from 'vitest';
import { objectsOfChartsHolding, summarize } from '../../lib/synth/app-summary.js';
import type { KubeObject } from '../../lib/model/object.js';

const meta = (name: string) => ({ name, namespace: 'qa' });
const service = (ports: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { ports } });
const deployment = (containers: Record<string, unknown>, labels: Record<string, string> = { app: 'web' }): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta('web'),
  spec: { template: { metadata: { labels }, spec: containers } },
});
const config: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('web') };

describe('the summary of an app', () => {
  it('is plain when no object has a nodePort or hostPort, is a Namespace or a CRD, or is nameless', () => {
    expect(
      summarize([config, service([{ port: 80 }]), deployment({ containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] })]).plain,
    ).toBe(true);
  });

  it.each([
    ['a Service port with a nodePort', service([{ port: 80 }, { port: 81, nodePort: 30081 }])],
    [
      'a container port with a hostPort',
      deployment({ containers: [{ name: 'c', ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 81 }] }] }),
    ],
    [
      'an init container port with a hostPort',
      deployment({ containers: [{ name: 'c' }], initContainers: [{ name: 'i', ports: [{ hostPort: 9 }] }] }),
    ],
    ['a Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'qa' } }],
    ['an object without a name', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'qa' } }],
  ] as [string, KubeObject][])('is not plain when any object (first, middle or last) has %s', (_, odd) => {
    for (const objects of [
      [odd, config, config],
      [config, odd, config],
      [config, config, odd],
    ]) {
      expect(summarize(objects).plain).toBe(false);
    }
  });

  it('keeps each pod template’s labels at its place, and names every object', () => {
    const summary = summarize([config, deployment({ containers: [{ name: 'c' }] }, { app: 'web', tier: 'front' })]);
    expect(summary.workloads).toEqual([[1, { app: 'web', tier: 'front' }]]);
    expect(summary.heads).toEqual([
      ['v1', 'ConfigMap', 'web', 'qa'],
      ['apps/v1', 'Deployment', 'web', 'qa'],
    ]);
  });
});

describe('the objects of the charts holding a kind', () => {
  it("are read from those charts only: a cached app's objects, known by its summary's heads, are not read when it holds none", () => {
    const cached = {
      name: 'cached',
      summary: summarize([config]),
      get objects(): KubeObject[] {
        throw new Error("a cached app's objects were read");
      },
    };
    const priority: KubeObject = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' } };
    const fresh = { name: 'fresh', objects: [config, priority] };
    expect(objectsOfChartsHolding([cached, fresh], new Set(['PriorityClass']))).toEqual([
      { object: config, app: 'fresh' },
      { object: priority, app: 'fresh' },
    ]);
  });
});
