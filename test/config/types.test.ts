import { readFileSync } from 'node:fs';
import { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { HostName, ImageRef, Settings } from '../../lib/config/types.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import { defineStack, imageVersion } from '../../lib/stack.js';
import { demoappSettings } from '../../apps/demoapp/settings.js';
import { ingressSettings } from '../../apps/ingress.js';
import { serviceSettings } from '../../apps/service/settings.js';
import { checkErrors, find, problems, render, serviceStage } from '../helpers/stage.js';

/*
 * The three stacks' host patterns are built from DNS_SUBDOMAIN_PATTERN (ingressHostPattern); each
 * was written out before, and must still take exactly what it took. The patterns as written out
 * are the reference here, compared over every string of a small alphabet up to 7 characters (an
 * IPv4 address has 7 at least) and over sample hosts.
 */
const NOT_IPV4 = '(?![0-9]{1,3}(\\.[0-9]{1,3}){3}$)';
const WRITTEN_OUT = {
  // and, since the wildcard the API server takes in a rule was let in, `*.` in front
  ingress: `^${NOT_IPV4}(\\*\\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$`,
  demoapp: `^${NOT_IPV4}[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$`,
  service: `^${NOT_IPV4}(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$`,
};
const hostPattern = (settings: unknown) => (settings as { properties: { host: { pattern: string } } }).properties.host.pattern;
const BUILT = {
  ingress: hostPattern(ingressSettings),
  demoapp: hostPattern(demoappSettings.properties.ingress),
  service: hostPattern(serviceSettings.properties.ingress),
};

/** Every string of `alphabet` up to `length` characters, the empty one included. */
function* strings(alphabet: string, length: number): Generator<string> {
  yield '';
  if (length === 0) return;
  for (const s of strings(alphabet, length - 1)) if (s.length === length - 1) for (const c of alphabet) yield s + c;
}

const SAMPLES = [
  'localhost',
  'demoapp.example.com',
  'pi.example.com',
  '*.example.com',
  '*.com',
  '*.*.example.com',
  'a.*.example.com',
  '10.0.0.1',
  '10.0.0.1.example.com',
  '999.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '-a.example.com',
  'a-.example.com',
  'a..b',
  '.example.com',
  'example.com.',
  'Example.com',
  'ex_ample.com',
  'a b.example.com',
  'xn--bcher-kva.example',
  `${'a'.repeat(63)}.${'b'.repeat(63)}.example.com`,
  'a.example.com\n',
  'a\n.example.com',
];

describe('the host patterns of the ingress, demoapp and service stacks', () => {
  for (const stack of ['ingress', 'demoapp', 'service'] as const) {
    it(`take exactly what the ${stack} stack's pattern took when written out`, () => {
      const built = new RegExp(BUILT[stack], 'u'); // ajv compiles patterns with the u flag
      const reference = new RegExp(WRITTEN_OUT[stack], 'u');
      const differ = [...strings('a1-.*A', 7), ...SAMPLES].filter((s) => built.test(s) !== reference.test(s));
      expect(differ).toEqual([]);
    });
  }

  it('differ as they did: a bare name for ingress only, a wildcard for service and ingress, never an IPv4 address', () => {
    const takes = (stack: keyof typeof BUILT) => SAMPLES.filter((s) => new RegExp(BUILT[stack], 'u').test(s));
    expect(takes('ingress')).toContain('localhost');
    expect(takes('demoapp')).not.toContain('localhost');
    expect(takes('service')).toContain('*.example.com');
    expect(takes('demoapp')).not.toContain('*.example.com');
    expect(takes('ingress')).toContain('*.example.com');
    expect(takes('ingress')).not.toContain('*.*.example.com');
    for (const stack of ['ingress', 'demoapp', 'service'] as const) {
      expect(takes(stack)).toContain('demoapp.example.com');
      expect(takes(stack)).not.toContain('10.0.0.1');
    }
  });
});

/*
 * Names of objects a stage refers to and does not make (SubdomainName): the API server names a
 * Secret, an IngressClass and a StorageClass by DNS-1123 subdomain, and cert-manager's Secrets are
 * often dotted (www.example.com-tls), so a stage file must be able to name them as they are.
 */
describe('the names of Secrets, IngressClasses and StorageClasses made outside stagecraft', () => {
  const dotted = [
    'image: team/api:1.0',
    'ports: { http: { port: 8080 } }',
    'imagePullSecrets: [registry.example.com-creds]',
    'ingress: { host: api.example.com, tlsSecret: api.example.com-tls, className: nginx.internal }',
    'storage: { mountPath: /data, size: 1Gi, storageClass: ebs.gp3 }',
  ];

  it('may be dotted in the service stack, as the API server takes them, and reach the output as written', () => {
    expect(checkErrors(serviceStage(dotted))).toEqual([]);
    const objects = render(serviceStage(dotted));
    expect(find(objects, 'Ingress').spec.tls).toEqual([{ hosts: ['api.example.com'], secretName: 'api.example.com-tls' }]);
    expect(find(objects, 'Ingress').spec.ingressClassName).toBe('nginx.internal');
    expect(find(objects, 'PersistentVolumeClaim').spec.storageClassName).toBe('ebs.gp3');
    expect(find(objects, 'Deployment').spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry.example.com-creds' }]);
  });

  it('may be dotted where a service app reads a Secret declared in secrets.external: secretFiles, secrets: and envFrom', () => {
    const external = 'secrets: { external: [www.example.com-tls, app.example.com-env] }';
    const mounted = serviceStage([
      'image: team/api:1.0',
      'secretFiles: { www.example.com-tls: { mountPath: /etc/tls, keys: [tls.crt, tls.key] } }',
      'secrets: { app.example.com-env: { API_TOKEN: token } }',
    ]);
    expect(checkErrors(`${external}\n${mounted}`)).toEqual([]);
    const pod = find(render(`${external}\n${mounted}`), 'Deployment').spec.template.spec;
    expect(pod.volumes.find((v: { secret?: object }) => v.secret).secret.secretName).toBe('www.example.com-tls');
    expect(pod.containers[0].env).toContainEqual({
      name: 'API_TOKEN',
      valueFrom: { secretKeyRef: { name: 'app.example.com-env', key: 'token' } },
    });
    const whole = serviceStage(['image: team/api:1.0', 'envFrom: { secrets: { app.example.com-env: [API_TOKEN] } }']);
    expect(checkErrors(`${external}\n${whole}`)).toEqual([]);
    expect(find(render(`${external}\n${whole}`), 'Deployment').spec.template.spec.containers[0].envFrom).toEqual([
      { secretRef: { name: 'app.example.com-env' } },
    ]);
  });

  it("may be dotted in the ingress stack's className", () => {
    const text = [
      'apps:',
      '  nginx: { replicas: 1 }',
      '  ingress: { className: nginx.internal, paths: { /: { service: nginx, port: 80 } } }',
      '',
    ].join('\n');
    expect(find(render(text), 'Ingress').spec.ingressClassName).toBe('nginx.internal');
  });

  it("may be dotted in demoapp's ingress", () => {
    const example = readFileSync(new URL('../fixtures/examples/dev.yaml', import.meta.url), 'utf8');
    const text = example.replace('tlsSecret: demoapp-tls }', 'tlsSecret: demoapp.dev.example.com-tls, className: nginx.internal }');
    expect(text).not.toBe(example);
    expect(checkErrors(text)).toEqual([]);
    expect(find(render(text), 'Ingress').spec.tls[0].secretName).toBe('demoapp.dev.example.com-tls');
  });

  it('are refused, with what such a name is, when the API server would refuse them', () => {
    expect(
      problems(
        serviceStage([
          'image: team/api:1.0',
          'ports: { http: { port: 8080 } }',
          'ingress: { host: api.example.com, tlsSecret: Api-TLS, className: -x }',
        ]),
      ),
    ).toEqual([
      expect.stringMatching(
        /^environments\/x\.yaml:6:50: apps\.api\.ingress\.tlsSecret must be a Secret name \(labels of lowercase letters, digits and '-', joined by '\.'\), of at most 253 characters \(found /,
      ),
      "environments/x.yaml:6:70: apps.api.ingress.className must be an IngressClass name (labels of lowercase letters, digits and '-', joined by '.'), of at most 253 characters (found \"-x\")",
    ]);
  });
});

describe("HostName, a stack's own Ingress host", () => {
  // a team's stack as README's "Your own stack" says: with Type.String, an empty or unicode host passed to the checks, which refused the Ingress at its field only
  const hosted = defineStack({
    name: 'hosted',
    settings: Settings({ image: ImageRef(), host: HostName({ description: 'Host of the Ingress.' }) }),
    version: (s) => imageVersion(s.image),
    chart: (app, name) => new Chart(app, name),
  });
  const loader = new StageLoader({ ...STACKS, hosted });
  const refused = (host: string): string[] => {
    try {
      loader.load(['apps:', '  hosted:', '    image: team/api:1', `    host: ${host}`, ''].join('\n'), 'environments/x.yaml');
    } catch (e) {
      if (e instanceof ProblemsError) return e.problems.map(formatProblem);
      throw e;
    }
    return [];
  };

  it('refuses at its line an empty host, an IP address and a host not in ASCII, saying what it must be', () => {
    const must =
      "must be a host name such as api.example.com, or a wildcard such as *.example.com (labels of lowercase letters, digits and '-', each of at most 63 characters, joined by '.', at most 253 in all; not an IP address)";
    expect(refused('""')).toEqual([`environments/x.yaml:4:11: apps.hosted.host ${must} (found "")`]);
    expect(refused('10.0.0.1')).toEqual([`environments/x.yaml:4:11: apps.hosted.host ${must} (found "10.0.0.1")`]);
    expect(refused('ünïcode.example.com')).toEqual([`environments/x.yaml:4:11: apps.hosted.host ${must} (found "ünïcode.example.com")`]);
  });

  it("takes what the service stack's ingress.host takes", () => {
    expect(refused('api.example.com')).toEqual([]);
    expect(refused('"*.example.com"')).toEqual([]);
    expect(HostName().pattern).toBe(BUILT.service);
  });
});
