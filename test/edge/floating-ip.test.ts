/**
 * edge.floatingIp.address is an address keepalived takes and clients can reach: an exact IPv4
 * address and prefix length, not its network's address or broadcast address, not an edge
 * machine's own, in the machines' network; each refused at its place with the reason and the
 * fix, nothing written. The machines it moves between have addresses of their own, and as many
 * as keepalived's priorities fit; the configs that are accepted pass the real `keepalived -t`
 * (keepalived-check.test.ts runs it on the others).
 */
import { describe, expect, it } from 'vitest';
import { compileEdge, edgeProblems } from './helpers.js';
import { checkKeepalived } from './keepalived-tool.js';

/** A stage whose edge machines (YAML of edge.machines) share the floating address `address` (line 5, column 26). */
function stage(address: string, machines = '{ lb1: { address: 10.1.0.5 }, lb2: { address: 10.1.0.6 } }'): string {
  return `nodes:
  a: { address: 10.1.0.1 }
edge:
  machines: ${machines}
  floatingIp: { address: ${address}, interface: ens3, routerId: 7 }
  frontends:
    web:
      certificates: [/etc/haproxy/certs/a.pem]
      hosts: { a.example.com: nginx }
apps:
  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: 30100 } }
`;
}

const AT = 'environments/edge.yaml:5:26: ';

