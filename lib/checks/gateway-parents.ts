/**
 * Gateway API routes and the Gateways they attach to (`spec.parentRefs`, of Gateway API's group and
 * kind Gateway, the defaults): a Gateway of the route's namespace unless the ref says another, one of
 * its listeners (`sectionName`, `port`: every listener without them) that admits the route - of the
 * Gateway's own namespace only unless its `allowedRoutes.namespaces.from` says All, or Selector with a
 * selector the route's namespace matches; of the kinds its `allowedRoutes.kinds` lists, when it lists
 * them; of a hostname of the listener's, when both name hostnames. The API server takes the route, but no Gateway serves it through that parent: its status says
 * Accepted: False (NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname) (`refs/route-parent`). A Gateway of a
 * namespace the objects do not make (a shared gateway namespace) is its owner's: not looked at, nor one declared as made outside
 * them (`Gateway/<namespace>/<name>`, checks.existingObjects). Pure.
 */
import { asRecord, recordsIn, type KubeObject } from '../model/object.js';
import { namespaceLabels, namespaceSelects } from './cluster-stores.js';
import { declareHint, namespacedNames } from './declared-names.js';
import { type Finding, finder, listed, missingHint } from './finding.js';
import { KINDS, type ObjectIndex } from './object-index.js';
import { GATEWAY_GROUP, anArticle } from './reference-grants.js';
import type { ReferenceOptions } from './references-namespaces.js';
import { labelSelector } from './selectors.js';

/** How the index files Gateways, of any version served. */
const GATEWAY = `${GATEWAY_GROUP}/Gateway`;

/**
 * Whether a listener's hostname and a route's intersect (Gateway API's hostname matching): alike, or one a
 * wildcard (`*.example.com`, one label or more before .example.com) the other ends in.
 */
function intersects(listener: string, route: string): boolean {
  if (listener === route) return true;
  const suffix = (h: string) => (h.startsWith('*.') ? h.slice(1) : undefined);
  const [l, r] = [suffix(listener), suffix(route)];
  if (l !== undefined && r !== undefined) return l.endsWith(r) || r.endsWith(l);
  if (l !== undefined) return route.endsWith(l);
  if (r !== undefined) return listener.endsWith(r);
  return false;
}

