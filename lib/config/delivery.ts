/**
 * The settings of delivery by a GitOps engine: where each stage is delivered (engine, cluster,
 * Git repository, sync policy) and where its Secrets come from. A stage file says it under
 * `delivery:` and `secretStore:`; the project file (`stagecraft.yaml`) holds the defaults every
 * stage shares and the clusters, so that a cluster's address is written once.
 */
import { DnsLabel, Settings, StringEnum, Type, type Static, Mapping } from '../config/types.js';
import { detectSecret, maskValue } from '../model/secret-rules.js';
import { ENGINES, type Engine } from '../model/engines.js';
import { mayHidePassword, pastPassword, urlParts } from './url-authority.js';

export { ENGINES, type Engine };

const Url = (description: string) =>
  Type.String({ minLength: 1, pattern: '^(https?|ssh|git)://\\S+$|^[\\w.-]+@[\\w.-]+:\\S+$', expected: 'a Git or HTTPS URL', description });

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
        pattern: '^[\\w./-]+$',
        description:
          'What the engine follows: a branch (main), a full ref (refs/tags/v1.2.3, refs/heads/main) or a 40-hex commit. @default main',
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

/** `delivery:` of the project file: the defaults of every stage, and the clusters. */
export const ProjectDeliverySettings = Settings(
  {
    ...StageDeliverySettings.properties,
    project: Type.Optional(
      DnsLabel({
        description:
          "Name of the Argo CD AppProject and of the Flux GitRepository of the project's repository (other GitRepositories' names begin with it). @default stagecraft",
      }),
    ),
    clusters: Type.Optional(Mapping(DnsLabel(), ClusterSettings, { description: 'The clusters, by name.' })),
  },
  { description: 'Defaults for the delivery of every stage, and the clusters stages are delivered to.' },
);

/** A repository setting that an engine would misread: why, and what to write instead. */
export interface RepositoryMismatch {
  readonly code: 'delivery/repository-url' | 'delivery/revision';
  /** The setting under `delivery.repository`. */
  readonly setting: 'url' | 'revision';
  readonly message: string;
  readonly hint: string;
}

/** What Flux's GitRepository clones (the pattern of its CRD's spec.url). */
const FLUX_URL = /^(https?|ssh):\/\//;
/** A bare revision that reads as a release tag (v1.2.3, 2.0.1-rc.1), which Flux would look for as a branch. */
const TAG_LIKE = /^v?\d+(\.\d+)+([-+][\w.-]+)?$/;

/**
 * An scp-style URL (`git@git.example.com:platform/app.git`) as the `ssh://` URL that Git hosts read
 * as the same repository (`ssh://git@git.example.com/platform/app.git`); undefined for another URL.
 * (On a plain ssh server the scp path is from the user's home directory, the ssh:// one from the root;
 * Git hosts serve both at one place.)
 */
export function scpAsSsh(url: string): string | undefined {
  const scp = /^([\w.-]+)@([\w.-]+):\/?(\S+)$/.exec(url);
  return scp ? `ssh://${scp[1]}@${scp[2]}/${scp[3]}` : undefined;
}

/** `url` (scp-style `user@host:path`, or `git://host/path`) written as Flux reads it, with the wording of the hint. */
function fluxForm(url: string): string {
  const ssh = scpAsSsh(url);
  // an scp-style URL has no port: a number first in its path (git@host:2222/team/app.git) is the path's as Git reads it, but often meant as the port
  const port = /^([\w.-]+)@([\w.-]+):(\d+)\/(\S+)$/.exec(url);
  // the ssh port 22 is the default, which a URL does not write (`repositoryUrlForm`)
  if (ssh && port)
    return `write it as ${ssh}, as Git reads it, or as ssh://${port[1]}@${port[2]}${port[3] === DEFAULT_PORTS['ssh://'] ? '' : `:${port[3]}`}/${port[4]} if ${port[3]} is the ssh port`;
  if (ssh) return `write it as ${ssh}`;
  const git = /^git:\/\/([^/:]+)(:\d+)?\/(\S+)$/.exec(url);
  if (git) return `write https://${git[1]}/${git[3]} or ssh://git@${git[1]}/${git[3]}`;
  return 'write an https:// or ssh:// URL, such as ssh://git@git.example.com/platform/stagecraft.git';
}

