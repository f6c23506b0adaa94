/**
 * A pod spec as the API server keeps it: with the values it gives the fields a manifest leaves out
 * (SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Probe, SetDefaults_HTTPGetAction,
 * SetDefaults_Volume and the volume sources' in Kubernetes 1.25's pkg/apis/core/v1/defaults.go).
 * The API server compares two versions of an immutable pod template (a Job's) after defaulting
 * both, so a manifest that now writes a default (`terminationMessagePolicy: File`, as `kubectl get
 * -o yaml` prints it) or no longer writes one changes nothing. Also as it compares them
 * (apiequality.Semantic.DeepEqual): an empty list is no list, an empty map (`nodeSelector: {}`) or
 * struct held by value (a container's `resources: {}`, a template's `metadata: {creationTimestamp:
 * null}`, as `kubectl get -o yaml` prints them) no map or struct, and `false` in a field that is a
 * plain bool is the field left out; a quantity is compared by its value (`cpu: 1` is `1000m`, `memory:
 * 1Gi` is `1024Mi`: Quantity.Cmp), so each is written by its value alone (quantityByValue).
 */
import { imageParts } from './image.js';
import { isRecord, ownEntry } from './object.js';
import { mapContainers } from './pod-specs.js';
import { quantityByValue } from './quantity.js';
import { EVICTING_EFFECT } from './tolerations.js';

type Obj = Record<string, unknown>;

/** The mode the kubelet gives the files of a Secret, ConfigMap, downward API or projected volume (0644). */
const DEFAULT_MODE = 0o644;

const POD_SPEC: Obj = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  securityContext: {},
  schedulerName: 'default-scheduler',
};

/**
 * SetDefaults_Pod's, which a Pod gets and a pod template does not: defaulted in templates too, it
 * changed every Deployment's template on upgrade and rolled them all (kubernetes#69445).
 */
const POD_ONLY: Obj = { enableServiceLinks: true };

const CONTAINER: Obj = { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' };

const PROBE: Obj = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };

/** The fields that are plain bools in Go (not pointers): `false` there is the field left out. */
const PLAIN_BOOLS = { pod: ['hostNetwork', 'hostPID', 'hostIPC'], container: ['stdin', 'stdinOnce', 'tty'] } as const;

/**
 * The maps of a pod spec, of a container's resources and of a template's metadata, which an empty
 * one is the field left out (the structs held by value, a container's `resources` and a template's
 * `metadata`, are `valueStruct`s); an empty pointer struct (`securityContext: {}`, `emptyDir: {}`)
 * is not nil.
 */
const EMPTY_IS_NONE = {
  pod: ['nodeSelector', 'overhead'],
  resources: ['limits', 'requests'],
  metadata: ['labels', 'annotations'],
} as const;

/** The volume sources that make files with modes (`defaultMode`, an item's `mode`), which a projected volume may hold too. */
export const FILE_SOURCES = ['secret', 'configMap', 'downwardAPI'] as const;

/** The volume sources whose files get `defaultMode` 0644. */
const MODED_SOURCES = [...FILE_SOURCES, 'projected'];

/**
 * `o` with `defaults` under what it leaves out, without its nulls, its empty lists, its plain bools
 * that are false (`bools`) and its empty maps of the fields `maps`.
 */
