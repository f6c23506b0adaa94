import { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../apps/index.js';
import { StageLoader } from '../lib/config/load.js';
import { ImageRef, Settings, Type } from '../lib/config/types.js';
import type { Problem } from '../lib/errors.js';
import { planPromotion } from '../lib/promotion.js';
import { compareNumbered, compareReleases } from '../lib/release-order.js';
import { BlueGreen, blueGreenVersion, idleColor } from '../lib/release.js';
import { defineStack, type Stack } from '../lib/stack.js';

/** A stack with a release: an image or blue/green, and a database image that travels with it. */
const web = defineStack({
  name: 'web',
  settings: Settings({
    image: Type.Optional(ImageRef()),
    blueGreen: Type.Optional(BlueGreen('colors')),
    db: Type.Optional(Settings({ image: Type.Optional(ImageRef()), size: Type.Optional(Type.String()) })),
  }),
  version: () => '1',
  release: { image: ['image'], blueGreen: ['blueGreen'], with: [['db', 'image']] },
  chart: (app, name) => new Chart(app, name),
});
const plain = defineStack({
  name: 'plain',
  settings: Settings({ image: Type.Optional(ImageRef()) }),
  version: () => '1',
  chart: (app, name) => new Chart(app, name),
});
const stacks = { web, plain } as Record<string, Stack>;
const loader = new StageLoader(stacks);
const load = (stage: string, text: string) => loader.load(text, `environments/${stage}.yaml`);

describe('planning a promotion', () => {
  it('copies the image and the settings that travel with it, and nothing else', () => {
    const plan = planPromotion(
      load('qa', 'apps:\n  web: { image: web:2, db: { image: db:8, size: 1Gi } }\n'),
      load('production', 'apps:\n  web: { image: web:1, db: { size: 9Gi } }\n'),
      stacks,
    );
    expect(plan).toEqual({
      edits: [
        { path: ['apps', 'web', 'image'], value: 'web:2' },
        { path: ['apps', 'web', 'db', 'image'], value: 'db:8' },
      ],
      notes: [],
    });
  });

  it('writes the release into the idle color of a blue/green target', () => {
    const plan = planPromotion(
      load('qa', 'apps:\n  web: { image: web:2 }\n'),
      load('production', 'apps:\n  web: { blueGreen: { live: blue, blue: web:1, green: web:1 } }\n'),
      stacks,
    );
    expect(plan).toEqual({ edits: [{ path: ['apps', 'web', 'blueGreen', 'green'], value: 'web:2' }], notes: [] });
  });

  it('says that a setting which travels with the release into a blue/green target is not per color: the live one gets it too', () => {
    const plan = planPromotion(
      load('qa', 'apps:\n  web: { image: web:2, db: { image: db:8.4 } }\n'),
      load('production', 'apps:\n  web: { blueGreen: { live: blue, blue: web:1, green: web:1 }, db: { image: db:8.0 } }\n'),
      stacks,
    );
    expect(plan).toEqual({
      edits: [
        { path: ['apps', 'web', 'blueGreen', 'green'], value: 'web:2' },
        { path: ['apps', 'web', 'db', 'image'], value: 'db:8.4' },
      ],
      notes: [
        'apps.web.db.image: one for both colors, so it changes under blue (live) too once applied, and npm run switch -- production web does not take it back',
      ],
    });
  });

  it('takes the live color of a blue/green source', () => {
    const plan = planPromotion(
      load('qa', 'apps:\n  web: { blueGreen: { live: green, blue: web:1, green: web:3 } }\n'),
      load('production', 'apps:\n  web: { image: web:1 }\n'),
      stacks,
    );
    expect(plan).toEqual({ edits: [{ path: ['apps', 'web', 'image'], value: 'web:3' }], notes: [] });
  });

  it('changes nothing when the target already has the release, live or idle', () => {
    const from = load('qa', 'apps:\n  web: { image: web:2 }\n');
    expect(planPromotion(from, load('production', 'apps:\n  web: { image: web:2 }\n'), stacks)).toEqual({ edits: [], notes: [] });
    // the idle color has it: the release is not live until a switch, and the note says which
    expect(
      planPromotion(from, load('production', 'apps:\n  web: { blueGreen: { live: blue, blue: web:1, green: web:2 } }\n'), stacks),
    ).toEqual({
      edits: [],
      notes: [
        "apps.web: web:2 is already in green, production's idle color, while blue (live) runs web:1: npm run switch -- production web makes it live",
      ],
      idle: ['web'],
    });
    // after the switch the release is live; promoting it again must not overwrite the rollback color
    expect(
      planPromotion(from, load('production', 'apps:\n  web: { blueGreen: { live: green, blue: web:1, green: web:2 } }\n'), stacks),
    ).toEqual({
      edits: [],
      notes: ['apps.web: web:2 is already live (green) in production'],
    });
  });

  it('refuses to take the target back to an older release (a hotfix it got from later stages), at its setting, unless --rollback', () => {
    // qa got 1.2.1 back from production; test still runs 1.2
    const from = load('test', 'apps:\n  web: { image: web:1.2, db: { image: db:8.0 } }\n');
    const to = load('qa', 'apps:\n  web: { image: web:1.2.1, db: { image: db:8.0 } }\n');
    const plan = planPromotion(from, to, stacks);
    expect(plan).toEqual({
      refused: true,
      problems: [
        {
          code: 'promote/older',
          location: to.locate(['apps', 'web', 'image']),
          message: "apps.web.image: qa runs web:1.2.1, a later release than test's web:1.2: the promotion would take it back to 1.2",
          hint: "to keep it, set apps.web.image to web:1.2.1 in environments/test.yaml by hand (that setting alone; npm run promote -- qa test would move qa's other releases too), synthesize and commit test, then promote again; or pass --rollback to take qa back to 1.2 on purpose",
        },
      ],
    });
    // --force lifts the other refusals, not this one: a rollback is its own decision
    expect(planPromotion(from, to, stacks, undefined, { force: true })).toEqual(plan);
    // and its edit says it is one
    expect(planPromotion(from, to, stacks, undefined, { rollback: true })).toEqual({
      edits: [{ path: ['apps', 'web', 'image'], value: 'web:1.2', why: 'a rollback from web:1.2.1, a later release: --rollback' }],
      notes: [],
    });
    // a blue/green target: either color's later release (the live one's, or one waiting in the idle color)
    for (const colors of ['live: blue, blue: web:1.3, green: web:1.1', 'live: blue, blue: web:1.1, green: web:1.3']) {
      const bg = planPromotion(from, load('production', `apps:\n  web: { blueGreen: { ${colors} } }\n`), stacks);
      expect('problems' in bg && bg.problems.map((p) => p.message)).toEqual([
        "apps.web.blueGreen.green: production runs web:1.3, a later release than test's web:1.2: the promotion would take it back to 1.2",
      ]);
    }
    // --rollback into the idle color, under a later live one: the line names the live color's release, not the idle one's it replaces
    const idle = planPromotion(
      from,
      load('production', 'apps:\n  web: { blueGreen: { live: blue, blue: web:1.3, green: web:1.1 } }\n'),
      stacks,
      undefined,
      {
        rollback: true,
      },
    );
    expect('edits' in idle && idle.edits[0]).toEqual({
      path: ['apps', 'web', 'blueGreen', 'green'],
      value: 'web:1.2',
      why: 'a rollback from web:1.3, a later release, which blue (live) runs, once npm run switch makes web:1.2 live: --rollback',
    });
    // versions that do not say which is later (a digest, a name) are not compared
    const named = planPromotion(load('test', 'apps:\n  web: { image: web:stable }\n'), to, stacks);
    expect(named).toEqual({ edits: [{ path: ['apps', 'web', 'image'], value: 'web:stable' }], notes: [] });
  });

  it('refuses an older release written as teams tag releases: v1.2.3, a release candidate, a date, a digest-pinned tag', () => {
    // each pair: the source's image, the target's later one (a hotfix brought back), the version the refusal says
    for (const [older, later, back] of [
      ['web:v1.2.3', 'web:v1.2.4', 'v1.2.3'],
      ['web:v1.2.3-rc.1', 'web:v1.2.3', 'v1.2.3-rc.1'],
      ['web:1.3.0-rc.2', 'web:1.3.0-rc.10', '1.3.0-rc.2'],
      ['web:2024-06-01', 'web:2024-06-15', '2024-06-01'],
      ['web:2024-06-01', 'web:2024-06-01.2', '2024-06-01'],
      [`web:1.2@sha256:${'a'.repeat(64)}`, 'web:1.3', '1.2'],
      ['web:8.0.36-debian', 'web:8.0.37-debian', '8.0.36-debian'],
      ['web:v1.2.0', 'web:v1.2.1-hotfix', 'v1.2.0'],
      // calendar versions written with zeros, as Ubuntu's and many teams' are
      ['web:2024.06.01', 'web:2024.06.15', '2024.06.01'],
      ['web:22.04', 'web:24.04', '22.04'],
    ]) {
      const plan = planPromotion(
        load('test', `apps:\n  web: { image: "${older}" }\n`),
        load('qa', `apps:\n  web: { image: "${later}" }\n`),
        stacks,
      );
      expect([older, later, 'problems' in plan && plan.problems.map((p) => [p.code, p.message])]).toEqual([
        older,
        later,
        [
          [
            'promote/older',
            `apps.web.image: qa runs ${later}, a later release than test's ${older}: the promotion would take it back to ${back}`,
          ],
        ],
      ]);
    }
    // and moves a later one, or one whose tags do not say which is later (a name, a commit, another variant, a digest alone)
    for (const [source, target] of [
      ['web:v1.2.4', 'web:v1.2.3'],
      ['web:v1.2.3', 'web:v1.2.3-rc.1'],
      ['web:1.2.4-rc.1', 'web:1.2.3'],
      ['web:2024-06-15', 'web:2024-06-01'],
      ['web:sha-abc1234', 'web:sha-def5678'],
      [`web@sha256:${'b'.repeat(64)}`, 'web:1.3'],
    ]) {
      const plan = planPromotion(
        load('test', `apps:\n  web: { image: "${source}" }\n`),
        load('qa', `apps:\n  web: { image: "${target}" }\n`),
        stacks,
      );
      expect([source, target, plan]).toEqual([source, target, { edits: [{ path: ['apps', 'web', 'image'], value: source }], notes: [] }]);
    }
  });

  it('reads a hotfix suffix as teams write it, a build after its release, and says so where semver would read it otherwise', () => {
    const promote = (source: string, target: string, options = {}) =>
      planPromotion(
        load('test', `apps:\n  web: { image: "${source}" }\n`),
        load('qa', `apps:\n  web: { image: "${target}" }\n`),
        stacks,
        undefined,
        options,
      );
    // qa's hotfix of 1.2.1 is not taken back to 1.2.1 (nor to its release candidate), and the message says how the tags were read
    for (const [older, later, reading] of [
      [
        'web:1.2.1',
        'web:1.2.1-hotfix',
        ' (1.2.1-hotfix read as a hotfix of 1.2.1, built after it; semver would read -hotfix as a pre-release, before 1.2.1)',
      ],
      [
        'web:v1.2.1-rc.1',
        'web:v1.2.1-hotfix',
        ' (v1.2.1-hotfix read as a hotfix of 1.2.1, built after v1.2.1-rc.1; semver would read -hotfix as a pre-release, before 1.2.1)',
      ],
      [
        'web:1.2.1',
        'web:1.2.1-hf1',
        ' (1.2.1-hf1 read as a hotfix of 1.2.1, built after it; semver would read -hf1 as a pre-release, before 1.2.1)',
      ],
      // two hotfixes: semver orders them alike, nothing to say
      ['web:1.2.1-hotfix', 'web:1.2.1-hotfix.2', ''],
      // nor of a pre-release semver puts before the hotfix too (alpha before patch), unlike rc before hotfix above
      ['web:1.2.1-alpha', 'web:1.2.1-patch', ''],
      ['web:1.2.1-beta.2', 'web:1.2.1-post1', ''],
    ]) {
      const back = older.slice('web:'.length);
      expect([
        older,
        later,
        'problems' in promote(older, later) && (promote(older, later) as { problems: Problem[] }).problems.map((p) => p.message),
      ]).toEqual([
        older,
        later,
        [`apps.web.image: qa runs ${later}, a later release than test's ${older}${reading}: the promotion would take it back to ${back}`],
      ]);
      expect(promote(older, later, { rollback: true })).toEqual({
        edits: [{ path: ['apps', 'web', 'image'], value: older, why: `a rollback from ${later}, a later release: --rollback` }],
        notes: [],
      });
    }
    // the other way, the hotfix is the later release and moves, as any later release does
    expect(promote('web:1.2.1-hotfix', 'web:1.2.1')).toEqual({
      edits: [{ path: ['apps', 'web', 'image'], value: 'web:1.2.1-hotfix' }],
      notes: [],
    });
    // a variant of the same numbers is moved, saying that the tags do not say which is later
    for (const [source, target] of [
      ['web:1.2.1', 'web:1.2.1-oracle'],
      ['web:1.2.1-hotfix', 'web:1.2.1-oracle'],
      ['web:1.3-alpine', 'web:1.3'],
      // two words of hotfix: qa's 1.2.1-patch is not later than test's 1.2.1-hf for being after it in the alphabet
      ['web:1.2.1-hf', 'web:1.2.1-patch'],
      ['web:1.2.1-hotfix-alpine', 'web:1.2.1-hotfix-debian'],
    ]) {
      const numbers = source === 'web:1.3-alpine' ? '1.3' : '1.2.1';
      expect(promote(source, target)).toEqual({
        edits: [{ path: ['apps', 'web', 'image'], value: source }],
        notes: [
          `apps.web.image: ${target} -> ${source}: the tags have the same numbers (${numbers}) and do not say which is later; if qa's is a later build (a hotfix), promote takes it back: check before applying`,
        ],
      });
    }
  });

  it('says that two tags of numbers of two widths, one with leading zeros (0010 and 9), do not say which is later, and moves it', () => {
    const promote = (source: string, target: string) =>
      planPromotion(load('test', `apps:\n  web: { image: "${source}" }\n`), load('qa', `apps:\n  web: { image: "${target}" }\n`), stacks);
    for (const [source, target, numbers, text] of [
      ['web:9', 'web:0010', '0010 is later', '9'],
      ['web:0010', 'web:9', '0010 is later', '9'],
      // 9 and 09 are one number: 1.09 is no later than 1.9 read as numbers (was said to be)
      ['web:1.9', 'web:1.09', 'they are one release', '1.9'],
    ]) {
      const [a, b] = [source.slice(4), target.slice(4)];
      expect(promote(source, target)).toEqual({
        edits: [{ path: ['apps', 'web', 'image'], value: source }],
        notes: [
          `apps.web.image: ${target} -> ${source}: the tags do not say which is later (${a} and ${b} are numbers of two widths, one written with leading zeros: read as numbers ${numbers}, as text or decimals ${text} is); if qa's is the later build, promote takes it back: check before applying`,
        ],
      });
    }
    // the same numbers (010 and 0010), or two widths that both readings order alike (010 and 0009): no false 'later'
    expect(promote('web:010', 'web:0010')).toEqual({
      edits: [{ path: ['apps', 'web', 'image'], value: 'web:010' }],
      notes: [
        "apps.web.image: web:0010 -> web:010: the tags do not say which is later (010 and 0010 are numbers of two widths, one written with leading zeros: read as numbers they are one release, as text or decimals 010 is); if qa's is the later build, promote takes it back: check before applying",
      ],
    });
    expect(promote('web:010', 'web:0009')).toEqual({ edits: [{ path: ['apps', 'web', 'image'], value: 'web:010' }], notes: [] });
    // and so say which is later: 0009 after 010 is older either way, refused (was moved without a word)
    expect(promote('web:0009', 'web:010')).toMatchObject({ problems: [{ code: 'promote/older' }] });
    // of one width, padding orders them as either reading does: moved without a word
    expect(promote('web:0010', 'web:0009')).toEqual({ edits: [{ path: ['apps', 'web', 'image'], value: 'web:0010' }], notes: [] });
  });

  it('orders tags of digits alone as numbers (a CI run id, a build number), and a refusal by them says a short commit would read otherwise', () => {
    const promote = (source: string, target: string) =>
      planPromotion(load('test', `apps:\n  web: { image: "${source}" }\n`), load('qa', `apps:\n  web: { image: "${target}" }\n`), stacks);
    // tags of build numbers grow (GitLab's pipeline id, GitHub's run id: 10 and 11 digits): qa's later build, a hotfix,
    // was moved back with a note a CI log buries, as if these were commits (both tags all digits: 1 in 729 pairs of them)
    for (const [source, target] of [
      ['web:9876543199', 'web:9876543210'],
      ['web:12345678900', 'web:12345678901'],
      ['web:1234567', 'web:7654321'],
    ]) {
      const [older, later] = [source.slice(4), target.slice(4)];
      expect(promote(source, target)).toMatchObject({
        problems: [
          {
            code: 'promote/older',
            message: `apps.web.image: qa runs ${target}, a later release than test's ${source} (read as numbers; if ${older} and ${later} are commits written short, digits alone, neither tag is later: pass --rollback): the promotion would take it back to ${older}`,
          },
        ],
      });
      expect(promote(target, source)).toEqual({ edits: [{ path: ['apps', 'web', 'image'], value: target }], notes: [] });
    }
    // one of digits alone and a version: the digits alone named
    expect(promote('web:1.3', 'web:12345678')).toMatchObject({
      problems: [
        {
          code: 'promote/older',
          message: expect.stringContaining(
            '(read as numbers; if 12345678 is a commit written short, digits alone, neither tag is later: pass --rollback)',
          ),
        },
      ],
    });
    // a build number of fewer digits, and dates written as digits (a day, its hour and minute, a day's second build), say it alone
    for (const [source, target] of [
      ['web:123456', 'web:654321'],
      ['web:20240601', 'web:20240615'],
      ['web:202406011230', 'web:202406151200'],
      ['web:20240601', 'web:20240601.1'],
    ])
      expect(promote(source, target)).toMatchObject({
        problems: [{ code: 'promote/older', message: expect.not.stringContaining('commit') }],
      });
  });

  it('says that two pre-releases numbered in two widths, one with leading zeros (rc.0010 and rc.9), do not say which is later, and moves it', () => {
    const promote = (source: string, target: string) =>
      planPromotion(load('test', `apps:\n  web: { image: "${source}" }\n`), load('qa', `apps:\n  web: { image: "${target}" }\n`), stacks);
    // semver gives a number no leading zero: rc.0010 is no semver, and was read as 10, later than rc.9; rc.01 and rc.1 as one release
    for (const [source, target, numbers, text] of [
      ['web:1.2.3-rc.9', 'web:1.2.3-rc.0010', '1.2.3-rc.0010 is later', '1.2.3-rc.9'],
      ['web:1.2.3-rc.1', 'web:1.2.3-rc.01', 'they are one release', '1.2.3-rc.1'],
      ['web:1.2.3-hotfix.9', 'web:1.2.3-hotfix.0010', '1.2.3-hotfix.0010 is later', '1.2.3-hotfix.9'],
    ]) {
      const [a, b] = [source.slice(4), target.slice(4)];
      expect(promote(source, target)).toEqual({
        edits: [{ path: ['apps', 'web', 'image'], value: source }],
        notes: [
          `apps.web.image: ${target} -> ${source}: the tags do not say which is later (${a} and ${b} are numbers of two widths, one written with leading zeros: read as numbers ${numbers}, as text or decimals ${text} is); if qa's is the later build, promote takes it back: check before applying`,
        ],
      });
    }
    // of one width, padding orders them as either reading does: rc.0009 is before rc.0010, refused
    expect(promote('web:1.2.3-rc.0009', 'web:1.2.3-rc.0010')).toMatchObject({ problems: [{ code: 'promote/older' }] });
  });

  it('says that latest, with a tag or without, names no release, and moves it', () => {
    for (const image of ['web:latest', 'web', 'docker.io/library/web:latest']) {
      const plan = planPromotion(
        load('test', `apps:\n  web: { image: "${image}" }\n`),
        load('qa', 'apps:\n  web: { image: web:1.2 }\n'),
        stacks,
      );
      expect(plan).toEqual({
        edits: [{ path: ['apps', 'web', 'image'], value: image.replace('docker.io/library/', '') }],
        notes: [
          `apps.web.image: ${image} names no release (latest: each node pulls what it is when a pod starts, not necessarily what test ran); give apps.web.image a tag or digest in environments/test.yaml to promote one`,
        ],
      });
    }
    // a tag, and latest already in the target, say nothing
    expect(
      planPromotion(load('test', 'apps:\n  web: { image: web:latest }\n'), load('qa', 'apps:\n  web: { image: web:latest }\n'), stacks),
    ).toEqual({
      edits: [],
      notes: [],
    });
  });

  it("says how to move the other apps' releases while one app's older release is refused", () => {
    const from = load(
      'test',
      'apps:\n  web: { image: web:1.2 }\n  api: { stack: web, image: api:3.1 }\n  db: { stack: web, image: db:2 }\n',
    );
    const to = load('qa', 'apps:\n  web: { image: web:1.2.1 }\n  api: { stack: web, image: api:3.0 }\n  db: { stack: web, image: db:2 }\n');
    const plan = planPromotion(from, to, stacks);
    expect('problems' in plan && plan.problems.map((p) => [p.code, p.hint])).toEqual([
      [
        'promote/older',
        "to keep it, set apps.web.image to web:1.2.1 in environments/test.yaml by hand (that setting alone; npm run promote -- qa test would move qa's other releases too), synthesize and commit test, then promote again; or pass --rollback to take qa back to 1.2 on purpose; the other apps' releases can move meanwhile: npm run promote -- test qa --app api",
      ],
    ]);
    // the line given moves api alone
    expect(planPromotion(from, to, stacks, ['api'])).toEqual({ edits: [{ path: ['apps', 'api', 'image'], value: 'api:3.1' }], notes: [] });
  });

  it('promotes the apps named, each --app once, and gives the others one line that moves them all while one is refused', () => {
    const from = load(
      'test',
      'apps:\n  web: { image: web:1.2 }\n  api: { stack: web, image: api:3.1 }\n  db: { stack: web, image: db:3 }\n',
    );
    const to = load('qa', 'apps:\n  web: { image: web:1.2.1 }\n  api: { stack: web, image: api:3.0 }\n  db: { stack: web, image: db:2 }\n');
    expect(planPromotion(from, to, stacks, ['api', 'db', 'api'])).toEqual({
      edits: [
        { path: ['apps', 'api', 'image'], value: 'api:3.1' },
        { path: ['apps', 'db', 'image'], value: 'db:3' },
      ],
      notes: [],
    });
    for (const apps of [undefined, ['web', 'api', 'db']]) {
      const plan = planPromotion(from, to, stacks, apps);
      expect('problems' in plan && plan.problems.map((p) => p.hint?.replace(/.*; the other/, 'the other'))).toEqual([
        "the other apps' releases can move meanwhile: npm run promote -- test qa --app api --app db",
      ]);
    }
    // each name of no app is said, at once
    expect(planPromotion(from, to, stacks, ['api', 'nope', 'dbb'])).toMatchObject({
      problems: [{ message: "stage test deploys no app 'nope'" }, { message: "stage test deploys no app 'dbb'; did you mean 'db'?" }],
    });
  });

  it('tells apps named in one --app, as a list (--app api,db), to be named one --app each', () => {
    const from = load(
      'test',
      'apps:\n  web: { image: web:1.2 }\n  api: { stack: web, image: api:3.1 }\n  db: { stack: web, image: db:3 }\n',
    );
    const to = load('qa', 'apps:\n  web: { image: web:1.2 }\n  api: { stack: web, image: api:3.0 }\n  db: { stack: web, image: db:2 }\n');
    for (const list of ['api,db', 'api, db', 'api db'])
      expect(planPromotion(from, to, stacks, [list])).toMatchObject({
        problems: [
          {
            message: `stage test deploys no app '${list}'`,
            hint: 'each --app names one app: npm run promote -- test qa --app api --app db (the apps of test are: api, db, web)',
          },
        ],
      });
    // a list of which one part is no app is a name of no app, said as before
    expect(planPromotion(from, to, stacks, ['api,nope'])).toMatchObject({ problems: [{ hint: 'the apps of test are: api, db, web' }] });
    // the other --app and the options given stay in the line (it dropped --app web and --rollback: copied, web and the rollback were lost)
    expect(planPromotion(from, to, stacks, ['web', 'api,db', 'db'], { rollback: true })).toMatchObject({
      problems: [
        {
          hint: 'each --app names one app: npm run promote -- test qa --app web --app api --app db --rollback (the apps of test are: api, db, web)',
        },
      ],
    });
    expect(planPromotion(from, to, stacks, ['api,db'], { force: true })).toMatchObject({
      problems: [
        { hint: 'each --app names one app: npm run promote -- test qa --app api --app db --force (the apps of test are: api, db, web)' },
      ],
    });
  });

  it('orders release tags as semver and dates do, and leaves names, commits and two variants unordered', () => {
    const ordered = [
      '1.2.2',
      'v1.2.3-alpha',
      '1.2.3-alpha.1',
      '1.2.3-beta',
      '1.2.3-rc.1',
      'v1.2.3-rc.2',
      '1.2.3-RC10',
      '1.2.3',
      '1.2.3-hotfix',
      'v1.2.3-hotfix.2',
      '1.2.3-hotfix.10',
      'v1.2.4',
      '1.10',
    ];
    for (const [i, a] of ordered.entries()) {
      for (const [j, b] of ordered.entries()) expect([a, b, Math.sign(compareReleases(a, b)!)]).toEqual([a, b, Math.sign(i - j)]);
    }
    expect(compareReleases('2024-06-01', '2023-12-31')).toBeGreaterThan(0);
    expect(compareReleases('8.0.36-debian', '8.0.4-debian')).toBeGreaterThan(0);
    expect(compareReleases('8.1-debian', '8.0-oracle')).toBeGreaterThan(0);
    // digits alone are build numbers (a CI run id), as a short commit of no letter may read: ordered, as the refusal says
    expect(compareReleases('9876543210', '9876543199')).toBeGreaterThan(0);
    expect(compareReleases('1234567', '7654321')).toBeLessThan(0);
    for (const [a, b] of [
      ['latest', '1'],
      ['stable', 'v1'],
      ['sha-abc1234', 'sha-abc1235'],
      ['8.0-oracle', '8.0'],
      ['1.2.1-hotfix', '1.2.1-oracle'],
      // two words of hotfix, or a hotfix's variants: two kinds of build, not two builds of one kind
      ['1.2.1-hf', '1.2.1-patch'],
      ['1.2.1-hotfix.2', '1.2.1-fix.1'],
      ['1.2.1-hotfix-debian', '1.2.1-hotfix-alpine'],
      ['1.2.1-hotfix-debian', '1.2.1-hotfix'],
      ['1.2-alpine', '1.2-rc.1'],
      ['1.09', '1.9'],
      ['2024-06-01', '1.2'],
      ['1.2.3-rc.0010', '1.2.3-rc.9'],
      ['1.2.3-rc.01', '1.2.3-rc.1'],
    ]) {
      expect([a, b, compareReleases(a, b)]).toEqual([a, b, undefined]);
    }
  });

  it("says that switching to the source's release, waiting in the idle color, would be a rollback when the live one is later", () => {
    // production went to the hotfix 1.2.1 in blue; green still holds 1.2, which qa runs
    const plan = planPromotion(
      load('qa', 'apps:\n  web: { image: web:1.2 }\n'),
      load('production', 'apps:\n  web: { blueGreen: { live: blue, blue: web:1.2.1, green: web:1.2 } }\n'),
      stacks,
    );
    expect(plan).toEqual({
      edits: [],
      notes: [
        "apps.web: web:1.2 is already in green, production's idle color, while blue (live) runs web:1.2.1, a later release: npm run switch -- production web would take it back to web:1.2 (a rollback)",
      ],
      idle: ['web'],
    });
  });

  it('leaves apps alone that the target does not deploy or whose stack has no release, saying so', () => {
    const plan = planPromotion(
      load('qa', 'apps:\n  web: { image: web:2 }\n  plain: { image: p:2 }\n  extra: { stack: web, image: e:1 }\n'),
      load('production', 'apps:\n  web: { image: web:1 }\n  plain: { image: p:1 }\n'),
      stacks,
    );
    expect(plan).toEqual({
      edits: [{ path: ['apps', 'web', 'image'], value: 'web:2' }],
      notes: ["apps.plain: stack 'plain' declares no release settings; left alone", 'apps.extra: not deployed in production; left alone'],
      sourceOnly: ['extra'],
      shared: ['web'],
    });
  });

  it("refuses an app whose stack names its release wrongly (a stack typed loosely), as the stack's mistake", () => {
    // defineStack would not compile this: a Stack written without it can still name a setting it does not have
    const loose: Stack = { ...plain, name: 'loose', release: { image: ['imag'] } };
    const withLoose = { loose } as Record<string, Stack>;
    const loading = new StageLoader(withLoose);
    const plan = planPromotion(
      loading.load('apps:\n  app: { stack: loose, image: a:2 }\n', 'environments/qa.yaml'),
      loading.load('apps:\n  app: { stack: loose, image: a:1 }\n', 'environments/production.yaml'),
      withLoose,
    );
    expect('problems' in plan && plan.problems.map((p) => [p.code, p.message.split(' (')[0], p.hint?.split(':')[0]])).toEqual([
      ['promote/app', "apps.app: stack 'loose' names its release wrongly", "the mistake is in the stack's code, not in the stage files"],
    ]);
  });

  it('with an app named, promotes only that app and refuses one it cannot promote', () => {
    const from = load('qa', 'apps:\n  web: { image: web:2 }\n  other: { stack: web, image: o:2 }\n');
    const to = load('production', 'apps:\n  web: { image: web:1 }\n  other: { stack: web, image: o:1 }\n');
    expect(planPromotion(from, to, stacks, ['other'])).toEqual({ edits: [{ path: ['apps', 'other', 'image'], value: 'o:2' }], notes: [] });
    expect(planPromotion(from, to, stacks, ['nope'])).toEqual({
      problems: [
        {
          code: 'promote/no-app',
          location: from.locate([], 'apps'),
          message: "stage qa deploys no app 'nope'",
          hint: 'the apps of qa are: other, web',
        },
      ],
    });
    // a misspelt name, at the source's apps: with the nearest one
    expect(planPromotion(from, to, stacks, ['othr'])).toMatchObject({
      problems: [{ code: 'promote/no-app', message: "stage qa deploys no app 'othr'; did you mean 'other'?" }],
    });
    // names of no app are bad input (exit 2); an app of another stack in the target is refused (exit 1), as promoting every app refuses it
    expect(planPromotion(from, to, stacks, ['othr'])).not.toHaveProperty('refused');
    const site = planPromotion(
      load('qa', 'apps:\n  site: { stack: web, image: s:2 }\n'),
      load('production', 'apps:\n  site: { stack: plain, image: s:1 }\n'),
      stacks,
      ['site'],
    );
    expect(site).toMatchObject({
      refused: true,
      problems: [
        { code: 'promote/app', message: "apps.site: is stack 'web' in qa but 'plain' in production, so its release cannot be promoted" },
      ],
    });
  });

  it('with an app named that the target does not deploy, says why with a hint', () => {
    const from = load('qa', 'apps:\n  web: { image: web:2 }\n  extra: { stack: web, image: e:1 }\n  plain: { image: p:2 }\n');
    const to = load('production', 'apps:\n  web: { image: web:1 }\n  plain: { image: p:1 }\n');
    // refused (exit 1), as a promotion of every app refuses an app the target lacks: the command line is right
    expect(planPromotion(from, to, stacks, ['extra'])).toEqual({
      refused: true,
      problems: [
        {
          code: 'promote/app',
          location: from.locate(['apps'], 'extra'),
          message: 'apps.extra: not deployed in production, so its release cannot be promoted',
          hint: 'promote copies releases, not apps: add apps.extra to environments/production.yaml first, or promote another app',
        },
      ],
    });
    // an app of no release cannot be promoted by any stage: the command asks what cannot be (exit 2)
    expect(planPromotion(from, to, stacks, ['plain'])).not.toHaveProperty('refused');
    expect(planPromotion(from, to, stacks, ['plain'])).toMatchObject({
      problems: [
        {
          code: 'promote/app',
          location: { file: 'environments/qa.yaml', line: 4, column: 3 },
          hint: "stack 'plain' has no release to promote: edit its image in environments/production.yaml by hand",
        },
      ],
    });
  });

  it('with an app named that looks renamed in the target, asks so, as a promotion of every app does', () => {
    const to = load('qa', 'apps:\n  web: { image: web:1 }\n');
    // shop is apps.web renamed in test (its stack is web)
    const renamed = load('test', 'apps:\n  shop: { stack: web, image: web:2 }\n');
    // and named by its old name, which only the target still gives it
    expect(planPromotion(renamed, to, stacks, ['web'])).toEqual({
      refused: true,
      problems: [
        {
          code: 'promote/no-app',
          location: renamed.locate([], 'apps'),
          message:
            "stage test deploys no app 'web'; qa deploys it, and test deploys apps.shop of its stack ('web'), which qa does not: was it renamed?",
          hint: 'promote copies releases, not apps: give it its name web again in environments/test.yaml, or rename apps.web to shop in environments/qa.yaml too (its objects are renamed with it: npm run synth says what that takes); then promote again',
        },
      ],
    });
    expect(planPromotion(renamed, to, stacks, ['shop'])).toEqual({
      refused: true,
      problems: [
        {
          code: 'promote/app',
          location: { file: 'environments/test.yaml', line: 2, column: 3 },
          message:
            "apps.shop: not deployed in qa (qa deploys apps.web of the same stack ('web'), which test does not: was it renamed?), so its release cannot be promoted",
          hint: 'promote copies releases, not apps: to rename it in qa too, rename apps.web to shop in environments/qa.yaml (its objects are renamed with it: npm run synth says what that takes), or give it its name web again in environments/test.yaml; then promote again',
        },
      ],
    });
  });
});

describe('promoting an image that the target pulls from a registry of its own', () => {
  const qa = load('qa', 'apps:\n  web: { image: web:2, db: { image: mysql:8.4 } }\n');
  const qaWeb = load('qa', 'apps:\n  web: { image: web:2 }\n');

  it("keeps the target's registry and takes the source's tag, saying so", () => {
    const production = load(
      'production',
      'apps:\n  web: { blueGreen: { live: blue, blue: r.example.com:5000/web:1, green: r.example.com:5000/web:1 }, db: { image: r.example.com:5000/mysql:8.0 } }\n',
    );
    expect(planPromotion(qa, production, stacks)).toEqual({
      edits: [
        {
          path: ['apps', 'web', 'blueGreen', 'green'],
          value: 'r.example.com:5000/web:2',
          why: "the tag of qa's web:2; production's registry kept",
        },
        {
          path: ['apps', 'web', 'db', 'image'],
          value: 'r.example.com:5000/mysql:8.4',
          why: "the tag of qa's mysql:8.4; production's registry kept",
        },
      ],
      notes: [
        'apps.web.db.image: one for both colors, so it changes under blue (live) too once applied, and npm run switch -- production web does not take it back',
      ],
    });
  });

  it('moves a digest, or a tag and a digest, the same way', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const to = load('production', 'apps:\n  web: { image: mirror.example.com/team/web:1 }\n');
    expect(planPromotion(load('qa', `apps:\n  web: { image: web@${digest} }\n`), to, stacks)).toMatchObject({
      edits: [{ value: `mirror.example.com/team/web@${digest}`, why: `the digest of qa's web@${digest}; production's registry kept` }],
    });
    expect(planPromotion(load('qa', `apps:\n  web: { image: web:2@${digest} }\n`), to, stacks)).toMatchObject({
      edits: [
        { value: `mirror.example.com/team/web:2@${digest}`, why: `the tag and digest of qa's web:2@${digest}; production's registry kept` },
      ],
    });
  });

  it('takes one repository spelled two ways as one, keeping the way the target spells it', () => {
    const to = load('production', 'apps:\n  web: { image: docker.io/library/web:1 }\n');
    expect(planPromotion(qaWeb, to, stacks, ['web'])).toEqual({
      edits: [{ path: ['apps', 'web', 'image'], value: 'docker.io/library/web:2' }],
      notes: [],
    });
  });

  it("takes Docker Hub's registry-1.docker.io for Docker Hub, as the stacks' own-repository rule does", () => {
    const to = load('production', 'apps:\n  web: { image: registry-1.docker.io/library/web:1 }\n');
    expect(planPromotion(qaWeb, to, stacks, ['web'])).toEqual({
      edits: [{ path: ['apps', 'web', 'image'], value: 'registry-1.docker.io/library/web:2' }],
      notes: [],
    });
  });

  it('refuses an image of another name, naming both and --force, and writes the source image with --force', () => {
    const to = load('production', 'apps:\n  web: { image: r.example.com/shop:1 }\n');
    expect(planPromotion(qaWeb, to, stacks)).toEqual({
      problems: [
        {
          code: 'promote/app',
          message:
            'apps.web.image: production runs r.example.com/shop:1 where qa runs web:2, another image (shop, not web), so its release cannot be moved by its tag',
          hint: 'give both stages the same image (their registries may differ), pass --force to write web:2 as it is, or edit environments/production.yaml by hand',
        },
      ],
      refused: true,
    });
    expect(planPromotion(qaWeb, to, stacks, undefined, { force: true })).toEqual({
      edits: [
        { path: ['apps', 'web', 'image'], value: 'web:2', why: "qa's image as it is, with --force: the image names differ (shop, web)" },
      ],
      notes: [],
    });
  });

  it('copies a release setting that is not an image as it is', () => {
    const release = { image: ['image'], with: [['db', 'size']] };
    const sized = { ...stacks, web: { ...web, release } } as Record<string, Stack>;
    const sizedLoader = new StageLoader(sized);
    const from = sizedLoader.load('apps:\n  web: { image: web:2, db: { size: big/2 } }\n', 'environments/qa.yaml');
    const to = sizedLoader.load('apps:\n  web: { image: web:2, db: { size: x/small } }\n', 'environments/production.yaml');
    expect(planPromotion(from, to, sized)).toEqual({ edits: [{ path: ['apps', 'web', 'db', 'size'], value: 'big/2' }], notes: [] });
  });
});

