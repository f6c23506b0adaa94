/** The verdict fixes and the cross-object rules of issue 14: each fixture that must fire, and one that must not. */
import { describe, expect, it } from 'vitest';
import { codedFindingsIn, objectsIn, MANIFESTS } from './helpers.js';
import { join } from 'node:path';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';

const serviceMonitorCrd = objectsIn(join(MANIFESTS, 'rules')).filter((o) => o.kind === 'CustomResourceDefinition');

describe('verdicts the API server would give', () => {
  it('accepts a volume with no source (an emptyDir), creationTimestamp: null, and a numeric targetPort before pods that declare no ports', () => {
    expect(codedFindingsIn(['rules/verdicts-pass.yaml'])).toEqual([]);
  });

  it('reports two same-named Pods in one file as what they are: the second replaces the first', () => {
    expect(codedFindingsIn(['rules/duplicate-pods-fire.yaml'])).toEqual([
      'refs/duplicate-object rules/duplicate-pods-fire.yaml:14:9: Pod hello: metadata.name: Pod hello is defined twice: applied together, the second definition replaces the first (kubectl apply) or fails as already existing (kubectl create)',
    ]);
  });

  it('exempts Windows pods from the Linux-only restricted controls, and only them', () => {
    expect(codedFindingsIn(['rules/windows-pass.yaml'], { podSecurity: 'restricted' })).toEqual([]);
    expect(codedFindingsIn(['rules/windows-fire.yaml'], { podSecurity: 'restricted' }).map((l) => l.split(' ')[0])).toEqual([
      'policy/capabilities',
      'policy/privilege-escalation',
      'policy/seccomp',
    ]);
  });
});

describe('ports', () => {
  it('rejects a TCP probe on a UDP port and a targetPort name that is no IANA service name', () => {
    expect(codedFindingsIn(['rules/ports-fire.yaml'])).toEqual([
      "refs/probe-protocol rules/ports-fire.yaml:18:17: Pod dns: spec.containers[0].livenessProbe.tcpSocket.port: livenessProbe connects over TCP to port 53, which container 'dns' declares as UDP",
      "refs/target-port rules/ports-fire.yaml:30:19: Service dns: spec.ports[0].targetPort: port 53/UDP targets the port named 'domain-name-service', but the selected pods (Pod dns) listen on: 53 (dns)/UDP",
      "api/target-port-name rules/ports-fire.yaml:30:19: Service dns: spec.ports[0].targetPort: targetPort 'domain-name-service' is neither a number nor an IANA service name (a container port name)",
    ]);
  });

  it('accepts a TCP probe on the TCP twin of a UDP port and a targetPort naming a container port', () => {
    expect(codedFindingsIn(['rules/ports-pass.yaml'])).toEqual([]);
  });
});

describe('NetworkPolicies and PodDisruptionBudgets', () => {
  it('reports selectors that match no pod, budgets that block every drain, and pods no policy selects', () => {
    expect(codedFindingsIn(['rules/selections-fire.yaml']).map((l) => l.slice(0, l.indexOf(': ', l.indexOf(': ') + 2)))).toEqual([
      'refs/network-policy-uncovered rules/selections-fire.yaml:14:7: Deployment web',
      'refs/network-policy-selector rules/selections-fire.yaml:27:5: NetworkPolicy api',
      'refs/network-policy-peer rules/selections-fire.yaml:32:13: NetworkPolicy api',
      'refs/pdb-selector rules/selections-fire.yaml:42:5: PodDisruptionBudget api',
      'refs/pdb-blocks-drain rules/selections-fire.yaml:50:17: PodDisruptionBudget web',
      'refs/pdb-blocks-drain rules/selections-fire.yaml:60:19: PodDisruptionBudget web-strict',
    ]);
  });

  it('names what a budget covers when it leaves no pod to evict', () => {
    expect(codedFindingsIn(['rules/selections-fire.yaml'])).toContain(
      'refs/pdb-blocks-drain rules/selections-fire.yaml:50:17: PodDisruptionBudget web: spec.minAvailable: minAvailable 2 is at least the 2 replicas it covers (Deployment web): no pod it covers can ever be evicted, so draining a node for maintenance waits forever',
    );
  });

  it('accepts policies and budgets that select existing pods, peers in other namespaces, and a default-deny policy', () => {
    expect(codedFindingsIn(['rules/selections-pass.yaml'])).toEqual([]);
  });
});

