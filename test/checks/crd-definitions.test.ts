import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toJsonSchema } from '../../lib/checks/crd-schema.js';
import { crdRegistry } from '../../lib/checks/crds.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { REPO } from '../helpers/cli.js';
import { crdObject } from '../helpers/crd-object.js';
import { widgetCrd } from '../helpers/widget-crd.js';
import { codedFindingsIn, objectsIn } from './helpers.js';

const SHARED_CRDS = join(REPO, '../shared/crds');
const certManager = objectsIn(join(SHARED_CRDS, 'cert-manager'));

describe("a CustomResourceDefinition's own rules: its names, versions and structural schema", () => {
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

  it('says once per CRD that its CEL rules are not evaluated', () => {
    const findings = crdRegistry(certManager).crdFindings;
    expect(findings.map((f) => `${f.code} ${f.object.metadata.name}`)).toEqual([
      'crd/cel-not-evaluated clusterissuers.cert-manager.io',
      'crd/cel-not-evaluated issuers.cert-manager.io',
    ]);
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
