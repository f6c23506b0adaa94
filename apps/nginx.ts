/**
 * The three-VM lab's nginx (section C of the spec): a ReplicationController and the Service that
 * `kubectl expose rc nginx` creates, optionally reachable from outside through a NodePort.
 */
import { Chart } from 'cdk8s';
import { k8s, LabelService, ReplicationController } from '../lib/constructs/index.js';
import { Count, ImageRef, PortNumber, Settings, StringEnum, Type } from '../lib/config/types.js';
import { defineStack, imageVersion } from '../lib/stack.js';

export const nginxSettings = Settings({
  image: Type.Optional(ImageRef({ description: 'Container image. @default nginx' })),
  replicas: Count(0, { description: 'Pods the ReplicationController keeps running.' }),
  port: Type.Optional(PortNumber({ description: 'Port nginx listens on, and the Service port. @default 80' })),
  readinessPath: Type.Optional(
    Type.String({
      pattern: '^/',
      expected: "a path starting with '/'",
      description: 'Path of an HTTP readiness probe (also what an edge load balancer checks). @default - no readiness probe',
    }),
  ),
  service: Type.Optional(
    Settings({
      type: Type.Optional(StringEnum(['ClusterIP', 'NodePort'], { description: 'How the Service is reached. @default ClusterIP' })),
      nodePort: Type.Optional(
        Type.Integer({
          minimum: 30000,
          maximum: 32767,
          description: 'Fixed node port (type NodePort only). @default - chosen by the API server',
        }),
      ),
    }),
  ),
});

const DEFAULT_IMAGE = 'nginx';
const DEFAULT_PORT = 80;

export const nginx = defineStack({
  name: 'nginx',
  settings: nginxSettings,
  version: (s) => imageVersion(s.image ?? DEFAULT_IMAGE),
  release: { image: ['image'] },
  refine: (s) =>
    s.service?.nodePort !== undefined && (s.service.type ?? 'ClusterIP') !== 'NodePort'
      ? [
          {
            code: 'config/conflict',
            path: ['service', 'nodePort'],
            message: "needs service.type 'NodePort'",
            hint: 'add `type: NodePort` next to nodePort, or remove nodePort',
          },
        ]
      : [],
  chart(app, name, s) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    const selector = { app: name };
    const port = s.port ?? DEFAULT_PORT;
    new ReplicationController(chart, 'rc', {
      name,
      replicas: s.replicas,
      selector,
      podSpec: {
        containers: [
          {
            name: 'nginx',
            image: s.image ?? DEFAULT_IMAGE,
            ports: [{ containerPort: port }],
            ...(s.readinessPath ? { readinessProbe: { httpGet: { path: s.readinessPath, port: k8s.IntOrString.fromNumber(port) } } } : {}),
          },
        ],
      },
    });
    new LabelService(chart, 'service', {
      name,
      selector,
      type: s.service?.type,
      ports: [{ port, targetPort: port, nodePort: s.service?.nodePort }],
    });
    return chart;
  },
});
