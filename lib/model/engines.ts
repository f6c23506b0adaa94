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
