/**
 * What a node port that moves under a backend taking traffic costs, read from two haproxy.cfg texts
 * (before and after): for npm run diff, switch and promote (`movedNodePortLines`) and synth's
 * `edge/node-port-move` warnings (changes.ts). Pure.
 */
import { readHaproxyConfig } from './haproxy-read.js';

/** A backend of a haproxy.cfg: its Service (from its comment), the node port its servers are at and the one they are checked at. */
interface BackendPorts {
  readonly service: string;
  readonly nodePort: string;
  /** The node port of its health checks: `checkPort` when it has one, else `nodePort`. */
  readonly checkPort: string;
}

/** The backends of a haproxy.cfg (as haproxy.ts writes them, `readHaproxyConfig`), by name, and the hosts each one takes (use_backend). */
function backendsOf(config: string): { ports: Map<string, BackendPorts>; hosts: Map<string, string[]> } {
  const { routes, backends } = readHaproxyConfig(config);
  const hosts = new Map<string, string[]>();
  for (const r of routes) hosts.set(r.backend, [...(hosts.get(r.backend) ?? []), r.host]);
  const ports = new Map(backends.map((b) => [b.name, { service: b.service, nodePort: b.nodePort, checkPort: b.checkPort ?? b.nodePort }]));
  return { ports, hosts };
}

/** The way to move a node port without an outage, for the messages below. */
const MOVE_HINT =
  "apply and reload back to back, in a quiet moment (of a blue/green app, move the idle color's node port, then switch to it, and no request fails)";

/** A node port that moves under a backend taking traffic: what happens and what to do, and the node port it moves to (none when it goes). */
interface NodePortMove {
  readonly message: string;
  readonly hint: string;
  /** The Service, as haproxy.cfg names it (`Service lab/nginx`). */
  readonly service: string;
  /** The node port it moves to, whose setting in the stage file moved it; undefined when a check port goes. */
  readonly to?: number;
}

/**
 * What a node port that moves under a backend taking traffic costs, for each such backend: what
 * happened and what to do. A Service has one node port per port, so from the kubectl apply that
 * moves it (the old port closes on every node) to the reload of the new haproxy.cfg on every edge
 * machine (or, reloaded first, until the apply opens the new port), either every server is refused
 * (the port it serves at moved) or every check fails and takes its server out (the port its
 * readiness probe is checked at moved): the backend's hosts answer 503. A check port that comes
 * (checked where it serves before) or goes (checked where it serves after) breaks in one order only:
 * the port it is checked at before stays open until the apply (one that comes), or the one after is
 * open already (one that goes), so the message names the safe order; one that moves from a node
 * port to another breaks in both, so the message names the two changes, each safe in its order,
 * through the serving port. A backend takes traffic when
 * hosts go to it before or after (a switch to a color whose port moves in the same change); an idle
 * color's backend takes none, and moves freely: which is the way without an outage.
 */
export function movedNodePorts(before: string, after: string): NodePortMove[] {
  const [old, now] = [backendsOf(before), backendsOf(after)];
  return [...now.ports].flatMap(([name, { service, nodePort, checkPort }]): NodePortMove[] => {
    const was = old.ports.get(name);
    const hosts = [...new Set([...(old.hosts.get(name) ?? []), ...(now.hosts.get(name) ?? [])])];
    if (!was || hosts.length === 0) return [];
    const traffic = `while backend ${name} takes traffic (${hosts.join(', ')})`;
    const during = `${traffic}: from the kubectl apply that moves it until the new haproxy.cfg is reloaded on every edge machine (or the other way round)`;
    const outage = `every check of ${name} fails, its servers are taken out and its hosts answer 503`;
    if (was.nodePort !== nodePort) {
      const message = `${service} moves from node port ${was.nodePort} to ${nodePort} ${during}, every server of ${name} refuses connections and its hosts answer 503`;
      return [{ message, hint: MOVE_HINT, service, to: Number(nodePort) }];
    }
    if (was.checkPort === checkPort) return [];
    if (was.checkPort === nodePort) {
      return [
        {
          message: `${service} is checked at a new node port ${checkPort} (where its readiness probe is), no longer at node port ${nodePort} where it serves, ${traffic}: reloaded on an edge machine before the kubectl apply opens node port ${checkPort}, ${outage}`,
          hint: `kubectl apply first, then reload the new haproxy.cfg on every edge machine: until then the old one checks node port ${nodePort}, which stays open, and no check fails`,
          service,
          to: Number(checkPort),
        },
      ];
    }
    if (checkPort === nodePort) {
      return [
        {
          message: `${service} is no longer checked at node port ${was.checkPort} (where its readiness probe was), but at node port ${nodePort} where it serves, ${traffic}: applied with kubectl before the new haproxy.cfg is reloaded on every edge machine, which closes node port ${was.checkPort}, ${outage}`,
          hint: `reload the new haproxy.cfg on every edge machine first, then kubectl apply: the new one checks node port ${nodePort}, open before and after, and no check fails`,
          service,
        },
      ];
    }
    // neither order is safe: reloaded first, the new haproxy.cfg checks a port the apply has not opened yet;
    // applied first, the old one checks a port the apply closed. Through the serving port, each step has a safe order
    const message = `${service} moves the node port its readiness probe is checked at from ${was.checkPort} to ${checkPort} ${during}, ${outage}`;
    const hint =
      `no order of kubectl apply and reload avoids it when the apply closes node port ${was.checkPort} and opens ${checkPort}; move it in two changes, each safe in its order: ` +
      `first the probe's port without a nodePort (reload, then kubectl apply), which until the second change leaves HAProxy only a TCP check of node port ${nodePort}, whether it accepts connections, not a GET of the readiness path (synth warns edge/readiness-port), ` +
      `then its new node port ${checkPort} (kubectl apply, then reload); or ${MOVE_HINT}`;
    return [{ message, hint, service, to: Number(checkPort) }];
  });
}

/** What `movedNodePorts` says, as lines under the changed lines of haproxy.cfg (npm run diff, switch, promote). */
export function movedNodePortLines(before: string, after: string): string[] {
  return movedNodePorts(before, after).map(({ message, hint }) => `! ${message}; ${hint}`);
}
