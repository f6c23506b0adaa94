/**
 * `npm run promote` edits the target's stage file as a person would: every byte but the release's
 * values stays, whatever the file's comments, anchors and aliases, flow or block style, line
 * endings (CRLF) and byte-order mark.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { editValues } from '../../lib/config/edit.js';
import { planPromotion } from '../../lib/promotion.js';
import { repoStage, runCli, tempProject } from '../helpers/cli.js';

const loader = new StageLoader(STACKS);
/** The target's text after promoting `source` into `target` (both stage files' texts), as promote edits it. */
function promoted(source: string, target: string): string {
  const to = loader.load(target, 'environments/production.yaml');
  const plan = planPromotion(loader.load(source, 'environments/qa.yaml'), to, STACKS);
  if ('problems' in plan) throw new Error(plan.problems.map((p) => p.message).join('\n'));
  return editValues(target, plan.edits, 'environments/production.yaml').text;
}

/** qa's release: demoapp:1.1 with mysql:8.4. */
const QA = repoStage('qa').replace('image: demoapp:1\n', 'image: demoapp:1.1\n').replace('image: mysql:8.0\n', 'image: mysql:8.4\n');
const PRODUCTION = repoStage('production');
const COLORS = 'blueGreen: { live: blue, blue: demoapp:1, green: demoapp:1 }';

describe('promote keeps every byte of the target stage file that is not the release', () => {
  it('in flow and block style, with comments beside and between the values, quoted or plain', () => {
    for (const [colors, after] of [
      [COLORS, 'blueGreen: { live: blue, blue: demoapp:1, green: demoapp:1.1 }'],
      [
        'blueGreen: {\n      live: blue,   # traffic\n      blue: demoapp:1,\n      green: "demoapp:1", # idle\n    }',
        'blueGreen: {\n      live: blue,   # traffic\n      blue: demoapp:1,\n      green: "demoapp:1.1", # idle\n    }',
      ],
      [
        "blueGreen:\n      live: blue\n      blue: 'demoapp:1'\n      # the idle color\n      green: # next\n        demoapp:1\n",
        "blueGreen:\n      live: blue\n      blue: 'demoapp:1'\n      # the idle color\n      green: # next\n        demoapp:1.1\n",
      ],
    ]) {
      const target = PRODUCTION.replace(COLORS, colors);
      expect(promoted(QA, target)).toBe(target.replace(colors, after).replace('image: mysql:8.0\n', 'image: mysql:8.4\n'));
    }
  });

  it('writes the idle color given as an alias of the live one (green: *v) as its value, keeping the anchor and the live color', () => {
    for (const [colors, after] of [
      ['blueGreen: { live: blue, blue: &v demoapp:1, green: *v }', 'blueGreen: { live: blue, blue: &v demoapp:1, green: demoapp:1.1 }'],
      [
        'blueGreen:\n      live: blue\n      blue: &v "demoapp:1"\n      green: *v   # as blue\n',
        'blueGreen:\n      live: blue\n      blue: &v "demoapp:1"\n      green: demoapp:1.1   # as blue\n',
      ],
    ]) {
      const target = PRODUCTION.replace(COLORS, colors);
      expect(promoted(QA, target)).toBe(target.replace(colors, after).replace('image: mysql:8.0\n', 'image: mysql:8.4\n'));
    }
  });

  it('writes the live color given as an alias of the idle one (blue: *v, &v on green) out as its value, so that only the idle color changes', () => {
    for (const [colors, after] of [
      ['blueGreen: { live: blue, green: &v demoapp:1, blue: *v }', 'blueGreen: { live: blue, green: &v demoapp:1.1, blue: demoapp:1 }'],
      [
        "blueGreen:\n      live: blue\n      green: &v 'demoapp:1'  # the release\n      blue: *v\n",
        "blueGreen:\n      live: blue\n      green: &v 'demoapp:1.1'  # the release\n      blue: 'demoapp:1'\n",
      ],
    ]) {
      const target = PRODUCTION.replace(COLORS, colors);
      expect(promoted(QA, target)).toBe(target.replace(colors, after).replace('image: mysql:8.0\n', 'image: mysql:8.4\n'));
    }
    // the whole command: exit 0 (was 2, refused: the live color would change with it), the live color said kept
    const target = PRODUCTION.replace(COLORS, 'blueGreen: { live: blue, green: &v demoapp:1, blue: *v }');
    const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test'), qa: QA, production: target });
    expect(runCli('synth', [], dir).code).toBe(0);
    const r = runCli('promote', ['qa', 'production'], dir);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('environments/'))).toEqual([
      'environments/production.yaml:8:40: apps.demoapp.blueGreen.green: demoapp:1 -> demoapp:1.1',
      'environments/production.yaml:26:14: apps.demoapp.database.image: mysql:8.0 -> mysql:8.4',
      'environments/production.yaml:8:59: apps.demoapp.blueGreen.blue: demoapp:1 kept (written in place of the alias *v of apps.demoapp.blueGreen.green, which changes)',
    ]);
  });

  it('keeps a folded or literal block value (image: >-) a block scalar, its header, comment and indentation as they were', () => {
    for (const [image, after] of [
      ['image: >-\n        mysql:8.0\n', 'image: >-\n        mysql:8.4\n'],
      ['image: |- # pinned\n          mysql:8.0\n\n', 'image: |- # pinned\n          mysql:8.4\n\n'],
    ]) {
      const target = PRODUCTION.replace('image: mysql:8.0\n', image);
      expect(promoted(QA, target)).toBe(
        target.replace(COLORS, COLORS.replace('green: demoapp:1', 'green: demoapp:1.1')).replace(image, after),
      );
    }
  });

  it('keeps CRLF line endings, a byte-order mark, comments and anchors through the whole command', () => {
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    const target = `\uFEFF${crlf(PRODUCTION.replace(COLORS, 'blueGreen: { live: blue, blue: &v demoapp:1, green: *v } # one release'))}`;
    const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test'), qa: QA, production: target });
    expect(runCli('synth', [], dir).code).toBe(0);
    const r = runCli('promote', ['qa', 'production'], dir);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n')[1]).toBe(
      'environments/production.yaml:8:57: apps.demoapp.blueGreen.green: demoapp:1 -> demoapp:1.1 (written in place of the alias *v of apps.demoapp.blueGreen.blue, which stays demoapp:1)',
    );
    const file = join(dir, 'environments', 'production.yaml');
    expect(readFileSync(file, 'utf8')).toBe(
      target.replace('green: *v }', 'green: demoapp:1.1 }').replace('image: mysql:8.0\r\n', 'image: mysql:8.4\r\n'),
    );
    // the stage compiles as it was promoted: dist/production is current
    expect(runCli('check', [], dir).code).toBe(0);
  });
});
