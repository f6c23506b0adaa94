/** Problems as text (lib/errors.ts): what a hostile name in one prints. */
import { describe, expect, it } from 'vitest';
import { escapeControls, formatProblem } from '../lib/errors.js';

describe('formatProblem', () => {
  it('escapes the control characters a terminal acts on in the place, the message and the hint, keeping the lines it was written with', () => {
    const text = formatProblem({
      code: 'x',
      location: { file: 'environments/x\x1b[2J\ny.yaml', line: 1, column: 1 },
      message: "the key 'a\x1b]0;owned\x07b' is unknown:\n  a\rb\x9b",
      hint: 'rename \x1b[31mit',
    });
    expect(text).toBe(
      "environments/x\\x1b[2J\\ny.yaml:1:1: the key 'a\\x1b]0;owned\\x07b' is unknown:\n  a\\rb\\x9b\n  hint: rename \\x1b[31mit",
    );
  });
});

describe('escapeControls', () => {
  it('leaves text without control characters as it is, and a name on one line', () => {
    expect(escapeControls('dist/qa/10-demoapp.yaml: ünïcode\ttab')).toBe('dist/qa/10-demoapp.yaml: ünïcode\ttab');
    expect(escapeControls('npm run synth -- a\tb\nc\x7f', { name: true })).toBe('npm run synth -- a\\tb\\nc\\x7f');
  });
});
