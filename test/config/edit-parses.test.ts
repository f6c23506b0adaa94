/**
 * An edit of many values (promote's image edits on a large stage) parses the stage file twice,
 * the text as given and the text as edited, whatever the number of values: it parsed it once per
 * edit, which made a promote of every app of a 1,000-app stage quadratic. Both readings are counted
 * at their two doors: the loader's reader (readYaml) and the yaml library's parseDocument.
 */
import { describe, expect, it, vi } from 'vitest';

const parses = vi.hoisted(() => ({ readYaml: 0, parseDocument: 0 }));

vi.mock('../../lib/model/read-yaml.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/model/read-yaml.js')>();
  const readYaml = (...a: Parameters<typeof real.readYaml>) => {
    parses.readYaml++;
    return real.readYaml(...a);
  };
  return { ...real, readYaml };
});
vi.mock('yaml', async (importOriginal) => {
  const real = await importOriginal<typeof import('yaml')>();
  const parseDocument = (...a: Parameters<typeof real.parseDocument>) => {
    parses.parseDocument++;
    return real.parseDocument(...a);
  };
  return { ...real, parseDocument };
});

// the suite keeps a worker's modules between files (isolate: false): edit.js and its readers loaded by an earlier
// file would be the real ones, so they are loaded again here, with the counting readers
vi.resetModules();
const { editValues } = await import('../../lib/config/edit.js');

/** A stage of `n` apps, each image written in another way: plain with a comment, quoted, in a flow mapping, a block scalar. */
function stage(n: number): string {
  const app = (i: number) =>
    [
      `  a${i}:\n    image: team/a${i}:1.0   # the release\n`,
      `  a${i}:\n    image: "team/a${i}:1.0"\n    replicas: 2\n`,
      `  a${i}: { image: 'team/a${i}:1.0', replicas: 2 }\n`,
      `  a${i}:\n    image: >-\n      team/a${i}:1.0\n    replicas: 2\n`,
    ][i % 4];
  return `# the apps\napps:\n${Array.from({ length: n }, (_, i) => app(i)).join('')}`;
}

describe('editing many values of a stage file', () => {
  it('reads the text twice, as given and as edited, for 200 edits', () => {
    const edits = Array.from({ length: 200 }, (_, i) => ({ path: ['apps', `a${i}`, 'image'], value: `team/a${i}:1.1` }));
    parses.readYaml = 0;
    parses.parseDocument = 0;
    const { text, applied } = editValues(stage(200), edits, 'environments/qa.yaml');
    expect(parses).toEqual({ readYaml: 2, parseDocument: 0 });
    expect(applied).toHaveLength(200);
    expect(text).toBe(stage(200).replace(/(team\/a\d+):1\.0/g, '$1:1.1'));
    // a key added (which moves what follows it) reads the text it made by the parser alone
    parses.readYaml = 0;
    parses.parseDocument = 0;
    const added = editValues(stage(200), [...edits, { path: ['apps', 'a1', 'logLevel'], value: 'debug' }], 'environments/qa.yaml');
    expect(parses).toEqual({ readYaml: 2, parseDocument: 1 });
    expect(added.text).toBe(text.replace('    replicas: 2\n', '    replicas: 2\n    logLevel: debug\n'));
  });

  it('writes what the edits one at a time write, in whatever order they come', () => {
    const edits = Array.from({ length: 40 }, (_, i) => ({ path: ['apps', `a${(i * 7) % 40}`, 'image'], value: `team/x${i}:2` }));
    const all = editValues(stage(40), edits, 'environments/qa.yaml');
    const oneByOne = edits.reduce((t, e) => editValues(t, [e], 'environments/qa.yaml').text, stage(40));
    expect(all.text).toBe(oneByOne);
    expect(all.applied.map((a) => [a.path.join('.'), a.from, a.value, a.location.line])).toEqual(
      edits.map((e) => [e.path.join('.'), `team/a${e.path[1].slice(1)}:1.0`, e.value, expect.any(Number)]),
    );
  });
});
