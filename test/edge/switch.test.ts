/**
 * Blue/green at the edge, end to end: `npm run switch` on the onprem stage flips the Service
 * selector and the edge's live backend in the same synthesis, and nothing else; a second switch
 * (the rollback) puts every byte back.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { errorLines, repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';

/** The lines that differ between two texts of the same length in lines, as `- old` / `+ new` pairs. */
function changedLines(before: string, after: string): string[] {
  const [a, b] = [before.split('\n'), after.split('\n')];
  expect(b.length, 'the switch adds or removes lines').toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [`- ${line.trim()}`, `+ ${b[i].trim()}`]));
}

const dir = tempProject({ onprem: repoStage('onprem') });
/** The project's files, but what stagecraft keeps for itself (.stagecraft/: lock, caches, fingerprint). */
const snapshot = () => Object.fromEntries(Object.entries(snapshotDir(dir)).filter(([f]) => !f.startsWith('.stagecraft/')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run switch at the edge (stage onprem)', () => {
  // switch refuses a dist/ that is not current: synthesize first
  expect(runCli('synth', [], dir).code).toBe(0);
  const original = snapshot();
  let switched: Record<string, string>;

  it('changes only the Service selector and the edge live backend', () => {
    const r = runCli('switch', ['onprem', 'demoapp'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  edge/haproxy.cfg\n');
    // applied with kubectl alone, the switch leaves the edge on blue: it says what to do there, and to see green UP first
    expect(r.stdout).toContain(
      '\nonprem: at the edge, demoapp goes to green only once dist/onprem/edge/haproxy.cfg is on every edge machine (edge1) and reloaded (README, "The edge"); ' +
        "first see there that every server of demoapp-green is UP (echo 'show stat' | sudo socat stdio /run/haproxy/admin.sock | cut -d, -f1,2,18 | grep '^demoapp-green,'): " +
        'a color that is down when it goes live answers 503\n',
    );
    switched = snapshot();
    const changed = Object.keys(switched)
      .filter((f) => switched[f] !== original[f])
      .sort();
    expect(changed).toEqual([
      'dist/onprem/10-demoapp.yaml',
      'dist/onprem/edge/haproxy.cfg',
      'dist/onprem/inventory.txt',
      'environments/onprem.yaml',
    ]);
    expect(Object.keys(switched).sort()).toEqual(Object.keys(original).sort());

    expect(changedLines(original['environments/onprem.yaml'], switched['environments/onprem.yaml'])).toEqual([
      '- blueGreen: { live: blue, blue: demoapp:1, green: demoapp:1 }',
      '+ blueGreen: { live: green, blue: demoapp:1, green: demoapp:1 }',
    ]);
    // one line of the manifests: the selector of the Service demoapp (the color Services keep theirs)
    const manifest = changedLines(original['dist/onprem/10-demoapp.yaml'], switched['dist/onprem/10-demoapp.yaml']);
    expect(manifest).toEqual(['- color: blue', '+ color: green']);
    const docs = (files: Record<string, string>) =>
      jsyaml.loadAll(files['dist/onprem/10-demoapp.yaml']) as { kind: string; metadata: { name: string } }[];
    const [before, after] = [docs(original), docs(switched)];
    const differing = before.filter((d, i) => JSON.stringify(d) !== JSON.stringify(after[i]));
    expect(differing.map((d) => `${d.kind} ${d.metadata.name}`)).toEqual(['Service demoapp']);

    expect(changedLines(original['dist/onprem/edge/haproxy.cfg'], switched['dist/onprem/edge/haproxy.cfg'])).toEqual([
      '- # demoapp is blue/green: blue is live, green (backend demoapp-green) is idle; npm run switch flips this line',
      '+ # demoapp is blue/green: green is live, blue (backend demoapp-blue) is idle; npm run switch flips this line',
      '- use_backend demoapp-blue if { var(txn.host) -m str -i demoapp.onprem.example.com }',
      '+ use_backend demoapp-green if { var(txn.host) -m str -i demoapp.onprem.example.com }',
    ]);
    // the inventory: the stage file's digest, the Service's and the edge file's
    const inventory = changedLines(original['dist/onprem/inventory.txt'], switched['dist/onprem/inventory.txt']);
    expect(inventory.filter((l) => l.startsWith('+ ')).map((l) => l.replace(/sha256:[0-9a-f]+/, '<digest>'))).toEqual([
      '+ source: environments/onprem.yaml <digest>',
      '+ <digest> v1 Service onprem/demoapp',
      '+ <digest> edge/haproxy.cfg',
    ]);
  });

  it('rolls back with a second switch, byte for byte', () => {
    const r = runCli('switch', ['onprem', 'demoapp'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ use_backend demoapp-blue if');
    expect(snapshot()).toEqual(original);
  });
});

describe('npm run switch --force at the edge', () => {
  const BEFORE = 'blueGreen: { live: green, blue: demoapp:1, green: demoapp:1.1 }';
  const project = tempProject({
    onprem: repoStage('onprem').replace('blueGreen: { live: blue, blue: demoapp:1, green: demoapp:1 }', BEFORE),
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const files = () => Object.fromEntries(Object.entries(snapshotDir(project)).filter(([f]) => !f.startsWith('.stagecraft/')));

  it('refuses a color whose image the stage file changes after dist/ was written (same version label), writing nothing', () => {
    expect(runCli('synth', [], project).code).toBe(0);
    const stageFile = join(project, 'environments', 'onprem.yaml');
    // only the idle color's image changes, and its version label (1) stays
    writeFileSync(
      stageFile,
      readFileSync(stageFile, 'utf8').replace(BEFORE, BEFORE.replace('blue: demoapp:1,', 'blue: registry.example.com/demoapp:1,')),
    );
    const before = files();
    const r = runCli('switch', ['onprem', 'demoapp', '--force'], project);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      'environments/onprem.yaml:23:37: error: Deployment onprem/demoapp-blue in dist/onprem runs demoapp:1, but the stage file gives the blue color registry.example.com/demoapp:1: the switch would send traffic to pods that do not run what the stage file says',
      '1 problem; nothing was written.',
    ]);
    expect(r.stderr).toContain(
      '  hint: synthesize and apply onprem (npm run synth -- --stage onprem), then switch; or give the blue color back the image dist/ runs\n',
    );
    expect(files()).toEqual(before);
  });

  it("switches with --force once dist/ runs the stage file's image, even when dist/ is otherwise not current", () => {
    expect(runCli('synth', [], project).code).toBe(0);
    const stageFile = join(project, 'environments', 'onprem.yaml');
    writeFileSync(stageFile, readFileSync(stageFile, 'utf8').replace('replicas: 3', 'replicas: 4'));
    const r = runCli('switch', ['onprem', 'demoapp', '--force'], project);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('onprem: demoapp now sends traffic to blue (registry.example.com/demoapp:1)');
  });
});

describe('npm run switch at the edge, for a blue/green app of the service stack', () => {
  const project = tempProject({
    svc: [
      'nodes:',
      '  n1: { roles: [worker], address: 10.0.0.11 }',
      'edge:',
      '  machines: { edge1: { address: 10.0.0.5 } }',
      '  frontends:',
      '    public:',
      '      certificates: [/etc/haproxy/certs/api.pem]',
      '      hosts: { api.example.com: api }',
      'apps:',
      '  api:',
      '    stack: service',
      '    blueGreen: { live: blue, blue: team/api:1, green: team/api:1 }',
      '    ports: { http: { port: 8080 } }',
      '    probes: { readiness: { http: { path: /ready } } }',
      '    resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 128Mi } }',
      '    service: { colorNodePorts: { blue: 30031, green: 30032 } }',
      '',
    ].join('\n'),
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("flips the Service selector and the edge's live backend, as for demoapp", () => {
    const synth = runCli('synth', [], project);
    expect(synth.stderr).not.toMatch(/error/);
    expect(synth.code).toBe(0);
    const cfg = join(project, 'dist', 'svc', 'edge', 'haproxy.cfg');
    const before = readFileSync(cfg, 'utf8');
    const r = runCli('switch', ['svc', 'api'], project);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '\nsvc: at the edge, api goes to green only once dist/svc/edge/haproxy.cfg is on every edge machine (edge1) and reloaded',
    );
    expect(changedLines(before, readFileSync(cfg, 'utf8'))).toEqual([
      '- # api is blue/green: blue is live, green (backend api-green) is idle; npm run switch flips this line',
      '+ # api is blue/green: green is live, blue (backend api-blue) is idle; npm run switch flips this line',
      '- use_backend api-blue if { var(txn.host) -m str -i api.example.com }',
      '+ use_backend api-green if { var(txn.host) -m str -i api.example.com }',
    ]);
  });
});
