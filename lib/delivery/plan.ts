/**
 * Where each stage is delivered: its `delivery:` settings over the project file's defaults,
 * resolved into one plan per stage, with every problem found. Pure.
 */
import type { Problem } from '../errors.js';
import { didYouMean } from '../model/did-you-mean.js';
import { sourceName } from './source-name.js';
import { ARGOCD_NAMESPACE } from './argocd.js';
import { fluxRevision } from './flux.js';
import { normalRepositoryUrl } from './urls.js';
import {
  NO_CHECKOUT,
  notARemote,
  ownCopied,
  ownRepository,
  pathUnchecked,
  projectElsewhere,
  stageNotARemote,
  unknownRevision,
} from './checkout.js';
import { argoCdDefaultProject, unnamedInDeployRepository } from './project-name.js';
import { fluxSecretCommand } from './repository-moves.js';
import { settingPlace, type DeliveredStage, type ProjectPlaces } from './stage.js';
import { DEFAULT_PROJECT, stageObjectName, stagePath, type DeliveryPlan, type ProjectCheckout } from './delivery-plan.js';
import { MAX_LABEL_VALUE } from '../model/labels.js';
import { fluxOwnClusters, sameClusterKeys, sameSourceNames, sharedNamespaces, sharedObjects } from './conflicts.js';
import type { ProjectFile } from '../config/delivery.js';
import { INSTANCE_LABEL_CODE, claimedObjects, nameAsLabel, overwrittenLabel, unreadArgocd } from './tracking.js';
import { repositoryCredentials } from '../config/repository-credentials.js';
import { repositoryMismatches, repositoryUrlForm } from '../config/repository-url.js';
import { ignoredSyncSettings, resolvedSync, shortFluxTimeout, syncMismatches, unreadProjectTimeout } from '../config/sync-policy.js';

/** What a stage writes in its own `sync:` in place of a project file's setting its engine cannot honour. */
const INHERITED_FIX: Readonly<Record<'selfHeal' | 'timeout', string>> = {
  selfHeal: "sync: { selfHeal: true } under this stage's delivery: (Flux always puts back drift)",
  timeout: "sync: { timeout: 5m } under this stage's delivery: (30s or more: how long its apply and rollouts may take)",
};

export const DEFAULT_REVISION = 'main';

export type { DeliveryPlan } from './delivery-plan.js';

/**
 * The delivery plan of every stage that declares `delivery:`, in stage order; the problems that
 * prevent it, and warnings (`notices`) of the settings an engine reads none of (`ignoredSyncSettings`).
 * @param promotedFrom each stage's `promotion.from`: its delivery waits for that stage's (Flux `dependsOn`)
 * @param checkout what Git says of the checkout the project lies in: its directory there (`infra/k8s`, `''` at its top),
 *   which the project file's `delivery.repository.path` must say unless `copied: true` declares another repository, and
 *   its remotes, which that repository may not be; each undefined when no Git says (not in one). Asked only when a
 *   stage is delivered: it starts git
 */
