/**
 * The cluster's private image registry (section A of the spec): a ReplicationController
 * `kube-registry` and its Service in `kube-system`, storing images in a claim when the stage has
 * storage and in the pod's own directory (lost with the pod) otherwise.
 */
import { Chart } from 'cdk8s';
import { k8s, LabelService, ReplicationController } from '../lib/constructs/index.js';
import { DnsLabel, ImageRef, PortNumber, Settings, Type, type Static } from '../lib/config/types.js';
import { defineStack, imageVersion } from '../lib/stack.js';
import { Size } from '../lib/config/workload.js';

/** The registry is a cluster add-on: it lives with the others, in a namespace every cluster has. */
export const REGISTRY_NAMESPACE = 'kube-system';
const DEFAULT_IMAGE = 'registry:2';
/** The port the registry serves when its settings give none (and the one a registry proxy reaches it at, unless told). */
export const DEFAULT_REGISTRY_PORT = 5001;
const STORE = '/var/lib/registry';

export const registrySettings = Settings({
  image: Type.Optional(ImageRef({ description: 'Registry image (as built for amd64; ARM stages substitute it). @default registry:2' })),
  port: Type.Optional(
    PortNumber({ description: 'Port the registry listens on (REGISTRY_HTTP_ADDR), and the Service port. @default 5001' }),
  ),
  storage: Type.Optional(
    Settings(
      {
        size: Size('Space the claim requests.', '10Gi'),
        storageClassName: Type.Optional(
          DnsLabel({ description: "StorageClass of the claim. @default - the cluster's default StorageClass" }),
        ),
      },
      { description: `Keep the images in a PersistentVolumeClaim (<name>-pvc). @default - an emptyDir: images are lost with the pod` },
    ),
  ),
});

export type RegistrySettings = Static<typeof registrySettings>;

/** The Service of the registry app `name` in REGISTRY_NAMESPACE: its name and the port it serves. */
export function registryService(name: string, s: RegistrySettings): { name: string; port: number } {
  return { name: `kube-${name}`, port: s.port ?? DEFAULT_REGISTRY_PORT };
}

export const registry = defineStack({
  name: 'registry',
  settings: registrySettings,
  version: (s) => imageVersion(s.image ?? DEFAULT_IMAGE),
  // `kube-<name>` is a Service too, of at most 63 characters
  objectNames: (name, s) => [
    { kind: 'Service', name: `kube-${name}` },
    { kind: 'ReplicationController', name: `kube-${name}` },
    ...(s.storage ? [{ kind: 'PersistentVolumeClaim', name: `kube-${name}-pvc` }] : []),
  ],
  chart(app, name, s) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    const { name: objectName, port } = registryService(name, s);
    const selector = { 'k8s-app': objectName };
    if (s.storage) {
      new k8s.KubePersistentVolumeClaim(chart, 'pvc', {
        metadata: { name: `${objectName}-pvc`, namespace: REGISTRY_NAMESPACE },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: s.storage.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(s.storage.size) } },
        },
      });
    }
    new ReplicationController(chart, 'rc', {
      name: objectName,
      namespace: REGISTRY_NAMESPACE,
      replicas: 1,
      selector,
      podSpec: {
        containers: [
          {
            name: 'registry',
            image: s.image ?? DEFAULT_IMAGE,
            env: [
              { name: 'REGISTRY_HTTP_ADDR', value: `:${port}` },
              { name: 'REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY', value: STORE },
            ],
            ports: [{ containerPort: port, name: 'registry', protocol: 'TCP' }],
            resources: {
              requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('100Mi') },
              limits: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('100Mi') },
            },
            volumeMounts: [{ name: 'image-store', mountPath: STORE }],
          },
        ],
        volumes: [
          s.storage
            ? { name: 'image-store', persistentVolumeClaim: { claimName: `${objectName}-pvc` } }
            : { name: 'image-store', emptyDir: {} },
        ],
      },
    });
    new LabelService(chart, 'service', {
      name: objectName,
      namespace: REGISTRY_NAMESPACE,
      selector,
      ports: [{ name: 'registry', port, targetPort: port }],
    });
    return chart;
  },
});
