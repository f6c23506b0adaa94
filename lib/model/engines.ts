/** The GitOps engines that deliver a stage (lib/delivery/): here, so that lib/cli/reuse.ts reads them before the compiler loads. */
export const ENGINES = ['argocd', 'flux'] as const;
export type Engine = (typeof ENGINES)[number];
