/**
 * A team's order service as a stack of its own, written from the README's "Your own stack" alone
 * (test/fixtures/stacks/orders.ts): a queue on a StatefulSet's claim, a worker with no port, a web app
 * with a log shipper on a shared volume, a nightly CronJob reading a Secret; on amd64 and on arm64,
 * and promoted from its test stage to production.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { checkStage } from '../../lib/checks/stage.js';
import { StageLoader } from '../../lib/config/load.js';
import { planPromotion } from '../../lib/promotion.js';
import { toYamlStream } from '../../lib/synth/serialize.js';
import { renderStage } from '../../lib/synth/render.js';
import { orders } from '../fixtures/stacks/orders.js';
import { REPO } from '../helpers/cli.js';

const FIXTURE = 'test/fixtures/stages/orders.yaml';
const AMD64 = readFileSync(join(REPO, FIXTURE), 'utf8');
/** The same stage on a cluster of arm64 nodes, whose images (all multi-arch) it lists as native. */
const ARM64 = AMD64.replace('apps:\n', 'architecture: arm64\nimages:\n  native: [team/orders, rabbitmq, fluent/fluent-bit]\napps:\n');

const stacks = { ...STACKS, orders };
const loader = new StageLoader(stacks);
const render = (text: string, file = FIXTURE) => renderStage(loader.load(text, file), stacks, '0.0.0');

describe("a team's order service as a stack of its own, from the README", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['amd64', AMD64],
    ['arm64', ARM64],
  ])('renders on %s with no finding, every object passing the strict referee and kubectl kustomize', (arch, text) => {
    expect(loader.load(text, FIXTURE).warnings).toEqual([]);
    const rendered = render(text);
    expect(checkStage(rendered, {}).findings.map((f) => `${f.code}: ${f.message}`)).toEqual([]);
    const objects = rendered.charts.flatMap((c) => c.objects);
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual([
      'CronJob orders-cleanup',
      'Deployment orders',
      'Deployment orders-worker',
      'Namespace orders',
      'Service orders',
      'Service orders-queue',
      'StatefulSet orders-queue',
    ]);
    type Pod = { nodeSelector?: Record<string, string> };
    const pods = objects.flatMap((o) => {
      const spec = (o as { spec?: { template?: { spec?: Pod }; jobTemplate?: { spec?: { template?: { spec?: Pod } } } } }).spec;
      const pod = o.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template?.spec : spec?.template?.spec;
      return pod ? [pod] : [];
    });
    expect(pods).toHaveLength(4);
    for (const pod of pods) expect(pod.nodeSelector?.['kubernetes.io/arch']).toBe(arch);
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-orders-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'orders'));
    writeFileSync(join(dir, 'orders', 'objects.yaml'), toYamlStream(objects));
    writeFileSync(join(dir, 'orders', 'kustomization.yaml'), 'resources: [objects.yaml]\n');
    const referee = spawnSync(join(REPO, '..', 'shared', 'bin', 'k8s-strict-check'), [dir], { encoding: 'utf8' });
    expect(referee.stdout + referee.stderr).toMatch(/ 0 invalid, 0 unknown kinds/);
    expect(referee.status).toBe(0);
    const kustomize = spawnSync('kubectl', ['kustomize', join(dir, 'orders')], { encoding: 'utf8' });
    expect(kustomize.error, 'kubectl was not found on PATH').toBeUndefined();
    expect(kustomize.stderr).toBe('');
    expect(kustomize.status).toBe(0);
  });

  it("keeps each workload's pods to its own selector: the web app, the worker, the queue and the job", () => {
    const objects = render(AMD64).charts.flatMap((c) => c.objects);
    type Labelled = { metadata?: { labels?: Record<string, string> } };
    const templates = objects.flatMap((o) => {
      const spec = (o as { spec?: { template?: Labelled; jobTemplate?: { spec?: { template?: Labelled } } } }).spec;
      const template = o.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : spec?.template;
      return template ? [{ owner: `${o.kind} ${o.metadata.name}`, labels: template.metadata?.labels ?? {} }] : [];
    });
    const selecting = objects.flatMap((o) => {
      const spec = (o as { spec?: { selector?: Record<string, unknown> } }).spec;
      const selector = (o.kind === 'Service' ? spec?.selector : (spec?.selector?.matchLabels as Record<string, string> | undefined)) as
        | Record<string, string>
        | undefined;
      return selector
        ? [
            [
              `${o.kind} ${o.metadata.name}`,
              templates.filter((t) => Object.entries(selector).every(([k, v]) => t.labels[k] === v)).map((t) => t.owner),
            ],
          ]
        : [];
    });
    expect(Object.fromEntries(selecting)).toEqual({
      'Service orders': ['Deployment orders'],
      'Service orders-queue': ['StatefulSet orders-queue'],
      'Deployment orders': ['Deployment orders'],
      'Deployment orders-worker': ['Deployment orders-worker'],
      'StatefulSet orders-queue': ['StatefulSet orders-queue'],
    });
  });

  it('is promoted from its test stage to an arm64 production: the release alone, the images it runs beside kept', () => {
    const test = loader.load(AMD64, 'environments/test.yaml');
    const production = loader.load(
      ARM64.replace('team/orders:1.4.0', 'team/orders:1.3.0').replace('rabbitmq:3.12', 'rabbitmq:3.13'),
      'environments/production.yaml',
    );
    expect(planPromotion(test, production, stacks)).toEqual({
      edits: [{ path: ['apps', 'orders', 'image'], value: 'team/orders:1.4.0' }],
      notes: [],
    });
  });

  it("declares the queue's Secret, with its keys, for npm run secrets", () => {
    expect(orders.secrets!('orders', loader.load(AMD64, FIXTURE).apps[0].settings as never, {} as never)).toEqual([
      { name: 'orders-queue', keys: ['password', 'username'], path: [] },
    ]);
  });
});