/**
 * Query parameters that name a revision (`?ref=main`, kustomize's and Terraform's remote form), no
 * credential: a URL whose query is one of them and a value that reads as a branch, tag or commit.
 */
const REVISION_PARAMETERS = new Set(['ref', 'rev', 'revision', 'branch', 'tag', 'version', 'commit', 'sha']);
const REVISION_VALUE = /^\w[\w./+-]{0,199}$/;

/** Where the query of `url` starts and the revision it names, when it names one alone (`?ref=main`); else undefined. */
function revisionQuery(url: string): { readonly at: number; readonly revision: string } | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  const end = url.indexOf('#', at);
  // kustomize's own remote parameters beside it (?ref=v1.2.3&timeout=120s), with the values it reads, are no credential either
  const parameters = [...new URLSearchParams(url.slice(at + 1, end < 0 ? undefined : end))].filter(
    ([name, value]) => !KUSTOMIZE_PARAMETERS[name.toLowerCase()]?.test(value),
  );
  if (parameters.length !== 1) return undefined;
  const [name, revision] = parameters[0];
  if (!REVISION_PARAMETERS.has(name.toLowerCase()) || !REVISION_VALUE.test(revision) || detectSecret(revision) !== undefined)
    return undefined;
  return { at, revision };
}

/** The parameters kustomize reads of a remote URL's query besides its revision, with the values each takes. */
const KUSTOMIZE_PARAMETERS: Readonly<Record<string, RegExp>> = { timeout: /^\d{1,6}(?:s|m|h)?$/, submodules: /^(?:true|false)$/ };

/** The default port of each scheme a repository URL is written with. */
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'https://': '443', 'http://': '80', 'ssh://': '22', 'git://': '9418' };

/**
 * The port `url` writes that its scheme takes anyway (`:443` of `https://host:443/`, an empty one:
 * `https://host:/`), with its `:`; undefined when it writes none or another one.
 */
function defaultPort(url: string): string | undefined {
  const { scheme, authority } = urlParts(url);
  const port = /:(\d*)$/.exec(authority.slice(authority.lastIndexOf('@') + 1));
  return port && (port[1] === '' || port[1] === DEFAULT_PORTS[scheme.toLowerCase()]) ? port[0] : undefined;
}

/** `url` without the default port it writes (`defaultPort`), as the hints of `repositoryUrlForm` give it. */
function withoutDefaultPort(url: string): string {
  const port = defaultPort(url);
  if (port === undefined) return url;
  const { scheme, authority, rest } = urlParts(url);
  return `${scheme}${authority.slice(0, -port.length)}${rest}`;
}

/**
 * What of a repository URL's form no engine reads as the address it means: a query that names a
 * revision (`?ref=main`, as kustomize and Terraform write a branch: Git adds its own path and query
 * after the URL, so it asks the host for no repository, and Argo CD finds a private repository's
 * credentials by the URL with it), a fragment (`.../app.git#main`, as npm writes a branch: Git
 * leaves it out of what it asks the host, and Argo CD matches credentials with it, so `argocd repo
 * add` of the URL without it matches nothing: "repository not accessible"), or the scheme's default
 * port (`https://git.example.com:443/...`: Argo CD compares a URL's host and port as written when it
 * matches credentials, its case aside). Refused whatever the engine, and whatever `secrets.allow`
 * says of the URL: one the secret screening finds a value in (`#token=...`) is said without it, its
 * hint naming no URL. Undefined when `url` has none of them, or carries credentials, which are
 * refused as such (`repositoryCredentials`: any other query, a `#` that may be a password's).
 */
