/**
 * Cross-object references within one stage (cluster-scoped objects across the stage): Services
 * to pods and container ports, Ingresses to Services and TLS Secrets, claims to volumes, every
 * object to its namespace; autoscalers' targets in references-autoscalers.ts; pod templates in references-pods.ts;
 * references that name their target's namespace (binding subjects, Services the API server calls)
 * in references-namespaces.ts.
 */
import { podLabels } from '../model/custom-workloads.js';
import { groupOf } from '../k8s.js';
import { describeObject, objectHandle, type KubeObject, asRecord, recordsIn } from '../model/object.js';
import { finder, type FieldPath, type Finding, guessing, missingHint } from './finding.js';
import { KINDS, MAX_LISTED, listed, type ObjectIndex, type Workload } from './object-index.js';
import { checkPodReferences, portNames } from './references-pods.js';
import { declaredOutside } from './declared-secrets.js';
import {
  SERVICES_CALLED,
  checkBindingSubjects,
  checkServicesCalled,
  existingNamespaceHint,
  namespaceKnown,
  type ReferenceOptions,
} from './references-namespaces.js';
import { formatLabels } from './selectors.js';
import { compareQuantities } from '../model/quantity.js';
import { missingVolumeHint } from './cluster-made.js';
import { checkRolloutServices, checkRolloutWorkload } from './custom-workloads.js';
import { checkIssuerSecrets } from './issuer-secrets.js';
import { checkCertificateIssuer, checkIngressIssuer } from './issuer-refs.js';
import { clusterNames, declareHint, madeByKnative, namespacedNames } from './declared-names.js';
import { checkClusterExternalSecret } from './cluster-external-secrets.js';
import { ROUTE_KINDS, checkRoute } from './gateway-routes.js';
import { checkGatewayCertificates } from './gateway-listeners.js';
import { checkStatefulSetService } from './stateful-sets.js';
import { checkStoreReferences, checkStoreSecrets } from './store-secrets.js';
import { checkAutoscaler, checkScaledObject } from './references-autoscalers.js';
import { hasDefaultIssuer, ingressShimHint, type ShimController } from '../model/operator-secrets.js';
import { shownJson } from '../model/shown-values.js';

type Obj = Record<string, unknown>;
/** The mappings of a list, each with its index in the list. */
const mappings = (v: unknown): [Obj, number][] =>
  Array.isArray(v) ? v.flatMap((x, i): [Obj, number][] => (asRecord(x) ? [[x as Obj, i]] : [])) : [];
const describeWorkload = (w: Workload) => `${w.object.kind} ${objectHandle(w.object)}`;

/** A container port whose number is not known: written as none the API server takes, which the schema check refuses. */
const UNKNOWN_PORT = Symbol('unknown port');

/**
 * The number of a container's port as a Service's targetPort is matched with it: a quoted one (a chart's
 * `containerPort: "{{ .Values.port }}"`) read as the integer it spells (" 8080", "08080", "8080.0", "0x1F90"), since the
 * schema check refuses the quotes at the port and a Service's port of that number is not wrong besides; any other value
 * (a string of no integer, true, none) is of a number not known, which no Service is said to miss.
 */
const declaredNumber = (cp: Obj): number | typeof UNKNOWN_PORT => {
  const n = cp.containerPort;
  if (typeof n === 'number') return n;
  const read = typeof n === 'string' && n.trim() !== '' ? Number(n) : Number.NaN;
  return Number.isInteger(read) ? read : UNKNOWN_PORT;
};

