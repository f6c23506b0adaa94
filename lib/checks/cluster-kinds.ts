/**
 * The custom kinds that common operators' CustomResourceDefinitions put at cluster scope
 * (`scope: Cluster`), as data, by project: what the checks and the namespace transform take while no
 * CRD of the kind is known (crds.ts `KNOWN_CLUSTER_KINDS`; a CRD of the kind, when known, says its
 * scope). Projects whose kinds are all namespaced are named without kinds, so that the next reader
 * does not look again: Velero (its Backups, Schedules and storage locations live in velero's
 * namespace), the Prometheus operator, Istio's own APIs (networking, security, telemetry), Argo CD,
 * Flux. Pure data.
 */

/** One project's cluster-scoped kinds: each kind in each of its groups. */
interface ProjectKinds {
  readonly project: string;
  readonly groups: readonly string[];
  /** The kinds, or `*`: every kind of the groups (Gatekeeper makes a constraint's CRD of its template, at cluster scope). */
  readonly kinds: readonly string[];
}

const PROJECTS: readonly ProjectKinds[] = [
  {
    // the same kinds through Calico's API server (projectcalico.org/v3, as its docs write them) and its CRDs
    project: 'Calico',
    groups: ['crd.projectcalico.org', 'projectcalico.org'],
    kinds: [
      'BGPConfiguration',
      'BGPFilter',
      'BGPPeer',
      'CalicoNodeStatus',
      'ClusterInformation',
      'FelixConfiguration',
      'GlobalNetworkPolicy',
      'GlobalNetworkSet',
      'HostEndpoint',
      'IPPool',
      'IPReservation',
      'KubeControllersConfiguration',
      'StagedGlobalNetworkPolicy',
      'Tier',
    ],
  },
  { project: "Calico's IPAM", groups: ['crd.projectcalico.org'], kinds: ['BlockAffinity', 'IPAMBlock', 'IPAMConfig', 'IPAMHandle'] },
  { project: "Calico's operator (Tigera)", groups: ['operator.tigera.io'], kinds: ['APIServer', 'Installation', 'TigeraStatus'] },
  {
    project: 'Cilium',
    groups: ['cilium.io'],
    kinds: [
      'CiliumBGPAdvertisement',
      'CiliumBGPClusterConfig',
      'CiliumBGPNodeConfig',
      'CiliumBGPNodeConfigOverride',
      'CiliumBGPPeerConfig',
      'CiliumBGPPeeringPolicy',
      'CiliumCIDRGroup',
      'CiliumClusterwideEnvoyConfig',
      'CiliumClusterwideNetworkPolicy',
      'CiliumEgressGatewayPolicy',
      'CiliumExternalWorkload',
      'CiliumIdentity',
      'CiliumL2AnnouncementPolicy',
      'CiliumLoadBalancerIPPool',
      'CiliumNode',
      'CiliumPodIPPool',
    ],
  },
  {
    project: "Istio's Sail operator",
    groups: ['sailoperator.io'],
    kinds: ['Istio', 'IstioCNI', 'IstioRevision', 'IstioRevisionTag', 'ZTunnel'],
  },
  {
    project: 'Kyverno',
    groups: ['kyverno.io'],
    kinds: ['ClusterAdmissionReport', 'ClusterBackgroundScanReport', 'ClusterCleanupPolicy', 'ClusterPolicy'],
  },
  {
    project: "Kyverno's CEL policies",
    groups: ['policies.kyverno.io'],
    kinds: ['DeletingPolicy', 'GeneratingPolicy', 'ImageValidatingPolicy', 'MutatingPolicy', 'ValidatingPolicy'],
  },
  { project: "Kyverno's reports", groups: ['reports.kyverno.io'], kinds: ['ClusterEphemeralReport'] },
  { project: 'Policy reports (Kyverno, Falco)', groups: ['wgpolicyk8s.io'], kinds: ['ClusterPolicyReport'] },
  { project: 'Gatekeeper', groups: ['templates.gatekeeper.sh'], kinds: ['ConstraintTemplate'] },
  { project: "Gatekeeper's constraints", groups: ['constraints.gatekeeper.sh'], kinds: ['*'] },
  {
    project: "Gatekeeper's mutators",
    groups: ['mutations.gatekeeper.sh'],
    kinds: ['Assign', 'AssignImage', 'AssignMetadata', 'ModifySet'],
  },
  { project: "Gatekeeper's expansion", groups: ['expansion.gatekeeper.sh'], kinds: ['ExpansionTemplate'] },
  { project: "Gatekeeper's external data", groups: ['externaldata.gatekeeper.sh'], kinds: ['Provider'] },
  {
    project: 'Crossplane',
    groups: ['apiextensions.crossplane.io'],
    kinds: [
      'CompositeResourceDefinition',
      'Composition',
      'CompositionRevision',
      'EnvironmentConfig',
      'ManagedResourceActivationPolicy',
      'ManagedResourceDefinition',
    ],
  },
  {
    project: "Crossplane's packages",
    groups: ['pkg.crossplane.io'],
    kinds: [
      'Configuration',
      'ConfigurationRevision',
      'ControllerConfig',
      'DeploymentRuntimeConfig',
      'Function',
      'FunctionRevision',
      'ImageConfig',
      'Lock',
      'Provider',
      'ProviderRevision',
    ],
  },
  { project: 'cert-manager', groups: ['cert-manager.io'], kinds: ['ClusterIssuer'] },
  { project: "cert-manager's approver-policy", groups: ['policy.cert-manager.io'], kinds: ['CertificateRequestPolicy'] },
  { project: 'trust-manager', groups: ['trust.cert-manager.io'], kinds: ['Bundle', 'ClusterBundle'] },
  {
    project: 'External Secrets',
    groups: ['external-secrets.io'],
    kinds: ['ClusterExternalSecret', 'ClusterPushSecret', 'ClusterSecretStore'],
  },
  { project: "External Secrets' generators", groups: ['generators.external-secrets.io'], kinds: ['ClusterGenerator'] },
  { project: 'Argo Rollouts and Workflows', groups: ['argoproj.io'], kinds: ['ClusterAnalysisTemplate', 'ClusterWorkflowTemplate'] },
  { project: 'Tekton', groups: ['tekton.dev'], kinds: ['ClusterTask'] },
  { project: "Tekton's triggers", groups: ['triggers.tekton.dev'], kinds: ['ClusterInterceptor', 'ClusterTriggerBinding'] },
  { project: 'Gateway API', groups: ['gateway.networking.k8s.io'], kinds: ['GatewayClass'] },
  {
    project: 'Network Policy API',
    groups: ['policy.networking.k8s.io'],
    kinds: ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy'],
  },
  { project: 'Karpenter', groups: ['karpenter.sh'], kinds: ['NodeClaim', 'NodePool'] },
  { project: "Karpenter's AWS provider", groups: ['karpenter.k8s.aws'], kinds: ['EC2NodeClass'] },
  { project: "Karpenter's Azure provider", groups: ['karpenter.azure.com'], kinds: ['AKSNodeClass'] },
  { project: 'KEDA', groups: ['keda.sh'], kinds: ['ClusterTriggerAuthentication'] },
  { project: 'Knative', groups: ['networking.internal.knative.dev'], kinds: ['ClusterDomainClaim'] },
  { project: 'CSI snapshots', groups: ['snapshot.storage.k8s.io'], kinds: ['VolumeSnapshotClass', 'VolumeSnapshotContent'] },
  {
    project: 'CSI group snapshots',
    groups: ['groupsnapshot.storage.k8s.io'],
    kinds: ['VolumeGroupSnapshotClass', 'VolumeGroupSnapshotContent'],
  },
  { project: 'Kueue', groups: ['kueue.x-k8s.io'], kinds: ['AdmissionCheck', 'ClusterQueue', 'ResourceFlavor', 'WorkloadPriorityClass'] },
  { project: "NVIDIA's GPU operator", groups: ['nvidia.com'], kinds: ['ClusterPolicy', 'NVIDIADriver'] },
  { project: 'Node Feature Discovery', groups: ['nfd.k8s-sigs.io'], kinds: ['NodeFeatureRule'] },
];

/** `group/kind` of every kind of `PROJECTS` (`group/*` for every kind of a group), sorted. */
export const PROJECTS_CLUSTER_KINDS: readonly string[] = PROJECTS.flatMap(({ groups, kinds }) =>
  groups.flatMap((group) => kinds.map((kind) => `${group}/${kind}`)),
).sort();
