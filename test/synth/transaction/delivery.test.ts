/** Crash consistency of dist/delivery/: synth killed after each of its write steps while a stage moves from Argo CD to Flux (test/helpers/crash.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempProject } from '../../helpers/cli.js';
import { crashEverywhere, run } from '../../helpers/crash.js';
import { deliveredStageFile } from '../../helpers/delivery.js';

describe('a synth that changes the delivery objects, killed between any two write steps', () => {
  it('leaves dist/delivery/ as before or as after, both engines together with the stages, once the next command ran', () => {
    const base = tempProject({
      dev: deliveredStageFile('{ cluster: nonprod }'),
      qa: deliveredStageFile('{ cluster: nonprod }', 'promotion: { from: dev }\n'),
    });
    expect(run('synth', [], base).code).toBe(0);
    // qa moves to Flux: dist/delivery/argocd/ loses a file and changes, dist/delivery/flux/ appears, dist/qa's inventory changes
    writeFileSync(
      join(base, 'environments', 'qa.yaml'),
      deliveredStageFile('{ cluster: nonprod, engine: flux }', 'promotion: { from: dev }\n'),
    );
    const { outcomes, after } = crashEverywhere(base, 'synth', []);
    expect(Object.keys(after).filter((p) => p.startsWith('dist/delivery/flux/'))).toContain('dist/delivery/flux/10-qa.yaml');
    expect(after).not.toHaveProperty(['dist/delivery/argocd/10-qa.yaml']);
    expect(outcomes[0]).toBe('staged: before');
    expect(outcomes.slice(1)).toEqual(outcomes.slice(1).map((o) => o.replace(/: .*/, ': after')));
  }, 600_000);
});
