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
import { requiredObjects } from '../../lib/checks/required-objects.js';
import type { KubeObject } from '../../lib/model/object.js';
import { makesSecrets } from '../../lib/model/operator-secrets.js';
import { certManagerController } from '../helpers/cert-manager.js';
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
const ingress = (annotations: string, tls = '[{ hosts: [web.example.com], secretName: web-tls }]') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: web${annotations} }
spec:
  ingressClassName: nginx
  tls: ${tls}
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
        "  hint: read one of the keys Certificate web/web-cert writes, or have it write 'keystore.p12' too: spec.keystores.pkcs12.create: true, with a password or passwordSecretRef",
    ]);
    const pkcs12 = '  keystores: { pkcs12: { create: true, passwordSecretRef: { name: p12-password, key: password } } }\n';
    expect(references(certificate(pkcs12) + deployment('web-tls', 'keystore.p12')).filter((p) => p.includes('keystore.p12'))).toEqual([]);
  });

  it("names, for a key it lacks, the Certificate's option that writes it, else the keys cert-manager writes", () => {
    const hint = (key: string) =>
      references(certificate() + deployment('web-tls', key))
        .filter((p) => p.includes(`reads key '${key}'`))
        .map((p) => p.slice(p.indexOf('hint: ')));
    expect(hint('truststore.jks')).toEqual([
      "hint: read one of the keys Certificate web/web-cert writes, or have it write 'truststore.jks' too: spec.keystores.jks.create: true, with a password or passwordSecretRef",
    ]);
    expect(hint('tls-combined.pem')).toEqual([
      "hint: read one of the keys Certificate web/web-cert writes, or have it write 'tls-combined.pem' too: spec.additionalOutputFormats: [{ type: CombinedPEM }]",
    ]);
    expect(hint('key.der')).toEqual([
      "hint: read one of the keys Certificate web/web-cert writes, or have it write 'key.der' too: spec.additionalOutputFormats: [{ type: DER }]",
    ]);
    expect(hint('password')).toEqual([
      'hint: read one of the keys Certificate web/web-cert writes: cert-manager writes only tls.crt, tls.key and ca.crt, and those spec.keystores (keystore.jks, truststore.jks, keystore.p12, truststore.p12) and spec.additionalOutputFormats (tls-combined.pem, key.der) ask for',
    ]);
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

  const missing = "terminates TLS with Secret 'web-tls', but the Secrets in namespace 'web' are: none";
  const tlsProblems = (annotations: string, tls?: string) =>
    references(ingress(annotations, tls))
      .filter((p) => p.includes('terminates TLS'))
      .join('\n');

  it('is not made for a TLS entry without hosts, which ingress-shim skips (Skipped a TLS block: spec.tls[0].hosts: Required value)', () => {
    const issuer = ', annotations: { cert-manager.io/cluster-issuer: letsencrypt }';
    expect(tlsProblems(issuer, '[{ secretName: web-tls }]')).toContain(missing);
    expect(tlsProblems(issuer, '[{ hosts: [], secretName: web-tls }]')).toContain(missing);
    // an entry with hosts beside it still has its Secret made
    expect(tlsProblems(issuer, '[{ secretName: other-tls }, { hosts: [web.example.com], secretName: web-tls }]')).not.toContain(
      "Secret 'web-tls'",
    );
  });

  it('is not made when two TLS entries name one Secret: ingress-shim refuses the Ingress', () => {
    const twice = '[{ hosts: [web.example.com], secretName: web-tls }, { hosts: [www.example.com], secretName: web-tls }]';
    expect(tlsProblems(', annotations: { cert-manager.io/cluster-issuer: letsencrypt }', twice)).toContain(missing);
  });

  it('is not made for annotations ingress-shim finds no issuer in: an empty name, both kinds of issuer, a cluster issuer with issuer-kind or issuer-group', () => {
    for (const annotations of [
      '{ cert-manager.io/cluster-issuer: "" }',
      '{ cert-manager.io/issuer: "" }',
      '{ cert-manager.io/issuer: team-ca, cert-manager.io/cluster-issuer: letsencrypt }',
      '{ cert-manager.io/cluster-issuer: letsencrypt, cert-manager.io/issuer-kind: ClusterIssuer }',
      '{ cert-manager.io/cluster-issuer: letsencrypt, cert-manager.io/issuer-group: cert-manager.io }',
    ])
      expect(tlsProblems(`, annotations: ${annotations}`), annotations).toContain(missing);
    // an issuer of another kind or group is named by cert-manager.io/issuer
    const external =
      ', annotations: { cert-manager.io/issuer: vault, cert-manager.io/issuer-kind: VaultIssuer, cert-manager.io/issuer-group: example.com }';
    expect(tlsProblems(external)).toBe('');
  });

  it('is made for kubernetes.io/tls-acme: "true" (the default issuer), as ingress-shim reads it with ParseBool', () => {
    for (const value of ['"true"', '"True"', '"1"', '"t"'])
      expect(tlsProblems(`, annotations: { kubernetes.io/tls-acme: ${value} }`), value).toBe('');
    for (const value of ['"false"', '"yes"', '""'])
      expect(tlsProblems(`, annotations: { kubernetes.io/tls-acme: ${value} }`), value).toContain(missing);
    // an empty issuer beside it overrides the default issuer: no Certificate
    expect(tlsProblems(', annotations: { kubernetes.io/tls-acme: "true", cert-manager.io/issuer: "" }')).toContain(missing);
  });

  it("is made for kubernetes.io/tls-acme only when cert-manager's controller among the objects has a default issuer", () => {
    const controller = (...args: string[]) => certManagerController('web', args);
    const acme = ingress(', annotations: { kubernetes.io/tls-acme: "true" }');
    const problems = (text: string) => references(text).filter((p) => p.includes('terminates TLS'));
    // cert-manager's chart sets no default issuer: ingress-shim makes nothing for the annotation
    expect(problems(acme + controller('--v=2'))).toEqual([expect.stringContaining(missing)]);
    expect(problems(acme + controller('--v=2', '--default-issuer-name='))).toEqual([expect.stringContaining(missing)]);
    // both spellings of the flag
    expect(problems(acme + controller('--v=2', '--default-issuer-name=letsencrypt'))).toEqual([]);
    expect(problems(acme + controller('--default-issuer-name', 'letsencrypt', '--v=2'))).toEqual([]);
    // a named issuer does not need it; without the controller among the objects it is taken as set
    expect(problems(ingress(', annotations: { cert-manager.io/cluster-issuer: letsencrypt }') + controller('--v=2'))).toEqual([]);
    expect(problems(acme)).toEqual([]);
  });

  it("is missing, for kubernetes.io/tls-acme without a default issuer, with a hint naming the controller's flags and the issuer annotations", () => {
    const controller = certManagerController('web', ['--v=2']);
    const clusterIssuer = (name: string) =>
      `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: { name: ${name} }\nspec: { selfSigned: {} }\n---\n`;
    const hint = (text: string) =>
      references(text)
        .filter((p) => p.includes('terminates TLS'))
        .map((p) => p.split('\n  hint: ')[1]);
    const acme = ingress(', annotations: { kubernetes.io/tls-acme: "true" }');
    expect(hint(acme + controller + clusterIssuer('letsencrypt'))).toEqual([
      "cert-manager's ingress-shim makes Secret 'web-tls' for kubernetes.io/tls-acme only with a default issuer, and Deployment web/cert-manager runs its controller without one: " +
        'give the controller --default-issuer-name=<issuer> and --default-issuer-kind=ClusterIssuer (Helm: ingressShim.defaultIssuerName and ingressShim.defaultIssuerKind), ' +
        'or name the issuer on the Ingress instead of kubernetes.io/tls-acme: cert-manager.io/cluster-issuer: letsencrypt (the ClusterIssuer made here), or cert-manager.io/issuer: <an Issuer of its namespace>',
    ]);
    expect(hint(acme + controller)[0]).toContain('cert-manager.io/cluster-issuer: <name>, or');
    // without cert-manager's CRDs (npm run check with no --crds), the ClusterIssuer made is named all the same
    const withoutCrds = parseManifests([
      {
        file: 'app.yaml',
        text: `apiVersion: v1\nkind: Namespace\nmetadata: { name: web }\n---\n${acme}${controller}${clusterIssuer('letsencrypt')}`,
      },
    ]);
    const found = checkObjects(withoutCrds.objects).findings.filter((f) => f.code === 'refs/tls-secret');
    expect(found.map((f) => f.hint)).toEqual([
      expect.stringContaining('cert-manager.io/cluster-issuer: letsencrypt (the ClusterIssuer made here)'),
    ]);
    expect(hint(acme + controller + clusterIssuer('b') + clusterIssuer('a'))[0]).toContain(
      'cert-manager.io/cluster-issuer: a (the ClusterIssuers made here: a, b)',
    );
    // an empty issuer annotation beside it asks for no Certificate: the hint is to add the Secret
    expect(hint(ingress(', annotations: { kubernetes.io/tls-acme: "true", cert-manager.io/issuer: "" }') + controller)[0]).toMatch(
      /^add the TLS Secret/,
    );
  });

  it('is missing with a hint of what ingress-shim needs: hosts on an entry without them, a Secret per entry', () => {
    const hints = (annotations: string, tls: string) =>
      references(ingress(annotations, tls))
        .filter((p) => p.includes('terminates TLS'))
        .map((p) => p.split('\n  hint: ')[1]);
    expect(hints(', annotations: { cert-manager.io/cluster-issuer: letsencrypt }', '[{ secretName: web-tls }]')).toEqual([
      "add hosts to spec.tls[0] (the host names of spec.rules the certificate is for): cert-manager's ingress-shim makes Secret 'web-tls' only for a TLS entry with hosts",
    ]);
    expect(hints(', annotations: { kubernetes.io/tls-acme: "true" }', '[{ hosts: [], secretName: web-tls }]')[0]).toMatch(
      /^add hosts to spec.tls\[0\]/,
    );
    const twice = '[{ hosts: [web.example.com], secretName: web-tls }, { hosts: [www.example.com], secretName: web-tls }]';
    expect(hints(', annotations: { cert-manager.io/issuer: team-ca }', twice)[0]).toMatch(
      /^give each entry of spec.tls a secretName of its own/,
    );
    // an entry with hosts and an empty secretName is told to name one, not that it names one Secret twice
    expect(hints(', annotations: { cert-manager.io/issuer: team-ca }', '[{ hosts: [web.example.com], secretName: "" }]')).toEqual([
      "add a secretName to spec.tls[0] (a Secret of its own, for ingress-shim to write): cert-manager's ingress-shim makes no Certificate for a TLS entry without one",
    ]);
    // without an issuer the hint is to add the Secret
    expect(hints('', '[{ secretName: web-tls }]')[0]).toMatch(/^add the TLS Secret/);
  });

  it('is placed at its entry of spec.tls as written, after an entry that is no mapping', () => {
    expect(
      references(ingress('', '[null, { hosts: [web.example.com], secretName: web-tls }]')).filter((p) => p.includes('terminates TLS')),
    ).toEqual([expect.stringMatching(/^app\.yaml:10:55: Ingress web\/web: spec\.tls\[1\]\.secretName: terminates TLS/)]);
  });

  it('holds only the keys ingress-shim writes, with nothing to add to the Ingress for another', () => {
    const issuer = ingress(', annotations: { cert-manager.io/cluster-issuer: letsencrypt }');
    expect(references(issuer + deployment('web-tls', 'keystore.p12'))).toEqual([
      "app.yaml:32:59: Deployment web/web: spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef: container 'web' env VALUE reads key 'keystore.p12' of Secret 'web-tls', which has the keys: ca.crt, tls.crt, tls.key\n" +
        "  hint: read one of the keys cert-manager's ingress-shim writes for Ingress web/web: only tls.crt, tls.key and ca.crt",
    ]);
  });
});

