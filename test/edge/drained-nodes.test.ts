/**
 * edge.drainedNodes: nodes the edge sends no new connections to while another is up, written into
 * haproxy.cfg (backup servers in every backend), so that the drain outlasts a reload, which a drain set on the admin socket
 * does not; a name that is no node with an address, or every node drained, is refused at its place.
 */
import { describe, expect, it } from 'vitest';
import { compileEdge, edgeProblems } from './helpers.js';

/** A stage of three nodes publishing a blue/green nginx, with edge.drainedNodes `drained` (flow YAML) on line 5. */
const stage = (drained: string) => `nodes:
  a: { address: 10.0.0.1 }
  b: { address: 10.0.0.2 }
edge:
  drainedNodes: ${drained}
  machines: { lb1: { address: 10.0.0.5 } }
  frontends:
    web:
      certificates: [/etc/haproxy/certs/example.com.pem]
      hosts: { www.example.com: web }
apps:
  web:
    stack: service
    blueGreen: { live: blue, blue: team/web:1, green: team/web:2 }
    ports: { http: { port: 8080 } }
    probes: { readiness: { http: { path: /ready } } }
    service: { colorNodePorts: { blue: 30031, green: 30032 } }
`;

describe('edge.drainedNodes', () => {
  it("writes a drained node as a backup server in every backend, both colors' (the live one and the idle one that a switch makes live), and says so above its servers", () => {
    const config = compileEdge(stage('[b]')).files.get('edge/haproxy.cfg')!;
    for (const [color, port] of [
      ['blue', 30031],
      ['green', 30032],
    ]) {
      const backend = config.slice(config.indexOf(`backend web-${color}\n`)).split('\n\n')[0]!;
      expect(backend).toContain(
        '    # drained (edge.drainedNodes): b, backup: no new connections while another server is up\n    option allbackups\n',
      );
      expect(backend).toContain(`    server a 10.0.0.1:${port} check\n    server b 10.0.0.2:${port} check backup`);
    }
  });

  it('writes no backup without drained nodes', () => {
    const config = compileEdge(stage('[]')).files.get('edge/haproxy.cfg')!;
    expect(config).not.toMatch(/backup|drained/);
  });

  it('refuses a name that is no node with an address, which would drain nothing, suggesting the nearest', () => {
    expect(edgeProblems(stage('[a, bb]'))).toEqual([
      "environments/edge.yaml:5:21: edge.drainedNodes[1] names node 'bb', which is not a node with an address under nodes: (the servers of the edge's backends), so it would drain nothing; did you mean 'b'?\n" +
        '  hint: name one of the nodes: a, b',
    ]);
  });

  it('says of a node without an address that it has none, rather than suggesting another node', () => {
    const text = stage('[c]').replace('  b: { address: 10.0.0.2 }\n', '  b: { address: 10.0.0.2 }\n  c: { roles: [worker] }\n');
    expect(edgeProblems(text).filter((p) => p.includes('drainedNodes'))).toEqual([
      "environments/edge.yaml:6:18: edge.drainedNodes[0] names node 'c', which has no address: it is no server of the edge's backends, so there is nothing to drain\n" +
        "  hint: give nodes.c its address, or take 'c' out of edge.drainedNodes",
    ]);
  });

  it('refuses draining every node, which would answer every host with 503', () => {
    expect(edgeProblems(stage('[b, a]'))).toEqual([
      'environments/edge.yaml:5:17: edge.drainedNodes drains every node (a, b): every backend of the edge would have no server to send a request to, and every host would answer 503\n' +
        '  hint: keep at least one node out of edge.drainedNodes, serving, while the others are drained',
    ]);
  });
});
