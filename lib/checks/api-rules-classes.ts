/**
 * The API server's rules of the cluster-wide class kinds that their schema does not say
 * (pkg/apis/scheduling/validation ValidatePriorityClass, pkg/apis/node/validation ValidateRuntimeClass):
 * a PriorityClass's value and the names reserved for the system's, a RuntimeClass's handler. Called by
 * checkKindRules (api-rules-kinds.ts) for the built-in kinds; data in, findings out.
 */
import type { KubeObject } from '../model/object.js';
import type { Emit, Finding } from './finding.js';

/** The highest priority a PriorityClass of the cluster's users may have (scheduling.HighestUserDefinablePriority). */
const HIGHEST_USER_PRIORITY = 1_000_000_000;

/** The prefix of the names the API server keeps for its own PriorityClasses, and those classes with their values. */
const SYSTEM_PREFIX = 'system-';
const SYSTEM_CLASSES: Readonly<Record<string, number>> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};

/** A RuntimeClass's handler: a DNS label (what the CRI's runtime is configured with). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The rules of a PriorityClass or a RuntimeClass (of the groups Kubernetes serves them in: the caller knows). */
export function checkClassRules(emit: Emit, o: KubeObject, out: Finding[]): void {
  if (o.kind === 'PriorityClass') priorityClass(emit, o, out);
  else if (o.kind === 'RuntimeClass') runtimeClass(emit, o, out);
}

function priorityClass(emit: Emit, o: KubeObject, out: Finding[]): void {
  const name = o.metadata?.name;
  const value = o.value;
  if (typeof name === 'string' && Object.hasOwn(SYSTEM_CLASSES, name)) {
    // the two the API server makes itself, as it makes them, may be written (a cluster's export of them)
    const own = SYSTEM_CLASSES[name];
    if (own === value && o.globalDefault !== true) return;
    const [field, written] = own !== value ? ['value', `value ${JSON.stringify(value ?? null)}`] : ['globalDefault', 'globalDefault true'];
    out.push(
      emit(
        'api/class',
        [field],
        `${name} is the API server's own PriorityClass, which may be written only as it makes it (value ${own}, globalDefault false): it refuses ${written} ("${field} of ${name} PriorityClass must be ${field === 'value' ? own : false}")`,
        `write value: ${own} and no globalDefault, or leave the PriorityClass out (every cluster has it; a pod names it by priorityClassName); for a class of your own, name it without the '${SYSTEM_PREFIX}' prefix`,
      ),
    );
  } else if (typeof name === 'string' && name.startsWith(SYSTEM_PREFIX)) {
    out.push(
      emit(
        'api/class',
        ['metadata', 'name'],
        `the name '${name}' starts with '${SYSTEM_PREFIX}', which the API server keeps for its own PriorityClasses (system-node-critical, system-cluster-critical, as it makes them): it refuses this one`,
        `name it without the '${SYSTEM_PREFIX}' prefix; a pod may name system-node-critical or system-cluster-critical, which every cluster has`,
      ),
    );
  } else if (typeof value === 'number' && value > HIGHEST_USER_PRIORITY) {
    out.push(
      emit(
        'api/class',
        ['value'],
        `value ${value} is above ${HIGHEST_USER_PRIORITY.toLocaleString('en-US')}, the highest a PriorityClass other than the system's may have: the API server refuses it`,
        `give a value of at most ${HIGHEST_USER_PRIORITY} (the system's classes are above it, so that nothing preempts them)`,
      ),
    );
  }
}

function runtimeClass(emit: Emit, o: KubeObject, out: Finding[]): void {
  const handler = o.handler;
  if (typeof handler !== 'string' || (handler.length <= 63 && DNS_LABEL.test(handler))) return;
  out.push(
    emit(
      'api/class',
      ['handler'],
      `handler ${JSON.stringify(handler)} is no DNS label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit): the API server refuses it`,
      "write the handler as the container runtime's configuration names it (runc, runsc, kata-qemu...), in lowercase with '-' for '_'; the runtime's own name must be one too",
    ),
  );
}
