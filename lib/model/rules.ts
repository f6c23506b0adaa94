/**
 * Every finding code of lib/checks, described once: a short description and help text (what it
 * means, why, and what to do), the Kubernetes rule it mirrors, and how to declare an exception
 * where one exists. The catalogue of codes (codes.ts) takes their title and help from here; SARIF
 * reports carry them; lib/checks/README.md documents the same codes (a test keeps them in step). Data only.
 */
import { POLICY_EXCEPTION_PREFIX } from '../policy.js';

export interface RuleInfo {
  /** One line: what the finding says is wrong. */
  readonly short: string;
  /** Why it matters and what to do. */
  readonly help: string;
  /** The Kubernetes rule (or behaviour) the check mirrors. */
  readonly mirrors: string;
  /** How to declare an exception, when one exists. */
  readonly exception?: string;
}

const policy = (control: string, short: string, help: string, mirrors: string): RuleInfo => ({
  short,
  help,
  mirrors,
  exception: `annotation ${POLICY_EXCEPTION_PREFIX}${control}: <reason> on the workload`,
});
const pss = (level: string, control: string) => `Pod Security Standards, ${level} level, control "${control}"`;

export const RULES: Readonly<Record<string, RuleInfo>> = {
  'schema/unknown-field': {
    short: 'A field the kind does not have',
    help: 'Usually a misspelling: the API server drops (or, with strict field validation, rejects) unknown fields, so the setting silently does nothing. Rename it as suggested.',
    mirrors: 'OpenAPI schema of the kind; kubectl --validate=strict',
  },
  'schema/required': {
    short: 'A required field is missing',
    help: 'The API server refuses the object. Add the field.',
    mirrors: 'OpenAPI schema (required)',
  },
  'schema/type': {
    short: 'A field has the wrong type',
    help: 'The API server refuses the object (e.g. a string where a mapping is expected). Give the field a value of the type shown.',
    mirrors: 'OpenAPI schema (type)',
  },
  'schema/enum': {
    short: 'A value outside the allowed set',
    help: 'The API server refuses values the field does not define. Use one of the values listed.',
    mirrors: 'API validation of enumerated fields (pkg/apis/*/validation)',
  },
  'schema/quantity': {
    short: 'Not a valid quantity',
    help: 'Quantities are numbers with an optional suffix (2Gi, 500m); 2Gib is refused.',
    mirrors: 'k8s.io/apimachinery resource.Quantity grammar',
  },
  'schema/const': {
    short: 'A value that must be one fixed value',
    help: 'apiVersion and kind must be exactly those of the kind.',
    mirrors: 'OpenAPI schema',
  },
  'schema/pattern': {
    short: 'A value that does not match the pattern of its CRD',
    help: "The custom resource's CRD declares a pattern for the field; the API server refuses other values.",
    mirrors: 'CRD structural schema (pattern)',
  },
  'schema/format': {
    short: 'A value that is not of the format its CRD gives',
    help: "The custom resource's CRD gives the field a format the API server checks (date-time, date, uuid, ipv4, ipv6, cidr, byte...); it refuses other values. Formats it ignores (int32, int64...) are not checked.",
    mirrors: 'CRD structural schema (format, as the 1.25 API server checks it)',
  },
  'schema/duplicate-key': {
    short: 'A keyed list repeats a key (custom resource)',
    help: 'The CRD declares x-kubernetes-list-type: map; each item needs different key fields.',
    mirrors: 'CRD structural schema (x-kubernetes-list-map-keys)',
  },
  'schema/status': {
    short: 'A manifest carries status',
    help: "status is written by the cluster; a manifest carrying it was exported, not written. Remove it. The zero status that kubectl create --dry-run=client -o yaml writes ({}, or loadBalancer: {} on a Service) passes on a kind that has a status. A custom resource's status is refused so where its CRD has the status subresource (the API server drops it), and checked as any field where it has none.",
    mirrors: 'API server ignores status on create',
  },
  'schema/unknown-kind': {
    short: 'Not a kind of the Kubernetes version',
    help: 'Kubernetes does not serve this apiVersion/kind; check the spelling, or the apiVersion the version serves; a kind Kubernetes removed (PodSecurityPolicy, in 1.25) is named with what replaced it.',
    mirrors: 'API discovery',
  },
  'crd/unknown-kind': {
    short:
      'A custom resource whose CRD is not known (an error at synth and with npm run check -- --require-crds, else a warning for npm run check)',
    help: 'Without its CustomResourceDefinition the object cannot be validated, so synth does not write it. Add the CRD to the input, to the stage, or to a CRD folder (crds/ or --crds <dir>). npm run check -- <files> warns, since a file checked on its own may be meant for a cluster that has the CRD installed; --require-crds makes it an error, as the strict check of dist/ does (for CI). A kind that the known CRDs of its group do not define but for a typo in one word (Certifcate: a character added, dropped, replaced or two swapped) is misspelt: an error at the kind, with the kind meant; a kind merely near one (HelmRepository beside GitRepository) may be a CRD not given, and keeps the severity, its hint guessing the kind.',
    mirrors: 'API server: no such resource until the CRD is installed',
  },
  'crd/version': {
    short: 'A custom resource version its CRD does not serve',
    help: 'Use one of the versions the CRD serves.',
    mirrors: 'CRD spec.versions[].served',
  },
  'crd/structural': {
    short: 'A CRD schema that is not structural',
    help: 'The API server refuses CRDs whose schema is not structural: every field needs a valid type, arrays need items, properties and additionalProperties are exclusive.',
    mirrors: 'apiextensions-apiserver structural schema validation',
  },
  'crd/definition': {
    short: 'A CustomResourceDefinition the API server refuses',
    help: 'Its name must be spec.names.plural, a dot and spec.group (widgets.example.com), its group a domain name (with a dot), and exactly one of its versions must be the storage version (storage: true); its patterns must be Go 1.19 regular expressions (no (?<name>, which came in Go 1.22: (?P<name>; no lookaround, no \\C, at most 1000 repetitions); the keys of a list of x-kubernetes-list-type: map must be scalar properties of its items, each required or with a default (older controller-gen releases made the protocol key of pod ports neither: give it default: TCP). kubectl apply fails on it, and on every custom resource of it.',
    mirrors: 'apiextensions-apiserver ValidateCustomResourceDefinition',
  },
  'crd/cel-not-evaluated': {
    short: 'CEL rules of a CRD are not evaluated (warning)',
    help: 'x-kubernetes-validations rules are checked by the API server only; test such resources with kubectl apply --dry-run=server.',
    mirrors: 'CRD x-kubernetes-validations (CEL)',
  },
  'crd/pattern-not-checked': {
    short: 'A pattern of a CRD that JavaScript cannot read is not checked (warning)',
    help: "A CRD's patterns are Go (RE2) expressions; flags such as (?i) (leading, or within the pattern: a(?i)b, (?s:.)), named groups (?P<name>), \\A, \\z, \\Q...\\E, \\x{41}, POSIX classes such as [[:alpha:]] and Unicode classes such as \\pL or \\p{Greek} are translated to what JavaScript reads alike, but one that uses what JavaScript has no expression for ((?U), ungreedy) is left out, and the values of its field are checked by the API server only: test such resources with kubectl apply --dry-run=server.",
    mirrors: 'CRD structural schema (pattern, RE2)',
  },
  'api/name': {
    short: 'An object, container or volume name the API server refuses',
    help: 'Names follow the grammar of their kind (DNS-1123 subdomain or label, DNS-1035 label for Services, path segment for RBAC objects) and its length (at most 52 characters for a CronJob, whose Jobs add 11, and for a StatefulSet, whose pods carry it with a revision hash as a label; 63 for a Job, whose pods carry it as a label); an object needs metadata.name (or generateName).',
    mirrors: 'apimachinery ValidateObjectMeta and per-kind name validation',
  },
  'api/schedule': {
    short: 'A CronJob schedule the API server cannot read',
    help: "The schedule is read by robfig/cron's standard parser: five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-6 or SUN-SAT; 7 is no Sunday), or @yearly, @monthly, @weekly, @daily, @hourly, @every <duration>; a TZ= prefix only without spec.timeZone.",
    mirrors: 'pkg/apis/batch/validation validateScheduleFormat (robfig/cron v3 ParseStandard)',
  },
  'api/time-zone': {
    short: 'A CronJob timeZone that names no time zone',
    help: "spec.timeZone is a zone of the IANA time zone database spelled in its case (Europe/Berlin, Etc/UTC), not empty and not Local; leave it out for the controller's own zone.",
    mirrors: 'pkg/apis/batch/validation validateTimeZone',
  },
  'api/restart-policy': {
    short: 'A Job or CronJob whose pods restart Always (the default)',
    help: "A Job's pods run until they end: set restartPolicy OnFailure or Never in the pod template.",
    mirrors: 'pkg/apis/batch/validation validateJobSpec (restartPolicy)',
  },
  'api/generate-name': {
    short: 'An object named by generateName alone (warning)',
    help: 'The API server names such an object when it is created (kubectl create), but kubectl apply refuses it ("cannot use generate name with apply"), and applied twice it would make two objects. Give it metadata.name to apply it.',
    mirrors: 'kubectl apply: cannot use generate name with apply',
  },
  'api/kustomize-annotation': {
    short: 'An annotation that makes kustomize leave the object out, or rename it',
    help: "A stage is applied with kubectl apply -k (Argo CD and Flux build it with kustomize too). kustomize leaves out an object annotated config.kubernetes.io/local-config (any value but \"false\": a kpt function's or setter's input), and renames one annotated internal.config.kubernetes.io/needsHashSuffix: enabled to <name>-<hash>, rewriting the references to it: the cluster gets other objects than dist/ and its inventory hold. Remove a tool's configuration from the manifests, or the annotation (kpt's own package context, the ConfigMap kptfile.kpt.dev, is skipped where manifests are read).",
    mirrors: 'kustomize (konfig.IgnoredByKustomizeAnnotation; the hash suffix of generated objects)',
  },
  'api/helm-hook': {
    short: 'A Helm hook among manifests for kubectl apply, or one Argo CD never applies (warning)',
    help: "helm template renders a chart's hooks (helm.sh/hook: a test Pod, a migration Job) beside its other objects, but Helm creates a hook only at its step of a release (helm test, before an upgrade...), while kubectl apply (and Flux) creates it with the rest, once: a test Pod then fails when the app is not ready yet, the hook does not run at the next release, and an apply that changes a Job's template fails. Render without them (helm template --skip-tests, --no-hooks), or remove the annotation when the object belongs with the rest. In a stage Argo CD delivers, only a hook Argo CD never applies is warned of (a test, unless its own argocd.argoproj.io/hook, which rules over Helm's, makes it a sync hook): Argo CD runs pre-install and pre-upgrade hooks as PreSync hooks and post-install and post-upgrade hooks as PostSync hooks, at every sync, so --no-hooks would drop a migration Job it runs. crd-install (Helm 2's CRD hook) is an ordinary object to all of them: no warning.",
    mirrors: 'Helm chart hooks (helm.sh/hook), which kubectl apply does not know; gitops-engine pkg/sync/hook/helm (Argo CD)',
  },
  'api/job-ttl': {
    short: 'A Job deleted once it finishes, which whoever applies the stage creates again (warning)',
    help: "ttlSecondsAfterFinished has the cluster delete a finished Job (and its pods); the manifest still holds it, so whoever applies the stage creates the Job again, and it runs again: every later kubectl apply of the manifests, Flux at every interval of the stage's Kustomization (10 minutes; a suspended one's once it is resumed), Argo CD at its next sync (at once with selfHeal). Remove the field (the finished Job stays, and applying it unchanged does nothing), make a task that repeats a CronJob, or deliver a one-off Job apart from the manifests applied again and again (kubectl create -f). An Argo CD sync hook (argocd.argoproj.io/hook, or a Helm install or upgrade hook) is left out of Argo CD's comparison and runs at every sync anyway: it is warned of only with a TTL under 60 s, which may delete it before Argo CD saw it finish, so that Argo CD 2.x waits for the hook for ever; its hook-delete-policy removes it instead (BeforeHookCreation when none is written). A hook Argo CD never applies (Skip, a Helm test) is not warned of.",
    mirrors:
      "Job spec.ttlSecondsAfterFinished (the TTL-after-finished controller); kubectl apply, Flux and Argo CD, which create what is missing; Argo CD's sync hooks (argo-cd#21055)",
  },
  'api/server-set': {
    short: 'A manifest carries metadata the API server sets',
    help: 'uid, resourceVersion, generation, creationTimestamp, managedFields and the like are what `kubectl get -o yaml` prints of an object in a cluster: the API server refuses to create an object with a resourceVersion, and a uid or resourceVersion of another cluster makes kubectl apply fail or conflict. Remove them (and status).',
    mirrors: 'apiserver: resourceVersion must not be set on create; uid and resourceVersion preconditions on update',
  },
  'api/cluster-made': {
    short: 'An object the cluster makes itself, exported with the rest',
    help: "An export of a namespace holds what the cluster made beside the team's objects: the ConfigMap kube-root-ca.crt of every namespace (its cluster's CA), a ServiceAccount's token Secret as the token controller filled it (the account's uid in kubernetes.io/service-account.uid), the Endpoints the endpoints controller writes for a Service with a selector (its pods by uid). Applied, each carries another cluster's CA, token or pod addresses, and fights the controller that keeps it. Remove them from the manifests.",
    mirrors: 'kube-controller-manager: root-ca-cert-publisher, serviceaccount-token and endpoint controllers',
  },
  'api/cluster-ip': {
    short: "A Service's cluster IP as exported from a cluster",
    help: 'kubectl get -o yaml prints the address a cluster gave a Service as clusterIP and clusterIPs. Applied elsewhere, the API server refuses it where another Service has it (the exported one, in another namespace of that cluster: provided IP is already allocated) and where the service range does not hold it. Remove clusterIP and clusterIPs; keep clusterIP alone for an address clients are configured with (kube-dns).',
    mirrors: 'pkg/registry/core/service/ipallocator (provided IP is already allocated, not in the valid range)',
  },
  'api/file-mode': {
    short: 'A volume file mode outside 0-0777, or octal digits that grant write as a decimal',
    help: "The mode of the files a secret, configMap, downwardAPI or projected volume makes (defaultMode, an item's mode) is a number from 0 to 0777 (511). JSON has no octal numbers: write it in decimal (420 for 0644); 644, the octal digits written as they are, is refused; and 400, 440, 444 or 500 (each 511 or less), which read as the decimals they are let the group write (400 is 0620) while the octal they look like would not, are warned of (write 256 for 0400). (A 0644 with its leading zero is refused earlier, as YAML 1.1: kubectl reads it as 420, stagecraft as 644.)",
    mirrors: 'pkg/apis/core/validation (fileModeErrorMsg: must be a number between 0 and 0777 (octal), both inclusive)',
  },
  'api/owner-reference': {
    short: 'A manifest names its owners by uid (ownerReferences)',
    help: "ownerReferences are written by controllers and printed by `kubectl get -o yaml`: an owner is named by the uid it has in one cluster, so where no object has that uid (any other cluster; any other namespace too, for an owner in a namespace) the garbage collector deletes the object as soon as it is created, and where one does, the owner's controller manages the object, and each apply fights it. Remove the objects a controller makes (a Deployment's ReplicaSets and their Pods, a CronJob's Jobs and theirs) and the ownerReferences of the others.",
    mirrors: 'garbage collector: dependents whose owners are all absent are deleted; controllers own what they make (controller: true)',
  },
  'api/label-key': {
    short: 'A label or annotation key with invalid syntax',
    help: 'Keys are an optional DNS-1123 prefix and a name of at most 63 characters.',
    mirrors: 'apimachinery ValidateLabels / ValidateAnnotations',
  },
  'api/label-value': {
    short: 'A label value with invalid syntax',
    help: "Label values are at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit; and strings: a custom resource's label that is a number or a boolean is refused here (a built-in kind's is schema/type, one finding for one mistake). Quote it.",
    mirrors: 'apimachinery ValidateLabels',
  },
  'api/annotation-value': {
    short: "A custom resource's annotation value that is not a string",
    help: "Annotations are strings: the API server cannot decode a number, a boolean, a mapping or a list there and refuses the object. Quote it. (A built-in kind's is schema/type.)",
    mirrors: "apiextensions-apiserver: ObjectMeta of a custom resource decoded as Go's metav1.ObjectMeta",
  },
  'api/label-null': {
    short: 'A label or annotation value written as null (warning)',
    help: 'The API server decodes null as "" and takes the object, but a later kubectl apply sends the null in its patch, which removes the label or annotation (a selector\'s key: the apply is refused, selectors are immutable); kustomize (kubectl apply -k) writes a null annotation as the string "null". A manifests app\'s file is written to dist/ with "" (manifests/null-label). Write "" for an empty value, or leave the key out.',
    mirrors: 'Go encoding/json decoding of null into map[string]string; JSON merge patch (null removes a key)',
  },
  'api/duplicate-key': {
    short: 'A keyed list repeats a key',
    help: 'Lists keyed by name or path (ports, volumes, containers, volume mounts and block devices) need unique keys, a volume is mounted or a block device, not both, and a ConfigMap key is in data or binaryData, not both; the API server refuses repeats.',
    mirrors: 'pkg/apis/core/validation (unique names per list)',
  },
  'api/image': {
    short: 'A container image missing, or not an image reference',
    help: 'Set image to repository[:tag][@algorithm:hex]; tags may hold capitals, a sha256 digest has 64 hex digits.',
    mirrors:
      "pkg/apis/core/validation validateContainers (an image, in pod templates too); the kubelet's reference grammar (InvalidImageName), which the API server does not check",
  },
  'api/base64': {
    short: 'ConfigMap binaryData or Secret data that is not base64',
    help: "The API server decodes these values as standard base64 (A-Z, a-z, 0-9, '+', '/', padded with '=' to a multiple of 4; line breaks ignored) and refuses the object otherwise: encode the value, or put text under data (ConfigMap) or stringData (Secret).",
    mirrors: 'apimachinery JSON decoding of []byte (Go encoding/base64 StdEncoding)',
  },
  'api/data-size': {
    short: 'ConfigMap or Secret data over 1 MiB',
    help: 'The API server (etcd) refuses objects whose data exceeds 1 MiB: mount large files from a volume instead.',
    mirrors: 'ConfigMap/Secret size limit (MaxSecretSize)',
  },
  'api/annotation-size': {
    short: 'Annotations over 256 KiB in total',
    help: 'The API server refuses an object whose annotations together exceed 256 KiB.',
    mirrors: 'apimachinery ValidateAnnotations (TotalAnnotationSizeLimitB)',
  },
  'api/int32': {
    short: 'A number outside int32',
    help: 'Fields such as replicas, ports and periodSeconds are int32: at most 2147483647.',
    mirrors: 'OpenAPI format int32',
  },
  'api/number': {
    short: 'A number outside the range of its field',
    help: 'Give a whole number the field accepts.',
    mirrors: 'OpenAPI format int64',
  },
  'api/character': {
    short: 'A character kustomize and kubectl cannot carry',
    help: 'DEL, C1 controls, U+2028/2029 and noncharacters are refused or turned into spaces by go-yaml readers: remove them.',
    mirrors: 'go-yaml / kustomize reading',
  },
  'api/node-name': {
    short: 'A nodeName that is not a DNS-1123 subdomain',
    help: 'Name the node as the cluster knows it: lowercase letters, digits, - and . between labels.',
    mirrors: 'pkg/apis/core/validation ValidateNodeName',
  },
  'api/api-version': {
    short: 'An apiVersion whose group or version is not lowercase',
    help: 'API groups are DNS subdomains and versions lowercase: no API server serves RBAC.AUTHORIZATION.K8S.IO/V1. Write it in lowercase (the hint gives the spelling when the group is known).',
    mirrors: 'apimachinery: API groups and versions are lowercase (IsDNS1123Subdomain, DNS-1035 versions)',
  },
  'api/ingress': {
    short: 'An Ingress host, path, backend port or class the API server refuses',
    help: "A rule's host is a DNS name (a DNS-1123 subdomain, '*.' allowed in front), not an IP address; an Exact or Prefix path starts with '/' and has no '//', '/./', '/../' or '%2F' and does not end in '/.' or '/..'; a backend names its Service port by number or by name, not both; the class is named by spec.ingressClassName or the kubernetes.io/ingress.class annotation, not both (refused on create, whatever the values).",
    mirrors:
      'pkg/apis/networking/validation (validateIngressRules, validateHTTPIngressRuleValue, validateIngressBackend, ValidateIngressCreate)',
  },
  'api/storage': {
    short: 'A storage size, access mode list or hostPath the API server refuses',
    help: "A claim's requested storage and a volume's capacity are greater than zero; a claim or volume lists at least one access mode; a hostPath has no '..' element.",
    mirrors: 'pkg/apis/core/validation (ValidatePersistentVolumeClaimSpec, ValidatePersistentVolumeSpec, validatePathNoBacksteps)',
  },
  'api/workload': {
    short: "A workload's replicas, rollout, restart policy, environment, resources or tolerations the API server refuses",
    help: "Replicas are 0 or more; a rolling update's maxSurge and maxUnavailable are not both 0, and no rollingUpdate is set beside a Deployment's Recreate strategy or a StatefulSet's OnDelete; a Deployment's, ReplicaSet's, DaemonSet's, StatefulSet's or ReplicationController's pods restart Always; an environment variable has value or valueFrom, not both; resource quantities are 0 or more; a toleration with operator Exists has no value, one without a key has operator Exists (it tolerates every taint), and one with tolerationSeconds has effect NoExecute; an autoscaler's minReplicas is at least 1 and at most maxReplicas; a PodDisruptionBudget sets minAvailable or maxUnavailable, not both; a Job's ttlSecondsAfterFinished (a CronJob's jobTemplate's too) is 0 or more, and an Indexed Job sets completions and a parallelism of at most 100,000; a pod template has no ephemeral containers (they are added to running pods).",
    mirrors: 'pkg/apis/{apps,core,autoscaling,policy}/validation',
  },
  'api/probe': {
    short: 'A probe the API server refuses',
    help: "Probe counts and delays are 0 or more; a liveness or startup probe's successThreshold is 1; an httpGet scheme is HTTP or HTTPS (in capitals); a named probe port is an IANA service name.",
    mirrors: 'pkg/apis/core/validation (validateProbe, validateHTTPGetAction)',
  },
  'api/network': {
    short: 'A NodePort on a ClusterIP Service, or a NetworkPolicy CIDR or port range the API server refuses',
    help: 'A ClusterIP Service has no nodePort (use type NodePort), a NodePort or LoadBalancer Service is not headless (clusterIP: None), and an ExternalName one sets no clusterIP (not even None), clusterIPs, ipFamilies or ipFamilyPolicy; an ipBlock cidr and its except entries are CIDRs (10.0.0.0/16), each except a strict subset of the cidr; an endPort needs a numeric port and is at least that port.',
    mirrors: 'pkg/apis/core/validation (ValidateService), pkg/apis/networking/validation (ValidateNetworkPolicy)',
  },
  'api/class': {
    short: "A PriorityClass's value or name, or a RuntimeClass's handler, the API server refuses",
    help: "A PriorityClass's value is at most 1,000,000,000, and the names starting with system- are the API server's own (system-node-critical, system-cluster-critical); a RuntimeClass's handler is a DNS label (lowercase letters, digits and '-').",
    mirrors: 'pkg/apis/scheduling/validation (ValidatePriorityClass), pkg/apis/node/validation (ValidateRuntimeClass)',
  },
  'api/rbac': {
    short: 'A role binding to another API group, or a rule without verbs',
    help: 'roleRef.apiGroup is rbac.authorization.k8s.io; every rule of a Role or ClusterRole lists at least one verb.',
    mirrors: 'pkg/apis/rbac/validation (ValidateRoleBindingRoleRef, ValidatePolicyRule)',
  },
  'api/requests-above-limits': {
    short: 'A resource request above its limit',
    help: 'The API server refuses a container whose request exceeds its limit: raise the limit or lower the request.',
    mirrors: 'pkg/apis/core/validation ValidateResourceRequirements',
  },
  'quantity/memory-milli': {
    short: 'A memory quantity in thousandths of a byte, such as 512m (warning)',
    help: 'The suffix m means thousandths: 512m is 0.512 bytes, which the API server takes and no container runs in. Write Mi or Gi (512Mi); the message says the quantity probably meant.',
    mirrors: 'k8s.io/apimachinery resource.Quantity (decimal-SI suffix m)',
  },
  'quantity/memory-small': {
    short: 'A memory quantity below 4Mi, such as 512 (warning)',
    help: 'Memory without a suffix counts bytes: 512 is 512 bytes, less than any container runs in. Write Mi or Gi (512Mi).',
    mirrors: 'k8s.io/apimachinery resource.Quantity (no suffix: bytes)',
  },
  'quantity/cpu-large': {
    short: 'A cpu quantity of 64 cores or more, such as 500 (warning)',
    help: 'cpu without a suffix counts whole cores: 500 is 500 cores, which no node is likely to have (the pod stays Pending). Write m for thousandths of a core (500m).',
    mirrors: 'k8s.io/apimachinery resource.Quantity (no suffix: cores)',
  },
  'api/rbac-subject': {
    short: 'A RoleBinding or ClusterRoleBinding subject the API server refuses',
    help: "A subject's kind is ServiceAccount, User or Group; a ServiceAccount's apiGroup is '' and a User's or Group's rbac.authorization.k8s.io (either may be left out); a ServiceAccount subject of a ClusterRoleBinding needs its namespace.",
    mirrors: 'pkg/apis/rbac/validation ValidateRoleBindingSubject',
  },
  'api/node-port': {
    short: 'A nodePort used twice in a stage, or by two stages on one cluster',
    help: 'Each nodePort is allocated once per cluster: give every Service its own.',
    mirrors: 'Service nodePort allocation',
  },
  'api/no-containers': {
    short: 'A pod without containers',
    help: 'A pod needs at least one container.',
    mirrors: 'pkg/apis/core/validation ValidatePodSpec',
  },
  'api/one-of': {
    short: 'A probe with no or several handlers, a volume with several sources',
    help: 'Exactly one probe handler and at most one volume source may be set (a volume with none is an emptyDir).',
    mirrors: 'pkg/apis/core/validation validateHandler / validateVolumeSource',
  },
  'api/port-merge-key': {
    short: 'Service or container ports of one number and two protocols, which client-side kubectl apply mixes up (warning)',
    help: "A Service may have 53/TCP and 53/UDP, and a container containerPort 53 over both, but client-side kubectl apply merges a Service's ports by their number alone, and a container's by containerPort alone (the strategic merge keys), so once the object exists, an apply that adds, removes or changes one of them drops or mixes up the other; distinct port names do not help. Apply it server-side (kubectl apply --server-side keys ports by number and protocol), give each protocol its own number, or replace the object (kubectl replace -f) after changing these ports.",
    mirrors:
      'ServiceSpec.ports: patchMergeKey port; Container.ports: patchMergeKey containerPort (client-side apply); listMapKeys with protocol (server-side apply); kubernetes/kubernetes#39188, #111304',
  },
  'api/port-name': {
    short: 'A port name that is not an IANA service name, or a multi-port Service without port names',
    help: "Port names are at most 15 lowercase letters, digits and '-', with a letter and no '--'; each port of a multi-port Service needs a name.",
    mirrors: 'pkg/apis/core/validation (IsValidPortName, validateServicePort)',
  },
  'api/target-port-name': {
    short: 'A Service targetPort that is neither a number nor an IANA service name',
    help: 'A string targetPort names a container port, so it follows the port-name grammar; the API server refuses other strings.',
    mirrors: 'pkg/apis/core/validation validateServicePort (IsValidPortName)',
  },
  'api/port-range': {
    short: 'A port number out of range',
    help: 'Ports are 1-65535 (hostPort 0 means none).',
    mirrors: 'pkg/apis/core/validation (IsValidPortNum)',
  },
  'api/env-repeat': {
    short: 'An environment variable named twice in one container (an error in a stage Flux delivers, else a warning)',
    help: 'The API server takes it (the later value wins), but server-side apply keys env by name and refuses a repeated one ("duplicate entries for key [name=...]"): Flux, which always applies server-side, and kubectl apply --server-side fail on it; client-side kubectl apply merges env by name, so a later apply that changes or removes one of the two drops or mixes up the other. Keep one entry per name; a variable that builds on another with $(NAME) takes a name of its own.',
    mirrors:
      'pkg/api/pod/warnings.go (Kubernetes 1.29: "hides previous definition of"); structured-merge-diff (server-side apply: duplicate entries for key)',
  },
  'api/env-name': {
    short: 'An invalid environment variable name',
    help: "Use letters, digits, '_', '-' and '.', not starting with a digit.",
    mirrors: 'pkg/apis/core/validation (IsEnvVarName)',
  },
  'api/selector': {
    short: "A workload selector that does not match its pod template's labels",
    help: 'The API server refuses a controller whose selector does not select its own template.',
    mirrors: 'pkg/apis/apps/validation (selector does not match template labels)',
  },
  'api/config-key': {
    short: 'An invalid ConfigMap or Secret key, held or read',
    help: "Keys are 1 to 253 letters, digits, '-', '_' and '.', not '.' or '..' and not starting with '..' (the kubelet's own files in a volume do); the same for the keys a pod reads (secretKeyRef, configMapKeyRef, volume items).",
    mirrors: 'pkg/apis/core/validation (IsConfigMapKey)',
  },
  'refs/duplicate-object': {
    short: 'An object defined twice in one cluster scope',
    help: 'Applied together, the second definition replaces the first (kubectl apply) or fails as already existing (kubectl create). Rename or remove one.',
    mirrors: 'one object per API group and kind, namespace and name in a cluster',
  },
  'refs/namespace': {
    short: 'An object in a namespace nobody creates',
    help: 'Add the Namespace, or declare it as existing (checks.existingNamespaces in the stage file, --namespace-exists).',
    mirrors: 'API server: namespace not found',
  },
  'refs/service-selector': {
    short: 'A Service selecting no pod template',
    help: 'The Service has no endpoints; make the selector match the pod labels.',
    mirrors: 'Service endpoints (EndpointSlice controller)',
  },
  'refs/target-port': {
    short: 'A Service port no selected container listens on',
    help: 'A named targetPort must be a declared container port; a number is reported only when the selected pods declare ports and none is it.',
    mirrors: 'Service targetPort resolution',
  },
  'refs/ingress-service': {
    short: 'An Ingress routing to a Service that does not exist',
    help: "Fix the Service name or add the Service; one made outside the objects (an operator's, another release's) is declared under checks.existingObjects (--object-exists): Service/<namespace>/<name>. The Service a Knative Service makes of its name is there.",
    mirrors: 'Ingress backends',
  },
  'refs/rollout-service': {
    short: "An Argo Rollout's stable, canary, active or preview Service that does not exist",
    help: 'The API server takes the Rollout, but its controller stops the rollout at a Service it cannot find. Fix the name or add the Service.',
    mirrors: 'Argo Rollouts canary and blue/green Services',
  },
  'refs/ingress-port': {
    short: 'An Ingress routing to a port the Service lacks',
    help: "Use one of the Service's ports. An ExternalName Service is reached at the backend's port number (the controller connects to its DNS name at it), which its ports need not list; a port name is looked up among them.",
    mirrors: 'Ingress backends',
  },
  'refs/tls-secret': {
    short: 'An Ingress TLS Secret that does not exist',
    help: 'Declare the Secret (tls.crt, tls.key) or fix the name.',
    mirrors: 'Ingress TLS',
  },
  'refs/issuer-secret': {
    short: 'A cert-manager Issuer, ClusterIssuer or Certificate keystore reading a Secret (or a key) that is not there',
    help: "cert-manager takes the issuer but issues nothing with it: a CA issuer's key pair, an ACME external account binding key or DNS-01 solver's credentials, Vault's or Venafi's must be in the Issuer's namespace, a ClusterIssuer's in cert-manager's cluster resource namespace (its controller's --cluster-resource-namespace; kube-system without the flag). A Certificate's keystore password (spec.keystores.*.passwordSecretRef, with create: true) must be in its namespace. Fix the name, add the Secret, or declare one made outside (stagecraft.dev/required-secrets on the Namespace it is read in). The ACME account key is made by cert-manager when missing, unless spec.acme.disableAccountKeyGeneration is true.",
    mirrors: 'cert-manager issuer setup (the issuer not Ready)',
  },
  'refs/cert-issuer': {
    short:
      'A cert-manager Certificate or Ingress naming an issuer of the other kind, one only in another namespace, or a name near one of the issuers made',
    help: "issuerRef (and ingress-shim's cert-manager.io/issuer annotation, and for kubernetes.io/tls-acme the controller's --default-issuer-name) names an Issuer of the object's namespace unless kind: ClusterIssuer (cert-manager.io/cluster-issuer, --default-issuer-kind=ClusterIssuer) says otherwise; an Issuer issues only for its own namespace. cert-manager leaves the Certificate not ready (issuer not found). An issuer made outside the objects, or of another group (an external issuer), is not a finding; one whose name is near an issuer they make is declared (checks.existingObjects in the stage file, --object-exists: ClusterIssuer/<name>, Issuer/<namespace>/<name>).",
    mirrors: 'cert-manager Certificate issuerRef (IssuerNotFound)',
  },
  'refs/store-secret': {
    short: 'An External Secrets SecretStore or ClusterSecretStore reading its credentials from a Secret (or a key) that is not there',
    help: "External Secrets marks the store not ready and syncs none of its ExternalSecrets: a SecretStore reads its provider's credential Secrets (provider.aws.auth.secretRef.*, provider.vault.auth.tokenSecretRef, ...) in its own namespace, and refuses a selector naming another namespace; a ClusterSecretStore in the namespace the selector names (without one, in the namespace of each ExternalSecret that uses it, where it is checked at the ExternalSecret). Fix the name or key, add the Secret, or declare one made outside (stagecraft.dev/required-secrets on the Namespace it is read in, or the stage file's secrets.external).",
    mirrors: 'External Secrets store validation (the store not Ready)',
  },
  'refs/secret-store': {
    short: 'An ExternalSecret naming a store of the other kind, one only in another namespace, or a name near one of the stores made',
    help: "secretStoreRef (and sourceRef.storeRef) names a SecretStore of the ExternalSecret's namespace unless kind: ClusterSecretStore is set; a SecretStore serves only its own namespace, and a ClusterSecretStore with spec.conditions only the namespaces they choose (namespaces, namespaceRegexes, namespaceSelector: External Secrets denies the others). A store made outside the objects is not a finding; one whose name is near a store they make is declared (checks.existingObjects in the stage file, --object-exists: ClusterSecretStore/<name>, SecretStore/<namespace>/<name>). A ClusterExternalSecret's externalSecretSpec is checked as the ExternalSecret it makes in each namespace it chooses (spec.namespaces, spec.namespaceSelectors) among those known.",
    mirrors: 'External Secrets ExternalSecret (SecretSyncedError: could not get store)',
  },
  'refs/rollout-workload': {
    short: "An Argo Rollout running a Deployment's pods (workloadRef) while that Deployment runs pods of its own (warning)",
    help: "Argo Rollouts takes the pod template of the Deployment a workloadRef names and runs pods of its own; it leaves the Deployment as it is unless workloadRef.scaleDown is onsuccess or progressively, so both run, and the Rollout's Services select the Deployment's pods too (the canary's share of traffic is not what the steps say). With scaleDown, it scales the Deployment to zero, and every apply of the Deployment's spec.replicas scales it up again. Set the Deployment's spec.replicas to 0 (or, with scaleDown, leave it out). A Deployment the objects do not make is refs/rollout-deployment's.",
    mirrors: 'Argo Rollouts workloadRef (Migrating to Rollouts: reference a Deployment, scale it down)',
  },
  'refs/route-backend': {
    short:
      'A Gateway API route sending traffic to a Service that is not there, to a port the Service does not have, or naming a Service without a port',
    help: "An HTTPRoute's (GRPCRoute's, TLSRoute's, TCPRoute's, UDPRoute's) backendRefs, and an HTTPRoute filter's requestMirror.backendRef, name a Service of the route's namespace unless they say another, and its port: the Service's port, not its targetPort. Without a port the API server refuses the route (the CRD's rule: Must have port for Service reference). A Service not there, or a port it does not have, the API server takes, but the Gateway's controller sets the route's ResolvedRefs condition to False (BackendNotFound) and fails what the rule sends it (its weight's share of the rule's; all of it when it is the rule's only backend): an HTTPRoute's requests with a 500, a GRPCRoute's with the gRPC status UNAVAILABLE, a TCPRoute's, TLSRoute's or UDPRoute's connections rejected; a backendRef of weight 0, sent none, is a warning. Fix the name or the port, or add the Service (a Service without ports: add the port); one made outside the objects (an operator's, another release's) is declared under checks.existingObjects (--object-exists): Service/<namespace>/<name>. A Service of another namespace is looked up there once a ReferenceGrant lets the route reach it (refs/route-grant), and only when the objects make that namespace (another's namespace may hold it); a backend of another kind is not looked at. An ExternalName Service is a warning, its ports not looked at: Gateway API advises implementations not to forward to one (CVE-2021-25740), and a controller that does not fails what the rule sends it. The Service a Knative Service makes of its name is there, an ExternalName Service (to Knative's ingress) as any other.",
    mirrors: 'Gateway API route status (ResolvedRefs: BackendNotFound); the CRD rule Must have port for Service reference',
  },
  'refs/gateway-certificate': {
    short:
      "A Gateway API Gateway's listener terminating TLS with a Secret that is not there, or one of another namespace no ReferenceGrant there lets it reach",
    help: "A listener's tls.certificateRefs name a Secret of the Gateway's namespace unless they say another (a namespace whose ReferenceGrant must let the Gateway reach it). The API server takes the Gateway, but its controller sets the listener's ResolvedRefs condition to False (InvalidCertificateRef; RefNotPermitted without a grant) and does not program it: no TLS connection to its port and hostname succeeds. Fix the name, add the TLS Secret (tls.crt, tls.key) or declare it as made outside (secrets.external, stagecraft.dev/required-secrets), or have cert-manager make it (an issuer annotation on the Gateway, as on an Ingress: such Secrets are not looked up); add the ReferenceGrant the hint writes. A listener of tls.mode Passthrough reads no Secret; a Secret of a namespace the objects neither make nor grant in is not looked at.",
    mirrors: 'Gateway API listener status (ResolvedRefs: InvalidCertificateRef, RefNotPermitted)',
  },
  'refs/route-parent': {
    short: 'A Gateway API route attached to a Gateway that is not there, a listener it does not have, or listeners that do not admit it',
    help: "A route's parentRefs name a Gateway of the route's namespace unless they say another, and one of its listeners (sectionName, port; every listener without them). A listener admits routes of the Gateway's own namespace only unless its allowedRoutes.namespaces.from says All, or Selector with a selector the route's namespace matches, and only the kinds its allowedRoutes.kinds lists, when it lists them, and of a hostname of its own when both name hostnames (a wildcard *.example.com, one label or more). The API server takes the route, but no Gateway serves it through that parent: its status says Accepted: False (NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname). Fix the name, namespace or sectionName, or let the listener admit the route. A Gateway of a namespace the objects do not make (a shared gateway namespace) is not looked at; one made outside them in a namespace they make is declared under checks.existingObjects (--object-exists): Gateway/<namespace>/<name>.",
    mirrors: 'Gateway API route status (Accepted: NoMatchingParent, NotAllowedByListeners)',
  },
  'refs/route-grant': {
    short: 'A Gateway API route sending traffic to a Service of another namespace that no ReferenceGrant there lets it reach',
    help: "Gateway API refuses a backendRef into another namespace unless a ReferenceGrant in that namespace lets the route's kind of the route's namespace reach it (from: group gateway.networking.k8s.io, the route's kind and namespace; to: group \"\", kind Service, the Service's name or none): the API server takes the route, but its Gateway's controller sets its ResolvedRefs condition to False (RefNotPermitted) and fails what the rule sends that backend, as for a Service not there (refs/route-backend). Said when the objects make that namespace or ReferenceGrants in it, each grant there with why it does not; another's namespace is its owner's to grant in. Add the ReferenceGrant the hint writes, or send traffic to a Service of the route's namespace.",
    mirrors: 'Gateway API ReferenceGrant (route status ResolvedRefs: RefNotPermitted)',
  },
  'refs/rollout-deployment': {
    short: "An Argo Rollout's workloadRef naming a Deployment the objects make only in another namespace, or a name near one of theirs",
    help: 'Argo Rollouts reads the Deployment a workloadRef names in the Rollout\'s own namespace; without it, it marks the Rollout InvalidSpec (deployments.apps "<name>" not found) and runs no pods. A Deployment the objects do not make may be made outside them (the Helm release the Rollout migrates from): no finding, unless the objects make one of that name only in another namespace or one of a near name in this one; declare it then (checks.existingObjects in the stage file, --object-exists: Deployment/<namespace>/<name>).',
    mirrors: 'Argo Rollouts workloadRef (the Rollout InvalidSpec: the Deployment not found)',
  },
  'refs/scale-target': {
    short: 'An autoscaler targeting a workload that does not exist',
    help: "Fix scaleTargetRef. A KEDA ScaledObject's is checked as a HorizontalPodAutoscaler's (KEDA makes one of it), its kind and apiVersion apps/v1 Deployment unless given (an empty one is none). A Deployment made outside the objects (another release's) is declared under checks.existingObjects (--object-exists): Deployment/<namespace>/<name>.",
    mirrors: 'HorizontalPodAutoscaler scaleTargetRef',
  },
  'refs/autoscaled-replicas': {
    short:
      'An autoscaler (a HorizontalPodAutoscaler, a KEDA ScaledObject) scaling a workload that has spec.replicas, a number or null (warning)',
    help: 'Every apply sets the number of pods back to spec.replicas (to 1 for a null, which it sends to remove the field: a Helm value left empty), whatever the load: kubectl apply, Flux at every interval (suspended: once resumed), and Argo CD at every sync and, with selfHeal (the default of stagecraft, not of Argo CD), within seconds of each scaling, so that the engine and the autoscaler fight for as long as the load lasts (Argo CD without selfHeal, or synced by hand, takes the pods down at each sync; an ignoreDifferences of spec.replicas only hides the difference: a sync applies it unless RespectIgnoreDifferences=true); a stage delivered by an engine is told of its engine and sync policy alone. Leave the field out and let the HorizontalPodAutoscaler set it (for kubectl and Argo CD, first drop it from the last-applied configuration; for Flux, the synthesis that removes it gives the hand-over, output/replicas-reset).',
    mirrors:
      'HorizontalPodAutoscaler and kubectl apply (Kubernetes docs: Migrating Deployments and StatefulSets to horizontal autoscaling)',
  },
  'refs/autoscaler-cpu-request': {
    short: 'A HorizontalPodAutoscaler on CPU utilization over pods whose containers do not all request CPU (warning)',
    help: "CPU utilization is each pod's CPU use as a share of its containers' CPU requests: the controller cannot work it out for a pod with a container that requests none (its condition ScalingActive False, FailedGetResourceMetric: \"missing request for cpu\") and never scales. autoscaling/v1 scales on CPU utilization (80 % unless given), autoscaling/v2 too without metrics, and with a Resource (or ContainerResource) metric of cpu whose target is Utilization. A CPU limit alone counts (the API server sets the request to it). Set resources.requests.cpu on every container of the target's pod template (or on the one a ContainerResource metric names); a LimitRange that gives a default request does it too, which the checks cannot see.",
    mirrors: 'HorizontalPodAutoscaler controller (FailedGetResourceMetric: missing request for cpu)',
  },
  'refs/volume': {
    short: 'A claim binding a PersistentVolume that does not exist',
    help: 'Fix volumeName or add the PersistentVolume.',
    mirrors: 'PersistentVolumeClaim binding',
  },
  'refs/volume-capacity': {
    short: 'A claim requesting more than its volume has',
    help: 'The claim never binds.',
    mirrors: 'PersistentVolumeClaim binding',
  },
  'refs/volume-access': {
    short: 'A claim asking for access modes its volume lacks',
    help: 'The claim never binds.',
    mirrors: 'PersistentVolumeClaim binding',
  },
  'refs/volume-class': {
    short: 'A claim and its volume with different storage classes',
    help: 'The claim never binds.',
    mirrors: 'PersistentVolumeClaim binding',
  },
  'refs/volume-claimed': {
    short: 'A claim binding a volume reserved for another claim',
    help: "Point the volume's claimRef at this claim, or bind another volume.",
    mirrors: 'PersistentVolume claimRef',
  },
  'refs/claim': {
    short: 'A pod volume naming a claim that does not exist',
    help: 'The pod stays Pending. Fix claimName or add the claim.',
    mirrors: 'kubelet volume mount',
  },
  'refs/secret': {
    short: 'A pod using a Secret that does not exist',
    help: 'The pod does not start. Fix the name, add the Secret, or mark the reference optional; one made outside stagecraft is declared in the stage file (secrets.external), which lists it on the Namespace (stagecraft.dev/required-secrets).',
    mirrors: 'kubelet volume and env resolution',
  },
  'refs/pull-secret': {
    short: 'A pod pulling its images with a Secret that does not exist',
    help: "The kubelet pulls without it, and an image of a private registry fails to pull (ErrImagePull). Make it with kubectl create secret docker-registry and declare it in the stage file (secrets.external, with the key .dockerconfigjson, or a service app's imagePullSecrets), or fix the name.",
    mirrors: 'kubelet image pull credentials (imagePullSecrets)',
  },
  'refs/pull-secret-type': {
    short: 'A pod pulling its images with a Secret of a type the kubelet does not read credentials from',
    help: 'Only Secrets of type kubernetes.io/dockerconfigjson (or kubernetes.io/dockercfg) hold registry credentials: make it with kubectl create secret docker-registry.',
    mirrors: 'kubelet image pull credentials (pkg/credentialprovider/secrets)',
  },
  'refs/configmap': {
    short: 'A pod using a ConfigMap that does not exist',
    help: 'The pod does not start. Fix the name, add the ConfigMap, or mark the reference optional.',
    mirrors: 'kubelet volume and env resolution',
  },
  'refs/secret-key': {
    short: 'A pod reading a key its Secret does not declare',
    help: `Add the key (or list it in the Secret's stagecraft.dev/secret-keys annotation), or read another.`,
    mirrors: 'kubelet env resolution (CreateContainerConfigError)',
  },
  'refs/configmap-key': {
    short: 'A pod reading a key its ConfigMap does not declare',
    help: 'Add the key, or read another.',
    mirrors: 'kubelet env resolution (CreateContainerConfigError)',
  },
  'refs/volume-mount': {
    short: 'A container mounting a volume the pod does not have',
    help: 'Add the volume or fix the name.',
    mirrors: 'pkg/apis/core/validation validateVolumeMounts',
  },
  'refs/probe-port': {
    short: 'A probe on a named port the container does not declare',
    help: 'A named port resolves only among the container ports: declare it or probe a declared one. A number is probed whether declared or not, which the API server takes: no finding.',
    mirrors: 'kubelet probes (named ports resolve only when declared)',
  },
  'refs/probe-protocol': {
    short: 'A TCP probe (tcpSocket, grpc, httpGet) on a port declared as UDP',
    help: 'The probe connects over TCP and never reaches a UDP service; probe a TCP port or use exec.',
    mirrors: 'kubelet probes connect over TCP',
  },
  'refs/service-account': {
    short: 'A pod running as a service account that does not exist',
    help: 'The pod is refused by the ServiceAccount admission plugin. Add it or fix the name; one made outside stagecraft is declared in the stage file (serviceAccounts.external), which lists it on the Namespace (stagecraft.dev/required-service-accounts).',
    mirrors: 'ServiceAccount admission',
  },
  'refs/binding-subject': {
    short:
      'A RoleBinding or ClusterRoleBinding granting its role to a ServiceAccount that is not there (in a namespace nobody creates, of an account the objects have nowhere: warning)',
    help: "The API server takes the binding, and it grants nothing: its ServiceAccount subject is in a namespace nobody creates, or missing from one the stage creates. A file written for kubectl apply -n <namespace> (Argo CD's install.yaml) names that namespace in its ClusterRoleBindings while its ServiceAccounts get the stage's: set the subject's namespace to the stage's. Another stack's account (kube-prometheus's prometheus-k8s in monitoring) in a namespace the stage does not create, with no account of that name among the objects, is a warning: the binding grants nothing until that namespace exists; declare it under checks.existingNamespaces if another stage or tool makes it.",
    mirrors: 'RBAC authorizer (a subject matches only its namespace and name)',
  },
  'refs/called-service': {
    short:
      'A webhook, APIService or CRD conversion calling a Service that is not there (in a namespace nobody creates, of a Service the objects have nowhere: warning)',
    help: "The API server takes the object and its calls fail: an admission webhook with failurePolicy Fail (the default) then refuses every request it intercepts. The Service's namespace is nobody's, or the Service is missing from one the stage creates; a file written for kubectl apply -n <namespace> names that namespace in clientConfig.service while its Services get the stage's: set the namespace to the stage's. Another stack's Service in a namespace the stage does not create, with no Service of that name among the objects, is a warning: the calls fail until that namespace exists; declare it under checks.existingNamespaces if another stage or tool makes it.",
    mirrors: 'API server webhook and aggregation clients (service namespace and name)',
  },
  'refs/network-policy-selector': {
    short: 'A NetworkPolicy selecting no pod of its namespace',
    help: 'The policy protects nothing; make podSelector match the pods (empty selects all).',
    mirrors: 'NetworkPolicy spec.podSelector',
  },
  'refs/network-policy-peer': {
    short: 'A NetworkPolicy peer podSelector matching no pod of the namespace',
    help: 'The rule allows nothing; fix the labels, or add a namespaceSelector for pods elsewhere.',
    mirrors: 'NetworkPolicy peers',
  },
  'refs/network-policy-uncovered': {
    short: 'Pods in a namespace with NetworkPolicies that none selects (warning)',
    help: "Their traffic is not restricted while their neighbours' is: select them, or add a default-deny policy.",
    mirrors: 'NetworkPolicy isolation applies only to selected pods',
  },
  'refs/workload-overlap': {
    short: "A workload's selector matching another workload's pods in its namespace (warning)",
    help: "The API server takes both, and each controller keeps to the pods it owns, but whatever finds the workload's pods by its selector counts the other's too (an autoscaler's CPU average, kubectl get/logs -l), and each adopts the other's orphans. Relabel the other's pods, or give this workload's pods a label of their own that its selector names (a stack's workload selects as its stack writes it). What a controller made (a Deployment's exported ReplicaSets and Pods) is api/owner-reference's, not an overlap.",
    mirrors: 'Deployment docs: do not overlap labels or selectors with other controllers',
  },
  'refs/pdb-selector': {
    short: 'A PodDisruptionBudget covering no pod',
    help: 'Make the selector match the pods.',
    mirrors: 'PodDisruptionBudget selector',
  },
  'refs/pdb-blocks-drain': {
    short: 'A PodDisruptionBudget that allows no eviction (warning)',
    help: "minAvailable at least the replicas covered (or 100%), or maxUnavailable 0, blocks every node drain. A workload that writes no spec.replicas counts its autoscaler's fewest: a HorizontalPodAutoscaler's minReplicas, a KEDA ScaledObject's minReplicaCount (at least 1: one scaled to zero has no pod to evict).",
    mirrors: 'Eviction API and PodDisruptionBudget',
  },
  'refs/service-monitor-selector': {
    short: 'A ServiceMonitor selecting no Service of the objects (CRD known; warning)',
    help: "ServiceMonitors select Services by the Services' labels (not the pods'), in their own namespace or those of namespaceSelector.matchNames: one that matches none scrapes nothing, silently. Make the selector match the Services' labels. A warning, not an error: the Services may be an operator's, made from a custom resource (Strimzi's Kafka, the Prometheus operator's prometheus-operated), which no object shows. A namespace the objects do not make, or namespaceSelector.any, is not looked in.",
    mirrors: 'Prometheus Operator ServiceMonitor',
  },
  'refs/service-monitor-port': {
    short: 'A ServiceMonitor scraping a port name no selected Service has',
    help: 'endpoints[].port names a Service port.',
    mirrors: 'Prometheus Operator ServiceMonitor',
  },
  'refs/statefulset-service': {
    short: 'A StatefulSet whose serviceName names no headless Service of its namespace selecting its pods (warning)',
    help: 'The cluster DNS names each pod of a StatefulSet (<pod>.<serviceName>.<namespace>.svc, what clustered databases and brokers find each other by) only through a headless Service (clusterIP: None) of that name in its namespace whose selector selects the pods. The API server takes the StatefulSet without it and its pods run, without those names. Add the headless Service or fix the name; a Service that is not headless cannot be made so (its clusterIP is immutable): add another, headless, for the StatefulSet. One made outside the objects is declared under checks.existingObjects (--object-exists): Service/<namespace>/<name>.',
    mirrors: 'StatefulSet pod identity (DNS for Services and Pods: A records of a headless Service)',
  },
  'refs/pod-monitor-selector': {
    short: 'A PodMonitor selecting no pod template of the objects (CRD known; warning)',
    help: "PodMonitors select pods by their pod template's labels (not the Services'), in their own namespace or those of namespaceSelector.matchNames: one that matches none scrapes nothing, silently. Make the selector match the pods' labels. A warning, not an error: the pods may be an operator's, made from a custom resource (Strimzi's Kafka, whose PodMonitors select strimzi.io/kind), which no pod template among the objects shows. A namespace the objects do not make, or namespaceSelector.any, is not looked in.",
    mirrors: 'Prometheus Operator PodMonitor',
  },
  'refs/pod-monitor-port': {
    short: 'A PodMonitor scraping a container port name no selected pod declares',
    help: "podMetricsEndpoints[].port names a container port of the selected pods (ports[].name): Prometheus keeps only the targets of a container port of that name, so with none it scrapes nothing. Name a declared port, or name the container's port. The ports a service mesh's injected sidecar declares (Istio's http-envoy-prom, Linkerd's linkerd-admin), which no pod template shows, are not looked for.",
    mirrors: 'Prometheus Operator PodMonitor',
  },
  'policy/host-namespaces': policy(
    'host-namespaces',
    "A pod sharing the node's network, PID or IPC namespace",
    "hostNetwork/hostPID/hostIPC give the pod the node's namespaces.",
    pss('baseline', 'Host Namespaces'),
  ),
  'policy/host-ports': policy(
    'host-ports',
    'A container binding a host port',
    'Reach the pod through a Service instead.',
    pss('baseline', 'Host Ports'),
  ),
  'policy/host-path': policy(
    'host-path',
    'A hostPath volume',
    "hostPath volumes expose the node's filesystem.",
    pss('baseline', 'HostPath Volumes'),
  ),
  'policy/privileged': policy(
    'privileged',
    'A privileged container (or hostProcess, unmasked /proc, custom SELinux/AppArmor)',
    "Privileged containers have the node's full power.",
    pss('baseline', 'Privileged Containers, HostProcess, /proc Mount Type, SELinux, AppArmor'),
  ),
  'policy/capabilities': policy(
    'capabilities',
    'Added capabilities (baseline), or capabilities not dropped (restricted)',
    'Drop ALL and add only NET_BIND_SERVICE at the restricted level (Windows pods are exempt).',
    pss('baseline/restricted', 'Capabilities'),
  ),
  'policy/run-as-root': policy(
    'run-as-root',
    'A container that may run as root',
    'Set runAsNonRoot: true and a non-zero user.',
    pss('restricted', 'Running as Non-root'),
  ),
  'policy/privilege-escalation': policy(
    'privilege-escalation',
    'allowPrivilegeEscalation not false',
    'Set allowPrivilegeEscalation: false (Windows pods are exempt).',
    pss('restricted', 'Privilege Escalation'),
  ),
  'policy/seccomp': policy(
    'seccomp',
    'seccomp Unconfined, or no seccomp profile (restricted)',
    'Use RuntimeDefault (Windows pods are exempt at the restricted level).',
    pss('baseline/restricted', 'Seccomp'),
  ),
  'policy/volume-types': policy(
    'volume-types',
    'A volume type the restricted level does not allow',
    'Use configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret.',
    pss('restricted', 'Volume Types'),
  ),
  'policy/image-tag': policy(
    'image-tag',
    'An image without a pinned tag (warning)',
    'latest (or no tag) changes under you; pin a version.',
    'kubelet imagePullPolicy defaults (Always for :latest)',
  ),
  'policy/resources': policy(
    'resources',
    'A container without resource requests or limits (warning)',
    'Set requests and limits so scheduling and eviction are predictable.',
    'scheduler requests, kubelet limits, QoS classes',
  ),
  'policy/probes': policy(
    'probes',
    'A long-running container without a livenessProbe, or without a readinessProbe while a Service selects its pods (warning)',
    'A livenessProbe restarts a container that stops responding; a readinessProbe keeps a Service from sending requests to a pod before it is ready.',
    'kubelet probes, Service endpoints, Deployment rollouts',
  ),
  'policy/unknown-control': {
    short: 'An exception annotation naming no control',
    help: 'Use one of the controls listed (a misspelled exception excuses nothing).',
    mirrors: 'stagecraft policy exceptions',
  },
  'policy/unused-exception': {
    short: 'An exception that excuses nothing (warning)',
    help: 'Remove it, so that it cannot hide a later change.',
    mirrors: 'stagecraft policy exceptions',
  },
  'policy/secret-value': {
    short: 'A Secret holding values in the manifests',
    help: 'base64 is an encoding, not encryption: keep values out of committed manifests (declare the keys with stagecraft.dev/secret-keys).',
    mirrors: 'Secret good practices (kubernetes.io/docs/concepts/security/secrets-good-practices)',
  },
  'static-pod/kind': {
    short: 'A node file that is not a Pod',
    help: 'A kubelet manifest directory holds Pods only.',
    mirrors: 'kubelet --pod-manifest-path',
  },
  'static-pod/api-reference': {
    short: 'A static Pod referring to API objects',
    help: 'Static pods cannot use Secrets, ConfigMaps, service accounts or claims.',
    mirrors: 'kubelet static pods (no API objects)',
  },
};

/** The rule of a code; `schema/<ajv keyword>` codes without an entry get a generic one. */
export function ruleInfo(code: string): RuleInfo {
  return (
    RULES[code] ??
    (code.startsWith('schema/')
      ? {
          short: `A value the schema refuses (${code.slice('schema/'.length)})`,
          help: 'The API server refuses the value; see the message for the bound.',
          mirrors: 'OpenAPI or CRD schema',
        }
      : { short: code, help: 'See lib/checks/README.md.', mirrors: '' })
  );
}
