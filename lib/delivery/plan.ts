/**
 * Where each stage is delivered: its `delivery:` settings over the project file's defaults,
 * resolved into one plan per stage, with every problem found. Pure.
 */
import type { Problem, SourceLocation } from '../errors.js';
import { didYouMean } from '../model/did-you-mean.js';
import { andList } from '../model/limits.js';
import { sourceName } from './source-name.js';
import { normalRepositoryUrl } from './urls.js';
import type { DeliveredStage, StageKinds } from './stage.js';
import {
  repositoryCredentials,
  repositoryMismatches,
  resolvedSync,
  syncMismatches,
  type ClusterSpec,
  type Engine,
  type ProjectFile,
} from '../config/delivery.js';

/** The Argo CD AppProject and Flux GitRepository name when the project file names none. */
export const DEFAULT_PROJECT = 'stagecraft';
export const DEFAULT_REVISION = 'main';

/** What the engine needs to know of one stage. */
export interface DeliveryPlan {
  readonly stage: string;
  /** The stage's own namespace (the engine's default destination namespace). */
  readonly namespace: string;
  readonly engine: Engine;
  readonly project: string;
  /** The cluster: its key under `delivery.clusters`, and how the engine reaches it. */
  readonly cluster: { readonly id: string } & ClusterSpec;
  /**
   * Where the engine reads the stage from; `secret`, Flux's Secret with the credentials to clone it
   * (its own when the stage names another url than the project file's, else the project file's). @default - secret: none
   */
  readonly repository: { readonly url: string; readonly revision: string; readonly secret?: string };
  /** Flux: the name of the GitRepository that follows `repository` (lib/delivery/source-name.ts). @default - none (Argo CD) */
  readonly source?: string;
  readonly sync: { readonly automated: boolean; readonly prune: boolean; readonly selfHeal: boolean };
  /** The stage's namespace and every namespace its objects live in, sorted (the Argo CD AppProject's destinations). */
  readonly namespaces: readonly string[];
  /** `group/kind` of every kind the stage has, by scope, sorted (for Argo CD's resource allow-lists). */
  readonly kinds: StageKinds;
  /**
   * The stage this one waits for: the one before it in the promotion order, when the same engine
   * delivers it; for Flux, the nearest such stage that is not suspended.
   */
  readonly after?: string;
}

/** Where the project file writes its settings, by dotted path (`delivery.clusters.nonprod`): for the plan's problems. */
export type ProjectPlaces = (path: readonly string[]) => SourceLocation | undefined;

/**
 * The delivery plan of every stage that declares `delivery:`, in stage order.
 * @param promotedFrom each stage's `promotion.from`: its delivery waits for that stage's (Flux `dependsOn`)
 */
