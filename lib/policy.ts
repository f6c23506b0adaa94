/**
 * Declared exceptions to the safety policy (Pod Security Standards), kept next to the object they
 * excuse: an annotation `policy.stagecraft.dev/<control>: <reason>` on the workload. The policy
 * checks read these annotations; synthesis lists every exception in its summary, so none is silent.
 */
import type { ApiObject } from 'cdk8s';

export const POLICY_EXCEPTION_PREFIX = 'policy.stagecraft.dev/';

/**
 * The controls an exception can name, after the Pod Security Standards: the "baseline" ones
 * (host namespaces, host ports, hostPath volumes, privileged containers, added capabilities) and
 * the "restricted" ones (running as root, privilege escalation, seccomp, dropped capabilities,
 * volume types).
 */
export const POLICY_CONTROLS = [
  'host-namespaces',
  'host-ports',
  'host-path',
  'privileged',
  'capabilities',
  'run-as-root',
  'privilege-escalation',
  'seccomp',
  'volume-types',
  // not Pod Security Standards: the warnings about images without a fixed tag, containers without
  // requests and limits, and long-running containers without probes
  'image-tag',
  'resources',
  'probes',
] as const;
export type PolicyControl = (typeof POLICY_CONTROLS)[number];

/** Excuses `object` (a workload's ApiObject) from `control`, for `reason` (one sentence, said to reviewers). */
export function allowPolicyException(object: ApiObject, control: PolicyControl, reason: string): void {
  if (!reason.trim()) throw new Error(`policy exception '${control}' on ${object.kind} '${object.name}' needs a reason`);
  object.metadata.addAnnotation(`${POLICY_EXCEPTION_PREFIX}${control}`, reason);
}

/** Excuses `object` from each control `exceptions` names, for its reason: a stack's `security.exceptions` (service, cron). */
export function allowPolicyExceptions(object: ApiObject, exceptions: Readonly<Partial<Record<PolicyControl, string>>> | undefined): void {
  for (const [control, reason] of Object.entries(exceptions ?? {}) as [PolicyControl, string][])
    allowPolicyException(object, control, reason);
}

/** The exceptions declared on a synthesized object's annotations, by control. */
export function declaredExceptions(annotations: Readonly<Record<string, string>> | undefined): Map<string, string> {
  return new Map(
    Object.entries(annotations ?? {})
      .filter(([k]) => k.startsWith(POLICY_EXCEPTION_PREFIX))
      .map(([k, v]) => [k.slice(POLICY_EXCEPTION_PREFIX.length), v]),
  );
}
