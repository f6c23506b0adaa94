/** Gateway API routes and the Gateways they attach to (lib/checks/gateway-parents.ts, `refs/route-parent`). */
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../lib/checks/finding.js';
import { type CheckOptions, checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { formatProblem } from '../../lib/errors.js';

/** Namespaces gateway and web (labelled shared-gateway), and Gateway gateway/public of `listeners`. */
const gateway = (listeners: string) => `apiVersion: v1
kind: Namespace
metadata: { name: gateway }
---
apiVersion: v1
kind: Namespace
metadata: { name: web, labels: { shared-gateway: "true" } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: gateway }
spec:
  gatewayClassName: eg
  listeners:
${listeners}---
`;
const HTTP = '    - { name: http, protocol: HTTP, port: 80 }\n';
/** An HTTPRoute of namespace web with `parentRefs`. */
const route = (parentRefs: string, kind = 'HTTPRoute') => `apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: { name: web, namespace: web }
spec:
  parentRefs: [${parentRefs}]
`;

function said(text: string, options: CheckOptions = {}): string[] {
  const manifests = parseManifests([{ file: 'route.yaml', text }]);
  return checkObjects(manifests.objects, options)
    .findings.filter((f) => f.code === 'refs/route-parent')
    .map((f) => formatProblem(toProblem(f, manifests.locate(f))));
}

describe("a Gateway API route's parents", () => {
  it('a Gateway made outside the objects in a namespace they make is declared (Gateway/<namespace>/<name>), as the hint says', () => {
    const own = route('{ name: shared }');
    const [found] = said(gateway(HTTP) + own);
    expect(found).toContain(
      "hint: fix the name, or add the Gateway, or name the namespace of the one meant (parentRefs[].namespace); if 'shared' is made outside these files, declare it: npm run check -- --object-exists Gateway/web/shared <files>",
    );
    expect(said(gateway(HTTP) + own, { existingObjects: ['Gateway/web/shared'] })).toEqual([]);
    expect(said(gateway(HTTP) + route('{ name: edge, namespace: gateway }'), { existingObjects: ['Gateway/gateway/edge'] })).toEqual([]);
    // another namespace's declaration is not this one's
    expect(said(gateway(HTTP) + own, { existingObjects: ['Gateway/gateway/shared'] })).toHaveLength(1);
  });

  it('a listener admits: of every namespace (All), of those its selector selects, and of its own', () => {
    expect(
      said(gateway(HTTP.replace(' }', ', allowedRoutes: { namespaces: { from: All } } }')) + route('{ name: public, namespace: gateway }')),
    ).toEqual([]);
    const selector = HTTP.replace(
      ' }',
      ', allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { shared-gateway: "true" } } } } }',
    );
    expect(said(gateway(selector) + route('{ name: public, namespace: gateway, sectionName: http }'))).toEqual([]);
    expect(said(gateway(HTTP) + route('{ name: public }').replace('namespace: web', 'namespace: gateway'))).toEqual([]);
    // a Gateway of a namespace the objects do not make (a shared one) is its owner's
    expect(said(gateway(HTTP) + route('{ name: mesh, namespace: istio-system }'))).toEqual([]);
  });

  it("of another namespace are not admitted by a listener's default (allowedRoutes.namespaces.from: Same): the route serves nothing", () => {
    expect(said(gateway(HTTP) + route('{ name: public, namespace: gateway }'))).toEqual([
      "route.yaml:21:16: HTTPRoute web/web: spec.parentRefs[0]: attaches to Gateway 'public' of namespace 'gateway', but no listener of it admits an HTTPRoute of namespace 'web': listener 'http' admits routes of its own namespace 'gateway' only (allowedRoutes.namespaces.from: Same, the default); no Gateway serves the route through it (its status: Accepted: False, NotAllowedByListeners)\n" +
        "  hint: let the listener admit it (allowedRoutes: { namespaces: { from: All } }, or Selector with a selector namespace 'web' matches), or move the route to namespace 'gateway'",
    ]);
    const other = HTTP.replace(' }', ', allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { team: shop } } } } }');
    expect(said(gateway(other) + route('{ name: public, namespace: gateway }'))).toEqual([
      expect.stringContaining(
        "listener 'http' admits routes of the namespaces its allowedRoutes.namespaces.selector selects, which namespace 'web' is not",
      ),
    ]);
    const kinds = HTTP.replace(' }', ', allowedRoutes: { namespaces: { from: All }, kinds: [{ kind: GRPCRoute }] } }');
    expect(said(gateway(kinds) + route('{ name: public, namespace: gateway }'))).toEqual([
      expect.stringMatching(
        /listener 'http' allows only the route kinds GRPCRoute \(allowedRoutes\.kinds\);.*\n {2}hint: add HTTPRoute to the listener's allowedRoutes\.kinds/,
      ),
    ]);
  });

  it('name a Gateway and listener that are there, with the name meant', () => {
    expect(said(gateway(HTTP) + route('{ name: publc, namespace: gateway }'))).toEqual([
      expect.stringMatching(
        /spec\.parentRefs\[0\]\.name: attaches to Gateway 'publc' of namespace 'gateway', but the Gateways in namespace 'gateway' are: public; .*NoMatchingParent\)\n {2}hint: did you mean 'public'\?/,
      ),
    ]);
    expect(said(gateway(HTTP) + route('{ name: public }'))).toEqual([
      expect.stringMatching(/hint: set parentRefs\[0\]\.namespace: gateway \(the objects' Gateway 'public' is there\)$/),
    ]);
    const all = HTTP.replace(' }', ', allowedRoutes: { namespaces: { from: All } } }');
    expect(said(gateway(all) + route('{ name: public, namespace: gateway, sectionName: htp }'))).toEqual([
      expect.stringMatching(
        /spec\.parentRefs\[0\]\.sectionName: attaches to listener 'htp' of Gateway 'public' of namespace 'gateway', whose listeners are: http \(port 80\);.*\n {2}hint: did you mean 'http'\?/,
      ),
    ]);
    expect(said(gateway(all) + route('{ name: public, namespace: gateway, port: 443 }'))).toEqual([
      expect.stringContaining("spec.parentRefs[0].port: attaches to port 443 of Gateway 'public'"),
    ]);
  });
});

describe("a Gateway API route's hostnames", () => {
  const listener = (hostname: string) =>
    `    - { name: https, protocol: HTTPS, port: 443, hostname: "${hostname}", allowedRoutes: { namespaces: { from: All } } }\n`;
  const named = (hostnames: string) => route('{ name: public, namespace: gateway }') + `  hostnames: [${hostnames}]\n`;

  it("must match a listener's hostname when both name them (wildcards of one label or more)", () => {
    expect(said(gateway(listener('*.example.com')) + named('shop.example.com, a.b.example.com'))).toEqual([]);
    expect(said(gateway(listener('shop.example.com')) + named('"*.example.com"'))).toEqual([]);
    expect(said(gateway(listener('shop.example.com')) + named('shop.example.org'))).toEqual([
      expect.stringMatching(
        /listener 'https' serves the hostname shop\.example\.com, which none of the route's hostnames \(shop\.example\.org\) matches; .*NoMatchingListenerHostname\)\n {2}hint: give the route a hostname the listener serves/,
      ),
    ]);
    expect(said(gateway(listener('*.example.com')) + named('example.com'))).toHaveLength(1);
    // a listener without a hostname serves every one
    expect(said(gateway(HTTP.replace(' }', ', allowedRoutes: { namespaces: { from: All } } }')) + named('shop.example.org'))).toEqual([]);
  });
});
