/**
 * A stack: one application (or add-on) that stages can deploy, as one chart.
 *
 * A stack owns the schema of its settings under `apps.<name>` in stage files, a refine step for
 * the cross-field rules a schema cannot say, and the chart it adds to a stage's App. Stacks are
 * registered once, in `apps/index.ts`.
 */
import type { ApiObject, App, Chart } from 'cdk8s';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Architecture, NodeRole, StageImages } from './config/stage-schema.js';
import type { PathProblem, Problem } from './errors.js';
import type { FieldPath } from './model/field-path.js';
import type { KubeObject } from './model/object.js';
import type { ReleaseSettings } from './release.js';
import { INSTANCE_LABEL, instanceLabel } from './model/labels.js';

/** What every stack knows about the stage it is deployed to. */
export interface StageContext {
  /** The stage name: the environment file's name without `.yaml`. */
  readonly name: string;
  /** The namespace the stage's namespaced objects go to. */
  readonly namespace: string;
  /** CPU architecture of the stage's nodes. */
  readonly architecture: Architecture;
  /** Value of `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /** The cluster's nodes, by host name, sorted (empty when the stage file names none). */
  readonly nodes: readonly StageNode[];
  /** The stage's additions to the image table (empty when the stage file has no `images:`). */
  readonly images: StageImages;
  /**
   * The text of the repository files the stage's apps include (see `Stack.sources`), by path
   * relative to the project root with `/`. The CLI reads them before rendering, so that stacks
   * stay pure.
   * @default - no files
   */
  readonly files?: ReadonlyMap<string, string>;
  /**
   * `group/kind` of the custom kinds at cluster scope, sorted: those whose CustomResourceDefinition,
   * in the project's `crds/` or in the files the stage's apps include, says `scope: Cluster`. The
   * namespace transform treats them like the built-in cluster-scoped kinds.
   * @default - none
   */
  readonly clusterScopedKinds?: readonly string[];
}

/** One app a stage deploys: an instance of a stack, with its settings. */
export interface AppInstance {
  /** The key under `apps:`; names the chart, its output file and the stack's main objects. */
  readonly name: string;
  /** The stack it is an instance of. */
  readonly stack: string;
  /** Its settings, valid for the stack (without the `stack:` key). */
  readonly settings: unknown;
}

/** An object an instance names (`Stack.objectNames`): its kind, its name, and the setting that may name it instead. */
export interface ObjectName {
  readonly kind: string;
  readonly name: string;
  /**
   * The setting that names the object instead of the instance's name, relative to the app's
   * settings (`['database', 'names', 'backup']`).
   * @default - no setting names it
   */
  readonly setting?: readonly (string | number)[];
  /** Whether `setting` gave `name` (else it is made from the instance's name). @default false */
  readonly given?: boolean;
  /**
   * The setting that says where the object's data lives (a PersistentVolume's `hostPath`), relative
   * to the app's settings: what keeps the data of a renamed app (lib/output-changes.ts).
   * @default - no setting says it
   */
  readonly data?: readonly (string | number)[];
}

/** A file or folder of the repository that an app includes, and the setting that names it. */
export interface SourceReference {
  /** Relative to the project root, with `/`: a file, or a folder (its .yaml, .yml and .json files, recursively). */
  readonly path: string;
  /** Path of the setting relative to the app's settings, e.g. `['include', 0]`, for messages. */
  readonly at: readonly (string | number)[];
}

export interface StageNode {
  readonly name: string;
  /** @default ['worker'] */
  readonly roles: readonly NodeRole[];
  readonly address?: string;
}

/**
 * A problem found by a refine step, at a path of keys relative to the app's settings. The message
 * continues the setting's full name: `needs service.type 'NodePort'` is shown as
 * `apps.nginx.service.nodePort needs service.type 'NodePort'`. One with `severity: 'warning'`
 * stops nothing: the stage loads, and the warning is shown at its place (`LoadedStage.warnings`).
 */
export type SettingsProblem = PathProblem;

