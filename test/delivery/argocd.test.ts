/** The Argo CD objects made of the plans (lib/delivery/argocd.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { application } from '../../lib/delivery/argocd.js';
import type { DeliveryPlan } from '../../lib/delivery/plan.js';
import { REPO } from '../helpers/cli.js';

const plan = (automated: boolean): DeliveryPlan => ({
  stage: 'qa',
  namespace: 'qa',
  engine: 'argocd',
  project: 'stagecraft',
  cluster: { id: 'nonprod', server: 'https://nonprod.example.com:6443' },
  repository: { url: 'https://git.example.com/team/app.git', revision: 'main' },
  path: 'dist/qa',
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

  it('waits before its tries as the README says: 5, 10, 20, 40 and 80 s, about 2.5 minutes, never the 3 minutes of maxDuration', () => {
    const retry = application(plan(true), {}).spec?.syncPolicy?.retry;
    const seconds = (d: string) => Number.parseInt(d, 10) * (d.endsWith('m') ? 60 : 1);
    const { duration = '', factor = 0, maxDuration = '' } = retry?.backoff ?? {};
    const waits = Array.from({ length: retry?.limit ?? 0 }, (_, i) => Math.min(seconds(duration) * factor ** i, seconds(maxDuration)));
    expect(waits).toEqual([5, 10, 20, 40, 80]);
    expect(waits.reduce((a, b) => a + b)).toBe(155);
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(
      `\`retry\`: ${waits.length} tries, waiting ${waits.slice(0, -1).join(', ')} and ${waits.at(-1)} s before them, about 2.5 minutes in all`,
    );
  });

  it('that someone syncs has no sync policy: the person who syncs it sees the failure', () => {
    expect(application(plan(false), {}).spec?.syncPolicy).toEqual({});
  });
});
