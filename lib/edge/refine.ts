/**
 * Rules of the `edge:` section that its schema cannot say, checked when the stage file is loaded,
 * so that each problem points at its place in the file: every host names an app the stage
 * deploys, no host is published twice, no two frontends listen on one port, and the nodes the
 * backends send traffic to have addresses. Pure.
 */
import type { PathProblem } from '../config/validate.js';
import { didYouMean } from '../model/did-you-mean.js';
import type { StageNode } from '../stack.js';
import { FRONTEND_DEFAULTS, type EdgeSettings } from './settings.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function refineEdge(edge: EdgeSettings, apps: readonly string[], nodes: readonly StageNode[]): PathProblem[] {
  const problems: PathProblem[] = [];
  const hostSeen = new Map<string, string>();
  const portSeen = new Map<number, { frontend: string; setting: string }>();
  const frontends = Object.entries(edge.frontends).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [name, f] of frontends) {
    for (const [host, app] of Object.entries(f.hosts).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!apps.includes(app)) {
        const guess = didYouMean(app, apps);
        problems.push({
          code: 'edge/unknown-app',
          path: ['edge', 'frontends', name, 'hosts', host],
          message: `edge.frontends.${name}.hosts.${host} sends traffic to app '${app}', which the stage does not deploy${guess ? `; did you mean '${guess}'?` : ''}`,
          hint: apps.length ? `name one of the stage's apps: ${apps.join(', ')}` : 'add the app under apps:',
        });
      }
      const other = hostSeen.get(host);
      if (other !== undefined) {
        problems.push({
          code: 'edge/duplicate-host',
          path: ['edge', 'frontends', name, 'hosts'],
          key: host,
          message: `host ${host} is published by frontends '${other}' and '${name}'; HAProxy would send it to whichever frontend's listener the client reached`,
          hint: `keep ${host} under one frontend only`,
        });
      } else hostSeen.set(host, name);
    }
    const ports = [
      ['httpsPort', f.httpsPort ?? FRONTEND_DEFAULTS.httpsPort],
      ['httpPort', f.httpPort ?? FRONTEND_DEFAULTS.httpPort],
    ] as const;
    for (const [setting, port] of ports) {
      const other = portSeen.get(port);
      if (other !== undefined) {
        problems.push({
          code: 'edge/port-collision',
          path: ['edge', 'frontends', name, ...(setting in f ? [setting] : [])],
          message: `frontend '${name}' listens on port ${port} (${setting}), as frontend '${other.frontend}' does (${other.setting}): two listeners cannot share a port`,
          hint: `set another ${setting} for frontend '${name}', or move its hosts into frontend '${other.frontend}'`,
        });
      } else portSeen.set(port, { frontend: name, setting });
    }
  }
  if (edge.floatingIp) {
    const machines = Object.entries(edge.machines);
    if (machines.length < 2) {
      problems.push({
        code: 'edge/floating-ip',
        path: ['edge', 'floatingIp'],
        message: 'edge.floatingIp moves an address between edge machines, but there is only one',
        hint: 'add a second machine under edge.machines, or remove floatingIp',
      });
    }
    for (const [name, m] of machines.filter(([, x]) => !IPV4.test(x.address))) {
      problems.push({
        code: 'edge/machine-address',
        path: ['edge', 'machines', name, 'address'],
        message: `edge machine '${name}' needs an IPv4 address for keepalived's unicast VRRP (found '${m.address}')`,
        hint: "write the machine's IP address, or remove edge.floatingIp",
      });
    }
  }
  const backends = nodes.filter((n) => n.address !== undefined);
  if (backends.length === 0) {
    problems.push({
      code: 'edge/no-node-addresses',
      path: ['edge'],
      message: `the edge sends traffic to the published apps' node ports on every node, but no node under nodes: has an address`,
      hint: "list the cluster's nodes with their addresses, e.g. nodes: { kubeminion1: { roles: [worker], address: 192.168.122.131 } }",
    });
  } else {
    for (const n of nodes.filter((x) => x.address === undefined)) {
      problems.push({
        code: 'edge/node-address',
        path: ['nodes', n.name],
        message: `node '${n.name}' has no address, and the edge sends traffic to every node`,
        hint: `add address: <IP> to nodes.${n.name}`,
      });
    }
  }
  return problems;
}
