/**
 * What changed in a stage's edge files between two outputs, line by line, for the summaries of
 * commands that rewrite a stage (`npm run switch` flips a backend there), and what the operator
 * does at the edge after a switch. Pure.
 */
import { HAPROXY_ADMIN_SOCKET, HAPROXY_FILE } from './haproxy.js';
import { EDGE_DIR } from './index.js';
import type { EdgeSettings } from './settings.js';

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
    if (path === `${EDGE_DIR}/${HAPROXY_FILE}`) out.push(...movedNodePortLines(a, b).map((l) => `  ${l}`));
  }
  return out;
}

/** A backend of a haproxy.cfg: its Service (from its comment) and the node port its servers are at. */
interface BackendPort {
  readonly service: string;
  readonly nodePort: string;
}

/** The backends of a haproxy.cfg (as haproxy.ts writes them), by name, and the hosts each one takes (use_backend). */
function backendsOf(config: string): { ports: Map<string, BackendPort>; hosts: Map<string, string[]> } {
  const ports = new Map<string, BackendPort>();
  const hosts = new Map<string, string[]>();
  for (const m of config.matchAll(/^ {4}use_backend (\S+) if \{ \S+ -i (\S+) \}$/gm))
    hosts.set(m[1]!, [...(hosts.get(m[1]!) ?? []), m[2]!]);
  for (const m of config.matchAll(/^backend (\S+)\n {4}# (Service \S+), node port (\d+) /gm))
    ports.set(m[1]!, { service: m[2]!, nodePort: m[3]! });
  return { ports, hosts };
}

/**
 * What a node port that moves under a backend taking traffic costs, for each such backend: a
 * Service has one node port per port, so from the kubectl apply that moves it (the old port closes
 * on every node) to the reload of the new haproxy.cfg on every edge machine (or, reloaded first,
 * until the apply opens the new port), every server is refused and the backend's hosts answer 503.
 * An idle color's backend takes no traffic, and moves freely: which is the way without an outage.
 */
export function movedNodePortLines(before: string, after: string): string[] {
  const [old, now] = [backendsOf(before), backendsOf(after)];
  return [...now.ports].flatMap(([name, { service, nodePort }]) => {
    const was = old.ports.get(name);
    const hosts = old.hosts.get(name) ?? [];
    if (!was || was.nodePort === nodePort || hosts.length === 0) return [];
    return [
      `! ${service} moves from node port ${was.nodePort} to ${nodePort} while backend ${name} takes traffic (${hosts.join(', ')}): ` +
        `from the kubectl apply that moves it until this haproxy.cfg is reloaded on every edge machine (or the other way round), every server of ${name} refuses connections and its hosts answer 503; ` +
        "apply and reload back to back, in a quiet moment (of a blue/green app, move the idle color's node port, then switch to it, and no request fails)",
    ];
  });
}

/**
 * What `npm run switch` says of the edge, when the stage's edge publishes `app`: the live color at
 * the edge changes only once the new haproxy.cfg is on every edge machine and reloaded (a switch
 * applied with kubectl alone moves the traffic from inside the cluster, not the edge's), and the
 * idle color's servers are to be seen UP there first (stagecraft cannot see the cluster; a color
 * down when it becomes live answers 503). Undefined when the edge does not publish `app`.
 * @param backend the backend of the color that becomes live (its Service's name)
 */
export function edgeSwitchLine(
  stage: string,
  edge: EdgeSettings | undefined,
  app: string,
  color: string,
  backend: string,
): string | undefined {
  if (!edge || !Object.values(edge.frontends).some((f) => Object.values(f.hosts).includes(app))) return undefined;
  const machines = Object.keys(edge.machines).sort().join(', ');
  const stat = `echo 'show stat' | sudo socat stdio ${HAPROXY_ADMIN_SOCKET} | cut -d, -f1,2,18 | grep '^${backend},'`;
  return (
    `${stage}: at the edge, ${app} goes to ${color} only once dist/${stage}/${EDGE_DIR}/${HAPROXY_FILE} is on every edge machine (${machines}) and reloaded (README, "The edge"); ` +
    `first see there that every server of ${backend} is UP (${stat}): a color that is down when it goes live answers 503`
  );
}