export function planDelivery(
  stages: readonly DeliveredStage[],
  project: ProjectFile,
  projectSource: string,
  promotedFrom: ReadonlyMap<string, string>,
  projectPlaces: ProjectPlaces = () => undefined,
  checkout: ProjectCheckout = NO_CHECKOUT,
): { plans: DeliveryPlan[]; problems: Problem[]; notices: Problem[] } {
  const defaults = project.delivery ?? {};
  const clusters = defaults.clusters ?? {};
  const problems: Problem[] = [];
  const notices: Problem[] = [];
  const plans: DeliveryPlan[] = [];
  let projectSecretRead = false;
  // what the engine of the stages that inherit it cannot read of a project file's setting, by its path: said once (`projectSetting`)
  const projectErrors = new Map<string, { path: string[]; said: { code: string; message: string; hint: string } }>();
  const projectError = (path: string[], said: { code: string; message: string; hint: string }) =>
    projectErrors.set(`${path.join('.')}\0${said.message}`, { path, said });
  // the project file's sync.timeout that Flux takes as 30s, for a stage that inherits it (shortFluxTimeout), said once
  let projectTimeout: { message: string; hint: string } | undefined;
  for (const s of stages) {
    const d = s.delivery;
    const at = (setting: string, message: string, hint: string, code: string): Problem => {
      const location = settingPlace(s, setting, projectPlaces);
      return location
        ? { code, location, message: `delivery.${setting}: ${message}`, hint }
        : { code, subject: `${s.source}: delivery.${setting}`, message, hint };
    };
    const fail = (setting: string, message: string, hint: string, code = 'delivery/settings') =>
      problems.push(at(setting, message, hint, code));
    const engine = d.engine ?? defaults.engine;
    const clusterName = d.cluster ?? defaults.cluster;
    const url = d.repository?.url ?? defaults.repository?.url;
    if (!engine)
      fail(
        'engine',
        'names no engine, and the project file sets no delivery.engine',
        `set delivery.engine (argocd or flux) in ${s.source} or in ${projectSource}`,
      );
    if (!url)
      fail(
        'repository.url',
        'names no Git repository, and the project file sets no delivery.repository.url',
        `set delivery.repository.url in ${projectSource}`,
      );
    if (!clusterName) {
      fail(
        'cluster',
        'names no cluster',
        `set delivery.cluster to one of the clusters of ${projectSource}: ${Object.keys(clusters).join(', ') || 'none yet'}`,
      );
    } else if (!Object.hasOwn(clusters, clusterName)) {
      const guess = didYouMean(clusterName, Object.keys(clusters));
      fail(
        'cluster',
        `names the cluster '${clusterName}', which ${projectSource} does not declare${guess ? `; did you mean '${guess}'?` : ''}`,
        `declare it under delivery.clusters in ${projectSource} (its server URL, or its name in the engine)`,
      );
    }
    // the project file's own url was checked when it was read; here, a stage's, with whatever engine
    const credentials = d.repository?.url === undefined ? undefined : repositoryCredentials(d.repository.url);
    if (credentials) fail('repository.url', credentials.message, credentials.hint, credentials.code);
    // a fragment no engine reads: the project file's was refused at its url line when it was read, whatever its engine
    const fragment = d.repository?.url === undefined ? undefined : repositoryUrlForm(d.repository.url);
    if (fragment) fail('repository.url', fragment.message, fragment.hint, fragment.code);
    if (!engine || !url || !clusterName || !Object.hasOwn(clusters, clusterName) || credentials) continue;
    const revision = d.repository?.revision ?? defaults.repository?.revision ?? DEFAULT_REVISION;
    // the credentials go with the URL: the project file's are not sent to another repository, but a stage
    // that writes the project file's own (another revision of it) clones it with them
    const another =
      d.repository?.url !== undefined &&
      (defaults.repository?.url === undefined || !sameRepositoryUrl(d.repository.url, defaults.repository.url));
    const secret = another ? d.repository?.secret : (d.repository?.secret ?? defaults.repository?.secret);
    // against the stage's engine: the project file's engine may deliver no stage, so its own settings are checked here too
    const mismatches = repositoryMismatches(engine, { url, revision });
    for (const { setting, message, hint, code } of mismatches) {
      const own = d.repository?.[setting] !== undefined;
      // the project file's engine and setting both: said once, at the project file's setting
      if (!own && d.engine === undefined) {
        projectError(['delivery', 'repository', setting], { code, message, hint });
        continue;
      }
      fail(
        own ? `repository.${setting}` : 'engine',
        own ? message : `${message} (${projectSource}'s delivery.repository.${setting})`,
        hint,
        code,
      );
    }
    const keyless = engine === 'flux' && !mismatches.length && secret === undefined ? sshWithoutKey(url) : undefined;
    if (keyless && d.repository?.url === undefined && d.engine === undefined)
      projectError(['delivery', 'repository', 'url'], { code: 'delivery/repository-url', ...keyless });
    else if (keyless)
      fail(
        d.repository?.url !== undefined ? 'repository.url' : 'engine',
        d.repository?.url !== undefined ? keyless.message : `${keyless.message} (${projectSource}'s delivery.repository.url)`,
        keyless.hint,
        'delivery/repository-url',
      );
    const sync = resolvedSync({ ...defaults.sync, ...d.sync });
    // the same of the sync policy
    const unhonoured = syncMismatches(engine, sync);
    for (const { setting, message, hint, code } of unhonoured) {
      // the project file's engine and setting both (and, for selfHeal, its automated): said once, at the project file's setting
      if (d.sync?.[setting] === undefined && d.engine === undefined && (setting !== 'selfHeal' || d.sync?.automated === undefined)) {
        projectError(['delivery', 'sync', setting], { code, message, hint });
        continue;
      }
      // at the stage's own setting, else at what the stage chose that makes the project file's setting count
      const place =
        d.sync?.[setting] !== undefined
          ? `sync.${setting}`
          : d.engine !== undefined || setting !== 'selfHeal'
            ? 'engine'
            : 'sync.automated';
      const inherited = place !== `sync.${setting}`;
      fail(
        place,
        inherited ? `${message} (${projectSource}'s delivery.sync.${setting}: ${String(sync[setting])})` : message,
        inherited ? `write ${INHERITED_FIX[setting]}, or deliver it with Argo CD (engine: argocd)` : hint,
        code,
      );
    }
    if (fragment || mismatches.length || unhonoured.length) continue;
    // (where the project is in a work tree: outside one, no git is asked more)
    const missing = checkout.prefix() !== undefined ? unknownRevision(url, revision, engine, checkout) : undefined;
    const warning = missing && {
      ...at('repository.revision', missing.message, missing.hint, 'delivery/unknown-revision'),
      severity: 'warning' as const,
    };
    // the project file's revision that several stages inherit: said once, at its place
    if (warning && !notices.some((n) => n.message === warning.message && JSON.stringify(n.location) === JSON.stringify(warning.location)))
      notices.push(warning);
    // a stage's own repository, held to the checkout's remotes as the project file's is (below), unless that is a deploy
    // repository CI copies dist/ into, whose layout, and so what else may be read so, no Git here tells
    const stranger =
      another && defaults.repository?.copied !== true && checkout.prefix() !== undefined
        ? stageNotARemote(url, checkout, s.source, defaults.repository?.url === undefined ? undefined : projectSource)
        : undefined;
    if (stranger) notices.push({ ...at('repository.url', stranger.message, stranger.hint, 'delivery/not-a-remote'), severity: 'warning' });
    const short = shortFluxTimeout(engine, sync.timeout);
    // at the stage's own, or at the engine it picks that reads the project file's; else the project file's is said once (below)
    if (short && d.sync?.timeout !== undefined)
      notices.push({ ...at('sync.timeout', short.message, short.hint, short.code), severity: 'warning' });
    else if (short && d.engine !== undefined)
      notices.push({
        ...at('engine', `${short.message} (${projectSource}'s delivery.sync.timeout: ${sync.timeout})`, short.hint, short.code),
        severity: 'warning',
      });
    else if (short) projectTimeout = short;
    for (const { setting, message, hint, code } of ignoredSyncSettings(engine, d.sync)) {
      notices.push({ ...at(`sync.${setting}`, message, hint, code), severity: 'warning' });
    }
    if (engine === 'argocd' && d.repository?.secret !== undefined) {
      const { message, hint } = unreadSecret(d.repository.secret, url);
      notices.push({ ...at('repository.secret', message, hint, UNREAD_SECRET), severity: 'warning' });
    }
    // the project file's secret, read by a Flux stage that clones the project's repository with it
    if (engine === 'flux' && secret !== undefined && d.repository?.secret === undefined) projectSecretRead = true;
    const cluster = { id: clusterName, ...clusters[clusterName] };
    if (engine === 'argocd' && !cluster.server && !cluster.name) {
      fail(
        'cluster',
        `the cluster '${clusterName}' has neither server nor name, which Argo CD needs`,
        `set delivery.clusters.${clusterName}.server in ${projectSource}`,
      );
      continue;
    }
    const previous = promotedFrom.get(s.stage);
    const project = defaults.project ?? DEFAULT_PROJECT;
    const name = stageObjectName(project, s.stage);
    // each engine writes the name as a label value on every object it applies, Argo CD as its argocd-cm says (`nameAsLabel`)
    const asLabel = nameAsLabel(engine, name, defaults.argocd, projectSource);
    if (asLabel) {
      const longest = MAX_LABEL_VALUE - project.length - 1;
      fail(
        'engine',
        `the ${engine === 'flux' ? 'Kustomization' : 'Application'} of the stage ${s.stage} is named ${name} (${name.length} characters: ${projectSource}'s delivery.project, '-' and the stage's name), ${asLabel.writes}, and a label value has at most ${MAX_LABEL_VALUE} characters: the cluster would refuse every object of the stage`,
        (longest > 0
          ? `name the stage with at most ${longest} characters, or write a shorter delivery.project in ${projectSource} (${project}, ${project.length} characters)`
          : `write a shorter delivery.project in ${projectSource} (${project}, ${project.length} characters)`) + asLabel.hint,
      );
      continue;
    }
    const defaultRevision = defaults.repository?.revision ?? DEFAULT_REVISION;
    // Flux: one commit in capitals and in small letters is one revision, so one GitRepository (`fluxRevision`)
    const followedRevision = engine === 'flux' ? fluxRevision(revision) : revision;
    const defaultRepository = {
      url: defaults.repository?.url,
      revision: engine === 'flux' ? fluxRevision(defaultRevision) : defaultRevision,
    };
    // Flux: the project file's repository spelt another way (.git, a trailing /, a host in capitals) is
    // followed as the project file spells it, so by the GitRepository of the project's (no second one
    // polling and storing the same repository), unless Flux cannot clone that spelling (the project file's
    // scp-style git@host:path, which a Flux stage writes as ssh://); Argo CD matches repositories by the address they reach
    const projectUrl = defaults.repository?.url;
    const followed =
      engine === 'flux' && !another && projectUrl !== undefined && !repositoryMismatches(engine, { url: projectUrl }).length
        ? projectUrl
        : url;
    plans.push({
      stage: s.stage,
      namespace: s.namespace,
      engine,
      project,
      cluster,
      repository: { url: followed, revision: followedRevision, ...(secret !== undefined ? { secret } : {}) },
      path: stagePath(defaults.repository?.path, s.stage),
      ...(engine === 'flux' ? { source: sourceName(project, { url: followed, revision: followedRevision }, defaultRepository) } : {}),
      sync,
      namespaces: s.namespaces,
      kinds: s.kinds,
      ...(previous !== undefined ? { after: previous } : {}),
    });
  }
  // a warning said once, at the project file's setting (`path`); or an error
  const projectSetting = (
    path: string[],
    code: string,
    { message, hint }: { message: string; hint: string },
    severity: 'warning' | 'error' = 'warning',
  ): Problem => {
    const location = projectPlaces(path);
    const setting = path.join('.');
    return {
      code,
      ...(severity === 'warning' ? { severity } : {}),
      ...(location ? { location, message: `${setting}: ${message}` } : { subject: `${projectSource}: ${setting}`, message }),
      hint,
    };
  };
  for (const { path, said } of projectErrors.values()) problems.push(projectSetting(path, said.code, said, 'error'));
  const projectSecret = defaults.repository?.secret;
  // no stage Flux delivers clones the project's repository with it
  if (projectSecret !== undefined && stages.length && !projectSecretRead && defaults.repository?.url !== undefined)
    notices.push(
      projectSetting(['delivery', 'repository', 'secret'], UNREAD_SECRET, unreadSecret(projectSecret, defaults.repository.url, true)),
    );
  if (projectTimeout) notices.push(projectSetting(['delivery', 'sync', 'timeout'], 'delivery/sync', projectTimeout));
  const applications = plans.filter((p) => p.engine === 'argocd').map((p) => stageObjectName(p.project, p.stage));
  const overwritten = overwrittenLabel(defaults.argocd, applications, projectSource);
  if (overwritten) notices.push(projectSetting(['delivery', 'argocd', overwritten.setting], overwritten.code, overwritten));
  for (const claimed of claimedObjects(defaults.argocd, plans, stages, projectSource))
    problems.push(projectSetting(['delivery', 'argocd', 'resourceTrackingMethod'], INSTANCE_LABEL_CODE, claimed, 'error'));
  const unreadTracking = unreadArgocd(defaults.argocd, applications, stages.length);
  if (unreadTracking) notices.push(projectSetting(['delivery', 'argocd'], 'delivery/settings', unreadTracking));
  const unread = unreadProjectTimeout(
    defaults.sync?.timeout,
    stages.map((s) => ({ engine: s.delivery.engine ?? defaults.engine, timeout: s.delivery.sync?.timeout })),
  );
  // no stage inherits it
  if (unread) notices.push(projectSetting(['delivery', 'sync', 'timeout'], unread.code, unread));
  const argoCdOwn = argoCdDefaultProject(defaults.project, plans, projectSource);
  if (argoCdOwn) problems.push(projectSetting(['delivery', 'project'], 'delivery/settings', argoCdOwn, 'error'));
  const unnamed = stages.length ? unnamedInDeployRepository(defaults, projectSource) : undefined;
  if (unnamed) notices.push(projectSetting(['delivery', 'repository', 'copied'], 'delivery/settings', unnamed));
  const own = stages.length ? ownRepository(defaults.repository, checkout) : undefined;
  if (own)
    problems.push(
      projectSetting(
        ['delivery', 'repository', 'copied'],
        'delivery/settings',
        ownCopied(defaults.repository!.url!, own, projectSource),
        'error',
      ),
    );
  // a deploy repository's layout no Git of this checkout tells: taken as said
  const checked = stages.length && (defaults.repository?.copied !== true || own !== undefined);
  const elsewhere = checked ? projectElsewhere(defaults.repository, checkout, projectSource) : undefined;
  if (elsewhere) {
    const path =
      defaults.repository?.path !== undefined
        ? ['delivery', 'repository', 'path']
        : defaults.repository
          ? ['delivery', 'repository']
          : ['delivery'];
    problems.push(projectSetting(path, 'delivery/settings', elsewhere, 'error'));
  }
  const repositoryUrl = defaults.repository?.url;
  // the project file's repository, as a stage that inherits it clones it: one this checkout's pushes reach
  const inherited = repositoryUrl !== undefined && plans.some((p) => sameRepositoryUrl(p.repository.url, repositoryUrl));
  const notRemote =
    checked && !elsewhere && inherited && checkout.prefix() !== undefined
      ? notARemote(defaults.repository, checkout, projectSource)
      : undefined;
  if (notRemote) notices.push(projectSetting(['delivery', 'repository', 'url'], 'delivery/not-a-remote', notRemote));
  // no Git said where the project is though one may have: said at the first stage's delivery:, once
  const unanswered = checked && checkout.prefix() === undefined ? checkout.unanswered?.() : undefined;
  if (unanswered) notices.push(stageDelivery(stages[0]!, 'delivery/unchecked-path', pathUnchecked(unanswered, defaults.repository)));
  problems.push(
    ...sameClusterKeys(clusters, projectSource, projectPlaces),
    ...fluxOwnClusters(plans, projectSource, projectPlaces),
    ...sameSourceNames(plans, stages, projectPlaces),
    ...sharedNamespaces(plans, stages),
    ...sharedObjects(plans, stages, projectPlaces),
  );
  return { plans: plans.map(({ after, ...p }) => withAfter(p, waitsFor(p, after, plans))), problems, notices };
}

