import { describe, expect, it } from 'vitest';
import { codedFindingsIn, findingsIn } from './helpers.js';
import { checkApiRules } from '../../lib/checks/api-rules.js';
import { fieldPath } from '../../lib/checks/finding.js';

/** A Pod whose container names the variable A twice. */
const podWithEnvRepeat = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: {
    containers: [
      {
        name: 'c',
        image: 'nginx:1.25',
        env: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      },
    ],
  },
};

describe("the API server's rules", () => {
  it('rejects names, label keys, label values and annotation keys the API server refuses', () => {
    expect(findingsIn(['api/names-and-labels.yaml'])).toEqual([
      "api/names-and-labels.yaml:5:9: Namespace Team.A: metadata.name: name 'Team.A' is not a DNS-1123 label",
      "api/names-and-labels.yaml:10:9: Service default/1st-web: metadata.name: name '1st-web' is not a DNS-1035 label",
      'api/names-and-labels.yaml:14:11: Service default/1st-web: metadata.labels.tier: label value "front end" is not valid',
      "api/names-and-labels.yaml:15:19: Service default/1st-web: metadata.labels.example.com/: label key 'example.com/' is not valid: its name must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      "api/names-and-labels.yaml:17:11: Service default/1st-web: metadata.annotations.-bad: annotation key '-bad' is not valid: its name must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      "api/names-and-labels.yaml:26:9: ConfigMap default/settings_v2: metadata.name: name 'settings_v2' is not a DNS-1123 subdomain",
      'api/names-and-labels.yaml:43:5: NetworkPolicy default/web: spec.podSelector: selects the pods role="web server", but no pod template in namespace \'default\' matches; the workloads there are: Pod volumes (no labels)',
      'api/names-and-labels.yaml:44:13: NetworkPolicy default/web: spec.podSelector.matchLabels.role: label value "web server" is not valid',
      "api/names-and-labels.yaml:50:9: RoleBinding Default/readers/all: metadata.name: name 'readers/all' is not a path segment (no '/' or '%')",
      "api/names-and-labels.yaml:51:14: RoleBinding Default/readers/all: metadata.namespace: namespace 'Default' is neither created in the stage nor known to exist; the stage creates: Team.A",
      "api/names-and-labels.yaml:51:14: RoleBinding Default/readers/all: metadata.namespace: namespace 'Default' is not a DNS-1123 label",
      "api/names-and-labels.yaml:62:15: Pod volumes: spec.volumes[0].name: volume name 'Data_1' is not a DNS-1123 label",
    ]);
  });

  it('warns of an object named by generateName alone, which kubectl apply refuses', () => {
    expect(findingsIn(['api/generate-name.yaml'], {}, 'warning').filter((f) => f.includes('generateName'))).toEqual([
      "api/generate-name.yaml:5:17: Job default/migrate-*: metadata.generateName: has generateName but no name: kubectl apply refuses it ('cannot use generate name with apply'), only kubectl create names it",
    ]);
    expect(findingsIn(['api/generate-name.yaml'])).toEqual([]);
  });

  it('warns of a Helm hook that helm template rendered, which kubectl apply creates with the rest, once; not of crd-install, an ordinary object', () => {
    expect(findingsIn(['api/helm-hook.yaml'], {}, 'warning').filter((f) => f.includes('helm.sh/hook'))).toEqual([
      "api/helm-hook.yaml:9:21: Pod default/web-test-connection: metadata.annotations.helm.sh/hook: makes the Pod a Helm hook ('test'): Helm creates it only at that step of a release (helm test), but kubectl apply creates it with everything else, once: it does not run again at the next release, and an apply that changes the Pod's spec fails (but for its images and a few fields, a Pod's spec cannot be changed)",
      "api/helm-hook.yaml:25:21: Job default/web-migrate: metadata.annotations.helm.sh/hook: makes the Job a Helm hook ('pre-install,pre-upgrade'): Helm creates it only at that step of a release (before or after an install, upgrade, rollback or delete), but kubectl apply creates it with everything else, once: it does not run again at the next release, and an apply that changes the Job's template fails (a Job's template cannot be changed)",
    ]);
    expect(findingsIn(['api/helm-hook.yaml'])).toEqual([]);
  });

  it("warns of a Job the cluster deletes once it finishes, which every later kubectl apply creates and runs again, and not of a CronJob's", () => {
    expect(findingsIn(['api/job-ttl.yaml'], {}, 'warning').filter((f) => f.includes('ttlSecondsAfterFinished'))).toEqual([
      'api/job-ttl.yaml:9:28: Job default/seed: spec.ttlSecondsAfterFinished: the cluster deletes the Job 600 s after it finishes, ' +
        'so every later kubectl apply of these manifests creates it again, and it runs again',
    ]);
    expect(findingsIn(['api/job-ttl.yaml'])).toEqual([]);
  });

  it('warns of a Job deleted once finished as its engine recreates it: Flux at every interval, Argo CD at its next sync', () => {
    const ttl = (engine: 'argocd' | 'flux') =>
      findingsIn(['api/job-ttl.yaml'], { engine }, 'warning').filter((f) => f.includes('ttlSecondsAfterFinished'));
    expect(ttl('flux')).toEqual([
      "api/job-ttl.yaml:9:28: Job default/seed: spec.ttlSecondsAfterFinished: the cluster deletes the Job 600 s after it finishes, so Flux creates it again at its next apply of the stage (every interval of the stage's Kustomization, 10 minutes; a suspended one's, once it is resumed), and it runs again",
    ]);
    expect(ttl('argocd')).toEqual([
      'api/job-ttl.yaml:9:28: Job default/seed: spec.ttlSecondsAfterFinished: the cluster deletes the Job 600 s after it finishes, so Argo CD finds it missing (the Application OutOfSync) and creates it again at its next sync (at once with selfHeal), and it runs again',
    ]);
  });

  it('warns of an Argo CD sync hook Job only when it is deleted too soon after it finishes for Argo CD to see it, not of one it never applies', () => {
    // Argo CD leaves hooks out of its comparison and runs them at every sync: a TTL of 60 s or more changes nothing
    expect(
      findingsIn(['api/job-ttl-hooks.yaml'], { engine: 'argocd' }, 'warning').filter((f) => f.includes('ttlSecondsAfterFinished')),
    ).toEqual([
      'api/job-ttl-hooks.yaml:10:28: Job default/migrate: spec.ttlSecondsAfterFinished: the cluster deletes the Job 0 s after it finishes, which may be before Argo CD, which runs it as a sync hook, has seen it finish: Argo CD 2.x then waits for the hook for ever (the sync stays at "waiting for completion of hook")',
    ]);
    // kubectl and Flux know no hook: each of them is applied and deleted, and applied again
    expect(
      findingsIn(['api/job-ttl-hooks.yaml'], { engine: 'flux' }, 'warning').filter((f) => f.includes('ttlSecondsAfterFinished')),
    ).toHaveLength(3);
    expect(findingsIn(['api/job-ttl-hooks.yaml'], {}, 'warning').filter((f) => f.includes('ttlSecondsAfterFinished'))).toHaveLength(3);
  });

  it('warns of Service ports of one number and two protocols, which client-side kubectl apply merges by number alone', () => {
    expect(findingsIn(['api/port-merge-key.yaml'], {}, 'warning').filter((f) => f.includes('merges'))).toEqual([
      'api/port-merge-key.yaml:11:30: Service default/dns: spec.ports[1].port: port 53/TCP has the number of ports[0] (53/UDP): ' +
        "valid, but client-side kubectl apply merges a Service's ports by number alone, so a later apply that adds, removes or changes one of them drops or mixes up the other",
    ]);
    expect(findingsIn(['api/port-merge-key.yaml'])).toEqual([]);
  });

  it("warns of a container's ports of one number and two protocols, which client-side kubectl apply merges by containerPort alone, not of a Job's or a Pod's, whose pod template never changes", () => {
    expect(findingsIn(['api/container-port-merge-key.yaml'], {}, 'warning').filter((f) => f.includes('merges'))).toEqual([
      'api/container-port-merge-key.yaml:18:47: Deployment default/dns: spec.template.spec.containers[0].ports[1].containerPort: port 53/TCP has the number of ports[0] (53/UDP): ' +
        "valid, but client-side kubectl apply merges a container's ports by number alone, so a later apply that adds, removes or changes one of them drops or mixes up the other",
    ]);
    expect(findingsIn(['api/container-port-merge-key.yaml'])).toEqual([]);
  });

  it('for a stage Argo CD delivers, warns only of a hook Argo CD never applies (a test), not of one it runs as a sync hook (a migration Job)', () => {
    expect(findingsIn(['api/helm-hook.yaml'], { engine: 'argocd' }, 'warning').filter((f) => f.includes('helm.sh/hook'))).toEqual([
      "api/helm-hook.yaml:9:21: Pod default/web-test-connection: metadata.annotations.helm.sh/hook: makes the Pod a Helm hook ('test'), which Argo CD never applies: it runs pre-install and pre-upgrade hooks as PreSync hooks and post-install and post-upgrade hooks as PostSync hooks, at every sync, and leaves the others out",
    ]);
  });

  it("for a stage Argo CD delivers, takes a Helm hook as Argo CD's own hook annotation says when it has one: a Helm test it runs as a PostSync hook is no hook it never applies", () => {
    const job = (annotations: Record<string, string>) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'smoke', namespace: 'default', annotations },
      spec: {
        ttlSecondsAfterFinished: 0,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'smoke', image: 'busybox:1.36' }] } },
      },
    });
    const codes = (annotations: Record<string, string>) =>
      checkApiRules(job(annotations), { engine: 'argocd' })
        .filter((f) => f.severity === 'warning')
        .map((f) => f.code);
    // Argo CD runs it (api/job-ttl says so): not a hook "which Argo CD never applies"
    expect(codes({ 'helm.sh/hook': 'test', 'argocd.argoproj.io/hook': 'PostSync' })).toEqual(['api/job-ttl']);
    // skipped, it never applies it, whatever Helm's hook
    expect(codes({ 'helm.sh/hook': 'pre-install', 'argocd.argoproj.io/hook': 'Skip' })).toEqual(['api/helm-hook']);
    expect(codes({ 'helm.sh/hook': 'test' })).toEqual(['api/helm-hook']);
  });

  it("gives, for an Argo CD sync hook deleted too soon, the deletion policy that removes it instead, and Argo CD's default (BeforeHookCreation) as what a hook naming none gets", () => {
    const [finding] = checkApiRules(
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate', namespace: 'default', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } },
        spec: {
          ttlSecondsAfterFinished: 0,
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox:1.36' }] } },
        },
      },
      { engine: 'argocd' },
    ).filter((f) => f.code === 'api/job-ttl');
    expect(finding.hint).toBe(
      "remove ttlSecondsAfterFinished and let the hook's deletion policy remove the Job (argocd.argoproj.io/hook-delete-policy: HookSucceeded, " +
        'or BeforeHookCreation to keep it until the next sync): without one, Argo CD deletes the hook before the next sync creates it again (BeforeHookCreation); ' +
        'or give it 60 s or more',
    );
  });

  it('rejects the metadata a cluster sets, as an object exported with kubectl get -o yaml has, once per object', () => {
    expect(findingsIn(['api/exported.yaml'])).toEqual([
      'api/exported.yaml:8:22: Deployment default/web: metadata.creationTimestamp: metadata the API server sets, not a manifest: creationTimestamp, generation, resourceVersion and uid; this Deployment was exported from a cluster (kubectl get -o yaml)',
    ]);
  });

  it('rejects repeated keys in keyed lists, bad container and port names, and containers without an image', () => {
    expect(findingsIn(['api/keyed-lists.yaml'])).toEqual([
      "api/keyed-lists.yaml:12:7: Pod web: spec.containers[0]: container name 'web' is used twice (also at initContainers[0])",
      'api/keyed-lists.yaml:16:11: Pod web: spec.containers[0].ports[1]: name "http" repeats item [0]',
      "api/keyed-lists.yaml:17:19: Pod web: spec.containers[0].ports[2].name: port name 'metrics_port' is not an IANA service name",
      'api/keyed-lists.yaml:18:11: Pod web: spec.containers[0].ports[3]: containerPort 80 and protocol "TCP" repeats item [0]',
      "api/keyed-lists.yaml:23:19: Pod web: spec.containers[0].env[2].name: environment variable name '1MODE' is not valid",
      'api/keyed-lists.yaml:26:11: Pod web: spec.containers[0].volumeMounts[1]: mountPath "/data" repeats item [0]',
      "api/keyed-lists.yaml:27:7: Pod web: spec.containers[1]: container 'Sidecar' has no image",
      "api/keyed-lists.yaml:27:13: Pod web: spec.containers[1].name: container name 'Sidecar' is not a DNS-1123 label",
      'api/keyed-lists.yaml:31:7: Pod web: spec.volumes[1]: name "data" repeats item [0]',
      'api/keyed-lists.yaml:39:15: Pod empty: spec.containers: a pod needs at least one container',
      'api/keyed-lists.yaml:48:7: Service web: spec.ports[0]: a Service with several ports needs a name on each',
      'api/keyed-lists.yaml:49:7: Service web: spec.ports[1]: port 80 and protocol "TCP" repeats item [0]',
    ]);
  });

  it('refuses a container with no image in the pod template of a Deployment, a Job or a CronJob, as the API server does in every pod template', () => {
    expect(findingsIn(['api/template-no-image.yaml'])).toEqual([
      "api/template-no-image.yaml:13:11: Deployment default/web: spec.template.spec.containers[0]: container 'web' has no image",
      "api/template-no-image.yaml:23:11: Job default/once: spec.template.spec.containers[0]: container 'run' has no image",
      "api/template-no-image.yaml:36:15: CronJob default/nightly: spec.jobTemplate.spec.template.spec.containers[0]: container 'run' has no image",
    ]);
  });

  it('refuses ephemeral containers in a pod template, which are added to running pods only, and leaves a Pod to the rules of its creation', () => {
    const debug = [{ name: 'debug', image: 'busybox:1.36' }];
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.25' }], ephemeralContainers: debug },
        },
      },
    };
    const found = checkApiRules(deployment).filter((f) => f.path.includes('ephemeralContainers'));
    expect(found.map((f) => [f.code, fieldPath(f.path), f.message])).toEqual([
      ['api/workload', 'spec.template.spec.ephemeralContainers', 'ephemeral containers are not allowed in a pod template'],
    ]);
    expect(found[0].hint).toContain('kubectl debug');
    const none = {
      ...deployment,
      spec: {
        ...deployment.spec,
        template: { ...deployment.spec.template, spec: { containers: deployment.spec.template.spec.containers, ephemeralContainers: [] } },
      },
    };
    expect(checkApiRules(none).filter((f) => f.path.includes('ephemeralContainers'))).toEqual([]);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'nginx:1.25' }], ephemeralContainers: debug },
    };
    expect(checkApiRules(pod).filter((f) => f.path.includes('ephemeralContainers'))).toEqual([]);
  });

  it('takes a label or annotation value written as null, as the API server does (""), with a warning that a later apply removes it (an annotation: that kustomize writes "null"); a selector of null selects ""', () => {
    expect(findingsIn(['api/null-labels.yaml'])).toEqual([]);
    const later = (what: string) =>
      `${what} value null: the API server stores it as "" (an empty value) when the object is created, but a later kubectl apply sends the null in its patch, which removes the ${what}`;
    const annotation =
      'annotation value null: kubectl apply -f creates it as "" (an empty value), and a later apply sends the null in its patch, which removes the annotation; kubectl apply -k (kustomize) writes it as the string "null"';
    expect(codedFindingsIn(['api/null-labels.yaml']).filter((f) => f.startsWith('api/'))).toEqual([
      `api/label-null api/null-labels.yaml:10:10: Deployment default/web: metadata.labels.team: ${later('label')}`,
      `api/label-null api/null-labels.yaml:11:24: Deployment default/web: metadata.annotations.note: ${annotation}`,
      `api/label-null api/null-labels.yaml:13:46: Deployment default/web: spec.selector.matchLabels.tier: ${later('label')}`,
      `api/label-null api/null-labels.yaml:17:29: Deployment default/web: spec.template.spec.nodeSelector.disk: ${later('label')}`,
    ]);
  });

  it('warns of an environment variable named twice in one container, naming both entries, a later one that builds on the earlier too: server-side apply refuses it', () => {
    const why = (name: string) =>
      `the container gets this later value, but server-side apply refuses a repeated name (duplicate entries for key [name="${name}"]): Flux and kubectl apply --server-side fail on it; ` +
      'and client-side kubectl apply merges env by name, so a later apply that changes or removes one of the two drops or mixes up the other';
    expect(findingsIn(['api/env-repeats.yaml'])).toEqual([]);
    expect(findingsIn(['api/env-repeats.yaml'], {}, 'warning').filter((f) => f.includes(' repeats env'))).toEqual([
      `api/env-repeats.yaml:18:15: Deployment default/web: spec.template.spec.initContainers[0].env[1]: name "PATH" repeats env[0]: ${why('PATH')}`,
      `api/env-repeats.yaml:25:15: Deployment default/web: spec.template.spec.containers[0].env[2]: name "LOG_LEVEL" repeats env[0]: ${why('LOG_LEVEL')}`,
      `api/env-repeats.yaml:26:15: Deployment default/web: spec.template.spec.containers[0].env[3]: name "REGION" repeats env[1]: ${why('REGION')}`,
    ]);
    expect(findingsIn(['api/keyed-lists.yaml'], {}, 'warning').filter((f) => f.includes('MODE'))).toEqual([
      `api/keyed-lists.yaml:22:11: Pod web: spec.containers[0].env[1]: name "MODE" repeats env[0]: ${why('MODE')}`,
    ]);
    expect(checkApiRules(podWithEnvRepeat).map((f) => [f.code, f.severity, f.hint])).toEqual([
      [
        'api/env-repeat',
        'warning',
        'keep one entry named A (merge env[0] and env[1] into one); a variable that builds on another with $(A) takes a name of its own',
      ],
    ]);
  });

  it('refuses an environment variable named twice in a stage Flux delivers, since Flux applies server-side; Argo CD applies client-side (a warning)', () => {
    expect(findingsIn(['api/env-repeats.yaml'], { engine: 'flux' }).filter((f) => f.includes(' repeats env'))).toEqual([
      'api/env-repeats.yaml:18:15: Deployment default/web: spec.template.spec.initContainers[0].env[1]: name "PATH" repeats env[0]: Flux applies the stage server-side, and server-side apply refuses a repeated name (duplicate entries for key [name="PATH"]), so the stage does not apply',
      'api/env-repeats.yaml:25:15: Deployment default/web: spec.template.spec.containers[0].env[2]: name "LOG_LEVEL" repeats env[0]: Flux applies the stage server-side, and server-side apply refuses a repeated name (duplicate entries for key [name="LOG_LEVEL"]), so the stage does not apply',
      'api/env-repeats.yaml:26:15: Deployment default/web: spec.template.spec.containers[0].env[3]: name "REGION" repeats env[1]: Flux applies the stage server-side, and server-side apply refuses a repeated name (duplicate entries for key [name="REGION"]), so the stage does not apply',
    ]);
    expect(checkApiRules(podWithEnvRepeat, { engine: 'flux' }).map((f) => [f.code, f.severity])).toEqual([['api/env-repeat', 'error']]);
    expect(checkApiRules(podWithEnvRepeat, { engine: 'argocd' }).map((f) => [f.code, f.severity])).toEqual([['api/env-repeat', 'warning']]);
  });

  it('rejects a block device path used twice, and a block device also mounted, by name or at its path', () => {
    expect(findingsIn(['api/block-devices.yaml'])).toEqual([
      'api/block-devices.yaml:12:11: Pod db: spec.containers[0].volumeDevices[1]: devicePath "/dev/xvda" repeats item [0]',
      'api/block-devices.yaml:12:19: Pod db: spec.containers[0].volumeDevices[1].name: name "raw2" is also a volumeMounts name',
      'api/block-devices.yaml:13:37: Pod db: spec.containers[0].volumeDevices[2].devicePath: devicePath "/data" is also a volumeMounts mountPath',
      'api/block-devices.yaml:14:11: Pod db: spec.containers[0].volumeDevices[3]: name "raw3" repeats item [2]',
    ]);
  });

  it('rejects selectors that do not match their template, and an object defined twice', () => {
    expect(findingsIn(['api/selectors-and-duplicates.yaml'])).toEqual([
      "api/selectors-and-duplicates.yaml:8:13: ReplicationController nginx: spec.selector: selects app=nginx, but the pod template's labels are: app=web",
      "api/selectors-and-duplicates.yaml:22:5: DaemonSet agent: spec.selector: selects app=agent, tier in (node), but the pod template's labels are: app=agent, tier=cluster",
      'api/selectors-and-duplicates.yaml:56:9: ConfigMap default/settings: metadata.name: ConfigMap default/settings is defined twice: applied together, the second definition replaces the first (kubectl apply) or fails as already existing (kubectl create)',
      'api/selectors-and-duplicates.yaml:71:9: HorizontalPodAutoscaler db: metadata.name: HorizontalPodAutoscaler db (as autoscaling/v1 and autoscaling/v2) is defined twice: applied together, the second definition replaces the first (kubectl apply) or fails as already existing (kubectl create)',
    ]);
  });

  it('shows the expressions of a selector that does not match, as kubectl writes them', () => {
    expect(findingsIn(['api/selector-expressions.yaml'])).toEqual([
      "api/selector-expressions.yaml:8:5: DaemonSet agent: spec.selector: selects name in (agent, probe), !canary, tier, but the pod template's labels are: name=mysql",
    ]);
  });

  it('rejects ports out of range, several or no probe handlers, several volume sources (none is an emptyDir), and bad ConfigMap keys', () => {
    expect(findingsIn(['api/values.yaml'])).toEqual([
      'api/values.yaml:11:28: Pod values: spec.containers[0].ports[0].containerPort: port 70000 is out of range (1-65535)',
      'api/values.yaml:13:9: Pod values: spec.containers[0].livenessProbe: livenessProbe sets exec and httpGet; only one may be set',
      'api/values.yaml:14:35: Pod values: spec.containers[0].livenessProbe.httpGet.port: port 70000 is out of range (1-65535)',
      'api/values.yaml:16:9: Pod values: spec.containers[0].readinessProbe: readinessProbe sets none of exec, httpGet, tcpSocket, grpc',
      "api/values.yaml:18:7: Pod values: spec.volumes[0]: volume 'both' sets emptyDir and configMap; only one may be set",
      "api/values.yaml:29:14: ConfigMap settings: data.bad key: key 'bad key' is not valid: it may hold only letters, digits, '-', '_' and '.'",
      "api/values.yaml:32:9: ConfigMap settings: binaryData.same: key 'same' is in both data and binaryData",
      'api/values.yaml:40:15: Service values: spec.ports[0].port: port 0 is out of range (1-65535)',
      'api/values.yaml:40:30: Service values: spec.ports[0].targetPort: port 65536 is out of range (1-65535)',
    ]);
  });
  it("refuses the ConfigMap and Secret keys '.', '..' and '..a', and takes 'a..b'", () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { '.': '', '..': '', '..a': '', 'a..b': '' } };
    expect(checkApiRules(secret).map((f) => `${f.code} ${fieldPath(f.path)}: ${f.message}`)).toEqual([
      "api/config-key data..: key '.' is not valid: it may not be '.'",
      "api/config-key data...: key '..' is not valid: it may not be '..'",
      "api/config-key data...a: key '..a' is not valid: it may not start with '..' (the kubelet's own files in a volume do)",
    ]);
  });

  it('refuses bad keys of a ConfigMap whose metadata is missing too: every problem at once', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: null, data: { '..x': '' } } as unknown as Parameters<
      typeof checkApiRules
    >[0];
    expect(checkApiRules(configMap).map((f) => f.code)).toEqual(['api/config-key', 'api/name']);
  });
});