function checkService(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[]): void {
  const spec = asRecord(o.spec);
  const selector = asRecord(spec?.selector) as Record<string, string> | undefined;
  if (!spec || !selector || Object.keys(selector).length === 0 || spec.type === 'ExternalName') return;
  const emit = finder(o);
  const selected = index.workloadsLabelled(ns, selector);
  if (selected.length === 0) {
    const candidates = index.workloadsIn(ns);
    out.push(
      emit(
        'refs/service-selector',
        ['spec', 'selector'],
        `selects ${formatLabels(selector)}, but no pod template in namespace '${ns}' has these labels; the workloads there are: ${listed([
          ...candidates
            .slice(0, MAX_LISTED)
            .map((w) => `${describeWorkload(w)} (${formatLabels(podLabels(w.object, w.template)) || 'no labels'})`),
          ...candidates.slice(MAX_LISTED).map(() => ''),
        ])}`,
        "make the selector match the pod template's labels",
      ),
    );
    return;
  }
  const containers = selected.flatMap((w) => recordsIn(asRecord(w.template.spec)?.containers));
  const ports = containers.flatMap((c) => recordsIn(c.ports));
  recordsIn(spec.ports).forEach((p, i) => {
    const target = p.targetPort ?? p.port;
    const protocol = p.protocol ?? 'TCP';
    // a pod that declares no ports may listen on any (declaring them is informational): a number
    // is only wrong when the pods declare ports and none is it; a name must be declared
    if (typeof target !== 'string' && ports.length === 0) return;
    const ok = ports.some(
      (cp) =>
        (typeof target === 'string' ? cp.name === target : [target, UNKNOWN_PORT].includes(declaredNumber(cp))) &&
        (cp.protocol ?? 'TCP') === protocol,
    );
    if (ok) return;
    const declared = ports.map(
      (cp) =>
        // a quoted port in its quotes, as written (" 8080")
        `${typeof cp.containerPort === 'string' ? JSON.stringify(cp.containerPort) : String(cp.containerPort)}${cp.name ? ` (${String(cp.name)})` : ''}${(cp.protocol ?? 'TCP') !== 'TCP' ? `/${String(cp.protocol)}` : ''}`,
    );
    const path: FieldPath = ['spec', 'ports', i, p.targetPort === undefined ? 'port' : 'targetPort'];
    out.push(
      emit(
        'refs/target-port',
        path,
        `port ${String(p.port)}${protocol !== 'TCP' ? `/${String(protocol)}` : ''} targets ${typeof target === 'string' ? `the port named '${target}'` : `port ${String(target)}`}${p.targetPort === undefined ? ' (no targetPort: the same as port)' : ''}, but the selected pods (${selected.map(describeWorkload).join(', ')}) listen on: ${listed([...new Set(declared)])}`,
        typeof target === 'string'
          ? guessing(target, portNames(ports), 'set targetPort to a port the containers declare')
          : 'set targetPort to a port the containers declare',
      ),
    );
  });
}

function checkIngress(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], { written, existingObjects }: ReferenceOptions): void {
  const spec = asRecord(o.spec);
  if (!spec) return;
  const emit = finder(o);
  const backend = (b: Obj | undefined, path: FieldPath) => {
    const svc = asRecord(b?.service);
    if (!svc || typeof svc.name !== 'string') return;
    const target = index.get(KINDS.Service, ns, svc.name);
    if (!target) {
      // one made outside the objects (an operator's, another release's) may be declared: its ports are not known
      const names = namespacedNames(index, 'Service', ns, existingObjects);
      if (names.includes(svc.name) || madeByKnative(index, ns, svc.name)) return;
      out.push(
        emit(
          'refs/ingress-service',
          [...path, 'service', 'name'],
          `routes to Service '${svc.name}', but the Services in namespace '${ns}' are: ${listed(names)}`,
          missingHint(svc.name, names, 'add the Service', declareHint('Service', ns, svc.name, written)),
        ),
      );
      return;
    }
    const port = asRecord(svc.port);
    // an ExternalName Service is a DNS name: the controller (ingress-nginx) connects to it at the backend's port number,
    // which its ports need not list; a port name is looked up among them
    if (asRecord(target.spec)?.type === 'ExternalName' && port?.name === undefined) return;
    const servicePorts = recordsIn(asRecord(target.spec)?.ports);
    const ok =
      port?.name !== undefined
        ? servicePorts.some((p) => p.name === port.name)
        : port?.number === undefined || servicePorts.some((p) => p.port === port.number);
    if (!ok) {
      out.push(
        emit(
          'refs/ingress-port',
          [...path, 'service', 'port'],
          `routes to port ${shownJson(port?.name ?? port?.number)} of Service '${svc.name}', whose ports are: ${listed(servicePorts.map((p) => `${String(p.port)}${p.name ? ` (${String(p.name)})` : ''}`))}`,
          "use one of the Service's ports",
        ),
      );
    }
  };
  backend(asRecord(spec.defaultBackend), ['spec', 'defaultBackend']);
  // at their index in the list as written: an item that is no mapping (a bare -) is the schema's to report
  for (const [r, i] of mappings(spec.rules))
    for (const [p, j] of mappings(asRecord(r.http)?.paths))
      backend(asRecord(p.backend), ['spec', 'rules', i, 'http', 'paths', j, 'backend']);
  for (const [t, i] of mappings(spec.tls)) {
    if (typeof t.secretName === 'string' && !index.get(KINDS.Secret, ns, t.secretName)) {
      out.push(
        emit(
          'refs/tls-secret',
          ['spec', 'tls', i, 'secretName'],
          `terminates TLS with Secret '${t.secretName}', but the Secrets in namespace '${ns}' are: ${listed(index.namesOf(KINDS.Secret, ns))}`,
          ingressShimHint(
            o,
            i,
            () => shimDefault(index),
            () => shimController(index),
          ) ??
            (written
              ? `add the TLS Secret (its keys tls.crt and tls.key), or fix the name; ${declaredOutside.stageSecret(t.secretName, 'tls.crt,tls.key')}`
              : `add the TLS Secret (its keys tls.crt and tls.key) to the files checked, or fix the name; ${declaredOutside.secret(t.secretName, 'tls.crt,tls.key')}`),
        ),
      );
    }
  }
}