describe('edge.floatingIp.address', () => {
  it.each([
    [
      '10.1.0.300/24',
      'edge.floatingIp.address 10.1.0.300/24 is not an IPv4 address: the number 300 is more than 255 (each of its four numbers is 0-255)',
      "write a free IPv4 address of the edge machines' network with its prefix length, e.g. 192.168.122.150/24",
    ],
    [
      '10.1.0.010/24',
      'edge.floatingIp.address 10.1.0.010/24 is not an IPv4 address: the number 010 has a leading zero, which some tools read as octal (each of its four numbers is 0-255)',
      "write a free IPv4 address of the edge machines' network with its prefix length, e.g. 192.168.122.150/24",
    ],
    [
      '10.1.0.100/40',
      'edge.floatingIp.address 10.1.0.100/40 does not have a prefix length from 1 to 32: the prefix length 40 is more than 32',
      'write the prefix length of the network the edge machines share, e.g. 192.168.122.150/24',
    ],
    [
      '10.1.0.100/0',
      'edge.floatingIp.address 10.1.0.100/0 does not have a prefix length from 1 to 32: a /0 network would hold every IPv4 address',
      'write the prefix length of the network the edge machines share, e.g. 192.168.122.150/24',
    ],
    [
      '10.1.0.0/24',
      'edge.floatingIp.address 10.1.0.0/24 is the network address of 10.1.0.0/24, which no machine can hold: clients could not reach it',
      'choose a free address from 10.1.0.1 to 10.1.0.254',
    ],
    [
      '10.1.0.255/24',
      'edge.floatingIp.address 10.1.0.255/24 is the broadcast address of 10.1.0.0/24, which no machine can hold: clients could not reach it',
      'choose a free address from 10.1.0.1 to 10.1.0.254',
    ],
    [
      '10.1.0.6/24',
      "edge.floatingIp.address 10.1.0.6/24 is the address of edge machine 'lb2': a floating address must be one no machine holds, since it moves between them",
      "choose a free address from 10.1.0.1 to 10.1.0.254, other than the edge machines' addresses",
    ],
    [
      '192.168.5.100/24',
      "edge.floatingIp.address 192.168.5.100/24 is not in the network of edge machines 'lb1' (10.1.0.5), 'lb2' (10.1.0.6): 192.168.5.0/24 holds 192.168.5.0 to 192.168.5.255, and keepalived adds the address on the machines' interface ens3, where clients of their network could not reach it",
      "choose a free address in the edge machines' network, with that network's prefix length (e.g. 10.1.0.100/24 for machines at 10.1.0.5 and 10.1.0.6)",
    ],
    [
      '10.1.0.4/31',
      "edge.floatingIp.address 10.1.0.4/31 is not in the network of edge machine 'lb2' (10.1.0.6): 10.1.0.4/31 holds 10.1.0.4 to 10.1.0.5, and keepalived adds the address on the machines' interface ens3, where clients of their network could not reach it",
      "choose a free address in the edge machines' network, with that network's prefix length (e.g. 10.1.0.100/24 for machines at 10.1.0.5 and 10.1.0.6)",
    ],
  ])('refuses %s at its place, saying why and what to write', (address, message, hint) => {
    expect(edgeProblems(stage(address))).toEqual([`${AT}${message}\n  hint: ${hint}`]);
  });

  it.each([
    ['127.0.0.1/32', "a loopback address, which each machine answers itself: no other machine's client reaches it"],
    ['0.0.0.0/32', "an address of 'this network' (0.0.0.0/8), which no machine holds as its own"],
    ['224.0.0.18/32', 'a multicast address, which names a group of listeners, not a machine'],
    [
      '255.255.255.255/32',
      'a reserved address (240.0.0.0/4, the broadcast address 255.255.255.255 too), which hosts and routers do not forward to',
    ],
  ])('refuses %s, a host route (not checked against the network) of no machine, as ::1/128 is', (address, what) => {
    expect(edgeProblems(stage(address))).toEqual([
      `${AT}edge.floatingIp.address ${address} is ${what}: clients could not reach the edge at it\n` +
        "  hint: choose a free address of the edge machines' network, e.g. 192.168.122.150/24",
    ]);
  });

  it("refuses a link-local address in the link-local machines' network (169.254.0.0/16), as fe80::/10 is", () => {
    const machines = '{ lb1: { address: 169.254.0.5 }, lb2: { address: 169.254.0.6 } }';
    expect(edgeProblems(stage('169.254.0.100/16', machines))).toEqual([
      `${AT}edge.floatingIp.address 169.254.0.100/16 is a link-local address, which a client reaches only on the machines' own link, never through a router: clients could not reach the edge at it\n` +
        "  hint: choose a free address of the edge machines' network, e.g. 192.168.122.150/24",
    ]);
  });

  it.each([
    ['10.1.0.1/24', "'10.1.0.1'", '10.1.0.1/24'],
    ['fd00:0::1/64 (a node written fd00::1)', "'fd00::1'", 'fd00:0::1/64'],
  ])('refuses %s, the address of a node of the stage, at its place', (_, node, address) => {
    const ipv6 = address.includes(':');
    const machines = ipv6 ? "{ lb1: { address: 'fd00::5' }, lb2: { address: 'fd00::6' } }" : undefined;
    const free = ipv6 ? 'fd00::1 to fd00::ffff:ffff:ffff:ffff' : '10.1.0.1 to 10.1.0.254';
    expect(edgeProblems(stage(`'${address}'`, machines).replace('a: { address: 10.1.0.1 }', `a: { address: ${node} }`))).toEqual([
      `${AT}edge.floatingIp.address ${address} is the address of node 'a' (nodes.a.address): keepalived would add it on the edge machine holding the floating IP while the node holds it, two machines answering for one address, and the node's traffic, the edge's own requests to its node ports included, would go to whichever one the network last heard from\n` +
        `  hint: choose a free address from ${free}, other than the nodes' and the edge machines' addresses`,
    ]);
  });

  it.each(['10.1.0.100/24', '10.1.0.2/24', '10.1.0.254/24', '10.1.0.100/32', '10.1.0.3/29', '10.9.9.9/8'])(
    'accepts %s, and keepalived -t accepts the configs',
    (address) => {
      const { files } = compileEdge(stage(address));
      const config = files.get('edge/keepalived-lb1.conf')!;
      expect(config).toContain(`        ${address} dev ens3\n`);
      expect(checkKeepalived(config)).toEqual({ status: 0, output: '' });
    },
  );
});

