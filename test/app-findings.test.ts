/** lib/app-findings.ts: the checks' findings on an app's objects, said where the stage file wrote the app. */
import { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../apps/index.js';
import { atApps } from '../lib/app-findings.js';
import { checkStage } from '../lib/checks/stage.js';
import { StageLoader } from '../lib/config/load.js';
import { ImageRef, Settings } from '../lib/config/types.js';
import { AppDeployment } from '../lib/constructs/index.js';
import { appSelector, defineStack, imageVersion } from '../lib/stack.js';
import { renderStage } from '../lib/synth/render.js';

/** A stack of a team's own whose web Deployment selects by the app's instance label alone, beside a worker of a component. */
const overlapping = defineStack({
  name: 'overlapping',
  settings: Settings({ image: ImageRef({ description: 'The image.' }) }),
  version: (s) => imageVersion(s.image),
  chart(app, name, s, stage) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    const common = { image: s.image, version: imageVersion(s.image), replicas: 1 };
    new AppDeployment(chart, 'web', { ...common, name, selector: appSelector(name, stage), port: 8080 });
    new AppDeployment(chart, 'worker', { ...common, name: `${name}-worker`, selector: appSelector(name, stage, 'worker') });
    return chart;
  },
});

describe("a stack's workload that selects another workload's pods of its app", () => {
  it("is told to select by a component of its own in the stack (appSelector(name, stage, '<component>')), not to relabel the other's pods", () => {
    const stacks = { ...STACKS, overlapping };
    const loaded = new StageLoader(stacks).load('apps:\n  shop: { stack: overlapping, image: team/shop:1.0 }\n', 'environments/x.yaml');
    const rendered = renderStage(loaded, stacks, '0.0.0');
    const found = atApps(checkStage(rendered, {}).findings, rendered, loaded, stacks).filter((f) => f.code === 'refs/workload-overlap');
    expect(found.map((f) => `${f.appAt?.line}:${f.appAt?.column} ${f.object.kind} ${f.object.metadata.name}`)).toEqual([
      '2:3 Deployment shop',
    ]);
    expect(found[0].hint).toContain(
      "every pod template of the app carries its instance label, so give each workload of apps.shop a selector of its own in the stack, appSelector(name, stage, '<component>') (lib/stack.ts), the one of the instance label alone too; a selector cannot change",
    );
    expect(found[0].hint).not.toContain("relabel the other's");
  });
});
