/**
 * lib/config/read-stage.ts reading a large stage file from its apps' entries (lib/config/stage-entries.ts):
 * a setting inside an app (a sidecar's entry, where atApps says a finding on the sidecar) is placed from
 * that app's entry alone, where the whole file places it, without reading the whole file again.
 */
import { describe, expect, it, vi } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { fleetStageFile } from '../../bench/fleet.js';
import type { StageEntry } from '../../lib/config/stage-entries.js';

vi.mock('../../lib/model/block-yaml.js', async (original) => {
  const actual = await original<typeof import('../../lib/model/block-yaml.js')>();
  return { ...actual, readBlockYaml: vi.fn(actual.readBlockYaml) };
});

// the suite keeps a worker's modules between files (isolate: false): the loader and its readers loaded by an earlier
// file would read with the real readBlockYaml, so they are loaded again here, with the counted one
vi.resetModules();
const { StageLoader } = await import('../../lib/config/load.js');
const blockYaml = await import('../../lib/model/block-yaml.js');

/** A 100-app fleet with a service app of sidecars and steps among its apps, and settings after them. */
const TEXT = `${fleetStageFile('qa', 50)}  web:
    stack: service
    image: team/web:1.0
    ports: { http: { port: 8080 } }
    initContainers: [{ name: migrate, command: [./manage, migrate] }]
    sidecars:
      - name: proxy
        image: envoyproxy/envoy:v1.27.0
      - name: logs
        image: fluent/fluent-bit:2.2.0
        probes: { liveness: { tcp: { port: 2020 } } }
${fleetStageFile('qa', 100)
  .split('\n')
  .slice(2 + 26 * 50)
  .join('\n')}namespace: qa-ns
`;

describe("a setting of an app in a stage file read from its apps' entries", () => {
  it('is placed where the whole file places it, from the entry of its app alone', () => {
    const loader = new StageLoader(STACKS);
    let kept: ReadonlyMap<string, StageEntry> | undefined;
    const store = { read: () => kept, write: (e: ReadonlyMap<string, StageEntry>) => void (kept = e) };
    loader.load(TEXT, 'environments/qa.yaml', { entries: store }); // the entries kept
    expect(kept?.size).toBe(101);
    const fromEntries = loader.load(TEXT, 'environments/qa.yaml', { entries: store });
    const wholeFile = loader.load(TEXT, 'environments/qa.yaml');
    expect(fromEntries.apps.map((a) => a.name)).toContain('app-0100');
    const places: [(string | number)[], string?][] = [
      [['apps', 'web', 'sidecars', 1]],
      [['apps', 'web', 'sidecars', 1, 'probes', 'liveness']],
      [['apps', 'web', 'sidecars', 0, 'image']],
      [['apps', 'web', 'initContainers', 0]],
      [['apps', 'web'], 'sidecars'],
      [['apps', 'web', 'sidecars', 1], 'image'],
      [['apps', 'app-0100', 'database', 'backup']],
      [['apps', 'app-0001', 'replicas']],
      [['namespace']],
    ];
    const read = vi.mocked(blockYaml.readBlockYaml);
    read.mockClear();
    const located = places.map(([path, key]) => fromEntries.locate(path, key));
    // no read of the whole file, which a 1,000-app stage takes 50-160 ms over
    expect(read.mock.calls.filter(([text]) => text.length >= TEXT.length)).toEqual([]);
    expect(located).toEqual(places.map(([path, key]) => wholeFile.locate(path, key)));
    expect(located[0].line).toBe(TEXT.split('\n').indexOf('      - name: logs') + 1);
  });

  it('is placed from the whole file, read once, when settings of many of its apps are (each entry alone costs its share of it)', () => {
    const loader = new StageLoader(STACKS);
    let kept: ReadonlyMap<string, StageEntry> | undefined;
    const store = { read: () => kept, write: (e: ReadonlyMap<string, StageEntry>) => void (kept = e) };
    loader.load(TEXT, 'environments/qa.yaml', { entries: store });
    const fromEntries = loader.load(TEXT, 'environments/qa.yaml', { entries: store });
    const wholeFile = loader.load(TEXT, 'environments/qa.yaml');
    const paths = fromEntries.apps.map((a) => ['apps', a.name, 'image']);
    const read = vi.mocked(blockYaml.readBlockYaml);
    read.mockClear();
    const located = paths.map((path) => fromEntries.locate(path));
    expect(read.mock.calls.filter(([text]) => text.length >= TEXT.length)).toHaveLength(1);
    // 101 apps: 7 read alone (a 16th of them, rounded up), then the whole file
    expect(read.mock.calls).toHaveLength(Math.ceil(101 / 16) + 1);
    expect(located).toEqual(paths.map((path) => wholeFile.locate(path)));
  });
});
