/**
 * What a removed stage (its stage file gone, its output still in `dist/`) leaves in its cluster
 * that its inventory does not say: read from its output's files before a synthesis removes them.
 */
import { namespaceHoldings } from '../data-leaves.js';
import { objectsIn } from '../live-edits.js';
import { INVENTORY_FILE, parseInventory, type NamespaceHoldings } from '../synth/inventory.js';
import { NAMESPACE_KEY, readStageTree, type Project } from './project.js';

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
