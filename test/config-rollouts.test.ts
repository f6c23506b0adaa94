/**
 * A ConfigMap that changes under its own name, read as environment variables by a workload that does not change;
 * a ReplicationController's or ReplicaSet's new template, which replaces no running pod.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStage, type StageSource } from '../lib/compile-stage.js';
import { formatProblem } from '../lib/errors.js';
import { configNotRolled, rollsOut, templateNotRolled } from '../lib/config-rollouts.js';
import type { LoadedStage } from '../lib/config/load.js';
import type { KubeObject } from '../lib/model/object.js';
import { textTree } from '../lib/synth/file-content.js';
import { REPO } from './helpers/cli.js';

const FILE = 'manifests/web.yaml';
const WEB = readFileSync(join(REPO, 'test/fixtures/manifests/day-two/web.yaml'), 'utf8');
const STAGE = 'apps:\n  web:\n    stack: manifests\n    include: [manifests]\n';

function source(objects: string, readOutput?: StageSource['readOutput']): StageSource {
  return {
    stage: 'team',
    file: 'environments/team.yaml',
    text: STAGE,
    readSource: (p) => (p === 'manifests' ? new Map([[FILE, objects]]) : undefined),
    ...(readOutput ? { readOutput } : {}),
  };
}

/** The warnings about ConfigMaps when the manifests `after` are compiled over the output of `before`, as the CLI prints them. */
function warnings(before: string, after: string): string[] {
  const first = compileStage(source(before), {});
  expect(first.problems).toEqual([]);
  const dist = textTree(first.files!);
  const outcome = compileStage(
    source(after, (f) => dist.get(f)),
    {},
  );
  expect(outcome.problems).toEqual([]);
  return (outcome.notices ?? []).filter((p) => p.code === 'output/config-not-rolled').map(formatProblem);
}

