/** `npm run switch`: when the stage file is saved from an editor while it runs, and an idle color with no pods. */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_SCRIPT, errorLines, expectRefusedWhenSavedMeanwhile, repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';

describe('switch', () => {
  it('refuses (exit 1) to switch when the stage file changed after the idle color was checked, rather than send traffic to an image it never checked', () => {
    const production = repoStage('production').replace('green: demoapp:1 }', 'green: demoapp:1.1 }');
    const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test'), qa: repoStage('qa'), production });
    expect(runCli('synth', [], dir).code).toBe(0);
    // saved from an editor once the switch has checked that green runs demoapp:1.1
    const saved = production.replace('green: demoapp:1.1 }', 'green: demoapp:9 }');
    expectRefusedWhenSavedMeanwhile(dir, 'production', saved, 'switch', ['production', 'demoapp']);
  });

  it.each(['staged', 'journal'])(
    'refuses an edit saved at its write step %s too (the last one just before the stage file is renamed), keeping it and writing nothing',
    (step) => {
      const production = repoStage('production').replace('green: demoapp:1 }', 'green: demoapp:1.1 }');
      const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test'), qa: repoStage('qa'), production });
      expect(runCli('synth', [], dir).code).toBe(0);
      const saved = production.replace('green: demoapp:1.1 }', 'green: demoapp:9 }');
      expectRefusedWhenSavedMeanwhile(dir, 'production', saved, 'switch', ['production', 'demoapp'], step);
      rmSync(dir, { recursive: true, force: true });
    },
  );
});

describe("switch's word on when to apply it", () => {
  it('says to apply it only once the idle color runs its release, and for a stage Argo CD or Flux delivers, to commit and push it only once', () => {
    const delivered = repoStage('production');
    // the same stage applied by hand: no delivery:
    const byHand = delivered.replace(/^delivery: .*\n/m, '');
    expect(byHand).not.toBe(delivered);
    const whenLine = (production: string) => {
      const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test'), qa: repoStage('qa'), production });
      expect(runCli('synth', [], dir).code).toBe(0);
      const r = runCli('switch', ['production', 'demoapp'], dir);
      rmSync(dir, { recursive: true, force: true });
      expect(r.code).toBe(0);
      return r.stdout.split('\n')[2];
    };
    const check =
      "green runs demoapp:1 in the cluster, which stagecraft cannot see: kubectl diff -k dist/production shows only the Service's selector, and kubectl rollout status deployment/demoapp-green -n production says it rolled out";
    expect(whenLine(byHand)).toBe(
      `production: apply this only once ${check} (applied together with green's release, the switch sends traffic to pods being replaced)`,
    );
    expect(whenLine(delivered)).toBe(
      `production: commit and push this only once ${check} (pushed together with green's release, the switch sends traffic to pods being replaced)`,
    );
  });
});

