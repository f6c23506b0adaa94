/**
 * A full synth keeps the output of stages whose inputs did not change (lib/cli/reuse.ts). A wrongly
 * kept stage is the worst possible bug here, so every case compares, byte for byte, the project
 * after an incremental synth with a copy of the same project (same inputs, same dist/ before)
 * synthesized with `--no-cache` and no fingerprint: dist/, the schema, the exit code, stdout and
 * stderr must be the same. Each case also says which stages were kept, so that the comparison is
 * known to have exercised the path it is about.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_FILE, type Fingerprint } from '../../lib/cli/fingerprint.js';
import { reusableStages } from '../../lib/cli/reuse.js';
import { repoStage, runCli, runProcess, snapshotDir, tempProject, type CliResult } from '../helpers/cli.js';

/** The example stages of the promotion chain dev -> test -> qa -> production, without `delivery:`. */
function chain(): Record<string, string> {
  return Object.fromEntries(
    ['dev', 'test', 'qa', 'production'].map((s) => [
      s,
      repoStage(s)
        .replace(/^delivery:.*$/m, '')
        .replace(/^# Argo CD.*$/m, ''),
    ]),
  );
}

/** The same stages as the examples deliver them, with Argo CD (dist/delivery/ is planned from all four). */
function deliveredChain(): Record<string, string> {
  const stages = Object.fromEntries(['dev', 'test', 'qa', 'production'].map((s) => [s, repoStage(s)]));
  for (const [s, text] of Object.entries(stages)) expect(text, s).toMatch(/^delivery:/m);
  return stages;
}

function edit(dir: string, path: string, change: (text: string) => string): void {
  const file = join(dir, path);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  expect(after, `the edit of ${path} changes it`).not.toBe(before);
  writeFileSync(file, after);
}

/** Which stages the next synth would keep without compiling: undefined when it compiles every one. */
function kept(dir: string): string[] | undefined {
  const stages = readdirStages(dir);
  const reuse = reusableStages(dir, 'dist', stages);
  return reuse && [...reuse.kept.keys()];
}

function readdirStages(dir: string): string[] {
  return Object.keys(snapshotDir(join(dir, 'environments')))
    .filter((f) => f.endsWith('.yaml') && !f.includes('/'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Everything the user sees of a synth: its result, and the project's files but .stagecraft/. */
function outcome(dir: string, result: CliResult) {
  const files = snapshotDir(dir);
  return {
    code: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    files: Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith('.stagecraft/'))),
  };
}

/**
 * Runs `npm run synth` in `dir` and, in a copy of `dir` made just before (without .stagecraft/),
 * `npm run synth -- --no-cache`; expects the same outcome and returns it.
 */
function synthMatchesFull(dir: string) {
  const copy = mkdtempSync(join(tmpdir(), 'stagecraft-full-'));
  cpSync(dir, copy, { recursive: true });
  rmSync(join(copy, '.stagecraft'), { recursive: true, force: true });
  const incremental = outcome(dir, runCli('synth', [], dir));
  const full = outcome(copy, runCli('synth', ['--no-cache'], copy));
  // the copy's paths differ only in the temporary directory's name
  expect(incremental).toEqual(full);
  return incremental;
}

/** A project synthesized once, so that its fingerprint records every stage. */
function synthesized(stages: Record<string, string>): string {
  const dir = tempProject(stages);
  expect(runCli('synth', [], dir).code).toBe(0);
  expect(kept(dir)).toEqual(Object.keys(stages).sort());
  return dir;
}

describe('npm run synth keeps the output of unchanged stages, exactly as a full synth would write it', () => {
  it('nothing changed: writes nothing and says what a full synth says', () => {
    const dir = synthesized(chain());
    const before = snapshotDir(join(dir, 'dist'));
    const out = synthMatchesFull(dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('dev: ');
    expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
  });

  it('a stage file changed: that stage is compiled, the others kept', () => {
    const dir = synthesized(chain());
    edit(dir, 'environments/qa.yaml', (t) => t.replace('LOG_LEVEL: info', 'LOG_LEVEL: warn'));
    expect(kept(dir)).toEqual(['dev', 'production', 'test']);
    const out = synthMatchesFull(dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^qa: .*\(1 added, 2 changed, 1 removed\)$/m);
    expect(out.stdout).toMatch(/^dev: .*\(unchanged\)$/m);
    // and the fingerprint it records lets the next synth keep every stage
    expect(kept(dir)).toEqual(['dev', 'production', 'qa', 'test']);
  });

  it('the stage another stage promotes from changed: the promoted stage is kept, and its output is the same', () => {
    const dir = synthesized(chain());
    edit(dir, 'environments/test.yaml', (t) => t.replace('image: demoapp:', 'image: demoapp-next:'));
    expect(kept(dir)).toEqual(['dev', 'production', 'qa']);
    expect(synthMatchesFull(dir).code).toBe(0);
  });

  it('a changed stage makes a promotion cycle with a kept stage: the same problem as a full synth, nothing written', () => {
    const dir = synthesized(chain());
    const before = snapshotDir(join(dir, 'dist'));
    // dev now promotes from production, which promotes (through qa and test) from dev
    edit(dir, 'environments/dev.yaml', (t) => `promotion: { from: production }\n${t}`);
    expect(kept(dir)).toEqual(['production', 'qa', 'test']);
    const out = synthMatchesFull(dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('promotion.from makes a cycle');
    expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
  });

  it('a changed stage file that does not load: the same problems as a full synth, and the next synth still keeps the others', () => {
    const dir = synthesized(chain());
    edit(dir, 'environments/test.yaml', (t) => t.replace('replicas: ', 'replcas: '));
    expect(synthMatchesFull(dir).code).toBe(2);
    edit(dir, 'environments/test.yaml', (t) => t.replace('replcas: ', 'replicas: '));
    expect(kept(dir)).toEqual(['dev', 'production', 'qa', 'test']);
  });

  it('two stage files changed, one of them back to what was recorded', () => {
    const dir = synthesized(chain());
    edit(dir, 'environments/dev.yaml', (t) => t.replace('replicas: 1', 'replicas: 2'));
    edit(dir, 'environments/production.yaml', (t) => t.replace('LOG_LEVEL: ', 'LOG_LEVEL_X: '));
    expect(synthMatchesFull(dir).code).toBe(0);
    edit(dir, 'environments/dev.yaml', (t) => t.replace('replicas: 2', 'replicas: 1'));
    expect(kept(dir)).toEqual(['production', 'qa', 'test']);
    expect(synthMatchesFull(dir).code).toBe(0);
  });

  it('the project file changed: every stage is compiled', () => {
    const dir = synthesized(chain());
    edit(dir, 'stagecraft.yaml', (t) => `${t}\n# a comment\n`);
    expect(kept(dir)).toBeUndefined();
    expect(synthMatchesFull(dir).code).toBe(0);
  });

  it('a file a stack includes changed: every stage is compiled', () => {
    const manifest = (replicas: number) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: ${replicas}\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: web } }\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n`;
    const stage = 'apps:\n  web:\n    stack: manifests\n    include: [manifests/web]\n';
    const dir = tempProject({ a: stage, b: chain().dev });
    mkdirSync(join(dir, 'manifests', 'web'), { recursive: true });
    writeFileSync(join(dir, 'manifests', 'web', 'web.yaml'), manifest(1));
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(kept(dir)).toEqual(['a', 'b']);
    writeFileSync(join(dir, 'manifests', 'web', 'web.yaml'), manifest(2));
    expect(kept(dir)).toBeUndefined();
    const out = synthMatchesFull(dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^a: .*\(0 added, 1 changed, 0 removed\)$/m);
  });

  it("the compiler changed (a stack's source, the lockfile): every stage is compiled", () => {
    const dir = synthesized(chain());
    const path = join(dir, FINGERPRINT_FILE);
    const recorded = JSON.parse(readFileSync(path, 'utf8')) as Fingerprint;
    const [source] = Object.keys(recorded.compiler).filter((k) => k.startsWith('apps/'));
    // as if apps/<stack>.ts had been different when the fingerprint was recorded
    writeFileSync(path, JSON.stringify({ ...recorded, compiler: { ...recorded.compiler, [source]: '0'.repeat(64) } }));
    expect(kept(dir)).toBeUndefined();
    writeFileSync(path, JSON.stringify(recorded));
    expect(kept(dir)).toEqual(['dev', 'production', 'qa', 'test']);
  });

  it('a damaged record of the stages in the fingerprint keeps nothing', () => {
    const dir = synthesized(chain());
    const path = join(dir, FINGERPRINT_FILE);
    const recorded = JSON.parse(readFileSync(path, 'utf8')) as Fingerprint;
    const stages = recorded.synthStages!;
    writeFileSync(path, JSON.stringify({ ...recorded, synthStages: { ...stages, qa: { ...stages.qa, summary: 'none' } } }));
    expect(kept(dir)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ ...recorded, synthFooter: 3 }));
    expect(kept(dir)).toBeUndefined();
    writeFileSync(path, JSON.stringify(recorded));
    expect(kept(dir)).toEqual(['dev', 'production', 'qa', 'test']);
    expect(synthMatchesFull(dir).code).toBe(0);
  });

  it('a generated file of an unchanged stage edited by hand: every stage is compiled, and the file is restored', () => {
    const dir = synthesized(chain());
    const expected = snapshotDir(join(dir, 'dist'));
    const [file] = Object.keys(expected).filter((p) => p.startsWith('qa/') && p.endsWith('.yaml'));
    edit(dir, `dist/${file}`, (t) => t.replace('qa', 'QA'));
    edit(dir, 'environments/dev.yaml', (t) => t.replace('replicas: 1', 'replicas: 2'));
    expect(kept(dir)).toBeUndefined();
    expect(synthMatchesFull(dir).code).toBe(0);
    expect(readFileSync(join(dir, 'dist', file), 'utf8')).toBe(expected[file]);
  });

  it('a generated file of the changed stage edited by hand or removed: the stage is compiled and the file restored', () => {
    const dir = synthesized(chain());
    const expected = snapshotDir(join(dir, 'dist'));
    const [edited, removed] = Object.keys(expected).filter((p) => p.startsWith('dev/'));
    edit(dir, `dist/${edited}`, (t) => `${t}# by hand\n`);
    rmSync(join(dir, 'dist', removed));
    edit(dir, 'environments/dev.yaml', (t) => `# a comment\n${t}`);
    expect(kept(dir)).toEqual(['production', 'qa', 'test']);
    expect(synthMatchesFull(dir).code).toBe(0);
  });

  it('a file added to dist/: every stage is compiled, and it is left alone', () => {
    const dir = synthesized(chain());
    writeFileSync(join(dir, 'dist', 'qa', 'NOTES.md'), 'mine\n');
    edit(dir, 'environments/dev.yaml', (t) => `# a comment\n${t}`);
    expect(kept(dir)).toBeUndefined();
    const out = synthMatchesFull(dir);
    expect(out.files['dist/qa/NOTES.md']).toBe('mine\n');
  });

  it('a stage added or removed: every stage is compiled, and a removed stage loses its output', () => {
    const dir = synthesized(chain());
    writeFileSync(join(dir, 'environments', 'staging.yaml'), chain().qa);
    expect(kept(dir)).toBeUndefined();
    expect(synthMatchesFull(dir).stdout).toMatch(/^staging: .*\(new\)$/m);
    rmSync(join(dir, 'environments', 'staging.yaml'));
    expect(kept(dir)).toBeUndefined();
    const out = synthMatchesFull(dir);
    expect(out.stdout).toContain('staging: removed dist/staging/');
    expect(Object.keys(out.files).some((p) => p.startsWith('dist/staging/'))).toBe(false);
  });

  it('a stage file removed and another changed, with a stage promoting from the removed one: the same problem as a full synth', () => {
    const dir = synthesized(chain());
    rmSync(join(dir, 'environments', 'qa.yaml'));
    const out = synthMatchesFull(dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("promotion.from names no stage of the project (found 'qa')");
  });

  it('delivered stages: the changed one is compiled, and dist/delivery/ is planned from it and the records of the kept ones', () => {
    const dir = synthesized(deliveredChain());
    expect(synthMatchesFull(dir).code).toBe(0);
    // production alone has an ExternalSecret: the AppProject's allow-list keeps it only from production's record
    expect(readFileSync(join(dir, 'dist/delivery/argocd/00-stagecraft.yaml'), 'utf8')).toContain('kind: ExternalSecret');
    edit(dir, 'environments/dev.yaml', (t) => t.replace('replicas: 1', 'replicas: 2'));
    expect(kept(dir)).toEqual(['production', 'qa', 'test']);
    const out = synthMatchesFull(dir);
    expect(out.stdout).toMatch(/^delivery: \d+ Argo CD objects/m);
    expect(out.stdout).toMatch(/^production: .*\(unchanged\)$/m);
    // the fingerprint it records proves every stage, delivered ones with their records: check answers from it
    expect(kept(dir)).toEqual(['dev', 'production', 'qa', 'test']);
    expect(JSON.parse(readFileSync(join(dir, FINGERPRINT_FILE), 'utf8')).synthStages.dev.delivery.stage).toBe('dev');
    expect(runCli('check', [], dir)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^dist\/ is current/) });
    // a change to what a delivered stage's part of the plan is made of: its delivery settings, its kinds
    edit(dir, 'environments/qa.yaml', (t) => t.replace(/^delivery: .*$/m, 'delivery: { cluster: nonprod, sync: { prune: false } }'));
    edit(dir, 'environments/dev.yaml', (t) =>
      t.replace(/^ {4}database:/m, '    autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 70 }\n    database:'),
    );
    expect(kept(dir)).toEqual(['production', 'test']);
    expect(synthMatchesFull(dir).code).toBe(0);
    expect(readFileSync(join(dir, 'dist/delivery/argocd/10-qa.yaml'), 'utf8')).toContain('prune: false');
    // a stage that stops being delivered, and one that starts
    edit(dir, 'environments/test.yaml', (t) => t.replace(/^delivery: .*$/m, ''));
    expect(kept(dir)).toEqual(['dev', 'production', 'qa']);
    expect(synthMatchesFull(dir).code).toBe(0);
    expect(existsSync(join(dir, 'dist/delivery/argocd/10-test.yaml'))).toBe(false);
    edit(dir, 'environments/test.yaml', (t) => `${t}delivery: { cluster: nonprod }\n`);
    expect(kept(dir)).toEqual(['dev', 'production', 'qa']);
    expect(synthMatchesFull(dir).code).toBe(0);
    expect(existsSync(join(dir, 'dist/delivery/argocd/10-test.yaml'))).toBe(true);
  });

  it("delivered stages: the plan's checks see a kept stage's namespace and places, as a full synth does", () => {
    const stages = deliveredChain();
    stages.test = `${stages.test}namespace: shared\n`;
    const dir = synthesized(stages);
    const at = stages.test.split('\n').length - 1;
    // qa moves into the namespace that test, kept, is delivered to on the same cluster: refused at test's namespace:, from its record
    edit(dir, 'environments/qa.yaml', (t) => `${t}namespace: shared\n`);
    expect(kept(dir)).toEqual(['dev', 'production', 'test']);
    const out = synthMatchesFull(dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `environments/test.yaml:${at}:12: error: namespace: the stages qa and test are both delivered to the namespace 'shared' of the cluster nonprod`,
    );
    // a problem of the changed stage's own delivery settings is placed too
    edit(dir, 'environments/qa.yaml', (t) =>
      t.replace(/^namespace: shared\n/m, '').replace(/^delivery: \{ cluster: nonprod \}/m, 'delivery: { cluster: nonprd }'),
    );
    expect(kept(dir)).toEqual(['dev', 'production', 'test']);
    const typo = synthMatchesFull(dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /^environments\/qa\.yaml:\d+:22: error: delivery\.cluster: names the cluster 'nonprd'.*did you mean 'nonprod'\?/m,
    );
  });

  it("delivered stages: an object outside the namespaces that a kept stage holds too is seen from the kept stage's record", () => {
    const stages = deliveredChain();
    const flannel = '  flannel: { network: 10.20.0.0/16, subnetLen: 24, backend: { type: vxlan, vni: 1 } }\n';
    stages.test = stages.test.replace(/^apps:\n/m, `apps:\n${flannel}`);
    const dir = synthesized(stages);
    edit(dir, 'environments/qa.yaml', (t) => t.replace(/^apps:\n/m, `apps:\n${flannel}`));
    expect(kept(dir)).toEqual(['dev', 'production', 'test']);
    const out = synthMatchesFull(dir);
    expect(out.code).toBe(2);
    // reported at test's delivery.cluster, placed from its record, as a full synth reports it
    expect(out.stderr).toMatch(
      /^environments\/test\.yaml:\d+:22: error: delivery\.cluster: the stages qa and test are both delivered to the cluster nonprod and both hold ConfigMap kube-system\/kube-flannel-cfg, /m,
    );
  });

  it("stages delivered by Flux: the kept stages' records give the Kustomizations their order (dependsOn), as a full synth does", () => {
    const dir = tempProject(deliveredChain());
    edit(dir, 'stagecraft.yaml', (t) =>
      t
        .replace('engine: argocd', 'engine: flux')
        .replace(
          'production: { server: https://production.k8s.example.com:6443 }',
          'production: { kubeConfigSecret: production-kubeconfig }',
        ),
    );
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'dist/delivery/flux/10-production.yaml'), 'utf8')).toContain('name: stagecraft-qa');
    edit(dir, 'environments/qa.yaml', (t) => t.replace('LOG_LEVEL: info', 'LOG_LEVEL: warn'));
    expect(kept(dir)).toEqual(['dev', 'production', 'test']);
    expect(synthMatchesFull(dir).code).toBe(0);
    edit(dir, 'environments/dev.yaml', (t) => t.replace('replicas: 1', 'replicas: 2'));
    expect(kept(dir)).toEqual(['production', 'qa', 'test']);
    expect(synthMatchesFull(dir).stdout).toMatch(/^delivery: \d+ Flux objects/m);
  });

  it("a delivered stage's damaged or missing record of its part of the delivery plan: every stage is compiled", () => {
    const dir = synthesized(deliveredChain());
    const path = join(dir, FINGERPRINT_FILE);
    const recorded = JSON.parse(readFileSync(path, 'utf8')) as Fingerprint;
    const stages = recorded.synthStages!;
    const production = stages.production;
    expect(production.delivery?.kinds.namespaced.some((gk) => gk.kind === 'ExternalSecret')).toBe(true);
    edit(dir, 'environments/dev.yaml', (t) => t.replace('replicas: 1', 'replicas: 2'));
    const damaged = [
      undefined,
      { ...production.delivery, stage: 'qa' },
      { ...production.delivery, delivery: { ...production.delivery!.delivery, engine: 'jenkins' } },
      { ...production.delivery, kinds: { namespaced: [{ kind: 'Deployment' }], cluster: [] } },
      { ...production.delivery, namespaces: 'production' },
      { ...production.delivery, delivery: { sync: { prune: 'no' } } },
    ];
    for (const delivery of damaged) {
      writeFileSync(path, JSON.stringify({ ...recorded, synthStages: { ...stages, production: { ...production, delivery } } }));
      expect(kept(dir), JSON.stringify(delivery)).toBeUndefined();
    }
    // a stage that does not declare delivery: with a record of it
    writeFileSync(path, JSON.stringify({ ...recorded, synthStages: { ...stages, qa: { ...stages.qa, delivered: false } } }));
    expect(kept(dir)).toBeUndefined();
    writeFileSync(path, JSON.stringify(recorded));
    expect(kept(dir)).toEqual(['production', 'qa', 'test']);
    expect(synthMatchesFull(dir).code).toBe(0);
  });

  it('killed while it replaces the changed stage (and dist/delivery/): the next command completes it, and the kept stages are untouched', () => {
    for (const [step, stages] of [
      ['staged', chain()],
      ['journal', chain()],
      ['rename-1', chain()],
      ['rename-2', chain()],
      ['journal', deliveredChain()],
      ['rename-2', deliveredChain()],
    ] as const) {
      const dir = synthesized(stages);
      const before = snapshotDir(join(dir, 'dist'));
      edit(dir, 'environments/qa.yaml', (t) => t.replace('LOG_LEVEL: info', 'LOG_LEVEL: warn'));
      expect(kept(dir)).toEqual(['dev', 'production', 'test']);
      const copy = mkdtempSync(join(tmpdir(), 'stagecraft-full-'));
      cpSync(dir, copy, { recursive: true });
      rmSync(join(copy, '.stagecraft'), { recursive: true, force: true });
      expect(runProcess('synth', [], dir, { STAGECRAFT_CRASH_AT: step }).signal, step).toBe('SIGKILL');
      const next = runCli('synth', [], dir);
      expect(next.code, step).toBe(0);
      expect(runCli('synth', ['--no-cache'], copy).code).toBe(0);
      const after = snapshotDir(join(dir, 'dist'));
      expect(after, step).toEqual(snapshotDir(join(copy, 'dist')));
      for (const s of ['dev', 'production', 'test']) {
        const files = (tree: Record<string, string>) => Object.entries(tree).filter(([p]) => p.startsWith(`${s}/`));
        expect(files(after), `${step}: ${s}`).toEqual(files(before));
      }
    }
  });

  it('--verbose, --no-cache and named stages never keep a stage: their output is that of a full compilation', () => {
    const dir = synthesized(chain());
    const verbose = runCli('synth', ['--verbose'], dir);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).not.toMatch(/in all; npm run synth -- --verbose/);
    expect(verbose.stderr).toMatch(/^ {2}hint: /m);
    const named = runCli('synth', ['qa'], dir);
    expect(named.stdout).toMatch(/^qa: .*\(unchanged\)$/m);
    expect(named.stdout).not.toMatch(/^dev: /m);
  });

  it.each([
    ['', chain],
    [', of delivered stages', deliveredChain],
  ])('a sequence of random edits to stage files%s: after each, the same as a full synth', (_, project) => {
    const dir = synthesized(project());
    // a small deterministic generator: the same sequence at every run
    let seed = 19;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const stages = ['dev', 'test', 'qa', 'production'];
    const edits: ((t: string) => string)[] = [
      (t) => t.replace(/replicas: (\d+)/, (_, n: string) => `replicas: ${(Number(n) % 4) + 1}`),
      (t) => t.replace(/LOG_LEVEL: (\w+)/, (_, l: string) => `LOG_LEVEL: ${l === 'debug' ? 'info' : 'debug'}`),
      (t) => `# edit ${next(1000)}\n${t}`,
      (t) => t.replace(/image: demoapp:(\d+)/, (_, n: string) => `image: demoapp:${Number(n) + 1}`),
    ];
    for (let i = 0; i < 6; i++) {
      const changed = new Set<string>();
      for (let k = 0; k <= next(2); k++) {
        const stage = stages[next(stages.length)];
        edit(dir, `environments/${stage}.yaml`, (t) => `${edits[next(edits.length)](t)}# edit ${i}.${k}\n`);
        changed.add(stage);
      }
      expect(kept(dir)).toEqual(stages.filter((s) => !changed.has(s)).sort());
      expect(synthMatchesFull(dir).code).toBe(0);
    }
  });
});

