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
