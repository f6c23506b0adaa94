/**
 * The commands that delete what a stage left running once its stage file is removed (no prune
 * command of it runs again), found by its labels or by name, with what they delete that holds data
 * and what to apply first. Words read from a hand-editable inventory.txt are quoted for the shell
 * (`word`). Pure.
 */
import { applyRank } from '../model/kinds.js';
import { groupOf } from '../k8s.js';
import { keyParts, parseInventory, stageSelector } from './inventory.js';

/** `daemonset.apps`, `configmap`: a kind of `apiVersion` as `kubectl delete` and `get` take it. */
function resourceOf(apiVersion: string, kind: string): string {
  const group = groupOf(apiVersion);
  return group ? `${kind.toLowerCase()}.${group}` : kind.toLowerCase();
}

/**
 * The command that deletes from its cluster every object of the inventory `text` (the stage's
 * output as it was), found by the stage's labels, of each kind the inventory lists, in every
 * namespace it held (kube-system's too) and the cluster-scoped ones: what a stage whose file is
 * removed leaves running, since no prune command of it will ever run again. Kinds in reverse apply
 * order, the namespace last; with `namespace`, in that namespace only (and the cluster-scoped ones). Undefined
 * when the inventory lists no object.
 */
export function deleteCommand(stage: string, text: string, namespace?: string): string | undefined {
  return deleteCommandOf(stage, [...parseInventory(text).keys()], namespace);
}

/** `deleteCommand` of the objects of inventory keys `keys` (`apps/v1 DaemonSet kube-system/flannel`). */
export function deleteCommandOf(stage: string, keys: readonly string[], namespace?: string): string | undefined {
  const kinds = keys.map(keyParts).sort((a, b) => applyRank(b.kind) - applyRank(a.kind));
  if (kinds.length === 0) return undefined;
  const resources = [...new Set(kinds.map((k) => resourceOf(k.apiVersion, k.kind)))];
  // `namespace`: its objects there and the cluster-scoped ones (kubectl reads -n for namespaced kinds only; lib/cli/removed-stage.ts)
  const where = namespace !== undefined ? `-n ${word(namespace)}` : kinds.some((k) => k.namespace !== undefined) ? '--all-namespaces' : '';
  return `kubectl delete ${word(resources.join(','))}${where ? ` ${where}` : ''} -l ${word(stageSelector(stage))}`;
}

/**
 * A word of a printed command read from a hand-editable inventory.txt (a kind, a namespace), as a POSIX shell
 * reads it back when the command is pasted: as it is when plain (as lib/errors.ts `argumentWord`, however long:
 * a stage's kinds make one word), else in single quotes, so that `kube-system$(...)` is a namespace kubectl
 * refuses, not a command the shell runs; a control character is left to the printing's `escapeName`.
 */
export const word = (w: string) => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`);

/** What a Namespace holds that no file of `dist/` does (lib/data-leaves.ts reads it from the output that made it). */
export interface NamespaceHoldings {
  /** The Secrets its stage requires, whose values are in no commit. */
  readonly secrets: readonly string[];
  /** The claims its StatefulSets make from their volumeClaimTemplates, as `<template>-<statefulset>-*`. */
  readonly claims: readonly string[];
}

/**
 * What a removed stage's delete command (`deleteCommand`) deletes that holds data, as a line to
 * print under it: its claims (their volumes are released, or deleted with their data, as their
 * reclaim policy says), its PersistentVolumes, and with its namespaces everything in them that
 * `dist/` never held (the Secrets, whose values are in no commit, and the claims of StatefulSets).
 * Undefined when it deletes none of these.
 * @param holdings by namespace, what the stage's namespaces hold besides its objects, read from its
 *   output while it is there; a namespace without an entry (its files unreadable) may hold both
 * @param kept the keys of the objects that the stages now using its namespace make (a stage renamed
 *   with its namespace kept): applied first, they carry those stages' labels, so the command leaves
 *   them, the namespace too, with what it holds
 */
export function deletedData(
  text: string,
  holdings: ReadonlyMap<string, NamespaceHoldings> = new Map(),
  kept: ReadonlySet<string> = new Set(),
): string | undefined {
  const plural = (names: readonly string[], what: string) => `${what}${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
  const keys = [...parseInventory(text).keys()].filter((k) => !kept.has(k)).map(keyParts);
  const named = (kind: string) => keys.filter((k) => k.kind === kind).map((k) => (k.namespace ? `${k.namespace}/${k.name}` : k.name));
  const claims = named('PersistentVolumeClaim');
  const volumes = named('PersistentVolume');
  const namespaces = named('Namespace').flatMap((ns) => {
    const held = holdings.get(ns);
    if (!held) return [`with namespace ${ns}, everything in it, also the Secrets (values in no commit) and the claims of StatefulSets`];
    const lost = [
      ...(held.secrets.length ? [`${plural(held.secrets, 'the Secret')} (values in no commit)`] : []),
      ...(held.claims.length ? [`the claims its StatefulSets made (${held.claims.join(', ')})`] : []),
    ];
    return lost.length ? [`with namespace ${ns}, everything in it, also ${lost.join(' and ')}`] : [];
  });
  if (claims.length === 0 && volumes.length === 0 && namespaces.length === 0) return undefined;
  return [
    'that deletes data too: ',
    [
      ...(claims.length
        ? [`${plural(claims, 'the claim')} (their volumes are released, or deleted with their data, as their reclaim policy says)`]
        : []),
      ...(volumes.length ? [plural(volumes, 'the PersistentVolume')] : []),
      ...namespaces,
    ].join('; '),
    // a stage renamed that keeps the namespace keeps the claims it makes too
    `; copy what is to be kept first${kept.size ? '' : ' (a stage renamed starts on new, empty claims)'}`,
  ].join('');
}

/**
 * What to do before running a removed stage's delete command when other stages now use a namespace
 * it created (`holding`: a stage renamed that kept its namespace): apply their output first, so
 * that the objects there carry the new stage's labels and the command, which selects by the removed
 * stage's, leaves them and the namespace; '' when no stage does.
 */
export function applyFirst(stage: string, holding: readonly string[]): string {
  if (holding.length === 0) return '';
  const apply = holding.map((s) => `kubectl apply -k dist/${s}`).join(' && ');
  return `${holding.join(', ')} ${holding.length === 1 ? 'uses' : 'use'} its namespace, whose objects carry ${stage}'s labels until applied again: first ${apply}, then `;
}

/** `kubectl delete externalsecret.external-secrets.io -n production mysqlsecret`: one command per kind and namespace of `keys`. */
export function deleteByName(keys: readonly string[]): string[] {
  const groups = new Map<string, string[]>();
  for (const k of keys) {
    const { apiVersion, kind, namespace, name } = keyParts(k);
    const command = `kubectl delete ${resourceOf(apiVersion, kind)}${namespace ? ` -n ${namespace}` : ''}`;
    groups.set(command, [...(groups.get(command) ?? []), name]);
  }
  return [...groups].map(([command, names]) => `${command} ${names.join(' ')}`);
}
