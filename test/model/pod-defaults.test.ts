import { describe, expect, it } from 'vitest';
import { podSpecAsCreated, podSpecWithDefaults, podTemplateWithDefaults } from '../../lib/model/pod-defaults.js';

describe('a pod spec with the defaults the API server gives it', () => {
  it('gets the pod, container, probe and volume defaults of Kubernetes 1.25 where it leaves them out, and keeps what it writes', () => {
    const spec = {
      hostNetwork: true,
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80 }],
          env: [{ name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
          readinessProbe: { httpGet: { port: 80 } },
        },
      ],
      initContainers: [{ name: 'init', image: 'busybox', imagePullPolicy: 'Never' }],
      volumes: [{ name: 'cfg', configMap: { name: 'c' } }, { name: 'scratch' }, { name: 'host', hostPath: { path: '/data' } }],
    };
    expect(podSpecWithDefaults(spec)).toEqual({
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
      schedulerName: 'default-scheduler',
      hostNetwork: true,
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          ports: [{ containerPort: 80, hostPort: 80, protocol: 'TCP' }],
          env: [{ name: 'NS', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }],
          readinessProbe: {
            httpGet: { path: '/', scheme: 'HTTP', port: 80 },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
        },
      ],
      initContainers: [
        {
          name: 'init',
          image: 'busybox',
          imagePullPolicy: 'Never',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      volumes: [
        { name: 'cfg', configMap: { name: 'c', defaultMode: 0o644 } },
        { name: 'scratch', emptyDir: {} },
        { name: 'host', hostPath: { path: '/data', type: '' } },
      ],
    });
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['localhost:5000/team/app', 'Always'],
    ['localhost:5000/team/app:2', 'IfNotPresent'],
    [`nginx@sha256:${'a'.repeat(64)}`, 'IfNotPresent'],
    // ParseImageName gives the tag latest: Always, digest or not
    [`nginx:latest@sha256:${'a'.repeat(64)}`, 'Always'],
    [`nginx:1.25@sha256:${'a'.repeat(64)}`, 'IfNotPresent'],
  ])('pulls image %s %s', (image, policy) => {
    expect(podSpecWithDefaults({ containers: [{ name: 'c', image }] })).toMatchObject({ containers: [{ imagePullPolicy: policy }] });
  });

  it('reads an empty list, a null and false in a plain bool (hostNetwork, tty) as left out, as the API server compares them', () => {
    const bare = { containers: [{ name: 'c', image: 'a:1' }] };
    const written = {
      hostNetwork: false,
      volumes: [],
      nodeSelector: null,
      containers: [{ name: 'c', image: 'a:1', tty: false, args: [] }],
    };
    expect(podSpecWithDefaults(written)).toEqual(podSpecWithDefaults(bare));
    // a pointer bool is not: automountServiceAccountToken false is not the API server's nil
    expect(podSpecWithDefaults({ ...bare, automountServiceAccountToken: false })).not.toEqual(podSpecWithDefaults(bare));
  });

  it('reads an empty map (nodeSelector, overhead, resources and its limits and requests) as left out, as the API server compares them; not an empty pointer struct', () => {
    const bare = { containers: [{ name: 'c', image: 'a:1' }] };
    const written = {
      nodeSelector: {},
      overhead: {},
      containers: [{ name: 'c', image: 'a:1', resources: {} }],
      initContainers: [],
    };
    expect(podSpecWithDefaults(written)).toEqual(podSpecWithDefaults(bare));
    const limited = { containers: [{ name: 'c', image: 'a:1', resources: { limits: { cpu: '1' }, requests: {} } }] };
    expect(podSpecWithDefaults(limited)).toEqual(
      podSpecWithDefaults({ containers: [{ name: 'c', image: 'a:1', resources: { limits: { cpu: '1' } } }] }),
    );
    // a pointer to a struct is not: an empty securityContext of a container is not the API server's nil
    expect(podSpecWithDefaults({ containers: [{ name: 'c', image: 'a:1', securityContext: {} }] })).not.toEqual(podSpecWithDefaults(bare));
  });

  it('reads a template metadata of nothing but nulls and empty maps (creationTimestamp: null, labels: {}, as exported) as no metadata', () => {
    const bare = { spec: { containers: [{ name: 'c', image: 'a:1' }] } };
    expect(podTemplateWithDefaults({ metadata: { creationTimestamp: null, labels: {}, annotations: {} }, ...bare })).toEqual(
      podTemplateWithDefaults(bare),
    );
  });

  it('takes a pod template: its spec defaulted, its metadata without nulls (creationTimestamp: null, as exported)', () => {
    expect(podTemplateWithDefaults({ metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: {} })).toEqual({
      metadata: { labels: { app: 'web' } },
      spec: podSpecWithDefaults({}),
    });
  });
});

describe("a Pod's spec as the API server keeps it once the Pod is created", () => {
  const limited = { name: 'c', image: 'a:1', resources: { limits: { cpu: '1', memory: '64Mi' }, requests: { cpu: '100m' } } };

  it("gets what admission gives a Pod, enableServiceLinks and a container's limits as the requests it leaves out, beside a pod spec's defaults (a template gets none)", () => {
    const spec = { containers: [limited] };
    const defaulted = podSpecWithDefaults(spec) as Record<string, unknown>;
    expect(podSpecAsCreated(spec)).toEqual({
      ...defaulted,
      containers: [
        {
          ...(defaulted.containers as object[])[0],
          resources: { limits: limited.resources.limits, requests: { cpu: '100m', memory: '64Mi' } },
        },
      ],
      enableServiceLinks: true,
      serviceAccountName: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
  });

  it('keeps what it writes: the deprecated serviceAccount stands for serviceAccountName, a PriorityClass gives a priority not known here', () => {
    const spec = { serviceAccount: 'web', priorityClassName: 'high', containers: [{ name: 'c', image: 'a:1' }] };
    const { serviceAccount, ...defaulted } = podSpecWithDefaults(spec) as Record<string, unknown>;
    expect(serviceAccount).toBe('web');
    const { priority, ...admitted } = podSpecAsCreated(spec) as Record<string, unknown>;
    expect(priority).toBeUndefined();
    expect(admitted).toMatchObject({ ...defaulted, enableServiceLinks: true, serviceAccountName: 'web' });
    // a class the stage makes gives its value, and a system class its own
    expect(podSpecAsCreated(spec, new Map([['high', { priority: 1000, preemptionPolicy: 'Never' }]]))).toMatchObject({
      priority: 1000,
      preemptionPolicy: 'Never',
    });
    expect(podSpecAsCreated({ ...spec, priorityClassName: 'system-node-critical' })).toMatchObject({ priority: 2000001000 });
  });

  it('tolerates a node not ready or unreachable for 5 minutes, as DefaultTolerationSeconds admits it, unless it tolerates it already', () => {
    const tolerations = (t: unknown[]) =>
      (podSpecAsCreated({ containers: [{ name: 'c', image: 'a:1' }], tolerations: t }) as { tolerations: { key?: string }[] }).tolerations;
    expect(tolerations([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 10 }]).map((t) => t.key)).toEqual([
      'node.kubernetes.io/unreachable',
      'node.kubernetes.io/not-ready',
    ]);
    expect(tolerations([{ operator: 'Exists' }])).toEqual([{ operator: 'Exists' }]);
    expect(tolerations([{ operator: 'Exists', effect: 'NoSchedule' }])).toHaveLength(3);
  });
});
