/**
 * The cluster each stage's Application or Kustomization applies it to, and the repository it reads
 * it from, as `dist/delivery/` writes them: a synthesis compares them with those it replaces, since
 * neither engine deletes what it applied from a cluster it no longer targets, and a repository read
 * anew needs its credentials (lib/cli/delivery-moves.ts says so). Pure.
 */
import type { ClusterSpec } from '../config/delivery.js';
import { addresses, normalAddress, sameAddresses, shownUrl } from './urls.js';

/**
 * How a delivery object names its cluster: Argo CD by its API server URL (`server`) or by the name
 * it registered it under (`name`); Flux as the cluster it runs in (`own`) or by a Secret in
 * flux-system holding a kubeconfig (`kubeconfig`).
 */
export type ClusterForm = 'server' | 'name' | 'own' | 'kubeconfig';

/** Where a delivery object applies its stage. */
export interface StageTarget {
  /** The object, as messages name it (`Application argocd/stagecraft-qa`). */
  readonly subject: string;
  /** The object's name and namespace, as written (the namespace '' when it names none). */
  readonly name: string;
  readonly namespace: string;
  readonly stage: string;
  /** The cluster, as the object names it, in words (a server URL without credentials: `shownUrl`). */
  readonly cluster: string;
  readonly form: ClusterForm;
  /** What names the cluster in that form, as compared (a server URL as `normalAddress` writes it, without credentials); empty for Flux's own. */
  readonly id: string;
  /**
   * Every `id` it may have: a server URL read each way its credentials may end (`addresses`, of an
   * older file's `https://first.last:12/a/b@host:6443`), else `id` alone. Two targets of one form
   * that share one name one cluster.
   */
  readonly ids: readonly string[];
  /** Where it reads the stage from (undefined: a Kustomization whose GitRepository is not among the objects read). */
  readonly repository?: StageRepository;
  /**
   * An Application's server as written, which Argo CD finds its cluster by (`cluster` shows it as
   * one address, its host in lowercase, without a default port); none when it may hold credentials (an `@`, a query).
   */
  readonly server?: string;
  /** A Kustomization: the names of the Kustomizations it waits for (`dependsOn`); none for an Application. */
  readonly waitsFor?: readonly string[];
}

/** The repository a delivery object reads its stage from: the Application's `repoURL`; the GitRepository's `url` and `secretRef` of a Kustomization. */
export interface StageRepository {
  readonly url: string;
  /** Flux: the Secret in flux-system it clones the repository with. */
  readonly secret?: string;
}

/** A delivery object as far as its stage and cluster are concerned (lib/delivery/argocd.ts, flux.ts). */
interface DeliveryObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly source?: { readonly path?: string; readonly repoURL?: string };
    readonly sourceRef?: { readonly kind?: string; readonly name?: string; readonly namespace?: string };
    readonly url?: string;
    readonly secretRef?: { readonly name?: string };
    readonly destination?: { readonly server?: string; readonly name?: string };
    readonly path?: string;
    readonly kubeConfig?: { readonly secretRef?: { readonly name?: string } };
    readonly dependsOn?: readonly { readonly name?: unknown }[];
  };
}

/**
 * The GitRepositories among `objects` (what a Kustomization's `sourceRef` names), by
 * `<namespace>/<name>`, as the repository each clones.
 */
export function clonedRepositories(objects: readonly unknown[]): Map<string, StageRepository> {
  const found = new Map<string, StageRepository>();
  for (const o of objects) {
    const { kind, metadata, spec } = (o ?? {}) as DeliveryObject;
    if (kind !== 'GitRepository' || typeof spec?.url !== 'string') continue;
    const secret = spec.secretRef?.name;
    found.set(`${metadata?.namespace ?? ''}/${metadata?.name ?? ''}`, { url: spec.url, ...(typeof secret === 'string' ? { secret } : {}) });
  }
  return found;
}

/**
 * The stage a delivery object applies, the cluster it applies it to and the repository it reads it
 * from (a Kustomization's GitRepository found among `repositories`: `clonedRepositories`); undefined for
 * another object.
 */
