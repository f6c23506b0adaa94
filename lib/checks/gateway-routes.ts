/**
 * Gateway API routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute) and the Services they send
 * traffic to: a `backendRefs` entry (and an HTTPRoute filter's `requestMirror.backendRef`) of the
 * core group and kind Service (the defaults) names a Service of the route's namespace unless it says
 * another, and a port of that Service (`port`, the Service's port, not its targetPort). The API
 * server takes the route, but its Gateway's controller sets the route's ResolvedRefs condition to
 * False (BackendNotFound) and answers what the rule matches with a 500 (a mirror's: mirrors nothing). A reference to another
 * namespace needs a ReferenceGrant there and is not looked at. Pure.
 */
import { asRecord, recordsIn, type KubeObject } from '../model/object.js';
import { finder, type FieldPath, type Finding, guessing } from './finding.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';

/** The route kinds of Gateway API (gateway.networking.k8s.io) whose rules have backendRefs. */
export const ROUTE_KINDS: readonly string[] = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

/** The backend references of a route's spec, each with where it is. */
function backendRefs(spec: Record<string, unknown>): [FieldPath, Record<string, unknown>][] {
  const refs: [FieldPath, Record<string, unknown>][] = [];
  const mirrors = (filters: unknown, at: FieldPath) => {
    if (!Array.isArray(filters)) return;
    filters.forEach((f, k) => {
      const ref = asRecord(asRecord(asRecord(f)?.requestMirror)?.backendRef);
      if (ref) refs.push([[...at, 'filters', k, 'requestMirror', 'backendRef'], ref]);
    });
  };
  if (!Array.isArray(spec.rules)) return refs;
  spec.rules.forEach((rule, i) => {
    const r = asRecord(rule);
    if (!r) return;
    mirrors(r.filters, ['spec', 'rules', i]);
    if (!Array.isArray(r.backendRefs)) return;
    r.backendRefs.forEach((b, j) => {
      const ref = asRecord(b);
      if (!ref) return;
      refs.push([['spec', 'rules', i, 'backendRefs', j], ref]);
      mirrors(ref.filters, ['spec', 'rules', i, 'backendRefs', j]);
    });
  });
  return refs;
}

/** A route's backends that are Services of its namespace not there, or ports those Services do not have. */
export function checkRouteBackends(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[]): void {
  const spec = asRecord(o.spec);
  if (!spec) return;
  const emit = finder(o);
  for (const [path, ref] of backendRefs(spec)) {
    const answers = `its Gateway's controller sets the route's ResolvedRefs to False (BackendNotFound) and ${path.includes('requestMirror') ? 'mirrors no request' : 'answers what the rule matches with a 500'}`;
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
          `sends traffic to Service '${name}', but the Services in namespace '${ns}' are: ${listed(names)}; ${answers}`,
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
        `sends traffic to port ${port} of Service '${name}', whose ports are: ${listed(ports.map((p) => `${String(p.port)}${p.name ? ` (${String(p.name)})` : ''}`))}; ${answers}`,
        byTarget
          ? `${port} is the targetPort of the Service's port ${String(byTarget.port)}: a backendRef names the Service's port, write port: ${String(byTarget.port)}`
          : "use one of the Service's ports",
      ),
    );
  }
}
