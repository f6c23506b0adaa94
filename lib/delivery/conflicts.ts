/**
 * What two delivered stages may not share (lib/delivery/plan.ts finds these once every stage is
 * planned): a cluster declared under two keys, a cluster Flux takes for its own, a GitRepository's name or credentials, a namespace
 * of one cluster, an object outside their namespaces. Each problem at the setting to change. Pure.
 */
import type { Problem } from '../errors.js';
import { andList } from '../model/limits.js';
import type { ClusterSpec, Engine } from '../config/delivery.js';
import type { DeliveryPlan } from './delivery-plan.js';
import { settingPlace, type DeliveredStage, type ProjectPlaces } from './stage.js';
import { normalUrl } from './urls.js';

/**
 * Two keys of the project file's `delivery.clusters` that name one cluster: the same API server
 * (as the address it reaches), Argo CD name or kubeconfig Secret. The checks of what two stages
 * may not share compare clusters by key, so stages on the two keys would own one namespace or one
 * ClusterRole unseen, and each engine prune what the other applies. At the later key.
 */
export function sameClusterKeys(
  clusters: Readonly<Record<string, ClusterSpec>>,
  projectSource: string,
  projectPlaces: ProjectPlaces,
): Problem[] {
  const first = new Map<string, string>();
  const problems: Problem[] = [];
  for (const [key, c] of Object.entries(clusters)) {
    const names: [string, string | undefined][] = [
      ['the server', c.server === undefined ? undefined : normalUrl(c.server)],
      ['the Argo CD name', c.name],
      ['the kubeconfig Secret', c.kubeConfigSecret],
    ];
    const shared = names.flatMap(([what, id]) => {
      const other = id === undefined ? undefined : first.get(`${what} ${id}`);
      if (id !== undefined && other === undefined) first.set(`${what} ${id}`, key);
      return other === undefined ? [] : [{ other, named: `${what} ${id}` }];
    });
    if (!shared.length) continue;
    const { other } = shared[0];
    const location = projectPlaces(['delivery', 'clusters', key]);
    const message =
      `the clusters ${other} and ${key} are one cluster (${andList(shared.filter((s) => s.other === other).map((s) => s.named))}): ` +
      'two stages delivered to them could share a namespace or an object outside their namespaces unseen, each engine pruning or overwriting what the other applies';
    problems.push({
      code: 'delivery/settings',
      ...(location
        ? { location, message: `delivery.clusters.${key}: ${message}` }
        : { subject: `${projectSource}: delivery.clusters.${key}`, message }),
      hint: `declare the cluster once: deliver the stages of ${key} to ${other} (delivery: { cluster: ${other} }), give ${other} what ${key} adds (a server and a kubeConfigSecret may sit together), and remove ${key}`,
    });
  }
  return problems;
}

/**
 * Flux applies a stage to the cluster it runs in unless the stage's cluster has a kubeconfig
 * Secret: two clusters without one would both be that cluster, and the stages meant for one of
 * them would be applied to the other (production's objects in the nonprod cluster, say).
 */
export function fluxOwnClusters(plans: readonly DeliveryPlan[], projectSource: string, projectPlaces: ProjectPlaces): Problem[] {
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
export function sameSourceNames(
  plans: readonly DeliveryPlan[],
  stages: readonly DeliveredStage[],
  projectPlaces: ProjectPlaces,
): Problem[] {
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
export function sharedNamespaces(plans: readonly DeliveryPlan[], stages: readonly DeliveredStage[]): Problem[] {
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
    // the stage to move is one whose namespace: names another stage's own (its default): of qa and test both
    // writing `namespace: test`, qa, told to take its own (test keeps what it would have anyway)
    const movable = (s: DeliveredStage) => s.places?.namespace !== undefined && s.stage !== p.namespace;
    const written = [later, earlier].find(movable) ?? [later, earlier].find((s) => s.places?.namespace);
    const location = written && { file: written.source, ...written.places!.namespace };
    const message =
      `the stages ${first.stage} and ${p.stage} are both delivered to the namespace '${p.namespace}' of the cluster ${p.cluster.id}: ` +
      `their ${engineObjects(first.engine, p.engine)} would own the same objects, and each would prune or overwrite what the other applies`;
    problems.push({
      code: 'delivery/settings',
      ...(location ? { location, message: `namespace: ${message}` } : { subject: `${later.source}: namespace`, message }),
      hint: `give ${written?.stage ?? p.stage} a namespace of its own (namespace: ${written?.stage ?? p.stage}, its default), or deliver it to another cluster`,
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
export function sharedObjects(plans: readonly DeliveryPlan[], stages: readonly DeliveredStage[], projectPlaces: ProjectPlaces): Problem[] {
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
