import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { HashedConfigMap, contentHash } from '../../lib/constructs/hashed-config-map.js';

const synth = (data: Record<string, string>) => {
  const chart = new Chart(new App(), 'c', { disableResourceNameHashes: true });
  const cm = new HashedConfigMap(chart, 'cm', { baseName: 'demoapp-config', data });
  return { name: cm.name, objects: chart.toJson() };
};

describe('HashedConfigMap', () => {
  it('names the ConfigMap <baseName>-<10 hex characters of the content hash>, immutable', () => {
    const { name, objects } = synth({ LOG_LEVEL: 'info' });
    expect(name).toBe(`demoapp-config-${contentHash({ LOG_LEVEL: 'info' })}`);
    expect(name).toMatch(/^demoapp-config-[0-9a-f]{10}$/);
    expect(objects).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { LOG_LEVEL: 'info' }, immutable: true }]);
  });

  it('keeps the name when the data is the same, whatever the order of the keys', () => {
    expect(synth({ A: '1', B: '2' }).name).toBe(synth({ B: '2', A: '1' }).name);
  });

  it('changes the name when a value, a key, or the set of keys changes', () => {
    const base = synth({ A: '1', B: '2' }).name;
    expect(synth({ A: '1', B: '3' }).name).not.toBe(base);
    expect(synth({ A: '1', C: '2' }).name).not.toBe(base);
    expect(synth({ A: '1' }).name).not.toBe(base);
    expect(synth({ A: '1', B: '2', C: '' }).name).not.toBe(base);
    // a value that contains what a naive concatenation would confuse with a key boundary
    expect(contentHash({ A: '1B2' })).not.toBe(contentHash({ A: '1', B: '2' }));
  });

  it('rejects keys a ConfigMap cannot hold, naming them', () => {
    expect(() => synth({ 'bad key': 'x', ok: 'y', 'a/b': 'z' })).toThrow(
      "ConfigMap 'demoapp-config': 'data' keys 'bad key', 'a/b' may only hold letters, digits, '-', '_' and '.'",
    );
  });
});
