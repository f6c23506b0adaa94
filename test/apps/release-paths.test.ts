/**
 * A stack's release paths (lib/release.ts `ReleaseSettings`): what `npm run promote` copies must
 * be settings of the stack, of the right kind, or promote would find nothing there and say that the
 * stage file lacks it. Checked against every registered stack's schema at run time, and by the
 * type checker where a release is typed by its settings.
 */
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { demoappSettings } from '../../apps/demoapp/settings.js';
import { nginxSettings } from '../../apps/nginx.js';
import { serviceSettings } from '../../apps/service/settings.js';
import type { Static } from '../../lib/config/types.js';
import { releasePathMistakes, type ReleaseSettings } from '../../lib/release.js';
import type { Stack } from '../../lib/stack.js';

const stacks: Record<string, Stack> = STACKS;

describe('the release paths of a stack', () => {
  it('name settings of the right kind in its settings schema, for every registered stack', () => {
    const released = Object.entries(stacks).filter(([, s]) => s.release);
    expect(released.map(([name]) => name)).toEqual(expect.arrayContaining(['demoapp', 'nginx', 'service']));
    for (const [name, stack] of released) expect(releasePathMistakes(stack.settings, stack.release!), name).toEqual([]);
  });

  it('are said wrong when they name no setting, or a setting of another kind', () => {
    expect(releasePathMistakes(nginxSettings, { image: ['imag'] })).toEqual([
      `release.image ["imag"] names no setting: 'imag' is not one (the settings there: image, replicas, port, readinessPath, service)`,
    ]);
    expect(
      releasePathMistakes(demoappSettings, {
        image: ['replicas'],
        blueGreen: ['image'],
        with: [
          ['database', 'imag'],
          ['database', 'image'],
        ],
      }),
    ).toEqual([
      'release.image ["replicas"] names a setting that is not a string (an image)',
      'release.blueGreen ["image"] names a setting that is not a blue/green setting (live, blue, green)',
      expect.stringMatching(/^release\.with\[0\] \["database","imag"\] names no setting: 'imag' is not one \(the settings there: image, /),
    ]);
    // a key of a mapping of any keys is a setting (the service stack's env)
    expect(releasePathMistakes(serviceSettings, { image: ['env', 'IMAGE'] })).toEqual([]);
  });

  it('do not compile when misspelt, given the settings type', () => {
    const nginx: ReleaseSettings<Static<typeof nginxSettings>> = { image: ['image'] };
    const demoapp: ReleaseSettings<Static<typeof demoappSettings>> = {
      image: ['image'],
      blueGreen: ['blueGreen'],
      with: [['database', 'image']],
    };
    // @ts-expect-error: no setting 'imag'
    const misspelt: ReleaseSettings<Static<typeof nginxSettings>> = { image: ['imag'] };
    // @ts-expect-error: replicas is a number, not an image
    const notAnImage: ReleaseSettings<Static<typeof nginxSettings>> = { image: ['replicas'] };
    // @ts-expect-error: the database's image is below database
    const flat: ReleaseSettings<Static<typeof demoappSettings>> = { image: ['image'], with: [['image', 'database']] };
    // @ts-expect-error: blueGreen names the blue/green setting, not one of its colors
    const color: ReleaseSettings<Static<typeof serviceSettings>> = { image: ['image'], blueGreen: ['blueGreen', 'blue'] };
    // untyped, any path (what lib/stack.ts's Stack takes)
    const untyped: ReleaseSettings = { image: ['imag'] };
    expect([nginx, demoapp, misspelt, notAnImage, flat, color, untyped]).toHaveLength(7);
  });
});
