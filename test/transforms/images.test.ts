import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Architecture, StageImages } from '../../lib/config/stage-schema.js';
import { ProblemsError } from '../../lib/errors.js';
import { normalizeImage } from '../../lib/transforms/arm-images.js';
import { imageSubstitutions, resolveImage, substituteImages } from '../../lib/transforms/images.js';
import type { KubeObject } from '../../lib/model/object.js';

const NO_ADDITIONS: StageImages = { substitute: {}, native: [] };
const run = (yaml: string, architecture: Architecture, stage: StageImages = NO_ADDITIONS): KubeObject[] =>
  substituteImages(parse(yaml) as KubeObject[], { architecture, stage, stageName: 'pi' });

/** YAML in, YAML out: each case is a list of objects and what the transform makes of them. */
const CASES: { name: string; architecture: Architecture; stage?: StageImages; input: string; output: string }[] = [
  {
    name: 'an exact mapping replaces the image of a ReplicationController and records the original',
    architecture: 'arm',
    input: `
- apiVersion: v1
  kind: ReplicationController
  metadata: { name: kube-registry, namespace: kube-system }
  spec: { template: { spec: { containers: [{ name: registry, image: "registry:2" }] } } }`,
    output: `
- apiVersion: v1
  kind: ReplicationController
  metadata:
    name: kube-registry
    namespace: kube-system
    annotations: { images.stagecraft.dev/registry: "registry:2" }
  spec: { template: { spec: { containers: [{ name: registry, image: "budry/registry-arm:latest" }] } } }`,
  },
  {
    name: 'the flannel pattern rule replaces amd64 by arm in containers and initContainers of a DaemonSet',
    architecture: 'arm',
    input: `
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: { name: kube-flannel-ds, namespace: kube-system }
  spec:
    template:
      spec:
        initContainers: [{ name: install-cni, image: "quay.io/coreos/flannel:v0.11.0-amd64" }]
        containers: [{ name: kube-flannel, image: "quay.io/coreos/flannel:v0.11.0-amd64" }]`,
    output: `
- apiVersion: apps/v1
  kind: DaemonSet
  metadata:
    name: kube-flannel-ds
    namespace: kube-system
    annotations:
      images.stagecraft.dev/install-cni: "quay.io/coreos/flannel:v0.11.0-amd64"
      images.stagecraft.dev/kube-flannel: "quay.io/coreos/flannel:v0.11.0-amd64"
  spec:
    template:
      spec:
        initContainers: [{ name: install-cni, image: "quay.io/coreos/flannel:v0.11.0-arm" }]
        containers: [{ name: kube-flannel, image: "quay.io/coreos/flannel:v0.11.0-arm" }]`,
  },
  {
    name: 'the flannel pattern rule gives the arm64 build on arm64',
    architecture: 'arm64',
    input: `
- { apiVersion: v1, kind: Pod, metadata: { name: f }, spec: { containers: [{ name: f, image: "quay.io/coreos/flannel:v0.12.0-amd64" }] } }`,
    output: `
- apiVersion: v1
  kind: Pod
  metadata: { name: f, annotations: { images.stagecraft.dev/f: "quay.io/coreos/flannel:v0.12.0-amd64" } }
  spec: { containers: [{ name: f, image: "quay.io/coreos/flannel:v0.12.0-arm64" }] }`,
  },
  {
    name: 'a multi-arch image in a CronJob is left as it is, with no annotation',
    architecture: 'arm',
    input: `
- apiVersion: batch/v1
  kind: CronJob
  metadata: { name: tick }
  spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: tick, image: "docker.io/library/busybox:1.36" }] } } } } }`,
    output: `
- apiVersion: batch/v1
  kind: CronJob
  metadata: { name: tick }
  spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: tick, image: "docker.io/library/busybox:1.36" }] } } } } }`,
  },
  {
    name: "the stage's own mapping wins over the built-in table, in a Deployment",
    architecture: 'arm',
    stage: { substitute: { 'registry:2': 'example/registry-armv7:2' }, native: [] },
    input: `
- { apiVersion: apps/v1, kind: Deployment, metadata: { name: r }, spec: { template: { spec: { containers: [{ name: r, image: "registry:2" }] } } } }`,
    output: `
- apiVersion: apps/v1
  kind: Deployment
  metadata: { name: r, annotations: { images.stagecraft.dev/r: "registry:2" } }
  spec: { template: { spec: { containers: [{ name: r, image: "example/registry-armv7:2" }] } } }`,
  },
  {
    name: 'an image the stage lists as native runs as it is, whatever its tag (StatefulSet)',
    architecture: 'arm',
    stage: { substitute: {}, native: ['localhost:5000/zyxist/moj-obraz'] },
    input: `
- { apiVersion: apps/v1, kind: StatefulSet, metadata: { name: m }, spec: { template: { spec: { containers: [{ name: m, image: "localhost:5000/zyxist/moj-obraz:3" }] } } } }`,
    output: `
- { apiVersion: apps/v1, kind: StatefulSet, metadata: { name: m }, spec: { template: { spec: { containers: [{ name: m, image: "localhost:5000/zyxist/moj-obraz:3" }] } } } }`,
  },
  {
    name: 'on amd64 nothing changes, not even an image without an ARM build',
    architecture: 'amd64',
    input: `
- { apiVersion: batch/v1, kind: Job, metadata: { name: j }, spec: { template: { spec: { containers: [{ name: j, image: "registry:2" }, { name: k, image: "demoapp:1" }] } } } }`,
    output: `
- { apiVersion: batch/v1, kind: Job, metadata: { name: j }, spec: { template: { spec: { containers: [{ name: j, image: "registry:2" }, { name: k, image: "demoapp:1" }] } } } }`,
  },
  {
    name: 'objects without pod templates pass through',
    architecture: 'arm',
    input: `
- { apiVersion: v1, kind: ConfigMap, metadata: { name: c }, data: { image: "demoapp:1" } }`,
    output: `
- { apiVersion: v1, kind: ConfigMap, metadata: { name: c }, data: { image: "demoapp:1" } }`,
  },
];

