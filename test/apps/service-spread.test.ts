import { describe, expect, it } from 'vitest';
import { find, problems, render, serviceStage } from '../helpers/stage.js';

const ZONES = 'topologySpreadConstraints: [{ topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway }]';

describe('the spread of a service over nodes and zones', () => {
  it("counts the app's own pods (its instance label, never a manifests app's pods labelled name: api), with a maxSkew of 1 unless the stage says", () => {
    const objects = render(
      serviceStage([
        'image: team/api:1.4.2',
        'replicas: 3',
        'topologySpreadConstraints:',
        '  - { topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway }',
        '  - { topologyKey: kubernetes.io/hostname, maxSkew: 2, whenUnsatisfiable: DoNotSchedule }',
      ]),
    );
    expect(find(objects, 'Deployment', 'api').spec.template.spec.topologySpreadConstraints).toEqual([
      {
        topologyKey: 'topology.kubernetes.io/zone',
        maxSkew: 1,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { name: 'api', 'app.kubernetes.io/instance': 'api-x' } },
      },
      {
        topologyKey: 'kubernetes.io/hostname',
        maxSkew: 2,
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { name: 'api', 'app.kubernetes.io/instance': 'api-x' } },
      },
    ]);
  });

  it("counts each blue/green color's own pods: the idle color's pods are no part of the live color's spread", () => {
    const objects = render(serviceStage(['blueGreen: { live: blue, blue: team/api:1, green: team/api:2 }', ZONES]));
    for (const color of ['blue', 'green']) {
      const [constraint] = find(objects, 'Deployment', `api-${color}`).spec.template.spec.topologySpreadConstraints;
      expect(constraint.labelSelector).toEqual({ matchLabels: { name: 'api', color, 'app.kubernetes.io/instance': 'api-x' } });
    }
  });

  it('is left out when the stage says nothing', () => {
    expect(find(render(serviceStage(['image: team/api:1'])), 'Deployment').spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  it('refuses at its place what the API server refuses: a maxSkew below 1, another whenUnsatisfiable, a bad topologyKey', () => {
    expect(
      problems(
        serviceStage([
          'image: team/api:1',
          'topologySpreadConstraints:',
          '  - { topologyKey: topology.kubernetes.io/zone, maxSkew: 0, whenUnsatisfiable: DoNotSchedule }',
          '  - { topologyKey: kubernetes.io/hostname, whenUnsatisfiable: Never }',
          '  - { topologyKey: "a b", whenUnsatisfiable: ScheduleAnyway }',
          '  - { topologyKey: kubernetes.io/hostname }',
        ]),
      ),
    ).toEqual([
      'environments/x.yaml:6:62: apps.api.topologySpreadConstraints[0].maxSkew must be an integer from 1 to 2147483647 (found 0)',
      `environments/x.yaml:7:67: apps.api.topologySpreadConstraints[1].whenUnsatisfiable must be one of 'DoNotSchedule', 'ScheduleAnyway' (found "Never")`,
      `environments/x.yaml:8:24: apps.api.topologySpreadConstraints[2].topologyKey must be a node label key such as topology.kubernetes.io/zone or kubernetes.io/hostname (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit) (found "a b")`,
      "environments/x.yaml:9:9: apps.api.topologySpreadConstraints[3] is missing the required setting 'whenUnsatisfiable'",
    ]);
  });

  it('refuses two constraints on one topologyKey and whenUnsatisfiable, at the second', () => {
    expect(
      problems(
        serviceStage([
          'image: team/api:1',
          'topologySpreadConstraints:',
          '  - { topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule }',
          '  - { topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway }',
          '  - { topologyKey: kubernetes.io/hostname, maxSkew: 2, whenUnsatisfiable: DoNotSchedule }',
        ]),
      ),
    ).toEqual([
      'environments/x.yaml:8:24: apps.api.topologySpreadConstraints[2].topologyKey is kubernetes.io/hostname with whenUnsatisfiable DoNotSchedule, as topologySpreadConstraints[0] is: the API server refuses two constraints on one topologyKey and whenUnsatisfiable\n' +
        '  hint: remove one, or give it the other whenUnsatisfiable',
    ]);
  });

  it("refuses a labelSelector: the constraint counts the app's own pods, which stagecraft selects", () => {
    expect(
      problems(
        serviceStage([
          'image: team/api:1',
          'topologySpreadConstraints: [{ topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: { matchLabels: { app: web } } }]',
        ]),
      ),
    ).toEqual([
      'environments/x.yaml:5:106: apps.api.topologySpreadConstraints[0].labelSelector is not a known setting (known: topologyKey, maxSkew, whenUnsatisfiable)\n' +
        "  hint: remove it: a constraint counts the app's own pods (each blue/green color's own), and stagecraft writes their selector",
    ]);
  });
});
