import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { compileStages } from '../../lib/compile.js';
import { StageLoader } from '../../lib/config/load.js';
import { type ProblemsError, formatProblem } from '../../lib/errors.js';
import { planPromotion } from '../../lib/promotion.js';
import { renderStage } from '../../lib/synth/render.js';
import { REPO, writeTree } from '../helpers/cli.js';

const FIXTURE = 'test/fixtures/stages/web-api.yaml';
const text = readFileSync(join(REPO, FIXTURE), 'utf8');
const loader = new StageLoader(STACKS);
const objects = (yaml: string, file = 'environments/x.yaml') =>
  renderStage(loader.load(yaml, file) as never, STACKS, '0.0.0').charts.flatMap((c) => c.objects);
const find = (list: ReturnType<typeof objects>, kind: string, name?: string) =>
  list.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
// eslint-style narrowing of the pod spec of a rendered Deployment, for assertions
const podSpec = (o: unknown) => (o as { spec: { template: { spec: Record<string, any> } } }).spec.template.spec; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the service stack', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('deploys a typical web API at restricted Pod Security, passing the checks and the strict referee', () => {
    const compiled = compileStages([{ stage: 'web-api', file: FIXTURE, text }]);
    expect(compiled.checks.get('web-api')!.findings).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-service-'));
    dirs.push(dir);
    writeTree(join(dir, 'dist'), compiled.tree);
    const referee = join(REPO, '..', 'shared', 'bin', 'k8s-strict-check');
    expect(existsSync(referee), 'the strict referee ../shared/bin/k8s-strict-check is needed').toBe(true);
    const r = spawnSync(referee, [join(dir, 'dist')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
  });

  it('names ports, reads declared Secret keys, mounts config files and the claim, and runs restricted', () => {
    const list = objects(text);
    const pod = podSpec(find(list, 'Deployment', 'api'));
    const c = pod.containers[0];
    expect(c.ports.map((p: { name: string }) => p.name)).toEqual(['http', 'metrics']);
    expect(c.env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'api-db', key: 'password' } } });
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(['/tmp', '/etc/api', '/var/run/gcp', '/var/lib/api']);
    expect(find(list, 'Service', 'api')!.spec).toMatchObject({
      ports: [
        { name: 'http', targetPort: 'http' },
        { name: 'metrics', targetPort: 'metrics' },
      ],
    });
    expect(find(list, 'PersistentVolumeClaim', 'api-data')!.spec).toMatchObject({
      storageClassName: 'nfs-client',
      accessModes: ['ReadWriteMany'],
    });
    expect(find(list, 'PersistentVolumeClaim', 'search-data')!.spec).toMatchObject({
      storageClassName: 'standard',
      accessModes: ['ReadWriteOnce'],
    });
    expect(find(list, 'Deployment', 'search')!.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    expect(find(list, 'HorizontalPodAutoscaler', 'api')).toBeDefined();
    expect(find(list, 'Ingress', 'api')!.spec).toMatchObject({ tls: [{ secretName: 'api-tls' }] });
    expect(find(list, 'Ingress', 'api')!.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    expect(c.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(podSpec(find(list, 'Deployment', 'search')).containers[0].livenessProbe).toEqual({ tcpSocket: { port: 'transport' } });
  });

  it('uses the hostPath volume and claim pair without a storage class', () => {
    const list = objects(
      'apps:\n  db:\n    stack: service\n    image: team/db:2\n    storage: { mountPath: /data, size: 2Gi }\n',
      'environments/lab.yaml',
    );
    expect(find(list, 'PersistentVolume', 'db-data-lab')!.spec).toMatchObject({ hostPath: { path: '/data/volumes/db-lab' } });
    expect(find(list, 'PersistentVolumeClaim', 'db-data')!.spec).toMatchObject({ volumeName: 'db-data-lab' });
    expect(find(list, 'Service')).toBeUndefined();
  });

  it('relaxes the security context only for declared exceptions, and says so on the Deployment', () => {
    const list = objects(
      'apps:\n  legacy:\n    stack: service\n    image: team/legacy:1\n    security:\n      writableRootFilesystem: true\n      exceptions: { run-as-root: the image needs uid 0 to bind port 80 }\n',
    );
    const d = find(list, 'Deployment', 'legacy')!;
    expect(d.metadata.annotations).toEqual({ 'policy.stagecraft.dev/run-as-root': 'the image needs uid 0 to bind port 80' });
    const sc = podSpec(d).containers[0].securityContext;
    expect(sc.runAsNonRoot).toBeUndefined();
    expect(sc.readOnlyRootFilesystem).toBe(false);
    expect(sc.allowPrivilegeEscalation).toBe(false);
  });

  it('runs blue/green with the Service on the live color', () => {
    const list = objects(
      'apps:\n  web:\n    stack: service\n    blueGreen: { live: green, blue: web:1, green: web:2 }\n    ports: { http: { port: 80 } }\n',
    );
    expect(list.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['web-blue', 'web-green']);
    expect(find(list, 'Service', 'web')!.spec).toMatchObject({ selector: { name: 'web', color: 'green' } });
  });

  it('gives each color a NodePort Service on the HTTP port with service.colorNodePorts, as demoapp does', () => {
    const list = objects(
      [
        'apps:',
        '  web:',
        '    stack: service',
        '    blueGreen: { live: green, blue: web:1, green: web:2 }',
        '    ports: { metrics: { port: 9090 }, http: { port: 8080 } }',
        '    service: { colorNodePorts: { blue: 30031, green: 30032 } }',
        '',
      ].join('\n'),
    );
    for (const [color, nodePort] of [
      ['blue', 30031],
      ['green', 30032],
    ] as const) {
      expect(find(list, 'Service', `web-${color}`)!.spec).toEqual({
        type: 'NodePort',
        selector: { name: 'web', color, 'app.kubernetes.io/instance': 'web-x' },
        ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', nodePort }],
      });
    }
    // the Service web stays as it was: ClusterIP, on the live color, every port
    expect(find(list, 'Service', 'web')!.spec).toMatchObject({ selector: { name: 'web', color: 'green' } });
    expect((find(list, 'Service', 'web')!.spec as { type?: string }).type ?? 'ClusterIP').toBe('ClusterIP');
  });

  it("puts a color's Service on the port the readiness probe checks when no port is named http", () => {
    const list = objects(
      [
        'apps:',
        '  web:',
        '    stack: service',
        '    blueGreen: { live: blue, blue: web:1, green: web:1 }',
        '    ports: { metrics: { port: 9090 }, web: { port: 8080 } }',
        '    probes: { readiness: { http: { path: /ready, port: 8080 } } }',
        '    service: { colorNodePorts: { blue: 30031, green: 30032 } }',
        '',
      ].join('\n'),
    );
    expect(find(list, 'Service', 'web-blue')!.spec).toMatchObject({ ports: [{ name: 'web', port: 8080, nodePort: 30031 }] });
  });

  it("puts a color's Service on the port named http, not on an admin port the readiness probe checks (where the edge sends the traffic)", () => {
    const list = objects(
      [
        'apps:',
        '  web:',
        '    stack: service',
        '    blueGreen: { live: blue, blue: web:1, green: web:1 }',
        '    ports: { http: { port: 8080 }, admin: { port: 9090 } }',
        '    probes: { readiness: { http: { path: /ready, port: admin } } }',
        '    service: { colorNodePorts: { blue: 30031, green: 30032 } }',
        '',
      ].join('\n'),
    );
    expect(find(list, 'Service', 'web-blue')!.spec).toMatchObject({ ports: [{ name: 'http', port: 8080, nodePort: 30031 }] });
  });

  it('refuses service.colorNodePorts without blueGreen, or when no port is known to serve HTTP', () => {
    expect(() =>
      objects(
        'apps:\n  a:\n    stack: service\n    image: a:1\n    ports: { http: { port: 80 } }\n    service: { colorNodePorts: { blue: 30031, green: 30032 } }\n',
      ),
    ).toThrow(
      'environments/x.yaml:6:32: apps.a.service.colorNodePorts needs blueGreen (there is one Service per color only when the app runs blue/green)',
    );
    expect(() =>
      objects(
        'apps:\n  a:\n    stack: service\n    blueGreen: { live: blue, blue: a:1, green: a:1 }\n    ports: { web: { port: 80 }, metrics: { port: 9090 } }\n    service: { colorNodePorts: { blue: 30031, green: 30032 } }\n',
      ),
    ).toThrow(
      "apps.a.service.colorNodePorts needs to know which port serves HTTP, to give each color's Service that one (found ports web, metrics, none named http, and no HTTP readiness check on one of them)",
    );
  });

  it('refuses contradictory settings and secret values, with their place', () => {
    expect(() =>
      objects('apps:\n  a:\n    stack: service\n    image: a:1\n    blueGreen: { live: blue, blue: a:1, green: a:1 }\n'),
    ).toThrow('environments/x.yaml:4:12: apps.a.image cannot be set together with blueGreen');
    expect(() =>
      objects(
        'apps:\n  a:\n    stack: service\n    image: a:1\n    ports: { http: { port: 80 } }\n    ingress: { host: a.example.com, tlsSecret: t, port: web }\n',
      ),
    ).toThrow('apps.a.ingress.port is not one of ports (http)');
    expect(() => objects('apps:\n  a:\n    stack: service\n    image: a:1\n    env: { DB_PASSWORD: hunter2 }\n')).toThrow(
      'apps.a.env.DB_PASSWORD looks like a secret value',
    );
  });

  it("refuses env by the secret screen's rule, not by a word in the name: a property of a secret or a switch passes, and secrets.allow excuses a value", () => {
    const env = (more = '') =>
      'apps:\n  a:\n    stack: service\n    image: a:1\n    env:\n' +
      '      TOKEN_AUDIENCE: api.example.com\n      PASSWORD_MIN_LENGTH: "12"\n      OAUTH_TOKEN_URL: https://sso.example.com/token\n' +
      '      MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: "yes"\n      TOKEN_GITHUB: demo-public-token\n' +
      more;
    const problems = (text: string) => {
      try {
        compileStages([{ stage: 'x', file: 'environments/x.yaml', text }]);
      } catch (e) {
        return (e as ProblemsError).problems.map(formatProblem);
      }
      return [];
    };
    expect(problems(env())).toEqual([
      'environments/x.yaml:10:21: apps.a.env.TOKEN_GITHUB looks like a secret value, and stage files are committed: secret values go in .secrets/x.env or environment variables, never in a stage file\n' +
        '  hint: declare it under secrets: { <secret>: { TOKEN_GITHUB: <key> } } and set the value in .secrets/x.env; if it is not secret, add { path: <this setting>, reason: <why> } under secrets.allow',
    ]);
    const allowed = env('secrets:\n  allow:\n    - { path: apps.a.env.TOKEN_GITHUB, reason: the token of the public demo account }\n');
    expect(problems(allowed)).toEqual([]);
    expect(compileStages([{ stage: 'x', file: 'environments/x.yaml', text: allowed }]).allowedSecrets.get('x')).toEqual([
      "secret allowed: apps.a.env.TOKEN_GITHUB (the value of 'TOKEN_GITHUB'): the token of the public demo account",
    ]);
  });

  it('refuses two ports with one number and protocol at the second port, naming the first, and nothing else about them', () => {
    const stage =
      'apps:\n  api:\n    stack: service\n    image: a:1\n    ports: { http: { port: 8080 }, alt: { port: 8080 }, dns: { port: 8080, protocol: UDP } }\n';
    const problems = (() => {
      try {
        compileStages([{ stage: 'x', file: 'environments/x.yaml', text: stage }]);
      } catch (e) {
        return (e as ProblemsError).problems.map(formatProblem);
      }
      return [];
    })();
    // one problem, at the stage file: the Deployment's and the Service's repeated ports are not said again
    expect(problems).toEqual([
      'environments/x.yaml:5:49: apps.api.ports.alt.port is 8080 (TCP), as ports.http.port is: the container and its Service take each port number once per protocol\n' +
        '  hint: give ports.alt a port of its own, or remove it and use ports.http',
    ]);
  });

  it('warns about a memory quantity off by its unit at the stage file, kept with the warnings of the stage, not again at the Deployment, and writes the stage', () => {
    const compiled = compileStages([
      {
        stage: 'x',
        file: 'environments/x.yaml',
        text: 'apps:\n  api:\n    stack: service\n    image: a:1\n    resources: { requests: { memory: 512m } }\n',
      },
    ]);
    expect((compiled.warnings.get('x') ?? []).map(formatProblem)).toEqual([
      'environments/x.yaml:5:38: warning: apps.api.resources.requests.memory is 512m, 0.512 bytes (the suffix m means thousandths, not mebibytes); did you mean 512Mi?\n' +
        '  hint: write memory in Mi or Gi (mebibytes, gibibytes): the API server takes m, but no container runs in a fraction of a byte',
    ]);
    expect(
      compiled.checks
        .get('x')!
        .findings.filter((f) => f.code.startsWith('quantity/'))
        .map((f) => f.message),
    ).toEqual([]);
    expect(compiled.tree.get('x')).toBeDefined();
  });

  it('promotes its release like demoapp: the image, or the idle color', () => {
    const from = loader.load('apps:\n  api:\n    stack: service\n    image: api:2\n', 'environments/qa.yaml');
    const to = loader.load(
      'apps:\n  api:\n    stack: service\n    blueGreen: { live: blue, blue: api:1, green: api:1 }\n',
      'environments/production.yaml',
    );
    expect(planPromotion(from, to, STACKS)).toEqual({
      edits: [{ path: ['apps', 'api', 'blueGreen', 'green'], value: 'api:2' }],
      notes: [],
    });
  });
});

