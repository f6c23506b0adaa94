import { describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { formatProblem } from '../../lib/errors.js';
import { find, problems, render, serviceStage } from '../helpers/stage.js';

const loader = new StageLoader(STACKS);

const AUTOSCALED = [
  'image: team/api:1.4.2',
  'ports: { http: { port: 8080 } }',
  'resources: { requests: { cpu: 100m } }',
  'autoscaling: { minReplicas: 2, maxReplicas: 5 }',
];

describe('an autoscaled service', () => {
  it('has a Deployment with no spec.replicas, which its HorizontalPodAutoscaler scales', () => {
    const objects = render(serviceStage(AUTOSCALED));
    // kubectl apply of a Deployment with spec.replicas scales it back to that number, in a load peak too
    expect(find(objects, 'Deployment', 'api').spec).not.toHaveProperty('replicas');
    expect(find(objects, 'HorizontalPodAutoscaler', 'api').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 2,
      maxReplicas: 5,
    });
  });

  it('needs no replicas, and takes one within the bounds without writing it', () => {
    expect(problems(serviceStage(AUTOSCALED))).toEqual([]);
    expect(find(render(serviceStage([...AUTOSCALED, 'replicas: 3'])), 'Deployment', 'api').spec).not.toHaveProperty('replicas');
  });

  it('refuses a replicas outside the bounds at its place, with the hint to leave it out', () => {
    expect(problems(serviceStage([...AUTOSCALED, 'replicas: 7']))).toEqual([
      'environments/x.yaml:8:15: apps.api.replicas must be within autoscaling.minReplicas..maxReplicas (found 7, not in 2..5)\n' +
        '  hint: leave replicas out: with autoscaling, the autoscaler sets the number of pods (from minReplicas), and the Deployment has no spec.replicas',
    ]);
  });

  it("gives each color its own autoscaler, scaling that color's Deployment, which has no spec.replicas", () => {
    const objects = render(serviceStage(['blueGreen: { live: blue, blue: team/api:1, green: team/api:2 }', ...AUTOSCALED.slice(1)]));
    for (const color of ['blue', 'green']) {
      expect(find(objects, 'Deployment', `api-${color}`).spec).not.toHaveProperty('replicas');
      expect(find(objects, 'HorizontalPodAutoscaler', `api-${color}`).spec.scaleTargetRef.name).toBe(`api-${color}`);
    }
  });

  it('keeps spec.replicas without autoscaling (1 by default)', () => {
    expect(find(render(serviceStage(['image: team/api:1'])), 'Deployment', 'api').spec.replicas).toBe(1);
    expect(find(render(serviceStage(['image: team/api:1', 'replicas: 3'])), 'Deployment', 'api').spec.replicas).toBe(3);
  });
});

