import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { TlsIngress } from '../../lib/constructs/tls-ingress.js';
import { REPO, runCli, tempProject } from '../helpers/cli.js';
import { find, problems, render, serviceStage } from '../helpers/stage.js';

const IANA =
  "a port name (an IANA service name: at most 15 lowercase letters, digits and '-', with at least one letter, no '-' at either end and no '--')";

describe('the port names of a service', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['8080', 'no letter'],
    ['a--b', "'--'"],
    ['-http', "a leading '-'"],
    ['http-', "a trailing '-'"],
    ['Http', 'a capital'],
    ['metrics-exporter', '16 characters'],
  ])("refuse '%s' (%s) at its key, as the API server would", (name) => {
    const text = serviceStage(['image: team/api:1', `ports: { "${name}": { port: 8080 } }`]);
    expect(problems(text)).toEqual([`environments/x.yaml:5:14: apps.api.ports: '${name}' is not a valid name; it must be ${IANA}`]);
  });

  it.each(['http', 'h2c', '1-a', 'web-8080', 'abcdefghijklmno'])("take '%s'", (name) => {
    const objects = render(serviceStage(['image: team/api:1', `ports: { "${name}": { port: 8080 } }`]));
    expect(find(objects, 'Service', 'api').spec.ports[0]).toMatchObject({ name, targetPort: name });
  });

  it('refuse a bad ingress port name at its place too', () => {
    const text = serviceStage([
      'image: team/api:1',
      'ports: { http: { port: 8080 } }',
      'ingress: { host: api.example.com, tlsSecret: api-tls, port: "8080" }',
    ]);
    expect(problems(text)).toEqual([`environments/x.yaml:6:65: apps.api.ingress.port must be ${IANA} (found "8080")`]);
  });

  it('are refused by npm run synth as bad input (exit 2) at the stage file, with nothing written, not by the checks on the objects', () => {
    const dir = tempProject({ lab: serviceStage(['image: team/api:1', 'ports: { "8080": { port: 8080 }, "a--b": { port: 9090 } }']) });
    dirs.push(dir);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`environments/lab.yaml:5:14: error: apps.api.ports: '8080' is not a valid name; it must be ${IANA}`);
    expect(r.stderr).toContain(`environments/lab.yaml:5:38: error: apps.api.ports: 'a--b' is not a valid name; it must be ${IANA}`);
    expect(r.stderr).not.toContain('Deployment lab/api');
  });
});

describe('the Service of a service', () => {
  it("carries the annotations a cloud's load balancer controller reads, on the app's Service only", () => {
    const objects = render(
      serviceStage([
        'blueGreen: { live: blue, blue: team/api:1, green: team/api:1 }',
        'ports: { http: { port: 8080 } }',
        'service: { type: LoadBalancer, annotations: { service.beta.kubernetes.io/aws-load-balancer-scheme: internal }, colorNodePorts: { blue: 30031, green: 30032 } }',
      ]),
    );
    expect(find(objects, 'Service', 'api').metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
    });
    // a color's NodePort Service is the edge's, which no cloud load balancer stands in front of
    expect(find(objects, 'Service', 'api-blue').metadata.annotations).toBeUndefined();
  });

  it("refuses an annotation key the API server refuses, and stagecraft's own prefix, at their place", () => {
    expect(
      problems(
        serviceStage(['image: team/api:1', 'ports: { http: { port: 8080 } }', 'service: { annotations: { stagecraft.dev/stage: x } }']),
      ),
    ).toEqual([
      "environments/x.yaml:6:53: apps.api.service.annotations.stagecraft.dev/stage uses stagecraft's own prefix stagecraft.dev: stagecraft writes those annotations, and a hand-written one would be read as its own\n" +
        "  hint: use your own prefix; a policy exception goes under security.exceptions, a Secret's keys under secrets",
    ]);
    expect(
      problems(serviceStage(['image: team/api:1', 'ports: { http: { port: 8080 } }', 'service: { annotations: { "a b": x } }']))[0],
    ).toMatch(/^environments\/x\.yaml:6:31: apps\.api\.service\.annotations: 'a b' is not a valid name; it must be an annotation key/);
  });
});

