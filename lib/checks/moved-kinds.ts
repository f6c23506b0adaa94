/**
 * The kinds of apiVersions Kubernetes 1.25 no longer serves, as data: those removed with nothing of
 * the same name to move to (`REMOVED_KINDS`), and what else changes for those that moved to another
 * apiVersion with fields of another shape or meaning (`MOVED_WITH_CHANGES`), for the hint of
 * `schema/unknown-kind` (schema.ts), and the kind a misspelt one meant (`misspeltKind`). Pure.
 */
import { NOT_API_OBJECTS, isApiObject } from '../k8s.js';
import { didYouMean } from '../model/did-you-mean.js';
import type { KubeObject } from '../model/object.js';
import { kubernetesSchemas } from './k8s-schema.js';

/**
 * Kinds Kubernetes removed without a kind of the same name in another apiVersion to move to
 * (their group and versions as manifests wrote them), with what replaced them: the fix is not an
 * apiVersion. PodSecurityPolicy went in 1.25, Pod Security admission replacing it.
 */
export const REMOVED_KINDS: ReadonlyMap<
  string,
  { readonly apiVersions: readonly string[]; readonly removed: string; readonly hint: string }
> = new Map([
  [
    'PodSecurityPolicy',
    {
      apiVersions: ['policy/v1beta1', 'extensions/v1beta1'],
      removed: 'Kubernetes 1.25 removed PodSecurityPolicy; Pod Security admission replaces it',
      hint:
        "remove it, and the RBAC rules that grant 'use' of it; to enforce the Pod Security Standards in the cluster, label the Namespace " +
        'pod-security.kubernetes.io/enforce: baseline (or restricted). stagecraft checks every pod against them itself ' +
        '(checks.podSecurity in a stage file, --pod-security restricted for npm run check)',
    },
  ],
]);

/** What a workload of an apiVersion that defaulted its selector must say in apps/v1. */
const SELECTOR =
  "spec.selector is required (the old apiVersion defaulted it to the template's labels: write them as spec.selector.matchLabels) and cannot change once the object exists";

/** What a webhook configuration of admissionregistration.k8s.io/v1beta1 must say, or says otherwise, in v1. */
const WEBHOOK =
  'every webhook needs sideEffects (None or NoneOnDryRun) and admissionReviewVersions (e.g. [v1, v1beta1]), and three defaults ' +
  'changed: failurePolicy Fail (was Ignore), matchPolicy Equivalent (was Exact), timeoutSeconds 10 (was 30)';

/**
 * What else changes when a kind moves to the apiVersion 1.25 serves it as, for the kinds whose
 * fields changed on the way (their earlier apiVersions): changing apiVersion alone leaves the
 * object invalid, or valid with another meaning, so the hint says what to rewrite.
 */
const MOVED_WITH_CHANGES: ReadonlyMap<string, { readonly from: readonly string[]; readonly changes: string }> = new Map([
  [
    'Ingress',
    {
      from: ['extensions/v1beta1', 'networking.k8s.io/v1beta1'],
      changes:
        'there a backend is service: { name, port: { number } } (for serviceName and servicePort; port: { name } for a named servicePort), spec.backend is spec.defaultBackend, and every path has a pathType (Prefix, Exact or ImplementationSpecific)',
    },
  ],
  [
    'HorizontalPodAutoscaler',
    {
      from: ['autoscaling/v2beta1'],
      changes:
        'in autoscaling/v2 a metric says its target as target: { type: Utilization, averageUtilization } (for targetAverageUtilization), target: { type: AverageValue, averageValue } (for targetAverageValue) or target: { type: Value, value } (for targetValue), and names its metric as metric: { name, selector } (for metricName and metricSelector)',
    },
  ],
  [
    // apiextensions.k8s.io/v1 (Kubernetes 1.16) kept only the per-version fields, and requires structural schemas
    'CustomResourceDefinition',
    {
      from: ['apiextensions.k8s.io/v1beta1'],
      changes:
        'there spec.version is spec.versions: [{ name, served: true, storage: true }], and spec.validation.openAPIV3Schema, spec.subresources and ' +
        'spec.additionalPrinterColumns (whose JSONPath is jsonPath) move into each version as schema.openAPIV3Schema, subresources and ' +
        'additionalPrinterColumns; the schema must be structural (a type on every field, x-kubernetes-preserve-unknown-fields: true where ' +
        'fields are free, since spec.preserveUnknownFields can only be false); spec.conversion.webhookClientConfig is ' +
        'spec.conversion.webhook.clientConfig, with conversionReviewVersions',
    },
  ],
  [
    'PodDisruptionBudget',
    {
      from: ['policy/v1beta1'],
      changes: 'in policy/v1 an empty selector ({}) covers every pod of the namespace, where in v1beta1 it covered none',
    },
  ],
  [
    // the old apiVersions defaulted the selector; apps/v1beta2 (Kubernetes 1.8) stopped
    'Deployment',
    { from: ['extensions/v1beta1', 'apps/v1beta1'], changes: `${SELECTOR}; spec.rollbackTo is gone (kubectl rollout undo instead)` },
  ],
  ['ReplicaSet', { from: ['extensions/v1beta1'], changes: SELECTOR }],
  [
    'DaemonSet',
    {
      from: ['extensions/v1beta1'],
      changes: `${SELECTOR}; spec.templateGeneration is gone, and updateStrategy defaults to RollingUpdate, where it was OnDelete`,
    },
  ],
  ['StatefulSet', { from: ['apps/v1beta1'], changes: `${SELECTOR}; updateStrategy defaults to RollingUpdate, where it was OnDelete` }],
  // admissionregistration.k8s.io/v1 (Kubernetes 1.16) requires what v1beta1 defaulted, and changed three defaults
  ['ValidatingWebhookConfiguration', { from: ['admissionregistration.k8s.io/v1beta1'], changes: WEBHOOK }],
  ['MutatingWebhookConfiguration', { from: ['admissionregistration.k8s.io/v1beta1'], changes: WEBHOOK }],
]);

