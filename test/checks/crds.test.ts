import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_CLUSTER_KINDS, clusterScopedKinds, crdRegistry } from '../../lib/checks/crds.js';
import { compileStages, type StageSource } from '../../lib/compile.js';
import { problemsThrownBy } from '../helpers/problems.js';
import { checkCustomResource } from '../../lib/checks/custom-resources.js';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { externalSecrets } from '../../lib/constructs/external-secrets.js';
import type { KubeObject } from '../../lib/model/object.js';
import { REPO } from '../helpers/cli.js';
import { crdObject } from '../helpers/crd-object.js';
import { widgetCrd } from '../helpers/widget-crd.js';
import { MANIFESTS, codedFindingsIn, objectsIn } from './helpers.js';

const SHARED_CRDS = join(REPO, '../shared/crds');
const certManager = objectsIn(join(SHARED_CRDS, 'cert-manager'));

describe('custom resources against their CustomResourceDefinitions', () => {
  it("validates cert-manager's resources with its pinned CRDs: missing and misspelled fields, enums, types, versions", () => {
    expect(
      codedFindingsIn(['crds/cert-manager-invalid.yaml'], { crds: certManager }).filter((l) => !l.startsWith('crd/cel-not-evaluated')),
    ).toEqual([
      "schema/unknown-field crds/cert-manager-invalid.yaml:9:3: Certificate default/web: spec.secretNam: unknown field 'secretNam'; did you mean 'secretName'?",
      "schema/required crds/cert-manager-invalid.yaml:9:3: Certificate default/web: spec: required field 'secretName' is missing",
      "schema/enum crds/cert-manager-invalid.yaml:17:16: Certificate default/web: spec.privateKey.algorithm: must be one of 'RSA', 'ECDSA', 'Ed25519' (found \"RSB\")",
      'schema/type crds/cert-manager-invalid.yaml:26:26: ClusterIssuer letsencrypt: spec.acme.privateKeySecretRef: must be a mapping (found "letsencrypt-account")',
      'crd/version crds/cert-manager-invalid.yaml:32:13: Issuer default/selfsigned: apiVersion: the CustomResourceDefinition of Issuer defines the versions v1, not v2',
    ]);
  });

  it('accepts valid cert-manager resources, saying once per CRD of the folder that its CEL rules are not evaluated', () => {
    expect(codedFindingsIn(['crds/cert-manager-valid.yaml'], { crds: certManager })).toEqual([
      'crd/cel-not-evaluated crds/cert-manager-valid.yaml:2:13: ClusterIssuer letsencrypt: apiVersion: the CustomResourceDefinition clusterissuers.cert-manager.io has x-kubernetes-validations (CEL) rules, which are not evaluated here: this ClusterIssuer is checked without them',
      'crd/cel-not-evaluated crds/cert-manager-valid.yaml:17:13: Issuer default/selfsigned: apiVersion: the CustomResourceDefinition issuers.cert-manager.io has x-kubernetes-validations (CEL) rules, which are not evaluated here: this Issuer is checked without them',
    ]);
  });

  it('says once per CRD with CEL rules how many of its resources are checked without them, on the first', () => {
    const issuer = (name: string) =>
      `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: ${name}, namespace: default }\nspec: { selfSigned: {} }\n---\n`;
    const manifests = parseManifests([{ file: 'issuers.yaml', text: issuer('a') + issuer('b') + issuer('c') }]);
    expect(
      checkObjects(manifests.objects, { crds: certManager }).findings.map((f) => `${f.code} ${f.object.metadata.name}: ${f.message}`),
    ).toEqual([
      'crd/cel-not-evaluated a: the CustomResourceDefinition issuers.cert-manager.io has x-kubernetes-validations (CEL) rules, which are not evaluated here: the 3 Issuer objects are checked without them',
    ]);
  });

  it("takes a kind from the objects' own CRD over a folder's of the same kind: its schema, and its CEL warning alone", () => {
    const folder = certManager.filter((c) => c.metadata.name === 'issuers.cert-manager.io');
    const own = JSON.parse(JSON.stringify(folder[0])) as KubeObject & {
      spec: { versions: { schema: { openAPIV3Schema: Record<string, any> } }[] };
    };
    // the own CRD's Issuer has a field the folder's lacks
    own.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.team = { type: 'string' };
    const issuer = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'a', namespace: 'default' },
      spec: { selfSigned: {}, team: 'web' },
    } as KubeObject;
    const found = checkObjects([own, issuer], { crds: folder }).findings.map((f) => `${f.code} ${f.object.kind}`);
    expect(found).toEqual(['crd/cel-not-evaluated CustomResourceDefinition']);
    // the CRD's warning names how many of its resources the objects hold
    const second = { ...issuer, metadata: { name: 'b', namespace: 'default' } } as KubeObject;
    expect(checkObjects([own, issuer, second], { crds: folder }).findings.map((f) => f.message)).toEqual([
      'has x-kubernetes-validations (CEL) rules, which are not evaluated here; the API server checks them when Issuer objects are applied; 2 Issuer objects are checked here without them',
    ]);
    // without the own CRD the folder's says the field is unknown
    expect(checkObjects([issuer], { crds: folder }).findings.map((f) => f.code)).toEqual(['crd/cel-not-evaluated', 'schema/unknown-field']);
    // whole: a version only the folder's defines is not served by the own CRD
    const renamed = JSON.parse(JSON.stringify(own)) as typeof own & { spec: { versions: { name: string }[] } };
    renamed.spec.versions[0].name = 'v2';
    expect(checkObjects([renamed, issuer], { crds: folder }).findings.map((f) => `${f.code} ${f.object.kind}: ${f.message}`)).toEqual([
      'crd/cel-not-evaluated CustomResourceDefinition: has x-kubernetes-validations (CEL) rules, which are not evaluated here; the API server checks them when Issuer objects are applied',
      'crd/version Issuer: the CustomResourceDefinition of Issuer defines the versions v2, not v1',
    ]);
  });

  it('drops a null from a field its CRD does not make nullable before validating, as the API server does: an empty required field is missing', () => {
    expect(
      codedFindingsIn(['crds/cert-manager-nulls.yaml'], { crds: certManager }).filter((l) => !l.startsWith('crd/cel-not-evaluated')),
    ).toEqual([
      "schema/required crds/cert-manager-nulls.yaml:28:3: Certificate default/api: spec: required field 'secretName' is missing",
      'schema/type crds/cert-manager-nulls.yaml:29:31: Certificate default/api: spec.dnsNames[1]: must be a string (found nothing)',
    ]);
  });

  it("refuses a version its CRD no longer serves, naming the one it serves (External Secrets' v1beta1, which its pinned CRD no longer serves)", () => {
    const registry = crdRegistry(objectsIn(join(SHARED_CRDS, 'external-secrets')));
    const old = {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'default' },
      spec: { secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, data: [] },
    };
    expect(checkCustomResource(old, registry).map((f) => `${f.code} ${f.path.join('.')}: ${f.message}; ${f.hint}`)).toEqual([
      "crd/version apiVersion: the CustomResourceDefinition of ExternalSecret does not serve version v1beta1; use apiVersion external-secrets.io/v1, and check what changed between the versions in the operator's upgrade notes",
    ]);
    // a CRD that serves no version of the kind has none to name
    const [unserved] = parseManifests([
      { file: 'crd.yaml', text: widgetCrd('Namespaced', {}).replace('served: true', 'served: false') },
    ]).objects;
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } };
    expect(checkCustomResource(widget, crdRegistry([unserved])).map((f) => f.hint)).toEqual([
      'the CRD serves no version of it: install a CRD that serves the version the manifest is written for',
    ]);
  });

  it('names the storage version for a version its CRD does not serve, not the first one it lists (a v1alpha2 before v1)', () => {
    const crd = crdObject('example.com', 'Widget', 'v1alpha2', { type: 'object' }, { storage: false }) as unknown as {
      spec: { versions: Record<string, unknown>[] };
    };
    const [alpha] = crd.spec.versions;
    crd.spec.versions = [alpha, { ...alpha, name: 'v1beta1', served: false }, { ...alpha, name: 'v1', storage: true }];
    const widget = { apiVersion: 'example.com/v1beta1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } };
    expect(checkCustomResource(widget, crdRegistry([crd as unknown as KubeObject])).map((f) => f.hint)).toEqual([
      "use apiVersion example.com/v1 (it serves v1, v1alpha2), and check what changed between the versions in the operator's upgrade notes",
    ]);
  });

  it('warns, naming the kind, about a custom resource whose CRD is not known', () => {
    expect(codedFindingsIn(['crds/cert-manager-valid.yaml'])[0]).toBe(
      'crd/unknown-kind crds/cert-manager-valid.yaml:2:13: ClusterIssuer letsencrypt: apiVersion: cert-manager.io/v1 ClusterIssuer is a custom resource whose CustomResourceDefinition is not known, so it is not validated',
    );
  });

  it("refuses a kind its group's known CRDs do not define but one near it, at the kind, with the kind meant: a warning would pass a typo", () => {
    const typo = { apiVersion: 'cert-manager.io/v1', kind: 'Certifcate', metadata: { name: 'c', namespace: 'default' } };
    const [f] = checkCustomResource(typo, crdRegistry(certManager));
    expect(f).toMatchObject({
      code: 'crd/unknown-kind',
      severity: 'error',
      path: ['kind'],
      message:
        'no CustomResourceDefinition of cert-manager.io defines Certifcate: the CRDs known define Certificate, ClusterIssuer, Issuer',
      hint: "did you mean 'Certificate'? The API server serves no kind of the group but those its CRDs define",
    });
    // a kind near none of them may be a CRD not given (a newer cert-manager's): a warning, as before
    const other = { ...typo, kind: 'CertificateRequestPolicy' };
    expect(checkCustomResource(other, crdRegistry(certManager))[0]).toMatchObject({
      code: 'crd/unknown-kind',
      severity: 'warning',
      path: ['apiVersion'],
    });
  });

  it("keeps a real kind of the group that the CRDs given do not define a warning, with the near kind guessed: Flux's HelmRepository beside GitRepository", () => {
    const flux = objectsIn(join(SHARED_CRDS, 'flux'));
    const repo = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'podinfo', namespace: 'flux-system' },
    };
    expect(checkCustomResource(repo, crdRegistry(flux))).toEqual([
      expect.objectContaining({
        code: 'crd/unknown-kind',
        severity: 'warning',
        path: ['apiVersion'],
        message:
          'source.toolkit.fluxcd.io/v1 HelmRepository is a custom resource whose CustomResourceDefinition is not known, so it is not validated',
        hint: expect.stringMatching(
          /^did you mean 'GitRepository' \(the CRDs known of source\.toolkit\.fluxcd\.io define GitRepository, OCIRepository\)\? If not, give its CustomResourceDefinition beside it/,
        ),
      }),
    ]);
    // a typo of a word of it is still an error at the kind
    expect(checkCustomResource({ ...repo, kind: 'GitRepositroy' }, crdRegistry(flux))[0]).toMatchObject({
      severity: 'error',
      path: ['kind'],
    });
  });

  it('makes a custom resource whose CRD is not known an error when asked (synth), with a hint naming crds/', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    const [warning] = checkCustomResource(widget, crdRegistry([]));
    const [error] = checkCustomResource(widget, crdRegistry([]), { unknownKind: 'error', written: true });
    expect([warning.severity, error.severity]).toEqual(['warning', 'error']);
    expect(error).toMatchObject({
      code: 'crd/unknown-kind',
      path: ['apiVersion'],
      hint: "add the kind's CustomResourceDefinition to the project's crds/ folder or to the manifests the stage includes",
    });
  });

  it('tells npm run check where to give the CRD of an unknown kind, and that --require-crds makes its warning an error', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    const hint = (options: { unknownKind?: 'error' | 'warning' }) => checkCustomResource(widget, crdRegistry([]), options)[0].hint;
    const beside =
      "give its CustomResourceDefinition beside it: among the files checked, or with --crds <file or dir> (the project's crds/ is read when --crds is not given)";
    expect(hint({})).toBe(
      `${beside}; a warning, for a cluster that has the CRD installed: npm run check -- --require-crds makes it an error, as synth and the strict check of dist/ do`,
    );
    expect(hint({ unknownKind: 'error' })).toBe(`${beside}; --require-crds makes a custom resource that cannot be validated an error`);
    // as checkObjects gives it: the files' option, not synth's
    const [f] = checkObjects([widget as KubeObject], { unknownCustomKinds: 'error' }).findings.filter((x) => x.code === 'crd/unknown-kind');
    expect([f.severity, f.hint]).toEqual(['error', hint({ unknownKind: 'error' })]);
  });

  it('lists the kinds CRDs put at cluster scope, as group/kind, the last CRD of a kind deciding', () => {
    const scoped = clusterScopedKinds(certManager);
    expect(scoped).toEqual([...new Set(['cert-manager.io/ClusterIssuer', ...KNOWN_CLUSTER_KINDS])].sort());
    const namespaced = certManager.map((c) =>
      c.metadata.name === 'clusterissuers.cert-manager.io' ? { ...c, spec: { ...(c.spec as object), scope: 'Namespaced' } } : c,
    );
    expect(clusterScopedKinds([...certManager, ...namespaced])).not.toContain('cert-manager.io/ClusterIssuer');
    // a known kind's CRD says its scope
    const gatewayClasses = (scope: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gatewayclasses.gateway.networking.k8s.io' },
      spec: { group: 'gateway.networking.k8s.io', scope, names: { kind: 'GatewayClass', plural: 'gatewayclasses' } },
    });
    expect(clusterScopedKinds([gatewayClasses('Namespaced')])).not.toContain('gateway.networking.k8s.io/GatewayClass');
    expect(clusterScopedKinds([gatewayClasses('Cluster')])).toContain('gateway.networking.k8s.io/GatewayClass');
  });

  it("takes a known cluster-scoped kind whose CRD is not known (Gateway API's GatewayClass) at cluster scope: synth names it without the stage's namespace", () => {
    expect(clusterScopedKinds([])).toEqual(
      expect.arrayContaining(['gateway.networking.k8s.io/GatewayClass', 'cert-manager.io/ClusterIssuer']),
    );
    expect(crdRegistry([]).clusterScopedKinds).toContain('gateway.networking.k8s.io/GatewayClass');
    const gatewayClass =
      'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: { name: envoy }\nspec: { controllerName: gateway.envoyproxy.io/gatewayclass-controller }\n';
    const stage: StageSource = {
      stage: 'adopt',
      file: 'environments/adopt.yaml',
      text: 'apps:\n  platform:\n    stack: manifests\n    include: [in]\n',
      readSource: (p) => (p === 'in' ? new Map([['in/gateway-class.yaml', gatewayClass]]) : undefined),
    };
    expect(problemsThrownBy(() => compileStages([stage])).map((p) => `${p.code} ${p.message}`)).toEqual([
      'crd/unknown-kind GatewayClass envoy: apiVersion: gateway.networking.k8s.io/v1 GatewayClass is a custom resource whose CustomResourceDefinition is not known, so it is not validated',
    ]);
  });

  it("takes common operators' cluster-scoped kinds without their CRDs at cluster scope: a namespace written on one (applied, the API server drops it) is not looked for", () => {
    const kinds = [
      ['projectcalico.org/v3', 'GlobalNetworkPolicy'],
      ['crd.projectcalico.org/v1', 'IPPool'],
      ['cilium.io/v2', 'CiliumClusterwideNetworkPolicy'],
      ['cilium.io/v2', 'CiliumEgressGatewayPolicy'],
      ['kyverno.io/v1', 'ClusterPolicy'],
      ['constraints.gatekeeper.sh/v1beta1', 'K8sRequiredLabels'],
      ['mutations.gatekeeper.sh/v1', 'AssignMetadata'],
      ['apiextensions.crossplane.io/v1', 'Composition'],
      ['cert-manager.io/v1', 'ClusterIssuer'],
      ['external-secrets.io/v1', 'ClusterSecretStore'],
      ['sailoperator.io/v1', 'Istio'],
    ];
    const objects: KubeObject[] = kinds.map(([apiVersion, kind]) => ({
      apiVersion,
      kind,
      metadata: { name: 'x', namespace: 'team' },
      spec: {},
    }));
    const { findings } = checkObjects(objects, {});
    expect(findings.filter((f) => f.code !== 'crd/unknown-kind').map((f) => `${f.code} ${f.object.kind}: ${f.message}`)).toEqual([]);
    // Velero's, the Prometheus operator's and Istio's own kinds are namespaced: their namespace is looked for
    const namespaced: KubeObject[] = [
      { apiVersion: 'velero.io/v1', kind: 'Schedule', metadata: { name: 'daily', namespace: 'velero' }, spec: {} },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web', namespace: 'shop' }, spec: {} },
    ];
    expect(
      checkObjects(namespaced, {})
        .findings.filter((f) => f.code === 'refs/namespace')
        .map((f) => f.object.kind),
    ).toEqual(['Schedule', 'VirtualService']);
  });

  it("accepts the ExternalSecrets stagecraft writes (a stage's secretStore) against the operator's pinned CRD", () => {
    const objects = externalSecrets(
      [
        { name: 'db', keys: ['password', 'user'], path: ['database', 'secret'] },
        { name: 'tls', keys: ['tls.crt'], path: ['ingress', 'tlsSecret'], external: true },
      ],
      { name: 'vault', refreshInterval: '15m' },
      'qa',
      { syncWave: true },
    );
    const registry = crdRegistry(objectsIn(join(SHARED_CRDS, 'external-secrets')));
    expect(objects.map((o) => o.metadata.name)).toEqual(['db']);
    expect(objects.flatMap((o) => checkCustomResource(o, registry, { unknownKind: 'error' }))).toEqual([]);
  });

  it('rejects a repeated key of a keyed list (x-kubernetes-list-map-keys)', () => {
    const [crd] = parseManifests([{ file: 'crd-pass.yaml', text: readFileSync(join(MANIFESTS, 'rules/crd-pass.yaml'), 'utf8') }]).objects;
    const backup = {
      apiVersion: 'example.com/v1',
      kind: 'Backup',
      metadata: { name: 'b' },
      spec: { schedule: 'x', targets: [{ name: 'db' }, { name: 'db' }] },
    };
    expect(checkCustomResource(backup, crdRegistry([crd])).map((f) => `${f.code} ${f.path.join('.')}: ${f.message}`)).toEqual([
      'schema/duplicate-key spec.targets.1: repeats the key name "db" of an earlier item',
    ]);
  });

  it('reports labels only where the schema has them: no errors for the matchLabels properties of the pinned CRDs', () => {
    const all = ['argo-cd', 'cert-manager', 'external-secrets', 'flux'].flatMap((d) => objectsIn(join(SHARED_CRDS, d)));
    const errors = checkObjects(all).findings.filter((f) => f.severity === 'error');
    // the only errors: two CRDs declare selectableFields, which 1.25 refuses (schema.test.ts)
    expect(errors.map((f) => `${f.code} ${f.object.metadata.name} ${f.path.join('.')}`)).toEqual([
      'schema/unknown-field certificates.cert-manager.io spec.versions.0.selectableFields',
      'schema/unknown-field externalsecrets.external-secrets.io spec.versions.0.selectableFields',
    ]);
  });

  it('takes a required property with a default as present, since the API server defaults it before it validates (a kubebuilder default on a required field)', () => {
    const crd = crdObject('example.com', 'Widget', 'v1', {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['mode', 'replicas', 'size'],
          properties: {
            mode: { type: 'string', enum: ['fast', 'slow'], default: 'fast' },
            replicas: { type: 'integer', format: 'int32', default: 1 },
            size: { type: 'string' },
          },
        },
      },
    });
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} };
    // only the property without a default is missing; a null in one with a default is defaulted too
    expect(checkCustomResource(widget, crdRegistry([crd])).map((f) => `${f.code} ${f.path.join('.')}: ${f.message}`)).toEqual([
      "schema/required spec: required field 'size' is missing",
    ]);
    const nulls = { ...widget, spec: { mode: null, size: 'm' } };
    expect(checkCustomResource(nulls as unknown as typeof widget, crdRegistry([crd]))).toEqual([]);
  });

  it('fills in the defaults before it validates, as the API server does: a defaulted property counts for minProperties and in anyOf branches', () => {
    const crd = crdObject('example.com', 'Backup', 'v1', {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          minProperties: 1,
          properties: {
            interval: { type: 'string', default: '5m' },
            cron: { type: 'string' },
            retention: {
              type: 'object',
              required: ['days'],
              properties: { days: { type: 'integer', default: 7 }, copies: { type: 'integer', minimum: 1 } },
              default: {},
            },
            targets: {
              type: 'array',
              items: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', default: 'db' } } },
            },
          },
          anyOf: [{ required: ['interval'] }, { required: ['cron'] }],
        },
      },
    });
    const backup = (spec: unknown) => ({ apiVersion: 'example.com/v1', kind: 'Backup', metadata: { name: 'b' }, spec });
    const found = (spec: unknown) =>
      checkCustomResource(backup(spec) as KubeObject, crdRegistry([crd])).map((f) => `${f.code} ${f.path.join('.')}: ${f.message}`);
    // spec: {} is spec: {interval: 5m, retention: {days: 7}} to the API server: one property at least, a branch of anyOf taken
    expect(found({})).toEqual([]);
    // in every object the resource has (an item of a list, a default object's own defaults), and only there
    expect(found({ targets: [{}, { kind: 'web' }], retention: { copies: 2 } })).toEqual([]);
    // a default never hides a value that is wrong
    expect(found({ interval: 5, retention: { copies: 0 } })).toEqual([
      'schema/type spec.interval: must be a string (found 5)',
      'schema/minimum spec.retention.copies: must be >= 1 (found 0)',
    ]);
  });

  it("refuses the status of a custom resource whose CRD has the status subresource, as a built-in kind's, and checks the rest without it", () => {
    const schema = {
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { replicas: { type: 'integer' } } },
        status: { type: 'object', properties: { phase: { type: 'string' } } },
      },
    };
    const crd = (subresources?: Record<string, unknown>) =>
      crdObject('argoproj.io', 'Rollout', 'v1alpha1', schema, subresources ? { subresources } : {});
    // what kubectl get rollout web -o yaml prints: a status field this (trimmed) schema lacks is no second finding
    const exported = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web' },
      spec: { replicas: 2 },
      status: { phase: 'Healthy', HPAReplicas: 2 },
    };
    const found = (c: ReturnType<typeof crd>, o: typeof exported | Record<string, unknown>) =>
      checkCustomResource(o as typeof exported, crdRegistry([c])).map((f) => `${f.code} ${f.path.join('.')}: ${f.message}`);
    expect(found(crd({ status: {} }), exported)).toEqual(['schema/status status: status is written by the cluster, not by manifests']);
    // an empty status passes, as kubectl create --dry-run=client writes it
    expect(found(crd({ status: {} }), { ...exported, status: {} })).toEqual([]);
    // without the subresource, status is a field of the object like any other, which the API server keeps
    expect(found(crd(), exported)).toEqual(["schema/unknown-field status.HPAReplicas: unknown field 'HPAReplicas'"]);
  });
});

describe('an apiVersion in the wrong case', () => {
  it('is refused, not taken for a custom resource, with the right spelling when the group is known', () => {
    expect(codedFindingsIn(['api/api-version-case.yaml'])).toEqual([
      "api/api-version api/api-version-case.yaml:2:13: Role default/reader: apiVersion: apiVersion 'RBAC.AUTHORIZATION.K8S.IO/V1' is not lowercase; API groups and versions are, so no API server serves it",
      "api/api-version api/api-version-case.yaml:7:13: Widget default/w: apiVersion: apiVersion 'Example.COM/v1' is not lowercase; API groups and versions are, so no API server serves it",
    ]);
    const manifests = parseManifests([{ file: 'a.yaml', text: readFileSync(join(MANIFESTS, 'api/api-version-case.yaml'), 'utf8') }]);
    expect(checkObjects(manifests.objects).findings.map((f) => f.hint)).toEqual([
      'write apiVersion: rbac.authorization.k8s.io/v1',
      'write the group and version in lowercase, as the API serves them (kubectl api-versions)',
    ]);
  });
});
