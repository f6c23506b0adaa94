import { describe, expect, it } from 'vitest';
import { customPodTemplate } from '../../lib/checks/custom-workloads.js';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';

const rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: 'web' } },
    strategy: { canary: { canaryService: 'web-canary', stableService: 'web', steps: [{ setWeight: 20 }, { pause: { duration: '10m' } }] } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'team/web:1.4.2', ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
  },
} as unknown as KubeObject;
const service = (name: string, targetPort: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort }] },
  }) as KubeObject;
const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
const refs = (...objects: KubeObject[]) =>
  checkObjects([namespace, ...objects])
    .findings.filter((f) => f.code.startsWith('refs/'))
    .map((f) => `${f.code} ${f.object.kind} ${f.path.join('.')}: ${f.message}`);

describe("a custom resource's pods, made from a pod template of its own", () => {
  it("are selected by Services (an Argo Rollout's stable and canary Services), whose ports are checked against its containers", () => {
    expect(refs(rollout, service('web', 'http'), service('web-canary', 'http'))).toEqual([]);
    expect(refs(rollout, service('web', 'htpp'))).toEqual([
      "refs/target-port Service spec.ports.0.targetPort: port 80 targets the port named 'htpp', but the selected pods (Rollout web) listen on: 8080 (http)",
    ]);
  });

  it('are those of the kinds of known groups, never of a kind of another group with a template, nor of one without', () => {
    expect(customPodTemplate(rollout)?.metadata?.labels).toEqual({ app: 'web' });
    const cloneSet = { ...rollout, apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet' } as KubeObject;
    expect(customPodTemplate(cloneSet)).toBeDefined();
    // by group and kind: an example.com Rollout with the same template runs no pods anyone knows of
    const other = { ...rollout, apiVersion: 'example.com/v1' } as KubeObject;
    expect(customPodTemplate(other)).toBeUndefined();
    expect(customPodTemplate({ ...rollout, apiVersion: 'apps/v1', kind: 'Deployment' } as KubeObject)).toBeUndefined();
    // a Rollout that runs a Deployment's pods (workloadRef) has no template of its own: that Deployment's pods are selected
    const referring = { ...rollout, spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } } as KubeObject;
    expect(customPodTemplate(referring)).toBeUndefined();
    expect(refs(other, service('web', 'http'))).toEqual([
      "refs/service-selector Service spec.selector: selects app=web, but no pod template in namespace 'shop' has these labels; the workloads there are: none",
    ]);
  });

  it('count their replicas for a PodDisruptionBudget: one over a Rollout of 4 with minAvailable 4 blocks every drain', () => {
    const pdb = (minAvailable: number): KubeObject =>
      ({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { minAvailable, selector: { matchLabels: { app: 'web' } } },
      }) as unknown as KubeObject;
    const blocking = (...objects: KubeObject[]) => refs(...objects).filter((f) => f.startsWith('refs/pdb-blocks-drain'));
    expect(blocking(rollout, pdb(4))).toEqual([
      'refs/pdb-blocks-drain PodDisruptionBudget spec.minAvailable: minAvailable 4 is at least the 4 replicas it covers (Rollout web): no pod it covers can ever be evicted, so draining a node for maintenance waits forever',
    ]);
    expect(blocking(rollout, pdb(3))).toEqual([]);
    // a Rollout without replicas runs 1, as a Deployment
    const { replicas: _, ...unscaled } = rollout.spec as Record<string, unknown>;
    expect(blocking({ ...rollout, spec: unscaled } as KubeObject, pdb(1))).toHaveLength(1);
  });

  it("are held to the policy as a Deployment's pods are (Pod Security, probes, resources, image tags), at the custom resource's own paths", () => {
    const privileged = structuredClone(rollout) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    privileged.spec.template.spec.containers[0].securityContext = { privileged: true };
    privileged.spec.template.spec.containers[0].image = 'team/web:latest';
    const policy = checkObjects([namespace, privileged as unknown as KubeObject])
      .findings.filter((f) => f.code.startsWith('policy/'))
      .map((f) => `${f.code} ${f.path.join('.')}`);
    expect(policy).toEqual(
      expect.arrayContaining([
        'policy/privileged spec.template.spec.containers.0.securityContext.privileged',
        'policy/image-tag spec.template.spec.containers.0.image',
        'policy/resources spec.template.spec.containers.0',
        'policy/probes spec.template.spec.containers.0',
      ]),
    );
  });
});
