/**
 * What ValidatePodUpdate (Kubernetes 1.25, pkg/apis/core/validation) allows of a Pod's spec once
 * the Pod is created, and the spec as it compares two versions of it: as the API server keeps it
 * (pod-defaults.ts), with what admission keeps from the Pod as it is. lib/immutable-fields.ts says
 * which changes are refused, with the rest of each kind's fixed fields.
 */
import { isDeepStrictEqual } from 'node:util';
import { isRecord } from './object.js';
import { podSpecAsCreated, type ClassPriority } from './pod-defaults.js';
import { mapContainers } from './pod-specs.js';

/** Why a Pod's spec is refused: all of it is fixed once the Pod is created, but for these (ValidatePodUpdate). */
export const POD_FIXED =
  "a Pod's spec cannot change once it is created, but for its images, an activeDeadlineSeconds set or shortened, " +
  'tolerations added and a negative terminationGracePeriodSeconds set to 1';

/**
 * The fields of a Pod's spec that an update may change, beside its containers' and init containers'
 * images, each only as ValidatePodUpdate in Kubernetes 1.25 (pkg/apis/core/validation) allows it:
 * `allowed` of the old and new values, with their defaults (terminationGracePeriodSeconds: 30).
 */
export const POD_UPDATABLE: Readonly<
  Record<string, { readonly why: string; readonly allowed: (before: unknown, after: unknown) => boolean }>
> = {
  // "must be less than or equal to previous value", "must not update from a positive integer to nil value"
  activeDeadlineSeconds: {
    why: "a Pod's activeDeadlineSeconds may only be set or shortened once it is created, not lengthened or removed",
    allowed: (before, after) => before === undefined || (typeof after === 'number' && typeof before === 'number' && after <= before),
  },
  // validateOnlyAddedTolerations: each toleration it had is still there, but for its tolerationSeconds
  tolerations: {
    why: "a Pod's tolerations may only be added to once it is created (or a toleration's tolerationSeconds changed), not removed or changed",
    allowed: (before, after) => {
      const kept = tolerationsCompared(after);
      return tolerationsCompared(before).every((t) => kept.some((k) => isDeepStrictEqual(t, k)));
    },
  },
  // kept as it was unless it was negative and is now 1 (the grace period a pod being deleted takes)
  terminationGracePeriodSeconds: {
    why: "a Pod's terminationGracePeriodSeconds cannot change once it is created, but from a negative value to 1",
    allowed: (before, after) => before === after || (typeof before === 'number' && before < 0 && after === 1),
  },
};

/**
 * Tolerations as validateOnlyAddedTolerations compares them (reflect.DeepEqual of the Go structs):
 * without their tolerationSeconds, and without the fields left empty (a Go string's zero value).
 */
function tolerationsCompared(list: unknown): unknown[] {
  if (!Array.isArray(list)) return [];
  return list.map((t) =>
    isRecord(t)
      ? Object.fromEntries(Object.entries(t).filter(([k, v]) => k !== 'tolerationSeconds' && v !== undefined && v !== null && v !== ''))
      : t,
  );
}

/** The fields of a Pod's spec that the Priority admission plugin keeps from the Pod as it is when an update leaves them out. */
export const KEPT_ON_UPDATE = ['priority', 'preemptionPolicy'];

/**
 * A Pod's spec (a version of `created`'s, the spec it was applied with first) as the API server
 * compares two versions of it: as it keeps it once created (its defaults and what admission gave it,
 * lib/model/pod-defaults.ts, with the PriorityClasses `classes`), without its images, which may
 * change. A pull policy that neither version writes keeps the default the old image gave it
 * (kubectl apply leaves the field alone); one no longer written is given the new image's. The
 * priority and preemptionPolicy it leaves out are the Pod's, given by its first class, and so is
 * its class when neither version names one (the globalDefault one). The fields
 * of POD_UPDATABLE are compared by their rules.
 */
export function podSpecCompared(
  spec: Record<string, unknown>,
  created: Record<string, unknown>,
  classes: ReadonlyMap<string, ClassPriority>,
): Record<string, unknown> {
  const kept = mapContainers(spec, (c, list, i) => {
    const was = Array.isArray(created[list]) ? created[list][i] : undefined;
    return isRecord(c) && isRecord(was) && c.imagePullPolicy === undefined && was.imagePullPolicy === undefined
      ? { ...c, image: was.image }
      : c;
  });
  const admitted = podSpecAsCreated(created, classes) as Record<string, unknown>;
  for (const k of KEPT_ON_UPDATE) kept[k] ??= admitted[k];
  // admission names a class on create only: written by neither version, the class is the one the Pod
  // was given (the globalDefault's, which kubectl apply leaves); no longer written, it is none
  const removed = kept.priorityClassName === undefined && created.priorityClassName !== undefined;
  const updated = removed ? new Map([...classes].filter(([, c]) => !c.globalDefault)) : classes;
  const asCreated = podSpecAsCreated(kept, updated) as Record<string, unknown>;
  return mapContainers(asCreated, (c) => (isRecord(c) ? { ...c, image: undefined } : c));
}
