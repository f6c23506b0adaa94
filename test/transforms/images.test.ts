import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Architecture, StageImages } from '../../lib/config/stage-schema.js';
import { ProblemsError } from '../../lib/errors.js';
import { IMAGE_TABLE, normalizeImage, type ImageTable } from '../../lib/transforms/arm-images.js';
import { resolveImage } from '../../lib/transforms/image-resolution.js';
import { imageSubstitutions, noBuildReason, substituteImages, writtenImages } from '../../lib/transforms/images.js';
import type { KubeObject } from '../../lib/model/object.js';
import { refineStageImages } from '../../lib/config/images.js';

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
    name: "a custom workload's pod template is a built-in one's (an Argo Rollout's); a kind of another group named like one is left as written",
    architecture: 'arm',
    input: `
- apiVersion: argoproj.io/v1alpha1
  kind: Rollout
  metadata: { name: kube-registry, namespace: kube-system }
  spec: { template: { spec: { containers: [{ name: registry, image: "registry:2" }] } } }
- apiVersion: example.com/v1
  kind: Deployment
  metadata: { name: registry, namespace: kube-system }
  spec: { template: { spec: { containers: [{ name: registry, image: "registry:2" }] } } }`,
    output: `
- apiVersion: argoproj.io/v1alpha1
  kind: Rollout
  metadata:
    name: kube-registry
    namespace: kube-system
    annotations: { images.stagecraft.dev/registry: "registry:2" }
  spec: { template: { spec: { containers: [{ name: registry, image: "budry/registry-arm:latest" }] } } }
- apiVersion: example.com/v1
  kind: Deployment
  metadata: { name: registry, namespace: kube-system }
  spec: { template: { spec: { containers: [{ name: registry, image: "registry:2" }] } } }`,
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
        "ReplicationController shop/mysql-1: spec.template.spec.containers[0]: container 'mysql' runs image 'mysql:5.7', which has no known arm build (stage 'pi' runs on arm; the image table lists other tags of mysql, not this one: latest, 8, 8.0, 8.4 and lts (for arm64))",
        "  hint: if it is built for arm too (multi-arch, as images of your own can be), list 'mysql:5.7' under images.native in environments/pi.yaml; else map it to an arm build under images.substitute, for every tag ('mysql': <arm repository>, which keeps the tag, or '<repository>:{tag}-arm') or for this tag only ('mysql:5.7': <arm image>); built-in entries: lib/transforms/arm-images.ts",
        "Pod shop/p: spec.initContainers[0]: container 'init' runs image 'demoapp:1', which has no known arm build (stage 'pi' runs on arm; neither the stage file's images: nor the image table names it)",
        "  hint: if it is built for arm too (multi-arch, as images of your own can be), list 'demoapp' under images.native in environments/pi.yaml (a repository without a tag covers every tag); else map it to an arm build under images.substitute, for every tag ('demoapp': <arm repository>, which keeps the tag, or '<repository>:{tag}-arm') or for this tag only ('demoapp:1': <arm image>); built-in entries: lib/transforms/arm-images.ts",
      ].join('\n'),
    );
  });
});

