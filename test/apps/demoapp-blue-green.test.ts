import diff from 'microdiff';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { checkObjects } from '../../lib/checks/index.js';
import { toProblem } from '../../lib/checks/finding.js';
import { StageLoader } from '../../lib/config/load.js';
import { formatProblem } from '../../lib/errors.js';
import { renderStage } from '../../lib/synth/render.js';
import type { KubeObject } from '../../lib/model/object.js';
import { repoStage } from '../helpers/cli.js';

const loader = new StageLoader(STACKS);
type Obj = KubeObject & { spec: any; [k: string]: any };
function render(text: string, stage = 'qa'): Obj[] {
  return renderStage(loader.load(text, `environments/${stage}.yaml`) as never, STACKS, '0.0.0').charts.flatMap((c) => c.objects) as Obj[];
}
const find = (objects: Obj[], kind: string, name: string): Obj => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};
const named = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
const VERSION = 'app.kubernetes.io/version';

/** A stage file of the repo with its `image: demoapp:1` line replaced by blue/green settings. */
const blueGreen = (stage: string, settings: string) => {
  const text = repoStage(stage);
  if (!text.includes('    image: demoapp:1\n')) throw new Error(`environments/${stage}.yaml has no 'image: demoapp:1' line`);
  return text.replace('    image: demoapp:1\n', `    blueGreen: ${settings}\n`);
};
/** The production stage as it was before blue/green: the same settings, rolling in place. */
const rollingProduction = () => repoStage('production').replace(/^ {4}blueGreen: .*$/m, '    image: demoapp:1');

