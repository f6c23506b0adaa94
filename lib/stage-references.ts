/**
 * Reference problems of a stage's own settings, placed where the stage file says them. A check
 * that finds a pod running as a ServiceAccount the stage lacks, or reading a ConfigMap or Secret
 * (or a key of one) that the stage lacks, or an Ingress naming a cert-manager issuer that is mistaken,
 * reports it at the rendered object's field; when a stack says which of its settings wrote that field
 * (`Stack.settingOf`: the service stack's `serviceAccountName`, `configMaps:`, `secrets:` and
 * `ingress.annotations`), the problem is the stage file's, reported at
 * that setting's `file:line:col` as bad input, with what the check said of the object. So is an
 * object two apps make (the checks find it defined twice): at the later app, or at the setting that
 * names the object there (`Stack.objectNames`). And an object named after its app whose kind refuses
 * that name (a Service `9web`): at the app's key. And the store the stage's own ExternalSecrets name
 * (`secretStore:`) when the checks find it of the other kind or near a store's name: at `secretStore`. Pure.
 */
import type { LoadedStage } from './config/load.js';
import type { Problem, SourceLocation } from './errors.js';
import type { Finding } from './checks/finding.js';
import { formatFieldPath as dotted, valueAt } from './model/field-path.js';
import { andList } from './model/limits.js';
import { CONTAINER_LISTS } from './model/pod-specs.js';
import { describeObject, type KubeObject } from './model/object.js';
import type { Stack } from './stack.js';
import { groupOf } from './k8s.js';
import { NAMESPACE_CHART, type RenderedChart, type RenderedStage } from './synth/rendered.js';
import { chartHeads } from './synth/app-summary.js';
import { includedPlaces } from './checks/manifests.js';

/**
 * Codes of the checks' findings about an object a pod names that the stage lacks (lib/checks/references-pods.ts),
 * an Ingress's cert-manager issuer annotation (lib/checks/issuer-refs.ts), and an Ingress's route to a Service
 * the stage lacks or to a port it does not have (lib/checks/references.ts).
 */
const PLACED_CODES = new Set([
  'refs/ingress-service',
  'refs/ingress-port',
  'refs/configmap',
  'refs/configmap-key',
  'refs/secret',
  'refs/secret-key',
  'refs/service-account',
  'refs/cert-issuer',
]);

/**
 * Codes of the findings about an object missing as a whole, said once per app and object: a
 * ConfigMap several variables and envFrom entries use is missing once. (A missing Secret's finding
 * is at each setting that declares it, each with the keys to set.)
 */
const WHOLE = new Set(['refs/configmap']);

/** The name of the object a finding's field names: `configMapKeyRef`, `configMapRef` or a `configMap` volume's name. */
const referencedName = (f: Finding): unknown => (valueAt(f.object, f.path) as { name?: unknown } | undefined)?.name;

/** The code of the checks' finding about an object defined twice (lib/checks/object-index.ts). */
const DUPLICATE = 'refs/duplicate-object';

/** The code of the checks' finding about a name its kind does not take (lib/checks/api-rules-meta.ts). */
const NAME = 'api/name';

/** The code of the checks' finding about the store an ExternalSecret names (lib/checks/store-secrets.ts). */
const STORE = 'refs/secret-store';

export interface PlacedReferences {
  /** The findings left at their objects. */
  readonly findings: readonly Finding[];
  /** Those placed at the stage-file setting that wrote their field. */
  readonly problems: readonly Problem[];
}