describe('promoting every app where the stages deploy different apps', () => {
  it('refuses when nothing is written and the target lacks an app of the source, naming an app of the same stack only the target deploys as renamed', () => {
    // web renamed to site in qa; production still runs it as web, already at the release
    const from = load('qa', 'apps:\n  site: { stack: web, image: web:2 }\n  other: { stack: web, image: o:1 }\n');
    const to = load('production', 'apps:\n  web: { image: web:1 }\n  other: { stack: web, image: o:1 }\n');
    expect(planPromotion(from, to, stacks)).toEqual({
      problems: [
        {
          code: 'promote/app',
          location: from.locate(['apps'], 'site'),
          message:
            "apps.site: deployed in qa, not in production, so production does not have its release (web:2); production deploys apps.web of the same stack ('web'), which qa does not: was it renamed?",
          hint: 'promote copies releases, not apps: to rename it in production too, rename apps.web to site in environments/production.yaml (its objects are renamed with it: npm run synth says what that takes), or give it its name web again in environments/qa.yaml; then promote again',
        },
      ],
      refused: true,
    });
    expect(from.locate(['apps'], 'site')).toEqual({ file: 'environments/qa.yaml', line: 2, column: 3 });
  });

  it('says so in a note when something else is promoted, and notes an app only the target deploys', () => {
    const from = load('qa', 'apps:\n  site: { stack: web, image: web:2 }\n  other: { stack: web, image: o:2 }\n');
    const to = load(
      'production',
      'apps:\n  web: { image: web:1 }\n  other: { stack: web, image: o:1 }\n  extra: { stack: plain, image: p:1 }\n',
    );
    expect(planPromotion(from, to, stacks)).toEqual({
      edits: [{ path: ['apps', 'other', 'image'], value: 'o:2' }],
      notes: [
        "apps.site: not deployed in production; left alone (production deploys apps.web of the same stack ('web'), which qa does not: was it renamed?)",
        'apps.extra: deployed in production, not in qa; left as it is',
      ],
      sourceOnly: ['site'],
      shared: ['other'],
    });
  });

  it('refuses when nothing is written and an app of the source is of another stack in the target', () => {
    const from = load('qa', 'apps:\n  site: { stack: web, image: web:2 }\n  other: { stack: web, image: o:1 }\n');
    const to = load('production', 'apps:\n  site: { stack: plain, image: web:1 }\n  other: { stack: web, image: o:1 }\n');
    expect(planPromotion(from, to, stacks)).toEqual({
      problems: [
        {
          code: 'promote/app',
          location: from.locate(['apps'], 'site'),
          message: "apps.site: is stack 'web' in qa but 'plain' in production, so production does not have its release",
          hint: 'a release moves between instances of one stack: give apps.site the same stack in both stage files, or promote another app',
        },
      ],
      refused: true,
    });
  });

  it('promotes nothing and refuses nothing for an app the target never had (no app of its stack only the target deploys), naming the apps compared', () => {
    // an experiment in dev that lab does not run: lab's apps only it deploys are of another stack
    const lab = load('lab', 'apps:\n  plain: { image: p:1 }\n  other: { stack: web, image: o:1 }\n');
    expect(planPromotion(load('dev', 'apps:\n  web: { image: web:2 }\n  other: { stack: web, image: o:1 }\n'), lab, stacks)).toEqual({
      edits: [],
      notes: ['apps.web: not deployed in lab; left alone', 'apps.plain: deployed in lab, not in dev; left as it is'],
      sourceOnly: ['web'],
      shared: ['other'],
    });
    // and when the stages share no app
    const plainLab = load('lab', 'apps:\n  plain: { image: p:1 }\n');
    expect(planPromotion(load('dev', 'apps:\n  web: { image: web:2 }\n'), plainLab, stacks)).toEqual({
      edits: [],
      notes: ['apps.web: not deployed in lab; left alone', 'apps.plain: deployed in lab, not in dev; left as it is'],
      sourceOnly: ['web'],
      shared: [],
    });
  });
});

