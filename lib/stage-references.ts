/**
 * Reference problems of a stage's own settings, placed where the stage file says them. A check
 * that finds a pod running as a ServiceAccount the stage lacks, or reading a ConfigMap or Secret
 * (or a key of one) that the stage lacks, reports it at the rendered object's field; when a stack
 * says which of its settings wrote that field (`Stack.settingOf`: the service stack's
 * `serviceAccountName`, `configMaps:` and `secrets:`), the problem is the stage file's, reported at
 * that setting's `file:line:col` as bad input, with what the check said of the object. Pure.
 */
import type { LoadedStage } from './config/load.js';
import type { Problem } from './errors.js';
import type { Finding } from './checks/finding.js';
import { formatFieldPath as dotted } from './model/field-path.js';
import { describeObject, type KubeObject } from './model/object.js';
import type { Stack } from './stack.js';
import { NAMESPACE_CHART, type RenderedChart, type RenderedStage } from './synth/render.js';
import { chartHeads } from './synth/app-summary.js';

/** Codes of the checks' findings about an object a pod names that the stage lacks (lib/checks/references-pods.ts). */
const PLACED_CODES = new Set(['refs/configmap', 'refs/configmap-key', 'refs/secret', 'refs/secret-key', 'refs/service-account']);

/** What the hint adds for an object the stage file can declare as made outside stagecraft. */
const OUTSIDE: Readonly<Record<string, string>> = {
  'refs/service-account':
    'if it is made outside stagecraft (a Helm chart, a cloud IAM integration), declare it under serviceAccounts.external',
};

export interface PlacedReferences {
  /** The findings left at their objects. */
  readonly findings: readonly Finding[];
  /** Those placed at the stage-file setting that wrote their field. */
  readonly problems: readonly Problem[];
}

/** `findings` with the reference errors that a stage-file setting wrote taken out, as problems at that setting. */
export function placedReferences(
  findings: readonly Finding[],
  rendered: RenderedStage,
  loaded: LoadedStage,
  stacks: Readonly<Record<string, Stack>>,
): PlacedReferences {
  if (!findings.some((f) => f.severity === 'error' && PLACED_CODES.has(f.code))) return { findings, problems: [] };
  const apps = new Map(loaded.apps.map((a) => [a.name, a]));
  /**
   * The chart and position of each object of an app whose stack says where its settings went, by
   * description: made once a finding needs them, from what is known without reading a cached app
   * (`chartHeads`); the owner's object itself is read for the finding alone.
   */
  let owners: Map<string, { chart: RenderedChart; at: number }> | undefined;
  const ownerOf = (o: KubeObject) => {
    if (!owners) {
      owners = new Map();
      for (const chart of rendered.charts) {
        const app = apps.get(chart.name);
        if (chart.name === NAMESPACE_CHART || !app || !stacks[app.stack]?.settingOf) continue;
        const heads = chartHeads(chart);
        for (let at = 0; at < heads.length; at++) owners.set(describeObject(heads[at]), { chart, at });
      }
    }
    const owner = owners.get(describeObject(o));
    return owner && { app: owner.chart.name, object: owner.chart.objects[owner.at] };
  };
  const rest: Finding[] = [];
  const problems: Problem[] = [];
  for (const f of findings) {
    const owner = f.severity === 'error' && PLACED_CODES.has(f.code) ? ownerOf(f.object) : undefined;
    const app = owner && apps.get(owner.app);
    // the object as rendered: a cached app's finding may be on a stand-in, which has no fields
    const place = app && stacks[app.stack].settingOf!(app.settings, owner.object, f.path);
    if (!place) {
      rest.push(f);
      continue;
    }
    const setting = ['apps', app.name, ...place.path];
    const outside = OUTSIDE[f.code];
    problems.push({
      code: f.code,
      location: loaded.locate(setting, place.key),
      message: `${dotted(place.key === undefined ? setting : [...setting, place.key])}: ${describeObject(f.object)}: ${f.message}`,
      ...(f.hint || outside ? { hint: [f.hint, outside].filter(Boolean).join('; ') } : {}),
    });
  }
  return { findings: rest, problems };
}
