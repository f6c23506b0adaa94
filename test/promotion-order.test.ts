/** The promotion order the stage files declare: its problems, and why a move is out of it. */
import { describe, expect, it } from 'vitest';
import { compileStages } from '../lib/compile.js';
import { openProject, promotionOrderOf } from '../lib/cli/project.js';
import { formatOrder, orderProblem, promotionOrder, promotionProblems } from '../lib/promotion-order.js';
import { REPO } from './helpers/cli.js';

describe('the promotion order', () => {
  const order = promotionOrder([
    { stage: 'dev' },
    { stage: 'test', from: 'dev' },
    { stage: 'qa', from: 'test' },
    { stage: 'production', from: 'qa' },
    { stage: 'lab' },
  ]);

  it('lets a release move only to a stage promoted from the source', () => {
    expect(orderProblem('qa', 'production', order)).toBeUndefined();
    expect(orderProblem('dev', 'qa', order)?.message).toBe(
      'releases move dev -> test -> qa -> production, so dev is not promoted to qa; the next stage after dev is test',
    );
    expect(orderProblem('production', 'qa', order)?.message).toBe(
      'releases move dev -> test -> qa -> production, so production is not promoted to qa',
    );
    expect(orderProblem('lab', 'qa', order)?.message).toBe(
      "releases move dev -> test -> qa -> production, so lab is not promoted to qa ('lab' is not in the promotion order)",
    );
    // was: "... ('lab' is not in the promotion order) ('onprem' is not in the promotion order)", two remarks end to end
    expect(orderProblem('lab', 'onprem', order)?.message).toBe(
      "releases move dev -> test -> qa -> production, so lab is not promoted to onprem ('lab' and 'onprem' are not in the promotion order)",
    );
  });

  it('tells how the target joins the order when it declares no promotion.from, and where its releases come from when it does', () => {
    expect(orderProblem('qa', 'onprem', order)?.hint).toBe(
      'environments/onprem.yaml declares no promotion.from: add promotion: { from: qa } to it for onprem to get its releases from qa, or pass --force to move this release anyway',
    );
    expect(orderProblem('dev', 'qa', order)?.hint).toBe(
      'qa gets its releases from test (promotion.from in environments/qa.yaml): promote from test, or pass --force to move the release anyway',
    );
  });

  it('branches when two stages are promoted from one', () => {
    const branched = promotionOrder([
      { stage: 'b', from: 'a' },
      { stage: 'd', from: 'b' },
      { stage: 'c', from: 'b' },
    ]);
    expect(formatOrder(branched)).toBe('a -> b -> {c, d}');
    expect(orderProblem('a', 'c', branched)?.message).toBe(
      'releases move a -> b -> {c, d}, so a is not promoted to c; the next stage after a is b',
    );
  });

  it('refuses a from that names no stage, the stage itself, or makes a cycle, at its place', () => {
    const at = (line: number) => ({ file: 'environments/x.yaml', line, column: 9 });
    const problems = promotionProblems(
      [
        { stage: 'staging', from: 'qaa', location: at(1) },
        { stage: 'qa', from: 'qa', location: at(2) },
        { stage: 'a', from: 'b', location: at(3) },
        { stage: 'b', from: 'a', location: at(4) },
      ],
      ['qa', 'staging', 'a', 'b'],
    );
    expect(problems.map((p) => `${p.location!.line}: ${p.message}`)).toEqual([
      "1: promotion.from names no stage of the project (found 'qaa'); did you mean 'qa'?",
      "2: promotion.from names the stage itself ('qa')",
      '3: promotion.from makes a cycle: a -> b -> a',
      '4: promotion.from makes a cycle: b -> a -> b',
    ]);
    expect(promotionProblems([{ stage: 'test', from: 'dev' }], ['dev', 'test'])).toEqual([]);
  });

  it('suggests for a from that names no stage only a stage of the promotion chain, never one outside it or after the stage', () => {
    const chain = [
      { stage: 'test', from: 'dev' },
      { stage: 'staging', from: 'test' },
      { stage: 'production', from: 'qa' },
    ];
    const existing = ['dev', 'lab', 'production', 'staging', 'test'];
    // qa was renamed staging: lab is one letter from qa, but no stage is promoted to or from it
    expect(promotionProblems(chain, existing).map((p) => p.message)).toEqual(["promotion.from names no stage of the project (found 'qa')"]);
    expect(promotionProblems([...chain.slice(0, 2), { stage: 'production', from: 'stagin' }], existing)[0].message).toBe(
      "promotion.from names no stage of the project (found 'stagin'); did you mean 'staging'?",
    );
    // a stage shortened, as on the command line
    expect(promotionProblems([{ stage: 'dr', from: 'prod' }], ['dev', 'dr', 'production'])[0].message).toBe(
      "promotion.from names no stage of the project (found 'prod'); did you mean 'production'?",
    );
    // a stage the releases of the stage reach would make a cycle
    expect(
      promotionProblems(
        [
          { stage: 'qa', from: 'tesst' },
          { stage: 'test', from: 'qa' },
        ],
        ['qa', 'test'],
      )[0].message,
    ).toBe("promotion.from names no stage of the project (found 'tesst')");
  });

  it('is checked by every compilation, at the line of promotion.from', () => {
    const source = (stage: string, text: string) => ({ stage, file: `environments/${stage}.yaml`, text });
    expect(() =>
      compileStages([source('a', 'apps: {}\n'), source('b', 'promotion: { from: aa }\napps: {}\n')], { stages: ['a', 'b'] }),
    ).toThrow("environments/b.yaml:1:20: promotion.from names no stage of the project (found 'aa'); did you mean 'a'?");
  });

  it('is what the example stage files declare, and names only their stages', () => {
    const project = openProject(REPO);
    expect(
      promotionProblems(
        [...promotionOrderOf(project)].map(([stage, from]) => ({ stage, from })),
        project.stages,
      ),
    ).toEqual([]);
  });
});
