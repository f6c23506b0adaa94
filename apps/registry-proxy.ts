/**
 * The registry proxy (section A of the spec): a DaemonSet `kube-registry-proxy` that puts the
 * cluster registry at `localhost:5000` on every node, an address the container runtime accepts
 * without TLS. It uses the node's network (hostNetwork): a hostPort alone is silently ignored on a
 * CNI pod network; hostPort is still given, equal to the container port, as the scheduler uses it
 * to keep two pods from taking the same node port.
 */
import { Chart } from 'cdk8s';
import { k8s } from '../lib/constructs/index.js';
import { DnsLabel, ImageRef, PortNumber, Settings, Type } from '../lib/config/types.js';
import { allowPolicyException } from '../lib/policy.js';
import { defineStack, imageVersion } from '../lib/stack.js';
import { DEFAULT_REGISTRY_PORT, REGISTRY_NAMESPACE, registry, registryService, type RegistrySettings } from './registry.js';

const DEFAULT_IMAGE = 'gcr.io/google_containers/kube-registry-proxy:0.4';
const DEFAULT_PORT = 5000;
const DEFAULT_REGISTRY = 'kube-registry';

/** The taints that keep ordinary pods off control-plane nodes (both names, as clusters upgraded to 1.25 may carry either). */
export const CONTROL_PLANE_TOLERATIONS: k8s.Toleration[] = [
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
];

export const registryProxySettings = Settings({
  image: Type.Optional(ImageRef({ description: `Proxy image (as built for amd64; ARM stages substitute it). @default ${DEFAULT_IMAGE}` })),
  port: Type.Optional(PortNumber({ description: 'Port on every node (localhost:<port>) where the registry is reached. @default 5000' })),
  registry: Type.Optional(
    DnsLabel({ description: `Name of the registry's Service in ${REGISTRY_NAMESPACE}. @default ${DEFAULT_REGISTRY}` }),
  ),
  registryPort: Type.Optional(PortNumber({ description: `Port of the registry's Service. @default ${DEFAULT_REGISTRY_PORT}` })),
});

export const registryProxy = defineStack({
  name: 'registry-proxy',
  settings: registryProxySettings,
  version: (s) => imageVersion(s.image ?? DEFAULT_IMAGE),
  // the registry app of the stage whose Service the proxy names must serve the port it proxies to
  refine(s, _stage, _name, apps) {
    const service = s.registry ?? DEFAULT_REGISTRY;
    const registryPort = s.registryPort ?? DEFAULT_REGISTRY_PORT;
    for (const app of apps) {
      if (app.stack !== registry.name) continue;
      const served = registryService(app.name, app.settings as RegistrySettings);
      if (served.name !== service || served.port === registryPort) continue;
      const given = s.registryPort !== undefined;
      return [
        {
          code: 'config/registry-port',
          path: given ? ['registryPort'] : [],
          message:
            `${given ? `is ${registryPort}` : `proxies to port ${registryPort} (registryPort's default)`}, ` +
            `but Service ${service}, of the stage's app ${app.name}, serves port ${served.port}: ` +
            `every node's localhost:${s.port ?? DEFAULT_PORT} would proxy to a port nothing listens on, and every image pull from it fail`,
          hint: `set registryPort: ${served.port}, the port apps.${app.name} serves`,
        },
      ];
    }
    return [];
  },
  chart(app, name, s) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    const objectName = `kube-${name}`;
    const port = s.port ?? DEFAULT_PORT;
    const labels = { 'k8s-app': objectName };
    const ds = new k8s.KubeDaemonSet(chart, 'daemonset', {
      metadata: { name: objectName, namespace: REGISTRY_NAMESPACE },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            hostNetwork: true,
            // with hostNetwork, ClusterFirst falls back to the node's resolver, which cannot resolve
            // kube-registry.kube-system.svc.cluster.local; this keeps cluster DNS
            dnsPolicy: 'ClusterFirstWithHostNet',
            tolerations: CONTROL_PLANE_TOLERATIONS,
            containers: [
              {
                name: 'kube-registry-proxy',
                image: s.image ?? DEFAULT_IMAGE,
                env: [
                  { name: 'REGISTRY_HOST', value: `${s.registry ?? DEFAULT_REGISTRY}.${REGISTRY_NAMESPACE}.svc.cluster.local` },
                  { name: 'REGISTRY_PORT', value: String(s.registryPort ?? DEFAULT_REGISTRY_PORT) },
                ],
                ports: [{ name: 'registry', containerPort: port, hostPort: port, protocol: 'TCP' }],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('50Mi') },
                  limits: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('50Mi') },
                },
              },
            ],
          },
        },
      },
    });
    allowPolicyException(
      ds,
      'host-namespaces',
      `serves the registry on every node's own localhost:${port}, which needs the node's network`,
    );
    allowPolicyException(
      ds,
      'host-ports',
      `hostPort ${port} equals the container port on the node's network, so the scheduler keeps the port free`,
    );
    return chart;
  },
});