describe('a demoapp stage running blue/green', () => {
  const objects = render(blueGreen('qa', '{ live: blue, blue: "demoapp:1", green: "demoapp:2" }'));
  const rolling = render(repoStage('qa'));
  /** An object as the rolling stage (release 1) would label it: shared objects carry the newer release, 2. */
  const asRelease1 = (o: Obj): Obj => JSON.parse(JSON.stringify(o).replaceAll(`"${VERSION}":"2"`, `"${VERSION}":"1"`));

  it('runs Deployments demoapp-blue and demoapp-green instead of demoapp, each selecting its own color', () => {
    expect(named(objects, 'Deployment')).toEqual(['demoapp-blue', 'demoapp-green']);
    for (const color of ['blue', 'green']) {
      const d = find(objects, 'Deployment', `demoapp-${color}`);
      expect(d.spec.selector.matchLabels).toEqual({ name: 'demoapp', color });
      expect(d.spec.template.metadata.labels).toMatchObject({ name: 'demoapp', color });
    }
  });

  it("runs each color's image and labels its Deployment and pods with that color's version", () => {
    const want = { blue: ['demoapp:1', '1'], green: ['demoapp:2', '2'] };
    for (const [color, [image, version]] of Object.entries(want)) {
      const d = find(objects, 'Deployment', `demoapp-${color}`);
      expect(d.spec.template.spec.containers[0].image).toBe(image);
      expect(d.metadata.labels![VERSION]).toBe(version);
      expect(d.spec.template.metadata.labels[VERSION]).toBe(version);
    }
  });

  it('keeps the container name demoapp in both colors, so kubectl set image and the probes work as before', () => {
    for (const name of ['demoapp-blue', 'demoapp-green'])
      expect(find(objects, 'Deployment', name).spec.template.spec.containers[0].name).toBe('demoapp');
  });

  it('gives each color everything the rolling Deployment has but its name, image, version and color', () => {
    const base = find(rolling, 'Deployment', 'demoapp');
    const green = structuredClone(find(objects, 'Deployment', 'demoapp-green'));
    green.metadata.name = 'demoapp';
    delete green.spec.selector.matchLabels.color;
    delete green.spec.template.metadata.labels.color;
    green.metadata.labels![VERSION] = green.spec.template.metadata.labels[VERSION] = '1';
    green.spec.template.spec.containers[0].image = 'demoapp:1';
    expect(green).toEqual(base);
  });

  it('autoscales each color on its own: one HorizontalPodAutoscaler per Deployment, with its version', () => {
    expect(named(objects, 'HorizontalPodAutoscaler')).toEqual(['demoapp-blue', 'demoapp-green']);
    for (const [color, version] of [
      ['blue', '1'],
      ['green', '2'],
    ]) {
      const hpa = find(objects, 'HorizontalPodAutoscaler', `demoapp-${color}`);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: `demoapp-${color}` });
      expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
      expect(hpa.metadata.labels![VERSION]).toBe(version);
      // the color's autoscaler sets its count: its Deployment says none, which kubectl apply would set back
      expect(find(objects, 'Deployment', `demoapp-${color}`).spec).not.toHaveProperty('replicas');
    }
  });

  it('has no autoscaler when the stage does not autoscale', () => {
    const dev = render(blueGreen('dev', '{ live: green, blue: "demoapp:1", green: "demoapp:1" }'), 'dev');
    expect(named(dev, 'Deployment')).toEqual(['demoapp-blue', 'demoapp-green']);
    expect(named(dev, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it('sends the traffic of Service demoapp to the live color only, and is otherwise the same Service', () => {
    const svc = find(objects, 'Service', 'demoapp');
    expect(svc.spec.selector).toEqual({ name: 'demoapp', color: 'blue' });
    expect(asRelease1({ ...svc, spec: { ...svc.spec, selector: { name: 'demoapp' } } })).toEqual(find(rolling, 'Service', 'demoapp'));
  });

  it('labels the shared objects with the newer release, whichever color runs it', () => {
    const versionOf = (settings: string) => find(render(blueGreen('qa', settings)), 'Service', 'demoapp').metadata.labels![VERSION];
    expect(versionOf('{ live: blue, blue: "demoapp:1", green: "demoapp:2" }')).toBe('2');
    expect(versionOf('{ live: blue, blue: "demoapp:2", green: "demoapp:1" }')).toBe('2');
    expect(versionOf('{ live: green, blue: "demoapp:1.9", green: "demoapp:1.10" }')).toBe('1.10');
    for (const kind of ['ConfigMap', 'ServiceAccount', 'Ingress', 'ReplicationController', 'CronJob']) {
      for (const o of objects.filter((x) => x.kind === kind)) expect(o.metadata.labels![VERSION], `${kind} ${o.metadata.name}`).toBe('2');
    }
  });

  it('shares the ConfigMap, RBAC, Ingress, mysql and backup with the rolling stage, unchanged but for the version label', () => {
    const shared = (list: Obj[]) =>
      list
        .filter((o) => !['Deployment', 'HorizontalPodAutoscaler', 'Service'].includes(o.kind) || o.metadata.name === 'mysql')
        .map(asRelease1);
    expect(shared(objects)).toEqual(shared(rolling));
  });
});

describe('switching the live color', () => {
  it("changes exactly one field of the output: the Service's spec.selector.color", () => {
    const settings = (live: string) => `{ live: ${live}, blue: "demoapp:1", green: "demoapp:2" }`;
    const blue = render(blueGreen('qa', settings('blue')));
    const green = render(blueGreen('qa', settings('green')));
    expect(green.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(blue.map((o) => `${o.kind}/${o.metadata.name}`));
    const changes = blue.flatMap((o, i) => diff(o, green[i]).map((d) => ({ object: `${o.kind}/${o.metadata.name}`, ...d })));
    expect(changes).toEqual([
      { object: 'Service/demoapp', type: 'CHANGE', path: ['spec', 'selector', 'color'], oldValue: 'blue', value: 'green' },
    ]);
  });
});

describe('the production stage', () => {
  const production = () => loader.load(repoStage('production'), 'environments/production.yaml');
  const objects = render(repoStage('production'), 'production');

  it('runs demoapp blue/green, live blue, both colors on demoapp:1', () => {
    expect(production().apps.find((a) => a.name === 'demoapp')!.settings).toMatchObject({
      blueGreen: { live: 'blue', blue: 'demoapp:1', green: 'demoapp:1' },
    });
    expect(named(objects, 'Deployment')).toEqual(['demoapp-blue', 'demoapp-green']);
    expect(named(objects, 'HorizontalPodAutoscaler')).toEqual(['demoapp-blue', 'demoapp-green']);
    expect(find(objects, 'Service', 'demoapp').spec.selector).toEqual({ name: 'demoapp', color: 'blue' });
  });

  it('passes the whole-output checks with exactly the findings it had rolling in place', () => {
    const findings = (list: Obj[]) => checkObjects(list).findings.map((f) => formatProblem(toProblem(f)));
    expect(findings(objects)).toEqual(findings(render(rollingProduction(), 'production')));
    expect(findings(objects).filter((f) => !f.startsWith('warning: '))).toEqual([]);
  });
});