describe('edge.floatingIp.address of IPv6 edge machines', () => {
  const IPV6_MACHINES = "{ lb1: { address: 'fd00::5' }, lb2: { address: 'FD00:0::6' } }";

  it.each(['fd00::100/64', 'FD00:0:0:0::100/64', 'fd00::100/128', 'fd00:0:0:1::10/48', 'fd00::6:0:0:0/64'])(
    "accepts %s: VRRP version 3 between the machines' IPv6 addresses, which keepalived -t accepts",
    (address) => {
      const { files } = compileEdge(stage(`'${address}'`, IPV6_MACHINES).replace('10.1.0.1', "'fd00::1'"));
      const config = files.get('edge/keepalived-lb1.conf')!;
      expect(config).toContain('    script_user root\n    vrrp_version 3\n}\n');
      expect(config).toContain(
        `    unicast_src_ip fd00::5\n    unicast_peer {\n        FD00:0::6\n    }\n    virtual_ipaddress {\n        ${address} dev ens3\n`,
      );
      expect(checkKeepalived(config)).toEqual({ status: 0, output: '' });
      expect(checkKeepalived(files.get('edge/keepalived-lb2.conf')!)).toEqual({ status: 0, output: '' });
    },
  );

  it.each([
    [
      'fd00:::1/64',
      "edge.floatingIp.address fd00:::1/64 is not an IPv6 address: 'fd00:::1' is not written as an IPv6 address is (eight groups of hex digits, :: for zeros)",
      "write a free IPv6 address of the edge machines' network with its prefix length, e.g. fd00::150/64",
    ],
    [
      'fd00::100/129',
      'edge.floatingIp.address fd00::100/129 does not have a prefix length from 1 to 128: the prefix length 129 is more than 128',
      'write the prefix length of the network the edge machines share, e.g. fd00::150/64',
    ],
    [
      'fd00::/64',
      'edge.floatingIp.address fd00::/64 is the Subnet-Router anycast address (RFC 4291), which the routers of fd00::/64 answer: clients would reach a router, not the edge',
      'choose a free address from fd00::1 to fd00::ffff:ffff:ffff:ffff',
    ],
    [
      'fe80::100/64',
      "edge.floatingIp.address fe80::100/64 is a link-local address, which a client reaches only on the machines' own link (and with its zone), never through DNS: clients could not reach the edge at it",
      "choose a free global or unique local address (fd00::/8) of the edge machines' network, e.g. fd00::150/64",
    ],
    [
      'ff02::100/64',
      'edge.floatingIp.address ff02::100/64 is a multicast address, which names a group of listeners, not a machine: clients could not reach the edge at it',
      "choose a free global or unique local address (fd00::/8) of the edge machines' network, e.g. fd00::150/64",
    ],
    [
      'fd00:0::6/64',
      "edge.floatingIp.address fd00:0::6/64 is the address of edge machine 'lb2': a floating address must be one no machine holds, since it moves between them",
      "choose a free address from fd00::1 to fd00::ffff:ffff:ffff:ffff, other than the edge machines' addresses",
    ],
    [
      'fd01::100/64',
      "edge.floatingIp.address fd01::100/64 is not in the network of edge machines 'lb1' (fd00::5), 'lb2' (FD00:0::6): fd01::/64 holds fd01:: to fd01::ffff:ffff:ffff:ffff, and keepalived adds the address on the machines' interface ens3, where clients of their network could not reach it",
      "choose a free address in the edge machines' network, with that network's prefix length (e.g. fd00::100/64 for machines at fd00::5 and fd00::6)",
    ],
  ])('refuses %s at its place, saying why and what to write', (address, message, hint) => {
    expect(edgeProblems(stage(`'${address}'`, IPV6_MACHINES))).toEqual([`environments/edge.yaml:5:26: ${message}\n  hint: ${hint}`]);
  });

  it('a VRRP instance of the other family is refused by keepalived -t (what the family rule spares a team)', () => {
    const config = compileEdge(stage("'fd00::100/64'", IPV6_MACHINES)).files.get('edge/keepalived-lb1.conf')!;
    const r = checkKeepalived(
      config.replace('unicast_src_ip fd00::5', 'unicast_src_ip 10.1.0.5').replace('        FD00:0::6\n', '        10.1.0.6\n'),
    );
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/address family must match VRRP instance \[fd00::100\/64\]/);
  });
});

