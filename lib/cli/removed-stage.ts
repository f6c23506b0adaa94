/**
 * What a removed stage (its stage file gone, its output still in `dist/`) leaves in its cluster
 * that its inventory does not say: read from its output's files before a synthesis removes them.
 */
import { namespaceHoldings } from '../data-leaves.js';
import { objectsIn } from '../live-edits.js';
import { join } from 'node:path';
import { DIST_DIR, MAX_GENERATED_BYTES, readRegularFile, type DistTree } from '../synth/disk.js';
import { INVENTORY_FILE, parseInventory, type NamespaceHoldings } from '../synth/inventory.js';
import { NAMESPACE_KEY, loadStage, readStageTree, type Project } from './project.js';

/**
 * By namespace, what the Namespaces of a removed stage's output (`inventory`, its text) hold
 * besides its objects: the Secrets they require and the claims of their StatefulSets. Its files
 * are read only when it has a Namespace; when they cannot be read, no namespace has an entry.
 */
export function removedHoldings(project: Project, stage: string, inventory: string): Map<string, NamespaceHoldings> {
  if (![...parseInventory(inventory).keys()].some((k) => k.startsWith(NAMESPACE_KEY))) return new Map();
  let files: Map<string, string>;
  try {
    files = readStageTree(project, stage);
  } catch {
    return new Map(); // the line then says what a namespace may hold
  }
  const objects = [...files].flatMap(([file, text]) => (file === INVENTORY_FILE ? [] : objectsIn(text)));
  return new Map(objects.filter((o) => o.kind === 'Namespace').map((ns) => [String(ns.metadata.name), namespaceHoldings(ns, objects)]));
}

/**
 * The keys of the objects that the stages `holding` (a stage renamed that kept the removed stage's
 * namespace) make, which the removed stage's delete command leaves once they are applied: their
 * inventories as compiled (`tree`), else as written in `dist/`, and their Namespaces, from their
 * stage files, known before their output is.
 */
export function keptByHolding(project: Project, holding: readonly string[], tree?: DistTree): Set<string> {
  const kept = new Set<string>();
  // (a file that cannot be read, or a stage file that does not load, adds nothing: what is known of it is kept)
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  for (const s of holding) {
    const namespace = attempt(() => loadStage(project, s).context.namespace);
    if (namespace !== undefined) kept.add(`${NAMESPACE_KEY}${namespace}`);
    const text =
      tree?.get(s)?.get(INVENTORY_FILE) ??
      attempt(() => readRegularFile(join(project.root, DIST_DIR, s, INVENTORY_FILE), MAX_GENERATED_BYTES));
    for (const k of parseInventory(text ?? '').keys()) kept.add(k);
  }
  return kept;
}
