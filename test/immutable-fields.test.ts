/** The changes of an object that the API server refuses, as immutableChanges finds them (test/output-changes.immutable-fields.test.ts says them from a stage). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { immutableChanges } from '../lib/immutable-fields.js';
import type { KubeObject } from '../lib/model/object.js';
import { summarize } from '../lib/synth/app-summary.js';
import { withObjects, type RenderedChart } from '../lib/synth/rendered.js';
import { compileStage, type StageSource } from '../lib/compile-stage.js';
import { diskRenderCache } from '../lib/cli/render-cache.js';
import { formatProblem } from '../lib/errors.js';
import { textTree } from '../lib/synth/file-content.js';

const TOLERATION = { key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute', tolerationSeconds: 60 };

/** A Pod of one nginx container, with `spec` added to its spec. */
const pod = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { containers: [{ name: 'web', image: 'nginx:1.25' }], ...spec },
});

/** A Job of one container, with `spec` added to its pod template's spec. */
const job = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: 'shop' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'migrate:1.0' }], ...spec } } },
});

/** The refused changes of a Pod from `before` to `after` (added to its spec), as `path: before -> after (why)`. */
const refused = (before: Record<string, unknown>, after: Record<string, unknown>): string[] =>
  immutableChanges(pod(before), pod(after), []).map(
    (c) => `${c.path.join('.')}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)} (${c.why})`,
  );

