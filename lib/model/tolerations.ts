/**
 * The API server's rules of one toleration that its schema does not say (pkg/apis/core/validation
 * ValidateTolerations), in one place for the checks of every pod spec (lib/checks/api-rules-pods.ts)
 * and for the stacks whose stage-file settings write tolerations (lib/config/workload.ts), which
 * report them at the setting.
 */
import { isRecord } from './object.js';

/** The taint effect a toleration with `tolerationSeconds` must have: the seconds a pod stays on the node once tainted. */
export const EVICTING_EFFECT = 'NoExecute';

/** A rule a toleration breaks: the field at fault, what is wrong (said after that field's name) and the way out. */
export interface TolerationProblem {
  readonly field: 'value' | 'operator' | 'tolerationSeconds';
  readonly message: string;
  readonly hint: string;
}

/** What the API server refuses in a toleration (the schema's own rules, types and enums, aside). */
export function tolerationProblems(t: unknown): TolerationProblem[] {
  if (!isRecord(t)) return [];
  const problems: TolerationProblem[] = [];
  const key = typeof t.key === 'string' ? t.key : '';
  const exists = t.operator === 'Exists';
  if (exists && typeof t.value === 'string' && t.value !== '') {
    problems.push({
      field: 'value',
      message: `is '${t.value}', but operator Exists matches any value`,
      hint: 'remove value, or use operator Equal to match that value',
    });
  }
  if (key === '' && !exists) {
    problems.push({
      field: 'operator',
      message: `is ${typeof t.operator === 'string' && t.operator !== '' ? `'${t.operator}'` : 'Equal (the default)'}, but a toleration without a key must have operator Exists (it then tolerates every taint)`,
      hint: 'give the key of the taint to tolerate, or set operator: Exists to tolerate every taint',
    });
  }
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== EVICTING_EFFECT) {
    problems.push({
      field: 'tolerationSeconds',
      message: `is set, but effect is ${typeof t.effect === 'string' && t.effect !== '' ? `'${t.effect}'` : 'not given'}: it says how long a pod stays on a node tainted ${EVICTING_EFFECT}, so the API server takes it with effect ${EVICTING_EFFECT} only`,
      hint: `set effect: ${EVICTING_EFFECT}, or remove tolerationSeconds`,
    });
  }
  return problems;
}