describe('blue/green', () => {
  it('has an idle color opposite the live one', () => {
    expect([idleColor('blue'), idleColor('green')]).toEqual(['green', 'blue']);
  });

  it('labels shared objects with the newer release, whichever color is live', () => {
    expect(blueGreenVersion({ live: 'blue', blue: 'a:1.9', green: 'a:1.10' })).toBe('1.10');
    expect(blueGreenVersion({ live: 'green', blue: 'a:1.9', green: 'a:1.10' })).toBe('1.10');
  });

  it('orders numbered versions as the numeric collator does, without it, and leaves it every other pair', () => {
    const collator = new Intl.Collator('en', { numeric: true });
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const part = () => [String(random(12)), String(random(3000)), '0', String(random(2 ** 30) * 1000)][random(4)];
    const version = () => Array.from({ length: 1 + random(4) }, part).join('.');
    for (let i = 0; i < 5000; i++) {
      const a = version();
      const b = random(10) ? version() : a;
      expect([a, b, Math.sign(compareNumbered(a, b)!)]).toEqual([a, b, Math.sign(collator.compare(a, b))]);
    }
    // numbers of one width with leading zeros (calendar versions) are ordered, as the collator orders them
    for (const [a, b] of [
      ['24.04', '24.10'],
      ['2024.06.01', '2024.06.15'],
      ['2023.12.31', '2024.01.01'],
      ['1.09', '1.10'],
      ['22.04', '22.04.1'],
    ]) {
      expect([a, b, compareNumbered(a, b)! < 0, compareNumbered(b, a)! > 0]).toEqual([a, b, true, true]);
      expect(collator.compare(a, b)).toBe(-1);
    }
    for (const [a, b] of [
      ['1.09', '1.9'],
      ['2024.6.1', '2024.06.01'],
      ['1.9-rc1', '1.10'],
      ['v1', '1'],
      ['1..2', '1.2'],
      ['', '1'],
      ['latest', '1'],
    ]) {
      expect(compareNumbered(a, b)).toBeUndefined();
    }
  });

  it('is where the demoapp stack keeps its release', () => {
    expect(STACKS.demoapp.release).toEqual({ image: ['image'], blueGreen: ['blueGreen'], with: [['database', 'image']] });
  });
});

