/** npm's own options given before `--` that mean an option of the command (lib/cli/npm-meant.ts): `npm run check --json`. */
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
        "  hint: write npm run check -- dist/dev --format json: check's options go after '--'\n" +
        '1 problem.\n',
    );
  });

  it.each([
    ['turned off again (--json false)', ['run', 'check', '--json', 'false', '--', 'dist/dev'], []],
    ['with --format given after it', ['run', 'check', '--json', '--', 'dist/dev', '--format', 'sarif'], ['--format', 'sarif']],
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
