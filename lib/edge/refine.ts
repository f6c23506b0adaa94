/**
 * Rules of the `edge:` section that its schema cannot say, checked when the stage file is loaded,
 * so that each problem points at its place in the file: every host names an app the stage
 * deploys, no host is published twice, no two listeners share a port (nor the monitor's), no two edge machines share
 * an address, a floating IP is an address keepalived takes and clients reach, the nodes the
 * backends send traffic to have addresses, and the drained ones are among them, not all of them; and every value haproxy.cfg holds (certificate paths,
 * node and machine addresses) is one plain word HAProxy reads back exactly (haproxy-words.ts).
 * Pure. (The config layer may not import the rest of lib/edge: the floating IP's rules are in
 * floating-ip.ts, of the config layer too.)
 */
import { isIP } from 'node:net';
import type { PathProblem } from '../config/validate.js';
import { didYouMean } from '../model/did-you-mean.js';
import type { StageNode } from '../stack.js';
import { describeValue } from '../model/limits.js';
import { DUAL_STACK, FRONTEND_DEFAULTS, HOST_NAME_PATTERN, MONITOR_PORT, type EdgeSettings } from './settings.js';
import { haproxyWordProblem, plainPath } from './haproxy-words.js';
import { canonicalAddress, parseIpv4 } from './address.js';
import { floatingIpProblems } from './floating-ip.js';

/** Where apps/control-plane.ts reads an IPv4 address from (address.ts holds it now, with IPv6's). */
export { parseIpv4 } from './address.js';

/** A host name (RFC 1123): labels of letters, digits and '-', joined by '.'. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/;
/**
 * A name of digits and dots only: read as an IPv4 address by the resolver and by HAProxy, never
 * looked up as a name, so one that is not a valid IPv4 address (`10.1.0.256`) is a typo, and
 * HAProxy would disable the server.
 */
const NUMERIC_NAME = /^[0-9]+(\.[0-9]+)*$/;

/** An IP address or a host name: what haproxy.cfg may hold as a server's or a machine's address. */
const isAddress = (address: string) =>
  (isIP(address) !== 0 || (HOST_NAME.test(address) && !NUMERIC_NAME.test(address))) && !haproxyWordProblem(address);

/** Why `address` is not an address haproxy.cfg can hold, for a message. */
function addressProblem(address: string): string {
  const word = haproxyWordProblem(address);
  if (!word && NUMERIC_NAME.test(address)) {
    const ip = parseIpv4(address);
    const why = 'problem' in ip ? ip.problem : 'it is not written as an IP address is';
    return `${describeValue(address)} is not an IP address (${why}; an IPv4 address is four numbers 0-255), and a name of digits only is not a host name`;
  }
  return `${describeValue(address)} is not an IP address or a host name${word ? ` (${word})` : ''}`;
}

/** Whether `address` is several IP addresses written as one (`10.0.0.5, fd00::5`, `10.0.0.5 fd00::5`), as a dual-stack machine's two. */
const isAddressList = (address: string) => {
  const parts = address.split(/[\s,;]+/).filter((p) => p !== '');
  return parts.length > 1 && parts.every((p) => isIP(p) !== 0);
};

const HOST_NAME_RE = new RegExp(HOST_NAME_PATTERN);

/**
 * A host of `hosts` that the schema let through in capitals or with the final dot of an absolute
 * name (settings.ts): the edge routes on the name as lowercase, without that dot (haproxy.ts), so the
 * message names the name to write, and that requests so written still reach it.
 */
function hostWrittenProblem(host: string): { code: string; message: string; hint: string } | undefined {
  if (HOST_NAME_RE.test(host)) return undefined;
  const meant = host.toLowerCase().replace(/\.$/, '');
  const how = [
    ...(host !== host.toLowerCase() ? ['in capitals'] : []),
    ...(host.endsWith('.') ? ['with the final dot of an absolute name'] : []),
  ].join(' and ');
  return {
    code: 'config/key-name',
    message: `'${host}' is written ${how}, where a route names a host in lowercase, without a final dot`,
    hint: `write ${meant}: requests for ${host} still reach it (the edge compares the Host header in any case, without a final dot)`,
  };
}

