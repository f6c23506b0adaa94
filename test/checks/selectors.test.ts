import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { formatSelector } from '../../lib/checks/selectors.js';
import type { KubeObject } from '../../lib/model/object.js';

describe('a selector as messages and commands show it', () => {
  it('writes keys and values that labels may hold as they are, as kubectl -l takes them', () => {
    expect(
      formatSelector({
        matchLabels: { 'app.kubernetes.io/name': 'web', tier: '' },
        matchExpressions: [
          { key: 'track', operator: 'In', values: ['stable', 'canary_1'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app.kubernetes.io/name=web, tier=, track in (stable, canary_1), !canary');
  });

  it("quotes a key or value with a character no label has, so that a PodDisruptionBudget's key app! never reads as app != ss", () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as KubeObject;
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ss', namespace: 'shop' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'ss' } },
        template: { metadata: { labels: { app: 'ss' } }, spec: { containers: [{ name: 'c', image: 'team/ss:1' }] } },
      },
    } as unknown as KubeObject;
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'ss', namespace: 'shop' },
      spec: { minAvailable: 1, selector: { matchLabels: { 'app!': 'ss' } } },
    } as unknown as KubeObject;
    const found = checkObjects([namespace, deployment, pdb]).findings.find((f) => f.code === 'refs/pdb-selector');
    expect(found?.message).toBe(
      `covers the pods "app!"=ss, but no pod template in namespace 'shop' matches; the workloads there are: Deployment ss (app=ss)`,
    );
    expect(formatSelector({ matchLabels: {}, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web, api', 'db'] }] })).toBe(
      'tier notin ("web, api", db)',
    );
  });
});