describe("a Pod's spec, which the API server fixes once the Pod is created (ValidatePodUpdate)", () => {
  it('may change its images, set or shorten its activeDeadlineSeconds, add tolerations (or change their tolerationSeconds), set a negative grace period to 1', () => {
    for (const [before, after] of [
      [{}, { containers: [{ name: 'web', image: 'nginx:1.26' }] }],
      [{}, { activeDeadlineSeconds: 600 }],
      [{ activeDeadlineSeconds: 600 }, { activeDeadlineSeconds: 60 }],
      [
        { tolerations: [TOLERATION] },
        {
          tolerations: [
            { key: 'gpu', operator: 'Exists' },
            { ...TOLERATION, tolerationSeconds: 300 },
          ],
        },
      ],
      [{}, { tolerations: [TOLERATION] }],
      // a field left empty is the Go string's zero value, the field not given (value: '' with operator Exists, as exported)
      [{ tolerations: [{ key: 'gpu', operator: 'Exists', value: '', effect: '' }] }, { tolerations: [{ key: 'gpu', operator: 'Exists' }] }],
      [{ terminationGracePeriodSeconds: -1 }, { terminationGracePeriodSeconds: 1 }],
      // 30 is the default: written now, or no longer written, it is no change
      [{}, { terminationGracePeriodSeconds: 30 }],
      [{ terminationGracePeriodSeconds: 30 }, {}],
    ] as const)
      expect(refused(before, after), JSON.stringify([before, after])).toEqual([]);
  });

  it('is refused a terminationGracePeriodSeconds that changes otherwise, the default 30 included', () => {
    const why = "a Pod's terminationGracePeriodSeconds cannot change once it is created, but from a negative value to 1";
    expect(refused({ terminationGracePeriodSeconds: 30 }, { terminationGracePeriodSeconds: 60 })).toEqual([
      `spec.terminationGracePeriodSeconds: 30 -> 60 (${why})`,
    ]);
    expect(refused({}, { terminationGracePeriodSeconds: 60 })).toEqual([`spec.terminationGracePeriodSeconds: undefined -> 60 (${why})`]);
    expect(refused({ terminationGracePeriodSeconds: -1 }, { terminationGracePeriodSeconds: 5 })).toEqual([
      `spec.terminationGracePeriodSeconds: -1 -> 5 (${why})`,
    ]);
  });

  it('is refused an activeDeadlineSeconds lengthened or removed', () => {
    const why = "a Pod's activeDeadlineSeconds may only be set or shortened once it is created, not lengthened or removed";
    expect(refused({ activeDeadlineSeconds: 60 }, { activeDeadlineSeconds: 600 })).toEqual([
      `spec.activeDeadlineSeconds: 60 -> 600 (${why})`,
    ]);
    expect(refused({ activeDeadlineSeconds: 60 }, {})).toEqual([`spec.activeDeadlineSeconds: 60 -> undefined (${why})`]);
  });

  it('is refused a toleration removed or changed but for its tolerationSeconds', () => {
    const why =
      "a Pod's tolerations may only be added to once it is created (or a toleration's tolerationSeconds changed), not removed or changed";
    expect(refused({ tolerations: [TOLERATION] }, {})).toEqual([`spec.tolerations: ${JSON.stringify([TOLERATION])} -> undefined (${why})`]);
    expect(refused({ tolerations: [TOLERATION] }, { tolerations: [{ ...TOLERATION, value: 'cache' }] })).toEqual([
      `spec.tolerations.0.value: "db" -> "cache" (${why})`,
    ]);
  });

  it('is refused any other change, each field said on its own', () => {
    const why =
      "a Pod's spec cannot change once it is created, but for its images, an activeDeadlineSeconds set or shortened, tolerations added and a negative terminationGracePeriodSeconds set to 1";
    expect(refused({ nodeName: 'a' }, { nodeName: 'b', hostname: 'web-1' })).toEqual([
      `spec.hostname: undefined -> "web-1" (${why})`,
      `spec.nodeName: "a" -> "b" (${why})`,
    ]);
  });

  it('is no change where it now writes, or no longer writes, what the API server gave the Pod when it was made', () => {
    const web = (c: Record<string, unknown>) => ({ containers: [{ name: 'web', image: 'nginx:1.25', ...c }] });
    for (const [before, after] of [
      // SetDefaults_Container: IfNotPresent for a tagged image, Always for latest or no tag
      [{}, web({ imagePullPolicy: 'IfNotPresent' })],
      [{ containers: [{ name: 'web', image: 'nginx' }] }, { containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'Always' }] }],
      [web({ image: 'nginx:latest' }), web({ image: 'nginx:latest', imagePullPolicy: 'Always' })],
      // a new image leaves the pull policy the old one gave, when neither writes it
      [web({ image: 'nginx' }), web({ image: 'nginx:1.26', imagePullPolicy: 'Always' })],
      // SetDefaults_Pod: a limit is the request it leaves out
      [
        web({ resources: { limits: { memory: '64Mi' } } }),
        web({ resources: { limits: { memory: '64Mi' }, requests: { memory: '64Mi' } } }),
      ],
      // the ServiceAccount and Priority admission plugins
      [{}, { serviceAccountName: 'default' }],
      [{}, { serviceAccount: 'default' }],
      [{}, { priority: 0, preemptionPolicy: 'PreemptLowerPriority' }],
    ] as const) {
      expect(refused(before, after), JSON.stringify([before, after])).toEqual([]);
      expect(refused(after, before), JSON.stringify([after, before])).toEqual([]);
    }
    // kept from the Pod as it is when no longer written, whatever its PriorityClass gave
    expect(refused({ priorityClassName: 'high', priority: 1000 }, { priorityClassName: 'high' })).toEqual([]);
  });

  it('is no change where it no longer writes the tolerations DefaultTolerationSeconds gives a Pod on every update (a node not ready or unreachable)', () => {
    const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
    const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 600 };
    // as kubectl get -o yaml printed them, then removed: the plugin gives them again, with 300 seconds (which may change)
    expect(refused({ tolerations: [TOLERATION, notReady, unreachable] }, { tolerations: [TOLERATION] })).toEqual([]);
    expect(refused({ tolerations: [notReady] }, {})).toEqual([]);
    // one that tolerates every NoExecute taint stands for them: removed, it is a toleration removed
    expect(refused({ tolerations: [{ operator: 'Exists', effect: 'NoExecute' }] }, {}).map((c) => c.split(':')[0])).toEqual([
      'spec.tolerations',
    ]);
  });

  it("is no change where it now writes the priority its PriorityClass gave it, when the class is known: the system's, or the stage's", () => {
    const critical = { priorityClassName: 'system-cluster-critical' };
    expect(refused(critical, { ...critical, priority: 2000000000, preemptionPolicy: 'PreemptLowerPriority' })).toEqual([]);
    expect(refused(critical, { ...critical, priority: 1000 })).toEqual([
      `spec.priority: undefined -> 1000 (a Pod's spec cannot change once it is created, but for its images, an activeDeadlineSeconds set or shortened, tolerations added and a negative terminationGracePeriodSeconds set to 1)`,
    ]);
    const high = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 };
    const charts = [{ name: 'shop', objects: [high] }];
    const classed = { priorityClassName: 'high' };
    expect(immutableChanges(pod(classed), pod({ ...classed, priority: 1000 }), charts)).toEqual([]);
    expect(immutableChanges(pod(classed), pod({ ...classed, priority: 10 }), charts).map((c) => c.path.join('.'))).toEqual([
      'spec.priority',
    ]);
  });

  it("is no change where it now writes the class, or its priority, that the stage's globalDefault PriorityClass gave a Pod made without one", () => {
    const normal = {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'normal' },
      value: 1000,
      globalDefault: true,
      preemptionPolicy: 'Never',
    };
    const charts = [{ name: 'shop', objects: [normal] }];
    const paths = (before: Record<string, unknown>, after: Record<string, unknown>) =>
      immutableChanges(pod(before), pod(after), charts).map((c) => c.path.join('.'));
    for (const after of [
      { priorityClassName: 'normal' },
      { priority: 1000 },
      { priorityClassName: 'normal', priority: 1000, preemptionPolicy: 'Never' },
    ]) {
      expect(paths({}, after), JSON.stringify(after)).toEqual([]);
      expect(paths(after, {}), JSON.stringify(after)).toEqual(after.priorityClassName ? ['spec.priorityClassName'] : []);
    }
    // another priority, or a class named when the Pod was made and no longer (admission names none on update), is refused
    expect(paths({}, { priority: 0 })).toEqual(['spec.priority']);
    expect(paths({}, { preemptionPolicy: 'PreemptLowerPriority' })).toEqual(['spec.preemptionPolicy']);
    // the same when the class's app comes from the render cache, known by its summary
    const cached = [{ name: 'shop', objects: [], summary: summarize([normal]) }];
    expect(immutableChanges(pod({}), pod({ priorityClassName: 'normal', priority: 1000 }), cached)).toEqual([]);
  });

  it('is warned about, as refused unless the cluster gave it that value, where it now writes the priority of a class not known here', () => {
    const classed = { priorityClassName: 'high' };
    const [change, ...others] = immutableChanges(pod(classed), pod({ ...classed, priority: 1000 }), []);
    expect(others).toEqual([]);
    expect(change.path).toEqual(['spec', 'priority']);
    expect(typeof change.outcome === 'function' && change.outcome('kubectl apply fails on it')).toBe(
      "but the Pod has the priority its PriorityClass 'high' gave it when it was made, which is not known at synth time: kubectl apply fails on it " +
        "(a Pod's spec cannot change once it is created, but for its images, an activeDeadlineSeconds set or shortened, tolerations added and a negative terminationGracePeriodSeconds set to 1) unless that is 1000",
    );
    expect(change.hint?.('keep the old value')).toBe(
      "see which it has (kubectl get pod web -n shop -o jsonpath='{.spec.priority}'): if it is 1000, nothing changes; else keep the old value, " +
        'or delete the Pod and apply again on purpose (kubectl delete pod web -n shop): it does not run in between',
    );
  });

  it('is refused a pull policy, service account or priority other than the one the Pod was given', () => {
    const why =
      "a Pod's spec cannot change once it is created, but for its images, an activeDeadlineSeconds set or shortened, tolerations added and a negative terminationGracePeriodSeconds set to 1";
    // nginx:1.25 was given IfNotPresent, which stays with the image nginx:latest unless Always is written
    expect(refused({}, { containers: [{ name: 'web', image: 'nginx:latest', imagePullPolicy: 'Always' }] })).toEqual([
      `spec.containers.0.imagePullPolicy: undefined -> "Always" (${why})`,
    ]);
    // no longer written, it is the new image's default again
    expect(refused({ containers: [{ name: 'web', image: 'nginx:1.25', imagePullPolicy: 'Always' }] }, {})).toEqual([
      `spec.containers.0.imagePullPolicy: "Always" -> undefined (${why})`,
    ]);
    expect(refused({}, { serviceAccountName: 'web' })).toEqual([`spec.serviceAccountName: undefined -> "web" (${why})`]);
    expect(refused({}, { priority: 10 })).toEqual([`spec.priority: undefined -> 10 (${why})`]);
  });
});