describe('substituteImages', () => {
  it.each(CASES)('$name', ({ architecture, stage, input, output }) => {
    expect(run(input, architecture, stage)).toEqual(parse(output));
  });

  it('does not change the objects it is given', () => {
    const input = parse(CASES[0].input) as KubeObject[];
    const before = structuredClone(input);
    substituteImages(input, { architecture: 'arm', stage: NO_ADDITIONS, stageName: 'pi' });
    expect(input).toEqual(before);
  });

  it('fails naming the object, the container and the image of every image with no build for the architecture', () => {
    const input = `
- { apiVersion: v1, kind: ReplicationController, metadata: { name: mysql-1, namespace: shop }, spec: { template: { spec: { containers: [{ name: mysql, image: "mysql:5.7" }] } } } }
- { apiVersion: v1, kind: Pod, metadata: { name: p, namespace: shop }, spec: { initContainers: [{ name: init, image: "demoapp:1" }], containers: [{ name: web, image: nginx }] } }`;
    let error: unknown;
    try {
      run(input, 'arm');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemsError);
    expect((error as ProblemsError).message).toBe(
      [
        "ReplicationController shop/mysql-1: spec.template.spec.containers[0]: container 'mysql' runs image 'mysql:5.7', which has no known arm build (stage 'pi' runs on arm; the image is not in the image table and not known to be multi-arch)",
        "  hint: map it to an arm build in environments/pi.yaml under images.substitute ('mysql:5.7': <arm image>), or list it under images.native if it already runs on arm (built-in entries: lib/transforms/arm-images.ts)",
        "Pod shop/p: spec.initContainers[0]: container 'init' runs image 'demoapp:1', which has no known arm build (stage 'pi' runs on arm; the image is not in the image table and not known to be multi-arch)",
        "  hint: map it to an arm build in environments/pi.yaml under images.substitute ('demoapp:1': <arm image>), or list it under images.native if it already runs on arm (built-in entries: lib/transforms/arm-images.ts)",
      ].join('\n'),
    );
  });
});

describe('resolveImage', () => {
  it.each([
    ['mysql', 'arm64', 'mysql', 'multi-arch'],
    ['mysql:8.0', 'arm64', 'mysql:8.0', 'multi-arch'],
    ['nginx:1.25', 'arm', 'nginx:1.25', 'multi-arch'],
    ['budry/registry-arm:latest', 'arm', 'budry/registry-arm:latest', 'built-for'],
    ['quay.io/coreos/flannel:v0.11.0-arm', 'arm', 'quay.io/coreos/flannel:v0.11.0-arm', 'built-for'],
    ['gcr.io/google_containers/kube-registry-proxy:0.4', 'arm', 'kubernetesonarm/kube-registry-proxy-arm:0.4', 'exact'],
    ['registry:2', 'amd64', 'registry:2', 'amd64'],
  ] as const)('%s on %s runs as %s (%s)', (image, arch, expected, rule) => {
    expect(resolveImage(image, arch, NO_ADDITIONS)).toEqual({ image: expected, rule });
  });

  it.each([
    ['mysql', 'arm'],
    ['mysql:5.7', 'arm64'],
    ['gcr.io/google_containers/kube-registry-proxy:0.4', 'arm64'],
    ['quay.io/coreos/flannel:v0.13.0-amd64', 'arm'],
    ['budry/registry-arm:latest', 'arm64'],
    ['quay.io/coreos/flannel:v0.11.0-arm', 'arm64'],
  ] as const)('%s has no known build for %s', (image, arch) => {
    expect(resolveImage(image, arch, NO_ADDITIONS)).toBeUndefined();
  });
});

