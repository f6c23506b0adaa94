/** Argo CD's first sync of a Namespace a stage makes: its PreSync hooks run before the Namespace exists. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStage, type StageEnvironment } from '../../lib/compile-stage.js';
import { formatProblem } from '../../lib/errors.js';
import { textTree } from '../../lib/synth/file-content.js';
import { REPO } from '../helpers/cli.js';

const OBJECTS_FILE = 'objects/all.yaml';
const OBJECTS = readFileSync(join(REPO, 'test/fixtures/manifests/immutable/objects.yaml'), 'utf8');
const STAGE = `apps:\n  legacy:\n    stack: manifests\n    include: [${OBJECTS_FILE}]\ndelivery: { cluster: nonprod }\n`;
/** The migration Job of the included objects, made a hook by `annotations`. */
const hooked = (annotations: string) =>
  OBJECTS.replace('metadata: { name: migrate }', `metadata: { name: migrate, annotations: { ${annotations} } }`);

/** The output of compiling stage `data` with `objects` included, delivered by Argo CD, by file. */
function output(objects: string): Map<string, string> {
  return textTree(compiled(objects, { engine: 'argocd' }).files!);
}

/** The outcome of compiling stage `data` with `objects` included, over `dist` (file -> text; none: a new stage). */
function compiled(objects: string, env: StageEnvironment, dist: ReadonlyMap<string, string> = new Map()) {
  const outcome = compileStage(
    {
      stage: 'data',
      file: 'environments/data.yaml',
      text: STAGE,
      readSource: (p) => (p === OBJECTS_FILE ? new Map([[p, objects]]) : undefined),
      readOutput: (f) => dist.get(f),
    },
    env,
  );
  expect(outcome.problems).toEqual([]);
  return outcome;
}

/** The delivery/first-sync-hook warnings of compiling stage `data` over `dist` (file -> text; none: a new stage). */
function warnings(objects: string, env: StageEnvironment, dist: ReadonlyMap<string, string> = new Map()): string[] {
  return (compiled(objects, env, dist).notices ?? []).filter((p) => p.code === 'delivery/first-sync-hook').map(formatProblem);
}

