import { describe, expect, it } from 'vitest';
import { formatRequiredSecrets, parseRequiredSecrets } from '../lib/required-secrets.js';
import { checkObjects } from '../lib/checks/index.js';
import { runCli, tempProject } from './helpers/cli.js';
import { problems } from './helpers/stage.js';

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
