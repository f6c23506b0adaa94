/**
 * The forms of a repository URL an engine would misread: a query or fragment naming a revision and
 * the scheme's default port, which no engine reads as the address meant, and what Flux cannot clone
 * (`git://`, scp-style) or follows otherwise (a bare revision that reads as a tag). Pure.
 */
import { detectSecret, maskValue } from '../model/secret-rules.js';
import type { Engine } from '../model/engines.js';
import { scpAsSsh, urlParts } from './url-authority.js';
import { versionRange } from './version-range.js';

export { scpAsSsh };
import {
  BITBUCKET_SERVER_PAGE,
  REVISION_PARAMETERS,
  REVISION_VALUE,
  bitbucketServerAt,
  pageQuery,
  repositoryCredentials,
  revisionQuery,
} from './repository-credentials.js';

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
/** A bare revision that reads as a release tag (v1.2.3, V1.2.3, 2.0.1-rc.1), which Flux would look for as a branch. */
const TAG_LIKE = /^v?\d+(\.\d+)+([-+][\w.-]+)?$/i;
/**
 * A bare revision that reads as a commit written short (`3f7a9c2`, as git log --oneline and Git hosts
 * show one: 7 to 39 hex digits, with a digit and a letter among them, which a word such as `defaced`
 * or a number has not), which Argo CD looks up as the commit (its IsTruncatedCommitSHA) and Flux
 * follows as a branch: its GitRepository's ref.commit takes a whole commit only. A branch so named
 * (`2024dec`) is written as its full ref, which the hint says.
 */
const SHORT_COMMIT = /^(?=[\da-f]*\d)(?=[\da-f]*[a-f])[\da-f]{7,39}$/i;

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

/** The default port of each scheme a repository URL is written with. */
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'https://': '443', 'http://': '80', 'ssh://': '22', 'git://': '9418' };

/**
 * The port `url` writes that its scheme takes anyway (`:443` of `https://host:443/`, with leading
 * zeros, which Git and new URL() read as the number: `:0443`; an empty one: `https://host:/`), with
 * its `:`; undefined when it writes none or another one.
 */
