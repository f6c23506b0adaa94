/**
 * Rules of the `edge:` section that its schema cannot say, checked when the stage file is loaded,
 * so that each problem points at its place in the file: every host names an app the stage
 * deploys, no host is published twice, no two frontends listen on one port, and the nodes the
 * backends send traffic to have addresses; and every value haproxy.cfg holds (certificate paths,
 * node and machine addresses) is one plain word HAProxy reads back exactly. Pure.
 *
 * HAProxy splits a line of its configuration into words at spaces and tabs, starts a comment at
 * `#`, reads `"` and `'` as quoting and `\` as an escape, and ends the line at a line break; a
 * value holding one of these would be cut short, or bring words of its own (a header sent with the
 * health check, a server option). Such values are refused where they are read, at their place in
 * the stage file (here: certificates and addresses; publish.ts: readiness paths, which come from
 * the rendered pods), rather than quoted; haproxy.ts asserts that every value it writes is a plain
 * word. The rules are here, in the config layer, so that both can use them.
 */
import { isIP } from 'node:net';
import type { PathProblem } from '../config/validate.js';
import { didYouMean } from '../model/did-you-mean.js';
import type { StageNode } from '../stack.js';
import { describeValue } from '../model/limits.js';
import { FRONTEND_DEFAULTS, type EdgeSettings } from './settings.js';

/** The characters HAProxy's configuration parser treats specially, or that no word can carry. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const SPECIAL = /[\s#"'\\\u0000-\u001f\u007f]/u;

/** What HAProxy would do with `ch`, a character of SPECIAL, in a few words. */
function whyHaproxy(ch: string): string {
  if (ch === '#') return "'#', where HAProxy starts a comment (it would ignore the rest of the line)";
  if (ch === '"' || ch === "'") return `a quote (${ch}), which HAProxy reads as quoting, not as part of the value`;
  if (ch === '\\') return 'a backslash, which HAProxy reads as an escape';
  if (ch === '\n' || ch === '\r') return 'a line break, which would end the line in haproxy.cfg';
  if (ch === ' ') return 'a space, where HAProxy ends the word and reads what follows as more arguments';
  if (ch === '\t') return 'a tab, where HAProxy ends the word and reads what follows as more arguments';
  const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return /\s/u.test(ch) ? `the space character ${code}` : `the control character ${code}, which haproxy.cfg cannot carry`;
}

/**
 * Why `value` cannot be written into haproxy.cfg as one plain word (its first character HAProxy
 * treats specially, and what HAProxy would do with it), or undefined when it can.
 */
export function haproxyWordProblem(value: string): string | undefined {
  if (value === '') return 'it is empty';
  const m = SPECIAL.exec(value);
  return m ? `it holds ${whyHaproxy(m[0])}` : undefined;
}

/**
 * The characters an HTTP request path (with its query) may hold as written (RFC 3986: unreserved,
 * sub-delimiters other than `'`, `:`, `@`, `/`, `?`, and `%` of a percent-encoded byte).
 */
const PATH_CHARACTER = /[A-Za-z0-9\-._~!$&()*+,;=:@/?%]/;

/** `path` with every character a request path cannot hold as written percent-encoded (UTF-8). */
export function percentEncodePath(path: string): string {
  let out = '';
  for (const ch of path) {
    if (PATH_CHARACTER.test(ch)) out += ch;
    else for (const b of new TextEncoder().encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Why HAProxy could not send GET `path` as the kubelet does (a path that is not one plain word
 * of HAProxy's, holds a character an HTTP request path cannot hold as written, or does not start
 * with `/`), or undefined when it can.
 */
export function httpPathProblem(path: string): string | undefined {
  const word = haproxyWordProblem(path);
  if (word) return word;
  for (const ch of path) {
    if (!PATH_CHARACTER.test(ch)) {
      const code = ch.codePointAt(0)!;
      const shown = code > 0x7e ? `'${ch}' (U+${code.toString(16).toUpperCase().padStart(4, '0')})` : `'${ch}'`;
      return `it holds ${shown}, which an HTTP request path cannot hold as written (RFC 3986)`;
    }
  }
  if (!path.startsWith('/')) return "it does not start with '/', so HAProxy would send a request the kubelet does not";
  return undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
/** A host name (RFC 1123): labels of letters, digits and '-', joined by '.'. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/;

/** An IP address or a host name: what haproxy.cfg may hold as a server's or a machine's address. */
const isAddress = (address: string) => (isIP(address) !== 0 || HOST_NAME.test(address)) && !haproxyWordProblem(address);

/** Why `address` is not an address haproxy.cfg can hold, for a message. */
function addressProblem(address: string): string {
  const word = haproxyWordProblem(address);
  return `${describeValue(address)} is not an IP address or a host name${word ? ` (${word})` : ''}`;
}

/** A file name a certificate path may be changed to: every character HAProxy treats specially replaced by '-'. */
const plainPath = (path: string) => path.replace(new RegExp(SPECIAL.source, 'gu'), '-');

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
  const badMachines = new Set<string>();
  for (const [name, m] of Object.entries(edge.machines).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (isAddress(m.address)) continue;
    badMachines.add(name);
    problems.push({
      code: 'config/invalid',
      path: ['edge', 'machines', name, 'address'],
      message: `edge.machines.${name}.address ${addressProblem(m.address)}; haproxy.cfg names the edge machines by address`,
      hint: "write the machine's IPv4 or IPv6 address, or its host name",
    });
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
    for (const [name, m] of machines.filter(([n, x]) => !badMachines.has(n) && !IPV4.test(x.address))) {
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
