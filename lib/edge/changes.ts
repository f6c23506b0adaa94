/**
 * What changed in a stage's edge files between two outputs, line by line, for the summaries of
 * commands that rewrite a stage (`npm run switch` flips a backend there). Pure.
 */
import { EDGE_DIR } from './index.js';

/** `edge/haproxy.cfg` followed by its removed (`- `) and added (`+ `) lines, for each edge file that differs. */
export function edgeChangeLines(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].filter((p) => p.startsWith(`${EDGE_DIR}/`)).sort();
  const out: string[] = [];
  for (const path of paths) {
    const [a, b] = [before.get(path), after.get(path)];
    if (a === b) continue;
    if (a === undefined || b === undefined) {
      out.push(`${path}: ${a === undefined ? 'added' : 'removed'}`);
      continue;
    }
    // lines kept in place are not shown; the files are short and generated, so moved lines are rare
    const [oldLines, newLines] = [a.split('\n'), b.split('\n')];
    const removed = oldLines.filter((l) => !newLines.includes(l));
    const added = newLines.filter((l) => !oldLines.includes(l));
    out.push(path, ...removed.map((l) => `  - ${l.trim()}`), ...added.map((l) => `  + ${l.trim()}`));
  }
  return out;
}
