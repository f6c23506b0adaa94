/**
 * The Secrets an operator makes from an object of the stage (lib/checks/operator-secrets.ts): a
 * cert-manager Certificate's spec.secretName, an Ingress's TLS Secret that cert-manager's
 * ingress-shim makes for an issuer annotation, an ExternalSecret's target (its own name by
 * default). Pods, Ingresses and image pulls that name one refer to something that will exist.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { toProblem } from '../../lib/checks/finding.js';
import { formatProblem } from '../../lib/errors.js';
import { REPO } from '../helpers/cli.js';
import { objectsIn } from './helpers.js';

const SHARED_CRDS = join(REPO, '../shared/crds');
const crds = [...objectsIn(join(SHARED_CRDS, 'cert-manager')), ...objectsIn(join(SHARED_CRDS, 'external-secrets'))];

/** The problems of checking `text` as one file (after a Namespace web, unless `alone`) whose code starts with `prefix`, as the CLI prints them. */
function checked(text: string, prefix: string, alone = false): string[] {
  const namespace = alone ? '' : 'apiVersion: v1\nkind: Namespace\nmetadata: { name: web }\n---\n';
  const manifests = parseManifests([{ file: 'app.yaml', text: namespace + text }]);
  return checkObjects(manifests.objects, { crds })
    .findings.filter((f) => f.code.startsWith(prefix))
    .map((f) => formatProblem(toProblem(f, manifests.locate(f))));
}
const references = (text: string) => checked(text, 'refs/');

const certificate = (more = '') => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: { name: web-cert, namespace: web }
spec:
  secretName: web-tls
  dnsNames: [web.example.com]
  issuerRef: { name: letsencrypt, kind: ClusterIssuer }
${more}---
`;
const externalSecret = (name: string, target = '', more = '') => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: ${name}, namespace: web }
spec:
  secretStoreRef: { name: vault, kind: ClusterSecretStore }
${target}  data:
    - secretKey: password
      remoteRef: { key: db/password }
${more}---
`;
const ingress = (annotations: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: web${annotations} }
spec:
  ingressClassName: nginx
  tls: [{ hosts: [web.example.com], secretName: web-tls }]
  rules:
    - host: web.example.com
      http:
        paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: web }
spec: { selector: { app: web }, ports: [{ port: 80 }] }
---
`;
/** A Deployment that reads `key` of Secret `secret` as env, and mounts Secret `volume`. */
const deployment = (secret: string, key: string, volume = 'web-tls') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.25
          env: [{ name: VALUE, valueFrom: { secretKeyRef: { name: ${secret}, key: ${key} } } }]
          volumeMounts: [{ name: tls, mountPath: /tls }]
      volumes: [{ name: tls, secret: { secretName: ${volume}, items: [{ key: tls.crt, path: tls.crt }] } }]
`;

describe('a Secret a cert-manager Certificate makes', () => {
  it('is found by the pods and Ingresses that use it, with the keys cert-manager writes', () => {
    expect(references(certificate() + ingress('') + deployment('web-tls', 'tls.key'))).toEqual([]);
  });

  it("is refused for a key cert-manager does not write, naming the Certificate; its keystores' keys are written when asked for", () => {
    expect(references(certificate() + deployment('web-tls', 'keystore.p12'))).toEqual([
      "app.yaml:24:59: Deployment web/web: spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef: container 'web' env VALUE reads key 'keystore.p12' of Secret 'web-tls', which has the keys: ca.crt, tls.crt, tls.key\n" +
        "  hint: Certificate web/web-cert makes the Secret with these keys: read one of them, or have it write 'keystore.p12'",
    ]);
    const pkcs12 = '  keystores: { pkcs12: { create: true, passwordSecretRef: { name: p12-password, key: password } } }\n';
    expect(references(certificate(pkcs12) + deployment('web-tls', 'keystore.p12')).filter((p) => p.includes('keystore.p12'))).toEqual([]);
  });

  it('is not checked itself: the Certificate is (its namespace missing is said of it alone)', () => {
    expect(checked(certificate(), 'refs/namespace', true).map((p) => p.split(':').slice(0, 4).join(':'))).toEqual([
      'app.yaml:3:40: Certificate web/web-cert',
    ]);
  });

  it('is not found in another namespace', () => {
    const elsewhere = certificate().replace('namespace: web }', 'namespace: certs }');
    expect(references(elsewhere + deployment('web-tls', 'tls.key')).join('\n')).toContain(
      "container 'web' env VALUE uses Secret 'web-tls', but the Secrets in namespace 'web' are: none",
    );
  });
});

describe("an Ingress's TLS Secret that cert-manager's ingress-shim makes", () => {
  it('is found when the Ingress names an issuer, and missing without one', () => {
    expect(
      references(ingress(', annotations: { cert-manager.io/cluster-issuer: letsencrypt }') + deployment('web-tls', 'tls.key')),
    ).toEqual([]);
    const tls = (text: string) => references(text).filter((p) => p.includes('terminates TLS'));
    expect(tls(ingress(', annotations: { cert-manager.io/issuer: team-ca }'))).toEqual([]);
    expect(tls(ingress('')).join('\n')).toContain("terminates TLS with Secret 'web-tls', but the Secrets in namespace 'web' are: none");
  });
});

describe('a Secret an ExternalSecret makes', () => {
  it('is its own name by default, or its target name, with the keys of its data', () => {
    expect(references(externalSecret('db-creds') + deployment('db-creds', 'password', 'db-creds'))).toEqual([
      "app.yaml:27:77: Deployment web/web: spec.template.spec.volumes[0].secret.items[0].key: volume 'tls' reads key 'tls.crt' of Secret 'db-creds', which has the keys: password\n" +
        "  hint: ExternalSecret web/db-creds makes the Secret with these keys: read one of them, or have it write 'tls.crt'",
    ]);
    expect(references(externalSecret('db', '  target: { name: db-creds }\n') + certificate() + deployment('db-creds', 'password'))).toEqual(
      [],
    );
  });

  it('holds any key when a template or dataFrom writes its keys', () => {
    const template = '  target: { name: db-creds, template: { data: { url: "postgres://{{ .password }}@db" } } }\n';
    expect(references(externalSecret('db', template) + certificate() + deployment('db-creds', 'url'))).toEqual([]);
    const dataFrom = '  dataFrom: [{ extract: { key: db } }]\n';
    expect(references(externalSecret('db-creds', '', dataFrom) + certificate() + deployment('db-creds', 'host'))).toEqual([]);
  });

  it('is not made under creationPolicy Merge or None, which write into a Secret made by someone else', () => {
    for (const policy of ['Merge', 'None'])
      expect(
        references(
          externalSecret('db-creds', `  target: { creationPolicy: ${policy} }\n`) + certificate() + deployment('db-creds', 'password'),
        ).join('\n'),
      ).toContain("container 'web' env VALUE uses Secret 'db-creds', but the Secrets in namespace 'web' are: web-tls");
  });
});
