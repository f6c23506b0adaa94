/**
 * Pods placed by hand on a cluster without a scheduler (section B of the spec): Pod `nginx`
 * pinned to a node with `nodeName`, and Pod `curl` on the same node calling it.
 *
 * A Pod's IP is known only once it runs, so it cannot be written into the curl Pod at synthesis.
 * Instead a Service selects the nginx Pod, and curl calls the address the kubelet gives every
 * pod created after the Service, as env vars (`NGINX_SERVICE_HOST`, `NGINX_SERVICE_PORT`): no
 * cluster DNS needed, and apply order puts Services before Pods. Reaching a Service address needs
 * kube-proxy on the node (see the README); curl restarts on failure until nginx answers.
 */
import { Chart } from 'cdk8s';
import { k8s, LabelService } from '../lib/constructs/index.js';
import { DnsLabel, ImageRef, NodeName, PortNumber, Settings, Type } from '../lib/config/types.js';
import { defineStack, imageVersion } from '../lib/stack.js';

export const pinnedNginxSettings = Settings({
  node: Type.Optional(NodeName({ description: "Node both pods run on. @default - the stage's only node" })),
  server: Type.Optional(
    Settings({
      name: Type.Optional(DnsLabel({ description: 'Name of the nginx Pod and its Service. @default nginx' })),
      image: Type.Optional(ImageRef({ description: 'nginx image. @default nginx' })),
      port: Type.Optional(PortNumber({ description: 'Port nginx listens on, and the Service port. @default 80' })),
    }),
  ),
  client: Type.Optional(
    Settings({
      name: Type.Optional(DnsLabel({ description: 'Name of the curl Pod. @default curl' })),
      image: Type.Optional(ImageRef({ description: 'curl image; it needs `curl`. @default curlimages/curl' })),
    }),
  ),
});

const DEFAULTS = { server: 'nginx', serverImage: 'nginx', port: 80, client: 'curl', clientImage: 'curlimages/curl' };

/** The prefix of the env vars the kubelet sets for a Service: `my-app` -> `MY_APP`. */
const serviceEnvPrefix = (service: string) => service.toUpperCase().replace(/-/g, '_');

export const pinnedNginx = defineStack({
  name: 'pinned-nginx',
  settings: pinnedNginxSettings,
  version: (s) => imageVersion(s.server?.image ?? DEFAULTS.serverImage),
  refine: (s, stage) => {
    const nodes = stage.nodes.map((n) => n.name);
    if (s.node !== undefined) {
      return nodes.includes(s.node)
        ? []
        : [
            {
              code: 'config/unknown-node',
              path: ['node'],
              message: `names no node of the stage (found '${s.node}')`,
              hint: `the stage's nodes are: ${nodes.join(', ') || 'none'}`,
            },
          ];
    }
    return nodes.length === 1
      ? []
      : [
          {
            code: 'config/missing',
            path: [],
            message: `needs node: when the stage has ${nodes.length ? `${nodes.length} nodes (${nodes.join(', ')})` : 'no nodes'}`,
            hint: 'add `node: <host name>` to say where the pods run',
          },
        ];
  },
  chart(app, name, s, stage) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    const nodeName = s.node ?? stage.nodes[0].name;
    const server = s.server?.name ?? DEFAULTS.server;
    const port = s.server?.port ?? DEFAULTS.port;
    const selector = { app: server };
    new k8s.KubePod(chart, 'server', {
      metadata: { name: server, labels: selector },
      spec: {
        nodeName, // placed by hand: the cluster may have no scheduler
        containers: [{ name: 'nginx', image: s.server?.image ?? DEFAULTS.serverImage, ports: [{ containerPort: port }] }],
      },
    });
    new LabelService(chart, 'service', { name: server, selector, ports: [{ port, targetPort: port }] });
    const env = serviceEnvPrefix(server);
    new k8s.KubePod(chart, 'client', {
      metadata: { name: s.client?.name ?? DEFAULTS.client },
      spec: {
        nodeName,
        restartPolicy: 'OnFailure',
        enableServiceLinks: true, // the Service's address comes from these env vars
        containers: [
          {
            name: 'curl',
            image: s.client?.image ?? DEFAULTS.clientImage,
            // $(VAR) is expanded by the kubelet from the container's environment, no shell needed
            command: ['curl', '--silent', '--show-error', '--fail', `http://$(${env}_SERVICE_HOST):$(${env}_SERVICE_PORT)/`],
          },
        ],
      },
    });
    return chart;
  },
});
