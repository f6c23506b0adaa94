/**
 * The project file, `stagecraft.yaml` at the project root: settings every stage shares (today the
 * defaults of delivery by a GitOps engine). Optional; parsed and validated like a stage file, every
 * problem at its `file:line:col`. Pure: the caller reads the file.
 */
import { LineCounter, parseDocument } from 'yaml';
import { ProblemsError, compareProblems, type PathProblem, type Problem, type SourceLocation } from '../errors.js';
import { ProjectFileSchema, type ProjectFile } from './delivery.js';
import { REPOSITORY_CREDENTIALS_HINT, REPOSITORY_URL, repositoryCredentials } from './repository-credentials.js';
import { repositoryUrlForm } from './repository-url.js';
import { mayHidePassword } from './url-authority.js';
import { locateKey, locateValue } from './locate.js';
import { SchemaValidator } from './validate.js';
import { writtenScalars } from './read-stage.js';
import { formatFieldPath as dotted } from '../model/field-path.js';
import { readYaml } from '../model/read-yaml.js';
import { maskValue } from '../model/secret-rules.js';
import { commentSecretProblems, secretSettings } from '../secrets.js';

export const PROJECT_FILE = 'stagecraft.yaml';
/** Alias expansions allowed: the project file is a handful of settings. */
const MAX_ALIASES = 100;

let validator: SchemaValidator | undefined;

/** @throws ProblemsError with every problem of the file */
export function loadProjectFile(text: string, file = PROJECT_FILE): ProjectFile {
  // read as a stage file is: the same bounds, hints and merge-conflict markers
  const read = readYaml(text, file, { maxAliasCount: MAX_ALIASES, multi: false, what: 'project files', key: 'setting' });
  if (read.problems.length) throw new ProblemsError(read.problems);
  const { lines } = read;
  const doc = read.docs[0] ?? parseDocument('');
  const data = read.values[0] ?? {};
  const locate = (path: readonly (string | number)[]) => locateValue(doc, lines, file, [...path]);
  // secret values are refused with every other problem (none printed, neither by the schema's messages)
  const secrets = [
    ...projectSecrets(data, file, locate),
    // and in its comments, committed with it as a stage file's are (lib/stage-secrets.ts)
    ...commentSecretProblems(text, file, `${file} is`, 'give it to the engine where it keeps credentials (Secrets in its own namespace)'),
  ];
  // a number given for a string is quoted in the hint as written (`revision: 0123456`, not the 123456 YAML reads)
  const written = writtenScalars(text, locate);
  const problems: Problem[] = (validator ??= new SchemaValidator(ProjectFileSchema))
    .problems(data, [], written)
    .map(({ path, key, ...p }) => ({
      ...p,
      location: key === undefined ? locateValue(doc, lines, file, path) : locateKey(doc, lines, file, path, key),
    }));
  if (problems.length) throw new ProblemsError([...secrets, ...problems].sort(compareProblems));
  const project = data as ProjectFile;
  const refined = [
    ...secrets,
    ...refineProject(project).map(({ path, ...p }) => ({ ...p, location: locateValue(doc, lines, file, path) })),
  ];
  if (refined.length) throw new ProblemsError(refined.sort(compareProblems));
  return project;
}

/**
 * Where the project file writes each setting: `file:line:col` of the value at a path of keys, or
 * undefined when the file does not write it (for the delivery plan's problems, lib/delivery/plan.ts).
 */
export function projectPlaces(text: string, file = PROJECT_FILE): (path: readonly string[]) => SourceLocation | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return (path) => {
    if (!doc.hasIn(path)) return undefined;
    return locateValue(doc, lines, file, [...path]);
  };
}

/**
 * What the schema cannot say of a valid project file: a default repository URL with a fragment or a
 * query naming a revision, which no engine reads, so said whatever the engine. What one engine
 * would misread of its defaults (a URL, a revision, a sync setting) is said when the delivery is
 * planned (lib/delivery/plan.ts), for the stages that engine delivers: the project file's engine
 * may deliver none of them.
 */
