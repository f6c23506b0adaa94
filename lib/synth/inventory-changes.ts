/**
 * What changed between two inventories of a stage (lib/synth/inventory.ts): the objects added,
 * changed and removed, those of them its new prune command no longer deletes, and the lines and
 * summary synth, promote and switch print of them. Pure.
 */
import { allowlistEntry, inKindTable } from '../model/kinds.js';
import { hasConflictMarkers } from '../model/conflict-markers.js';
import { INVENTORY_FILE, heldKinds, keyParts, parseInventory } from './inventory.js';
import { deleteByName } from './delete-commands.js';

/**
 * Of the `removed` keys, those the prune command of a stage that now holds `after` (keys) does not
 * delete: objects of a kind outside the kind table (an ExternalSecret) that the stage no longer has
 * any of, so that its command no longer names the kind.
 */
function unprunedOf(removed: readonly string[], after: Iterable<string>): string[] {
  const outside = removed.filter((k) => {
    const { apiVersion, kind } = keyParts(k);
    return !inKindTable(apiVersion, kind);
  });
  // as a rule none: the kinds the stage still holds (every key of it, 15,000 for 1,000 apps) are not looked at then
  if (outside.length === 0) return [];
  const held = new Set(heldKinds([...after].map(keyParts)));
  return outside.filter((k) => {
    const { apiVersion, kind } = keyParts(k);
    return !held.has(allowlistEntry(apiVersion, kind));
  });
}

export interface InventoryChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  /**
   * Of `removed`, the objects the stage's new prune command does not delete (`unprunedOf`); only
   * when there are some.
   */
  readonly unpruned?: readonly string[];
  /**
   * The inventory before held git merge conflict markers: it says two things at once, so the
   * objects were not compared with it (the lists are empty); only when so.
   */
  readonly conflicted?: true;
  /**
   * Of `changed`, the objects whose only change is their release label, `app.kubernetes.io/version` (lib/label-only-changes.ts),
   * by that change: listed apart in `changeLines`. Only when some are known to be. @default - none known
   */
  readonly relabeled?: readonly Relabeled[];
}

/** Objects whose only change is their release label, from one value to another (`InventoryChanges.relabeled`). */
export interface Relabeled {
  readonly from: string;
  readonly to: string;
  readonly keys: readonly string[];
}

/** Objects named in a line of `Relabeled`; the others are counted. */
const NAMED_RELABELED = 3;

/** The changes, with `unpruned` when some of the removed objects are of kinds the new prune command no longer names. */
function withUnpruned(added: string[], changed: string[], removed: string[], after: Iterable<string>): InventoryChanges {
  const changes = { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
  const unpruned = removed.length ? unprunedOf(changes.removed, after) : [];
  return unpruned.length ? { ...changes, unpruned } : changes;
}

/** What changed from one inventory to the next, by object key, each list sorted. */
export function compareInventories(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): InventoryChanges {
  const added: string[] = [];
  const changed: string[] = [];
  for (const [key, d] of after) {
    const old = before.get(key);
    if (old === undefined) added.push(key);
    else if (old !== d) changed.push(key);
  }
  const removed = [...before.keys()].filter((k) => !after.has(k));
  return withUnpruned(added, changed, removed, after.keys());
}

/**
 * What changed from the inventory text `before` to `after`, as `compareInventories` of the two
 * parsed; in one pass over both when each lists its objects as `objectLines` writes them (in key
 * order), without a map of either: a stage of 15,000 objects was parsed twice, by key, at every synth.
 */
export function inventoryChanges(before: string, after: string): InventoryChanges {
  // both sides of the conflict would be read as objects: neither is what dist/ held
  if (hasConflictMarkers(before)) return { added: [], changed: [], removed: [], conflicted: true };
  const a = orderedObjects(before);
  const b = a && orderedObjects(after);
  if (!a || !b) return compareInventories(parseInventory(before), parseInventory(after));
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.keys.length || j < b.keys.length) {
    if (j === b.keys.length || (i < a.keys.length && a.keys[i] < b.keys[j])) removed.push(a.keys[i++]);
    else if (i === a.keys.length || b.keys[j] < a.keys[i]) added.push(b.keys[j++]);
    else {
      if (a.lines[i] !== b.lines[j]) changed.push(b.keys[j]);
      i++;
      j++;
    }
  }
  return withUnpruned(added, changed, removed, b.keys);
}