function checkClaim(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[]): void {
  const spec = asRecord(o.spec);
  if (typeof spec?.volumeName !== 'string') return;
  const emit = finder(o);
  const pv = index.get(KINDS.PersistentVolume, '', spec.volumeName);
  if (!pv) {
    out.push(
      emit(
        'refs/volume',
        ['spec', 'volumeName'],
        `binds PersistentVolume '${spec.volumeName}', but the stage's PersistentVolumes are: ${listed(index.namesOf(KINDS.PersistentVolume, ''))}`,
        missingVolumeHint(o),
      ),
    );
    return;
  }
  const pvSpec = asRecord(pv.spec) ?? {};
  const want = asRecord(asRecord(spec.resources)?.requests)?.storage;
  const has = asRecord(pvSpec.capacity)?.storage;
  if ((compareQuantities(has, want) ?? 0) < 0) {
    out.push(
      emit(
        'refs/volume-capacity',
        ['spec', 'resources', 'requests', 'storage'],
        `requests ${String(want)}, but PersistentVolume '${pv.metadata.name}' has only ${String(has)}`,
        "request at most the volume's capacity, or enlarge the volume",
      ),
    );
  }
  const pvModes = (pvSpec.accessModes as string[] | undefined) ?? [];
  const missing = ((spec.accessModes as string[] | undefined) ?? []).filter((m) => !pvModes.includes(m));
  if (missing.length) {
    out.push(
      emit(
        'refs/volume-access',
        ['spec', 'accessModes'],
        `asks for ${missing.join(', ')}, but PersistentVolume '${pv.metadata.name}' offers: ${listed(pvModes)}`,
        'ask only for access modes the volume offers',
      ),
    );
  }
  if (spec.storageClassName !== undefined && (pvSpec.storageClassName ?? '') !== spec.storageClassName) {
    out.push(
      emit(
        'refs/volume-class',
        ['spec', 'storageClassName'],
        `has storage class '${String(spec.storageClassName)}', but PersistentVolume '${pv.metadata.name}' has '${String(pvSpec.storageClassName ?? '')}'`,
        'use the same storageClassName on both',
      ),
    );
  }
  const claimRef = asRecord(pvSpec.claimRef);
  if (claimRef && (claimRef.name !== o.metadata.name || (claimRef.namespace ?? ns) !== ns)) {
    out.push(
      emit(
        'refs/volume-claimed',
        ['spec', 'volumeName'],
        `binds PersistentVolume '${pv.metadata.name}', which is reserved for claim ${String(claimRef.namespace)}/${String(claimRef.name)}`,
        "point the volume's claimRef at this claim, or bind another volume",
      ),
    );
  }
}

type KindCheck = (o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions) => void;

/**
 * The references each kind makes besides those of its pod template, by kind and then API group (a
 * Map: a kind is any string of the input): an example.com Service or Ingress refers to nothing
 * anyone knows of.
 */
