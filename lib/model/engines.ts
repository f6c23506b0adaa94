/** The GitOps engines that deliver a stage (lib/delivery/): here, so that lib/cli/reuse.ts reads them before the compiler loads. */
export const ENGINES = ['argocd', 'flux'] as const;
export type Engine = (typeof ENGINES)[number];

/** Each engine as messages and the files of dist/delivery/ name it to a reader; its id is what a stage file writes and dist/delivery/ names a folder after. */
const ENGINE_NAMES: Readonly<Record<Engine, string>> = { argocd: 'Argo CD', flux: 'Flux' };

/** `engine` as messages name it: `Argo CD`, `Flux`, never its id. */
export const engineName = (engine: Engine): string => ENGINE_NAMES[engine];

/**
 * How an engine delivers a stage, as far as the warnings about its output go: the engine and its
 * sync policy, resolved (lib/config/sync-policy.ts `resolvedSync`). `automated: false` is an Argo CD
 * Application synced by hand, or a Flux Kustomization written `suspend: true`, which nothing applies
 * until `flux resume` (lib/delivery/flux.ts).
 */
export interface DeliveredBy {
  readonly engine: Engine;
  /** The stage's Application or Kustomization, by name (lib/delivery/delivery-plan.ts `stageObjectName`). */
  readonly name: string;
  readonly automated: boolean;
  readonly prune: boolean;
}

/**
 * The command that applies a stage whose engine does not follow its commits (`automated: false`):
 * Argo CD's sync by hand; Flux's resume of the suspended Kustomization (`flux reconcile` refuses a
 * suspended one), each of the namespace the engine reads them from by default (argocd, flux-system).
 */
export function appliedByHand({ engine, name }: Pick<DeliveredBy, 'engine' | 'name'>): string {
  return engine === 'argocd' ? `argocd app sync ${name}` : `flux resume kustomization ${name}`;
}

/** What of a stage's sync policy decides when its engine applies the stage again (lib/config/sync-policy.ts `resolvedSync`). */
export interface EngineSync {
  readonly engine: Engine;
  /** Argo CD: an automated sync; Flux: a Kustomization not suspended. */
  readonly automated: boolean;
  /** Argo CD: whether an automated sync also follows what changed in the cluster; Flux always does (a stage cannot write otherwise). */
  readonly selfHeal: boolean;
}

/**
 * When the engine of a stage sets a workload's spec.replicas back after an autoscaler changed it, by
 * the stage's sync policy (`when`), and whether it does so again and again while a load lasts
 * (`fights`), or only at a sync a commit or a hand starts. Argo CD with selfHeal syncs back what
 * differs from the commit within seconds (its self-heal timeout, 5s); without it, an automated sync
 * starts only for a new commit while the stage differs, and it applies every object of the stage, the
 * scaled workload's spec.replicas too; synced by hand, only then. Flux's kustomize-controller applies
 * the whole stage at every interval and puts back what changed in the cluster, whatever the commit;
 * suspended, not until it is resumed. An Argo CD `ignoreDifferences` of /spec/replicas only hides the
 * difference (no selfHeal for it): a sync still applies the field unless the Application's syncOptions
 * hold `RespectIgnoreDifferences=true`, and stagecraft writes neither; Flux has nothing of the kind.
 */
export function replicasPutBack({ engine, automated, selfHeal }: EngineSync): { readonly when: string; readonly fights: boolean } {
  if (engine === 'flux')
    return automated
      ? { when: 'Flux at every interval of the stage, which puts back what changed in the cluster', fights: true }
      : { when: 'Flux once its suspended Kustomization is resumed, then at every interval of the stage', fights: true };
  if (!automated) return { when: 'Argo CD at every sync, which for this stage is by hand (no automated sync)', fights: false };
  return selfHeal
    ? { when: 'Argo CD within seconds of each scaling (selfHeal syncs back what differs from the commit), and at every sync', fights: true }
    : {
        when: 'Argo CD at every sync, which it starts at each new commit while the stage differs (selfHeal: false leaves a scaling alone until then)',
        fights: false,
      };
}
