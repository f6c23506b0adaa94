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
spec: { ports: [{ name: http, port: 80, targetPort: 8080 }] }
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
        "  hint: did you mean 'web'? Otherwise add the Service",
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

  it('of another namespace need a ReferenceGrant there (RefNotPermitted without one), and are followed through one', () => {
    const shop = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
`;
    const grant = (from: string, to: string) => `---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: from-web, namespace: shop }
spec: { from: [${from}], to: [${to}] }
`;
    const said = (text: string) =>
      checkObjects(parseManifests([{ file: 'route.yaml', text: SERVICE + shop + text }]).objects)
        .findings.filter((f) => f.code.startsWith('refs/route-'))
        .map((f) => `${f.severity} ${f.code} ${f.path.join('.')}: ${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}`);
    const backend = (ref: string, kind = 'HTTPRoute') => route(kind, `    - backendRefs: [{ name: web, port: 80 }, ${ref}]\n`);
    const permits = grant('{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web }', '{ group: "", kind: Service }');
    // without a grant, the objects making namespace shop: refused, its weight's share fails
    expect(said(backend('{ name: api, namespace: shop, port: 80 }'))).toEqual([
      "error refs/route-grant spec.rules.0.backendRefs.1.namespace: sends traffic to Service 'api' of namespace 'shop', but the objects make no ReferenceGrant there, and Gateway API refuses a reference into another namespace without one; its Gateway's controller sets the route's ResolvedRefs to False (RefNotPermitted) and answers its share of what the rule matches (weight 1 of 2) with a 500\n" +
        "  hint: add to namespace 'shop' a ReferenceGrant (apiVersion: gateway.networking.k8s.io/v1beta1) with spec: { from: [{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web }], to: [{ group: \"\", kind: Service, name: api }] }; or send traffic to a Service of namespace 'web'",
    ]);
    // a grant for another kind of route, or for another Service, permits nothing: each says why
    expect(said(backend('{ name: api, namespace: shop, port: 80 }', 'GRPCRoute') + permits)).toEqual([
      expect.stringContaining(
        "but no ReferenceGrant there lets a GRPCRoute of namespace 'web' reach it: from-web's from has no entry of group gateway.networking.k8s.io, kind GRPCRoute and namespace web; its Gateway's controller sets the route's ResolvedRefs to False (RefNotPermitted) and answers its share of what the rule matches (weight 1 of 2) with the gRPC status UNAVAILABLE\n  hint: add to namespace 'shop' a ReferenceGrant",
      ),
    ]);
    expect(
      said(
        backend('{ name: api, namespace: shop, port: 80 }') +
          grant('{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web }', '{ group: "", kind: Service, name: db }'),
      ),
    ).toEqual([expect.stringContaining('from-web\'s to has no entry of group "", kind Service and name api (or none)')]);
    // with a grant that lets it, the Service is looked up there as in the route's own namespace
    expect(said(backend('{ name: api, namespace: shop, port: 80 }') + permits)).toEqual([]);
    expect(said(backend('{ name: apj, namespace: shop, port: 80 }') + permits)).toEqual([
      expect.stringMatching(
        /^error refs\/route-backend spec\.rules\.0\.backendRefs\.1\.name: sends traffic to Service 'apj' of namespace 'shop', but the Services in namespace 'shop' are: api; .*\n {2}hint: did you mean 'api'\?/,
      ),
    ]);
    expect(said(backend('{ name: api, namespace: shop, port: 8080 }') + permits)).toEqual([
      expect.stringMatching(
        /backendRefs\.1\.port: sends traffic to port 8080 of Service 'api' of namespace 'shop', whose ports are: 80 \(http\);.*write port: 80$/s,
      ),
    ]);
    // a namespace the objects neither make nor grant in is its owner's: its grants and Services are not known
    expect(said(backend('{ name: prometheus, namespace: monitoring, port: 9090 }'))).toEqual([]);
  });

  it('naming a Service without a port is refused by the API server (the CRD rule), with the port to write', () => {
    const said = (ref: string, services = SERVICE) =>
      checkObjects(parseManifests([{ file: 'route.yaml', text: services + route('HTTPRoute', `    - backendRefs: [${ref}]\n`) }]).objects)
        .findings.filter((f) => f.code === 'refs/route-backend')
        .map((f) => `${f.severity} ${f.path.join('.')}: ${f.message}\n  hint: ${f.hint}`);
    expect(said('{ name: web }')).toEqual([
      "error spec.rules.0.backendRefs.0: names Service 'web' without a port: the API server refuses the route (Gateway API's rule for a backend of kind Service: \"Must have port for Service reference\")\n" +
        "  hint: write port: 80 (the Service's port, not its targetPort)",
    ]);
    // a backend of weight 0 too: the route is refused, not the backend alone; one of another kind needs no port
    expect(said('{ name: web, weight: 0 }')).toEqual([expect.stringMatching(/^error .*without a port/)]);
    expect(said('{ name: web, kind: ServiceImport, group: multicluster.x-k8s.io }')).toEqual([]);
  });

  it('to a Service without ports says so, with the port to add; a Service made outside the objects may be declared', () => {
    const headless = SERVICE.replace('ports: [{ name: http, port: 80, targetPort: 8080 }]', 'clusterIP: None');
    const said = (ref: string, options = {}) =>
      checkObjects(
        parseManifests([{ file: 'route.yaml', text: headless + route('HTTPRoute', `    - backendRefs: [${ref}]\n`) }]).objects,
        options,
      )
        .findings.filter((f) => f.code === 'refs/route-backend')
        .map((f) => `${f.path.join('.')}: ${f.message}\n  hint: ${f.hint}`);
    expect(said('{ name: web, port: 80 }')).toEqual([
      "spec.rules.0.backendRefs.0.port: sends traffic to port 80 of Service 'web', which has no ports: a route reaches pods only through a port of the Service; its Gateway's controller sets the route's ResolvedRefs to False (BackendNotFound) and answers what the rule matches with a 500\n" +
        "  hint: add a port 80 to the Service (spec.ports: [{ port: 80, targetPort: <the pods' port> }]), or send traffic to a Service that has one",
    ]);
    expect(said('{ name: kafka-bootstrap, port: 9092 }')).toEqual([
      expect.stringMatching(
        /hint: fix the name, or add the Service; if 'kafka-bootstrap' is made outside these files, declare it: npm run check -- --object-exists Service\/web\/kafka-bootstrap <files>$/,
      ),
    ]);
    expect(said('{ name: kafka-bootstrap, port: 9092 }', { existingObjects: ['Service/web/kafka-bootstrap'] })).toEqual([]);
    // declared in another namespace, it is not this one's
    expect(said('{ name: kafka-bootstrap, port: 9092 }', { existingObjects: ['Service/kafka/kafka-bootstrap'] })).toHaveLength(1);
  });

  it('to an ExternalName Service are a warning (Gateway API advises implementations not to forward to one), its ports not looked at', () => {
    const external = SERVICE.replace(
      'ports: [{ name: http, port: 80, targetPort: 8080 }]',
      'type: ExternalName, externalName: api.legacy.example.com',
    );
    const said = (ref: string) =>
      checkObjects(parseManifests([{ file: 'route.yaml', text: external + route('HTTPRoute', `    - backendRefs: [${ref}]\n`) }]).objects)
        .findings.filter((f) => f.code === 'refs/route-backend')
        .map((f) => `${f.severity} ${f.path.join('.')}: ${f.message}`);
    expect(said('{ name: web, port: 443 }')).toEqual([
      `warning spec.rules.0.backendRefs.0.name: sends traffic to Service 'web', an ExternalName Service ("api.legacy.example.com"): Gateway API advises implementations not to forward to one (CVE-2021-25740), and a Gateway's controller that does not sets the route's ResolvedRefs to False and answers what the rule matches with a 500`,
    ]);
    // without a port the API server still refuses the route; the port to write is the external host's, not one reaching pods
    expect(said('{ name: web }').map((l) => l.split(':')[0])).toEqual([
      'error spec.rules.0.backendRefs.0',
      'warning spec.rules.0.backendRefs.0.name',
    ]);
    expect(
      checkObjects(
        parseManifests([{ file: 'route.yaml', text: external + route('HTTPRoute', '    - backendRefs: [{ name: web }]\n') }]).objects,
      )
        .findings.filter((f) => f.severity !== 'warning' && f.code === 'refs/route-backend')
        .map((f) => f.hint),
    ).toEqual(['write port: the port of "api.legacy.example.com" to connect to (an ExternalName Service has no pods)']);
  });

  it('to the Service a Knative Service makes of its name (an ExternalName to the Knative ingress, no object shows it) find it, an ExternalName Service as any other', () => {
    const knative = `apiVersion: serving.knative.dev/v1
kind: Service
metadata: { name: hello, namespace: web }
spec:
  template:
    spec:
      containers: [{ image: ghcr.io/knative/helloworld-go:1.0 }]
---
`;
    const said = (ref: string) =>
      checkObjects(
        parseManifests([{ file: 'route.yaml', text: SERVICE + knative + route('HTTPRoute', `    - backendRefs: [${ref}]\n`) }]).objects,
      )
        .findings.filter((f) => f.code === 'refs/route-backend')
        .map((f) => `${f.severity} ${f.message}`);
    expect(said('{ name: hello, port: 80 }')).toEqual([
      "warning sends traffic to Service 'hello', the ExternalName Service Knative makes of its Service 'hello' (to its ingress): Gateway API advises implementations not to forward to one (CVE-2021-25740), and a Gateway's controller that does not sets the route's ResolvedRefs to False and answers what the rule matches with a 500",
    ]);
    expect(said('{ name: helo, port: 80 }')).toEqual([
      expect.stringContaining("sends traffic to Service 'helo', but the Services in namespace 'web' are: web"),
    ]);
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