export function planDelivery(
  stages: readonly DeliveredStage[],
  project: ProjectFile,
  projectSource: string,
  promotedFrom: ReadonlyMap<string, string>,
  projectPlaces: ProjectPlaces = () => undefined,
): { plans: DeliveryPlan[]; problems: Problem[] } {
  const defaults = project.delivery ?? {};
  const clusters = defaults.clusters ?? {};
  const problems: Problem[] = [];
  const plans: DeliveryPlan[] = [];
  for (const s of stages) {
    const d = s.delivery;
    const fail = (setting: string, message: string, hint: string, code = 'delivery/settings') => {
      const location = settingPlace(s, setting, projectPlaces);
      problems.push(
        location
          ? { code, location, message: `delivery.${setting}: ${message}`, hint }
          : { code, subject: `${s.source}: delivery.${setting}`, message, hint },
      );
    };
    const engine = d.engine ?? defaults.engine;
    const clusterName = d.cluster ?? defaults.cluster;
    const url = d.repository?.url ?? defaults.repository?.url;
    if (!engine)
      fail(
        'engine',
        'names no engine, and the project file sets no delivery.engine',
        `set delivery.engine (argocd or flux) in ${s.source} or in ${projectSource}`,
      );
    if (!url)
      fail(
        'repository.url',
        'names no Git repository, and the project file sets no delivery.repository.url',
        `set delivery.repository.url in ${projectSource}`,
      );
    if (!clusterName) {
      fail(
        'cluster',
        'names no cluster',
        `set delivery.cluster to one of the clusters of ${projectSource}: ${Object.keys(clusters).join(', ') || 'none yet'}`,
      );
    } else if (!Object.hasOwn(clusters, clusterName)) {
      const guess = didYouMean(clusterName, Object.keys(clusters));
      fail(
        'cluster',
        `names the cluster '${clusterName}', which ${projectSource} does not declare${guess ? `; did you mean '${guess}'?` : ''}`,
        `declare it under delivery.clusters in ${projectSource} (its server URL, or its name in the engine)`,
      );
    }
    // the project file's own url was checked when it was read; here, a stage's, with whatever engine
    const credentials = d.repository?.url === undefined ? undefined : repositoryCredentials(d.repository.url);
    if (credentials) fail('repository.url', credentials.message, credentials.hint, credentials.code);
    if (!engine || !url || !clusterName || !Object.hasOwn(clusters, clusterName) || credentials) continue;
    const revision = d.repository?.revision ?? defaults.repository?.revision ?? DEFAULT_REVISION;
    // the credentials go with the URL: the project file's are not sent to another repository, but a stage
    // that writes the project file's own (another revision of it) clones it with them
    const another =
      d.repository?.url !== undefined &&
      (defaults.repository?.url === undefined || normalRepositoryUrl(d.repository.url) !== normalRepositoryUrl(defaults.repository.url));
    const secret = another ? d.repository?.secret : (d.repository?.secret ?? defaults.repository?.secret);
    // the project file's own engine and repository were checked when it was read; here, a stage's choice of either
    const mismatches = repositoryMismatches(engine, { url, revision });
    for (const { setting, message, hint, code } of mismatches) {
      const own = d.repository?.[setting] !== undefined;
      fail(
        own ? `repository.${setting}` : 'engine',
        own ? message : `${message} (${projectSource}'s delivery.repository.${setting})`,
        hint,
        code,
      );
    }
    const sync = resolvedSync({ ...defaults.sync, ...d.sync });
    // the same of the sync policy: the project file's own was checked against its engine when it was read
    const unhonoured = syncMismatches(engine, sync);
    for (const { setting, message, hint, code } of unhonoured) {
      // at the stage's own setting, else at what the stage chose that makes the project file's setting count
      const place = d.sync?.[setting] !== undefined ? `sync.${setting}` : d.engine !== undefined ? 'engine' : 'sync.automated';
      const inherited = place !== `sync.${setting}`;
      fail(
        place,
        inherited ? `${message} (${projectSource}'s delivery.sync.${setting}: ${String(sync[setting])})` : message,
        inherited
          ? `write sync: { ${setting}: true } under this stage's delivery: (Flux always puts back drift), or deliver it with Argo CD (engine: argocd)`
          : hint,
        code,
      );
    }
    if (mismatches.length || unhonoured.length) continue;
    const cluster = { id: clusterName, ...clusters[clusterName] };
    if (engine === 'argocd' && !cluster.server && !cluster.name) {
      fail(
        'cluster',
        `the cluster '${clusterName}' has neither server nor name, which Argo CD needs`,
        `set delivery.clusters.${clusterName}.server in ${projectSource}`,
      );
      continue;
    }
    const previous = promotedFrom.get(s.stage);
    const project = defaults.project ?? DEFAULT_PROJECT;
    const defaultRepository = { url: defaults.repository?.url, revision: defaults.repository?.revision ?? DEFAULT_REVISION };
    plans.push({
      stage: s.stage,
      namespace: s.namespace,
      engine,
      project,
      cluster,
      repository: { url, revision, ...(secret !== undefined ? { secret } : {}) },
      ...(engine === 'flux' ? { source: sourceName(project, { url, revision }, defaultRepository) } : {}),
      sync,
      namespaces: s.namespaces,
      kinds: s.kinds,
      ...(previous !== undefined ? { after: previous } : {}),
    });
  }
  problems.push(
    ...fluxOwnClusters(plans, projectSource, projectPlaces),
    ...sameSourceNames(plans, stages, projectPlaces),
    ...sharedNamespaces(plans, stages),
    ...sharedObjects(plans, stages, projectPlaces),
  );
  return { plans: plans.map(({ after, ...p }) => withAfter(p, waitsFor(p, after, plans))), problems };
}