describe('a PreSync hook in a Namespace the stage makes for the first time', () => {
  it('is warned about, at its hook annotation, where Argo CD delivers the stage: its first sync is refused before the Namespace is made', () => {
    const objects = hooked('argocd.argoproj.io/hook: PreSync');
    expect(warnings(objects, { engine: 'argocd' })).toEqual([
      `${OBJECTS_FILE}:27:68: warning: Job data/migrate: Argo CD runs this PreSync hook before it applies anything else of the stage, and the Namespace data is new to the stage's output, ` +
        'so it may not exist in the cluster yet: if it does not, on its first sync ' +
        'the hook is refused (namespaces "data" not found), and so is every retry, since the Namespace comes after it: the stage is never applied\n' +
        // a Namespace new to the output may be there already (adopted): kubectl create would fail on it
        '  hint: if Namespace data does not exist in the cluster yet (kubectl get namespace data), create it there before pushing this commit (kubectl create namespace data), with what the hook reads from it ' +
        '(its Secrets, ConfigMaps and ServiceAccount: the first sync makes them after it too); Argo CD applies the rest over them. ' +
        'If the sync failed already, do so, then argocd app sync the stage, since Argo CD does not sync that commit again by itself',
    ]);
    // a Helm chart's pre-install hook is one Argo CD runs as a PreSync hook
    expect(warnings(hooked('helm.sh/hook: "pre-install,pre-upgrade"'), { engine: 'argocd' })).toHaveLength(1);
  });

  it('is not warned about once the Namespace is there (the output that made it), nor for a hook of another step, nor by Flux or kubectl', () => {
    const objects = hooked('argocd.argoproj.io/hook: PreSync');
    const dist = output(objects);
    expect(warnings(objects, { engine: 'argocd' }, dist)).toEqual([]);
    expect(warnings(objects.replace('migrate:1.0', 'migrate:1.1'), { engine: 'argocd' }, dist)).toEqual([]);
    expect(warnings(hooked('argocd.argoproj.io/hook: PostSync'), { engine: 'argocd' })).toEqual([]);
    expect(warnings(hooked('helm.sh/hook: post-install'), { engine: 'argocd' })).toEqual([]);
    expect(warnings(objects, { engine: 'flux' })).toEqual([]);
    expect(warnings(objects, {})).toEqual([]);
  });

  it('is warned about, for every Namespace of the stage, when the stage now goes to another cluster than dist/delivery/ named', () => {
    const objects = hooked('argocd.argoproj.io/hook: PreSync');
    const application = (server: string) =>
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: stagecraft-data, namespace: argocd }\n' +
      `spec:\n  destination: { namespace: data, server: '${server}' }\n  project: stagecraft\n  source: { path: dist/data, repoURL: 'https://git.example.com/p.git', targetRevision: main }\n`;
    const dist = (server: string) => new Map([...output(objects), ['../delivery/argocd/10-data.yaml', application(server)]]);
    const env = { engine: 'argocd' as const, clusters: { nonprod: { server: 'https://nonprod.example.com:6443' } } };
    const moved = warnings(objects, env, dist('https://old.example.com:6443'));
    expect(moved).toHaveLength(1);
    expect(moved[0]).toContain(
      'Argo CD runs this PreSync hook before it applies anything else of the stage, and the stage now goes to another cluster than https://old.example.com:6443, where the Namespace data may not exist yet',
    );
    expect(moved[0]).toContain('hint: if Namespace data does not exist in the cluster yet (kubectl get namespace data)');
    // the same cluster (its URL written another way): the Namespace is there
    expect(warnings(objects, env, dist('https://NONPROD.example.com:6443/'))).toEqual([]);
    // the project file's default cluster, for a stage that names none
    const defaulted = { engine: 'argocd' as const, cluster: 'nonprod', clusters: env.clusters };
    expect(warnings(objects, defaulted, dist('https://old.example.com:6443'))).toHaveLength(1);
  });

  /** The included objects with the migration Job a PreSync hook in Namespace jobs, itself a PreSync hook with `annotations`. */
  const inHookNamespace = (annotations: string) =>
    OBJECTS.replace(
      'metadata: { name: migrate }',
      'metadata: { name: migrate, namespace: jobs, annotations: { argocd.argoproj.io/hook: PreSync } }',
    ) +
    `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: jobs\n  annotations: { argocd.argoproj.io/hook: PreSync, ${annotations} }\n`;

  it('is not warned about when the Namespace is itself a PreSync hook of an earlier wave that Argo CD keeps (HookFailed alone)', () => {
    const objects = (wave: string) =>
      inHookNamespace(`argocd.argoproj.io/sync-wave: "${wave}", argocd.argoproj.io/hook-delete-policy: HookFailed`);
    expect(warnings(objects('-1'), { engine: 'argocd' })).toEqual([]);
    // in the same wave (or a later one), Argo CD applies both at once (or the Job first)
    expect(warnings(objects('0'), { engine: 'argocd' })).toHaveLength(1);
    expect(warnings(objects('2'), { engine: 'argocd' })).toHaveLength(1);
    // a Helm hook weight is its wave when it names no sync wave, as Argo CD reads it
    expect(
      warnings(inHookNamespace('helm.sh/hook-weight: "-1", argocd.argoproj.io/hook-delete-policy: HookFailed'), { engine: 'argocd' }),
    ).toEqual([]);
    // Argo CD reads a wave as Go's strconv.Atoi does: with spaces around it, none (wave 0, the Job's)
    expect(warnings(objects(' -1'), { engine: 'argocd' })).toHaveLength(1);
  });

  it('warns, instead, about a Namespace that is a PreSync hook of an earlier wave that Argo CD deletes with everything in it at each sync (no policy, or HookSucceeded)', () => {
    const [unwritten] = warnings(inHookNamespace('argocd.argoproj.io/sync-wave: "-1"'), { engine: 'argocd' });
    expect(unwritten).toBe(
      `${OBJECTS_FILE}:72:43: warning: Namespace jobs: Argo CD runs this Namespace as a PreSync hook, so that it exists before the hooks in it, and as a hook deletes it ` +
        "by the deletion policy it takes (BeforeHookCreation; BeforeHookCreation when none is written): before each sync creates it again, with everything in it (the stage's objects there and their data; argo-cd#3837)\n" +
        '  hint: annotate it argocd.argoproj.io/hook-delete-policy: HookFailed, alone, so that Argo CD keeps it once made; or make it an ordinary object of the stage ' +
        'and create it in the cluster before pushing this commit (kubectl create namespace jobs)',
    );
    const succeeded = warnings(
      inHookNamespace('argocd.argoproj.io/sync-wave: "-1", argocd.argoproj.io/hook-delete-policy: HookSucceeded'),
      { engine: 'argocd' },
    );
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]).toContain(
      "(HookSucceeded; BeforeHookCreation when none is written): once each sync's PreSync phase succeeded, with everything in it",
    );
    expect(
      warnings(inHookNamespace('argocd.argoproj.io/sync-wave: "-1", argocd.argoproj.io/hook-delete-policy: "HookFailed,HookSucceeded"'), {
        engine: 'argocd',
      }),
    ).toHaveLength(1);
  });
});

