import { Construct } from 'constructs';
import { k8s } from '../k8s.js';

export interface CpuAutoscalerProps {
  /** `metadata.name` of the HorizontalPodAutoscaler. */
  readonly name: string;
  /** The Deployment it scales. */
  readonly deploymentName: string;
  /**
   * The release of the Deployment it scales, written as `app.kubernetes.io/version`.
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
 * A HorizontalPodAutoscaler (autoscaling/v2) that scales a Deployment on CPU. The pods need a CPU
 * request: utilization is measured against it.
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
    this.apiObject = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name: props.name, labels: props.version === undefined ? undefined : { 'app.kubernetes.io/version': props.version } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deploymentName },
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
