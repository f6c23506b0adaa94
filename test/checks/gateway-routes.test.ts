/**
 * Gateway API routes and the Services they send traffic to (lib/checks/gateway-routes.ts,
 * `refs/route-backend`).
 */
import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { toProblem } from '../../lib/checks/finding.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { formatProblem } from '../../lib/errors.js';

const SERVICE = `apiVersion: v1
kind: Namespace
metadata: { name: web }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: web }
spec: { type: ExternalName, externalName: web.example.com, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
`;
const route = (kind: string, rules: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: { name: web, namespace: web }
spec:
  parentRefs: [{ name: public, namespace: gateway }]
  rules:
${rules}`;

function checked(text: string): string[] {
  const manifests = parseManifests([{ file: 'route.yaml', text: SERVICE + text }]);
  return checkObjects(manifests.objects)
    .findings.filter((f) => f.code === 'refs/route-backend')
    .map((f) => formatProblem(toProblem(f, manifests.locate(f))));
}

describe("a Gateway API route's backends", () => {
  it('are Services of its namespace, by the port of the Service (not its targetPort)', () => {
    expect(checked(route('HTTPRoute', '    - backendRefs: [{ name: web, port: 80 }]\n'))).toEqual([]);
    expect(checked(route('HTTPRoute', '    - backendRefs: [{ name: wbe, port: 80 }, { name: web, port: 8080 }]\n'))).toEqual([
      "route.yaml:16:29: HTTPRoute web/web: spec.rules[0].backendRefs[0].name: sends traffic to Service 'wbe', but the Services in namespace 'web' are: web; its Gateway's controller sets the route's ResolvedRefs to False (BackendNotFound) and answers its share of what the rule matches (weight 1 of 2) with a 500\n" +
        "  hint: did you mean 'web'? Otherwise fix the name, or add the Service",
      "route.yaml:16:65: HTTPRoute web/web: spec.rules[0].backendRefs[1].port: sends traffic to port 8080 of Service 'web', whose ports are: 80 (http); its Gateway's controller sets the route's ResolvedRefs to False (BackendNotFound) and answers its share of what the rule matches (weight 1 of 2) with a 500\n" +
        "  hint: 8080 is the targetPort of the Service's port 80: a backendRef names the Service's port, write port: 80",
    ]);
  });

  it("answer with a 500 only the share of the rule's requests a backend is sent: its weight's; one of weight 0 is sent none (a warning)", () => {
    const said = (rules: string) =>
      checkObjects(parseManifests([{ file: 'route.yaml', text: SERVICE + route('HTTPRoute', rules) }]).objects)
        .findings.filter((f) => f.code === 'refs/route-backend')
        .map((f) => `${f.severity} ${f.path.join('.')}: ${f.message}`);
    expect(said('    - backendRefs: [{ name: web, port: 80, weight: 90 }, { name: canary, port: 80, weight: 10 }]\n')).toEqual([
      "error spec.rules.0.backendRefs.1.name: sends traffic to Service 'canary', but the Services in namespace 'web' are: web; its Gateway's controller sets the route's ResolvedRefs to False (BackendNotFound) and answers its share of what the rule matches (weight 10 of 100) with a 500",
    ]);
    expect(said('    - backendRefs: [{ name: web, port: 80 }, { name: canary, port: 80, weight: 0 }]\n')).toEqual([
      "warning spec.rules.0.backendRefs.1.name: names Service 'canary', but the Services in namespace 'web' are: web; its Gateway's controller sets the route's ResolvedRefs to False (BackendNotFound) and sends it no request while its weight is 0",
    ]);
    // the only backend sent requests answers them all, whatever the weights written
    expect(said('    - backendRefs: [{ name: canary, port: 80, weight: 5 }, { name: web, port: 80, weight: 0 }]\n')).toEqual([
      expect.stringMatching(/^error .*answers what the rule matches with a 500$/),
    ]);
  });

  it("of every route kind, and an HTTPRoute's mirrors, are looked at; another namespace's, kind's or group's are not", () => {
    // each kind failing as Gateway API says: a GRPCRoute's requests UNAVAILABLE, the others' connections rejected (no 500)
    for (const [kind, fails] of [
      ['GRPCRoute', /and answers what the rule matches with the gRPC status UNAVAILABLE\n/],
      ['TLSRoute', /and rejects the connections the rule matches\n/],
      ['TCPRoute', /and rejects its share of the connections the rule matches \(weight 1 of 2\)\n/],
      ['UDPRoute', /and rejects the connections the rule matches\n/],
    ] as const) {
      const second = kind === 'TCPRoute' ? ', { name: web, port: 80 }' : '';
      expect(checked(route(kind, `    - backendRefs: [{ name: api, port: 80 }${second}]\n`)), kind).toEqual([expect.stringMatching(fails)]);
    }
    const mirror = '    - filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: shadow, port: 80 } } }]\n';
    expect(checked(route('HTTPRoute', mirror))).toEqual([
      expect.stringMatching(/requestMirror\.backendRef\.name: sends traffic to Service 'shadow'.* and mirrors no request\n/),
    ]);
    const inBackend =
      '    - backendRefs: [{ name: web, port: 80, filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: shadow, port: 80 } } }] }]\n';
    expect(checked(route('HTTPRoute', inBackend))).toEqual([
      expect.stringContaining('spec.rules[0].backendRefs[0].filters[0].requestMirror.backendRef.name'),
    ]);
    for (const other of [
      '{ name: api, namespace: backend, port: 80 }',
      '{ name: api, kind: ServiceImport, group: multicluster.x-k8s.io, port: 80 }',
      '{ name: api, group: example.com, kind: Service }',
    ])
      expect(checked(route('HTTPRoute', `    - backendRefs: [${other}]\n`)), other).toEqual([]);
    // a route of another group is none
    expect(
      checked(
        route('HTTPRoute', '    - backendRefs: [{ name: api, port: 80 }]\n').replace('gateway.networking.k8s.io/v1', 'example.com/v1'),
      ),
    ).toEqual([]);
  });

  it("are of a custom resource: Gateway API's group ends in k8s.io, but the API server does not serve it (its CRDs do), so a route without them is crd/unknown-kind, as any other", () => {
    const manifests = parseManifests([
      { file: 'route.yaml', text: SERVICE + route('HTTPRoute', '    - backendRefs: [{ name: web, port: 80 }]\n') },
    ]);
    const findings = checkObjects(manifests.objects).findings.filter((f) => f.object?.kind === 'HTTPRoute');
    expect(findings.map((f) => `${f.severity} ${f.code}`)).toEqual(['warning crd/unknown-kind']);
    // Kubernetes' own groups are still its own: a kind they do not serve is an error
    const ingress = 'apiVersion: networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: web, namespace: web }\n';
    expect(
      checkObjects(parseManifests([{ file: 'i.yaml', text: ingress }]).objects).findings.map((f) => `${f.severity} ${f.code}`),
    ).toContain('error schema/unknown-kind');
  });
});