describe('a ConfigMap whose data changes under its own name', () => {
  it('is warned about, at its data, for each running workload that reads it as environment variables and does not change with it', () => {
    const after = WEB.replace('MODE: fast', 'MODE: slow');
    const line = after.split('\n').findIndex((l) => l.startsWith('data:'));
    expect(warnings(WEB, after)).toEqual([
      `${FILE}:${line + 1}:7: warning: ConfigMap team/web-settings: its data changes, but Deployment team/web, which reads it as environment variables, does not: ` +
        'kubectl apply rolls out nothing, and its pods keep the old values until they restart\n' +
        "  hint: after applying, restart them (kubectl rollout restart deployment/web -n team); or name the ConfigMap after its data (a new name with each change, as the service stack's config: does) so that the workload changes with it",
    ]);
  });

  it('is warned about when the workload changes but its pods are not replaced: its replicas, its own labels', () => {
    const after = WEB.replace('MODE: fast', 'MODE: slow');
    for (const edit of [
      (t: string) => t.replace('replicas: 2', 'replicas: 3'),
      (t: string) => t.replace('metadata: { name: web }', 'metadata: { name: web, labels: { tier: web } }'),
    ])
      expect(warnings(WEB, edit(after)).join('\n')).toContain('but Deployment team/web, which reads it as environment variables, does not');
  });

  it('is warned about for a workload that reads keys of it only when one of those keys changes', () => {
    const keyed = WEB.replace('data: { MODE: fast }', 'data: { MODE: fast, OTHER: a }').replace(
      'envFrom: [{ configMapRef: { name: web-settings } }]',
      'env: [{ name: MODE, valueFrom: { configMapKeyRef: { name: web-settings, key: MODE } } }]',
    );
    expect(warnings(keyed, keyed.replace('OTHER: a', 'OTHER: b'))).toEqual([]);
    expect(warnings(keyed, keyed.replace('MODE: fast', 'MODE: slow')).join('\n')).toContain('but Deployment team/web, which reads it');
    // envFrom reads every key
    expect(warnings(WEB.replace('MODE: fast', 'MODE: fast, OTHER: a'), WEB.replace('MODE: fast', 'MODE: fast, OTHER: b'))).toHaveLength(1);
  });

  it('is not warned about when the workload changes with it (its pods are replaced), nor when only its labels change', () => {
    expect(warnings(WEB, WEB.replace('MODE: fast', 'MODE: slow').replace('nginx:1.25', 'nginx:1.26'))).toEqual([]);
    expect(
      warnings(WEB, WEB.replace('metadata: { name: web-settings }', 'metadata: { name: web-settings, labels: { tier: web } }')),
    ).toEqual([]);
  });

  it("counts a workload's pods as replaced only for a new pod template, and not under updateStrategy OnDelete nor for a ReplicaSet", () => {
    const workload = (kind: string, image: string, spec: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: 'web' },
      spec: { ...spec, template: { spec: { containers: [{ name: 'web', image }] } } },
    });
    expect(rollsOut(workload('DaemonSet', 'a'), workload('DaemonSet', 'b'))).toBe(true);
    expect(rollsOut(workload('DaemonSet', 'a'), workload('DaemonSet', 'a', { minReadySeconds: 5 }))).toBe(false);
    const onDelete = { updateStrategy: { type: 'OnDelete' } };
    expect(rollsOut(workload('StatefulSet', 'a', onDelete), workload('StatefulSet', 'b', onDelete))).toBe(false);
    expect(rollsOut(workload('ReplicaSet', 'a'), workload('ReplicaSet', 'b'))).toBe(false);
  });

  it('is warned about when the pod template changes only as written (a quantity in another unit, a default written out): the API server keeps the same template', () => {
    const after = WEB.replace('MODE: fast', 'MODE: slow');
    for (const edit of [
      (t: string) => t.replace('cpu: 100m, memory: 64Mi }', 'cpu: 0.1, memory: 65536Ki }'),
      (t: string) => t.replace('ports: [{ containerPort: 80 }]', 'ports: [{ containerPort: 80, protocol: TCP }]'),
      (t: string) =>
        t.replace(
          '    spec:\n      containers:\n        - name: web',
          '    spec:\n      restartPolicy: Always\n      containers:\n        - name: web',
        ),
      (t: string) => t.replace('httpGet: { path: /, port: 80 } }', 'httpGet: { path: /, port: 80 }, periodSeconds: 10 }'),
    ]) {
      expect(edit(after)).not.toBe(after);
      expect(warnings(WEB, edit(after)).join('\n')).toContain('but Deployment team/web, which reads it as environment variables, does not');
    }
  });

  it('counts a pod template as changed as the API server keeps it: quantities by value, with its defaults, without what only a Pod is given', () => {
    const deployment = (container: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        template: { metadata: { labels: { app: 'web' } }, spec: { ...spec, containers: [{ name: 'web', image: 'a:1', ...container }] } },
      },
    });
    const cpu = (q: string) => deployment({ resources: { limits: { cpu: q } } });
    expect(rollsOut(cpu('1'), cpu('1000m'))).toBe(false);
    expect(rollsOut(cpu('1'), cpu('2'))).toBe(true);
    expect(rollsOut(deployment({}), deployment({ imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }))).toBe(false);
    expect(rollsOut(deployment({ imagePullPolicy: 'IfNotPresent' }), deployment({}))).toBe(false);
    expect(rollsOut(deployment({}), deployment({ imagePullPolicy: 'Always' }))).toBe(true);
    // a template is not given what a Pod is (kubernetes#69445): writing it changes the template the API server keeps
    expect(rollsOut(deployment({}), deployment({}, { enableServiceLinks: true }))).toBe(true);
  });

  it('is placed at the app that makes the ConfigMap when it comes from no included file', () => {
    const loaded = {
      apps: [{ name: 'web', stack: 'manifests', settings: {} }],
      locate: (path: readonly (string | number)[]) => ({ file: 'environments/team.yaml', line: path.length, column: 1 }),
    } as unknown as LoadedStage;
    const config = (mode: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-settings', namespace: 'team' },
      data: { MODE: mode },
    });
    const reader: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'team' },
      spec: { template: { spec: { containers: [{ name: 'web', envFrom: [{ configMapRef: { name: 'web-settings' } }] }] } } },
    };
    const [problem] = configNotRolled(loaded, config('fast'), config('slow'), [reader], new Set(), () => undefined, 'web');
    // apps.web: a path of two keys
    expect(problem.location).toEqual({ file: 'environments/team.yaml', line: 2, column: 1 });
  });
});

