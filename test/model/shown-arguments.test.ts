/** Words of a command line as messages and the project's lock show them (lib/model/shown-arguments.ts). */
import { describe, expect, it } from 'vitest';
import { bareArgument, lineArgument, linePath, shownArgument, withoutSecretWords } from '../../lib/model/shown-arguments.js';

// a GitHub token's shape (the secret rules' github-token), made up
const TOKEN = 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB';

describe('shownArgument', () => {
  it('quotes a word as it is, and one of more than 60 characters cut in the middle, saying its length', () => {
    expect(shownArgument('qa')).toBe("'qa'");
    expect(shownArgument('q'.repeat(5000))).toBe(`'${'q'.repeat(29)}…${'q'.repeat(29)} (5000 characters)'`);
  });

  it('quotes a path whole, given no bound', () => {
    expect(shownArgument(`/tmp/${'d'.repeat(100)}/x.yaml`, Infinity)).toBe(`'/tmp/${'d'.repeat(100)}/x.yaml'`);
  });

  it('says a word that holds a secret by what it looks like, never its text', () => {
    expect(shownArgument(TOKEN)).toBe('(a 42-character argument that looks like a GitHub token, hidden)');
  });

  it('writes a character that prints as nothing or turns the line around as its escape', () => {
    expect(shownArgument('qa\u202e')).toBe("'qa\\u202e'");
    expect(shownArgument('q\u200ba')).toBe("'q\\u200ba'");
    expect(bareArgument('--for\u200bmat')).toBe('--for\\u200bmat');
  });
});

describe('bareArgument', () => {
  it('names a word unquoted, cut or hidden as shownArgument does', () => {
    expect(bareArgument('--format')).toBe('--format');
    expect(bareArgument(TOKEN)).toBe(shownArgument(TOKEN));
  });
});

describe('lineArgument and linePath', () => {
  it('write a word as a command line gives it, and none that holds a secret', () => {
    expect(lineArgument('--stage=qa')).toBe('--stage=qa');
    expect(lineArgument('a b')).toBe("'a b'");
    expect(linePath('-x.yaml')).toBe('./-x.yaml');
    expect(lineArgument(TOKEN)).toBeUndefined();
    expect(lineArgument(`--stage=${TOKEN}`)).toBeUndefined();
    expect(linePath(`dist/${TOKEN}`)).toBeUndefined();
  });

  it('write none holding a character that prints as nothing or turns the line around, which no line to copy can show', () => {
    expect(lineArgument('qa\u202e')).toBeUndefined();
    expect(lineArgument('--stage=q\u200ba')).toBeUndefined();
    expect(linePath('dist/qa\u2066')).toBeUndefined();
  });
});

describe('withoutSecretWords', () => {
  it('keeps a command line as it is but each word that holds a secret, as (hidden)', () => {
    expect(withoutSecretWords('npm run synth -- --stage qa')).toBe('npm run synth -- --stage qa');
    expect(withoutSecretWords(`node lib/cli/run.cjs promote dev qa --app ${TOKEN}`)).toBe(
      'node lib/cli/run.cjs promote dev qa --app (hidden)',
    );
  });
});
