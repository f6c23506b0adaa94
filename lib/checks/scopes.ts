/**
 * Which files of `npm run check -- <paths>` form one cluster scope (checked together: duplicates,
 * references, namespaces). A directory holding a stagecraft stage (its `inventory.txt`) is one
 * cluster, and each node directory under its `nodes/` holds one kubelet's static pods; other files
 * share one scope, or one per directory with `--scope-per-dir`. Pure: the CLI says which
 * directories are stages.
 */
import { basename, dirname, sep } from 'node:path';
import { chartFileName } from '../synth/output.js';
import { NAMESPACE_CHART } from '../synth/rendered.js';

/** The file that marks a directory as a stage's output (lib/synth/inventory.ts writes it). */
export const STAGE_MARKER = 'inventory.txt';

/**
 * The objects of a stage directory that stagecraft makes itself (the namespace chart's file, 00-namespace.yaml: the
 * Namespace and a secret store's ExternalSecrets, made from validated settings), whose custom kind without a known
 * CRD synth keeps a warning (lib/checks/stage.ts `own`): `npm run check -- --require-crds dist/<stage>` alike.
 */
export function stageOwnObjects<T>(objects: readonly T[], fileOf: (o: T) => string | undefined): Set<T> {
  return new Set(objects.filter((o) => basename(fileOf(o) ?? '') === chartFileName(NAMESPACE_CHART)));
}

export interface ScopeOptions {
  /** Whether a directory holds a stage (has STAGE_MARKER). */
  readonly isStageDir: (dir: string) => boolean;
  /** Give every directory of plain files its own scope. @default false */
  readonly perDir?: boolean;
}

/** The scope of each file: its stage directory, its node directory, its directory, or '' (shared). */
export function scopeOf(file: string, { isStageDir, perDir = false }: ScopeOptions): string {
  const parts = dirname(file).split(sep);
  for (let i = parts.length; i > 0; i--) {
    const dir = parts.slice(0, i).join(sep);
    if (!isStageDir(dir)) continue;
    // <stage>/nodes/<node>/...: a kubelet names its static pods after the node, so each node is apart
    return parts[i] === 'nodes' && parts[i + 1] !== undefined ? parts.slice(0, i + 2).join(sep) : dir;
  }
  return perDir ? dirname(file) : '';
}

/** The files grouped by scope, scopes in order of first appearance. */
export function groupByScope(files: readonly string[], options: ScopeOptions): Map<string, string[]> {
  const scopes = new Map<string, string[]>();
  for (const f of files) {
    const key = scopeOf(f, options);
    const list = scopes.get(key);
    if (list) list.push(f);
    else scopes.set(key, [f]);
  }
  return scopes;
}
