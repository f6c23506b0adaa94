/**
 * npm's words of its log's argv read once (`npmWords`), for the options npm took before `--` with a
 * value (`npmTookValues`) and for --no-cache (`npmTookNoCache`): each value rule of npm's log.
 */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../lib/cli/command.js';
import { npmTookNoCache, npmTookValues, npmWords } from '../../lib/cli/npm-options.js';
import { ExitCode } from '../../lib/errors.js';

const stage = { name: 'stage', values: ['qa', '', 'true', 'false'] };
const cache = { name: 'cache', values: ['true', 'false'] };
const options = (args: readonly string[], asked = [stage, cache]) => npmWords(args, asked).before.map((w) => [w.words, w.option]);

describe('npmWords', () => {
  it("takes the next word as an option's value only when it is one of its values", () => {
    expect(options(['run', 'synth', '--stage', 'qa', 'lab'])).toEqual([
      [['run'], undefined],
      [['synth'], undefined],
      [['--stage', 'qa'], { name: 'stage', negated: false, value: 'qa' }],
      [['lab'], undefined],
    ]);
    expect(options(['--stage', 'lab'])).toEqual([
      [['--stage'], { name: 'stage', negated: false, value: undefined }],
      [['lab'], undefined],
    ]);
  });

  it('reads the value written with = (an empty one too) and never takes the next word then', () => {
    expect(options(['--stage=qa', 'true', '--stage='])).toEqual([
      [['--stage=qa'], { name: 'stage', negated: false, value: 'qa' }],
      [['true'], undefined],
      [['--stage='], { name: 'stage', negated: false, value: '' }],
    ]);
  });

  it('reads --no-<name> as the option negated, with the value npm writes after it (--no-cache false: the cache on)', () => {
    expect(options(['--no-cache', 'false', '--no-cache=true', '--no-stage'])).toEqual([
      [['--no-cache', 'false'], { name: 'cache', negated: true, value: 'false' }],
      [['--no-cache=true'], { name: 'cache', negated: true, value: 'true' }],
      [['--no-stage'], { name: 'stage', negated: true, value: undefined }],
    ]);
  });

  it("reads a name's underscores as dashes, as npm does, but not in no- (--no_cache is npm's no_cache, not the cache negated)", () => {
    const security = { name: 'pod-security', values: ['restricted'] };
    expect(options(['--pod_security', 'restricted', '--no_cache'], [security, cache])).toEqual([
      [['--pod_security', 'restricted'], { name: 'pod-security', negated: false, value: 'restricted' }],
      [['--no_cache'], undefined],
    ]);
  });

  it("leaves the words after npm's -- as they are, options or not", () => {
    const words = npmWords(['run', 'synth', '--', '--stage', 'qa', '--no-cache'], [stage, cache]);
    expect(words.before.every((w) => w.option === undefined)).toBe(true);
    expect(words.after).toEqual(['--stage', 'qa', '--no-cache']);
  });
});

const command = (name: string, options: Command<unknown>['options']): Command<unknown> => ({
  name,
  usage: `Usage: npm run ${name} -- [options] [<stage>...]`,
  options,
  run: () => ExitCode.ok,
});
const synth = command('synth', { stage: { type: 'string', multiple: true }, 'no-cache': { type: 'boolean' } });
const env = { npm_lifecycle_event: 'synth' };

describe('npmTookNoCache', () => {
  it.each([
    ['--no-cache', ['run', 'synth', '--no-cache', '--', 'dev'], 'npm run synth -- dev --no-cache'],
    ['--no-cache true', ['run', 'synth', '--no-cache', 'true', '--', 'dev'], 'npm run synth -- dev --no-cache'],
    // an npm whose log writes the word as given: was not seen, the cache used
    ['--no-cache=true', ['run', 'synth', '--no-cache=true', '--', 'dev'], 'npm run synth -- dev --no-cache'],
    [
      '--no-cache false, then --no-cache',
      ['run', 'synth', '--no-cache', 'false', '--no-cache', '--', 'dev'],
      'npm run synth -- dev --no-cache',
    ],
    // npm's no_cache (npm_config_no_cache=true, nothing passed on): the render cache was used without a word
    ['--no_cache', ['run', 'synth', '--no_cache', '--', 'dev'], 'npm run synth -- dev --no-cache'],
    ['--no_cache=true', ['run', 'synth', '--no_cache', 'true', '--', 'dev'], 'npm run synth -- dev --no-cache'],
  ])('refuses %s before -- with the line that gives it after', (_, npm, line) => {
    const [problem] = npmTookNoCache(synth, {}, ['dev'], env, () => npm);
    expect(problem?.hint).toBe(`write ${line}: synth's options go after '--'`);
  });

  it("says --no_cache as given, npm's setting of its own, not npm's cache warning that npm never gave for it", () => {
    const [problem] = npmTookNoCache(synth, {}, ['dev'], env, () => ['run', 'synth', '--no_cache', '--', 'dev']);
    expect(problem?.message).toBe(
      "--no_cache was given before '--' (npm's log of this run says so), where npm takes it for a setting of its own (npm_config_no_cache, no warning) and leaves synth nothing: it would run with the render cache",
    );
  });

  it.each([
    ['--no-cache false (the cache on)', ['run', 'synth', '--no-cache', 'false', '--', 'dev']],
    ['--no-cache=false', ['run', 'synth', '--no-cache=false', '--', 'dev']],
    ['--no-cache, then --no-cache false', ['run', 'synth', '--no-cache', '--no-cache', 'false', '--', 'dev']],
    ['--no_cache false', ['run', 'synth', '--no_cache', 'false', '--', 'dev']],
    ['--no-no_cache', ['run', 'synth', '--no-no_cache', '--', 'dev']],
    ['--cache false (a cache directory named false)', ['run', 'synth', '--cache', 'false', '--', 'dev']],
    ["--no-cache after npm's --", ['run', 'synth', '--', 'dev', '--no-cache']],
  ])('refuses nothing for %s', (_, npm) => {
    expect(npmTookNoCache(synth, {}, ['dev'], env, () => npm)).toEqual([]);
  });
});

describe('npmTookValues', () => {
  it('moves --stage qa after -- and keeps the word after it that is no value of it where npm passed it on', () => {
    const [problem] = npmTookValues(synth, {}, ['lab'], ['lab'], { ...env, npm_config_stage: 'qa' }, () => [
      'run',
      'synth',
      '--stage',
      'qa',
      'lab',
    ]);
    expect(problem?.hint).toBe(
      "write npm run synth lab -- --stage=qa: synth's options go after '--' (if an .npmrc or the environment sets npm_config_stage, unset it)",
    );
  });

  it('takes --stage= (empty) with the empty word npm wrote after it out of the line', () => {
    const [problem] = npmTookValues(synth, {}, [], [], { ...env, npm_config_stage: '' }, () => ['run', 'synth', '--stage', '', '--']);
    expect(problem?.hint).toBe(
      "write npm run synth -- --stage <value>: synth's options go after '--', each with its value (if an .npmrc or the environment sets npm_config_stage, unset it)",
    );
  });
});