function filled(o: Obj, defaults: Obj = {}, bools: readonly string[] = [], maps: readonly string[] = []): Obj {
  const out: Obj = { ...defaults };
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (v === false && bools.includes(k))) continue;
    if (maps.includes(k) && isRecord(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** A map of quantities (`limits`, `requests`, `overhead`), each written by its value alone; anything else as it is. */
const byValue = (quantities: unknown): unknown =>
  isRecord(quantities) ? Object.fromEntries(Object.entries(quantities).map(([k, q]) => [k, quantityByValue(q)])) : quantities;

/**
 * A container's or a claim's `resources` with its limits and requests written by their values
 * (quantityByValue), as the API server compares them.
 */
export function resourcesByValue(resources: unknown): unknown {
  if (!isRecord(resources)) return resources;
  const out = { ...resources };
  for (const k of EMPTY_IS_NONE.resources) if (k in out) out[k] = byValue(out[k]);
  return out;
}

/** `out[key]`, a struct held by value, `filled` with its empty maps `maps` left out; left out itself when that leaves it empty. */
function valueStruct(out: Obj, key: string, maps: readonly string[]): void {
  const v = out[key];
  if (!isRecord(v)) return;
  const struct = filled(v, {}, [], maps);
  if (Object.keys(struct).length) out[key] = struct;
  else delete out[key];
}

/**
 * `Always` for an image whose tag is latest, written or not (ParseImageName gives an image of
 * neither tag nor digest the tag latest; `a:latest@sha256:...` keeps it), else `IfNotPresent`
 * (SetDefaults_Container).
 */
function pullPolicy(image: unknown): string | undefined {
  if (typeof image !== 'string') return undefined;
  const { tag, digest } = imageParts(image);
  return tag === 'latest' || (tag === undefined && digest === undefined) ? 'Always' : 'IfNotPresent';
}

const httpGet = (action: unknown): unknown => (isRecord(action) ? { path: '/', scheme: 'HTTP', ...filled(action) } : action);

function probe(p: unknown): unknown {
  if (!isRecord(p)) return p;
  const out = filled(p, PROBE);
  if (isRecord(out.httpGet)) out.httpGet = httpGet(out.httpGet);
  return out;
}

/** An env entry's fieldRef with its apiVersion, v1 (SetDefaults_ObjectFieldSelector). */
function envEntry(e: unknown): unknown {
  if (!isRecord(e) || !isRecord(e.valueFrom) || !isRecord(e.valueFrom.fieldRef)) return e;
  return { ...e, valueFrom: { ...e.valueFrom, fieldRef: { apiVersion: 'v1', ...e.valueFrom.fieldRef } } };
}

function container(c: unknown, hostNetwork: boolean): unknown {
  if (!isRecord(c)) return c;
  const out = filled(c, CONTAINER, PLAIN_BOOLS.container);
  valueStruct(out, 'resources', EMPTY_IS_NONE.resources);
  if ('resources' in out) out.resources = resourcesByValue(out.resources);
  const policy = pullPolicy(out.image);
  if (policy !== undefined) out.imagePullPolicy ??= policy;
  if (Array.isArray(out.ports))
    // with hostNetwork, a port's hostPort is its containerPort
    out.ports = out.ports.map((p) =>
      isRecord(p) ? { protocol: 'TCP', ...(hostNetwork ? { hostPort: p.containerPort } : {}), ...filled(p) } : p,
    );
  if (Array.isArray(out.env)) out.env = out.env.map(envEntry);
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) if (k in out) out[k] = probe(out[k]);
  if (isRecord(out.lifecycle))
    out.lifecycle = Object.fromEntries(
      Object.entries(out.lifecycle).map(([k, h]) => [k, isRecord(h) && isRecord(h.httpGet) ? { ...h, httpGet: httpGet(h.httpGet) } : h]),
    );
  return out;
}

function volume(v: unknown): unknown {
  if (!isRecord(v)) return v;
  const out = filled(v);
  // a volume with no source is an emptyDir
  if (Object.keys(out).every((k) => k === 'name')) out.emptyDir = {};
  for (const k of MODED_SOURCES) if (isRecord(out[k])) out[k] = { defaultMode: DEFAULT_MODE, ...filled(out[k] as Obj) };
  if (isRecord(out.hostPath)) out.hostPath = { type: '', ...filled(out.hostPath) };
  if (isRecord(out.emptyDir) && 'sizeLimit' in out.emptyDir)
    out.emptyDir = { ...out.emptyDir, sizeLimit: quantityByValue(out.emptyDir.sizeLimit) };
  // a generic ephemeral volume's claim template: its storage request (1Gi is 1024Mi)
  const claim = isRecord(out.ephemeral) ? out.ephemeral.volumeClaimTemplate : undefined;
  if (isRecord(out.ephemeral) && isRecord(claim) && isRecord(claim.spec) && 'resources' in claim.spec)
    out.ephemeral = {
      ...out.ephemeral,
      volumeClaimTemplate: { ...claim, spec: { ...claim.spec, resources: resourcesByValue(claim.spec.resources) } },
    };
  return out;
}

/** `spec` (a pod spec) with the defaults the API server gives it, to compare it as the API server does. */
export function podSpecWithDefaults(spec: unknown): unknown {
  if (!isRecord(spec)) return spec;
  const hostNetwork = spec.hostNetwork === true;
  const out = mapContainers(filled(spec, POD_SPEC, PLAIN_BOOLS.pod, EMPTY_IS_NONE.pod), (c) => container(c, hostNetwork));
  if (Array.isArray(out.volumes)) out.volumes = out.volumes.map(volume);
  if ('overhead' in out) out.overhead = byValue(out.overhead);
  return out;
}

/** What the Priority admission plugin gives a Pod of a PriorityClass: the class's value and its preemptionPolicy. */
export interface ClassPriority {
  readonly priority: number;
  readonly preemptionPolicy: string;
  /** Whether it is the cluster's globalDefault class, which a Pod created without a class is given. @default false */
  readonly globalDefault?: boolean;
}

/** The preemptionPolicy of a PriorityClass that does not set one (SetDefaults_PriorityClass), and of a Pod of no class. */
export const DEFAULT_PREEMPTION = 'PreemptLowerPriority';

/**
 * What a Pod's spec is given when the Pod is created, beside the defaults of every pod spec (a pod
 * template gets none of it): the ServiceAccount admission plugin's serviceAccountName; the Priority
 * plugin's priority and preemptionPolicy for a Pod of no priorityClassName (in a cluster without
 * a globalDefault PriorityClass, as kubeadm makes it: with one, the Pod is given that class), and for one of the classes every cluster has
 * (pkg/apis/scheduling SystemPriorityClasses); the DefaultTolerationSeconds plugin's tolerations of
 * a node not ready or unreachable for 5 minutes, to a Pod that does not tolerate it (on every update too).
 */
const POD_ADMITTED = {
  serviceAccountName: 'default',
  unclassed: { priority: 0, preemptionPolicy: DEFAULT_PREEMPTION },
  systemClasses: {
    'system-cluster-critical': { priority: 2000000000, preemptionPolicy: DEFAULT_PREEMPTION },
    'system-node-critical': { priority: 2000001000, preemptionPolicy: DEFAULT_PREEMPTION },
  } as Readonly<Record<string, ClassPriority>>,
  tolerationSeconds: { keys: ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'], effect: EVICTING_EFFECT, seconds: 300 },
} as const;

/** `tolerations` with those DefaultTolerationSeconds adds: for each of its keys that no toleration of the effect (or of any) tolerates. */
function admittedTolerations(tolerations: unknown): unknown {
  const list: unknown[] = Array.isArray(tolerations) ? tolerations : [];
  const { keys, effect, seconds } = POD_ADMITTED.tolerationSeconds;
  const tolerates = (key: string) => list.some((t) => isRecord(t) && (t.key === key || !t.key) && (t.effect === effect || !t.effect));
  const added = keys.filter((key) => !tolerates(key)).map((key) => ({ key, operator: 'Exists', effect, tolerationSeconds: seconds }));
  return [...list, ...added];
}

/**
 * `spec`, a Pod's, as the API server keeps it once the Pod is created: podSpecWithDefaults,
 * SetDefaults_Pod's (POD_ONLY, and the requests of a container that gives limits only: a limit is
 * the request it leaves out) and what admission gives it (POD_ADMITTED): the pod a template makes. The deprecated serviceAccount stands for a
 * serviceAccountName left out, as the v1 conversion reads it.
 * @param classes the PriorityClasses known beside the system ones (the stage's), by name: a Pod of another gets a priority not known here
 */
export function podSpecAsCreated(spec: unknown, classes: ReadonlyMap<string, ClassPriority> = new Map()): unknown {
  const defaulted = podSpecWithDefaults(isRecord(spec) ? { ...POD_ONLY, ...spec } : spec);
  if (!isRecord(defaulted)) return defaulted;
  const { serviceAccount, ...out } = mapContainers(defaulted, (c) =>
    isRecord(c) && isRecord(c.resources) && isRecord(c.resources.limits)
      ? {
          ...c,
          resources: {
            ...c.resources,
            requests: { ...c.resources.limits, ...(isRecord(c.resources.requests) ? c.resources.requests : {}) },
          },
        }
      : c,
  );
  out.serviceAccountName ??= serviceAccount ?? POD_ADMITTED.serviceAccountName;
  // a Pod of no class is given the globalDefault one, by name too, when the cluster has one
  const globalDefault = [...classes].find(([, c]) => c.globalDefault)?.[0];
  if (out.priorityClassName === undefined && globalDefault !== undefined) out.priorityClassName = globalDefault;
  const className = out.priorityClassName;
  const given =
    className === undefined
      ? POD_ADMITTED.unclassed
      : typeof className === 'string'
        ? (ownEntry(POD_ADMITTED.systemClasses, className) ?? classes.get(className))
        : undefined;
  if (given) {
    out.priority ??= given.priority;
    out.preemptionPolicy ??= given.preemptionPolicy;
  }
  out.tolerations = admittedTolerations(out.tolerations);
  return out;
}

/**
 * A pod template (`metadata`, `spec`) with the defaults the API server gives its spec, and without
 * the nulls and empty maps of its metadata (`creationTimestamp: null`, `labels: {}`): a metadata of
 * nothing else is none.
 */
export function podTemplateWithDefaults(template: unknown): unknown {
  if (!isRecord(template)) return template;
  const out = filled(template);
  valueStruct(out, 'metadata', EMPTY_IS_NONE.metadata);
  if ('spec' in out) out.spec = podSpecWithDefaults(out.spec);
  return out;
}
