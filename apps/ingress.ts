/**
 * An Ingress routing HTTP paths to the stage's Services (section A of the spec: `/foo` to one
 * service, `/bar` to another).
 */
import { Chart } from 'cdk8s';
import { k8s } from '../lib/constructs/index.js';
import {
  DnsLabel,
  INGRESS_PATH_EXPECTED,
  INGRESS_PATH_PATTERN,
  Mapping,
  IngressHost,
  PortNumber,
  Settings,
  type Static,
  SubdomainName,
  Type,
} from '../lib/config/types.js';
import type { FieldPath } from '../lib/model/field-path.js';
import type { KubeObject } from '../lib/model/object.js';
import { type AppInstance, defineStack, type SettingPlace } from '../lib/stack.js';
import { ingressPathProblems } from './service/ingress-storage-settings.js';

export const ingressSettings = Settings({
  host: Type.Optional(
    // a wildcard routes one level of subdomains (a.example.com, not a.b.example.com), as the API server takes it in a rule
    IngressHost(
      'a DNS host name such as pi.example.com, or a wildcard such as *.example.com',
      { wildcard: true },
      { description: 'Host name the rules apply to (*.example.com: each name one label below example.com). @default - every host' },
    ),
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

type IngressSettings = Static<typeof ingressSettings>;

/** The paths and their backends in the order the Ingress lists them (by code point): a path's index there is its rule's. */
const listedPaths = (s: IngressSettings) => Object.entries(s.paths).sort(([a], [b]) => (a < b ? -1 : 1));

/** The stack's name, by which another stack finds the stage's ingress apps among its apps. */
const STACK_NAME = 'ingress';

/**
 * How a message names the first route of the stage's ingress apps to the Service `service` (`the path
 * /api of apps.web`), if one routes to it: an app of no pods behind it answers each request with an error.
 */
export function ingressRouteTo(service: string, apps: readonly AppInstance[]): string | undefined {
  for (const app of apps) {
    if (app.stack !== STACK_NAME) continue;
    const path = listedPaths(app.settings as IngressSettings).find(([, to]) => to.service === service)?.[0];
    if (path !== undefined) return `the path ${path} of apps.${app.name}`;
  }
  return undefined;
}

/**
 * The setting behind a backend of the Ingress (`spec.rules[0].http.paths[j].backend.service.name`
 * or `.port`): `paths.<path>.service` or `.port`, so that a route to a Service the stage lacks, or
 * to a port the Service does not have, is said at that line. Read from the settings alone (a cached
 * app's Ingress is a stand-in).
 */
function settingOf(s: IngressSettings, object: KubeObject, path: FieldPath): SettingPlace | undefined {
  const [spec, rules, , http, paths, j, backend, service, field] = path;
  if (object.kind !== 'Ingress' || spec !== 'spec' || rules !== 'rules' || http !== 'http' || paths !== 'paths') return undefined;
  if (typeof j !== 'number' || backend !== 'backend' || service !== 'service') return undefined;
  const at = listedPaths(s)[j]?.[0];
  const setting = field === 'name' ? 'service' : field === 'port' ? 'port' : undefined;
  return at !== undefined && setting ? { path: ['paths', at, setting] } : undefined;
}

export const ingress = defineStack({
  name: STACK_NAME,
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
  settingOf,
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
              paths: listedPaths(s).map(([path, to]) => ({
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