export interface Stack<S extends TSchema = TSchema> {
  /** The key under `apps:` in stage files, the chart's id and the name of its output file. */
  readonly name: string;
  /** Schema of the settings; its TypeScript type is the type of `settings` below. */
  readonly settings: S;
  /** The release the stack's objects belong to, written as `app.kubernetes.io/version`. */
  version(settings: Static<S>): string;
  /**
   * Where the release lives in the settings: what `npm run promote` copies from stage to stage.
   * @default - the stack has no release to promote
   */
  readonly release?: ReleaseSettings;
  /**
   * Whether the stack's workloads are a team's own manifests, applied over pods that may run
   * already: their pod templates get no standard labels (the workloads themselves do) and no
   * `kubernetes.io/arch` node selector. A template that changes replaces every pod at the first
   * apply (and a label, at each `version` change), and a Job's cannot change at all, so the apply
   * over a Job the cluster has fails; nothing selects these pods by stagecraft's labels (prune
   * deletes their workload), and they ran without the selector before.
   * @default false
   */
  readonly podTemplatesAsWritten?: boolean;
  /**
   * Rules across settings that the schema cannot express; paths are relative to `apps.<name>`, and
   * `name` is the app's (what the stack names its objects and containers after). `apps` are the
   * stage's apps, this one among them, each with settings valid for its stack: for a rule about
   * another app's objects (the registry proxy's port is the registry's).
   * @default - no extra rules
   */
  refine?(settings: Static<S>, stage: StageContext, name: string, apps: readonly AppInstance[]): SettingsProblem[];
  /**
   * The objects the instance names after its own name with something added (`<name>-mysql-backup`,
   * `kube-<name>`), or after a setting. The loader bounds the instance's name by them (lib/config/names.ts):
   * one that would make a name longer than its kind allows (52 characters for a CronJob, 63 for a
   * Service) is refused at the app's key, with the longest name the app may have; a name a setting
   * gives, at that setting; an object another app makes too is reported at that setting, when it
   * gave the name (lib/stage-references.ts). Called with valid settings only. Pure.
   * @default - none: the objects are named as the instance is, which its instance label bounds already
   */
  objectNames?(name: string, settings: Static<S>, stage: string): readonly ObjectName[];
  /**
   * Repository files the instance reads (existing manifests): the CLI reads them and passes their
   * text in `StageContext.files`; a path that names no file is reported at its setting.
   * @default - the stack reads no file
   */
  sources?(settings: Static<S>): readonly SourceReference[];
  /**
   * Adds the chart of one instance of the stack to the stage's App. `name` is the instance's key
   * under `apps:` (the stack's own name unless the stage deploys it again under another name):
   * the chart's id, and the name of the stack's main objects. Pure: no files, no environment, no clock.
   * What it takes but warns of (a value of an included file it writes otherwise) it adds to the
   * chart (`addChartWarning`): the stage shows it, and the render cache keeps it with the app.
   */
  chart(app: App, name: string, settings: Static<S>, stage: StageContext): Chart;
  /**
   * The Secrets the instance's objects reference, with the keys they read: the stack never writes
   * their values (`npm run secrets -- <stage>` prints them from local files or the environment).
   * @default - the stack references no Secret
   */
  secrets?(name: string, settings: Static<S>, stage: StageContext): SecretDeclaration[];
  /**
   * The setting that wrote a field of one of the instance's objects (`object`, as rendered; `path`
   * from its root), relative to the app's settings: a problem the checks find at that field that
   * the stage file can fix (a ConfigMap or ServiceAccount the stage lacks) is placed at the setting
   * (lib/stage-references.ts); `key` places it at that key of the mapping at `path`. Pure.
   * @default - none: problems stay at the object
   */
  settingOf?(settings: Static<S>, object: KubeObject, path: FieldPath): SettingPlace | undefined;
  /**
   * The setting that wrote a container of the instance's workloads other than its app container (the
   * service stack's `sidecars[i]` and `initContainers[i]`, or one of their settings), told from the
   * path of a finding on it (`path` from the object's root) and never from the object's fields: the
   * finding is said there, where its fix goes (a sidecar without probes at its entry), not at the
   * app's key (lib/app-findings.ts `atApps`). Pure.
   * @default - none: findings on the instance's objects are said at the app's key
   */
  containerSetting?(settings: Static<S>, path: FieldPath): SettingPlace | undefined;
  /**
   * Where the stage file declares an exception to the policy for the instance's workloads, relative
   * to its settings (the service and cron stacks' `['security', 'exceptions']`, a mapping of control
   * to reason, which the stack writes as `policy.stagecraft.dev/<control>` on the workload): a policy
   * finding on one of its objects hints at that setting (lib/app-findings.ts), not at the
   * annotation, which the stage file cannot write.
   * @default - none: the hint names the annotation on the object
   */
  readonly policyExceptions?: FieldPath;
  /**
   * Files the stack puts on nodes beside its chart: static Pod manifests for a kubelet's
   * `--pod-manifest-path`, a kubeconfig. They are written to `dist/<stage>/nodes/<node>/`, never
   * applied with kubectl. Build static Pods as ApiObjects in `scope` (a chart that is not rendered
   * as a chart file). Pure, like `chart`.
   * @default - no node files
   */
  nodeFiles?(scope: Chart, name: string, settings: Static<S>, stage: StageContext): NodeFile[];
}

