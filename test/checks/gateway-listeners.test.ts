/**
 * Gateway API Gateways and the TLS Secrets of their listeners (lib/checks/gateway-listeners.ts,
 * `refs/gateway-certificate`), through the ReferenceGrants of another namespace (reference-grants.ts).
 */
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../lib/checks/finding.js';
import { type CheckOptions, checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { formatProblem } from '../../lib/errors.js';

const NAMESPACES = `apiVersion: v1
kind: Namespace
metadata: { name: web }
---
apiVersion: v1
kind: Namespace
metadata: { name: certs }
---
apiVersion: v1
kind: Secret
metadata: { name: shop-tls, namespace: web, annotations: { stagecraft.dev/secret-keys: "tls.crt,tls.key" } }
type: kubernetes.io/tls
---
apiVersion: v1
kind: Secret
metadata: { name: wildcard, namespace: certs, annotations: { stagecraft.dev/secret-keys: "tls.crt,tls.key" } }
type: kubernetes.io/tls
---
`;
/** A Gateway of namespace web whose one listener terminates TLS with `tls`, annotated with `annotations`. */
const gateway = (tls: string, annotations = '{}') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: web, annotations: ${annotations} }
spec:
  gatewayClassName: eg
  listeners:
    - { name: http, protocol: HTTP, port: 80 }
    - name: https
      protocol: HTTPS
      port: 443
      hostname: shop.example.com
      tls: ${tls}
`;
const grant = (from: string, to: string) => `---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: gateways, namespace: certs }
spec: { from: [${from}], to: [${to}] }
`;

function said(text: string, options: CheckOptions = {}): string[] {
  const manifests = parseManifests([{ file: 'gateway.yaml', text: NAMESPACES + text }]);
  return checkObjects(manifests.objects, options)
    .findings.filter((f) => f.code === 'refs/gateway-certificate')
    .map((f) => formatProblem(toProblem(f, manifests.locate(f))));
}

describe("a Gateway's listeners' TLS Secrets", () => {
  it('are Secrets of its namespace: one not there leaves the listener unprogrammed (InvalidCertificateRef)', () => {
    expect(said(gateway('{ certificateRefs: [{ name: shop-tls }] }'))).toEqual([]);
    expect(said(gateway('{ mode: Terminate, certificateRefs: [{ kind: Secret, group: "", name: shop-tsl }] }'))).toEqual([
      "gateway.yaml:30:82: Gateway web/public: spec.listeners[1].tls.certificateRefs[0].name: listener 'https' (port 443, shop.example.com) terminates TLS with Secret 'shop-tsl', but the Secrets in namespace 'web' are: shop-tls; its controller sets the listener's ResolvedRefs to False (InvalidCertificateRef) and does not program it: no TLS connection to it succeeds\n" +
        "  hint: did you mean 'shop-tls'? Otherwise add the TLS Secret (its keys tls.crt and tls.key) to namespace 'web'",
    ]);
    expect(said(gateway('{ certificateRefs: [{ name: api-tls }] }'))).toEqual([
      expect.stringContaining(
        "hint: fix the name, or add the TLS Secret (its keys tls.crt and tls.key) to namespace 'web'; or have cert-manager make it: annotate the Gateway with cert-manager.io/cluster-issuer",
      ),
    ]);
    // a stage declares it in its stage file
    expect(said(gateway('{ certificateRefs: [{ name: api-tls }] }'), { written: true })).toEqual([
      expect.stringContaining('declare it in the stage file: secrets: { external: [{ name: api-tls, keys: [tls.crt, tls.key] }] }'),
    ]);
  });

  it('are made by cert-manager for a Gateway with an issuer annotation; a Passthrough listener and a ref of another kind read none', () => {
    expect(said(gateway('{ certificateRefs: [{ name: api-tls }] }', '{ cert-manager.io/cluster-issuer: letsencrypt }'))).toEqual([]);
    expect(said(gateway('{ mode: Passthrough }'))).toEqual([]);
    expect(said(gateway('{ certificateRefs: [{ name: api-tls, group: example.com, kind: Certificate }] }'))).toEqual([]);
  });

  it('of another namespace need a ReferenceGrant there that lets the Gateway reach them (RefNotPermitted), and are followed through one', () => {
    const wildcard = (name = 'wildcard') => gateway(`{ certificateRefs: [{ name: ${name}, namespace: certs }] }`);
    expect(said(wildcard())).toEqual([
      "gateway.yaml:30:61: Gateway web/public: spec.listeners[1].tls.certificateRefs[0].namespace: listener 'https' (port 443, shop.example.com) terminates TLS with Secret 'wildcard' of namespace 'certs', but the objects make no ReferenceGrant there, and Gateway API refuses a reference into another namespace without one; its controller sets the listener's ResolvedRefs to False (RefNotPermitted) and does not program it: no TLS connection to it succeeds\n" +
        "  hint: add to namespace 'certs' a ReferenceGrant (apiVersion: gateway.networking.k8s.io/v1beta1) with spec: { from: [{ group: gateway.networking.k8s.io, kind: Gateway, namespace: web }], to: [{ group: \"\", kind: Secret, name: wildcard }] }; or keep the Secret in namespace 'web'",
    ]);
    // a grant for routes lets no Gateway through
    const forRoutes = grant('{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web }', '{ group: "", kind: Secret }');
    expect(said(wildcard() + forRoutes)).toEqual([
      expect.stringContaining(
        "no ReferenceGrant there lets a Gateway of namespace 'web' reach it: gateways's from has no entry of group gateway.networking.k8s.io, kind Gateway and namespace web;",
      ),
    ]);
    const forGateways = grant(
      '{ group: gateway.networking.k8s.io, kind: Gateway, namespace: web }',
      '{ group: "", kind: Secret, name: wildcard }',
    );
    expect(said(wildcard() + forGateways)).toEqual([]);
    expect(said(wildcard('wildcrad') + forGateways)).toEqual([
      expect.stringContaining('gateways\'s to has no entry of group "", kind Secret and name wildcrad (or none)'),
    ]);
    // followed: a Secret not there in the namespace the grant is of
    const anyName = grant('{ group: gateway.networking.k8s.io, kind: Gateway, namespace: web }', '{ group: "", kind: Secret }');
    expect(said(wildcard('wildcrad') + anyName)).toEqual([
      expect.stringMatching(
        /certificateRefs\[0\]\.name: .* Secret 'wildcrad', but the Secrets in namespace 'certs' are: wildcard; .*\n {2}hint: did you mean 'wildcard'\?/,
      ),
    ]);
    // a namespace the objects neither make nor grant in is its owner's
    expect(said(gateway('{ certificateRefs: [{ name: wildcard, namespace: istio-system }] }'))).toEqual([]);
  });
});
