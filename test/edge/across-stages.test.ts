/**
 * What two stages may not both take (lib/edge/across-stages.ts): an edge machine or a floating IP,
 * and a node port on one cluster; refused at the later stage's setting, naming the earlier's place.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { formatProblem } from '../../lib/errors.js';
import { problemsThrownBy } from '../helpers/problems.js';
import { runCli, snapshotDir, tempProject } from '../helpers/cli.js';
import { reusableStages } from '../../lib/cli/reuse.js';
import { FINGERPRINT_FILE } from '../../lib/cli/fingerprint.js';
import { digest } from '../../lib/synth/inventory.js';

interface Fixture {
  readonly node?: string;
  readonly machines?: readonly string[];
  readonly floatingIp?: string;
  readonly nodePort?: number;
  readonly delivery?: string;
}

/** A stage with one node, an edge of `machines` (and a floating IP) and nginx published at `nodePort`. */
function stage({ node = '10.0.0.1', machines = ['10.0.0.5'], floatingIp, nodePort = 30080, delivery }: Fixture): string {
  return [
    'nodes:',
    `  a: { address: ${node} }`,
    'edge:',
    `  machines: { ${machines.map((m, i) => `lb${i + 1}: { address: "${m}" }`).join(', ')} }`,
    ...(floatingIp ? [`  floatingIp: { address: ${floatingIp}, interface: eth0, routerId: 51 }`] : []),
    '  frontends:',
    '    web:',
    '      certificates: [/etc/haproxy/certs/example.com.pem]',
    '      hosts: { www.example.com: nginx }',
    'apps:',
    `  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: ${nodePort} } }`,
    ...(delivery ? [delivery] : []),
    '',
  ].join('\n');
}

/** A stage with api (service stack) blue/green at `image` on both colors, published at node ports `ports` on node `node`, and its own edge machine. */
function svc(node: string, machine: string, ports: readonly [number, number], image: string, from?: string): string {
  return [
    'nodes:',
    `  n1: { roles: [worker], address: ${node} }`,
    'edge:',
    `  machines: { edge1: { address: ${machine} } }`,
    '  frontends:',
    '    public:',
    '      certificates: [/etc/haproxy/certs/api.pem]',
    '      hosts: { api.example.com: api }',
    ...(from ? [`promotion: { from: ${from} }`] : []),
    'apps:',
    '  api:',
    '    stack: service',
    `    blueGreen: { live: blue, blue: ${image}, green: ${image} }`,
    '    ports: { http: { port: 8080 } }',
    '    probes: { readiness: { http: { path: /ready } } }',
    '    resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 128Mi } }',
    `    service: { colorNodePorts: { blue: ${ports[0]}, green: ${ports[1]} } }`,
    '',
  ].join('\n');
}

/** A project file with two clusters, site-a and site-b. */
const twoSites = {
  file: 'stagecraft.yaml',
  text: 'delivery:\n  engine: argocd\n  repository: { url: https://git.example.com/app.git }\n  clusters:\n    site-a: { server: "https://10.9.0.1:6443" }\n    site-b: { server: "https://10.8.0.1:6443" }\n',
};

const sources = (stages: Record<string, string>) =>
  Object.entries(stages).map(([s, text]) => ({ stage: s, file: `environments/${s}.yaml`, text }));

