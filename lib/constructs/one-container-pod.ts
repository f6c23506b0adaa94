/**
 * The pod spec of one app container (with the init containers before it and the sidecars beside
 * it, which get its mounts and security context), as the workloads that run an app's own image
 * write it (`AppDeployment`'s pods, the cron stack's CronJob's): one place for what they share, so
 * they cannot drift.
 */
import type { k8s } from '../k8s.js';

/** Where a container with a read-only root filesystem gets a writable directory (an emptyDir). */
export const TMP_MOUNT = '/tmp';

/**
 * The group a claim the container writes is given to (`fsGroup`) when its security context names
 * neither its group nor its user (a non-root user the image's USER names): any group serves, since
 * the kubelet adds `fsGroup` to the groups of each of the pod's processes; `RESTRICTED_CONTAINER`'s.
 */
export const CLAIM_GROUP = 10001;

/** A copy of a list, or undefined when it is empty or missing (the output has no empty lists). */
export const orUndefined = <T>(list: readonly T[] | undefined): T[] | undefined => (list?.length ? [...list] : undefined);

/** A container, less the fields the pod's props write (its pull policy, security context and mounts). */
export type PodContainer = Omit<k8s.Container, 'imagePullPolicy' | 'securityContext' | 'volumeMounts'>;

export interface OneContainerPodProps {
  /** The container. */
  readonly container: PodContainer;
  /**
   * Containers that run beside it for the pod's whole life (sidecars, plain extra containers in
   * Kubernetes 1.25), each with its pull policy, security context and mounts.
   * @default - none
   */
  readonly sidecars?: readonly PodContainer[];
  /**
   * Containers run one after another to completion before it starts, each with its pull policy,
   * security context and mounts.
   * @default - none
   */
  readonly initContainers?: readonly PodContainer[];
  /**
   * `IfNotPresent` suits releases that are new tags (a tag is never rebuilt); `Always` suits moving tags such as `latest`.
   * @default 'IfNotPresent'
   */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** The container's security context; a read-only root filesystem gets a writable `/tmp` (an emptyDir). */
  readonly securityContext: k8s.SecurityContext;
  /** Volumes of the pod besides the `/tmp` of a read-only root filesystem. @default - none */
  readonly volumes?: readonly k8s.Volume[];
  /** Where the container mounts them. @default - none */
  readonly volumeMounts?: readonly k8s.VolumeMount[];
  /** @default - the namespace's `default` ServiceAccount */
  readonly serviceAccountName?: string;
  /**
   * Whether the pod gets an API token.
   * @default false - the app does not call the API unless the stage says so
   */
  readonly automountServiceAccountToken?: boolean;
  /** Secrets with registry credentials the kubelet pulls the image with, by name. @default - none */
  readonly imagePullSecrets?: readonly string[];
  /**
   * Group that owns the pod's volumes, so that a non-root user can write to a claim (and read secret files).
   * @default - when it runs as non-root and writes a claim, its `runAsGroup`, else its `runAsUser`, else `CLAIM_GROUP` (`claimGroup`); else none
   */
  readonly fsGroup?: number;
  /** @default - Kubernetes' default (`Always`, which a Job's pods may not have: a CronJob gives its own) */
  readonly restartPolicy?: string;
  /** Seconds between SIGTERM (after preStop) and SIGKILL. @default - Kubernetes' default (30) */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Node labels the pod runs on only (a node pool); the stage's architecture is added by a transform.
   * @default - any node
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints of the nodes the pod may run on. @default - none */
  readonly tolerations?: readonly k8s.Toleration[];
  /** The PriorityClass of the pod, by name. @default - the cluster's default class, if any */
  readonly priorityClassName?: string;
  /** Which pods and nodes the pod keeps to or away from. @default - none */
  readonly affinity?: k8s.Affinity;
  /** How the pods of its workload spread over nodes or zones, each counting the workload's own pods. @default - none */
  readonly topologySpreadConstraints?: readonly k8s.TopologySpreadConstraint[];
}

/**
 * The group of a claim a non-root container writes: a mount, not read-only, of a `persistentVolumeClaim`
 * volume (not read-only either) or generic `ephemeral` volume, or of no volume the pod lists (a
 * StatefulSet's `volumeClaimTemplates`). A claim's file system belongs to root (the kubelet gives it
 * the pod's `fsGroup` only when the pod has one), so without a group the app's writes fail with
 * "permission denied". Its `runAsGroup`, else its user's number, else `CLAIM_GROUP`; undefined when
 * it writes none.
 */
function claimGroup(props: OneContainerPodProps): number | undefined {
  const { runAsUser, runAsGroup, runAsNonRoot } = props.securityContext;
  if (runAsUser === 0 || (runAsUser === undefined && runAsNonRoot !== true)) return undefined;
  const volumes = new Map((props.volumes ?? []).map((v) => [v.name, v]));
  const written = (props.volumeMounts ?? []).some((m) => {
    const v = volumes.get(m.name);
    // a claim the pod mounts read-only (persistentVolumeClaim.readOnly) is read only, whatever the mount says
    return (
      m.readOnly !== true &&
      (v === undefined || (v.persistentVolumeClaim !== undefined && v.persistentVolumeClaim.readOnly !== true) || v.ephemeral !== undefined)
    );
  });
  return written ? (runAsGroup ?? runAsUser ?? CLAIM_GROUP) : undefined;
}

/**
 * The pod spec: the container with its security context and pull policy, the pod's RuntimeDefault
 * seccomp profile, no API token unless asked, pull secrets by name, the nodes it runs on, a
 * writable `/tmp` beside a read-only root filesystem, and a claim it writes given to its group.
 */
export function oneContainerPod(props: OneContainerPodProps): k8s.PodSpec {
  // a read-only root filesystem still needs somewhere to write temporary files (the JVM does)
  const tmp = props.securityContext.readOnlyRootFilesystem === true;
  /** A container of the pod with what every one of them gets alike: pull policy, security context, mounts. */
  const withPodFields = (c: PodContainer): k8s.Container => ({
    ...c,
    imagePullPolicy: props.imagePullPolicy ?? 'IfNotPresent',
    securityContext: props.securityContext,
    volumeMounts: orUndefined([...(tmp ? [{ name: 'tmp', mountPath: TMP_MOUNT }] : []), ...(props.volumeMounts ?? [])]),
  });
  return {
    restartPolicy: props.restartPolicy,
    priorityClassName: props.priorityClassName,
    serviceAccountName: props.serviceAccountName,
    automountServiceAccountToken: props.automountServiceAccountToken ?? false,
    imagePullSecrets: orUndefined(props.imagePullSecrets?.map((name) => ({ name }))),
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
    nodeSelector: props.nodeSelector && Object.keys(props.nodeSelector).length ? { ...props.nodeSelector } : undefined,
    tolerations: orUndefined(props.tolerations),
    affinity: props.affinity,
    topologySpreadConstraints: orUndefined(props.topologySpreadConstraints),
    securityContext: {
      seccompProfile: { type: 'RuntimeDefault' },
      fsGroup: props.fsGroup ?? claimGroup(props),
    },
    initContainers: orUndefined(props.initContainers?.map(withPodFields)),
    containers: [props.container, ...(props.sidecars ?? [])].map(withPodFields),
    volumes: orUndefined([...(tmp ? [{ name: 'tmp', emptyDir: {} }] : []), ...(props.volumes ?? [])]),
  };
}
