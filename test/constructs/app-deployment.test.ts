import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { RESTRICTED_CONTAINER } from '../../lib/constructs/app-container.js';
import { AppDeployment, type AppDeploymentProps } from '../../lib/constructs/app-deployment.js';

const base: AppDeploymentProps = { name: 'demoapp', image: 'demoapp:1.1', version: '1.1', selector: { name: 'demoapp' }, port: 8080 };
const synth = (props: Partial<AppDeploymentProps> = {}) => {
  const chart = new Chart(new App(), 'c', { disableResourceNameHashes: true });
  new AppDeployment(chart, 'd', { ...base, ...props });
  return chart.toJson()[0] as any;
};

describe('AppDeployment', () => {
  it('rolls out with zero downtime by default: maxSurge 1, maxUnavailable 0', () => {
    expect(synth().spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(synth({ maxSurge: 2, maxUnavailable: 1 }).spec.strategy.rollingUpdate).toEqual({ maxSurge: 2, maxUnavailable: 1 });
  });

  it('takes its name and release as props, so two releases can run side by side (blue/green)', () => {
    const blue = synth({
      name: 'demoapp-blue',
      containerName: 'demoapp',
      version: '1',
      image: 'demoapp:1',
      selector: { name: 'demoapp', color: 'blue' },
    });
    expect(blue.metadata).toEqual({ name: 'demoapp-blue', labels: { 'app.kubernetes.io/version': '1' } });
    expect(blue.spec.selector.matchLabels).toEqual({ name: 'demoapp', color: 'blue' });
    expect(blue.spec.template.metadata.labels).toEqual({ name: 'demoapp', color: 'blue', 'app.kubernetes.io/version': '1' });
    expect(blue.spec.template.spec.containers[0]).toMatchObject({ name: 'demoapp', image: 'demoapp:1' });
  });

  it('runs a worker that serves nothing without a port: no container port (it wrote one with no containerPort), and refuses a probe with no port to check', () => {
    const worker = synth({ port: undefined, probes: { liveness: { command: ['/app/alive'] } } }).spec.template.spec.containers[0];
    expect(worker.ports).toBeUndefined();
    expect(worker.livenessProbe).toEqual({ exec: { command: ['/app/alive'] } });
    expect(() => synth({ port: undefined, probes: { readiness: { http: { path: '/ready' } } } })).toThrow(
      "Deployment 'demoapp': 'readiness' probe: 'http' names no port, and the container has none to default to (give the probe a port, or the container one)",
    );
    expect(
      synth({ port: undefined, probes: { readiness: { tcp: { port: 9000 } } } }).spec.template.spec.containers[0].readinessProbe,
    ).toEqual({
      tcpSocket: { port: 9000 },
    });
  });

  it("checks the first of its ports by a probe that names none when it has ports and no port (it threw: 'the container has none to default to')", () => {
    const container = synth({
      port: undefined,
      ports: [
        { name: 'web', containerPort: 9000 },
        { name: 'metrics', containerPort: 9100 },
      ],
      probes: { readiness: { http: { path: '/ready' } }, liveness: { tcp: {} } },
    }).spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 9000, scheme: 'HTTP' });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 9000 });
    expect(() => synth({ port: undefined, ports: [], probes: { readiness: { tcp: {} } } })).toThrow(
      "'readiness' probe: 'tcp' names no port",
    );
  });

  it('names its container after itself unless told otherwise', () => {
    expect(synth({ name: 'demoapp-green' }).spec.template.spec.containers[0].name).toBe('demoapp-green');
  });

  it('runs restricted by default, pulls IfNotPresent, gives no API token, and mounts a writable /tmp', () => {
    const spec = synth().spec.template.spec;
    expect(spec.containers[0].securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  it('mounts no /tmp when the root filesystem is writable', () => {
    const spec = synth({ securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: false } }).spec.template.spec;
    expect(spec.volumes).toBeUndefined();
    expect(spec.containers[0].volumeMounts).toBeUndefined();
  });

  it("rejects 'maxSurge' and 'maxUnavailable' both zero", () => {
    expect(() => synth({ maxSurge: 0, maxUnavailable: 0 })).toThrow(
      "Deployment 'demoapp': 'maxSurge' and 'maxUnavailable' cannot be both zero (a rollout could never start)",
    );
  });

  it('replaces every pod at once with strategy Recreate, and then takes no maxSurge or maxUnavailable', () => {
    expect(synth({ strategy: 'Recreate' }).spec.strategy).toEqual({ type: 'Recreate' });
    expect(() => synth({ strategy: 'Recreate', maxSurge: 1 })).toThrow(
      "Deployment 'demoapp': 'maxSurge' and 'maxUnavailable' apply to strategy 'RollingUpdate' only (got strategy 'Recreate' with maxSurge 1)",
    );
  });

  it('writes no spec.replicas when an autoscaler sets the count, and refuses replicas then', () => {
    expect(synth({ autoscaled: true }).spec).not.toHaveProperty('replicas');
    expect(synth().spec.replicas).toBe(1);
    expect(() => synth({ autoscaled: true, replicas: 2 })).toThrow(
      "Deployment 'demoapp': 'replicas' (2) and 'autoscaled' cannot be both set (the autoscaler sets the number of pods)",
    );
  });

  it('rejects an empty selector', () => {
    expect(() => synth({ selector: {} })).toThrow("Deployment 'demoapp': 'selector' must have at least one label");
  });

  it('rejects a probe with more or fewer than one of http, tcp and command', () => {
    expect(() => synth({ probes: { liveness: { http: { path: '/' }, command: ['true'] } } })).toThrow(
      "Deployment 'demoapp': 'liveness' probe: needs exactly one of 'http', 'tcp' and 'command' (got 'http' and 'command')",
    );
    expect(() => synth({ probes: { readiness: {} } })).toThrow(
      "Deployment 'demoapp': 'readiness' probe: needs exactly one of 'http', 'tcp' and 'command' (got none)",
    );
  });

  it('pulls with the named registry Secrets, and shuts down gracefully: a preStop command and a grace period', () => {
    const spec = synth({ imagePullSecrets: ['regcred'], terminationGracePeriodSeconds: 45, preStop: ['sleep', '5'] }).spec.template.spec;
    expect(spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(spec.terminationGracePeriodSeconds).toBe(45);
    expect(spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(synth().spec.template.spec).not.toHaveProperty('imagePullSecrets');
  });
});