describe('a quantity in a fixed field, compared by its value as the API server compares it (Quantity.Cmp)', () => {
  const web = (resources: Record<string, unknown>) => ({ containers: [{ name: 'web', image: 'nginx:1.25', resources }] });
  /** A pod spec's generic ephemeral volume, whose claim requests `storage`. */
  const ephemeral = (storage: string) => ({
    volumes: [
      {
        name: 'scratch',
        ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } } },
      },
    ],
  });

  it("is no change in a Pod's resources, overhead, emptyDir or ephemeral volume written otherwise (cpu: 1 is 1000m, memory: 1Gi is 1024Mi)", () => {
    for (const [before, after] of [
      [web({ limits: { cpu: '1', memory: '1Gi' } }), web({ limits: { cpu: '1000m', memory: '1024Mi' } })],
      [web({ requests: { cpu: 0.5 } }), web({ requests: { cpu: '500m' } })],
      // a limit is the request it leaves out, whichever way either is written
      [web({ limits: { memory: '1Gi' } }), web({ limits: { memory: '1Gi' }, requests: { memory: '1073741824' } })],
      [{ overhead: { cpu: '250m' } }, { overhead: { cpu: '0.25' } }],
      [{ volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }] }, { volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1024Mi' } }] }],
      [ephemeral('1Gi'), ephemeral('1024Mi')],
    ] as const)
      expect(refused(before, after), JSON.stringify([before, after])).toEqual([]);
    expect(refused(web({ requests: { cpu: '1' } }), web({ requests: { cpu: '1001m' } }))).toEqual([
      `spec.containers.0.resources.requests.cpu: "1" -> "1001m" (a Pod's spec cannot change once it is created, but for its images, an activeDeadlineSeconds set or shortened, tolerations added and a negative terminationGracePeriodSeconds set to 1)`,
    ]);
  });

  it("is no change in a Job's template or a StatefulSet's claim templates written otherwise", () => {
    const migrate = (memory: string) =>
      job({ containers: [{ name: 'migrate', image: 'migrate:1.0', resources: { requests: { memory } } }] });
    expect(immutableChanges(migrate('1Gi'), migrate('1024Mi'), [])).toEqual([]);
    expect(immutableChanges(job(ephemeral('1Gi')), job(ephemeral('1024Mi')), [])).toEqual([]);
    expect(immutableChanges(job(ephemeral('1Gi')), job(ephemeral('2Gi')), []).map((c) => c.path.join('.'))).toEqual([
      'spec.template.spec.volumes.0.ephemeral.volumeClaimTemplate.spec.resources.requests.storage',
    ]);
    const db = (storage: string): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop' },
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {},
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } },
        ],
      },
    });
    expect(immutableChanges(db('1Gi'), db('1024Mi'), [])).toEqual([]);
    expect(immutableChanges(db('1Gi'), db('2Gi'), []).map((c) => `${c.path.join('.')}: ${String(c.before)} -> ${String(c.after)}`)).toEqual(
      ['spec.volumeClaimTemplates.0.spec.resources.requests.storage: 1Gi -> 2Gi'],
    );
  });
});

