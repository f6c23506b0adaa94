/**
 * The stages whose Application or Kustomization reads another repository than it did (a repository
 * moved to another host or path, or from https:// to ssh://), as warnings: the engine needs that
 * repository's credentials when it is private, and finds them otherwise than by the stage. Argo CD
 * finds them by the URL (a repository Secret in argocd, or a credential template whose URL is a
 * prefix of it), so those of the old URL are not used; Flux clones with the Secret its GitRepository
 * names, so one kept across the move is sent to the new host, and is refused there unless it holds
 * that host's credentials (for ssh://, its known_hosts too). A stage moved to the other engine is
 * read with that engine's credentials, which it never takes from the other: Flux not Argo CD's
 * (found by the URL), Argo CD not the Secret Flux cloned with (`engineSwitches`). No credential is
 * printed: URLs are shown without any (`shownUrl`), Secrets by name. Pure.
 */
import type { Problem } from '../errors.js';
import { andList } from '../model/limits.js';
import { ARGOCD_NAMESPACE } from './argocd.js';
import { FLUX_NAMESPACE } from './flux.js';
import type { Engine } from '../model/engines.js';
import type { StageRepository, StageTarget } from './target.js';
import { normalRepositoryUrl, sameRepository, shownUrl, UNSURE_URL } from './urls.js';
import { scpAsSsh } from '../config/repository-url.js';
import { repositoryCredentials } from '../config/repository-credentials.js';
import { detectSecret } from '../model/secret-rules.js';

/**
 * The host of an ssh:// or scp-style URL (`git@host:path`), for its host key, with the port an ssh:// URL
 * names (ssh-keyscan asks port 22 unless told, and known_hosts names a key of another port `[host]:port`);
 * undefined over http(s).
 */
