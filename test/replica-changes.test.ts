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
import { at, changes, MANIFESTS, OBJECTS, OBJECTS_FILE } from './helpers/output-changes.js';

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

describe('a KEDA ScaledObject leaving', () => {
  const scaledObject = (spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'web', namespace: 'shop' },
    // no kind: KEDA's default, a Deployment
    spec: { scaleTargetRef: { name: 'web' }, triggers: [{ type: 'cpu', metadata: { value: '60' } }], ...spec },
  });
  const leavingKeda = (gone: KubeObject, charts: readonly RenderedChart[]) =>
    autoscalersLeaving(
      { apps: [] } as unknown as LoadedStage,
      [gone],
      charts,
      () => undefined,
      () => false,
    ).map((p) => p.message);

  it('is warned about as a HorizontalPodAutoscaler is, its Deployment keeping what KEDA last set: 0 pods when it had scaled it to zero', () => {
    expect(leavingKeda(scaledObject(), [{ name: 'web', objects: [deployment('web')] }])).toEqual([
      'ScaledObject shop/web leaves and the Deployment writes no spec.replicas, which kubectl apply then leaves alone: ' +
        'it keeps the number of pods KEDA last set (0 when it had scaled it to zero, as a ScaledObject whose minReplicaCount is 0 does while its triggers are idle: ' +
        'no pod, and none started), which nothing changes any more',
    ]);
    expect(leavingKeda(scaledObject({ minReplicaCount: 2 }), [{ name: 'web', objects: [deployment('web')] }])).toEqual([
      expect.stringMatching(/it keeps the number of pods KEDA last set, which nothing changes any more$/),
    ]);
    // idleReplicaCount 0 scales an idle workload to zero whatever its minReplicaCount (KEDA's docs: 'scale the resource down to this number')
    expect(leavingKeda(scaledObject({ minReplicaCount: 2, idleReplicaCount: 0 }), [{ name: 'web', objects: [deployment('web')] }])).toEqual(
      [
        expect.stringContaining(
          'KEDA last set (0 when it had scaled it to zero, as a ScaledObject whose idleReplicaCount is 0 does while its triggers are idle',
        ),
      ],
    );
    expect(
      leavingKeda(scaledObject({ advanced: { restoreToOriginalReplicaCount: true } }), [{ name: 'web', objects: [deployment('web')] }]),
    ).toEqual([expect.stringContaining('it keeps the number of pods it had before the ScaledObject scaled it, which KEDA sets back')]);
  });

  it('is found by the workload it scales in a cached app, and says nothing while a HorizontalPodAutoscaler of another app scales it', () => {
    const reads = { count: 0 };
    expect(leavingKeda(scaledObject(), [{ name: 'other', objects: [] }, cached('web-app', [deployment('web')], reads)])).toHaveLength(1);
    expect(reads.count).toBe(1);
    const keeper = cached('keeper', [autoscaler('web-hpa', 'web')], reads);
    expect(leavingKeda(scaledObject(), [{ name: 'web', objects: [deployment('web')] }, keeper])).toEqual([]);
  });

  it('keeps a HorizontalPodAutoscaler leaving from a warning while a ScaledObject of a cached app scales the workload', () => {
    const reads = { count: 0 };
    const keeper = cached('keeper', [scaledObject()], reads);
    expect(leaving([{ name: 'web', objects: [deployment('web')] }, keeper])).toEqual([]);
    expect(reads.count).toBe(1);
  });

  it('of a ScaledObject of another group (no KEDA) says nothing', () => {
    expect(leavingKeda({ ...scaledObject(), apiVersion: 'example.com/v1' }, [{ name: 'web', objects: [deployment('web')] }])).toEqual([]);
  });
});

describe('a KEDA ScaledObject leaving a stage whose included StatefulSet it scaled (through the output comparison)', () => {
  // KEDA's CRD, as much of it as the check of the ScaledObject needs
  const CRD =
    '---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: scaledobjects.keda.sh }\n' +
    'spec:\n  group: keda.sh\n  scope: Namespaced\n  names: { kind: ScaledObject, plural: scaledobjects, singular: scaledobject, listKind: ScaledObjectList }\n' +
    '  versions:\n    - name: v1alpha1\n      served: true\n      storage: true\n' +
    '      schema: { openAPIV3Schema: { type: object, properties: { spec: { type: object, x-kubernetes-preserve-unknown-fields: true } } } }\n';
  const SCALED =
    '---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: { name: db }\n' +
    'spec:\n  scaleTargetRef: { kind: StatefulSet, name: db }\n  triggers: [{ type: cpu, metricType: Utilization, metadata: { value: "60" } }]\n';

  it('warns at the StatefulSet that writes no spec.replicas: it keeps what KEDA last set, 0 when idle', () => {
    const now = `${OBJECTS}${CRD}`;
    expect(changes(MANIFESTS, MANIFESTS, { was: `${now}${SCALED}`, objects: now })).toEqual([
      `${at(now, 'db }', OBJECTS_FILE)}: warning: StatefulSet data/db: ScaledObject data/db leaves and the StatefulSet writes no spec.replicas, ` +
        'which kubectl apply then leaves alone: it keeps the number of pods KEDA last set (0 when it had scaled it to zero, ' +
        'as a ScaledObject whose minReplicaCount is 0 does while its triggers are idle: no pod, and none started), which nothing changes any more\n' +
        '  hint: write the number of pods in spec.replicas, or keep the autoscaler; kubectl get statefulset db -n data shows the number it has now',
    ]);
  });
});
