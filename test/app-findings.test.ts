/** lib/app-findings.ts: the checks' findings on an app's objects, said where the stage file wrote the app. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../apps/index.js';
import { atApps } from '../lib/app-findings.js';
import { checkStage } from '../lib/checks/stage.js';
import { compileStages } from '../lib/compile.js';
import type { AppFinding } from '../lib/errors.js';
import { StageLoader } from '../lib/config/load.js';
import { ImageRef, Settings } from '../lib/config/types.js';
import { AppDeployment } from '../lib/constructs/index.js';
import { appSelector, defineStack, imageVersion } from '../lib/stack.js';
import { renderStage } from '../lib/synth/render.js';
import { runCli, tempProject } from './helpers/cli.js';

/** A stack of a team's own whose web Deployment selects by the app's instance label alone, beside a worker of a component. */
const overlapping = defineStack({
  name: 'overlapping',
  settings: Settings({ image: ImageRef({ description: 'The image.' }) }),
  version: (s) => imageVersion(s.image),
  chart(app, name, s, stage) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    const common = { image: s.image, version: imageVersion(s.image), replicas: 1 };
    new AppDeployment(chart, 'web', { ...common, name, selector: appSelector(name, stage), port: 8080 });
    new AppDeployment(chart, 'worker', { ...common, name: `${name}-worker`, selector: appSelector(name, stage, 'worker') });
    return chart;
  },
});

describe("a stack's workload that selects another workload's pods of its app", () => {
  it("is told to select by a component of its own in the stack (appSelector(name, stage, '<component>')), not to relabel the other's pods", () => {
    const stacks = { ...STACKS, overlapping };
    const loaded = new StageLoader(stacks).load('apps:\n  shop: { stack: overlapping, image: team/shop:1.0 }\n', 'environments/x.yaml');
    const rendered = renderStage(loaded, stacks, '0.0.0');
    const found = atApps(checkStage(rendered, {}).findings, rendered, loaded, stacks).filter((f) => f.code === 'refs/workload-overlap');
    expect(found.map((f) => `${f.appAt?.line}:${f.appAt?.column} ${f.object.kind} ${f.object.metadata.name}`)).toEqual([
      '2:3 Deployment shop',
    ]);
    expect(found[0].hint).toContain(
      "every pod template of the app carries its instance label, so give each workload of apps.shop a selector of its own in the stack, appSelector(name, stage, '<component>') (lib/stack.ts), the one of the instance label alone too; a selector cannot change",
    );
    expect(found[0].hint).not.toContain("relabel the other's");
  });

  it("is told so by the finding's code, whatever the words of the checks' hint", () => {
    const stacks = { ...STACKS, overlapping };
    const loaded = new StageLoader(stacks).load('apps:\n  shop: { stack: overlapping, image: team/shop:1.0 }\n', 'environments/x.yaml');
    const rendered = renderStage(loaded, stacks, '0.0.0');
    // the checks' hint reworded (another session's edit of lib/checks/workload-overlaps.ts)
    const reworded = checkStage(rendered, {})
      .findings.filter((f) => f.code === 'refs/workload-overlap')
      .map((f) => ({ ...f, hint: "relabel the other's pods; selectors are immutable, so delete it first" }));
    expect(reworded).toHaveLength(1);
    expect(atApps(reworded, rendered, loaded, stacks).map((f) => f.hint)).toEqual([
      "every pod template of the app carries its instance label, so give each workload of apps.shop a selector of its own in the stack, appSelector(name, stage, '<component>') (lib/stack.ts), the one of the instance label alone too; a selector cannot change: delete the workload whose selector changes before the apply, its pods left running (for this one: kubectl delete deployment shop -n x --cascade=orphan)",
    ]);
  });
});

const DEMOAPP =
  '  demoapp: { image: "demoapp:1", replicas: 1, database: { storage: 1Gi, backup: { schedule: "0 2 * * *", storage: 1Gi } } }';

