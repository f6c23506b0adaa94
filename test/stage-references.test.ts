import { describe, expect, it, vi } from 'vitest';

// the readings of a manifests app's files to place what it defines, counted
vi.mock('../lib/checks/manifests.js', async (original) => {
  const actual = await original<typeof import('../lib/checks/manifests.js')>();
  return { ...actual, includedPlaces: vi.fn(actual.includedPlaces) };
});

// the suite keeps a worker's modules between files (isolate: false): the compiler loaded by an earlier file would place
// with the real includedPlaces, so it is loaded again here (its errors' class with it), with the counted one
vi.resetModules();
const { compileStages } = await import('../lib/compile.js');
const { ExitCode, ProblemsError, formatProblem } = await import('../lib/errors.js');
const includedPlaces = vi.mocked((await import('../lib/checks/manifests.js')).includedPlaces);

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

describe("an object a manifests app's files define that another app, or the stage, makes too", () => {
  /** The duplicate errors of a stage file of `lines` whose apps include the files `files` (path -> text). */
  const duplicates = (lines: readonly string[], files: Record<string, string>): string[] => {
    try {
      compileStages([
        { stage: 'x', file: 'environments/x.yaml', text: [...lines, ''].join('\n'), readSource: () => new Map(Object.entries(files)) },
      ]);
    } catch (e) {
      if (e instanceof ProblemsError) return e.problems.filter((p) => p.code === 'refs/duplicate-object').map(formatProblem);
      throw e;
    }
    return [];
  };
  const manifests = (name: string, include: string) => [`  ${name}:`, '    stack: manifests', `    include: [${include}]`];
  const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: { app: api }\n  ports: [{ port: 80 }]\n';
  const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata: { a: "1" }\n';

  it("is reported at the document that defines it, whose name is the file's (renaming the app renames nothing)", () => {
    expect(duplicates(['apps:', ...SERVICE('api'), ...manifests('legacy', 'in/legacy')], { 'in/legacy/api.yaml': service })).toEqual([
      `in/legacy/api.yaml:4:9: apps.legacy makes Service x/api, which apps.api (line 2) makes too: ${APPLIED_TOGETHER}\n` +
        "  hint: one object, one app: rename or remove it here (its name is the file's, not the app's), or rename apps.api",
    ]);
    // the manifests app first: the service app is the later one, and the file is where the first is
    expect(duplicates(['apps:', ...manifests('legacy', 'in/legacy'), ...SERVICE('api')], { 'in/legacy/api.yaml': service })).toEqual([
      `environments/x.yaml:5:3: apps.api makes Service x/api, which apps.legacy (line 2) makes too: ${APPLIED_TOGETHER}\n` +
        '  first defined at in/legacy/api.yaml:4:9\n' +
        '  hint: one object, one app: rename apps.api, or rename or remove it in in/legacy/api.yaml',
    ]);
  });

  it("is reported at the later app's own file, with the first app's, or as one file two apps include", () => {
    const files = { 'in/a/cm.yaml': configMap, 'in/b/cm.yaml': `# the same, kept twice\n${configMap}` };
    expect(duplicates(['apps:', ...manifests('b', 'in/b'), ...manifests('a', 'in/a')], files)).toEqual([
      `in/a/cm.yaml:4:9: apps.a makes ConfigMap x/shared, which apps.b (line 2) makes too: ${APPLIED_TOGETHER}\n` +
        '  first defined at in/b/cm.yaml:5:9\n' +
        "  hint: one object, one app: rename or remove it here (its name is the file's, not the app's), or rename or remove it in in/b/cm.yaml",
    ]);
    expect(duplicates(['apps:', ...manifests('a', 'in/a'), ...manifests('again', 'in/a/cm.yaml')], files)).toEqual([
      `in/a/cm.yaml:4:9: apps.again makes ConfigMap x/shared, which apps.a (line 2) makes too: ${APPLIED_TOGETHER}\n` +
        '  hint: one object, one app: include in/a/cm.yaml in apps.a or apps.again, not both',
    ]);
  });

  it("reads each app's files once, however many of their objects the other app defines too", () => {
    // each of 30 duplicates read both apps' 30 files again: 60 readings of 30 files (400 objects took 11 s, 2 s so)
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) for (const dir of ['a', 'b']) files[`in/${dir}/cm${i}.yaml`] = configMap.replace('shared', `cm${i}`);
    includedPlaces.mockClear();
    const found = duplicates(['apps:', ...manifests('a', 'in/a'), ...manifests('b', 'in/b')], files);
    expect(found).toHaveLength(30);
    expect(found[0]).toMatch(/^in\/b\/cm0\.yaml:4:9: apps\.b makes ConfigMap x\/cm0, .*\n {2}first defined at in\/a\/cm0\.yaml:4:9\n/);
    // one for each app, and those of the checks' other places
    expect(includedPlaces.mock.calls.filter(([f]) => f?.size === 30)).toHaveLength(2);
  });

  it("is the stage's own Namespace: said at the document, to be removed from the file", () => {
    expect(
      duplicates(['apps:', ...manifests('legacy', 'in')], { 'in/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n' }),
    ).toEqual([
      `in/ns.yaml:4:9: apps.legacy makes Namespace x, which the stage makes itself: ${APPLIED_TOGETHER}\n` +
        "  hint: remove it from this file: stagecraft makes the stage's Namespace from the stage file",
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
