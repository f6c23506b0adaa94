import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStages } from '../lib/compile.js';
import { type AppFinding, ExitCode, ProblemsError, formatProblem } from '../lib/errors.js';
import { runCli, tempProject } from './helpers/cli.js';

/** The errors `npm run synth` stops at for the stage file `environments/x.yaml` holding `lines`, and its exit code. */
function refused(lines: readonly string[]): { problems: string[]; exitCode?: number } {
  try {
    compileStages([{ stage: 'x', file: 'environments/x.yaml', text: [...lines, ''].join('\n') }]);
  } catch (e) {
    if (e instanceof ProblemsError)
      return { problems: e.problems.filter((p) => p.severity !== 'warning').map(formatProblem), exitCode: e.exitCode };
    throw e;
  }
  return { problems: [] };
}

const DEMOAPP =
  '  demoapp: { image: "demoapp:1", replicas: 1, database: { storage: 1Gi, backup: { schedule: "0 2 * * *", storage: 1Gi } } }';
const SERVICE = (name: string) => [`  ${name}:`, '    stack: service', '    image: team/api:1.4.2', '    ports: { http: { port: 8080 } }'];
const APPLIED_TOGETHER =
  'applied together, the second definition replaces the first (kubectl apply) or fails as already existing (kubectl create)';

describe('an object two apps make', () => {
  it('is reported at the later app, naming the earlier one and the setting that names the object there', () => {
    const { problems, exitCode } = refused(['apps:', DEMOAPP, ...SERVICE('mysql')]);
    expect(problems).toEqual([
      `environments/x.yaml:3:3: apps.mysql makes Service x/mysql, which apps.demoapp (line 2) makes too: ${APPLIED_TOGETHER}\n` +
        '  hint: one object, one app: rename apps.mysql, or name the Service of apps.demoapp with apps.demoapp.database.names.service',
    ]);
    expect(exitCode).toBe(ExitCode.badInput);
  });

  it('is reported at the setting that names it in the later app, whichever app is first by name', () => {
    const demoapp = DEMOAPP.replace('database: {', 'database: { names: { service: api },');
    const { problems } = refused(['apps:', ...SERVICE('api'), demoapp]);
    expect(problems).toEqual([
      `environments/x.yaml:6:${demoapp.indexOf('api }') + 1}: apps.demoapp.database.names.service makes Service x/api, which apps.api (line 2) makes too: ${APPLIED_TOGETHER}\n` +
        '  hint: one object, one app: name it otherwise here, or rename apps.api',
    ]);
  });

  it('is reported at the later app with the setting that would name it otherwise, when none named it', () => {
    expect(refused(['apps:', ...SERVICE('mysql'), DEMOAPP]).problems).toEqual([
      `environments/x.yaml:6:3: apps.demoapp makes Service x/mysql, which apps.mysql (line 2) makes too: ${APPLIED_TOGETHER}\n` +
        '  hint: one object, one app: name the Service of apps.demoapp with apps.demoapp.database.names.service, or rename apps.mysql',
    ]);
  });
});

describe('an object named after its app whose kind refuses the name', () => {
  it("is reported at the app's key: a Service must start with a letter", () => {
    const { problems, exitCode } = refused(['apps:', ...SERVICE('9api')]);
    expect(problems).toEqual([
      "environments/x.yaml:2:3: apps.9api names Service x/9api after itself: name '9api' is not a DNS-1035 label\n" +
        "  hint: rename the app: use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
    ]);
    expect(exitCode).toBe(ExitCode.badInput);
  });
});

describe('a warning a stack said at the stage-file setting that gave it', () => {
  /** The stage's warnings as `npm run synth -- --verbose` prints them: those at its settings, then the checks'. */
  function warned(settings: readonly string[]): string[] {
    const text = ['apps:', ...SERVICE('api'), ...settings.map((s) => `    ${s}`), ''].join('\n');
    const compiled = compileStages([{ stage: 'x', file: 'environments/x.yaml', text }]);
    const atSettings = (compiled.warnings.get('x') ?? []).map(formatProblem);
    const atObjects = compiled.checks.get('x')!.findings.map((f) => `${f.code} ${f.object.kind} ${f.path.join('.')}`);
    return [...atSettings, ...atObjects].filter((w) => /drain|thousandths|^refs\/pdb|^policy\/resource-units|memory/.test(w));
  }

  it('is said once, at the setting, not again at the object it made (a budget that blocks every drain, memory 512m)', () => {
    const found = warned(['replicas: 2', 'disruptionBudget: { minAvailable: 2 }', 'resources: { requests: { cpu: 100m, memory: 512m } }']);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(
      /^environments\/x\.yaml:7:\d+: warning: apps\.api\.disruptionBudget\.minAvailable is 2, not below replicas \(2\)/,
    );
    expect(found[1]).toMatch(/^environments\/x\.yaml:8:\d+: warning: apps\.api\.resources\.requests\.memory is 512m, 0\.512 bytes/);
  });
});

