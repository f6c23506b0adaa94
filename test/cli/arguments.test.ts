/**
 * A word of the command line as the commands' messages quote it (lib/model/shown-arguments.ts `shownArgument`): a token
 * pasted in the wrong place is never printed back, and a very long word is quoted cut.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, releaseHeldLocks } from '../../lib/cli/lock.js';
import { openProject } from '../../lib/cli/open-project.js';
import { fixtureProject, runCli } from '../helpers/cli.js';

// a GitHub token's shape (the secret rules' github-token), made up
const TOKEN = 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB';
const HIDDEN = '(a 42-character argument that looks like a GitHub token, hidden)';

describe('a secret given on the command line', () => {
  it.each([
    ['secrets', ['qa', TOKEN], `error: secrets takes <stage>: ${HIDDEN} is one too many (found 'qa' ${HIDDEN})`],
    ['diff', [TOKEN], `error: there is no stage ${HIDDEN}`],
    ['synth', ['--stage', TOKEN], `error: there is no stage ${HIDDEN}`],
    ['promote', [TOKEN, 'qa'], `error: there is no stage ${HIDDEN}`],
    ['switch', [TOKEN], `error: switch takes <stage> <app>: <app> is missing (found ${HIDDEN})`],
    ['check', ['--format', TOKEN, 'dist'], `error: --format must be one of text, json, sarif (found ${HIDDEN})`],
    ['check', [TOKEN], `error: there is no file or directory ${HIDDEN}`],
    ['promote', ['dev', 'test', '--force', '--app', TOKEN], `environments/dev.yaml:3:1: error: stage dev deploys no app ${HIDDEN}`],
    ['switch', ['qa', TOKEN], `environments/qa.yaml:4:1: error: stage qa deploys no app ${HIDDEN}`],
    ['synth', [`--verbose=${TOKEN}`], `error: option '--verbose' takes no value (found ${HIDDEN})`],
    [
      'check',
      ['--format', 'json', '--format', TOKEN, 'dist'],
      `error: option '--format' is given twice ('json', then ${HIDDEN}), and it takes one value`,
    ],
    // the line a hint gives to write instead, and the value a hint offers, leave it out too
    [
      'synth',
      ['qa', '--', '--verbose', TOKEN],
      "error: '--verbose' follows a second '--' (the first is npm's), after which synth reads every word as an argument, not as an option",
    ],
    [
      'promote',
      ['dev', 'test', '--app', `-${TOKEN}`],
      `error: option '--app' needs a value (found the option ${HIDDEN.replace('42', '43')})`,
    ],
    ['promote', [TOKEN, TOKEN], `error: promote takes two different stages, <from> and <to> (found ${HIDDEN} twice)`],
    [
      'check',
      ['--object-exists', TOKEN, 'dist'],
      `error: --object-exists takes ClusterSecretStore/<name>, ClusterIssuer/<name>, SecretStore/<namespace>/<name>, Issuer/<namespace>/<name>, Deployment/<namespace>/<name>, Service/<namespace>/<name> or Gateway/<namespace>/<name> (found ${HIDDEN})`,
    ],
    [
      'check',
      ['--no-cache', 'dist', TOKEN],
      'error: --no-cache is for npm run check without paths, which compiles every stage (afresh with it); checking files compiles nothing and reads no cache, so it would change nothing',
    ],
    ['check', ['environments', '--', '--format', TOKEN], "error: there is no file or directory '--format'"],
  ])('%s %j is refused by what it looks like, never printed back', (command, args, first) => {
    const r = runCli(command, args, fixtureProject(['dev', 'qa', 'test']));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(first);
    expect(r.stderr + r.stdout).not.toContain(TOKEN.slice(4, 20));
  });
});

describe('a secret given as the release to switch to', () => {
  it('is said by what it looks like where the version the idle color runs is compared with it', () => {
    const dir = fixtureProject(['dev', 'test', 'qa', 'production']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const r = runCli('switch', ['production', 'demoapp', '--release', `demoapp:${TOKEN}`], dir);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      `environments/production.yaml:8:54: error: Deployment production/demoapp-green in dist/production runs version 1, not ${HIDDEN}`,
    );
    expect(r.stderr + r.stdout).not.toContain(TOKEN.slice(4, 20));
  });
});

describe('a very long word', () => {
  it('names a stage that has none by its word cut, without its file name of the whole word', () => {
    const r = runCli('diff', ['q'.repeat(5000)], fixtureProject(['dev', 'qa']));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`error: there is no stage '${'q'.repeat(29)}…${'q'.repeat(29)} (5000 characters)'`);
  });

  it.each([
    ['--json', 'format', 'json'],
    ['--sarif', 'format', 'sarif'],
    ['--restricted', 'pod-security', 'restricted'],
  ])('check %s, a value given as an option of its own, is refused with the option that takes it', (word, option, value) => {
    const r = runCli('check', [word, 'dist'], fixtureProject(['dev']));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      `error: unknown option '${word}'; did you mean '--${option} ${value}'?`,
      `  hint: write --${option} ${value}; npm run check -- --help lists the options`,
    ]);
  });
});

describe('a value given as an option of its own, its option given too', () => {
  it('is refused without the hint to give that option again (check --json --format sarif)', () => {
    const r = runCli('check', ['--json', '--format', 'sarif', 'environments'], fixtureProject(['dev']));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      "error: unknown option '--json', a value of --format, which is given too",
      '  hint: leave --json out, or give it as --format json in place of the other; npm run check -- --help lists the options',
    ]);
  });
});

describe("a writer's command line in the project's lock", () => {
  it('keeps each word that holds a secret as (hidden): other commands print it, and a killed command leaves it', () => {
    const dir = fixtureProject(['dev', 'qa']);
    try {
      const project = openProject(dir, { writer: `promote -- dev qa --app ${TOKEN}`, log: () => {} });
      expect(project.writer).toBe('npm run promote -- dev qa --app (hidden)');
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ command: 'npm run promote -- dev qa --app (hidden)' });
    } finally {
      releaseHeldLocks();
    }
  });
});
