import { describe, expect, it } from 'vitest';
import { find, problems, render, serviceStage } from '../helpers/stage.js';

const IMAGE = 'image: team/api:1.4.2';

describe('the pod anti-affinity of a service', () => {
  it("keeps the app's own pods apart (its instance label, never a manifests app's pods labelled name: api), required or preferred (weight 100 unless given)", () => {
    const objects = render(
      serviceStage([
        IMAGE,
        'replicas: 3',
        'podAntiAffinity:',
        '  required: [kubernetes.io/hostname]',
        '  preferred: [{ topologyKey: topology.kubernetes.io/zone }, { topologyKey: example.com/rack, weight: 10 }]',
      ]),
    );
    const own = { matchLabels: { name: 'api', 'app.kubernetes.io/instance': 'api-x' } };
    expect(find(objects, 'Deployment', 'api').spec.template.spec.affinity).toEqual({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: own, topologyKey: 'kubernetes.io/hostname' }],
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: own, topologyKey: 'topology.kubernetes.io/zone' } },
          { weight: 10, podAffinityTerm: { labelSelector: own, topologyKey: 'example.com/rack' } },
        ],
      },
    });
  });

  it("counts each blue/green color's own pods", () => {
    const objects = render(
      serviceStage([
        'blueGreen: { live: blue, blue: team/api:1, green: team/api:2 }',
        'podAntiAffinity: { required: [kubernetes.io/hostname] }',
      ]),
    );
    for (const color of ['blue', 'green']) {
      const [term] = find(objects, 'Deployment', `api-${color}`).spec.template.spec.affinity.podAntiAffinity
        .requiredDuringSchedulingIgnoredDuringExecution;
      expect(term.labelSelector).toEqual({ matchLabels: { name: 'api', color, 'app.kubernetes.io/instance': 'api-x' } });
    }
  });

  it('refuses at its place a weight outside 1-100, a bad topologyKey, and the API fields stagecraft writes', () => {
    expect(
      problems(
        serviceStage([
          IMAGE,
          'podAntiAffinity:',
          '  required: ["a b"]',
          '  preferred: [{ topologyKey: kubernetes.io/hostname, weight: 0 }]',
          '  requiredDuringSchedulingIgnoredDuringExecution: []',
        ]),
      ),
    ).toEqual([
      `environments/x.yaml:6:18: apps.api.podAntiAffinity.required[0] must be a node label key such as kubernetes.io/hostname or topology.kubernetes.io/zone (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit) (found "a b")`,
      'environments/x.yaml:7:66: apps.api.podAntiAffinity.preferred[0].weight must be an integer from 1 to 100 (found 0)',
      'environments/x.yaml:8:7: apps.api.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution is not a known setting (known: required, preferred)\n' +
        '  hint: write required: [<topologyKey>]; stagecraft writes the terms and their labelSelector',
    ]);
  });

  it('refuses one with neither required nor preferred, which keeps the pods apart on nothing', () => {
    expect(problems(serviceStage([IMAGE, 'podAntiAffinity: {}']))).toEqual([
      'environments/x.yaml:5:22: apps.api.podAntiAffinity needs required or preferred (found neither): it keeps the pods apart on nothing\n' +
        '  hint: e.g. podAntiAffinity: { preferred: [{ topologyKey: kubernetes.io/hostname }] }, or remove it',
    ]);
  });
});

describe('a list setting that repeats an item', () => {
  it('is refused at the later item, naming both, not as a list of the wrong kind', () => {
    expect(problems(serviceStage([IMAGE, 'podAntiAffinity: { required: [kubernetes.io/hostname, kubernetes.io/hostname] }']))).toEqual([
      'environments/x.yaml:5:59: apps.api.podAntiAffinity.required lists one item twice (items 0 and 1)\n  hint: remove one of them',
    ]);
  });
});
