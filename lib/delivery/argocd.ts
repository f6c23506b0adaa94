/**
 * Argo CD: one AppProject that confines the project's Applications to its repositories, the
 * stages' namespaces on their clusters and the kinds the stages have, and one Application per
 * stage that applies `dist/<stage>` with the declared sync policy. Pure.
 *
 * One Application per stage rather than an ApplicationSet: each stage's destination and sync
 * policy differ, and plain Applications are objects that the checks validate, `git diff` shows
 * and `npm run diff` compares field by field, where a generator's template would hide them.
 */
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { stageObjectName, type DeliveryPlan } from './delivery-plan.js';
import type { GroupKind } from './stage.js';

/** Where Argo CD looks for its Applications and AppProjects. */
export const ARGOCD_NAMESPACE = 'argocd';
const API_VERSION = 'argoproj.io/v1alpha1';

/**
 * How often, and how soon, Argo CD tries a failed automated sync again. Without `retry` it never
 * does for the same commit (Flux tries again at every interval): a sync that failed on something
 * passing (a webhook not yet answering, a CRD or Namespace being created, an API server restarting)
 * left the stage unsynced until the next commit or someone's `argocd app sync`. Five tries, after
 * waits of 5, 10, 20, 40 and 80 s (about 2.5 minutes in all; `maxDuration` caps each wait at 3 minutes,
 * which none reaches), outlast such a moment without hiding a sync that cannot succeed.
 */
const RETRY = { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } };

type Destination = { server?: string; name?: string; namespace: string };

const destination = (p: DeliveryPlan, namespace: string): Destination =>
  p.cluster.server ? { server: p.cluster.server, namespace } : { name: p.cluster.name, namespace };

function unique<T>(items: readonly T[]): T[] {
  const seen = new Map(items.map((i) => [JSON.stringify(i), i]));
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, i]) => i);
}

export function appProject(plans: readonly DeliveryPlan[], labels: Record<string, string>): IAppProject {
  const kinds = (pick: (p: DeliveryPlan) => readonly GroupKind[]) =>
    unique(plans.flatMap((p) => pick(p).map((k) => ({ group: k.group, kind: k.kind }))));
  return {
    apiVersion: API_VERSION,
    kind: 'AppProject',
    metadata: { name: plans[0].project, namespace: ARGOCD_NAMESPACE, labels },
    spec: {
      description: 'Stages compiled by stagecraft: each Application applies dist/<stage> of the repository',
      sourceRepos: unique(plans.map((p) => p.repository.url)),
      destinations: unique(plans.flatMap((p) => p.namespaces.map((ns) => destination(p, ns)))),
      clusterResourceWhitelist: kinds((p) => p.kinds.cluster),
      namespaceResourceWhitelist: kinds((p) => p.kinds.namespaced),
    },
  };
}

export function application(p: DeliveryPlan, labels: Record<string, string>): IApplication {
  return {
    apiVersion: API_VERSION,
    kind: 'Application',
    metadata: { name: stageObjectName(p.project, p.stage), namespace: ARGOCD_NAMESPACE, labels },
    spec: {
      project: p.project,
      source: { repoURL: p.repository.url, targetRevision: p.repository.revision, path: p.path },
      destination: destination(p, p.namespace),
      syncPolicy: p.sync.automated ? { automated: { prune: p.sync.prune, selfHeal: p.sync.selfHeal }, retry: RETRY } : {},
    },
  };
}