function sshHost(url: string): { readonly host: string; readonly port?: string } | undefined {
  // an IPv6 address is written in brackets ([2001:db8::7]), which ssh-keyscan takes without
  const found = /^ssh:\/\/(?:[^@/]*@)?(?:\[([\da-f:.]+)\]|([^/:?#[]+))(?::(\d+))?/i.exec(scpAsSsh(url) ?? url);
  if (!found) return undefined;
  const port = found[3];
  return { host: found[1] ?? found[2], ...(port !== undefined && port !== '22' ? { port } : {}) };
}

/**
 * `url` as a command gives it (`shownUrl`); undefined when only `UNSURE_URL` can show it, which is no
 * word of a command: a shell reads `<url with credentials>` as a redirect from a file named `url`.
 */
function commandUrl(url: string): string | undefined {
  const shown = shownUrl(url);
  return shown === UNSURE_URL ? undefined : shown;
}

/** What a command says in words of a URL it cannot print (`commandUrl`), after its own words. */
const UNPRINTED_URL =
  'with the URL as written there without the password in it (not printed here: no reading tells where that password ends)';

/** How to give Flux a repository's credentials in the Secret `name`, by the URL's scheme (lib/delivery/plan.ts says it too). */
export function fluxSecretCommand(name: string, url: string): string {
  const shown = commandUrl(url);
  const command =
    shown === undefined ? `flux create secret git ${name}, ${UNPRINTED_URL}, as --url,` : `flux create secret git ${name} --url=${shown}`;
  return sshHost(url)
    ? `${command} --private-key-file=<key file> (the flux command takes the host's known_hosts from the URL)`
    : `${command} --username=<user> --password=<token>`;
}

/** How to give Argo CD a repository's credentials, by the URL's scheme: an ssh host's key too, unless Argo CD has it. */
function argoCdRepoCommand(url: string): string {
  const ssh = sshHost(url);
  const shown = commandUrl(url);
  const command = shown === undefined ? `argocd repo add, ${UNPRINTED_URL},` : `argocd repo add ${shown}`;
  if (!ssh) return `${command} --username <user> --password <token>`;
  const { host, port } = ssh;
  const known = port === undefined ? `${host}'s host key` : `the host key of ${host} on port ${port} ([${host}]:${port})`;
  return `${command} --ssh-private-key-path <key file>, and, unless Argo CD knows ${known} (argocd cert list), ssh-keyscan ${port === undefined ? '' : `-p ${port} `}${host} | argocd cert add-ssh --batch`;
}

/** How to remove what Argo CD holds for the old URL `url`: by the URL as `argocd repo list` shows it when it cannot be printed (`commandUrl`). */
function argoCdRepoRm(url: string): string {
  const shown = commandUrl(url);
  return shown === undefined ? 'argocd repo rm of the old URL, as argocd repo list shows it,' : `argocd repo rm ${shown}`;
}

/** One move: the stages an engine's objects now read from `now`, which read `was` before. */
interface Move {
  readonly engine: 'argocd' | 'flux';
  readonly was: StageRepository;
  readonly now: StageRepository;
  readonly subjects: string[];
  /** A switch to an engine that read `now` for another stage already (`readBefore`): its credentials are in place. */
  readonly inPlace?: boolean;
  /** The same repository written another way, which Argo CD tells apart when it finds credentials (`argoCdRespelt`). */
  readonly respelt?: boolean;
}

/**
 * A repository URL as Argo CD compares it when it finds the credentials it holds for a repository
 * (its SameURL): in lower case, an scp-style `git@host:path` as `ssh://git@host/path`, without a
 * `.git` at its end; a port (the default one too), a trailing `/` and a user name stay.
 */
function argoCdUrl(url: string): string {
  const lower = url.trim().toLowerCase();
  return (scpAsSsh(lower) ?? lower).replace(/\.git$/, '');
}

/**
 * Whether two URLs of one repository (`sameRepository`) are two to Argo CD (`argoCdUrl`): the
 * credentials it holds for one (`argocd repo add`) are not found for the other, as when the default
 * port a URL wrote before is left out now (`https://git.example.com:443/...`, which stagecraft refuses
 * for Argo CD), or a trailing `/` or Azure DevOps's user name. Only of URLs that carry no credentials
 * and that the secret screening finds nothing in, printable as written (`shownUrl` would show the two
 * alike): one that brings its own credentials needs none of Argo CD's. Nor of one with a query or
 * fragment (`?ref=...`, `#...`, which an older file may hold and stagecraft refuses now), which no message
 * shows (`shownUrl`), and with which the credentials given for the URL without it were never found.
 */
function argoCdRespelt(was: string, now: string): boolean {
  const plain = (url: string) =>
    /^[!-~]+$/.test(url) && !/[?#]/.test(url) && repositoryCredentials(url) === undefined && detectSecret(url) === undefined;
  return argoCdUrl(was) !== argoCdUrl(now) && plain(was) && plain(now);
}

/**
 * The warnings for the stages that an engine's objects in the new `dist/delivery/` (`after`, by
 * `<engine>/<stage>`) read from another repository than they did (`before`), one per engine, old
 * and new repository and Secrets, and for those moved to the other engine (`engineSwitches`). A
 * stage new to delivery is not compared.
 * @param whole every stage's target in the new dist/delivery/, when `after` holds only some (npm run
 * diff of one stage), for what no stage reads any more (the old credentials, which may then go)
 */
export function repositoryMoves(
  before: ReadonlyMap<string, StageTarget>,
  after: ReadonlyMap<string, StageTarget>,
  whole: ReadonlyMap<string, StageTarget> = after,
): Problem[] {
  const moves = new Map<string, Move>();
  for (const [key, target] of after) {
    const was = before.get(key)?.repository;
    const now = target.repository;
    if (!was || !now) continue;
    const engine = key.startsWith('flux/') ? 'flux' : 'argocd';
    // Flux clones with the Secret its GitRepository names whatever the URL; Argo CD finds credentials by the URL as written
    const respelt = engine === 'argocd' && sameRepository(was.url, now.url) && argoCdRespelt(was.url, now.url);
    if (sameRepository(was.url, now.url) && !respelt) continue;
    const id = respelt
      ? [engine, argoCdUrl(was.url), argoCdUrl(now.url)].join('\n')
      : [engine, normalRepositoryUrl(was.url), was.secret, normalRepositoryUrl(now.url), now.secret].join('\n');
    const move = moves.get(id) ?? { engine, was, now, subjects: [], respelt };
    move.subjects.push(target.subject);
    moves.set(id, move);
  }
  const readBy = (engine: Engine) => [...whole].flatMap(([key, t]) => (key.startsWith(`${engine}/`) ? (t.repository ?? []) : []));
  return [
    ...[...moves.values()].flatMap((m) => {
      const problem = m.engine === 'argocd' ? argoCdMove(m, readBy('argocd')) : fluxMove(m, readBy('flux'));
      return problem ? [problem] : [];
    }),
    ...engineSwitches(before, after, whole, readBy),
  ];
}

/**
 * The warnings for the stages of `after` that the other engine delivered in `before` (and no longer
 * does in `whole`), one per engine, old and new repository and Secrets: the engine that takes a
 * stage over never reads the other's credentials. Flux clones with the Secret its GitRepository
 * names (or none), whatever Argo CD holds for the URL; Argo CD finds credentials by the URL, never in
 * the Secret Flux cloned with. Said of a private repository, or of one that may be: one Flux cloned
 * without a Secret at the same URL was public, and nothing is said.
 */
function engineSwitches(
  before: ReadonlyMap<string, StageTarget>,
  after: ReadonlyMap<string, StageTarget>,
  whole: ReadonlyMap<string, StageTarget>,
  readBy: (engine: Engine) => StageRepository[],
): Problem[] {
  const switches = new Map<string, Move>();
  for (const [key, target] of after) {
    const engine = key.startsWith('flux/') ? 'flux' : 'argocd';
    const left = `${engine === 'flux' ? 'argocd' : 'flux'}/${target.stage}`;
    const was = before.get(left)?.repository;
    const now = target.repository;
    if (before.has(key) || whole.has(left) || !was || !now) continue;
    // Flux cloned it without credentials, and Argo CD reads the same address: a public repository
    if (engine === 'argocd' && was.secret === undefined && sameRepository(was.url, now.url)) continue;
    // the engine taking it over read that repository for another stage already (Flux: with that Secret, the same
    // GitRepository): its credentials are in place, and only what the other engine held for the stage is said
    const inPlace = readBefore(before, engine, now);
    const id = [engine, normalRepositoryUrl(was.url), was.secret, normalRepositoryUrl(now.url), now.secret].join('\n');
    const move = switches.get(id) ?? { engine, was, now, subjects: [], inPlace };
    move.subjects.push(target.subject);
    switches.set(id, move);
  }
  return [...switches.values()].flatMap((m) => {
    const problem = m.engine === 'flux' ? toFlux(m, readBy('argocd')) : toArgoCd(m, readBy('flux'));
    return problem ? [problem] : [];
  });
}

/**
 * The warning of a switch whose credentials are in place (`Move.inPlace`): no sync or clone fails,
 * but the credentials the engine that let the stage go held for it alone (`left`, the clean-up that
 * ends the full warning's hint, `; once ...`) stay in the cluster unless removed; undefined when there are none.
 * @param why what the message says after `readsFrom`: why the credentials are in place
 */
function leftBehind(m: Move, engine: string, other: string, why: string, left: string): Problem | undefined {
  if (!left) return undefined;
  return {
    code: 'delivery/repository-moved',
    severity: 'warning',
    subject: andList(m.subjects),
    message: `${readsFrom(m, engine, other)}${why}, so its credentials are in place; those ${other} held for it stay in the cluster unless removed`,
    hint: left.replace(/^; /, ''),
  };
}

/** Whether a stage `engine` delivered in `before` read `repository` (Flux: cloned with its Secret, or none alike). */
const readBefore = (before: ReadonlyMap<string, StageTarget>, engine: Engine, repository: StageRepository) =>
  [...before].some(
    ([key, t]) =>
      key.startsWith(`${engine}/`) &&
      t.repository !== undefined &&
      sameRepository(t.repository.url, repository.url) &&
      (engine === 'argocd' || t.repository.secret === repository.secret),
  );

/** Where the objects of `m` read their stages, in a message: `reads its stage from <url>` (and the old URL when it changed). */
function readsFrom(m: Move, engine: string, other: string): string {
  const [was, now] = [shownUrl(m.was.url), shownUrl(m.now.url)];
  const one = m.subjects.length === 1;
  const moved = sameRepository(m.was.url, m.now.url) ? '' : ` (${other} read ${one ? 'it' : 'them'} from ${was})`;
  return `${engine} reads ${one ? 'its stage' : 'their stages'} from ${now} now, no longer ${other}${moved}`;
}

/** `the stage`, or `their stages` of several objects. */
const stagesOf = (m: Move) => (m.subjects.length === 1 ? 'the stage' : 'their stages');

/** A stage Argo CD delivered that Flux clones now: with the Secret its GitRepository names, or with none. */
function toFlux(m: Move, argoCdReads: readonly StageRepository[]): Problem | undefined {
  const now = shownUrl(m.now.url);
  const { secret } = m.now;
  const fails = `Flux's clone fails, and nothing new of ${stagesOf(m)} is applied (Argo CD no longer applies ${m.subjects.length === 1 ? 'it' : 'them'} either)`;
  // the old URL's credentials in Argo CD, when no Application reads it any more
  const rm = stillRead(m.was.url, argoCdReads)
    ? ''
    : `; once it is applied, ${argoCdRepoRm(m.was.url)} removes what Argo CD holds for it, should no other Application read it`;
  const by = secret === undefined ? 'with no credentials' : `with the Secret ${FLUX_NAMESPACE}/${secret}`;
  if (m.inPlace) return leftBehind(m, 'Flux', 'Argo CD', `, cloned ${by} as Flux cloned it for another stage already`, rm);
  return {
    code: 'delivery/repository-moved',
    severity: 'warning',
    subject: andList(m.subjects),
    ...(secret === undefined
      ? {
          message: `${readsFrom(m, 'Flux', 'Argo CD')}, and clones it with no credentials: Flux never uses those Argo CD holds for a repository (found by its URL); if it is private, ${fails}`,
          hint: `if ${now} is private, name a Secret for it (delivery.repository.secret beside its url) and create it before applying dist/delivery/flux: ${fluxSecretCommand('<name>', m.now.url)}${rm}`,
        }
      : {
          message: `${readsFrom(m, 'Flux', 'Argo CD')}, and clones it with the Secret ${FLUX_NAMESPACE}/${secret}: Flux never uses the credentials Argo CD holds for a repository (found by its URL), so unless that Secret is there and holds the credentials of ${now}, ${fails}`,
          hint: `before applying dist/delivery/flux, create it with the credentials of ${now}, unless it is there already (kubectl get secret -n ${FLUX_NAMESPACE} ${secret}): ${fluxSecretCommand(secret, m.now.url)}${rm}`,
        }),
  };
}

/** A stage Flux delivered that Argo CD reads now: by the credentials Argo CD holds for the URL, never the Secret Flux cloned with. */
function toArgoCd(m: Move, fluxReads: readonly StageRepository[]): Problem | undefined {
  const now = shownUrl(m.now.url);
  const old = m.was.secret;
  const cloned = old === undefined ? '' : `, which Flux cloned with the Secret ${FLUX_NAMESPACE}/${old}`;
  const oldLeft =
    old !== undefined && !fluxReads.some((r) => r.secret === old)
      ? `; once it is applied and synced, no GitRepository names the Secret ${FLUX_NAMESPACE}/${old} any more: kubectl delete secret -n ${FLUX_NAMESPACE} ${old} removes those credentials`
      : '';
  if (m.inPlace) return leftBehind(m, 'Argo CD', 'Flux', `${cloned}: Argo CD read it for another stage already`, oldLeft);
  return {
    code: 'delivery/repository-moved',
    severity: 'warning',
    subject: andList(m.subjects),
    message:
      `${readsFrom(m, 'Argo CD', 'Flux')}${cloned}: Argo CD never reads Flux's Secrets; it finds a private repository's credentials by its URL (a repository Secret in ${ARGOCD_NAMESPACE}, or a credential template whose URL begins it), ` +
      `and without any, the sync fails (the repository is not accessible), and nothing new of ${stagesOf(m)} is applied (Flux no longer applies ${m.subjects.length === 1 ? 'it' : 'them'} either)`,
    hint: `${old === undefined ? `if ${now} is private, give` : 'give'} Argo CD its credentials before applying dist/delivery/argocd, unless it has them (argocd repo list): ${argoCdRepoCommand(m.now.url)}${oldLeft}`,
  };
}

/** What the objects of `m` read, in the words of a message: `reads its stage from <url> now, no longer from <url>` for one, else `read their stages...`. */
function reads(m: Move): string {
  const one = m.subjects.length === 1;
  return `${one ? 'reads its stage' : 'read their stages'} from ${shownUrl(m.now.url)} now, no longer from ${shownUrl(m.was.url)}`;
}

/** Whether a repository of `readNow` (the new dist/delivery/'s) is still `url`. */
const stillRead = (url: string, readNow: readonly StageRepository[]) => readNow.some((r) => sameRepository(r.url, url));

function argoCdMove(m: Move, readNow: readonly StageRepository[]): Problem {
  const now = shownUrl(m.now.url);
  if (m.respelt) {
    // as written: shownUrl would show them alike (new URL() leaves out a default port); neither carries credentials (`argoCdRespelt`)
    const [was, written] = [m.was.url, m.now.url];
    return {
      code: 'delivery/repository-moved',
      severity: 'warning',
      subject: andList(m.subjects),
      message:
        `${m.subjects.length === 1 ? 'reads its stage' : 'read their stages'} from ${written} now, no longer from ${was}, the same repository written another way: ` +
        "Argo CD finds a private repository's credentials by its URL as written, but for its case and a .git at its end " +
        '(a port, the default one too, a trailing / or a user name tell two URLs apart), so those given for the old URL are not found for the new one; ' +
        'without any, the sync fails (the repository is not accessible), and the stage stays as the last commit it applied left it',
      hint:
        `if ${written} is private, give Argo CD its credentials before applying dist/delivery/argocd, unless a credential template's URL begins it (argocd repocreds list): ` +
        `argocd repo add ${written} ${sshHost(written) ? '--ssh-private-key-path <key file>' : '--username <user> --password <token>'}` +
        (readNow.some((r) => argoCdUrl(r.url) === argoCdUrl(was))
          ? ''
          : `; once it is applied and synced, argocd repo rm ${was} removes those of the old URL, which no Application reads any more`),
    };
  }
  return {
    code: 'delivery/repository-moved',
    severity: 'warning',
    subject: andList(m.subjects),
    message:
      `${reads(m)}: Argo CD finds a private repository's credentials by its URL (a repository Secret in ${ARGOCD_NAMESPACE}, or a credential template whose URL begins it), ` +
      `so those of the old URL are not used for the new one; without any, the sync fails (the repository is not accessible), and the stage stays as the old repository's last commit left it`,
    hint:
      `if ${now} is private, give Argo CD its credentials before applying dist/delivery/argocd: ${argoCdRepoCommand(m.now.url)}` +
      (stillRead(m.was.url, readNow)
        ? ''
        : `; once it is applied and synced, ${argoCdRepoRm(m.was.url)} removes those of the old one, which no Application reads any more`),
  };
}

function fluxMove(m: Move, readNow: readonly StageRepository[]): Problem | undefined {
  const [was, now] = [shownUrl(m.was.url), shownUrl(m.now.url)];
  const { secret } = m.now;
  const old = m.was.secret;
  // the old Secret, when no GitRepository names it any more: credentials left in the cluster for nothing
  const oldLeft =
    old !== undefined && old !== secret && !readNow.some((r) => r.secret === old)
      ? `; once it is applied, no GitRepository names the Secret ${FLUX_NAMESPACE}/${old} any more: kubectl delete secret -n ${FLUX_NAMESPACE} ${old} removes the credentials of ${was}`
      : '';
  const fails = "Flux's clone fails, and nothing new of the stage is applied";
  const they = m.subjects.length === 1 ? 'it' : 'they';
  const base = { code: 'delivery/repository-moved', severity: 'warning', subject: andList(m.subjects) } as const;
  if (secret === undefined) {
    // public before and after: nothing to give
    if (old === undefined) return undefined;
    return {
      ...base,
      message: `${reads(m)}, which ${they} cloned with the Secret ${FLUX_NAMESPACE}/${old}; the new one is cloned with no credentials: if it is private, ${fails}`,
      hint: `if ${now} is private, name a Secret for it (delivery.repository.secret beside its url) and create it before applying dist/delivery/flux: ${fluxSecretCommand('<name>', m.now.url)}${oldLeft}`,
    };
  }
  const same = secret === old;
  return {
    ...base,
    message: same
      ? `${reads(m)}, both cloned with the Secret ${FLUX_NAMESPACE}/${secret}: Flux sends the new host what it holds, and unless that is the credentials of ${now}, ${fails}`
      : `${reads(m)}, cloned with the Secret ${FLUX_NAMESPACE}/${secret} now${old === undefined ? '' : ` (the old one with ${FLUX_NAMESPACE}/${old})`}: unless that Secret is there and holds the credentials of ${now}, ${fails}`,
    hint: `before applying dist/delivery/flux, ${same ? `put the credentials of ${now} in it` : 'create it with the credentials of the new one'}: ${fluxSecretCommand(secret, m.now.url)}${
      same && readNow.some((r) => r.secret === secret && !sameRepository(r.url, m.now.url))
        ? `; another GitRepository still clones another repository with it: give ${now} a Secret of its own (delivery.repository.secret) instead`
        : ''
    }${oldLeft}`,
  };
}