/** Runs `test` in a project of `stages` (without a project file) once a full synthesis wrote its dist/, then removes it. */
function afterFullSynth(stages: Record<string, string>, test: (dir: string) => void): void {
  const dir = tempProject(stages);
  try {
    rmSync(join(dir, 'stagecraft.yaml'), { force: true });
    expect(runCli('synth', [], dir).code).toBe(0);
    test(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The problems compiling `stages` together fails with, formatted. */
const problems = (stages: Record<string, string>) => problemsThrownBy(() => compileStages(sources(stages))).map(formatProblem);

describe('two stages on one edge machine', () => {
  it("are refused at the later stage's machine, naming the earlier's file:line:col", () => {
    const found = problems({ blue: stage({}), red: stage({ node: '10.0.1.1', machines: ['10.0.1.5', '10.0.0.5'], nodePort: 30081 }) });
    expect(found).toEqual([
      expect.stringMatching(
        /^environments\/red\.yaml:4:61: edge\.machines\.lb2\.address 10\.0\.0\.5 of stage red is edge\.machines\.lb1\.address of stage blue too \(environments\/blue\.yaml:4:31\): each stage's edge writes the whole haproxy\.cfg and keepalived\.conf of its machines, so the one copied there last replaces the other's and its hosts answer 503/,
      ),
    ]);
    expect(found[0]).toContain("hint: give each stage's edge machines and floating IP addresses of their own");
  });

  it.each([
    ['in capitals', 'FD00::5'],
    ['with the zeros it may leave out (fd00:0::5 is fd00::5)', 'fd00:0:0::0005'],
  ])('are refused when one names the machine by its IPv6 address written %s', (_, spelled) => {
    const found = problems({
      blue: stage({ machines: ['fd00::5'] }),
      red: stage({ node: '10.0.1.1', machines: [spelled], nodePort: 30081 }),
    });
    // as the file writes it, and the machine it names
    expect(found).toEqual([
      expect.stringContaining(`edge.machines.lb1.address ${spelled} (fd00::5) of stage red is edge.machines.lb1.address of stage blue too`),
    ]);
  });

  it("refuse a floating IP that another stage's edge holds, at edge.floatingIp.address", () => {
    const found = problems({
      blue: stage({ machines: ['10.0.0.5', '10.0.0.6'], floatingIp: '10.0.0.100/24' }),
      red: stage({ node: '10.0.1.1', machines: ['10.0.0.7', '10.0.0.8'], floatingIp: '10.0.0.100/24', nodePort: 30081 }),
    });
    expect(found).toEqual([
      expect.stringMatching(
        /^environments\/red\.yaml:5:26: edge\.floatingIp\.address 10\.0\.0\.100 of stage red is edge\.floatingIp\.address of stage blue too \(environments\/blue\.yaml:5:26\)/,
      ),
    ]);
  });

  it("are refused at the stage that takes the machine newly, not at the one whose edge in dist/ runs on it already, naming that one's place", () => {
    // red's output (dist/red/edge/haproxy.cfg) is for machine 10.0.0.5 already; blue, sorted first, is new
    const running =
      '# Generated by stagecraft from environments/red.yaml (stage red); do not edit.\n# Change the stage file or the stack, then run: npm run synth\n# For the edge machines lb1 (10.0.1.5), lb2 (10.0.0.5): copy to /etc/haproxy/haproxy.cfg, check with\n';
    const readOutput = (file: string) => (file === 'edge/haproxy.cfg' ? running : undefined);
    const [blue, red] = sources({ blue: stage({}), red: stage({ node: '10.0.1.1', machines: ['10.0.1.5', '10.0.0.5'], nodePort: 30081 }) });
    const found = problemsThrownBy(() => compileStages([blue!, { ...red!, readOutput }])).map(formatProblem);
    expect(found).toEqual([
      expect.stringMatching(
        /^environments\/blue\.yaml:4:31: edge\.machines\.lb1\.address 10\.0\.0\.5 of stage blue is edge\.machines\.lb2\.address of stage red too \(environments\/red\.yaml:4:61\), whose edge in dist\/red\/ has it already: each stage's edge writes/,
      ),
    ]);
  });

  it('are refused at the stage that takes a floating IP newly, not at the one whose keepalived.conf in dist/ moves it already', () => {
    const running = '    virtual_ipaddress {\n        10.0.0.100/24 dev eth0\n    }\n';
    const readOutput = (file: string) => (file === 'edge/keepalived-lb1.conf' ? running : undefined);
    const [blue, red] = sources({
      blue: stage({ machines: ['10.0.0.5', '10.0.0.6'], floatingIp: '10.0.0.100/24' }),
      red: stage({ node: '10.0.1.1', machines: ['10.0.0.7', '10.0.0.8'], floatingIp: '10.0.0.100/24', nodePort: 30081 }),
    });
    const found = problemsThrownBy(() => compileStages([blue!, { ...red!, readOutput }])).map(formatProblem);
    expect(found).toEqual([
      expect.stringMatching(
        /^environments\/blue\.yaml:5:26: edge\.floatingIp\.address 10\.0\.0\.100 of stage blue is edge\.floatingIp\.address of stage red too \(environments\/red\.yaml:5:26\), whose edge in dist\/red\/ has it already/,
      ),
    ]);
  });

  it("are refused at the stage that takes a floating IP newly, when the keepalived.conf in dist/ that moves it is not the first machine's (a machine added since sorts first)", () => {
    // red's output is of machines lb2 and lb3; lb1, added since, has no keepalived.conf there yet
    const inventory = 'edge files: 3\nsha256:0 edge/haproxy.cfg\nsha256:1 edge/keepalived-lb2.conf\nsha256:2 edge/keepalived-lb3.conf\n';
    const outputs = new Map([
      ['inventory.txt', inventory],
      ['edge/keepalived-lb2.conf', '    virtual_ipaddress {\n        10.0.0.100/24 dev eth0\n    }\n'],
    ]);
    const [blue, red] = sources({
      blue: stage({ machines: ['10.0.0.5', '10.0.0.6'], floatingIp: '10.0.0.100/24' }),
      red: stage({ node: '10.0.1.1', machines: ['10.0.0.9', '10.0.0.7', '10.0.0.8'], floatingIp: '10.0.0.100/24', nodePort: 30081 }),
    });
    const found = problemsThrownBy(() => compileStages([blue!, { ...red!, readOutput: (file) => outputs.get(file) }])).map(formatProblem);
    expect(found).toEqual([
      expect.stringMatching(
        /^environments\/blue\.yaml:5:26: edge\.floatingIp\.address 10\.0\.0\.100 of stage blue is .*, whose edge in dist\/red\/ has it already/,
      ),
    ]);
  });

  it("are refused at the later stage's machine when both outputs in dist/ have it, though one was written from its stage file as it was before (an edge machine moves to no other cluster)", () => {
    // both edges run on 10.0.0.5 already; blue's output is of an older blue.yaml, red's of red.yaml as it is
    const header = (machines: string) =>
      `# Generated by stagecraft from environments/x.yaml (stage x); do not edit.\n# Change the stage file or the stack, then run: npm run synth\n# For the edge machines ${machines}: copy to /etc/haproxy/haproxy.cfg, check with\n`;
    const [blue, red] = sources({ blue: stage({}), red: stage({ node: '10.0.1.1', machines: ['10.0.1.5', '10.0.0.5'], nodePort: 30081 }) });
    const output = (text: string, machines: string) => (file: string) =>
      file === 'edge/haproxy.cfg'
        ? header(machines)
        : file === 'inventory.txt'
          ? `source: environments/x.yaml ${digest(text)}\n`
          : undefined;
    const found = problemsThrownBy(() =>
      compileStages([
        { ...blue!, readOutput: output('an older blue.yaml', 'lb1 (10.0.0.5)') },
        { ...red!, readOutput: output(red!.text, 'lb1 (10.0.1.5), lb2 (10.0.0.5)') },
      ]),
    ).map(formatProblem);
    expect(found).toEqual([
      expect.stringMatching(
        /^environments\/red\.yaml:4:61: edge\.machines\.lb2\.address 10\.0\.0\.5 of stage red is edge\.machines\.lb1\.address of stage blue too \(environments\/blue\.yaml:4:31\): each stage's edge/,
      ),
    ]);
  });

  it('are warned of, not compared, when one stage names its edge machine by host name and another names its edge by IP address', () => {
    const compiled = compileStages(
      sources({ blue: stage({}), red: stage({ node: '10.0.1.1', machines: ['lb.example.com'], nodePort: 30081 }) }),
    );
    // placed at red, the stage named by host name, and kept with its warnings
    expect([...compiled.acrossStages.keys()]).toEqual(['red']);
    expect(compiled.notices).toEqual([]);
    expect(compiled.acrossStages.get('red')!.map(formatProblem)).toEqual([
      "environments/red.yaml:4:31: warning: edge.machines.lb1.address lb.example.com of stage red is a host name, where stage blue (edge.machines.lb1.address 10.0.0.5, environments/blue.yaml:4:31) names its edge by IP address: a host name is not resolved at synthesis (the output would depend on DNS), so whether the two are one machine is not checked, and on one machine the haproxy.cfg copied there last would replace the other's, whose hosts would answer 503\n" +
        "  hint: name every stage's edge machines the same way, by IP address (as stage blue does) or all by host name, so that two stages on one machine are refused (edge/shared-address)",
    ]);
    // named the same way, they are compared: no warning
    const byName = compileStages(
      sources({
        blue: stage({ machines: ['lb0.example.com'] }),
        red: stage({ node: '10.0.1.1', machines: ['lb.example.com'], nodePort: 30081 }),
      }),
    );
    expect(byName.acrossStages.size).toBe(0);
  });

  it('compile with one VRRP router id on disjoint machines: keepalived speaks unicast to its own peers only', () => {
    const compiled = compileStages(
      sources({
        blue: stage({ machines: ['10.0.0.5', '10.0.0.6'], floatingIp: '10.0.0.100/24' }),
        red: stage({ node: '10.0.1.1', machines: ['10.0.0.7', '10.0.0.8'], floatingIp: '10.0.0.101/24', nodePort: 30081 }),
      }),
    );
    for (const s of ['blue', 'red']) expect(compiled.tree.get(s)!.get('edge/keepalived-lb1.conf')).toContain('virtual_router_id 51');
  });
});

describe('a node port two stages take', () => {
  it('is refused on one cluster (a node both name), at the later setting, with a port free in every stage', () => {
    const found = problems({ blue: stage({}), red: stage({ machines: ['10.0.1.5'] }) });
    expect(found).toEqual([
      expect.stringMatching(
        /^environments\/red\.yaml:10:80: Service red\/nginx \(apps\.nginx\.service\.nodePort\) of stage red takes node port 30080, which Service blue\/nginx \(apps\.nginx\.service\.nodePort\) of stage blue takes too \(environments\/blue\.yaml:10:80\), on one cluster \(both name node address 10\.0\.0\.1\): a node port is open on every node of a cluster for one port of one Service, so the API server refuses it to the stage that takes it newly, whichever of the two is applied second\n {2}hint: give it a node port free in every stage, e\.g\. 3\d{4} \(30000-32767\)$/,
      ),
    ]);
  });

  it('is refused on one cluster when the stages name one node by two spellings of its IPv6 address', () => {
    const found = problems({ blue: stage({ node: '"fd00::1"' }), red: stage({ node: '"fd00:0::1"', machines: ['10.0.1.5'] }) });
    expect(found).toEqual([expect.stringContaining('on one cluster (both name node address fd00:0::1 (fd00::1))')]);
  });

  it('is taken by each of two stages delivered to clusters of their own, though they name one node address (a private one, reused across sites)', () => {
    const compiled = compileStages(
      sources({
        blue: stage({ delivery: 'delivery: { cluster: site-a }' }),
        red: stage({ machines: ['10.0.1.5'], delivery: 'delivery: { cluster: site-b }' }),
      }),
      { project: twoSites },
    );
    expect([...compiled.tree.keys()]).toEqual(['blue', 'red']);
  });

  it('is refused on one node address when the cluster of one of the stages is not known', () => {
    const thrown = problemsThrownBy(() =>
      compileStages(sources({ blue: stage({ delivery: 'delivery: { cluster: site-a }' }), red: stage({ machines: ['10.0.1.5'] }) }), {
        project: twoSites,
      }),
    ).map(formatProblem);
    expect(thrown).toEqual([expect.stringContaining('on one cluster (both name node address 10.0.0.1)')]);
  });

  it('is refused at the stage that takes it newly, not at the one whose output in dist/ takes it already', () => {
    // red's output (dist/red/10-nginx.yaml) has its Service on node port 30080 already; blue, sorted first, is new
    const running =
      'apiVersion: v1\nkind: Service\nmetadata: { name: nginx, namespace: red }\nspec: { type: NodePort, ports: [{ port: 80, nodePort: 30080 }] }\n';
    const readOutput = (file: string) => (file === '10-nginx.yaml' ? running : undefined);
    const [blue, red] = sources({ blue: stage({}), red: stage({ machines: ['10.0.1.5'] }) });
    const found = problemsThrownBy(() => compileStages([blue!, { ...red!, readOutput }])).map(formatProblem);
    expect(found).toEqual([
      expect.stringMatching(
        /^environments\/blue\.yaml:10:80: Service blue\/nginx \(apps\.nginx\.service\.nodePort\) of stage blue takes node port 30080, which Service red\/nginx \(apps\.nginx\.service\.nodePort\) of stage red takes too \(environments\/red\.yaml:10:80\), on one cluster \(both name node address 10\.0\.0\.1\): .* so the API server refuses it to the stage that takes it newly, stage blue \(stage red's output takes it already\)\n {2}hint: give it a node port free in every stage/,
      ),
    ]);
  });

  it("is placed at a manifests app, whatever stack its Service's upstream app.kubernetes.io/name label names", () => {
    const service =
      'apiVersion: v1\nkind: Service\nmetadata: { name: legacy, labels: { app.kubernetes.io/name: nginx } }\nspec: { type: NodePort, selector: { app: legacy }, ports: [{ port: 80, nodePort: 30090 }] }\n';
    const readSource = (path: string) => (path === 'in' ? new Map([['in/legacy.yaml', service]]) : undefined);
    const manifests = ['  legacy: { stack: manifests, include: [in] }', ''].join('\n');
    const found = problemsThrownBy(() =>
      compileStages(
        sources({ blue: `${stage({})}${manifests}`, red: `${stage({ machines: ['10.0.1.5'], nodePort: 30081 })}${manifests}` }).map(
          (s) => ({
            ...s,
            readSource,
          }),
        ),
      ),
    ).map(formatProblem);
    expect(found).toContainEqual(
      expect.stringContaining(
        'environments/red.yaml:11:11: Service red/legacy (apps.legacy) of stage red takes node port 30090, which Service blue/legacy (apps.legacy) of stage blue takes too (environments/blue.yaml:11:11)',
      ),
    );
    expect(found.join('\n')).not.toContain('apps.legacy.service');
  });

  it('is refused on one cluster that both stages are delivered to', () => {
    const project = {
      file: 'stagecraft.yaml',
      text: 'delivery:\n  engine: argocd\n  repository: { url: https://git.example.com/app.git }\n  clusters: { nonprod: { server: "https://10.9.0.1:6443" } }\n',
    };
    const delivered = 'delivery: { cluster: nonprod }';
    const thrown = problemsThrownBy(() =>
      compileStages(
        sources({ blue: stage({ delivery: delivered }), red: stage({ node: '10.0.1.1', machines: ['10.0.1.5'], delivery: delivered }) }),
        { project },
      ),
    ).map(formatProblem);
    expect(thrown).toEqual([expect.stringContaining('on one cluster (both are delivered to cluster nonprod)')]);
  });

  it('is taken by each of two stages on clusters of their own', () => {
    const compiled = compileStages(sources({ blue: stage({}), red: stage({ node: '10.0.1.1', machines: ['10.0.1.5'] }) }));
    expect([...compiled.tree.keys()]).toEqual(['blue', 'red']);
  });
});

describe('a synthesis that keeps the stages whose file did not change', () => {
  it("refuses a changed stage's node port that a kept stage takes, naming the kept stage's place, and writes nothing", () => {
    afterFullSynth({ blue: stage({}), red: stage({ machines: ['10.0.1.5'], nodePort: 30081 }) }, (dir) => {
      const before = snapshotDir(join(dir, 'dist'));
      writeFileSync(join(dir, 'environments', 'red.yaml'), stage({ machines: ['10.0.1.5'] }));
      // blue is kept as it is, compiled no more: its claims are those recorded
      expect([...(reusableStages(dir, 'dist', ['blue', 'red'])?.kept.keys() ?? [])]).toEqual(['blue']);
      const r = runCli('synth', [], dir);
      expect(r.stderr).toContain(
        'environments/red.yaml:10:80: error: Service red/nginx (apps.nginx.service.nodePort) of stage red takes node port 30080, which Service blue/nginx (apps.nginx.service.nodePort) of stage blue takes too (environments/blue.yaml:10:80)',
      );
      expect(r.code).toBe(2);
      expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
    });
  });

  it.each([
    ['that keeps the other', []],
    ['of the stage that moved', ['--stage', 'blue']],
    ['without records', ['--no-cache']],
  ])(
    'refuses a node port at the stage that moved onto the cluster of a stage that takes it, not at that stage, in a synthesis %s',
    (_, args) => {
      // both outputs take 30080, each on its own cluster; then blue names red's node: blue comes onto red's cluster
      afterFullSynth({ blue: stage({ node: '10.0.1.1' }), red: stage({ machines: ['10.0.2.5'] }) }, (dir) => {
        writeFileSync(join(dir, 'environments', 'blue.yaml'), stage({}));
        const r = runCli('synth', args, dir);
        expect(r.stderr).toMatch(
          /^environments\/blue\.yaml:10:80: error: Service blue\/nginx \(apps\.nginx\.service\.nodePort\) of stage blue takes node port 30080, which Service red\/nginx \(apps\.nginx\.service\.nodePort\) of stage red takes too \(environments\/red\.yaml:10:80\), on one cluster \(both name node address 10\.0\.0\.1\): .* refuses it to the stage that takes it newly, stage blue \(/,
        );
        expect(r.stderr).not.toContain('environments/red.yaml:10:80: error');
        expect(r.code).toBe(2);
      });
    },
  );

  it('refuses an edge machine at the stage that comes onto it, not at the stage whose edge runs there, in a synthesis of every stage', () => {
    afterFullSynth(
      { blue: stage({ machines: ['10.0.0.6'] }), red: stage({ node: '10.0.1.1', machines: ['10.0.0.5'], nodePort: 30081 }) },
      (dir) => {
        // blue, the earlier stage, now names red's edge machine: blue is the one to change
        writeFileSync(join(dir, 'environments', 'blue.yaml'), stage({}));
        const r = runCli('synth', [], dir);
        expect(r.stderr).toContain(
          'environments/blue.yaml:4:31: error: edge.machines.lb1.address 10.0.0.5 of stage blue is edge.machines.lb1.address of stage red too (environments/red.yaml:4:31), whose edge in dist/red/ has it already',
        );
        expect(r.stderr).not.toContain('environments/red.yaml:4:31: error');
        expect(r.code).toBe(2);
      },
    );
  });

  it('compiles a kept stage recorded without its claims again, rather than compare nothing with it', () => {
    afterFullSynth({ blue: stage({}), red: stage({ machines: ['10.0.1.5'], nodePort: 30081 }) }, (dir) => {
      // a record from before claims were recorded, or edited: blue's says nothing of what it takes
      const file = join(dir, FINGERPRINT_FILE);
      const fingerprint = JSON.parse(readFileSync(file, 'utf8'));
      delete fingerprint.synthStages.blue.claims;
      writeFileSync(file, JSON.stringify(fingerprint));
      writeFileSync(join(dir, 'environments', 'red.yaml'), stage({ machines: ['10.0.1.5'] }));
      const r = runCli('synth', [], dir);
      expect(r.stderr).toContain(
        'environments/red.yaml:10:80: error: Service red/nginx (apps.nginx.service.nodePort) of stage red takes node port 30080',
      );
      expect(r.code).toBe(2);
    });
  });
});

describe('a synthesis of some stages', () => {
  const stages = () => ({
    blue: stage({}),
    red: stage({ node: '10.0.1.1', machines: ['10.0.1.5'], nodePort: 30081 }),
    zed: stage({ machines: ['10.0.2.5'], nodePort: 30082 }),
  });

  it("compares the named stage with the recorded stages whose file did not change, while another stage's file changed, and writes nothing on a clash", () => {
    afterFullSynth(stages(), (dir) => {
      const before = snapshotDir(join(dir, 'dist'));
      // zed takes blue's node port (one node: one cluster), and red changes too, so no record keeps every other stage
      writeFileSync(join(dir, 'environments', 'zed.yaml'), stage({ machines: ['10.0.2.5'] }));
      writeFileSync(join(dir, 'environments', 'red.yaml'), stage({ node: '10.0.1.1', machines: ['10.0.1.5'], nodePort: 30083 }));
      const r = runCli('synth', ['--stage', 'zed'], dir);
      expect(r.stderr).toContain(
        'environments/zed.yaml:10:80: error: Service zed/nginx (apps.nginx.service.nodePort) of stage zed takes node port 30080, which Service blue/nginx (apps.nginx.service.nodePort) of stage blue takes too (environments/blue.yaml:10:80)',
      );
      expect(r.code).toBe(2);
      expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
    });
  });

  it('warns that it compared the named stage with none of the stages whose file changed, naming them', () => {
    afterFullSynth(stages(), (dir) => {
      writeFileSync(join(dir, 'environments', 'zed.yaml'), stage({ machines: ['10.0.2.5'], nodePort: 30084 }));
      writeFileSync(join(dir, 'environments', 'red.yaml'), stage({ node: '10.0.1.1', machines: ['10.0.1.5'], nodePort: 30083 }));
      const r = runCli('synth', ['--stage', 'zed'], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        "zed: warning: node ports and edge addresses not compared with those of stage red: two stages on one cluster may not take one node port, nor two stages' edges one machine or floating IP, but its stage file changed since its output in dist/ was written (or it has none), so what it takes is not known without compiling it",
      );
      expect(r.stderr).toContain('hint: run npm run synth (every stage) to compare every stage with every other');
      // with --no-cache, no record: blue, whose stage file is the one its output was written from, is compared as its output says
      const uncached = runCli('synth', ['--stage', 'zed', '--no-cache'], dir);
      expect(uncached.stderr).toContain('not compared with those of stage red:');
      expect(uncached.code).toBe(0);
    });
  });

  it('compares the named stage, a second time in a row, with the stages whose output is of their stage file as it is, though the first write forgot their records', () => {
    afterFullSynth(stages(), (dir) => {
      writeFileSync(join(dir, 'environments', 'red.yaml'), stage({ node: '10.0.1.1', machines: ['10.0.1.5'], nodePort: 30083 }));
      writeFileSync(join(dir, 'environments', 'zed.yaml'), stage({ machines: ['10.0.2.5'], nodePort: 30084 }));
      expect(runCli('synth', ['--stage', 'zed'], dir).code).toBe(0);
      const before = snapshotDir(join(dir, 'dist'));
      // zed now takes blue's node port on blue's node: dist/blue/ is of blue.yaml as it is, so it says what blue takes
      writeFileSync(join(dir, 'environments', 'zed.yaml'), stage({ machines: ['10.0.2.5'] }));
      const r = runCli('synth', ['--stage', 'zed'], dir);
      expect(r.stderr).toContain(
        'environments/zed.yaml:10:80: error: Service zed/nginx (apps.nginx.service.nodePort) of stage zed takes node port 30080, which Service blue/nginx (apps.nginx.service.nodePort) of stage blue takes too (environments/blue.yaml:10:80)',
      );
      expect(r.code).toBe(2);
      expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
    });
  });
});

describe('diff, switch and promote of one stage', () => {
  const warning = (stage: string) =>
    `${stage}: warning: node ports and edge addresses not compared with those of stage red: two stages on one cluster may not take one node port, nor two stages' edges one machine or floating IP, but its stage file changed since its output in dist/ was written (or it has none), so what it takes is not known without compiling it`;

  it('warn, as synth does, that they compared the stage with none of the stages whose file changed since their output was written', () => {
    const stages = {
      live: svc('10.0.0.11', '10.0.0.5', [30031, 30032], 'team/api:1', 'qa'),
      qa: svc('10.0.1.11', '10.0.1.5', [30033, 30034], 'team/api:2'),
      red: stage({ node: '10.0.2.1', machines: ['10.0.2.5'], nodePort: 30081 }),
    };
    afterFullSynth(stages, (dir) => {
      // red's file changes after its output was written: what it takes is not known without compiling it
      writeFileSync(join(dir, 'environments', 'red.yaml'), stage({ node: '10.0.2.1', machines: ['10.0.2.5'], nodePort: 30083 }));
      const diff = runCli('diff', ['live'], dir);
      expect(diff.code).toBe(0);
      expect(diff.stderr).toContain(warning('live'));
      expect(runCli('diff', ['live', 'qa'], dir).stderr).toContain(warning('live, qa'));
      const promote = runCli('promote', ['qa', 'live'], dir);
      expect(promote.code).toBe(0);
      expect(promote.stderr).toContain(warning('live'));
      expect(promote.stderr).toContain('hint: run npm run synth (every stage) to compare every stage with every other');
      const switched = runCli('switch', ['live', 'api'], dir);
      expect(switched.code).toBe(0);
      expect(switched.stderr).toContain(warning('live'));
      // compared with every stage once red's output is of its file as it is: no warning
      expect(runCli('synth', [], dir).code).toBe(0);
      expect(runCli('diff', ['live'], dir).stderr).toBe('');
      expect(runCli('switch', ['live', 'api'], dir).stderr).toBe('');
    });
  });
});

describe('an edge machine named by host name where other stages name theirs by IP address', () => {
  const stages = () => ({
    live: svc('10.0.0.11', '10.0.0.5', [30031, 30032], 'team/api:1', 'qa'),
    qa: svc('10.0.1.11', '10.0.1.5', [30033, 30034], 'team/api:2'),
    red: stage({ node: '10.0.2.1', machines: ['lb.example.com'], nodePort: 30081 }),
  });
  const warning = 'environments/red.yaml:4:31: warning: edge.machines.lb1.address lb.example.com of stage red is a host name';
  const times = (text: string) => text.split(warning).length - 1;

  it('is warned of at every synthesis, once, whether it compiles red, keeps it, or keeps every stage', () => {
    const dir = tempProject(stages());
    try {
      rmSync(join(dir, 'stagecraft.yaml'), { force: true });
      const first = runCli('synth', [], dir);
      expect(first.code).toBe(0);
      expect(times(first.stderr)).toBe(1);
      // nothing changed: every stage kept, the same warnings and count
      expect(runCli('synth', [], dir).stderr).toBe(first.stderr);
      // red kept while qa is compiled, its warning with it
      writeFileSync(join(dir, 'environments', 'qa.yaml'), svc('10.0.1.11', '10.0.1.5', [30033, 30034], 'team/api:3'));
      const keeping = runCli('synth', [], dir);
      expect(keeping.code).toBe(0);
      expect(times(keeping.stderr)).toBe(1);
      // the stages that named their edges by address now name them by host name: red's warning goes, though red is kept
      writeFileSync(join(dir, 'environments', 'qa.yaml'), svc('10.0.1.11', 'lb1.example.com', [30033, 30034], 'team/api:3'));
      writeFileSync(join(dir, 'environments', 'live.yaml'), svc('10.0.0.11', 'lb2.example.com', [30031, 30032], 'team/api:1', 'qa'));
      expect(times(runCli('synth', [], dir).stderr)).toBe(0);
      expect(runCli('synth', [], dir).stderr).not.toContain('edge/machine-name');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is printed by synth, diff, switch and promote only when they name the stage it is placed at', () => {
    afterFullSynth(stages(), (dir) => {
      expect(times(runCli('synth', ['--', 'qa'], dir).stderr)).toBe(0);
      expect(times(runCli('synth', ['--', 'red'], dir).stderr)).toBe(1);
      // both read from dist/ (every stage as the last full synthesis left it), then compiled
      for (const changed of [false, true]) {
        if (changed) writeFileSync(join(dir, 'environments', 'qa.yaml'), svc('10.0.1.11', '10.0.1.5', [30033, 30034], 'team/api:3'));
        expect(times(runCli('diff', ['red', 'live'], dir).stderr)).toBe(1);
        expect(times(runCli('diff', ['live', 'qa'], dir).stderr)).toBe(0);
      }
      expect(times(runCli('diff', ['red'], dir).stderr)).toBe(1);
      expect(times(runCli('diff', ['live'], dir).stderr)).toBe(0);
      const switched = runCli('switch', ['live', 'api'], dir);
      expect(switched.code).toBe(0);
      expect(times(switched.stderr)).toBe(0);
      const promoted = runCli('promote', ['qa', 'live', '--force'], dir);
      expect(promoted.code).toBe(0);
      expect(times(promoted.stderr)).toBe(0);
    });
  });
});
