/**
 * A StatefulSet's governing Service (`spec.serviceName`): the cluster DNS names each of its pods
 * (`<pod>.<serviceName>.<namespace>.svc`, what clustered databases and brokers find each other by)
 * only through a headless Service (clusterIP: None) of that name in its namespace whose selector
 * selects the pods. The API server takes the StatefulSet without one and its pods run, nameless: a
 * warning (`refs/statefulset-service`), as the names are what breaks. Pure.
 */
import { podTemplateOf } from '../model/pod-specs.js';
import { asRecord, type KubeObject } from '../model/object.js';
import { declareHint, namespacedNames } from './declared-names.js';
import { type Finding, finder, listed, missingHint } from './finding.js';
import { KINDS, type ObjectIndex } from './object-index.js';
import type { ReferenceOptions } from './references-namespaces.js';
import { formatLabels, selectorMatches } from './selectors.js';

/** A StatefulSet's serviceName that names no headless Service of its namespace selecting its pods. */
export function checkStatefulSetService(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions): void {
  const name = asRecord(o.spec)?.serviceName;
  if (typeof name !== 'string' || name === '') return;
  const emit = finder(o, 'warning');
  const pods = `its pods get no DNS names of their own (${String(o.metadata.name)}-0.${name}.${ns}.svc, by which its members find each other)`;
  const service = index.get(KINDS.Service, ns, name);
  if (!service) {
    const names = namespacedNames(index, 'Service', ns, options.existingObjects);
    if (names.includes(name)) return;
    out.push(
      emit(
        'refs/statefulset-service',
        ['spec', 'serviceName'],
        `is governed by Service '${name}', but the Services in namespace '${ns}' are: ${listed(names)}; ${pods} until it exists`,
        missingHint(
          name,
          names,
          'add a headless Service of that name (clusterIP: None) that selects the pods',
          declareHint('Service', ns, name, options.written),
        ),
      ),
    );
    return;
  }
  const spec = asRecord(service.spec) ?? {};
  if (spec.clusterIP !== 'None') {
    out.push(
      emit(
        'refs/statefulset-service',
        ['spec', 'serviceName'],
        `is governed by Service '${name}', which is not headless (${spec.clusterIP === undefined ? 'no clusterIP: the cluster gives it one' : `clusterIP: ${String(spec.clusterIP)}`}): ${pods}`,
        `govern it by a headless Service (clusterIP: None; a Service's clusterIP cannot be changed: add another Service, name-headless, for the StatefulSet, and keep '${name}' for its clients)`,
      ),
    );
    return;
  }
  const selector = asRecord(spec.selector) as Record<string, string> | undefined;
  const labels = podTemplateOf(o)?.metadata?.labels ?? {};
  // a Service without a selector has the endpoints someone writes: not known here
  if (!selector || Object.keys(selector).length === 0 || selectorMatches({ matchLabels: selector, matchExpressions: [] }, labels)) return;
  out.push(
    emit(
      'refs/statefulset-service',
      ['spec', 'serviceName'],
      `is governed by Service '${name}', whose selector (${formatLabels(selector)}) does not select its pods (${formatLabels(labels) || 'no labels'}): ${pods}`,
      "make the Service's selector match the pod template's labels",
    ),
  );
}
