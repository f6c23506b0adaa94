/** Which objects an engine deletes and creates anew rather than updates (lib/delivery/recreated.ts). */
import { describe, expect, it } from 'vitest';
import { recreatedAtSync } from '../../lib/delivery/recreated.js';
import type { KubeObject } from '../../lib/model/object.js';

const object = (kind: string, annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x', annotations },
});

describe("Argo CD's Force=true,Replace=true", () => {
  it('recreates at every sync what it replaces, whatever its kind, and takes Replace=true alone as an update', () => {
    const replaced = { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' };
    expect(recreatedAtSync('argocd', object('ConfigMap', replaced))?.when).toBe('every-sync');
    // no field of a Namespace or a CRD is compared (lib/immutable-fields.ts): what Argo CD does with them changes no warning
    expect(recreatedAtSync('argocd', object('Namespace', replaced))?.when).toBe('every-sync');
    expect(recreatedAtSync('argocd', object('ConfigMap', { 'argocd.argoproj.io/sync-options': 'Replace=true' }))).toBeUndefined();
  });
});
