import { describe, expect, it } from 'vitest';
import { checkPodSecurity } from '../../lib/checks/pod-security.js';
import { exceptionsIn, findingsIn } from './helpers.js';

describe('the safety policy', () => {
  it('holds every workload to the baseline standard, except where an exception is declared', () => {
    expect(findingsIn(['policy/baseline.yaml'])).toEqual([
      "policy/baseline.yaml:15:16: DaemonSet kube-system/node-agent: spec.template.spec.hostPID: hostPID: true shares the node's namespaces (Pod Security Standard 'baseline')",
      "policy/baseline.yaml:17:33: DaemonSet kube-system/node-agent: spec.template.spec.securityContext.seccompProfile.type: seccompProfile Unconfined turns seccomp off (Pod Security Standard 'baseline')",
      "policy/baseline.yaml:22:25: DaemonSet kube-system/node-agent: spec.template.spec.containers[0].securityContext.privileged: container 'agent' is privileged (Pod Security Standard 'baseline')",
      "policy/baseline.yaml:24:20: DaemonSet kube-system/node-agent: spec.template.spec.containers[0].securityContext.capabilities.add: container 'agent' adds the capabilities NET_ADMIN (Pod Security Standard 'baseline')",
      "policy/baseline.yaml:26:48: DaemonSet kube-system/node-agent: spec.template.spec.containers[0].ports[0].hostPort: container 'agent' binds hostPort 9100 on the node (Pod Security Standard 'baseline')",
      "policy/baseline.yaml:31:21: DaemonSet kube-system/node-agent: spec.template.spec.volumes[0].hostPath: volume 'root' mounts the node's / (Pod Security Standard 'baseline')",
      "policy/baseline.yaml:41:40: DaemonSet kube-system/kube-registry-proxy: metadata.annotations.policy.stagecraft.dev/hostnetwork: 'hostnetwork' is not a policy control",
      "policy/baseline.yaml:69:57: Pod kube-system/tuned: metadata.annotations.container.apparmor.security.beta.kubernetes.io/app: AppArmor profile 'unconfined' weakens confinement (Pod Security Standard 'baseline')",
      "policy/baseline.yaml:73:17: Pod kube-system/tuned: spec.securityContext.sysctls[0].name: sysctl 'net.core.somaxconn' is not in the safe set (Pod Security Standard 'baseline')",
      "policy/baseline.yaml:75:29: Pod kube-system/tuned: spec.securityContext.seLinuxOptions.type: SELinux type 'spc_t' is not allowed (Pod Security Standard 'baseline')",
      "policy/baseline.yaml:80:20: Pod kube-system/tuned: spec.containers[0].securityContext.procMount: container 'app' unmasks /proc (Pod Security Standard 'baseline')",
    ]);
    expect(findingsIn(['policy/baseline.yaml'], {}, 'warning')).toEqual([
      "policy/baseline.yaml:19:11: DaemonSet kube-system/node-agent: spec.template.spec.containers[0]: container 'agent' has no livenessProbe",
      "policy/baseline.yaml:19:11: DaemonSet kube-system/node-agent: spec.template.spec.containers[0]: container 'agent' has no resource requests or limits",
      "policy/baseline.yaml:77:7: Pod kube-system/tuned: spec.containers[0]: container 'app' has no livenessProbe",
      "policy/baseline.yaml:77:7: Pod kube-system/tuned: spec.containers[0]: container 'app' has no resource requests or limits",
    ]);
  });

  it('holds workloads to the restricted standard where asked, and warns about tags, resources and probes', () => {
    expect(findingsIn(['policy/restricted.yaml'], { podSecurity: 'restricted' })).toEqual([
      "policy/restricted.yaml:41:9: Pod tool: spec.containers[0].securityContext: container 'tool' does not drop ALL capabilities (Pod Security Standard 'restricted')",
      "policy/restricted.yaml:41:9: Pod tool: spec.containers[0].securityContext: container 'tool' does not set allowPrivilegeEscalation: false (Pod Security Standard 'restricted')",
      "policy/restricted.yaml:41:9: Pod tool: spec.containers[0].securityContext: container 'tool' has no seccomp profile (Pod Security Standard 'restricted')",
      "policy/restricted.yaml:41:9: Pod tool: spec.containers[0].securityContext: container 'tool' may run as root (runAsNonRoot is not true) (Pod Security Standard 'restricted')",
      "policy/restricted.yaml:41:20: Pod tool: spec.containers[0].securityContext.runAsUser: container 'tool' runs as user 0 (root) (Pod Security Standard 'restricted')",
      "policy/restricted.yaml:42:7: Pod tool: spec.containers[1].securityContext: container 'sidecar' does not drop ALL capabilities (Pod Security Standard 'restricted')",
      "policy/restricted.yaml:42:7: Pod tool: spec.containers[1].securityContext: container 'sidecar' does not set allowPrivilegeEscalation: false (Pod Security Standard 'restricted')",
      "policy/restricted.yaml:42:7: Pod tool: spec.containers[1].securityContext: container 'sidecar' has no seccomp profile (Pod Security Standard 'restricted')",
      "policy/restricted.yaml:42:7: Pod tool: spec.containers[1].securityContext: container 'sidecar' may run as root (runAsNonRoot is not true) (Pod Security Standard 'restricted')",
      "policy/restricted.yaml:48:12: Pod tool: spec.volumes[0].nfs: volume 'nfs' is of type nfs (Pod Security Standard 'restricted')",
    ]);
    expect(findingsIn(['policy/restricted.yaml'], { podSecurity: 'restricted' }, 'warning')).toEqual([
      "policy/restricted.yaml:38:7: Pod tool: spec.containers[0]: container 'tool' has no livenessProbe",
      "policy/restricted.yaml:38:7: Pod tool: spec.containers[0]: container 'tool' has no resource requests or limits",
      "policy/restricted.yaml:39:14: Pod tool: spec.containers[0].image: image 'busybox' has no tag (it means 'latest')",
      "policy/restricted.yaml:42:7: Pod tool: spec.containers[1]: container 'sidecar' has no livenessProbe",
      "policy/restricted.yaml:42:7: Pod tool: spec.containers[1]: container 'sidecar' has no resource limits",
      "policy/restricted.yaml:43:14: Pod tool: spec.containers[1].image: image 'example/sidecar:latest' uses the tag 'latest'",
    ]);
  });
});