describe('npm run synth -- <stage> and dist/delivery/, which depends on every stage', () => {
  /** dist/ of `dir` after a full synth of a copy of it made now (without .stagecraft/), with `--no-cache`. */
  function fullDist(dir: string): Record<string, string> {
    const copy = mkdtempSync(join(tmpdir(), 'stagecraft-full-'));
    cpSync(dir, copy, { recursive: true });
    rmSync(join(copy, '.stagecraft'), { recursive: true, force: true });
    expect(runCli('synth', ['--no-cache'], copy).code).toBe(0);
    return snapshotDir(join(copy, 'dist'));
  }
  const NOT_UPDATED =
    /^dist\/delivery\/: warning: not updated, so it may not match the stage files any more: .*\n {2}hint: run npm run synth \(every stage\) to update it; npm run check says whether it is current$/m;

  it('plans dist/delivery/ with the other stages as the last full synth recorded them: the dist/ a full synth writes', () => {
    const dir = synthesized(deliveredChain());
    edit(dir, 'environments/qa.yaml', (t) => t.replace(/^delivery: .*$/m, 'delivery: { cluster: nonprod, sync: { prune: false } }'));
    const expected = fullDist(dir);
    const r = runCli('synth', ['qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^delivery: 5 Argo CD objects -> dist\/delivery\/argocd\/$/m);
    expect(r.stderr).not.toMatch(/dist\/delivery/);
    expect(snapshotDir(join(dir, 'dist'))).toEqual(expected);
    expect(readFileSync(join(dir, 'dist/delivery/argocd/10-qa.yaml'), 'utf8')).toContain('prune: false');
    expect(runCli('check', [], dir)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^dist\/ is current/) });
  });

  it('records every stage again, so that the next synth of some stages plans dist/delivery/ too, and a full synth keeps them', () => {
    const dir = synthesized(deliveredChain());
    const edits: [string, (t: string) => string][] = [
      ['qa', (t) => t.replace(/^delivery: .*$/m, 'delivery: { cluster: nonprod, sync: { prune: false } }')],
      ['qa', (t) => t.replace(/replicas: (\d+)/, (_, n: string) => `replicas: ${Number(n) + 1}`)],
      ['dev', (t) => t.replace(/^delivery: .*$/m, 'delivery: { cluster: nonprod, sync: { selfHeal: true } }')],
    ];
    for (const [stage, change] of edits) {
      edit(dir, `environments/${stage}.yaml`, change);
      const r = runCli('synth', [stage], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(NOT_UPDATED);
      expect(r.stdout).toMatch(/^delivery: 5 Argo CD objects -> dist\/delivery\/argocd\/$/m);
      expect(r.stdout.match(/^(dev|test|qa|production): /gm), 'only the stage named is reported').toEqual([`${stage}: `]);
      expect(snapshotDir(join(dir, 'dist'))).toEqual(fullDist(dir));
    }
    // nothing changed since: a full synth keeps every stage, and says what a full compilation says
    expect(kept(dir)).toEqual(['dev', 'production', 'qa', 'test']);
    expect(synthMatchesFull(dir).code).toBe(0);
    // a kept stage's output edited by hand: the next synth of another stage does not record it as current
    writeFileSync(join(dir, 'dist/test/inventory.txt'), `${readFileSync(join(dir, 'dist/test/inventory.txt'), 'utf8')}# edited\n`);
    edit(dir, 'environments/qa.yaml', (t) => `${t}# again\n`);
    expect(runCli('synth', ['qa'], dir).code).toBe(0);
    const check = runCli('check', [], dir);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain('dist/test/inventory.txt');
  });

  it('says that dist/delivery/ was not updated, and what to run, when what was recorded of the other stages no longer holds', () => {
    const dir = synthesized(deliveredChain());
    // another stage file changed since the last full synth
    edit(dir, 'environments/test.yaml', (t) => t.replace(/^delivery: .*$/m, 'delivery: { cluster: nonprod, sync: { prune: false } }'));
    edit(dir, 'environments/qa.yaml', (t) => t.replace(/^delivery: .*$/m, 'delivery: { cluster: nonprod, sync: { selfHeal: false } }'));
    const before = snapshotDir(join(dir, 'dist', 'delivery'));
    const r = runCli('synth', ['qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(NOT_UPDATED);
    expect(r.stderr).toContain(
      'there is no record of them that still holds (none was recorded, or since the last full synthesis an input other than environments/qa.yaml changed)',
    );
    expect(r.stdout).not.toMatch(/^delivery:/m);
    expect(snapshotDir(join(dir, 'dist', 'delivery'))).toEqual(before);
    const check = runCli('check', [], dir);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain('changed: dist/delivery/argocd/10-qa.yaml');
    // --no-cache reads no record
    expect(runCli('synth', [], dir).code).toBe(0);
    edit(dir, 'environments/qa.yaml', (t) => t.replace('selfHeal: false', 'selfHeal: true'));
    expect(runCli('synth', ['qa', '--no-cache'], dir).stderr).toMatch(NOT_UPDATED);
  });

  it('keeps, through a check that compiles after promote, the records that still hold: the next synth of the promoted stage plans dist/delivery/, and a full synth compiles that stage alone', () => {
    const stages = deliveredChain();
    const dir = synthesized({ ...stages, test: stages.test.replace('image: demoapp:1\n', 'image: demoapp:1.2\n') });
    const promoted = runCli('promote', ['test', 'qa'], dir);
    expect(promoted.code, promoted.stderr).toBe(0);
    // check compiles (qa's file and output changed since the fingerprint) and finds dist/ current
    expect(runCli('check', [], dir)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^dist\/ is current/) });
    // the records of the stages whose file did not change are kept; qa, promoted, has none
    expect(kept(dir)).toEqual(['dev', 'production', 'test']);
    // another stage: qa is neither compiled nor recorded, so dist/delivery/ is not planned, and the warning says why
    const other = runCli('synth', ['test'], dir);
    expect(other.stderr).toMatch(NOT_UPDATED);
    expect(other.stderr).toContain('since the last full synthesis an input other than environments/test.yaml changed)');
    // the promoted stage: planned with the others' records, as after promote without the check
    const expected = fullDist(dir);
    const r = runCli('synth', ['qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(NOT_UPDATED);
    expect(r.stdout).toMatch(/^delivery: 5 Argo CD objects -> dist\/delivery\/argocd\/$/m);
    expect(snapshotDir(join(dir, 'dist'))).toEqual(expected);
    expect(synthMatchesFull(dir).code).toBe(0);
  });

  it("reads the record once: the other stages' records plan with it when their output is not as recorded, which is then not kept", () => {
    const dir = synthesized(deliveredChain());
    const stages = readdirStages(dir);
    edit(dir, 'environments/qa.yaml', (t) => t.replace(/^delivery: .*$/m, 'delivery: { cluster: nonprod, sync: { prune: false } }'));
    expect(reusableStages(dir, 'dist', stages, { compile: ['qa'] })?.keptDist).toBeDefined();
    // a kept stage's output edited by hand: its record still plans dist/delivery/, its output is not kept
    writeFileSync(join(dir, 'dist/test/inventory.txt'), `${readFileSync(join(dir, 'dist/test/inventory.txt'), 'utf8')}# edited\n`);
    const reuse = reusableStages(dir, 'dist', stages, { compile: ['qa'] });
    expect(reuse && { kept: [...reuse.kept.keys()], changed: reuse.changed, keptDist: reuse.keptDist }).toEqual({
      kept: ['dev', 'production', 'test'],
      changed: ['qa'],
      keptDist: undefined,
    });
    // a full synth keeps nothing then
    expect(reusableStages(dir, 'dist', stages)).toBeUndefined();
    const expected = fullDist(dir);
    const r = runCli('synth', ['qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(NOT_UPDATED);
    expect(snapshotDir(join(dir, 'dist'))).toEqual({
      ...expected,
      'test/inventory.txt': readFileSync(join(dir, 'dist/test/inventory.txt'), 'utf8'),
    });
  });

  it("reads the record once when another stage file changed too: the unchanged stages' records, to compare claims with, and no plan", () => {
    const dir = synthesized(deliveredChain());
    const stages = readdirStages(dir);
    edit(dir, 'environments/qa.yaml', (t) => t.replace('LOG_LEVEL: info', 'LOG_LEVEL: debug'));
    edit(dir, 'environments/dev.yaml', (t) => t.replace(/LOG_LEVEL: \w+/, 'LOG_LEVEL: warn'));
    const reuse = reusableStages(dir, 'dist', stages, { compile: ['qa'] });
    expect(
      reuse && { kept: [...reuse.kept.keys()], changed: reuse.changed, keptDist: reuse.keptDist, others: reuse.othersChanged },
    ).toEqual({
      kept: ['production', 'test'],
      changed: ['dev', 'qa'],
      keptDist: undefined,
      others: true,
    });
    // dev is neither compiled nor kept: a synthesis of qa does not plan dist/delivery/, and says so
    expect(runCli('synth', ['qa'], dir).stderr).toMatch(NOT_UPDATED);
  });

  it('removes dist/delivery/ when the stage it synthesizes was the only one delivered, as a full synth does', () => {
    const nginx = 'apps:\n  nginx: { image: nginx:1.25, replicas: 1 }\n';
    const dir = synthesized({ qa: `${nginx}delivery: { cluster: nonprod }\n`, lab: nginx });
    expect(existsSync(join(dir, 'dist', 'delivery'))).toBe(true);
    edit(dir, 'environments/qa.yaml', (t) => t.replace(/^delivery: .*\n/m, ''));
    const r = runCli('synth', ['qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('delivery: removed dist/delivery/ (no stage file declares delivery:)\n');
    expect(existsSync(join(dir, 'dist', 'delivery'))).toBe(false);
    expect(runCli('check', [], dir).code).toBe(0);
  });

  it('says nothing of dist/delivery/ in a project that delivers no stage', () => {
    const dir = synthesized(chain());
    edit(dir, 'environments/qa.yaml', (t) => t.replace(/replicas: (\d+)/, 'replicas: 3'));
    expect(runCli('synth', ['qa'], dir).stderr).not.toMatch(/dist\/delivery/);
    edit(dir, 'environments/dev.yaml', (t) => t.replace(/replicas: (\d+)/, 'replicas: 3'));
    expect(runCli('synth', ['qa'], dir).stderr).not.toMatch(/dist\/delivery/);
  });
});
