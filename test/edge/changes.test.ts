/**
 * What the summaries of switch, promote and diff say of a stage's edge files: the lines that
 * changed, and when a backend that takes traffic moves to another node port, what that costs (its
 * hosts answer 503 between the kubectl apply and the edge's reload) and the way without an outage.
 */
import { describe, expect, it } from 'vitest';
import { edgeChangeLines, edgeChangeWarnings } from '../../lib/edge/changes.js';
import { haproxyConfig } from '../../lib/edge/haproxy.js';
import type { EdgePlan } from '../../lib/edge/publish.js';
import { compileStages } from '../../lib/compile.js';
import { formatProblem } from '../../lib/errors.js';
import { FILE, oneNodeEdge } from './helpers.js';

/**
 * The haproxy.cfg of a blue/green app `web` (blue live unless said) at node ports `blue` and `green`,
 * each checked at node port `check` when given (where its readiness probe is).
 */
function config({
  blue = 30031,
  green = 30032,
  live = 'blue' as 'blue' | 'green',
  check = undefined as number | undefined,
  tls = [] as readonly string[],
  checkTls = [] as readonly string[],
} = {}): Map<string, string> {
  const idle = live === 'blue' ? 'green' : 'blue';
  const backend = (color: string, nodePort: number) => ({
    name: `web-${color}`,
    service: `Service lab/web-${color}`,
    nodePort,
    ...(check === undefined ? {} : { checkPort: check + (color === 'blue' ? 0 : 1) }),
    healthPath: '/ready',
    host: 'www.example.com',
    ...(tls.includes(color) ? { tls: true } : {}),
    ...(checkTls.includes(color) ? { https: true } : {}),
    servers: [{ name: 'n1', address: '10.0.0.1' }],
  });
  const plan: EdgePlan = {
    stage: 'lab',
    source: 'environments/lab.yaml',
    machines: [{ name: 'lb1', address: '10.0.0.5' }],
    frontends: [
      {
        name: 'web',
        httpPort: 80,
        httpsPort: 443,
        certificates: ['/c/a.pem'],
        redirectHttp: true,
        gzip: false,
        routes: [{ host: 'www.example.com', app: 'web', backend: `web-${live}`, blueGreen: { live, idle, idleBackend: `web-${idle}` } }],
      },
    ],
    backends: [backend('blue', blue), backend('green', green)],
  };
  return new Map([['edge/haproxy.cfg', haproxyConfig(plan)]]);
}

