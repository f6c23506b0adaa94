import { describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { ExitCode, ProblemsError } from '../../lib/errors.js';
import { REQUIRED_SECRETS_ANNOTATION } from '../../lib/required-secrets.js';
import { REQUIRED_SERVICE_ACCOUNTS_ANNOTATION } from '../../lib/required-service-accounts.js';
import { checkErrors, find, problems, render, serviceStage } from '../helpers/stage.js';

const IMAGE = 'image: team/api:1.4.2';
const PORTS = 'ports: { http: { port: 8080 }, admin: { port: 9000 } }';
const pod = (objects: ReturnType<typeof render>) => find(objects, 'Deployment', 'api').spec.template;

describe('a service pulling from a private registry', () => {
  it('names its imagePullSecrets on the pods, and the Namespace lists them as required Secrets', () => {
    const objects = render(serviceStage([IMAGE, 'imagePullSecrets: [regcred, mirror-creds]']));
    expect(pod(objects).spec.imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'mirror-creds' }]);
    expect(find(objects, 'Namespace').metadata.annotations).toEqual({
      [REQUIRED_SECRETS_ANNOTATION]: 'mirror-creds=.dockerconfigjson; regcred=.dockerconfigjson',
    });
  });

  it('refuses a name that is no Secret name, and a name given twice, at their place', () => {
    expect(problems(serviceStage([IMAGE, 'imagePullSecrets: [RegCred]']))).toEqual([
      "environments/x.yaml:5:24: apps.api.imagePullSecrets[0] must be a Secret name (labels of lowercase letters, digits and '-', joined by '.'), of at most 253 characters (found \"RegCred\")",
    ]);
    expect(problems(serviceStage([IMAGE, 'imagePullSecrets: [regcred, regcred]']))[0]).toMatch(
      /^environments\/x\.yaml:5:33: apps\.api\.imagePullSecrets lists one item twice \(items 0 and 1\)/,
    );
  });
});