describe("switch's hints for a stage Argo CD or Flux delivers", () => {
  it('say to commit and push what they say to apply for a stage applied by hand: the push is the apply', () => {
    const delivered = repoStage('production');
    const byHand = delivered.replace(/^delivery: .*\n/m, '');
    const hints = (production: string) => {
      const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test'), qa: repoStage('qa'), production });
      expect(runCli('synth', [], dir).code).toBe(0);
      // dist/production is behind the stage file, and does not run the release named
      writeFileSync(join(dir, 'environments', 'production.yaml'), production.replace('LOG_LEVEL: warn', 'LOG_LEVEL: info'));
      const r = runCli('switch', ['production', 'demoapp', '--release', '7'], dir);
      rmSync(dir, { recursive: true, force: true });
      expect(r.code).toBe(1);
      return r.stderr.split('\n').filter((l) => l.startsWith('  hint: '));
    };
    expect(hints(byHand)).toEqual([
      '  hint: synthesize and apply production (npm run synth -- --stage production), then switch; or pass --force',
      // the stage production gets its releases from (promotion.from), not a placeholder
      '  hint: promote the release to the green color first (npm run promote -- qa production), or name the version it runs (the stage file gives it demoapp:1, version 1)',
    ]);
    expect(hints(delivered)).toEqual([
      '  hint: synthesize, commit and push production (npm run synth -- --stage production), then switch; or pass --force',
      expect.stringMatching(/^ {2}hint: promote the release to the green color first/),
    ]);
  });

  describe('when the idle color runs no pods, or another image than the stage file gives it', () => {
    // onprem as Argo CD delivers it (the repository's stagecraft.yaml: the cluster nonprod)
    const dir = tempProject({ onprem: `${repoStage('onprem')}delivery: { cluster: nonprod }\n` });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const stageFile = join(dir, 'environments', 'onprem.yaml');
    const edit = (from: RegExp | string, to: string) => writeFileSync(stageFile, readFileSync(stageFile, 'utf8').replace(from, to));

    it('say to synthesize, commit and push the stage when it runs no pods (switch/no-pods)', () => {
      edit(/^ {4}replicas: \d+$/m, '    replicas: 0');
      expect(runCli('synth', [], dir).code).toBe(0);
      const r = runCli('switch', ['onprem', 'demoapp'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        '  hint: give apps.demoapp.replicas the pods to run (both colors take it), synthesize, commit and push onprem, wait until kubectl rollout status deployment/demoapp-green -n onprem says it is rolled out, then switch\n',
      );
      edit(/^ {4}replicas: 0$/m, '    replicas: 3');
    });

    it('say to synthesize, commit and push the stage when dist/ runs another image (switch/image)', () => {
      expect(runCli('synth', [], dir).code).toBe(0);
      edit('green: demoapp:1 }', 'green: registry.example.com/demoapp:1 }');
      const r = runCli('switch', ['onprem', 'demoapp', '--force'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        '  hint: synthesize, commit and push onprem (npm run synth -- --stage onprem), then switch; or give the green color back the image dist/ runs\n',
      );
    });
  });
});

describe('switch to an idle color scaled to zero', () => {
  const dir = tempProject({ onprem: repoStage('onprem') });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const stageFile = join(dir, 'environments', 'onprem.yaml');
  const setReplicas = (n: number) =>
    writeFileSync(stageFile, readFileSync(stageFile, 'utf8').replace(/^ {4}replicas: \d+$/m, `    replicas: ${n}`));

  it('is refused (exit 1) at the replicas setting when dist/ runs it with no pods, writing nothing', () => {
    setReplicas(0);
    expect(runCli('synth', [], dir).code).toBe(0);
    const before = snapshotDir(dir);
    const r = runCli('switch', ['onprem', 'demoapp'], dir);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      "environments/onprem.yaml:24:15: error: Deployment onprem/demoapp-green in dist/onprem runs no pods (replicas: 0): the switch would send demoapp's traffic to a color with no pod to serve it",
      '1 problem; nothing was written.',
    ]);
    expect(r.stderr).toContain(
      '  hint: give apps.demoapp.replicas the pods to run (both colors take it), synthesize and apply onprem, wait until kubectl rollout status deployment/demoapp-green -n onprem says it is rolled out, then switch\n',
    );
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('is refused with --force too when the stage file scales it to zero after dist/ was written', () => {
    setReplicas(3);
    expect(runCli('synth', [], dir).code).toBe(0);
    setReplicas(0);
    const r = runCli('switch', ['onprem', 'demoapp', '--force'], dir);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)[0]).toBe(
      "environments/onprem.yaml:24:15: error: Deployment onprem/demoapp-green as the stage file makes it runs no pods (replicas: 0): the switch would send demoapp's traffic to a color with no pod to serve it",
    );
  });
});

