/**
 * Per-object check results kept with the render cache's entries (lib/checks/stage.ts, `checkStage`):
 * a warm run reports exactly what a run without the cache reports, kept results are really used
 * (a planted finding shows), and they are not used where they could be wrong: other check options,
 * a custom resource's for CRDs other than those around it now, nameless objects, a result list of another length.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { compileStages, loadStage, type Compiled, type StageSource } from '../../lib/compile.js';
import { ProblemsError } from '../../lib/errors.js';
import { diskRenderCache } from '../../lib/cli/render-cache.js';
import { slimChecks } from '../../lib/cli/staging.js';
import { checkStage, objectCheckContext } from '../../lib/checks/stage.js';
import { renderStage } from '../../lib/synth/render.js';
import type { RenderedStage } from '../../lib/synth/rendered.js';
import type { KeptChecks, KeptResult } from '../../lib/model/kept-checks.js';
import type { KubeObject } from '../../lib/model/object.js';
import { fleetStageFile } from '../../bench/fleet.js';
import { REPO } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'stagecraft-kept-checks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const source = (stage: string, text: string): StageSource => ({ stage, file: `environments/${stage}.yaml`, text });

/** What the checks reported (each object as reports name it), and the secrets excused. */
function reported(c: Compiled): string {
  return JSON.stringify({ checks: [...c.checks].map(([stage, r]) => [stage, slimChecks(r)]), allowed: [...c.allowedSecrets] });
}

/** What a compilation reported, or the problems it failed with, and how many of each it had. */
function outcome(compile: () => Compiled) {
  try {
    const c = compile();
    const results = [...c.checks.values()];
    const count = (f: (r: (typeof results)[number]) => number) => results.reduce((n, r) => n + f(r), 0);
    return { text: reported(c), findings: count((r) => r.findings.length), exceptions: count((r) => r.exceptions.length), errors: 0 };
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    return { text: JSON.stringify(e.problems), findings: 0, exceptions: 0, errors: e.problems.length };
  }
}

function rendered(text: string, stage = 'qa'): RenderedStage {
  return renderStage(loadStage(source(stage, text)), STACKS, '0.0.0');
}

/** A stage with warnings (policy findings) and used policy exceptions on its cached apps. */
const fleet = (stage: string, apps: number) => fleetStageFile(stage, apps).replace('image: demoapp:1', 'image: demoapp:latest');

