/**
 * What the API server allows of an object's name, by kind: the grammar (pkg/apis/core/validation
 * and friends: most kinds take a DNS-1123 subdomain) and the length, which for a few kinds is
 * shorter than the grammar's because a name is built from it. The checks refuse names by it
 * (lib/checks/api-rules-meta.ts); the stage loader refuses app names whose objects' names it would
 * refuse (lib/config/names.ts).
 */
import { ownEntry } from './object.js';

/** The grammars of names: DNS-1123 label or subdomain, DNS-1035 label, or any path segment. */
export type NameRule = 'label' | 'dns1035' | 'path-segment' | 'subdomain';

export interface KindNameRule {
  readonly rule: NameRule;
  /**
   * The most characters a name may have, when the kind allows fewer than its grammar does.
   * @default - the grammar's: 63 for labels, 253 for subdomains, none for path segments
   */
  readonly maxLength?: number;
  /** Why the kind allows fewer characters than its grammar, for messages. @default - none */
  readonly why?: string;
}

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** IANA service names: port names (at most 15, lowercase, at least one letter, no '--'). */
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Whether `n` is an IANA service name, as a container port name (and a named targetPort) must be. */
export const isIanaSvcName = (n: string) => IANA_SVC_NAME.test(n) && n.length <= 15 && /[a-z]/.test(n) && !n.includes('--');

/** The longest DNS-1123 or DNS-1035 label. */
export const MAX_LABEL_NAME = 63;
/** The longest DNS-1123 subdomain. */
export const MAX_SUBDOMAIN_NAME = 253;

const SUBDOMAIN: KindNameRule = { rule: 'subdomain' };

/** How each kind's names are validated; every kind not listed takes a DNS-1123 subdomain. */
const KIND_NAME_RULES: Readonly<Record<string, KindNameRule>> = {
  Namespace: { rule: 'label' },
  Service: { rule: 'dns1035' },
  Role: { rule: 'path-segment' },
  ClusterRole: { rule: 'path-segment' },
  RoleBinding: { rule: 'path-segment' },
  ClusterRoleBinding: { rule: 'path-segment' },
  // pkg/apis/batch/validation ValidateCronJobCreate: "must be no more than 52 characters"
  CronJob: {
    rule: 'subdomain',
    maxLength: MAX_LABEL_NAME - 11,
    why: 'the CronJob controller names each Job it starts <name>-<11 digits>, and a Job name is at most 63 characters',
  },
  // the API server takes a longer name, but the StatefulSet controller labels each pod with its
  // revision, controller-revision-hash: <name>-<hash> (pkg/controller/history ControllerRevisionName:
  // an FNV-32 hash written in up to 10 lowercase letters and digits by rand.SafeEncodeString), and
  // the pod is refused: kubernetes/kubernetes#64023
  StatefulSet: {
    rule: 'subdomain',
    maxLength: MAX_LABEL_NAME - 11,
    why: 'the StatefulSet controller labels each pod controller-revision-hash: <name>-<a hash of up to 10 letters and digits>, and a label value is at most 63 characters: the API server refuses the pods, and the StatefulSet runs none',
  },
  // the API server labels a Job's pod template job-name: <name> (unless spec.manualSelector) and
  // validates that label as any other (ValidateGeneratedSelector, ValidatePodTemplateSpec)
  Job: {
    rule: 'subdomain',
    maxLength: MAX_LABEL_NAME,
    why: "the API server labels the Job's pods job-name: <name>, and a label value is at most 63 characters",
  },
};

/** The name rule of a kind. */
export const nameRuleOf = (kind: string): KindNameRule => ownEntry(KIND_NAME_RULES, kind) ?? SUBDOMAIN;

/** The most characters a name of `kind` may have; undefined when only the object's size bounds it. */
export function maxNameLength(kind: string): number | undefined {
  const { rule, maxLength } = nameRuleOf(kind);
  if (maxLength !== undefined) return maxLength;
  if (rule === 'path-segment') return undefined;
  return rule === 'subdomain' ? MAX_SUBDOMAIN_NAME : MAX_LABEL_NAME;
}