describe("a container with no name (a Knative Service's, which Knative names itself)", () => {
  const knative = (...images: string[]) => `
- apiVersion: serving.knative.dev/v1
  kind: Service
  metadata: { name: hello, namespace: shop }
  spec: { template: { spec: { containers: [${images.map((i) => `{ image: "${i}" }`).join(', ')}] } } }`;

  it('has its substitution recorded by its place, each apart from the others, and listed and read back by it', () => {
    const [service] = run(knative('registry:2', 'registry:2.6'), 'arm', {
      substitute: { 'registry:2.6': 'team/registry-arm:2.6' },
      native: [],
    });
    expect(service.metadata.annotations).toEqual({
      'images.stagecraft.dev/containers.0': 'registry:2',
      'images.stagecraft.dev/containers.1': 'registry:2.6',
    });
    expect(imageSubstitutions([service])).toEqual([
      { object: 'Service shop/hello', container: 'containers[0]', from: 'registry:2', to: 'budry/registry-arm:latest' },
      { object: 'Service shop/hello', container: 'containers[1]', from: 'registry:2.6', to: 'team/registry-arm:2.6' },
    ]);
    expect(writtenImages([service])).toEqual(['registry:2', 'registry:2.6']);
    // a single container too: no key or value is ever 'undefined'
    expect(JSON.stringify(run(knative('registry:2'), 'arm'))).not.toContain('undefined');
  });

  it("is said to have no name where its image has no build, never named 'undefined'", () => {
    expect(() => run(knative('team/sidecar:2.0'), 'arm')).toThrow(
      /^Service shop\/hello: spec\.template\.spec\.containers\[0\]: the container with no name runs image 'team\/sidecar:2\.0', which has no known arm build/,
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

describe('an image whose tag or name says amd64', () => {
  const stage = (native: string[]): StageImages => ({ substitute: {}, native });

  it("is not run as it is by an entry of its repository: its tag is one architecture's build, not the multi-arch one", () => {
    // images.native 'team/web' says its multi-arch tags run here, not team/web:1.0-amd64 (exec format error on the node)
    expect(resolveImage('team/web:1.0-amd64', 'arm64', stage(['team/web']))).toBeUndefined();
    expect(resolveImage('team/web:1.0', 'arm64', stage(['team/web']))).toMatchObject({ image: 'team/web:1.0', rule: 'stage' });
    // nor by the table's multi-arch nginx
    expect(resolveImage('nginx:1.25-amd64', 'arm', NO_ADDITIONS)).toBeUndefined();
    // flannel's -amd64 tag goes to its -arm build, even where the stage lists the repository as native
    expect(resolveImage('quay.io/coreos/flannel:v0.11.0-amd64', 'arm', stage(['quay.io/coreos/flannel']))).toEqual({
      image: 'quay.io/coreos/flannel:v0.11.0-arm',
      rule: 'pattern',
    });
    // an entry naming it does: the stage file says so of that image
    expect(resolveImage('team/web:1.0-amd64', 'arm64', stage(['team/web:1.0-amd64']))).toMatchObject({ rule: 'stage' });
    expect(resolveImage('team/pause-amd64:3.0', 'arm64', stage(['team/pause-amd64']))).toMatchObject({ rule: 'stage' });
  });

  it('is said to be an amd64 build, with its likely build for the architecture, never images.native', () => {
    const { why, hint } = noBuildReason('team/web:1.0-amd64', 'arm64', stage(['team/web']), 'pi');
    expect(why).toBe("its tag says it is an amd64 build, which images.native 'team/web' (the repository's multi-arch tags) does not cover");
    expect(hint).toBe(
      "it is one architecture's image: map it to its arm64 build in environments/pi.yaml under images.substitute, for this tag ('team/web:1.0-amd64': team/web:1.0-arm64, if the registry publishes it), or run a multi-arch tag of team/web instead; images.native would run the amd64 build, which fails on the node with exec format error; built-in entries: lib/transforms/arm-images.ts",
    );
    const named = noBuildReason('gcr.io/google_containers/pause-amd64:3.0', 'arm', NO_ADDITIONS, 'pi');
    expect(named).toEqual({
      why: 'its name says it is an amd64 build, and the image table does not name it',
      hint: "it is one architecture's image: map it to its arm build in environments/pi.yaml under images.substitute, for every tag ('gcr.io/google_containers/pause-amd64': gcr.io/google_containers/pause-arm, if the registry publishes it; the tag is kept); images.native would run the amd64 build, which fails on the node with exec format error; built-in entries: lib/transforms/arm-images.ts",
    });
    // the substitute the hint offers is read as offered
    expect(
      resolveImage('gcr.io/google_containers/pause-amd64:3.0', 'arm', {
        substitute: { 'gcr.io/google_containers/pause-amd64': 'gcr.io/google_containers/pause-arm' },
        native: [],
      })?.image,
    ).toBe('gcr.io/google_containers/pause-arm:3.0');
    // Docker Hub's official images of one architecture: amd64/nginx's builds for arm are arm32v7/nginx, for arm64 arm64v8/nginx
    expect(noBuildReason('amd64/nginx:1.25', 'arm', NO_ADDITIONS, 'pi').hint).toMatch(
      /^it is one architecture's image: .*\('amd64\/nginx': arm32v7\/nginx, if/,
    );
    expect(noBuildReason('docker.io/amd64/nginx:1.25', 'arm64', NO_ADDITIONS, 'pi').hint).toMatch(
      /\('docker\.io\/amd64\/nginx': arm64v8\/nginx, if/,
    );
    expect(noBuildReason('nginx:1.25-amd64', 'arm', NO_ADDITIONS, 'pi').why).toBe(
      "its tag says it is an amd64 build, which the image table's multi-arch nginx (the repository's multi-arch tags) does not cover",
    );
  });
});

describe('the message about an image with no build', () => {
  const message = (image: string, architecture: 'arm' | 'arm64', stage: StageImages = NO_ADDITIONS, table?: ImageTable) => {
    const { why, hint } = noBuildReason(image, architecture, stage, 'pi', table);
    return `${why}\n  hint: ${hint}`;
  };

  // a key without a tag is a repository (every tag), whose image must keep the tag: images/substitute-rule refuses 'curlimages/curl: <image:tag>'
  it("names an image without a tag by 'latest' where it offers an entry for it alone, so that following the hint is not refused", () => {
    expect(message('curlimages/curl', 'arm')).toContain("or for this tag only ('curlimages/curl:latest': <arm image>)");
    expect(refineStageImages({ substitute: { 'curlimages/curl:latest': 'team/curl-arm:8.5' } })).toEqual([]);
    // 'registry' is not registry:2, which the table maps: native for the repository would take registry:2 from it
    expect(message('registry', 'arm')).toContain("list 'registry:latest' under images.native in environments/pi.yaml;");
    expect(resolveImage('registry', 'arm', { substitute: {}, native: ['registry:latest'] })).toMatchObject({ rule: 'stage' });
  });

  it.each([
    [
      'mysql:8.0',
      'arm',
      'the image table lists it as published for amd64 and arm64 only, with no 32-bit arm build',
      'set architecture: arm64 in environments/pi.yaml if the nodes run a 64-bit OS, or map it to an arm build there under images.substitute',
    ],
    [
      'mysql',
      'arm',
      'the image table lists it as published for amd64 and arm64 only, with no 32-bit arm build',
      'set architecture: arm64 in environments/pi.yaml if the nodes run a 64-bit OS',
    ],
    [
      'registry:2',
      'arm64',
      'the image table maps it only to budry/registry-arm:latest on arm, not to an arm64 build',
      'map it to an arm64 build in environments/pi.yaml under images.substitute',
    ],
    [
      'budry/registry-arm:latest',
      'arm64',
      'it is the build the image table runs in place of registry:2 on arm, not an arm64 build',
      'map it to an arm64 build in environments/pi.yaml under images.substitute',
    ],
    [
      'quay.io/coreos/flannel:v0.11.0-arm',
      'arm64',
      'it is an arm build (flannel v0.7-v0.12 images are published per architecture as <tag>-<arch>), not an arm64 build',
      'map it to an arm64 build in environments/pi.yaml',
    ],
    [
      'mysql:5.7',
      'arm64',
      'the image table lists other tags of mysql, not this one: latest, 8, 8.0, 8.4 and lts (for arm64)',
      "list 'mysql:5.7' under images.native in environments/pi.yaml; else map it",
    ],
    [
      'demoapp:1',
      'arm',
      "neither the stage file's images: nor the image table names it",
      "list 'demoapp' under images.native in environments/pi.yaml (a repository without a tag covers every tag); else map it to an arm build under images.substitute, for every tag ('demoapp': <arm repository>, which keeps the tag, or '<repository>:{tag}-arm') or for this tag only ('demoapp:1': <arm image>)",
    ],
  ] as const)('says what the table knows of %s on %s', (image, arch, why, hint) => {
    const [said, advice] = message(image, arch).split('\n  hint: ');
    expect(said).toBe(why);
    expect(advice).toContain(hint);
    expect(advice).toMatch(/; built-in entries: lib\/transforms\/arm-images\.ts$/);
  });

  it('agrees with every entry of the built-in table, on every architecture the entry has no build for', () => {
    const others = ['arm', 'arm64'] as const;
    for (const m of IMAGE_TABLE.multiArch) {
      for (const arch of others.filter((a) => !m.architectures.includes(a))) {
        expect(resolveImage(m.image, arch, NO_ADDITIONS)).toBeUndefined();
        expect(message(m.image, arch)).toMatch(
          new RegExp(
            `^the image table lists it as published for amd64 and ${m.architectures.join(' and ')} only, with no (32-bit )?${arch} build\\n`,
          ),
        );
      }
    }
    for (const [from, to] of Object.entries(IMAGE_TABLE.exact)) {
      for (const arch of others.filter((a) => to[a] === undefined)) {
        expect(resolveImage(from, arch, NO_ADDITIONS)).toBeUndefined();
        expect(message(from, arch).split('\n')[0]).toBe(
          `the image table maps it only to ${Object.entries(to)
            .map(([a, t]) => `${t} on ${a}`)
            .join(' and ')}, not to an ${arch} build`,
        );
        for (const [a, target] of Object.entries(to)) {
          expect(message(target, arch).split('\n')[0]).toBe(
            `it is the build the image table runs in place of ${from} on ${a}, not an ${arch} build`,
          );
        }
      }
    }
  });

  it('never offers images.native for an image the table says is not built for the architecture', () => {
    for (const image of ['mysql:8.0', 'registry:2', 'budry/registry-arm:latest'])
      expect(message(image, 'arm64')).not.toContain('images.native');
  });

  it("says which of the stage's entries come near: another tag of the image, or its repository and a digest", () => {
    expect(message('demoapp:1.1', 'arm', { substitute: { 'demoapp:1': 'demoapp:1-arm' }, native: ['demoapp:0.9'] })).toMatch(
      /^images\.substitute names 'demoapp:1' only: an entry with a tag covers that tag alone; images\.native names 'demoapp:0\.9' only: an entry with a tag covers that tag alone; the image table does not name it\n/,
    );
    const pinned = `demoapp@sha256:${'a'.repeat(64)}`;
    expect(message(pinned, 'arm', { substitute: { demoapp: 'demoapp-arm' }, native: [] })).toBe(
      "images.substitute maps the tags of 'demoapp', and this reference is pinned by digest; the image table does not name it\n" +
        // not 'demoapp' under images.native, which the substitute of 'demoapp' comes before: an entry never used
        `  hint: if it is built for arm too (multi-arch, as images of your own can be), list '${pinned}' under images.native in environments/pi.yaml; else map it to an arm build under images.substitute ('${pinned}': <arm image>: a reference pinned by digest is mapped on its own); built-in entries: lib/transforms/arm-images.ts`,
    );
    // the entry the hint offers runs it
    const followed = { substitute: { demoapp: 'demoapp-arm' }, native: [pinned] };
    expect(resolveImage(pinned, 'arm', followed)).toMatchObject({ image: pinned, rule: 'stage', entry: { setting: 'native' } });
  });

  it("reads a pattern of the table that has no build for the architecture from the table's data", () => {
    const table: ImageTable = {
      exact: {},
      multiArch: [],
      patterns: [
        {
          match: /^example\/tool:(\d+)-amd64$/,
          replace: { arm64: 'example/tool:$1-arm64' },
          produces: {},
          reason: 'tool is built for arm64 only',
        },
      ],
    };
    expect(message('example/tool:3-amd64', 'arm', NO_ADDITIONS, table).split('\n')[0]).toBe(
      "the image table's rule for it has no arm build (tool is built for arm64 only)",
    );
  });
});

describe('writtenImages', () => {
  it('lists the images the containers run as written, an image the pass replaced from its annotation, each once', () => {
    const objects = run(
      `
- { apiVersion: v1, kind: ReplicationController, metadata: { name: r }, spec: { template: { spec: { containers: [{ name: registry, image: "registry:2" }] } } } }
- { apiVersion: v1, kind: Pod, metadata: { name: p }, spec: { initContainers: [{ name: i, image: busybox }], containers: [{ name: b, image: busybox }, { name: r, image: "registry:2" }] } }
- { apiVersion: v1, kind: ConfigMap, metadata: { name: c }, data: { image: "demoapp:1" } }`,
      'arm',
    );
    expect(writtenImages(objects)).toEqual(['registry:2', 'busybox']);
  });
});

describe('normalizeImage', () => {
  it.each([
    ['nginx', 'nginx:latest'],
    ['docker.io/library/nginx:1.25', 'nginx:1.25'],
    ['localhost:5000/zyxist/moj-obraz', 'localhost:5000/zyxist/moj-obraz:latest'],
    ['busybox@sha256:abc', 'busybox@sha256:abc'],
    // the runtime pulls the digest and reads no tag beside it (containerd's ParseDockerRef drops it)
    ['localhost:5000/team/sync:1.4.0@sha256:abc', 'localhost:5000/team/sync@sha256:abc'],
    ['docker.io/library/busybox:1.36@sha256:abc', 'busybox@sha256:abc'],
  ])('%s is %s', (image, expected) => {
    expect(normalizeImage(image)).toBe(expected);
  });

  it('makes a stage entry pinned by digest cover the image written with a tag beside that digest, and the other way round', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const stage = { substitute: {}, native: [`localhost:5000/team/sync@${digest}`, `localhost:5000/team/job:1.0@${digest}`] };
    expect(resolveImage(`localhost:5000/team/sync:1.4.0@${digest}`, 'arm', stage)).toMatchObject({
      rule: 'stage',
      entry: { entry: stage.native[0] },
    });
    expect(resolveImage(`localhost:5000/team/job@${digest}`, 'arm', stage)).toMatchObject({
      rule: 'stage',
      entry: { entry: stage.native[1] },
    });
    // another digest is another image
    expect(resolveImage(`localhost:5000/team/sync:1.4.0@sha256:${'d'.repeat(64)}`, 'arm', stage)).toBeUndefined();
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