describe("the store of a secretStore stage's ExternalSecrets", () => {
  /** The errors of a stage whose Secret db comes from `store`, with a manifests app making `made` (a store). */
  const storeErrors = (store: string, made: string): string[] => {
    const text = `secretStore: ${store}\napps:\n  stores:\n    stack: manifests\n    include: [in]\n    secrets: { db: [password] }\n`;
    try {
      compileStages([{ stage: 'x', file: 'environments/x.yaml', text, readSource: () => new Map([['in/store.yaml', made]]) }]);
    } catch (e) {
      if (e instanceof ProblemsError) return e.problems.filter((p) => p.code === 'refs/secret-store').map(formatProblem);
      throw e;
    }
    return [];
  };
  const store = (kind: string, name: string) =>
    `apiVersion: external-secrets.io/v1\nkind: ${kind}\nmetadata: { name: ${name}, namespace: x }\nspec: { provider: { fake: { data: [] } } }\n`;

  it('is said at the stage file, once, with a fix for the stage file: the ExternalSecrets are stagecraft-made', () => {
    expect(storeErrors('{ name: vault }', store('ClusterSecretStore', 'vaults'))).toEqual([
      "environments/x.yaml:1:22: secretStore.name: the store of the stage's ExternalSecrets (ExternalSecret x/db): each names the ClusterSecretStore 'vault', but the objects' ClusterSecretStores are: vaults; External Secrets syncs nothing of it until the store is there\n" +
        "  hint: did you mean 'vaults' (secretStore.name of this file)? Or, if 'vault' is made outside the stage, declare it under checks.existingObjects in the stage file: ClusterSecretStore/vault",
    ]);
    // the kind: at secretStore.kind when written; the stage file's default kind is ClusterSecretStore
    expect(storeErrors('{ name: vault, kind: ClusterSecretStore }', store('SecretStore', 'vault'))).toEqual([
      expect.stringMatching(
        /^environments\/x\.yaml:1:35: secretStore\.kind: .*'vault' is a SecretStore of namespace 'x'.*\n {2}hint: set secretStore\.kind: SecretStore$/,
      ),
    ]);
    expect(storeErrors('{ name: vault, kind: SecretStore }', store('ClusterSecretStore', 'vault'))).toEqual([
      expect.stringMatching(
        /^environments\/x\.yaml:1:35: secretStore\.kind: .*\n {2}hint: set secretStore\.kind: ClusterSecretStore \(or remove kind, which defaults to it\)$/,
      ),
    ]);
    expect(storeErrors('{ name: vault }', store('ClusterSecretStore', 'vault'))).toEqual([]);
  });

  it('made outside the stage is declared under checks.existingObjects: then a store of a name near it is no finding', () => {
    const made = store('ClusterSecretStore', 'vaults');
    expect(storeErrors('{ name: vault }\nchecks: { existingObjects: [ClusterSecretStore/vault] }', made)).toEqual([]);
    expect(storeErrors('{ name: vault }\nchecks: { existingObjects: [SecretStore/x/vault] }', made)).toHaveLength(1);
  });
});

describe("a cert-manager issuer a service app's ingress annotation names", () => {
  it('is said at the annotation in the stage file when the objects make one of a name near it (refs/cert-issuer)', () => {
    const text = [
      'apps:',
      ...SERVICE('api'),
      '    ingress: { host: api.example.com, tlsSecret: api-tls, annotations: { cert-manager.io/cluster-issuer: letsencrpyt } }',
      '  issuers: { stack: manifests, include: [in] }',
      '',
    ].join('\n');
    const made = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: { name: letsencrypt }\nspec: { selfSigned: {} }\n';
    let problems: string[] = [];
    try {
      compileStages([{ stage: 'x', file: 'environments/x.yaml', text, readSource: () => new Map([['in/issuer.yaml', made]]) }]);
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      problems = e.problems.filter((p) => p.code === 'refs/cert-issuer').map(formatProblem);
    }
    expect(problems).toEqual([
      "environments/x.yaml:6:74: apps.api.ingress.annotations.cert-manager.io/cluster-issuer: Ingress x/api: names the ClusterIssuer 'letsencrpyt', but the objects' ClusterIssuers are: letsencrypt; cert-manager's ingress-shim makes a Certificate that waits for it (issuer not found): the TLS Secret is never written\n" +
        "  hint: did you mean 'letsencrypt'? Or, if 'letsencrpyt' is made outside the stage, declare it under checks.existingObjects in the stage file: ClusterIssuer/letsencrpyt",
    ]);
  });
});

describe("a check's finding about an app's object that no setting is known to have written", () => {
  it("is said at the app's key in the stage file, naming the object and its field, with the exit code of failed checks", () => {
    const { problems, exitCode } = refused([
      'checks: { podSecurity: restricted }',
      'apps:',
      '  private-app: { image: "localhost:5000/team/app:1", port: 8080 }',
    ]);
    expect(exitCode).toBe(ExitCode.checkFailed);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems)
      expect(p).toMatch(/^environments\/x\.yaml:3:3: Deployment x\/private-app: spec\.template\.spec\.containers\[0\]/);
    expect(problems[0]).toContain("container 'private-app' does not drop ALL capabilities (Pod Security Standard 'restricted')");
  });
});

describe("an ingress app's route to another app's Service", () => {
  const stage = (paths: readonly string[]) => ['apps:', ...SERVICE('api'), '  ingress:', '    paths:', ...paths.map((p) => `      ${p}`)];

  it('is refused at the path setting that names a Service the stage lacks, or a port the Service does not have', () => {
    const { problems, exitCode } = refused(stage(['/b: { service: apii, port: 80 }', '/: { service: api, port: 81 }']));
    expect(problems).toEqual([
      "environments/x.yaml:8:22: apps.ingress.paths./b.service: Ingress x/ingress: routes to Service 'apii', but the Services in namespace 'x' are: api\n" +
        "  hint: did you mean 'api'? Otherwise add the Service",
      "environments/x.yaml:9:32: apps.ingress.paths./.port: Ingress x/ingress: routes to port 81 of Service 'api', whose ports are: 8080 (http)\n" +
        "  hint: use one of the Service's ports",
    ]);
    expect(exitCode).toBe(ExitCode.badInput);
  });

  it('takes a route to a port the Service has', () => {
    expect(refused(stage(['/: { service: api, port: 8080 }'])).problems).toEqual([]);
  });
});

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
