/**
 * An Ingress routing HTTP paths to the stage's Services (section A of the spec: `/foo` to one
 * service, `/bar` to another).
 */
import { Chart } from 'cdk8s';
import { k8s } from '../lib/k8s.js';
import {
  DnsLabel,
  INGRESS_PATH_EXPECTED,
  INGRESS_PATH_PATTERN,
  Mapping,
  IngressHost,
  PortNumber,
  Settings,
  SubdomainName,
  Type,
} from '../lib/config/types.js';
import { defineStack } from '../lib/stack.js';
import { ingressPathProblems } from './service/ingress-storage-settings.js';

export const ingressSettings = Settings({
  host: Type.Optional(
    IngressHost('a DNS host name such as pi.example.com', {}, { description: 'Host name the rules apply to. @default - every host' }),
  ),
  className: Type.Optional(
    SubdomainName('an IngressClass name', { description: "IngressClass that serves it. @default - the cluster's default IngressClass" }),
  ),
  paths: Mapping(
    Type.String({
      pattern: INGRESS_PATH_PATTERN,
      expected: INGRESS_PATH_EXPECTED,
    }),
    Settings({
      service: DnsLabel({ description: "Service in the stage's namespace that receives the requests." }),
      port: PortNumber({ description: 'Port of that Service.' }),
    }),
    { minProperties: 1, description: 'URL path prefix (e.g. /foo) -> the Service that serves it.' },
  ),
});

export const ingress = defineStack({
  name: 'ingress',
  settings: ingressSettings,
  version: () => 'v1',
  refine(s) {
    const paths = Object.keys(s.paths);
    return ingressPathProblems(
      paths,
      (i) => ({ path: ['paths'], key: paths[i] }),
      () => 'the path',
    );
  },
  chart(app, name, s) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    new k8s.KubeIngress(chart, 'ingress', {
      metadata: { name },
      spec: {
        ingressClassName: s.className,
        rules: [
          {
            host: s.host,
            http: {
              paths: Object.entries(s.paths)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([path, to]) => ({
                  path,
                  pathType: 'Prefix',
                  backend: { service: { name: to.service, port: { number: to.port } } },
                })),
            },
          },
        ],
      },
    });
    return chart;
  },
});