/** `findings` with the reference errors that a stage-file setting wrote taken out, as problems at that setting. */
export function placedReferences(
  findings: readonly Finding[],
  rendered: RenderedStage,
  loaded: LoadedStage,
  stacks: Readonly<Record<string, Stack>>,
): PlacedReferences {
  if (
    !findings.some(
      (f) => f.severity === 'error' && (PLACED_CODES.has(f.code) || f.code === DUPLICATE || f.code === NAME || f.code === STORE),
    )
  )
    return { findings, problems: [] };
  const apps = new Map(loaded.apps.map((a) => [a.name, a]));
  /**
   * The chart and position of each object of an app whose stack says where its settings went, by
   * description: made once a finding needs them, from what is known without reading a cached app
   * (`chartHeads`); the owner's object itself is read for the finding alone.
   */
  let owners: Map<string, { chart: RenderedChart; at: number }> | undefined;
  const ownerOf = (o: KubeObject) => {
    if (!owners) {
      owners = new Map();
      for (const chart of rendered.charts) {
        const app = apps.get(chart.name);
        if (chart.name === NAMESPACE_CHART || !app || !stacks[app.stack]?.settingOf) continue;
        const heads = chartHeads(chart);
        for (let at = 0; at < heads.length; at++) owners.set(describeObject(heads[at]), { chart, at });
      }
    }
    const owner = owners.get(describeObject(o));
    return owner && { app: owner.chart.name, object: owner.chart.objects[owner.at] };
  };
  const duplicates = placedDuplicates(findings, rendered, loaded, stacks);
  const appNamed = placedAppNames(findings, rendered, loaded);
  const store = placedStoreRefs(findings, rendered, loaded);
  const rest: Finding[] = [];
  const problems: Problem[] = [...duplicates.problems, ...appNamed.problems, ...store.problems];
  /**
   * The findings said as one problem, by code and setting (each container of each color that reads
   * it), and a missing ConfigMap by app and name (`WHOLE`), with the settings that name it.
   */
  const said = new Map<string, { places: { name: string; own: string; location: SourceLocation; first: Finding }[]; readers: Finding[] }>();
  for (const f of findings) {
    if (duplicates.placed.has(f) || appNamed.placed.has(f) || store.placed.has(f)) continue;
    const owner = f.severity === 'error' && PLACED_CODES.has(f.code) ? ownerOf(f.object) : undefined;
    const app = owner && apps.get(owner.app);
    // the object as rendered: a cached app's finding may be on a stand-in, which has no fields
    const place = app && stacks[app.stack].settingOf!(app.settings, owner.object, f.path);
    if (!place) {
      rest.push(f);
      continue;
    }
    const setting = ['apps', app.name, ...place.path];
    const name = dotted(place.key === undefined ? setting : [...setting, place.key]);
    const key = WHOLE.has(f.code) ? `${f.code} ${app.name} ${String(referencedName(f))}` : `${f.code} ${name}`;
    const group = said.get(key) ?? said.set(key, { places: [], readers: [] }).get(key)!;
    group.readers.push(f);
    if (!group.places.some((p) => p.name === name))
      group.places.push({
        name,
        own: dotted(place.key === undefined ? place.path : [...place.path, place.key]),
        location: loaded.locate(setting, place.key),
        first: f,
      });
  }
  // one problem per setting (and per missing ConfigMap), at the first setting in the stage file: said once, however
  // many containers (init ones, each color's) use it, naming each object once, in the list of those that use it
  for (const { places, readers } of said.values()) {
    const [{ name, location, first }] = places.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
    const by = places.length > 1 ? `used by ${andList(places.map((p) => p.own))}, in ` : 'used by ';
    problems.push({
      code: first.code,
      location,
      message:
        readers.length === 1
          ? `${name}: ${describeObject(first.object)}: ${first.message}`
          : `${name}: ${first.message}; ${by}${readPlaces(readers)}`,
      ...(first.hint ? { hint: first.hint } : {}),
    });
  }
  return { findings: rest, problems };
}