describe("switch's summary of an edge machine that another stage's edge now names", () => {
  /** A stage with `api` (service stack) blue/green on node 10.0.0.1, behind edge machine edge1 at `machine`. */
  const blue = (machine: string) =>
    [
      'nodes: { n1: { roles: [worker], address: 10.0.0.1 } }',
      `edge: { machines: { edge1: { address: ${machine} } }, frontends: { public: { certificates: [/etc/haproxy/certs/api.pem], hosts: { api.example.com: api } } } }`,
      'apps:',
      '  api:',
      '    stack: service',
      '    blueGreen: { live: blue, blue: api:1, green: api:1 }',
      '    ports: { http: { port: 8080 } }',
      '    probes: { readiness: { http: { path: /ready } } }',
      '    resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 128Mi } }',
      '    service: { colorNodePorts: { blue: 30091, green: 30092 } }',
      '',
    ].join('\n');
  /** A stage with nginx behind edge `machines` (addresses), on node 10.0.1.1. */
  const red = (machines: readonly string[]) =>
    [
      'nodes: { a: { address: 10.0.1.1 } }',
      `edge: { machines: { ${machines.map((m, i) => `lb${i + 1}: { address: ${m} }`).join(', ')} }, frontends: { web: { certificates: [/etc/haproxy/certs/example.com.pem], hosts: { www.example.com: nginx } } } }`,
      'apps:',
      '  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: 30081 } }',
      '',
    ].join('\n');

  it("says, as diff and synth do, to install that stage's edge files on the machine, never to stop its haproxy", () => {
    const dir = tempProject({ blue: blue('10.0.0.5'), red: red(['10.0.1.5']) });
    try {
      rmSync(join(dir, 'stagecraft.yaml'), { force: true });
      expect(runCli('synth', [], dir).code).toBe(0);
      // blue's edge moves to 10.0.0.7, red's now takes 10.0.0.5; blue switched before it is synthesized again
      writeFileSync(join(dir, 'environments', 'blue.yaml'), blue('10.0.0.7'));
      writeFileSync(join(dir, 'environments', 'red.yaml'), red(['10.0.1.5', '10.0.0.5']));
      const leaving = (out: string) => out.split('\n').filter((l) => l.includes('! the machine at 10.0.0.5'));
      // diff says what synth will: the warning as the compilation told it again, red's files installed there
      const [told] = leaving(runCli('diff', ['blue'], dir).stdout).map((l) => l.trim());
      expect(told).toContain("stop no haproxy there: stage red's edge now names 10.0.0.5");
      const r = runCli('switch', ['blue', 'api', '--force'], dir);
      expect(r.code).toBe(0);
      expect(leaving(r.stdout)).toEqual([`    ${told}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('switch whose report cannot be written (a full disk behind >)', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'names the stage file and dist/<stage>/ it wrote, and warns that running it again switches back (exit 2)',
    () => {
      const production = repoStage('production').replace('green: demoapp:1 }', 'green: demoapp:1.1 }');
      const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test'), qa: repoStage('qa'), production });
      expect(runCli('synth', [], dir).code).toBe(0);
      const full = openSync('/dev/full', 'w');
      const r = spawnSync(process.execPath, [RUN_SCRIPT, 'switch', 'production', 'demoapp'], {
        cwd: dir,
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
      });
      closeSync(full);
      expect(r.status).toBe(2);
      // it said 'dist/ was written before' and 'free some space and run again': run again, the switch sends traffic back
      expect(r.stderr).toBe(
        'error: writing standard output: it cannot be written: the disk is full (no space or no inodes left on its file system); the change (environments/production.yaml and dist/production/, which git diff shows) was written before, only this report is missing\n' +
          '  hint: free some space on that file system (df -h shows it, df -i the inodes); git diff shows what was written: the command run again does not do it again (a switch switches back, a promotion finds nothing to promote)\n',
      );
      expect(readFileSync(join(dir, 'environments', 'production.yaml'), 'utf8')).toContain('live: green');
    },
  );
});
