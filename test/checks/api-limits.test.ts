import { describe, expect, it } from 'vitest';
import { base64Problem, checkApiLimits, imageProblem } from '../../lib/checks/api-limits.js';
import { codedFindingsIn } from './helpers.js';
import { fieldPath } from '../../lib/checks/finding.js';
import type { KubeObject } from '../../lib/model/object.js';

const lines = (objects: KubeObject[]) => checkApiLimits(objects).map((f) => `${f.code} ${fieldPath(f.path)}: ${f.message}`);
const pod = (spec: Record<string, unknown>, name = 'p'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
const container = (extra: Record<string, unknown>) => ({ name: 'c', image: 'nginx', ...extra });

describe('the API server limits and grammars', () => {
  it('refuses ConfigMap data over 1 MiB and annotations over 256 KiB in total', () => {
    const big = 'x'.repeat(1024 * 1024);
    expect(
      lines([
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'c', annotations: { a: 'y'.repeat(200 * 1024), b: 'y'.repeat(100 * 1024) } },
          data: { k: big },
        },
      ]),
    ).toEqual([
      'api/data-size data: holds 1024 KiB of data; the API server accepts at most 1 MiB per ConfigMap',
      'api/annotation-size metadata.annotations: annotations total 300 KiB; the API server accepts at most 256 KiB',
    ]);
  });

  it('refuses int32 overflow but not int64 fields', () => {
    const rc: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        replicas: 3000000000,
        template: {
          spec: { terminationGracePeriodSeconds: 3000000000, containers: [container({ livenessProbe: { periodSeconds: 99999999999 } })] },
        },
      },
    };
    expect(lines([rc])).toEqual([
      'api/int32 spec.replicas: 3000000000 is out of range for replicas (an int32: -2147483648 to 2147483647), so the API server refuses the object',
      'api/int32 spec.template.spec.containers[0].livenessProbe.periodSeconds: 99999999999 is out of range for periodSeconds (an int32: -2147483648 to 2147483647), so the API server refuses the object',
    ]);
    expect(checkApiLimits([rc]).map((f) => f.hint)).toEqual(Array(2).fill('write a number from -2147483648 to 2147483647'));
  });

  it("leaves a custom resource's integers to its CRD (Strimzi's retention.bytes of 100 GiB), but for a custom workload's pod template", () => {
    const topic: KubeObject = {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaTopic',
      metadata: { name: 'events' },
      spec: { partitions: 12, config: { 'retention.bytes': 107374182400, 'retention.ms': 604800000000 } },
    };
    const rollout: KubeObject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: {
        progressDeadlineSeconds: 3000000000,
        template: { spec: { containers: [container({ ports: [{ containerPort: 3000000000 }] })] } },
      },
    };
    expect(lines([topic, rollout])).toEqual([
      "api/int32 spec.template.spec.containers[0].ports[0].containerPort: 3000000000 is out of range for containerPort (an int32: -2147483648 to 2147483647), so the API server refuses what the Rollout's controller makes of it",
    ]);
  });

  it("holds a Job-like custom workload's Job spec to int32 (a KEDA ScaledJob's jobTargetRef: the Job KEDA makes of it is refused)", () => {
    const scaledJob: KubeObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledJob',
      metadata: { name: 'j' },
      spec: {
        pollingInterval: 3000000000,
        jobTargetRef: {
          backoffLimit: 3000000000,
          activeDeadlineSeconds: 3000000000,
          template: { spec: { restartPolicy: 'Never', containers: [container({ ports: [{ containerPort: 3000000000 }] })] } },
        },
      },
    };
    expect(lines([scaledJob])).toEqual([
      "api/int32 spec.jobTargetRef.backoffLimit: 3000000000 is out of range for backoffLimit (an int32: -2147483648 to 2147483647), so the API server refuses what the ScaledJob's controller makes of it",
      "api/int32 spec.jobTargetRef.template.spec.containers[0].ports[0].containerPort: 3000000000 is out of range for containerPort (an int32: -2147483648 to 2147483647), so the API server refuses what the ScaledJob's controller makes of it",
    ]);
  });

  it('takes a quantity written as a number beyond int32 (memory 4294967296 is 4Gi, cpu 1e21): a quantity has no int32 range', () => {
    const big = { cpu: 1e21, memory: 4294967296, 'ephemeral-storage': 10737418240 };
    const objects: KubeObject[] = [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { overhead: big, containers: [container({ resources: { requests: big, limits: big } })] },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'c' },
        spec: { resources: { requests: { storage: 10737418240 } } },
      },
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'v' }, spec: { capacity: { storage: 10737418240 } } },
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { 'requests.memory': 4294967296 } } },
      {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'l' },
        spec: { limits: [{ type: 'Container', max: { memory: 4294967296 } }] },
      },
    ];
    expect(lines(objects).filter((l) => l.startsWith('api/int32'))).toEqual([]);
  });

  it('refuses requests above limits and a nodeName that is not a DNS-1123 subdomain', () => {
    expect(
      lines([
        pod({
          nodeName: 'n..x',
          containers: [container({ resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } } })],
        }),
      ]),
    ).toEqual([
      "api/node-name spec.nodeName: 'n..x' is not a DNS-1123 subdomain",
      'api/requests-above-limits spec.containers[0].resources.requests.cpu: request 2 is above the limit 500m',
    ]);
  });

  it.each([
    ['nginx:1.25-Alpine', undefined],
    ['localhost:5000/team/app:2', undefined],
    [`nginx@sha256:${'a'.repeat(64)}`, undefined],
    ['nginx@sha256:xyz', 'is not a valid image reference (name[:tag][@algorithm:hex]; the name in lowercase)'],
    [`nginx@sha256:${'a'.repeat(40)}`, 'has a sha256 digest of 40 hex digits (it needs 64)'],
    ['Nginx:1', 'is not a valid image reference (name[:tag][@algorithm:hex]; the name in lowercase)'],
  ])('image %s: %s', (image, problem) => {
    expect(imageProblem(image)).toBe(problem);
  });

  it('refuses an image the kubelet cannot pull (which the API server takes), saying why: no pod of it ever starts', () => {
    expect(lines([pod({ containers: [container({ image: 'Nginx:1.25' })] })])).toEqual([
      "api/image spec.containers[0].image: 'Nginx:1.25' is not a valid image reference (name[:tag][@algorithm:hex]; the name in lowercase): the kubelet cannot pull it (InvalidImageName), so no pod of it ever starts",
    ]);
  });

  it('refuses the same nodePort on two Services', () => {
    const svc = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'qa' },
      spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] },
    });
    expect(lines([svc('a'), svc('b')])).toEqual(['api/node-port spec.ports[0].nodePort: nodePort 30080 is also taken by Service qa/a']);
  });

  it('refuses strings kubectl kustomize cannot carry', () => {
    expect(lines([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'a\u2028b', j: 'a\x7f' } }])).toEqual([
      'api/character data.k: holds the character U+2028, which kubectl kustomize refuses or changes',
      'api/character data.j: holds the character U+007F, which kubectl kustomize refuses or changes',
    ]);
  });

  it('refuses half of a surrogate pair alone, and takes a whole pair', () => {
    const data = { high: 'a\ud800b', low: 'a\udc00', end: 'a\ud83d', pair: 'a\ud83d\ude00b' };
    expect(lines([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data }])).toEqual([
      'api/character data.high: holds the character U+D800, which kubectl kustomize refuses or changes',
      'api/character data.low: holds the character U+DC00, which kubectl kustomize refuses or changes',
      'api/character data.end: holds the character U+D83D, which kubectl kustomize refuses or changes',
    ]);
  });
});

