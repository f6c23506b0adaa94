/** Which objects an engine deletes and creates anew rather than updates (lib/delivery/recreated.ts). */
import { describe, expect, it } from 'vitest';
import { recreatedAtSync } from '../../lib/delivery/recreated.js';
import type { KubeObject } from '../../lib/model/object.js';

const object = (kind: string, annotations: Record<string, string>): KubeObject => ({
  apiVersion: kind === 'CustomResourceDefinition' ? 'apiextensions.k8s.io/v1' : 'v1',
  kind,
  metadata: { name: 'x', annotations },
});

describe("Argo CD's Force=true,Replace=true", () => {
  it('recreates at every sync what it replaces, but updates a Namespace or a CRD, which it never replaces (gitops-engine applyObject)', () => {
    const replaced = { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' };
    expect(recreatedAtSync('argocd', object('ConfigMap', replaced))?.when).toBe('every-sync');
    expect(recreatedAtSync('argocd', object('Namespace', replaced))).toBeUndefined();
    expect(recreatedAtSync('argocd', object('CustomResourceDefinition', replaced))).toBeUndefined();
  });
});
