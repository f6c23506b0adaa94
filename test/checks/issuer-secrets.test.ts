/**
 * The Secrets a cert-manager Issuer or ClusterIssuer reads (lib/checks/issuer-secrets.ts): in the
 * Issuer's namespace, or cert-manager's cluster resource namespace for a ClusterIssuer; the ACME
 * account key is cert-manager's to make.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../lib/checks/finding.js';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { formatProblem } from '../../lib/errors.js';
import { REPO } from '../helpers/cli.js';
import { certManagerController } from '../helpers/cert-manager.js';
import { objectsIn } from './helpers.js';

const crds = objectsIn(join(REPO, '../shared/crds/cert-manager'));

/** The refs/ problems of checking `text` as one file after the Namespaces web and cert-manager (unless `namespaces` says others). */
function references(text: string, namespaces = ['web', 'cert-manager']): string[] {
  const made = namespaces.map((n) => `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${n} }\n---\n`).join('');
  const manifests = parseManifests([{ file: 'app.yaml', text: made + text }]);
  return checkObjects(manifests.objects, { crds })
    .findings.filter((f) => f.code.startsWith('refs/'))
    .map((f) => `${f.code} ${formatProblem(toProblem(f, manifests.locate(f)))}`);
}
const firstLines = (text: string, namespaces?: string[]) => references(text, namespaces).map((p) => p.split('\n')[0]);

const caIssuer = (kind: string, secret = 'team-ca') => `apiVersion: cert-manager.io/v1
kind: ${kind}
metadata: { name: team-ca${kind === 'Issuer' ? ', namespace: web' : ''} }
spec:
  ca: { secretName: ${secret} }
---
`;
const secret = (name: string, ns: string, keys = ['tls.crt', 'tls.key']) => `apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: ${ns}, annotations: { stagecraft.dev/secret-keys: "${keys.join(',')}" } }
type: Opaque
---
`;
/** cert-manager's controller as its Helm chart renders it: --cluster-resource-namespace=$(POD_NAMESPACE). */
const controller = (ns: string, flag = '--cluster-resource-namespace=$(POD_NAMESPACE)') =>
  certManagerController(ns, ['--v=2', flag, '--leader-election-namespace=kube-system']);
/** A self-signed root Certificate that makes Secret `name` in namespace `ns`: the usual way to a CA issuer. */
const rootCertificate = (name: string, ns: string) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: { name: root, namespace: ${ns} }
spec:
  isCA: true
  commonName: team-ca
  secretName: ${name}
  issuerRef: { name: selfsigned, kind: ClusterIssuer }
---
`;

describe("a cert-manager Issuer's Secrets", () => {
  it("finds a CA Issuer's key pair missing in its namespace, placed at spec.ca.secretName, with how to add or declare it", () => {
    const [problem] = references(caIssuer('Issuer'));
    expect(problem).toBe(
      "refs/issuer-secret app.yaml:13:21: Issuer web/team-ca: spec.ca.secretName: reads the CA's key pair from Secret 'team-ca', but the Secrets in namespace 'web' are: none; cert-manager issues no certificate of the Issuer until it is there\n" +
        "  hint: fix the name, or add the Secret (its keys tls.crt, tls.key) to namespace 'web'; if it is made outside them (kubectl create secret, a controller such as Sealed Secrets or cert-manager, a Job), declare it on its Namespace: stagecraft.dev/required-secrets: team-ca=tls.crt,tls.key",
    );
    expect(references(caIssuer('Issuer') + secret('team-ca', 'web'))).toEqual([]);
    // made by a Certificate of its namespace, with the keys cert-manager writes
    expect(references(caIssuer('Issuer') + rootCertificate('team-ca', 'web'))).toEqual([]);
    expect(firstLines(caIssuer('Issuer', 'team-cb') + secret('team-ca', 'web'))).toEqual([
      expect.stringContaining("Secret 'team-cb', but the Secrets in namespace 'web' are: team-ca"),
    ]);
  });

  it('finds a key the Secret lacks: the CA key pair, or the key a selector names', () => {
    expect(firstLines(caIssuer('Issuer') + secret('team-ca', 'web', ['tls.crt']))).toEqual([
      "refs/issuer-secret app.yaml:13:21: Issuer web/team-ca: spec.ca.secretName: reads key 'tls.key' of Secret 'team-ca' (the CA's key pair), which has the keys: tls.crt",
    ]);
    const acme = (ref: string) => `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: { name: letsencrypt, namespace: web }
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: { name: letsencrypt-account }
    solvers:
      - dns01:
          cloudflare: { apiTokenSecretRef: ${ref} }
