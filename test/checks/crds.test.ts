import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toJsonSchema } from '../../lib/checks/crd-schema.js';
import { checkCustomResource, clusterScopedKinds, crdRegistry } from '../../lib/checks/crds.js';
import { externalSecrets } from '../../lib/constructs/external-secrets.js';
import { checkObjects } from '../../lib/checks/index.js';
import { REPO } from '../helpers/cli.js';
import { widgetCrd } from '../helpers/widget-crd.js';
import { crdObject } from '../helpers/crd-object.js';
import { MANIFESTS, codedFindingsIn, objectsIn } from './helpers.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../lib/model/object.js';

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
      'crd/cel-not-evaluated crds/cert-manager-valid.yaml:2:13: ClusterIssuer letsencrypt: apiVersion: the CustomResourceDefinition clusterissuers.cert-manager.io has x-kubernetes-validations (CEL) rules, which are not evaluated here',
      'crd/cel-not-evaluated crds/cert-manager-valid.yaml:17:13: Issuer default/selfsigned: apiVersion: the CustomResourceDefinition issuers.cert-manager.io has x-kubernetes-validations (CEL) rules, which are not evaluated here',
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

  it("reads a CRD's Go (RE2) patterns with their leading flags, rather than leaving the whole kind unchecked (the Prometheus Operator's ^(?i)...)", () => {
    const crds = objectsIn(join(MANIFESTS, 'crds/prometheus-operator'));
    expect(codedFindingsIn(['crds/prometheus-rule.yaml'], { crds })).toEqual([
      'schema/pattern crds/prometheus-rule.yaml:16:16: PrometheusRule default/web: spec.groups[0].rules[0].for: "5 minutes" does not match the pattern ^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$',
      "schema/unknown-field crds/prometheus-rule.yaml:18:11: PrometheusRule default/web: spec.groups[0].rules[0].anotations: unknown field 'anotations'; did you mean 'annotations'?",
    ]);
  });

  it('leaves out a pattern JavaScript cannot read, with a warning on the CRD, and checks the rest of the kind', () => {
    const crd = (pattern: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { name: { type: 'string', pattern }, size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    });
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { name: 'aaa', size: 'big' } };
    const registry = crdRegistry([crd('(?U)a+')]);
    expect(registry.crdFindings.map((f) => [f.code, f.severity, f.path.join('.')])).toEqual([
      ['crd/pattern-not-checked', 'warning', 'spec.versions.0.schema.openAPIV3Schema.properties.spec.properties.name.pattern'],
    ]);
    expect(checkCustomResource(widget, registry).map((f) => `${f.code} ${f.path.join('.')}`)).toEqual(['schema/type spec.size']);
    // what JavaScript has no expression for is left out too: a negated set of several in a class, a mid-pattern flag
    for (const pattern of ['^[\\P{Any}a]$', '^a(?i)\\pL$'])
      expect(crdRegistry([crd(pattern)]).crdFindings.map((f) => f.code)).toEqual(['crd/pattern-not-checked']);
    // what Go 1.19 refuses (the 1.25 API server's) is an error at the pattern: the API server refuses the CRD
    for (const pattern of ['^(?<x>a)$', '^a{1001}$', '^a\\C$'])
      expect(crdRegistry([crd(pattern)]).crdFindings.map((f) => [f.code, f.severity, f.path.at(-1)])).toEqual([
        ['crd/definition', 'error', 'pattern'],
      ]);
    expect(crdRegistry([crd('^(?<x>a)$')]).crdFindings[0].message).toBe(
      'the pattern "^(?<x>a)$" is no Go 1.19 regular expression: (?< is no group Go 1.19 knows (a named group is (?P<name>...); ' +
        '(?<name> came in Go 1.22, lookarounds never); the 1.25 API server refuses the CRD',
    );
    // an escaped backslash before them is a backslash to both: the pattern is read
    for (const pattern of ['^\\\\pL+$', '^a\\\\z$']) expect(crdRegistry([crd(pattern)]).crdFindings).toEqual([]);
    // (?P<name>...) is a named group, and (?is) two flags
    const named = crdRegistry([crd('^(?is)(?P<x>A)+$')]);
    expect(named.crdFindings).toEqual([]);
    expect(checkCustomResource({ ...widget, spec: { name: 'aA' } }, named)).toEqual([]);
    expect(checkCustomResource({ ...widget, spec: { name: 'ab' } }, named).map((f) => f.code)).toEqual(['schema/pattern']);
  });

  /** The codes found of a Widget whose spec.name is `name`, by a CRD whose spec.name has `pattern`. */
  const checked = (pattern: string, name: string) => {
    const crd = widgetCrd('Namespaced', { name: '{ type: string, pattern: PATTERN }' });
    const [definition] = parseManifests([{ file: 'crd.yaml', text: crd.replace('PATTERN', JSON.stringify(pattern)) }]).objects;
    const registry = crdRegistry([definition]);
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { name } };
    return [...registry.crdFindings, ...checkCustomResource(widget, registry)].map((f) => f.code);
  };

  it("reads RE2's POSIX classes, Unicode classes, \\A, \\z, \\Q...\\E, hex code points in braces and flags within the pattern as RE2 does, where JavaScript would read them otherwise or not at all", () => {
    const cases: [string, string, string[]][] = [
      // a POSIX class anywhere in brackets: to JavaScript as it is, the set of the characters _[:alnu and a ']' after it
      ['^[_[:alnum:]]+$', 'web_1', []],
      ['^[_[:alnum:]]+$', 'web-1', ['schema/pattern']],
      ['^[^[:space:]]+$', 'web', []],
      ['^[^[:space:]]+$', 'w b', ['schema/pattern']],
      ['^[[:^digit:]-]+$', 'a-b', []],
      ['^[[:^digit:]-]+$', 'a1', ['schema/pattern']],
      ['^[[:^word:]]+$', '`é', []],
      ['^[[:^word:]]+$', '_', ['schema/pattern']],
      // a Unicode class: a category, a script, negated; Go's C leaves out the unassigned code points
      ['^\\pL[\\p{L}\\d_-]*$', 'ünïcode_1', []],
      ['^\\pL[\\p{L}\\d_-]*$', '1st', ['schema/pattern']],
      ['^\\p{Greek}+$', 'αβγ', []],
      ['^\\p{Greek}+$', 'abc', ['schema/pattern']],
      ['^\\p{^L}+$', '123', []],
      ['^\\PC$', '\u0378', []],
      // the end of the text, never before a final newline; its start
      ['^[a-z]+\\z', 'abc', []],
      ['^[a-z]+\\z', 'abc\n', ['schema/pattern']],
      ['\\Aabc', 'xabc', ['schema/pattern']],
      // literal text, and, to JavaScript as it is, 41 x's; to Go, the letter A
      ['^\\Qa.b*\\E$', 'a.b*', []],
      ['^\\Qa.b*\\E$', 'axbb', ['schema/pattern']],
      ['^\\Qab\\E{2}$', 'abb', []],
      ['^\\Qab\\E{2}$', 'abab', ['schema/pattern']],
      ['^\\x{41}+$', 'AA', []],
      ['^\\x{41}+$', 'xx', ['schema/pattern']],
      // flags within the pattern, to the end of their group; a part whose case is ignored folds as RE2 folds (the Kelvin sign is a k, ı no i)
      ['^a(?i)b|c$', 'C', []],
      ['^a(?i)b|c$', 'AB', ['schema/pattern']],
      ['^(?i:ab)c$', 'aBc', []],
      ['^(?i:ab)c$', 'aBC', ['schema/pattern']],
      ['^(?i)a(?-i)b$', 'Ab', []],
      ['^(?i)a(?-i)b$', 'AB', ['schema/pattern']],
      ['^x(?i:k[a-c]\\w)$', 'x\u212aB\u017f', []],
      ['^x(?i:[^a-c])$', 'xB', ['schema/pattern']],
      ['^x(?i:i)$', 'x\u0131', ['schema/pattern']],
      ['^(?P<kind>a(?s:.))(?i:b)$', 'a\nB', []],
      ['^(?P<kind>a(?s:.)).$', 'a\n\n', ['schema/pattern']],
    ];
    expect(cases.map(([pattern, name]) => [pattern, name, checked(pattern, name)])).toEqual(cases);
    // read alike: a two-digit hex escape, a colon in a set
    expect(checked('^\\x41+$', 'AA')).toEqual([]);
    expect(checked('^\\x41+$', 'B')).toEqual(['schema/pattern']);
    expect(checked('^[a-z:]+:$', 'web:')).toEqual([]);
  });

  it("reads \\s, \\S, '.', (?m), a '-' after a class escape and a pattern's code points as RE2 does, where JavaScript reads them otherwise (External Secrets' refreshPolicy cron pattern)", () => {
    const passes = (pattern: string, name: string) => {
      const codes = checked(pattern, name);
      expect(codes.filter((c) => c !== 'schema/pattern')).toEqual([]);
      return codes.length === 0;
    };
    // [pattern, value, what the 1.25 API server (Go's regexp) answers]
    const cases: [string, string, boolean][] = [
      // RE2's \s is ASCII: no vertical tab, no-break or line separator (JavaScript's \s takes them)
      ['^\\s+$', '\u00a0', false],
      ['^\\s$', '\v', false],
      ['^[\\s,]+$', '\u2028', false],
      ['^\\S+$', 'a\u00a0b', true],
      ['^[^\\s]+$', '\u00a0', true],
      // RE2's '.' is any code point but a newline: \r and U+2028 too, and an emoji is one
      ['^.+$', 'a\rb', true],
      ['^.+$', 'a\u2028b', true],
      ['^.+$', 'a\nb', false],
      ['^(?s).+$', 'a\nb', true],
      ['^.{1,3}$', '\u{1F600}\u{1F600}', true],
      ['^[^/]{2}$', '\u{1F600}', false],
      // with (?m), ^ and $ are at a newline only, not at \r
      ['(?m)^a$', 'a\rb', false],
      ['(?m)^a$', 'x\na\nb', true],
      // (?i) folds as Unicode does: the Kelvin sign is a k
      ['(?i)^k$', '\u212a', true],
      // punctuation escaped, a ']' first in a class, a brace that is no repetition: characters to RE2
      ['^\\_[a-z]+\\:$', '_ab:', true],
      ['^[]a]+$', ']a', true],
      ['^a{,3}$', 'a{,3}', true],
      ['^a{2,}$', 'a', false],
      // a '-' right after a class escape is a '-' to RE2, no range: an email pattern of published CRDs
      ['^[\\w-.]+@([\\w-]+\\.)+[\\w-]{2,4}$', 'a.b-c@x.com', true],
      ['^[\\w-.]+@([\\w-]+\\.)+[\\w-]{2,4}$', 'not an email', false],
      ['^[\\d-\\s]+$', '1 -2', true],
      ['^[\\s-a]+$', 'b', false],
      ['^[\\W-z]+$', '-z!', true],
      // External Secrets' refreshPolicy schedule (external-secrets.io_externalsecrets.yaml); a no-break space is no \s to RE2
      ['^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|@every [^\\s]+.*|[^\\s]+( [^\\s]+){4})$', '0 * * * *', true],
      ['^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|@every [^\\s]+.*|[^\\s]+( [^\\s]+){4})$', '0 * * * *\u00a0x', true],
    ];
    expect(cases.map(([pattern, name]) => [pattern, name, passes(pattern, name)])).toEqual(cases);
  });

  it('refuses a CRD the API server refuses: a name other than <plural>.<group>, a group with no dot, not exactly one storage version', () => {
    const definition = (edit: (text: string) => string) => {
      const [crd] = parseManifests([{ file: 'crd.yaml', text: edit(widgetCrd('Namespaced', { size: '{ type: integer }' })) }]).objects;
      return crdRegistry([crd]).crdFindings.map((f) => `${f.code} ${f.path.join('.')}: ${f.message}`);
    };
    expect(definition((t) => t)).toEqual([]);
    expect(definition((t) => t.replace('name: widgets.example.com', 'name: widget.example.com'))).toEqual([
      "crd/definition metadata.name: name 'widget.example.com' is not spec.names.plural, a dot and spec.group ('widgets.example.com'): the API server refuses the CustomResourceDefinition",
    ]);
    expect(
      definition((t) => t.replace('name: widgets.example.com', 'name: widgets.example').replace('group: example.com', 'group: example')),
    ).toEqual([
      "crd/definition spec.group: group 'example' is no domain name (it has no '.'): the API server refuses the CustomResourceDefinition",
    ]);
    expect(definition((t) => t.replace('storage: true', 'storage: false'))).toEqual([
      'crd/definition spec.versions: marks no version as the storage version: objects are stored in exactly one version, so the API server refuses the CustomResourceDefinition',
    ]);
    const v2 = (t: string) =>
      t.replace(
        '  versions:\n',
        '  versions:\n    - { name: v2, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }\n',
      );
    // a version with no storage is the schema's finding (schema/required), not a second one here
    expect(definition((t) => t.replace(/\n\s*storage: true/, ''))).toEqual([]);
    expect(definition(v2)).toEqual([
      'crd/definition spec.versions: marks 2 versions as the storage version (v2, v1): objects are stored in exactly one version, so the API server refuses the CustomResourceDefinition',
    ]);
  });

  it('warns, naming the kind, about a custom resource whose CRD is not known', () => {
    expect(codedFindingsIn(['crds/cert-manager-valid.yaml'])[0]).toBe(
      'crd/unknown-kind crds/cert-manager-valid.yaml:2:13: ClusterIssuer letsencrypt: apiVersion: cert-manager.io/v1 ClusterIssuer is a custom resource whose CustomResourceDefinition is not known, so it is not validated',
    );
  });

  it('makes a custom resource whose CRD is not known an error when asked (synth), with a hint naming crds/', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    const [warning] = checkCustomResource(widget, crdRegistry([]));
    const [error] = checkCustomResource(widget, crdRegistry([]), { unknownKind: 'error' });
    expect([warning.severity, error.severity]).toEqual(['warning', 'error']);
    expect(error).toMatchObject({
      code: 'crd/unknown-kind',
      path: ['apiVersion'],
      hint: expect.stringContaining("the project's crds/ folder"),
    });
  });

  it('lists the kinds CRDs put at cluster scope, as group/kind, the last CRD of a kind deciding', () => {
    const scoped = clusterScopedKinds(certManager);
    expect(scoped).toEqual(['cert-manager.io/ClusterIssuer']);
    const namespaced = certManager.map((c) =>
      c.metadata.name === 'clusterissuers.cert-manager.io' ? { ...c, spec: { ...(c.spec as object), scope: 'Namespaced' } } : c,
    );
    expect(clusterScopedKinds([...certManager, ...namespaced])).toEqual([]);
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

  it("checks a CRD's own schema as structural, and its resources against it", () => {
    expect(codedFindingsIn(['rules/crd-fire.yaml'])).toEqual([
      'crd/structural rules/crd-fire.yaml:26:25: CustomResourceDefinition backups.example.com: spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.schedule.type: type "strign" is not a JSON Schema type; did you mean \'string\'?',
      'crd/structural rules/crd-fire.yaml:28:19: CustomResourceDefinition backups.example.com: spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.targets: an array schema needs items',
      "schema/unknown-field rules/crd-fire.yaml:42:3: Backup nightly: spec.schedul: unknown field 'schedul'; did you mean 'schedule'?",
      "schema/required rules/crd-fire.yaml:42:3: Backup nightly: spec: required field 'schedule' is missing",
    ]);
  });

  it('accepts what a structural schema allows: int-or-string, nullable, preserved fields, keyed lists; no defaults needed', () => {
    expect(codedFindingsIn(['rules/crd-pass.yaml']).map((l) => l.split(' ')[0])).toEqual(['crd/unknown-kind']);
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

  it('says once per CRD that its CEL rules are not evaluated', () => {
    const findings = crdRegistry(certManager).crdFindings;
    expect(findings.map((f) => `${f.code} ${f.object.metadata.name}`)).toEqual([
      'crd/cel-not-evaluated clusterissuers.cert-manager.io',
      'crd/cel-not-evaluated issuers.cert-manager.io',
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

  it('refuses a CRD whose keyed list names a key that may be missing (neither required nor defaulted), is no property, or no scalar, as the API server does', () => {
    const ports = (protocol: Record<string, unknown>, keys = ['containerPort', 'protocol']) =>
      crdObject('example.com', 'Proxy', 'v1', {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              ports: {
                type: 'array',
                'x-kubernetes-list-type': 'map',
                'x-kubernetes-list-map-keys': keys,
                items: {
                  type: 'object',
                  required: ['containerPort'],
                  properties: { containerPort: { type: 'integer' }, protocol, hosts: { type: 'array', items: { type: 'string' } } },
                },
              },
            },
          },
        },
      });
    const findings = (crd: ReturnType<typeof crdObject>) =>
      crdRegistry([crd]).crdFindings.map((f) => `${f.code} ${f.path.slice(5).join('.')}: ${f.message}`);
    // what controller-gen before 0.4.1 wrote for a pod's ports
    expect(findings(ports({ type: 'string' }))).toEqual([
      'crd/definition properties.spec.properties.ports.items.properties.protocol: protocol is a key of x-kubernetes-list-map-keys, so it must have a default or be a required property: the API server refuses the CustomResourceDefinition',
    ]);
    expect(findings(ports({ type: 'string', default: 'TCP' }))).toEqual([]);
    expect(findings(ports({ type: 'string', default: 'TCP' }, ['containerPort', 'name', 'hosts']))).toEqual([
      'crd/definition properties.spec.properties.ports.x-kubernetes-list-map-keys: the key "name" of x-kubernetes-list-map-keys is no property of the items: the API server refuses the CustomResourceDefinition',
      'crd/definition properties.spec.properties.ports.items.properties.hosts.type: hosts is a key of x-kubernetes-list-map-keys, so it must be a scalar, not an array: the API server refuses the CustomResourceDefinition',
      'crd/definition properties.spec.properties.ports.items.properties.hosts: hosts is a key of x-kubernetes-list-map-keys, so it must have a default or be a required property: the API server refuses the CustomResourceDefinition',
    ]);
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

  it('maps nullable and int-or-string to JSON Schema types', () => {
    expect(toJsonSchema({ type: 'string', nullable: true })).toEqual({ type: ['string', 'null'] });
    expect(toJsonSchema({ 'x-kubernetes-int-or-string': true })).toEqual({ type: ['integer', 'string'] });
    expect(toJsonSchema({ type: 'object', properties: { a: { type: 'string' } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
      additionalProperties: false,
    });
    expect(toJsonSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true })).toEqual({ type: 'object' });
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
