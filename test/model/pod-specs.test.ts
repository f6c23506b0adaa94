import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';
import {
  containersOf,
  mapContainers,
  mappingItems,
  placedContainers,
  podTemplateOf,
  workloadTemplateOf,
} from '../../lib/model/pod-specs.js';

describe("a pod spec's containers", () => {
  const spec = { initContainers: [{ name: 'init', image: 'busybox:1.36' }], containers: [{ name: 'web', image: 'nginx:1.25' }, null] };

  it('are listed init containers first, leaving out entries that are not mappings', () => {
    expect(containersOf(spec).map((c) => c.name)).toEqual(['init', 'web']);
    expect(containersOf(undefined)).toEqual([]);
  });

  it('are walked with their list and index for field paths, an index counting the entries that are not mappings; ephemeral ones when asked', () => {
    const withNull = { ...spec, containers: [null, { name: 'web' }], ephemeralContainers: [{ name: 'debug' }] };
    expect(placedContainers(withNull).map(({ container, list, index }) => `${list}[${index}] ${String(container.name)}`)).toEqual([
      'initContainers[0] init',
      'containers[1] web',
    ]);
    expect(placedContainers(withNull, ['containers', 'ephemeralContainers']).map((p) => `${p.list}[${p.index}]`)).toEqual([
      'containers[1]',
      'ephemeralContainers[0]',
    ]);
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

describe('the mappings of a list', () => {
  it('are its items that are mappings, each with its index in the list, counting nulls, scalars, lists and holes', () => {
    const first = { name: 'a' };
    const last = { name: 'b' };
    // biome-ignore lint/suspicious/noSparseArray: a hole is one of the entries that are not mappings
    expect(mappingItems([first, null, 'x', [{ name: 'in a list' }], , last])).toEqual([
      [0, first],
      [5, last],
    ]);
  });

  it('are none for what is no list, even one that looks like one', () => {
    for (const value of [undefined, null, 'containers', { 0: { name: 'a' }, length: 1 }]) expect(mappingItems(value)).toEqual([]);
  });
});

describe("a workload's pod template", () => {
  const workload = (apiVersion: string, kind: string): KubeObject =>
    ({
      apiVersion,
      kind,
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      },
    }) as unknown as KubeObject;
  const podChecks = (o: KubeObject) =>
    checkObjects([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, o])
      .findings.filter((f) => f.code === 'policy/image-tag')
      .map((f) => `${f.object.kind} ${f.path.join('.')}`);

  it("is a built-in kind's, by group and kind: OpenKruise's StatefulSet and DaemonSet (apps.kruise.io) are custom workloads, whose pods the policy holds as a built-in one's; an example.com Deployment is none", () => {
    for (const kind of ['StatefulSet', 'DaemonSet']) {
      expect(podTemplateOf(workload('apps/v1', kind))?.metadata?.labels).toEqual({ app: 'web' });
      expect(podChecks(workload('apps/v1', kind))).toEqual([`${kind} spec.template.spec.containers.0.image`]);
      expect(podTemplateOf(workload('apps.kruise.io/v1beta1', kind))).toBeUndefined();
      expect(workloadTemplateOf(workload('apps.kruise.io/v1beta1', kind))?.metadata?.labels).toEqual({ app: 'web' });
      expect(podChecks(workload('apps.kruise.io/v1beta1', kind))).toEqual([`${kind} spec.template.spec.containers.0.image`]);
    }
    expect(podTemplateOf(workload('example.com/v1', 'Deployment'))).toBeUndefined();
    expect(workloadTemplateOf(workload('example.com/v1', 'Deployment'))).toBeUndefined();
    expect(podChecks(workload('example.com/v1', 'Deployment'))).toEqual([]);
  });
});
