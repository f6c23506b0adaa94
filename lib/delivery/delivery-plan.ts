/**
 * What the engine needs to know of one stage (lib/delivery/plan.ts makes it; argocd.ts, flux.ts and
 * conflicts.ts read it): a module of its own, so that what reads it never imports the planner. Pure.
 */
import type { ClusterSpec, Engine } from '../config/delivery.js';
import type { StageKinds } from './stage.js';

/**
 * The label that every delivery object carries, with the project's name (`project:` of the
 * project file): what the apply command's `--prune -l` selects by. Only delivery objects carry it
 * (a stage's objects carry `stagecraft.dev/stage`), so the prune never reaches a stage's own
 * objects, even an Application that a stage holds in the engine's namespace.
 */
export const DELIVERY_LABEL = 'stagecraft.dev/delivery';

/** The Argo CD AppProject and Flux GitRepository name when the project file names none. */
export const DEFAULT_PROJECT = 'stagecraft';

/** The name of a stage's Argo CD Application and Flux Kustomization: `<project>-<stage>`. */
export const stageObjectName = (project: string, stage: string): string => `${project}-${stage}`;

/** A stage's directory in the repository, `dist/<stage>` under the project's directory there (`projectPath`, none: its top). */
export const stagePath = (projectPath: string | undefined, stage: string): string =>
  `${projectPath === undefined ? '' : `${projectPath}/`}dist/${stage}`;

/**
 * What Git says of the checkout the project is in (lib/cli/delivery-checkout.ts), each asked only when a
 * delivered stage is planned (it starts git); undefined where no Git says (not in a work tree, no git).
 */
export interface ProjectCheckout {
  /** The project's directory in its work tree, as `git rev-parse --show-prefix` says it without its last `/` (`infra/k8s`; `''` at its top). */
  readonly prefix: () => string | undefined;
  /**
   * What its repository's remotes (the URLs each fetches from and pushes to) say of the repository at `hostPath` (a URL's
   * `repositoryHostPath`): `remoteReading` of them, asked by the one repository it names, so that what the plan read of
   * the remotes, and no more, is what holds it (a remote added beside changes nothing); with `only: 'naming'`, only the
   * remote that names it (`others` left out: a remote added beside another repository changes nothing either).
   */
  readonly remotesOf: (hostPath: string, only?: 'naming') => RemoteReading | undefined;
  /**
   * Whether one of the refs `wanted` (`refs/heads/main`, `refs/tags/v1`: lib/delivery/checkout.ts `followedRefs`) is one of
   * the checkout's branches or tags, or a branch of its remote `remote` as last fetched, and the branch its HEAD is on.
   * Undefined where the checkout has no such list at hand: a shallow clone (CI's), a detached HEAD, no Git. @default - never known
   */
  readonly revisionOf?: (remote: string, wanted: readonly string[]) => RevisionReading | undefined;
  /**
   * Why Git could not say where the project is, once `prefix()` said nothing, when that is not because the project
   * lies in no work tree (git not installed, stopped after no answer in time, refusing a repository another user owns):
   * `why` it was not asked, and the `fix` that has it asked again. @default - never: a Git that says nothing is no Git
   */
  readonly unanswered?: () => { readonly why: string; readonly fix: string } | undefined;
}

/** What a checkout's remotes say of one repository (`ProjectCheckout.remotesOf`). */
export interface RemoteReading {
  /** The first remote (by name) one of whose URLs names it. @default - none does */
  readonly naming?: string;
  /**
   * The names of every remote, when none names it and each URL names a host: it is another repository than the
   * checkout's. @default - one names it, there is no remote, or one is a local path (maybe a clone of it): nothing tells
   */
  readonly others?: readonly string[];
}

/** Whether a checkout has a revision (`ProjectCheckout.revisionOf`). */
export interface RevisionReading {
  readonly found: boolean;
  /** The branch the checkout's HEAD is on, when the revision is not found. @default - found */
  readonly head?: string;
}

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
  /**
   * The stage's directory in the repository, which the engine applies: `dist/<stage>` under the project's
   * directory there (the project file's `delivery.repository.path`: `infra/k8s/dist/qa`).
   */
  readonly path: string;
  /** Flux: the name of the GitRepository that follows `repository` (lib/delivery/source-name.ts). @default - none (Argo CD) */
  readonly source?: string;
  /** The sync policy; `timeout`, Flux's Kustomization timeout. @default - timeout: the engine's (lib/delivery/flux.ts) */
  readonly sync: { readonly automated: boolean; readonly prune: boolean; readonly selfHeal: boolean; readonly timeout?: string };
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
