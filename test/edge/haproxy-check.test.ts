/**
 * Every generated haproxy.cfg is checked by the real HAProxy (`haproxy -c -f`), with self-signed
 * certificates made here standing in for the edge machine's: the committed dist/ configs, whichever
 * stages have them, and a config compiled from a fixture that uses the settings the example stages
 * do not. That config, broken, must be rejected, so that the check cannot pass by checking nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { compileEdge, legacy } from './helpers.js';

const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
const HAPROXY_MISSING =
  'haproxy is not installed, so the generated haproxy.cfg files cannot be checked: ' +
  'apt-get update && apt-get install -y haproxy (.ci/run installs it when missing)';

let dir: string;
let certificate: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stagecraft-haproxy-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=edge.test', '-keyout', key, '-out', cert],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl could not make a test certificate: ${r.stderr || r.error}`);
  // HAProxy wants the certificate and its key in one PEM file
  certificate = join(dir, 'edge.pem');
  writeFileSync(certificate, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `haproxy -c` on a config whose certificate paths point at the test certificate. */
function check(config: string, name: string): { status: number | null; output: string } {
  if (haproxy.error) throw new Error(HAPROXY_MISSING);
  const crt = [...config.matchAll(/ crt (\S+)/g)].map((m) => m[1]);
  expect(crt.length, `${name} has no certificate to offload TLS with`).toBeGreaterThan(0);
  const path = join(dir, name.replace(/[^a-z0-9.]+/gi, '_'));
  writeFileSync(path, config.replace(/ crt \S+/g, ` crt ${certificate}`));
  const r = spawnSync('haproxy', ['-c', '-f', path], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** `haproxy -c` accepts `config` without a warning or an alert; what it printed, for more assertions. */
function expectAccepted(config: string, name: string): string {
  const r = check(config, name);
  expect(r.output).not.toMatch(/\[(WARNING|ALERT)\]/);
  expect(r.status).toBe(0);
  return r.output;
}

/** A stage publishing api.example.com to app api of the service stack, whose settings are `lines` (YAML, one setting each). */
const serviceApp = (lines: readonly string[]) => `
nodes:
  a: { address: 10.0.0.1 }
edge:
  machines: { lb1: { address: 10.0.0.5 } }
  frontends:
    web:
      certificates: [/etc/haproxy/certs/a.pem]
      hosts: { api.example.com: api }
apps:
  api:
    stack: service
${lines.map((l) => `    ${l}\n`).join('')}`;

const committed = readdirSync(join(REPO, 'dist'))
  .map((stage) => join('dist', stage, 'edge', 'haproxy.cfg'))
  .filter((p) => existsSync(join(REPO, p)));

describe('haproxy -c', () => {
  it('is installed (the tests below need it)', () => {
    expect(haproxy.error, HAPROXY_MISSING).toBeUndefined();
    expect(haproxy.stdout).toMatch(/^HAProxy version/);
  });

  it.each(committed)('accepts %s without a warning', (path) => {
    expect(expectAccepted(readFileSync(join(REPO, path), 'utf8'), path)).toContain('Configuration file is valid');
  });

  it('accepts a config with two frontends, several certificates, no redirect, no gzip and an app without a readiness probe', () => {
    const config = fixtureConfig();
    expect(config).toContain('bind :8443 ssl crt /etc/haproxy/certs/internal.pem');
    expectAccepted(config, 'fixture.cfg');
  });

  it('accepts the values a stage file may give it as they are: a readiness path percent-encoded or holding any other URL path character, an IPv6 node', () => {
    const path = '/a%20b%23c/~d_e-f.g/!$&()*+,;=:@?q=%22&r=1';
    const { files } = compileEdge(`
nodes:
  a: { address: 10.0.0.1 }
  b: { address: 'fd00::2' }
edge:
  machines: { lb1: { address: lb1.example.com } }
  frontends:
    web:
      certificates: [/etc/haproxy/certs/a_b-c.d.pem]
      hosts: { one.example.com: nginx }
apps:
  nginx: { replicas: 1, readinessPath: '${path}', service: { type: NodePort, nodePort: 30100 } }
`);
    const config = files.get('edge/haproxy.cfg')!;
    expect(config).toContain(`\n    http-check send meth GET uri ${path} ver HTTP/1.1 hdr Host one.example.com\n`);
    expect(config).toContain('\n    server b fd00::2:30100 check\n');
    expectAccepted(config, 'plain-words.cfg');
  });

  it('accepts a frontend on other ports that redirects plain HTTP to its own httpsPort, with HSTS', () => {
    const { files } = compileEdge(`
nodes:
  a: { address: 10.0.0.1 }
edge:
  machines: { lb1: { address: 10.0.0.5 } }
  frontends:
    web:
      certificates: [/etc/haproxy/certs/a.pem]
      httpPort: 18080
      httpsPort: 18443
      hsts: { maxAge: 31536000, includeSubDomains: true }
      hosts: { one.example.com: nginx }
apps:
  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: 30100 } }
`);
    const config = files.get('edge/haproxy.cfg')!;
    expect(config).toContain(':18443%[pathq] code 308 unless { ssl_fc }\n');
    expect(config).toContain(
      '    http-after-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains" if { ssl_fc }\n',
    );
    expect(config).not.toContain('redirect scheme');
    expectAccepted(config, 'other-ports.cfg');
  });

  it('accepts the frontends of an edge machine with an IPv6 address, which listen on IPv4 and IPv6', () => {
    const { files } = compileEdge(`
nodes:
  a: { address: 10.0.0.1 }
edge:
  machines: { lb: { address: '::1' } }
  frontends:
    web:
      certificates: [/etc/haproxy/certs/a.pem]
      httpsPort: 18443
      hosts: { one.example.com: nginx }
apps:
  nginx: { replicas: 1, readinessPath: /, service: { type: NodePort, nodePort: 30100 } }
`);
    const config = files.get('edge/haproxy.cfg')!;
    expect(config).toContain('\n    bind :80\n    bind :::80 v6only\n    bind :18443 ssl crt ');
    expect(config).toMatch(/\n {4}bind :::18443 v6only ssl crt \S+ alpn h2,http\/1\.1\n/);
    expect(config).toContain('https://%[var(txn.host)]:18443%[pathq]');
    expectAccepted(config, 'ipv6.cfg');
  });

  it('accepts the backends of a blue/green service app, one per color', () => {
    const { files } = compileEdge(
      serviceApp([
        'blueGreen: { live: blue, blue: team/api:1, green: team/api:2 }',
        'ports: { http: { port: 8080 } }',
        'probes: { readiness: { http: { path: /ready } } }',
        'service: { colorNodePorts: { blue: 30031, green: 30032 } }',
      ]),
    );
    const config = files.get('edge/haproxy.cfg')!;
    expect(config).toContain('\nbackend api-blue\n');
    expect(config).toContain('\nbackend api-green\n');
    expectAccepted(config, 'service-blue-green.cfg');
  });

  it('accepts a drained node (edge.drainedNodes) in the backends of both colors', () => {
    const stage = serviceApp([
      'blueGreen: { live: blue, blue: team/api:1, green: team/api:2 }',
      'ports: { http: { port: 8080 } }',
      'probes: { readiness: { http: { path: /ready } } }',
      'service: { colorNodePorts: { blue: 30031, green: 30032 } }',
    ]).replace(
      '  a: { address: 10.0.0.1 }\nedge:\n',
      '  a: { address: 10.0.0.1 }\n  b: { address: 10.0.0.2 }\nedge:\n  drainedNodes: [b]\n',
    );
    const config = compileEdge(stage).files.get('edge/haproxy.cfg')!;
    expect(config.match(/^ {4}server b 10\.0\.0\.2:\d+ check backup$/gm)).toHaveLength(2);
    expectAccepted(config, 'drained.cfg');
  });

  it("accepts a backend checked at another node port than the one it serves (the readiness probe's)", () => {
    const { files } = compileEdge(
      serviceApp([
        'image: team/api:1',
        'service: { type: NodePort }',
        'ports: { http: { port: 8080, nodePort: 30040 }, admin: { port: 9090, nodePort: 30041 } }',
        'probes: { readiness: { http: { path: /ready, port: admin } } }',
      ]),
    );
    const config = files.get('edge/haproxy.cfg')!;
    expect(config).toContain('    server a 10.0.0.1:30040 check port 30041\n');
    expectAccepted(config, 'check-port.cfg');
  });

  it.each(['api.internal', 'api.internal:8080', '[fd00::1]:8080', '10.0.0.9'])(
    "accepts the readiness probe's own Host header %s, sent as it is",
    (host) => {
      const probe = `readinessProbe: { httpGet: { path: /ready, port: 80, httpHeaders: [{ name: Host, value: "${host}" }] } }`;
      const manifest = legacy(
        [`{ name: web, image: "nginx:1.25", ports: [{ containerPort: 80 }], ${probe} }`],
        '[{ port: 80, nodePort: 30200 }]',
      );
      const text = serviceApp([])
        .replace('hosts: { api.example.com: api }', 'hosts: { api.example.com: legacy }')
        .replace(/ {2}api:\n.*$/s, '  legacy: { stack: manifests, include: [in] }\n');
      const config = compileEdge(text, { in: { 'in/legacy.yaml': manifest } }).files.get('edge/haproxy.cfg')!;
      expect(config).toContain(`\n    http-check send meth GET uri /ready ver HTTP/1.1 hdr Host ${host}\n`);
      expectAccepted(config, 'probe-host.cfg');
    },
  );

  /** The haproxy.cfg of a stage publishing api.example.com to a manifests app whose pods run `container` behind a Service of `ports` (flow YAML). */
  const legacyCompiled = (container: string, ports: string) => {
    const text = serviceApp([])
      .replace('hosts: { api.example.com: api }', 'hosts: { api.example.com: legacy }')
      .replace(/ {2}api:\n.*$/s, '  legacy: { stack: manifests, include: [in] }\n');
    return compileEdge(text, { in: { 'in/legacy.yaml': legacy([container], ports) } }).files.get('edge/haproxy.cfg')!;
  };

  it('accepts the backend of pods that serve HTTPS (their readiness probe says scheme: HTTPS): traffic and checks over TLS, unverified as the kubelet checks them', () => {
    const probe = 'readinessProbe: { httpGet: { path: /ready, port: 8443, scheme: HTTPS } }';
    const config = legacyCompiled(
      `{ name: web, image: "team/web:1", ports: [{ containerPort: 8443 }], ${probe} }`,
      '[{ port: 443, targetPort: 8443, nodePort: 30200 }]',
    );
    // plain HTTP to a port that speaks TLS is refused (a 400, or the connection reset), and so is every check: every server out, 503
    expect(config).toContain('\n    server a 10.0.0.1:30200 check ssl verify none\n');
    expect(config).toContain('\n    http-check send meth GET uri /ready ver HTTP/1.1 hdr Host api.example.com\n');
    // said where the reader of haproxy.cfg, and of npm run diff's lines, meets `verify none`
    expect(config).toContain(
      "\n    # over TLS to the pods: the traffic and the checks, their certificate not verified (verify none), as the kubelet does not verify an HTTPS probe's: most often self-signed or for a name inside the cluster\n",
    );
    expectAccepted(config, 'https-pods.cfg');
  });

  it('accepts the backend of pods checked over HTTPS at another port than the one that serves: the checks alone over TLS', () => {
    const probe = 'readinessProbe: { httpGet: { path: /ready, port: 9443, scheme: HTTPS } }';
    const config = legacyCompiled(
      `{ name: web, image: "team/web:1", ports: [{ name: http, containerPort: 8080 }, { name: admin, containerPort: 9443 }], ${probe} }`,
      '[{ name: http, port: 80, targetPort: 8080, nodePort: 30200 }, { name: admin, port: 9443, targetPort: 9443, nodePort: 30201 }]',
    );
    expect(config).toContain('\n    server a 10.0.0.1:30200 check port 30201 check-ssl verify none\n');
    expect(config).toContain('\n    # over TLS to the pods: the checks, their certificate not verified (verify none), as the kubelet');
    expectAccepted(config, 'https-check-port.cfg');
  });

  it.each([
    [
      'a tcpSocket readiness probe beside an HTTPS liveness probe at the port that serves: the traffic and the connecting check over TLS',
      '{ name: web, image: "team/web:1", ports: [{ name: https, containerPort: 8443 }], readinessProbe: { tcpSocket: { port: https } }, livenessProbe: { httpGet: { path: /live, port: https, scheme: HTTPS } } }',
      '[{ port: 443, targetPort: https, nodePort: 30200 }]',
      '\n    server a 10.0.0.1:30200 check ssl verify none\n',
      'the traffic and the checks',
    ],
    [
      'an HTTP readiness probe at another port beside an HTTPS liveness probe at the port that serves: the traffic over TLS, the checks not',
      '{ name: web, image: "team/web:1", ports: [{ name: http, containerPort: 8443 }, { name: admin, containerPort: 9000 }], readinessProbe: { httpGet: { path: /ready, port: 9000 } }, livenessProbe: { httpGet: { path: /live, port: 8443, scheme: HTTPS } } }',
      '[{ name: http, port: 443, targetPort: 8443, nodePort: 30200 }, { name: admin, port: 9000, targetPort: 9000, nodePort: 30201 }]',
      '\n    server a 10.0.0.1:30200 check port 30201 ssl verify none\n',
      'the traffic',
    ],
    [
      'an HTTPS readiness probe at another port beside an HTTPS startup probe at the port that serves: the traffic and the checks over TLS',
      '{ name: web, image: "team/web:1", ports: [{ name: http, containerPort: 8443 }, { name: admin, containerPort: 9443 }], readinessProbe: { httpGet: { path: /ready, port: 9443, scheme: HTTPS } }, startupProbe: { httpGet: { path: /live, port: http, scheme: HTTPS } } }',
      '[{ name: http, port: 443, targetPort: 8443, nodePort: 30200 }, { name: admin, port: 9443, targetPort: 9443, nodePort: 30201 }]',
      '\n    server a 10.0.0.1:30200 check port 30201 ssl check-ssl verify none\n',
      'the traffic and the checks',
    ],
  ])(
    'accepts the backend of pods that serve HTTPS, said by another probe than their readiness probe: %s',
    (_, container, ports, server, what) => {
      const config = legacyCompiled(container, ports);
      expect(config).toContain(server);
      expect(config).toContain(`\n    # over TLS to the pods: ${what}, their certificate not verified (verify none)`);
      expectAccepted(config, 'https-liveness.cfg');
    },
  );

  it('accepts the backend of an HTTPS workload and a probe-less canary beside it, both sent TLS, with the warning (edge/unknown-scheme) naming the canary', () => {
    const ports = '[{ port: 443, targetPort: 8443, nodePort: 30200 }]';
    const https = `{ name: web, image: "team/web:1", ports: [{ containerPort: 8443 }], readinessProbe: { httpGet: { path: /ready, port: 8443, scheme: HTTPS } } }`;
    const canary = legacy([`{ name: web, image: "team/web:2", ports: [{ containerPort: 8443 }] }`], ports)
      .split('---\n')[1]!
      .replace('metadata: { name: legacy }', 'metadata: { name: legacy-canary }');
    const text = serviceApp([])
      .replace('hosts: { api.example.com: api }', 'hosts: { api.example.com: legacy }')
      .replace(/ {2}api:\n.*$/s, '  legacy: { stack: manifests, include: [in] }\n');
    const { files, warnings } = compileEdge(text, { in: { 'in/legacy.yaml': `${legacy([https], ports)}---\n${canary}` } });
    const config = files.get('edge/haproxy.cfg')!;
    expect(config).toContain('\n    server a 10.0.0.1:30200 check ssl verify none\n');
    expect(warnings.join('\n')).toContain('but Deployment edge/legacy-canary, whose pods it selects too, has no HTTP probe there');
    expectAccepted(config, 'unknown-scheme.cfg');
  });

  it('accepts the colors of a blue/green manifests app going over to TLS, each backend in its own scheme: the way through that edge/mixed-tls leaves', () => {
    const service = (name: string, selector: string, nodePort: number) =>
      `apiVersion: v1\nkind: Service\nmetadata: { name: ${name} }\nspec: { type: NodePort, selector: { app: legacy, ${selector} }, ports: [{ port: 443, targetPort: 8443, nodePort: ${nodePort} }] }\n`;
    const deployment = (color: string, scheme: string) =>
      legacy(
        [
          `{ name: web, image: "team/web:1", ports: [{ containerPort: 8443 }], readinessProbe: { httpGet: { path: /ready, port: 8443, scheme: ${scheme} } } }`,
        ],
        '[]',
      )
        .split('---\n')[1]!
        .replace('metadata: { name: legacy }', `metadata: { name: legacy-${color} }`)
        .replaceAll('{ app: legacy }', `{ app: legacy, color: ${color} }`);
    const manifest = [
      service('legacy', 'color: blue', 30200),
      service('legacy-blue', 'color: blue', 30201),
      service('legacy-green', 'color: green', 30202),
      deployment('blue', 'HTTP'),
      deployment('green', 'HTTPS'),
    ].join('---\n');
    const text = serviceApp([])
      .replace('hosts: { api.example.com: api }', 'hosts: { api.example.com: legacy }')
      .replace(/ {2}api:\n.*$/s, '  legacy: { stack: manifests, include: [in] }\n');
    const config = compileEdge(text, { in: { 'in/legacy.yaml': manifest } }).files.get('edge/haproxy.cfg')!;
    expect(config).toMatch(/\nbackend legacy-blue\n.*?\n {4}server a 10\.0\.0\.1:30201 check\n/s);
    expect(config).toMatch(/\nbackend legacy-green\n.*?\n {4}server a 10\.0\.0\.1:30202 check ssl verify none\n/s);
    expectAccepted(config, 'blue-green-tls.cfg');
  });

  it.each([
    [
      'a backend that does not exist',
      () => check(fixtureConfig().replace('use_backend nginx', 'use_backend nginx-typo'), 'broken.cfg'),
      /unable to find required use_backend: 'nginx-typo'/,
    ],
    [
      'a balancing algorithm HAProxy does not know',
      () => check(fixtureConfig().replace('balance roundrobin', 'balance fastest'), 'broken.cfg'),
      /balance only supports/,
    ],
    [
      'a certificate file that is not there (the edge machine path, kept as it is)',
      () => {
        if (haproxy.error) throw new Error(HAPROXY_MISSING);
        writeFileSync(join(dir, 'broken.cfg'), fixtureConfig());
        const r = spawnSync('haproxy', ['-c', '-f', join(dir, 'broken.cfg')], { encoding: 'utf8' });
        return { status: r.status, output: `${r.stdout}${r.stderr}` };
      },
      /\/etc\/haproxy\/certs\/a\.pem/,
    ],
  ])('rejects a config with %s', (_what, run, message) => {
    const r = run();
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(message);
  });
});

/** haproxy.cfg of a fixture stage that uses the settings the example stages do not. */
function fixtureConfig(): string {
  const { files } = compileEdge(`
nodes:
  a: { address: 10.0.0.1 }
  b: { address: 10.0.0.2 }
edge:
  machines: { lb1: { address: 10.0.0.5 }, lb2: { address: 10.0.0.6 } }
  frontends:
    public:
      certificates: [/etc/haproxy/certs/a.pem, /etc/haproxy/certs/b.pem]
      hosts: { one.example.com: nginx, two.example.com: nginx }
    internal:
      certificates: [/etc/haproxy/certs/internal.pem]
      redirectHttp: false
      httpPort: 8080
      httpsPort: 8443
      hosts: { web.internal.example.com: web }
apps:
  nginx: { replicas: 1, readinessPath: /healthz, service: { type: NodePort, nodePort: 30100 } }
  web: { stack: nginx, replicas: 1, service: { type: NodePort, nodePort: 30101 } }
`);
  return files.get('edge/haproxy.cfg')!;
}
