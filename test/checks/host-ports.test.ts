import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../lib/errors.js';
import { hostPortProblems } from '../../lib/checks/host-ports.js';
import type { KubeObject } from '../../lib/model/object.js';
import { compileStages } from '../../lib/compile.js';
import { ProblemsError } from '../../lib/errors.js';

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

  it('passes over containers and ports that are no mappings, which the schema check reports, keeping the places of the others', () => {
    const pod = (containers: unknown): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers } });
    const good = { name: 'proxy', ports: [null, { containerPort: 5000, hostPort: 5000 }] };
    const found = hostPortProblems([pod([null, good]), pod({ name: 'c' }), pod([{ name: 'c', ports: { a: 1 } }])], {
      architecture: 'arm',
      stageName: 'pi',
    });
    expect(found.map((p) => p.message.split(':')[0])).toEqual(['spec.containers[1].ports[1].hostPort']);
  });

  it('leaves an ARM stage whose included manifests have a malformed container list to the schema errors, placed in the file', () => {
    const deployment =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: w }\nspec:\n  selector: { matchLabels: { app: w } }\n' +
      '  template:\n    metadata: { labels: { app: w } }\n    spec:\n      containers: [null]\n';
    const text = 'architecture: arm\napps:\n  legacy:\n    stack: manifests\n    include: [in]\n';
    const compile = () =>
      compileStages([{ stage: 'x', file: 'environments/x.yaml', text, readSource: () => new Map([['in/d.yaml', deployment]]) }]);
    expect(compile).toThrow(ProblemsError);
    try {
      compile();
    } catch (e) {
      expect((e as ProblemsError).problems.map((p) => `${p.location?.file}:${p.location?.line} ${p.code}`)).toEqual([
        'in/d.yaml:9 schema/type',
      ]);
    }
  });
});
