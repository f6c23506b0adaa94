import { describe, expect, it } from 'vitest';
import { REQUIRED_SECRETS_ANNOTATION, formatRequiredSecrets, parseRequiredSecrets } from '../lib/required-secrets.js';
import { checkObjects } from '../lib/checks/index.js';
import { compileStages } from '../lib/compile.js';
import { STACKS } from '../apps/index.js';
import { StageLoader } from '../lib/config/load.js';
import { renderStage } from '../lib/synth/render.js';
import { ProblemsError, formatProblem } from '../lib/errors.js';
import { runCli, tempProject } from './helpers/cli.js';
import { find, problems, render, serviceStage } from './helpers/stage.js';

describe('the required-secrets annotation', () => {
  it('lists each Secret once, by name, with the keys of every declaration merged and sorted', () => {
    const value = formatRequiredSecrets([
      { name: 'mysqlsecret', keys: ['username', 'password'] },
      { name: 'demoapp-tls', keys: ['tls.key', 'tls.crt'] },
      { name: 'mysqlsecret', keys: ['database', 'username'] },
    ]);
    expect(value).toBe('demoapp-tls=tls.crt,tls.key; mysqlsecret=database,password,username');
    expect(parseRequiredSecrets(value)).toEqual([
      { name: 'demoapp-tls', keys: ['tls.crt', 'tls.key'] },
      { name: 'mysqlsecret', keys: ['database', 'password', 'username'] },
    ]);
  });

  it('writes a Secret whose keys are not listed by its name alone, which no keyed declaration of the name limits, and reads it back', () => {
    const value = formatRequiredSecrets([{ name: 'webhook', keys: ['ca.crt'] }, { name: 'webhook' }, { name: 'db', keys: ['password'] }]);
    expect(value).toBe('db=password; webhook');
    expect(parseRequiredSecrets(value)).toEqual([{ name: 'db', keys: ['password'] }, { name: 'webhook' }]);
    // `name=` lists no key: a pod may read none
    expect(parseRequiredSecrets('db=')).toEqual([{ name: 'db', keys: [] }]);
  });

  it('lets pods read any key of a Secret declared without its keys, and no key of one declared with none', () => {
    const ns = (required: string) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'qa', annotations: { 'stagecraft.dev/required-secrets': required } },
    });
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'qa' },
      spec: {
        containers: [
          { name: 'c', image: 'busybox:1.36', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'ca.crt' } } }] },
        ],
      },
    };
    const codes = (required: string) =>
      checkObjects([ns(required), pod])
        .findings.filter((f) => f.severity === 'error')
        .map((f) => f.code);
    expect(codes('db')).toEqual([]);
    expect(codes('db=')).toEqual(['refs/secret-key']);
    expect(codes('db=password')).toEqual(['refs/secret-key']);
  });

  it('lets the checks accept references to those Secrets and keys, and only those', () => {
    const ns = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'qa', annotations: { 'stagecraft.dev/required-secrets': 'db=password' } },
    };
    const pod = (key: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'qa' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key } } }] }] },
    });
    const errors = (key: string) =>
      checkObjects([ns, pod(key)])
        .findings.filter((f) => f.severity === 'error')
        .map((f) => f.message);
    expect(errors('password')).toEqual([]);
    expect(errors('user')).toHaveLength(1);
    expect(errors('user')[0]).toContain("'user'");
  });
});

