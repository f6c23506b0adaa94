/**
 * The README's examples of commands run on the committed project print what the commands print
 * today: each example below is found in README.md by its `$ ` line and run, in a copy of the
 * project (its stage files, project file, included manifests and dist/) or, for the checks of
 * files, in the repository, whose test fixtures they name. A README line that is `...` stands for
 * any lines; every other line must be the next line the command printed (stdout, then stderr, blank
 * lines aside), and the output must end with the README's last line (unless that is `...`). The
 * command must exit with the code its `$` line's comment says (`# exit 1`), else 0. Every example
 * the README shows is run by a test here, or named in NOT_RUN with the reason it is not.
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
  /** The `$ ` line as the README writes it, with its comment. */
  readonly line: string;
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
      if (!inBlock) found.push({ command: '', line: '', exit: 0, block, lines: [] });
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
        line,
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
const EXAMPLE_PROJECT = '56e25ef22a2e369d6808bb6eb256cfd64558938dbf2644ea91354d6ed97d3ab7';

/**
 * The schema synth writes from lib/config/stage-schema.ts: the compiler's, not the examples', so a new
 * setting (which changes it) must not take the examples out of the run unseen.
 */
const GENERATED = new Set([join('environments', 'stage.schema.json')]);

/** The digest of the project's sources: each file's path and bytes, in path order (the generated schema left out). */
function sourcesDigest(): string {
  const files = SOURCES.flatMap((p) =>
    !existsSync(join(REPO, p))
      ? []
      : p.endsWith('.yaml')
        ? [p]
        : (readdirSync(join(REPO, p), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
            .filter((e) => e.isFile())
            .map((e) => relative(REPO, join(e.parentPath, e.name)))
            .filter((f) => !GENERATED.has(f)),
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
 * The environment of an example run by a shell (ls, sed): what the README shows, not what the caller's
 * environment makes of it. ls sorts by the locale's collation (under en_US.UTF-8 `inventory.txt` comes
 * before `Kustomization`), fills COLUMNS, spaces its columns by TABSIZE and quotes names by
 * QUOTING_STYLE: none of them inherited.
 */
const EXAMPLE_ENV = { PATH: process.env.PATH, LC_ALL: 'C', COLUMNS: '80' };

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
    if (part.startsWith('sed -i ') || part.startsWith('ls ')) {
      // ls aligns its columns with tabs where its output is no terminal: as spaces, as a terminal shows them
      const sh = spawnSync('sh', ['-c', part.startsWith('ls ') ? `${part} | expand` : part], { cwd, encoding: 'utf8', env: EXAMPLE_ENV });
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

/** The examples the tests have run, for the test that every example is run or named in NOT_RUN. */
const ran = new Set<Example>();

/** Runs `example` in `cwd`, and fails on the first line the README shows under it that the command does not print. */
function expectPrinted(example: Example, cwd: string, more: readonly string[] = []): void {
  ran.add(example);
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
 * `stderrBelow`: the README shows its stderr in the next code block, without a `$ ` line. `command` may be
 * the `$ ` line with its comment, which tells apart examples of one command.
 */
function checkExample(command: string, cwd: string, { nth = 0, stderrBelow = false } = {}): void {
  const example = EXAMPLES.filter((e) => e.command === command || e.line === `$ ${command}`)[nth];
  expect(example, `README.md has no example '$ ${command}'`).toBeDefined();
  expectPrinted(example!, cwd, stderrBelow ? blockLines(README, example!.block + 2) : []);
}

/** The README's block of examples that starts with `first`, each run in turn in `cwd` against what the README shows under it. */
function checkSequence(first: string, cwd: string): void {
  const start = EXAMPLES.findIndex((e) => e.command === first || e.line === `$ ${first}`);
  expect(start, `README.md has no example '$ ${first}'`).toBeGreaterThanOrEqual(0);
  for (const example of EXAMPLES.slice(start).filter((e) => e.block === EXAMPLES[start].block)) expectPrinted(example, cwd);
}

/**
 * The examples no test runs, each with the reason: the `$ ` line (with its comment) and how the first line
 * under it starts. Most show the output of a project the README describes in part (a stage file with the
 * mistake the text above it names), or need a tool or a state a copy of the project cannot have.
 */
const NOT_RUN: readonly (readonly [line: string, first: string, why: string])[] = [
  ['$ npm run synth', 'environments/lab.yaml:5:15: error: apps.nginx.replicas', 'a lab.yaml of its own, which the README does not show'],
  ['$ npm run synth', "environments/lab.yaml:2:3: error: apps: 'toString'", 'a lab.yaml of its own, which the README does not show'],
  ['$ npm run --silent secrets -- qa | kubectl apply -f -        # when a value is missing:', '', 'kubectl and a cluster'],
  ['$ npm run synth', 'environments/qa.yaml:28:84: error:', 'qa.yaml with a password written in, as the text above it says'],
  ['$ npm run synth -- team      # DB_HOST: host added to apps.api.secrets.api-db', '', 'a stage team, which the project does not have'],
  ['$ npm run synth -- test      # after renaming demoapp to shop', '', 'test.yaml edited as its comment says'],
  ['$ npm run synth -- team      # namespace: team2 added to environments/team.yaml', '', 'a stage team, which the project does not have'],
  [
    '$ npm run synth -- team      # apps.api (stack service) had replicas: 3, now autoscaling: { minReplicas: 3, maxReplicas: 6 }',
    '',
    'a stage team, which the project does not have',
  ],
  [
    '$ npm run synth      # with DATABASE_URL: mysql://admin:pw4demo@mysql/shop after LOG_LEVEL under apps.demoapp.config',
    '',
    'stage files edited as its comment says',
  ],
  [
    '$ npm run synth      # with MAPS_KEY: AIza... (a Google API key) after LOG_LEVEL under apps.demoapp.config',
    '',
    'a key the README shortens',
  ],
  [
    '$ npm run synth      # lab with an app legacy: { stack: manifests, include: [manifests/legacy] }, the file without the annotation',
    '',
    'manifests/legacy, which the project does not have',
  ],
  ['$ npm run synth      # with it', '', 'manifests/legacy, which the project does not have'],
  [
    '$ npm run promote -- test qa          # demoapp renamed shop in test.yaml; qa still calls it demoapp',
    '',
    'stage files edited as its comment says',
  ],
  [
    '$ npm run promote -- test qa          # test runs demoapp:1.2 and mysql:8.4, qa the hotfix demoapp:1.2.1 and mysql:8.0',
    '',
    'stage files edited as its comment says',
  ],
  [
    '$ npm run promote -- qa production          # production: blue: registry.prod.example.com:5000/demoapp:1, ...',
    '',
    'stage files edited as its comment says',
  ],
  ['$ npm run promote -- test qa --app web', '', 'apps web and web2, which the project does not have'],
  ['$ npm run promote -- test qa --app web2     # instead', '', 'apps web and web2, which the project does not have'],
  ['$ npm run promote -- test qa                # instead: both', '', 'apps web and web2, which the project does not have'],
  ['$ npm run switch -- production demoapp --release 1.2', '', 'a release 1.2, which the project does not run'],
  ['$ npm run synth      # with blue: demoapp:1.2 while blue is live', '', 'production.yaml edited as its comment says'],
  ['$ npm run synth -- qa        # after storage: 2Gi -> 1Gi under apps.demoapp.database', '', 'qa.yaml edited as its comment says'],
  ['$ npm run synth        # nginx published, but its Service is ClusterIP', '', 'lab.yaml edited as its comment says'],
  ['$ haproxy -c -f haproxy.cfg; echo "exit $?"', '', 'haproxy (test/edge runs haproxy -c on every edge config)'],
  ['$ haproxy -c -f dist/lab/edge/haproxy.cfg', '', 'haproxy (test/edge runs haproxy -c on every edge config)'],
  ['$ npm run switch -- onprem demoapp', '', "onprem's edge as the text above it sets it up"],
  [
    "$ echo 'show stat' | sudo socat stdio /run/haproxy/admin.sock | cut -d, -f1,2,18 | grep '^demoapp-green,node'",
    '',
    'a running haproxy',
  ],
  [
    '$ keepalived -t -f dist/lab/edge/keepalived-haproxy1.conf; echo "exit $?"',
    '',
    'keepalived (test/edge runs keepalived -t on every edge config)',
  ],
  ['$ keepalived -t -f bad.conf; echo "exit $?"        # priority misspelled', '', 'keepalived, and a file the README does not show'],
  ['$ npm run synth', 'warning: dist/ holds files that stagecraft did not write', 'files saved into dist/ by hand'],
  ['$ npm run synth        # with dist -> /somewhere/else', '', 'dist/ replaced by a symbolic link'],
  ['$ npm run synth -- --stage lab', 'stagecraft: waiting for pid', 'a live process that holds the lock (test/cli/lock.test.ts)'],
  [
    '$ npm run check        # after npm run switch -- production demoapp was killed during its renames',
    '',
    'a switch killed during its renames (test/synth/journal.test.ts)',
  ],
  [
    '$ npm run synth        # lab with an app `api`: replicas: 2 and storage: { ..., storageClass: standard }',
    '',
    'an app api, which the project does not have',
  ],
];

/** The NOT_RUN entry of `example`, if any. */
const notRun = (example: Example) => NOT_RUN.find(([line, first]) => example.line === line && (example.lines[0] ?? '').startsWith(first));

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

  it.each(['npm run synth -- --stage raspberry', 'npm run diff -- qa production'])('%s prints what the README shows', (command) =>
    checkExample(command, dir),
  );

  it('npm run check -- /dev/zero prints what the README shows', () => {
    checkExample('npm run check -- /dev/zero', dir);
  });

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

    it('synth of mink8s, then the files it wrote (ls -C)', () => {
      checkSequence('npm run synth -- --stage mink8s', copy());
    });

    it("synth of mink8s, then ls -C, prints as the README shows under any caller's COLUMNS, TABSIZE and locale", () => {
      const saved = { COLUMNS: process.env.COLUMNS, TABSIZE: process.env.TABSIZE, LC_ALL: process.env.LC_ALL };
      Object.assign(process.env, { COLUMNS: '20', TABSIZE: '3', LC_ALL: 'en_US.UTF-8' });
      try {
        checkSequence('npm run synth -- --stage mink8s', copy());
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    });

    it('a full synth, then the files of dist/delivery/argocd', () => {
      const dir = copy();
      const ls = EXAMPLES.find((e) => e.command === 'ls -1 dist/delivery/argocd');
      expect(ls, "README.md has no example '$ ls -1 dist/delivery/argocd'").toBeDefined();
      // the block's synth, then its ls
      for (const example of EXAMPLES.filter((e) => e.block === ls!.block)) expectPrinted(example, dir);
    });

    it('a synth, then a check answered from the digests', () => {
      checkSequence('npm run synth        # writes .stagecraft/fingerprint.json', copy());
    });

    it("a stage of cron apps whose schedules the checks refuse or warn of (environments/batch.yaml, the README's block above the example)", () => {
      const dir = copy();
      const line = '$ npm run synth        # with environments/batch.yaml above, exit 2';
      const example = EXAMPLES.find((e) => e.line === line);
      expect(example, `README.md has no example '${line}'`).toBeDefined();
      // the block before the example's: the stage file, its first line a comment naming it
      const file = blockLines(README, example!.block - 2);
      expect(file[0]).toBe('# environments/batch.yaml');
      writeFileSync(join(dir, 'environments', 'batch.yaml'), `${file.join('\n')}\n`);
      expectPrinted(example!, dir);
    });

    it('a stage on arm whose app runs an image with no known arm build (environments/pi.yaml written as its comment says)', () => {
      const dir = copy();
      // line 4, column 12: the image, as the README's message places it
      writeFileSync(join(dir, 'environments', 'pi.yaml'), 'architecture: arm\napps:\n  nginx:\n    image: demoapp:1\n    replicas: 1\n');
      checkExample('npm run synth        # a stage with architecture: arm whose app nginx runs image demoapp:1, exit 2', dir);
    });
  },
);

describe.skipIf(!ON_EXAMPLES)(`every example of the README${PROJECT_NOTE}`, () => {
  it('is run by a test above, or named in NOT_RUN with the reason it is not', () => {
    const neither = EXAMPLES.filter((e) => !ran.has(e) && !notRun(e)).map((e) => `${e.line} (${e.lines[0] ?? ''})`);
    expect(neither, 'examples no test runs: run each, or say in NOT_RUN why not').toEqual([]);
    const both = EXAMPLES.filter((e) => ran.has(e) && notRun(e)).map((e) => e.line);
    expect(both, 'examples run and also named in NOT_RUN').toEqual([]);
    const stale = NOT_RUN.filter((entry) => !EXAMPLES.some((e) => notRun(e) === entry)).map(([line]) => line);
    expect(stale, 'NOT_RUN names examples the README no longer has').toEqual([]);
  });
});

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
      { command: 'npm run synth', line: '$ npm run synth   # first', exit: 0, block: 1, lines: ['a'] },
      { command: 'ls', line: '$ ls', exit: 0, block: 1, lines: ['b'] },
      { command: 'npm run check', line: '$ npm run check', exit: 0, block: 3, lines: ['c'] },
    ]);
  });
});
