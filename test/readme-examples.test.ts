/**
 * The README's examples of commands run on the committed project print what the commands print
 * today: each example below is found in README.md by its `$ ` line and run, in a copy of the
 * project (its stage files, project file, included manifests and dist/) or, for the checks of
 * files, in the repository, whose test fixtures they name. A README line that is `...` stands for
 * any lines; every other line must be the next line the command printed (stdout, then stderr, blank
 * lines aside), and the output must end with the README's last line (unless that is `...`). The
 * command must exit with the code its `$` line's comment says (`# exit 1`), else 0.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../lib/model/sha256.js';
import { REPO, runCli } from './helpers/cli.js';

interface Example {
  /** The `$ ` line, without a trailing `# comment`. */
  readonly command: string;
  /** The exit code its comment says (`# exit 1`, `# ..., exit 2`), else 0. */
  readonly exit: number;
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
      if (!inBlock) found.push({ command: '', exit: 0, block, lines: [] });
      continue;
    }
    if (!inBlock) continue;
    if (line.startsWith('$ ')) {
      const comment = /\s+#(.*)$/.exec(line)?.[1] ?? '';
      found.push({
        command: line
          .slice(2)
          .replace(/\s+#.*$/, '')
          .trimEnd(),
        exit: Number(/\bexit (\d+)\b/.exec(comment)?.[1] ?? 0),
        block,
        lines: [],
      });
    } else found.at(-1)?.lines.push(line);
  }
  return found.filter((e) => e.command !== '');
}

/** The line a wildcard is: any number of printed lines pass for it. A line that only holds `...` (`- ... and 5 more lines`) is text. */
const ANY_LINES = '...';

/**
 * The first line of `expected` that `printed` does not print where the README says (undefined when
 * every line is there and nothing more is printed; blank lines aside): a line that is `...` lets any
 * number of printed lines pass, any other is the next printed line (after a `...`, the next one equal
 * to it). A printed line left after the README's last one is returned as `(printed after the last
 * line) <line>`, unless the last is `...`.
 */
function firstMismatch(expected: readonly string[], printed: readonly string[]): string | undefined {
  const shown = printed.filter((l) => l !== '');
  let at = 0;
  let skipping = false;
  for (const line of expected.filter((l) => l !== '')) {
    if (line === ANY_LINES) {
      skipping = true;
      continue;
    }
    const next = skipping ? shown.indexOf(line, at) : shown[at] === line ? at : -1;
    if (next < 0) return line;
    at = next + 1;
    skipping = false;
  }
  return skipping || at === shown.length ? undefined : `(printed after the last line) ${shown[at]}`;
}

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const EXAMPLES = examples(README);

/** What a copy of the project holds: its sources (stage files, project file, included manifests, CRDs), and dist/. */
const SOURCES = ['environments', 'stagecraft.yaml', 'manifests', 'crds'];

/**
 * The digest of the example project's sources the README's examples were written for. A team that
 * changes the examples (a stage, an app, a manifest) has a README that describes another project:
 * its examples are then not run (the test names say so), and the team stays green. Whoever changes
 * the examples here updates the README's outputs and this digest (the skipped tests print the new one).
 */
const EXAMPLE_PROJECT = '2265292f01ae2e5de0ff227da3aa95f162a21620e33dbaf10bde1b32ed3a6582';