describe('workloads whose selectors overlap', () => {
  it("warns at a selector that matches another workload's pods: the API server takes both, but what finds the pods by it finds both", () => {
    expect(codedFindingsIn(['rules/workload-overlap-fire.yaml'])).toEqual([
      "refs/workload-overlap rules/workload-overlap-fire.yaml:8:5: Deployment api: spec.selector: selects the pods app=api, which the pod template of Deployment api-canary (app=api, track=canary), Pod debug (app=api) match too: Kubernetes takes both, but whatever finds this Deployment's pods by its selector counts the other's too (an autoscaler's CPU average, kubectl get and logs -l, a Service or PodDisruptionBudget written with it), and each controller adopts the other's orphaned pods",
    ]);
  });

  it("leaves what a workload's controller made to api/owner-reference: a Deployment's exported ReplicaSet and its Pod are not the Deployment's overlap, nor the Pod the ReplicaSet's", () => {
    expect(codedFindingsIn(['rules/workload-overlap-owned.yaml']).map((l) => l.split(': ')[0])).toEqual([
      'api/owner-reference rules/workload-overlap-owned.yaml:28:5',
      'api/owner-reference rules/workload-overlap-owned.yaml:57:5',
    ]);
  });

  const deployment = (name: string, labels: Record<string, string>, selector = labels) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'week' },
    spec: {
      selector: { matchLabels: selector },
      template: { metadata: { labels }, spec: { containers: [{ name, image: 'team/goapi:1.4' }] } },
    },
  });
  const overlaps = (objects: readonly KubeObject[]) =>
    checkObjects(objects, { existingNamespaces: ['week'] }).findings.filter((f) => f.code === 'refs/workload-overlap');

  it("hints at relabelling either, since a stack's selector is its stack's, and deletes in the workload's namespace", () => {
    // the service stack's goapi selects name=goapi; a manifests app's canary is labelled as written
    const objects = [
      deployment('goapi', { name: 'goapi', 'app.kubernetes.io/instance': 'goapi-week' }, { name: 'goapi' }),
      deployment('goapi-canary', { name: 'goapi', track: 'canary' }),
    ];
    expect(overlaps(objects).map((f) => f.hint)).toEqual([
      "relabel the other's pods so that this selector matches them no more, or give this Deployment's pods a label of their own that its selector names (a stack's workload selects as its stack writes it: relabel the other's; a manifests app's pod templates are as written, with no label of stagecraft's); a selector cannot change: delete the workload whose selector changes before the apply, its pods left running (for this one: kubectl delete deployment goapi -n week --cascade=orphan)",
    ]);
  });

  it('lists ten of the workloads a selector matches, and how many more: forty that each select tier=backend say 39 names each no more', () => {
    const objects = Array.from({ length: 40 }, (_, i) =>
      deployment(`svc${i}`, { tier: 'backend', component: `svc${i}` }, { tier: 'backend' }),
    );
    const found = overlaps(objects);
    expect(found).toHaveLength(40);
    expect(found[0].message).toContain('the pod template of Deployment svc10 (tier=backend, component=svc10) and 29 more match too: ');
    expect(Math.max(...found.map((f) => f.message.length))).toBeLessThan(1200);
  });

  it('takes selectors of their own tracks under one Service, and a Job beside them (its selector is generated)', () => {
    expect(codedFindingsIn(['rules/workload-overlap-pass.yaml'])).toEqual([]);
  });
});

describe('ServiceMonitors', () => {
  it("reports a ServiceMonitor selecting the pods' labels, or a port name the Service lacks, when its CRD is known", () => {
    expect(codedFindingsIn(['rules/service-monitor-fire.yaml'], { crds: serviceMonitorCrd })).toEqual([
      "refs/service-monitor-selector rules/service-monitor-fire.yaml:38:5: ServiceMonitor api-by-pod-labels: spec.selector: selects the Services app=api in namespace 'default', but no Service there has these labels; the Services are: api (app.kubernetes.io/name=api); unless an operator makes such a Service (from a custom resource, as Strimzi's Kafka, or the Prometheus operator's prometheus-operated), it scrapes nothing",
      "refs/service-monitor-port rules/service-monitor-fire.yaml:52:13: ServiceMonitor api-metrics: spec.endpoints[0].port: scrapes the port named 'metrics', but the selected Services (api) have the named ports: http",
    ]);
  });

  it('accepts a ServiceMonitor that selects a Service and scrapes its named port', () => {
    expect(codedFindingsIn(['rules/service-monitor-pass.yaml'], { crds: serviceMonitorCrd })).toEqual([]);
  });

  it('without the CRD, only warns that the ServiceMonitors are not validated', () => {
    expect(codedFindingsIn(['rules/service-monitor-fire.yaml']).map((l) => l.split(' ')[0])).toEqual([
      'crd/unknown-kind',
      'crd/unknown-kind',
    ]);
  });
});
