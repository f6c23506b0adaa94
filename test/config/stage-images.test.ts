import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { type ProblemsError, formatProblem } from '../../lib/errors.js';

const loader = new StageLoader(STACKS);

describe('the stage-level images setting', () => {
  it("becomes the stage's additions to the image table", () => {
    const stage = loader.load(
      "architecture: arm\nimages:\n  substitute: { 'demoapp:1': 'demoapp:1-arm' }\n  native: [localhost:5000/team/app]\napps: {}\n",
      'environments/pi.yaml',
    );
    expect(stage.context.images).toEqual({ substitute: { 'demoapp:1': 'demoapp:1-arm' }, native: ['localhost:5000/team/app'] });
  });

  it('is checked like every other setting, with its place in the file', () => {
    let messages: string[] = [];
    try {
      loader.load('images:\n  native: [Not An Image]\n  substitue: {}\napps: {}\n', 'environments/pi.yaml');
    } catch (e) {
      messages = (e as ProblemsError).problems.map(formatProblem);
    }
    expect(messages.map((m) => m.split('\n')[0])).toEqual([
      'environments/pi.yaml:2:12: images.native[0] must be an image reference such as nginx, demoapp:1.1 or localhost:5000/team/app:2 (found "Not An Image")',
      "environments/pi.yaml:3:3: images.substitue is not a known setting; did you mean 'substitute'?",
    ]);
  });
});