const withAfter = (p: DeliveryPlan, after: string | undefined): DeliveryPlan => (after === undefined ? p : { ...p, after });

/**
 * The stage `p` waits for: the one before it in the promotion order (`after`) when the same engine
 * delivers it. Flux applies a stage only once the one it depends on is ready at the current
 * revision, which a suspended Kustomization (`sync.automated: false`) never is: a stage after a
 * suspended one waits for the nearest stage before that which is not suspended, or for none.
 */
function waitsFor(p: DeliveryPlan, after: string | undefined, plans: readonly DeliveryPlan[]): string | undefined {
  const byStage = new Map(plans.map((q) => [q.stage, q]));
  const seen = new Set([p.stage]);
  for (let stage = after; stage !== undefined && !seen.has(stage); stage = byStage.get(stage)?.after) {
    const q = byStage.get(stage);
    // a stage waits only for a stage the same engine delivers
    if (!q || q.engine !== p.engine) return undefined;
    if (p.engine !== 'flux' || q.sync.automated) return stage;
    seen.add(stage);
  }
  return undefined;
}

/**
 * Flux applies a stage to the cluster it runs in unless the stage's cluster has a kubeconfig
 * Secret: two clusters without one would both be that cluster, and the stages meant for one of
 * them would be applied to the other (production's objects in the nonprod cluster, say).
 */
function fluxOwnClusters(plans: readonly DeliveryPlan[], projectSource: string, projectPlaces: ProjectPlaces): Problem[] {
  const own = new Map<string, string[]>();
  for (const p of plans) {
    if (p.engine !== 'flux' || p.cluster.kubeConfigSecret) continue;
    const stages = own.get(p.cluster.id);
    if (stages) stages.push(p.stage);
    else own.set(p.cluster.id, [p.stage]);
  }
  if (own.size < 2) return [];
  const named = [...own].map(([cluster, stages]) => `${cluster} (${stages.join(', ')})`);
  const location = projectPlaces(['delivery', 'clusters']);
  return [
    {
      code: 'delivery/settings',
      ...(location ? { location } : { subject: `${projectSource}: delivery.clusters` }),
      message: `${location ? 'delivery.clusters: ' : ''}Flux would apply the stages of the clusters ${andList(named)} to the one cluster it runs in: a cluster without kubeConfigSecret is Flux's own`,
      hint: `set kubeConfigSecret (a Secret in flux-system holding the cluster's kubeconfig) on every cluster but the one Flux runs in, under delivery.clusters in ${projectSource}`,
    },
  ];
}

/**
 * Two repositories (or revisions) whose Flux GitRepositories come out with one name
 * (`sourceName`): one object would follow both, and the stages of one would be applied from the
 * other. Named from what they follow, they differ but for a revision written as another's name
 * (`x-1a2b3c` beside `refs/heads/x`) or a hash that happens to be alike; at the later stage's
 * repository setting (or where it inherits it).
 */
