/**
 * The README's examples of commands run on the committed project print what the commands print
 * today: each example below is found in README.md by its `$ ` line and run, in a copy of the
 * project (its stage files, project file, included manifests and dist/) or, for the checks of
 * files, in the repository, whose test fixtures they name. A README line holding `...` stands for
 * any lines; every other line must be the next line the command printed (stdout, then stderr).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from './helpers/cli.js';

interface Example {
  /** The `$ ` line, without a trailing `# comment`. */
  readonly command: string;
  /** The code block it is in (its number in the README). */
  readonly block: number;
  /** The lines under it, up to the next `$ ` line or the end of its block. */
  readonly lines: string[];
}

/** The examples of commands in the README's code blocks, in order. */
function examples(readme: string): Example[] {
  const found: Example[] = [];
  let inBlock = false;
  let block = 0;
  for (const line of readme.split('\n')) {
    if (line.startsWith('```')) {
      inBlock = !inBlock;
      block++;
      if (!inBlock) found.push({ command: '', block, lines: [] });
      continue;
    }
    if (!inBlock) continue;
    if (line.startsWith('$ '))
      found.push({
        command: line
          .slice(2)
          .replace(/\s+#.*$/, '')
          .trimEnd(),
        block,
        lines: [],
      });
    else found.at(-1)?.lines.push(line);
  }
  return found.filter((e) => e.command !== '');
}

/**
 * The first line of `expected` that `printed` does not print where the README says (undefined when
 * every line is there): a line with `...` lets any number of printed lines pass, any other is the
 * next printed line (after a `...`, the next one equal to it).
 */
function firstMismatch(expected: readonly string[], printed: readonly string[]): string | undefined {
  let at = 0;
  let skipping = false;
  for (const line of expected.filter((l) => l !== '')) {
    if (line.includes('...')) {
      skipping = true;
      continue;
    }
    const next = skipping ? printed.indexOf(line, at) : printed[at] === line ? at : -1;
    if (next < 0) return line;
    at = next + 1;
    skipping = false;
  }
  return undefined;
}

const EXAMPLES = examples(readFileSync(join(REPO, 'README.md'), 'utf8'));

/** A copy of the committed project: stage files, project file, included manifests, dist/. */
function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-readme-'));
  for (const p of ['environments', 'stagecraft.yaml', 'manifests', 'dist', 'crds'])
    if (existsSync(join(REPO, p))) cpSync(join(REPO, p), join(dir, p), { recursive: true });
  return dir;
}

/**
 * Runs an example's command in `cwd` and returns what it printed: each part of `a && b` in turn, an
 * `npm run` as its npm script would run it (runCli), a `sed -i` through sh, a `git` command not at all
 * (the copy is no repository).
 */
function run(command: string, cwd: string): string[] {
  const printed: string[] = [];
  for (const part of command.split(' && ')) {
    if (part.startsWith('git ')) continue;
    if (part.startsWith('sed -i ')) {
      execFileSync('sh', ['-c', part], { cwd });
      continue;
    }
    const m = /^npm run (?:--silent )?(\w+)(?: -- (.*))?$/.exec(part);
    expect(m, `the test does not know how to run '${part}'`).not.toBeNull();
    const r = runCli(
      m![1],
      (m![2] ?? '').split(' ').filter((a) => a !== ''),
      cwd,
    );
    printed.push(...`${r.stdout}${r.stderr}`.split('\n'));
  }
  return printed;
}

/** Runs `example` in `cwd`, and fails on the first line the README shows under it that the command does not print. */
function expectPrinted(example: Example, cwd: string): void {
  const printed = run(example.command, cwd);
  const mismatch = firstMismatch(example.lines, printed);
  expect(mismatch, `README.md's '$ ${example.command}' shows a line the command does not print; it prints:\n${printed.join('\n')}`).toBe(
    undefined,
  );
}

/** The README's example `command` (its first, or its `nth` from 0), run in `cwd`, against what the README shows. */
function checkExample(command: string, cwd: string, nth = 0): void {
  const example = EXAMPLES.filter((e) => e.command === command)[nth];
  expect(example, `README.md has no example '$ ${command}'`).toBeDefined();
  expectPrinted(example!, cwd);
}

/** The README's block of examples that starts with `first`, each run in turn in `cwd` against what the README shows under it. */
function checkSequence(first: string, cwd: string): void {
  const start = EXAMPLES.findIndex((e) => e.command === first);
  expect(start, `README.md has no example '$ ${first}'`).toBeGreaterThanOrEqual(0);
  for (const example of EXAMPLES.slice(start).filter((e) => e.block === EXAMPLES[start].block)) expectPrinted(example, cwd);
}

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the committed project, removed after the tests. */
function copy(): string {
  const dir = projectCopy();
  copies.push(dir);
  return dir;
}

describe("the README's examples on the committed project", () => {
  const dir = copy();

  it.each(['npm run synth', 'npm run synth -- --stage raspberry', 'npm run synth -- --stage mink8s', 'npm run diff -- qa production'])(
    '%s prints what the README shows',
    (command) => checkExample(command, dir),
  );

  it('npm run check (its second example: the first is a recovery) prints what the README shows', () => {
    checkExample('npm run check', dir, 1);
  });

  it('npm run check -- <a fixture> (in the repository, whose fixtures it names) prints what the README shows', () => {
    checkExample('npm run check -- test/fixtures/manifests/defects/3-dangling-claim.yaml', REPO);
  });

  it('npm run check -- --crds ../shared/crds/cert-manager <a fixture> (in the repository, beside ../shared as in CI) prints what the README shows', () => {
    checkExample('npm run check -- --crds ../shared/crds/cert-manager test/fixtures/manifests/crds/cert-manager-invalid.yaml', REPO);
  });
});

describe("the README's sequences of commands, each in a copy of the committed project of its own", () => {
  it('a full release, from a new tag in dev to production (promote) and back (switch)', () => {
    checkSequence("sed -i 's/image: demoapp:1$/image: demoapp:1.1/' environments/dev.yaml", copy());
  });

  it("diff of one stage with its delivery objects, after a change of the project file's revision", () => {
    checkSequence("sed -i 's/revision: main/revision: release/' stagecraft.yaml && npm run --silent diff -- qa", copy());
  });
});

describe("the reading of the README's examples", () => {
  it("takes a README line for the next printed one, and a line with '...' for any number of lines", () => {
    expect(firstMismatch(['a', '...', 'd'], ['a', 'b', 'c', 'd', 'e'])).toBeUndefined();
    expect(firstMismatch(['a', 'c'], ['a', 'b', 'c'])).toBe('c');
    expect(firstMismatch(['a', '  ...', '13 changed'], ['a', 'b', '14 changed'])).toBe('13 changed');
  });

  it('finds each example by its command, without its comment, up to the next command or the end of its block', () => {
    const readme = ['```', '$ npm run synth   # first', 'a', '$ ls', 'b', '```', 'text', '```', '$ npm run check', 'c', '```', 'd'].join(
      '\n',
    );
    expect(examples(readme)).toEqual([
      { command: 'npm run synth', block: 1, lines: ['a'] },
      { command: 'ls', block: 1, lines: ['b'] },
      { command: 'npm run check', block: 3, lines: ['c'] },
    ]);
  });
});
