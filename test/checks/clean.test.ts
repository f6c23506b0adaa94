import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { exceptionLines, toProblem } from '../../lib/checks/finding.js';
import { parseQuantity } from '../../lib/checks/quantity.js';
import { checkSchema } from '../../lib/checks/schema.js';
import { kubernetesSchemas } from '../../lib/checks/k8s-schema.js';
import { compile, openProject } from '../../lib/cli/project.js';
import { formatProblem } from '../../lib/errors.js';
import { REPO } from '../helpers/cli.js';
import { findingsIn } from './helpers.js';
import type { KubeObject } from '../../lib/model/object.js';

describe('clean manifests', () => {
  it('a clean stage passes every check, even the restricted standard, without a warning', () => {
    expect(findingsIn(['valid/stage.yaml'], { podSecurity: 'restricted' })).toEqual([]);
    expect(findingsIn(['valid/stage.yaml'], { podSecurity: 'restricted' }, 'warning')).toEqual([]);
  });

  it('every committed stage compiles with no error finding', () => {
    const { checks } = compile(openProject(REPO));
    for (const result of checks.values()) expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('a namespace declared as existing is accepted without the stage creating it', () => {
    expect(findingsIn(['refs/pods.yaml'], { existingNamespaces: ['staging'] })).not.toContainEqual(
      expect.stringContaining("namespace 'staging'"),
    );
  });
});

describe('declared exceptions', () => {
  const proxy = (annotations: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'proxy', namespace: 'kube-system', annotations },
    spec: { hostNetwork: true, containers: [{ name: 'proxy', image: 'proxy:0.4', ports: [{ containerPort: 5000, hostPort: 5000 }] }] },
  });

  it('suppress the finding of their control only, and are listed for the synth summary', () => {
    const r = checkObjects([proxy({ 'policy.stagecraft.dev/host-namespaces': 'answers on localhost:5000 of every node' })]);
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => formatProblem(toProblem(f)).split('\n')[0])).toEqual([
      "Pod kube-system/proxy: spec.containers[0].ports[0].hostPort: container 'proxy' binds hostPort 5000 on the node (Pod Security Standard 'baseline')",
    ]);
    expect(exceptionLines(r.exceptions)).toEqual([
      'exception: Pod kube-system/proxy: host-namespaces (hostNetwork: true): answers on localhost:5000 of every node',
    ]);
  });

  it('that excuse nothing are warned about', () => {
    const r = checkObjects([
      proxy({
        'policy.stagecraft.dev/host-namespaces': 'answers on localhost:5000 of every node',
        'policy.stagecraft.dev/host-ports': 'hostPort is given too',
        'policy.stagecraft.dev/privileged': 'not needed',
        'policy.stagecraft.dev/run-as-root': 'only checked where the stage asks for restricted',
      }),
    ]);
    expect(r.findings.filter((f) => f.code === 'policy/unused-exception').map((f) => formatProblem(toProblem(f)).split('\n')[0])).toEqual([
      "warning: Pod kube-system/proxy: metadata.annotations.policy.stagecraft.dev/privileged: declares an exception to 'privileged', but nothing in the Pod needs it",
    ]);
  });

  it('without one, the same pod fails', () => {
    expect(checkObjects([proxy({})]).findings.filter((f) => f.code === 'policy/host-namespaces')).toHaveLength(1);
  });
});

describe('the schema source', () => {
  it('knows the Kubernetes 1.25 kinds from the cdk8s-plus-25 assembly', () => {
    const kinds = kubernetesSchemas().kinds;
    expect(kinds.get('apps/v1/Deployment')?.openApiName).toBe('io.k8s.api.apps.v1.Deployment');
    expect(kinds.has('extensions/v1beta1/Deployment')).toBe(false);
  });

  it('uses the JSON names of fields that jsii renames (hostIPC, not hostIpc)', () => {
    const pod = (spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'c:1' }], ...spec },
    });
    expect(checkSchema(pod({ hostIPC: false }))).toEqual([]);
    expect(checkSchema(pod({ hostIpc: false })).map((f) => f.message)).toEqual(["unknown field 'hostIpc'; did you mean 'hostIPC'?"]);
  });
});

describe('quantities', () => {
  it.each([
    ['2Gi', 2 ** 31],
    ['500m', 0.5],
    ['1.5k', 1500],
    ['1e3', 1000],
    ['.5', 0.5],
    ['+2', 2],
    [3, 3],
  ])('%s is %s', (q, n) => {
    expect(parseQuantity(q)).toBe(n);
  });

  it.each(['2Gib', '2 Gi', 'Gi', '1.2.3', '2gi', '', '1e'])("'%s' is not a quantity", (q) => {
    expect(parseQuantity(q)).toBeUndefined();
  });
});

describe('messages on large stages', () => {
  it('list at most ten names and count the rest', async () => {
    const { listed } = await import('../../lib/checks/object-index.js');
    expect(listed([])).toBe('none');
    expect(listed(['a', 'b'])).toBe('a, b');
    expect(listed(Array.from({ length: 12 }, (_, i) => `n${i}`))).toBe('n0, n1, n2, n3, n4, n5, n6, n7, n8, n9 and 2 more');
  });
});