describe('a port of a service written as a number', () => {
  it('is refused at its place with the form a port takes', () => {
    expect(problems(serviceStage(['image: team/api:1', 'ports: { http: 8080 }']))).toEqual([
      'environments/x.yaml:5:20: apps.api.ports.http must be a mapping (found 8080)\n' +
        '  hint: apps.api.ports.http: a port of the container, e.g. { port: 8080 } (or { port: 53, protocol: UDP }) (environments/stage.schema.json describes every setting; editors show it)',
    ]);
  });
});

describe('a port of a service on one number over TCP and UDP (DNS)', () => {
  it('is a warning on the Deployment and on the Service, which client-side kubectl apply merges by number alone', () => {
    const compiled = compileStages([
      {
        stage: 'x',
        file: 'environments/x.yaml',
        text: serviceStage(['image: team/dns:1', 'ports: { dns-udp: { port: 53, protocol: UDP }, dns-tcp: { port: 53 } }'], 'dns'),
      },
    ]);
    expect(
      compiled.checks
        .get('x')!
        .findings.filter((f) => f.code === 'api/port-merge-key')
        .map((f) => `${f.object.kind} ${f.path?.join('.')}`),
    ).toEqual(['Deployment spec.template.spec.containers.0.ports.1.containerPort', 'Service spec.ports.1.port']);
  });
});

describe('the port an Ingress of a service sends its traffic to, without ingress.port', () => {
  const ingressPort = (ports: string, more: readonly string[] = []) =>
    find(
      render(serviceStage(['image: team/api:1', `ports: ${ports}`, ...more, 'ingress: { host: api.example.com, tlsSecret: api-tls }'])),
      'Ingress',
      'api',
    ).spec.rules[0].http.paths[0].backend.service.port.number;

  it("is the port named http, not the first one listed (metrics before http sent the site to the exporter's port)", () => {
    expect(ingressPort('{ metrics: { port: 9090 }, http: { port: 8080 } }')).toBe(8080);
  });

  it('is the port the HTTP readiness probe checks, by name or number, when none is named http', () => {
    expect(
      ingressPort('{ grpc: { port: 9000 }, web: { port: 8080 } }', ['probes: { readiness: { http: { path: /ready, port: web } } }']),
    ).toBe(8080);
    expect(
      ingressPort('{ grpc: { port: 9000 }, web: { port: 8080 } }', ['probes: { readiness: { http: { path: /ready, port: 8080 } } }']),
    ).toBe(8080);
  });

  it('is the TCP port of a number open over TCP and UDP (HTTP/3) the probe checks, whichever is listed first', () => {
    const ports = '{ quic: { port: 8443, protocol: UDP }, https: { port: 8443 } }';
    for (const probe of ['{ path: /ready, port: 8443 }', '{ path: /ready }', '{ path: /ready, port: quic }']) {
      const text = serviceStage([
        'image: team/api:1',
        `ports: ${ports}`,
        `probes: { readiness: { http: ${probe} } }`,
        'ingress: { host: api.example.com, tlsSecret: api-tls }',
      ]);
      expect(problems(text)).toEqual([]);
      expect(find(render(text), 'Ingress', 'api').spec.rules[0].http.paths[0].backend.service.port.number).toBe(8443);
    }
  });

  it("is the app's only port, or a sidecar proxy's when the app has none", () => {
    expect(ingressPort('{ web: { port: 8080 } }')).toBe(8080);
    const objects = render(
      serviceStage([
        'image: team/api:1',
        'sidecars: [{ name: proxy, image: envoyproxy/envoy:v1.27.0, ports: { proxy: { port: 8443 } } }]',
        'ingress: { host: api.example.com, tlsSecret: api-tls }',
      ]),
    );
    expect(find(objects, 'Ingress', 'api').spec.rules[0].http.paths[0].backend.service.port.number).toBe(8443);
  });

  it('is refused at ingress when it cannot be told (several ports, none named http, no HTTP readiness check), with the fix', () => {
    const text = serviceStage([
      'image: team/api:1',
      'ports: { grpc: { port: 9000 }, admin: { port: 8080 } }',
      'ingress: { host: api.example.com, tlsSecret: api-tls }',
    ]);
    expect(problems(text)).toEqual([
      "environments/x.yaml:6:14: apps.api.ingress needs to know which port serves HTTP, to send the Ingress's traffic to it (found ports grpc, admin, none named http, and no HTTP readiness check on one of them)\n" +
        "  hint: set ingress.port to one of them (ingress: { host: ..., port: grpc }), or name the HTTP port 'http'",
    ]);
  });

  it('is refused when it is a UDP port, which an Ingress cannot reach', () => {
    const text = serviceStage([
      'image: team/api:1',
      'ports: { http: { port: 8080, protocol: UDP } }',
      'ingress: { host: api.example.com, tlsSecret: api-tls }',
    ]);
    expect(problems(text)).toEqual([
      "environments/x.yaml:6:14: apps.api.ingress sends HTTP to port 'http', which is UDP (an Ingress reaches its backends over TCP)\n" +
        '  hint: set ingress.port to a TCP port of the app',
    ]);
  });
});

