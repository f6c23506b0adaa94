import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../lib/errors.js';
import { hostPortProblems } from '../../lib/checks/host-ports.js';
import type { KubeObject } from '../../lib/model/object.js';

const proxy = (hostNetwork: boolean): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'kube-registry-proxy', namespace: 'kube-system' },
  spec: {
    template: {
      spec: {
        ...(hostNetwork ? { hostNetwork: true } : {}),
        containers: [{ name: 'proxy', image: 'x', ports: [{ containerPort: 80 }, { containerPort: 5000, hostPort: 5000 }] }],
      },
    },
  },
});

describe('hostPortProblems', () => {
  it('accepts a hostPort in a pod on the node network', () => {
    expect(hostPortProblems([proxy(true)], { architecture: 'arm', stageName: 'pi' })).toEqual([]);
  });

  it('refuses, on an ARM stage, a hostPort in a pod on the CNI pod network', () => {
    expect(hostPortProblems([proxy(false)], { architecture: 'arm', stageName: 'pi' }).map(formatProblem)).toEqual([
      "DaemonSet kube-system/kube-registry-proxy: spec.template.spec.containers[0].ports[1].hostPort: container 'proxy' asks for hostPort 5000 without hostNetwork; " +
        "on stage 'pi' (arm, a CNI pod network) the port would silently not be opened on the node\n" +
        '  hint: set hostNetwork: true on the pod (and hostPort equal to containerPort 5000), or reach the pod through a Service',
    ]);
  });

  it('leaves amd64 stages to the policy checks', () => {
    expect(hostPortProblems([proxy(false)], { architecture: 'amd64', stageName: 'lab' })).toEqual([]);
  });
});
