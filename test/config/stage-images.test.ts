import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { type ProblemsError, formatProblem } from '../../lib/errors.js';

const loader = new StageLoader(STACKS);

/** The first line of each problem of loading `text` as environments/pi.yaml (none when it loads). */
function problems(text: string): string[] {
  try {
    loader.load(text, 'environments/pi.yaml');
  } catch (e) {
    return (e as ProblemsError).problems.map((p) => formatProblem(p).split('\n')[0]);
  }
  return [];
}

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

  it('says that a repository name must be lowercase, with the name meant (a tag may keep its capitals)', () => {
    expect(
      problems(
        "images:\n  substitute: { 'Team/API:1.0-Beta': 'team/api-arm:1.0' }\n  native: [hypriot/RPI-mysql]\napps:\n  nginx:\n    image: Team/API:1.0-Beta\n    replicas: 1\n",
      ),
    ).toEqual([
      "environments/pi.yaml:2:17: images.substitute: 'Team/API:1.0-Beta' is not a valid name: repository names must be lowercase; did you mean 'team/api:1.0-Beta'?",
      'environments/pi.yaml:3:12: images.native[0]: repository names must be lowercase (found "hypriot/RPI-mysql"); did you mean \'hypriot/rpi-mysql\'?',
      'environments/pi.yaml:6:12: apps.nginx.image: repository names must be lowercase (found "Team/API:1.0-Beta"); did you mean \'team/api:1.0-Beta\'?',
    ]);
    // not an image reference for another reason: said as before
    expect(problems('images:\n  native: [Not An Image]\napps: {}\n')[0]).toContain('must be an image reference');
  });
});
