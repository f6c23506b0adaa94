/**
 * Edge files of a stage's output edited by hand since the synthesis that wrote them: their bytes are not the digest its
 * inventory records (`edge files:`). haproxy.cfg and keepalived.conf are generated (README, "The edge"), so a synthesis
 * writes them again as the stage file says, and what the hand changed (a timeout raised on the edge in a hurry) leaves the
 * edge machines at their next reload, which nothing else would say: warned once, by the synthesis that writes them again
 * (changes.ts `edgeChangeWarnings`). The lines are not quoted: a hand may have put a credential there (`stats auth`). Pure.
 */
import { andList } from '../model/limits.js';
import { digest } from '../synth/inventory.js';
import type { EdgeProblem } from './publish.js';

/** The code of the warning. */
export const EDGE_HAND_EDIT = 'edge/hand-edit';

/**
 * The edge files an inventory records (`edge files: <n>`, then `<digest> <path>` lines), by path: the one reader of that list
 * (changes.ts and dns-changes.ts ask it whether the output had an edge, a floating IP).
 */
export function recordedEdgeFiles(inventory: string): Map<string, string> {
  const lines = inventory.split('\n');
  const from = lines.findIndex((l) => l.startsWith('edge files: '));
  if (from < 0) return new Map();
  return new Map(
    lines.slice(from + 1).flatMap((l) => {
      // an edge file's path as the inventory writes it (`edge/keepalived-lb1.conf`): a hand's other path is nothing of the edge's
      const m = /^(sha256:[0-9a-f]+) (edge\/[A-Za-z0-9][A-Za-z0-9._-]*)$/.exec(l);
      return m ? [[m[2]!, m[1]!] as const] : [];
    }),
  );
}

/** A text as its lines say it: without a byte order mark, its CRLF line endings LF (as npm run diff compares an edge file). */
const asLines = (text: string) => text.replace(/^\uFEFF/, '').replaceAll('\r\n', '\n');

/**
 * A warning, at `edge:`, of the edge files of the output in dist/ (`readOutput`, with its inventory) whose bytes are not those
 * its inventory records and that this synthesis writes again otherwise (`after`, by path);
 * none when the inventory records none.
 */
export function handEditWarnings(
  readOutput: (file: string) => string | undefined,
  inventory: string,
  after: ReadonlyMap<string, string>,
): EdgeProblem[] {
  const edited = [...recordedEdgeFiles(inventory)].flatMap(([path, recorded]) => {
    const text = readOutput(path);
    const now = after.get(path);
    // a file the stage no longer writes (its edge, or a machine, taken out) is removed: the warnings of what leaves say what it goes on doing;
    // one whose lines are those written again (an editor's CRLF line endings or byte order mark alone) loses nothing, as diff shows none
    return text !== undefined && now !== undefined && asLines(text) !== now && digest(text) !== recorded ? [path] : [];
  });
  if (edited.length === 0) return [];
  const files = andList(edited);
  const one = edited.length === 1;
  return [
    {
      code: EDGE_HAND_EDIT,
      path: ['edge'],
      message: `${files} of this stage's output in dist/ ${one ? 'was' : 'were'} edited by hand since the synthesis that wrote ${one ? 'it' : 'them'} (${one ? 'its bytes are not those' : 'their bytes are not those'} inventory.txt records): written again as the stage file says, so what the hand changed leaves the edge machines at their next reload`,
      hint: `an edit that was committed shows going in git diff dist/; make the change in the stage file's edge: settings, which every synthesis keeps (stagecraft writes the whole file: what no setting says cannot be kept there)`,
    },
  ];
}
