/**
 * The Prometheus Operator's PodMonitors, checked when their CRD is known (lib/checks/references-selectors.ts,
 * `refs/pod-monitor-selector`, `refs/pod-monitor-port`).
 */
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../lib/checks/finding.js';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { formatProblem } from '../../lib/errors.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: podmonitors.monitoring.coreos.com }
spec:
  group: monitoring.coreos.com
  scope: Namespaced
  names: { kind: PodMonitor, listKind: PodMonitorList, plural: podmonitors, singular: podmonitor }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
const PODS = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: ghcr.io/example/web:2.0.1
          ports: [{ name: http, containerPort: 8080 }, { name: metrics, containerPort: 9090 }]
---
`;
const monitor = (spec: string) => `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: { name: web, namespace: shop }
spec:
${spec}`;

function said(text: string, crd = true): string[] {
  const manifests = parseManifests([{ file: 'monitor.yaml', text: PODS + text }]);
  const crds = crd ? parseManifests([{ file: 'crd.yaml', text: CRD }]).objects : [];
  return checkObjects(manifests.objects, { crds })
    .findings.filter((f) => f.code.startsWith('refs/pod-monitor'))
    .map((f) => `${f.code} ${formatProblem(toProblem(f, manifests.locate(f)))}`);
}

describe('a PodMonitor', () => {
  it('selecting pods and scraping a port name they declare is no finding', () => {
    expect(said(monitor('  selector: { matchLabels: { app: web } }\n  podMetricsEndpoints: [{ port: metrics }]\n'))).toEqual([]);
    // by number, or in every namespace (not all known here): not looked at
    expect(said(monitor('  selector: { matchLabels: { app: web } }\n  podMetricsEndpoints: [{ portNumber: 9100 }]\n'))).toEqual([]);
    expect(said(monitor('  selector: { matchLabels: { app: api } }\n  namespaceSelector: { any: true }\n'))).toEqual([]);
  });

  it("selecting no pod scrapes nothing: said with the workloads' labels (a Service's labels are not the pods')", () => {
    expect(
      said(monitor('  selector: { matchLabels: { app.kubernetes.io/name: web } }\n  podMetricsEndpoints: [{ port: metrics }]\n')),
    ).toEqual([
      "refs/pod-monitor-selector monitor.yaml:22:13: warning: PodMonitor shop/web: spec.selector: selects the pods app.kubernetes.io/name=web in namespace 'shop', but no pod template there matches; the workloads there are: Deployment web (app=web); unless an operator makes such pods (from a custom resource, as Strimzi's Kafka), it scrapes nothing\n" +
        "  hint: make the selector match the pods' labels (a PodMonitor selects pods, not Services); pods an operator makes carry the labels its documentation gives",
    ]);
    // a namespace the objects do not make is another's: its pods are not known
    expect(said(monitor('  selector: { matchLabels: { app: api } }\n  namespaceSelector: { matchNames: [monitoring] }\n'))).toEqual([]);
  });

  it("selecting pods an operator makes (Strimzi's PodMonitors of strimzi.io/kind) is a warning, never an error that blocks the synth", () => {
    const strimzi = `apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: { name: kafka-resources-metrics, namespace: shop }
spec:
  selector:
    matchExpressions:
      - { key: strimzi.io/kind, operator: In, values: [Kafka, KafkaConnect, KafkaMirrorMaker2] }
  namespaceSelector: { matchNames: [shop] }
  podMetricsEndpoints: [{ path: /metrics, port: tcp-prometheus }]
`;
    const manifests = parseManifests([{ file: 'monitor.yaml', text: PODS + strimzi }]);
    const crds = parseManifests([{ file: 'crd.yaml', text: CRD }]).objects;
    const found = checkObjects(manifests.objects, { crds }).findings.filter((f) => f.code.startsWith('refs/pod-monitor'));
    expect(found.map((f) => [f.code, f.severity])).toEqual([['refs/pod-monitor-selector', 'warning']]);
  });

  it('scraping a container port name no selected pod declares scrapes nothing, with the name meant', () => {
    expect(said(monitor('  selector: { matchLabels: { app: web } }\n  podMetricsEndpoints: [{ port: http }, { port: metric }]\n'))).toEqual(
      [
        "refs/pod-monitor-port monitor.yaml:23:49: PodMonitor shop/web: spec.podMetricsEndpoints[1].port: scrapes the container port named 'metric', but the selected pods (Deployment web) declare the named ports: http, metrics; Prometheus keeps no target of theirs and scrapes nothing\n" +
          "  hint: did you mean 'metrics'? Otherwise name a port the pods' containers declare (ports[].name), or add the name to the container's port",
      ],
    );
  });

  it("scraping the port a service mesh's injected sidecar declares (Istio's http-envoy-prom, Linkerd's linkerd-admin) is no finding: the template does not show it", () => {
    expect(
      said(
        monitor(
          '  selector: { matchLabels: { app: web } }\n  podMetricsEndpoints: [{ port: http-envoy-prom, path: /stats/prometheus }, { port: linkerd-admin }]\n',
        ),
      ),
    ).toEqual([]);
  });

  it('is not checked without its CRD (its fields are not trusted)', () => {
    expect(said(monitor('  selector: { matchLabels: { app: api } }\n  podMetricsEndpoints: [{ port: metric }]\n'), false)).toEqual([]);
  });
});