describe('edgeChangeLines', () => {
  it('says that the hosts of a backend taking traffic answer 503 while its node port moves, between the apply and the reload, and how to move it without an outage', () => {
    const lines = edgeChangeLines(config(), config({ blue: 30033 }));
    expect(lines).toEqual([
      'edge/haproxy.cfg',
      '  - # Service lab/web-blue, node port 30031 on every node',
      '  - server n1 10.0.0.1:30031 check',
      '  + # Service lab/web-blue, node port 30033 on every node',
      '  + server n1 10.0.0.1:30033 check',
      '  ! Service lab/web-blue moves from node port 30031 to 30033 while backend web-blue takes traffic (www.example.com): ' +
        'from the kubectl apply that moves it until the new haproxy.cfg is reloaded on every edge machine (or the other way round), every server of web-blue refuses connections and its hosts answer 503; ' +
        "apply and reload back to back, in a quiet moment (of a blue/green app, move the idle color's node port, then switch to it, and no request fails)",
    ]);
  });

  it("says nothing more when the node port that moves is an idle color's, which takes no traffic", () => {
    expect(edgeChangeLines(config(), config({ green: 30033 })).filter((l) => l.startsWith('  !'))).toEqual([]);
  });

  it('says that the hosts of a backend taking traffic answer 503 when the node port its readiness probe is checked at moves, in either order, and names the two changes through the serving port that are each safe in their order', () => {
    const lines = edgeChangeLines(config({ check: 30041 }), config({ check: 30045 }));
    expect(lines.filter((l) => l.startsWith('  !'))).toEqual([
      '  ! Service lab/web-blue moves the node port its readiness probe is checked at from 30041 to 30045 while backend web-blue takes traffic (www.example.com): ' +
        'from the kubectl apply that moves it until the new haproxy.cfg is reloaded on every edge machine (or the other way round), every check of web-blue fails, its servers are taken out and its hosts answer 503; ' +
        'no order of kubectl apply and reload avoids it when the apply closes node port 30041 and opens 30045; move it in two changes, each safe in its order: ' +
        "first the probe's port without a nodePort (reload, then kubectl apply), which until the second change leaves HAProxy only a TCP check of node port 30031, whether it accepts connections, not a GET of the readiness path (synth warns edge/readiness-port), " +
        'then its new node port 30045 (kubectl apply, then reload); ' +
        "or apply and reload back to back, in a quiet moment (of a blue/green app, move the idle color's node port, then switch to it, and no request fails)",
    ]);
  });

  it('says of a check port that comes (as the edge/readiness-port hint asks) to apply first, then reload: the old haproxy.cfg checks the serving port, which stays open', () => {
    expect(edgeChangeLines(config(), config({ check: 30041 })).filter((l) => l.startsWith('  !'))).toEqual([
      '  ! Service lab/web-blue is checked at a new node port 30041 (where its readiness probe is), no longer at node port 30031 where it serves, while backend web-blue takes traffic (www.example.com): ' +
        'reloaded on an edge machine before the kubectl apply opens node port 30041, every check of web-blue fails, its servers are taken out and its hosts answer 503; ' +
        'kubectl apply first, then reload the new haproxy.cfg on every edge machine: until then the old one checks node port 30031, which stays open, and no check fails',
    ]);
  });

  it('says of a check port that goes to reload first, then apply: the new haproxy.cfg checks the serving port, open before and after', () => {
    expect(edgeChangeLines(config({ check: 30041 }), config()).filter((l) => l.startsWith('  !'))).toEqual([
      '  ! Service lab/web-blue is no longer checked at node port 30041 (where its readiness probe was), but at node port 30031 where it serves, while backend web-blue takes traffic (www.example.com): ' +
        'applied with kubectl before the new haproxy.cfg is reloaded on every edge machine, which closes node port 30041, every check of web-blue fails, its servers are taken out and its hosts answer 503; ' +
        'reload the new haproxy.cfg on every edge machine first, then kubectl apply: the new one checks node port 30031, open before and after, and no check fails',
    ]);
  });

  it('says it of the color switched to while its node port moves, which takes the traffic once the new haproxy.cfg is reloaded', () => {
    const lines = edgeChangeLines(config(), config({ live: 'green', green: 30033 }));
    expect(lines.filter((l) => l.startsWith('  !'))).toEqual([
      expect.stringMatching(
        /^ {2}! Service lab\/web-green moves from node port 30032 to 30033 while backend web-green takes traffic \(www\.example\.com\): /,
      ),
    ]);
  });

  it('says nothing more for a switch, whose backends keep their node ports', () => {
    expect(edgeChangeLines(config(), config({ live: 'green' })).filter((l) => l.startsWith('  !'))).toEqual([]);
  });
});

