/**
 * Gateway API routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute) and the Services they send
 * traffic to: a `backendRefs` entry (and an HTTPRoute filter's `requestMirror.backendRef`) of the
 * core group and kind Service (the defaults) names a Service of the route's namespace unless it says
 * another, and a port of that Service (`port`, the Service's port, not its targetPort). The API
 * server takes the route, but its Gateway's controller sets the route's ResolvedRefs condition to
 * False (BackendNotFound) and fails what the rule sends it, its weight's share (`FAILS`: an HTTPRoute's
 * requests with a 500, a GRPCRoute's with UNAVAILABLE, a TCPRoute's, TLSRoute's or UDPRoute's
 * connections rejected); one of weight 0, sent none, is a warning; a mirror's mirrors nothing. A reference to another
 * namespace needs a ReferenceGrant there (`refs/route-grant`, RefNotPermitted, failing the same share), and is
 * followed once one of the objects' grants lets the route reach it. A Service named without a port the API server
 * refuses (the CRD's rule "Must have port for Service reference"). An ExternalName Service is a warning (Gateway API
 * advises implementations not to forward to one), its ports not looked at; the Service a Knative Service makes of
 * its name is there, an ExternalName Service as any other. Pure.
 */
import { asRecord, recordsIn, type KubeObject } from '../model/object.js';
import { declareHint, madeByKnative, namespacedNames } from './declared-names.js';
import { finder, type FieldPath, type Finding, missingHint } from './finding.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';
import { checkRouteParents } from './gateway-parents.js';
import { grantFor, grantHint } from './reference-grants.js';
import type { ReferenceOptions } from './references-namespaces.js';

/** The route kinds of Gateway API (gateway.networking.k8s.io) whose rules have backendRefs. */
export const ROUTE_KINDS: readonly string[] = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

/** A backend reference of a route, where it is, and what its Gateway's controller does while it is not found. */
interface BackendRef {
  readonly path: FieldPath;
  readonly ref: Record<string, unknown>;
  /** What becomes of the requests sent to it, said after "answers" or the like. */
  readonly answers: string;
  /** A backend that is sent no request (weight 0): its route's status says so, but nothing fails. */
  readonly idle?: true;
}

/**
 * What a Gateway does with what a route's rule sends to a backend not found, by route kind (Gateway
 * API's BackendRefs of each rule): an HTTPRoute's requests get a 500, a GRPCRoute's the status
 * UNAVAILABLE, and the connections of the others are rejected; each in its weight's share.
 */
const FAILS: Readonly<Record<string, { readonly unit: string; readonly all: string; readonly share: (weights: string) => string }>> = {
  HTTPRoute: {
    unit: 'request',
    all: 'answers what the rule matches with a 500',
    share: (w) => `answers its share of what the rule matches (${w}) with a 500`,
  },
  GRPCRoute: {
    unit: 'request',
    all: 'answers what the rule matches with the gRPC status UNAVAILABLE',
    share: (w) => `answers its share of what the rule matches (${w}) with the gRPC status UNAVAILABLE`,
  },
};
const CONNECTIONS = {
  unit: 'connection',
  all: 'rejects the connections the rule matches',
  share: (w: string) => `rejects its share of the connections the rule matches (${w})`,
};

/** A backendRef's weight: 1 unless it says another (the API's default). */
const weightOf = (ref: Record<string, unknown>): number => (typeof ref.weight === 'number' ? ref.weight : 1);

/**
 * The backend references of route `kind`'s spec, each with where it is and what fails while it is not
 * found: the requests (connections) of its rule a backendRef is sent (its weight's share of the rule's;
 * one of weight 0 is sent none), or the requests a mirror copies.
 */
