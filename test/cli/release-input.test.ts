/**
 * promote and switch on input they cannot use as it is: a file of dist/ that is not YAML (a merge
 * conflict), a stage file with a problem, a release written as a block scalar. Each is reported at
 * its place (exit 2, nothing written) or edited as it should be, never an internal error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';

const STAGES = ['dev', 'test', 'qa', 'production'];
let dir: string;
const stagePath = (stage: string) => join(dir, 'environments', `${stage}.yaml`);

/** Runs `change`, then puts the file back as it was. */
function withFile(path: string, change: (text: string) => string, run: () => void): void {
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, change(text));
  try {
    run();
  } finally {
    writeFileSync(path, text);
  }
}

/** The text with git's conflict markers around its first `  replicas: N` line, and that line's number. */
function conflicted(text: string): { text: string; line: number } {
  const m = /^ {2}replicas: \d+\n/m.exec(text);
  expect(m).not.toBeNull();
  const at = m!.index;
  const ours = m![0];
  return {
    text: `${text.slice(0, at)}<<<<<<< HEAD\n${ours}=======\n  replicas: 7\n>>>>>>> feature\n${text.slice(at + ours.length)}`,
    line: text.slice(0, at).split('\n').length,
  };
}

describe('promote and switch on input they cannot use as it is', () => {
  beforeAll(() => {
    dir = tempProject(Object.fromEntries(STAGES.map((s) => [s, repoStage(s)])));
    expect(runCli('synth', [], dir).code).toBe(0);
    // a new release in dev, synthesized: ready to be promoted to test
    writeFileSync(stagePath('dev'), repoStage('dev').replace('image: demoapp:1\n', 'image: demoapp:1.1\n'));
    expect(runCli('synth', ['--stage', 'dev'], dir).code).toBe(0);
  });

  it.each([
    ['promote', ['dev', 'test'], 'test'],
    ['switch', ['production', 'demoapp'], 'production'],
    ['switch', ['production', 'demoapp', '--force'], 'production'],
  ])('%s %j reports a merge conflict in dist/ at its place, and writes nothing', (command, args, stage) => {
    const file = join(dir, 'dist', stage, '10-demoapp.yaml');
    let line = 0;
    withFile(
      file,
      (text) => {
        const c = conflicted(text);
        line = c.line;
        return c.text;
      },
      () => {
        const before = snapshotDir(dir);
        const r = runCli(command, args, dir);
        expect(r.stderr).not.toContain('internal error');
        expect(r.code).toBe(2);
        const lines = r.stderr.split('\n');
        expect(lines[0]).toMatch(new RegExp(`^dist/${stage}/10-demoapp\\.yaml:${line}:1: error: `));
        expect(lines[1]).toBe(
          `  hint: the file holds git merge conflict markers, so dist/${stage} is not what npm run synth writes: resolve the conflict, or run npm run synth to write it again`,
        );
        expect(r.stderr).toMatch(/\d+ problems?; nothing was written\.\n$/);
        expect(snapshotDir(dir)).toEqual(before);
      },
    );
  });

  it("reports a problem of the target's stage file as itself, not as a stage outside the promotion order", () => {
    withFile(
      stagePath('test'),
      (text) => text.replace('    replicas: 2\n', '    replicas: 2\n    bogus: 1\n'),
      () => {
        const line = readFileSync(stagePath('test'), 'utf8').split('\n').indexOf('    bogus: 1') + 1;
        const before = snapshotDir(dir);
        for (const args of [
          ['dev', 'test'],
          ['dev', 'test', '--force'],
        ]) {
          const r = runCli('promote', args, dir);
          expect(r.code).toBe(2);
          expect(r.stderr).not.toContain('promotion order');
          expect(r.stderr.split('\n')[0]).toMatch(
            new RegExp(`^environments/test\\.yaml:${line}:5: error: apps\\.demoapp\\.bogus is not a known setting`),
          );
          expect(r.stderr.endsWith('1 problem; nothing was written.\n')).toBe(true);
        }
        expect(snapshotDir(dir)).toEqual(before);
      },
    );
  });

  it('reports a problem of the source stage file as itself too', () => {
    withFile(
      stagePath('dev'),
      (text) => text.replace('apps:\n', 'bogus: 1\napps:\n'),
      () => {
        const r = runCli('promote', ['dev', 'test'], dir);
        expect(r.code).toBe(2);
        expect(r.stderr).not.toContain('promotion order');
        expect(r.stderr).toContain('environments/dev.yaml:');
        expect(r.stderr).toContain('bogus is not a known setting');
      },
    );
  });

  it.each([
    ['|-', 'image: |-\n      demoapp:1\n'],
    ['>- with a comment', 'image: >- # the release\n      demoapp:1\n'],
  ])('promotes into a release written as a block scalar (%s), changing only that value: a block scalar still', (_name, block) => {
    const original = readFileSync(stagePath('test'), 'utf8');
    const written = original.replace('image: demoapp:1\n', block);
    expect(written).not.toBe(original);
    withFile(
      stagePath('test'),
      () => written,
      () => {
        const r = runCli('promote', ['dev', 'test'], dir);
        expect(r.stderr).not.toContain('internal error');
        expect(r.code).toBe(0);
        expect(readFileSync(stagePath('test'), 'utf8')).toBe(written.replace(block, block.replace('demoapp:1\n', 'demoapp:1.1\n')));
        expect(r.stdout.split('\n')[0]).toMatch(/^environments\/test\.yaml:\d+:12: apps\.demoapp\.image: demoapp:1 -> demoapp:1\.1$/);
        expect(readFileSync(join(dir, 'dist', 'test', '10-demoapp.yaml'), 'utf8')).toContain('image: demoapp:1.1\n');
      },
    );
    // the stage file is back as it was: so is its output
    expect(runCli('synth', ['--stage', 'test'], dir).code).toBe(0);
  });

  it("keeps the target stage file's byte-order mark: only the release changes", () => {
    const original = readFileSync(stagePath('test'), 'utf8');
    withFile(
      stagePath('test'),
      (text) => `\ufeff${text}`,
      () => {
        const r = runCli('promote', ['dev', 'test'], dir);
        expect(r.code).toBe(0);
        const bytes = readFileSync(stagePath('test'));
        expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        expect(bytes.toString('utf8')).toBe(`\ufeff${original.replace('image: demoapp:1\n', 'image: demoapp:1.1\n')}`);
      },
    );
    expect(runCli('synth', ['--stage', 'test'], dir).code).toBe(0);
  });
});

