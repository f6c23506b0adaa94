/**
 * One run of the checks (`CheckRun`, lib/checks/check-run.ts): its steps are taken in their order
 * by `run` alone, so what it keeps in a memo is what it reported, and a later run that replays
 * it reports the same.
 */
import { describe, expect, it } from 'vitest';
import { CheckRun, checkPlan, type CheckPlan } from '../../lib/checks/check-run.js';
import type { CheckContext, CheckMemo } from '../../lib/checks/check-types.js';
import { crdRegistry } from '../../lib/checks/crds.js';
import { finder } from '../../lib/checks/finding.js';
import type { KeptObject } from '../../lib/model/kept-checks.js';
import type { KubeObject } from '../../lib/model/object.js';

const configMap = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'qa', labels },
});

/** How many times each per-object check ran. */
const ran = { screen: 0, labelled: 0 };

/** A screen that finds nothing, and a per-object check that flags an object labelled `bad`. */
const PLAN: CheckPlan = checkPlan({
  screen: {
    name: 'screen',
    scope: 'object',
    run: () => {
      ran.screen++;
      return { findings: [] };
    },
  },
  checks: [
    {
      name: 'labelled',
      scope: 'object',
      run: (o) => {
        ran.labelled++;
        return {
          findings: o.metadata.labels?.bad
            ? [finder(o)('test/bad', ['metadata', 'labels', 'bad'], 'is labelled bad', 'remove the label')]
            : [],
        };
      },
    },
  ],
  tracedContext: () => '{}',
  crdContext: () => undefined,
});

/** A memo that keeps per-object results by object name. */
function nameMemo(): CheckMemo & { readonly kept: Map<string, KeptObject> } {
  const kept = new Map<string, KeptObject>();
  return { kept, get: (o) => kept.get(String(o.metadata.name)), set: (o, results) => kept.set(String(o.metadata.name), results) };
}

const context: CheckContext = { options: {}, registry: crdRegistry([]) };
const run = (objects: KubeObject[], memo?: CheckMemo) => new CheckRun({ plan: PLAN, all: objects, objects, context, memo });
const described = (r: ReturnType<CheckRun['run']>) => r.reported.map((f) => `${f.object.metadata.name}: ${f.code} ${f.message}`);

describe('a run of the checks', () => {
  it('keeps in the memo what it reported on each object, and a later run replays it without checking the object again', () => {
    const memo = nameMemo();
    const first = run([configMap('good'), configMap('worse', { bad: 'yes' })], memo).run();
    expect(described(first)).toEqual(['worse: test/bad is labelled bad']);
    expect(memo.kept.get('good')).toEqual([]);
    expect(memo.kept.get('worse')).toEqual([[1, { findings: [{ ...first.reported[0], object: null }] }]]);

    ran.screen = ran.labelled = 0;
    const again = run([configMap('good'), configMap('worse', { bad: 'yes' })], memo).run();
    expect(described(again)).toEqual(described(first));
    expect(ran).toEqual({ screen: 0, labelled: 0 });
  });

  it('keeps one empty result for every object on which nothing was found, allocating none per object', () => {
    const memo = nameMemo();
    run([configMap('good'), configMap('fine'), configMap('worse', { bad: 'yes' })], memo).run();
    expect(memo.kept.get('good')).toEqual([]);
    expect(memo.kept.get('fine')).toBe(memo.kept.get('good'));
    expect(memo.kept.get('worse')).toHaveLength(1);
  });

  it('keeps that shared empty result frozen, so that a holder that pushes to it fails rather than gives the others its findings', () => {
    const memo = nameMemo();
    run([configMap('good')], memo).run();
    expect(Object.isFrozen(memo.kept.get('good'))).toBe(true);
  });

  it('runs its steps once: a second call of run gives the same result, not every finding twice', () => {
    const memo = nameMemo();
    const checks = run([configMap('worse', { bad: 'yes' })], memo);
    const first = checks.run();
    expect(checks.run()).toBe(first);
    expect(described(first)).toEqual(['worse: test/bad is labelled bad']);
    expect(memo.kept.get('worse')?.[0][1].findings).toHaveLength(1);
  });

  it('offers no step to call out of order (type-checked by tsc)', () => {
    const checks = run([configMap('worse', { bad: 'yes' })]);
    // @ts-expect-error the per-object step is private: called before the replay, it kept an empty result
    expect(typeof checks.runObjectCheck).toBe('function');
    // @ts-expect-error the last step is private: `run` takes it
    expect(typeof checks.finish).toBe('function');
  });
});
