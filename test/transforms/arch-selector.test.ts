import { describe, expect, it } from 'vitest';
import { selectArchitecture } from '../../lib/transforms/arch-selector.js';
import type { KubeObject } from '../../lib/model/object.js';

const ds = (nodeSelector?: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'proxy', namespace: 'kube-system' },
  spec: { template: { spec: { ...(nodeSelector ? { nodeSelector } : {}), containers: [{ name: 'p', image: 'nginx' }] } } },
});

describe('selectArchitecture', () => {
  it("pins every pod template to the stage's architecture, keeping the other node selectors", () => {
    const [out] = selectArchitecture([ds({ 'kubernetes.io/os': 'linux' })], { architecture: 'arm', stageName: 'pi' });
    expect((out.spec as any).template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm' });
  });

  it('pins amd64 stages to amd64 nodes too', () => {
    const [out] = selectArchitecture([ds()], { architecture: 'amd64', stageName: 'lab' });
    expect((out.spec as any).template.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
  });

  it("pins a custom workload's pods (an Argo Rollout's) as a Deployment's, and refuses its template's other architecture", () => {
    const rollout = { ...ds(), apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };
    const [out] = selectArchitecture([rollout], { architecture: 'arm', stageName: 'pi' });
    expect((out.spec as any).template.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm' });
    const amd = { ...ds({ 'kubernetes.io/arch': 'amd64' }), apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };
    expect(() => selectArchitecture([amd], { architecture: 'arm', stageName: 'pi' })).toThrow(
      "Rollout kube-system/proxy: spec.template.spec.nodeSelector: selects kubernetes.io/arch 'amd64'",
    );
  });

  it('leaves objects without a pod template alone', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(selectArchitecture([cm], { architecture: 'arm', stageName: 'pi' })).toEqual([cm]);
  });

  it('refuses a pod template that selects another architecture', () => {
    expect(() => selectArchitecture([ds({ 'kubernetes.io/arch': 'amd64' })], { architecture: 'arm', stageName: 'pi' })).toThrow(
      "DaemonSet kube-system/proxy: spec.template.spec.nodeSelector: selects kubernetes.io/arch 'amd64', but stage 'pi' runs on arm (its stage file's architecture:, amd64 when it has none)\n" +
        "  hint: remove the kubernetes.io/arch node selector from the stack or the included manifest that sets it (stagecraft gives every pod the stage's own kubernetes.io/arch), or set architecture: amd64 in the stage file",
    );
  });
});

describe("a team's own pod templates (pin: false)", () => {
  it('are left as written, with no architecture added, since a template that changes replaces the pods (or, a Job, fails to apply)', () => {
    const written = ds({ 'kubernetes.io/os': 'linux' });
    expect(selectArchitecture([written], { architecture: 'amd64', stageName: 'lab', pin: false })).toEqual([written]);
  });

  it("still refuse another architecture, saying to write the stage's, which stagecraft does not add there", () => {
    expect(() => selectArchitecture([ds({ 'kubernetes.io/arch': 'amd64' })], { architecture: 'arm', stageName: 'pi', pin: false })).toThrow(
      'hint: write kubernetes.io/arch: arm there or remove it, or set architecture: amd64 in the stage file',
    );
  });
});

describe('pods pinned to a node by hand', () => {
  it('keep their pod spec: nodeName bypasses the scheduler, so there is nothing to select', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { nodeName: 'mink8s', containers: [{ name: 'c', image: 'nginx' }] },
    };
    expect(selectArchitecture([pod], { architecture: 'arm', stageName: 's' })).toEqual([pod]);
  });
});
