import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { misspeltCustomKind } from '../../lib/checks/moved-kinds.js';

/** The hint of each `schema/unknown-kind` finding on the objects of `text`, after its kind, in the order of the kinds' names. */
const hints = (text: string): string[] =>
  checkObjects(parseManifests([{ file: 'old.yaml', text }]).objects)
    .findings.filter((f) => f.code === 'schema/unknown-kind')
    .map((f) => `${f.object.kind}: ${f.hint}`)
    .sort();

describe('the hint for a kind of an apiVersion Kubernetes 1.25 no longer serves', () => {
  it("of a v1beta1 CustomResourceDefinition, says what moves into each version besides the apiVersion (cert-manager's CRDs of 2019)", () => {
    const crd = [
      'apiVersion: apiextensions.k8s.io/v1beta1',
      'kind: CustomResourceDefinition',
      'metadata: { name: widgets.example.com }',
      'spec:',
      '  group: example.com',
      '  version: v1',
      '  scope: Namespaced',
      '  names: { kind: Widget, plural: widgets }',
      '  validation: { openAPIV3Schema: { type: object } }',
      '  additionalPrinterColumns: [{ name: Age, type: date, JSONPath: .metadata.creationTimestamp }]',
    ].join('\n');
    expect(hints(crd)).toEqual([
      'CustomResourceDefinition: Kubernetes 1.25 serves CustomResourceDefinition as apiVersion apiextensions.k8s.io/v1; there spec.version is ' +
        'spec.versions: [{ name, served: true, storage: true }], and spec.validation.openAPIV3Schema, spec.subresources and ' +
        'spec.additionalPrinterColumns (whose JSONPath is jsonPath) move into each version as schema.openAPIV3Schema, subresources and ' +
        'additionalPrinterColumns; the schema must be structural (a type on every field, x-kubernetes-preserve-unknown-fields: true where ' +
        'fields are free, since spec.preserveUnknownFields can only be false); spec.conversion.webhookClientConfig is ' +
        'spec.conversion.webhook.clientConfig, with conversionReviewVersions',
    ]);
  });

  it('of a workload whose old apiVersion defaulted its selector, says to write it; of a webhook configuration, what v1 requires', () => {
    const objects = [
      ['extensions/v1beta1', 'DaemonSet'],
      ['apps/v1beta1', 'StatefulSet'],
      ['apps/v1beta2', 'Deployment'],
      ['admissionregistration.k8s.io/v1beta1', 'ValidatingWebhookConfiguration'],
      ['policy/v1beta1', 'PodDisruptionBudget'],
    ].map(([apiVersion, kind]) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: { name: old, namespace: default }\n`);
    const selector =
      "spec.selector is required (the old apiVersion defaulted it to the template's labels: write them as spec.selector.matchLabels) and cannot change once the object exists";
    expect(hints(objects.join('---\n'))).toEqual([
      `DaemonSet: Kubernetes 1.25 serves DaemonSet as apiVersion apps/v1; ${selector}; spec.templateGeneration is gone, and updateStrategy defaults to RollingUpdate, where it was OnDelete`,
      // apps/v1beta2 already required the selector: the apiVersion is all that changes
      'Deployment: Kubernetes 1.25 serves Deployment as apiVersion apps/v1',
      'PodDisruptionBudget: Kubernetes 1.25 serves PodDisruptionBudget as apiVersion policy/v1; in policy/v1 an empty selector ({}) covers every pod of the namespace, where in v1beta1 it covered none',
      `StatefulSet: Kubernetes 1.25 serves StatefulSet as apiVersion apps/v1; ${selector}; updateStrategy defaults to RollingUpdate, where it was OnDelete`,
      'ValidatingWebhookConfiguration: Kubernetes 1.25 serves ValidatingWebhookConfiguration as apiVersion admissionregistration.k8s.io/v1; ' +
        'every webhook needs sideEffects (None or NoneOnDryRun) and admissionReviewVersions (e.g. [v1, v1beta1]), and three defaults ' +
        'changed: failurePolicy Fail (was Ignore), matchPolicy Equivalent (was Exact), timeoutSeconds 10 (was 30)',
    ]);
  });
});

describe('a custom kind misspelt (misspeltCustomKind), told from a real kind of its group whose CRD is not given', () => {
  // real kinds of one group, a word apart: taking one for the other misspelt would make a warning (a CRD not given) an error
  const realPairs: readonly (readonly [string, string])[] = [
    ['HelmRepository', 'GitRepository'],
    ['OCIRepository', 'GitRepository'],
    ['CertificateRequest', 'Certificate'],
    ['ClusterIssuer', 'Issuer'],
    ['ClusterExternalSecret', 'ExternalSecret'],
    ['ApplicationSet', 'Application'],
    ['CronWorkflow', 'Workflow'],
    ['WorkflowTaskSet', 'WorkflowTaskResult'],
    ['TCPRoute', 'UDPRoute'],
    ['TLSRoute', 'TCPRoute'],
    ['HTTPRoute', 'TCPRoute'],
    ['BackendLBPolicy', 'BackendTLSPolicy'],
    ['KafkaConnector', 'KafkaConnect'],
    ['KafkaMirrorMaker2', 'KafkaMirrorMaker'],
    ['DataDownload', 'DataUpload'],
    ['PrometheusAgent', 'PrometheusRule'],
    ['RequestAuthentication', 'PeerAuthentication'],
    ['MiddlewareTCP', 'Middleware'],
    ['VolumeSnapshotContent', 'VolumeSnapshotClass'],
    ['CiliumEnvoyConfig', 'CiliumNodeConfig'],
    ['ClusterIssuerList', 'ClusterIssuer'],
  ];
  it.each(realPairs)('does not take %s for %s misspelt', (kind, other) => {
    expect(misspeltCustomKind(kind, [other])?.sure).not.toBe(true);
  });

  const typos: readonly (readonly [string, string])[] = [
    ['Certifcate', 'Certificate'],
    ['Certifiacte', 'Certificate'],
    ['Certificat', 'Certificate'],
    ['certificate', 'Certificate'],
    ['ClusterIsuer', 'ClusterIssuer'],
    ['ClusterIssure', 'ClusterIssuer'],
    ['Clusterissuer', 'ClusterIssuer'],
    ['ExternalSecrets', 'ExternalSecret'],
    ['GitRepositroy', 'GitRepository'],
    ['AppProjct', 'AppProject'],
  ];
  it.each(typos)('takes %s for %s misspelt', (kind, meant) => {
    expect(misspeltCustomKind(kind, ['Application', meant, 'Zebra'])).toEqual({ meant, sure: true });
  });
});
