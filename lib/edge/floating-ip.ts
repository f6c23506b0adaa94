/**
 * The rules of `edge.floatingIp` that its schema cannot say, checked when the stage file is loaded
 * (refine.ts, for the edge machines): two machines or more, as many as keepalived's priorities fit,
 * each with an address of the floating address's family (IPv4 or IPv6: keepalived's VRRP goes
 * between addresses of one family), and the address itself one keepalived takes and clients reach, which
 * no edge machine or node of the stage holds.
 * In the config layer, with refine.ts. Pure.
 */
import type { PathProblem } from '../config/validate.js';
import type { StageNode } from '../stack.js';
import { ADDRESS_BITS, type Family, canonicalAddress, formatIp, networkOf, numberProblem, parseIp } from './address.js';
import { MAX_FLOATING_MACHINES, TOP_PRIORITY, type EdgeSettings } from './settings.js';

/** An address family's name in messages, and a floating address of it for their hints. */
const FAMILY: Readonly<Record<Family, { name: string; example: string; network: string }>> = {
  4: { name: 'IPv4', example: 'e.g. 192.168.122.150/24', network: 'e.g. 10.1.0.100/24 for machines at 10.1.0.5 and 10.1.0.6' },
  6: { name: 'IPv6', example: 'e.g. fd00::150/64', network: 'e.g. fd00::100/64 for machines at fd00::5 and fd00::6' },
};

/** The family a floating address is written in (a `:` is IPv6's), however well: its machines must have addresses of it. */
const familyOf = (floating: string): Family => (floating.includes(':') ? 6 : 4);

/** The problems of `edge.floatingIp` with `machines` (sorted by name), of which `valid` have a good address of their own, and the stage's `nodes`. */
export function floatingIpProblems(
  floatingIp: NonNullable<EdgeSettings['floatingIp']>,
  machines: readonly (readonly [string, { address: string }])[],
  valid: ReadonlyMap<string, string>,
  nodes: readonly StageNode[],
): PathProblem[] {
  const problems: PathProblem[] = [];
  if (machines.length < 2) {
    problems.push({
      code: 'edge/floating-ip',
      path: ['edge', 'floatingIp'],
      message: 'edge.floatingIp moves an address between edge machines, but there is only one',
      hint: 'add a second machine under edge.machines, or remove floatingIp',
    });
  }
  if (machines.length > MAX_FLOATING_MACHINES) {
    problems.push({
      code: 'edge/floating-ip',
      path: ['edge', 'machines'],
      message: `edge.floatingIp gives each edge machine a VRRP priority of its own, from ${TOP_PRIORITY} down to 1, so it moves between ${MAX_FLOATING_MACHINES} machines at most (found ${machines.length})`,
      hint: 'split the machines into edges of their own (a stage each), or remove floatingIp',
    });
  }
  // VRRP adverts go from each machine's own address to its peers', in the floating address's family:
  // keepalived drops an address of the other family from the instance ("address family must match")
  const family = familyOf(floatingIp.address);
  const { name } = FAMILY[family];
  const ofFamily = [...valid].filter(([, address]) => {
    const ip = parseIp(address);
    return 'family' in ip && ip.family === family;
  });
  const other = FAMILY[family === 4 ? 6 : 4];
  // every machine of the other family (an IPv6-only edge given an IPv4 address by habit): the floating IP is what to change
  const otherOnly = [...valid].every(([, address]) => {
    const ip = parseIp(address);
    return 'family' in ip && ip.family !== family;
  });
  const instead = otherOnly
    ? `, or give edge.floatingIp an ${other.name} address of the machines' network (${other.example}), as every machine has one`
    : '';
  for (const [machine, address] of valid) {
    if (ofFamily.some(([m]) => m === machine)) continue;
    // of the family, but with a zone (fe80::5%ens3), which haproxy.cfg takes and keepalived refuses ("malformed src address")
    const zone = address.indexOf('%');
    if (family === 6 && zone >= 0) {
      problems.push({
        code: 'edge/machine-address',
        path: ['edge', 'machines', machine, 'address'],
        message: `edge machine '${machine}' has the address ${address}, with a zone index (${address.slice(zone)}), which keepalived's unicast VRRP refuses as a malformed address: a zone names an interface, not an address`,
        hint: `write the machine's IPv6 address without its zone (${address.slice(0, zone)}): keepalived sends its adverts on edge.floatingIp.interface ${floatingIp.interface} already; or remove edge.floatingIp`,
      });
      continue;
    }
    problems.push({
      code: 'edge/machine-address',
      path: ['edge', 'machines', machine, 'address'],
      message: `edge machine '${machine}' needs an ${name} address for keepalived's unicast VRRP, which goes between addresses of the floating IP's family (${floatingIp.address} is ${name}; found '${address}')`,
      hint: `write the machine's ${name} address${instead}, or remove edge.floatingIp`,
    });
  }
  return [...problems, ...floatingAddressProblems(floatingIp, ofFamily, nodes)];
}

