/**
 * A minimal control plane started by hand (section B of the spec): the node with role
 * control-plane runs etcd and kube-apiserver as static pods from its kubelet's manifest
 * directory, and gets the kubeconfig its kubelet (and kubectl) use to reach that API server.
 * Its chart holds what such a cluster lacks without a controller manager: ServiceAccount
 * `default` in the namespaces pods are created in.
 */
import { Chart } from 'cdk8s';
import { k8s } from '../lib/constructs/index.js';
import { allowPolicyException } from '../lib/policy.js';
import { HOST_PATH_PATTERN, ImageRef, PortNumber, Settings, Type, type Static } from '../lib/config/types.js';
import { defineStack, imageVersion, type NodeFile, type SettingsProblem, type StageContext } from '../lib/stack.js';
import { imageParts } from '../lib/model/image.js';
import { parseIpv4 } from '../lib/edge/refine.js';

export const controlPlaneSettings = Settings({
  etcd: Settings({
    image: ImageRef({ description: 'etcd image, e.g. k8s.gcr.io/etcd:3.4.3-0; its tag is the etcd release.' }),
    dataDir: Type.Optional(
      Type.String({
        pattern: `${HOST_PATH_PATTERN}[^\\s]*$`,
        expected: "an absolute path without spaces or '..'",
        description: 'Directory on the node that keeps the data (a hostPath, mounted at the same path). @default /var/lib/etcd',
      }),
    ),
    host: Type.Optional(
      Type.String({
        // etcd binds its listen URLs and refuses a host name there ("expected IP in URL for binding"), localhost aside
        pattern: '^(localhost|([0-9]{1,3}\\.){3}[0-9]{1,3})$',
        expected: 'an IPv4 address such as 10.0.0.5, or localhost (etcd listens on it, and refuses a host name)',
        description: 'Address etcd serves clients on, and kube-apiserver reaches it at: an IPv4 address, or localhost. @default 127.0.0.1',
      }),
    ),
    clientPort: Type.Optional(PortNumber({ description: 'Port etcd serves clients on. @default 2379' })),
  }),
  apiServer: Settings({
    image: ImageRef({
      description:
        'kube-apiserver image of a release before 1.20 (the last to serve the insecure port), e.g. k8s.gcr.io/kube-apiserver:v1.18.5; its tag is the release of the stack.',
    }),
    insecurePort: Type.Optional(
      PortNumber({
        description:
          'Port of the unauthenticated HTTP API on 127.0.0.1 (kube-apiserver before 1.20), which the kubeconfig points at. @default 8080',
      }),
    ),
  }),
});
type ControlPlaneSettings = Static<typeof controlPlaneSettings>;

/**
 * What etcd 3.4 and kube-apiserver 1.18 do when not told otherwise: etcd serves clients on
 * http://localhost:2379 and kube-apiserver serves plain HTTP on 127.0.0.1:8080. Flags are written
 * only to change these, so the default settings give the article's exact commands.
 */
const ETCD_DEFAULTS = { dataDir: '/var/lib/etcd', host: '127.0.0.1', clientPort: 2379 };
const INSECURE_PORT = 8080;
/** The first kube-apiserver release that serves no insecure port (kubernetes/kubernetes#95856): `--insecure-port` may only be 0, and is gone in 1.24. */
const NO_INSECURE_PORT = { major: 1, minor: 20 };
const INSECURE_HOST = '127.0.0.1';
/** Where static control-plane pods live, as kubeadm puts them. */
const KUBE_SYSTEM = 'kube-system';

/** The etcd client URL, built once from the etcd settings: what etcd listens on and what kube-apiserver is given. */
export function etcdClientUrl(s: ControlPlaneSettings): string {
  return `http://${s.etcd.host ?? ETCD_DEFAULTS.host}:${s.etcd.clientPort ?? ETCD_DEFAULTS.clientPort}`;
}

/** The API server's address as the kubeconfig gives it. */
export function apiServerUrl(s: ControlPlaneSettings): string {
  return `http://${INSECURE_HOST}:${s.apiServer.insecurePort ?? INSECURE_PORT}`;
}

/** The stage's nodes with role control-plane. */
const controlPlaneNodes = (stage: StageContext) => stage.nodes.filter((n) => n.roles.includes('control-plane'));

