/**
 * The smallest static pod (section B of the spec): busybox printing a greeting, started by a
 * node's kubelet from its manifest directory, with no API server involved.
 */
import { Chart } from 'cdk8s';
import { k8s } from '../lib/constructs/index.js';
import { ImageRef, NodeName, Settings, Type } from '../lib/config/types.js';
import { defineStack, imageVersion } from '../lib/stack.js';

export const helloSettings = Settings({
  image: Type.Optional(ImageRef({ description: 'Container image; it needs `echo`. @default busybox' })),
  message: Type.Optional(Type.String({ minLength: 1, description: 'What the pod prints. @default hello world!' })),
  nodes: Type.Optional(
    Type.Array(NodeName(), {
      minItems: 1,
      uniqueItems: true,
      description: 'The nodes that run it, by host name. @default - every node of the stage',
    }),
  ),
});

const DEFAULT_IMAGE = 'busybox';
const DEFAULT_MESSAGE = 'hello world!';

export const hello = defineStack({
  name: 'hello',
  settings: helloSettings,
  version: (s) => imageVersion(s.image ?? DEFAULT_IMAGE),
  refine: (s, stage) => {
    const known = new Set(stage.nodes.map((n) => n.name));
    if (s.nodes === undefined) {
      return known.size > 0
        ? []
        : [
            {
              code: 'config/no-nodes',
              path: [],
              message: 'needs the stage to name its nodes (found none)',
              hint: 'list the nodes under nodes: in the stage file',
            },
          ];
    }
    return s.nodes.flatMap((node, i) =>
      known.has(node)
        ? []
        : [
            {
              code: 'config/unknown-node',
              path: ['nodes', i],
              message: `names no node of the stage (found '${node}')`,
              hint: `the stage's nodes are: ${[...known].join(', ') || 'none'}`,
            },
          ],
    );
  },
  // everything this stack makes is a node file
  chart: (app, name) => new Chart(app, name, { disableResourceNameHashes: true }),
  nodeFiles(scope, name, s, stage) {
    const pod = new k8s.KubePod(scope, 'pod', {
      // a static pod without a namespace goes to `default`; say so rather than leave it implied
      metadata: { name, namespace: 'default' },
      spec: {
        // the command exits once it has printed: run it once, not in a restart loop
        restartPolicy: 'OnFailure',
        containers: [{ name, image: s.image ?? DEFAULT_IMAGE, command: ['echo', s.message ?? DEFAULT_MESSAGE] }],
      },
    });
    return (s.nodes ?? stage.nodes.map((n) => n.name)).map((node) => ({ node, file: `${name}.yaml`, content: pod }));
  },
});
