import { describe, expect, it } from 'vitest';
import { compileStages, type StageSource } from '../../lib/compile.js';
import type { KubeObject } from '../../lib/model/object.js';

/** A stage of one manifests app (`settings` below `stack: manifests`) whose included folder `in` holds `files`. */
const stage = (files: Record<string, string>, settings = '', top = ''): StageSource => ({
  stage: 'imported',
  file: 'environments/imported.yaml',
  text: `${top}apps:\n  legacy:\n    stack: manifests\n    include: [in]\n${settings}`,
  readSource: (p) => {
    const found = Object.entries(files).filter(([f]) => f === p || f.startsWith(`${p}/`));
    return found.length ? new Map(found) : undefined;
  },
});

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
      annotations: { prometheus.io/scrape: "true" }
    spec:
      nodeSelector: { kubernetes.io/os: linux }
      containers:
        - name: web
          image: nginx:1.25.3
`;

const deploymentOf = (source: StageSource): KubeObject =>
  compileStages([source])
    .stages[0].charts.flatMap((c) => c.objects)
    .find((o) => o.kind === 'Deployment')!;
const templateOf = (o: KubeObject) => (o.spec as { template: { metadata: unknown } }).template;

describe("an included workload's pod template", () => {
  it('is written as the team wrote it, so that the first apply over its running pods replaces none of them; the workload carries the labels', () => {
    const web = deploymentOf(stage({ 'in/web.yaml': WEB }));
    expect(templateOf(web).metadata).toEqual({ labels: { app: 'web' }, annotations: { 'prometheus.io/scrape': 'true' } });
    expect(web.metadata.labels).toMatchObject({
      app: 'web',
      'app.kubernetes.io/managed-by': 'stagecraft',
      'app.kubernetes.io/instance': 'legacy-imported',
      'stagecraft.dev/stage': 'imported',
    });
  });

  it('gets no kubernetes.io/arch node selector, which would replace the pods, and make the apply over a Job the cluster has fail (its template cannot change)', () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: { name: admission-create }
spec:
  template:
    spec:
      restartPolicy: OnFailure
      nodeSelector: { kubernetes.io/os: linux }
      containers: [{ name: create, image: registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20231011-8b53cabe0 }]
`;
    const objects = compileStages([stage({ 'in/web.yaml': WEB, 'in/job.yaml': job })]).stages[0].charts.flatMap((c) => c.objects);
    const selectors = objects.flatMap((o) =>
      o.kind === 'Job' || o.kind === 'Deployment'
        ? [(o.spec as { template: { spec: { nodeSelector: unknown } } }).template.spec.nodeSelector]
        : [],
    );
    expect(selectors).toEqual([{ 'kubernetes.io/os': 'linux' }, { 'kubernetes.io/os': 'linux' }]);
  });

  it("stays the same when the app's version changes: a new version label on the workload alone rolls no pod", () => {
    const first = deploymentOf(stage({ 'in/web.yaml': WEB }, '    version: "1.0"\n'));
    const next = deploymentOf(stage({ 'in/web.yaml': WEB }, '    version: "1.1"\n'));
    expect(next.metadata.labels?.['app.kubernetes.io/version']).toBe('1.1');
    expect(templateOf(next)).toEqual(templateOf(first));
  });

  it("is pinned to the stage's nodes on an arm stage, whose image substitution swapped its image: an ARM image never starts on an amd64 node", () => {
    const flannel = `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: kube-flannel-ds, namespace: kube-system }
spec:
  selector:
    matchLabels: { app: flannel }
  template:
    metadata:
      labels: { app: flannel }
    spec:
      containers: [{ name: kube-flannel, image: "quay.io/coreos/flannel:v0.12.0-amd64" }]
`;
    const objects = compileStages([stage({ 'in/flannel.yaml': flannel }, '', 'architecture: arm\n')]).stages[0].charts.flatMap(
      (c) => c.objects,
    );
    const spec = (objects.find((o) => o.kind === 'DaemonSet')!.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(spec.containers).toMatchObject([{ image: 'quay.io/coreos/flannel:v0.12.0-arm' }]);
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm' });
  });
});
