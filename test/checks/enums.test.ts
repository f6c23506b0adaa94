import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../lib/checks/manifests.js';
import { checkObjects } from '../../lib/checks/index.js';

/** The enum findings of the checks over `text`, as `field: message`. */
const enumFindings = (text: string) => {
  const { objects } = parseManifests([{ file: 'f.yaml', text }]);
  return checkObjects(objects)
    .findings.filter((f) => f.code === 'schema/enum')
    .map((f) => `${f.path.join('.')}: ${f.message}`);
};

describe('values the API server takes for fields its OpenAPI types only as strings', () => {
  it("refuses a webhook's failurePolicy, sideEffects, operations and scope that admissionregistration/v1 refuses (a v1beta1 manifest's sideEffects: Unknown)", () => {
    const webhook = `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: { name: hook }
webhooks:
  - name: mutate.example.com
    admissionReviewVersions: [v1]
    clientConfig: { url: "https://hook.example.com/mutate" }
    failurePolicy: fail
    sideEffects: Unknown
    reinvocationPolicy: Always
    rules: [{ apiGroups: [""], apiVersions: [v1], operations: [CREATE, PATCH], resources: [pods], scope: Namespace }]
`;
    expect(enumFindings(webhook)).toEqual([
      `webhooks.0.failurePolicy: must be one of 'Ignore', 'Fail' (found "fail")`,
      `webhooks.0.reinvocationPolicy: must be one of 'Never', 'IfNeeded' (found "Always")`,
      `webhooks.0.rules.0.operations.1: must be one of '*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT' (found "PATCH")`,
      `webhooks.0.rules.0.scope: must be one of '*', 'Cluster', 'Namespaced' (found "Namespace")`,
      `webhooks.0.sideEffects: must be one of 'None', 'NoneOnDryRun' (found "Unknown")`,
    ]);
    expect(
      enumFindings(
        webhook
          .replace('fail\n', 'Fail\n')
          .replace('Unknown', 'None')
          .replace('Always', 'IfNeeded')
          .replace(', PATCH', '')
          .replace('Namespace }', 'Namespaced }'),
      ),
    ).toEqual([]);
  });

  it("refuses an autoscaler's metric and target types and scaling policies in another case or spelling, in autoscaling/v2 and v2beta2", () => {
    const hpa = (version: string) => `apiVersion: autoscaling/${version}
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  maxReplicas: 3
  metrics: [{ type: resource, resource: { name: cpu, target: { type: utilization, averageUtilization: 80 } } }]
  behavior: { scaleDown: { selectPolicy: Minimum, policies: [{ type: Pod, value: 1, periodSeconds: 60 }] } }
`;
    for (const version of ['v2', 'v2beta2'])
      expect(enumFindings(hpa(version)).map((f) => f.split(':')[0])).toEqual([
        'spec.behavior.scaleDown.policies.0.type',
        'spec.behavior.scaleDown.selectPolicy',
        'spec.metrics.0.resource.target.type',
        'spec.metrics.0.type',
      ]);
  });

  it("refuses a pod's os.name other than linux or windows", () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  os: { name: Linux }\n  containers: [{ name: c, image: "nginx:1.25" }]\n';
    expect(enumFindings(pod)).toEqual([`spec.os.name: must be one of 'linux', 'windows' (found "Linux")`]);
  });
});
