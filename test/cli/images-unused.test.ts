/**
 * Entries of a stage's images: that no container uses are warned about at their line, by a full
 * synthesis, an incremental one (apps from the render cache) and a replayed one alike.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStages, type StageSource } from '../../lib/compile.js';
import { diskRenderCache } from '../../lib/cli/render-cache.js';
import { formatLabelledProblem } from '../../lib/errors.js';
import { runCli, tempProject } from '../helpers/cli.js';

/** An nginx app per name, running its image. */
const apps = (images: Record<string, string>) =>
  `apps:\n${Object.entries(images)
    .map(([name, image]) => `  ${name}:\n    stack: nginx\n    image: ${image}\n    replicas: 1\n`)
    .join('')}`;

/** The warnings of a synth's stderr about images: entries, each with its hint. */
const unusedWarnings = (stderr: string) =>
  stderr.split(/\n(?! {2}hint:)/).filter((l) => l.includes('images/unused-entry') || l.includes('is not used'));

describe('an entry of images: that no container uses', () => {
  it('is a warning at its line, as a substitute key or a native item, and the stage is written', () => {
    const pi =
      "architecture: arm\nimages:\n  substitute:\n    'demoapp:1': demoapp-arm:1\n    redis:7: redis-arm:7\n  native: [nginx:1.24, 'localhost:5000/team/app']\n" +
      apps({ web: 'demoapp:1', team: 'localhost:5000/team/app:3' });
    const r = runCli('synth', [], tempProject({ pi }));
    expect(r.code).toBe(0);
    expect(unusedWarnings(r.stderr)).toEqual([
      "environments/pi.yaml:5:5: warning: images.substitute 'redis:7' is not used: no container of stage 'pi' runs an image it names\n" +
        '  hint: remove it, or write it as the stacks and included manifests name the image (an entry with a tag names that image only; a repository without a tag names every tag)',
      "environments/pi.yaml:6:12: warning: images.native[0] 'nginx:1.24' is not used: no container of stage 'pi' runs an image it names\n" +
        '  hint: remove it, or write it as the stacks and included manifests name the image (an entry with a tag names that image only; a repository without a tag names every tag)',
    ]);
    expect(r.stderr).toContain('warnings in all');
  });

  it('says which entry decides for the images it names, when another comes first', () => {
    const pi =
      "architecture: arm64\nimages:\n  substitute:\n    demoapp: demoapp-arm\n    'demoapp:1': legacy/demoapp-arm:1\n  native: [demoapp]\n" +
      apps({ web: 'demoapp:1', next: 'demoapp:2' });
    const r = runCli('synth', [], tempProject({ pi }));
    expect(r.code).toBe(0);
    expect(unusedWarnings(r.stderr).map((w) => w.split('\n')[0])).toEqual([
      "environments/pi.yaml:6:12: warning: images.native[0] 'demoapp' is not used: the images of stage 'pi' it names (demoapp:1, demoapp:2) are decided by images.substitute 'demoapp:1' and images.substitute 'demoapp', which come first",
    ]);
  });

  it('on an amd64 stage is one warning at images:, where every image runs as written', () => {
    const lab = 'images:\n  native: [nginx]\n' + apps({ web: 'nginx:1.25' });
    const r = runCli('synth', [], tempProject({ lab }));
    expect(r.code).toBe(0);
    expect(unusedWarnings(r.stderr)).toEqual([
      "environments/lab.yaml:1:1: warning: images: is not used: stage 'lab' runs on amd64, where every image runs as written\n" +
        '  hint: remove it, or set architecture: to what the nodes run (arm, arm64)',
    ]);
  });

  it('is warned about alike by a full synthesis, one whose other apps come from the render cache, and one replayed', () => {
    const stage = (replicas: number) =>
      "architecture: arm\nimages:\n  native: ['localhost:5000/team/app', 'localhost:5000/team/gone']\n" +
      apps({ team: 'localhost:5000/team/app:3', web: 'nginx:1.25' }).replace(/replicas: 1\n$/, `replicas: ${replicas}\n`);
    const dir = tempProject({ pi: stage(1) });
    const full = runCli('synth', ['--no-cache'], dir);
    expect(full.code).toBe(0);
    const expected = unusedWarnings(full.stderr);
    expect(expected.map((w) => w.split(': warning: ')[1].split(' is not used')[0])).toEqual([
      "images.native[1] 'localhost:5000/team/gone'",
    ]);
    // the app that uses an entry (team) comes from the render cache: only web changed
    runCli('synth', [], dir);
    writeFileSync(join(dir, 'environments', 'pi.yaml'), stage(2));
    const incremental = runCli('synth', [], dir);
    expect(incremental.code).toBe(0);
    expect(unusedWarnings(incremental.stderr)).toEqual(expected);
    // nothing changed: the warnings are said again as the last synthesis said them
    expect(unusedWarnings(runCli('synth', [], dir).stderr)).toEqual(expected);

    // the same, in the compiler: the app is found in the cache, and the warnings are those without it
    const source: StageSource = { stage: 'pi', file: 'environments/pi.yaml', text: stage(2) };
    const plain = compileStages([source]).warnings.get('pi')?.map(formatLabelledProblem);
    const cache = diskRenderCache(dir);
    const cached = compileStages([source], { cache }).warnings.get('pi')?.map(formatLabelledProblem);
    expect(cache.stats.hits).toBe(2);
    // the cached apps' objects were not rendered again to find their images
    expect(cache.stats.read).toBe(0);
    expect(cached).toEqual(plain);
    expect(plain).toHaveLength(1);
  });
});
