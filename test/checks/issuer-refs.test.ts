/**
 * The issuer a cert-manager Certificate or an Ingress's ingress-shim annotation names
 * (lib/checks/issuer-refs.ts, `refs/cert-issuer`): of the other kind, of another namespace, or misspelt.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckOptions, checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { toProblem } from '../../lib/checks/finding.js';
import { formatProblem } from '../../lib/errors.js';
import { REPO } from '../helpers/cli.js';
import { certManagerController } from '../helpers/cert-manager.js';
import { objectsIn } from './helpers.js';

const crds = objectsIn(join(REPO, '../shared/crds/cert-manager'));

/** The refs/cert-issuer problems of checking `text` after Namespaces web and certs, as the CLI prints them. */
function checked(text: string, options: CheckOptions = {}): string[] {
  const namespaces =
    'apiVersion: v1\nkind: Namespace\nmetadata: { name: web }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: certs }\n---\n';
  const manifests = parseManifests([{ file: 'app.yaml', text: namespaces + text }]);
  return checkObjects(manifests.objects, { crds, ...options })
    .findings.filter((f) => f.code === 'refs/cert-issuer')
    .map((f) => formatProblem(toProblem(f, manifests.locate(f))));
}

const certificate = (issuerRef: string) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: { name: web, namespace: web }
spec:
  secretName: web-tls
  dnsNames: [web.example.com]
  issuerRef: ${issuerRef}
---
`;
const issuer = (kind: string, name: string, namespace?: string) =>
  `apiVersion: cert-manager.io/v1\nkind: ${kind}\nmetadata: { name: ${name}${namespace ? `, namespace: ${namespace}` : ''} }\nspec: { selfSigned: {} }\n---\n`;
const ingress = (annotations: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: web, annotations: ${annotations} }
spec:
  tls: [{ hosts: [web.example.com], secretName: web-tls }]
  rules: [{ host: web.example.com }]
---
`;

describe("a Certificate's issuer", () => {
  it('is an Issuer of its namespace without kind: one of that name that is a ClusterIssuer is named', () => {
    expect(checked(certificate('{ name: letsencrypt }') + issuer('ClusterIssuer', 'letsencrypt'))).toEqual([
      "app.yaml:15:22: Certificate web/web: spec.issuerRef.name: names the Issuer 'letsencrypt' (no kind: an Issuer) of namespace 'web', but 'letsencrypt' is a ClusterIssuer, and the Issuers in namespace 'web' are: none; cert-manager issues no certificate until it is there (the Certificate stays not ready: issuer not found)\n" +
        '  hint: set kind: ClusterIssuer beside issuerRef.name: letsencrypt',
    ]);
    expect(checked(certificate('{ name: letsencrypt, kind: ClusterIssuer }') + issuer('ClusterIssuer', 'letsencrypt'))).toEqual([]);
    expect(checked(certificate('{ name: team-ca, kind: ClusterIssuer }') + issuer('Issuer', 'team-ca', 'web'))).toEqual([
      expect.stringMatching(
        /spec\.issuerRef\.kind: names the ClusterIssuer 'team-ca', but 'team-ca' is an Issuer of namespace 'web'.*\n {2}hint: set issuerRef\.kind: Issuer/,
      ),
    ]);
  });

  it('is refused only in another namespace or near an issuer of its kind: one the objects do not make is made outside them', () => {
    expect(checked(certificate('{ name: team-ca }') + issuer('Issuer', 'team-ca', 'certs'))).toEqual([
      expect.stringContaining("the objects' Issuer 'team-ca' is in namespace 'certs', and an Issuer issues only for its own namespace"),
    ]);
    expect(checked(certificate('{ name: letsencrypt-prd, kind: ClusterIssuer }') + issuer('ClusterIssuer', 'letsencrypt-prod'))).toEqual([
      expect.stringMatching(
        /names the ClusterIssuer 'letsencrypt-prd', but the objects' ClusterIssuers are: letsencrypt-prod; .*\n {2}hint: did you mean 'letsencrypt-prod'\? Or, if 'letsencrypt-prd' is made outside these files, declare it: npm run check -- --object-exists ClusterIssuer\/letsencrypt-prd <files>$/,
      ),
    ]);
    expect(checked(certificate('{ name: letsencrypt, kind: ClusterIssuer }'))).toEqual([]);
    expect(checked(certificate('{ name: vault, kind: VaultIssuer, group: example.com }') + issuer('ClusterIssuer', 'vault'))).toEqual([]);
  });
});

