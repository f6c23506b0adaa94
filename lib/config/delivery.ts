/**
 * The settings of delivery by a GitOps engine: where each stage is delivered (engine, cluster,
 * Git repository, sync policy) and where its Secrets come from. A stage file says it under
 * `delivery:` and `secretStore:`; the project file (`stagecraft.yaml`) holds the defaults every
 * stage shares and the clusters, so that a cluster's address is written once. What a repository URL may
 * not carry is repository-credentials.ts's, the forms an engine would misread repository-url.ts's.
 */
import { DnsLabel, QUALIFIED_KEY_PATTERN, Settings, StringEnum, Type, type Static, Mapping } from '../config/types.js';
import { ENGINES, type Engine } from '../model/engines.js';

export { ENGINES, type Engine };

/**
 * A repository URL: its scheme in small letters, as Git reads one (`HTTPS://` names no transport Git
 * has: `git-remote-HTTPS`) and Flux's GitRepository pattern takes, which the message says, since to a
 * reader an `HTTPS://` URL is an HTTPS one.
 */
const Url = (description: string) =>
  Type.String({
    minLength: 1,
    pattern: '^(https?|ssh|git)://\\S+$|^[\\w.-]+@[\\w.-]+:\\S+$',
    expected: 'a Git or HTTPS URL (https://, http://, ssh:// or git://, in small letters as Git reads them, or user@host:path)',
    description,
  });

/** A Go duration, as Flux and the External Secrets Operator read one (`15m`, `1h30m`). */
const DURATION = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';

const Sync = Settings(
  {
    automated: Type.Optional(Type.Boolean({ description: 'Apply every new commit without a person asking for it. @default true' })),
    prune: Type.Optional(Type.Boolean({ description: 'Delete objects that the stage no longer has. @default true' })),
    selfHeal: Type.Optional(
      Type.Boolean({
        description:
          'Put back what someone changed by hand in the cluster (Argo CD selfHeal). Flux always does: false is refused for a stage Flux applies automatically. @default true',
      }),
    ),
    timeout: Type.Optional(
      Type.String({
        pattern: DURATION,
        expected: 'a duration such as 15m or 1h30m',
        description:
          'Flux: how long applying the stage and waiting for its objects to become ready may take (the Kustomization\'s timeout); past it the stage is marked failed, is tried again after a retry interval, and the stages that depend on it wait. A stage whose rollout or database migration Job takes longer needs more; 30s at least (Flux takes a shorter one as 30s: said; 0s, which is no "no limit" to Flux, is refused). Argo CD waits for health without a limit of its own and reads none here (a stage it delivers that writes one is warned, delivery/sync). @default 5m',
      }),
    ),
  },
  { description: 'How the engine applies the stage.' },
);

const Repository = Settings(
  {
    url: Type.Optional(Url("The Git repository the engine reads dist/ from. @default - the project file's")),
    revision: Type.Optional(
      Type.String({
        minLength: 1,
        // (a range's operators, blanks and wildcards too: which engine reads which is repository-url.ts's to say)
        pattern: '^[\\w./ *<>=~^,|+!-]+$',
        description:
          'What the engine follows: a branch (main), a full ref (refs/tags/v1.2.3, refs/heads/main) or a 40-hex commit; by Argo CD, a range of version tags too (1.2.*, >=1.2.0 <1.3.0), of which it applies the highest. @default main',
      }),
    ),
    secret: Type.Optional(
      DnsLabel({
        description:
          "Flux: the Secret in flux-system holding the credentials to clone a private repository (the GitRepository's secretRef: username and password for https://, identity and known_hosts for ssh://). It goes with the URL: a stage that names another url than the project file's names its own secret (one that names the project file's url, spelt alike or not, inherits it). Argo CD finds credentials by the URL (a repository Secret in argocd) and reads none here. @default - none: a public repository",
      }),
    ),
  },
  { description: 'Where the engine reads the committed dist/ from.' },
);