/** The digest of the project's sources: each file's path and bytes, in path order. */
function sourcesDigest(): string {
  const files = SOURCES.flatMap((p) =>
    !existsSync(join(REPO, p))
      ? []
      : p.endsWith('.yaml')
        ? [p]
        : (readdirSync(join(REPO, p), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
            .filter((e) => e.isFile())
            .map((e) => relative(REPO, join(e.parentPath, e.name))),
  );
  return sha256Hex(
    files
      .sort()
      .map((f) => `${f}\n${sha256Hex(readFileSync(join(REPO, f)))}\n`)
      .join(''),
  );
}

const SOURCES_DIGEST = sourcesDigest();
const ON_EXAMPLES = SOURCES_DIGEST === EXAMPLE_PROJECT;
const PROJECT_NOTE = ON_EXAMPLES
  ? ''
  : ` (skipped: the project's sources are not the README's examples; their digest is ${SOURCES_DIGEST})`;

/** A copy of the committed project: its sources and dist/. */
function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-readme-'));
  for (const p of [...SOURCES, 'dist']) if (existsSync(join(REPO, p))) cpSync(join(REPO, p), join(dir, p), { recursive: true });
  return dir;
}

/**
 * Runs an example's command in `cwd` and returns what it printed and its exit code: each part of
 * `a && b` in turn up to the first that fails, whose code it is (as a shell runs them), an `npm run`
 * as its npm script would run it (runCli), a `sed -i` through sh, a `git` command not at all (the
 * copy is no repository).
 */
function run(command: string, cwd: string): { printed: string[]; code: number } {
  const printed: string[] = [];
  for (const part of command.split(' && ')) {
    if (part.startsWith('git ')) continue;
    let r: { stdout: string; stderr: string; code: number | null };
    if (part.startsWith('sed -i ')) {
      const sh = spawnSync('sh', ['-c', part], { cwd, encoding: 'utf8' });
      r = { stdout: sh.stdout, stderr: sh.stderr, code: sh.status ?? 1 };
    } else {
      const m = /^npm run (?:--silent )?(\w+)(?: -- (.*))?$/.exec(part);
      expect(m, `the test does not know how to run '${part}'`).not.toBeNull();
      r = runCli(
        m![1],
        (m![2] ?? '').split(' ').filter((a) => a !== ''),
        cwd,
      );
    }
    printed.push(...`${r.stdout}${r.stderr}`.split('\n'));
    if ((r.code ?? 0) !== 0) return { printed, code: r.code ?? 0 };
  }
  return { printed, code: 0 };
}

/** Runs `example` in `cwd`, and fails on the first line the README shows under it that the command does not print. */
function expectPrinted(example: Example, cwd: string, more: readonly string[] = []): void {
  const { printed, code } = run(example.command, cwd);
  const mismatch = firstMismatch([...example.lines, ...more], printed);
  expect(mismatch, `README.md's '$ ${example.command}' shows a line the command does not print; it prints:\n${printed.join('\n')}`).toBe(
    undefined,
  );
  expect(code, `README.md's '$ ${example.command}' exits ${code}, not ${example.exit}: say it in its comment (# exit ${code})`).toBe(
    example.exit,
  );
}

/** The lines of the README's code block that opens at its `fence`th fence line (from 1, as `Example.block` counts them). */
function blockLines(readme: string, fence: number): string[] {
  const lines = readme.split('\n');
  const fences = lines.flatMap((l, i) => (l.startsWith('```') ? [i] : []));
  return lines.slice(fences[fence - 1] + 1, fences[fence]);
}

/**
 * The README's example `command` (its first, or its `nth` from 0), run in `cwd`, against what the README shows;
 * `stderrBelow`: the README shows its stderr in the next code block, without a `$ ` line.
 */
function checkExample(command: string, cwd: string, { nth = 0, stderrBelow = false } = {}): void {
  const example = EXAMPLES.filter((e) => e.command === command)[nth];
  expect(example, `README.md has no example '$ ${command}'`).toBeDefined();
  expectPrinted(example!, cwd, stderrBelow ? blockLines(README, example!.block + 2) : []);
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

describe.skipIf(!ON_EXAMPLES)(`the README's examples on the committed project${PROJECT_NOTE}`, () => {
  const dir = ON_EXAMPLES ? copy() : '';

  it('npm run synth prints what the README shows, its stderr in the block below', () => {
    checkExample('npm run synth', dir, { stderrBelow: true });
  });

  it.each(['npm run synth -- --stage raspberry', 'npm run synth -- --stage mink8s', 'npm run diff -- qa production'])(
    '%s prints what the README shows',
    (command) => checkExample(command, dir),
  );

  it('npm run check (its second example: the first is a recovery) prints what the README shows', () => {
    checkExample('npm run check', dir, { nth: 1 });
  });

  it('npm run check -- <a fixture> (in the repository, whose fixtures it names) prints what the README shows', () => {
    checkExample('npm run check -- test/fixtures/manifests/defects/3-dangling-claim.yaml', REPO);
  });

  it('npm run check -- --crds ../shared/crds/cert-manager <a fixture> (in the repository, beside ../shared as in CI) prints what the README shows', () => {
    checkExample('npm run check -- --crds ../shared/crds/cert-manager test/fixtures/manifests/crds/cert-manager-invalid.yaml', REPO);
  });
});

describe.skipIf(!ON_EXAMPLES)(
  `the README's sequences of commands, each in a copy of the committed project of its own${PROJECT_NOTE}`,
  () => {
    it('a full release, from a new tag in dev to production (promote) and back (switch)', () => {
      checkSequence("sed -i 's/image: demoapp:1$/image: demoapp:1.1/' environments/dev.yaml", copy());
    });

    it("diff of one stage with its delivery objects, after a change of the project file's revision", () => {
      checkSequence("sed -i 's/revision: main/revision: release/' stagecraft.yaml && npm run --silent diff -- qa", copy());
    });
  },
);

describe("the reading of the README's examples", () => {
  it("takes a README line for the next printed one, a line that is '...' for any number of lines, and wants the output used up", () => {
    expect(firstMismatch(['a', '...', 'd'], ['a', 'b', 'c', 'd', ''])).toBeUndefined();
    expect(firstMismatch(['a', '...', 'd', '...'], ['a', 'b', 'c', 'd', 'e'])).toBeUndefined();
    expect(firstMismatch(['a', 'c'], ['a', 'b', 'c'])).toBe('c');
    expect(firstMismatch(['a', '...', '13 changed'], ['a', 'b', '14 changed'])).toBe('13 changed');
    // a line printed after the README's last one
    expect(firstMismatch(['a', '...', 'd'], ['a', 'b', 'c', 'd', 'e'])).toBe('(printed after the last line) e');
    expect(firstMismatch(['a'], ['a', '', 'warning: x'])).toBe('(printed after the last line) warning: x');
    // a line that only holds '...' is text, as diff's '- ... and 5 more lines' is
    expect(firstMismatch(['a', '  ...', 'd'], ['a', 'b', 'd'])).toBe('  ...');
    expect(firstMismatch(['  - ... and 5 more lines'], ['  - x'])).toBe('  - ... and 5 more lines');
  });

  it('runs the parts of `a && b` up to the first that fails, and exits with its code, as a shell does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-readme-run-'));
    copies.push(dir);
    writeFileSync(join(dir, 'marker'), 'a\n');
    const failed = run("npm run check -- missing.yaml && sed -i 's/a/b/' marker", dir);
    expect(failed.code).toBe(runCli('check', ['missing.yaml'], dir).code);
    expect(failed.code).not.toBe(0);
    expect(readFileSync(join(dir, 'marker'), 'utf8')).toBe('a\n');
    // a failing sed stops the rest too, its message printed
    const sed = run("sed -i 's/a/b/' missing && sed -i 's/a/b/' marker", dir);
    expect(sed.code).not.toBe(0);
    expect(sed.printed.join('\n')).toContain('missing');
    expect(readFileSync(join(dir, 'marker'), 'utf8')).toBe('a\n');
    expect(run("sed -i 's/a/b/' marker && sed -i 's/b/c/' marker", dir).code).toBe(0);
    expect(readFileSync(join(dir, 'marker'), 'utf8')).toBe('c\n');
  });

  it('reads the exit code an example says in its comment, 0 without one', () => {
    const readme = ['```', '$ npm run check -- x.yaml   # a fixture, exit 1', 'a', '$ npm run synth', '```'].join('\n');
    expect(examples(readme).map((e) => e.exit)).toEqual([1, 0]);
  });

  it('finds each example by its command, without its comment, up to the next command or the end of its block', () => {
    const readme = ['```', '$ npm run synth   # first', 'a', '$ ls', 'b', '```', 'text', '```', '$ npm run check', 'c', '```', 'd'].join(
      '\n',
    );
    expect(examples(readme)).toEqual([
      { command: 'npm run synth', exit: 0, block: 1, lines: ['a'] },
      { command: 'ls', exit: 0, block: 1, lines: ['b'] },
      { command: 'npm run check', exit: 0, block: 3, lines: ['c'] },
    ]);
  });
});
