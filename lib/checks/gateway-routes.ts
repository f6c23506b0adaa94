/**
 * Gateway API routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute) and the Services they send
 * traffic to: a `backendRefs` entry (and an HTTPRoute filter's `requestMirror.backendRef`) of the
 * core group and kind Service (the defaults) names a Service of the route's namespace unless it says
 * another, and a port of that Service (`port`, the Service's port, not its targetPort). The API
 * server takes the route, but its Gateway's controller sets the route's ResolvedRefs condition to
 * False (BackendNotFound) and fails what the rule sends it, its weight's share (`FAILS`: an HTTPRoute's
 * requests with a 500, a GRPCRoute's with UNAVAILABLE, a TCPRoute's, TLSRoute's or UDPRoute's
 * connections rejected); one of weight 0, sent none, is a warning; a mirror's mirrors nothing. A reference to another
 * namespace needs a ReferenceGrant there and is not looked at. Pure.
 */
import { asRecord, recordsIn, type KubeObject } from '../model/object.js';
import { finder, type FieldPath, type Finding, guessing } from './finding.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';

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

/** A route's backends that are Services of its namespace not there, or ports those Services do not have. */
export function checkRouteBackends(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[]): void {
  const spec = asRecord(o.spec);
  if (!spec) return;
  for (const { path, ref, answers: what, idle } of backendRefs(o.kind, spec)) {
    const emit = finder(o, idle ? 'warning' : 'error');
    const answers = `its Gateway's controller sets the route's ResolvedRefs to False (BackendNotFound) and ${what}`;
    const { name, port } = ref;
    if (typeof name !== 'string' || name === '') continue;
    if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') continue;
    if (ref.namespace !== undefined && ref.namespace !== ns) continue;
    const service = index.get(KINDS.Service, ns, name);
    if (!service) {
      const names = index.namesOf(KINDS.Service, ns);
      out.push(
        emit(
          'refs/route-backend',
          [...path, 'name'],
          `${idle ? 'names' : 'sends traffic to'} Service '${name}', but the Services in namespace '${ns}' are: ${listed(names)}; ${answers}`,
          guessing(name, names, 'fix the name, or add the Service'),
        ),
      );
      continue;
    }
    if (typeof port !== 'number') continue;
    const ports = recordsIn(asRecord(service.spec)?.ports);
    if (ports.some((p) => p.port === port)) continue;
    const byTarget = ports.find((p) => p.targetPort === port);
    out.push(
      emit(
        'refs/route-backend',
        [...path, 'port'],
        `${idle ? 'names' : 'sends traffic to'} port ${port} of Service '${name}', whose ports are: ${listed(ports.map((p) => `${String(p.port)}${p.name ? ` (${String(p.name)})` : ''}`))}; ${answers}`,
        byTarget
          ? `${port} is the targetPort of the Service's port ${String(byTarget.port)}: a backendRef names the Service's port, write port: ${String(byTarget.port)}`
          : "use one of the Service's ports",
      ),
    );
  }
}