/** `delivery:` of a stage file: every setting overrides the project file's. */
export const StageDeliverySettings = Settings(
  {
    engine: Type.Optional(StringEnum(ENGINES, { description: "The GitOps engine that applies this stage. @default - the project file's" })),
    cluster: Type.Optional(
      DnsLabel({ description: 'The cluster the stage is applied to: a name under delivery.clusters of stagecraft.yaml.' }),
    ),
    repository: Type.Optional(Repository),
    sync: Type.Optional(Sync),
  },
  {
    description: 'Where and how a GitOps engine (Argo CD or Flux) delivers this stage: see the README, "Delivering with Argo CD or Flux".',
  },
);

export const ClusterSettings = Settings(
  {
    // an API server is reached over HTTPS only: a Git URL form here (git@host:6443) is a repository URL pasted in the wrong place
    server: Type.Optional(
      Type.String({
        minLength: 1,
        pattern: '^https://[^\\s/]+(/\\S*)?$',
        expected: 'an https:// API server URL (https://host:6443)',
        description: "The cluster's API server URL, https://host[:port] (Argo CD destination.server).",
      }),
    ),
    name: Type.Optional(DnsLabel({ description: 'The cluster as the engine knows it (Argo CD destination.name). @default - none' })),
    kubeConfigSecret: Type.Optional(
      DnsLabel({ description: "Flux: the Secret in flux-system holding the cluster's kubeconfig. @default - Flux's own cluster" }),
    ),
  },
  { description: 'A cluster that stages are delivered to.' },
);

/** The ways an Argo CD tracks the objects it applies: its argocd-cm's `application.resourceTrackingMethod`. */
export const ARGOCD_TRACKING_METHODS = ['annotation', 'annotation+label', 'label'] as const;
export type ArgocdTrackingMethod = (typeof ARGOCD_TRACKING_METHODS)[number];

/**
 * What stagecraft cannot read of the Argo CD that applies dist/delivery/argocd/ (one for every stage:
 * its Applications are applied to one namespace), which decides what Argo CD writes on every object
 * of a stage (lib/delivery/tracking.ts): its argocd-cm's settings, as that file says them.
 */
const ArgocdSettings = Settings(
  {
    resourceTrackingMethod: Type.Optional(
      StringEnum(ARGOCD_TRACKING_METHODS, {
        description:
          "How the Argo CD tracks the objects it applies, as its argocd-cm's application.resourceTrackingMethod says (unset there: annotation from Argo CD 3.0, label before). annotation writes an annotation; label writes each Application's name as a label (instanceLabelKey) on every object, whose value the API server takes up to 63 characters; annotation+label both, the label cut to 63 characters. @default - not said: an Application named longer than 63 characters is refused, as label tracking would have the cluster refuse every object of its stage",
      }),
    ),
    instanceLabelKey: Type.Optional(
      Type.String({
        pattern: QUALIFIED_KEY_PATTERN,
        expected:
          "a label key such as argocd.argoproj.io/instance (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.')",
        description:
          "The label the Argo CD writes each Application's name as on every object it applies, tracking by label or annotation+label: its argocd-cm's application.instanceLabelKey. Its default is a label stagecraft writes itself (<app>-<stage>), which Argo CD would overwrite (warned, delivery/instance-label); argocd.argoproj.io/instance, as Argo CD advises, leaves it. @default app.kubernetes.io/instance",
      }),
    ),
  },
  {
    description:
      "What stagecraft cannot read of the Argo CD that applies dist/delivery/argocd/: its argocd-cm's tracking settings, as written there.",
  },
);

/**
 * The project's directory in its repository, as Git's `rev-parse --show-prefix` says it without its last `/`:
 * relative, no `.` or `..` part, no `\\` or control character (spaces and any other letter are a path's).
 */