export function repositoryUrlForm(url: string): RepositoryMismatch | undefined {
  if (repositoryCredentials(url) !== undefined) return undefined;
  const query = revisionQuery(url);
  const fragment = url.indexOf('#');
  if (!query && fragment < 0) return defaultPortForm(url);
  const cut = query?.at ?? fragment;
  const what = query ? `names a revision in its query (${url.slice(cut)})` : `ends in a fragment (${url.slice(cut)})`;
  const why = query
    ? "which no engine reads as one: Git adds its own path and query after the URL, so the clone asks the host for no repository, and Argo CD finds a private repository's credentials by the URL with it"
    : "which is no part of a Git repository's address: Git leaves it out when it clones, and Argo CD finds a private repository's credentials by the URL with it";
  const revision = query
    ? `and ${query.revision} as delivery.repository.revision`
    : 'and the branch or tag to follow as delivery.repository.revision';
  // messages end up in CI logs: a URL the screening finds a value in is neither echoed nor rewritten into the hint
  if (detectSecret(url) !== undefined)
    return {
      code: 'delivery/repository-url',
      setting: 'url',
      message: `the repository URL ${maskValue(url)} ${query ? 'names a revision in its query' : "ends in a fragment (what follows its '#')"}, ${why}; the URL is not printed`,
      hint: `write the URL without its ${query ? 'query' : 'fragment'}, ${query ? 'and the revision as delivery.repository.revision' : revision}; give credentials to the engine where it keeps them, never in the URL`,
    };
  return {
    code: 'delivery/repository-url',
    setting: 'url',
    message: `the repository URL '${url}' ${what}, ${why}`,
    // without the default port it may write too, which is refused as well
    hint: `write the URL as ${withoutDefaultPort(url.slice(0, cut))}, ${revision}`,
  };
}

/** A repository URL that writes its scheme's default port (`repositoryUrlForm`), with the URL without it. */
function defaultPortForm(url: string): RepositoryMismatch | undefined {
  const port = defaultPort(url);
  if (port === undefined || detectSecret(url) !== undefined) return undefined;
  const { scheme } = urlParts(url);
  const address = withoutDefaultPort(url);
  return {
    code: 'delivery/repository-url',
    setting: 'url',
    message: `the repository URL '${url}' writes the default port of ${scheme.slice(0, -3) || 'its scheme'} (${port}), which Argo CD keeps when it finds a private repository's credentials by the URL: those given for ${address} (argocd repo add) would not be found`,
    hint: `write the URL as ${address}`,
  };
}

/**
 * What `engine` would misread in a repository's settings. The schema accepts what either engine
 * reads; Flux clones only http(s):// and ssh:// URLs, and follows a bare revision as a branch, so
 * a tag must be written as its full ref (which Argo CD reads as well). What neither engine reads (a
 * fragment, a query naming a revision) is `repositoryUrlForm`'s.
 */
export function repositoryMismatches(
  engine: Engine,
  repository: { readonly url?: string; readonly revision?: string },
): RepositoryMismatch[] {
  if (engine !== 'flux') return [];
  const { url, revision } = repository;
  const found: RepositoryMismatch[] = [];
  if (url !== undefined && !FLUX_URL.test(url)) {
    // a URL with a password in it is not echoed, nor rewritten into the hint: messages end up in CI logs
    const secret = detectSecret(url) !== undefined || repositoryCredentials(url) !== undefined;
    found.push({
      code: 'delivery/repository-url',
      setting: 'url',
      message: `Flux cannot clone ${secret ? maskValue(url) : `'${url}'`}: its GitRepository reads http://, https:// and ssh:// URLs only`,
      hint: `${fluxForm(secret ? '' : url)}, which Argo CD reads as well`,
    });
  }
  if (revision !== undefined && TAG_LIKE.test(revision)) {
    found.push({
      code: 'delivery/revision',
      setting: 'revision',
      message: `Flux follows a bare revision as a branch, and '${revision}' reads as a tag: Flux would wait for a branch refs/heads/${revision}`,
      hint: `write refs/tags/${revision} to follow the tag (refs/heads/${revision} if it is a branch), which Argo CD reads as well`,
    });
  }
  return found;
}

/**
 * What to do with a repository's credentials, wherever a URL would carry them: the engines keep
 * them in Secrets of their own namespace, found by the URL (Argo CD) or named by `repository.secret`
 * (Flux), so that neither a committed file nor `dist/delivery/` holds them.
 */
