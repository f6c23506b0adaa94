/** npm's own options given before `--` that mean an option of the command (lib/cli/npm-meant.ts): `npm run check --json`; and the lines every reader of npm's log (npm-meant.ts, npm-options.ts) gives, never with a secret. */
import { describe, expect, it } from 'vitest';
import { fixtureProject, runCli } from '../helpers/cli.js';

describe("npm's --json given before '--' to npm run check", () => {
  it('is refused, where check would report in text, with the line that gives it --format json', () => {
    const dir = fixtureProject(['dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const r = runCli(
      'check',
      ['dist/dev'],
      dir,
      { npm_lifecycle_event: 'check', npm_config_json: 'true' },
      {
        npmArguments: ['run', 'check', '--json', '--', 'dist/dev'],
      },
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "error: --json was given before '--' (npm's log of this run says so), where npm takes it for its own json output (npm_config_json) and leaves check nothing: it would report in text\n" +
        "  hint: write npm run --silent check -- dist/dev --format json: check's options go after '--'\n" +
        '1 problem.\n',
    );
  });

  it.each(['json', 'sarif'])(
    'is refused with check --format %s after it, whose report npm would follow with its own JSON error on findings',
    (format) => {
      const dir = fixtureProject(['dev']);
      expect(runCli('synth', [], dir).code).toBe(0);
      const r = runCli(
        'check',
        ['dist/dev', '--format', format],
        dir,
        { npm_lifecycle_event: 'check', npm_config_json: 'true' },
        { npmArguments: ['run', 'check', '--json', '--', 'dist/dev', '--format', format] },
      );
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').slice(0, 2)).toEqual([
        `error: --json was given before '--' (npm's log of this run says so), where npm takes it for its own json output (npm_config_json): whenever check exits non-zero (findings, exit 1), npm writes its own JSON error after check's ${format} report on stdout, which is then no ${format} document`,
        `  hint: write npm run --silent check -- dist/dev --format ${format}: --format ${format} after '--' is the report`,
      ]);
    },
  );

  it.each([
    [
      "set by an .npmrc (npm's log has no --json)",
      ['run', 'check', '--', 'dist/dev', '--format', 'sarif'],
      "npm_config_json is set (by an .npmrc or the environment: npm's log of this run has no --json before '--'), and npm takes it for its own json output: whenever check exits non-zero (findings, exit 1), npm writes its own JSON error after check's sarif report on stdout, which is then no sarif document",
      '  hint: remove json from the .npmrc that sets it (npm config list shows which) or unset npm_config_json, then run the command again',
    ],
    [
      "set where npm's log cannot be read",
      undefined,
      "npm_config_json is set (by --json given before '--', an .npmrc or the environment), and npm takes it for its own json output: whenever check exits non-zero (findings, exit 1), npm writes its own JSON error after check's sarif report on stdout, which is then no sarif document",
      "  hint: remove json from the .npmrc that sets it (npm config list shows which) or unset npm_config_json, and give no --json before '--', then run the command again",
    ],
  ])('npm_config_json %s is refused with check --format sarif, whose report it would spoil', (_, npm, message, hint) => {
    const dir = fixtureProject(['dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const r = runCli(
      'check',
      ['dist/dev', '--format', 'sarif'],
      dir,
      { npm_lifecycle_event: 'check', npm_config_json: 'true' },
      { npmArguments: npm },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([`error: ${message}`, hint]);
  });

  it.each([
    ['turned off again (--json false)', ['run', 'check', '--json', 'false', '--', 'dist/dev'], []],
    ['with --format text given after it', ['run', 'check', '--json', '--', 'dist/dev', '--format', 'text'], ['--format', 'text']],
    ['set by an .npmrc (no --json in the log)', ['run', 'check', '--', 'dist/dev'], []],
    ['to check without paths, which reports in text whatever it is given', ['run', 'check', '--json'], undefined],
  ])('refuses nothing %s', (_, npm, more) => {
    const dir = fixtureProject(['dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const r = runCli(
      'check',
      more ? ['dist/dev', ...more] : [],
      dir,
      { npm_lifecycle_event: 'check', npm_config_json: 'true' },
      { npmArguments: npm },
    );
    expect(r.code).toBe(0);
  });
});

describe("a secret among npm's words of the run (npm's log)", () => {
  // a GitHub token's shape (the secret rules' github-token), made up
  const TOKEN = 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB';

  it.each([
    [
      'check',
      ['dist/dev', TOKEN],
      { npm_config_json: 'true' },
      ['run', 'check', '--json', '--', 'dist/dev', TOKEN],
      "  hint: give --format json after '--': check's options go after '--'",
    ],
    [
      'synth',
      [],
      { npm_config_stage: TOKEN },
      ['run', 'synth', `--stage=${TOKEN}`],
      "  hint: give --stage after '--': synth's options go after '--' (if an .npmrc or the environment sets npm_config_stage, unset it)",
    ],
    ['diff', [TOKEN], {}, ['run', 'diff', '--no-cache', '--', TOKEN], "  hint: give --no-cache after '--': diff's options go after '--'"],
  ])('%s %j is refused without the line to write, which would print it back', (command, args, env, npm, hint) => {
    const dir = fixtureProject(['dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const r = runCli(command, args, dir, { npm_lifecycle_event: command, ...env }, { npmArguments: npm });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[1]).toBe(hint);
    expect(r.stderr + r.stdout).not.toContain(TOKEN.slice(4, 20));
  });
});
