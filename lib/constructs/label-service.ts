import { Construct } from 'constructs';
import { k8s } from '../k8s.js';

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export interface LabelServicePort {
  /** Port the Service listens on. */
  readonly port: number;
  /**
   * Port of the selected containers that traffic goes to: a number or a container port's name.
   * @default - the same as `port`
   */
  readonly targetPort?: number | string;
  /**
   * Port on every node, for NodePort and LoadBalancer Services.
   * @default - the API server picks one
   */
  readonly nodePort?: number;
  /**
   * Name of the port; required by the API server when there are several.
   * @default - no name
   */
  readonly name?: string;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface LabelServiceProps {
  /** `metadata.name` of the Service. */
  readonly name: string;
  /**
   * Labels of the pods that receive the traffic: the app's own, `appSelector(name, stage)`
   * (lib/stack.ts), for the pods of one app of a stack; any pod that carries them is behind the Service.
   */
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly LabelServicePort[];
  /** @default 'ClusterIP' */
  readonly type?: ServiceType;
  /**
   * A headless Service (`clusterIP: None`): no virtual IP, DNS names each ready pod instead, as a
   * StatefulSet's `serviceName` needs (`<pod>.<service>`). ClusterIP only.
   * @default false
   */
  readonly headless?: boolean;
  /**
   * Annotations of the Service, such as those a cloud's load balancer controller reads.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Namespace of the Service.
   * @default - the stage's namespace
   */
  readonly namespace?: string;
}

/**
 * A Service in front of pods chosen by labels, as `kubectl expose` creates it. For pods of
 * cdk8s-plus workloads, prefer their `exposeVia...` methods; this one serves controllers that
 * cdk8s-plus does not model (ReplicationController) and pods selected across charts.
 */
export class LabelService extends Construct {
  readonly apiObject: k8s.KubeService;

  constructor(scope: Construct, id: string, props: LabelServiceProps) {
    super(scope, id);
    const type = props.type ?? 'ClusterIP';
    if (props.ports.length === 0) throw new Error(`Service '${props.name}': 'ports' must not be empty`);
    if (props.ports.length > 1 && props.ports.some((p) => !p.name)) {
      throw new Error(`Service '${props.name}': every port needs a 'name' when there are ${props.ports.length} ports`);
    }
    if (props.headless && type !== 'ClusterIP') {
      throw new Error(
        `Service '${props.name}': 'headless' needs 'type' ClusterIP, not ${type} (a headless Service has no IP for node ports)`,
      );
    }
    const nodePort = props.ports.find((p) => p.nodePort !== undefined);
    if (type === 'ClusterIP' && nodePort) {
      throw new Error(`Service '${props.name}': 'nodePort' ${nodePort.nodePort} needs 'type' NodePort or LoadBalancer, not ClusterIP`);
    }
    this.apiObject = new k8s.KubeService(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        annotations: props.annotations && Object.keys(props.annotations).length ? { ...props.annotations } : undefined,
      },
      spec: {
        type,
        clusterIp: props.headless ? 'None' : undefined,
        selector: { ...props.selector },
        ports: props.ports.map((p) => ({
          name: p.name,
          port: p.port,
          protocol: p.protocol ?? 'TCP',
          targetPort: intOrString(p.targetPort ?? p.port),
          nodePort: p.nodePort,
        })),
      },
    });
  }
}

function intOrString(v: number | string): k8s.IntOrString {
  return typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v);
}
