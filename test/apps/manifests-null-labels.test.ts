import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskRenderCache } from '../../lib/cli/render-cache.js';
import { compileStages, type StageSource } from '../../lib/compile.js';
import { formatProblem } from '../../lib/errors.js';
import { REPO } from '../helpers/cli.js';

const NULL_LABELS = readFileSync(join(REPO, 'test/fixtures/manifests/api/null-labels.yaml'), 'utf8');

/** A stage whose app `legacy` includes `in/web.yaml`, holding `text`. */
const including = (text: string): StageSource => ({
  stage: 'imported',
  file: 'environments/imported.yaml',
  text: 'apps:\n  legacy:\n    stack: manifests\n    include: [in]\n',
  readSource: (p) => (p === 'in' ? new Map([['in/web.yaml', text]]) : undefined),
});

describe('a null label, annotation, selector or nodeSelector value in an included file', () => {
  const dropped = 'rendering would drop the';
  const warned = (what: string, left = `${dropped} ${what}`) =>
    `value null: dist/ holds it as "", the empty value the API server stores for it (left as null, ${left})`;
  const removed = (what: string) => warned(what, `the next kubectl apply would send the null, which removes the ${what}`);

  // the fixture is read by the block reader; with a --- ~ before it, by the yaml library
  for (const [reader, text] of [
    ['block reader', NULL_LABELS],
    ['yaml library', `--- ~\n---\n${NULL_LABELS}`],
  ]) {
    it(`is kept as "", what the API server stores, with a warning at its place in the file (${reader})`, () => {
      const compiled = compileStages([including(text)]);
      const web = compiled.stages[0].charts.flatMap((c) => c.objects).find((o) => o.kind === 'Deployment')!;
      expect(web.metadata.labels).toMatchObject({ app: 'web', team: '' });
      expect(web.metadata.annotations).toEqual({ note: '' });
      // the selector is not changed (an immutable field), nor the node selector
      expect(web.spec).toMatchObject({
        selector: { matchLabels: { app: 'web', tier: '' } },
        template: { spec: { nodeSelector: { disk: '' } } },
      });
      const shift = text === NULL_LABELS ? 0 : 2;
      const line = (n: number, col: number) => `in/web.yaml:${n + shift}:${col}`;
      expect(
        compiled.warnings
          .get('imported')
          ?.filter((w) => w.code === 'manifests/null-label')
          .map(formatProblem),
      ).toEqual([
        `${line(10, 10)}: warning: Deployment default/web: metadata.labels.team: label ${warned('label')}\n  hint: write team: "" for an empty value, or leave the label out`,
        `${line(11, 24)}: warning: Deployment default/web: metadata.annotations.note: annotation ${warned('annotation')}\n  hint: write note: "" for an empty value, or leave the annotation out`,
        `${line(13, 46)}: warning: Deployment default/web: spec.selector.matchLabels.tier: label ${removed('label')}\n  hint: write tier: "" (the selector the API server holds; leaving the key out would change it)`,
        `${line(17, 29)}: warning: Deployment default/web: spec.template.spec.nodeSelector.disk: label ${removed('label')}\n  hint: write disk: "" for an empty value, or leave the label out`,
      ]);
    });
  }

  it("is kept as \"\" in any LabelSelector's matchLabels, a CronJob's job template and a ConfigMap's data", () => {
    const text = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: nightly }
spec: { minAvailable: 1, selector: { matchLabels: { app: nightly, team: null } } }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    metadata: { labels: { app: nightly, team: null } }
    spec:
      template:
        metadata: { labels: { app: nightly, team: "" } }
        spec: { restartPolicy: OnFailure, containers: [{ name: job, image: "busybox:1.36" }] }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { empty: null, full: x }
`;
    const compiled = compileStages([including(text)]);
    const objects = compiled.stages[0].charts.flatMap((c) => c.objects);
    const of = (kind: string) => objects.find((o) => o.kind === kind)!;
    expect(of('PodDisruptionBudget').spec).toMatchObject({ selector: { matchLabels: { app: 'nightly', team: '' } } });
    expect(of('CronJob').spec).toMatchObject({ jobTemplate: { metadata: { labels: { app: 'nightly', team: '' } } } });
    expect(of('ConfigMap').data).toEqual({ empty: '', full: 'x' });
    const warnings = compiled.warnings.get('imported')?.filter((w) => w.code === 'manifests/null-label') ?? [];
    expect(warnings.map((w) => [w.location?.line, w.hint?.startsWith('write team: "" (the selector')])).toEqual([
      [4, true],
      [12, false],
      [21, false],
    ]);
    expect(warnings[2].message).toContain('data.empty: value null: dist/ holds it as ""');
  });

  it("is kept as \"\" in a Service's and a ReplicationController's selector, and in a v1 List's items", () => {
    const list = `apiVersion: v1
kind: List
items:
  - { apiVersion: v1, kind: Service, metadata: { name: web }, spec: { selector: { app: web, tier: null }, ports: [{ port: 80 }] } }
  - apiVersion: v1
    kind: ReplicationController
    metadata: { name: web }
    spec:
      selector: { app: web, tier: null }
      template:
        metadata: { labels: { app: web, tier: "" } }
        spec: { containers: [{ name: web, image: "nginx:1.25" }] }
`;
    const compiled = compileStages([including(list)]);
    const objects = compiled.stages[0].charts.flatMap((c) => c.objects);
    for (const kind of ['Service', 'ReplicationController'])
      expect(objects.find((o) => o.kind === kind)!.spec, kind).toMatchObject({ selector: { app: 'web', tier: '' } });
    expect(
      compiled.warnings
        .get('imported')
        ?.filter((w) => w.code === 'manifests/null-label')
        .map((w) => w.location),
    ).toEqual([
      { file: 'in/web.yaml', line: 4, column: 99 },
      { file: 'in/web.yaml', line: 9, column: 35 },
    ]);
  });

  it('is warned of again when the app comes from the render cache, which keeps the warnings with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-null-labels-'));
    try {
      const said = (cache: ReturnType<typeof diskRenderCache>) =>
        compileStages([including(NULL_LABELS)], { cache })
          .warnings.get('imported')
          ?.filter((w) => w.code === 'manifests/null-label')
          .map((w) => w.location?.line);
      const cold = diskRenderCache(dir);
      expect(said(cold)).toEqual([10, 11, 13, 17]);
      cold.flush();
      const warm = diskRenderCache(dir);
      expect(said(warm)).toEqual([10, 11, 13, 17]);
      expect(warm.stats.hits).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