describe('the pod annotations of a service', () => {
  it('are written on the pod template, where collectors such as Prometheus read them', () => {
    const objects = render(serviceStage([IMAGE, PORTS, 'podAnnotations: { prometheus.io/scrape: "true", prometheus.io/port: "9000" }']));
    expect(pod(objects).metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9000' });
  });

  it.each([
    ['bad key', 'a space', 'bad key'],
    ['a/b/c', "two '/'", 'a/b/c'],
    ['-x', "a leading '-'", '-x'],
    ['Example.com/x', 'a capital in the prefix', 'Example.com/x'],
    [`x/${'n'.repeat(64)}`, 'a name of 64 characters', `x/${'n'.repeat(27)}…${'n'.repeat(29)} (66 characters)`],
  ])("refuse the key '%s' (%s) at its place, as the API server would", (key, _, shown) => {
    expect(problems(serviceStage([IMAGE, `podAnnotations: { "${key}": "1" }`]))).toEqual([
      `environments/x.yaml:5:23: apps.api.podAnnotations: '${shown}' is not a valid name; it must be an annotation key such as prometheus.io/scrape (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`,
    ]);
  });

  it("refuse stagecraft's own prefix, which stagecraft writes and reads", () => {
    expect(problems(serviceStage([IMAGE, 'podAnnotations: { policy.stagecraft.dev/run-as-root: "why not" }']))).toEqual([
      "environments/x.yaml:5:58: apps.api.podAnnotations.policy.stagecraft.dev/run-as-root uses stagecraft's own prefix stagecraft.dev: stagecraft writes those annotations, and a hand-written one would be read as its own\n" +
        "  hint: use your own prefix; a policy exception goes under security.exceptions, a Secret's keys under secrets",
    ]);
  });

  it('refuse a value that is a secret, as every value of a stage file', () => {
    const [problem] = checkErrors(
      serviceStage([IMAGE, 'podAnnotations: { backup.example.com/target: "postgres://admin:hunter2hunter2@db/app" }']),
    );
    expect(problem).toMatch(
      /^environments\/x\.yaml:5:50: apps\.api\.podAnnotations\.backup\.example\.com\/target holds a URL with a user and password .*hidden/,
    );
    expect(problem).not.toContain('hunter2');
  });
});

describe('the service account of a service', () => {
  it('is the one named, with no API token unless the stage asks for one', () => {
    const named = pod(render(serviceStage([IMAGE, 'serviceAccountName: api-reader']))).spec;
    expect(named).toMatchObject({ serviceAccountName: 'api-reader', automountServiceAccountToken: false });
    const token = pod(render(serviceStage([IMAGE, 'serviceAccountName: api-reader', 'automountServiceAccountToken: true']))).spec;
    expect(token.automountServiceAccountToken).toBe(true);
  });

  it('must be in the stage: the reference checks refuse one that is not, at the setting', () => {
    expect(checkErrors(serviceStage([IMAGE, 'serviceAccountName: api-reader']))).toContainEqual(
      "environments/x.yaml:5:25: apps.api.serviceAccountName: Deployment x/api: runs as service account 'api-reader', but the service accounts in namespace 'x' are: default\n" +
        '  hint: add the ServiceAccount to the stage, or fix the name; if it is made outside stagecraft (a Helm chart, a cloud IAM integration, kubectl create serviceaccount), declare it in the stage file: serviceAccounts: { external: [api-reader] }',
    );
  });

  it('is bad input there (exit 2), as any other wrong setting: the stage file is what to fix', () => {
    let exitCode: number | undefined;
    try {
      compileStages([{ stage: 'x', file: 'environments/x.yaml', text: serviceStage([IMAGE, 'serviceAccountName: api-reader']) }]);
    } catch (e) {
      if (e instanceof ProblemsError) exitCode = e.exitCode;
    }
    expect(exitCode).toBe(ExitCode.badInput);
  });

  it('may be one made outside stagecraft, which the stage declares and the Namespace lists as required', () => {
    const text = `serviceAccounts: { external: [api-reader, ci-bot] }\n${serviceStage([IMAGE, 'serviceAccountName: api-reader'])}`;
    expect(checkErrors(text)).toEqual([]);
    expect(find(render(text), 'Namespace').metadata.annotations).toEqual({ [REQUIRED_SERVICE_ACCOUNTS_ANNOTATION]: 'api-reader, ci-bot' });
    expect(
      checkErrors(`serviceAccounts: { external: [ci-bot] }\n${serviceStage([IMAGE, 'serviceAccountName: api-reader'])}`),
    ).toContainEqual(
      expect.stringContaining(
        "environments/x.yaml:6:25: apps.api.serviceAccountName: Deployment x/api: runs as service account 'api-reader', but the service accounts in namespace 'x' are: default, ci-bot",
      ),
    );
  });
});

describe('the ConfigMaps a service reads variables from', () => {
  it('must be in the stage, with the keys read: the reference checks refuse them at the setting', () => {
    const text = `${serviceStage([IMAGE, 'configMaps: { app-config: { MODE: mode, LEVEL: level }, other: { X: x } }'])}  cfg: { stack: manifests, include: [cfg.yaml] }\n`;
    const file = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app-config }\ndata: { mode: a }\n';
    expect(checkErrors(text, (path) => new Map(path === 'cfg.yaml' ? [[path, file]] : []))).toEqual([
      "environments/x.yaml:5:52: apps.api.configMaps.app-config.LEVEL: Deployment x/api: container 'api' env LEVEL reads key 'level' of ConfigMap 'app-config', which has the keys: mode\n" +
        "  hint: add 'level' to the ConfigMap, or read another key",
      "environments/x.yaml:5:73: apps.api.configMaps.other.X: Deployment x/api: container 'api' env X uses ConfigMap 'other', but the ConfigMaps in namespace 'x' are: app-config\n" +
        '  hint: fix the name, or add the ConfigMap to the stage',
    ]);
  });
});

