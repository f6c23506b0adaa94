/**
 * What the checks are made of, as types: their options (`CheckOptions`), what a check sees besides
 * the objects (`CheckContext`), a check by its scope (`Check`), and the memo of earlier runs that the
 * render cache keeps (`CheckMemo`, `TracedResult`). The checks are listed in index.ts (`CHECKS`) and
 * run in the steps of check-run.ts; index.ts re-exports these types.
 */
import type { Engine, EngineSync } from '../model/engines.js';
import type { Problem } from '../errors.js';
import type { KubeObject } from '../model/object.js';
import type { RenderedStage } from '../synth/rendered.js';
import type { KeptObject, KeptResult, Trace } from '../model/kept-checks.js';
import type { CrdRegistry } from './crds.js';
import type { Finding, UsedException } from './finding.js';
import type { ObjectIndex, StandIn } from './object-index.js';
import type { PodSecurityLevel } from './pod-security.js';

export interface CheckOptions {
  /** Pod Security Standard every workload must meet. @default 'baseline' */
  readonly podSecurity?: PodSecurityLevel;
  /** Namespaces that exist before the objects are applied, besides the built-in ones. @default [] */
  readonly existingNamespaces?: readonly string[];
  /**
   * Stores and issuers the cluster has, made outside the objects (`ClusterSecretStore/vault`,
   * `Issuer/payments/ca`: lib/model/existing-objects.ts), which references may name. @default []
   */
  readonly existingObjects?: readonly string[];
  /**
   * CustomResourceDefinitions known besides those among the objects (a project's `crds/` folder,
   * `npm run check -- --crds <dir>`): their custom resources are validated, the CRDs are not checked.
   * @default []
   */
  readonly crds?: readonly KubeObject[];
  /**
   * What a custom resource whose CRD is not known is (`checkCustomResource`): `checkStage` makes it
   * an error, since what synth writes must pass validation with the CRDs it is applied with.
   * @default 'warning' (manifests checked on their own may be meant for a cluster that has the CRD)
   */
  readonly unknownCustomKinds?: Finding['severity'];
  /**
   * Objects stagecraft makes itself from validated settings (a stage's ExternalSecrets): without
   * their CRD they are not validated, which stays a warning whatever `unknownCustomKinds` says.
   * @default - none
   */
  readonly ownObjects?: ReadonlySet<KubeObject>;
  /**
   * Whether the objects are written to dist/ and applied (`checkStage`): a Secret then holds no
   * key at all, not even an empty one (`checkSecretValues`), and existing namespaces are declared in
   * the stage file (the `refs/namespace` hint; else with `npm run check -- --namespace-exists`).
   * @default false (manifests checked on their own may declare keys with empty values)
   */
  readonly written?: boolean;
  /**
   * Whether findings are sorted by object, field and message; false leaves them in the order the
   * checks made them, for a caller that orders them itself (`npm run check` orders by place in
   * the files: lib/checks/report.ts). @default true
   */
  readonly sort?: boolean;
  /**
   * The GitOps engine that applies the objects (the stage's `delivery:`), which decides what a Helm
   * hook among them does (`api/helm-hook`) and whether server-side apply refuses them (Flux:
   * `api/env-repeat`). @default - kubectl apply
   */
  readonly engine?: Engine;
  /** The engine's sync policy, resolved: when it sets spec.replicas back (`refs/autoscaled-replicas`). @default - automated, with selfHeal */
  readonly sync?: Omit<EngineSync, 'engine'>;
}

/** What a check sees besides the objects. */
export interface CheckContext {
  readonly options: CheckOptions;
  /** The CRDs among the objects and the options': custom resources are validated against them. */
  readonly registry: CrdRegistry;
}

