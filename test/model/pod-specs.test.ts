import { describe, expect, it } from 'vitest';
import { containersOf, mapContainers } from '../../lib/model/pod-specs.js';

describe("a pod spec's containers", () => {
  const spec = { initContainers: [{ name: 'init', image: 'busybox:1.36' }], containers: [{ name: 'web', image: 'nginx:1.25' }, null] };

  it('are listed init containers first, leaving out entries that are not mappings', () => {
    expect(containersOf(spec).map((c) => c.name)).toEqual(['init', 'web']);
    expect(containersOf(undefined)).toEqual([]);
  });

  it('are replaced in a copy, each told its list and index, other fields and lists that are not one kept', () => {
    const seen: string[] = [];
    const out = mapContainers({ ...spec, hostNetwork: true }, (c, list, i) => {
      seen.push(`${list}[${i}]`);
      return c === null ? c : { ...(c as object), image: undefined };
    });
    expect(seen).toEqual(['initContainers[0]', 'containers[0]', 'containers[1]']);
    expect(out).toEqual({
      hostNetwork: true,
      initContainers: [{ name: 'init', image: undefined }],
      containers: [{ name: 'web', image: undefined }, null],
    });
    expect(spec.containers[0]).toEqual({ name: 'web', image: 'nginx:1.25' });
    expect(mapContainers({ containers: 'none' }, () => 1)).toEqual({ containers: 'none' });
  });
});
