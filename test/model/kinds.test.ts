import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { checkObjects } from '../../lib/checks/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { Settings } from '../../lib/config/types.js';
import { ProblemsError } from '../../lib/errors.js';
import { builtInClusterScoped } from '../../lib/k8s.js';
import { KINDS, KIND_ORDER, POD_TEMPLATE_PATHS, PRUNE_ALLOWLIST, kindInfo } from '../../lib/model/kinds.js';
import { defineStack, type Stack } from '../../lib/stack.js';
import { renderStage } from '../../lib/synth/render.js';
import type { RenderedStage } from '../../lib/synth/rendered.js';
import { REPO } from '../helpers/cli.js';

/** `apiVersion kind` of every object a rendered stage emits (charts and static pods) that the kind table lacks. */
function missingKinds(r: RenderedStage): string[] {
  const objects = [...r.charts.flatMap((c) => c.objects), ...r.nodeFiles.flatMap((f) => (f.document.kind === 'Pod' ? [f.document] : []))];
  const missing = objects.filter((o) => kindInfo(o.kind)?.apiVersion !== o.apiVersion).map((o) => `${o.apiVersion} ${o.kind}`);
  return [...new Set(missing)].sort();
}

const render = (stacks: Record<string, Stack>, text: string, file: string) =>
  renderStage(new StageLoader(stacks).load(text, file) as never, stacks, '0.0.0');

/** Stage files that render: every committed stage, and the fixture stages that are not bad on purpose. */
function renderableStages(): { file: string; text: string }[] {
  const dirs = ['environments', 'test/fixtures/stages'];
  return dirs.flatMap((dir) =>
    readdirSync(join(REPO, dir))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(join(REPO, dir, f), 'utf8') })),
  );
}

describe('the kind table', () => {
  it('has every kind that a committed stage or a fixture stage emits, with its apiVersion', () => {
    let rendered = 0;
    for (const { file, text } of renderableStages()) {
      let r: RenderedStage;
      try {
        r = render(STACKS, text, file);
      } catch (e) {
        if (e instanceof ProblemsError) continue; // a fixture that is bad on purpose
        throw e;
      }
      rendered++;
      expect({ file, missing: missingKinds(r) }).toEqual({ file, missing: [] });
    }
    expect(rendered).toBeGreaterThanOrEqual(readdirSync(join(REPO, 'environments')).filter((f) => f.endsWith('.yaml')).length);
  });

  it('notices a stack that emits a kind it lacks', () => {
    const widget = defineStack({
      name: 'widget',
      settings: Settings({}),
      version: () => '1',
      chart: (app, name) => {
        const chart = new Chart(app, name, { disableResourceNameHashes: true });
        new ApiObject(chart, 'w', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
        return chart;
      },
    });
    expect(missingKinds(render({ widget } as Record<string, Stack>, 'apps:\n  w: {stack: widget}\n', 'environments/t.yaml'))).toEqual([
      'example.com/v1 Widget',
    ]);
  });

  it("names each built-in kind by its group's apiVersion, as the Kubernetes API has it", () => {
    expect(KINDS.filter((k) => builtInClusterScoped(k.apiVersion, k.kind) === undefined).map((k) => k.kind)).toEqual([]);
  });

  it('lists each kind once, and the apply order starts with Namespace', () => {
    expect(new Set(KIND_ORDER).size).toBe(KIND_ORDER.length);
    expect(KIND_ORDER[0]).toBe('Namespace');
  });

  it('gives the prune allow-list: the core group first, Secret never', () => {
    expect(PRUNE_ALLOWLIST.slice(0, 3)).toEqual(['core/v1/ConfigMap', 'core/v1/LimitRange', 'core/v1/Namespace']);
    expect(PRUNE_ALLOWLIST).toContain('apps/v1/Deployment');
    expect(PRUNE_ALLOWLIST).toContain('rbac.authorization.k8s.io/v1/RoleBinding');
    expect(PRUNE_ALLOWLIST).not.toContain('core/v1/Secret');
  });

  it('allows pruning every kind of the table a stage may hold but Secret, CustomResourceDefinition and APIService', () => {
    expect(KINDS.filter((k) => !k.prunable).map((k) => k.kind)).toEqual(['Secret', 'CustomResourceDefinition', 'APIService']);
    for (const kind of [
      'networking.k8s.io/v1/NetworkPolicy',
      'policy/v1/PodDisruptionBudget',
      'core/v1/ResourceQuota',
      'core/v1/LimitRange',
      'apps/v1/ReplicaSet',
      'storage.k8s.io/v1/StorageClass',
      'networking.k8s.io/v1/IngressClass',
    ]) {
      expect(PRUNE_ALLOWLIST).toContain(kind);
    }
  });

  it('gives the pod template of every workload kind', () => {
    expect(POD_TEMPLATE_PATHS).toMatchObject({
      Pod: [],
      Deployment: ['spec', 'template'],
      CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
    });
  });

  it('gives no pod template to a kind named like a property every object has (constructor, toString, __proto__)', () => {
    for (const kind of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])
      expect(POD_TEMPLATE_PATHS[kind]).toBeUndefined();
  });

  it('lets the checks run over custom objects of such kinds, as over any custom kind: no internal error', () => {
    const objects = ['constructor', 'toString'].map((kind) => ({
      apiVersion: 'example.com/v1',
      kind,
      metadata: { name: 'x', namespace: 'qa' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } } },
    }));
    expect(() => checkObjects(objects)).not.toThrow();
  });
});
