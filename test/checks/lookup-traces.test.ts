import { describe, expect, it } from 'vitest';
import { LookupTraces } from '../../lib/checks/lookup-traces.js';
import type { Query } from '../../lib/checks/object-keys.js';
import { objectHandle, type KubeObject } from '../../lib/model/object.js';

const named = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'qa' } });
const identity = (o: KubeObject) => `id-${String(o.metadata.name)}`;

describe('traced lookups', () => {
  it('record nothing, and never hold, without identities', () => {
    const traces = new LookupTraces(undefined, { atKey: () => undefined, evaluate: () => '' });
    const { result, traces: recorded } = traces.traced((n: number) => {
      traces.note(['in', 'qa']);
      return n + 1;
    }, 1);
    expect([result, recorded]).toEqual([2, undefined]);
    expect(traces.holds([])).toBe(false);
  });

  it("record a query as the index answers it, and hold until the index's answer changes", () => {
    let answer = 'id-web';
    const evaluated: Query[] = [];
    const traces = new LookupTraces(identity, {
      atKey: () => undefined,
      evaluate: (q) => {
        evaluated.push(q);
        return answer;
      },
    });
    const { traces: recorded } = traces.traced(() => traces.note(['in', 'qa']), undefined);
    expect(recorded).toEqual([['["in","qa"]', 'id-web']]);
    expect(new LookupTraces(identity, { atKey: () => undefined, evaluate: () => answer }).holds(recorded!)).toBe(true);
    answer = 'id-api';
    expect(new LookupTraces(identity, { atKey: () => undefined, evaluate: () => answer }).holds(recorded!)).toBe(false);
    // worked out once per query
    expect(evaluated).toEqual([['in', 'qa']]);
  });

  it("take the workloads a lookup found as its answer, and a nameless object's identity with its handle", () => {
    const traces = new LookupTraces(identity, { atKey: () => undefined, evaluate: () => 'never asked' });
    const nameless = { apiVersion: 'v1', kind: 'Pod', metadata: {} } as KubeObject;
    const { traces: recorded } = traces.traced(() => traces.note(['in', 'qa'], [{ object: named('web') }, { object: nameless }]), 0);
    expect(recorded).toEqual([['["in","qa"]', `id-web id-undefined#${objectHandle(nameless)}`]]);
  });

  it("leave out the index's own lookups while it answers, and never hold a trace that is no query", () => {
    const traces: LookupTraces = new LookupTraces(identity, {
      atKey: (key) => (key === 'get:/Service/qa/web' ? named('web') : undefined),
      evaluate: () => {
        traces.note(['names', '/Service', 'qa']); // namesOf notes its own query
        return 'web';
      },
    });
    const { traces: recorded } = traces.traced(() => traces.note(['kind', '/Service', 'qa']), 0);
    expect(recorded).toEqual([['["kind","/Service","qa"]', 'web']]);
    expect(traces.holds([['get:/Service/qa/web', 'id-web']])).toBe(true);
    expect(traces.holds([['get:/Service/qa/api', 'id-api']])).toBe(false);
    expect(traces.holds([['not json', '']])).toBe(false);
  });
});