const UNREAD_SECRET = 'delivery/unread-secret';

const sameRepositoryUrl = (a: string, b: string) => normalRepositoryUrl(a) === normalRepositoryUrl(b);

/** A warning at a stage's `delivery:` key (of a stage file read without places: by its file and key). */
function stageDelivery(s: DeliveredStage, code: string, { message, hint }: { message: string; hint: string }): Problem {
  const at = s.places?.delivery;
  return at
    ? { code, severity: 'warning', location: { file: s.source, ...at }, message: `delivery: ${message}`, hint }
    : { code, severity: 'warning', subject: `${s.source}: delivery`, message, hint };
}

/**
 * Why a `repository.secret` is read by no engine, and how to give Argo CD the credentials: Argo CD
 * finds them by the repository's URL, in a Secret of its namespace, and reads no Secret's name from
 * an Application (a stage moved from Flux to Argo CD keeps a secret: that clones nothing).
 * @param project whether it is the project file's, which no stage Flux delivers reads
 */
function unreadSecret(secret: string, url: string, project = false): { message: string; hint: string } {
  const who = project ? 'no stage Flux delivers clones the repository with it, and Argo CD reads no secret:' : 'Argo CD reads no secret:';
  return {
    message: `${who} it finds a private repository's credentials by its URL, in a Secret of ${ARGOCD_NAMESPACE} labelled argocd.argoproj.io/secret-type: repository, so this one (${secret}) is ignored`,
    hint: `remove it; for a private repository, give Argo CD its credentials once: argocd repo add ${url} --username ... --password ... (--ssh-private-key-path ... for an ssh:// URL)`,
  };
}

