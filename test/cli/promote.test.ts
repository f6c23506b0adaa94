/** `npm run promote` where stage files merge one app's settings into another's, a stage pulls from its own registry, or a stage file has changes not yet synthesized. */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readStageOutput, rewriteStage } from '../../lib/cli/output.js';
import { openProject } from '../../lib/cli/project.js';
import { releaseHeldLocks } from '../../lib/cli/lock.js';
import { atStep } from '../../lib/model/crash-point.cjs';
import { RUN_SCRIPT, expectRefusedWhenSavedMeanwhile, repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';
import { problemsThrownBy } from '../helpers/problems.js';
import { formatProblem } from '../../lib/errors.js';
import { codeInfo } from '../../lib/model/codes.js';

/** Two instances of the service stack, the second merging the first's settings (`<<: *web`). */
const webApps = (image: string) =>
  `apps:\n  web: &web { stack: service, image: ${image}, replicas: 1 }\n  web2: { <<: *web, replicas: 2 }\n`;
const STAGES: Record<string, string> = {
  dev: repoStage('dev'),
  test: repoStage('test').replace('apps:\n', webApps('team/web:2.0')).replace('image: demoapp:1\n', 'image: demoapp:1.2\n'),
  qa: repoStage('qa').replace('apps:\n', webApps('team/web:1.0')).replace('image: demoapp:1\n', 'image: demoapp:1.1\n'),
  // production pulls demoapp from a registry of its own
  production: repoStage('production').replace(
    'blueGreen: { live: blue, blue: demoapp:1, green: demoapp:1 }',
    'blueGreen: { live: blue, blue: registry.prod.example.com:5000/demoapp:1, green: registry.prod.example.com:5000/demoapp:1 }',
  ),
  lab: repoStage('lab'),
};

let dir: string;
const stageFile = (stage: string) => readFileSync(join(dir, 'environments', `${stage}.yaml`), 'utf8');
/** qa's stage file and dist/qa as they were at the start. */
function resetQa(): void {
  writeFileSync(join(dir, 'environments', 'qa.yaml'), STAGES.qa);
  expect(runCli('synth', ['qa'], dir).code).toBe(0);
}

describe('promote', () => {
  beforeAll(() => {
    dir = tempProject(STAGES);
    expect(runCli('synth', [], dir).code).toBe(0);
  });

  it('with --app, changes only that app when another merges its settings, keeping the other one its release', () => {
    const r = runCli('promote', ['test', 'qa', '--app', 'web'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'environments/qa.yaml:5:38: apps.web.image: team/web:1.0 -> team/web:2.0',
      'environments/qa.yaml:6:41: apps.web2.image: team/web:1.0 kept (now written here: it was merged from apps.web.image, which changes)',
      'qa: 18 objects in 6 files -> dist/qa/ (0 added, 1 changed, 0 removed)',
    ]);
    expect(r.stdout).not.toContain('qa/web2');
    expect(stageFile('qa')).toBe(
      STAGES.qa
        .replace('image: team/web:1.0, replicas: 1 }', 'image: team/web:2.0, replicas: 1 }')
        .replace('{ <<: *web, replicas: 2 }', '{ <<: *web, replicas: 2, image: team/web:1.0 }'),
    );
  });

  it('with --app naming the app that merges, says what it merged as its value before', () => {
    resetQa();
    const r = runCli('promote', ['test', 'qa', '--app', 'web2'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      'environments/qa.yaml:6:41: apps.web2.image: team/web:1.0 (merged from apps.web.image) -> team/web:2.0',
    );
    expect(r.stdout).not.toContain('Deployment qa/web\n');
  });

  it('promoting every app, changes the merged value once and lists the change of each app', () => {
    resetQa();
    const r = runCli('promote', ['test', 'qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'environments/qa.yaml:8:12: apps.demoapp.image: demoapp:1.1 -> demoapp:1.2',
      'environments/qa.yaml:5:38: apps.web.image: team/web:1.0 -> team/web:2.0',
      'environments/qa.yaml:6:15: apps.web2.image: team/web:1.0 -> team/web:2.0 (merged from apps.web.image)',
    ]);
    expect(r.stdout).toContain('  Deployment qa/web2\n');
    expect(stageFile('qa')).toBe(
      STAGES.qa.replace('image: team/web:1.0', 'image: team/web:2.0').replace('image: demoapp:1.1\n', 'image: demoapp:1.2\n'),
    );
  });

  it('with --app given for each of two apps, promotes those two and not the third', () => {
    resetQa();
    const r = runCli('promote', ['test', 'qa', '--app', 'web', '--app', 'web2'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'environments/qa.yaml:5:38: apps.web.image: team/web:1.0 -> team/web:2.0',
      'environments/qa.yaml:6:15: apps.web2.image: team/web:1.0 -> team/web:2.0 (merged from apps.web.image)',
    ]);
    expect(stageFile('qa')).toBe(STAGES.qa.replace('image: team/web:1.0', 'image: team/web:2.0'));
    // and again, nothing to change, of those two
    expect(runCli('promote', ['test', 'qa', '--app', 'web2', '--app', 'web'], dir).stdout).toBe(
      "qa already has test's release of web2 and web: nothing to change\n",
    );
  });

  it("is refused when the target's stage file has changes not yet synthesized, and with --force says that they are included", () => {
    resetQa();
    const edited = STAGES.qa.replace('cpuUtilization: 70 }', 'cpuUtilization: 80 }');
    expect(edited).not.toBe(STAGES.qa);
    writeFileSync(join(dir, 'environments', 'qa.yaml'), edited);
    const before = snapshotDir(dir);
    const r = runCli('promote', ['test', 'qa', '--app', 'web'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: dist/qa is not what environments/qa.yaml produces, so the promotion would also synthesize changes of that file that have not been reviewed as output:\n' +
        '  changed: dist/qa/10-demoapp.yaml\n' +
        '  changed: dist/qa/inventory.txt\n' +
        '  hint: run npm run synth -- --stage qa, review and commit it, then promote; or pass --force to synthesize those changes with the release\n' +
        '1 problem; nothing was written.\n',
    );
    expect(snapshotDir(dir)).toEqual(before);

    const forced = runCli('promote', ['test', 'qa', '--app', 'web', '--force'], dir);
    expect(forced.code).toBe(0);
    expect(forced.stdout.split('\n').slice(0, 4)).toEqual([
      'environments/qa.yaml has changes not yet in dist/qa; with --force they are synthesized with the release, and the changes below include them:',
      '  changed: dist/qa/10-demoapp.yaml',
      '  changed: dist/qa/inventory.txt',
      'environments/qa.yaml:5:38: apps.web.image: team/web:1.0 -> team/web:2.0',
    ]);
    expect(forced.stdout).toMatch(/averageUtilization: 70 -> 80\n/);
  });

  it("is not refused when dist/<to> differs from what the target's file produces in its inventory alone, its objects all the same", () => {
    resetQa();
    // a comment in the stage file (its digest in the inventory), and an inventory written by an earlier stagecraft
    writeFileSync(join(dir, 'environments', 'qa.yaml'), `${STAGES.qa}# reviewed\n`);
    const file = join(dir, 'dist', 'qa', 'inventory.txt');
    const inventory = readFileSync(file, 'utf8');
    expect(inventory).toMatch(/^compiler: stagecraft \S+$/m);
    writeFileSync(file, inventory.replace(/^compiler: stagecraft \S+$/m, 'compiler: stagecraft 0.0.1'));
    const r = runCli('promote', ['test', 'qa', '--app', 'web'], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'environments/qa.yaml:5:38: apps.web.image: team/web:1.0 -> team/web:2.0',
      'environments/qa.yaml:6:41: apps.web2.image: team/web:1.0 kept (now written here: it was merged from apps.web.image, which changes)',
      'qa: 18 objects in 6 files -> dist/qa/ (0 added, 1 changed, 0 removed)',
    ]);
    expect(r.code).toBe(0);
  });

  it('keeps the registry the target pulls from, moving the tag, and says so', () => {
    resetQa();
    const r = runCli('promote', ['qa', 'production'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "environments/production.yaml:8:85: apps.demoapp.blueGreen.green: registry.prod.example.com:5000/demoapp:1 -> registry.prod.example.com:5000/demoapp:1.1 (the tag of qa's demoapp:1.1; production's registry kept)\n",
    );
    expect(stageFile('production')).toContain('green: registry.prod.example.com:5000/demoapp:1.1 }');
  });

  it('is refused, with exit 1, when the target names another image, and writes nothing', () => {
    const production = stageFile('production');
    writeFileSync(
      join(dir, 'environments', 'production.yaml'),
      production.replace('green: registry.prod.example.com:5000/demoapp:1.1 }', 'green: registry.prod.example.com:5000/shop:1 }'),
    );
    const r = runCli('promote', ['qa', 'production', '--app', 'demoapp'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      'error: apps.demoapp.blueGreen.green: production runs registry.prod.example.com:5000/shop:1 where qa runs demoapp:1.1, another image (shop, not demoapp), so its release cannot be moved by its tag',
      '  hint: give both stages the same image (their registries may differ), pass --force to write demoapp:1.1 as it is, or edit environments/production.yaml by hand',
    ]);
    writeFileSync(join(dir, 'environments', 'production.yaml'), production);
  });

  it('promoting again, says that the idle color has the release of the app named and that a switch makes it live', () => {
    const r = runCli('promote', ['qa', 'production', '--app', 'demoapp'], dir);
    expect(r).toMatchObject({
      code: 0,
      stdout:
        "apps.demoapp: registry.prod.example.com:5000/demoapp:1.1 is already in green, production's idle color, while blue (live) runs registry.prod.example.com:5000/demoapp:1: npm run switch -- production demoapp makes it live\n" +
        // of demoapp alone: qa's web and web2 are not in production
        "production already has qa's release of demoapp, in the idle color (not yet live): nothing to change\n",
    });
  });

  it('changes nothing, exit 0, when the two stages deploy no app in common and none looks renamed, saying so', () => {
    const before = snapshotDir(dir);
    const r = runCli('promote', ['dev', 'lab', '--force'], dir);
    expect(r).toMatchObject({
      code: 0,
      stdout:
        'apps.demoapp: not deployed in lab; left alone\n' +
        'apps.flannel: deployed in lab, not in dev; left as it is\n' +
        'apps.nginx: deployed in lab, not in dev; left as it is\n' +
        "lab deploys none of dev's apps that have a release; only dev deploys demoapp: nothing to change\n",
    });
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('promote while the source deploys an app the target never had', () => {
  it('changes nothing, exit 0, naming the apps whose release the target has and the app only the source deploys', () => {
    // an experiment in dev that test does not run, and no release to copy: a CI step promoting on every merge must pass
    const dev = repoStage('dev').replace('\napps:\n', '\napps:\n  experiment: { stack: nginx, image: nginx:1.25, replicas: 1 }\n');
    const dir = tempProject({ dev, test: repoStage('test') });
    expect(runCli('synth', [], dir).code).toBe(0);
    const before = snapshotDir(dir);
    const r = runCli('promote', ['dev', 'test'], dir);
    expect(r).toMatchObject({
      code: 0,
      stdout:
        'apps.experiment: not deployed in test; left alone\n' +
        "test already has dev's release of the apps both deploy (demoapp); only dev deploys experiment: nothing to change\n",
    });
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('promote after an app was renamed in the source stage', () => {
  it('is refused (exit 1) at the renamed app rather than say that the target has the release, naming the old name the target still has', () => {
    // demoapp renamed shop in test, at the release qa runs as demoapp
    const test = repoStage('test').replace('\n  demoapp:\n', '\n  shop:\n    stack: demoapp\n');
    const dir = tempProject({ dev: repoStage('dev'), test, qa: repoStage('qa') });
    expect(runCli('synth', [], dir).code).toBe(0);
    const before = snapshotDir(dir);
    const r = runCli('promote', ['test', 'qa'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      "environments/test.yaml:5:3: error: apps.shop: deployed in test, not in qa, so qa does not have its release (demoapp:1); qa deploys apps.demoapp of the same stack ('demoapp'), which test does not: was it renamed?",
      '  hint: promote copies releases, not apps: to rename it in qa too, rename apps.demoapp to shop in environments/qa.yaml (its objects are renamed with it: npm run synth says what that takes), or give it its name demoapp again in environments/test.yaml; then promote again',
    ]);
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('promote after a stage of the order is removed', () => {
  it("reports the target's promotion.from that names the removed stage at its line, as synth does, not a move out of order", () => {
    // test removed from dev -> test -> qa: qa still names it
    const project = tempProject({ dev: repoStage('dev'), qa: repoStage('qa') });
    const before = snapshotDir(join(project, 'environments'));
    const r = runCli('promote', ['dev', 'qa'], project);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        "environments/qa.yaml:3:20: error: promotion.from names no stage of the project (found 'test')",
        '  hint: the stages are: dev, qa',
        '1 problem; nothing was written.',
        '',
      ].join('\n'),
    );
    expect(snapshotDir(join(project, 'environments'))).toEqual(before);
    // the same problem as synth's
    expect(runCli('synth', [], project).stderr).toContain(r.stderr.split('\n')[0]);
  });
});

describe('rewriteStage (the edit and synthesis of promote and switch)', () => {
  it('says how the objects changed from the output as the command read it, which it does not read again', () => {
    const lab = repoStage('lab');
    const dir = tempProject({ lab });
    expect(runCli('synth', [], dir).code).toBe(0);
    const project = openProject(dir, { writer: 'promote' });
    try {
      const asIs = readStageOutput(project, 'lab');
      // the file changes after the command read it (by hand, into what no YAML parser reads: the command holds the lock)
      const file = join(dir, 'dist', 'lab', '10-nginx.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^kind: /m, '<<<<<<< HEAD\nkind: '));
      const lines = rewriteStage(project, 'lab', { from: lab, text: lab.replace('replicas: 3', 'replicas: 4') }, asIs);
      expect(lines[0]).toBe('lab: 8 objects in 8 files -> dist/lab/ (0 added, 1 changed, 0 removed)');
      expect(lines.join('\n')).toMatch(/replicas: 3 -> 4/);
    } finally {
      releaseHeldLocks();
    }
  });

  it('refuses to write over an edit of the stage file saved while the command ran (an editor takes no lock), naming it', () => {
    const lab = repoStage('lab');
    const dir = tempProject({ lab });
    expect(runCli('synth', [], dir).code).toBe(0);
    const project = openProject(dir, { writer: 'promote' });
    try {
      // read by the command, then saved from an editor before the command writes its edit of what it read
      const saved = lab.replace('replicas: 3', 'replicas: 5');
      writeFileSync(join(dir, 'environments', 'lab.yaml'), saved);
      const before = snapshotDir(join(dir, 'dist'));
      expect(
        problemsThrownBy(() => rewriteStage(project, 'lab', { from: lab, text: lab.replace('replicas: 3', 'replicas: 4') })).map(
          formatProblem,
        ),
      ).toEqual([
        'environments/lab.yaml: changed while the command ran, so writing its edit of the file as it was read would undo that change\n' +
          '  hint: run the command again, which reads the file as it is now',
      ]);
      expect(readFileSync(join(dir, 'environments', 'lab.yaml'), 'utf8')).toBe(saved);
      expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
    } finally {
      releaseHeldLocks();
    }
  });
});

describe('promote while the stage file is saved from an editor', () => {
  it('refuses (exit 1) to write when the target changed after the promotion was planned, and writes nothing', () => {
    const dir = tempProject(STAGES);
    expect(runCli('synth', [], dir).code).toBe(0);
    // saved once the plan is made from the file as it was (an edit that changes no object, which no check of dist/qa notices):
    // the plan, made without it, must not be applied to it
    expectRefusedWhenSavedMeanwhile(dir, 'qa', `${STAGES.qa}# saved from an editor\n`, 'promote', ['test', 'qa', '--app', 'web']);
  });

  it.each(['staged', 'journal'])(
    'refuses an edit saved at its write step %s too (the last one just before the stage file is renamed), keeping it and writing nothing',
    (step) => {
      const dir = tempProject(STAGES);
      expect(runCli('synth', [], dir).code).toBe(0);
      expectRefusedWhenSavedMeanwhile(dir, 'qa', `${STAGES.qa}# saved from an editor\n`, 'promote', ['test', 'qa', '--app', 'web'], step);
    },
  );

  it('keeps an edit saved once the stage file is renamed, the first of its renames (rename-1), and promotes dist/qa all the same', () => {
    const dir = tempProject(STAGES);
    expect(runCli('synth', [], dir).code).toBe(0);
    const qa = join(dir, 'environments', 'qa.yaml');
    let saved = '';
    const cancel = atStep('rename-1', () => {
      saved = `${readFileSync(qa, 'utf8')}# saved from an editor\n`;
      writeFileSync(qa, saved);
    });
    try {
      expect(runCli('promote', ['test', 'qa', '--app', 'web'], dir).code).toBe(0);
    } finally {
      cancel();
    }
    // renamed after the others, the stage file's new text would have undone the edit
    expect(readFileSync(qa, 'utf8')).toBe(saved);
    expect(saved).toContain('team/web:2.0');
    const qaOutput = readdirSync(join(dir, 'dist', 'qa')).map((f) => readFileSync(join(dir, 'dist', 'qa', f), 'utf8'));
    expect(qaOutput.join('')).toContain('image: team/web:2.0');
  });
});

describe('promote out of order', () => {
  it('from a stage to itself, is bad input (exit 2) even with --force, not a promotion with nothing to change', () => {
    const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test') });
    const r = runCli('promote', ['test', 'test', '--force'], dir);
    expect(r).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'error: promote takes two different stages, <from> and <to> (found test twice)\n' +
        '  hint: name the stage test gets its releases from, e.g. npm run promote -- <previous stage> test\n' +
        '1 problem; nothing was written.\n',
    });
  });

  it("to a stage that declares no promotion.from, is placed at the target's apps:", () => {
    const dir = tempProject({ dev: repoStage('dev'), test: repoStage('test'), lab: repoStage('lab') });
    const r = runCli('promote', ['test', 'lab'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      "environments/lab.yaml:22:1: error: releases move dev -> test, so test is not promoted to lab ('lab' is not in the promotion order)",
    );
  });
});

describe('promote to a stage that runs a later release (a hotfix brought back)', () => {
  it('hints at the one setting to bring back by hand, not a promotion the other way that moves every release, and goes back only with --rollback', () => {
    // test: demoapp:1.2 with mysql:8.4; qa: the hotfix demoapp:1.2.1, still on mysql:8.0
    const dir = tempProject({
      dev: repoStage('dev'),
      test: repoStage('test').replace('image: demoapp:1\n', 'image: demoapp:1.2\n').replace('image: mysql:8.0\n', 'image: mysql:8.4\n'),
      qa: repoStage('qa').replace('image: demoapp:1\n', 'image: demoapp:1.2.1\n'),
    });
    expect(runCli('synth', [], dir).code).toBe(0);
    const before = snapshotDir(dir);
    const r = runCli('promote', ['test', 'qa'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      "environments/qa.yaml:6:12: error: apps.demoapp.image: qa runs demoapp:1.2.1, a later release than test's demoapp:1.2: the promotion would take it back to 1.2",
      "  hint: to keep it, set apps.demoapp.image to demoapp:1.2.1 in environments/test.yaml by hand (that setting alone; npm run promote -- qa test would move qa's other releases too), synthesize and commit test, then promote again; or pass --rollback to take qa back to 1.2 on purpose",
    ]);
    // --force lifts the checks of order, dist/ and image names, not this one
    expect(runCli('promote', ['test', 'qa', '--force'], dir).code).toBe(1);
    expect(snapshotDir(dir)).toEqual(before);
    // and the catalogue of problem codes says so too
    expect(codeInfo('promote/older')?.help).toMatch(/pass --rollback to go back on purpose \(--force does not lift it\)/);
    const back = runCli('promote', ['test', 'qa', '--rollback'], dir);
    expect(back.code).toBe(0);
    expect(back.stdout.split('\n').slice(0, 2)).toEqual([
      'environments/qa.yaml:6:12: apps.demoapp.image: demoapp:1.2.1 -> demoapp:1.2 (a rollback from demoapp:1.2.1, a later release: --rollback)',
      'environments/qa.yaml:23:14: apps.demoapp.database.image: mysql:8.0 -> mysql:8.4',
    ]);
  });
});

describe('promote exit codes: a command line that names nothing (2) against a refusal (1)', () => {
  /** test runs demoapp:1.3 and web; pi, an arm64 stage, has an arm64 build of demoapp:1.2.1 alone and no web. */
  const armProject = () =>
    tempProject({
      dev: repoStage('dev'),
      test: repoStage('test')
        .replace('image: demoapp:1\n', 'image: demoapp:1.3\n')
        .replace('apps:\n', 'apps:\n  web: { stack: service, image: team/web:2.0, replicas: 1 }\n'),
      pi: [
        'promotion: { from: test }',
        'architecture: arm64',
        'images:',
        '  substitute:',
        '    demoapp:1.2.1: registry.local/demoapp-arm64:1.2.1',
        'apps:',
        '  demoapp:',
        '    image: demoapp:1.2.1',
        '    replicas: 1',
        '    database:',
        '      image: mysql:8.0',
        '      storage: 1Gi',
        '      secret: { name: mysqlsecret, keys: [username, password, database] }',
        '      backup: { schedule: "0 3 * * *", storage: 1Gi }',
        '',
      ].join('\n'),
    });

  it('refuses (exit 1) a release with no build for an ARM target, said as the release written, the stage file being right', () => {
    const dir = armProject();
    expect(runCli('synth', [], dir).code).toBe(0);
    const before = snapshotDir(dir);
    const r = runCli('promote', ['test', 'pi', '--app', 'demoapp'], dir);
    expect(r.code).toBe(1);
    const [message, hint] = r.stderr.split('\n');
    expect(message).toBe(
      "environments/pi.yaml:8:12: error: with test's release written: apps.demoapp.image: image 'demoapp:1.3' has no known arm64 build (stage 'pi' runs on arm64; images.substitute names 'demoapp:1.2.1' only: an entry with a tag covers that tag alone; the image table does not name it); it runs in Deployment pi/demoapp (container demoapp)",
    );
    expect(hint).toMatch(
      /^ {2}hint: .*\('demoapp:1\.3': <arm64 image>\); built-in entries: lib\/transforms\/arm-images\.ts; then promote again$/,
    );
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('refuses (exit 1) an app named that the target does not deploy, and takes a name of no app as bad input (exit 2)', () => {
    const dir = armProject();
    expect(runCli('synth', [], dir).code).toBe(0);
    const notThere = runCli('promote', ['test', 'pi', '--app', 'web'], dir);
    expect([notThere.code, notThere.stderr.split('\n')[0]]).toEqual([
      1,
      'environments/test.yaml:5:3: error: apps.web: not deployed in pi, so its release cannot be promoted',
    ]);
    const noSuch = runCli('promote', ['test', 'pi', '--app', 'wbe'], dir);
    expect([noSuch.code, noSuch.stderr.split('\n')[0]]).toEqual([
      2,
      "environments/test.yaml:4:1: error: stage test deploys no app 'wbe'; did you mean 'web'?",
    ]);
  });
});

describe('promote whose report cannot be written (a full disk behind >)', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'says that the stage file and dist/<to> were written, not only dist/, and that git diff shows them (exit 2)',
    () => {
      const dir = tempProject({
        dev: repoStage('dev').replace('image: demoapp:1\n', 'image: demoapp:1.3\n'),
        test: repoStage('test'),
      });
      expect(runCli('synth', [], dir).code).toBe(0);
      const full = openSync('/dev/full', 'w');
      const r = spawnSync(process.execPath, [RUN_SCRIPT, 'promote', 'dev', 'test'], {
        cwd: dir,
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
      });
      closeSync(full);
      expect(r.status).toBe(2);
      // it said 'dist/ was written before', and the hint's 'run again' then promotes nothing, its report of the change lost
      expect(r.stderr).toContain(
        'error: writing standard output: it cannot be written: the disk is full (no space or no inodes left on its file system); the change (environments/test.yaml and dist/test/, which git diff shows) was written before, only this report is missing\n',
      );
      expect(readFileSync(join(dir, 'environments', 'test.yaml'), 'utf8')).toContain('image: demoapp:1.3\n');
    },
  );
});
