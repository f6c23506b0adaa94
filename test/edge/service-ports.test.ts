/**
 * Which port of a published Service the edge sends its traffic to when the app's pods have
 * sidecars: the app container's port, never a sidecar's that only looks like it serves (an
 * exporter's port named `http`), unless an Ingress of the app says so (a proxy in front of it).
 */
import { describe, expect, it } from 'vitest';
import { compileEdge, edgeProblems, legacy } from './helpers.js';

/** A stage publishing api.example.com to app `app`, whose settings are `lines` (YAML under apps:). */
const stage = (app: string, lines: readonly string[]) =>
  [
    'nodes:',
    '  a: { address: 10.0.0.1 }',
    '  b: { address: 10.0.0.2 }',
    'edge:',
    '  machines: { lb1: { address: 10.0.0.5 } }',
    '  frontends:',
    '    web:',
    '      certificates: [/etc/haproxy/certs/example.com.pem]',
    `      hosts: { api.example.com: ${app} }`,
    'apps:',
    `  ${app}:`,
    ...lines.map((l) => `    ${l}`),
    '',
  ].join('\n');

/** The node ports of haproxy.cfg's servers, in order. */
const servers = (config: string | undefined) => [...(config ?? '').matchAll(/server \S+ \S+:(\d+) check/g)].map((m) => m[1]);

/** The haproxy.cfg of a stage publishing app `legacy` of the manifests stack, which includes `manifest`. */
const legacyConfig = (manifest: string) =>
  compileEdge(stage('legacy', ['stack: manifests', 'include: [in]']), { in: { 'in/legacy.yaml': manifest } }).files.get('edge/haproxy.cfg');

const LIMITS = 'resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 16Mi } }';
const WEB = `{ name: web, image: "nginx:1.25", ports: [{ name: web, containerPort: 8080 }], ${LIMITS} }`;
const EXPORTER = `{ name: exporter, image: "nginx/nginx-prometheus-exporter:1.1", ports: [{ name: http, containerPort: 9113 }], ${LIMITS} }`;
const PORTS =
  '[{ name: web, port: 8080, targetPort: web, nodePort: 30200 }, { name: http, port: 9113, targetPort: http, nodePort: 30201 }]';
/** A log shipper listed before the app, with one port of its own (which alone says nothing of what serves). */
const SHIPPER = `{ name: fluent-bit, image: "fluent/fluent-bit:2.2", ports: [{ name: metrics, containerPort: 2020 }], ${LIMITS} }`;
/** The app, with an HTTP readiness probe on its port, which sends `headers` (flow YAML) if given. */
const probedWeb = (headers?: string) =>
  `{ name: web, image: "nginx:1.25", ports: [{ name: web, containerPort: 8080 }], readinessProbe: { httpGet: { path: /ready, port: web${headers ? `, httpHeaders: ${headers}` : ''} } }, ${LIMITS} }`;
const PROBED_WEB = probedWeb();
/** An exporter with an HTTP readiness probe on its metrics port, listed after the app (which has none). */
const PROBED_EXPORTER = `{ name: exporter, image: "nginx/nginx-prometheus-exporter:1.1", ports: [{ name: metrics, containerPort: 9113 }], readinessProbe: { httpGet: { path: /metrics, port: metrics } }, ${LIMITS} }`;
const PORTS2 =
  '[{ name: web, port: 8080, targetPort: web, nodePort: 30200 }, { name: metrics, port: 9113, targetPort: metrics, nodePort: 30201 }]';
const SHIPPER_PORTS =
  '[{ name: web, port: 8080, targetPort: web, nodePort: 30200 }, { name: metrics, port: 2020, targetPort: metrics, nodePort: 30201 }]';

/** Argo Rollouts' CustomResourceDefinition, its schema left open, for a manifests app that includes a Rollout. */
const ROLLOUT_CRD = [
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata: { name: rollouts.argoproj.io }',
  'spec:',
  '  group: argoproj.io',
  '  scope: Namespaced',
  '  names: { kind: Rollout, plural: rollouts }',
  '  versions:',
  '    - name: v1alpha1',
  '      served: true',
  '      storage: true',
  '      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }',
  '',
].join('\n');