function sameSourceNames(plans: readonly DeliveryPlan[], stages: readonly DeliveredStage[], projectPlaces: ProjectPlaces): Problem[] {
  const byStage = new Map(stages.map((s) => [s.stage, s]));
  const first = new Map<string, DeliveryPlan>();
  const problems: Problem[] = [];
  const follows = (p: DeliveryPlan) => `${p.repository.url} at ${p.repository.revision}`;
  for (const p of plans) {
    if (p.source === undefined) continue;
    const other = first.get(p.source);
    if (!other) {
      first.set(p.source, p);
      continue;
    }
    if (other.repository.url === p.repository.url && other.repository.revision === p.repository.revision) {
      if (other.repository.secret !== p.repository.secret) problems.push(secretMismatch(other, p, byStage.get(p.stage)!, projectPlaces));
      continue;
    }
    const stage = byStage.get(p.stage)!;
    const setting = stage.delivery.repository?.revision !== undefined || stage.delivery.repository?.url === undefined ? 'revision' : 'url';
    const location = settingPlace(stage, `repository.${setting}`, projectPlaces);
    const message =
      `the stages ${other.stage} and ${p.stage} follow ${follows(other)} and ${follows(p)}, whose Flux GitRepositories would both be named ${p.source}: ` +
      'one object cannot follow both, and one stage would be applied from the other';
    problems.push({
      code: 'delivery/settings',
      ...(location
        ? { location, message: `delivery.repository.${setting}: ${message}` }
        : { subject: `${stage.source}: delivery.repository`, message }),
      hint: `write the revision of ${p.stage} another way (refs/heads/<branch> for a branch, a 40-hex commit), or follow the same revision in both stages`,
    });
  }
  return problems;
}

/**
 * Two stages that follow one repository and revision, so one Flux GitRepository, with other
 * credentials (`repository.secret`): the object has one secretRef, and one stage would be cloned
 * with the other's. At the later stage's secret (or its url, when it names its own without one).
 */
function secretMismatch(other: DeliveryPlan, p: DeliveryPlan, stage: DeliveredStage, projectPlaces: ProjectPlaces): Problem {
  const setting = stage.delivery.repository?.secret !== undefined || stage.delivery.repository?.url === undefined ? 'secret' : 'url';
  const location = settingPlace(stage, `repository.${setting}`, projectPlaces);
  const named = (q: DeliveryPlan) => (q.repository.secret === undefined ? 'no Secret' : `the Secret ${q.repository.secret}`);
  const message =
    `the stages ${other.stage} and ${p.stage} follow ${p.repository.url} at ${p.repository.revision}, so one Flux GitRepository (${p.source}), ` +
    `with ${named(other)} and ${named(p)} as its credentials: it has one secretRef, and one stage would be cloned with the other's`;
  return {
    code: 'delivery/settings',
    ...(location
      ? { location, message: `delivery.repository.${setting}: ${message}` }
      : { subject: `${stage.source}: delivery.repository`, message }),
    hint: `name the same repository.secret for both stages (a stage that writes another url than the project file's inherits no secret), or none for both`,
  };
}

/**
 * Where a problem about a stage's `delivery.<setting>` is reported: where the stage file writes
 * it, else where the project file does (the stage inherits it), else at the stage's `delivery:`.
 */
function settingPlace(s: DeliveredStage, setting: string, projectPlaces: ProjectPlaces): SourceLocation | undefined {
  const own = s.places?.[`delivery.${setting}`];
  if (own) return { file: s.source, ...own };
  const inherited = setting === 'cluster' || setting === 'engine' || setting.startsWith('repository.') || setting.startsWith('sync.');
  const project = inherited ? projectPlaces(['delivery', ...setting.split('.')]) : undefined;
  if (project) return project;
  const delivery = s.places?.delivery;
  return delivery && { file: s.source, ...delivery };
}

/** What delivers two stages, as messages name it: `Applications`, `Kustomizations`, `Application and Kustomization`. */
function engineObjects(a: Engine, b: Engine): string {
  const object = (e: Engine) => (e === 'flux' ? 'Kustomization' : 'Application');
  return a === b ? `${object(a)}s` : `${object(a)} and ${object(b)}`;
}

