/** The release walk-through of the README, end to end: a new version in dev, promoted to production, switched and rolled back. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffManifests } from '../../lib/diff/objects.js';
import { manifestsOf } from '../../lib/diff/manifests.js';
import { repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';

const STAGES = ['dev', 'test', 'qa', 'production'];
let dir: string;
const stageFile = (stage: string) => readFileSync(join(dir, 'environments', `${stage}.yaml`), 'utf8');
const setStageFile = (stage: string, text: string) => writeFileSync(join(dir, 'environments', `${stage}.yaml`), text);
const stageTree = (stage: string) => new Map(Object.entries(snapshotDir(join(dir, 'dist', stage))));

describe('a release from dev to production', () => {
  beforeAll(() => {
    dir = tempProject(Object.fromEntries(STAGES.map((s) => [s, repoStage(s)])));
    expect(runCli('synth', [], dir).code).toBe(0);
  });

  it('is refused out of order, naming the order, and nothing is written', () => {
    const before = snapshotDir(dir);
    const r = runCli('promote', ['dev', 'qa'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'environments/qa.yaml:3:20: error: releases move dev -> test -> qa -> production, so dev is not promoted to qa; the next stage after dev is test\n' +
        '  hint: qa gets its releases from test (promotion.from in environments/qa.yaml): promote from test, or pass --force to move the release anyway\n' +
        '1 problem; nothing was written.\n',
    );
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('is refused from a stage whose dist/ is not what its stage file produces', () => {
    writeFileSync(join(dir, 'environments', 'dev.yaml'), repoStage('dev').replace('image: demoapp:1\n', 'image: demoapp:1.1\n'));
    const r = runCli('promote', ['dev', 'test'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'dist/dev is not what environments/dev.yaml produces, so its release has not been reviewed as it would be deployed:\n  changed: dist/dev/10-demoapp.yaml\n  changed: dist/dev/inventory.txt\n',
    );
    expect(r.stderr).toContain('  hint: run npm run synth -- --stage dev and commit, or pass --force\n');
    expect(stageFile('test')).toBe(repoStage('test'));
  });

  it('changes only the release in the next stage file, keeping its comments, and synthesizes that stage', () => {
    expect(runCli('synth', ['--stage', 'dev'], dir).code).toBe(0);
    const r = runCli('promote', ['dev', 'test'], dir);
    expect(r.code).toBe(0);
    expect(stageFile('test')).toBe(repoStage('test').replace('image: demoapp:1\n', 'image: demoapp:1.1\n'));
    expect(r.stdout.split('\n').slice(0, 6)).toEqual([
      'environments/test.yaml:6:12: apps.demoapp.image: demoapp:1 -> demoapp:1.1',
      'test: 16 objects in 4 files -> dist/test/ (0 added, 15 changed, 0 removed)',
      '  CronJob test/mysql-backup',
      '    spec.jobTemplate.spec.template.metadata.labels.app.kubernetes.io/version: "1" -> "1.1"',
      '  Deployment test/demoapp',
      '    spec.template.metadata.labels.app.kubernetes.io/version: "1" -> "1.1"',
    ]);
    expect(r.stdout).toContain('    spec.template.spec.containers[demoapp].image: "demoapp:1" -> "demoapp:1.1"\n');
    expect(r.stdout).toContain('  on 15 objects: metadata.labels.app.kubernetes.io/version: "1" -> "1.1"\n');
    expect(readFileSync(join(dir, 'dist', 'test', '10-demoapp.yaml'), 'utf8')).toContain('image: demoapp:1.1\n');
  });

  it('changes nothing when promoted twice', () => {
    const before = snapshotDir(dir);
    const r = runCli('promote', ['dev', 'test'], dir);
    expect(r).toMatchObject({ code: 0, stdout: 'test already has the release of dev: nothing to change\n' });
    expect(snapshotDir(dir)).toEqual(before);
  });

  it("reaches production's idle color, leaving the live one as it is", () => {
    expect(runCli('promote', ['test', 'qa'], dir).code).toBe(0);
    const r = runCli('promote', ['qa', 'production'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('environments/production.yaml:8:54: apps.demoapp.blueGreen.green: demoapp:1 -> demoapp:1.1');
    expect(stageFile('production')).toBe(repoStage('production').replace('green: demoapp:1 }', 'green: demoapp:1.1 }'));
    expect(runCli('check', [], dir)).toMatchObject({ code: 0 });
  });

  it('is refused when the idle color does not run the version asked for, at the setting that gives the color its image', () => {
    const r = runCli('switch', ['production', 'demoapp', '--release', '1.2'], dir);
    expect(r.code).toBe(1);
    // one problem: a release that neither dist/ nor the stage file gives the color is not one to synthesize first
    expect(r.stderr).toBe(
      [
        'environments/production.yaml:8:54: error: Deployment production/demoapp-green in dist/production runs version 1.1, not 1.2',
        '  hint: promote the release to the green color first (npm run promote -- qa production), or name the version it runs (the stage file gives it demoapp:1.1, version 1.1)',
        '1 problem; nothing was written.',
        '',
      ].join('\n'),
    );
  });

  it('goes live with a switch that changes the Service selector and nothing else, and rolls back with another', () => {
    const before = stageTree('production');
    const r = runCli('switch', ['production', 'demoapp', '--release', '1.1'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'environments/production.yaml:8:24: apps.demoapp.blueGreen.live: blue -> green',
        'production: demoapp now sends traffic to green (demoapp:1.1); blue (demoapp:1) keeps running: switch again to roll back',
        // stagecraft cannot see whether green's release was applied: the user is told how to check before applying the switch,
        // which for production, delivered by Argo CD (delivery:), is the push of its commit
        "production: commit and push this only once green runs demoapp:1.1 in the cluster, which stagecraft cannot see: kubectl diff -k dist/production shows only the Service's selector, and kubectl rollout status deployment/demoapp-green -n production says it rolled out (pushed together with green's release, the switch sends traffic to pods being replaced)",
        'production: 19 objects in 4 files -> dist/production/ (0 added, 1 changed, 0 removed)',
        '  Service production/demoapp',
        '    spec.selector.color: "blue" -> "green"',
        '',
      ].join('\n'),
    );
    const d = diffManifests(manifestsOf(before), manifestsOf(stageTree('production')));
    expect(d.changed).toEqual([{ id: 'Service production/demoapp', fields: [{ path: 'spec.selector.color', from: 'blue', to: 'green' }] }]);
    expect(stageFile('production')).toBe(
      repoStage('production').replace(
        '{ live: blue, blue: demoapp:1, green: demoapp:1 }',
        '{ live: green, blue: demoapp:1, green: demoapp:1.1 }',
      ),
    );

    const back = runCli('switch', ['production', 'demoapp'], dir);
    expect(back.code).toBe(0);
    expect(back.stdout.split('\n')[1]).toBe(
      'production: demoapp now sends traffic to blue (demoapp:1); green (demoapp:1.1) keeps running: switch again to roll back',
    );
    // the stage file is as before the switch, so the output is too, byte for byte
    expect(stageTree('production')).toEqual(before);
    expect(runCli('check', [], dir)).toMatchObject({ code: 0 });
  });

  it("warns once when the live color's image is edited in place, and not when the idle color's is", () => {
    const before = stageFile('production');
    const live = before.replace('blue: demoapp:1,', 'blue: demoapp:1.2,');
    setStageFile('production', live);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'environments/production.yaml:8:36: warning: apps.demoapp.blueGreen.blue: the blue color is live, and its image changes from demoapp:1 to demoapp:1.2: ' +
        'its pods are replaced while they serve traffic, which blue/green deployment avoids\n' +
        // production declares delivery: (Argo CD applies it as its commit is pushed): the push is the apply, the switch a commit of its own
        '  hint: give the new image to the idle color instead (green; npm run promote writes it there), commit and push it; ' +
        'once Argo CD has synced it, npm run switch -- production demoapp, then commit and push that\n',
    );
    // said once: the output now has that image
    expect(runCli('synth', [], dir).stderr).not.toContain('is live');
    setStageFile('production', live.replace('green: demoapp:1.1 }', 'green: demoapp:1.3 }'));
    const idle = runCli('synth', [], dir);
    expect(idle.code).toBe(0);
    expect(idle.stdout).toContain('changed: Deployment production/demoapp-green');
    expect(idle.stderr).not.toContain('is live');
    // a switch and a new image for the color switched to, in one edit
    setStageFile('production', before.replace('live: blue', 'live: green').replace('green: demoapp:1.1 }', 'green: demoapp:1.4 }'));
    expect(runCli('synth', [], dir).stderr).toContain(
      'warning: apps.demoapp.blueGreen.green: traffic switches to the green color while its image changes from demoapp:1.3 to demoapp:1.4: ' +
        'it goes to pods being replaced, not to a release that runs\n' +
        '  hint: push the new image with blue still live, and switch in a commit of its own once Argo CD has synced it ' +
        '(npm run switch -- production demoapp checks that the idle color runs it)\n',
    );
    setStageFile('production', before);
    expect(runCli('synth', [], dir).code).toBe(0);
    // a stage Argo CD syncs only by hand: the push applies nothing until argocd app sync
    const byHand = (text: string) =>
      text.replace('delivery: { cluster: production }', 'delivery: { cluster: production, sync: { automated: false } }');
    setStageFile('production', byHand(before));
    expect(runCli('synth', [], dir).code).toBe(0);
    setStageFile('production', byHand(live));
    expect(runCli('synth', [], dir).stderr).toContain(
      '  hint: give the new image to the idle color instead (green; npm run promote writes it there), commit and push it; ' +
        'once Argo CD has synced it, which it does only when the stage is synced by hand (argocd app sync stagecraft-production), npm run switch -- production demoapp, then commit and push that\n',
    );
    // the Application is named after the project file's delivery.project (<project>-<stage>)
    const projectFile = join(dir, 'stagecraft.yaml');
    const shared = readFileSync(projectFile, 'utf8');
    writeFileSync(projectFile, shared.replace('delivery:\n', 'delivery:\n  project: shop\n'));
    setStageFile('production', byHand(before));
    expect(runCli('synth', [], dir).code).toBe(0);
    setStageFile('production', byHand(live));
    expect(runCli('synth', [], dir).stderr).toContain('(argocd app sync shop-production), npm run switch -- production demoapp');
    writeFileSync(projectFile, shared);
    setStageFile('production', before);
    expect(runCli('synth', [], dir).code).toBe(0);
    // a stage no engine delivers is applied by hand: apply, then switch
    const undelivered = live.replace(/^delivery: .*\n/m, '');
    expect(undelivered).not.toBe(live);
    setStageFile('production', undelivered);
    expect(runCli('synth', [], dir).stderr).toContain(
      '  hint: give the new image to the idle color instead (green; npm run promote writes it there), apply, then npm run switch -- production demoapp\n',
    );
    setStageFile('production', before);
    expect(runCli('synth', [], dir).code).toBe(0);
  });

  it('is refused for an app that does not run blue/green, at its image', () => {
    const r = runCli('switch', ['qa', 'demoapp'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'environments/qa.yaml:6:12: error: apps.demoapp does not run blue/green, so it has no color to switch to\n' +
        '  hint: replace its image: with blueGreen: { live: blue, blue: <image>, green: <image> }\n1 problem; nothing was written.\n',
    );
  });

  it('is refused for an app the stage does not deploy, at its apps: with the nearest name', () => {
    const r = runCli('switch', ['production', 'demoap'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "environments/production.yaml:6:1: error: stage production deploys no app 'demoap'; did you mean 'demoapp'?\n" +
        '  hint: its apps are: demoapp\n1 problem; nothing was written.\n',
    );
  });

  it('with --force, promotes out of order', () => {
    const r = runCli('promote', ['dev', 'production', '--force', '--app', 'demoapp'], dir);
    // green already runs dev's release, and blue is live again after the rollback: a switch makes it live
    expect(r).toMatchObject({
      code: 0,
      stdout:
        "apps.demoapp: demoapp:1.1 is already in green, production's idle color, while blue (live) runs demoapp:1: npm run switch -- production demoapp makes it live\n" +
        "production already has dev's release of demoapp, in the idle color (not yet live): nothing to change\n",
    });
  });
});

describe('the release commands', () => {
  it.each(['diff', 'promote', 'switch'])('%s explains itself with --help', (command) => {
    const r = runCli(command, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: npm run ${command} -- <`));
  });
});
