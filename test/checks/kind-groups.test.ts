/**
 * The rules and references of a kind by its API group and kind, never its name alone: an
 * example.com Service, Ingress, ConfigMap or PodDisruptionBudget is its CRD's to judge, and refers
 * to nothing anyone knows of.
 */
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../lib/checks/finding.js';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { formatProblem } from '../../lib/errors.js';

/** The refs/ problems' first lines of checking `text` as one file after the Namespace web. */
function firstLines(text: string): string[] {
  const manifests = parseManifests([{ file: 'app.yaml', text: `apiVersion: v1\nkind: Namespace\nmetadata: { name: web }\n---\n${text}` }]);
  return checkObjects(manifests.objects)
    .findings.filter((f) => f.code.startsWith('refs/'))
    .map((f) => `${f.code} ${formatProblem(toProblem(f, manifests.locate(f))).split('\n')[0]}`);
}

describe('the references of a kind, by its API group', () => {
  it('are not those of an example.com Service or Ingress, which refer to nothing anyone knows of', () => {
    const service = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: Service
metadata: { name: web, namespace: web }
spec: { selector: { app: nothing }, ports: [{ port: 80 }] }
---
`;
    expect(firstLines(service('v1'))).toEqual([expect.stringMatching(/^refs\/service-selector /)]);
    expect(firstLines(service('example.com/v1'))).toEqual([]);
    const ingress = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: Ingress
metadata: { name: web, namespace: web }
spec:
  tls: [{ hosts: [web.example.com], secretName: web-tls }]
  rules: [{ host: web.example.com, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
---
`;
    expect(firstLines(ingress('networking.k8s.io/v1')).map((p) => p.split(' ')[0])).toEqual(['refs/ingress-service', 'refs/tls-secret']);
    expect(firstLines(ingress('example.com/v1'))).toEqual([]);
  });

  it("hold a ConfigMap's, a Secret's, a Service's and a PodDisruptionBudget's rules to the core and policy groups' kinds alone", () => {
    const objects = (apiVersion: string, policy: string) => `apiVersion: ${apiVersion}
kind: ConfigMap
metadata: { name: settings, namespace: web }
data: { "bad key!": x }
binaryData: { blob: "not base64!" }
---
apiVersion: ${apiVersion}
kind: Service
metadata: { name: api, namespace: web }
spec: { ports: [{ port: 80 }, { port: 81 }] }
---
apiVersion: ${policy}
kind: PodDisruptionBudget
metadata: { name: api, namespace: web }
spec: { minAvailable: 1, selector: { matchLabels: { app: nothing } } }
---
`;
    const codes = (apiVersion: string, policy: string) => {
      const manifests = parseManifests([
        { file: 'app.yaml', text: `apiVersion: v1\nkind: Namespace\nmetadata: { name: web }\n---\n${objects(apiVersion, policy)}` },
      ]);
      return checkObjects(manifests.objects)
        .findings.filter((f) => f.severity === 'error' || f.code.startsWith('refs/'))
        .map((f) => `${f.code} ${f.object.kind}`);
    };
    expect(codes('v1', 'policy/v1')).toEqual([
      'api/base64 ConfigMap',
      'api/config-key ConfigMap',
      'refs/pdb-selector PodDisruptionBudget',
      'api/port-name Service',
      'api/port-name Service',
    ]);
    expect(codes('example.com/v1', 'example.com/v1')).toEqual([]);
  });
});
