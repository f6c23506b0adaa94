import { Construct } from 'constructs';
import { k8s } from '../k8s.js';

/** The kinds of workload an autoscaler scales, with their apiVersion: those with a scale subresource and a pod template. */
export const SCALED_KINDS = { Deployment: 'apps/v1', StatefulSet: 'apps/v1', ReplicaSet: 'apps/v1' } as const;

/** A workload an autoscaler scales: its kind and name, in the autoscaler's namespace. */
export interface ScaleTarget {
  readonly kind: keyof typeof SCALED_KINDS;
  readonly name: string;
}

export interface CpuAutoscalerProps {
  /** `metadata.name` of the HorizontalPodAutoscaler. */
  readonly name: string;
  /**
   * The Deployment it scales, by name (`target` for another kind).
   * @default - the workload `target` names
   */
  readonly deploymentName?: string;
  /**
   * The workload it scales, by kind and name: `{ kind: 'StatefulSet', name: 'ledger' }`.
   * @default - the Deployment `deploymentName`
   */
  readonly target?: ScaleTarget;
  /**
   * The release of the workload it scales, written as `app.kubernetes.io/version`.
   * @default - none here: the chart's version, added by the labels transform
   */
  readonly version?: string;
  /** Fewest pods. */
  readonly minReplicas: number;
  /** Most pods. */
  readonly maxReplicas: number;
  /**
   * Average CPU use, in percent of the pods' CPU request, that the autoscaler keeps the pods at.
   * @default 70
   */
  readonly cpuUtilization?: number;
}

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) that scales a Deployment, or the StatefulSet or
 * ReplicaSet `target` names, on CPU. The pods need a CPU request: utilization is measured against it.
 */
export class CpuAutoscaler extends Construct {
  readonly apiObject: k8s.KubeHorizontalPodAutoscalerV2;

  constructor(scope: Construct, id: string, props: CpuAutoscalerProps) {
    super(scope, id);
    if (props.minReplicas < 1)
      throw new Error(`HorizontalPodAutoscaler '${props.name}': 'minReplicas' must be at least 1 (got ${props.minReplicas})`);
    if (props.minReplicas > props.maxReplicas) {
      throw new Error(
        `HorizontalPodAutoscaler '${props.name}': 'minReplicas' ${props.minReplicas} is above 'maxReplicas' ${props.maxReplicas}`,
      );
    }
    const { deploymentName, target } = props;
    if ((deploymentName === undefined) === (target === undefined)) {
      throw new Error(
        deploymentName === undefined
          ? `HorizontalPodAutoscaler '${props.name}': give 'deploymentName' (a Deployment) or 'target' (its kind and name): it scales nothing`
          : `HorizontalPodAutoscaler '${props.name}': give 'deploymentName' ('${deploymentName}') or 'target' (${target!.kind} '${target!.name}'), not both`,
      );
    }
    const scaled = target ?? { kind: 'Deployment', name: deploymentName! };
    // the type says so to TypeScript; a kind read from a setting or cast reaches here too, and 'DaemonSet' had no apiVersion
    if (!Object.hasOwn(SCALED_KINDS, scaled.kind)) {
      throw new Error(
        `HorizontalPodAutoscaler '${props.name}': 'target' names a ${JSON.stringify(scaled.kind)}, which it cannot scale: the kinds it scales are ${Object.keys(SCALED_KINDS).join(', ')}`,
      );
    }
    this.apiObject = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name: props.name, labels: props.version === undefined ? undefined : { 'app.kubernetes.io/version': props.version } },
      spec: {
        scaleTargetRef: { apiVersion: SCALED_KINDS[scaled.kind], kind: scaled.kind, name: scaled.name },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.cpuUtilization ?? 70 } },
          },
        ],
      },
    });
  }
}