/** Where findings' fields are: each object, with the containers whose fields they are (`Deployment qa/api-blue (containers api and migrate)`). */
function readPlaces(findings: readonly Finding[]): string {
  const containers = new Map<string, string[]>();
  for (const f of findings) {
    const list = f.path.findIndex((p) => (CONTAINER_LISTS as readonly unknown[]).includes(p));
    const name = list < 0 ? undefined : (valueAt(f.object, f.path.slice(0, list + 2)) as { name?: unknown } | undefined)?.name;
    const names = containers.get(describeObject(f.object)) ?? [];
    if (typeof name === 'string' && !names.includes(name)) names.push(name);
    containers.set(describeObject(f.object), names);
  }
  return andList(
    [...containers].map(([o, names]) => (names.length ? `${o} (${names.length > 1 ? 'containers' : 'container'} ${andList(names)})` : o)),
  );
}

/**
 * The objects named as their app is whose kind does not take that name (a Service `9web`, which
 * must start with a letter), placed at the app's key: the name is the app's.
 */
function placedAppNames(
  findings: readonly Finding[],
  rendered: RenderedStage,
  loaded: LoadedStage,
): { readonly placed: ReadonlySet<Finding>; readonly problems: readonly Problem[] } {
  const placed = new Set<Finding>();
  const problems: Problem[] = [];
  const apps = new Set(loaded.apps.map((a) => a.name));
  const bad = findings.filter(
    (f) => f.severity === 'error' && f.code === NAME && f.path.join('.') === 'metadata.name' && apps.has(String(f.object.metadata?.name)),
  );
  if (!bad.length) return { placed, problems };
  const charts = new Map(rendered.charts.map((c) => [c.name, c]));
  for (const f of bad) {
    const app = String(f.object.metadata.name);
    const chart = charts.get(app);
    // the app's own object: another app's object of that name stays with the checks
    if (!chart || !chartHeads(chart).some((o) => describeObject(o) === describeObject(f.object))) continue;
    placed.add(f);
    problems.push({
      code: f.code,
      location: loaded.locate(['apps'], app),
      message: `apps.${app} names ${describeObject(f.object)} after itself: ${f.message}`,
      hint: `rename the app: ${f.hint}`,
    });
  }
  return { placed, problems };
}

/**
 * The store the stage's own ExternalSecrets name (made from its `secretStore:`, lib/constructs/external-secrets.ts)
 * when the checks find it mistaken (`refs/secret-store`: of the other kind, or near the name of a store the
 * objects make), said once at the stage file's `secretStore.name`, or `secretStore.kind` when the kind is
 * the mistake: the ExternalSecrets are stagecraft's, their store the stage file's.
 */
