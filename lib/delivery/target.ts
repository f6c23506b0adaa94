/**
 * The cluster each stage's Application or Kustomization applies it to, as `dist/delivery/` writes
 * it: a synthesis compares it with the one it replaces, since neither engine deletes what it applied
 * from a cluster it no longer targets (lib/cli/delivery-left.ts says so). Pure.
 */

/** Where a delivery object applies its stage. */
export interface StageTarget {
  /** The object, as messages name it (`Application argocd/stagecraft-qa`). */
  readonly subject: string;
  readonly stage: string;
  /** The cluster, as the object names it, in words. */
  readonly cluster: string;
}

/** A delivery object as far as its stage and cluster are concerned (lib/delivery/argocd.ts, flux.ts). */
interface DeliveryObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly source?: { readonly path?: string };
    readonly destination?: { readonly server?: string; readonly name?: string };
    readonly path?: string;
    readonly kubeConfig?: { readonly secretRef?: { readonly name?: string } };
  };
}

/** The stage a delivery object applies and the cluster it applies it to; undefined for another object. */
export function targetOf(o: unknown): StageTarget | undefined {
  const { kind, metadata, spec } = (o ?? {}) as DeliveryObject;
  const path = kind === 'Application' ? spec?.source?.path : kind === 'Kustomization' ? spec?.path : undefined;
  const stage = path === undefined ? undefined : /^(?:\.\/)?dist\/([^/]+)$/.exec(path)?.[1];
  if (stage === undefined) return undefined;
  const destination = spec?.destination;
  const secret = spec?.kubeConfig?.secretRef?.name;
  const cluster =
    kind === 'Application'
      ? (destination?.server ?? `the cluster Argo CD names ${destination?.name ?? ''}`)
      : secret !== undefined
        ? `the cluster of the kubeconfig in the Secret ${secret}`
        : 'the cluster Flux runs in';
  return { subject: `${kind} ${metadata?.namespace ?? ''}/${metadata?.name ?? ''}`, stage, cluster };
}