describe("the API server's rules for a pod's containers", () => {
  it('leave an entry that is no mapping to the schema check, and place the others at their own index', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [['nginx'], null, { name: 'Web', image: 'nginx:1.25' }] },
    };
    expect(checkApiRules(pod).map((f) => `${f.code} ${fieldPath(f.path)}`)).toEqual(['api/name spec.containers[2].name']);
  });
});

describe("the API server's rules for RBAC subjects", () => {
  it("refuses a ClusterRoleBinding's ServiceAccount without namespace, a wrong apiGroup and an unknown kind, at the field; a RoleBinding's ServiceAccount needs none", () => {
    expect(codedFindingsIn(['api/rbac-subjects.yaml']).filter((f) => f.startsWith('api/rbac-subject'))).toEqual([
      "api/rbac-subject api/rbac-subjects.yaml:8:5: ClusterRoleBinding readers: subjects[0]: ServiceAccount subject 'ci' has no namespace; a ClusterRoleBinding has none to give it",
      "api/rbac-subject api/rbac-subjects.yaml:13:15: ClusterRoleBinding readers: subjects[1].apiGroup: a ServiceAccount subject has apiGroup 'rbac.authorization.k8s.io', but the API server accepts only '' (the core group)",
      "api/rbac-subject api/rbac-subjects.yaml:19:15: ClusterRoleBinding readers: subjects[3].apiGroup: a Group subject has apiGroup 'example.com', but the API server accepts only 'rbac.authorization.k8s.io'",
      "api/rbac-subject api/rbac-subjects.yaml:20:11: ClusterRoleBinding readers: subjects[4].kind: subject kind 'Robot' is not ServiceAccount, User or Group",
    ]);
  });
});

