/**
 * A team's services written from the README alone, its database as a stack of its own
 * (test/fixtures/stacks/ledger.ts: a StatefulSet on claims, a headless Service, an autoscaler that
 * scales the StatefulSet), beside a service app with a migration step and a ConfigMap mounted, and a
 * cron job reading a Secret; on amd64 and on arm64, and promoted from its test stage to production.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { checkStage } from '../../lib/checks/stage.js';
import { StageLoader } from '../../lib/config/load.js';
import { formatProblem } from '../../lib/errors.js';
import { planPromotion } from '../../lib/promotion.js';
import { toYamlStream } from '../../lib/synth/serialize.js';
import { renderStage } from '../../lib/synth/render.js';
import { ledger } from '../fixtures/stacks/ledger.js';
import { REPO } from '../helpers/cli.js';

const FIXTURE = 'test/fixtures/stages/ledger.yaml';
const AMD64 = readFileSync(join(REPO, FIXTURE), 'utf8');
/** The same stage on a cluster of arm64 nodes, whose images (the team's own, built for both) it lists as native. */
const ARM64 = AMD64.replace('apps:\n', 'architecture: arm64\nimages:\n  native: [team/web, team/ledger-db]\napps:\n');

const stacks = { ...STACKS, ledger };
const loader = new StageLoader(stacks);
const objectsOf = (text: string) => renderStage(loader.load(text, FIXTURE), stacks, '0.0.0');

describe("a team's services with a database stack of its own, from the README", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['amd64', AMD64],
    ['arm64', ARM64],
  ])('renders on %s with no warning or finding, every object passing the strict referee and kubectl kustomize', (_arch, text) => {
    expect(loader.load(text, FIXTURE).warnings).toEqual([]);
    const rendered = objectsOf(text);
    expect(checkStage(rendered, {}).findings.map((f) => `${f.code}: ${f.message}`)).toEqual([]);
    const objects = rendered.charts.flatMap((c) => c.objects);
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-ledger-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'ledger'));
    writeFileSync(join(dir, 'ledger', 'objects.yaml'), toYamlStream(objects));
    writeFileSync(join(dir, 'ledger', 'kustomization.yaml'), 'resources: [objects.yaml]\n');
    const referee = spawnSync(join(REPO, '..', 'shared', 'bin', 'k8s-strict-check'), [dir], { encoding: 'utf8' });
    expect(referee.stdout + referee.stderr).toMatch(/ 0 invalid, 0 unknown kinds/);
    expect(referee.status).toBe(0);
    const kustomize = spawnSync('kubectl', ['kustomize', join(dir, 'ledger')], { encoding: 'utf8' });
    expect(kustomize.error, 'kubectl was not found on PATH').toBeUndefined();
    expect(kustomize.stderr).toBe('');
    expect(kustomize.status).toBe(0);
  });

  it('scales the StatefulSet by its autoscaler, which has no spec.replicas then, each pod on a claim of its own', () => {
    const objects = objectsOf(AMD64).charts.flatMap((c) => c.objects) as unknown as {
      kind: string;
      metadata: { name: string };
      spec: any;
    }[];
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'ledger')!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ledger' });
    const db = objects.find((o) => o.kind === 'StatefulSet')!;
    expect(db.spec.replicas).toBeUndefined();
    expect(db.spec.volumeClaimTemplates.map((c: any) => c.metadata.name)).toEqual(['data']);
    expect(db.spec.template.spec.securityContext.fsGroup).toBe(10001);
    const web = objects.find((o) => o.kind === 'Deployment')!;
    expect(web.spec.template.spec.initContainers.map((c: any) => c.name)).toEqual(['migrate']);
    expect(web.spec.template.spec.volumes.map((v: any) => Object.keys(v).sort().join(','))).toEqual(['emptyDir,name', 'configMap,name']);
  });

  it("warns of its vacuum's schedule at a time Berlin's clocks skip, at the stack's own setting, as the cron stack's", () => {
    const warned = loader.load(AMD64.replace('"15 3 * * 0"', '"30 2 * * 0"'), FIXTURE).warnings.map(formatProblem);
    expect(warned).toEqual([
      expect.stringMatching(
        /^test\/fixtures\/stages\/ledger\.yaml:\d+:\d+: warning: apps\.ledger\.vacuum\.schedule runs at 02:30 in Europe\/Berlin, a time its clocks skip going forward \(e\.g\. on 2026-03-29\) and pass twice going back/,
      ),
    ]);
  });

  it('is promoted from its test stage to production: the images of the web app, its job and its database', () => {
    const test = loader.load(AMD64, 'environments/test.yaml');
    const production = loader.load(
      AMD64.replaceAll('team/web:1.3.0', 'team/web:1.2.0').replace('ledger-db:15.4', 'ledger-db:15.3'),
      'environments/production.yaml',
    );
    expect(planPromotion(test, production, stacks)).toEqual({
      edits: [
        { path: ['apps', 'ledger', 'image'], value: 'team/ledger-db:15.4' },
        { path: ['apps', 'nightly', 'image'], value: 'team/web:1.3.0' },
        { path: ['apps', 'web', 'image'], value: 'team/web:1.3.0' },
      ],
      notes: [],
    });
  });
});