function placedStoreRefs(
  findings: readonly Finding[],
  rendered: RenderedStage,
  loaded: LoadedStage,
): { readonly placed: ReadonlySet<Finding>; readonly problems: readonly Problem[] } {
  const placed = new Set<Finding>();
  const problems: Problem[] = [];
  // the stage file as loaded (its schema's): `secretStore.kind` defaults to ClusterSecretStore
  const store = (loaded.file as { readonly secretStore?: { readonly kind?: string } } | undefined)?.secretStore;
  if (!store || !findings.some((f) => f.code === STORE)) return { placed, problems };
  const own = new Set(rendered.charts.find((c) => c.name === NAMESPACE_CHART)?.objects);
  /** By the field of the stage file said: the findings of each. */
  const byField = new Map<'name' | 'kind', Finding[]>();
  for (const f of findings) {
    if (f.severity !== 'error' || f.code !== STORE || !own.has(f.object)) continue;
    const field = f.path[f.path.length - 1] === 'kind' ? 'kind' : 'name';
    byField.set(field, [...(byField.get(field) ?? []), f]);
    placed.add(f);
  }
  for (const [field, found] of byField) {
    const [first] = found;
    // the kind not written in the stage file is its default: said at the name, where it is added
    const at = field === 'kind' && store.kind !== undefined ? ['secretStore', 'kind'] : ['secretStore', 'name'];
    const other = (store.kind ?? 'ClusterSecretStore') === 'ClusterSecretStore' ? 'SecretStore' : 'ClusterSecretStore';
    problems.push({
      code: STORE,
      location: loaded.locate(at),
      message: `${dotted(at)}: the store of the stage's ExternalSecrets (${andList(found.map((f) => describeObject(f.object)))}): each ${first.message}`,
      hint:
        field === 'kind'
          ? `set secretStore.kind: ${other}${other === 'ClusterSecretStore' ? ' (or remove kind, which defaults to it)' : ''}`
          : // the name guessed is for this file's setting: said there, before the way to declare a store made outside
            (first.hint ?? '').replace(/^(did you mean '[^']*')\?/, '$1 (secretStore.name of this file)?'),
    });
  }
  return { placed, problems };
}

/** An object's group, kind, namespace and name: what the checks find defined twice. */
export const objectKey = (o: KubeObject) => `${groupOf(o.apiVersion)} ${describeObject(o)}`;

/**
 * The objects two apps of the stage make (the same group, kind, namespace and name), or an app and the stage itself
 * (its Namespace), each placed at the later app: at the document of its included files that defines the object, for an
 * app that reads files (`Stack.sources`: a manifests app, whose objects are named in its files, not after it), else at
 * the setting that names the object there (`Stack.objectNames`), else at the app's key; naming the earlier app or
 * file. An object defined twice by one app stays with the checks.
 */
function placedDuplicates(
  findings: readonly Finding[],
  rendered: RenderedStage,
  loaded: LoadedStage,
  stacks: Readonly<Record<string, Stack>>,
): { readonly placed: ReadonlySet<Finding>; readonly problems: readonly Problem[] } {
  const twice = findings.filter((f) => f.severity === 'error' && f.code === DUPLICATE);
  const placed = new Set<Finding>();
  const problems: Problem[] = [];
  if (!twice.length) return { placed, problems };
  const wanted = new Set(twice.map((f) => objectKey(f.object)));
  const apps = new Map(loaded.apps.map((a) => [a.name, a]));
  // the apps that make each object defined twice (the stage's own chart first), from what is known without reading a cached app
  const makers = new Map<string, Set<string>>();
  for (const chart of rendered.charts) {
    if (chart.name !== NAMESPACE_CHART && !apps.has(chart.name)) continue;
    for (const o of chartHeads(chart)) {
      const key = objectKey(o);
      if (wanted.has(key)) makers.set(key, (makers.get(key) ?? new Set()).add(chart.name));
    }
  }
  const appAt = (app: string) => loaded.locate(['apps'], app);
  const line = (app: string) => (app === NAMESPACE_CHART ? -1 : appAt(app).line);
  /** The setting of `app` that names the object (from the stage file's root), if its stack says one does, and whether it gave the name. */
  const namingSetting = (app: string, o: KubeObject) => {
    const { stack, settings } = apps.get(app)!;
    const named = stacks[stack].objectNames?.(app, settings as never, loaded.context.name) ?? [];
    const hit = named.find((n) => n.kind === o.kind && n.name === o.metadata?.name && n.setting);
    return hit?.setting && { path: ['apps', app, ...hit.setting], given: hit.given === true };
  };
  /** Per app that reads files (`Stack.sources`), where it defines an object in them (its files alone), each file read once. */
  const placesIn = new Map<string, ((f: Finding) => SourceLocation | undefined) | undefined>();
  const placesOf = (app: string) => {
    const { stack, settings } = apps.get(app)!;
    const sources = stacks[stack].sources?.(settings as never) ?? [];
    const files = loaded.context.files;
    if (!sources.length || !files?.size) return undefined;
    const within = (file: string) => sources.some(({ path }) => file === path || file.startsWith(`${path.replace(/\/$/, '')}/`));
    return includedPlaces(new Map([...files].filter(([file]) => within(file))), loaded.context.namespace);
  };
  /** Where an app that reads files defines the object of `f` in them. */
  const documentOf = (app: string, f: Finding): SourceLocation | undefined => {
    if (!placesIn.has(app)) placesIn.set(app, placesOf(app));
    return placesIn.get(app)?.(f);
  };
  const byKey = new Map<string, Finding[]>();
  for (const f of twice) byKey.set(objectKey(f.object), [...(byKey.get(objectKey(f.object)) ?? []), f]);
  for (const [key, found] of byKey) {
    // the apps in the stage file's order: each definition after the first is a later app's
    const [first, ...later] = [...(makers.get(key) ?? [])].sort((a, b) => line(a) - line(b));
    if (later.length < found.length) continue;
    for (const [i, f] of found.entries()) {
      const app = later[i];
      const kind = f.object.kind;
      const file = documentOf(app, f);
      const own = namingSetting(app, f.object);
      const at = !file && own?.given ? own.path : undefined;
      const stage = first === NAMESPACE_CHART;
      const firstFile = stage ? undefined : documentOf(first, f);
      // one file both apps include: the object is one document, defined twice by the including
      const shared = file && firstFile && file.file === firstFile.file && file.line === firstFile.line;
      const other = stage ? undefined : namingSetting(first, f.object);
      placed.add(f);
      problems.push({
        code: f.code,
        location: file ?? (at ? loaded.locate(at) : appAt(app)),
        message:
          `${dotted(at ?? ['apps', app])} makes ${describeObject(f.object)}, which ${stage ? 'the stage makes itself' : `apps.${first} (line ${appAt(first).line}) makes too`}: ` +
          'applied together, the second definition replaces the first (kubectl apply) or fails as already existing (kubectl create)',
        ...(firstFile && !shared ? { lines: [`first defined at ${firstFile.file}:${firstFile.line}:${firstFile.column}`] } : {}),
        hint: shared
          ? `one object, one app: include ${file.file} in apps.${first} or apps.${app}, not both`
          : stage
            ? `remove it from ${file ? 'this file' : `apps.${app}`}: stagecraft makes the stage's ${kind} from the stage file`
            : `one object, one app: ${laterFix(app, kind, file, at, own)}, or ${firstFix(first, kind, firstFile, other)}`,
      });
    }
  }
  return { placed, problems };
}

/** How the later of two apps making one object can stop making it: in its file, at the setting that named it, or by its name. */
function laterFix(
  app: string,
  kind: string,
  file: SourceLocation | undefined,
  at: readonly (string | number)[] | undefined,
  own: { readonly path: readonly (string | number)[] } | undefined,
): string {
  if (file) return "rename or remove it here (its name is the file's, not the app's)";
  if (at) return 'name it otherwise here';
  return own ? `name the ${kind} of apps.${app} with ${dotted(own.path)}` : `rename apps.${app}`;
}

/** How the first of two apps making one object can stop making it: in its file, with the setting that names it, or by its name. */
function firstFix(
  first: string,
  kind: string,
  file: SourceLocation | undefined,
  other: { readonly path: readonly (string | number)[] } | undefined,
): string {
  if (file) return `rename or remove it in ${file.file}`;
  return other ? `name the ${kind} of apps.${first} with ${dotted(other.path)}` : `rename apps.${first}`;
}

/**
 * `findings` without the warnings that a stack's refine step already said at the stage-file setting
 * that gave them (`LoadedStage.warnedCodes`: minAvailable not below the replicas, memory 512m): a
 * warning of the same code on an object of the same app says the same thing again, at the object,
 * where the stage file's author cannot change it.
 */
export function unsaidAtSettings(findings: readonly Finding[], rendered: RenderedStage, loaded: LoadedStage): readonly Finding[] {
  const { warnedCodes } = loaded;
  if (!warnedCodes.size || !findings.some((f) => f.severity === 'warning')) return findings;
  /** Each object of an app with warnings, by description, with the codes said at its settings. */
  const said = new Map<string, ReadonlySet<string>>();
  for (const chart of rendered.charts) {
    const codes = warnedCodes.get(chart.name);
    if (chart.name !== NAMESPACE_CHART && codes) for (const o of chartHeads(chart)) said.set(objectKey(o), codes);
  }
  return findings.filter((f) => f.severity !== 'warning' || !said.get(objectKey(f.object))?.has(f.code));
}