function backendRefs(kind: string, spec: Record<string, unknown>): BackendRef[] {
  const fails = FAILS[kind] ?? CONNECTIONS;
  const refs: BackendRef[] = [];
  const mirrors = (filters: unknown, at: FieldPath) => {
    if (!Array.isArray(filters)) return;
    filters.forEach((f, k) => {
      const ref = asRecord(asRecord(asRecord(f)?.requestMirror)?.backendRef);
      if (ref) refs.push({ path: [...at, 'filters', k, 'requestMirror', 'backendRef'], ref, answers: 'mirrors no request' });
    });
  };
  if (!Array.isArray(spec.rules)) return refs;
  spec.rules.forEach((rule, i) => {
    const r = asRecord(rule);
    if (!r) return;
    mirrors(r.filters, ['spec', 'rules', i]);
    if (!Array.isArray(r.backendRefs)) return;
    const total = recordsIn(r.backendRefs).reduce((sum, b) => sum + weightOf(b), 0);
    r.backendRefs.forEach((b, j) => {
      const ref = asRecord(b);
      if (!ref) return;
      const weight = weightOf(ref);
      const path: FieldPath = ['spec', 'rules', i, 'backendRefs', j];
      if (weight === 0) refs.push({ path, ref, answers: `sends it no ${fails.unit} while its weight is 0`, idle: true });
      else if (weight >= total) refs.push({ path, ref, answers: fails.all });
      else refs.push({ path, ref, answers: fails.share(`weight ${weight} of ${total}`) });
      mirrors(ref.filters, path);
    });
  });
  return refs;
}

/** A Service's ports as messages list them: `80 (http), 443`. */
const servicePorts = (ports: readonly Record<string, unknown>[]) =>
  listed(ports.map((p) => `${String(p.port)}${p.name ? ` (${String(p.name)})` : ''}`));

/**
 * The warning for a backendRef of an ExternalName Service (`said`: what the route sends where): a DNS name, whose
 * ports are its host's; Gateway API leaves it to each implementation, and advises against it.
 */
function externalNameWarning(o: KubeObject, path: FieldPath, said: string, what: string): Finding {
  return finder(o, 'warning')(
    'refs/route-backend',
    [...path, 'name'],
    `${said}: Gateway API advises implementations not to forward to one (CVE-2021-25740), and a Gateway's controller that does not sets the route's ResolvedRefs to False and ${what}`,
    "make sure the Gateway's controller forwards to ExternalName Services (its documentation says), or use the kind it offers for a backend outside the cluster",
  );
}

/**
 * A route's backends that the API server or its Gateway's controller refuses: a Service named without a
 * port (Gateway API's CRD rule, "Must have port for Service reference": the route is refused), a Service
 * of another namespace no ReferenceGrant of the objects lets the route reach (`refs/route-grant`: said
 * when the objects make that namespace or grants in it; another's namespace is its owner's to grant), a
 * Service not there (in the route's namespace, or in another the objects make; one declared as made
 * outside them, `Service/<namespace>/<name>`, is there), and a port the Service does not have.
 */
