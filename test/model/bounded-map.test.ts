import { describe, expect, it, vi } from 'vitest';
import { BoundedMap } from '../../lib/model/bounded-map.js';
import { detectSecret } from '../../lib/model/secret-rules.js';

describe('BoundedMap', () => {
  it('never holds more than its limit, and keeps what it was given until it empties', () => {
    const m = new BoundedMap<number, string>(3);
    for (let i = 0; i < 3; i++) expect(m.remember(i, `v${i}`)).toBe(`v${i}`);
    m.set(1, 'again'); // a key already there: nothing is dropped
    expect([...m]).toEqual([
      [0, 'v0'],
      [1, 'again'],
      [2, 'v2'],
    ]);
    m.set(3, 'v3');
    expect([...m]).toEqual([[3, 'v3']]);
    for (let i = 0; i < 100; i++) m.set(i, '');
    expect(m.size).toBeLessThanOrEqual(3);
  });
});

describe('detectSecret, judged once per value', () => {
  it('gives the same verdict the second time, for secrets and ordinary values', () => {
    const values = ['postgres://user:hunter2@db:5432/x', 'localhost:5000/zyxist/moj-obraz', 'app-0001-production'];
    const first = values.map(detectSecret);
    expect(first.map((m) => m?.rule.id)).toEqual(['url-credentials', undefined, undefined]);
    expect(values.map(detectSecret)).toEqual(first);
  });
});

describe('the verdicts on a text, remembered by the exact text', () => {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const hex = (text: string) => Buffer.from(text).toString('hex');
  // a secret, and a text alike that holds none: of the same length, the same but for the case of a letter or of every letter,
  // for one character, or for a blank after it; a memo keyed on anything but the exact text serves one the other's verdict
  const PAIRS: readonly (readonly [secret: string, none: string])[] = [
    [base64('password=Hunter2pw'), base64('pAssword=Hunter2pw')],
    [base64('password=Hunter2pw'), base64('password=Hunter2pw').toLowerCase()],
    [base64('password=Hunter2pw'), base64('passwore=Hunter2pw')],
    [base64('password=Hunter2pw'), `${base64('password=Hunter2pw')} `],
    [hex('mysql://a:Hunter2pw@db'), `${hex('mysql://a:Hunter2pw@db').slice(0, -1)}g`],
    ['https://a:Hunter2pw@db.example.com', 'https://a.Hunter2pw@db.example.com'],
  ];

  /** The rule each text is found by, written or encoded (`none`), judged in turn by a module loaded afresh: nothing remembered before. */
  async function judgedInTurn(texts: readonly string[]): Promise<string[]> {
    vi.resetModules();
    const { detectEncodedSecret, detectSecretOrEncoded } = await import('../../lib/model/secret-rules.js');
    return texts.map((t) => `${detectSecretOrEncoded(t)?.rule.id ?? 'none'} ${detectEncodedSecret(t)?.given ?? 'as written or none'}`);
  }

  it('gives each text its own verdict, whichever of two texts alike was judged first, and the same verdict when judged again', async () => {
    for (const [secret, none] of PAIRS) {
      const [found] = await judgedInTurn([secret]);
      const [passed] = await judgedInTurn([none]);
      expect(passed, none).toBe('none as written or none');
      expect(found, secret).not.toMatch(/^none/);
      expect(await judgedInTurn([secret, none, secret, none]), secret).toEqual([found, passed, found, passed]);
      expect(await judgedInTurn([none, secret, none, secret]), secret).toEqual([passed, found, passed, found]);
    }
  });
});