describe('the disruption budget of a service', () => {
  it("is a PodDisruptionBudget over the app's own pods, selected by its instance label too, so another app's pods labelled name: api are not counted", () => {
    const pdb = find(
      render(serviceStage(['image: team/api:1', 'replicas: 3', 'disruptionBudget: { maxUnavailable: 1 }'])),
      'PodDisruptionBudget',
      'api',
    );
    expect(pdb.spec).toEqual({ selector: { matchLabels: { name: 'api', 'app.kubernetes.io/instance': 'api-x' } }, maxUnavailable: 1 });
  });

  it('is one PodDisruptionBudget per color when blue/green, so a drain keeps the live color running whatever the idle one does, which the checks pass', () => {
    const text = serviceStage([
      'blueGreen: { live: blue, blue: team/api:1, green: team/api:1 }',
      'replicas: 3',
      'ports: { http: { port: 8080 } }',
      'disruptionBudget: { maxUnavailable: 1 }',
    ]);
    const objects = render(text);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(['api-blue', 'api-green']);
    for (const color of ['blue', 'green']) {
      expect(find(objects, 'PodDisruptionBudget', `api-${color}`).spec).toEqual({
        selector: { matchLabels: { name: 'api', color, 'app.kubernetes.io/instance': 'api-x' } },
        maxUnavailable: 1,
      });
    }
    const compiled = compileStages([{ stage: 'x', file: 'environments/x.yaml', text }]);
    expect(compiled.checks.get('x')!.findings.filter((f) => f.code.startsWith('refs/pdb'))).toEqual([]);
  });

  it('refuses maxUnavailable 0, and warns at minAvailable when it is not below the replicas (or the autoscaler floor): no drain could evict a pod', () => {
    const stage = (...lines: string[]) => serviceStage(['image: team/api:1', ...lines]);
    expect(problems(stage('replicas: 2', 'disruptionBudget: { maxUnavailable: 0 }'))[0]).toMatch(
      /^environments\/x\.yaml:6:41: apps\.api\.disruptionBudget\.maxUnavailable must be an integer from 1 to/,
    );
    const warnings = (text: string) => loader.load(text, 'environments/x.yaml').warnings.map(formatProblem);
    expect(warnings(stage('replicas: 2', 'disruptionBudget: { minAvailable: 2 }'))).toEqual([
      'environments/x.yaml:6:39: warning: apps.api.disruptionBudget.minAvailable is 2, not below replicas (2): no pod can ever be evicted, so draining a node for maintenance waits forever\n' +
        '  hint: lower minAvailable below 2, or use disruptionBudget: { maxUnavailable: 1 }',
    ]);
    expect(warnings(stage('disruptionBudget: { minAvailable: 1 }'))[0]).toMatch(/minAvailable is 1, not below the default replicas \(1\)/);
    const autoscaled = ['resources: { requests: { cpu: 100m } }', 'autoscaling: { minReplicas: 3, maxReplicas: 5 }'];
    expect(warnings(stage(...autoscaled, 'disruptionBudget: { minAvailable: 3 }'))[0]).toMatch(
      /minAvailable is 3, not below autoscaling\.minReplicas \(3\)/,
    );
    expect(warnings(stage(...autoscaled, 'disruptionBudget: { minAvailable: 2 }'))).toEqual([]);
  });

  it('says nothing of minAvailable while replicas is 0: there is no pod a drain waits for (it warned to lower minAvailable below 0)', () => {
    const text = serviceStage([
      'image: team/api:1',
      'replicas: 0',
      'ports: { http: { port: 8080 } }',
      'disruptionBudget: { minAvailable: 1 }',
    ]);
    expect(loader.load(text, 'environments/x.yaml').warnings.map(formatProblem)).toEqual([]);
    const compiled = compileStages([{ stage: 'x', file: 'environments/x.yaml', text }]);
    expect(compiled.checks.get('x')!.findings.filter((f) => f.code.startsWith('refs/pdb'))).toEqual([]);
  });

  it('takes one of maxUnavailable and minAvailable, refused at its place otherwise, and warns of one that blocks every drain once, at the setting', () => {
    const stage = (budget: string) => serviceStage(['image: team/api:1', 'replicas: 2', `disruptionBudget: ${budget}`]);
    expect(problems(stage('{ maxUnavailable: 1, minAvailable: 1 }'))).toEqual([
      'environments/x.yaml:6:23: apps.api.disruptionBudget needs one of maxUnavailable and minAvailable (found both): a PodDisruptionBudget takes one\n' +
        '  hint: e.g. disruptionBudget: { maxUnavailable: 1 }, which lets a drain evict one pod at a time',
    ]);
    expect(problems(stage('{}'))[0]).toMatch(/apps\.api\.disruptionBudget needs one of maxUnavailable and minAvailable \(found neither\)/);
    const compiled = compileStages([{ stage: 'x', file: 'environments/x.yaml', text: stage('{ minAvailable: 2 }') }]);
    expect(
      compiled.checks
        .get('x')!
        .findings.filter((f) => f.code === 'refs/pdb-blocks-drain')
        .map((f) => f.path),
    ).toEqual([]);
    expect((compiled.warnings.get('x') ?? []).map((p) => p.code)).toEqual(['refs/pdb-blocks-drain']);
  });
});

describe('an autoscaled service with sidecars', () => {
  it("refuses a sidecar without a CPU request or limit, at its resources (or its entry), since the autoscaler sums every container's request", () => {
    expect(
      problems(
        serviceStage([
          ...AUTOSCALED,
          'sidecars: [{ name: proxy, image: envoyproxy/envoy:v1.27.0 }, { name: shipper, image: fluent/fluent-bit:2.2, resources: { requests: { memory: 32Mi } } }]',
        ]),
      ),
    ).toEqual([
      "environments/x.yaml:8:16: apps.api.sidecars[0] needs requests.cpu, as autoscaling does: the HorizontalPodAutoscaler measures CPU against the requests of every container of the pod, and with sidecar 'proxy' lacking one it computes nothing (missing request for cpu in container proxy), so the app never scales\n" +
        '  hint: give the sidecar resources: { requests: { cpu: 50m } } (what it uses at rest), or a limits.cpu, which is then its request too',
      "environments/x.yaml:8:124: apps.api.sidecars[1].resources needs requests.cpu, as autoscaling does: the HorizontalPodAutoscaler measures CPU against the requests of every container of the pod, and with sidecar 'shipper' lacking one it computes nothing (missing request for cpu in container shipper), so the app never scales\n" +
        '  hint: give the sidecar resources: { requests: { cpu: 50m } } (what it uses at rest), or a limits.cpu, which is then its request too',
    ]);
  });

  it('takes a sidecar with a CPU request, or a CPU limit (its request then), and any sidecar without autoscaling', () => {
    const sidecars =
      'sidecars: [{ name: proxy, image: envoyproxy/envoy:v1.27.0, resources: { requests: { cpu: 50m } } }, { name: shipper, image: fluent/fluent-bit:2.2, resources: { limits: { cpu: 100m } } }]';
    expect(problems(serviceStage([...AUTOSCALED, sidecars]))).toEqual([]);
    expect(problems(serviceStage(['image: team/api:1', 'sidecars: [{ name: shipper, image: fluent/fluent-bit:2.2 }]']))).toEqual([]);
  });
});
