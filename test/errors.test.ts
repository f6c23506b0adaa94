/** Problems as text (lib/errors.ts): what a hostile name in one prints. */
import { describe, expect, it } from 'vitest';
import { MAX_SHELL_WORD, escapeControls, escapeName, formatLabelledProblem, formatProblem, hexEscape, shellWord } from '../lib/errors.js';

describe('formatProblem', () => {
  it('escapes the control characters a terminal acts on in the place, the message, the lines it lists and the hint, each listed line indented', () => {
    const text = formatProblem({
      code: 'x',
      location: { file: 'environments/x\x1b[2J\ny.yaml', line: 1, column: 1 },
      message: "the key 'a\x1b]0;owned\x07b' is unknown:",
      lines: ['a\rb\x9b'],
      hint: 'rename \x1b[31mit',
    });
    expect(text).toBe(
      "environments/x\\x1b[2J\\ny.yaml:1:1: the key 'a\\x1b]0;owned\\x07b' is unknown:\n  a\\rb\\x9b\n  hint: rename \\x1b[31mit",
    );
  });

  it('escapes a line feed that does not start an indented line, so that a key holding one cannot forge a problem line of its own', () => {
    const text = formatLabelledProblem({
      code: 'config/unknown-key',
      location: { file: 'environments/x.yaml', line: 2, column: 1 },
      message: 'a\nenvironments/x.yaml:9:9: error: forged\nb is not a known setting',
      hint: 'the stages are: lab, x\ny',
    });
    expect(text).toBe(
      'environments/x.yaml:2:1: error: a\\nenvironments/x.yaml:9:9: error: forged\\nb is not a known setting\n  hint: the stages are: lab, x\\ny',
    );
    expect(text.split('\n')).toHaveLength(2);
  });

  it('escapes a line feed before two spaces too, so that a name cannot forge an indented hint: line; only the lines a problem lists are indented', () => {
    const text = formatLabelledProblem({
      code: 'refs/config-map',
      location: { file: 'm.yaml', line: 9, column: 7 },
      message:
        "Pod default/web: spec.containers[0].envFrom[0].configMapRef.name: no ConfigMap 'cfg\n  hint: forged, run kubectl delete ns prod'",
      hint: 'make it',
    });
    expect(text).toBe(
      "m.yaml:9:7: error: Pod default/web: spec.containers[0].envFrom[0].configMapRef.name: no ConfigMap 'cfg\\n  hint: forged, run kubectl delete ns prod'\n  hint: make it",
    );
    const listed = formatProblem({
      code: 'promote/stale',
      message: 'dist/qa is stale:',
      lines: ['changed: dist/qa/a.yaml', 'missing: dist/qa/b\n  hint: x'],
    });
    expect(listed).toBe('dist/qa is stale:\n  changed: dist/qa/a.yaml\n  missing: dist/qa/b\\n  hint: x');
  });
});

describe('escapeControls', () => {
  it('leaves text without control characters as it is, backslashes and tabs included', () => {
    expect(escapeControls('dist/qa/10-demoapp.yaml: ünïcode\ttab, a \\ as \\\\')).toBe(
      'dist/qa/10-demoapp.yaml: ünïcode\ttab, a \\ as \\\\',
    );
  });
});

describe('escapeName', () => {
  it('writes a name on one line, the tab, the line feed and DEL escaped', () => {
    expect(escapeName('npm run synth -- a\tb\nc\x7f')).toBe('npm run synth -- a\\tb\\nc\\x7f');
  });

  it('escapes a backslash as \\\\, so that a name holding the text \\x1b prints otherwise than one holding ESC (as git quotes a path)', () => {
    expect(escapeName('x\\x1b')).toBe('x\\\\x1b');
    expect(escapeName('x\x1b')).toBe('x\\x1b');
  });
});

describe('hexEscape', () => {
  it('writes a character as \\xNN up to 0xff, else as \\uNNNN', () => {
    expect([hexEscape('\x1b'), hexEscape('\x9b'), hexEscape('\u2028')]).toEqual(['\\x1b', '\\x9b', '\\u2028']);
  });
});

describe('shellWord', () => {
  it('leaves a plain path as it is, quotes any other for a POSIX shell, and keeps a leading - from being an option', () => {
    expect(shellWord('dist/qa/10-demoapp.yaml')).toBe('dist/qa/10-demoapp.yaml');
    expect(shellWord('/home/me/my project')).toBe("'/home/me/my project'");
    expect(shellWord("it's $HOME `x` ü")).toBe("'it'\\''s $HOME `x` ü'");
    expect(shellWord('-rf')).toBe('./-rf');
  });

  it('gives no word for a path a hint could not print as it is: one holding a control character, one over MAX_SHELL_WORD characters', () => {
    expect(shellWord('/tmp/a\nb')).toBeUndefined();
    expect(shellWord('dist/x\x1b[2J')).toBeUndefined();
    expect(shellWord(`/${'a'.repeat(MAX_SHELL_WORD - 1)}`)).toBe(`/${'a'.repeat(MAX_SHELL_WORD - 1)}`);
    expect(shellWord(`/${'a'.repeat(MAX_SHELL_WORD)}`)).toBeUndefined();
    // asked again: no state is kept between calls
    expect(shellWord('/tmp/a\nb')).toBeUndefined();
    expect(shellWord('my\tfile')).toBe("'my\tfile'");
  });
});
