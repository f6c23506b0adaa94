/**
 * The problems of a service's `storage`, each at its setting: what a ReadWriteOnce claim, mounted on
 * one node at a time, cannot do (several pods, a second color, a rolling update).
 */
import type { SettingsProblem } from '../../lib/stack.js';
import { mountsReadWriteOnce, type ServiceSettings } from './settings.js';

/**
 * `storage` as Kubernetes can mount it. A ReadWriteOnce claim (the default) is mounted on one node
 * at a time: a second pod on another node waits forever in ContainerCreating (Multi-Attach error),
 * with nothing in the manifests to say why, and a hostPath volume is one node's directory anyway.
 * So the app runs one pod, replaced with strategy Recreate (chart.ts), and what would run more
 * (replicas, autoscaling, a second color) or roll (rollout) is refused at its setting.
 */
export function storageProblems(s: ServiceSettings): SettingsProblem[] {
  const storage = s.storage;
  if (!storage) return [];
  if (!mountsReadWriteOnce(s)) {
    return storage.storageClass === undefined
      ? [
          {
            code: 'config/conflict',
            path: ['storage', 'accessMode'],
            message:
              'ReadWriteMany needs storage.storageClass: without one the claim is bound to a hostPath PersistentVolume, a directory of one node, which pods on other nodes would not share',
            hint: 'name a storage class that provides ReadWriteMany (NFS, CephFS, EFS, Azure Files...), or remove accessMode and run one pod',
          },
        ]
      : [];
  }
  const why =
    'the storage claim is ReadWriteOnce, mounted on one node at a time, so a pod on another node would wait forever for the volume (Multi-Attach error)';
  const hint =
    'run one pod (replicas 1, no autoscaling); or, on a storage class that provides it, set storage.accessMode: ReadWriteMany; or, for a volume per pod, run the app as a StatefulSet (a stack of your own, see "Your own stack" in the README)';
  const problems: SettingsProblem[] = [];
  if ((s.replicas ?? 1) > 1)
    problems.push({
      code: 'config/conflict',
      path: ['replicas'],
      message: `must be 0 or 1 with storage (found ${s.replicas}): ${why}`,
      hint,
    });
  if (s.autoscaling)
    problems.push({
      code: 'config/conflict',
      path: ['autoscaling'],
      message: `cannot be used with storage: the autoscaler would start more pods, and ${why}`,
      hint,
    });
  if (s.blueGreen)
    problems.push({
      code: 'config/conflict',
      path: ['blueGreen'],
      message: `cannot be used with storage: each color runs a pod that mounts the one claim, and ${why}`,
      hint: 'roll out in place with image: (the one pod is replaced with strategy Recreate); or, on a storage class that provides it, set storage.accessMode: ReadWriteMany',
    });
  if (s.rollout)
    problems.push({
      code: 'config/conflict',
      path: ['rollout'],
      message: `has no effect with storage: ${why}, so a new release replaces the pod with strategy Recreate (the old pod stops and lets go of the volume before the new one starts), not with a rolling update`,
      hint: 'remove rollout; or, on a storage class that provides it, set storage.accessMode: ReadWriteMany to roll',
    });
  return problems;
}