/**
 * The object lines of an inventory and their keys, when `parseInventory` would read exactly these:
 * the lines after the first `objects:` line, keys strictly increasing (by UTF-16 code unit, the
 * order `inventoryChanges` merges in), up to the end or the node or edge files. Undefined for
 * any other text (edited by hand, or by another tool).
 */
function orderedObjects(text: string): { readonly lines: string[]; readonly keys: string[] } | undefined {
  const all = text.split('\n');
  const start = all.findIndex((l) => l.startsWith('objects: '));
  if (start < 0) return { lines: [], keys: [] };
  const lines: string[] = [];
  const keys: string[] = [];
  let i = start + 1;
  for (; i < all.length && all[i].startsWith('sha256:'); i++) {
    const line = all[i];
    const key = line.slice(line.indexOf(' ') + 1);
    if (keys.length > 0 && !(keys[keys.length - 1] < key)) return undefined;
    lines.push(line);
    keys.push(key);
  }
  const next = all[i];
  const ends =
    next === undefined || (next === '' && i === all.length - 1) || next.startsWith('node files: ') || next.startsWith('edge files: ');
  return ends && !all.slice(i).some((l) => l.startsWith('objects: ')) ? { lines, keys } : undefined;
}

/** Whether the objects were compared and none was added, changed or removed (the rest of the inventory may differ: its source's digest). */
export function objectsUnchanged(changes: InventoryChanges | undefined): boolean {
  return changes !== undefined && !changes.conflicted && changes.added.length + changes.changed.length + changes.removed.length === 0;
}

/** `1 added, 2 changed, 0 removed`, or `unchanged`, or what could not be compared. */
export function changeSummary(changes: InventoryChanges): string {
  const { added, changed, removed, conflicted } = changes;
  if (conflicted) return `objects not compared: the ${INVENTORY_FILE} there held git merge conflict markers`;
  return objectsUnchanged(changes) ? 'unchanged' : `${added.length} added, ${changed.length} changed, ${removed.length} removed`;
}

/** Objects listed per stage in the summary; a larger change is counted, not listed in full. */
export const LISTED_CHANGES = 10;

/**
 * One line per changed object (`added: Deployment qa/demoapp`), but one per group of `relabeled` objects, at most `LISTED_CHANGES`,
 * then how many objects the lines left out hold (`... and 14 more`).
 */
export function changeLines({ added, changed, removed, unpruned = [], relabeled = [] }: InventoryChanges): string[] {
  // the key starts with the apiVersion, which the kind and name already make plain
  const named = (k: string) => k.slice(k.indexOf(' ') + 1);
  const apart = new Set(relabeled.flatMap((r) => r.keys));
  const one = (line: string) => ({ line, objects: 1 });
  const lines = [
    ...added.map((k) => one(`added: ${named(k)}`)),
    ...changed.filter((k) => !apart.has(k)).map((k) => one(`changed: ${named(k)}`)),
    // of a release staged on a blue/green app's idle color, the objects both colors share: nothing of the live color changes
    ...relabeled.map(({ from, to, keys }) => {
      const more = keys.length - NAMED_RELABELED;
      const listed = `${keys.slice(0, NAMED_RELABELED).map(named).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
      const line = `changed only in their release label, app.kubernetes.io/version ${JSON.stringify(from)} -> ${JSON.stringify(to)} (their app's newest release, which its objects carry, those a blue/green app's two colors share too; none of their pods is replaced): ${listed}`;
      return { line, objects: keys.length };
    }),
    ...removed.map((k) => one(`removed: ${named(k)}`)),
  ];
  // the objects left out are counted, as the summary counts them: a relabeled line names many
  const left = lines.slice(LISTED_CHANGES).reduce((n, l) => n + l.objects, 0);
  const listed = [...lines.slice(0, LISTED_CHANGES).map((l) => l.line), ...(left > 0 ? [`... and ${left} more`] : [])];
  // never cut: without them, these objects stay in the cluster
  const kinds = [...new Set(unpruned.map((k) => keyParts(k).kind))].join(', ');
  return unpruned.length
    ? [
        ...listed,
        `the prune command no longer names ${kinds}, so it will not delete the removed ones; delete them with:`,
        ...deleteByName(unpruned).map((c) => `  ${c}`),
      ]
    : listed;
}
