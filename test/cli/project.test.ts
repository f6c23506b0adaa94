/** The project on disk (lib/cli/project.ts): reading the output of a stage, whatever it has become. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, readStageTree } from '../../lib/cli/project.js';
import { ProblemsError } from '../../lib/errors.js';
import { REPO, repoStage, runCli, runProcess, snapshotDir, tempProject } from '../helpers/cli.js';

/** A synthesized project of the production stage whose dist/production/10-demoapp.yaml is a 600 MiB file (sparse) with the generated header. */
function withHugeFile(): string {
  const dir = tempProject({ production: repoStage('production').replace(/^promotion:.*$/m, '#') });
  expect(runCli('synth', [], dir).code).toBe(0);
  const file = join(dir, 'dist', 'production', '10-demoapp.yaml');
  writeFileSync(file, `${readFileSync(file, 'utf8').split('\n')[0]}\n`);
  truncateSync(file, 600 * 1024 * 1024);
  return dir;
}

describe('the output of a stage as it is on disk', () => {
  it('refuses a generated file too large to read, with its size and what to do (exit 2), instead of failing inside', () => {
    const dir = withHugeFile();
    let error: unknown;
    try {
      readStageTree(openProject(dir), 'production');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemsError);
    expect((error as ProblemsError).problems).toEqual([
      {
        code: 'input/too-large',
        message:
          'dist/production/10-demoapp.yaml is 600 MiB; a generated file is read only up to 256 MiB, and stagecraft writes none that large',
        hint: 'run npm run synth, which writes dist/production/ again, then run the command again',
      },
    ]);
  });

  it('check says the file changed (exit 1); diff and switch refuse it (exit 2) and write nothing; synth repairs it', () => {
    const dir = withHugeFile();
    const check = runCli('check', [], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('changed: dist/production/10-demoapp.yaml');
    const diff = runCli('diff', ['production'], dir);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toMatch(/^error: dist\/production\/10-demoapp\.yaml is 600 MiB/m);
    const before = snapshotDir(join(dir, 'environments'));
    const edited = runCli('switch', ['production', 'demoapp'], dir);
    expect(edited.code).toBe(2);
    expect(edited.stderr).toMatch(/^error: dist\/production\/10-demoapp\.yaml is 600 MiB/m);
    expect(snapshotDir(join(dir, 'environments'))).toEqual(before);
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(runCli('check', [], dir).code).toBe(0);
  });
});

describe('a command run outside a project', () => {
  it.each([
    ['check', []],
    ['diff', ['qa']],
    ['secrets', ['qa']],
    // the writers too, before they take the lock: no .stagecraft/ left where they were run by mistake
    ['synth', []],
    ['synth', ['qa']],
    ['promote', ['qa', 'production']],
    ['switch', ['production', 'demoapp']],
  ])('%s says there is no environments/ here and to run it in the project directory (exit 2), writing nothing', (command, args) => {
    const dir = tempProject({});
    rmSync(join(dir, 'environments'), { recursive: true });
    const before = snapshotDir(dir);
    const r = runCli(command, args, dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      `error: no environments/ here (${dir}): run it in the project directory`,
      '  hint: cd to the directory that holds environments/ and package.json, then run the command again',
    ]);
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('a project whose environments/ holds no stage file', () => {
  const said = [
    "error: environments/ holds no stage file (<stage>.yaml) and dist/ no stage's output, so there is nothing to compile or check",
    '  hint: add a stage file (environments/dev.yaml: README.md, Stage files), then run the command again',
  ];

  it.each([
    ['synth', []],
    ['check', []],
    ['diff', ['qa']],
    ['secrets', ['qa']],
    ['promote', ['qa', 'production']],
    ['switch', ['production', 'demoapp']],
  ])(
    'nor dist/ a stage output: %s says so and what to do (exit 2), writing nothing, rather than do nothing and exit 0',
    (command, args) => {
      const dir = tempProject({});
      const before = snapshotDir(dir);
      const r = runCli(command, args, dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').slice(0, 2)).toEqual(said);
      expect(snapshotDir(dir)).toEqual(before);
    },
  );

  it("with the last stage's output in dist/ (its file removed): synth removes it, and then says there is nothing left", () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, 'environments', 'lab.yaml'));
    const removed = runCli('synth', [], dir);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^lab: removed dist\/lab\/ \(there is no environments\/lab\.yaml\)$/m);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual(said);
  });

  it("with only the stages' delivery objects left in dist/ (their output removed by hand): synth removes them, printing what deletes their Applications", () => {
    const dir = tempProject({});
    cpSync(join(REPO, 'dist', 'delivery'), join(dir, 'dist', 'delivery'), { recursive: true });
    const removed = runCli('synth', [], dir);
    expect(removed.code).toBe(0);
    expect(removed.stdout + removed.stderr).toContain('kubectl delete application.argoproj.io -n argocd stagecraft-dev');
    expect(readdirSync(join(dir, 'dist'))).toEqual([]);
    expect(runCli('synth', [], dir).code).toBe(2);
  });

  it('so says a command run as a process, which answers an unchanged project from its fingerprint, as a fresh checkout is answered', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runProcess('synth', [], dir).status).toBe(0);
    rmSync(join(dir, 'environments', 'lab.yaml'));
    expect(runProcess('synth', [], dir).status).toBe(0);
    // .stagecraft/fingerprint.json records 0 stages, 0 files: "dist/ is current" would pass here and fail in CI
    for (const command of ['synth', 'check', 'synth']) {
      const r = runProcess(command, [], dir);
      expect({ command, status: r.status, stdout: r.stdout }).toEqual({ command, status: 2, stdout: '' });
      expect(r.stderr.split('\n').slice(0, 2)).toEqual(said);
    }
  });
});