export function checkRouteBackends(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions = {}): void {
  const spec = asRecord(o.spec);
  if (!spec) return;
  for (const { path, ref, answers: what, idle } of backendRefs(o.kind, spec)) {
    const emit = finder(o, idle ? 'warning' : 'error');
    const sends = idle ? 'names' : 'sends traffic to';
    const { name, port } = ref;
    if (typeof name !== 'string' || name === '') continue;
    if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') continue;
    const at = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : ns;
    const of = at === ns ? '' : ` of namespace '${at}'`;
    const made = at === ns || index.get(KINDS.Namespace, '', at) !== undefined;
    const cross = { kind: o.kind, from: ns, to: at, target: 'Service', name } as const;
    const { refused, known, grants } = at === ns ? { known: true, grants: [] } : grantFor(cross, index);
    const service = refused === undefined ? index.get(KINDS.Service, at, name) : undefined;
    const portless = port === undefined || port === null;
    if (portless) {
      const ports = recordsIn(asRecord(service?.spec)?.ports);
      const external = asRecord(service?.spec)?.type === 'ExternalName' ? asRecord(service?.spec)?.externalName : undefined;
      out.push(
        finder(o)(
          'refs/route-backend',
          path,
          `names Service '${name}'${of} without a port: the API server refuses the route (Gateway API's rule for a backend of kind Service: "Must have port for Service reference")`,
          external !== undefined && ports.length === 0
            ? `write port: the port of ${JSON.stringify(external)} to connect to (an ExternalName Service has no pods)`
            : ports.length === 1
              ? `write port: ${String(ports[0].port)} (the Service's port, not its targetPort)`
              : ports.length > 1
                ? `write port: one of the Service's ports, ${servicePorts(ports)} (not a targetPort)`
                : "write port: the number of the Service's port that reaches the pods (not its targetPort)",
        ),
      );
    }
    if (refused !== undefined) {
      // another's namespace, in which the objects make no grant, is its owner's to grant in: nothing is known of it
      if (!known) continue;
      out.push(
        emit(
          'refs/route-grant',
          [...path, 'namespace'],
          `${sends} Service '${name}'${of}, but ${refused}; its Gateway's controller sets the route's ResolvedRefs to False (RefNotPermitted) and ${what}`,
          `${grantHint(cross, grants)}; or send traffic to a Service of namespace '${ns}'`,
        ),
      );
      continue;
    }
    if (!service) {
      // a Service of another's namespace may be made there by its owner
      if (!made) continue;
      const names = namespacedNames(index, 'Service', at, options.existingObjects);
      if (names.includes(name)) continue;
      if (madeByKnative(index, at, name)) {
        // Knative's Service of that name is an ExternalName to its ingress (its local gateway): as one written here
        out.push(
          externalNameWarning(
            o,
            path,
            `${sends} Service '${name}'${of}, the ExternalName Service Knative makes of its Service '${name}' (to its ingress)`,
            what,
          ),
        );
        continue;
      }
      out.push(
        emit(
          'refs/route-backend',
          [...path, 'name'],
          `${sends} Service '${name}'${of}, but the Services in namespace '${at}' are: ${listed(names)}; its Gateway's controller sets the route's ResolvedRefs to False (BackendNotFound) and ${what}`,
          missingHint(name, names, 'add the Service', declareHint('Service', at, name, options.written)),
        ),
      );
      continue;
    }
    const externalName = asRecord(service.spec)?.type === 'ExternalName' ? asRecord(service.spec)?.externalName : undefined;
    if (externalName !== undefined) {
      // a DNS name, whose ports are its host's: Gateway API leaves it to each implementation, and advises against it
      out.push(
        externalNameWarning(o, path, `${sends} Service '${name}'${of}, an ExternalName Service (${JSON.stringify(externalName)})`, what),
      );
      continue;
    }
    if (portless || typeof port !== 'number') continue;
    const ports = recordsIn(asRecord(service.spec)?.ports);
    if (ports.some((p) => p.port === port)) continue;
    const byTarget = ports.find((p) => p.targetPort === port);
    const answers = `its Gateway's controller sets the route's ResolvedRefs to False (BackendNotFound) and ${what}`;
    out.push(
      emit(
        'refs/route-backend',
        [...path, 'port'],
        ports.length === 0
          ? `${sends} port ${port} of Service '${name}'${of}, which has no ports: a route reaches pods only through a port of the Service; ${answers}`
          : `${sends} port ${port} of Service '${name}'${of}, whose ports are: ${servicePorts(ports)}; ${answers}`,
        byTarget
          ? `${port} is the targetPort of the Service's port ${String(byTarget.port)}: a backendRef names the Service's port, write port: ${String(byTarget.port)}`
          : ports.length === 0
            ? `add a port ${port} to the Service (spec.ports: [{ port: ${port}, targetPort: <the pods' port> }]), or send traffic to a Service that has one`
            : "use one of the Service's ports",
      ),
    );
  }
}

/** A route's references: the Gateways it attaches to (gateway-parents.ts), then the Services it sends traffic to. */
export function checkRoute(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions = {}): void {
  checkRouteParents(o, ns, index, out, options);
  checkRouteBackends(o, ns, index, out, options);
}