describe('an image of the app repository outside its release settings', () => {
  it("is noted as left behind when the app's image moves (a migration step pinned to the old tag), and not when it is another image", () => {
    const real = new StageLoader(STACKS);
    const app = (image: string, steps: string) =>
      `apps:\n  web: { stack: service, image: ${image}, replicas: 1, initContainers: [${steps}] }\n`;
    // qa's step runs the app's own image (the default); production's names the app's repository at its old tag
    const from = real.load(app('team/web:2.0', '{ name: migrate, command: [./migrate] }'), 'environments/qa.yaml');
    const to = real.load(
      app(
        'registry.example.com/team/web:1.0',
        '{ name: migrate, image: registry.example.com/team/web:1.0, command: [./migrate] }, { name: wait, image: busybox:1.36, command: [sleep, "1"] }',
      ),
      'environments/production.yaml',
    );
    expect(planPromotion(from, to, STACKS)).toEqual({
      edits: [
        {
          path: ['apps', 'web', 'image'],
          value: 'registry.example.com/team/web:2.0',
          why: "the tag of qa's team/web:2.0; production's registry kept",
        },
      ],
      notes: [
        "apps.web.initContainers[0].image: registry.example.com/team/web:1.0, of the app's repository, stays as it is: promote moves apps.web.image and the settings released with it, not this one (edit it by hand if it moves with the release)",
      ],
    });
  });
});
