/** A node port a removed stage's Services hold on the cluster, which a stage now declares (a stage renamed): lib/edge/removed-node-ports.ts. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHaproxyConfig } from '../../lib/edge/haproxy-read.js';
import { repoStage, runCli, tempProject } from '../helpers/cli.js';

/**
 * The lab stage's project (its stage file first given to `first`), synthesized, then its stage file renamed lab2 (its namespace
 * and objects too), given to `edit`: the removed stage lab's output stays in dist/ until a synthesis of every stage.
 */
function renamed(edit: (text: string) => string = (t) => t, first: (text: string) => string = (t) => t): string {
  const dir = tempProject({ lab: first(repoStage('lab')) });
  expect(runCli('synth', [], dir).code).toBe(0);
  const text = readFileSync(join(dir, 'environments', 'lab.yaml'), 'utf8');
  rmSync(join(dir, 'environments', 'lab.yaml'));
  writeFileSync(join(dir, 'environments', 'lab2.yaml'), edit(text.replaceAll('lab', 'lab2')));
  return dir;
}

/** Commits everything in `dir` (a repository made there first when `init`). */
function commit(dir: string, init = false): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  if (init) git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=team@example.com', '-c', 'user.name=team', 'commit', '-qm', 'change');
}

/**
 * The dev stage's project (no edge; delivered to cluster nonprod, its Service demoapp at node port 30080), synthesized and committed
 * (`git`), then its stage file renamed dev2 (a namespace of that name), given to `edit`.
 */
function renamedWithoutEdge({ git = true, edit = (t: string) => t } = {}): string {
  const dir = tempProject({ dev: repoStage('dev') });
  expect(runCli('synth', [], dir).code).toBe(0);
  if (git) commit(dir, true);
  const text = readFileSync(join(dir, 'environments', 'dev.yaml'), 'utf8');
  rmSync(join(dir, 'environments', 'dev.yaml'));
  writeFileSync(join(dir, 'environments', 'dev2.yaml'), edit(text));
  return dir;
}

const DEV_HELD =
  "environments/dev2.yaml:16:42: warning: Service dev2/demoapp (apps.demoapp.service.nodePort) takes node port 30080, which Service dev/demoapp of removed stage dev's output in dist/dev/ (there is no environments/dev.yaml) holds on this stage's cluster (both are delivered to cluster nonprod) until it is deleted: until then the API server refuses this stage's Service (provided port is already allocated)\n" +
  '  hint: delete Service dev/demoapp first (kubectl delete service -n dev demoapp), then apply this stage; what is sent to node port 30080 is not served in between, so do both back to back, in a quiet moment ' +
  "(stage dev's other objects go with the kubectl delete command npm run synth prints as it removes dist/dev/)";

