import { describe, expect, it } from 'vitest';
import { progress, type Io } from '../../lib/cli/main.js';

/** A terminal's stderr `columns` wide, and what was written to it. */
function terminal(columns: number | undefined) {
  let written = '';
  const io: Io = {
    cwd: '/',
    env: {},
    stdout: { write: () => {}, isTTY: true },
    stderr: { write: (t) => void (written += t), isTTY: true, columns },
    clock: () => 0,
  };
  return { io, written: () => written };
}

describe('progress', () => {
  it('cuts a line wider than the terminal to fit, so that clearing it clears all of it', () => {
    const t = terminal(40);
    const line = progress(t.io, 0);
    line.update(`check: reading ${'deep/'.repeat(20)}file.yaml (1/2)`);
    line.during(() => undefined);
    // a line that wrapped onto a second row was cleared only on that row: every update left a row above
    const [shown] = t
      .written()
      .split('\r\x1b[2K')
      .filter((s) => s !== '');
    expect(shown).toBe(`check: reading ${'deep/'.repeat(20)}`.slice(0, 38) + '…');
    expect([...shown!].length).toBeLessThan(40);
  });

  it('counts a wide character (CJK) as two columns', () => {
    const t = terminal(12);
    progress(t.io, 0).update('check: 中文中文中文');
    expect(t.written()).toBe('\r\x1b[2Kcheck: 中…'); // 7 + 2 columns and the …: 10 of the 11 a line may take
  });

  it('counts an emoji of any block as two columns (🚀, 🫠, ⌚), a flag as two, so that the line never wraps', () => {
    // 🚀 (U+1F680) was counted one column: 'check: 🚀🚀🚀…' took 14 columns of 12 and wrapped
    for (const [emoji, shown] of [
      ['🚀', 'check: 🚀…'],
      ['🫠', 'check: 🫠…'],
      ['⌚', 'check: ⌚…'],
    ]) {
      const t = terminal(12);
      progress(t.io, 0).update(`check: ${emoji!.repeat(5)}`);
      expect(t.written()).toBe(`\r\x1b[2K${shown}`);
    }
    // a flag's two regional indicators take two columns, not four: it fits in 9 of 10
    const flag = terminal(10);
    progress(flag.io, 0).update('check: 🇫🇷');
    expect(flag.written()).toBe('\r\x1b[2Kcheck: 🇫🇷');
  });

  it('shows a line that fits, or on a terminal of unknown width, as it is', () => {
    const fits = terminal(80);
    progress(fits.io, 0).update('synth: compiling qa (1/2)');
    expect(fits.written()).toBe('\r\x1b[2Ksynth: compiling qa (1/2)');
    const unknown = terminal(undefined);
    progress(unknown.io, 0).update(`check: reading ${'x'.repeat(300)}`);
    expect(unknown.written()).toBe(`\r\x1b[2Kcheck: reading ${'x'.repeat(300)}`);
  });

  it("writes a control character of a file's name as its escape, never to the terminal", () => {
    const t = terminal(80);
    progress(t.io, 0).update('check: reading evil\x1b]0;owned\x07.yaml (1/1)');
    expect(t.written()).toBe('\r\x1b[2Kcheck: reading evil\\x1b]0;owned\\x07.yaml (1/1)');
  });
});
