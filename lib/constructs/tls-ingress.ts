import { Construct } from 'constructs';
import { k8s } from '../k8s.js';

export interface TlsIngressProps {
  /** `metadata.name` of the Ingress. */
  readonly name: string;
  /** The host name clients use; the TLS certificate must be for it. */
  readonly host: string;
  /** The Secret (type kubernetes.io/tls) holding the certificate and key, referenced by name only. */
  readonly tlsSecretName: string;
  /** The Service that receives the traffic. */
  readonly serviceName: string;
  /** Its port. */
  readonly servicePort: number;
  /**
   * Path prefixes routed to the Service.
   * @default ['/']
   */
  readonly paths?: readonly string[];
  /** @default - the cluster's default IngressClass */
  readonly className?: string;
  /** Annotations the ingress controller or cert-manager reads (`cert-manager.io/cluster-issuer`). @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * The requests an Ingress path of type Prefix matches, as one string: the path without its trailing
 * '/'. Kubernetes matches a Prefix path element by element and ignores a trailing '/' ("/api" and
 * "/api/" both match /api, /api/ and /api/v1, not /apiv1), and ingress-nginx writes both as one
 * location, `/api/` (with `= /api` beside it), which nginx refuses twice ("duplicate location"): the
 * admission webhook denies the Ingress, or, without one, the controller keeps its old configuration.
 */
export const prefixRoute = (path: string): string => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/** The later paths of `paths` that match the requests an earlier one does (`prefixRoute`), each with the index of that earlier one. */
export function samePrefixRoutes(paths: readonly string[]): { readonly index: number; readonly first: number }[] {
  const seen = new Map<string, number>();
  return paths.flatMap((path, index) => {
    const route = prefixRoute(path);
    const first = seen.get(route);
    if (first === undefined) seen.set(route, index);
    return first === undefined ? [] : [{ index, first }];
  });
}

/**
 * An Ingress that terminates TLS for one host and routes path prefixes to one Service (the talk's
 * "HTTP load balancing with TLS offloading"). The certificate stays out of the manifests: only the
 * Secret's name is written.
 */
export class TlsIngress extends Construct {
  readonly apiObject: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: TlsIngressProps) {
    super(scope, id);
    const paths = props.paths ?? ['/'];
    if (paths.length === 0) throw new Error(`Ingress '${props.name}': 'paths' must not be empty`);
    const bad = paths.filter((p) => !p.startsWith('/'));
    if (bad.length) throw new Error(`Ingress '${props.name}': 'paths' must start with '/' (got ${bad.map((p) => `'${p}'`).join(', ')})`);
    const same = samePrefixRoutes(paths);
    if (same.length) {
      const pairs = same.map(({ index, first }) => `'${paths[first]}' and '${paths[index]}'`).join(', ');
      throw new Error(`Ingress '${props.name}': 'paths' ${pairs} are one route (a Prefix path ignores a trailing '/')`);
    }
    this.apiObject = new k8s.KubeIngress(this, 'Resource', {
      metadata: {
        name: props.name,
        annotations: props.annotations && Object.keys(props.annotations).length ? { ...props.annotations } : undefined,
      },
      spec: {
        ingressClassName: props.className,
        tls: [{ hosts: [props.host], secretName: props.tlsSecretName }],
        rules: [
          {
            host: props.host,
            http: {
              paths: paths.map((path) => ({
                path,
                pathType: 'Prefix',
                backend: { service: { name: props.serviceName, port: { number: props.servicePort } } },
              })),
            },
          },
        ],
      },
    });
  }
}