describe("a policy finding on an app's workload", () => {
  /** The hints of the stage's policy findings, each with its app's place, as `npm run synth` says them. */
  const policyHints = (lines: readonly string[]) => {
    const { checks } = compileStages([{ stage: 'x', file: 'environments/x.yaml', text: [...lines, ''].join('\n') }]);
    return (checks.get('x')?.findings ?? [])
      .filter((f) => f.code.startsWith('policy/'))
      .map((f: AppFinding) => `${f.appAt?.line}: ${f.code}: ${f.hint}`)
      .sort();
  };

  it("hints at the stage file's security.exceptions of a service or cron app, not at an annotation the stage file cannot write", () => {
    expect(
      policyHints([
        'apps:',
        '  worker: { stack: service, image: team/worker:1.0 }',
        '  nightly: { stack: cron, schedule: "0 3 * * *", image: team/worker:1.0 }',
      ]),
    ).toEqual([
      '2: policy/probes: add a livenessProbe, so that a container that stops responding is restarted, or declare the exception in the stage file: apps.worker.security.exceptions.probes: <reason>',
      '2: policy/resources: set resources.requests and resources.limits (cpu, memory), or declare the exception in the stage file: apps.worker.security.exceptions.resources: <reason>',
      '3: policy/resources: set resources.requests and resources.limits (cpu, memory), or declare the exception in the stage file: apps.nightly.security.exceptions.resources: <reason>',
    ]);
  });

  /** A service app `web` with resources and a port, its probes and the rest left to each test. */
  const WEB = [
    'apps:',
    '  web:',
    '    stack: service',
    '    image: team/web:1.0',
    '    resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 128Mi } }',
    '    ports: { http: { port: 8080 } }',
  ];

  it("says that the stage file's exception excuses every container of the workload, when it has several (a sidecar's finding, at its entry)", () => {
    expect(
      policyHints([
        ...WEB,
        '    probes: { liveness: { tcp: {} }, readiness: { tcp: {} } }',
        '    sidecars: [{ name: logs, image: fluent/fluent-bit:2.2.0, resources: { requests: { cpu: 10m, memory: 32Mi }, limits: { cpu: 50m, memory: 64Mi } } }]',
      ]),
    ).toEqual([
      '8: policy/probes: add a livenessProbe, so that a container that stops responding is restarted, or declare the exception in the stage file, for every container of the Deployment: apps.web.security.exceptions.probes: <reason>',
    ]);
  });

  /** Each policy finding of the stage as `line:column code field`, at the place it is said in the stage file. */
  const placed = (lines: readonly string[]) => {
    const { checks } = compileStages([{ stage: 'x', file: 'environments/x.yaml', text: [...lines, ''].join('\n') }]);
    return (checks.get('x')?.findings ?? [])
      .filter((f) => f.code.startsWith('policy/'))
      .map((f: AppFinding) => `${f.appAt?.line}:${f.appAt?.column} ${f.code} ${f.path.join('.')}`)
      .sort();
  };

  it("is said at a sidecar's entry when it is the sidecar's (its probes go there), not at the app's key", () => {
    expect(
      placed([
        ...WEB,
        '    probes: { liveness: { tcp: {} }, readiness: { tcp: {} } }',
        '    sidecars:',
        '      - name: proxy',
        '        image: envoyproxy/envoy:v1.27.0',
        '        probes: { liveness: { tcp: { port: 9901 } } }',
        '        resources: { requests: { cpu: 10m, memory: 32Mi }, limits: { cpu: 50m, memory: 64Mi } }',
        '      - name: logs',
        '        image: fluent/fluent-bit:2.2.0',
        '        resources: { requests: { cpu: 10m, memory: 32Mi }, limits: { cpu: 50m, memory: 64Mi } }',
      ]),
    ).toEqual(['13:9 policy/probes spec.template.spec.containers.2']);
  });

  it("is said at the image setting of the sidecar or step that names it, and at the app's key for one it runs from the app", () => {
    expect(
      placed([
        ...WEB.map((l) => l.replace('team/web:1.0', 'team/web')),
        '    probes: { liveness: { tcp: {} }, readiness: { tcp: {} } }',
        '    initContainers: [{ name: migrate, command: [./manage, migrate] }, { name: wait, image: busybox, command: [sh, -c, "true"] }]',
        '    sidecars:',
        '      - name: worker',
        '        args: [work]',
        '        probes: { liveness: { command: [./alive] } }',
        '        resources: { requests: { cpu: 10m, memory: 32Mi }, limits: { cpu: 50m, memory: 64Mi } }',
        '      - name: logs',
        '        image: fluent/fluent-bit',
        '        probes: { liveness: { command: [./alive] } }',
        '        resources: { requests: { cpu: 10m, memory: 32Mi }, limits: { cpu: 50m, memory: 64Mi } }',
      ]),
    ).toEqual([
      '15:16 policy/image-tag spec.template.spec.containers.2.image',
      '2:3 policy/image-tag spec.template.spec.containers.0.image',
      '2:3 policy/image-tag spec.template.spec.containers.1.image',
      '2:3 policy/image-tag spec.template.spec.initContainers.0.image',
      '8:92 policy/image-tag spec.template.spec.initContainers.1.image',
    ]);
  });

  it("is said at the app's key when a step lacks resources, which a step takes from the app (its entry has no resources setting)", () => {
    expect(
      placed([
        'apps:',
        '  web:',
        '    stack: service',
        '    image: team/web:1.0',
        '    ports: { http: { port: 8080 } }',
        '    probes: { liveness: { tcp: {} }, readiness: { tcp: {} } }',
        '    initContainers: [{ name: migrate, command: [./manage, migrate] }]',
        '    sidecars: [{ name: logs, image: fluent/fluent-bit:2.2.0, probes: { liveness: { tcp: { port: 2020 } } } }]',
        '  nightly:',
        '    stack: cron',
        '    schedule: "0 3 * * *"',
        '    image: team/job:1.0',
        '    initContainers: [{ name: wait, image: busybox:1.36, command: ["true"] }]',
      ]),
    ).toEqual([
      '2:3 policy/resources spec.template.spec.containers.0',
      '2:3 policy/resources spec.template.spec.initContainers.0',
      '8:16 policy/resources spec.template.spec.containers.1',
      '9:3 policy/resources spec.jobTemplate.spec.template.spec.containers.0',
      '9:3 policy/resources spec.jobTemplate.spec.template.spec.initContainers.0',
    ]);
  });

  it('says the same of an app the render cache kept as of one just rendered: its place and its hint', () => {
    const dir = tempProject({
      x: [
        ...WEB,
        '    probes: { liveness: { tcp: {} }, readiness: { tcp: {} } }',
        '    sidecars: [{ name: logs, image: fluent/fluent-bit:2.2.0, resources: { requests: { cpu: 10m, memory: 32Mi }, limits: { cpu: 50m, memory: 64Mi } } }]',
        '  other: { stack: cron, schedule: "0 3 * * *", image: team/job:1.0 }',
        '',
      ].join('\n'),
    });
    try {
      /** The warnings of apps.web as synth --verbose says them (whether it is compiled or kept), the summary lines left out. */
      const webWarnings = () => {
        const { stderr, code } = runCli('synth', ['--verbose'], dir);
        expect(code).toBe(0);
        return stderr.split(/\n(?=\S)/).filter((w) => w.includes('Deployment x/web'));
      };
      const fresh = webWarnings();
      expect(fresh).toHaveLength(1);
      expect(fresh[0]).toContain('environments/x.yaml:8:');
      expect(fresh[0]).toContain('for every container of the Deployment');
      // another app changed: web comes from the render cache
      const file = join(dir, 'environments', 'x.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('team/job:1.0', 'team/job:1.1'));
      expect(webWarnings()).toEqual(fresh);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says to remove the stage file's exception that nothing needs, not an annotation", () => {
    expect(
      policyHints([
        ...WEB,
        '    probes: { liveness: { tcp: {} }, readiness: { tcp: {} } }',
        '    security: { exceptions: { probes: the team adds them next week } }',
      ]),
    ).toEqual([
      '2: policy/unused-exception: remove apps.web.security.exceptions.probes from the stage file, so that the exception cannot hide a later change',
    ]);
  });

  it('does not count a step (an init container) among the containers a probes exception excuses', () => {
    expect(
      policyHints([
        ...WEB,
        '    probes: { readiness: { tcp: {} } }',
        '    initContainers: [{ name: migrate, command: [./manage, migrate] }]',
      ]),
    ).toEqual([
      '2: policy/probes: add a livenessProbe, so that a container that stops responding is restarted, or declare the exception in the stage file: apps.web.security.exceptions.probes: <reason>',
    ]);
  });

  it('keeps the annotation in the hint of a stack with no exceptions setting (demoapp writes its own)', () => {
    const hints = policyHints(['apps:', DEMOAPP]);
    expect(hints.length).toBeGreaterThan(0);
    for (const hint of hints) expect(hint).toContain('declare the exception on the ');
  });
});
