/**
 * References are to a group and kind, not to a kind's name: a custom resource of kind `Secret` in
 * group example.com (its CRD among the manifests) is no Secret a pod can use, and so on for every
 * kind the reference checks look up (lib/checks/object-index.ts, `KINDS`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { compileStages, type StageSource } from '../../lib/compile.js';
import type { KubeObject } from '../../lib/model/object.js';
import { problemsThrownBy } from '../helpers/problems.js';
import { MANIFESTS, codedFindingsIn } from './helpers.js';

const FIXTURE = 'refs/custom-kinds.yaml';
/** The list of a namespace's workloads in a Service's finding (their labels differ in a stage): left out. */
const WORKLOADS = /; the workloads there are: .*/;

/** A stage whose one manifests app includes the fixture (as `in/custom-kinds.yaml`). */
const stage: StageSource = {
  stage: 'imported',
  file: 'environments/imported.yaml',
  text: 'apps:\n  legacy:\n    stack: manifests\n    include: [in]\n',
  readSource: (p) => (p === 'in' ? new Map([['in/custom-kinds.yaml', readFileSync(join(MANIFESTS, FIXTURE), 'utf8')]]) : undefined),
};

/** What the references say of the pod, the Ingress and the autoscaler in namespace `ns`, the objects named with `handle` in front. */
const expected = (ns: string, handle: string) => [
  `refs/service-account: Pod ${handle}app: spec.serviceAccountName: runs as service account 'runner', but the service accounts in namespace '${ns}' are: default`,
  `refs/secret: Pod ${handle}app: spec.containers[0].envFrom[0].secretRef: container 'app' envFrom uses Secret 'creds', but the Secrets in namespace '${ns}' are: none`,
  `refs/configmap: Pod ${handle}app: spec.containers[0].envFrom[1].configMapRef: container 'app' envFrom uses ConfigMap 'settings', but the ConfigMaps in namespace '${ns}' are: shared`,
  `refs/claim: Pod ${handle}app: spec.volumes[0].persistentVolumeClaim.claimName: volume 'data' claims 'data', but the claims in namespace '${ns}' are: none`,
  `refs/tls-secret: Ingress ${handle}web: spec.tls[0].secretName: terminates TLS with Secret 'creds', but the Secrets in namespace '${ns}' are: none`,
  `refs/ingress-service: Ingress ${handle}web: spec.rules[0].http.paths[0].backend.service.name: routes to Service 'web', but the Services in namespace '${ns}' are: api`,
  `refs/scale-target: HorizontalPodAutoscaler ${handle}web: spec.scaleTargetRef: scales Deployment 'web', but the Deployments in namespace '${ns}' are: none`,
  `refs/service-selector: Service ${handle}api: spec.selector: selects app=api, but no pod template in namespace '${ns}' has these labels`,
];

describe('references to a kind of another group', () => {
  it('are not satisfied by a custom resource of that kind name in npm run check, and a built-in object of the same name is found', () => {
    const found = codedFindingsIn([FIXTURE])
      .filter((f) => f.startsWith('refs/'))
      .map((f) => f.replace(/ refs\/custom-kinds\.yaml:\d+:\d+/, '').replace(WORKLOADS, ''));
    expect(found.sort()).toEqual(expected('default', '').sort());
  });

  it('are not satisfied by one a manifests app includes with its CRD: the stage is refused', () => {
    const found = problemsThrownBy(() => compileStages([stage]))
      .filter((p) => p.code?.startsWith('refs/'))
      .map((p) => `${p.code}: ${p.message}`.replace(WORKLOADS, ''));
    expect(found.sort()).toEqual(expected('imported', 'imported/').sort());
  });
});

describe('an autoscaler whose scaleTargetRef has no apiVersion', () => {
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
    },
  };
  const hpa = (apiVersion?: string): KubeObject => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: { scaleTargetRef: { ...(apiVersion ? { apiVersion } : {}), kind: 'Deployment', name: 'web' }, maxReplicas: 2 },
  });
  const scaleTargets = (o: KubeObject) =>
    checkObjects([deployment, o]).findings.flatMap((f) => (f.code === 'refs/scale-target' ? [`${f.message} (${f.hint})`] : []));

  it('scales nothing: the autoscaler looks for the kind in the core group, which has no Deployment', () => {
    expect(scaleTargets(hpa())).toEqual([
      "scales Deployment 'web' of the core API group (scaleTargetRef has no apiVersion), but the Deployments of that group in namespace 'default' are: none (set scaleTargetRef.apiVersion to the target's (apps/v1 for a Deployment), or fix the kind or name)",
    ]);
    expect(scaleTargets(hpa('apps/v1'))).toEqual([]);
  });
});

describe('a custom resource of kind Namespace', () => {
  it('declares no Secret nor ServiceAccount made outside the files, as a v1 Namespace does', () => {
    const objects = [
      {
        apiVersion: 'example.com/v1',
        kind: 'Namespace',
        metadata: {
          name: 'apps',
          annotations: { 'stagecraft.dev/required-secrets': 'ext', 'stagecraft.dev/required-service-accounts': 'bot' },
        },
      },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'apps' },
        spec: { serviceAccountName: 'bot', containers: [{ name: 'c', image: 'nginx:1.25', envFrom: [{ secretRef: { name: 'ext' } }] }] },
      },
    ] as KubeObject[];
    const codes = checkObjects(objects)
      .findings.filter((f) => f.severity === 'error')
      .map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['refs/secret', 'refs/service-account']));
  });
});