describe('a ConfigMap read by a custom workload (an Argo Rollout, an OpenKruise CloneSet)', () => {
  const loaded = {
    apps: [{ name: 'web', stack: 'manifests', settings: {} }],
    locate: (path: readonly (string | number)[]) => ({ file: 'environments/team.yaml', line: path.length, column: 1 }),
  } as unknown as LoadedStage;
  const config = (mode: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web-settings', namespace: 'team' },
    data: { MODE: mode },
  });
  const reader = (apiVersion: string, kind: string, image = 'web:1'): KubeObject => ({
    apiVersion,
    kind,
    metadata: { name: 'web', namespace: 'team' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image, envFrom: [{ configMapRef: { name: 'web-settings' } }] }] },
      },
    },
  });
  const hints = (w: KubeObject) =>
    configNotRolled(loaded, config('fast'), config('slow'), [w], new Set(), () => undefined, 'web').map((p) => `${p.message}\n${p.hint}`);

  it.each([
    ['argoproj.io/v1alpha1', 'Rollout', 'kubectl argo rollouts restart web -n team'],
    ['apps.kruise.io/v1alpha1', 'CloneSet', 'kubectl kruise rollout restart cloneset/web -n team'],
    ['apps.kruise.io/v1beta1', 'StatefulSet', 'delete its pods, which it replaces'],
    ['apps.kruise.io/v1alpha1', 'DaemonSet', 'delete its pods, which it replaces'],
  ])('is warned about for an unchanged %s %s, with the command that restarts its pods', (apiVersion, kind, restart) => {
    const [warned, ...more] = hints(reader(apiVersion, kind));
    expect(more).toEqual([]);
    expect(warned).toContain(`but ${kind} team/web, which reads it as environment variables, does not`);
    expect(warned).toContain(`after applying, restart them (${restart});`);
  });

  it('is not warned about for a kind of another group named like a workload, which runs no pods anyone knows of', () => {
    expect(hints(reader('example.com/v1', 'Deployment'))).toEqual([]);
    expect(hints(reader('example.com/v1', 'Rollout'))).toEqual([]);
  });

  it("counts a custom workload's pods as replaced for a new pod template, as a Deployment's", () => {
    for (const [apiVersion, kind] of [
      ['argoproj.io/v1alpha1', 'Rollout'],
      ['apps.kruise.io/v1alpha1', 'CloneSet'],
    ]) {
      expect(rollsOut(reader(apiVersion, kind), reader(apiVersion, kind, 'web:2'))).toBe(true);
      expect(rollsOut(reader(apiVersion, kind), reader(apiVersion, kind))).toBe(false);
    }
    expect(rollsOut(reader('example.com/v1', 'Deployment'), reader('example.com/v1', 'Deployment', 'web:2'))).toBe(false);
  });
});

describe("a ReplicationController's new pod template (templateNotRolled)", () => {
  const loaded = {
    apps: [{ name: 'nginx', stack: 'nginx', settings: {} }],
    locate: (path: readonly (string | number)[]) => ({ file: 'environments/lab.yaml', line: path.length, column: 1 }),
  } as unknown as LoadedStage;
  /** The lab's nginx ReplicationController, of `image`, its pods labelled with the release `version`. */
  const controller = (image: string, version: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'nginx', namespace: 'lab', labels: { 'app.kubernetes.io/version': version } },
    spec: {
      replicas: 3,
      selector: { app: 'nginx' },
      template: {
        metadata: { labels: { app: 'nginx', 'app.kubernetes.io/version': version } },
        spec: { containers: [{ name: 'nginx', image }] },
      },
    },
  });
  const kept = (old: KubeObject, now: KubeObject) => templateNotRolled(loaded, old, now, () => undefined, 'nginx');

  it('is not warned about when only its labels change (the release label, on promote): the running pods run the same containers', () => {
    expect(kept(controller('nginx:1.25', '1.25'), controller('nginx:1.25', '1.26'))).toBeUndefined();
  });

  it('is not warned about when its template now writes what its pods are given: enableServiceLinks, requests equal to the limits', () => {
    const written = controller('nginx:1.25', '1.25');
    const template = (written.spec as { template: { spec: Record<string, unknown> } }).template;
    template.spec = {
      ...template.spec,
      enableServiceLinks: true,
      containers: [{ name: 'nginx', image: 'nginx:1.25', resources: { limits: { memory: '64Mi' }, requests: { memory: '64Mi' } } }],
    };
    const limited = controller('nginx:1.25', '1.25');
    (limited.spec as { template: { spec: { containers: object[] } } }).template.spec.containers = [
      { name: 'nginx', image: 'nginx:1.25', resources: { limits: { memory: '64Mi' } } },
    ];
    expect(kept(limited, written)).toBeUndefined();
  });

  it('is warned about when its containers change', () => {
    expect(kept(controller('nginx:1.25', '1.25'), controller('nginx:1.26', '1.26'))?.message).toMatch(
      /^ReplicationController lab\/nginx: its image changes from nginx:1.25 to nginx:1.26, but a ReplicationController makes pods/,
    );
  });
});
