/**
 * An autoscaler leaving the output is judged by the workload it scaled and the autoscalers that
 * still scale it (lib/replica-changes.ts, `autoscalersLeaving`): of the apps the render cache
 * answers, only those whose summary names that workload or an autoscaler of it are read.
 */
import { describe, expect, it } from 'vitest';
import type { LoadedStage } from '../lib/config/load.js';
import type { KubeObject } from '../lib/model/object.js';
import { autoscalersLeaving, replicasReset } from '../lib/replica-changes.js';
import { summarize } from '../lib/synth/app-summary.js';
import { withObjects, type RenderedChart } from '../lib/synth/rendered.js';

const deployment = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [] } } },
});
const autoscaler = (name: string, target: string): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: 'shop' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, maxReplicas: 3 },
});

/** `objects` as a chart of an app from the render cache, counting each time its objects are read. */
const cached = (name: string, objects: KubeObject[], reads: { count: number }): RenderedChart =>
  withObjects({ name, summary: summarize(JSON.parse(JSON.stringify(objects))) }, () => {
    reads.count++;
    return objects;
  });

const leaving = (charts: readonly RenderedChart[]) =>
  autoscalersLeaving(
    { apps: [] } as unknown as LoadedStage,
    [autoscaler('web', 'web')],
    charts,
    () => undefined,
    () => false,
  ).map((p) => p.message);

describe('an autoscaler leaving', () => {
  it("reads none of the other apps the render cache answers, whose objects neither are its workload nor scale it (a fleet's other apps with their own autoscalers)", () => {
    const reads = { count: 0 };
    const others = Array.from({ length: 5 }, (_, i) =>
      cached(`app-${i}`, [deployment(`app-${i}`), autoscaler(`app-${i}`, `app-${i}`)], reads),
    );
    expect(leaving([{ name: 'web', objects: [deployment('web')] }, ...others])).toEqual([
      expect.stringContaining('HorizontalPodAutoscaler shop/web leaves and the Deployment writes no spec.replicas'),
    ]);
    expect(reads.count).toBe(0);
  });

  it('reads a cached app whose autoscaler still scales the workload, and says nothing then', () => {
    const reads = { count: 0 };
    const keeper = cached('keeper', [autoscaler('web-2', 'web')], reads);
    expect(leaving([{ name: 'web', objects: [deployment('web')] }, keeper])).toEqual([]);
    expect(reads.count).toBe(1);
  });

  it('reads the cached app that holds the workload', () => {
    const reads = { count: 0 };
    expect(leaving([{ name: 'web', objects: [] }, cached('web-app', [deployment('web')], reads)])).toEqual([
      expect.stringContaining('leaves and the Deployment writes no spec.replicas'),
    ]);
    expect(reads.count).toBe(1);
  });
});

describe('spec.replicas no longer written while a KEDA ScaledObject scales the workload', () => {
  // what refs/autoscaled-replicas asks for: the field removed, the ScaledObject's HorizontalPodAutoscaler left to set it
  const scaledObject: KubeObject = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { scaleTargetRef: { name: 'web' }, triggers: [{ type: 'cpu', metadata: { value: '60' } }] },
  };
  const before: KubeObject = { ...deployment('web'), spec: { ...(deployment('web').spec as object), replicas: 3 } };
  const reset = (engine: 'flux' | 'argocd') =>
    replicasReset(
      { apps: [] } as unknown as LoadedStage,
      before,
      deployment('web'),
      () => [deployment('web'), scaledObject],
      [before, scaledObject],
      undefined,
      () => ({ file: 'web.yaml', line: 1, column: 1 }),
      engine,
    );

  it('is handed over to its autoscaler, as a HorizontalPodAutoscaler is: never told to write the number again', () => {
    const flux = reset('flux');
    expect(flux?.message).toContain(
      'the Deployment drops to 1 pod from the number ScaledObject shop/web scaled it to, until ScaledObject shop/web scales it up again',
    );
    expect(flux?.hint).toMatch(/^before pushing, hand the field over to the autoscaler/);
    expect(reset('argocd')?.hint).toMatch(/^before pushing, remove the field from what kubectl last applied/);
  });
});