const REPOSITORY_PATH = '^(?!/)(?!.*//)(?!.*/$)(?!(?:.*/)?\\.\\.?(?:/|$))[^\\\\\\u0000-\\u001f\\u007f]+$';

/** The project file's `repository:`: a stage's, and where the project lies in it. */
const ProjectRepository = Settings(
  {
    ...Repository.properties,
    path: Type.Optional(
      Type.String({
        pattern: REPOSITORY_PATH,
        expected: "the project's directory in the repository, relative to its top (infra/k8s), without a '/' at either end",
        description:
          "The directory of the project (where stagecraft.yaml is) in the repository, when it is not the repository's top (a monorepo's infra/k8s): the engines read dist/<stage> under it (Argo CD's path, Flux's spec.path). synth refuses it when Git says the project is elsewhere (unless copied: true). @default - the repository's top",
      }),
    ),
    copied: Type.Optional(
      Type.Boolean({
        description:
          "The repository is not this project's own but a deploy repository that CI copies the committed dist/ into, at path (<path>/dist/<stage>): synth then takes path as said, since no Git of this checkout can tell that repository's layout, and refuses it only when url is a remote of this checkout (its own repository, whose layout Git does tell). @default false",
      }),
    ),
  },
  { description: 'Where the engine reads the committed dist/ from.' },
);

/** `delivery:` of the project file: the defaults of every stage, and the clusters. */
export const ProjectDeliverySettings = Settings(
  {
    ...StageDeliverySettings.properties,
    repository: Type.Optional(ProjectRepository),
    project: Type.Optional(
      DnsLabel({
        description:
          "Name of the Argo CD AppProject and of the Flux GitRepository of the project's repository (other GitRepositories' names begin with it), and the label its apply command prunes by: two projects delivered by one Argo CD or Flux need two names (README: two projects); default, Argo CD's own AppProject, is refused where Argo CD delivers a stage. @default stagecraft",
      }),
    ),
    clusters: Type.Optional(Mapping(DnsLabel(), ClusterSettings, { description: 'The clusters, by name.' })),
    argocd: Type.Optional(ArgocdSettings),
  },
  { description: 'Defaults for the delivery of every stage, and the clusters stages are delivered to.' },
);

export const ProjectFileSchema = Settings(
  { delivery: Type.Optional(ProjectDeliverySettings) },
  {
    $id: 'https://stagecraft.dev/schemas/project.json',
    title: 'stagecraft project file',
    description: 'Settings every stage of the project shares (stagecraft.yaml at the project root).',
  },
);

/** `secretStore:` of a stage file: its Secrets come from an External Secrets Operator store. */
export const SecretStoreSettings = Settings(
  {
    name: DnsLabel({ description: 'The SecretStore or ClusterSecretStore that holds the values.' }),
    kind: Type.Optional(StringEnum(['SecretStore', 'ClusterSecretStore'], { description: 'Its kind. @default ClusterSecretStore' })),
    refreshInterval: Type.Optional(
      Type.String({
        pattern: DURATION,
        description: 'How often the operator reads the store again. @default 1h',
      }),
    ),
    remoteKeys: Type.Optional(
      Mapping(
        Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[-._a-zA-Z0-9]+$', expected: '<secret>/<key>' }),
        Type.String({ minLength: 1 }),
        {
          description:
            "The key in the store of a Secret's key, as `<secret>/<key>: <remote key>[#<property>]`. @default - `<namespace>/<secret>` with the property `<key>`",
        },
      ),
    ),
  },
  {
    description:
      "The stage's Secrets come from this store: an ExternalSecret per declared Secret is generated into the stage instead of `npm run secrets`.",
  },
);

export type StageDelivery = Static<typeof StageDeliverySettings>;
export type ProjectFile = Static<typeof ProjectFileSchema>;
export type ClusterSpec = Static<typeof ClusterSettings>;
export type ArgocdInstall = Static<typeof ArgocdSettings>;
export type SecretStore = Static<typeof SecretStoreSettings>;