describe('a null item before another in a pod list (ports: [null, ...])', () => {
  it('leaves the later items at their own index: the finding is at the item, not at the null', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'app', namespace: 'default' },
      spec: {
        securityContext: { sysctls: [null, { name: 'kernel.msgmax', value: '1' }] },
        volumes: [null, { name: 'root', hostPath: { path: '/' } }],
        containers: [{ name: 'app', image: 'app:1.0', ports: [null, { containerPort: 80, hostPort: 80 }] }],
      },
    };
    // (and the warnings of the container as a whole: no resources, no probes)
    expect(
      checkPodSecurity(pod)
        .findings.filter((f) => f.severity === 'error')
        .map((f) => f.path.join('.')),
    ).toEqual(['spec.securityContext.sysctls.1.name', 'spec.volumes.1.hostPath', 'spec.containers.0.ports.1.hostPort']);
  });
});

describe('user 0 set on a container and on its pod', () => {
  it("is found on each container, the container's setting before the pod's, and the exception lists both", () => {
    const pod = (annotations?: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'app', namespace: 'default', ...(annotations ? { annotations } : {}) },
      spec: {
        securityContext: { runAsUser: 0 },
        containers: [
          { name: 'a', image: 'app:1.0', securityContext: { runAsUser: 0 } },
          { name: 'b', image: 'app:1.0' },
        ],
      },
    });
    const errors = checkPodSecurity(pod(), 'restricted').findings.filter((f) => f.path.at(-1) === 'runAsUser');
    expect(errors.map((f) => `${f.path.join('.')}: ${f.message}`)).toEqual([
      "spec.containers.0.securityContext.runAsUser: container 'a' runs as user 0 (root) (Pod Security Standard 'restricted')",
      "spec.securityContext.runAsUser: container 'a' runs as user 0 (root) (Pod Security Standard 'restricted')",
      "spec.securityContext.runAsUser: container 'b' runs as user 0 (root) (Pod Security Standard 'restricted')",
    ]);
    const excused = checkPodSecurity(pod({ 'policy.stagecraft.dev/run-as-root': 'the image needs it' }), 'restricted');
    expect(excused.findings.filter((f) => f.code === 'policy/run-as-root')).toEqual([]);
    expect(excused.exceptions.map((e) => e.allows)).toEqual(['may run as root, runAsUser 0']);
  });
});

describe('declared exceptions in manifests', () => {
  it('are listed with what they allow and why', () => {
    expect(exceptionsIn(['policy/baseline.yaml'])).toEqual([
      "exception: DaemonSet kube-system/kube-registry-proxy: host-namespaces (hostNetwork: true): the proxy must answer on every node's localhost:5000",
      'exception: DaemonSet kube-system/kube-registry-proxy: host-ports (hostPort 5000): hostPort 5000 is given as well, for CNI plugins that honour it',
    ]);
    expect(exceptionsIn(['policy/restricted.yaml'], { podSecurity: 'restricted' })).toEqual([
      'exception: ReplicationController mysql-1: run-as-root (may run as root): the official mysql image starts as root and drops to mysql itself',
    ]);
  });
});
