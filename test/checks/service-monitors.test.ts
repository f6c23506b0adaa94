/**
 * The Prometheus Operator's ServiceMonitors, checked when their CRD is known (lib/checks/references-selectors.ts,
 * `refs/service-monitor-selector`, `refs/service-monitor-port`): what the rules fixtures do not show, the Services
 * an operator makes and the namespaces the objects do not make.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../lib/checks/finding.js';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { formatProblem } from '../../lib/errors.js';

const CRD = readFileSync(join(__dirname, '..', 'fixtures', 'manifests', 'rules', 'service-monitor-crd.yaml'), 'utf8');
const SERVICES = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop, labels: { app.kubernetes.io/name: web } }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80 }, { name: metrics, port: 9090 }]
---
`;
const monitor = (spec: string, name = 'web') => `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: ${name}, namespace: shop }
spec:
${spec}`;

function findings(text: string) {
  const manifests = parseManifests([{ file: 'monitor.yaml', text: SERVICES + text }]);
  const crds = parseManifests([{ file: 'crd.yaml', text: CRD }]).objects;
  const found = checkObjects(manifests.objects, { crds }).findings.filter((f) => f.code.startsWith('refs/service-monitor'));
  return { found, manifests };
}
function said(text: string): string[] {
  const { found, manifests } = findings(text);
  return found.map((f) => `${f.code} ${formatProblem(toProblem(f, manifests.locate(f)))}`);
}

describe('a ServiceMonitor', () => {
  it('selecting a Service and scraping its named port is no finding', () => {
    expect(said(monitor('  selector: { matchLabels: { app.kubernetes.io/name: web } }\n  endpoints: [{ port: metrics }]\n'))).toEqual([]);
  });

  it("selecting no Service of the objects is a warning that says an operator's Services may be meant", () => {
    expect(said(monitor('  selector: { matchLabels: { app: web } }\n  endpoints: [{ port: metrics }]\n'))).toEqual([
      "refs/service-monitor-selector monitor.yaml:16:13: warning: ServiceMonitor shop/web: spec.selector: selects the Services app=web in namespace 'shop', but no Service there has these labels; the Services are: web (app.kubernetes.io/name=web); unless an operator makes such a Service (from a custom resource, as Strimzi's Kafka, or the Prometheus operator's prometheus-operated), it scrapes nothing\n" +
        "  hint: make the selector match the Services' labels (not the pods'); Services an operator makes carry the labels its documentation gives",
    ]);
  });

  it("selecting Services an operator makes (Strimzi's of a Kafka, the Prometheus operator's prometheus-operated) is a warning, never an error that blocks the synth", () => {
    const { found } = findings(
      `${monitor('  selector: { matchExpressions: [{ key: strimzi.io/kind, operator: In, values: [Kafka] }] }\n  endpoints: [{ port: tcp-prometheus }]\n', 'kafka')}---\n${monitor('  selector: { matchLabels: { operated-prometheus: "true" } }\n  endpoints: [{ port: web }]\n', 'prometheus-self')}`,
    );
    expect(found.map((f) => [f.code, f.severity])).toEqual([
      ['refs/service-monitor-selector', 'warning'],
      ['refs/service-monitor-selector', 'warning'],
    ]);
  });

  it("looks only in namespaces the objects make: another's (kube-system's kubelet) or every namespace is not known", () => {
    expect(
      said(monitor('  selector: { matchLabels: { k8s-app: kubelet } }\n  namespaceSelector: { matchNames: [kube-system] }\n')),
    ).toEqual([]);
    expect(
      said(monitor('  selector: { matchLabels: { app: api } }\n  namespaceSelector: { any: true }\n  endpoints: [{ port: m }]\n')),
    ).toEqual([]);
    // of the namespaces it names, those the objects make are looked in
    expect(said(monitor('  selector: { matchLabels: { app: web } }\n  namespaceSelector: { matchNames: [shop, kube-system] }\n'))).toEqual([
      expect.stringContaining("selects the Services app=web in namespace 'shop', but no Service there has these labels"),
    ]);
  });

  it('of namespaceSelector.matchNames: [] (a Helm value left empty) looks in its own namespace, as the Prometheus operator does', () => {
    expect(said(monitor('  selector: { matchLabels: { app: web } }\n  namespaceSelector: { matchNames: [] }\n'))).toEqual([
      expect.stringContaining("selects the Services app=web in namespace 'shop', but no Service there has these labels"),
    ]);
  });

  it("of a namespace named twice in matchNames (a chart's [{{ .Release.Namespace }}, monitoring] installed in monitoring) says each Service once", () => {
    const twice = '  namespaceSelector: { matchNames: [shop, shop] }\n';
    expect(said(monitor(`  selector: { matchLabels: { app: web } }\n${twice}`))).toEqual([
      expect.stringContaining(
        "selects the Services app=web in namespace 'shop', but no Service there has these labels; the Services are: web (app.kubernetes.io/name=web); unless",
      ),
    ]);
    expect(
      said(monitor(`  selector: { matchLabels: { app.kubernetes.io/name: web } }\n${twice}  endpoints: [{ port: metric }]\n`)),
    ).toEqual([
      expect.stringContaining("scrapes the port named 'metric', but the selected Services (web) have the named ports: http, metrics"),
    ]);
  });

  it('scraping a port name no selected Service has is still an error, with the name meant', () => {
    expect(said(monitor('  selector: { matchLabels: { app.kubernetes.io/name: web } }\n  endpoints: [{ port: metric }]\n'))).toEqual([
      "refs/service-monitor-port monitor.yaml:17:23: ServiceMonitor shop/web: spec.endpoints[0].port: scrapes the port named 'metric', but the selected Services (web) have the named ports: http, metrics\n" +
        "  hint: did you mean 'metrics'? Otherwise use the name of a Service port (ServiceMonitors scrape Services' named ports)",
    ]);
  });
});