describe('the nodes a service runs on', () => {
  it('are chosen by nodeSelector, beside the architecture stagecraft adds, and tolerations let the pods onto tainted nodes', () => {
    const objects = render(
      serviceStage([
        IMAGE,
        'nodeSelector: { node.example.com/pool: general }',
        'tolerations: [{ key: dedicated, value: general, effect: NoSchedule }, { operator: Exists, effect: NoExecute, tolerationSeconds: 30 }]',
      ]),
    );
    expect(pod(objects).spec.nodeSelector).toEqual({ 'node.example.com/pool': 'general', 'kubernetes.io/arch': 'amd64' });
    expect(pod(objects).spec.tolerations).toEqual([
      { key: 'dedicated', value: 'general', effect: 'NoSchedule' },
      { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ]);
    const arm = compileStages([
      {
        stage: 'pi',
        file: 'environments/pi.yaml',
        text: `architecture: arm64\nimages: { native: [team/api] }\n${serviceStage([IMAGE, 'nodeSelector: { workload: web }'])}`,
      },
    ]);
    const deployment = arm.stages[0].charts.flatMap((c) => c.objects).find((o) => o.kind === 'Deployment') as ReturnType<typeof render>[0];
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ workload: 'web', 'kubernetes.io/arch': 'arm64' });
  });

  it("refuse another architecture than the stage's, and tolerations the API server refuses, at their place with the way out", () => {
    expect(problems(serviceStage([IMAGE, 'nodeSelector: { kubernetes.io/arch: arm64 }']))).toEqual([
      "environments/x.yaml:5:41: apps.api.nodeSelector.kubernetes.io/arch is 'arm64', but stage 'x' runs on amd64 (its stage file's architecture:, amd64 when it has none)\n  hint: remove it (stagecraft gives every pod the stage's own kubernetes.io/arch), or set architecture: arm64 in the stage file",
    ]);
    expect(
      problems(
        serviceStage([
          IMAGE,
          'tolerations: [{ value: v }, { key: k, operator: Exists, value: v, effect: NoSchedule, tolerationSeconds: 5 }]',
        ]),
      ),
    ).toEqual([
      'environments/x.yaml:5:19: apps.api.tolerations[0].operator is Equal (the default), but a toleration without a key must have operator Exists (it then tolerates every taint)\n  hint: give the key of the taint to tolerate, or set operator: Exists to tolerate every taint',
      "environments/x.yaml:5:68: apps.api.tolerations[1].value is 'v', but operator Exists matches any value\n  hint: remove value, or use operator Equal to match that value",
      "environments/x.yaml:5:110: apps.api.tolerations[1].tolerationSeconds is set, but effect is 'NoSchedule': it says how long a pod stays on a node tainted NoExecute, so the API server takes it with effect NoExecute only\n  hint: set effect: NoExecute, or remove tolerationSeconds",
    ]);
    expect(problems(serviceStage([IMAGE, 'nodeSelector: { "bad key": x }', 'tolerations: [{ key: k, effect: Never }]']))).toEqual([
      "environments/x.yaml:5:21: apps.api.nodeSelector: 'bad key' is not a valid name; it must be a node label key such as node.kubernetes.io/instance-type (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)",
      `environments/x.yaml:6:37: apps.api.tolerations[0].effect must be one of 'NoSchedule', 'PreferNoSchedule', 'NoExecute' (found "Never")`,
    ]);
  });
});

