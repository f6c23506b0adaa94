/**
 * The settings of a `service` app's Ingress (`ingress:`) and volume (`storage:`), and the shapes the
 * other settings share with them (annotations, absolute paths); apps/service/settings.ts holds them.
 */
import {
  HOST_PATH_PATTERN,
  INGRESS_PATH_EXPECTED,
  INGRESS_PATH_PATTERN,
  HostName,
  Mapping,
  QualifiedKey,
  Settings,
  StringEnum,
  SecretName,
  SubdomainName,
  Type,
} from '../../lib/config/types.js';
import { PortName, Size } from '../../lib/config/workload.js';
import { prefixRoute, samePrefixRoutes } from '../../lib/constructs/index.js';
import type { PathProblem } from '../../lib/errors.js';

/** A host an Ingress rule takes: a DNS name, or a wildcard for one level of subdomains (`*.example.com`). */
const Host = HostName({
  description: 'Host name of the service, or a wildcard such as *.example.com (one level of subdomains; the certificate must cover it).',
});
const AnnotationKey = QualifiedKey('an annotation key such as prometheus.io/scrape');
/** Annotations of `where` (the Deployment, the Service, the Ingress, the pods), with an example. */
export const Annotations = (where: string, example: string) =>
  Type.Optional(
    Mapping(AnnotationKey, Type.String(), {
      description: `Annotations of ${where}, e.g. ${example}; values are screened for secrets like every value of the stage file. @default - none`,
    }),
  );

/** An absolute path in the container, described by `description`. */
export const AbsolutePath = (description: string) => Type.String({ pattern: '^/', expected: 'an absolute path', description });

/**
 * The path prefixes of an Ingress (the service and demoapp stacks'), each once: a path listed twice
 * is one rule written twice, which the API server takes and an ingress controller routes once.
 */
export const IngressPaths = (description: string) =>
  Type.Optional(
    Type.Array(Type.String({ pattern: INGRESS_PATH_PATTERN, expected: INGRESS_PATH_EXPECTED }), {
      minItems: 1,
      uniqueItems: true,
      description,
    }),
  );

/**
 * The paths of an Ingress (`paths`, each at `at(i)`: an item of a list, or a key of a mapping) that
 * route the requests of an earlier one, which `IngressPaths`' uniqueItems does not see: `/api/` beside
 * `/api` (`prefixRoute`: a Prefix path ignores a trailing '/'), which ingress-nginx refuses as a
 * duplicate location. Each is refused at the later path, naming the earlier one.
 */
export function ingressPathProblems(
  paths: readonly string[] | undefined,
  at: (index: number) => Pick<PathProblem, 'path' | 'key'>,
  named: (index: number) => string,
): PathProblem[] {
  const list = paths ?? [];
  return samePrefixRoutes(list).map(({ index, first }) => {
    const route = prefixRoute(list[index]);
    return {
      code: 'config/conflict',
      ...at(index),
      message: `'${list[index]}' is the route of ${named(first)} '${list[first]}': a path of type Prefix matches whole '/'-separated parts and ignores a trailing '/', so both match ${route}, ${route}/ and ${route}/...; ingress-nginx makes the location ${route}/ of each, and refuses the second (duplicate location)`,
      hint: `remove one of them: '${route}' alone serves the same requests`,
    };
  });
}

/** `ingress:` of a service app. */
export const IngressSettings = Type.Optional(
  Settings(
    {
      host: Host,
      tlsSecret: SecretName({ description: 'The TLS Secret for the host, by name (made outside stagecraft).' }),
      port: Type.Optional(PortName),
      paths: IngressPaths('Path prefixes. @default [/]'),
      className: Type.Optional(SubdomainName('an IngressClass name', { description: 'IngressClass. @default - the cluster default' })),
      annotations: Annotations('the Ingress', 'cert-manager.io/cluster-issuer: letsencrypt'),
    },
    {
      description:
        "An Ingress with TLS to one port (`port`, @default the port that serves HTTP: the app's only one, else the one named http, else the one its HTTP readiness probe checks; a sidecar's when the app has none). @default - none",
    },
  ),
);

/** `storage:` of a service app. */
export const StorageSettings = Type.Optional(
  Settings(
    {
      mountPath: AbsolutePath('Where the container mounts the volume.'),
      size: Size('Size of the claim, e.g. 1Gi.', '1Gi'),
      storageClass: Type.Optional(
        SubdomainName('a StorageClass name', {
          description: 'Storage class that provisions the volume. @default - a hostPath PersistentVolume instead',
        }),
      ),
      hostPath: Type.Optional(
        Type.String({
          pattern: HOST_PATH_PATTERN,
          expected: "an absolute path without '..'",
          description: 'Node directory of the hostPath PersistentVolume (no storageClass). @default /data/volumes/<name>-<stage>',
        }),
      ),
      accessMode: Type.Optional(
        StringEnum(['ReadWriteOnce', 'ReadWriteMany'], {
          description:
            'ReadWriteOnce: one node mounts the volume, so the app runs one pod, replaced with strategy Recreate; ReadWriteMany (a storageClass that provides it, such as NFS or CephFS): any number of pods, rolling. @default ReadWriteOnce',
        }),
      ),
    },
    {
      description:
        'A PersistentVolumeClaim mounted in the container: on a storage class, or bound to a hostPath PersistentVolume as in the articles. ReadWriteOnce (the default) allows one pod: no replicas above 1, autoscaling, blueGreen or rollout. @default - none',
    },
  ),
);
