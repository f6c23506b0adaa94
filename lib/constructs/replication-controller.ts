import { Construct } from 'constructs';
import { k8s } from '../k8s.js';

export interface ReplicationControllerProps {
  /** `metadata.name` of the controller. */
  readonly name: string;
  /**
   * Number of pods to keep running.
   * @default 1
   */
  readonly replicas?: number;
  /** Labels that select the controller's pods; the pod template carries them too. */
  readonly selector: Readonly<Record<string, string>>;
  /** The pod: containers, volumes and the rest of the pod spec. */
  readonly podSpec: k8s.PodSpec;
  /**
   * Namespace of the controller.
   * @default - the stage's namespace
   */
  readonly namespace?: string;
}

/**
 * A ReplicationController: the articles' way of keeping N identical pods running.
 * cdk8s-plus has no construct for it, so this one wraps the typed binding.
 */
export class ReplicationController extends Construct {
  readonly apiObject: k8s.KubeReplicationController;

  constructor(scope: Construct, id: string, props: ReplicationControllerProps) {
    super(scope, id);
    const replicas = props.replicas ?? 1;
    if (Object.keys(props.selector).length === 0) {
      throw new Error(`ReplicationController '${props.name}': 'selector' must have at least one label`);
    }
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new Error(`ReplicationController '${props.name}': 'replicas' must be an integer >= 0 (got ${replicas})`);
    }
    this.apiObject = new k8s.KubeReplicationController(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        replicas,
        selector: { ...props.selector },
        template: { metadata: { labels: { ...props.selector } }, spec: props.podSpec },
      },
    });
  }
}
