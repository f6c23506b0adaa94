/** `npm run switch` when the stage file is saved from an editor while the command runs. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atStep } from '../../lib/model/crash-point.cjs';
import { repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';

describe('switch', () => {
  it('refuses (exit 1) to switch when the stage file changed after the idle color was checked, rather than send traffic to an image it never checked', () => {
    const production = repoStage('production').replace('green: demoapp:1 }', 'green: demoapp:1.1 }');
    const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test'), qa: repoStage('qa'), production });
    expect(runCli('synth', [], dir).code).toBe(0);
    const file = join(dir, 'environments', 'production.yaml');
    // saved from an editor (which takes no lock) once the switch has checked that green runs demoapp:1.1
    const saved = production.replace('green: demoapp:1.1 }', 'green: demoapp:9 }');
    const cancel = atStep('edit-planned', () => writeFileSync(file, saved));
    try {
      const before = snapshotDir(join(dir, 'dist'));
      const r = runCli('switch', ['production', 'demoapp'], dir);
      expect(r).toMatchObject({
        code: 1,
        stderr:
          'environments/production.yaml: error: changed while the command ran, so writing its edit of the file as it was read would undo that change\n' +
          '  hint: run the command again, which reads the file as it is now\n' +
          '1 problem; nothing was written.\n',
      });
      expect(readFileSync(file, 'utf8')).toBe(saved);
      expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
    } finally {
      cancel();
    }
  });
});