// edge.floatingIp.address: the rules its schema pattern cannot say. An exact IPv4 or IPv6 address
// and prefix length, an address a machine can hold and clients reach (not its network's address or
// broadcast address, not a link-local, multicast or loopback one, not an edge machine's own),
// in the network the edge machines share. keepalived refuses some of these values and takes the
// others without a word, and then no client reaches the address.

/** Where the problems of the address are placed. */
const ADDRESS_PATH = ['edge', 'floatingIp', 'address'] as const;

/**
 * Addresses that are no floating address clients reach, of each family, by the prefix that holds them (RFC 6890 for IPv4,
 * RFC 4291 for IPv6): what each is, for a message. A host route (/32, /128) is not checked against the machines' network,
 * so these are what refuses `127.0.0.1/32` or `::1/128`.
 */
const UNREACHABLE: Readonly<Record<Family, readonly (readonly [prefix: string, what: string])[]>> = {
  4: [
    ['0.0.0.0/8', "an address of 'this network' (0.0.0.0/8), which no machine holds as its own"],
    ['127.0.0.0/8', "a loopback address, which each machine answers itself: no other machine's client reaches it"],
    ['169.254.0.0/16', "a link-local address, which a client reaches only on the machines' own link, never through a router"],
    ['224.0.0.0/4', 'a multicast address, which names a group of listeners, not a machine'],
    [
      '240.0.0.0/4',
      'a reserved address (240.0.0.0/4, the broadcast address 255.255.255.255 too), which hosts and routers do not forward to',
    ],
  ],
  6: [
    ['::/128', 'the unspecified address ::, which no machine holds'],
    ['::1/128', "the loopback address, which each machine answers itself: no other machine's client reaches it"],
    ['::ffff:0:0/96', 'an IPv4 address written as IPv6 (::ffff:a.b.c.d), which no interface holds as such: write it as IPv4'],
    ['fe80::/10', "a link-local address, which a client reaches only on the machines' own link (and with its zone), never through DNS"],
    ['ff00::/8', 'a multicast address, which names a group of listeners, not a machine'],
  ],
};

/** What `value`, an address of `family`, is among UNREACHABLE, or undefined. */
function unreachable(family: Family, value: bigint): string | undefined {
  return UNREACHABLE[family].find(([text]) => {
    const [address = '', bits = ''] = text.split('/');
    const { first, last } = networkOf(family, (parseIp(address) as { value: bigint }).value, Number(bits));
    return value >= first && value <= last;
  })?.[1];
}

/**
 * The problems of `edge.floatingIp.address`, at its place (the first one found: each one's fix
 * may change the next). `machines` are the edge machines whose addresses are of the floating address's
 * family, [name, address] (the others have a problem of their own).
 */
