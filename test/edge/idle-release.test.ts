/**
 * A release staged on a blue/green app's idle color changes the idle color's objects and, by their release label
 * alone, the objects both colors share (lib/label-only-changes.ts): nothing of the live color, and synth's summary says so.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { repoStage, runCli, tempProject } from '../helpers/cli.js';

/** The objects of a chart file of dist/, by `<kind>/<name>`. */
const objectsOf = (file: string) =>
  new Map(
    jsyaml
      .loadAll(readFileSync(file, 'utf8'))
      .filter((o): o is { kind: string; metadata: { name: string } } => o !== null && typeof o === 'object')
      .map((o) => [`${o.kind}/${o.metadata.name}`, o]),
  );

/** Synthesizes `stage` in `dir`, edits its stage file with `edit`, synthesizes again: its stdout, and its chart file's objects before and after. */
function staged(dir: string, stage: string, chart: string, edit: (text: string) => string) {
  expect(runCli('synth', [], dir).code).toBe(0);
  const file = join(dir, 'dist', stage, chart);
  const before = objectsOf(file);
  const stageFile = join(dir, 'environments', `${stage}.yaml`);
  writeFileSync(stageFile, edit(readFileSync(stageFile, 'utf8')));
  const r = runCli('synth', [], dir);
  expect(r.code, r.stderr).toBe(0);
  return { stdout: r.stdout, before, after: objectsOf(file) };
}

describe('a release staged on the idle color of a blue/green app', () => {
  const dir = tempProject({ onprem: repoStage('onprem') });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("changes none of the live color's objects, and synth lists the shared objects apart, as changed in their release label alone", () => {
    const { stdout, before, after } = staged(dir, 'onprem', '10-demoapp.yaml', (t) =>
      t.replace('green: demoapp:1 }', 'green: demoapp:1.1 }'),
    );
    // the live color's Deployment and Service, as they were (the Service carried the newer release before: 1.1, from blue's 1)
    for (const live of ['Deployment/demoapp-blue', 'Service/demoapp-blue']) expect(after.get(live)).toEqual(before.get(live));
    expect(after.get('Service/demoapp-green')).toMatchObject({ metadata: { labels: { 'app.kubernetes.io/version': '1.1' } } });
    expect(stdout).toContain('(0 added, 14 changed, 0 removed)\n  changed: Deployment onprem/demoapp-green\n');
    expect(stdout).toContain(
      '  changed only in their release label, app.kubernetes.io/version "1" -> "1.1" (their app\'s newest release, which its objects carry, those a blue/green app\'s two colors share too; none of their pods is replaced): CronJob onprem/mysql-backup, Role onprem/demoapp, RoleBinding onprem/demoapp and 10 more\n',
    );
    expect(stdout).not.toContain('demoapp-blue');
  });
});

describe('a release staged on the idle color of a blue/green app of the service stack', () => {
  const dir = tempProject({
    svc: [
      'nodes:',
      '  n1: { roles: [worker], address: 10.0.0.11 }',
      'apps:',
      '  api:',
      '    stack: service',
      '    blueGreen: { live: blue, blue: team/api:1, green: team/api:1 }',
      '    ports: { http: { port: 8080 } }',
      '    probes: { readiness: { http: { path: /ready } } }',
      '    resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 128Mi } }',
      '    replicas: 2',
      '    disruptionBudget: { maxUnavailable: 1 }',
      '    service: { colorNodePorts: { blue: 30031, green: 30032 } }',
      '',
    ].join('\n'),
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("leaves the live color's Service and disruption budget as they were: each carries its color's release", () => {
    const { stdout, before, after } = staged(dir, 'svc', '10-api.yaml', (t) => t.replace('green: team/api:1 }', 'green: team/api:2 }'));
    for (const live of ['Deployment/api-blue', 'Service/api-blue', 'PodDisruptionBudget/api-blue']) {
      expect(after.get(live), live).toBeDefined();
      expect(after.get(live), live).toEqual(before.get(live));
    }
    expect(after.get('PodDisruptionBudget/api-green')).toMatchObject({ metadata: { labels: { 'app.kubernetes.io/version': '2' } } });
    expect(stdout).not.toContain('api-blue');
  });
});
