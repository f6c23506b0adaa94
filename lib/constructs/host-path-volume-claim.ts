import { Construct } from 'constructs';
import { k8s } from '../k8s.js';

export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

export interface HostPathVolumeClaimProps {
  /** `metadata.name` of the PersistentVolume: cluster-scoped, so it must be unique in the cluster (carry the stage). */
  readonly volumeName: string;
  /** `metadata.name` of the PersistentVolumeClaim, in the stage's namespace. */
  readonly claimName: string;
  /** Directory on the node that holds the data. */
  readonly hostPath: string;
  /** Capacity of the volume and request of the claim, a Kubernetes quantity such as `2Gi`. */
  readonly size: string;
  /** @default 'ReadWriteOnce' */
  readonly accessMode?: AccessMode;
  /**
   * The node whose directory holds the data: the volume is pinned to it (`nodeAffinity`), so the
   * scheduler runs every pod of the claim there. Without it, a pod placed on another node finds
   * that node's directory instead, empty.
   * @default - none: any node (a one-node cluster)
   */
  readonly node?: string;
  /**
   * What happens to the data when the claim is deleted.
   * @default 'Retain' - no stage loses its data by deleting a claim
   */
  readonly reclaimPolicy?: 'Retain' | 'Delete' | 'Recycle';
}

/** The label every kubelet gives its node, with the node's name (unless --hostname-override says otherwise). */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

const QUANTITY = /^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/**
 * A PersistentVolume on a node's directory and the claim bound to it by name, as the articles
 * create storage on clusters without a provisioner. Both carry the same size and access mode, and
 * the claim names the volume (`volumeName`) so it cannot bind to another one. The claim asks for
 * no storage class (`storageClassName: ''`) so that a default class does not provision a volume
 * instead.
 */
export class HostPathVolumeClaim extends Construct {
  readonly volume: k8s.KubePersistentVolume;
  readonly claim: k8s.KubePersistentVolumeClaim;
  readonly claimName: string;

  constructor(scope: Construct, id: string, props: HostPathVolumeClaimProps) {
    super(scope, id);
    if (!QUANTITY.test(props.size)) {
      throw new Error(`PersistentVolume '${props.volumeName}': 'size' must be a quantity such as 2Gi (got '${props.size}')`);
    }
    if (!props.hostPath.startsWith('/')) {
      throw new Error(`PersistentVolume '${props.volumeName}': 'hostPath' must be an absolute path (got '${props.hostPath}')`);
    }
    const accessModes = [props.accessMode ?? 'ReadWriteOnce'];
    const size = k8s.Quantity.fromString(props.size);
    this.claimName = props.claimName;
    this.volume = new k8s.KubePersistentVolume(this, 'Volume', {
      metadata: { name: props.volumeName },
      spec: {
        capacity: { storage: size },
        accessModes,
        persistentVolumeReclaimPolicy: props.reclaimPolicy ?? 'Retain',
        storageClassName: '',
        hostPath: { path: props.hostPath, type: 'DirectoryOrCreate' },
        nodeAffinity:
          props.node === undefined
            ? undefined
            : {
                required: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [props.node] }] }],
                },
              },
      },
    });
    this.claim = new k8s.KubePersistentVolumeClaim(this, 'Claim', {
      metadata: { name: props.claimName },
      spec: {
        accessModes,
        resources: { requests: { storage: size } },
        storageClassName: '',
        volumeName: props.volumeName,
      },
    });
  }
}