const BY_KIND = new Map<string, { readonly group: string; readonly check: KindCheck }>([
  ['Service', { group: '', check: checkService }],
  [
    'Ingress',
    {
      group: 'networking.k8s.io',
      check: (o, ns, index, out, options) => {
        checkIngress(o, ns, index, out, options);
        checkIngressIssuer(o, ns, index, out, options);
      },
    },
  ],
  ['HorizontalPodAutoscaler', { group: 'autoscaling', check: checkAutoscaler }],
  ['ScaledObject', { group: 'keda.sh', check: checkScaledObject }],
  ['StatefulSet', { group: 'apps', check: checkStatefulSetService }],
  ['PersistentVolumeClaim', { group: '', check: checkClaim }],
  ['RoleBinding', { group: 'rbac.authorization.k8s.io', check: checkBindingSubjects }],
  ['ClusterRoleBinding', { group: 'rbac.authorization.k8s.io', check: checkBindingSubjects }],
  [
    'Rollout',
    {
      group: 'argoproj.io',
      check: (o, ns, index, out, options) => {
        checkRolloutServices(o, ns, index, out);
        checkRolloutWorkload(o, ns, index, out, options);
      },
    },
  ],
  ['Issuer', { group: 'cert-manager.io', check: checkIssuerSecrets }],
  ['ClusterIssuer', { group: 'cert-manager.io', check: checkIssuerSecrets }],
  [
    'Certificate',
    {
      group: 'cert-manager.io',
      check: (o, ns, index, out, options) => {
        checkCertificateIssuer(o, ns, index, out, options);
        checkIssuerSecrets(o, ns, index, out, options);
      },
    },
  ],
  ['SecretStore', { group: 'external-secrets.io', check: checkStoreSecrets }],
  ['ClusterSecretStore', { group: 'external-secrets.io', check: checkStoreSecrets }],
  ['ExternalSecret', { group: 'external-secrets.io', check: checkStoreReferences }],
  ['ClusterExternalSecret', { group: 'external-secrets.io', check: checkClusterExternalSecret }],
  ...ROUTE_KINDS.map((kind) => [kind, { group: 'gateway.networking.k8s.io', check: checkRoute }] as const),
  ['Gateway', { group: 'gateway.networking.k8s.io', check: checkGatewayCertificates }],
  ...[...SERVICES_CALLED].map(([kind, { group }]) => [kind, { group, check: checkServicesCalled }] as const),
]);

/** Reference findings over every object of the index. */
export function checkReferences(index: ObjectIndex, options: ReferenceOptions = {}): Finding[] {
  return index.objects.flatMap((o) => objectReferences(o, index, options));
}

/** The reference findings of one object of the index: what it refers to, and its pod template's references. */
export function objectReferences(o: KubeObject, index: ObjectIndex, options: ReferenceOptions = {}): Finding[] {
  if (!o || typeof o !== 'object' || !o.metadata) return [];
  const out: Finding[] = [];
  const duplicate = index.duplicate(o);
  if (duplicate) out.push(duplicate);
  const ns = index.namespaceOf(o);
  if (!index.isClusterScoped(o) && !namespaceKnown(ns, index, options)) {
    out.push(
      finder(o)(
        'refs/namespace',
        ['metadata', 'namespace'],
        `namespace '${ns}' is neither created in the stage nor known to exist; the stage creates: ${listed(index.namesOf(KINDS.Namespace, ''))}`,
        existingNamespaceHint(ns, options.written),
      ),
    );
  }
  const byKind = BY_KIND.get(o.kind);
  if (byKind && groupOf(o.apiVersion) === byKind.group) byKind.check(o, ns, index, out, options);
  const w = index.workload(o);
  if (w) out.push(...checkPodReferences(w, ns, index, options.written));
  return out;
}

/** cert-manager's controller among the objects when it has no default issuer, with the ClusterIssuers they make (`ingressShimHint`). */
function shimController(index: ObjectIndex): ShimController | undefined {
  const [controller] = index.certManagerControllers();
  if (!controller || hasDefaultIssuer(controller.args)) return undefined;
  return { controller: describeObject(controller.object), clusterIssuers: clusterNames(index, 'ClusterIssuer') };
}

/** Whether ingress-shim has a default issuer: by cert-manager's controller among the objects, taken as set without it (`namesIssuer`). */
function shimDefault(index: ObjectIndex): boolean {
  const [controller] = index.certManagerControllers();
  return controller ? hasDefaultIssuer(controller.args) : true;
}