describe('the paths of an Ingress', () => {
  it('are refused when one is listed twice, at the second (one rule written twice; demoapp shares the schema, IngressPaths)', () => {
    const service = serviceStage([
      'image: team/api:1',
      'ports: { http: { port: 8080 } }',
      'ingress: { host: a.example.com, tlsSecret: a-tls, paths: [/api, /api] }',
    ]);
    expect(problems(service)).toEqual([
      'environments/x.yaml:6:69: apps.api.ingress.paths lists one item twice (items 0 and 1)\n  hint: remove one of them',
    ]);
    expect(
      render(
        serviceStage([
          'image: team/api:1',
          'ports: { http: { port: 8080 } }',
          'ingress: { host: a.example.com, tlsSecret: a-tls, paths: [/api, /v2] }',
        ]),
      ),
    ).not.toEqual([]);
  });

  // Kubernetes' Prefix matching ignores a trailing '/', and ingress-nginx's updateServerLocations writes
  // both /api and /api/ as the location /api/: nginx refuses it twice (duplicate location)
  it("are refused when one is another with a trailing '/' (one route to a Prefix path; ingress-nginx: duplicate location), at the later one", () => {
    const refused = (paths: string) =>
      problems(
        serviceStage([
          'image: team/api:1',
          'ports: { http: { port: 8080 } }',
          `ingress: { host: a.example.com, tlsSecret: a-tls, paths: ${paths} }`,
        ]),
      );
    expect(refused('[/api, /v2, /api/]')).toEqual([
      "environments/x.yaml:6:74: apps.api.ingress.paths[2] '/api/' is the route of ingress.paths[0] '/api': a path of type Prefix matches whole '/'-separated parts and ignores a trailing '/', so both match /api, /api/ and /api/...; ingress-nginx makes the location /api/ of each, and refuses the second (duplicate location)\n" +
        "  hint: remove one of them: '/api' alone serves the same requests",
    ]);
    expect(refused('[/api/, /api]')[0]).toContain("apps.api.ingress.paths[1] '/api' is the route of ingress.paths[0] '/api/'");
    // distinct routes: another element (/apiv1 is not under /api), the root, another case
    expect(refused('[/api, /apiv1, /, /API, /api/v1]')).toEqual([]);
  });

  it("are refused so in demoapp's Ingress and the ingress stack's paths too", () => {
    const demoapp = problems(
      readFileSync(join(REPO, 'environments/dev.yaml'), 'utf8').replace(
        'ingress: { host: demoapp.dev.example.com, tlsSecret: demoapp-tls }',
        'ingress: { host: demoapp.dev.example.com, tlsSecret: demoapp-tls, paths: [/shop, /shop/] }',
      ),
    );
    expect(demoapp).toEqual([expect.stringContaining("apps.demoapp.ingress.paths[1] '/shop/' is the route of ingress.paths[0] '/shop'")]);
    const ingress = problems(
      [
        'apps:',
        '  edge:',
        '    stack: ingress',
        '    paths:',
        '      /foo: { service: a, port: 80 }',
        '      /foo/: { service: b, port: 80 }',
        '',
      ].join('\n'),
    );
    expect(ingress).toEqual([
      expect.stringMatching(/^environments\/x\.yaml:6:7: apps\.edge\.paths '\/foo\/' is the route of the path '\/foo': /),
    ]);
  });

  it('are one route to the TlsIngress construct, which refuses them, naming both', () => {
    expect(
      () =>
        new TlsIngress(new Chart(new App(), 'c'), 'i', {
          name: 'api',
          host: 'a.example.com',
          tlsSecretName: 't',
          serviceName: 'api',
          servicePort: 80,
          paths: ['/api', '/api/'],
        }),
    ).toThrow("Ingress 'api': 'paths' '/api' and '/api/' are one route (a Prefix path ignores a trailing '/')");
  });
});