describe('a Secret an ExternalSecret makes', () => {
  it('is its own name by default, or its target name, with the keys of its data', () => {
    expect(references(externalSecret('db-creds') + deployment('db-creds', 'password', 'db-creds'))).toEqual([
      "app.yaml:27:77: Deployment web/web: spec.template.spec.volumes[0].secret.items[0].key: volume 'tls' reads key 'tls.crt' of Secret 'db-creds', which has the keys: password\n" +
        "  hint: read one of the keys ExternalSecret web/db-creds writes, or have it write 'tls.crt' too: a spec.data entry with secretKey: tls.crt, or spec.target.template",
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

describe('the look for Secrets an operator makes, which every check run and render asks of every object', () => {
  /** `count` objects of `kind` whose apiVersion counts its reads in `reads`. */
  const counted = (kind: string, count: number, reads: { n: number }): KubeObject[] =>
    Array.from({ length: count }, (_, i) => {
      const o = { kind, metadata: { name: `o${i}`, namespace: 'web' }, spec: {} } as unknown as KubeObject;
      Object.defineProperty(o, 'apiVersion', {
        get: () => {
          reads.n++;
          return kind === 'Deployment' ? 'apps/v1' : 'v1';
        },
      });
      return o;
    });

  it("asks an object no more than its kind unless an operator makes Secrets of that kind, and lists the stage's Secrets only once one does", () => {
    const reads = { n: 0 };
    const objects = [...counted('Deployment', 50, reads), ...counted('Secret', 50, reads), ...counted('ConfigMap', 50, reads)];
    expect(objects.some(makesSecrets)).toBe(false);
    expect(requiredObjects(objects)).toEqual([]);
    expect(reads.n).toBe(0);
    // once an object makes a Secret, the stage's Secrets are what it must not shadow
    const made = requiredObjects([...objects, ...parseManifests([{ file: 'c.yaml', text: certificate() }]).objects]);
    expect(made.map((o) => o.metadata.name)).toEqual(['web-tls']);
    expect(reads.n).toBe(50);
  });
});

describe("the Secret a Job of kube-webhook-certgen writes (ingress-nginx's and kube-prometheus-stack's admission Jobs)", () => {
  /** ingress-nginx's admission-create Job, with `args` for its container's. */
  const job = (args: string) => `apiVersion: batch/v1
kind: Job
metadata: { name: ingress-nginx-admission-create, namespace: web }
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: create
          image: registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.0@sha256:44d1d0e9f19c63f58b380c5fddaca7cf22c7cee564adeff365225a5df5ef3334
          args: ${args}
          env: [{ name: POD_NAMESPACE, valueFrom: { fieldRef: { fieldPath: metadata.namespace } } }]
---
`;
  const CREATE =
    '[create, "--host=admission,admission.$(POD_NAMESPACE).svc", --namespace=$(POD_NAMESPACE), --secret-name=ingress-nginx-admission]';
  /** The controller's pod, mounting the Secret with `items`. */
  const controller = (items = '') => `apiVersion: v1
kind: Pod
metadata: { name: controller, namespace: web }
spec:
  containers: [{ name: controller, image: registry.k8s.io/ingress-nginx/controller:v1.10.0 }]
  volumes: [{ name: webhook-cert, secret: { secretName: ingress-nginx-admission${items} } }]
`;

  it("is found by the controller that mounts it, in the namespace --namespace names ($(POD_NAMESPACE): the Job's)", () => {
    expect(references(controller())).toEqual([expect.stringContaining("uses Secret 'ingress-nginx-admission', but the Secrets")]);
    expect(references(job(CREATE) + controller())).toEqual([]);
    expect(
      references(
        job(CREATE.replace('$(POD_NAMESPACE)]', 'ops]').replace('--namespace=$(POD_NAMESPACE)', '--namespace=ops')) + controller(),
      ),
    ).toEqual([expect.stringContaining("uses Secret 'ingress-nginx-admission', but the Secrets in namespace 'web' are: none")]);
    // the patch step only reads it
    expect(references(job(CREATE.replace('[create,', '[patch,')) + controller())).toHaveLength(1);
  });

  it('holds the keys it writes (ca, cert, key, or those its flags name)', () => {
    expect(references(job(CREATE) + controller(', items: [{ key: cert, path: cert }, { key: key, path: key }]'))).toEqual([]);
    expect(references(job(CREATE) + controller(', items: [{ key: tls.crt, path: cert }]'))).toEqual([
      expect.stringMatching(
        /reads key 'tls\.crt' of Secret 'ingress-nginx-admission', which has the keys: ca, cert, key\n {2}hint: read one of the keys Job web\/ingress-nginx-admission-create writes with kube-webhook-certgen: ca, cert, key/,
      ),
    ]);
    const named = CREATE.replace(']', ', --cert-name=tls.crt, --key-name, tls.key]');
    expect(references(job(named) + controller(', items: [{ key: tls.crt, path: cert }, { key: tls.key, path: key }]'))).toEqual([]);
  });
});