export const controlPlane = defineStack({
  name: 'control-plane',
  settings: controlPlaneSettings,
  version: (s) => imageVersion(s.apiServer.image),
  refine: (s, stage) => {
    const problems: SettingsProblem[] = [];
    const nodes = controlPlaneNodes(stage).map((n) => n.name);
    if (nodes.length !== 1)
      problems.push({
        code: 'config/control-plane-nodes',
        path: [],
        message: `needs exactly one node with role control-plane (found ${nodes.length ? nodes.join(', ') : 'none'})`,
        hint: 'this control plane runs one etcd that is not clustered: give the role control-plane to one node under nodes:',
      });
    const release = /^v?(\d+)\.(\d+)(?![\d])/.exec(imageParts(s.apiServer.image).tag ?? '');
    const [major, minor] = release ? [Number(release[1]), Number(release[2])] : [0, 0];
    if (major > NO_INSECURE_PORT.major || (major === NO_INSECURE_PORT.major && minor >= NO_INSECURE_PORT.minor))
      problems.push({
        code: 'config/conflict',
        path: ['apiServer', 'image'],
        message:
          `runs kube-apiserver ${major}.${minor}, which serves no insecure port (removed in Kubernetes ${NO_INSECURE_PORT.major}.${NO_INSECURE_PORT.minor}): ` +
          `the kubeconfig this stack writes, ${apiServerUrl(s)}, would reach nothing`,
        hint:
          `run kube-apiserver ${NO_INSECURE_PORT.major}.${NO_INSECURE_PORT.minor - 1} or earlier, such as the article's k8s.gcr.io/kube-apiserver:v1.18.5; ` +
          'a later release serves HTTPS only, with certificates and service-account keys this stack does not write (kubeadm makes them)',
      });
    const host = s.etcd.host;
    const address = host === undefined || host === 'localhost' ? undefined : parseIpv4(host);
    if (address && 'problem' in address)
      problems.push({
        code: 'config/invalid',
        path: ['etcd', 'host'],
        message: `is not an IPv4 address: ${address.problem}`,
        hint: 'write the address etcd listens on as four numbers from 0 to 255, such as 127.0.0.1',
      });
    return problems;
  },
  chart(app, name, _s, stage) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    // Without kube-controller-manager nobody creates a namespace's ServiceAccount `default`, which
    // the ServiceAccount admission plugin requires of every pod, nor a token for it: so create it,
    // without a token to mount, in `default` (for pods created by hand) and in the stage namespace.
    for (const namespace of [...new Set(['default', stage.namespace])].sort()) {
      new k8s.KubeServiceAccount(chart, `default-account-${namespace}`, {
        metadata: { name: 'default', namespace },
        automountServiceAccountToken: false,
      });
    }
    return chart;
  },
  nodeFiles(scope, _name, s, stage) {
    const dataDir = s.etcd.dataDir ?? ETCD_DEFAULTS.dataDir;
    const etcdUrl = etcdClientUrl(s);
    const etcdFlags =
      etcdUrl === `http://${ETCD_DEFAULTS.host}:${ETCD_DEFAULTS.clientPort}`
        ? []
        : [`--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`];
    const insecurePort = s.apiServer.insecurePort ?? INSECURE_PORT;

    const etcd = new k8s.KubePod(scope, 'etcd', {
      metadata: { name: 'etcd', namespace: KUBE_SYSTEM },
      spec: {
        hostNetwork: true,
        containers: [
          {
            name: 'etcd',
            image: s.etcd.image,
            command: ['etcd', `--data-dir=${dataDir}`, ...etcdFlags],
            volumeMounts: [{ name: 'data', mountPath: dataDir }],
          },
        ],
        volumes: [{ name: 'data', hostPath: { path: dataDir, type: 'DirectoryOrCreate' } }],
      },
    });
    allowPolicyException(etcd, 'host-namespaces', "etcd serves kube-apiserver on the node's own network, before any pod network exists");
    allowPolicyException(etcd, 'host-path', "etcd keeps the cluster's data in a directory of the node, so that it outlives the pod");

    const apiServer = new k8s.KubePod(scope, 'kube-apiserver', {
      metadata: { name: 'kube-apiserver', namespace: KUBE_SYSTEM },
      spec: {
        hostNetwork: true,
        containers: [
          {
            name: 'kube-apiserver',
            image: s.apiServer.image,
            command: [
              'kube-apiserver',
              `--etcd-servers=${etcdUrl}`,
              ...(insecurePort === INSECURE_PORT ? [] : [`--insecure-port=${insecurePort}`]),
            ],
          },
        ],
      },
    });
    allowPolicyException(apiServer, 'host-namespaces', "kube-apiserver reaches etcd and serves the kubelet on the node's own network");

    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: stage.name, cluster: { server: apiServerUrl(s) } }],
      contexts: [{ name: stage.name, context: { cluster: stage.name } }],
      'current-context': stage.name,
    };
    return controlPlaneNodes(stage).flatMap((node): NodeFile[] => [
      { node: node.name, file: 'etcd.yaml', content: etcd },
      { node: node.name, file: 'kube-apiserver.yaml', content: apiServer },
      { node: node.name, file: 'kubeconfig.yaml', content: kubeconfig },
    ]);
  },
});