export function targetOf(o: unknown, repositories: ReadonlyMap<string, StageRepository> = new Map()): StageTarget | undefined {
  const { kind, metadata, spec } = (o ?? {}) as DeliveryObject;
  const path = kind === 'Application' ? spec?.source?.path : kind === 'Kustomization' ? spec?.path : undefined;
  // dist/<stage> under the project's directory in the repository (a monorepo's infra/k8s/dist/qa)
  const stage = path === undefined ? undefined : /^(?:\.\/)?(?:.*\/)?dist\/([^/]+)$/.exec(path)?.[1];
  if (stage === undefined) return undefined;
  const [name, namespace] = [metadata?.name ?? '', metadata?.namespace ?? ''];
  const object = { subject: `${kind} ${namespace}/${name}`, name, namespace, stage };
  const destination = spec?.destination;
  const secret = spec?.kubeConfig?.secretRef?.name;
  if (kind === 'Application') {
    const url = spec?.source?.repoURL;
    const repository = typeof url === 'string' ? { repository: { url } } : {};
    if (destination?.server !== undefined)
      // the server as messages show it: a file as an older stagecraft or a hand wrote it may carry a user and password there
      return {
        ...object,
        cluster: shownUrl(destination.server),
        form: 'server',
        id: normalAddress(destination.server),
        ids: addresses(destination.server),
        ...(/[@?#]/.test(destination.server) ? {} : { server: destination.server }),
        ...repository,
      };
    const cluster = destination?.name ?? '';
    return { ...object, cluster: `the cluster Argo CD names ${cluster}`, form: 'name', id: cluster, ids: [cluster], ...repository };
  }
  // a sourceRef without a namespace is in the Kustomization's
  const source =
    spec?.sourceRef?.kind === 'GitRepository'
      ? `${spec.sourceRef.namespace ?? metadata?.namespace ?? ''}/${spec.sourceRef.name ?? ''}`
      : undefined;
  const found = source === undefined ? undefined : repositories.get(source);
  const dependsOn = Array.isArray(spec?.dependsOn) ? spec.dependsOn.map((d) => d?.name).filter((n) => typeof n === 'string') : [];
  const repository = { ...(found ? { repository: found } : {}), ...(dependsOn.length ? { waitsFor: dependsOn } : {}) };
  if (secret !== undefined)
    return {
      ...object,
      cluster: `the cluster of the kubeconfig in the Secret ${secret}`,
      form: 'kubeconfig',
      id: secret,
      ids: [secret],
      ...repository,
    };
  return { ...object, cluster: 'the cluster Flux runs in', form: 'own', id: '', ids: [''], ...repository };
}

/**
 * Where Argo CD applies `stage` to `cluster` of the project file, as `targetOf` reads the
 * Application lib/delivery/argocd.ts writes for it (its server, else its name).
 */
export const argoCdTarget = (stage: string, cluster: ClusterSpec): StageTarget | undefined =>
  targetOf({
    kind: 'Application',
    spec: { source: { path: `dist/${stage}` }, destination: cluster.server ? { server: cluster.server } : { name: cluster.name } },
  });

/** Whether the cluster `c` of the project file is what `t` names (its server, Argo CD name or kubeconfig Secret). */
function declares(c: ClusterSpec, t: StageTarget): boolean {
  if (t.form === 'server') return c.server !== undefined && sameAddresses(addresses(c.server), t.ids);
  if (t.form === 'name') return c.name === t.id;
  return t.form === 'kubeconfig' && c.kubeConfigSecret === t.id;
}

/**
 * Whether two targets name one cluster: `same` when written alike, or when one cluster of the
 * project file (`declared`) names both ways (`server:` or `name:` beside `kubeConfigSecret:`: a stage
 * moved to the other engine on it); `other` for two Argo CD names (Argo CD keeps one cluster per
 * server, under one name); else `maybe`: two server URLs (one API server answers at several:
 * `https://kubernetes.default.svc`, its service IP, its public address), a name and a server URL,
 * two kubeconfig Secrets (whose kubeconfigs may point at one server) or Flux's own cluster and a
 * kubeconfig Secret may name one cluster two ways, which nothing in dist/ tells. (Flux's own cluster
 * is declared by no setting, so a cluster without kubeConfigSecret is never taken as declaring it.)
 * @param declared the clusters of the project file as it is now (`delivery.clusters`)
 */
export function sameCluster(a: StageTarget, b: StageTarget, declared: readonly ClusterSpec[] = []): 'same' | 'other' | 'maybe' {
  if (a.form === b.form && sameAddresses(a.ids, b.ids)) return 'same';
  if (declared.some((c) => declares(c, a) && declares(c, b))) return 'same';
  return a.form === 'name' && b.form === 'name' ? 'other' : 'maybe';
}
