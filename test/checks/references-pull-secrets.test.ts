/**
 * A pod's imagePullSecrets are references like its env Secrets: each must name a Secret the
 * stage makes or declares (the Namespace's stagecraft.dev/required-secrets annotation), and one
 * the stage makes must be of a type the kubelet reads registry credentials from.
 */
import { describe, expect, it } from 'vitest';
import { compileStages, type StageSource } from '../../lib/compile.js';
import { problemsThrownBy } from '../helpers/problems.js';
import { codedFindingsIn } from './helpers.js';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';

describe('image pull Secrets in manifests checked on their own', () => {
  it('report a Secret that does not exist (with the name it may have meant) and one of type Opaque', () => {
    expect(codedFindingsIn(['refs/pull-secrets.yaml']).filter((f) => f.startsWith('refs/'))).toEqual([
      "refs/pull-secret-type refs/pull-secrets.yaml:25:13: Pod app: spec.imagePullSecrets[1].name: pulls its images with Secret 'opaque-creds', which is of type Opaque: the kubelet reads registry credentials only from a Secret of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg",
      "refs/pull-secret refs/pull-secrets.yaml:26:13: Pod app: spec.imagePullSecrets[2].name: pulls its images with Secret 'regcreds', but the Secrets in namespace 'default' are: opaque-creds, regcred",
    ]);
  });
});

/** A stage of the apps `apps` (YAML lines under `apps:`), whose manifests apps include `in/` with `files`. */
const stage = (apps: readonly string[], files: Record<string, string> = {}): StageSource => ({
  stage: 'pulls',
  file: 'environments/pulls.yaml',
  text: ['apps:', ...apps.map((l) => `  ${l}`), ''].join('\n'),
  readSource: (p) => {
    const found = Object.entries(files).filter(([f]) => f.startsWith(`${p}/`));
    return found.length ? new Map(found) : undefined;
  },
});
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      imagePullSecrets: [{ name: regcred }]
      containers: [{ name: web, image: "registry.example.com/team/web:1.0.0" }]
`;
const opaque =
  'apiVersion: v1\nkind: Secret\nmetadata: { name: regcred, annotations: { stagecraft.dev/secret-keys: .dockerconfigjson } }\n';
/** The reference problems of compiling the stage, as `code: message (hint)`. */
const references = (source: StageSource) =>
  problemsThrownBy(() => compileStages([source]))
    .filter((p) => p.code?.startsWith('refs/'))
    .map((p) => `${p.code}: ${p.message} (${p.hint})`);

describe('image pull Secrets of a stage', () => {
  it("refuse a manifests app's pod pulling with a Secret the stage neither makes nor declares, saying how to declare it, and take it declared", () => {
    const declared = ['legacy:', '  stack: manifests', '  include: [in]', '  secrets: { regcred: [.dockerconfigjson] }'];
    expect(references(stage(declared, { 'in/web.yaml': deployment }))).toEqual([]);
    expect(references(stage(['legacy:', '  stack: manifests', '  include: [in]'], { 'in/web.yaml': deployment }))).toEqual([
      "refs/pull-secret: Deployment pulls/web: spec.template.spec.imagePullSecrets[0].name: pulls its images with Secret 'regcred', but the Secrets in namespace 'pulls' are: none (make it with kubectl create secret docker-registry (type kubernetes.io/dockerconfigjson) and declare it in the stage file: under secrets.external (secrets: { external: [{ name: regcred, keys: [.dockerconfigjson] }] }), or as a service app's imagePullSecrets (the Namespace lists it in its stagecraft.dev/required-secrets annotation); or fix the name)",
    ]);
  });

  it("refuse a Secret the stage makes of type Opaque, which the kubelet reads no credentials from, and take a service app's declared one", () => {
    const service = ['api:', '  stack: service', '  image: registry.example.com/team/api:1.0.0', '  imagePullSecrets: [regcred]'];
    expect(references(stage(service))).toEqual([]);
    // the service app declares it, and a manifests app makes it (as Opaque): the one made is what the pods get
    const both = references(stage([...service, 'legacy:', '  stack: manifests', '  include: [in]'], { 'in/secret.yaml': opaque }));
    expect(both.filter((p) => p.startsWith('refs/pull-secret'))).toEqual([
      expect.stringMatching(
        /^refs\/pull-secret-type: Deployment pulls\/api: spec\.template\.spec\.imagePullSecrets\[0\]\.name: pulls its images with Secret 'regcred', which is of type Opaque/,
      ),
    ]);
    const apps = ['legacy:', '  stack: manifests', '  include: [in]'];
    expect(references(stage(apps, { 'in/web.yaml': deployment, 'in/secret.yaml': opaque }))).toEqual([
      "refs/pull-secret-type: Deployment pulls/web: spec.template.spec.imagePullSecrets[0].name: pulls its images with Secret 'regcred', which is of type Opaque: the kubelet reads registry credentials only from a Secret of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg (make 'regcred' with kubectl create secret docker-registry (type kubernetes.io/dockerconfigjson, key .dockerconfigjson), or name a Secret of that type)",
    ]);
  });
});

describe('image pull Secrets of files given to npm run check', () => {
  it('are told how to be declared on their Namespace, by name, not in a stage file', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'c', image: 'nginx:1.25' }] },
    } as KubeObject;
    const [found] = checkObjects([pod]).findings.filter((f) => f.code === 'refs/pull-secret');
    expect(found.hint).toBe(
      'make it with kubectl create secret docker-registry (type kubernetes.io/dockerconfigjson), or fix the name; if it is made outside them (kubectl create secret, a controller such as Sealed Secrets or cert-manager, a Job), declare it on its Namespace: stagecraft.dev/required-secrets: regcred=.dockerconfigjson',
    );
  });
});