describe('one Secret name used in two ways in a stage', () => {
  /** The problems of loading the stage file `text` as environments/a.yaml, formatted; [] when it loads. */
  const problemsOf = (text: string): string[] => problems(text, 'environments/a.yaml');
  const web = (secret: string) =>
    `  web:\n    stack: service\n    image: team/web:1\n    ports: { http: { port: 8080 } }\n    ingress: { host: web.example.com, tlsSecret: ${secret} }\n`;
  const api = (secret: string) => `  api:\n    stack: service\n    image: team/api:1\n    secrets: { ${secret}: { A: a, B: b } }\n`;

  it("is refused as an Ingress's TLS Secret and an env Secret at once, at the second use, naming both and the fix", () => {
    expect(problemsOf(`apps:\n${web('shared')}${api('shared')}`)).toEqual([
      "environments/a.yaml:10:16: apps.api.secrets.shared uses the Secret 'shared' as a Secret with keys a, b, which npm run secrets makes (type Opaque), " +
        'but apps.web.ingress.tlsSecret (line 6) uses it as a TLS Secret (type kubernetes.io/tls, keys tls.crt, tls.key), which is made outside stagecraft: ' +
        "one Secret cannot be both, since a Secret's type cannot change\n" +
        '  hint: use two Secrets: give one of them another name, at apps.api.secrets.shared or at apps.web.ingress.tlsSecret',
    ]);
    // in the other order in the file, at the TLS Secret; a stage whose Secrets come from a store makes them from there
    const [reversed] = problemsOf(`secretStore: { name: vault }\napps:\n${api('shared')}${web('shared')}`);
    expect(reversed).toMatch(
      /^environments\/a\.yaml:11:50: apps\.web\.ingress\.tlsSecret uses the Secret 'shared' as a TLS Secret .*, but apps\.api\.secrets\.shared \(line 6\) uses it as a Secret with keys a, b, which the stage's secret store makes \(type Opaque\): /,
    );
    // demoapp's database Secret, declared by its own mapping
    const db =
      '  demoapp:\n    image: demoapp:1\n    replicas: 1\n    database:\n      storage: 1Gi\n      backup: { schedule: "0 2 * * *", storage: 1Gi }\n      secret: { name: shared, keys: [username, password, database] }\n';
    expect(problemsOf(`apps:\n${db}${web('shared')}`)[0]).toMatch(
      /^environments\/a\.yaml:13:50: apps\.web\.ingress\.tlsSecret uses the Secret 'shared' .*, but apps\.demoapp\.database\.secret \(line 8\) uses it as a Secret with keys database, password, username, /,
    );
  });

  it('is accepted as the TLS Secret of two Ingresses, or the env Secret of two apps, whose keys the annotation merges', () => {
    const twoHosts = `apps:\n${web('tls')}${web('tls').replace('web', 'www').replace('web.example', 'www.example')}`;
    expect(problemsOf(twoHosts)).toEqual([]);
    expect(problemsOf(`apps:\n${api('env')}${api('env').replace('api', 'job').replace('A: a', 'C: c')}`)).toEqual([]);
  });

  it('makes npm run secrets exit 2 without printing a Secret', () => {
    const r = runCli('secrets', ['a'], tempProject({ a: `apps:\n${web('shared')}${api('shared')}` }), { SHARED_A: 'x', SHARED_B: 'y' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("environments/a.yaml:10:16: error: apps.api.secrets.shared uses the Secret 'shared'");
  });
});

describe('Secrets made outside stagecraft, declared under secrets.external', () => {
  /** A manifests app whose Pod reads key `key` of the Secret `ext`, with its included files. */
  const pod = (read: string) =>
    'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n' +
    `      ${read}\n`;
  const files = (read: string, more: Record<string, string> = {}) =>
    new Map(Object.entries({ 'in/pod.yaml': pod(read), ...more }).map(([f, t]) => [f, t]));
  const manifests = (extra = '') => `apps:\n  legacy:\n    stack: manifests\n    include: [in]\n${extra}`;
  const KEY = 'env: [{ name: X, valueFrom: { secretKeyRef: { name: ext, key: ca.crt } } }]';
  /** The errors compiling the stage finds (bad input or the checks'), formatted. */
  const errors = (text: string, included: ReadonlyMap<string, string> = files(KEY)): string[] => {
    try {
      compileStages([{ stage: 'x', file: 'environments/x.yaml', text, readSource: () => included }]);
    } catch (e) {
      if (e instanceof ProblemsError) return e.problems.filter((p) => p.severity !== 'warning').map(formatProblem);
      throw e;
    }
    return [];
  };

  it("satisfy a manifests app's pods (env keys, envFrom, volumes, imagePullSecrets) and are listed on the Namespace", () => {
    const text = `secrets:\n  external: [ext, { name: regcred, keys: [.dockerconfigjson] }]\n${manifests()}`;
    expect(errors(manifests())[0]).toContain("container 'c' env X uses Secret 'ext', but the Secrets in namespace 'x' are: none");
    expect(errors(text)).toEqual([]);
    const reads =
      'envFrom: [{ secretRef: { name: ext } }]\n  volumes: [{ name: v, secret: { secretName: ext, items: [{ key: tls.crt, path: c }] } }]\n' +
      '  imagePullSecrets: [{ name: regcred }]';
    expect(errors(text, files(reads))).toEqual([]);
    expect(
      find(render(text.replace('include: [in]', 'include: [in]\n    secrets: { db: [password] }')), 'Namespace').metadata.annotations,
    ).toEqual({
      [REQUIRED_SECRETS_ANNOTATION]: 'db=password; ext; regcred=.dockerconfigjson',
    });
  });

  it('refuse a key a pod reads that the declaration does not list, when it lists keys', () => {
    expect(errors(`secrets:\n  external: [{ name: ext, keys: [tls.crt, tls.key] }]\n${manifests()}`)).toEqual([
      "in/pod.yaml:8:51: Pod x/p: spec.containers[0].env[0].valueFrom.secretKeyRef: container 'c' env X reads key 'ca.crt' of Secret 'ext', which has the keys: tls.crt, tls.key\n" +
        "  hint: list 'ca.crt' among the Secret's keys where it is declared: in the stage file (secrets.external, or an app's secrets:), or in the stagecraft.dev/required-secrets annotation of a Namespace the manifests create; or read another key",
    ]);
  });

  it('are never made by npm run secrets nor by the secret store', () => {
    const text = `secrets: { external: [ext] }\n${serviceStage(['image: team/api:1', 'secrets: { api-db: { DB_USER: username } }'])}`;
    const r = runCli('secrets', ['a'], tempProject({ a: text }), { API_DB_USERNAME: 'u' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('name: api-db');
    expect(r.stdout).not.toContain('ext');
    const loaded = new StageLoader(STACKS).load(`secretStore: { name: vault }\n${text}`, 'environments/x.yaml');
    const rendered = renderStage(loaded as never, STACKS, '0.0.0', { secretStore: loaded.file.secretStore });
    const stored = rendered.charts.flatMap((c) => c.objects).filter((o) => o.kind === 'ExternalSecret');
    expect(stored.map((o) => o.metadata.name)).toEqual(['api-db']);
  });

  it("take an app's declaration of the Secret as theirs (a cert-manager client certificate in secretFiles), refusing at it a key they do not list", () => {
    const stage = (keys: string) =>
      `secrets:\n  external: [{ name: client-tls, keys: [tls.crt, tls.key, ca.crt] }]\n${serviceStage(['image: team/api:1', `secretFiles: { client-tls: { mountPath: /etc/tls, keys: ${keys} } }`])}`;
    expect(problems(stage('[tls.crt, tls.key]'))).toEqual([]);
    expect(find(render(stage('[tls.crt, tls.key]')), 'Namespace').metadata.annotations).toEqual({
      [REQUIRED_SECRETS_ANNOTATION]: 'client-tls=ca.crt,tls.crt,tls.key',
    });
    // made outside: npm run secrets neither makes it nor asks for its values
    const r = runCli('secrets', ['a'], tempProject({ a: stage('[tls.crt, tls.key]') }));
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('client-tls');
    expect(problems(stage('[tls.crt, client.key]'))).toEqual([
      "environments/x.yaml:7:20: apps.api.secretFiles.client-tls reads the key client.key of the Secret 'client-tls', which secrets.external[0].name (line 2) declares as made outside stagecraft with the keys tls.crt, tls.key, ca.crt\n" +
        '  hint: list client.key among the keys of secrets.external[0].name, if the Secret has it; or read another key',
    ]);
    // demoapp's database Secret, named there, is made outside stagecraft too (by the secret store no more)
    const db =
      'apps:\n  demoapp:\n    image: demoapp:1\n    replicas: 1\n    database:\n      storage: 1Gi\n      backup: { schedule: "0 2 * * *", storage: 1Gi }\n' +
      '      secret: { name: shared, keys: [username, password, database] }\n';
    expect(problems(`secretStore: { name: vault }\nsecrets:\n  external:\n    - { name: shared, keys: [password] }\n${db}`)[0]).toMatch(
      /^environments\/x\.yaml:12:\d+: apps\.demoapp\.database\.secret reads the keys username, database of the Secret 'shared'/,
    );
    // an Ingress's TLS Secret is made outside stagecraft too: the same Secret
    expect(
      problems(
        `secrets: { external: [web-tls] }\n${serviceStage(['image: team/api:1', 'ports: { http: { port: 8080 } }', 'ingress: { host: api.example.com, tlsSecret: web-tls }'])}`,
      ),
    ).toEqual([]);
  });

  it('are refused at the declaration when an app makes the Secret as an object (a manifests Secret)', () => {
    const token = 'apiVersion: v1\nkind: Secret\nmetadata: { name: ext }\ntype: kubernetes.io/service-account-token\n';
    expect(errors(`secrets:\n  external: [ext]\n${manifests()}`, files(KEY, { 'in/token.yaml': token }))).toEqual([
      "environments/x.yaml:2:14: secrets.external[0] declares the Secret 'ext' as made outside stagecraft, but apps.legacy makes it (a Secret object 'ext' of the stage's namespace, at in/token.yaml:3:19): " +
        'applied, it would replace the one made outside\n' +
        "  hint: if apps.legacy makes it, remove it from secrets.external; if something else makes it, remove the Secret from the app's objects",
    ]);
  });

  it('are refused when one name is declared twice, and when a name or key is not one Kubernetes takes', () => {
    expect(problems(`secrets:\n  external: [ext, { name: ext, keys: [a] }]\n${manifests()}`)).toEqual([
      "environments/x.yaml:2:27: secrets.external[1].name declares the Secret 'ext', which secrets.external[0] (line 2) declares already\n" +
        '  hint: declare each Secret once: remove one of them (one without keys lets pods read any key)',
    ]);
    expect(problems(`secrets:\n  external: [{ name: ext, keys: [b] }, { name: ext, keys: [a] }]\n${manifests()}`)[0]).toContain(
      'hint: declare each Secret once: remove one of them, and list the keys of both in the other',
    );
    const bad = problems(`secrets:\n  external: [Ext, { name: ext, keys: [a/b] }]\n${manifests()}`);
    expect(bad.map((p) => p.split(': ')[0])).toEqual(['environments/x.yaml:2:14', 'environments/x.yaml:2:39']);
  });
});