describe('the edge machines a floating address moves between', () => {
  it('are refused when two have the same address, at the second one (by name)', () => {
    expect(edgeProblems(stage('10.1.0.100/24', '{ lb1: { address: 10.1.0.5 }, lb2: { address: 10.1.0.5 } }'))).toEqual([
      "environments/edge.yaml:4:59: edge machines 'lb1' and 'lb2' have the same address 10.1.0.5: they are one machine (with a floating IP, keepalived would take itself for its peer)\n" +
        "  hint: give machine 'lb2' its own address, or remove one of the two",
    ]);
  });

  it("need addresses of the floating address's family, and the hint says so", () => {
    expect(edgeProblems(stage('10.1.0.100/24', "{ lb1: { address: 10.1.0.5 }, lb2: { address: 'fd00::6' } }"))).toEqual([
      "environments/edge.yaml:4:59: edge machine 'lb2' needs an IPv4 address for keepalived's unicast VRRP, which goes between addresses of the floating IP's family (10.1.0.100/24 is IPv4; found 'fd00::6')\n" +
        "  hint: write the machine's IPv4 address, or remove edge.floatingIp",
    ]);
    expect(edgeProblems(stage("'fd00::100/64'", "{ lb1: { address: 'fd00::5' }, lb2: { address: 10.1.0.6 } }"))).toEqual([
      "environments/edge.yaml:4:60: edge machine 'lb2' needs an IPv6 address for keepalived's unicast VRRP, which goes between addresses of the floating IP's family (fd00::100/64 is IPv6; found '10.1.0.6')\n" +
        "  hint: write the machine's IPv6 address, or remove edge.floatingIp",
    ]);
    // an IPv6-only edge given an IPv4 floating IP by habit: the floating IP is what to change
    expect(edgeProblems(stage('10.1.0.100/24', "{ lb1: { address: 'fd00::5' }, lb2: { address: 'fd00::6' } }"))[0]).toBe(
      "environments/edge.yaml:4:31: edge machine 'lb1' needs an IPv4 address for keepalived's unicast VRRP, which goes between addresses of the floating IP's family (10.1.0.100/24 is IPv4; found 'fd00::5')\n" +
        "  hint: write the machine's IPv4 address, or give edge.floatingIp an IPv6 address of the machines' network (e.g. fd00::150/64), as every machine has one, or remove edge.floatingIp",
    );
  });

  it('are refused with a zone index (fd00::5%ens3), which keepalived refuses as malformed, saying so, not that the address is of the other family', () => {
    expect(edgeProblems(stage("'fd00::100/64'", "{ lb1: { address: 'fd00::5%ens3' }, lb2: { address: 'fd00::6' } }"))).toEqual([
      "environments/edge.yaml:4:31: edge machine 'lb1' has the address fd00::5%ens3, with a zone index (%ens3), which keepalived's unicast VRRP refuses as a malformed address: a zone names an interface, not an address\n" +
        "  hint: write the machine's IPv6 address without its zone (fd00::5): keepalived sends its adverts on edge.floatingIp.interface ens3 already; or remove edge.floatingIp",
    ]);
    // what keepalived says of such a config
    const config = compileEdge(stage("'fd00::100/64'", "{ lb1: { address: 'fd00::5' }, lb2: { address: 'fd00::6' } }")).files.get(
      'edge/keepalived-lb1.conf',
    )!;
    const r = checkKeepalived(config.replace('unicast_src_ip fd00::5', 'unicast_src_ip fd00::5%ens3'));
    expect(r.output).toMatch(/malformed src address\[fd00::5%/);
  });

  /** edge.machines with `count` machines m01, m02, ... at 10.1.0.11, 10.1.0.12, ... */
  const many = (count: number) =>
    `{ ${Array.from({ length: count }, (_, i) => `m${String(i + 1).padStart(3, '0')}: { address: 10.1.${Math.floor((i + 11) / 250)}.${((i + 11) % 250) + 1} }`).join(', ')} }`;

  it.each([2, 15, 16, 17, 40, 150])('get distinct priorities from 150 down, all within 1..255, with %i machines', (count) => {
    const { files } = compileEdge(stage('10.1.0.3/16', many(count)));
    const configs = [...files].filter(([f]) => f.startsWith('edge/keepalived-')).map(([, c]) => c);
    expect(configs).toHaveLength(count);
    const priorities = configs.map((c) => Number(/priority (-?\d+)/.exec(c)![1]));
    expect(priorities[0]).toBe(150);
    expect(new Set(priorities).size).toBe(count);
    expect(Math.min(...priorities)).toBeGreaterThanOrEqual(1);
    if (count <= 15) expect(priorities).toEqual(priorities.map((_, i) => 150 - 10 * i));
    for (const c of [configs[0], configs.at(-1)!]) expect(checkKeepalived(c)).toEqual({ status: 0, output: '' });
  });

  it('are refused beyond 150, the lowest priority keepalived has left for them', () => {
    expect(edgeProblems(stage('10.1.0.3/16', many(151)))).toEqual([
      'environments/edge.yaml:4:13: edge.floatingIp gives each edge machine a VRRP priority of its own, from 150 down to 1, so it moves between 150 machines at most (found 151)\n' +
        '  hint: split the machines into edges of their own (a stage each), or remove floatingIp',
    ]);
  });
});

describe('a dual-stack edge (an IPv4 and an IPv6 floating address for one stage)', () => {
  const DUAL_STACK =
    "write the machines' addresses and the floating IP in one family, the one DNS names for the edge (machines named by their IPv6 addresses make the frontends listen on IPv4 too); keepalived moves an IPv4 and an IPv6 address in VRRP instances of their own, and stagecraft writes one";

  it('given as a list of two floating IPs, is refused with what one edge does, not a mapping alone', () => {
    const text = stage('10.1.0.100/24').replace(
      /floatingIp: .*/,
      'floatingIp: [{ address: 10.1.0.100/24, interface: ens3, routerId: 7 }, { address: fd00::100/64, interface: ens3, routerId: 8 }]',
    );
    const [problem] = edgeProblems(text);
    expect(problem).toMatch(/^environments\/edge\.yaml:5:15: edge\.floatingIp must be a mapping \(found a list\)\n {2}hint: /);
    expect(problem).toContain('One address, IPv4 or IPv6, not both: ');
  });

  it.each([
    [
      'a list of two addresses under an edge machine',
      stage('10.1.0.100/24', '{ lb1: { address: [10.1.0.5, "fd00::5"] }, lb2: { address: 10.1.0.6 } }'),
    ],
    [
      'two addresses in one under an edge machine',
      stage('10.1.0.100/24', '{ lb1: { address: "10.1.0.5, fd00::5" }, lb2: { address: 10.1.0.6 } }'),
    ],
    ['a list of two floating addresses', stage('[10.1.0.100/24, "fd00::100/64"]')],
    [
      'a second floating IP (floatingIp6)',
      stage('10.1.0.100/24').replace(
        '  frontends:',
        '  floatingIp6: { address: fd00::100/64, interface: ens3, routerId: 8 }\n  frontends:',
      ),
    ],
  ])('given as %s, is told how to write one, not only what a value must be', (_, text) => {
    const [problem] = edgeProblems(text);
    expect(problem).toMatch(/\n {2}hint: /);
    expect(problem!.split('\n  hint: ')[1]).toContain(DUAL_STACK);
  });

  it('says the machine address is an IP address, not an "iP address", where a list is found', () => {
    const [problem] = edgeProblems(stage('10.1.0.100/24', '{ lb1: { address: [10.1.0.5, "fd00::5"] }, lb2: { address: 10.1.0.6 } }'));
    expect(problem).toContain("hint: edge.machines.lb1.address: the machine's IP address or host name, one: ");
  });

  it.each(['address6', 'ipv6', 'addresses'])(
    'given a second address under an edge machine (%s), is told how to write one, not only that the setting is not known',
    (key) => {
      const text = stage('10.1.0.100/24', `{ lb1: { address: 10.1.0.5, ${key}: fd00::5 }, lb2: { address: 10.1.0.6 } }`);
      expect(edgeProblems(text)[0]).toMatch(
        new RegExp(
          `^environments/edge\\.yaml:4:41: edge\\.machines\\.lb1\\.${key} is not a known setting.*\n  hint: an edge machine has one address: ${DUAL_STACK.replace(/[().']/g, '\\$&')}$`,
        ),
      );
    },
  );
});
