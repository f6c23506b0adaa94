/** What lib/delivery/project-order.ts says an AppProject no longer permits of the live objects of the stages it keeps. */
import { describe, expect, it, vi } from 'vitest';
import { projectOrder } from '../../lib/delivery/project-order.js';
import { targetOf } from '../../lib/delivery/target.js';
import * as urls from '../../lib/delivery/urls.js';

vi.mock('../../lib/delivery/urls.js', { spy: true });

const SERVER = 'https://nonprod.k8s.example.com:6443';

/** An AppProject permitting Deployments and Services in `namespaces` of the cluster at SERVER, and another cluster's `other`. */
const appProject = (namespaces: readonly string[]) => ({
  kind: 'AppProject',
  metadata: { name: 'stagecraft', namespace: 'argocd' },
  spec: {
    clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    namespaceResourceWhitelist: [
      { group: 'apps', kind: 'Deployment' },
      { group: '', kind: 'Service' },
    ],
    destinations: [
      ...namespaces.map((namespace) => ({ server: SERVER, namespace })),
      { server: 'https://prod.k8s.example.com:6443', namespace: 'other' },
      { name: 'edge', namespace: 'other' },
    ],
  },
});

/** Stage `stage`'s Application on the cluster at `server` (spelt as written), with `keys` live. */
function kept(stage: string, server: string, keys: readonly string[]) {
  const target = targetOf({
    kind: 'Application',
    metadata: { name: `stagecraft-${stage}`, namespace: 'argocd' },
    spec: { source: { path: `dist/${stage}`, repoURL: 'https://git.example.com/team/app.git' }, destination: { server, namespace: stage } },
  });
  if (!target) throw new Error('no target');
  const lines = keys.map((k, i) => `sha256:${i.toString(16).padStart(64, '0')} ${k}`);
  return { target, inventory: `objects: ${keys.length}\n${lines.join('\n')}\n` };
}

describe('projectOrder', () => {
  it('names the kinds and the namespaces of the live objects the AppProject no longer permits on their cluster, a server spelt another way alike', () => {
    const keys = ['v1 Namespace qa', 'apps/v1 Deployment qa/web', 'v1 Service qa/web', 'v1 ConfigMap qa/web', 'v1 Service other/web'];
    const order = projectOrder(appProject(['qa']), appProject(['qa']), [kept('qa', 'https://NONPROD.k8s.example.com:6443/', keys)]);
    // other is a destination of another cluster's only
    expect(order).toEqual({
      name: 'stagecraft',
      gains: false,
      losses: [{ application: 'stagecraft-qa', what: ['ConfigMap', 'objects in other'] }],
    });
    expect(projectOrder(undefined, appProject([]), [kept('qa', SERVER, keys.slice(0, 3))])?.losses).toEqual([
      { application: 'stagecraft-qa', what: ['objects in qa'] },
    ]);
  });

  it("reads each destination's server once per stage, not once per live object: an inventory holds thousands", () => {
    const keys = Array.from({ length: 500 }, (_, i) => `apps/v1 Deployment qa/web-${i}`);
    const stages = [kept('qa', SERVER, keys), kept('dev', SERVER, keys)];
    const addresses = vi.mocked(urls.addresses);
    addresses.mockClear();
    expect(projectOrder(undefined, appProject(['qa', 'dev']), stages)?.losses).toEqual([]);
    // 3 destinations with a server, for each of the 2 stages
    expect(addresses.mock.calls.length).toBeLessThanOrEqual(2 * 3);
  });
});
