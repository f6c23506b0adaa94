import { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { AppDeployment } from '../../lib/constructs/app-deployment.js';
import { StageLoader } from '../../lib/config/load.js';
import { ImageRef, Settings, Type } from '../../lib/config/types.js';
import { Probe, probesProblems } from '../../lib/config/workload.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import { defineStack, imageVersion } from '../../lib/stack.js';

// a stack of a team's own, as README's "Your own stack" says to build one: probes from lib/config/workload.ts
const probed = defineStack({
  name: 'probed',
  settings: Settings({
    image: ImageRef({ description: 'The image.' }),
    probes: Type.Optional(Settings({ readiness: Probe('Takes the pod out of the Service while it fails. @default - none') })),
  }),
  version: (s) => imageVersion(s.image),
  refine: (s) => probesProblems(s.probes, ['probes']),
  chart(app, name, s) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    new AppDeployment(chart, 'deployment', {
      name,
      image: s.image,
      version: imageVersion(s.image),
      selector: { name },
      replicas: 1,
      port: 6379,
      probes: s.probes,
    });
    return chart;
  },
});

const loader = new StageLoader({ ...STACKS, probed });
const problems = (probe: string): string[] => {
  try {
    loader.load(
      ['apps:', '  probed:', '    image: team/kv:1', `    probes: { readiness: ${probe} }`, ''].join('\n'),
      'environments/x.yaml',
    );
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
};

describe("a stack's own probes (Probe, probesProblems of lib/config/workload.ts)", () => {
  it('are refused at the probe, with the fix, when they have neither http nor command or both (the chart threw at the app key)', () => {
    const hint = '  hint: e.g. `http: { path: /healthz }`, or `command: [redis-cli, ping]` for a service that does not speak HTTP';
    expect(problems('{ periodSeconds: 5 }')).toEqual([
      `environments/x.yaml:4:26: apps.probed.probes.readiness needs exactly one of http and command (found neither)\n${hint}`,
    ]);
    expect(problems('{ http: { path: /ready }, command: [redis-cli, ping] }')).toEqual([
      `environments/x.yaml:4:26: apps.probed.probes.readiness needs exactly one of http and command (found both)\n${hint}`,
    ]);
  });

  it('pass with one of them', () => {
    expect(problems('{ command: [redis-cli, ping], periodSeconds: 5 }')).toEqual([]);
    expect(problems('{ http: { path: /ready } }')).toEqual([]);
  });
});