function defaultPort(url: string): string | undefined {
  const { scheme, authority } = urlParts(url);
  const port = /:(\d*)$/.exec(authority.slice(authority.lastIndexOf('@') + 1));
  const standard = DEFAULT_PORTS[scheme.toLowerCase()];
  return port && (port[1] === '' || (standard !== undefined && port[1].replace(/^0+(?=\d)/, '') === standard)) ? port[0] : undefined;
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
 * add` of the URL without it matches nothing: "repository not accessible"). Refused whatever the
 * engine, and whatever `secrets.allow`
 * says of the URL: one the secret screening finds a value in (`#token=...`) is said without it, its
 * hint naming no URL. Undefined when `url` has none of them, or carries credentials, which are
 * refused as such (`repositoryCredentials`: any other query, a `#` that may be a password's).
 */
export function repositoryUrlForm(url: string): RepositoryMismatch | undefined {
  if (repositoryCredentials(url) !== undefined) return undefined;
  const query = revisionQuery(url);
  const fragment = url.indexOf('#');
  // a page's link to a line or heading (blob/main/app.yaml#L12) is refused as the page: its fragment names no revision
  const page = query ? undefined : webPage(url);
  if (page || (!query && fragment < 0)) return page;
  const cut = query?.at ?? fragment;
  const what = query ? `names a revision in its query (${url.slice(cut)})` : `ends in a fragment (${url.slice(cut)})`;
  const why = query
    ? "which no engine reads as one: Git adds its own path and query after the URL, so the clone asks the host for no repository, and Argo CD finds a private repository's credentials by the URL with it"
    : "which is no part of a Git repository's address: Git leaves it out when it clones, and Argo CD finds a private repository's credentials by the URL with it";
  const named = query ? undefined : fragmentRevision(url.slice(fragment + 1));
  // a commit written short (an Azure DevOps page's version=GC3f7a9c2) offered as the whole one, which Flux follows
  const revision = query
    ? (SHORT_COMMIT.test(query.revision) && offeredRevision(query.revision)) || `and ${query.revision} as delivery.repository.revision`
    : (named ?? 'and the branch or tag to follow as delivery.repository.revision');
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
    // without the default port it may write too, which Argo CD would refuse (`defaultPortForm`): the form both engines read
    hint: `write the URL as ${withoutDefaultPort(url.slice(0, cut))}, ${revision}`,
  };
}

/** A whole commit, as Git names one (40 hex digits; SHA-1, which both engines read). */
const WHOLE_COMMIT = /^[\da-f]{40}$/i;

/**
 * What a URL's fragment names as the revision, as the hint of `repositoryUrlForm` writes it: `#<commit>`
 * (`.git#3f7a9c2...`, as npm and pip pin a commit), `#<branch>`, `#<tag>` or `#refs/...`, with or
 * without a name before an `=` (`#commit=...`, `#ref=...`, as the query's). Undefined when it names no
 * revision Git can name, or one the secret screening finds a value in (`offeredRevision`).
 */
function fragmentRevision(fragment: string): string | undefined {
  const pair = /^(\w+)=(.*)$/.exec(fragment);
  if (pair && !REVISION_PARAMETERS.has(pair[1].toLowerCase())) return undefined;
  return offeredRevision(pair ? pair[2] : fragment);
}

/**
 * `revision` (what a fragment or a web page's path names) as a hint offers it for
 * delivery.repository.revision: a tag (`v1.2.3`) as `refs/tags/v1.2.3`, which both engines follow as the
 * tag (Flux a bare one as a branch), a commit written short as the whole one it stands for (Flux
 * follows only a whole commit). Undefined when no Git ref can be named so, for HEAD (Argo CD's default
 * branch, which Flux would follow as a branch so named: `repositoryMismatches`), or when the secret
 * screening finds a value in it.
 */
function offeredRevision(revision: string, tag = false): string | undefined {
  if (
    !REVISION_VALUE.test(revision) ||
    revision === 'HEAD' ||
    unnamedRevision(revision) !== undefined ||
    detectSecret(revision) !== undefined
  )
    return undefined;
  if (WHOLE_COMMIT.test(revision)) return `and the commit ${revision} as delivery.repository.revision`;
  if (SHORT_COMMIT.test(revision))
    return `and the whole commit ${revision} stands for as delivery.repository.revision (git rev-parse ${revision} prints it)`;
  if (tag) return `and refs/tags/${revision} as delivery.repository.revision`;
  if (TAG_LIKE.test(revision))
    return `and refs/tags/${revision} as delivery.repository.revision (refs/heads/${revision} if it is a branch)`;
  return `and ${revision} as delivery.repository.revision`;
}

/**
 * The web pages of a repository that a Git host shows in a browser, by the host that serves them at
 * that path (where a repository's own path could not be so written): GitLab's (`/-/` begins no group
 * or project); Gitea's and Forgejo's (`/src/branch/`), also served under a sub-path of the host
 * (`https://host/git/org/app/src/branch/main`, its ROOT_URL's path); GitHub's on any host (GitHub
 * Enterprise Server's is the company's own: `tree`, `blob` and `commits` after two names are its pages,
 * since GitLab takes none of those words for a group or project, `Gitlab::PathRegex`
 * ILLEGAL_PROJECT_PATH_WORDS and ILLEGAL_GROUP_PATH_WORDS, and Gitea's and Bitbucket's repositories are
 * two names deep), its other pages (`commit`, `releases/tag`) on a host named as GitHub's (github.com,
 * GitHub Enterprise Cloud's `<company>.ghe.com`, a `github.<company>` host); Bitbucket Cloud's on its own.
 * `repository` is the path of the repository, `revision` what follows the page's word: a revision,
 * then maybe a folder or file (`tree/main/dist`).
 */
const WEB_PAGES: readonly {
  readonly host?: RegExp;
  readonly page: RegExp;
  readonly tag?: RegExp;
  /** The repository's clone path, from the page's groups, where it is not the page's `repository`. @default - `repository` */
  readonly clone?: (groups: Readonly<Record<string, string>>) => string;
  /** The revision the page's query names (`query` without its `?`), where its path names none. @default - none */
  readonly queried?: (query: string) => { readonly revision: string; readonly tag: boolean } | undefined;
}[] = [
  { page: /^(?<repository>\/.+?)\/-\/(?:tree|blob|commits?|tags)\/(?<revision>[^?#]*)$/ },
  { page: /^(?<repository>(?:\/[^/]+)*?\/[^/]+\/[^/]+)\/src\/(?<kind>branch|tag|commit)\/(?<revision>[^?#]*)$/, tag: /^tag$/ },
  { page: /^(?<repository>\/[^/]+\/[^/]+?)\/(?<kind>tree|blob|commits)\/(?<revision>[^?#]*)$/ },
  {
    host: /^(?:github\.com|[^.]+\.ghe\.com|github\..+)$/i,
    page: /^(?<repository>\/[^/]+\/[^/]+?)\/(?<kind>commit|releases\/tag)\/(?<revision>[^?#]*)$/,
    tag: /^releases\/tag$/,
  },
  { host: /^bitbucket\.org$/i, page: /^(?<repository>\/[^/]+\/[^/]+)\/(?:src|commits)\/(?<revision>[^?#]*)$/ },
  // Bitbucket Server's and Data Center's, whose clone URL is /scm/<project key>/<slug>.git (a user's /scm/~<user>/<slug>.git)
  {
    page: BITBUCKET_SERVER_PAGE,
    clone: ({ base, owner, project, slug }) => `${base}/scm/${owner === 'users' ? '~' : ''}${project.toLowerCase()}/${slug}.git`,
    queried: (query) => {
      const at = bitbucketServerAt(query);
      const ref = at === undefined ? undefined : /^refs\/(heads|tags)\/(.+)$/.exec(at);
      return ref
        ? { revision: ref[2], tag: ref[1] === 'tags' }
        : at !== undefined && !at.startsWith('refs/')
          ? { revision: at, tag: false }
          : undefined;
    },
  },
];

/**
 * A repository URL that is the web page of a revision (a branch, tag, commit, folder or file) that a
 * Git host shows in a browser (`https://github.com/acme/app/tree/main`), copied from the address bar
 * for its clone URL: Git finds no repository there, so Argo CD's sync and Flux's clone fail, long
 * after the synthesis (a link to a place in the page, `#L12`, too). With the repository's URL, and the
 * revision the page names when it names one alone; undefined for another URL, or one the secret
 * screening finds a value in (refused as such).
 */
function webPage(url: string): RepositoryMismatch | undefined {
  // GitLab's page addresses end in their own query (?ref_type=heads)
  // what follows a '#' on a page (#L12) links to a place in it
  const bare = url.split('#', 1)[0];
  const query = pageQuery(bare);
  const { scheme, authority, rest } = urlParts(bare.slice(0, query));
  if (!/^https?:\/\/$/i.test(scheme) || detectSecret(url) !== undefined) return undefined;
  const host = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d*$/, '');
  for (const { host: served, page, tag, clone, queried } of WEB_PAGES) {
    if (served && !served.test(host)) continue;
    const path = rest.replace(/\/+$/, '');
    // a path ending in .git is a clone URL, whatever its folders are named (a GitLab subgroup `src/tag/app.git`)
    const found = path.endsWith('.git') ? undefined : page.exec(path)?.groups;
    if (!found) continue;
    // a page whose path names no revision: Bitbucket Server's names it in its query (?at=refs/heads/main), or none (its default branch)
    const named = query === undefined ? undefined : queried?.(bare.slice(query + 1));
    const revision = named ? [named.revision] : (found.revision?.split('/') ?? []);
    // one part: a revision alone; more: a branch with a '/', or a revision and a folder, which the path does not tell apart
    const offered = revision.length === 1 ? offeredRevision(revision[0], named?.tag ?? tag?.test(found.kind ?? '')) : undefined;
    return {
      code: 'delivery/repository-url',
      setting: 'url',
      message: `the repository URL '${url}' is a page of the repository that ${host} shows in a browser, not its clone URL: Git finds no repository there, so Argo CD's sync and Flux's clone would fail`,
      hint: `write the URL as ${scheme}${authority}${clone?.(found) ?? found.repository}, ${offered ?? 'and the branch, tag or commit the page shows as delivery.repository.revision'}; the host's Clone button shows its clone URL`,
    };
  }
  return undefined;
}

/**
 * A repository URL that writes its scheme's default port (`https://git.example.com:443/...`), for Argo
 * CD, with the URL without it: Argo CD finds a private repository's credentials by the URL, its host
 * and port compared as written (its case aside), so those given for the URL without the port (as
 * `argocd repo add` is mostly run) are not found for it. Flux clones the URL as written, which reaches
 * the same server, with the credentials of the Secret its GitRepository names, whatever the URL: it
 * reads either form. Undefined too when the URL is refused for what else it writes (its credentials,
 * a query or fragment: `repositoryUrlForm`, whose hint leaves the port out as well).
 */
function defaultPortForm(url: string): RepositoryMismatch | undefined {
  const port = defaultPort(url);
  const refused = repositoryCredentials(url) !== undefined || repositoryUrlForm(url) !== undefined;
  if (port === undefined || refused || detectSecret(url) !== undefined) return undefined;
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
 * A revision no Git ref can be named (git check-ref-format, which the schema's pattern does not
 * say: a part that starts with `.` or ends in `.lock`, `..`, a `//`, an end in `/` or `.`, a branch that starts
 * with `-`), which neither engine finds (Argo CD's sync fails, Flux's GitRepository waits): why, and what to write.
 */
function unnamedRevision(revision: string): RepositoryMismatch | undefined {
  const why = revision.startsWith('-')
    ? "starts with '-'"
    : revision.includes('..')
      ? "holds '..'"
      : revision.includes('//') || revision.endsWith('/')
        ? "has an empty part (a '//', or a '/' at its end)"
        : /(^|\/)\./.test(revision)
          ? "has a part that starts with '.'"
          : /\.lock(?:\/|$)|\.$/.test(revision)
            ? "ends in '.', or has a part that ends in '.lock'"
            : undefined;
  if (why === undefined) return undefined;
  return {
    code: 'delivery/revision',
    setting: 'revision',
    message: `no Git branch or tag can be named '${revision}': it ${why} (git check-ref-format), so neither engine finds it: Argo CD's sync and Flux's clone fail`,
    hint: 'write the branch, tag or commit as Git names it (git branch -a and git tag list them), such as main, release/2 or refs/tags/v1.2.3',
  };
}

/**
 * A revision with more than a ref's name of letters, digits, `.`, `/`, `_` and `-` holds (a blank, `*`, `~` or `^`,
 * which no Git ref's name holds, `<`, `=`, `!`, `,`, `|`, `+`, which the schema takes for Argo CD's version ranges): refused of one that is no range Argo CD reads (`versionRange`), and of a range for
 * Flux, which follows a bare revision as a branch (its GitRepository's ref.semver, which stagecraft does not write, is
 * its own way to follow a range). Undefined of any other.
 */
function unrangedRevision(engine: Engine, revision: string): RepositoryMismatch | undefined {
  if (REF_NAME.test(revision)) return undefined;
  const range = versionRange(revision) !== undefined;
  if (range && engine === 'argocd') return undefined;
  return range
    ? {
        code: 'delivery/revision',
        setting: 'revision',
        message: `Flux follows a bare revision as a branch, and '${revision}' is a range of version tags, which no branch can be named: Flux would wait for a branch that never is, where Argo CD applies the highest tag in the range`,
        hint: 'write the tag Flux should follow as its full ref (refs/tags/v1.2.3), or deliver the stage with Argo CD (engine: argocd)',
      }
    : {
        code: 'delivery/revision',
        setting: 'revision',
        message: `no branch or tag stagecraft follows can be named '${revision}' (one of letters, digits, '.', '/', '_' and '-': a blank, *, ~ or ^ is in no Git ref's name), nor is it a range of version tags Argo CD reads (1.2.*, >=1.2.0 <1.3.0), so neither engine finds it`,
        hint: 'write the branch, tag or commit as Git names it (git branch -a and git tag list them), such as main, release/2 or refs/tags/v1.2.3',
      };
}

/** What a branch's, tag's or commit's name may hold (the schema's pattern before version ranges). */
const REF_NAME = /^[\w./-]+$/;

/**
 * What `engine` would misread in a repository's settings. The schema accepts what either engine
 * reads; Argo CD would not find the credentials of a URL written with its scheme's default port
 * (`defaultPortForm`); Flux clones only http(s):// and ssh:// URLs, and follows a bare revision as a
 * branch, so a tag must be written as its full ref (which Argo CD reads as well). What neither engine
 * reads (a fragment, a query naming a revision) is `repositoryUrlForm`'s.
 */
export function repositoryMismatches(
  engine: Engine,
  repository: { readonly url?: string; readonly revision?: string },
): RepositoryMismatch[] {
  const { url, revision } = repository;
  const unnamed = revision === undefined ? undefined : (unrangedRevision(engine, revision) ?? unnamedRevision(revision));
  if (engine === 'argocd') {
    const port = url === undefined ? undefined : defaultPortForm(url);
    return [...(port ? [port] : []), ...(unnamed ? [unnamed] : [])];
  }
  const found: RepositoryMismatch[] = unnamed ? [unnamed] : [];
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
  // Argo CD's default branch (its default targetRevision), which Flux would clone as refs/heads/HEAD
  if (revision === 'HEAD')
    found.push({
      code: 'delivery/revision',
      setting: 'revision',
      message:
        "Flux follows a bare revision as a branch, and no branch can be named HEAD (git check-ref-format --branch): Flux would wait for a branch refs/heads/HEAD, where Argo CD reads HEAD as the repository's default branch",
      hint: 'write the default branch by its name (main), which Argo CD reads as well',
    });
  if (revision !== undefined && SHORT_COMMIT.test(revision))
    found.push({
      code: 'delivery/revision',
      setting: 'revision',
      message: `Flux follows a bare revision as a branch, and '${revision}' reads as a commit written short (${revision.length} hex digits): Flux would wait for a branch refs/heads/${revision}, where Argo CD looks the commit up`,
      hint: `write the whole 40-hex commit (git rev-parse ${revision} prints it; refs/heads/${revision} if it is a branch), which Argo CD reads as well`,
    });
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
