/**
 * A team's queue service written from the README alone (test/fixtures/stages/queue-worker.yaml): a
 * queue on a claim, a worker with no port, a nightly job reading a Secret, a web app with a log
 * shipper on a shared volume; on amd64 and on arm64, and promoted from test to production.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { compileStages } from '../../lib/compile.js';
import { StageLoader } from '../../lib/config/load.js';
import { planPromotion } from '../../lib/promotion.js';
import { renderStage } from '../../lib/synth/render.js';
import { REPO, writeTree } from '../helpers/cli.js';

const FIXTURE = 'test/fixtures/stages/queue-worker.yaml';
const AMD64 = readFileSync(join(REPO, FIXTURE), 'utf8');
/** The same stage on a cluster of arm64 nodes, whose images (all multi-arch) it lists as native. */
const ARM64 = AMD64.replace(
  'apps:\n',
  'architecture: arm64\nimages:\n  native: [rabbitmq, team/worker, team/web, fluent/fluent-bit]\napps:\n',
);

const loader = new StageLoader(STACKS);
/** The objects of the stage `text`, as rendered. */
const render = (text: string) => renderStage(loader.load(text, FIXTURE), STACKS, '0.0.0').charts.flatMap((c) => c.objects);

describe("a team's queue service from the README", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['amd64', AMD64],
    ['arm64', ARM64],
  ])('compiles on %s with no finding, every object passing the strict referee and kubectl kustomize', (arch, text) => {
    const compiled = compileStages([{ stage: 'queue-worker', file: FIXTURE, text }]);
    expect(compiled.checks.get('queue-worker')!.findings).toEqual([]);
    expect(loader.load(text, FIXTURE).warnings).toEqual([]);
    const objects = render(text);
    type Pod = { nodeSelector?: Record<string, string> };
    // every pod: a Deployment's and StatefulSet's template, and a CronJob's, under its jobTemplate
    const pods = objects.flatMap((o) => {
      const spec = (o as { spec?: { template?: { spec?: Pod }; jobTemplate?: { spec?: { template?: { spec?: Pod } } } } }).spec;
      const pod = o.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template?.spec : spec?.template?.spec;
      return pod ? [pod] : [];
    });
    // queue, worker, web and the cleanup job
    expect(pods.length).toBe(4);
    for (const pod of pods) expect(pod.nodeSelector?.['kubernetes.io/arch']).toBe(arch);
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-queue-worker-'));
    dirs.push(dir);
    writeTree(join(dir, 'dist'), compiled.tree);
    const referee = spawnSync(join(REPO, '..', 'shared', 'bin', 'k8s-strict-check'), [join(dir, 'dist')], { encoding: 'utf8' });
    expect(referee.stdout + referee.stderr).toMatch(/ 0 invalid, 0 unknown kinds/);
    expect(referee.status).toBe(0);
    const kustomize = spawnSync('kubectl', ['kustomize', join(dir, 'dist', 'queue-worker')], { encoding: 'utf8' });
    expect(kustomize.error, 'kubectl was not found on PATH').toBeUndefined();
    expect(kustomize.stderr).toBe('');
    expect(kustomize.status).toBe(0);
  });

  it('runs the worker with no port and no Service, and the shipper beside the web app on its volume', () => {
    const objects = render(AMD64);
    const of = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(of('Service', 'worker')).toBeUndefined();
    expect(of('Deployment', 'worker').spec.template.spec.containers[0].ports).toBeUndefined();
    const web = of('Deployment', 'web').spec.template.spec;
    expect(web.containers.map((c: { name: string }) => c.name)).toEqual(['web', 'logs']);
    for (const c of web.containers) expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/log/web' });
    expect(of('CronJob', 'cleanup').spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({
      name: 'AMQP_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'queue-auth', key: 'password' } },
    });
  });

  it('is promoted from test to production: the releases of the worker, the job and the web app, nothing else', () => {
    const test = loader.load(AMD64, 'environments/test.yaml');
    const older = AMD64.replaceAll('team/worker:1.0.0', 'team/worker:0.9.0').replace('team/web:2.1.0', 'team/web:2.0.0');
    const production = loader.load(older.replace('apps:\n', 'promotion: { from: test }\napps:\n'), 'environments/production.yaml');
    expect(planPromotion(test, production, STACKS)).toMatchObject({
      notes: [],
      edits: [
        { path: ['apps', 'cleanup', 'image'], value: 'team/worker:1.0.0' },
        { path: ['apps', 'web', 'image'], value: 'team/web:2.1.0' },
        { path: ['apps', 'worker', 'image'], value: 'team/worker:1.0.0' },
      ],
    });
  });
});
