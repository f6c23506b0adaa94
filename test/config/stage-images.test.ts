import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { type ProblemsError, formatProblem } from '../../lib/errors.js';
import { resolveImage } from '../../lib/transforms/image-resolution.js';
import { REPO } from '../helpers/cli.js';

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

  it('keys a substitute by repository when the key has no tag, whose image keeps the tag: none of its own, or {tag} in it', () => {
    expect(
      problems(
        "architecture: arm\nimages:\n  substitute:\n    demoapp: registry.local/demoapp-arm\n    shop: registry.local/shop:{tag}-arm\n    'mysql:8.0': hypriot/rpi-mysql:5.5\napps: {}\n",
      ),
    ).toEqual([]);
    expect(
      problems(
        "images:\n  substitute:\n    demoapp: demoapp-arm:7\n    pinned: pinned-arm@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n    'shop:2': 'shop:{tag}-arm'\n    web: 'registry/{tag}/web'\n    api: 'api:{version}'\napps: {}\n",
      ),
    ).toEqual([
      'environments/pi.yaml:6:10: images.substitute.web must be an image reference such as demoapp:1-arm; for a repository, a repository (demoapp-arm) or an image with \'{tag}\' in its tag (registry/demoapp:{tag}-arm) (found "registry/{tag}/web")',
      'environments/pi.yaml:7:10: images.substitute.api must be an image reference such as demoapp:1-arm; for a repository, a repository (demoapp-arm) or an image with \'{tag}\' in its tag (registry/demoapp:{tag}-arm) (found "api:{version}")',
    ]);
    expect(
      problems(
        "images:\n  substitute:\n    demoapp: demoapp-arm:7\n    pinned: pinned-arm@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n    'shop:2': 'shop:{tag}-arm'\napps: {}\n",
      ),
    ).toEqual([
      "environments/pi.yaml:3:14: images.substitute.demoapp maps every tag of demoapp (a key without a tag is a repository), but 'demoapp-arm:7' would run that one image for all of them, whatever release the stage asks for",
      "environments/pi.yaml:4:13: images.substitute.pinned maps every tag of pinned (a key without a tag is a repository), but 'pinned-arm@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' would run that one image for all of them, whatever release the stage asks for",
      "environments/pi.yaml:5:15: images.substitute.shop:2 is 'shop:{tag}-arm', but its key names one image: '{tag}' stands for the tag of the images that a repository key (without a tag) maps",
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

  it('refuses at its setting an image the kubelet could not pull (the reference grammar), rather than each object made from it', () => {
    for (const image of ['a/b:c:d', 'team//api:1', 'team/api:1@sha256:abc', 'team/-api:1']) {
      expect(problems(`apps:\n  nginx:\n    image: "${image}"\n    replicas: 1\n`), image).toEqual([
        `environments/pi.yaml:3:12: apps.nginx.image must be an image reference such as nginx, demoapp:1.1 or localhost:5000/team/app:2 (found "${image}")`,
      ]);
    }
    expect(problems('images:\n  substitute: { demoapp: "demoapp:{tag}:arm" }\napps: {}\n')[0]).toContain('must be');
    expect(problems('apps:\n  nginx:\n    image: "registry.local:5000/Team-x/api:1.0_RC-2"\n    replicas: 1\n')[0]).toContain('lowercase');
    expect(problems('apps:\n  nginx:\n    image: "[::1]:5000/team/api:1.0_RC-2@sha256:' + 'a'.repeat(64) + '"\n    replicas: 1\n')).toEqual(
      [],
    );
  });

  it("accepts the README's example of images: and maps as the README says", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The raspberry stage and ARM images'));
    const block = /```yaml\n(images:[\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const stage = loader.load(`architecture: arm\n${block}apps: {}\n`, 'environments/pi.yaml').context.images;
    const said = [...block!.matchAll(/# .*?: (\S+) -> (\S+)/g)];
    expect(said.length).toBe(2);
    for (const [, from, to] of said) expect(resolveImage(from, 'arm', stage)?.image).toBe(to);
    expect(resolveImage('registry:2', 'arm', stage)?.image).toBe('example/registry-armv7:2');
    expect(resolveImage('localhost:5000/team/app:7', 'arm', stage)?.image).toBe('localhost:5000/team/app:7');
  });
});
