/**
 * refs/autoscaled-replicas names the engine that applies the stage (lib/checks/references.ts), and
 * what the traced checks keep of a cached app is kept for that engine only (lib/checks/index.ts
 * `tracedContext`): a stage moved from Argo CD to Flux is told of Flux, not of what Argo CD did.
 */
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import type { CheckOptions } from '../../lib/checks/index.js';
import { checkStage } from '../../lib/checks/stage.js';
import { loadStage } from '../../lib/compile.js';
import type { KeptChecks } from '../../lib/model/kept-checks.js';
import type { KubeObject } from '../../lib/model/object.js';
import { summarize } from '../../lib/synth/app-summary.js';
import { renderStage } from '../../lib/synth/render.js';
import { NAMESPACE_CHART, serializeObjects, withObjects, type RenderedChart, type RenderedStage } from '../../lib/synth/rendered.js';
import { fleetStageFile } from '../../bench/fleet.js';

const base = renderStage(loadStage({ stage: 'dev', file: 'environments/dev.yaml', text: fleetStageFile('dev', 1) }), STACKS, '0.0.0');
const namespaceChart = base.charts.find((c) => c.name === NAMESPACE_CHART)!;

/** A Deployment with spec.replicas: 2 and the autoscaler that scales it. */
const objects: KubeObject[] = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'dev' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
    },
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'dev' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5 },
  },
];

const stage = (chart: RenderedChart): RenderedStage => ({ ...base, charts: [namespaceChart, chart] });
const rendered = (): RenderedChart => ({ name: 'web', objects: structuredClone(objects), serialized: serializeObjects(objects) });
/** The app as the render cache gives it back, with what the checks kept of it. */
const cached = (checks: KeptChecks): RenderedChart =>
  withObjects({ name: 'web', serialized: serializeObjects(objects), checks, summary: summarize(objects) }, () => structuredClone(objects));

/** The message and hint of refs/autoscaled-replicas. */
function autoscaled(chart: RenderedChart, options: CheckOptions): string[] {
  return checkStage(stage(chart), options)
    .findings.filter((f) => f.code === 'refs/autoscaled-replicas')
    .map((f) => `${f.message}\n  hint: ${f.hint}`);
}

describe('refs/autoscaled-replicas and the engine of the stage', () => {
  it('names the engine that applies the stage, and only its way of handing the field over', () => {
    const [argocd] = autoscaled(rendered(), { engine: 'argocd' });
    expect(argocd).toContain("the stage's engine: Argo CD at every sync and, with selfHeal (its default), within seconds of each scaling");
    expect(argocd).toContain('kubectl apply edit-last-applied deployment/web -n dev');
    expect(argocd).not.toContain('Flux');
    const [flux] = autoscaled(rendered(), { engine: 'flux' });
    expect(flux).toContain("the stage's engine: Flux at every interval of the stage");
    expect(flux).toContain('output/replicas-reset');
    expect(flux).not.toContain('Argo CD');
    const [none] = autoscaled(rendered(), {});
    expect(none).toContain('kubectl apply; Flux at every interval of the stage; Argo CD at every sync');
  });

  it('is said of the new engine when the app comes from the render cache, kept under the old one', () => {
    const kept = checkStage(stage(rendered()), { engine: 'argocd' }).kept.get('web')!;
    // the same engine: what was kept is used
    expect(autoscaled(cached(kept), { engine: 'argocd' })).toEqual(autoscaled(rendered(), { engine: 'argocd' }));
    // the stage moved to Flux: said as a fresh check says it, of Flux
    const moved = autoscaled(cached(kept), { engine: 'flux' });
    expect(moved).toEqual(autoscaled(rendered(), { engine: 'flux' }));
    expect(moved.join('\n')).toContain('Flux at every interval');
    expect(moved.join('\n')).not.toContain('Argo CD');
    // and no longer delivered by an engine at all
    expect(autoscaled(cached(kept), {})).toEqual(autoscaled(rendered(), {}));
  });
});
