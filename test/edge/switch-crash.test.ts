/**
 * Switching an edge stage's blue/green app back (the rollback), killed after each of its write steps (test/helpers/crash.ts):
 * the stage file's live color, the Service's selector and haproxy.cfg's use_backend change together or not at all, since the
 * edge's files are in the stage's directory, renamed with it.
 */
import { describe, expect, it } from 'vitest';
import { repoStage, tempProject } from '../helpers/cli.js';
import { crashEverywhere, run } from '../helpers/crash.js';

describe('npm run switch of an edge stage, killed between any two write steps', () => {
  it('switches back (the rollback) with the stage file, the Service and haproxy.cfg together, or not at all', () => {
    const base = tempProject({ onprem: repoStage('onprem').replace(/^delivery:.*\n/m, '') });
    expect(run('synth', [], base).code).toBe(0);
    expect(run('switch', ['onprem', 'demoapp'], base).code).toBe(0);
    const { outcomes, after } = crashEverywhere(base, 'switch', ['onprem', 'demoapp']);
    expect(after['environments/onprem.yaml']).toMatch(/live: blue/);
    expect(after['dist/onprem/edge/haproxy.cfg']).toMatch(/\n {4}use_backend demoapp-blue if /);
    // the Service demoapp's selector, which the cluster follows as haproxy.cfg's use_backend does
    expect(after['dist/onprem/10-demoapp.yaml']).toMatch(
      /\n {2}name: demoapp\n {2}namespace: onprem\nspec:\n(?: .*\n)*? {2}selector:\n {4}color: blue\n/,
    );
    expect(outcomes.every((o) => /: (before|after)$/.test(o))).toBe(true);
  }, 600_000);
});