export const REPOSITORY_CREDENTIALS_HINT =
  'give the credentials to the engine where it keeps them: Argo CD finds a repository Secret in argocd by the URL (argocd repo add <url> --username ... --password ...); ' +
  'Flux reads the Secret in flux-system that delivery.repository.secret names (flux create secret git <name> --url=<url> --username=... --password=...)';

/** A repository URL that carries credentials: why it is refused (the URL hidden), and what to write instead. */
export interface RepositoryCredentials {
  readonly code: 'delivery/repository-credentials';
  readonly setting: 'url';
  readonly message: string;
  readonly hint: string;
}

/** Where a stage file and the project file write the repository URL, as a dotted path. */
export const REPOSITORY_URL = 'delivery.repository.url';

/**
 * The credentials a repository URL carries besides its address, which would go into every
 * Application's `repoURL`, the GitRepository's `url` and its name, and the messages that name
 * them: a password, a user name over http(s) (Git hosts take a token as one:
 * `https://<token>@github.com/...`; over ssh:// the user, `git@`, is the account and no secret), a
 * query (`?private_token=...`: a Git repository's address has none). Undefined when it carries
 * none. Refused whether or not the secret screening (lib/secrets.ts) finds them too, and whatever a
 * stage's `secrets.allow` says: the screening's exception lets a value into `dist/`, and no
 * credential belongs there. Neither the URL nor what it carries is printed: the message names the
 * query's parameters only, and the hint the URL without them.
 */
export function repositoryCredentials(url: string): RepositoryCredentials | undefined {
  // a password holding a `/`, `?` or `#`, which new URL() reads as a host and a path, and would let through
  if (mayHidePassword(url)) {
    const past = pastPassword(url);
    return credentials(
      "what may be a password holding a '/', '?' or '#' (an '@' after where its host ends; an '@' of the path is written %40)",
      past === undefined ? undefined : past.replace(/[?#].*$/s, ''),
      "if the '@' is the path's, write it %40",
    );
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // scp-style git@host:path: its user is the ssh account; a query would still be one, but for a revision (`repositoryUrlForm`)
    const query = url.indexOf('?');
    if (query < 0 || revisionQuery(url)) return undefined;
    return credentials(`a query (${parameters(url.slice(query))})`, url.slice(0, query));
  }
  const web = u.protocol === 'http:' || u.protocol === 'https:';
  const found = [
    ...(u.password ? ['a password'] : web && u.username ? ['a user name (a token, as Git hosts take one there)'] : []),
    // a query naming a revision alone (`?ref=main`) is no credential: `repositoryUrlForm` refuses it for what it is
    ...(u.search && !revisionQuery(url) ? [`a query (${parameters(u.search)})`] : []),
  ];
  if (!found.length) return undefined;
  const user = !web && u.username ? `${u.username}@` : '';
  return credentials(found.join(' and '), `${u.protocol}//${user}${u.host}${u.pathname}`);
}

/** The names of a query's parameters, their values left out (`?private_token=...`); a name that might be a token itself as `?`. */
const parameters = (search: string) =>
  [...new URLSearchParams(search).keys()].map((k) => `${/^[a-zA-Z_.-]{1,24}$/.test(k) ? k : '?'}=...`).join('&') || '?';

/**
 * @param address the URL without what it carries, undefined when no reading can tell where its host is
 * @param unsure what the hint says first when the reading may be wrong (an `@` the path's own)
 */
function credentials(carried: string, address: string | undefined, unsure?: string): RepositoryCredentials {
  const write = address === undefined ? 'take the password out of the URL' : `write the URL as ${address}`;
  return {
    code: 'delivery/repository-credentials',
    setting: 'url',
    message: `the repository URL carries ${carried}, which would go into dist/delivery/ (committed) and the engine's objects in the cluster; the URL is not printed`,
    hint: `${unsure ? `${unsure}; otherwise ` : ''}${write}, and ${REPOSITORY_CREDENTIALS_HINT}`,
  };
}

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
export type SecretStore = Static<typeof SecretStoreSettings>;
