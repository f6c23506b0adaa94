/**
 * What the render cache keeps of an app besides its documents (lib/synth/app-summary.ts,
 * `summarize`): whether its objects are plain to the checks across objects, whichever of them is
 * not, the labels of its pod templates, and the classes it makes.
 */
import { describe, expect, it } from 'vitest';
import { summarize } from '../../lib/synth/app-summary.js';
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
    [
      'an Ingress whose TLS Secret cert-manager makes (an issuer annotation), which other apps may read',
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { ...meta('web'), annotations: { 'cert-manager.io/cluster-issuer': 'ca' } },
        spec: { tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }] },
      },
    ],
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

  it('keeps the labels of a custom workload’s pod template (an Argo Rollout, an OpenKruise CloneSet), and is not plain for its hostPort', () => {
    const custom = (apiVersion: string, kind: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion,
      kind,
      metadata: meta('web'),
      spec: { template: { metadata: { labels: { app: kind } }, spec } },
    });
    const rollout = custom('argoproj.io/v1alpha1', 'Rollout', { containers: [{ name: 'c' }] });
    const cloneSet = custom('apps.kruise.io/v1alpha1', 'CloneSet', { containers: [{ name: 'c' }] });
    expect(summarize([config, rollout, cloneSet]).workloads).toEqual([
      [1, { app: 'Rollout' }],
      [2, { app: 'CloneSet' }],
    ]);
    const hostPort = custom('argoproj.io/v1alpha1', 'Rollout', {
      containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }] }],
    });
    expect(summarize([config, hostPort]).plain).toBe(false);
    // a kind of another group named like one runs no pods anyone knows of
    expect(summarize([custom('example.com/v1', 'Rollout', { containers: [{ name: 'c' }] })]).workloads).toEqual([]);
  });

  it('keeps the StorageClasses and PriorityClasses it makes, in order, with what other apps are judged by; nothing for an app that makes none', () => {
    const storage = (name: string, more: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name },
      provisioner: 'example.com/disk',
      ...more,
    });
    const priority = (name: string, more: Record<string, unknown>): KubeObject => ({
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name },
      ...more,
    });
    const objects = [
      storage('fast', { allowVolumeExpansion: true }),
      priority('high', { value: 1000 }),
      config,
      storage('fixed', { allowVolumeExpansion: 'true' }),
      priority('low', { value: 10, preemptionPolicy: 'Never' }),
      priority('broken', { value: '10' }),
    ];
    expect(summarize(objects).classes).toEqual({
      storage: [
        ['fast', true],
        ['fixed', false],
      ],
      priority: [
        ['high', { priority: 1000, preemptionPolicy: 'PreemptLowerPriority' }],
        ['low', { priority: 10, preemptionPolicy: 'Never' }],
      ],
    });
    // an entry of an app that makes none holds no more than before
    expect('classes' in summarize([config, deployment({ containers: [{ name: 'c' }] })])).toBe(false);
  });
});