const withAfter = (p: DeliveryPlan, after: string | undefined): DeliveryPlan => (after === undefined ? p : { ...p, after });

/**
 * The stage `p` waits for: the one before it in the promotion order (`after`) when the same engine
 * delivers it. Flux applies a stage only once the one it depends on is ready at the current
 * revision, which a suspended Kustomization (`sync.automated: false`) never is: a stage after a
 * suspended one waits for the nearest stage before that which is not suspended, or for none.
 */
function waitsFor(p: DeliveryPlan, after: string | undefined, plans: readonly DeliveryPlan[]): string | undefined {
  const byStage = new Map(plans.map((q) => [q.stage, q]));
  const seen = new Set([p.stage]);
  for (let stage = after; stage !== undefined && !seen.has(stage); stage = byStage.get(stage)?.after) {
    const q = byStage.get(stage);
    // a stage waits only for a stage the same engine delivers
    if (!q || q.engine !== p.engine) return undefined;
    if (p.engine !== 'flux' || q.sync.automated) return stage;
    seen.add(stage);
  }
  return undefined;
}

/**
 * Why Flux cannot clone an `ssh://` URL its GitRepository names no Secret for: Flux has no anonymous ssh,
 * and refuses the clone without a key and the host's known_hosts (fluxcd/pkg/git `AuthOptions.Validate`:
 * "invalid 'ssh' auth option: 'identity' is required"), public repository or not. Undefined for another URL.
 */
function sshWithoutKey(url: string): { message: string; hint: string } | undefined {
  if (!/^ssh:\/\//i.test(url)) return undefined;
  return {
    message: `Flux clones ${url} over ssh with the key of the Secret its GitRepository names, and this names none (delivery.repository.secret): Flux refuses the clone ('identity' is required), public repository or not, so no commit of the stage would be applied`,
    hint: `name a Secret beside the url (repository: { url: ..., secret: git-ssh }) and create it in flux-system before applying dist/delivery/flux: ${fluxSecretCommand('git-ssh', url)}; or, for a public repository, write its https:// URL`,
  };
}
