/** The Argo CD objects made of the plans (lib/delivery/argocd.ts). */
import { describe, expect, it } from 'vitest';
import { application } from '../../lib/delivery/argocd.js';
import type { DeliveryPlan } from '../../lib/delivery/plan.js';

const plan = (automated: boolean): DeliveryPlan => ({
  stage: 'qa',
  namespace: 'qa',
  engine: 'argocd',
  project: 'stagecraft',
  cluster: { id: 'nonprod', server: 'https://nonprod.example.com:6443' },
  repository: { url: 'https://git.example.com/team/app.git', revision: 'main' },
  sync: { automated, prune: true, selfHeal: true },
  namespaces: ['qa'],
  kinds: { namespaced: [], cluster: [] },
});

describe('an Application', () => {
  it('that syncs by itself tries a failed sync again, with a backoff: Argo CD tries no commit twice without retry', () => {
    expect(application(plan(true), {}).spec?.syncPolicy).toEqual({
      automated: { prune: true, selfHeal: true },
      retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
    });
  });

  it('that someone syncs has no sync policy: the person who syncs it sees the failure', () => {
    expect(application(plan(false), {}).spec?.syncPolicy).toEqual({});
  });
});