/** Where a setting is, relative to an app's settings: the value at `path`, or the key `key` of the mapping there. */
export interface SettingPlace {
  readonly path: FieldPath;
  readonly key?: string;
}

/** A Secret that a stage needs but does not hold: its name, its keys, and where the stage file declares it. */
export interface SecretDeclaration {
  /** `metadata.name` of the Secret. */
  readonly name: string;
  /** The keys the objects read from it. */
  readonly keys: readonly string[];
  /** Path of the declaration relative to the app's settings, e.g. `['database', 'secret']`. */
  readonly path: readonly (string | number)[];
  /**
   * The Secret is made outside stagecraft (a TLS certificate from `kubectl create secret tls` or
   * cert-manager): references to it are checked, but `npm run secrets` does not print it.
   * @default false
   */
  readonly external?: boolean;
}

/** A file for one node's directory. */
export interface NodeFile {
  /** Host name of the node: one of the stage's `nodes:`. */
  readonly node: string;
  /** File name in the node's directory, e.g. `etcd.yaml`. */
  readonly file: string;
  /**
   * A static Pod, as an ApiObject in the scope given to `nodeFiles` (labelled like the chart's
   * objects, and checked against what the kubelet accepts in static pods), or a document that is
   * not an API object, such as a kubeconfig (written as it is).
   */
  readonly content: ApiObject | NodeDocument;
}

/** A YAML document for a node that is not a Kubernetes API object (e.g. `kind: Config`). */
export interface NodeDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** The type of the construct metadata that holds a chart's warnings (`addChartWarning`). */
const CHART_WARNING = 'stagecraft:warning';

/** Adds a warning to `chart`, said with the stage's warnings; `problem` has its place (an included file's line). */
export function addChartWarning(chart: Chart, problem: Problem): void {
  chart.node.addMetadata(CHART_WARNING, { ...problem, severity: 'warning' });
}

/** The warnings added to `chart` (`addChartWarning`), in the order they were added. */
export function chartWarnings(chart: Chart): Problem[] {
  return chart.node.metadata.flatMap((m) => (m.type === CHART_WARNING ? [m.data as Problem] : []));
}

/**
 * Declares a stack, inferring its settings type from its schema: its `release` paths must name
 * settings of that type (`['imag']` does not compile; test/apps/release-paths.test.ts checks the
 * schemas at run time too).
 */
export function defineStack<S extends TSchema>(stack: Stack<S> & { readonly release?: ReleaseSettings<Static<S>> }): Stack<S> {
  return stack;
}

/**
 * The labels that select the pods of app `name` of `stage` and no other's, for a stack's workloads,
 * Services, disruption budgets and spread constraints: its instance label,
 * `app.kubernetes.io/instance: <name>-<stage>`, unique in the cluster, which the labels transform
 * writes on every pod template of the app too. A label of the app's name alone (`{ name }`) is any
 * app's: a `manifests` app's pods labelled `name: web` would be selected too (their pods behind the
 * Service, two Deployments counting each other's pods). (The app of that name of another stage in the
 * same namespace is no other app: its objects are these, of the same names, which each stage's apply
 * replaces; a selector cannot keep them apart.)
 *
 * `component` names one of several workloads of the app (`worker` beside `web`, a CronJob's
 * `purge`): the instance label, which the labels transform writes on every pod template of the app,
 * would select them all, so that a Deployment counted the other workloads' pods and its Service sent
 * them traffic; `app.kubernetes.io/component: <component>` keeps each to its own pods (which the
 * workload's template must carry: `AppDeployment` writes its selector there).
 * @default component - none: the app's every pod (an app of one workload)
 */
export function appSelector(name: string, stage: Pick<StageContext, 'name'>, component?: string): Record<string, string> {
  return { [INSTANCE_LABEL]: instanceLabel(name, stage.name), ...(component === undefined ? {} : { [COMPONENT_LABEL]: component }) };
}

/** The recommended label of a part of an app (Kubernetes' `app.kubernetes.io/component`), which `appSelector` adds for one of its workloads. */
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** The release of an image (lib/model/image.ts), where stacks find it. */
export { imageVersion } from './model/image.js';
