/** Label selectors: reading them from workloads and Services, and matching them against labels. */
import { isRecord, type KubeObject } from '../model/object.js';
import { isBuiltInWorkload } from '../model/pod-specs.js';
import type { FieldPath } from './finding.js';

export interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface Selector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly Requirement[];
  /** Where the selector is in its object. */
  readonly path: FieldPath;
}

/** Kinds whose `spec.selector` is a LabelSelector (matchLabels/matchExpressions) over their own pod template. */
const LABEL_SELECTOR_KINDS = new Set(['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job']);

/**
 * The selector a built-in controller uses for its pods, or undefined when it has none (or defaults
 * to the template labels). By API group and kind (`isBuiltInWorkload`): an example.com Deployment
 * selects no pods anyone knows of, and a custom workload's selector is `customSelector`'s.
 */
export function workloadSelector(o: KubeObject): Selector | undefined {
  const spec = o.spec as Record<string, unknown> | undefined;
  const sel = spec?.selector as Record<string, unknown> | undefined;
  if (!sel || typeof sel !== 'object' || !isBuiltInWorkload(o)) return undefined;
  if (o.kind === 'ReplicationController') {
    return { matchLabels: sel as Record<string, string>, matchExpressions: [], path: ['spec', 'selector'] };
  }
  if (!LABEL_SELECTOR_KINDS.has(o.kind)) return undefined;
  return labelSelector(sel, ['spec', 'selector']);
}

/**
 * A LabelSelector (matchLabels, matchExpressions) as read from `sel`, at `path` in its object; the
 * one reader of workloads' selectors, built-in or custom (custom-workloads.ts). What is no mapping
 * is nothing a selector holds: matchLabels that is none is no labels, and a matchExpressions item
 * that is none (a bare `-`, written as null) is left out (the schema check reports its type).
 */
export function labelSelector(sel: Record<string, unknown>, path: FieldPath): Selector {
  const { matchLabels, matchExpressions } = sel;
  return {
    matchLabels: isRecord(matchLabels) ? (matchLabels as Record<string, string>) : {},
    matchExpressions: Array.isArray(matchExpressions) ? (matchExpressions.filter(isRecord) as unknown as Requirement[]) : [],
    path,
  };
}

/** Whether `labels` satisfy the selector. An empty selector matches everything. */
export function selectorMatches(s: Pick<Selector, 'matchLabels' | 'matchExpressions'>, labels: Readonly<Record<string, string>>): boolean {
  // a value written as null is "" to the API server (api/label-null), on either side
  for (const k in s.matchLabels) if (labels[k] === undefined || (labels[k] ?? '') !== (s.matchLabels[k] ?? '')) return false;
  for (const r of s.matchExpressions) {
    const has = Object.hasOwn(labels, r.key);
    const inValues = has && Array.isArray(r.values) && r.values.includes(labels[r.key]);
    const ok =
      r.operator === 'In'
        ? inValues
        : r.operator === 'NotIn'
          ? !inValues
          : r.operator === 'Exists'
            ? has
            : r.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

/**
 * A label key or value as a selector shows it: as it is when it holds only what labels may (letters, digits, `-_./`), else
 * quoted, so that no character of it reads as the selector's own: a key `app!` with the value ss is `"app!"=ss`, never
 * `app!=ss`, which is kubectl's "app is not ss" (the key itself is refused at its place, api/label-key).
 */
const shown = (s: unknown): string => {
  const text = String(s);
  return /^[-A-Za-z0-9_./]*$/.test(text) ? text : JSON.stringify(text);
};

/** `app=nginx, tier=web` */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${shown(k)}=${shown(v)}`)
    .join(', ');
}

/** `app=nginx, tier in (web, api), !canary`: a selector's labels and expressions, as kubectl writes them. */
export function formatSelector(s: Pick<Selector, 'matchLabels' | 'matchExpressions'>): string {
  const expressions = s.matchExpressions.map((r) => {
    const key = shown(r?.key);
    const values = Array.isArray(r?.values) ? r.values.map(shown).join(', ') : '';
    switch (r?.operator) {
      case 'In':
        return `${key} in (${values})`;
      case 'NotIn':
        return `${key} notin (${values})`;
      case 'Exists':
        return key;
      case 'DoesNotExist':
        return `!${key}`;
      default:
        return `${key} ${String(r?.operator)} (${values})`; // an operator the schema check refuses
    }
  });
  return [formatLabels(s.matchLabels), ...expressions].filter((x) => x !== '').join(', ');
}
