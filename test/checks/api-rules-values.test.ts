import { describe, expect, it } from 'vitest';
import { codedFindingsIn } from './helpers.js';
import { ingressHostProblem, ingressPathProblem } from '../../lib/checks/api-rules-ingress.js';
import { isCidr } from '../../lib/checks/api-rules-network.js';
import { checkObjects } from '../../lib/checks/index.js';
import { fieldPath } from '../../lib/checks/finding.js';
import type { KubeObject } from '../../lib/model/object.js';
import { CONFIG_KEY_HINT } from '../../lib/model/config-key.js';

/** The api/* findings of the fixtures (the others are other checks'). */
const apiFindingsIn = (files: readonly string[]) => codedFindingsIn(files).filter((f) => f.startsWith('api/'));

describe("the API server's rules of values and of single kinds", () => {
  it('rejects an Ingress host that is an IP address, unsafe paths, zero sizes, hostPaths with .., and key references to . .. and ..x', () => {
    expect(apiFindingsIn(['api/refused-values.yaml'])).toEqual([
      "api/ingress api/refused-values.yaml:6:36: Ingress default/web: spec.tls[0].hosts[1]: TLS host 'Bad_Host' is not a DNS-1123 subdomain",
      "api/ingress api/refused-values.yaml:8:13: Ingress default/web: spec.rules[0].host: host '10.0.0.1' is an IP address; an Ingress rule routes by DNS name",
      "api/ingress api/refused-values.yaml:11:21: Ingress default/web: spec.rules[0].http.paths[0].path: path '/a//b' contains '//'",
      "api/ingress api/refused-values.yaml:12:21: Ingress default/web: spec.rules[0].http.paths[1].path: path '/e/..' ends in '/..'",
      "api/ingress api/refused-values.yaml:13:21: Ingress default/web: spec.rules[0].http.paths[2].path: path '/x/%2Fy' contains '%2F'",
      "api/ingress api/refused-values.yaml:14:21: Ingress default/web: spec.rules[0].http.paths[3].path: path 'relative' does not start with '/'",
      'api/ingress api/refused-values.yaml:19:81: Ingress default/web: spec.rules[1].http.paths[0].backend.service.port: sets both number and name; a backend names its Service port one way',
      'api/storage api/refused-values.yaml:29:73: PersistentVolumeClaim default/data: spec.resources.requests.storage: requested storage "0" is not greater than zero',
      'api/storage api/refused-values.yaml:35:24: PersistentVolume data: spec.capacity.storage: capacity "0Gi" is not greater than zero',
      "api/storage api/refused-values.yaml:37:21: PersistentVolume data: spec.hostPath.path: hostPath '/data/../etc' has a '..' element",
      "api/config-key api/refused-values.yaml:42:24: Secret default/creds: stringData...key: key '..key' is not valid: it may not start with '..' (the kubelet's own files in a volume do)",
      "api/config-key api/refused-values.yaml:42:32: Secret default/creds: stringData..: key '.' is not valid: it may not be '.'",
      "api/config-key api/refused-values.yaml:47:15: ConfigMap default/settings: data...: key '..' is not valid: it may not be '..'",
      "api/node-name api/refused-values.yaml:53:13: Pod default/web: spec.nodeName: 'a..b' is not a DNS-1123 subdomain",
      "api/config-key api/refused-values.yaml:59:71: Pod default/web: spec.containers[0].env[0].valueFrom.secretKeyRef.key: secretKeyRef key '..key' is not valid: it may not start with '..' (the kubelet's own files in a volume do)",
      "api/storage api/refused-values.yaml:63:39: Pod default/web: spec.volumes[0].hostPath.path: hostPath '/srv/../etc' has a '..' element",
      "api/config-key api/refused-values.yaml:64:65: Pod default/web: spec.volumes[1].configMap.items[0].key: item key '..' is not valid: it may not be '..'",
    ]);
  });

  it("rejects what each kind's API validation refuses: replicas, strategy, restart policy, env, probes, autoscalers, budgets, RBAC, CIDRs, nodeSelector labels, tolerations", () => {
    expect(apiFindingsIn(['api/kind-rules.yaml'])).toEqual([
      'api/workload api/kind-rules.yaml:6:13: Deployment default/d: spec.replicas: replicas -1 is negative',
      'api/workload api/kind-rules.yaml:7:51: Deployment default/d: spec.strategy.rollingUpdate: maxSurge and maxUnavailable are both 0, so a rollout could never replace a pod',
      "api/workload api/kind-rules.yaml:12:22: Deployment default/d: spec.template.spec.restartPolicy: restartPolicy Never is refused for a Deployment's pods, which run until replaced",
      "api/workload api/kind-rules.yaml:13:56: Deployment default/d: spec.template.spec.tolerations[0].value: value is 'v', but operator Exists matches any value",
      'api/workload api/kind-rules.yaml:13:100: Deployment default/d: spec.template.spec.tolerations[2].operator: operator is Equal (the default), but a toleration without a key must have operator Exists (it then tolerates every taint)',
      "api/workload api/kind-rules.yaml:13:163: Deployment default/d: spec.template.spec.tolerations[3].tolerationSeconds: tolerationSeconds is set, but effect is 'NoSchedule': it says how long a pod stays on a node tainted NoExecute, so the API server takes it with effect NoExecute only",
      "api/workload api/kind-rules.yaml:18:51: Deployment default/d: spec.template.spec.containers[0].env[0].valueFrom: environment variable 'A' sets both value and valueFrom; the API server takes one",
      'api/workload api/kind-rules.yaml:19:55: Deployment default/d: spec.template.spec.containers[0].resources.requests.memory: requests memory "-1" is negative',
      'api/port-range api/kind-rules.yaml:20:54: Deployment default/d: spec.template.spec.containers[0].livenessProbe.httpGet.port: port 70000 is out of range (1-65535)',
      "api/probe api/kind-rules.yaml:20:69: Deployment default/d: spec.template.spec.containers[0].livenessProbe.httpGet.scheme: scheme 'http' is neither HTTP nor HTTPS (the case matters)",
      'api/probe api/kind-rules.yaml:20:95: Deployment default/d: spec.template.spec.containers[0].livenessProbe.successThreshold: successThreshold of a livenessProbe must be 1 (found 2)',
      'api/probe api/kind-rules.yaml:20:119: Deployment default/d: spec.template.spec.containers[0].livenessProbe.initialDelaySeconds: initialDelaySeconds -1 is negative',
      "api/probe api/kind-rules.yaml:21:48: Deployment default/d: spec.template.spec.containers[0].readinessProbe.tcpSocket.port: port 'Not_A_Name' is neither a number nor a container port name (an IANA service name)",
      'api/storage api/kind-rules.yaml:35:28: StatefulSet default/s: spec.volumeClaimTemplates[0].spec.accessModes: accessModes is empty; a claim needs at least one',
      'api/storage api/kind-rules.yaml:35:66: StatefulSet default/s: spec.volumeClaimTemplates[0].spec.resources.requests.storage: requested storage "-1Gi" is not greater than zero',
      'api/network api/kind-rules.yaml:40:73: Service default/d: spec.ports[0].nodePort: nodePort 30000 is set on a Service of type ClusterIP, which has no node ports',
      'api/workload api/kind-rules.yaml:45:90: HorizontalPodAutoscaler default/d: spec.minReplicas: minReplicas 0 is less than 1',
      'api/workload api/kind-rules.yaml:45:106: HorizontalPodAutoscaler default/d: spec.maxReplicas: maxReplicas -1 is less than 1',
      'api/workload api/kind-rules.yaml:45:106: HorizontalPodAutoscaler default/d: spec.maxReplicas: maxReplicas -1 is less than minReplicas 0',
      'api/workload api/kind-rules.yaml:50:106: HorizontalPodAutoscaler default/e: spec.maxReplicas: maxReplicas 2 is less than minReplicas 5',
      'api/workload api/kind-rules.yaml:55:7: PodDisruptionBudget default/d: spec: sets both minAvailable and maxUnavailable; the API server takes one',
      'api/rbac api/kind-rules.yaml:60:54: Role default/r: rules[0].verbs: verbs is empty; a rule allows at least one verb',
      "api/rbac api/kind-rules.yaml:65:22: RoleBinding default/r: roleRef.apiGroup: roleRef.apiGroup 'rbac.authorization.k8s.io/v1' is not rbac.authorization.k8s.io",
      "api/network api/kind-rules.yaml:74:33: NetworkPolicy default/netpol: spec.ingress[0].from[0].ipBlock.cidr: cidr '10.0.0.0/33' is not a CIDR",
      "api/network api/kind-rules.yaml:74:68: NetworkPolicy default/netpol: spec.ingress[0].from[0].ipBlock.except[1]: except 'nonsense' is not a CIDR",
      'api/network api/kind-rules.yaml:75:38: NetworkPolicy default/netpol: spec.ingress[0].ports[0].endPort: endPort 80 is less than port 8080',
      'api/network api/kind-rules.yaml:75:67: NetworkPolicy default/netpol: spec.ingress[0].ports[1].endPort: endPort needs port to be a number',
      "api/label-key api/kind-rules.yaml:81:30: Pod default/p: spec.nodeSelector.bad key: label key 'bad key' is not valid: its name must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      'api/label-value api/kind-rules.yaml:81:30: Pod default/p: spec.nodeSelector.bad key: label value "bad value" is not valid',
      'api/workload api/kind-rules.yaml:88:57: DaemonSet default/ds: spec.updateStrategy.rollingUpdate: maxSurge and maxUnavailable are both 0, so a rollout could never replace a pod',
    ]);
  });

  it('tells an IP address from a host name with a port, and reads CIDRs as the API server does (leading zeros allowed)', () => {
    expect(
      ['10.0.0.1', 'fd00::1', 'web.example.com:8080', '*.example.com', 'web.example.com', '999.0.0.1'].map(ingressHostProblem),
    ).toEqual([
      'is an IP address; an Ingress rule routes by DNS name',
      'is an IP address; an Ingress rule routes by DNS name',
      "is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.'; '*.' only in front)",
      undefined,
      undefined,
      undefined,
    ]);
    expect(['/', '/a/', '/a/.b', '/a/.', '/a/b/..', 'a'].map(ingressPathProblem)).toEqual([
      undefined,
      undefined,
      undefined,
      "ends in '/.'",
      "ends in '/..'",
      "does not start with '/'",
    ]);
    expect(
      ['10.0.0.0/8', '10.0.0.1/32', 'fd00::/8', '::/0', '10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', 'fd00::/129', '010.0.0.0/8'].map(isCidr),
    ).toEqual([true, true, true, true, false, false, false, false, true]);
  });

  it('refuses a ConfigMap or Secret key once, for one reason, in the same words whether an object holds it or a pod reads it', () => {
    const keys = ['../x', '..', 'a b', 'k'.repeat(254), 'ok.key'];
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: Object.fromEntries(keys.map((k) => [k, 'v'])) },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' }, stringData: { '.': 'v' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'n' },
        spec: {
          containers: [
            {
              name: 'c',
              image: 'nginx:1.25',
              env: keys.map((key, i) => ({ name: `E${i}`, valueFrom: { configMapKeyRef: { name: 'c', key } } })),
            },
          ],
        },
      },
    ];
    const findings = checkObjects(objects).findings.filter((f) => f.code === 'api/config-key');
    const long = `'${'k'.repeat(254)}'`;
    expect(
      findings.map((f) => `${f.object.kind} ${fieldPath(f.path).replace('k'.repeat(254), 'k*254')}: ${f.message.replace(long, "'k*254'")}`),
    ).toEqual([
      "ConfigMap data...: key '..' is not valid: it may not be '..'",
      "ConfigMap data.../x: key '../x' is not valid: it may hold only letters, digits, '-', '_' and '.'",
      "ConfigMap data.a b: key 'a b' is not valid: it may hold only letters, digits, '-', '_' and '.'",
      "ConfigMap data.k*254: key 'k*254' is not valid: it has 254 characters, more than 253",
      "Pod spec.containers[0].env[0].valueFrom.configMapKeyRef.key: configMapKeyRef key '../x' is not valid: it may hold only letters, digits, '-', '_' and '.'",
      "Pod spec.containers[0].env[1].valueFrom.configMapKeyRef.key: configMapKeyRef key '..' is not valid: it may not be '..'",
      "Pod spec.containers[0].env[2].valueFrom.configMapKeyRef.key: configMapKeyRef key 'a b' is not valid: it may hold only letters, digits, '-', '_' and '.'",
      "Pod spec.containers[0].env[3].valueFrom.configMapKeyRef.key: configMapKeyRef key 'k*254' is not valid: it has 254 characters, more than 253",
      "Secret stringData..: key '.' is not valid: it may not be '.'",
    ]);
    expect(new Set(findings.map((f) => f.hint))).toEqual(new Set([CONFIG_KEY_HINT]));
  });
});