---
`;
    // the account key is made by cert-manager: missing is no problem
    expect(firstLines(acme('{ name: cloudflare, key: api-token }'))).toEqual([
      "refs/issuer-secret app.yaml:18:52: Issuer web/letsencrypt: spec.acme.solvers[0].dns01.cloudflare.apiTokenSecretRef.name: reads the cloudflare DNS-01 solver's credentials from Secret 'cloudflare', but the Secrets in namespace 'web' are: none; cert-manager issues no certificate of the Issuer until it is there",
    ]);
    expect(firstLines(acme('{ name: cloudflare, key: api-token }') + secret('cloudflare', 'web', ['token']))).toEqual([
      "refs/issuer-secret app.yaml:18:69: Issuer web/letsencrypt: spec.acme.solvers[0].dns01.cloudflare.apiTokenSecretRef.key: reads key 'api-token' of Secret 'cloudflare' (the cloudflare DNS-01 solver's credentials), which has the keys: token",
    ]);
    expect(references(acme('{ name: cloudflare, key: api-token }') + secret('cloudflare', 'web', ['api-token']))).toEqual([]);
    // an account key that is there must hold its key
    expect(
      firstLines(
        acme('{ name: cloudflare, key: api-token }') +
          secret('cloudflare', 'web', ['api-token']) +
          secret('letsencrypt-account', 'web', ['key']),
      ),
    ).toEqual([
      expect.stringContaining(
        "spec.acme.privateKeySecretRef.name: reads key 'tls.key' of Secret 'letsencrypt-account' (the ACME account key)",
      ),
    ]);
  });

  it("reads a ClusterIssuer's Secrets in cert-manager's cluster resource namespace, from its controller's flag", () => {
    expect(firstLines(caIssuer('ClusterIssuer') + controller('cert-manager') + secret('team-ca', 'web'))).toEqual([
      "refs/issuer-secret app.yaml:13:21: ClusterIssuer team-ca: spec.ca.secretName: reads the CA's key pair from Secret 'team-ca', but the Secrets in namespace 'cert-manager' (cert-manager's cluster resource namespace: --cluster-resource-namespace of Deployment cert-manager/cert-manager) are: none; the objects' Secret 'team-ca' is in namespace 'web'; cert-manager issues no certificate of the ClusterIssuer until it is there",
    ]);
    expect(references(caIssuer('ClusterIssuer') + controller('cert-manager') + rootCertificate('team-ca', 'cert-manager'))).toEqual([]);
    // the flag's own value, and cert-manager's default (kube-system) for a controller without it
    expect(
      references(caIssuer('ClusterIssuer') + controller('cert-manager', '--cluster-resource-namespace=web') + secret('team-ca', 'web')),
    ).toEqual([]);
    expect(firstLines(caIssuer('ClusterIssuer') + controller('cert-manager', '--v=2') + secret('team-ca', 'cert-manager'))).toEqual([
      expect.stringContaining(
        "but the Secrets in namespace 'kube-system' (cert-manager's cluster resource namespace: Deployment cert-manager/cert-manager runs cert-manager's controller without --cluster-resource-namespace)",
      ),
    ]);
  });

  it('reads --cluster-resource-namespace written as two args, as the flag parser takes it', () => {
    const twoArgs = (value: string) => certManagerController('cert-manager', ['--v=2', '--cluster-resource-namespace', value]);
    expect(references(caIssuer('ClusterIssuer') + twoArgs('web') + secret('team-ca', 'web'))).toEqual([]);
    expect(firstLines(caIssuer('ClusterIssuer') + twoArgs('cert-manager') + secret('team-ca', 'web'))).toEqual([
      expect.stringContaining(
        "the Secrets in namespace 'cert-manager' (cert-manager's cluster resource namespace: --cluster-resource-namespace of Deployment cert-manager/cert-manager)",
      ),
    ]);
  });

  it('checks the ACME account key like any other Secret when cert-manager is told not to make it (disableAccountKeyGeneration)', () => {
    const acme = (disable: string) => `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: { name: letsencrypt, namespace: web }
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: { name: letsencrypt-account }${disable}
    solvers: [{ http01: { ingress: { ingressClassName: nginx } } }]
