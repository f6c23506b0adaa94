/**
 * Where the edge's hosts are to be pointed after a change that gives them another address: an edge put back into a stage's
 * output (its `edge:` taken out, when the warning said to point their DNS elsewhere, then declared again), a floating IP that
 * comes, or one that moves to another address (keepalived, reloaded with the new files, gives the old one up). Nothing a
 * synthesis writes reaches DNS, so the warning names the hosts and the address, once, as the synthesis that makes the change
 * says it (changes.ts `edgeChangeWarnings`), and npm run diff under the edge file (`edgeChangeLines`). Pure.
 */
import { isIP } from 'node:net';
import { andList } from '../model/limits.js';
import { canonicalAddress } from './address.js';
import { HAPROXY_FILE } from './haproxy.js';
import { readHaproxyConfig } from './haproxy-read.js';
import { EDGE_DIR } from './index.js';
import { floatingAddressIn } from './keepalived.js';
import { recordedEdgeFiles } from './hand-edits.js';
import { hostsNamed } from './hosts-named.js';
import { INVENTORY_FILE } from '../synth/inventory.js';

/** The code of the warning. */
export const POINT_DNS = 'edge/point-dns';

/** What changed of the address the hosts' DNS names: the edge back, or a floating IP that comes or moves. */
export interface DnsChange {
  readonly kind: 'back' | 'floating';
  /** The setting it is said at. */
  readonly path: readonly string[];
  readonly message: string;
  readonly hint: string;
}

const HAPROXY_PATH = `${EDGE_DIR}/${HAPROXY_FILE}`;

/** The floating IP the keepalived.conf files of an output's edge move (`10.0.0.50/24`), if any. */
const floatingOf = (files: ReadonlyMap<string, string>) =>
  [...files].flatMap(([path, text]) =>
    path.startsWith(`${EDGE_DIR}/`) && path.endsWith('.conf') ? (floatingAddressIn(text) ?? []) : [],
  )[0];

/** The address of a floating IP (`10.0.0.50` of `10.0.0.50/24`). */
const addressOf = (floating: string) => floating.split('/')[0]!;

/**
 * The DNS change that the edge files `after` make from `before` (both by path in the stage's output; `before` those of its
 * output in dist/, which exists, with its inventory): none when `after` has no edge (the machines leave: changes.ts says so),
 * publishes no host, or names the hosts' address as `before` did. An edge file the inventory records that is not in `before`
 * was taken away by a hand, not by a synthesis: its edge was there, and what it said is not known, so nothing is said of it. A floating IP that moves to the other family is the machines' warning's
 * (changes.ts `machinesLeaving`, which says to point DNS at it first).
 */
export function dnsChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): DnsChange[] {
  const now = after.get(HAPROXY_PATH);
  if (now === undefined) return [];
  const { machines, routes } = readHaproxyConfig(now);
  const hosts = [...new Set(routes.map((r) => r.host))];
  if (hosts.length === 0) return [];
  // the first few, as every edge message names them: a frontend may publish dozens
  const named = hostsNamed(hosts);
  const own = andList(machines.map((m) => m.address));
  const [was, wasFloating, floating] = [before.get(HAPROXY_PATH), floatingOf(before), floatingOf(after)];
  // the files its inventory records: haproxy.cfg (the edge was there), a keepalived.conf (so was a floating IP)
  const recorded = [...recordedEdgeFiles(before.get(INVENTORY_FILE) ?? '').keys()];
  const gone = (p: (path: string) => boolean) => recorded.some((path) => p(path) && !before.has(path));
  if (gone((path) => path === HAPROXY_PATH || (wasFloating === undefined && path.endsWith('.conf')))) return [];
  const target = floating ? `the floating IP ${addressOf(floating)}` : `the edge machines' addresses (${own})`;
  if (was === undefined)
    return [
      {
        kind: 'back',
        path: ['edge'],
        message: `the edge is new in this stage's output, or back (its output in dist/ had no ${HAPROXY_PATH}): nothing sends ${named} to it until their DNS names ${target}`,
        hint: `install these edge files on ${andList(machines.map((m) => m.name))} and start haproxy${floating ? ' and keepalived' : ''} there (enabled and started where it was stopped, as README's steps say), then point the DNS of ${named} at ${floating ? addressOf(floating) : own}`,
      },
    ];
  if (
    floating === undefined ||
    (wasFloating !== undefined && canonicalAddress(addressOf(wasFloating)) === canonicalAddress(addressOf(floating)))
  )
    return [];
  const path = ['edge', 'floatingIp', 'address'];
  const address = addressOf(floating);
  if (wasFloating === undefined)
    return [
      {
        kind: 'floating',
        path,
        message: `the edge now moves the floating IP ${floating}: ${named} reach it at that address only once their DNS names it (until then, at the machines' own addresses their DNS names, ${own})`,
        hint: `once keepalived holds it (these files installed and keepalived started on every edge machine, as README's steps say), point the DNS of ${named} at ${address}`,
      },
    ];
  const old = addressOf(wasFloating);
  if (isIP(old) !== isIP(address)) return [];
  return [
    {
      kind: 'floating',
      path,
      message: `the floating IP moves from ${wasFloating} to ${floating}: keepalived reloaded with these files gives ${old} up and holds ${address}, and clients that resolve ${named} to ${old} then reach no edge until their DNS names ${address}`,
      hint: `first point the DNS of ${named} at the edge machines' own addresses (${own}, where haproxy listens too) and wait out its TTL, then install and reload keepalived on every machine as README's steps say, then point the DNS at ${address}`,
    },
  ];
}