/** A check, by what it looks at. */
export type Check =
  /** A whole rendered stage; its problems are bad input (the stage asks for what cannot work). */
  | { readonly name: string; readonly scope: 'stage'; readonly run: (r: RenderedStage) => Problem[] }
  /** One object at a time. */
  | {
      readonly name: string;
      readonly scope: 'object';
      readonly run: (o: KubeObject, c: CheckContext) => { findings: Finding[]; exceptions?: UsedException[] };
    }
  /** Every object of a stage (or of the manifests checked) at once. */
  | { readonly name: string; readonly scope: 'objects'; readonly run: (objects: readonly KubeObject[], c: CheckContext) => Finding[] }
  /**
   * One object at a time against the others, looked up in the index of them all (with the Secrets
   * the Namespaces require): what it found on an object can be kept with the lookups it made, and
   * is reused while they find the same (`CheckMemo.references`).
   */
  | { readonly name: string; readonly scope: 'traced'; readonly run: (o: KubeObject, index: ObjectIndex, c: CheckContext) => Finding[] };

export type ObjectCheck = Extract<Check, { scope: 'object' }>;
export type ObjectsCheck = Extract<Check, { scope: 'objects' }>;
export type TracedCheck = Extract<Check, { scope: 'traced' }>;

/** What the traced checks found on an object (as reported), and the lookups they made. */
export interface TracedResult {
  readonly traces: readonly Trace[];
  readonly findings: KeptResult['findings'];
}

/**
 * What the per-object checks found on objects in an earlier run, kept with the render cache's
 * entry of their app (`keepApps`, lib/synth/rendered.ts): an object of a cached app is the very object that was
 * checked, so its per-object results are the same; the checks across objects always run.
 */
export interface CheckMemo {
  /**
   * What the per-object checks (`OBJECT_CHECKS`) found on `o`, or undefined to run them. `crds`: for a
   * custom resource, what they read of the CRDs (`CheckList.crdContext`): what was kept for other CRDs
   * (or for a built-in object) is not given; for a built-in object, undefined.
   */
  get(o: KubeObject, crds?: string): KeptObject | undefined;
  /** What they found on an object `get` had nothing for, to keep, with what they read of the CRDs (`get`). */
  set(o: KubeObject, results: KeptObject, crds?: string): void;
  /**
   * What the traced checks found on `o` in an earlier run for the options in `context`, and the
   * lookups they made then: those of all the objects of its app, the same array for each (checked
   * once). Undefined when nothing was kept for those options.
   */
  references?(o: KubeObject, context: string): TracedResult | undefined;
  /** What the traced checks found on `o` and looked up, to keep for the options in `context`. */
  keepReferences?(o: KubeObject, context: string, kept: TracedResult): void;
  /** The identity of an object's content (the digest of its document): lookups are traced only with it. */
  readonly identity?: (o: KubeObject) => string;
  /**
   * What `o` stands in for, when it is a stand-in for an object of a cached app (named, not read):
   * every check result of a stand-in is kept, and a check that must look at it reads the object.
   */
  readonly standIn?: (o: KubeObject) => StandIn | undefined;
}

/**
 * The checks of a run over a set of objects (`CheckRun`), and what they read besides the objects.
 * index.ts gives its `CHECKS` this way, once (`checkPlan`).
 */
export interface CheckList {
  /** The screen for secrets every object goes through, API object or not (a kubeconfig may hold a token), before the others. */
  readonly screen: ObjectCheck;
  /** The checks in the order they run; those of scope 'stage' look at a rendered stage, not here (`checkStage`). */
  readonly checks: readonly Check[];
  /** What the traced checks read besides the objects: what they found is kept for this only. */
  readonly tracedContext: (c: CheckContext) => string;
  /**
   * For a custom resource, what the per-object checks read of the CRDs around it, as text: the
   * identities (`identity`) of the CRDs that define its kind, and what an unknown kind is; what they
   * found is kept for this only. Undefined for a built-in object.
   */
  readonly crdContext: (o: KubeObject, c: CheckContext, identity: (o: KubeObject) => string) => string | undefined;
}