describe('a node port that a removed stage without an edge holds on the cluster, as its committed stage file says', () => {
  it('is warned of at the stage that now declares it on one delivery cluster, by a synthesis of that stage and of every stage, then no more', () => {
    const dir = renamedWithoutEdge();
    expect(runCli('synth', ['--stage', 'dev2', '--verbose'], dir).stderr).toContain(DEV_HELD);
    const all = runCli('synth', ['--verbose'], dir);
    expect(all.stdout).toContain('dev: removed dist/dev/');
    expect(all.stderr).toContain(DEV_HELD);
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toContain('edge/node-port-held');
  });

  it("is warned of when the stage file's removal was committed before the synthesis: the stage file as the commit before it had it", () => {
    const dir = renamedWithoutEdge();
    commit(dir);
    expect(runCli('synth', ['--verbose'], dir).stderr).toContain(DEV_HELD);
  });

  it("is not warned of on another delivery cluster, nor where no commit says the removed stage's cluster: none is guessed", () => {
    const elsewhere = renamedWithoutEdge({ edit: (t) => t.replace('delivery: { cluster: nonprod }', 'delivery: { cluster: production }') });
    expect(runCli('synth', ['--verbose'], elsewhere).stderr).not.toContain('takes node port 30080');
    const noGit = renamedWithoutEdge({ git: false });
    const r = runCli('synth', ['--verbose'], noGit);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('takes node port 30080');
  });

  it('is not warned of when the committed stage file is not the one its output was written from (edited and committed after the synthesis): its cluster may have been another then', () => {
    const dir = tempProject({ dev: repoStage('dev') });
    expect(runCli('synth', [], dir).code).toBe(0);
    const file = join(dir, 'environments', 'dev.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('LOG_LEVEL: debug', 'LOG_LEVEL: info'));
    commit(dir, true);
    rmSync(file);
    writeFileSync(join(dir, 'environments', 'dev2.yaml'), repoStage('dev'));
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toContain('takes node port 30080');
  });
});

describe("a node port that a removed stage's Service holds on the cluster", () => {
  it('is warned of at the setting of the stage that now declares it, by a synthesis of that stage and of every stage: delete the Service that holds it first', () => {
    const dir = renamed();
    const warning =
      "environments/lab2.yaml:31:42: warning: Service lab2/nginx (apps.nginx.service.nodePort) takes node port 30080, which Service lab/nginx of removed stage lab's output in dist/lab/ (there is no environments/lab.yaml) holds on this stage's cluster (both name node address 192.168.122.130) until it is deleted: until then the API server refuses this stage's Service (provided port is already allocated)\n" +
      '  hint: delete Service lab/nginx first (kubectl delete service -n lab nginx), then apply this stage; what is sent to node port 30080 is not served in between, so do both back to back, in a quiet moment ' +
      "(stage lab's other objects go with the kubectl delete command npm run synth prints as it removes dist/lab/)";
    expect(runCli('synth', ['--stage', 'lab2', '--verbose'], dir).stderr).toContain(warning);
    const all = runCli('synth', ['--verbose'], dir);
    expect(all.stdout).toContain('lab: removed dist/lab/');
    expect(all.stderr).toContain(warning);
    // said once: the removed stage's output is gone
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toContain('edge/node-port-held');
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toContain('takes node port 30080');
  });

  it('is not warned of on another cluster (no node of one address), nor at another node port', () => {
    const elsewhere = renamed((t) => t.replace(/address: 192\.168\.122\.(\d+) \}/g, (_, n) => `address: 192.168.123.${n} }`));
    expect(runCli('synth', ['--verbose'], elsewhere).stderr).not.toContain('takes node port');
    const moved = renamed((t) => t.replace('nodePort: 30080', 'nodePort: 30081'));
    expect(runCli('synth', ['--verbose'], moved).stderr).not.toContain('takes node port');
  });

  it('is not warned of when the stage renamed keeps its namespace: its Service is the same object, which kubectl apply takes over, as the removal line says (apply first, then delete)', () => {
    const shop = (t: string) => t.replace(/^nodes:/m, 'namespace: shop\nnodes:');
    const dir = renamed((t) => t.replace('namespace: lab2', 'namespace: shop'), shop);
    const all = runCli('synth', ['--verbose'], dir);
    expect(all.stdout).toContain(
      "lab2 uses its namespace, whose objects carry lab's labels until applied again: first kubectl apply -k dist/lab2, then delete them",
    );
    expect(all.stderr).not.toContain('takes node port 30080');
  });

  it("is warned of when the removed stage's haproxy.cfg was edited by hand, its servers' checks taken out", () => {
    const dir = renamed();
    const cfg = join(dir, 'dist', 'lab', 'edge', 'haproxy.cfg');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/(\n {4}server \S+ \S+) check/g, '$1'));
    expect(runCli('synth', ['--stage', 'lab2', '--verbose'], dir).stderr).toContain('takes node port 30080, which Service lab/nginx');
  });

  it("prints no command made of a Service name that the removed stage's haproxy.cfg, edited by hand, gives in a shape no Kubernetes name has", () => {
    const dir = renamed();
    const cfg = join(dir, 'dist', 'lab', 'edge', 'haproxy.cfg');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('# Service lab/nginx,', '# Service lab/nginx;reboot,'));
    const { stderr } = runCli('synth', ['--stage', 'lab2', '--verbose'], dir);
    expect(stderr).toContain(
      "  hint: delete stage lab's objects first (the kubectl delete command npm run synth prints as it removes dist/lab/), then apply",
    );
    expect(stderr).not.toContain('kubectl delete service');
  });

  it.each([
    ['missing', (cfg: string) => rmSync(cfg)],
    [
      'a directory',
      (cfg: string) => {
        rmSync(cfg);
        mkdirSync(cfg);
      },
    ],
  ])("is not warned of, and synth goes on, when the removed stage's haproxy.cfg is %s", (_, spoil) => {
    const dir = renamed();
    spoil(join(dir, 'dist', 'lab', 'edge', 'haproxy.cfg'));
    const r = runCli('synth', ['--stage', 'lab2', '--verbose'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('takes node port');
  });

  it("tells the cluster by the node addresses of the removed stage's backends, read by haproxy.cfg's one reader: IPv4, IPv6 bare or in brackets, a server line without check", () => {
    const config = [
      'backend web',
      '    # Service lab/web, node port 30080 on every node',
      '    server a 10.0.0.1:30080 check',
      '    server b fd00::2:30080 check backup',
      '    server c [fd00::3]:30080',
      '    server d nodes.example:30080 check',
      '',
      'backend stagecraft_no_app',
      '    http-request return status 404',
      '',
    ].join('\n');
    expect(readHaproxyConfig(config).backends.map((b) => b.servers)).toEqual([['10.0.0.1', 'fd00::2', 'fd00::3', 'nodes.example']]);
  });
});
