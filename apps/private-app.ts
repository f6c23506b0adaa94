/**
 * An application whose image is pulled from the cluster's own registry (section A of the spec:
 * `localhost:5000/zyxist/moj-obraz`, port 5050): a Deployment and a Service of the same name.
 */
import { Chart } from 'cdk8s';
import { k8s, LabelService } from '../lib/constructs/index.js';
import { Count, ImageRef, PortNumber, Settings, Type } from '../lib/config/types.js';
import { defineStack, imageVersion } from '../lib/stack.js';

export const privateAppSettings = Settings({
  image: ImageRef({ description: 'Image, usually from the registry proxy on every node: localhost:5000/<repository>[:tag].' }),
  port: PortNumber({ description: 'Port the application listens on, and the Service port.' }),
  replicas: Type.Optional(Count(0, { description: 'Pods the Deployment keeps running. @default 1' })),
});

export const privateApp = defineStack({
  name: 'private-app',
  settings: privateAppSettings,
  version: (s) => imageVersion(s.image),
  chart(app, name, s) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    const selector = { app: name };
    new k8s.KubeDeployment(chart, 'deployment', {
      metadata: { name },
      spec: {
        replicas: s.replicas ?? 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: { containers: [{ name, image: s.image, ports: [{ name: 'http', containerPort: s.port, protocol: 'TCP' }] }] },
        },
      },
    });
    new LabelService(chart, 'service', { name, selector, ports: [{ name: 'http', port: s.port, targetPort: s.port }] });
    return chart;
  },
});