/** What `MOVED_WITH_CHANGES` says of the object's kind, when it comes from one of the earlier apiVersions. */
export function changesOnMove(object: { readonly apiVersion: string; readonly kind: string }): string[] {
  const moved = MOVED_WITH_CHANGES.get(object.kind);
  return moved?.from.includes(object.apiVersion) ? [moved.changes] : [];
}

/**
 * The kind of `object`'s apiVersion nearest its kind, when near enough to be what was meant (`apps/v1
 * Deploymnet`, `kustomize.config.k8s.io/v1beta1 Kustomisation`): among the kinds Kubernetes 1.25 serves
 * as that apiVersion and kustomize's own (NOT_API_OBJECTS), which the checks skip once spelt right.
 */
export function misspeltKind(object: KubeObject): string | undefined {
  const known = [
    ...[...kubernetesSchemas().kinds.values()].filter((k) => k.apiVersion === object.apiVersion).map((k) => k.kind),
    ...[...NOT_API_OBJECTS].filter((k) => k.startsWith(`${object.apiVersion}/`)).map((k) => k.slice(object.apiVersion.length + 1)),
  ];
  return didYouMean(object.kind, known);
}

/** What the kind guessed makes of the object: kustomize's configuration is no object to apply. */
export function guessNote(object: KubeObject, guess: string): string {
  return isApiObject({ apiVersion: object.apiVersion, kind: guess })
    ? `Otherwise check the spelling of kind and apiVersion, or add the CustomResourceDefinition that defines ${object.kind}`
    : `${object.apiVersion} ${guess} is kustomize's configuration, which the checks skip; kustomize refuses a kustomization of kind ${object.kind} ('kind should be Kustomization or Component'), and kubectl apply -f any object of a kind the cluster does not serve`;
}

/** A kind's words, as CamelCase writes them: `HTTPRoute` is HTTP and Route, `KafkaMirrorMaker2` Kafka, Mirror and Maker2. */
const kindWords = (kind: string): string[] => kind.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/);

/** Whether `a` is `b` but for one character added, dropped or replaced, or two neighbours swapped. */
function oneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const rest = (x: string, y: string) => a.slice(i + x.length) === b.slice(i + y.length);
  return (
    rest(' ', '') || // a has one more character
    rest('', ' ') || // b has one more
    rest(' ', ' ') || // one replaced
    (a[i] === b[i + 1] && a[i + 1] === b[i] && rest('  ', '  ')) // two swapped
  );
}

/**
 * Whether the custom kind `kind` can only be `meant` misspelt: the same but for case (`Clusterissuer`), or for one
 * character added, dropped, replaced or swapped in one of its words (`Certifcate`, `ClusterIsuer`, `GitRepositroy`).
 * Not a word of its own (`HelmRepository` beside `GitRepository`, `TCPRoute` beside `UDPRoute`), a word added or dropped
 * (`CertificateRequest`, `ClusterIssuer` beside `Issuer`), a word lengthened (`KafkaConnector` beside `KafkaConnect`),
 * another number (`KafkaMirrorMaker2`) or a short word replaced (`L2`): a group's kinds are often so near each other.
 */
function isTypoOf(kind: string, meant: string): boolean {
  if (kind.toLowerCase() === meant.toLowerCase()) return true;
  const written = kindWords(kind);
  const words = kindWords(meant);
  if (written.length !== words.length) return false;
  const differ = written.flatMap((w, i) => (w === words[i] ? [] : [[w, words[i]] as const]));
  if (differ.length !== 1) return false;
  const [w, m] = differ[0];
  const digits = (s: string) => s.replace(/\D/g, '');
  return Math.max(w.length, m.length) >= 4 && digits(w) === digits(m) && oneEdit(w.toLowerCase(), m.toLowerCase());
}

/**
 * The kind of `known`, the kinds the known CRDs of one group define, that the custom kind `kind` is near, and whether
 * it can only be that kind misspelt (`sure`, `isTypoOf`: `Certifcate`). A kind merely near one (`didYouMean`:
 * Flux's `HelmRepository` beside the `GitRepository` and `OCIRepository` of its CRDs given) may be a kind of a CRD
 * not given, or of a newer release than those given: `sure` false. None for a kind's list (`CertificateList`).
 */
export function misspeltCustomKind(kind: string, known: readonly string[]): { readonly meant: string; readonly sure: boolean } | undefined {
  const typo = known.find((k) => isTypoOf(kind, k));
  if (typo !== undefined) return { meant: typo, sure: true };
  const meant = didYouMean(kind, known);
  return meant === undefined || kind === `${meant}List` ? undefined : { meant, sure: false };
}
