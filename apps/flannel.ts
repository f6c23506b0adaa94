/**
 * The flannel pod network add-on (section A of the spec), after flannel v0.11.0's published
 * kube-flannel.yml: its ServiceAccount, RBAC, ConfigMap `kube-flannel-cfg` and a DaemonSet on every
 * node. Images are written as published for amd64 (`...-amd64`); ARM stages get the `-arm` builds
 * through the image table. The network configuration (`net-conf.json`) comes from the stage file.
 *
 * Differences from the published manifest, for Kubernetes 1.25: the PodSecurityPolicy and the RBAC
 * rule that let flannel use it are gone (PodSecurityPolicy was removed in 1.25; the policy
 * exceptions below say the same to the admission checks); DaemonSet is apps/v1 (with the selector
 * it requires); one DaemonSet per stage, as a stage's nodes share one architecture; the pod template
 * carries the ConfigMap's content hash (`CONFIG_HASH_ANNOTATION`).
 */
import { Chart } from 'cdk8s';
import { contentHash, k8s } from '../lib/constructs/index.js';
import { ImageRef, Settings, StringEnum, Type, type Static } from '../lib/config/types.js';
import { allowPolicyException } from '../lib/policy.js';
import { defineStack, imageVersion, type SettingsProblem } from '../lib/stack.js';

const NAMESPACE = 'kube-system';
export const FLANNEL_IMAGE = 'quay.io/coreos/flannel:v0.11.0-amd64';
const DEFAULT_SUBNET_LEN = 24;
/** flannel refuses a SubnetLen above 30: a node's subnet holds its bridge and tunnel addresses besides pods. */
const MAX_SUBNET_LEN = 30;
/** flannel refuses a SubnetLen less than 2 longer than the network's prefix: it needs four subnets, as it never hands out the first. */
const MIN_SUBNET_BITS = 2;
export const BACKEND_TYPES = ['vxlan', 'host-gw', 'udp'] as const;
/**
 * The pod template's annotation holding the content hash of the ConfigMap's data. flanneld and the
 * install-cni step read the ConfigMap only when they start, and the ConfigMap keeps the name the
 * published manifest gives it, so without this a change of network or backend would change no pod
 * template: the DaemonSet would replace no pod, and the nodes would pick the change up one by one
 * as their pods happen to restart, running two backends side by side in the meantime.
 */
export const CONFIG_HASH_ANNOTATION = 'stagecraft.dev/config-hash';

/** The CNI configuration the published manifest installs on every node (flannel, then portmap for hostPort). */
const CNI_CONF = {
  name: 'cbr0',
  cniVersion: '0.3.1',
  plugins: [
    { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
    { type: 'portmap', capabilities: { portMappings: true } },
  ],
};

export const flannelSettings = Settings({
  network: Type.String({
    pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$',
    expected: 'an IPv4 network in CIDR notation such as 10.20.0.0/16',
    description: 'The pod network, split into one subnet per node (net-conf.json Network).',
  }),
  subnetLen: Type.Optional(
    Type.Integer({
      minimum: 8,
      maximum: MAX_SUBNET_LEN,
      description: "Prefix length of each node's subnet (SubnetLen), at least 2 longer than the network's. @default 24",
    }),
  ),
  backend: Type.Optional(
    Settings({
      type: Type.Optional(StringEnum(BACKEND_TYPES, { description: 'How packets travel between nodes (Backend.Type). @default vxlan' })),
      vni: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 16777215,
          description: "VXLAN network identifier (vxlan only). @default 1 (flannel's own default)",
        }),
      ),
    }),
  ),
  image: Type.Optional(ImageRef({ description: `flannel image as published for amd64. @default ${FLANNEL_IMAGE}` })),
});

type FlannelSettings = Static<typeof flannelSettings>;

/** The `net-conf.json` of the ConfigMap, as flannel reads it. */
export function netConf(s: FlannelSettings): string {
  const type = s.backend?.type ?? 'vxlan';
  const conf = {
    Network: s.network,
    SubnetLen: s.subnetLen ?? DEFAULT_SUBNET_LEN,
    Backend: { Type: type, ...(s.backend?.vni !== undefined ? { VNI: s.backend.vni } : {}) },
  };
  return `${JSON.stringify(conf, null, 2)}\n`;
}

