/**
 * Readiness probes where they matter. A readinessProbe decides one thing: whether the pod is among
 * the endpoints of the Services that select it. So a long-running container without one gets the
 * `policy/probes` warning only when a Service of its namespace selects its pods (a worker that no
 * Service reaches needs none), and only a container the Service's traffic reaches (one that declares
 * ports, beside a log shipper that declares none); the missing livenessProbe, which matters for any pod, is
 * pod-security.ts's. Which Services select a pod is a question across objects: a traced check,
 * whose lookups are kept with its findings (lib/checks/check-run.ts). The workload's declared exception
 * `policy.stagecraft.dev/probes` silences it, as it does the liveness warning (and pod-security.ts
 * counts it used).
 */
import { defaultsReadiness, podLabels } from '../model/custom-workloads.js';
import { asRecord, type KubeObject } from '../model/object.js';
import { placedContainers, workloadTemplate, containerNamed } from '../model/pod-specs.js';
import { POLICY_EXCEPTION_PREFIX, declaredExceptions } from '../policy.js';
import { finder, type Finding } from './finding.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';
import { runsToCompletion } from './pod-security.js';
import { selectorMatches } from './selectors.js';

/** Whether the Service `s` sends traffic to pods with `labels`: a selector (not empty) they match, and not an ExternalName. */
function selects(s: KubeObject, labels: Readonly<Record<string, string>>): boolean {
  const spec = asRecord(s.spec);
  const selector = asRecord(spec?.selector) as Record<string, string> | undefined;
  if (!spec || spec.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) return false;
  return selectorMatches({ matchLabels: selector, matchExpressions: [] }, labels);
}

/**
 * The warnings of one workload whose long-running containers have no readinessProbe while a Service
 * selects its pods: a built-in workload's, or a custom resource's that runs pods (an Argo Rollout),
 * whose pods a Service selects alike.
 */
export function checkReadiness(o: KubeObject, index: ObjectIndex): Finding[] {
  // a built-in or a custom workload's template alike, where its path says
  const { path, template } = workloadTemplate(o) ?? {};
  const spec = asRecord(template?.spec);
  if (!path || !template || !spec || runsToCompletion(o, spec) || declaredExceptions(o.metadata?.annotations).has('probes')) return [];
  // Knative probes a Revision's serving container itself when its template gives no readinessProbe
  if (defaultsReadiness(o)) return [];
  // the app containers: init containers finish before the pod is ready, and serve nothing
  const containers = placedContainers(spec, ['containers']);
  // the Service's traffic goes to the containers that declare ports: beside them, one without (a log
  // shipper) gets none; when none declares any, a Service's port by number may reach any of them
  const hasPorts = (c: Record<string, unknown>) => Array.isArray(c.ports) && c.ports.length > 0;
  const serving = containers.some((p) => hasPorts(p.container)) ? hasPorts : () => true;
  const unready = containers.filter(({ container: c }) => !asRecord(c.readinessProbe) && serving(c));
  // looked up only for a pod that lacks a probe: the other workloads' results depend on no Service
  if (unready.length === 0) return [];
  const labels = podLabels(o, template);
  const services = index
    .objectsOf(KINDS.Service, index.namespaceOf(o))
    .filter((s) => selects(s, labels))
    .map((s) => String(s.metadata?.name));
  if (services.length === 0) return [];
  const emit = finder(o, 'warning');
  const by = services.length === 1 ? `Service ${services[0]} selects` : `Services ${listed(services)} select`;
  return unready.map(({ container, index }) =>
    emit(
      'policy/probes',
      [...path, 'spec', 'containers', index],
      `${containerNamed(container)} has no readinessProbe, but ${by} its pods: they get requests before they are ready, and while they cannot serve them`,
      `add a readinessProbe, so that the Service sends requests only to pods ready for them, or declare the exception on the ${o.kind}: ${POLICY_EXCEPTION_PREFIX}probes: <reason>`,
    ),
  );
}