describe("a claim's resources, of which only the storage request may change (ValidatePersistentVolumeClaimUpdate)", () => {
  const claim = (resources: Record<string, unknown>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'shop' },
    spec: { accessModes: ['ReadWriteOnce'], resources },
  });
  const changes = (before: Record<string, unknown>, after: Record<string, unknown>) =>
    immutableChanges(claim(before), claim(after), []).map(
      (c) => `${c.path.join('.')}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)} (${c.why})`,
    );

  it('refuses a limit set, changed or removed, and takes one written otherwise (2Gi is 2048Mi)', () => {
    const requests = { storage: '1Gi' };
    expect(changes({ requests, limits: { storage: '2Gi' } }, { requests, limits: { storage: '3Gi' } })).toEqual([
      `spec.resources.limits.storage: "2Gi" -> "3Gi" (a claim's spec cannot change once it is created, only its storage request grow)`,
    ]);
    expect(changes({ requests }, { requests, limits: { storage: '2Gi' } })).toEqual([
      `spec.resources.limits: undefined -> {"storage":"2Gi"} (a claim's spec cannot change once it is created, only its storage request grow)`,
    ]);
    expect(changes({ requests, limits: { storage: '2Gi' } }, { requests })).toHaveLength(1);
    expect(changes({ requests, limits: { storage: '2Gi' } }, { requests, limits: { storage: '2048Mi' } })).toEqual([]);
    expect(changes({ requests: { storage: '1Gi' } }, { requests: { storage: '1024Mi' } })).toEqual([]);
  });

  it('compares sizes written as exponent numbers (YAML 1e21, 1e-7) by value, as strings are: no internal error', () => {
    expect(changes({ requests: { storage: 1e21 } }, { requests: { storage: '1e21' } })).toEqual([]);
    expect(changes({ requests: { storage: 1e21 } }, { requests: { storage: 1e-7 } })).toEqual([
      `spec.resources.requests.storage: 1e+21 -> 1e-7 (a claim never shrinks)`,
    ]);
    expect(
      changes({ requests: { storage: '1Gi' }, limits: { storage: 1e21 } }, { requests: { storage: '1Gi' }, limits: { storage: '1000E' } }),
    ).toEqual([]);
    const resources = (cpu: unknown) => ({ containers: [{ name: 'web', image: 'nginx:1.25', resources: { requests: { cpu } } }] });
    expect(immutableChanges(pod(resources(1e-7)), pod(resources('100n')), [])).toEqual([]);
    expect(immutableChanges(pod(resources(1.5e3)), pod(resources('1.5k')), [])).toEqual([]);
  });
});