---
`;
    expect(references(acme(''))).toEqual([]);
    expect(references(acme('\n    disableAccountKeyGeneration: false'))).toEqual([]);
    expect(firstLines(acme('\n    disableAccountKeyGeneration: true'))).toEqual([
      "refs/issuer-secret app.yaml:15:34: Issuer web/letsencrypt: spec.acme.privateKeySecretRef.name: reads the ACME account key from Secret 'letsencrypt-account', but the Secrets in namespace 'web' are: none; cert-manager issues no certificate of the Issuer until it is there",
    ]);
    expect(references(acme('\n    disableAccountKeyGeneration: true') + secret('letsencrypt-account', 'web', ['tls.key']))).toEqual([]);
  });

  it("names the namespace to declare a ClusterIssuer's Secret on, and says so when the objects do not make it", () => {
    const hints = (text: string) => {
      const manifests = parseManifests([{ file: 'app.yaml', text }]);
      return checkObjects(manifests.objects, { crds, written: true }).findings.flatMap((f) =>
        f.code === 'refs/issuer-secret' ? [f.hint] : [],
      );
    };
    expect(hints(caIssuer('ClusterIssuer') + controller('cert-manager', '--v=2'))).toEqual([
      expect.stringContaining(
        "declare it on Namespace 'kube-system' (which the objects do not make: add it, or declare the Secret on a Namespace they make and point --cluster-resource-namespace there): stagecraft.dev/required-secrets: team-ca=tls.crt,tls.key",
      ),
    ]);
    expect(
      hints(
        `apiVersion: v1\nkind: Namespace\nmetadata: { name: platform }\n---\n${caIssuer('ClusterIssuer')}${controller('cert-manager', '--cluster-resource-namespace=platform')}`,
      ),
    ).toEqual([expect.stringContaining("declare it on Namespace 'platform': stagecraft.dev/required-secrets: team-ca=tls.crt,tls.key")]);
  });

  it("tells a stage to declare a ClusterIssuer's Secret made outside on cert-manager's Namespace, not in the stage file", () => {
    const manifests = parseManifests([
      { file: 'app.yaml', text: `apiVersion: v1\nkind: Namespace\nmetadata: { name: cert-manager }\n---\n${caIssuer('ClusterIssuer')}` },
    ]);
    expect(
      checkObjects(manifests.objects, { crds, written: true }).findings.flatMap((f) => (f.code === 'refs/issuer-secret' ? [f.hint] : [])),
    ).toEqual([
      "fix the name, or add the Secret (its keys tls.crt, tls.key) to namespace 'cert-manager'; if it is made outside stagecraft (kubectl, a controller such as Sealed Secrets, a Job), declare it on Namespace 'cert-manager': stagecraft.dev/required-secrets: team-ca=tls.crt,tls.key",
    ]);
  });

  it('takes the namespace cert-manager when the objects make it and hold no controller, and checks nothing when they make neither', () => {
    expect(firstLines(caIssuer('ClusterIssuer') + secret('team-ca', 'web'))).toEqual([
      expect.stringContaining(
        "but the Secrets in namespace 'cert-manager' (cert-manager's cluster resource namespace: where cert-manager is installed",
      ),
    ]);
    expect(references(caIssuer('ClusterIssuer') + secret('team-ca', 'cert-manager'))).toEqual([]);
    expect(references(caIssuer('ClusterIssuer'), ['web'])).toEqual([]);
  });

  it('says a missing Secret once, at its first reference, with every key the issuer reads of it', () => {
    const route53 = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: { name: letsencrypt, namespace: web }
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: { name: letsencrypt-account }
    solvers:
      - dns01:
          route53:
            region: eu-west-1
            accessKeyIDSecretRef: { name: route53, key: access-key-id }
            secretAccessKeySecretRef: { name: route53, key: secret-access-key }
---
`;
    const problems = references(route53);
    expect(problems.map((p) => p.split(': reads')[0])).toEqual([
      'refs/issuer-secret app.yaml:20:43: Issuer web/letsencrypt: spec.acme.solvers[0].dns01.route53.accessKeyIDSecretRef.name',
    ]);
    expect(problems[0]).toContain('(its keys access-key-id, secret-access-key)');
    expect(problems[0]).toContain('stagecraft.dev/required-secrets: route53=access-key-id,secret-access-key');
    // a Secret that is there is asked for each key
    expect(firstLines(route53 + secret('route53', 'web', ['access-key-id'])).map((p) => p.split(': reads')[1])).toEqual([
      " key 'secret-access-key' of Secret 'route53' (the route53 DNS-01 solver's credentials), which has the keys: access-key-id",
    ]);
  });

  it("finds a Certificate's keystore password Secret missing, when the keystore is asked for", () => {
    const keystore = (create: boolean) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: { name: web, namespace: web }
spec:
  secretName: web-tls
  dnsNames: [web.example.com]
  issuerRef: { name: team-ca, kind: Issuer }
  keystores:
    pkcs12: { create: ${create}, passwordSecretRef: { name: keystore-pass, key: password } }
---
`;
    expect(firstLines(keystore(true))).toEqual([
      "refs/issuer-secret app.yaml:17:56: Certificate web/web: spec.keystores.pkcs12.passwordSecretRef.name: reads the pkcs12 keystore's password from Secret 'keystore-pass', but the Secrets in namespace 'web' are: web-tls; cert-manager writes none of the Certificate's Secret until it is there",
    ]);
    expect(references(keystore(true) + secret('keystore-pass', 'web', ['password']))).toEqual([]);
    expect(references(keystore(false))).toEqual([]);
  });

  it('is not asked of an issuer of another group', () => {
    expect(references(caIssuer('Issuer').replace('cert-manager.io/v1', 'example.com/v1'))).toEqual([]);
  });
});
