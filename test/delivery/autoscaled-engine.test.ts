/**
 * refs/autoscaled-replicas names the engine that applies the stage (lib/checks/references.ts), and
 * what the traced checks keep of a cached app is kept for that engine only (lib/checks/index.ts
 * `tracedContext`): a stage moved from Argo CD to Flux is told of Flux, not of what Argo CD did.
 */
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import type { CheckOptions } from '../../lib/checks/index.js';
import { checkStage } from '../../lib/checks/stage.js';
import { compileStages, loadStage } from '../../lib/compile.js';
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
    expect(argocd).toContain(
      "the stage's engine: Argo CD within seconds of each scaling (selfHeal syncs back what differs from the commit), and at every sync, so that the two fight",
    );
    expect(argocd).toContain('kubectl apply edit-last-applied deployment/web -n dev');
    expect(argocd).not.toContain('Flux');
    const [flux] = autoscaled(rendered(), { engine: 'flux' });
    expect(flux).toContain(
      "the stage's engine: Flux at every interval of the stage, which puts back what changed in the cluster, so that the two fight",
    );
    expect(flux).toContain('output/replicas-reset');
    expect(flux).not.toContain('Argo CD');
    const [none] = autoscaled(rendered(), {});
    expect(none).toContain('kubectl apply; Flux at every interval of the stage; Argo CD at every sync');
  });

  it.each([
    [
      'Argo CD with selfHeal: false',
      { engine: 'argocd', sync: { automated: true, selfHeal: false } },
      "the stage's engine: Argo CD at every sync, which it starts at each new commit while the stage differs (selfHeal: false leaves a scaling alone until then)): " +
        'each such sync takes it down to 2 pods, in the middle of a load peak too, until the autoscaler scales it up again',
    ],
    [
      'Argo CD synced by hand',
      { engine: 'argocd', sync: { automated: false, selfHeal: true } },
      "the stage's engine: Argo CD at every sync, which for this stage is by hand (no automated sync)): each such sync takes it down to 2 pods",
    ],
    [
      'Flux suspended',
      { engine: 'flux', sync: { automated: false, selfHeal: true } },
      "the stage's engine: Flux once its suspended Kustomization is resumed, then at every interval of the stage, so that the two fight",
    ],
  ] as const)('says what %s does with the replicas an autoscaler changed, as its sync policy has it', (_, options, said) => {
    const [finding] = autoscaled(rendered(), options);
    expect(finding).toContain(said);
    // selfHeal off, or synced by hand: no fight while the load lasts, only at a sync
    if (options.engine === 'argocd') expect(finding).not.toMatch(/fight|within seconds/);
  });

  it('is said anew when the sync policy changes and the app comes from the render cache, kept under the old one', () => {
    const kept = checkStage(stage(rendered()), { engine: 'argocd', sync: { automated: true, selfHeal: true } }).kept.get('web')!;
    const off = { engine: 'argocd', sync: { automated: true, selfHeal: false } } as const;
    expect(autoscaled(cached(kept), off)).toEqual(autoscaled(rendered(), off));
    expect(autoscaled(cached(kept), off).join('\n')).toContain('selfHeal: false leaves a scaling alone');
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

describe('refs/autoscaled-replicas of a stage compiled with its delivery: settings', () => {
  // JSON is YAML: the two objects as files of the manifests stack
  const files = new Map(objects.map((o, i) => [`in/${i}.yaml`, JSON.stringify(o)]));
  /** What the finding says of a stage delivered as `delivery` (its own settings) and the project file's `sync` say. */
  const said = (delivery: string, projectSync: string) =>
    compileStages(
      [
        {
          stage: 'dev',
          file: 'environments/dev.yaml',
          text: `apps:\n  legacy:\n    stack: manifests\n    include: [in]\ndelivery: ${delivery}\n`,
          readSource: (p) => (p === 'in' ? files : undefined),
        },
      ],
      {
        project: {
          file: 'stagecraft.yaml',
          text: `delivery:\n  engine: argocd\n  repository: { url: https://git.example.com/team/app.git, revision: main }\n  sync: ${projectSync}\n`,
        },
      },
    )
      .checks.get('dev')!
      .findings.filter((f) => f.code === 'refs/autoscaled-replicas')
      .map((f) => f.message)
      .join('\n');

  it("says what the stage's own sync policy makes its engine do, over the project file's", () => {
    expect(said('{ sync: { selfHeal: false } }', '{ selfHeal: true }')).toContain('selfHeal: false leaves a scaling alone until then');
    expect(said('{ sync: { automated: false } }', '{ selfHeal: true }')).toContain('which for this stage is by hand');
    expect(said('{}', '{ selfHeal: false }')).toContain('selfHeal: false leaves a scaling alone until then');
    expect(said('{}', '{ selfHeal: true }')).toContain('Argo CD within seconds of each scaling');
    expect(said('{ engine: flux }', '{ selfHeal: true }')).toContain('Flux at every interval of the stage');
  });
});
