import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { STACKS } from '../apps/index.js';
import { checkStage } from '../lib/checks/stage.js';
import { StageLoader } from '../lib/config/load.js';
import { planPromotion } from '../lib/promotion.js';
import { compileStages } from '../lib/compile.js';
import { openProject, readSource } from '../lib/cli/project.js';
import type { Stack } from '../lib/stack.js';
import { renderStage } from '../lib/synth/render.js';
import { REPO } from './helpers/cli.js';

/** The code blocks of a section of the README ("Your own stack" by default), by language, in order. */
function readmeBlocks(heading = 'Your own stack'): { ts: string[]; yaml: string[] } {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const blocks = { ts: [] as string[], yaml: [] as string[] };
  for (const m of section.matchAll(/```(ts|yaml)\n([\s\S]*?)```/g)) blocks[m[1] as 'ts' | 'yaml'].push(m[2]);
  return blocks;
}

describe("the README's own stack", () => {
  // under node_modules/.cache, so that the block's packages (cdk8s) resolve as they would in apps/
  const cache = join(REPO, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'stagecraft-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { ts, yaml } = readmeBlocks();

  it('is in the README: one stack and one stage file', () => {
    expect(ts).toHaveLength(1);
    expect(yaml).toHaveLength(1);
  });

  it('points at the construct files it names, and at oneContainerPod for the writable /tmp that RESTRICTED_CONTAINER alone lacks', async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('\n## Your own stack\n'),
      readme.indexOf('\n## ', readme.indexOf('\n## Your own stack\n') + 1),
    );
    const files = [...section.matchAll(/`(lib\/constructs\/[a-z-]+\.ts)`/g)].map((m) => m[1]);
    expect(files).toContain('lib/constructs/one-container-pod.ts');
    for (const file of files) expect(() => readFileSync(join(REPO, file))).not.toThrow();
    const { oneContainerPod } = await import('../lib/constructs/one-container-pod.js');
    const { RESTRICTED_CONTAINER } = await import('../lib/constructs/app-container.js');
    const pod = oneContainerPod({ container: { name: 'a', image: 'a:1' }, securityContext: RESTRICTED_CONTAINER });
    expect(section).toContain('`oneContainerPod`');
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  it("names as functions only what a stack can import and call: the constructs index's, lib/stack.ts's and the settings types'", async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Your own stack\n');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const modules = await Promise.all(
      ['../lib/constructs/index.js', '../lib/stack.js', '../lib/config/types.js', '../lib/config/workload.js', '../lib/release.js'].map(
        (m) => import(m) as Promise<Record<string, unknown>>,
      ),
    );
    // each call an inline span of the section starts with (`toProbe(probe, port)`, `k8s.Quantity.fromString('1Gi')`), by its dotted name
    const called = [...new Set([...section.matchAll(/`((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*)\(/g)].map((m) => m[1]))];
    expect(called).toEqual(expect.arrayContaining(['toProbe', 'k8s.IntOrString.fromString', 'k8s.Quantity.fromString', 'appSelector']));
    const resolve = (dotted: string) =>
      modules
        .map((m) => dotted.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], m))
        .find((v) => v !== undefined);
    // the stack's own methods (`refine(settings, stage, name, apps)`, `settingOf()`), which it writes rather than calls
    const hooks = new Set([...readFileSync(join(REPO, 'lib/stack.ts'), 'utf8').matchAll(/^ {2}(\w+)\??\(/gm)].map((m) => m[1]));
    expect(hooks).toContain('settingOf');
    // `fromNumber(5672)` is said after `k8s.IntOrString.fromString('amqp')`, of the same class
    const unknown = called.filter(
      (name) => !hooks.has(name) && typeof resolve(name === 'fromNumber' ? 'k8s.IntOrString.fromNumber' : name) !== 'function',
    );
    expect(unknown).toEqual([]);
  });

  it('compiles, joins the stage schema, synthesizes with no failed check, and joins promote', async () => {
    // the block imports from apps/ ('../lib/...'): point those imports at this repository's lib/
    const file = join(dir, 'echo.ts');
    writeFileSync(file, ts[0].replaceAll("'../lib/", `'${join(REPO, 'lib')}/`));
    // type-checked with the project's own settings (strict, no any), as `npx tsc -p .` checks apps/
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(REPO, 'tsconfig.json'), include: ['echo.ts'] }));
    const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const module = (await import(pathToFileURL(file).href)) as Record<string, Stack>;
    const stack = Object.values(module)[0];
    const stacks = { ...STACKS, [stack.name]: stack } as Record<string, Stack>;
    const loader = new StageLoader(stacks);
    const dev = loader.load(yaml[0], 'environments/dev.yaml');
    const rendered = renderStage(dev, stacks, '0.0.0');
    const objects = rendered.charts.flatMap((c) => c.objects);
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Namespace dev', 'Service echo', 'Deployment echo']);
    expect(checkStage(rendered, {}).findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(() => loader.load(yaml[0].replace('replicas: 2', 'replicas: 2\n    port: 80'), 'environments/dev.yaml')).toThrow(
      'apps.echo.port must not be 80',
    );
    const test = loader.load(yaml[0].replace(':1.0', ':0.9'), 'environments/test.yaml');
    expect(planPromotion(dev, test, stacks)).toEqual({
      edits: [{ path: ['apps', 'echo', 'image'], value: 'hashicorp/http-echo:1.0' }],
      notes: [],
    });
  });

  it("selects each app's own pods only: not another app's of the stack, or a manifests app's labelled name: echo", async () => {
    // the block was compiled by the test above, into `dir`
    const module = (await import(pathToFileURL(join(dir, 'echo.ts')).href)) as Record<string, Stack>;
    const stack = Object.values(module)[0];
    const stacks = { ...STACKS, [stack.name]: stack } as Record<string, Stack>;
    const loader = new StageLoader(stacks);
    const legacy = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: legacy-echo }',
      'spec:',
      '  selector: { matchLabels: { name: echo } }',
      '  template:',
      '    metadata: { labels: { name: echo } }',
      '    spec: { containers: [{ name: legacy, image: team/legacy:1.0 }] }',
      '',
    ].join('\n');
    const stage = (file: string, apps: string) => {
      const loaded = loader.load(`namespace: shared\napps:\n${apps}`, file);
      return { ...loaded, context: { ...loaded.context, files: new Map([['manifests/legacy.yaml', legacy]]) } };
    };
    const objects = [
      stage(
        'environments/dev.yaml',
        [
          '  echo: { image: hashicorp/http-echo:1.0 }',
          '  echo2: { stack: echo, image: hashicorp/http-echo:1.0 }',
          '  legacy: { stack: manifests, include: [manifests/legacy.yaml] }',
        ].join('\n'),
      ),
    ].flatMap((s) => renderStage(s, stacks, '0.0.0').charts.flatMap((c) => c.objects));
    type Labelled = { metadata?: { labels?: Record<string, string> } };
    const templates = objects.flatMap((o) => {
      const template = (o as { spec?: { template?: Labelled } }).spec?.template;
      return template
        ? [{ owner: `${o.metadata.labels?.['stagecraft.dev/stage']}/${o.metadata.name}`, labels: template.metadata?.labels ?? {} }]
        : [];
    });
    const selected = (selector: Record<string, string>) =>
      templates.filter((t) => Object.entries(selector).every(([k, v]) => t.labels[k] === v)).map((t) => t.owner);
    const selectors = objects.flatMap((o) => {
      const spec = (o as { spec?: { selector?: Record<string, unknown> } }).spec;
      const selector = o.kind === 'Service' ? spec?.selector : o.kind === 'Deployment' ? spec?.selector?.matchLabels : undefined;
      return selector
        ? [[`${o.kind} ${o.metadata.labels?.['stagecraft.dev/stage']}/${o.metadata.name}`, selected(selector as Record<string, string>)]]
        : [];
    });
    expect(Object.fromEntries(selectors)).toEqual({
      'Service dev/echo': ['dev/echo'],
      'Deployment dev/echo': ['dev/echo'],
      'Service dev/echo2': ['dev/echo2'],
      'Deployment dev/echo2': ['dev/echo2'],
      'Deployment dev/legacy-echo': ['dev/legacy-echo'],
    });
  });
});

describe("the README's own apps (the service and manifests stacks)", () => {
  const { yaml } = readmeBlocks('Your own apps: the `service` and `manifests` stacks');

  it('are in the README: service apps (one on a ServiceAccount made outside stagecraft), a manifests app on a Secret made outside stagecraft, and a manifests app', () => {
    expect(yaml.map((text) => /stack: (\S+)/.exec(text)?.[1])).toEqual(['service', 'service', 'manifests', 'manifests']);
  });

  it.each(yaml.map((text, i) => [i + 1, text] as const))('stage file %i compiles with no problem and no failed check', (_, text) => {
    const project = openProject(REPO);
    const compiled = compileStages([
      { stage: 'dev', file: 'environments/dev.yaml', text, readSource: (path) => readSource(project, path) },
    ]);
    expect(compiled.stages[0].charts.flatMap((c) => c.objects).length).toBeGreaterThan(1);
  });
});