describe("a Job's pod template, fixed once the Job is created", () => {
  it('is refused enableServiceLinks: true now written: the default of a Pod, which the template kept without it', () => {
    expect(immutableChanges(job({}), job({ enableServiceLinks: true }), []).map((c) => c.path.join('.'))).toEqual([
      'spec.template.spec.enableServiceLinks',
    ]);
    // a default of every pod spec is no change
    expect(immutableChanges(job({}), job({ dnsPolicy: 'ClusterFirst' }), [])).toEqual([]);
  });
});

describe('the classes another app of the stage makes, when that app comes from the render cache', () => {
  const claim = (storage: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'shop' },
    spec: { storageClassName: 'growable', accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
  });
  const storageClass = (expands: boolean): KubeObject => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'growable' },
    provisioner: 'example.com/disk',
    ...(expands ? { allowVolumeExpansion: true } : {}),
  });
  const high: KubeObject = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 };
  /** `objects` as a chart of an app from the render cache, counting each time they are rendered again. */
  const cached = (objects: KubeObject[], renders: { count: number }): RenderedChart =>
    withObjects({ name: 'classes', summary: summarize(JSON.parse(JSON.stringify(objects))) }, () => {
      renders.count++;
      return objects;
    });

  it("are read from its summary, not by rendering it again, and judge as its objects do: a claim's growth, a Pod's priority", () => {
    const renders = { count: 0 };
    const paths = (old: KubeObject, now: KubeObject, charts: readonly RenderedChart[]) =>
      immutableChanges(old, now, charts).map((c) => `${c.path.join('.')}: ${c.why}`);
    for (const expands of [true, false]) {
      const fresh = [{ name: 'classes', objects: [storageClass(expands)] }];
      expect(paths(claim('1Gi'), claim('2Gi'), [cached([storageClass(expands)], renders)])).toEqual(
        paths(claim('1Gi'), claim('2Gi'), fresh),
      );
    }
    expect(paths(claim('1Gi'), claim('2Gi'), [{ name: 'classes', objects: [storageClass(false)] }])).toEqual([
      "spec.resources.requests.storage: its StorageClass 'growable' does not set allowVolumeExpansion: true",
    ]);
    const classed = { priorityClassName: 'high' };
    expect(immutableChanges(pod(classed), pod({ ...classed, priority: 1000 }), [cached([high], renders)])).toEqual([]);
    expect(paths(pod(classed), pod({ ...classed, priority: 10 }), [cached([high], renders)])).toEqual([
      expect.stringMatching(/^spec\.priority: a Pod's spec cannot change/),
    ]);
    expect(renders.count).toBe(0);
  });

  describe('in a stage compiled twice with the render cache', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-classes-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const CLASSES = 'classes/all.yaml';
    const stage = (size: string, server: string) =>
      `nodes:\n  node-1:\n    roles: [worker]\napps:\n  classes:\n    stack: manifests\n    include: [${CLASSES}]\n` +
      `  api:\n    stack: service\n    image: team/api:1.4.2\n    probes: { readiness: { http: { path: /ready, port: 8080 } } }\n    storage: { mountPath: /data, size: ${size}, storageClass: growable }\n` +
      `  pinned-nginx:\n    server: { image: ${server} }\n`;
    const classes = (expands: boolean) =>
      `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: growable }\nprovisioner: example.com/disk\n${expands ? 'allowVolumeExpansion: true\n' : ''}` +
      '---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: { name: high }\nvalue: 1000\n';
    const source = (text: string, expands: boolean, dist?: Map<string, string>): StageSource => ({
      stage: 'shop',
      file: 'environments/shop.yaml',
      text,
      readSource: (p) => (p === CLASSES ? new Map([[p, classes(expands)]]) : undefined),
      ...(dist ? { readOutput: (f: string) => dist.get(f) } : {}),
    });
    const warnings = (outcome: ReturnType<typeof compileStage>) => {
      expect(outcome.problems).toEqual([]);
      return (outcome.notices ?? []).map(formatProblem);
    };

    it('say what an uncached compilation says of a claim that grows and a Pod that changes, without rendering the classes again', () => {
      for (const expands of [true, false]) {
        const before = stage('1Gi', 'nginx:1.25');
        const cold = diskRenderCache(join(root, String(expands)), { warn: () => {} });
        const first = compileStage(source(before, expands), { cache: cold });
        expect(first.problems).toEqual([]);
        cold.flush();
        const dist = textTree(first.files!);
        for (const after of [stage('2Gi', 'nginx:1.25'), stage('1Gi', 'nginx:1.26')]) {
          const warm = diskRenderCache(join(root, String(expands)), { warn: () => {} });
          const found = warnings(compileStage(source(after, expands, dist), { cache: warm }));
          expect(found).toEqual(warnings(compileStage(source(after, expands, dist), {})));
          const refused = found.some((w) => w.includes("its StorageClass 'growable' does not set allowVolumeExpansion: true"));
          expect(refused).toBe(!expands && after.includes('2Gi'));
          // the classes app came from the cache, and was not rendered again
          expect(warm.stats.hits).toBeGreaterThan(0);
          expect(warm.stats.read).toBe(0);
          warm.discard();
        }
      }
    });
  });
});