describe('an issuer declared as made outside the objects (existingObjects)', () => {
  it('is one of the issuers: named, no finding; a name near one is a mistake only when no declared one matches', () => {
    const staging = certificate('{ name: letsencrypt-staging, kind: ClusterIssuer }') + issuer('ClusterIssuer', 'letsencrypt-stagin');
    expect(checked(staging)).toEqual([expect.stringContaining("did you mean 'letsencrypt-stagin'?")]);
    expect(checked(staging, { existingObjects: ['ClusterIssuer/letsencrypt-staging'] })).toEqual([]);
    // another declared one, of another kind, or an Issuer of another namespace, does not match
    expect(checked(staging, { existingObjects: ['ClusterIssuer/letsencrypt-prod', 'Issuer/certs/letsencrypt-staging'] })).toEqual([
      expect.stringContaining("did you mean 'letsencrypt-stagin'?"),
    ]);
    // an Issuer of the same name in another namespace: the one declared in the Certificate's
    const elsewhere = certificate('{ name: team-ca }') + issuer('Issuer', 'team-ca', 'certs');
    expect(checked(elsewhere, { existingObjects: ['Issuer/certs/team-ca'] })).toHaveLength(1);
    expect(checked(elsewhere, { existingObjects: ['Issuer/web/team-ca'] })).toEqual([]);
    // a declared one is near-matched as the objects' are, and not said to be the objects'
    expect(
      checked(certificate('{ name: letsencrypt-prd, kind: ClusterIssuer }'), { existingObjects: ['ClusterIssuer/letsencrypt-prod'] }),
    ).toEqual([
      expect.stringMatching(
        /but the objects' ClusterIssuers \(with those declared as made outside them\) are: letsencrypt-prod; .*\n {2}hint: did you mean 'letsencrypt-prod'\?/,
      ),
    ]);
    // an Ingress's annotation alike, and the hint of a stage names the stage file's setting
    const shim = ingress('{ cert-manager.io/cluster-issuer: letsencrypt-staging }') + issuer('ClusterIssuer', 'letsencrypt-stagin');
    expect(checked(shim, { written: true })).toEqual([
      expect.stringMatching(
        /hint: did you mean 'letsencrypt-stagin'\? Or, if 'letsencrypt-staging' is made outside the stage, declare it under checks\.existingObjects in the stage file: ClusterIssuer\/letsencrypt-staging$/,
      ),
    ]);
    expect(checked(shim, { written: true, existingObjects: ['ClusterIssuer/letsencrypt-staging'] })).toEqual([]);
  });
});

describe("an Ingress's issuer for ingress-shim", () => {
  it('is checked by the annotation that names it', () => {
    expect(checked(ingress('{ cert-manager.io/issuer: letsencrypt }') + issuer('ClusterIssuer', 'letsencrypt'))).toEqual([
      expect.stringMatching(
        /^app\.yaml:11:79: Ingress web\/web: metadata\.annotations\.cert-manager\.io\/issuer: names the Issuer 'letsencrypt' of namespace 'web', but 'letsencrypt' is a ClusterIssuer.*ingress-shim makes a Certificate that waits for it.*\n {2}hint: write the annotation cert-manager\.io\/cluster-issuer: letsencrypt instead$/,
      ),
    ]);
    expect(checked(ingress('{ cert-manager.io/cluster-issuer: letsencrypt }') + issuer('ClusterIssuer', 'letsencrypt'))).toEqual([]);
    expect(checked(ingress('{ cert-manager.io/cluster-issuer: letsencrypt }'))).toEqual([]);
  });
});

