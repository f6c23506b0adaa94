/**
 * Flux: a GitRepository per repository and revision the stages follow, and one Kustomization per
 * stage that applies `./dist/<stage>`, prunes, waits for its objects to be ready, waits for the
 * stage before it in the promotion order (`dependsOn`), and leaves the stage's objects in place when
 * it is itself deleted. Pure.
 */
import type { IKustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import type { IGitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import { stageObjectName, type DeliveryPlan } from './delivery-plan.js';

/** Where Flux's controllers look for their objects. */
export const FLUX_NAMESPACE = 'flux-system';
/** How often Flux looks for new commits, and applies the stage again to undo drift. */
const SOURCE_INTERVAL = '1m';
const APPLY_INTERVAL = '10m';
/**
 * How soon Flux tries a failed stage again (an apply refused, objects not ready within the timeout).
 * Flux's default is the interval: a stage that failed on something passing (a webhook not yet
 * answering, a CRD being created, a slow rollout past its timeout) stayed failed for 10 minutes, and
 * the stages that depend on it waited as long. Argo CD tries a failed sync again after seconds (argocd.ts).
 */
const RETRY_INTERVAL = '2m';
/**
 * How long applying a stage and waiting for its objects to become ready (`wait: true`) may take
 * before the Kustomization is marked failed, when the stage's `sync.timeout` says nothing. Flux's own
 * default is the interval; past it the stage is not ready, the stages that depend on it wait, and
 * Flux tries again after its retry interval. A stage whose rollout or migration Job takes longer sets more.
 */
const READY_TIMEOUT = '5m';
/**
 * What Flux does with a stage's objects when its Kustomization is deleted: the delivery apply command
 * prunes the Kustomization of a stage Flux no longer delivers (removed, moved to Argo CD, delivered no
 * more). Flux's default (MirrorPrune, with `prune: true`) would delete every object of the stage, its
 * Namespace and claims too, even while Argo CD or kubectl takes it over; Orphan leaves them, as Argo CD
 * leaves those of a deleted Application, and synth's removal line gives the command that deletes them.
 * (`spec.deletionPolicy` since Flux 2.3; the typed model predates it.)
 */
export const DELETION_POLICY = 'Orphan';

/** A Kustomization with the field its typed model lacks. */
type FluxKustomization = IKustomization & { spec: { deletionPolicy: typeof DELETION_POLICY } };

/** The plans' GitRepositories: each name with the repository it follows, by name (one per repository and revision). */
function sources(plans: readonly DeliveryPlan[]): Map<string, DeliveryPlan['repository']> {
  const named = new Map<string, DeliveryPlan['repository']>();
  for (const p of plans) named.set(p.source!, p.repository);
  return new Map([...named].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A 40-hex commit, in capitals too (as Git and Argo CD read one, copied from a UI). */
const COMMIT = /^[0-9a-f]{40}$/i;

/**
 * The revision as Flux follows it: a 40-hex commit as Git writes it (in small letters), so that one
 * commit written in capitals and in small letters is one revision, followed by one GitRepository
 * of one name (the plan names it from this); anything else as written.
 */
export const fluxRevision = (revision: string): string => (COMMIT.test(revision) ? revision.toLowerCase() : revision);

/**
 * Flux's `spec.ref` for a revision: a full ref (`refs/tags/v1.2.3`) by name, a 40-hex commit as
 * the commit (`fluxRevision`), anything else as a branch (the plan refuses a bare revision that reads as a tag).
 */
export function fluxRef(revision: string): NonNullable<IGitRepository['spec']>['ref'] {
  if (revision.startsWith('refs/')) return { name: revision };
  return COMMIT.test(revision) ? { commit: fluxRevision(revision) } : { branch: revision };
}

export function gitRepositories(plans: readonly DeliveryPlan[], labels: Record<string, string>): IGitRepository[] {
  return [...sources(plans)].map(([name, { url, revision, secret }]) => ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name, namespace: FLUX_NAMESPACE, labels },
    spec: { interval: SOURCE_INTERVAL, url, ref: fluxRef(revision), ...(secret !== undefined ? { secretRef: { name: secret } } : {}) },
  }));
}

export function kustomization(p: DeliveryPlan, labels: Record<string, string>): FluxKustomization {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: stageObjectName(p.project, p.stage), namespace: FLUX_NAMESPACE, labels },
    spec: {
      interval: APPLY_INTERVAL,
      retryInterval: RETRY_INTERVAL,
      path: `./${p.path}`,
      prune: p.sync.prune,
      deletionPolicy: DELETION_POLICY,
      wait: true,
      timeout: p.sync.timeout ?? READY_TIMEOUT,
      sourceRef: { kind: 'GitRepository', name: p.source! },
      ...(p.after !== undefined ? { dependsOn: [{ name: stageObjectName(p.project, p.after) }] } : {}),
      ...(p.cluster.kubeConfigSecret ? { kubeConfig: { secretRef: { name: p.cluster.kubeConfigSecret } } } : {}),
      // Flux has no manual sync: a stage that must not follow every commit is suspended until `flux resume`
      ...(p.sync.automated ? {} : { suspend: true }),
    },
  };
}