describe('a command run in a subdirectory of a project', () => {
  it('names the project to cd to (exit 2), writing nothing', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    const sub = join(dir, 'environments');
    const r = runCli('synth', [], sub);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      `error: no environments/ here (${sub}): run it in the project directory`,
      `  hint: this is inside the project ${dir}: cd ${dir}, then run the command again`,
    ]);
    expect(readdirSync(sub)).toEqual(['lab.yaml']);
  });

  it('is not any directory above with an environments/ folder (a Terraform repository): one is named only with a sign of stagecraft, such as a package.json that runs it', () => {
    const dir = tempProject({});
    rmSync(join(dir, 'stagecraft.yaml'), { force: true });
    writeFileSync(join(dir, 'environments', 'main.tf'), 'terraform {}\n');
    const sub = join(dir, 'modules');
    mkdirSync(sub);
    const hint = () => runCli('check', [], sub).stderr.split('\n')[1];
    expect(hint()).toBe('  hint: cd to the directory that holds environments/ and package.json, then run the command again');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { synth: 'node lib/cli/run.cjs synth' } }));
    expect(hint()).toBe(`  hint: this is inside the project ${dir}: cd ${dir}, then run the command again`);
  });
});

describe('the commands a hint gives, in a project whose path holds a space, a quote and a letter outside ASCII', () => {
  it('are written as a shell reads them back: the cd to the project, the mv of a .yml stage file', () => {
    const made = tempProject({ lab: repoStage('lab') });
    const dir = join(dirname(made), "my team's pr\u00f6ject $HOME");
    renameSync(made, dir);
    try {
      const hint = runCli('check', [], join(dir, 'environments')).stderr.split('\n')[1];
      expect(hint).toBe(`  hint: this is inside the project ${dir}: cd '${dir.replace("'", "'\\''")}', then run the command again`);
      const cd = /: (cd .*), then run/.exec(hint)![1];
      expect(execFileSync('sh', ['-c', `${cd} && pwd`], { encoding: 'utf8' })).toBe(`${dir}\n`);
      writeFileSync(join(dir, 'environments', "it's qa.yml"), repoStage('qa'));
      const mv = runCli('synth', [], dir).stderr.split('\n')[1];
      expect(mv).toBe("  hint: rename it: mv 'environments/it'\\''s qa.yml' 'environments/it'\\''s qa.yaml'");
      execFileSync('sh', ['-c', mv.slice('  hint: rename it: '.length)], { cwd: dir });
      expect(readdirSync(join(dir, 'environments'))).toContain("it's qa.yaml");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the commands a hint gives, in a project whose path holds a line feed', () => {
  it('are said in words: the escaped path a hint prints names no directory that is there', () => {
    const made = tempProject({ lab: repoStage('lab') });
    const dir = join(dirname(made), 'my\nproject');
    renameSync(made, dir);
    try {
      const hint = runCli('check', [], join(dir, 'environments')).stderr.split('\n')[1];
      expect(hint).toBe(`  hint: this is inside the project ${dir.replace('\n', '\\n')}: cd to it, then run the command again`);
      writeFileSync(join(dir, 'environments', 'q\ta.yml'), repoStage('qa'));
      writeFileSync(join(dir, 'environments', 'q\x1ba.yml'), repoStage('qa'));
      const mv = runCli('synth', [], dir).stderr.split('\n');
      expect(mv.filter((l) => l.startsWith('  hint: '))).toEqual([
        "  hint: rename it: mv 'environments/q\ta.yml' 'environments/q\ta.yaml'",
        '  hint: rename it to end in .yaml',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a stage file named Lab.yaml beside lab.yaml', () => {
  it('is told by synth to merge the two files or take a free name, not to rename it over lab.yaml', () => {
    const dir = tempProject({ lab: repoStage('lab'), Lab: repoStage('lab') });
    try {
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        "environments/Lab.yaml:1:1: error: the stage name 'Lab' (the file name) is not a DNS-1123 label\n" +
          '  hint: environments/lab.yaml exists already, so renaming the file to it would overwrite it: merge the two files into lab.yaml and remove this one, ' +
          "or rename the file to a free name of lowercase letters, digits and '-', at most 53 characters, e.g. 'lab-2.yaml'\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
