/**
 * The compilation of a stage reads each file of its output (dist/<stage>/) once, however many of its
 * warnings compare with it: the comparison of its objects, the live image of a blue/green app
 * (lib/live-edits.ts) and the edge's (lib/edge/changes.ts); and the comparison across stages
 * (lib/edge/across-stages.ts) reads what the stage's compilation read already through the same reader.
 */
import { describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { compileStage } from '../../lib/compile-stage.js';
import { repoStage } from '../helpers/cli.js';
import { readingOnce } from '../../lib/model/read-once.js';

describe('a compilation over the output of a stage with a blue/green app and an edge', () => {
  it('reads each file of the output once', () => {
    const text = repoStage('onprem');
    const source = { stage: 'onprem', file: 'environments/onprem.yaml', text };
    // the live color's image changes: its chart's objects are compared, and release/live-image reads the chart too
    const was = text.replace('blueGreen: { live: blue, blue: demoapp:1,', 'blueGreen: { live: blue, blue: demoapp:0.9,');
    expect(was).not.toBe(text);
    const output = compileStages([{ ...source, text: was }]).tree.get('onprem')! as Map<string, string>;
    const reads: string[] = [];
    const readOutput = (file: string) => {
      reads.push(file);
      return output.get(file);
    };
    const outcome = compileStage({ ...source, readOutput }, {});
    expect(outcome.problems).toEqual([]);
    expect(outcome.notices?.map((p) => p.code)).toContain('release/live-image');
    expect(reads).toContain('10-demoapp.yaml');
    expect(reads.filter((f, i) => reads.indexOf(f) !== i)).toEqual([]);
  });
});

describe('readingOnce', () => {
  it('gives a reader it made back as it is, so that callers that each make sure of it share its texts', () => {
    const reads: string[] = [];
    const once = readingOnce((file) => {
      reads.push(file);
      return file === 'none' ? undefined : `text of ${file}`;
    });
    expect(readingOnce(once)).toBe(once);
    expect([once('a'), readingOnce(once)('a'), once('none'), once('none')]).toEqual(['text of a', 'text of a', undefined, undefined]);
    expect(reads).toEqual(['a', 'none']);
  });
});

describe('a synthesis of a stage with an edge over its output', () => {
  it("reads its edge/haproxy.cfg once: the stage's compilation (its edge's warnings) and the comparison across stages share one reader", () => {
    const text = repoStage('onprem');
    const source = { stage: 'onprem', file: 'environments/onprem.yaml', text };
    const output = compileStages([source]).tree.get('onprem')! as Map<string, string>;
    const reads: string[] = [];
    const readOutput = (file: string) => {
      reads.push(file);
      return output.get(file);
    };
    compileStages([{ ...source, readOutput }]);
    expect(reads.filter((f) => f === 'edge/haproxy.cfg')).toEqual(['edge/haproxy.cfg']);
    expect(reads.filter((f, i) => reads.indexOf(f) !== i)).toEqual([]);
  });
});