describe('the port a published Service serves on, beside sidecars', () => {
  it("is the app container's, not a sidecar exporter's port named 'http', when the readiness probe is not HTTP", () => {
    const { files, warnings } = compileEdge(
      stage('api', [
        'stack: service',
        'image: team/api:1',
        'service: { type: NodePort }',
        'ports: { web: { port: 8080, nodePort: 30080 } }',
        'probes: { readiness: { tcp: { port: web } } }',
        'sidecars: [{ name: exporter, image: "prom/exporter:1", ports: { http: { port: 9102 } } }]',
      ]),
    );
    expect(servers(files.get('edge/haproxy.cfg'))).toEqual(['30080', '30080']);
    // the TCP probe is no path to GET: HAProxy connects to the app's node port
    expect(warnings).toEqual([expect.stringContaining('HAProxy can only check that node port 30080 accepts connections')]);
  });

  it("is the app container's of a manifests app's pods, not the node port of a sidecar exporter's port named 'http'", () => {
    const config = legacyConfig(legacy([WEB, EXPORTER], PORTS))!;
    expect(config).toContain('# Service edge/legacy, node port 30200 on every node\n');
    expect(servers(config)).toEqual(['30200', '30200']);
  });

  it("is the app container's of an Argo Rollout's pods (a custom workload), checked on its readiness path, not a sidecar exporter's", () => {
    const rollout = legacy([EXPORTER, PROBED_WEB], PORTS)
      .replace('apiVersion: apps/v1\nkind: Deployment', 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout')
      .replace('  replicas: 1\n', '  replicas: 1\n  strategy: { canary: { steps: [{ setWeight: 50 }] } }\n');
    expect(rollout).toContain('kind: Rollout');
    const config = compileEdge(stage('legacy', ['stack: manifests', 'include: [in]']), {
      in: { 'in/legacy.yaml': rollout, 'in/rollouts-crd.yaml': ROLLOUT_CRD },
    }).files.get('edge/haproxy.cfg')!;
    expect(config).toContain('# Service edge/legacy, node port 30200 on every node\n');
    expect(config).toContain('http-check send meth GET uri /ready ver HTTP/1.1');
    expect(servers(config)).toEqual(['30200', '30200']);
  });

  it('is the port of the container the pod names its default (kubectl.kubernetes.io/default-container), listed after a sidecar', () => {
    const manifest = legacy([EXPORTER, WEB], PORTS, ', annotations: { kubectl.kubernetes.io/default-container: web }');
    expect(servers(legacyConfig(manifest))).toEqual(['30200', '30200']);
  });

  it('is the port of the container with the readiness probe, listed after a sidecar, when the pod names no default container', () => {
    const config = legacyConfig(legacy([SHIPPER, PROBED_WEB], SHIPPER_PORTS))!;
    expect(servers(config)).toEqual(['30200', '30200']);
    // the probe is on the port that serves: checked there, not at another node port
    expect(config).toContain('    server a 10.0.0.1:30200 check\n');
  });

  it("is the app's port, not a probed sidecar exporter's, when the pod names no default container and the app has no readiness probe", () => {
    const config = legacyConfig(legacy([WEB, PROBED_EXPORTER], PORTS2))!;
    expect(servers(config)).toEqual(['30200', '30200']);
    // the exporter's probe is checked at its own node port
    expect(config).toContain('    server a 10.0.0.1:30200 check port 30201\n');
  });

  it("is the pod's first and probed container's, when the Service lists a sidecar exporter's port first", () => {
    const metricsFirst =
      '[{ name: metrics, port: 9113, targetPort: http, nodePort: 30201 }, { name: web, port: 8080, targetPort: web, nodePort: 30200 }]';
    expect(servers(legacyConfig(legacy([PROBED_WEB, EXPORTER], metricsFirst)))).toEqual(['30200', '30200']);
  });

  it('is a guess the readiness probe contradicts then, warned with the annotation that settles it; not when the probed container is the one taken', () => {
    const warningsOf = (containers: readonly string[], ports: string, annotations = '') =>
      compileEdge(stage('legacy', ['stack: manifests', 'include: [in]']), {
        in: { 'in/legacy.yaml': legacy(containers, ports, annotations) },
      }).warnings;
    expect(warningsOf([WEB, PROBED_EXPORTER], PORTS2)).toContainEqual(
      expect.stringMatching(
        /Service edge\/legacy: is published at the edge on the port of container 'web' .*container 'exporter' has the readiness probe: which one is the app is a guess\n {2}hint: name the app's container on the pod template: annotations: \{ kubectl\.kubernetes\.io\/default-container: web \} \(or exporter\)/,
      ),
    );
    const guessed = (w: readonly string[]) => w.filter((m) => m.includes('is a guess'));
    expect(guessed(warningsOf([WEB, PROBED_EXPORTER], PORTS2, ', annotations: { kubectl.kubernetes.io/default-container: web }'))).toEqual(
      [],
    );
    expect(guessed(warningsOf([SHIPPER, PROBED_WEB], SHIPPER_PORTS))).toEqual([]);
  });

  it("is a sidecar's port that an Ingress of the app sends its traffic to (a proxy in front of the app)", () => {
    const ingress = [
      '---',
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata: { name: legacy }',
      'spec: { rules: [{ host: api.example.com, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: legacy, port: { name: http } } } }] } }] }',
      '',
    ].join('\n');
    expect(servers(legacyConfig(legacy([WEB, EXPORTER], PORTS) + ingress))).toEqual(['30201', '30201']);
  });

  it("of a service app is refused when it is a sidecar proxy's (ingress.port) and the app is not blue/green, at ingress.port, with a hint that, followed, publishes it through the proxy", () => {
    const lines = [
      'stack: service',
      'image: team/api:1',
      'service: { type: NodePort }',
      'ports: { web: { port: 8080, nodePort: 30080 } }',
      'probes: { readiness: { http: { path: /ready, port: web } } }',
      'sidecars: [{ name: envoy, image: "envoyproxy/envoy:v1.27.0", ports: { proxy: { port: 10000 } } }]',
      'ingress: { host: api.example.com, tlsSecret: api-tls, port: proxy }',
    ];
    const problems = edgeProblems(stage('api', lines));
    expect(problems).toHaveLength(1);
    // at ingress.port, not a hint to declare ports.proxy, which would put port 10000 on two containers of the pod
    expect(problems[0]).toMatch(
      /^environments\/edge\.yaml:18:65: Service edge\/api is published at the edge on its port 'proxy', the port of sidecar 'envoy' \(the port that serves\), so the edge needs a fixed nodePort there, and the service stack declares nodePorts only on the app container's ports/,
    );
    const [, colorNodePorts, blue, green] = /service: \{ (colorNodePorts: \{ blue: (\d+), green: (\d+) \}) \}/.exec(problems[0]!)!;
    const followed = lines.map((l) =>
      l === 'image: team/api:1'
        ? 'blueGreen: { live: blue, blue: team/api:1, green: team/api:1 }'
        : l === 'service: { type: NodePort }'
          ? `service: { type: NodePort, ${colorNodePorts} }`
          : l,
    );
    const config = compileEdge(stage('api', followed)).files.get('edge/haproxy.cfg')!;
    expect(config).toContain(`backend api-blue\n    # Service edge/api-blue, node port ${blue} on every node`);
    expect(config).toContain(`backend api-green\n    # Service edge/api-green, node port ${green} on every node`);
  });
});

describe("the Host header of a published app's health check", () => {
  /** The health check's line of haproxy.cfg for app `legacy`, whose probe sends `headers`. */
  const checkLine = (headers: string) =>
    legacyConfig(legacy([probedWeb(headers)], '[{ name: web, port: 8080, targetPort: web, nodePort: 30200 }]'))
      ?.split('\n')
      .find((l) => l.includes('http-check send'));

  it("is the readiness probe's own Host header, as the kubelet sends it, and none of its other headers", () => {
    expect(checkLine('[{ name: X-Probe, value: edge }, { name: Host, value: "api.internal:8080" }]')).toBe(
      '    http-check send meth GET uri /ready ver HTTP/1.1 hdr Host api.internal:8080',
    );
  });

  it('is read from a header named host in any case, and may be an IPv6 literal', () => {
    expect(checkLine('[{ name: host, value: "[fd00::1]:8080" }]')).toContain(' hdr Host [fd00::1]:8080');
  });

  it('is the first host name the edge sends to the app when the probe has none, or an empty one (the kubelet then sends the pod IP)', () => {
    expect(checkLine('[{ name: X-Probe, value: edge }]')).toContain(' hdr Host api.example.com');
    expect(checkLine('[{ name: Host, value: "" }]')).toContain(' hdr Host api.example.com');
  });
});

describe('a published Service without a node port, of a stack that has no node port setting', () => {
  it('is not told to declare a setting its stack does not have (private-app): the hint names the stacks that have one', () => {
    const [problem] = edgeProblems(stage('obraz', ['stack: private-app', 'image: localhost:5000/zyxist/moj-obraz', 'port: 5050']));
    expect(problem).toMatch(
      /^environments\/edge\.yaml:12:5: Service edge\/obraz is published at the edge, so it needs type NodePort and a fixed nodePort \(found type ClusterIP, no nodePort\); .*\n {2}hint: the private-app stack of apps\.obraz has no node port setting: publish the app through a stack that has one, as an nginx or demoapp app with service: \{ type: NodePort, nodePort: (3\d{4}) \}; or a service app with service: \{ type: NodePort \} and ports: \{ <port>: \{ port: <port>, nodePort: \1 \} \}; or a manifests app whose Service has type: NodePort and nodePort: \1 \(\1 is free in stage edge\)$/,
    );
    expect(problem).not.toContain('declare it under apps.obraz');
  });

  it.each(['legacy', 'nginx'])(
    "is told, of a manifests app whose Service upstream labels app.kubernetes.io/name: %s, to write them in the files it includes: the stack is the stage file's",
    (label) => {
      const manifest = legacy([PROBED_WEB], '[{ name: web, port: 8080, targetPort: web }]')
        .replace('type: NodePort, ', '')
        .replace('metadata: { name: legacy }', `metadata: { name: legacy, labels: { app.kubernetes.io/name: ${label} } }`);
      const [problem] = edgeProblems(stage('legacy', ['stack: manifests', 'include: [in]']), { in: { 'in/legacy.yaml': manifest } });
      expect(problem).toContain(
        "hint: give Service edge/legacy, in the files apps.legacy includes, type: NodePort and on its port 'web' a nodePort",
      );
      expect(problem).not.toContain('stack of apps.legacy has no node port setting');
      expect(problem).not.toContain('declare it under apps.legacy');
    },
  );

  it('is told, of a manifests app, to write them in the files it includes, and compiles once they are there', () => {
    const manifest = legacy([PROBED_WEB], '[{ name: web, port: 8080, targetPort: web }]').replace('type: NodePort, ', '');
    const [problem] = edgeProblems(stage('legacy', ['stack: manifests', 'include: [in]']), { in: { 'in/legacy.yaml': manifest } });
    const port = /nodePort, e\.g\. (\d+) \(free in stage edge; written down once, it never moves\)$/.exec(problem ?? '')?.[1];
    expect(problem).toContain(
      "hint: give Service edge/legacy, in the files apps.legacy includes, type: NodePort and on its port 'web' a nodePort, e.g. ",
    );
    expect(servers(legacyConfig(legacy([PROBED_WEB], `[{ name: web, port: 8080, targetPort: web, nodePort: ${port} }]`)))).toEqual([
      port,
      port,
    ]);
  });
});

describe('a published Service whose pods serve the port in two schemes', () => {
  /** The Deployment `legacy` (from `legacy`) and a second one, `legacy-next`, whose pods the Service selects too, running `container`. */
  const twoWorkloads = (first: string, second: string, ports = '[{ port: 443, targetPort: 8443, nodePort: 30200 }]') =>
    `${legacy([first], ports)}---\n${legacy([second], ports)
      .split('---\n')[1]!
      .replace('metadata: { name: legacy }', 'metadata: { name: legacy-next }')}`;
  const probed = (scheme: string, probe = 'readinessProbe') =>
    `{ name: web, image: "team/web:1", ports: [{ containerPort: 8443 }], ${probe}: { httpGet: { path: /ready, port: 8443, scheme: ${scheme} } }, ${LIMITS} }`;
  const problemsOf = (manifest: string) =>
    edgeProblems(stage('legacy', ['stack: manifests', 'include: [in]']), { in: { 'in/legacy.yaml': manifest } });

  it('is refused at the app, naming each workload and the scheme its probe says, with the fix: HAProxy reaches them all through one node port', () => {
    const problems = problemsOf(twoWorkloads(probed('HTTPS'), probed('HTTP', 'livenessProbe')));
    expect(problems).toEqual([
      "environments/edge.yaml:12:5: Service edge/legacy is published at the edge, and the pods it selects serve its port 443 (node port 30200) in two schemes: HTTPS as Deployment edge/legacy's readinessProbe of container web says, plain HTTP as Deployment edge/legacy-next's livenessProbe of container web says; HAProxy reaches every pod through that one node port, which kube-proxy spreads over all of them, so whichever scheme haproxy.cfg sends, the requests and checks that land on the other pods fail (half the hosts' requests answered 502 or 503)\n" +
        "  hint: serve one scheme at that port in every workload Service edge/legacy selects (correct the probe's scheme if it is the one that is wrong), " +
        'or move the others to an app of their own (apps.<name>, including their files, with a Service named after it that selects them alone), published at a host of their own; ' +
        "to move app 'legacy' over to TLS, run it blue/green, each color its own backend in its own scheme: Services legacy-blue and legacy-green (namespace edge), " +
        "each selecting its color's pods (a color label) at a fixed nodePort, and Service legacy selecting the live color (color: blue, say), whose selector the edge follows; " +
        'switch by setting that selector to the other color, then npm run synth',
    ]);
  });

  it("names, of a blue/green app's color, no blue/green way through: its Service is one color's already", () => {
    const service = (name: string, color: string, nodePort: number) =>
      `apiVersion: v1\nkind: Service\nmetadata: { name: ${name} }\nspec: { type: NodePort, selector: { app: legacy, color: ${color} }, ports: [{ port: 443, targetPort: 8443, nodePort: ${nodePort} }] }\n`;
    const colored = (name: string, color: string, scheme: string) =>
      legacy([probed(scheme)], '[]')
        .split('---\n')[1]!
        .replace('metadata: { name: legacy }', `metadata: { name: ${name} }`)
        .replaceAll('{ app: legacy }', `{ app: legacy, color: ${color} }`);
    const manifest = [
      service('legacy', 'blue', 30200),
      service('legacy-blue', 'blue', 30201),
      service('legacy-green', 'green', 30202),
      colored('legacy-blue', 'blue', 'HTTPS'),
      colored('legacy-blue-next', 'blue', 'HTTP'),
      colored('legacy-green', 'green', 'HTTPS'),
    ].join('---\n');
    const [problem] = problemsOf(manifest);
    expect(problem).toContain(
      'Service edge/legacy-blue is published at the edge, and the pods it selects serve its port 443 (node port 30201) in two schemes',
    );
    expect(problem).toMatch(/published at a host of their own\n?$/);
  });

  it('is refused, too, when they disagree at the port HAProxy checks their readiness at (another than the one that serves)', () => {
    const admin = (scheme: string) =>
      `{ name: web, image: "team/web:1", ports: [{ name: http, containerPort: 8080 }, { name: admin, containerPort: 9443 }], readinessProbe: { httpGet: { path: /ready, port: admin, scheme: ${scheme} } }, ${LIMITS} }`;
    const ports =
      '[{ name: http, port: 80, targetPort: http, nodePort: 30200 }, { name: admin, port: 9443, targetPort: admin, nodePort: 30201 }]';
    const [problem] = problemsOf(twoWorkloads(admin('HTTPS'), admin('HTTP'), ports));
    expect(problem).toContain(
      'Service edge/legacy is published at the edge, and the pods it selects are checked at its port 9443 (node port 30201) in two schemes: ' +
        "HTTPS as Deployment edge/legacy's readinessProbe of container web says, plain HTTP as Deployment edge/legacy-next's readinessProbe of container web says; " +
        'HAProxy reaches every pod through that one node port, which kube-proxy spreads over all of them, so whichever scheme haproxy.cfg checks with, the checks that land on the other pods fail',
    );
  });

  it.each([
    ['in two schemes (edge/mixed-tls)', twoWorkloads(probed('HTTPS'), probed('HTTP')), 'edge/mixed-tls'],
    ['without a node port (edge/node-port)', legacy([probed('HTTPS')], '[{ port: 443, targetPort: 8443 }]'), 'edge/node-port'],
  ])('is refused once, not once a host, when the app is published at two hosts: %s', (_, manifest, code) => {
    const text = stage('legacy', ['stack: manifests', 'include: [in]']).replace(
      'hosts: { api.example.com: legacy }',
      'hosts: { api.example.com: legacy, www.example.com: legacy }',
    );
    const problems = edgeProblems(text, { in: { 'in/legacy.yaml': manifest } }).filter((p) => !p.includes('warning:'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(code === 'edge/mixed-tls' ? 'in two schemes' : 'fixed nodePort');
  });

  it('is not refused when every workload says one scheme, or one says none (its probe elsewhere, or not HTTP): taken as the other says', () => {
    const tcp = `{ name: web, image: "team/web:1", ports: [{ containerPort: 8443 }], readinessProbe: { tcpSocket: { port: 8443 } }, ${LIMITS} }`;
    for (const [first, second] of [
      [probed('HTTPS'), probed('HTTPS', 'startupProbe')],
      [probed('HTTPS'), tcp],
    ] as const) {
      const manifest = twoWorkloads(first, second);
      const config = compileEdge(stage('legacy', ['stack: manifests', 'include: [in]']), { in: { 'in/legacy.yaml': manifest } }).files.get(
        'edge/haproxy.cfg',
      );
      expect(config).toContain('\n    server a 10.0.0.1:30200 check ssl verify none\n');
    }
  });
  it('warns, naming the workload with no HTTP probe at the port beside one that says HTTPS, that it is sent TLS too, and how to state its scheme: not refused (a probe-less canary)', () => {
    const bare = `{ name: web, image: "team/web:2", ports: [{ containerPort: 8443 }], ${LIMITS} }`;
    const { files, warnings } = compileEdge(stage('legacy', ['stack: manifests', 'include: [in]']), {
      in: { 'in/legacy.yaml': twoWorkloads(probed('HTTPS'), bare) },
    });
    expect(files.get('edge/haproxy.cfg')).toContain('\n    server a 10.0.0.1:30200 check ssl verify none\n');
    expect(warnings).toEqual([
      'environments/edge.yaml:12:5: warning: Service edge/legacy is published at the edge, and haproxy.cfg sends its port 443 (node port 30200) over TLS, ' +
        "as Deployment edge/legacy's readinessProbe of container web says, but Deployment edge/legacy-next, whose pods it selects too, has no HTTP probe there, so their scheme is not known: " +
        'they are sent TLS too, and if they serve plain HTTP, every request kube-proxy sends them fails (502)\n' +
        '  hint: state the scheme of Deployment edge/legacy-next at that port with an HTTP probe there (readinessProbe: { httpGet: { path: <its path>, port: 8443, scheme: HTTPS } }, ' +
        'or scheme: HTTP if it serves plain HTTP, which the edge then refuses as edge/mixed-tls with the way through)',
    ]);
  });

  it('warns as well when the one that says HTTPS is scaled to zero, the pods that run having no HTTP probe: they are sent TLS on its word', () => {
    const bare = `{ name: web, image: "team/web:2", ports: [{ containerPort: 8443 }], ${LIMITS} }`;
    const manifest = twoWorkloads(probed('HTTPS'), bare).replace('replicas: 1', 'replicas: 0');
    const { files, warnings } = compileEdge(stage('legacy', ['stack: manifests', 'include: [in]']), { in: { 'in/legacy.yaml': manifest } });
    expect(files.get('edge/haproxy.cfg')).toContain('\n    server a 10.0.0.1:30200 check ssl verify none\n');
    expect(warnings.join('\n')).toContain(
      "over TLS, as Deployment edge/legacy (scaled to zero)'s readinessProbe of container web says, but Deployment edge/legacy-next, whose pods it selects too, has no HTTP probe there",
    );
  });

  it('does not warn of a workload with no HTTP probe beside one that says plain HTTP: taken as plain HTTP, as alone', () => {
    const bare = `{ name: web, image: "team/web:2", ports: [{ containerPort: 8443 }], ${LIMITS} }`;
    const { warnings } = compileEdge(stage('legacy', ['stack: manifests', 'include: [in]']), {
      in: { 'in/legacy.yaml': twoWorkloads(probed('HTTP'), bare) },
    });
    expect(warnings).toEqual([]);
  });

  it("still warns that the readiness probe's port has no node port (edge/readiness-port) beside the warning of a probe-less canary: each says its own thing", () => {
    // TLS said by the liveness probe at the port that serves; the readiness probe on a health port without a node port
    const main = `{ name: web, image: "team/web:1", ports: [{ name: https, containerPort: 8443 }, { name: health, containerPort: 8080 }], livenessProbe: { httpGet: { path: /live, port: 8443, scheme: HTTPS } }, readinessProbe: { httpGet: { path: /ready, port: 8080 } }, ${LIMITS} }`;
    const bare = `{ name: web, image: "team/web:2", ports: [{ containerPort: 8443 }], ${LIMITS} }`;
    const ports = '[{ name: http, port: 443, targetPort: 8443, nodePort: 30200 }, { name: health, port: 8080, targetPort: 8080 }]';
    const { warnings } = compileEdge(stage('legacy', ['stack: manifests', 'include: [in]']), {
      in: { 'in/legacy.yaml': twoWorkloads(main, bare, ports) },
    });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('but Deployment edge/legacy-next, whose pods it selects too, has no HTTP probe there');
    expect(warnings[1]).toContain(
      "but its pods' readiness probe checks port 8080, which its port 'health' reaches, with no declared nodePort",
    );
  });

  /** The workload `legacy` (pods `{ app: legacy, tier: main }`) running `main`, and a `kind` named legacy-next beside it running `other`, its pods `{ app: legacy, tier: next }`: both selected by Service legacy. */
  const beside = (main: string, kind: string, other: string, ports = '[{ port: 443, targetPort: 8443, nodePort: 30200 }]') => {
    const template = ['  template:', '    metadata: { labels: { app: legacy, tier: next } }', '    spec:'];
    const pods = [...template, ...(kind.endsWith('Job') ? ['      restartPolicy: Never'] : []), '      containers:', `        - ${other}`];
    const body =
      kind === 'CronJob'
        ? ['  schedule: "0 * * * *"', '  jobTemplate:', '    spec:', ...pods.map((l) => `    ${l}`)]
        : kind === 'Job'
          ? pods
          : [
              '  replicas: 1',
              ...(kind === 'StatefulSet' ? ['  serviceName: legacy'] : []),
              '  selector: { matchLabels: { app: legacy, tier: next } }',
              ...pods,
            ];
    const api = kind.endsWith('Job') ? 'batch/v1' : 'apps/v1';
    return `${legacy([main], ports).replaceAll('{ app: legacy }', '{ app: legacy, tier: main }').replace('selector: { app: legacy, tier: main }', 'selector: { app: legacy }')}---\napiVersion: ${api}\nkind: ${kind}\nmetadata: { name: legacy-next }\nspec:\n${body.join('\n')}\n`;
  };
  const unknownOf = (manifest: string) =>
    compileEdge(stage('legacy', ['stack: manifests', 'include: [in]']), { in: { 'in/legacy.yaml': manifest } }).warnings.filter((w) =>
      w.includes('so their scheme is not known'),
    );

  it.each([
    [
      'a worker that declares no port and has no probe (it shares the app label)',
      'Deployment',
      `{ name: worker, image: "team/worker:1", ${LIMITS} }`,
    ],
    [
      'a worker that serves another port',
      'Deployment',
      `{ name: worker, image: "team/worker:1", ports: [{ containerPort: 9000 }], ${LIMITS} }`,
    ],
    [
      'a Job run from the app’s container, its port and all',
      'Job',
      `{ name: web, image: "team/web:2", args: [migrate], ports: [{ containerPort: 8443 }], ${LIMITS} }`,
    ],
    [
      'a CronJob run from the app’s container, its port and all',
      'CronJob',
      `{ name: web, image: "team/web:2", args: [report], ports: [{ containerPort: 8443 }], ${LIMITS} }`,
    ],
    [
      'a canary whose HTTP probe at that port says HTTPS, its ports not declared',
      'Deployment',
      probed('HTTPS').replace('ports: [{ containerPort: 8443 }], ', ''),
    ],
  ])('does not warn of the scheme of %s', (_, kind, other) => {
    expect(unknownOf(beside(probed('HTTPS'), kind, other))).toEqual([]);
  });

  it('does not warn of a workload without the named port the Service targets: Kubernetes sends it nothing there', () => {
    const main = probed('HTTPS').replace('{ containerPort: 8443 }', '{ name: https, containerPort: 8443 }');
    const other = `{ name: web, image: "team/web:2", ports: [{ name: admin, containerPort: 8443 }], ${LIMITS} }`;
    expect(unknownOf(beside(main, 'Deployment', other, '[{ port: 443, targetPort: https, nodePort: 30200 }]'))).toEqual([]);
  });

  it.each([
    ['a StatefulSet', 'StatefulSet', `{ name: web, image: "team/web:2", ports: [{ containerPort: 8443 }], ${LIMITS} }`, '8443'],
    [
      'a canary with the named port the Service targets, at another number',
      'Deployment',
      `{ name: web, image: "team/web:2", ports: [{ name: https, containerPort: 9443 }], ${LIMITS} }`,
      'https',
    ],
    [
      'a canary whose only HTTP probe is at another port',
      'Deployment',
      `{ name: web, image: "team/web:2", ports: [{ containerPort: 8443 }, { containerPort: 8080 }], readinessProbe: { httpGet: { path: /ready, port: 8080 } }, ${LIMITS} }`,
      '8443',
    ],
  ])('warns of %s with no HTTP probe at the port', (_, kind, other, port) => {
    const named = port === 'https';
    const main = named ? probed('HTTPS').replace('{ containerPort: 8443 }', '{ name: https, containerPort: 8443 }') : probed('HTTPS');
    const ports = `[{ port: 443, targetPort: ${named ? 'https' : '8443'}, nodePort: 30200 }]`;
    const [warning, ...more] = unknownOf(beside(main, kind, other, ports));
    expect(more).toEqual([]);
    expect(warning).toContain(`but ${kind} edge/legacy-next, whose pods it selects too, has no HTTP probe there`);
    expect(warning).toContain(`port: ${port}, scheme: HTTPS`);
  });

  it.each([
    ['a tcpSocket readiness probe', 'readinessProbe: { tcpSocket: { port: 8443 } }', 'its readinessProbe (tcpSocket) says', 'startupProbe'],
    [
      'an exec readiness probe',
      'readinessProbe: { exec: { command: [curl, -fk, "https://localhost:8443/"] } }',
      'its readinessProbe (exec) says',
      'startupProbe',
    ],
    [
      'an HTTP readiness probe at another port',
      'readinessProbe: { httpGet: { path: /ready, port: 8080 } }',
      'its readinessProbe (httpGet at port 8080) says',
      'startupProbe',
    ],
    [
      'readiness and startup probes elsewhere',
      'readinessProbe: { tcpSocket: { port: 8443 } }, startupProbe: { tcpSocket: { port: 8443 } }',
      'its readinessProbe (tcpSocket), its startupProbe (tcpSocket) say',
      'livenessProbe',
    ],
  ])(
    "says, of a canary with %s, that the probe says nothing of the scheme, and hints a probe it does not have: following the hint keeps the canary's own",
    (_, probes, says, hinted) => {
      const other = `{ name: web, image: "team/web:2", ports: [{ containerPort: 8443 }, { containerPort: 8080 }], ${probes}, ${LIMITS} }`;
      const [warning, ...more] = unknownOf(beside(probed('HTTPS'), 'Deployment', other));
      expect(more).toEqual([]);
      expect(warning).toContain(`has no HTTP probe there (${says} nothing of the scheme there)`);
      expect(warning).toContain(
        `hint: state the scheme of Deployment edge/legacy-next at that port with an HTTP probe there (${hinted}: { httpGet: { path: <its path>, port: 8443, scheme: HTTPS } }`,
      );
    },
  );

  it('refuses a canary whose HTTP probe at that port says plain HTTP though its ports are not declared (edge/mixed-tls), not said to have no probe', () => {
    const problems = problemsOf(beside(probed('HTTPS'), 'Deployment', probed('HTTP').replace('ports: [{ containerPort: 8443 }], ', '')));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("plain HTTP as Deployment edge/legacy-next's readinessProbe of container web says");
  });
});

describe('a published Service beside workloads it does not reach', () => {
  const probed = (scheme: string) =>
    `{ name: web, image: "team/web:1", ports: [{ containerPort: 8443 }], readinessProbe: { httpGet: { path: /ready, port: 8443, scheme: ${scheme} } }, livenessProbe: { tcpSocket: { port: 8443 } }, ${LIMITS} }`;
  const PORTS = '[{ port: 443, targetPort: 8443, nodePort: 30200 }]';
  /** The Deployment of `legacy`, renamed legacy-next and changed by `edit`, its container `container`. */
  const next = (container: string, edit: (yaml: string) => string) =>
    edit(legacy([container], PORTS).split('---\n')[1]!.replace('metadata: { name: legacy }', 'metadata: { name: legacy-next }'));
  const compiled = (manifest: string, extra: readonly string[] = []) =>
    compileEdge(stage('legacy', ['stack: manifests', 'include: [in]', ...extra]), { in: { 'in/legacy.yaml': manifest } }).files.get(
      'edge/haproxy.cfg',
    );

  it("leaves out a workload of another namespace, whose pods the Service does not select, in plain HTTP: not refused (edge/mixed-tls), the Service's own pods HTTPS", () => {
    const other = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: other }\n';
    const manifest = `${other}---\n${legacy([probed('HTTPS')], PORTS)}---\n${next(probed('HTTP'), (y) => y.replace('name: legacy-next }', 'name: legacy-next, namespace: other }'))}`;
    expect(compiled(manifest)).toContain('\n    server a 10.0.0.1:30200 check ssl verify none\n');
  });

  it.each([
    [
      'the old one, in plain HTTP, listed first',
      (tls: string, plain: string) => `${legacy([plain], PORTS).replace('replicas: 1', 'replicas: 0')}---\n${next(tls, (y) => y)}`,
    ],
    [
      'the old one, in plain HTTP, listed after',
      (tls: string, plain: string) => `${legacy([tls], PORTS)}---\n${next(plain, (y) => y.replace('replicas: 1', 'replicas: 0'))}`,
    ],
  ])(
    'leaves out a workload scaled to zero (replicas: 0), whose pods there are none of: not refused (edge/mixed-tls), and the pods that run are sent HTTPS: %s',
    (_, manifest) => {
      const config = compiled(manifest(probed('HTTPS'), probed('HTTP')));
      expect(config).toContain('\n    server a 10.0.0.1:30200 check ssl verify none\n');
    },
  );
});