describe('the shutdown of a service', () => {
  it('runs the preStop command, then has terminationGracePeriodSeconds to finish', () => {
    const spec = pod(render(serviceStage([IMAGE, 'terminationGracePeriodSeconds: 60', 'preStop: [sleep, "5"]']))).spec;
    expect(spec.terminationGracePeriodSeconds).toBe(60);
    expect(spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
  });

  it('refuses an empty preStop and a negative grace period at their place', () => {
    expect(problems(serviceStage([IMAGE, 'preStop: []', 'terminationGracePeriodSeconds: -1']))).toEqual([
      'environments/x.yaml:5:14: apps.api.preStop is empty: it needs at least 1 item\n  hint: give what it is for, or remove it',
      'environments/x.yaml:6:36: apps.api.terminationGracePeriodSeconds must be an integer from 0 to 2147483647 (found -1)',
    ]);
  });
});

/** The policy/probes warnings of a stage file that compiles, as `Kind namespace/name: field: message`. */
function probeWarnings(text: string): string[] {
  const { checks } = compileStages([{ stage: 'x', file: 'environments/x.yaml', text }]);
  return (checks.get('x')?.findings ?? []).filter((f) => f.code === 'policy/probes').map((f) => `${f.object.metadata.name}: ${f.message}`);
}

describe('the probes of a service', () => {
  it('are asked for readiness only where a Service sends the pods traffic: a worker without ports needs none', () => {
    expect(probeWarnings(serviceStage([IMAGE]))).toEqual(["api: container 'api' has no livenessProbe"]);
    expect(probeWarnings(serviceStage([IMAGE, PORTS]))).toEqual([
      "api: container 'api' has no livenessProbe",
      "api: container 'api' has no readinessProbe, but Service api selects its pods: they get requests before they are ready, and while they cannot serve them",
    ]);
    expect(probeWarnings(serviceStage([IMAGE, PORTS, 'probes: { liveness: { tcp: {} }, readiness: { http: { path: /ready } } }']))).toEqual(
      [],
    );
  });

  it('check over TCP, and over HTTP on a port by name or number', () => {
    const c = pod(
      render(
        serviceStage([
          IMAGE,
          PORTS,
          'probes:',
          '  liveness: { tcp: { port: admin } }',
          '  readiness: { http: { path: /ready, port: http } }',
          '  startup: { tcp: {}, failureThreshold: 30 }',
        ]),
      ),
    ).spec.containers[0];
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 'admin' } });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' } });
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 8080 }, failureThreshold: 30 });
  });

  it('refuse a port name that is not one of ports, more than one check, and a check without a port to default to', () => {
    const text = serviceStage([
      IMAGE,
      'probes:',
      '  liveness: { tcp: {} }',
      '  readiness: { http: { path: /ready }, tcp: { port: 8080 } }',
      '  startup: { http: { path: /ready, port: web } }',
    ]);
    expect(problems(text)).toEqual([
      'environments/x.yaml:6:24: apps.api.probes.liveness.tcp needs a port (there are no ports to default to)\n  hint: add port, or declare ports',
      'environments/x.yaml:7:18: apps.api.probes.readiness needs exactly one of http, tcp and command (found http and tcp)\n' +
        '  hint: e.g. `http: { path: /healthz }`, or `tcp: { port: <port> }` or `command: [redis-cli, ping]` for a service that does not speak HTTP',
      'environments/x.yaml:8:46: apps.api.probes.startup.http.port names no port of the container (ports: none)\n  hint: name a port under ports, or give its number',
    ]);
    expect(problems(serviceStage([IMAGE, PORTS, 'probes: { liveness: { tcp: { port: Admin } } }']))).toEqual([
      'environments/x.yaml:6:40: apps.api.probes.liveness.tcp.port must be a port number (1-65535) or the name of one of the container\'s ports (found "Admin")',
    ]);
  });

  it("put a color's Service on the port the readiness probe names", () => {
    const objects = render(
      serviceStage([
        'blueGreen: { live: blue, blue: team/api:1, green: team/api:1 }',
        'ports: { metrics: { port: 9090 }, web: { port: 8080 } }',
        'probes: { readiness: { http: { path: /ready, port: web } } }',
        'service: { colorNodePorts: { blue: 30031, green: 30032 } }',
      ]),
    );
    expect(find(objects, 'Service', 'api-blue').spec.ports).toEqual([
      { name: 'web', port: 8080, targetPort: 'web', protocol: 'TCP', nodePort: 30031 },
    ]);
  });
});

describe('the Ingress of a service', () => {
  it('carries its annotations and takes a wildcard host, as Ingress does', () => {
    const ingress = find(
      render(
        serviceStage([
          IMAGE,
          PORTS,
          'ingress: { host: "*.example.com", tlsSecret: wildcard-tls, annotations: { cert-manager.io/cluster-issuer: letsencrypt } }',
        ]),
      ),
      'Ingress',
      'api',
    );
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(ingress.spec.rules[0].host).toBe('*.example.com');
    expect(ingress.spec.tls).toEqual([{ hosts: ['*.example.com'], secretName: 'wildcard-tls' }]);
  });

  it('refuses a wildcard anywhere but the first label', () => {
    expect(problems(serviceStage([IMAGE, PORTS, 'ingress: { host: "api.*.example.com", tlsSecret: t }']))).toEqual([
      "environments/x.yaml:6:22: apps.api.ingress.host must be a host name such as api.example.com, or a wildcard such as *.example.com (labels of lowercase letters, digits and '-', each of at most 63 characters, joined by '.', at most 253 in all; not an IP address) (found \"api.*.example.com\")",
    ]);
  });
});