describe('base64 of ConfigMap binaryData and Secret data', () => {
  it.each([
    ['', undefined],
    ['aGVsbG8=', undefined],
    ['aGk=', undefined],
    ['aGVsbG8g\r\nd29ybGQ=\n', undefined],
    ['not base64!!', "character 4 is outside the base64 alphabet (A-Z, a-z, 0-9, '+', '/', '=' padding)"],
    ['aGVsbG8', "its length (7, line breaks aside) is not a multiple of 4: base64 is padded with '='"],
    ['aG=sbG8=', "'=' is padding, allowed only at the end (at most two)"],
    ['aGVsbG8g d29y', "character 9 is outside the base64 alphabet (A-Z, a-z, 0-9, '+', '/', '=' padding)"],
    ['aGVsbG8-', "character 8 is outside the base64 alphabet (A-Z, a-z, 0-9, '+', '/', '=' padding)"],
  ])('judges %j as Go StdEncoding does', (value, expected) => {
    expect(base64Problem(value)).toBe(expected);
  });

  it('refuses a value the API server cannot decode at its key, without quoting it', () => {
    expect(codedFindingsIn(['api/base64.yaml']).filter((f) => f.startsWith('api/base64'))).toEqual([
      "api/base64 api/base64.yaml:6:13: ConfigMap default/files: binaryData.logo.png: the value of key 'logo.png' is not base64, which binaryData must be: character 4 is outside the base64 alphabet (A-Z, a-z, 0-9, '+', '/', '=' padding)",
      "api/base64 api/base64.yaml:16:10: Secret default/creds: data.token: the value of key 'token' is not base64, which data must be: its length (3, line breaks aside) is not a multiple of 4: base64 is padded with '='",
    ]);
  });
});

describe('cpu and memory quantities off by their unit (warnings: the API server takes them)', () => {
  const warnings = (objects: KubeObject[]) =>
    checkApiLimits(objects).map((f) => `${f.severity} ${f.code} ${fieldPath(f.path)}: ${f.message}`);

  it('warn about memory in thousandths of a byte, memory below 4Mi and cpu of 64 cores or more, at the quantity, with what was probably meant', () => {
    const resources = { requests: { cpu: 64, memory: '512m' }, limits: { cpu: '500', memory: '512' } };
    expect(
      warnings([
        pod({ initContainers: [container({ resources: { limits: { memory: '1Ki' } } })], containers: [container({ resources })] }),
      ]),
    ).toEqual([
      'warning quantity/memory-small spec.initContainers[0].resources.limits.memory: memory 1Ki is 1024 bytes (no container runs in less than 4Mi); did you mean 1Mi?',
      'warning quantity/cpu-large spec.containers[0].resources.requests.cpu: cpu 64 is 64 CPU cores (no node is likely to have 64 or more); did you mean 64m?',
      'warning quantity/memory-milli spec.containers[0].resources.requests.memory: memory 512m is 0.512 bytes (the suffix m means thousandths, not mebibytes); did you mean 512Mi?',
      'warning quantity/cpu-large spec.containers[0].resources.limits.cpu: cpu 500 is 500 CPU cores (no node is likely to have 64 or more); did you mean 500m?',
      'warning quantity/memory-small spec.containers[0].resources.limits.memory: memory 512 is 512 bytes (no container runs in less than 4Mi); did you mean 512Mi?',
    ]);
  });

  it('say nothing of the quantities people mean, of zero, or of other resources', () => {
    const resources = {
      requests: { cpu: '63', memory: '0', 'ephemeral-storage': '1' },
      limits: { cpu: '63999m', memory: '4Mi', 'nvidia.com/gpu': 128 },
    };
    expect(warnings([pod({ containers: [container({ resources })] })])).toEqual([]);
  });
});