/** Why `listener` of a Gateway of namespace `gatewayNs` does not admit a route of `kind` in `routeNs`, or undefined when it does (or may). */
function refusal(
  listener: Record<string, unknown>,
  gatewayNs: string,
  kind: string,
  routeNs: string,
  index: ObjectIndex,
  hostnames: readonly string[],
): string | undefined {
  if (typeof listener.hostname === 'string' && hostnames.length > 0 && !hostnames.some((h) => intersects(String(listener.hostname), h)))
    return `serves the hostname ${listener.hostname}, which none of the route's hostnames (${listed(hostnames)}) matches`;
  const allowed = asRecord(listener.allowedRoutes);
  const kinds = recordsIn(allowed?.kinds);
  if (kinds.length > 0 && !kinds.some((k) => k.kind === kind && (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP))
    return `allows only the route kinds ${listed(kinds.map((k) => String(k.kind)))} (allowedRoutes.kinds)`;
  const namespaces = asRecord(allowed?.namespaces);
  const from = namespaces?.from ?? 'Same';
  if (from === 'All' || routeNs === gatewayNs) return undefined;
  if (from === 'Same')
    return `admits routes of its own namespace '${gatewayNs}' only (allowedRoutes.namespaces.from: Same${namespaces?.from === undefined ? ', the default' : ''})`;
  if (from !== 'Selector') return undefined;
  const written = asRecord(namespaces?.selector);
  if (!written) return undefined;
  return namespaceSelects(labelSelector(written, []), routeNs, namespaceLabels(routeNs, index)) === false
    ? `admits routes of the namespaces its allowedRoutes.namespaces.selector selects, which namespace '${routeNs}' is not`
    : undefined;
}

/** A route's parentRefs that attach it to no Gateway's listener: a Gateway not there, a listener it does not have, or listeners that do not admit it. */
export function checkRouteParents(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions = {}): void {
  const emit = finder(o);
  recordsIn(asRecord(o.spec)?.parentRefs).forEach((ref, i) => {
    if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway' || typeof ref.name !== 'string') return;
    const { name } = ref;
    const at = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : ns;
    const of = at === ns ? '' : ` of namespace '${at}'`;
    const serves = `no Gateway serves the route through it (its status: Accepted: False, %s)`;
    const gateway = index.get(GATEWAY, at, name);
    if (!gateway) {
      // a Gateway of a namespace the objects do not make (a shared one) is its owner's
      if (index.get(KINDS.Namespace, '', at) === undefined) return;
      // one made outside the objects (a platform's, another release's) may be declared: its listeners are not known
      const names = namespacedNames(index, 'Gateway', at, options.existingObjects);
      if (names.includes(name)) return;
      const elsewhere = index
        .objectsOf(GATEWAY)
        .filter((g) => g.metadata?.name === name)
        .map((g) => index.namespaceOf(g));
      out.push(
        emit(
          'refs/route-parent',
          ['spec', 'parentRefs', i, 'name'],
          `attaches to Gateway '${name}'${of}, but the Gateways in namespace '${at}' are: ${listed(names)}; ${serves.replace('%s', 'NoMatchingParent')}`,
          elsewhere.length === 1
            ? `set parentRefs[${i}].namespace: ${elsewhere[0]} (the objects' Gateway '${name}' is there)`
            : missingHint(
                name,
                names,
                at === ns ? 'add the Gateway, or name the namespace of the one meant (parentRefs[].namespace)' : 'add the Gateway',
                declareHint('Gateway', at, name, options.written),
              ),
        ),
      );
      return;
    }
    const listeners = recordsIn(asRecord(gateway.spec)?.listeners);
    const section = typeof ref.sectionName === 'string' ? ref.sectionName : undefined;
    const port = typeof ref.port === 'number' ? ref.port : undefined;
    const matching = listeners.filter((l) => (section === undefined || l.name === section) && (port === undefined || l.port === port));
    if (matching.length === 0) {
      const names = listeners.map((l) => `${String(l.name)} (port ${String(l.port)})`);
      out.push(
        emit(
          'refs/route-parent',
          ['spec', 'parentRefs', i, section !== undefined ? 'sectionName' : 'port'],
          `attaches to ${section !== undefined ? `listener '${section}'` : ''}${section !== undefined && port !== undefined ? ' on ' : ''}${port !== undefined ? `port ${port}` : ''} of Gateway '${name}'${of}, whose listeners are: ${listed(names)}; ${serves.replace('%s', 'NoMatchingParent')}`,
          section !== undefined
            ? missingHint(
                section,
                listeners.map((l) => String(l.name)),
                "name one of the Gateway's listeners",
              )
            : "name a port of one of the Gateway's listeners",
        ),
      );
      return;
    }
    const written = asRecord(o.spec)?.hostnames;
    const hostnames = Array.isArray(written) ? written.filter((h): h is string => typeof h === 'string') : [];
    const refusals = matching.map((l) => [l, refusal(l, at, o.kind, ns, index, hostnames)] as const);
    if (refusals.some(([, why]) => why === undefined)) return;
    // the status's reason when hostnames alone keep every listener from the route
    const byHost = refusals.every(([, why]) => why?.startsWith('serves the hostname'));
    out.push(
      emit(
        'refs/route-parent',
        ['spec', 'parentRefs', i],
        `attaches to Gateway '${name}'${of}, but no listener of it admits ${anArticle(o.kind)} of namespace '${ns}': ${refusals.map(([l, why]) => `listener '${String(l.name)}' ${why}`).join('; ')}; ${serves.replace('%s', byHost ? 'NoMatchingListenerHostname' : 'NotAllowedByListeners')}`,
        byHost
          ? 'give the route a hostname the listener serves (spec.hostnames), or attach it to a listener of its hostnames'
          : refusals.some(([, why]) => why?.includes('allowedRoutes.namespaces'))
            ? `let the listener admit it (allowedRoutes: { namespaces: { from: All } }, or Selector with a selector namespace '${ns}' matches), or move the route to namespace '${at}'`
            : `add ${o.kind} to the listener's allowedRoutes.kinds, or attach the route to a listener that admits it`,
      ),
    );
  });
}