describe("a service's Services", () => {
  it("send traffic to the app's own pods only: not to a manifests app's labelled name: <the app's name> (the Deployment keeps its selector, which cannot change)", () => {
    const legacy = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: legacy-web }',
      'spec:',
      '  selector: { matchLabels: { name: web } }',
      '  template:',
      '    metadata: { labels: { name: web } }',
      '    spec: { containers: [{ name: legacy, image: team/legacy:1.0, ports: [{ name: http, containerPort: 8080 }] }] }',
      '',
    ].join('\n');
    const text = [
      'apps:',
      '  web:',
      '    stack: service',
      '    image: web:2',
      '    ports: { http: { port: 8080 } }',
      '  legacy: { stack: manifests, include: [manifests/legacy.yaml] }',
      '',
    ].join('\n');
    const compiled = compileStages([
      { stage: 'x', file: 'environments/x.yaml', text, readSource: () => new Map([['manifests/legacy.yaml', legacy]]) },
    ]);
    const list = compiled.stages[0].charts.flatMap((c) => c.objects);
    const spec = (o: unknown) =>
      (o as { spec: { selector: Record<string, string>; template: { metadata: { labels: Record<string, string> } } } }).spec;
    const behind = (service: string) =>
      list
        .filter((o) => o.kind === 'Deployment')
        .filter((d) =>
          Object.entries(spec(find(list, 'Service', service)).selector).every(([k, v]) => spec(d).template.metadata.labels[k] === v),
        )
        .map((d) => d.metadata.name);
    expect(behind('web')).toEqual(['web']);
    expect(spec(find(list, 'Service', 'web')).selector).toEqual({ name: 'web', 'app.kubernetes.io/instance': 'web-x' });
    expect(spec(find(list, 'Deployment', 'web')).selector).toEqual({ matchLabels: { name: 'web' } });
  });
});