export function refineEdge(edge: EdgeSettings, apps: readonly string[], nodes: readonly StageNode[]): PathProblem[] {
  const problems: PathProblem[] = [];
  const hostSeen = new Map<string, string>();
  const portSeen = new Map<number, { frontend: string; setting: string }>();
  const frontends = Object.entries(edge.frontends).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [name, f] of frontends) {
    f.certificates.forEach((certificate, i) => {
      const problem = haproxyWordProblem(certificate);
      if (!problem) return;
      problems.push({
        code: 'config/invalid',
        path: ['edge', 'frontends', name, 'certificates', i],
        message: `edge.frontends.${name}.certificates[${i}] ${describeValue(certificate)} cannot be written into haproxy.cfg as one path (bind ... ssl crt <path>): ${problem}`,
        hint: `name the PEM file on the edge machine with a path without whitespace, '#', quotes, backslashes or control characters, e.g. ${describeValue(plainPath(certificate))}`,
      });
    });
    for (const [host, app] of Object.entries(f.hosts).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const written = hostWrittenProblem(host);
      if (written) {
        problems.push({
          ...written,
          path: ['edge', 'frontends', name, 'hosts'],
          key: host,
          message: `edge.frontends.${name}.hosts: ${written.message}`,
        });
        continue;
      }
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
    if (ports[0][1] === ports[1][1]) {
      // one frontend's two listeners: said plainly, at the port written last (httpsPort when written)
      const setting = 'httpsPort' in f ? 'httpsPort' : 'httpPort';
      problems.push({
        code: 'edge/port-collision',
        path: ['edge', 'frontends', name, setting],
        message: `frontend '${name}' has httpsPort and httpPort both ${ports[0][1]}: its TLS and its plain HTTP listeners cannot share a port`,
        hint: `give frontend '${name}' an httpsPort other than its httpPort (the defaults are 443 and 80)`,
      });
      continue;
    }
    for (const [setting, port] of ports) {
      const other = portSeen.get(port);
      if (port === MONITOR_PORT) {
        // haproxy binds both (SO_REUSEPORT): the machine's own requests to the port would reach the monitor
        problems.push({
          code: 'edge/port-collision',
          path: ['edge', 'frontends', name, ...(setting in f ? [setting] : [])],
          message: `frontend '${name}' listens on port ${port} (${setting}), which haproxy.cfg keeps for its monitor on 127.0.0.1, the one keepalived asks whether haproxy serves: two listeners cannot share a port`,
          hint: `set another ${setting} for frontend '${name}'`,
        });
      } else if (other !== undefined) {
        problems.push({
          code: 'edge/port-collision',
          path: ['edge', 'frontends', name, ...(setting in f ? [setting] : [])],
          message: `frontend '${name}' listens on port ${port} (${setting}), as frontend '${other.frontend}' does (${other.setting}): two listeners cannot share a port`,
          hint: `set another ${setting} for frontend '${name}', or move its hosts into frontend '${other.frontend}'`,
        });
      } else portSeen.set(port, { frontend: name, setting });
    }
  }
  problems.push(...machineProblems(edge, nodes));
  const backends = nodes.filter((n) => n.address !== undefined);
  problems.push(...drainProblems(edge.drainedNodes ?? [], nodes));
  if (backends.length === 0) {
    problems.push({
      code: 'edge/no-node-addresses',
      path: ['edge'],
      message: `the edge sends traffic to the published apps' node ports on every node, but no node under nodes: has an address`,
      hint: "list the cluster's nodes with their addresses, e.g. nodes: { kubeminion1: { roles: [worker], address: 192.168.122.131 } }",
    });
  } else {
    for (const n of backends.filter((x) => !isAddress(x.address!))) {
      problems.push({
        code: 'config/invalid',
        path: ['nodes', n.name, 'address'],
        message: `nodes.${n.name}.address ${addressProblem(n.address!)}; haproxy.cfg sends traffic to it (server ${n.name} <address>:<node port>)`,
        hint: "write the node's IPv4 or IPv6 address, or its host name",
      });
    }
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

/**
 * The problems of `edge.drainedNodes`: a name that is no node the backends send traffic to (a
 * typo would drain nothing, silently), and every such node drained, which leaves every backend
 * without a server: every host would answer 503. A node without an address is said as such, not guessed at.
 * @param nodes the stage's nodes: those with an address are the servers of every backend
 */
function drainProblems(drained: readonly string[], nodes: readonly StageNode[]): PathProblem[] {
  const names = nodes.filter((n) => n.address !== undefined).map((n) => n.name);
  const problems: PathProblem[] = drained.flatMap((name, i) => {
    if (names.includes(name)) return [];
    if (nodes.some((n) => n.name === name)) {
      return [
        {
          code: 'edge/drain',
          path: ['edge', 'drainedNodes', i],
          message: `edge.drainedNodes[${i}] names node '${name}', which has no address: it is no server of the edge's backends, so there is nothing to drain`,
          hint: `give nodes.${name} its address, or take '${name}' out of edge.drainedNodes`,
        },
      ];
    }
    const guess = didYouMean(name, names);
    return [
      {
        code: 'edge/drain',
        path: ['edge', 'drainedNodes', i],
        message: `edge.drainedNodes[${i}] names node '${name}', which is not a node with an address under nodes: (the servers of the edge's backends), so it would drain nothing${guess ? `; did you mean '${guess}'?` : ''}`,
        hint: names.length ? `name one of the nodes: ${names.join(', ')}` : 'list the nodes with their addresses under nodes:',
      },
    ];
  });
  if (problems.length === 0 && names.length > 0 && names.every((n) => drained.includes(n))) {
    problems.push({
      code: 'edge/drain',
      path: ['edge', 'drainedNodes'],
      message: `edge.drainedNodes drains every node (${names.join(', ')}): every backend of the edge would have no server to send a request to, and every host would answer 503`,
      hint: 'keep at least one node out of edge.drainedNodes, serving, while the others are drained',
    });
  }
  return problems;
}

/**
 * The problems of the edge machines: an address haproxy.cfg cannot hold, one two machines share
 * (keepalived would peer with itself); and with a floating IP, its own rules (floating-ip.ts):
 * two machines or more, each with an address of the floating address's family, and no more than keepalived's priorities fit.
 */
function machineProblems(edge: EdgeSettings, nodes: readonly StageNode[]): PathProblem[] {
  const problems: PathProblem[] = [];
  const machines = Object.entries(edge.machines).sort(([a], [b]) => (a < b ? -1 : 1));
  const valid = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const [name, m] of machines) {
    const path = ['edge', 'machines', name, 'address'];
    if (!isAddress(m.address)) {
      problems.push({
        code: 'config/invalid',
        path,
        message: `edge.machines.${name}.address ${addressProblem(m.address)}; haproxy.cfg names the edge machines by address`,
        // two addresses in one (`10.0.0.5, fd00::5`): a dual-stack machine's
        hint: isAddressList(m.address)
          ? `an edge machine has one address: ${DUAL_STACK}`
          : "write the machine's IPv4 or IPv6 address, or its host name",
      });
      continue;
    }
    const other = seen.get(canonicalAddress(m.address));
    if (other !== undefined) {
      problems.push({
        code: 'edge/duplicate-machine',
        path,
        message: `edge machines '${other}' and '${name}' have the same address ${m.address}: they are one machine (with a floating IP, keepalived would take itself for its peer)`,
        hint: `give machine '${name}' its own address, or remove one of the two`,
      });
      continue;
    }
    // one machine however its address is spelt: fd00:0::5 is fd00::5
    seen.set(canonicalAddress(m.address), name);
    valid.set(name, m.address);
  }
  return edge.floatingIp ? [...problems, ...floatingIpProblems(edge.floatingIp, machines, valid, nodes)] : problems;
}
