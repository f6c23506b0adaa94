/** lib/stack.ts: what a stack of a team's own builds on. */
import { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../apps/index.js';
import { checkStage } from '../lib/checks/stage.js';
import { StageLoader } from '../lib/config/load.js';
import { ImageRef, Settings } from '../lib/config/types.js';
import { AppDeployment, RESTRICTED_CONTAINER, k8s, oneContainerPod } from '../lib/constructs/index.js';
import { type Stack, appSelector, defineStack, imageVersion } from '../lib/stack.js';
import { renderStage } from '../lib/synth/render.js';

/** A team's worker and the CronJob that purges its queue at night: two workloads of one app, each selected by `select`. */
const twoWorkloads = (select: (name: string, stage: { name: string }, component: string) => Record<string, string>) =>
  defineStack({
    name: 'jobs',
    settings: Settings({ image: ImageRef({ description: 'The image.' }) }),
    version: (s) => imageVersion(s.image),
    chart(app, name, s, stage) {
      const chart = new Chart(app, name, { disableResourceNameHashes: true });
      new AppDeployment(chart, 'worker', { name, image: s.image, version: imageVersion(s.image), selector: select(name, stage, 'worker') });
      new k8s.KubeCronJob(chart, 'purge', {
        metadata: { name: `${name}-purge` },
        spec: {
          schedule: '0 3 * * *',
          jobTemplate: {
            spec: {
              template: {
                metadata: { labels: select(name, stage, 'purge') },
                spec: oneContainerPod({
                  container: { name: 'purge', image: s.image, args: ['purge'] },
                  securityContext: RESTRICTED_CONTAINER,
                  restartPolicy: 'OnFailure',
                }),
              },
            },
          },
        },
      });
      return chart;
    },
  });

/** The codes and objects of what the checks find on the stage `apps: { jobs: ... }` with the stack. */
const findings = (stack: Stack) => {
  const stacks = { ...STACKS, jobs: stack } as Record<string, Stack>;
  const stage = new StageLoader(stacks).load('apps:\n  jobs: { image: team/jobs:1.0 }\n', 'environments/dev.yaml');
  return checkStage(renderStage(stage, stacks, '0.0.0'), {}).findings.map((f) => `${f.code} ${f.object.kind} ${f.object.metadata.name}`);
};

describe('appSelector', () => {
  it("is the app's instance label, and with a component that label too", () => {
    expect(appSelector('jobs', { name: 'dev' })).toEqual({ 'app.kubernetes.io/instance': 'jobs-dev' });
    expect(appSelector('jobs', { name: 'dev' }, 'worker')).toEqual({
      'app.kubernetes.io/instance': 'jobs-dev',
      'app.kubernetes.io/component': 'worker',
    });
  });

  it("keeps two workloads of one app to their own pods with a component each (the instance label alone selects the other's too)", () => {
    const alone = findings(twoWorkloads((name, stage) => appSelector(name, stage)));
    expect(alone).toContain('refs/workload-overlap Deployment jobs');
    const apart = findings(twoWorkloads((name, stage, component) => appSelector(name, stage, component)));
    expect(apart.filter((f) => f.startsWith('refs/workload-overlap'))).toEqual([]);
  });
});
