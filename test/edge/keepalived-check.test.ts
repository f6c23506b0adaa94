/**
 * Every generated keepalived.conf is checked by the real keepalived (`keepalived -t -f`, Debian's
 * package): the committed dist/ configs and a fixture's. A broken one must be rejected, so that
 * the check cannot pass by checking nothing.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { compileEdge, edgeProblems } from './helpers.js';
import { KEEPALIVED_MISSING, checkKeepalived as check, installed } from './keepalived-tool.js';

const committed = readdirSync(join(REPO, 'dist'))
  .filter((stage) => existsSync(join(REPO, 'dist', stage, 'edge')))
  .flatMap((stage) =>
    readdirSync(join(REPO, 'dist', stage, 'edge'))
      .filter((f) => /^keepalived-.*\.conf$/.test(f))
      .map((f) => `dist/${stage}/edge/${f}`),
  );

const FIXTURE = `
nodes:
  a: { address: 10.0.0.1 }
edge:
  floatingIp: { address: 10.0.0.100/24, interface: ens3, routerId: 7 }
  machines: { lb1: { address: 10.0.0.5 }, lb2: { address: 10.0.0.6 }, lb3: { address: 10.0.0.7 } }
  frontends:
    web:
      certificates: [/etc/haproxy/certs/a.pem]
      hosts: { a.example.com: nginx }
apps:
  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: 30100 } }
`;

describe('keepalived -t', () => {
  it('is installed (the tests below need it)', () => {
    expect(installed.error, KEEPALIVED_MISSING).toBeUndefined();
  });

  it.each(committed)('accepts %s', (path) => {
    const r = check(readFileSync(join(REPO, path), 'utf8'));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it("accepts each machine of a three-machine edge: each BACKUP without preemption, with lower priorities in the names' order, peering with the others", () => {
    const { files } = compileEdge(FIXTURE);
    const configs = ['lb1', 'lb2', 'lb3'].map((m) => files.get(`edge/keepalived-${m}.conf`)!);
    // a machine back up does not take the address back (each move cuts the connections open through the edge);
    // keepalived ignores nopreempt with state MASTER, and says so (keepalived -t exits 5)
    expect(configs.map((c) => [...c.matchAll(/^ {4}(state \w+|nopreempt)$/gm)].map((m) => m[1]))).toEqual([
      ['state BACKUP', 'nopreempt'],
      ['state BACKUP', 'nopreempt'],
      ['state BACKUP', 'nopreempt'],
    ]);
    expect(configs.map((c) => Number(/priority (\d+)/.exec(c)![1]))).toEqual([150, 140, 130]);
    expect(configs[1]).toContain('    unicast_src_ip 10.0.0.6\n    unicast_peer {\n        10.0.0.5\n        10.0.0.7\n    }\n');
    for (const c of configs) expect(check(c)).toEqual({ status: 0, output: '' });
  });

  it('says in its header to install it once the new haproxy.cfg answers on every machine (its monitor), checked before it is installed, and keepalived enabled and started where it was stopped', () => {
    const config = compileEdge(FIXTURE).files.get('edge/keepalived-lb1.conf')!;
    expect(config.split('\n').slice(2, 5)).toEqual([
      '# For the edge machine lb1 (10.0.0.5), once the new haproxy.cfg answers on every machine: check a copy',
      '# with keepalived -t -f, install it as /etc/keepalived/keepalived.conf, then systemctl enable keepalived and',
      '# systemctl reload-or-restart keepalived, which starts it where it was stopped (see the README, "The edge").',
    ]);
  });

  it('rejects a config with a misspelled keyword', () => {
    const r = check(compileEdge(FIXTURE).files.get('edge/keepalived-lb1.conf')!.replace('priority 150', 'priorty 150'));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/Unknown keyword 'priorty'/);
  });

  it('rejects a config whose check cannot run (no curl on the machine), rather than dropping the check of haproxy silently', () => {
    const r = check(
      compileEdge(FIXTURE).files.get('edge/keepalived-lb1.conf')!.replace('/usr/bin/curl ', '/usr/bin/stagecraft-no-such-curl '),
    );
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/Disabling track script chk_haproxy since not found\/accessible/);
  });

  it('rejects a config with a virtual router id out of range', () => {
    const r = check(compileEdge(FIXTURE).files.get('edge/keepalived-lb1.conf')!.replace('virtual_router_id 7', 'virtual_router_id 700'));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/outside range \[1, 255\]/);
  });

  it('is not written without a floating IP, and a floating IP needs two machines with IP addresses', () => {
    expect([...compileEdge(FIXTURE.replace(/ {2}floatingIp: .*\n/, '')).files.keys()].filter((f) => f.includes('keepalived'))).toEqual([]);
    const one = FIXTURE.replace(', lb2: { address: 10.0.0.6 }, lb3: { address: 10.0.0.7 }', '');
    expect(edgeProblems(one)).toEqual([
      'environments/edge.yaml:5:15: edge.floatingIp moves an address between edge machines, but there is only one\n  hint: add a second machine under edge.machines, or remove floatingIp',
    ]);
    expect(edgeProblems(FIXTURE.replace('10.0.0.7', 'lb3.example.com'))[0]).toMatch(
      /^environments\/edge\.yaml:6:87: edge machine 'lb3' needs an IPv4 address for keepalived's unicast VRRP, .* \(10\.0\.0\.100\/24 is IPv4; found 'lb3\.example\.com'\)/,
    );
  });
});
