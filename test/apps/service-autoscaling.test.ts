import { describe, expect, it } from 'vitest';
import { find, problems, render, serviceStage } from '../helpers/stage.js';

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