describe('kept per-object check results', () => {
  it('report what a run without the cache reports, for every check option', () => {
    const variants = ['', 'checks: { podSecurity: restricted }\n', 'checks: { podSecurity: privileged }\n'];
    const seen = { findings: 0, errors: 0 };
    for (const [i, head] of variants.entries()) {
      const sources = [source('dev', head + fleet('dev', 3)), source('qa', fleet('qa', 2))];
      const plain = outcome(() => compileStages(sources));
      const dir = join(root, `variant-${i}`);
      const cold = diskRenderCache(dir);
      expect(outcome(() => compileStages(sources, { cache: cold }))).toEqual(plain);
      cold.flush();
      const warm = diskRenderCache(dir);
      expect(outcome(() => compileStages(sources, { cache: warm }))).toEqual(plain);
      expect(warm.stats.hits).toBeGreaterThan(0);
      seen.findings += plain.findings;
      seen.errors += plain.errors;
    }
    // warnings and errors went through the kept results
    expect(seen.findings).toBeGreaterThan(0);
    expect(seen.errors).toBeGreaterThan(0);
  });

  it('report what a run without the cache reports for the example stages (their fixture copies), policy exceptions included', () => {
    const examples = join(REPO, 'test', 'fixtures', 'examples');
    const sources = readdirSync(examples)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => source(f.slice(0, -5), readFileSync(join(examples, f), 'utf8')));
    const plain = outcome(() => compileStages(sources));
    const cold = diskRenderCache(join(root, 'examples'));
    compileStages(sources, { cache: cold });
    cold.flush();
    const warm = diskRenderCache(join(root, 'examples'));
    expect(outcome(() => compileStages(sources, { cache: warm }))).toEqual(plain);
    expect(warm.stats.hits).toBeGreaterThan(0);
    expect(plain.exceptions).toBeGreaterThan(0);
  });

  /** The stage rendered again with its charts carrying `plant(kept)` as their kept results. */
  function withKept(r: RenderedStage, kept: ReadonlyMap<string, KeptChecks>, plant: (k: KeptChecks) => KeptChecks): RenderedStage {
    return { ...r, charts: r.charts.map((c) => ({ ...c, checks: plant(kept.get(c.name)!) })) };
  }
  const planted: KeptResult = {
    findings: [{ code: 'policy/probes', severity: 'warning', object: null, path: ['spec'], message: 'planted' }],
  };
  /** A finding planted as what the first check (the secret screen) found on every kept object. */
  const plantFirst = (k: KeptChecks): KeptChecks => ({
    ...k,
    results: k.results.map((r) => r && [[0, planted] as const, ...r.filter(([check]) => check !== 0)]),
  });
  const messages = (r: RenderedStage, options = {}) => checkStage(r, options).findings.map((f) => f.message);

  it('are used instead of checking the objects again', () => {
    const r = rendered(fleet('qa', 2));
    const { kept } = checkStage(r, {});
    const app = kept.get('app-0001')!;
    expect(app.context).toBe(objectCheckContext({}));
    expect(app.results.every((x) => x !== null)).toBe(true);
    // the kept results as they were made give the same findings; a planted one shows
    expect(
      checkStage(
        withKept(r, kept, (k) => k),
        {},
      ).findings,
    ).toEqual(checkStage(r, {}).findings);
    expect(messages(withKept(r, kept, plantFirst))).toContain('planted');
  });

  it('are not used for other check options', () => {
    const r = rendered(fleet('qa', 2));
    const { kept } = checkStage(r, {});
    const restricted = { podSecurity: 'restricted' } as const;
    expect(messages(withKept(r, kept, plantFirst), restricted)).not.toContain('planted');
    expect(checkStage(withKept(r, kept, plantFirst), restricted).findings).toEqual(checkStage(r, restricted).findings);
  });

  it('are not used when their list does not match the objects', () => {
    const r = rendered(fleet('qa', 1));
    const { kept } = checkStage(r, {});
    const shorter = (k: KeptChecks): KeptChecks => ({ ...plantFirst(k), results: plantFirst(k).results.slice(1) });
    expect(messages(withKept(r, kept, shorter))).not.toContain('planted');
    const otherChecks = (k: KeptChecks): KeptChecks => ({ ...plantFirst(k), checks: k.checks - 1 });
    expect(messages(withKept(r, kept, otherChecks))).not.toContain('planted');
  });

  it('are kept for a custom resource with the CRD that defines its kind, used only for that one; never for a nameless object', () => {
    const r = rendered(fleet('qa', 1));
    const custom: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'qa' }, spec: {} };
    const nameless: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'qa' }, data: {} };
    const crd = (size: string): KubeObject => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: size } } } } } },
          },
        ],
      },
    });
    const chart = { name: 'extra', objects: [custom, nameless] };
    const withExtra = { ...r, charts: [...r.charts, chart] };
    const { kept, findings } = checkStage(withExtra, {});
    expect(kept.get('extra')!.results[1]).toBeNull();
    // kept with no CRD defining its kind: an error, as synth reports it
    expect(kept.get('extra')!.crds).toEqual(['["error",null,null]', null]);
    expect(findings.filter((f) => f.object === custom).map((f) => f.code)).toEqual(['crd/unknown-kind']);
    const claiming = (k: KeptChecks) => ({ ...withExtra, charts: [...r.charts, { ...chart, checks: k }] });
    const plantedCustom = (k: KeptChecks): KeptChecks => ({ ...k, results: [[[0, planted]], null] });
    // kept for the same CRDs: used (the planted finding shows, the unknown kind is not found again)
    expect(messages(claiming(plantedCustom(kept.get('extra')!)))).toContain('planted');
    // kept without naming the CRDs (a built-in object's, or an entry of before): checked
    const { crds: _, ...unnamed } = plantedCustom(kept.get('extra')!);
    expect(messages(claiming(unnamed))).not.toContain('planted');
    // with a CRD of its kind now (in a crds/ folder), or another one: checked again
    const defined = checkStage(withExtra, { crds: [crd('string')] }).kept.get('extra')!;
    expect(defined.crds![0]).toMatch(/^\["error","json:sha256:/);
    expect(messages(claiming(plantedCustom(kept.get('extra')!)), { crds: [crd('string')] })).not.toContain('planted');
    expect(messages(claiming(plantedCustom(defined)), { crds: [crd('string')] })).toContain('planted');
    expect(messages(claiming(plantedCustom(defined)), { crds: [crd('integer')] })).not.toContain('planted');
  });
});
