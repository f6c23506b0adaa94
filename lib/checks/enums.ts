/**
 * Values the API server accepts for string fields that the OpenAPI definitions type only as
 * `string` (Kubernetes validates them in code: k8s.io/kubernetes/pkg/apis/core/validation and
 * friends). Keyed by OpenAPI name; `[]` after a name means the items of a list.
 */
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const CORE = 'io.k8s.api.core.v1';
const ADMISSION = 'io.k8s.api.admissionregistration.v1';
/** A webhook's settings, the same for validating and mutating ones (admissionregistration/v1 refuses v1beta1's sideEffects Some and Unknown). */
const WEBHOOK = { failurePolicy: ['Ignore', 'Fail'], sideEffects: ['None', 'NoneOnDryRun'], matchPolicy: ['Exact', 'Equivalent'] };

export const FIELD_ENUMS: Readonly<Record<string, readonly string[]>> = {
  [`${CORE}.ContainerPort#protocol`]: PROTOCOLS,
  [`${CORE}.ServicePort#protocol`]: PROTOCOLS,
  [`${CORE}.EndpointPort#protocol`]: PROTOCOLS,
  'io.k8s.api.networking.v1.NetworkPolicyPort#protocol': PROTOCOLS,
  [`${CORE}.Container#imagePullPolicy`]: ['Always', 'IfNotPresent', 'Never'],
  [`${CORE}.EphemeralContainer#imagePullPolicy`]: ['Always', 'IfNotPresent', 'Never'],
  [`${CORE}.Container#terminationMessagePolicy`]: ['File', 'FallbackToLogsOnError'],
  [`${CORE}.PodSpec#restartPolicy`]: ['Always', 'OnFailure', 'Never'],
  [`${CORE}.PodSpec#dnsPolicy`]: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  [`${CORE}.PodSpec#preemptionPolicy`]: ['PreemptLowerPriority', 'Never'],
  [`${CORE}.ServiceSpec#type`]: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
  [`${CORE}.ServiceSpec#sessionAffinity`]: ['ClientIP', 'None'],
  [`${CORE}.ServiceSpec#externalTrafficPolicy`]: ['Cluster', 'Local'],
  [`${CORE}.ServiceSpec#internalTrafficPolicy`]: ['Cluster', 'Local'],
  [`${CORE}.ServiceSpec#ipFamilyPolicy`]: ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
  [`${CORE}.ServiceSpec#ipFamilies[]`]: ['IPv4', 'IPv6'],
  [`${CORE}.PersistentVolumeSpec#persistentVolumeReclaimPolicy`]: ['Retain', 'Delete', 'Recycle'],
  [`${CORE}.PersistentVolumeSpec#volumeMode`]: VOLUME_MODES,
  [`${CORE}.PersistentVolumeClaimSpec#volumeMode`]: VOLUME_MODES,
  [`${CORE}.PersistentVolumeSpec#accessModes[]`]: ACCESS_MODES,
  [`${CORE}.PersistentVolumeClaimSpec#accessModes[]`]: ACCESS_MODES,
  [`${CORE}.HostPathVolumeSource#type`]: [
    '',
    'DirectoryOrCreate',
    'Directory',
    'FileOrCreate',
    'File',
    'Socket',
    'CharDevice',
    'BlockDevice',
  ],
  [`${CORE}.VolumeMount#mountPropagation`]: ['None', 'HostToContainer', 'Bidirectional'],
  [`${CORE}.SecurityContext#procMount`]: ['Default', 'Unmasked'],
  [`${CORE}.SeccompProfile#type`]: ['RuntimeDefault', 'Unconfined', 'Localhost'],
  [`${CORE}.Toleration#operator`]: ['Exists', 'Equal'],
  [`${CORE}.Toleration#effect`]: ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'],
  [`${CORE}.Taint#effect`]: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'],
  [`${CORE}.TopologySpreadConstraint#whenUnsatisfiable`]: ['DoNotSchedule', 'ScheduleAnyway'],
  [`${CORE}.NodeSelectorRequirement#operator`]: ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement#operator': ['In', 'NotIn', 'Exists', 'DoesNotExist'],
  'io.k8s.api.apps.v1.DeploymentStrategy#type': ['Recreate', 'RollingUpdate'],
  'io.k8s.api.apps.v1.DaemonSetUpdateStrategy#type': ['RollingUpdate', 'OnDelete'],
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy#type': ['RollingUpdate', 'OnDelete'],
  'io.k8s.api.apps.v1.StatefulSetSpec#podManagementPolicy': ['OrderedReady', 'Parallel'],
  'io.k8s.api.batch.v1.CronJobSpec#concurrencyPolicy': ['Allow', 'Forbid', 'Replace'],
  'io.k8s.api.batch.v1.JobSpec#completionMode': ['NonIndexed', 'Indexed'],
  'io.k8s.api.networking.v1.HTTPIngressPath#pathType': ['Exact', 'Prefix', 'ImplementationSpecific'],
  'io.k8s.api.networking.v1.NetworkPolicySpec#policyTypes[]': ['Ingress', 'Egress'],
  [`${CORE}.PodOS#name`]: ['linux', 'windows'],
  [`${ADMISSION}.ValidatingWebhook#failurePolicy`]: WEBHOOK.failurePolicy,
  [`${ADMISSION}.ValidatingWebhook#sideEffects`]: WEBHOOK.sideEffects,
  [`${ADMISSION}.ValidatingWebhook#matchPolicy`]: WEBHOOK.matchPolicy,
  [`${ADMISSION}.MutatingWebhook#failurePolicy`]: WEBHOOK.failurePolicy,
  [`${ADMISSION}.MutatingWebhook#sideEffects`]: WEBHOOK.sideEffects,
  [`${ADMISSION}.MutatingWebhook#matchPolicy`]: WEBHOOK.matchPolicy,
  [`${ADMISSION}.MutatingWebhook#reinvocationPolicy`]: ['Never', 'IfNeeded'],
  [`${ADMISSION}.RuleWithOperations#operations[]`]: ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'],
  [`${ADMISSION}.RuleWithOperations#scope`]: ['*', 'Cluster', 'Namespaced'],
  // autoscaling/v2 and v2beta2 (still served by 1.25) alike
  ...Object.fromEntries(
    ['v2', 'v2beta2'].flatMap((v) => [
      [`io.k8s.api.autoscaling.${v}.MetricSpec#type`, ['Object', 'Pods', 'Resource', 'ContainerResource', 'External']],
      [`io.k8s.api.autoscaling.${v}.MetricTarget#type`, ['Utilization', 'Value', 'AverageValue']],
      [`io.k8s.api.autoscaling.${v}.HPAScalingRules#selectPolicy`, ['Max', 'Min', 'Disabled']],
      [`io.k8s.api.autoscaling.${v}.HPAScalingPolicy#type`, ['Pods', 'Percent']],
    ]),
  ),
  'io.k8s.api.rbac.v1.Subject#kind': ['User', 'Group', 'ServiceAccount'],
  'io.k8s.api.rbac.v1.RoleRef#kind': ['Role', 'ClusterRole'],
  'io.k8s.api.storage.v1.StorageClass#reclaimPolicy': ['Retain', 'Delete'],
  'io.k8s.api.storage.v1.StorageClass#volumeBindingMode': ['Immediate', 'WaitForFirstConsumer'],
};