describe('edgeChangeLines, of a backend whose servers go over to TLS or back (its pods answer TLS now, or no longer)', () => {
  it('says that, taking traffic, the requests it sends to pods that answer the other way fail until the rollout and the reload are both done', () => {
    const lines = edgeChangeLines(config(), config({ tls: ['blue'] }));
    expect(lines.filter((l) => l.startsWith('  !'))).toEqual([
      "  ! Service lab/web-blue is sent its traffic over TLS, no longer in plain HTTP, while backend web-blue takes traffic (www.example.com): HAProxy sends all of a backend's traffic one way, so from the kubectl apply that rolls its pods over until the new haproxy.cfg is reloaded on every edge machine, the requests it sends to pods that answer the other way fail; " +
        'apply, wait for the rollout (kubectl rollout status), then reload haproxy on every edge machine at once, in a quiet moment',
    ]);
    expect(edgeChangeLines(config({ tls: ['blue'] }), config()).filter((l) => l.startsWith('  !'))[0]).toMatch(
      /^ {2}! Service lab\/web-blue is sent its traffic in plain HTTP, no longer over TLS, while backend web-blue takes traffic/,
    );
  });

  it("says nothing more of an idle color's, which takes no traffic, nor of a backend whose checks alone go over TLS", () => {
    expect(edgeChangeLines(config(), config({ tls: ['green'] })).filter((l) => l.startsWith('  !'))).toEqual([]);
    const checksAlone = edgeChangeLines(config({ check: 30041 }), config({ check: 30041, checkTls: ['blue'] }));
    expect(checksAlone).toContain('  + server n1 10.0.0.1:30031 check port 30041 check-ssl verify none');
    expect(checksAlone.filter((l) => l.startsWith('  !'))).toEqual([]);
  });
});

describe('a synthesis that moves a node port under a backend taking traffic', () => {
  /** A stage publishing nginx at node port `nodePort`. */
  const stage = (nodePort: number) =>
    `${oneNodeEdge('nginx')}  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: ${nodePort} } }\n`;
  /** The warnings (notices) of compiling the stage at `nodePort` over the output the stage at `was` wrote. */
  const notices = (was: number, nodePort: number) => {
    const output = compileStages([{ stage: 'edge', file: FILE, text: stage(was) }]).tree.get('edge')!;
    const readOutput = (file: string) => output.get(file) as string | undefined;
    return compileStages([{ stage: 'edge', file: FILE, text: stage(nodePort), readOutput }]).notices.map(formatProblem);
  };

  it('warns at the setting that moved the port (apps.nginx.service.nodePort), comparing with the haproxy.cfg of dist/<stage> as it was, as diff does', () => {
    const line =
      stage(30101)
        .split('\n')
        .findIndex((l) => l.includes('nodePort: 30101')) + 1;
    const column = stage(30101).split('\n')[line - 1]!.indexOf('30101') + 1;
    expect(notices(30100, 30101)).toEqual([
      `environments/edge.yaml:${line}:${column}: warning: ` +
        'Service edge/nginx moves from node port 30100 to 30101 while backend nginx takes traffic (www.example.com): ' +
        'from the kubectl apply that moves it until the new haproxy.cfg is reloaded on every edge machine (or the other way round), every server of nginx refuses connections and its hosts answer 503\n' +
        "  hint: apply and reload back to back, in a quiet moment (of a blue/green app, move the idle color's node port, then switch to it, and no request fails)",
    ]);
  });

  it('warns at edge: when no setting of the stage file gives the node port moved to', () => {
    const files = [{ path: 'edge/haproxy.cfg', content: config({ blue: 30033 }).get('edge/haproxy.cfg')! }];
    const readOutput = (file: string) => config().get(file);
    const at = (nodePortSettings: Map<string, readonly (string | number)[]>) =>
      edgeChangeWarnings(readOutput, { declared: true, files, nodePortSettings }).map((w) => w.path);
    expect(at(new Map())).toEqual([['edge']]);
    expect(at(new Map([['Service lab/web-blue:30033', ['apps', 'web', 'service', 'colorNodePorts', 'blue']]]))).toEqual([
      ['apps', 'web', 'service', 'colorNodePorts', 'blue'],
    ]);
  });

  it('says nothing when the node port stays', () => {
    expect(notices(30100, 30100)).toEqual([]);
  });
});

