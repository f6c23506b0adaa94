/** The rules of a stage file's `edge:` that its schema cannot say (lib/edge/refine.ts), as they read one stage. */
import { describe, expect, it } from 'vitest';
import { edgeProblems, oneNodeEdge } from './helpers.js';

/** A stage whose two edge machines have the addresses `a` and `b`. */
const machines = (a: string, b: string) =>
  `${oneNodeEdge('nginx').replace(/machines: .*/, `machines: { lb1: { address: "${a}" }, lb2: { address: "${b}" } }`)}  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: 30100 } }\n`;

describe('two edge machines of one stage', () => {
  it.each([
    ['in capitals', 'FD00::5'],
    ['with the zeros it may leave out (fd00:0::5 is fd00::5)', 'fd00:0::5'],
  ])('are one machine when the second names the first by its IPv6 address written %s', (_, spelled) => {
    expect(edgeProblems(machines('fd00::5', spelled))).toEqual([
      expect.stringContaining(`edge machines 'lb1' and 'lb2' have the same address ${spelled}: they are one machine`),
    ]);
  });
});

describe("a host of a frontend's hosts", () => {
  const withHost = (host: string) =>
    `${oneNodeEdge('nginx').replace('www.example.com', host)}  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: 30100 } }\n`;

  it.each([
    ['in capitals', 'WWW.Example.com', 'in capitals'],
    ['with the final dot of an absolute name', 'www.example.com.', 'with the final dot of an absolute name'],
    ['in capitals with the final dot', 'Demoapp.onprem.example.com.', 'in capitals and with the final dot of an absolute name'],
  ])('is refused %s, naming the name to write, which requests written so still reach', (_, host, how) => {
    const meant = host.toLowerCase().replace(/\.$/, '');
    expect(edgeProblems(withHost(host))).toEqual([
      `environments/edge.yaml:8:16: edge.frontends.web.hosts: '${host}' is written ${how}, where a route names a host in lowercase, without a final dot\n` +
        `  hint: write ${meant}: requests for ${host} still reach it (the edge compares the Host header in any case, without a final dot)`,
    ]);
  });

  it('that is no host name is refused as such, without a word of capitals or final dots', () => {
    expect(edgeProblems(withHost('my_app.example.com'))).toEqual([
      "environments/edge.yaml:8:16: edge.frontends.web.hosts: 'my_app.example.com' is not a valid name; it must be a lowercase host name of at least two labels, such as shop.example.com",
    ]);
  });
});

describe('the name of an edge machine', () => {
  it('is refused at its place when longer than a host name label: its keepalived-<machine>.conf would be a file name too long to write', () => {
    const long = 'm'.repeat(250);
    const text = machines('10.0.0.5', '10.0.0.6').replace('lb1:', `${long}:`);
    expect(
      edgeProblems(text.replace('edge:\n', 'edge:\n  floatingIp: { address: 10.0.0.100/24, interface: eth0, routerId: 7 }\n')),
    ).toEqual([
      expect.stringMatching(
        /^environments\/edge\.yaml:\d+:\d+: edge\.machines: 'm+…m+ \(250 characters\)' is not a valid name; it must be a name of lowercase letters, digits and '-', at most 63 characters \(a host name's label\)$/,
      ),
    ]);
  });

  it('of 63 characters is taken', () => {
    expect(() => edgeProblems(machines('10.0.0.5', '10.0.0.6').replace('lb1:', `${'m'.repeat(63)}:`))).toThrow(
      'the stage compiled without a problem',
    );
  });
});

describe("the hint of an edge setting of the wrong shape, which says the setting's description", () => {
  it("names HAProxy as it is written, not 'hAProxy' (the description's first letter lowered)", () => {
    const text = `${oneNodeEdge('nginx').replace(/ {2}frontends:\n(?: {4}.*\n)+/, '  frontends: []\n')}  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: 30100 } }\n`;
    expect(edgeProblems(text)).toEqual([expect.stringContaining('\n  hint: edge.frontends: the HAProxy frontends by name')]);
  });
});
