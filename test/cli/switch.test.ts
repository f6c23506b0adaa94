/** `npm run switch` when the stage file is saved from an editor while the command runs. */
import { describe, expect, it } from 'vitest';
import { expectRefusedWhenSavedMeanwhile, repoStage, runCli, tempProject } from '../helpers/cli.js';

describe('switch', () => {
  it('refuses (exit 1) to switch when the stage file changed after the idle color was checked, rather than send traffic to an image it never checked', () => {
    const production = repoStage('production').replace('green: demoapp:1 }', 'green: demoapp:1.1 }');
    const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test'), qa: repoStage('qa'), production });
    expect(runCli('synth', [], dir).code).toBe(0);
    // saved from an editor once the switch has checked that green runs demoapp:1.1
    const saved = production.replace('green: demoapp:1.1 }', 'green: demoapp:9 }');
    expectRefusedWhenSavedMeanwhile(dir, 'production', saved, 'switch', ['production', 'demoapp']);
  });
});