describe('an edge machine that leaves the edge', () => {
  /** A stage whose edge runs on `machines` (YAML flow lines under edge.machines), with a floating IP when there are two or more. */
  const stage = (machines: readonly string[]) =>
    [
      'nodes:',
      '  a: { address: 10.0.0.1 }',
      'edge:',
      '  machines:',
      ...machines.map((m) => `    ${m}`),
      ...(machines.length > 1 ? ['  floatingIp: { address: 10.0.0.100/24, interface: eth0, routerId: 7 }'] : []),
      '  frontends:',
      '    web:',
      '      certificates: [/etc/haproxy/certs/example.com.pem]',
      '      hosts: { www.example.com: nginx }',
      'apps:',
      '  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: 30100 } }',
      '',
    ].join('\n');
  /** What a leaving machine's hint says of one that another stage's edge may now name, when it ran keepalived with a floating IP. */
  const takenFloating = (address: string) =>
    `(unless another stage's edge now names ${address}: then stop only keepalived there (sudo systemctl disable --now keepalived) unless that stage's files have a keepalived.conf for it, then install that stage's edge files there and reload haproxy, rather than stop it)`;
  const THREE = ['lb1: { address: 10.0.0.5 }', 'lb2: { address: 10.0.0.6 }', 'lb3: { address: 10.0.0.7 }'];
  /** The output of the stage on `machines`, and the stage compiled on `now` over it: its edge lines and its warnings. */
  const change = (was: readonly string[], now: readonly string[]) => {
    const output = compileStages([{ stage: 'edge', file: FILE, text: stage(was) }]).tree.get('edge')! as Map<string, string>;
    const readOutput = (file: string) => output.get(file);
    const compiled = compileStages([{ stage: 'edge', file: FILE, text: stage(now), readOutput }]);
    return {
      lines: edgeChangeLines(output, compiled.tree.get('edge')! as Map<string, string>).filter((l) => l.includes('!')),
      notices: compiled.notices.filter((p) => p.code === 'edge/machine-leaves').map(formatProblem),
    };
  };

  it('is said to be stopped first, before the others reload: its keepalived keeps the floating IP, and no longer a peer of theirs, takes it as well', () => {
    const { lines, notices } = change(THREE, THREE.slice(0, 2));
    const message =
      'edge machine lb3 (10.0.0.7) leaves the edge: it keeps running its haproxy.cfg and keepalived with 10.0.0.100/24, which, once lb1 and lb2 no longer count it as a peer, it takes as well: two machines answer for that address, and only one has the new config';
    const hint = `first, on lb3: sudo systemctl disable --now keepalived haproxy ${takenFloating('10.0.0.7')}; then install and reload the new files on lb1 and lb2`;
    expect(lines).toEqual([`  ! ${message}; ${hint}`]);
    // at edge.machines, whose value begins on the line after its key
    const at = stage(THREE.slice(0, 2)).split('\n').indexOf('  machines:') + 2;
    expect(notices).toEqual([`environments/edge.yaml:${at}:5: warning: ${message}\n  hint: ${hint}`]);
  });

  it('is the old address of a machine moved to another, named by its address', () => {
    const { lines } = change(THREE.slice(0, 2), ['lb1: { address: 10.0.0.8 }', THREE[1]!]);
    expect(lines).toEqual([
      expect.stringMatching(
        /^ {2}! the machine at 10\.0\.0\.5 \(edge machine lb1 is now 10\.0\.0\.8\) leaves the edge: .*; first, on 10\.0\.0\.5: sudo systemctl disable --now keepalived haproxy \(unless another stage's edge now names 10\.0\.0\.5: .*\); then install/,
      ),
    ]);
  });

  it('is no machine renamed, nor one whose address is written in another form (FD00:0::7 for fd00::7)', () => {
    expect(change(THREE, [THREE[0]!, THREE[1]!, 'edge3: { address: 10.0.0.7 }'])).toEqual({ lines: [], notices: [] });
    expect(change(["lb1: { address: 'fd00::7' }"], ["lb1: { address: 'FD00:0::7' }"])).toEqual({ lines: [], notices: [] });
  });

  describe("named now by an address of the other family (an IPv6 floating IP needs the machines' IPv6 addresses)", () => {
    /** `change`, the floating IP (with two machines) `floating` after. */
    const toFamily = (was: readonly string[], now: readonly string[], floating?: string) => {
      const output = compileStages([{ stage: 'edge', file: FILE, text: stage(was) }]).tree.get('edge')! as Map<string, string>;
      const text = floating ? stage(now).replace('10.0.0.100/24', `'${floating}'`) : stage(now);
      const compiled = compileStages([{ stage: 'edge', file: FILE, text, readOutput: (file: string) => output.get(file) }]);
      return edgeChangeLines(output, compiled.tree.get('edge')! as Map<string, string>).filter((l) => l.includes('!'));
    };

    it('may be the same dual-stack machine, which leaves nothing: said, with DNS pointed at the new floating IP first, never only to stop it', () => {
      const lines = toFamily(THREE.slice(0, 2), ["lb1: { address: 'fd00::5' }", "lb2: { address: 'fd00::6' }"], 'fd00::100/64');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(
        /^ {2}! the machine at 10\.0\.0\.5 \(edge machine lb1 is now fd00::5\) leaves the edge, unless fd00::5 is that machine's own IPv6 address \(one dual-stack machine, named by its other family now: then it leaves nothing\): it keeps running .*; if fd00::5 is the same machine as 10\.0\.0\.5, stop nothing there: point DNS at the floating IP fd00::100 first, since keepalived reloaded with the new files gives 10\.0\.0\.100\/24 up; else first, on 10\.0\.0\.5: sudo systemctl disable --now keepalived haproxy /,
      );
    });

    it('without a floating IP, says whether the new haproxy.cfg still listens on the old family', () => {
      expect(toFamily([THREE[0]!], ["lb1: { address: 'fd00::5' }"])).toEqual([
        expect.stringContaining(
          '; if fd00::5 is the same machine as 10.0.0.5, stop nothing there (the new haproxy.cfg listens on IPv4 and IPv6 alike); else point DNS at the edge machines that stay',
        ),
      ]);
      expect(toFamily(["lb1: { address: 'fd00::5' }"], [THREE[0]!])).toEqual([
        expect.stringContaining(
          '; if 10.0.0.5 is the same machine as fd00::5, stop nothing there: point DNS at its IPv4 address first, since the new haproxy.cfg listens on IPv4 alone (no edge machine has an IPv6 address); else point DNS',
        ),
      ]);
    });
  });

  /** The output of the stage on `machines` (with `hosts` more than www.example.com), and the same stage compiled over it without its `edge:`. */
  const edgeTakenOut = (machines: readonly string[], hosts: readonly string[] = []) => {
    const text = stage(machines).replace(
      'hosts: { www.example.com: nginx }',
      `hosts: { ${['www.example.com', ...hosts].map((h) => `${h}: nginx`).join(', ')} }`,
    );
    const output = compileStages([{ stage: 'edge', file: FILE, text }]).tree.get('edge')! as Map<string, string>;
    const readOutput = (file: string) => output.get(file);
    const without = `# the edge moved to the cloud's load balancer\n${text.slice(0, text.indexOf('edge:'))}${text.slice(text.indexOf('apps:'))}`;
    const compiled = compileStages([{ stage: 'edge', file: FILE, text: without, readOutput }]);
    return {
      files: [...(compiled.tree.get('edge')! as Map<string, string>).keys()].filter((f) => f.startsWith('edge/')),
      lines: edgeChangeLines(output, compiled.tree.get('edge')! as Map<string, string>).filter((l) => l.includes('!')),
      notices: compiled.notices.filter((p) => p.code === 'edge/machine-leaves').map(formatProblem),
    };
  };

  it("is every machine of a stage whose edge: is taken out, warned of by synth at the top of the stage file: each keeps sending the edge's hosts to the stage's node ports, and keepalived its floating IP, so point their DNS elsewhere, then stop both there", () => {
    const { files, lines, notices } = edgeTakenOut(THREE.slice(0, 2));
    expect(files).toEqual([]);
    const said = (machine: string, address: string) =>
      `edge machine ${machine} (${address}) leaves the edge, as the stage file declares none any more (no edge:): it keeps running its haproxy.cfg, which sends www.example.com to the node ports of the stage's Services, and keepalived with 10.0.0.100/24, and no file of this stage reaches it any more`;
    const hint = (machine: string, address: string) =>
      `point the DNS of www.example.com elsewhere, then on ${machine}: sudo systemctl disable --now keepalived haproxy ${takenFloating(address)}`;
    // at the first setting of the file (nodes:, after the comment), since edge: is not there to be pointed at
    expect(notices).toEqual([
      `environments/edge.yaml:2:1: warning: ${said('lb1', '10.0.0.5')}\n  hint: ${hint('lb1', '10.0.0.5')}`,
      `environments/edge.yaml:2:1: warning: ${said('lb2', '10.0.0.6')}\n  hint: ${hint('lb2', '10.0.0.6')}`,
    ]);
    // and npm run diff says the same under the removed haproxy.cfg
    expect(lines).toEqual([
      `  ! ${said('lb1', '10.0.0.5')}; ${hint('lb1', '10.0.0.5')}`,
      `  ! ${said('lb2', '10.0.0.6')}; ${hint('lb2', '10.0.0.6')}`,
    ]);
  });

  it('is, for an edge taken out without a floating IP, haproxy alone to stop, its many hosts named by the first three', () => {
    const { notices } = edgeTakenOut(THREE.slice(0, 1), ['a.example.com', 'b.example.com', 'c.example.com']);
    expect(notices).toEqual([
      expect.stringContaining(
        "it keeps running its haproxy.cfg, which sends a.example.com, b.example.com, c.example.com and 1 more to the node ports of the stage's Services, and no file of this stage reaches it any more\n" +
          "  hint: point the DNS of a.example.com, b.example.com, c.example.com and 1 more elsewhere, then on lb1: sudo systemctl disable --now haproxy (unless another stage's edge now names 10.0.0.5: then install that stage's edge files there and reload haproxy, rather than stop it)",
      ),
    ]);
  });

  it("does not tell to stop haproxy on a machine whose edge moved to another stage's file (compiled with it, not refused), nor to point its DNS away, but to do as that stage's warning says", () => {
    const text = stage(THREE.slice(0, 1));
    const output = compileStages([{ stage: 'edge', file: FILE, text }]).tree.get('edge')! as Map<string, string>;
    const without = `${text.slice(0, text.indexOf('edge:'))}${text.slice(text.indexOf('apps:'))}`;
    const moved = text.replace('10.0.0.1', '10.0.9.1').replace('www.example.com', 'shop.example.com');
    const compiled = compileStages([
      { stage: 'edge', file: FILE, text: without, readOutput: (file: string) => output.get(file) },
      { stage: 'shop', file: 'environments/shop.yaml', text: moved },
    ]);
    expect(compiled.tree.get('shop')!.has('edge/haproxy.cfg')).toBe(true);
    // (stage shop's warning, about this change, is among the notices too: said once)
    const [notice, ...more] = compiled.notices.filter((p) => p.code === 'edge/machine-leaves' && p.location?.file === FILE);
    expect(more).toEqual([]);
    expect(notice?.hint).not.toMatch(/disable --now|elsewhere/);
    const at = moved.split('\n').findIndex((l) => l.includes('lb1:')) + 1;
    expect(notice?.hint).toBe(
      `point no DNS away from it and stop no haproxy there: stage shop's edge now names 10.0.0.5 (edge.machines.lb1.address, environments/shop.yaml:${at}:21), whose files replace these there; do there as stage shop's warning says`,
    );
    expect(compiled.acrossStagesOnce.get('shop')?.map((p) => p.hint)).toEqual([
      "install this stage's edge files (dist/shop/edge/) there and reload haproxy, rather than stop haproxy there",
    ]);
  });

  /** The stage on lb1 and lb2 (floating IP), compiled over its output without `lb2`'s line (`keep`) or its edge, and stage shop on `shop`. */
  const movedTo = (shop: readonly string[], keep: boolean) => {
    const text = stage(THREE.slice(0, 2));
    const output = compileStages([{ stage: 'edge', file: FILE, text }]).tree.get('edge')! as Map<string, string>;
    const without = keep ? stage(THREE.slice(0, 1)) : `${text.slice(0, text.indexOf('edge:'))}${text.slice(text.indexOf('apps:'))}`;
    const shopText = stage(shop).replace('10.0.0.1 }', '10.0.9.1 }').replace('www.example.com', 'shop.example.com');
    const compiled = (readOutput?: (file: string) => string | undefined) =>
      compileStages([
        { stage: 'edge', file: FILE, text: without, ...(readOutput ? { readOutput } : {}) },
        { stage: 'shop', file: 'environments/shop.yaml', text: shopText },
      ]);
    return { shopText, compile: compiled, output };
  };

  it("is said at the setting of the stage whose edge now names the machine, compiled with the stage it leaves: install that stage's files there, with the address keepalived holds there until then", () => {
    const { shopText: shop, compile, output } = movedTo([THREE[1]!, THREE[2]!], false);
    const at = shop.split('\n').findIndex((l) => l.includes('lb2:')) + 1;
    expect(
      compile((file) => output.get(file))
        .acrossStagesOnce.get('shop')
        ?.map(formatProblem),
    ).toEqual([
      `environments/shop.yaml:${at}:21: warning: edge.machines.lb2.address 10.0.0.6 of stage shop is edge machine lb2 (10.0.0.6) of stage edge's edge in dist/edge/, which its stage file no longer names: it runs stage edge's haproxy.cfg and keepalived with 10.0.0.100/24 until this stage's files replace them\n` +
        "  hint: install this stage's edge files (dist/shop/edge/) there, dist/shop/edge/keepalived-lb2.conf as /etc/keepalived/keepalived.conf, and reload haproxy, then keepalived (sudo systemctl enable keepalived && sudo systemctl reload-or-restart keepalived), rather than stop haproxy there",
      // and the floating IP it takes, which keepalived on lb1, leaving stage edge's edge, holds until stopped there
      `environments/shop.yaml:${at + 2}:26: warning: edge.floatingIp.address 10.0.0.100 of stage shop is the floating IP 10.0.0.100/24 of stage edge's edge in dist/edge/, which its stage file no longer names: keepalived on its edge machine lb1 (10.0.0.5) holds it until stopped or reloaded there, so this stage's keepalived started first would be a second master answering for the address\n` +
        "  hint: first, on lb1 (10.0.0.5): sudo systemctl disable --now keepalived haproxy (it leaves stage edge's edge); then install this stage's edge files (dist/shop/edge/) on its machines and reload haproxy, then keepalived (sudo systemctl enable keepalived && sudo systemctl reload-or-restart keepalived)",
    ]);
    // once the stage it leaves is written without it (here: no output to compare with), nothing is said
    expect(compile().acrossStagesOnce.get('shop')).toBeUndefined();
  });

  it('is told to stop its keepalived first when the stage whose edge now names it has no floating IP (no keepalived.conf of that stage replaces the old one): left running, it holds the old address with the old peers, a second master', () => {
    // lb3 of stage shop is at lb2's address, which stage edge's output names and its stage file no longer does
    const shop = movedTo(['lb3: { address: 10.0.0.6 }'], true);
    const both = shop.compile((file) => shop.output.get(file));
    expect(both.tree.get('shop')!.has('edge/keepalived-lb3.conf')).toBe(false);
    expect(both.acrossStagesOnce.get('shop')?.map((p) => p.hint)).toEqual([
      "first, on lb2: sudo systemctl disable --now keepalived (this stage has no floating IP, so none of its files replaces stage edge's keepalived.conf there: left running, it holds 10.0.0.100/24 as a second master once stage edge's other machines no longer count it as a peer); then install this stage's edge files (dist/shop/edge/) there and reload haproxy, rather than stop haproxy there",
    ]);
    // and stage edge, whose edge keeps lb1, says to do as stage shop's warning says there, then reload lb1: not to stop haproxy there
    expect(both.notices.filter((p) => p.code === 'edge/machine-leaves' && p.location?.file === FILE).map((p) => p.hint)).toEqual([
      expect.stringMatching(
        /^point no DNS away from it and stop no haproxy there: stage shop's edge now names 10\.0\.0\.6 \(edge\.machines\.lb3\.address, environments\/shop\.yaml:\d+:21\), whose files replace these there; do there as stage shop's warning says; then install and reload the new files on lb1$/,
      ),
    ]);
  });

  it("is told in the leaving stage's own warning by a synthesis of that stage alone, which prints no warning of the stage whose edge now names the machine: stop its keepalived first, then install that stage's files", () => {
    const shop = movedTo(['lb3: { address: 10.0.0.6 }'], true);
    const shopFile = { stage: 'shop', file: 'environments/shop.yaml', text: shop.shopText };
    const claims = compileStages([shopFile]).declarations.get('shop')!.claims;
    const without = stage(THREE.slice(0, 1));
    // stage edge compiled alone (npm run synth -- edge), stage shop kept as recorded
    const alone = compileStages([{ stage: 'edge', file: FILE, text: without, readOutput: (file: string) => shop.output.get(file) }], {
      stages: ['edge', 'shop'],
      kept: [{ stage: 'shop', claims }],
    });
    expect(alone.acrossStages.get('edge')).toBeUndefined();
    expect(alone.notices.filter((p) => p.code === 'edge/machine-leaves').map((p) => p.hint)).toEqual([
      expect.stringMatching(
        /^point no DNS away from it and stop no haproxy there: stage shop's edge now names 10\.0\.0\.6 \(edge\.machines\.lb3\.address, environments\/shop\.yaml:\d+:21\), whose files replace these there: first, on lb2: sudo systemctl disable --now keepalived \(stage shop has no floating IP, so none of its files replaces stage edge's keepalived\.conf there: left running, it holds 10\.0\.0\.100\/24 as a second master once stage edge's other machines no longer count it as a peer\); then install stage shop's edge files \(dist\/shop\/edge\/\) there and reload haproxy, rather than stop haproxy there; then install and reload the new files on lb1$/,
      ),
    ]);
  });

  it('is not said of an edge whose problems keep its files from being written (nothing is written then)', () => {
    const output = new Map([
      ['edge/haproxy.cfg', config().get('edge/haproxy.cfg')!],
      ['inventory.txt', 'objects: 0\nedge files: 1\nsha256:0123456789abcdef edge/haproxy.cfg\n'],
    ]);
    expect(edgeChangeWarnings((f) => output.get(f), { declared: true, files: [], nodePortSettings: new Map() })).toEqual([]);
    expect(
      edgeChangeWarnings((f) => output.get(f), { declared: false, files: [], nodePortSettings: new Map() }).map((w) => w.code),
    ).toEqual(['edge/machine-leaves']);
    // a stage without an edge whose output's inventory lists none (most stages) asks for no haproxy.cfg
    const read: string[] = [];
    const reader = (f: string) => {
      read.push(f);
      return f === 'inventory.txt' ? 'objects: 0\n' : output.get(f);
    };
    expect(edgeChangeWarnings(reader, { declared: false, files: [], nodePortSettings: new Map() })).toEqual([]);
    expect(read).toEqual(['inventory.txt']);
  });

  it('says, of a machine alone without a floating IP, to point DNS at the machines that stay before stopping haproxy there', () => {
    const { lines } = change(['lb1: { address: 10.0.0.5 }'], ['lb2: { address: 10.0.0.6 }']);
    expect(lines).toEqual([
      "  ! edge machine lb1 (10.0.0.5) leaves the edge: it keeps running its haproxy.cfg, and serves the old config to whoever still sends it requests (DNS that names 10.0.0.5); point DNS at the edge machines that stay, then on lb1: sudo systemctl disable --now haproxy (unless another stage's edge now names 10.0.0.5: then install that stage's edge files there and reload haproxy, rather than stop it)",
    ]);
  });
});