describe("the API server's rules for Jobs and CronJobs", () => {
  it('refuses a CronJob name over 52 characters, a schedule robfig/cron cannot read, a Job pod that restarts Always, a time zone twice or unknown, and a Job name over 63 characters unless the Job selects its pods itself', () => {
    expect(codedFindingsIn(['api/batch.yaml'])).toEqual([
      "api/name api/batch.yaml:5:9: CronJob a-backup-with-a-name-of-fifty-three-characters-in-all: metadata.name: name 'a-backup-with-a-name-of-fifty-three-characters-in-all' has 53 characters, more than the 52 a CronJob's name may have: the CronJob controller names each Job it starts <name>-<11 digits>, and a Job name is at most 63 characters",
      'api/schedule api/batch.yaml:7:13: CronJob a-backup-with-a-name-of-fifty-three-characters-in-all: spec.schedule: schedule "0 25 * * *" is not a schedule the API server reads: end of range (25) above maximum (23): 25',
      "api/restart-policy api/batch.yaml:12:11: CronJob a-backup-with-a-name-of-fifty-three-characters-in-all: spec.jobTemplate.spec.template.spec: sets no restartPolicy, so the Job's pods would restart Always (the default), which the API server refuses: a Job's pods run until they end",
      'api/schedule api/batch.yaml:21:13: CronJob a-backup-with-a-name-of-fifty-two-characters-in-alll: spec.schedule: schedule "0 1 * *" is not a schedule the API server reads: expected exactly 5 fields, found 4: [0 1 * *]',
      'api/time-zone api/batch.yaml:22:13: CronJob a-backup-with-a-name-of-fifty-two-characters-in-alll: spec.timeZone: timeZone "Local" names no zone, only the one kube-controller-manager runs in',
      "api/restart-policy api/batch.yaml:27:26: CronJob a-backup-with-a-name-of-fifty-two-characters-in-alll: spec.jobTemplate.spec.template.spec.restartPolicy: restartPolicy Always is refused for a Job's pods, which run until they end",
      'api/schedule api/batch.yaml:37:13: CronJob zoned: spec.schedule: schedule "TZ=UTC 30 2 * * *" names a time zone (TZ or CRON_TZ) and so does spec.timeZone; the API server takes one or the other',
      'api/time-zone api/batch.yaml:54:13: CronJob weekdays: spec.timeZone: timeZone "Mars/Olympus" is not a zone of the IANA time zone database',
      "api/name api/batch.yaml:67:9: Job a-migration-job-whose-name-has-sixty-four-characters-in-all-of-i: metadata.name: name 'a-migration-job-whose-name-has-sixty-four-characters-in-all-of-i' has 64 characters, more than the 63 a Job's name may have: the API server labels the Job's pods job-name: <name>, and a label value is at most 63 characters",
      "api/restart-policy api/batch.yaml:71:7: Job a-migration-job-whose-name-has-sixty-four-characters-in-all-of-i: spec.template.spec: sets no restartPolicy, so the Job's pods would restart Always (the default), which the API server refuses: a Job's pods run until they end",
      `api/time-zone api/batch.yaml:97:13: CronJob lowercase-zone: spec.timeZone: timeZone "europe/berlin" is spelled Europe/Berlin in the IANA time zone database, and the API server's lookup minds the case`,
    ]);
  });
});