/**
 * Two stages delivered into one namespace of one cluster: two Applications (or Kustomizations)
 * would own the same objects, each pruning what the other applies. Reported at the later stage's
 * `namespace:` (the earlier one's when only it writes one; else the later stage file).
 */
function sharedNamespaces(plans: readonly DeliveryPlan[], stages: readonly DeliveredStage[]): Problem[] {
  const byStage = new Map(stages.map((s) => [s.stage, s]));
  const owner = new Map<string, DeliveryPlan>();
  const problems: Problem[] = [];
  for (const p of plans) {
    const key = `${p.cluster.id}/${p.namespace}`;
    const first = owner.get(key);
    if (!first) {
      owner.set(key, p);
      continue;
    }
    const later = byStage.get(p.stage)!;
    const earlier = byStage.get(first.stage)!;
    const written = later.places?.namespace ? later : earlier.places?.namespace ? earlier : undefined;
    const location = written && { file: written.source, ...written.places!.namespace };
    const message =
      `the stages ${first.stage} and ${p.stage} are both delivered to the namespace '${p.namespace}' of the cluster ${p.cluster.id}: ` +
      `their ${engineObjects(first.engine, p.engine)} would own the same objects, and each would prune or overwrite what the other applies`;
    problems.push({
      code: 'delivery/settings',
      ...(location ? { location, message: `namespace: ${message}` } : { subject: `${later.source}: namespace`, message }),
      hint: `give ${written?.stage ?? p.stage} a namespace of its own (namespace: ${written === earlier ? first.stage : p.stage}, its default), or deliver it to another cluster`,
    });
  }
  return problems;
}

/**
 * Two stages delivered to one cluster that hold the same object outside their namespaces (a
 * cluster-scoped ClusterRole, a DaemonSet in kube-system): their Applications (or Kustomizations)
 * would take turns overwriting it, and pruning one stage would delete what the other still needs.
 * One problem per pair of stages, at the later stage's `delivery.cluster` (or where it inherits it).
 */
function sharedObjects(plans: readonly DeliveryPlan[], stages: readonly DeliveredStage[], projectPlaces: ProjectPlaces): Problem[] {
  const byStage = new Map(stages.map((s) => [s.stage, s]));
  const planOf = new Map(plans.map((q) => [q.stage, q]));
  /** Per cluster, the stage that holds each object first. */
  const holders = new Map<string, Map<string, string>>();
  const problems: Problem[] = [];
  for (const p of plans) {
    const held = holders.get(p.cluster.id) ?? new Map<string, string>();
    holders.set(p.cluster.id, held);
    const stage = byStage.get(p.stage)!;
    const shared = new Map<string, string[]>();
    for (const key of stage.elsewhere ?? []) {
      const other = held.get(key);
      if (other === undefined) held.set(key, p.stage);
      else shared.set(other, [...(shared.get(other) ?? []), key]);
    }
    for (const [other, keys] of shared) {
      const named = keys.slice(0, 3).map((k) => k.slice(k.indexOf('/') + 1));
      const more = keys.length > 3 ? ` and ${keys.length - 3} more` : '';
      const location = settingPlace(stage, 'cluster', projectPlaces);
      const message =
        `the stages ${other} and ${p.stage} are both delivered to the cluster ${p.cluster.id} and both hold ${named.join(', ')}${more}: ` +
        `their ${engineObjects(planOf.get(other)!.engine, p.engine)} would take turns overwriting ${keys.length === 1 ? 'it' : 'them'}, and pruning one stage would delete what the other still holds`;
      problems.push({
        code: 'delivery/settings',
        ...(location ? { location, message: `delivery.cluster: ${message}` } : { subject: `${stage.source}: delivery.cluster`, message }),
        hint: `deliver ${p.stage} to another cluster, or keep ${keys.length === 1 ? 'that object' : 'those objects'} in one of the two stages only`,
      });
    }
  }
  return problems;
}