describe('releases whose tag is no label value as it is, and digests', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  beforeAll(() => {
    dir = tempProject(Object.fromEntries(STAGES.map((s) => [s, repoStage(s)])));
  });

  it('synthesizes an image whose tag is longer than a label value or ends with a dash, with the version cut to a label', () => {
    const tag = `1.${'v'.repeat(70)}-`;
    writeFileSync(stagePath('dev'), repoStage('dev').replace('image: demoapp:1\n', `image: demoapp:${tag}\n`));
    const r = runCli('synth', ['--stage', 'dev'], dir);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const out = readFileSync(join(dir, 'dist', 'dev', '10-demoapp.yaml'), 'utf8');
    expect(out).toContain(`app.kubernetes.io/version: 1.${'v'.repeat(61)}\n`);
    expect(out).toContain(`image: demoapp:${tag}\n`);
  });

  it('switch --release takes the digest the idle color runs, written as sha256:...', () => {
    writeFileSync(stagePath('production'), repoStage('production').replace('green: demoapp:1 }', `green: demoapp@${digest} }`));
    expect(runCli('synth', ['--stage', 'production'], dir).code).toBe(0);
    const r = runCli('switch', ['production', 'demoapp', '--release', digest], dir);
    // as synth --stage production warns: other stages were never synthesized in this project
    expect(r.stderr).toMatch(
      /^production: warning: node ports and edge addresses not compared with those of stages? [a-z, ]+: .*\n {2}hint: run npm run synth \(every stage\) to compare every stage with every other\n$/,
    );
    expect(r.code).toBe(0);
    expect(readFileSync(stagePath('production'), 'utf8')).toContain(`live: green, blue: demoapp:1, green: demoapp@${digest} }`);
  });

  it('switch --force --release refuses when the stage file gives the idle color another release than dist/ runs', () => {
    writeFileSync(stagePath('production'), repoStage('production'));
    expect(runCli('synth', ['--stage', 'production'], dir).code).toBe(0);
    const text = repoStage('production').replace('green: demoapp:1 }', 'green: demoapp:1.2 }');
    writeFileSync(stagePath('production'), text);
    const before = snapshotDir(join(dir, 'dist'));
    const r = runCli('switch', ['production', 'demoapp', '--force', '--release', '1'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      `environments/production.yaml:8:${text.split('\n')[7].indexOf('demoapp:1.2') + 1}: error: apps.demoapp.blueGreen.green is demoapp:1.2 (version 1.2), not 1, and the switch would send traffic to it`,
      '  hint: synthesize, commit and push production (npm run synth -- --stage production) before switching to demoapp:1.2, or give the green color back the image you meant to switch to',
    ]);
    expect(readFileSync(stagePath('production'), 'utf8')).toBe(text);
    expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
  });
});