describe('a stage entry keyed by repository', () => {
  const stage = (substitute: Record<string, string>, native: string[] = []): StageImages => ({ substitute, native });

  it.each([
    ['demoapp:1.1', { demoapp: 'demoapp-arm' }, 'demoapp-arm:1.1'],
    ['demoapp', { demoapp: 'demoapp-arm' }, 'demoapp-arm'],
    ['docker.io/library/demoapp:2', { demoapp: 'localhost:5000/demoapp-arm' }, 'localhost:5000/demoapp-arm:2'],
    ['demoapp:1.1', { demoapp: 'registry.local/demoapp:{tag}-arm' }, 'registry.local/demoapp:1.1-arm'],
    ['demoapp', { demoapp: 'registry.local/demoapp:{tag}-arm' }, 'registry.local/demoapp:latest-arm'],
  ])('maps %s with %j to %s, keeping the tag', (image, substitute, expected) => {
    expect(resolveImage(image, 'arm', stage(substitute))).toEqual({
      image: expected,
      rule: 'stage',
      entry: { setting: 'substitute', entry: Object.keys(substitute)[0] },
    });
  });

  it('maps every new release without a new entry', () => {
    const rules = stage({ demoapp: 'demoapp-arm' });
    expect(['demoapp:1', 'demoapp:1.1', 'demoapp:2.0-rc1'].map((i) => resolveImage(i, 'arm64', rules)?.image)).toEqual([
      'demoapp-arm:1',
      'demoapp-arm:1.1',
      'demoapp-arm:2.0-rc1',
    ]);
  });

  it('does not map a reference pinned by digest, whose digest names the amd64 image', () => {
    expect(resolveImage(`demoapp@sha256:${'a'.repeat(64)}`, 'arm', stage({ demoapp: 'demoapp-arm' }))).toBeUndefined();
  });

  it('comes after an entry with a tag, a substitute before a native image', () => {
    const rules = stage({ demoapp: 'demoapp-arm', 'demoapp:1': 'legacy/demoapp-arm:1' }, ['demoapp:2', 'demoapp']);
    expect(resolveImage('demoapp:1', 'arm', rules)).toMatchObject({ image: 'legacy/demoapp-arm:1', entry: { entry: 'demoapp:1' } });
    expect(resolveImage('demoapp:2', 'arm', rules)).toMatchObject({ image: 'demoapp:2', entry: { setting: 'native' } });
    expect(resolveImage('demoapp:3', 'arm', rules)).toMatchObject({
      image: 'demoapp-arm:3',
      entry: { setting: 'substitute', entry: 'demoapp' },
    });
  });

  it('is resolved once per stage and image, however many containers run it', () => {
    const rules = stage({ demoapp: 'demoapp-arm' });
    expect(resolveImage('demoapp:1', 'arm', rules)).toBe(resolveImage('demoapp:1', 'arm', rules));
    expect(resolveImage('nginx:1.25', 'arm', rules)).toBe(resolveImage('nginx:1.25', 'arm', rules));
  });
});

describe('normalizeImage', () => {
  it.each([
    ['nginx', 'nginx:latest'],
    ['docker.io/library/nginx:1.25', 'nginx:1.25'],
    ['localhost:5000/zyxist/moj-obraz', 'localhost:5000/zyxist/moj-obraz:latest'],
    ['busybox@sha256:abc', 'busybox@sha256:abc'],
  ])('%s is %s', (image, expected) => {
    expect(normalizeImage(image)).toBe(expected);
  });
});

describe('imageSubstitutions', () => {
  it('lists what the transform recorded, with the image that replaced it', () => {
    expect(imageSubstitutions(run(CASES[0].input, 'arm'))).toEqual([
      {
        object: 'ReplicationController kube-system/kube-registry',
        container: 'registry',
        from: 'registry:2',
        to: 'budry/registry-arm:latest',
      },
    ]);
  });
});
