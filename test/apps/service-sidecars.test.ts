import { describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { checkErrors, find, problems, render, serviceStage, warnings, type Obj } from '../helpers/stage.js';

const BLUE_GREEN = 'blueGreen: { live: blue, blue: team/api:1, green: team/api:2 }';
const PROXY =
  'sidecars: [{ name: proxy, image: envoyproxy/envoy:v1.27.0, args: [-c, /etc/api/envoy.yaml], ports: { proxy: { port: 8443 } }, env: { LOG_LEVEL: info }, probes: { readiness: { tcp: {} } }, resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { memory: 128Mi } } }]';
const pod = (o: Obj) => o.spec.template.spec;

describe('the sidecars of a service', () => {
  it("run beside the app container in each color, with their own image, ports, probes, environment and resources, and the app container's mounts and security context", () => {
    const objects = render(
      serviceStage([BLUE_GREEN, 'ports: { http: { port: 8080 } }', 'config: { files: { envoy.yaml: "static_resources: {}\\n" } }', PROXY]),
    );
    for (const color of ['blue', 'green']) {
      const [app, proxy, ...rest] = pod(find(objects, 'Deployment', `api-${color}`)).containers;
      expect(rest).toEqual([]);
      expect(app.name).toBe('api');
      expect(proxy).toEqual({
        name: 'proxy',
        image: 'envoyproxy/envoy:v1.27.0',
        args: ['-c', '/etc/api/envoy.yaml'],
        ports: [{ name: 'proxy', containerPort: 8443, protocol: 'TCP' }],
        env: [{ name: 'LOG_LEVEL', value: 'info' }],
        readinessProbe: { tcpSocket: { port: 8443 } },
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        imagePullPolicy: app.imagePullPolicy,
        securityContext: app.securityContext,
        volumeMounts: app.volumeMounts,
      });
    }
    // the Service exposes the sidecar's port beside the app's
    expect(find(objects, 'Service', 'api').spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      { name: 'proxy', port: 8443, targetPort: 'proxy', protocol: 'TCP' },
    ]);
  });

  it('pass the checks, and the checks see each sidecar as they see the app container', () => {
    const text = serviceStage(['image: team/api:1', 'ports: { http: { port: 8080 } }', PROXY]);
    expect(checkErrors(text)).toEqual([]);
    const findings = compileStages([{ stage: 'x', file: 'environments/x.yaml', text }]).checks.get('x')!.findings;
    // the sidecar has resources and a readiness probe; its missing liveness probe is said as the app container's is
    expect(findings.filter((f) => f.code === 'policy/probes').map((f) => f.message)).toEqual([
      "container 'api' has no livenessProbe",
      "container 'api' has no readinessProbe, but Service api selects its pods: they get requests before they are ready, and while they cannot serve them",
      "container 'proxy' has no livenessProbe",
    ]);
  });

  it('refuse a name of another container of the pod, a port another container has, and a probe on a port the sidecar lacks, at their place', () => {
    expect(
      problems(
        serviceStage([
          'image: team/api:1',
          'ports: { http: { port: 8080 } }',
          'initContainers: [{ name: migrate, command: [a] }]',
          'sidecars: [{ name: migrate, image: a:1 }, { name: api, image: b:1, ports: { http: { port: 9090 }, alt: { port: 8080 } }, probes: { liveness: { http: { path: /, port: admin } } } }]',
        ]),
      ),
    ).toEqual([
      'environments/x.yaml:7:24: apps.api.sidecars[0].name is migrate, as initContainers[0].name is: the containers of a pod, init ones included, each have a name of their own\n' +
        '  hint: give each sidecar a name of its own',
      'environments/x.yaml:7:55: apps.api.sidecars[1].name is api, as the app container (named after the app) is: the containers of a pod, init ones included, each have a name of their own\n' +
        '  hint: give each sidecar a name of its own',
      'environments/x.yaml:7:87: apps.api.sidecars[1].ports.http is named as ports.http is: the Service exposes the ports of every container by name, each name once\n' +
        '  hint: give the port another name',
      'environments/x.yaml:7:116: apps.api.sidecars[1].ports.alt.port is 8080 (TCP), as ports.http.port is: the containers of a pod share one network, and its Service takes each port number once per protocol\n' +
        '  hint: give sidecars[1].ports.alt a port of its own, or remove it and use ports.http',
      'environments/x.yaml:7:171: apps.api.sidecars[1].probes.liveness.http.port names no port of the container (sidecars[1].ports: http, alt)\n' +
        '  hint: name a port under sidecars[1].ports, or give its number',
    ]);
  });

  it("refuse a secret value in their environment, and warn of an image of the app's own repository, which npm run promote leaves behind", () => {
    expect(
      problems(
        serviceStage(['image: team/api:1', 'sidecars: [{ name: proxy, image: a:1, env: { API_TOKEN: s3cr3t-Value-9f8e7d6c } }]']),
      )[0],
    ).toMatch(
      /^environments\/x\.yaml:5:61: apps\.api\.sidecars\[0\]\.env\.API_TOKEN looks like a secret value.*\n {2}hint: give the sidecar the value in a file: secretFiles/,
    );
    expect(warnings(serviceStage(['image: team/api:1.4', 'sidecars: [{ name: worker, image: team/api:1.3, args: [worker] }]']))).toEqual([
      "environments/x.yaml:5:39: warning: apps.api.sidecars[0].image is team/api:1.3, of the app's own repository (the app runs team/api:1.4): npm run promote moves the app's image, not this one, so the sidecar stays at another release than the app\n" +
        "  hint: leave image out: the sidecar then runs the app's own image (each blue/green color's), promoted with it",
    ]);
  });

  it('take a number another container has over another protocol (53 over UDP beside 53 over TCP), as the README says', () => {
    expect(
      problems(
        serviceStage([
          'image: team/api:1',
          'ports: { dns-tcp: { port: 53 } }',
          'sidecars: [{ name: udp, image: a:1, ports: { dns-udp: { port: 53, protocol: UDP } } }]',
        ]),
      ),
    ).toEqual([]);
  });

  it("take the Ingress's traffic on a port of theirs (a proxy in front of the app), and refuse a port neither has", () => {
    const text = serviceStage([
      'image: team/api:1',
      'ports: { http: { port: 8080 } }',
      PROXY,
      'ingress: { host: api.example.com, tlsSecret: api-tls, port: proxy }',
    ]);
    const rule = find(render(text), 'Ingress').spec.rules[0];
    expect(rule.http.paths[0].backend.service).toEqual({ name: 'api', port: { number: 8443 } });
    expect(problems(text.replace('port: proxy', 'port: admin'))).toEqual([
      "environments/x.yaml:7:65: apps.api.ingress.port is not one of ports or the sidecars' ports (http, proxy)\n" +
        "  hint: name a port under ports or a sidecar's ports",
    ]);
  });

  it("run the app's preStop when they have ports (a proxy serves the requests in flight until the endpoints stop sending any), not when they have none", () => {
    const objects = render(
      serviceStage(['image: team/api:1', 'ports: { http: { port: 8080 } }', 'preStop: [sleep, "5"]', PROXY]).replace(
        '}]',
        '}, { name: shipper, image: fluent/fluent-bit:2.2 }]',
      ),
    );
    const [app, proxy, shipper] = pod(find(objects, 'Deployment', 'api')).containers;
    expect(proxy.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(proxy.lifecycle).toEqual(app.lifecycle);
    expect(shipper).not.toHaveProperty('lifecycle');
  });

  it('give the Service and the Ingress their ports when the app container has none (the app listens behind the proxy only)', () => {
    const objects = render(
      serviceStage(['image: team/api:1', PROXY, 'service: { type: ClusterIP }', 'ingress: { host: api.example.com, tlsSecret: api-tls }']),
    );
    expect(find(objects, 'Service', 'api').spec.ports).toEqual([{ name: 'proxy', port: 8443, targetPort: 'proxy', protocol: 'TCP' }]);
    expect(find(objects, 'Ingress').spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'api', port: { number: 8443 } });
  });

  it("give each color's Service (colorNodePorts) the port ingress.port names, a sidecar proxy's, so an edge does not go round the proxy", () => {
    const objects = render(
      serviceStage([
        BLUE_GREEN,
        'ports: { http: { port: 8080 } }',
        PROXY,
        'ingress: { host: api.example.com, tlsSecret: api-tls, port: proxy }',
        'service: { colorNodePorts: { blue: 30031, green: 30032 } }',
      ]),
    );
    expect(find(objects, 'Service', 'api-blue').spec.ports).toEqual([
      { name: 'proxy', port: 8443, targetPort: 'proxy', protocol: 'TCP', nodePort: 30031 },
    ]);
    expect(find(objects, 'Service', 'api-green').spec.ports).toEqual([
      { name: 'proxy', port: 8443, targetPort: 'proxy', protocol: 'TCP', nodePort: 30032 },
    ]);
  });

  it("run the app's own image, each color's, when they name none (a worker of the app's code), so they are released with the app", () => {
    const objects = render(serviceStage([BLUE_GREEN, 'sidecars: [{ name: worker, args: [worker] }]']));
    for (const [color, image] of [
      ['blue', 'team/api:1'],
      ['green', 'team/api:2'],
    ]) {
      const [app, worker] = pod(find(objects, 'Deployment', `api-${color}`)).containers;
      expect(app.image).toBe(image);
      expect(worker).toMatchObject({ name: 'worker', image, args: ['worker'] });
    }
  });

  it("give each color's Service the app's only port without ingress.port: a sidecar's port (an exporter's) is not guessed to serve", () => {
    const objects = render(
      serviceStage([
        BLUE_GREEN,
        'ports: { web: { port: 8080 } }',
        'sidecars: [{ name: exporter, image: prom/statsd-exporter:v0.26.0, ports: { metrics: { port: 9102 } } }]',
        'service: { colorNodePorts: { blue: 30031, green: 30032 } }',
      ]),
    );
    expect(find(objects, 'Service', 'api-blue').spec.ports).toEqual([
      { name: 'web', port: 8080, targetPort: 'web', protocol: 'TCP', nodePort: 30031 },
    ]);
  });

  it("run on an ARM stage the build the stage file maps their image to, as the app container's", () => {
    const text = `architecture: arm64\nimages:\n  substitute: { team/api: 'registry.local/api:{tag}-arm64', envoyproxy/envoy: 'registry.local/envoy:{tag}-arm64' }\n${serviceStage(['image: team/api:1.4', 'sidecars: [{ name: proxy, image: envoyproxy/envoy:v1.27.0 }, { name: worker, image: team/api:1.4, args: [worker] }]'])}`;
    const compiled = compileStages([{ stage: 'pi', file: 'environments/pi.yaml', text }]);
    const deployment = compiled.stages[0].charts.flatMap((c) => c.objects).find((o) => o.kind === 'Deployment') as Obj;
    expect(pod(deployment).containers.map((c: { image: string }) => c.image)).toEqual([
      'registry.local/api:1.4-arm64',
      'registry.local/envoy:v1.27.0-arm64',
      'registry.local/api:1.4-arm64',
    ]);
  });
});