export const flannel = defineStack({
  name: 'flannel',
  settings: flannelSettings,
  version: (s) => imageVersion(s.image ?? FLANNEL_IMAGE).replace(/-amd64$/, ''),
  refine(s) {
    const problems: SettingsProblem[] = [];
    const prefix = Number(s.network.split('/')[1]);
    const octets = s.network.split('/')[0].split('.').map(Number);
    if (prefix > 32 || octets.some((o) => o > 255)) {
      problems.push({
        code: 'config/invalid',
        path: ['network'],
        message: `is not an IPv4 network (found ${s.network})`,
        hint: 'write it as a.b.c.d/n, e.g. 10.20.0.0/16',
      });
    } else if ((s.subnetLen ?? DEFAULT_SUBNET_LEN) < prefix + MIN_SUBNET_BITS) {
      // flannel's ParseConfig: "Network must be able to accommodate at least four subnets" (the first is never used)
      const hint =
        prefix + MIN_SUBNET_BITS > MAX_SUBNET_LEN
          ? `make the network larger (a prefix of /${MAX_SUBNET_LEN - MIN_SUBNET_BITS} or shorter, such as 10.20.0.0/16)`
          : `set subnetLen between ${prefix + MIN_SUBNET_BITS} and ${MAX_SUBNET_LEN}, or make the network larger`;
      problems.push({
        code: 'config/conflict',
        path: ['subnetLen'],
        message:
          `needs to be at least ${MIN_SUBNET_BITS} longer than the network's prefix /${prefix} (found ${s.subnetLen ?? DEFAULT_SUBNET_LEN}): ` +
          'flannel splits the network into per-node subnets and refuses to start unless it holds at least four',
        hint,
      });
    }
    if (s.backend?.vni !== undefined && (s.backend.type ?? 'vxlan') !== 'vxlan') {
      problems.push({
        code: 'config/conflict',
        path: ['backend', 'vni'],
        message: `needs backend.type 'vxlan' (found '${s.backend.type}')`,
        hint: 'remove vni, or set type: vxlan',
      });
    }
    return problems;
  },
  chart(app, name, s) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    const image = s.image ?? FLANNEL_IMAGE;
    const labels = { tier: 'node', app: name };
    const account = new k8s.KubeServiceAccount(chart, 'service-account', { metadata: { name, namespace: NAMESPACE } });
    new k8s.KubeClusterRole(chart, 'cluster-role', {
      metadata: { name },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch'] },
      ],
    });
    new k8s.KubeClusterRoleBinding(chart, 'cluster-role-binding', {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: account.name, namespace: NAMESPACE }],
    });
    const data = { 'cni-conf.json': `${JSON.stringify(CNI_CONF, null, 2)}\n`, 'net-conf.json': netConf(s) };
    const config = new k8s.KubeConfigMap(chart, 'config', { metadata: { name: `kube-${name}-cfg`, namespace: NAMESPACE, labels }, data });
    const configMount = { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' };
    const ds = new k8s.KubeDaemonSet(chart, 'daemonset', {
      metadata: { name: `kube-${name}-ds`, namespace: NAMESPACE, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: contentHash(data) } },
          spec: {
            hostNetwork: true,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            // every node, the control plane included: pods everywhere need the network
            tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
            serviceAccountName: account.name,
            initContainers: [
              {
                name: 'install-cni',
                image,
                command: ['cp'],
                args: ['-f', '/etc/kube-flannel/cni-conf.json', '/etc/cni/net.d/10-flannel.conflist'],
                volumeMounts: [{ name: 'cni', mountPath: '/etc/cni/net.d' }, configMount],
              },
            ],
            containers: [
              {
                name: 'kube-flannel',
                image,
                command: ['/opt/bin/flanneld'],
                args: ['--ip-masq', '--kube-subnet-mgr'],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('50Mi') },
                  limits: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('50Mi') },
                },
                securityContext: { privileged: false, capabilities: { add: ['NET_ADMIN'] } },
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ],
                volumeMounts: [{ name: 'run', mountPath: '/run/flannel' }, configMount],
              },
            ],
            volumes: [
              { name: 'run', hostPath: { path: '/run/flannel' } },
              { name: 'cni', hostPath: { path: '/etc/cni/net.d' } },
              { name: 'flannel-cfg', configMap: { name: config.name } },
            ],
          },
        },
      },
    });
    allowPolicyException(ds, 'host-namespaces', "flanneld configures the node's own network (routes, the flannel.1 VXLAN device)");
    allowPolicyException(ds, 'host-path', 'writes the CNI config to /etc/cni/net.d and its subnet lease to /run/flannel on the node');
    allowPolicyException(ds, 'capabilities', 'NET_ADMIN, to create network devices and routes on the node');
    return chart;
  },
});