function refineProject(project: ProjectFile): PathProblem[] {
  const url = project.delivery?.repository?.url;
  // credentials in the URL are refused with the secret values (projectSecrets)
  const form = url === undefined ? undefined : repositoryUrlForm(url);
  if (!form) return [];
  const path = ['delivery', 'repository', form.setting];
  return [{ code: form.code, hint: form.hint, path, message: `${path.join('.')}: ${form.message}` }];
}

/**
 * The paths of the clusters' servers whose password may run past where the authority ends
 * (`https://admin:12/Zq@host:6443`, lib/config/url-authority.ts), which the secret rules read as a
 * host and a path, and which no screening (`found`) said already.
 */
function serversPastPassword(data: unknown, found: readonly { readonly path: readonly (string | number)[] }[]): string[][] {
  const clusters = (data as { delivery?: { clusters?: unknown } } | null | undefined)?.delivery?.clusters;
  if (clusters === null || typeof clusters !== 'object') return [];
  return Object.entries(clusters).flatMap(([name, c]) => {
    const path = ['delivery', 'clusters', name, 'server'];
    const server = (c as { server?: unknown } | null)?.server;
    return typeof server === 'string' && mayHidePassword(server) && !found.some((f) => dotted(f.path) === dotted(path)) ? [path] : [];
  });
}

/**
 * Secret values in the project file, screened as a stage file's are (lib/secrets.ts
 * `secretSettings`), none printed: its settings go into dist/delivery/ (a password in the
 * repository URL into every Application's repoURL), and both are committed. The credentials the
 * repository URL carries (a password, a token as its user name, a query: not every one a secret
 * rule finds) are said once, as such (`repositoryCredentials`), in place of what the screening finds there.
 */
function projectSecrets(data: unknown, file: string, locate: (path: readonly (string | number)[]) => SourceLocation): Problem[] {
  // read before the schema has vouched for the file's shape
  const url = (data as { delivery?: { repository?: { url?: unknown } } } | null | undefined)?.delivery?.repository?.url;
  const credentials = typeof url === 'string' ? repositoryCredentials(url) : undefined;
  const said: Problem[] = credentials
    ? [
        {
          code: credentials.code,
          location: locate(REPOSITORY_URL.split('.')),
          message: `${REPOSITORY_URL}: ${credentials.message}`,
          hint: credentials.hint,
        },
      ]
    : [];
  const found = secretSettings(data).filter(({ path, atKey }) => !(credentials && !atKey && dotted(path) === REPOSITORY_URL));
  return said.concat(
    serversPastPassword(data, found).map((path) => ({
      code: 'secrets/value',
      location: locate(path),
      message: `${dotted(path)} holds what may be a password holding a '/', '?' or '#' (an '@' after where its host ends), which would go into dist/delivery/; ${file} and dist/ are committed, so secret values never go in them; the URL is not printed`,
      hint: "write the URL as https://host[:port], and give its credentials to the engine where it keeps them (Argo CD: a cluster Secret in argocd; Flux: a cluster's kubeConfigSecret); if the '@' is the path's, write it %40",
    })),
    found.map(({ path, value, rule, atKey }) => ({
      code: 'secrets/value',
      location: locate(path),
      message: atKey
        ? `a key under ${dotted(path.slice(0, -1))} is ${rule.description} ${maskValue(value, 'key')}; ${file} and dist/ are committed, so secret values never go in them, as keys neither`
        : `${dotted(path)} holds ${rule.description} ${maskValue(value)}, which would go into dist/delivery/; ${file} and dist/ are committed, so secret values never go in them`,
      hint:
        dotted(path) === REPOSITORY_URL
          ? `write the URL without it, and ${REPOSITORY_CREDENTIALS_HINT}`
          : /^delivery\.clusters\.[^.]+\.server$/.test(path.join('.'))
            ? "write the URL without its user and password, and give them to the engine where it keeps credentials (Argo CD: a repository or cluster Secret in argocd; Flux: a Secret in flux-system named by delivery.repository.secret, a cluster's kubeConfigSecret)"
            : `take it out of ${file}: the engine reads credentials from Secrets in its own namespace, never from dist/`,
    })),
  );
}