function floatingAddressProblems(
  floatingIp: NonNullable<EdgeSettings['floatingIp']>,
  machines: readonly (readonly [string, string])[],
  nodes: readonly StageNode[],
): PathProblem[] {
  const at = (code: string, message: string, hint: string): PathProblem[] => [
    { code, path: [...ADDRESS_PATH], message: `edge.floatingIp.address ${floatingIp.address} ${message}`, hint },
  ];
  const slash = floatingIp.address.lastIndexOf('/');
  const text = floatingIp.address.slice(0, slash);
  const prefixText = floatingIp.address.slice(slash + 1);
  const family = familyOf(text);
  const { name, example, network: networkExample } = FAMILY[family];
  const bits = ADDRESS_BITS[family];
  const ip = parseIp(text);
  if ('problem' in ip) {
    return at(
      'config/invalid',
      `is not an ${name} address: ${ip.problem}${family === 4 ? ' (each of its four numbers is 0-255)' : ''}`,
      `write a free ${name} address of the edge machines' network with its prefix length, ${example}`,
    );
  }
  const prefixProblem = numberProblem(prefixText, bits, 'the prefix length');
  if (prefixProblem || prefixText === '0') {
    return at(
      'config/invalid',
      `does not have a prefix length from 1 to ${bits}: ${prefixProblem ?? `a /0 network would hold every ${name} address`}`,
      `write the prefix length of the network the edge machines share, ${example}`,
    );
  }
  const what = unreachable(family, ip.value);
  if (what) {
    const kind = family === 6 ? 'global or unique local address (fd00::/8)' : 'address';
    return at(
      'edge/floating-ip',
      `is ${what}: clients could not reach the edge at it`,
      `choose a free ${kind} of the edge machines' network, ${example}`,
    );
  }
  const prefix = Number(prefixText);
  const { first, last } = networkOf(family, ip.value, prefix);
  const network = `${formatIp(family, first)}/${prefix}`;
  // a /31 (RFC 3021), a /127 (RFC 6164) and a host route have no network, broadcast or Subnet-Router anycast address
  const spare = prefix <= bits - 2;
  const free = spare
    ? `a free address from ${formatIp(family, first + 1n)} to ${formatIp(family, last - (family === 4 ? 1n : 0n))}`
    : "a free address in the machines' network";
  if (spare && (ip.value === first || (family === 4 && ip.value === last))) {
    const which =
      family === 6
        ? 'the Subnet-Router anycast address (RFC 4291), which the routers of'
        : ip.value === first
          ? 'the network address of'
          : 'the broadcast address of';
    const reason =
      family === 6 ? 'answer: clients would reach a router, not the edge' : 'which no machine can hold: clients could not reach it';
    return at('edge/floating-ip', `is ${which} ${network}${family === 6 ? ' ' : ', '}${reason}`, `choose ${free}`);
  }
  const owner = machines.find(([, address]) => canonicalAddress(address) === canonicalAddress(text));
  if (owner) {
    return at(
      'edge/floating-ip',
      `is the address of edge machine '${owner[0]}': a floating address must be one no machine holds, since it moves between them`,
      `choose ${free}, other than the edge machines' addresses`,
    );
  }
  // a node of the stage (a server of every backend) holds it: keepalived would add it beside the node, two machines answering for it
  const node = nodes.find((n) => n.address !== undefined && canonicalAddress(n.address) === canonicalAddress(text));
  if (node) {
    return at(
      'edge/floating-ip',
      `is the address of node '${node.name}' (nodes.${node.name}.address): keepalived would add it on the edge machine holding the floating IP while the node holds it, two machines answering for one address, and the node's traffic, the edge's own requests to its node ports included, would go to whichever one the network last heard from`,
      `choose ${free}, other than the nodes' and the edge machines' addresses`,
    );
  }
  // a host route (/32, /128) says nothing of the network: keepalived adds it as a host address, wherever the machines are
  if (prefix === bits) return [];
  const outside = machines.filter(([, address]) => {
    const m = parseIp(address);
    return 'value' in m && (m.value < first || m.value > last);
  });
  if (outside.length === 0) return [];
  const names = outside.map(([n, a]) => `'${n}' (${a})`).join(', ');
  return at(
    'edge/floating-ip',
    `is not in the network of edge ${outside.length === 1 ? 'machine' : 'machines'} ${names}: ${network} holds ${formatIp(family, first)} to ${formatIp(family, last)}, and keepalived adds the address on the machines' interface ${floatingIp.interface}, where clients of their network could not reach it`,
    `choose a free address in the edge machines' network, with that network's prefix length (${networkExample})`,
  );
}
