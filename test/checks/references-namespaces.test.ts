import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';
import { findingsIn, MANIFESTS } from './helpers.js';

const ARGOCD = 'refs/argocd-install-rbac.yaml';

describe('the ServiceAccount subjects of RoleBindings and ClusterRoleBindings', () => {
  it("are an error when they name a namespace nobody creates (Argo CD's install.yaml applied outside argocd), naming where the account is", () => {
    expect(findingsIn([ARGOCD])).toEqual([
      "refs/argocd-install-rbac.yaml:93:14: ClusterRoleBinding argocd-application-controller: subjects[0].namespace: binds ServiceAccount 'argocd-application-controller' of namespace 'argocd', a namespace neither created in the stage nor known to exist; the objects' ServiceAccount 'argocd-application-controller' is in namespace 'default': the binding grants its role to nobody",
    ]);
    // with the namespace declared, the account is taken to be made there (as in kube-system)
    expect(findingsIn([ARGOCD], { existingNamespaces: ['argocd'] })).toEqual([]);
  });

  it('tell to move the subject to the namespace the stage placed the account in, when a stage includes the file', () => {
    const text = 'namespace: ops\napps:\n  argocd:\n    stack: manifests\n    include: [in]\n';
    const included = new Map([['in/install.yaml', readFileSync(join(MANIFESTS, ARGOCD), 'utf8')]]);
    let problems: string[] = [];
    try {
      compileStages([{ stage: 'ops', file: 'environments/ops.yaml', text, readSource: () => included }]);
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      problems = e.problems.filter((p) => p.severity !== 'warning').map(formatProblem);
    }
    expect(problems).toEqual([
      expect.stringContaining(
        "in/install.yaml:93:14: ClusterRoleBinding argocd-application-controller: subjects[0].namespace: binds ServiceAccount 'argocd-application-controller' of namespace 'argocd', a namespace neither created in the stage nor known to exist; the objects' ServiceAccount 'argocd-application-controller' is in namespace 'ops'",
      ),
    ]);
    expect(problems[0]).toContain('hint: set subjects[0].namespace: ops (where the ServiceAccount is); or add the Namespace to the stage');
  });

  const sa = (name: string, namespace: string): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
  const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const binding = (kind: string, subject: Record<string, string>, namespace?: string): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name: 'b', ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [subject],
  });
  const messages = (objects: KubeObject[]) =>
    checkObjects(objects)
      .findings.filter((f) => f.code === 'refs/binding-subject')
      .map((f) => `${f.message} | ${f.hint}`);

  it('are an error when missing from a namespace the objects create, and pass in one that exists before them', () => {
    const subject = { kind: 'ServiceAccount', name: 'botz', namespace: 'team' };
    expect(messages([ns('team'), sa('bot', 'team'), binding('ClusterRoleBinding', subject)])).toEqual([
      "binds ServiceAccount 'botz' of namespace 'team', but the service accounts there are: default, bot: the binding grants its role to nobody | did you mean 'bot'? Otherwise add the ServiceAccount, or fix the name",
    ]);
    expect(messages([ns('team'), sa('botz', 'team'), binding('ClusterRoleBinding', subject)])).toEqual([]);
    expect(messages([ns('team'), binding('ClusterRoleBinding', { ...subject, name: 'default' })])).toEqual([]);
    expect(messages([binding('ClusterRoleBinding', { ...subject, namespace: 'kube-system' })])).toEqual([]);
  });

  it("of a RoleBinding default to the binding's namespace", () => {
    const subject = { kind: 'ServiceAccount', name: 'bot' };
    expect(messages([ns('team'), sa('bot', 'team'), binding('RoleBinding', subject, 'team')])).toEqual([]);
    expect(messages([ns('team'), ns('other'), sa('bot', 'other'), binding('RoleBinding', subject, 'team')])).toEqual([
      "binds ServiceAccount 'bot' of namespace 'team', but the service accounts there are: default; the objects' ServiceAccount 'bot' is in namespace 'other': the binding grants its role to nobody | set subjects[0].namespace: other (where the ServiceAccount is)",
    ]);
  });

  it("are a warning, not an error, when they name another stack's account in a namespace the objects neither create nor have it elsewhere (kube-prometheus's prometheus-k8s in monitoring)", () => {
    const subject = { kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'monitoring' };
    const findings = checkObjects([ns('shop'), binding('RoleBinding', subject, 'shop')]).findings.filter(
      (f) => f.code === 'refs/binding-subject',
    );
    expect(findings.map((f) => [f.severity, `${f.message} | ${f.hint}`])).toEqual([
      [
        'warning',
        "binds ServiceAccount 'prometheus-k8s' of namespace 'monitoring', a namespace neither created in the stage nor known to exist: the binding grants nothing until namespace 'monitoring' exists | add the Namespace to the files checked, or declare that the cluster has it: npm run check -- --namespace-exists monitoring <files>",
      ],
    ]);
    // with an account of that name elsewhere in the objects, the namespace is most likely a mistake: an error
    const misplaced = checkObjects([ns('shop'), sa('prometheus-k8s', 'shop'), binding('RoleBinding', subject, 'shop')]).findings;
    expect(misplaced.filter((f) => f.code === 'refs/binding-subject').map((f) => f.severity)).toEqual(['error']);
  });

  it('leave Users, Groups and ServiceAccounts without a namespace in a ClusterRoleBinding to the API rules', () => {
    expect(messages([binding('ClusterRoleBinding', { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' })])).toEqual([]);
    expect(messages([binding('ClusterRoleBinding', { kind: 'ServiceAccount', name: 'bot' })])).toEqual([]);
  });
});

describe('the Services the API server calls', () => {
  const service = (name: string, namespace: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ port: 443 }] },
  });
  const webhook = (namespace: string, name = 'argocd-webhook'): KubeObject => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'hook' },
    webhooks: [
      { name: 'a.example.com', clientConfig: { service: { namespace, name } }, sideEffects: 'None', admissionReviewVersions: ['v1'] },
    ],
  });
  const messages = (objects: KubeObject[]) =>
    checkObjects(objects)
      .findings.filter((f) => f.code === 'refs/called-service')
      .map((f) => `${f.message} | ${f.hint}`);

  it('are an error in a namespace nobody creates, with the namespace the Service is in', () => {
    expect(
      messages([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ops' } }, service('argocd-webhook', 'ops'), webhook('argocd')]),
    ).toEqual([
      "has the API server call Service 'argocd-webhook' of namespace 'argocd', a namespace neither created in the stage nor known to exist; the objects' Service 'argocd-webhook' is in namespace 'ops': the calls fail (with failurePolicy Fail, the default, so does every request the webhook intercepts) | set webhooks[0].clientConfig.service.namespace: ops (where the Service is); or add the Namespace to the files checked, or declare that the cluster has it: npm run check -- --namespace-exists argocd <files>",
    ]);
    expect(messages([service('argocd-webhook', 'ops'), webhook('ops')])).toEqual([]);
  });

  it("are a warning when in a namespace nobody creates and the objects have no Service of that name (another stack's)", () => {
    const findings = checkObjects([webhook('monitoring', 'prometheus-operator')]).findings.filter((f) => f.code === 'refs/called-service');
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(findings[0]!.message).toContain(": the calls fail until namespace 'monitoring' exists (with failurePolicy Fail");
  });

  it("are an error when missing from a namespace the objects create, for an APIService's and a CRD conversion's too", () => {
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ops' } },
      service('metrics', 'ops'),
      {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1beta1.metrics.k8s.io' },
        spec: { service: { namespace: 'ops', name: 'metric' } },
      },
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: { conversion: { strategy: 'Webhook', webhook: { clientConfig: { service: { namespace: 'ops', name: 'metrics' } } } } },
      },
    ];
    expect(messages(objects)).toEqual([
      "has the API server call Service 'metric' of namespace 'ops', but the Services there are: metrics: the calls fail | did you mean 'metrics'? Otherwise add the Service, or fix the name",
    ]);
    // a Service of a namespace there before the objects (kube-system) may be the cluster's
    expect(messages([webhook('kube-system', 'metrics-server')])).toEqual([]);
  });
});