describe('a custom resource Argo CD applies in an earlier sync wave than the CustomResourceDefinition of the stage that defines its kind', () => {
  /** The External Secrets Operator's SecretStore CRD, its annotations `annotations`, and a SecretStore the stage reads. */
  const operatorAndStore = (annotations = '{}') =>
    `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: secretstores.external-secrets.io, annotations: ${annotations} }\n` +
    'spec:\n  group: external-secrets.io\n  scope: Namespaced\n  names: { kind: SecretStore, plural: secretstores, singular: secretstore, listKind: SecretStoreList }\n' +
    '  versions:\n    - name: v1\n      served: true\n      storage: true\n' +
    '      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }\n' +
    '---\napiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: { name: vault }\nspec:\n  provider:\n    fake: { data: [] }\n';
  const problems = (objects: string, engine: 'argocd' | 'flux') =>
    compileStage(
      {
        stage: 'data',
        file: 'environments/data.yaml',
        text: `${STAGE}secretStore: { name: vault, kind: SecretStore }\n`,
        readSource: (p) => (p === OBJECTS_FILE ? new Map([[p, objects]]) : undefined),
      },
      { engine },
    ).problems.map(formatProblem);

  it("is refused where Argo CD delivers the stage: the store its ExternalSecrets read (wave -2) beside the operator's CRD (wave 0) fails the first sync", () => {
    expect(problems(operatorAndStore(), 'argocd')).toEqual([
      `${OBJECTS_FILE}:16:11: SecretStore data/vault: Argo CD applies it in sync wave -2, before the CustomResourceDefinition secretstores.external-secrets.io that defines its kind (wave 0), in the same Application: ` +
        'where that CRD is not in the cluster yet (the first sync, or a sync to a new cluster) its apply is refused (no matches for kind "SecretStore" in version "external-secrets.io/v1"), ' +
        'the sync fails, and so does every retry, so the stage is never applied; and Argo CD starts a wave only once the one before is healthy, ' +
        "which a custom resource is only once its controller, applied with the CRD, has read it (a SecretStore stays Progressing, 'Waiting for SecretStore')\n" +
        '  hint: deliver what defines and serves SecretStore (the operator: its CustomResourceDefinitions, Namespace, RBAC and Deployment) in a stage of its own that is synced first; ' +
        'or annotate each of them argocd.argoproj.io/sync-wave: "-4" in the included manifests, a wave before SecretStore vault and the stage\'s Namespace',
    ]);
  });

  it('passes once the CRD comes in an earlier wave, and where Flux delivers the stage (which applies CRDs first, in one apply)', () => {
    expect(problems(operatorAndStore('{ argocd.argoproj.io/sync-wave: "-4" }'), 'argocd')).toEqual([]);
    expect(problems(operatorAndStore(), 'flux')).toEqual([]);
  });

  it('is not said of a resource of the same group whose kind another CRD defines', () => {
    expect(
      problems(operatorAndStore().replace('kind: SecretStore, plural: secretstores', 'kind: PushSecret, plural: pushsecrets'), 'argocd'),
    ).toEqual([]);
  });
});

describe('a custom resource Argo CD runs as a sync hook, beside the CustomResourceDefinition of its kind', () => {
  /** A CustomResourceDefinition of kind Tenant, and a Tenant annotated `annotations`. */
  const crdAndTenant = (annotations: string) =>
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: tenants.example.com }\n' +
    'spec:\n  group: example.com\n  scope: Namespaced\n  names: { kind: Tenant, plural: tenants, singular: tenant, listKind: TenantList }\n' +
    '  versions:\n    - name: v1\n      served: true\n      storage: true\n' +
    '      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }\n' +
    `---\napiVersion: example.com/v1\nkind: Tenant\nmetadata: { name: acme, annotations: { ${annotations} } }\nspec: {}\n`;
  const problems = (objects: string) =>
    compileStage(
      {
        stage: 'data',
        file: 'environments/data.yaml',
        text: `apps:\n  legacy:\n    stack: manifests\n    include: [${OBJECTS_FILE}]\ndelivery: { cluster: nonprod }\n`,
        readSource: (p) => (p === OBJECTS_FILE ? new Map([[p, objects]]) : undefined),
      },
      { engine: 'argocd' },
    ).problems.filter((p) => p.code === 'delivery/first-sync-crd');

  it.each([
    // Helm's hook weight is the wave Argo CD reads, but a PostSync hook runs once every wave of the Sync phase is applied
    ['a PostSync hook of a lower wave (a Helm post-install hook weighted -5)', 'helm.sh/hook: post-install, helm.sh/hook-weight: "-5"'],
    ['a PostSync hook of its own', 'argocd.argoproj.io/hook: PostSync, argocd.argoproj.io/sync-wave: "-5"'],
    ['one Argo CD never applies (Skip)', 'argocd.argoproj.io/hook: Skip, argocd.argoproj.io/sync-wave: "-5"'],
  ])('is not refused as %s, which Argo CD applies after its CRD or never', (_, annotations) => {
    expect(problems(crdAndTenant(annotations))).toEqual([]);
  });

  it('is refused as a PreSync hook of any wave, which Argo CD runs before it applies any object of the Sync phase, the CRD too', () => {
    const [problem, ...more] = problems(crdAndTenant('argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/sync-wave: "5"')).map(
      formatProblem,
    );
    expect(more).toEqual([]);
    expect(problem).toContain(
      `${OBJECTS_FILE}:16:65: Tenant data/acme: Argo CD runs it as a PreSync hook, before any object of the Sync phase, the CustomResourceDefinition tenants.example.com that defines its kind (wave 0) too`,
    );
    expect(problem).toContain(
      '  hint: deliver what defines and serves Tenant (the operator: its CustomResourceDefinitions, Namespace, RBAC and Deployment) in a stage of its own that is synced first; or make Tenant acme no PreSync hook',
    );
  });
});