describe('the default issuer an Ingress asks ingress-shim for (kubernetes.io/tls-acme)', () => {
  const acme = ingress('{ kubernetes.io/tls-acme: "true" }');
  it('is an Issuer of its namespace when the controller gives --default-issuer-name without --default-issuer-kind, as cert-manager defaults it', () => {
    const controller = certManagerController('certs', ['--v=2', '--default-issuer-name=letsencrypt']);
    expect(checked(acme + controller + issuer('ClusterIssuer', 'letsencrypt'))).toEqual([
      "app.yaml:11:79: Ingress web/web: metadata.annotations.kubernetes.io/tls-acme: asks ingress-shim for its default issuer (kubernetes.io/tls-acme), and Deployment certs/cert-manager's --default-issuer-name names the Issuer 'letsencrypt' (no --default-issuer-kind: an Issuer) of namespace 'web', but 'letsencrypt' is a ClusterIssuer, and the Issuers in namespace 'web' are: none; cert-manager's ingress-shim makes a Certificate that waits for it (issuer not found): the TLS Secret is never written\n" +
        "  hint: give Deployment certs/cert-manager's controller --default-issuer-kind=ClusterIssuer (Helm: ingressShim.defaultIssuerKind: ClusterIssuer), or name the issuer on the Ingress: cert-manager.io/cluster-issuer: letsencrypt",
    ]);
    // an Issuer of that name in the Ingress's namespace is the one; in another only, a mistake
    expect(checked(acme + controller + issuer('Issuer', 'letsencrypt', 'web'))).toEqual([]);
    expect(checked(acme + controller + issuer('Issuer', 'letsencrypt', 'certs'))).toEqual([
      expect.stringContaining("the objects' Issuer 'letsencrypt' is in namespace 'certs', and an Issuer issues only for its own namespace"),
    ]);
  });

  it('is of the kind --default-issuer-kind gives, and not looked at for another group or without the controller', () => {
    const kinded = (args: string[]) => acme + certManagerController('certs', args);
    expect(
      checked(
        kinded(['--default-issuer-name=letsencrypt', '--default-issuer-kind=ClusterIssuer']) + issuer('ClusterIssuer', 'letsencrypt'),
      ),
    ).toEqual([]);
    expect(
      checked(
        kinded(['--default-issuer-name', 'letsencrypt', '--default-issuer-kind', 'ClusterIssuer']) + issuer('Issuer', 'letsencrypt', 'web'),
      ),
    ).toEqual([
      expect.stringMatching(
        /names the ClusterIssuer 'letsencrypt', but 'letsencrypt' is an Issuer of namespace 'web'.*\n {2}hint: give .*--default-issuer-kind=Issuer /,
      ),
    ]);
    // the kind given as the default is said as given, not as the default it equals
    expect(
      checked(kinded(['--default-issuer-name=letsencrypt', '--default-issuer-kind=Issuer']) + issuer('ClusterIssuer', 'letsencrypt')),
    ).toEqual([
      expect.stringContaining(
        "--default-issuer-name names the Issuer 'letsencrypt' (--default-issuer-kind=Issuer) of namespace 'web', but 'letsencrypt' is a ClusterIssuer",
      ),
    ]);
    expect(
      checked(
        kinded(['--default-issuer-name=vault', '--default-issuer-kind=VaultIssuer', '--default-issuer-group=example.com']) +
          issuer('ClusterIssuer', 'vault'),
      ),
    ).toEqual([]);
    expect(checked(acme + issuer('ClusterIssuer', 'letsencrypt'))).toEqual([]);
  });

  it("finds the controller once per check, not once per Ingress: its Deployments' containers are read as often for 40 Ingresses as for 2", () => {
    const reads = (ingresses: number): number => {
      const text =
        certManagerController('certs', ['--default-issuer-name=letsencrypt']) +
        Array.from({ length: ingresses }, (_, i) => acme.replace('name: web, namespace', `name: web${i}, namespace`)).join('');
      const objects = parseManifests([{ file: 'app.yaml', text }]).objects;
      let count = 0;
      for (const o of objects.filter((o) => o.kind === 'Deployment')) {
        const pod = (o.spec as { template: { spec: Record<string, unknown> } }).template.spec;
        const containers = pod.containers;
        Object.defineProperty(pod, 'containers', {
          enumerable: true,
          get: () => {
            count++;
            return containers;
          },
        });
      }
      checkObjects(objects, { crds });
      return count;
    };
    // each Ingress's check scanned every Deployment of the objects: 4,000 Ingresses and Deployments took 8 s, not 1
    expect(reads(40)).toBe(reads(2));
  });
});
