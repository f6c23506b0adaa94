import { describe, expect, it } from 'vitest';
import { encodedText } from '../../lib/model/secret-shapes.js';

describe('encodedText', () => {
  it('gives the printable text a value encodes in base64 or hex, and says which', () => {
    expect(encodedText(Buffer.from('password=Hunter2pw').toString('base64'))).toEqual({ text: 'password=Hunter2pw', encoding: 'base64' });
    expect(encodedText(Buffer.from('mysql://a:b@db').toString('hex'))).toEqual({ text: 'mysql://a:b@db', encoding: 'hex' });
  });

  it('reads base64 without its padding, in the URL-safe alphabet, and wrapped at a column, as tools write it', () => {
    const text = 'db_password=Hunter2?>pw~x';
    const padded = Buffer.from(text).toString('base64');
    expect(padded).toMatch(/=$/);
    const url = Buffer.from(text).toString('base64url');
    expect(url).toMatch(/[-_]/);
    const file = `[default]\naws_secret_access_key = ${'Hunter2pw'.repeat(5)}\n`;
    const wrapped = Buffer.from(file)
      .toString('base64')
      .replace(/.{1,76}/g, '$&\n');
    expect(wrapped.split('\n').length).toBeGreaterThan(2);
    for (const [value, meant] of [
      [padded.replace(/=+$/, ''), text],
      [url, text],
      [wrapped, file],
      [wrapped.replace(/\n/g, '\r\n'), file],
    ])
      expect(encodedText(value), value).toEqual({ text: meant, encoding: 'base64' });
    // names of words joined by '-' or '_', lines of words, and a last quad of one character decode to no text
    for (const value of [
      'kube-system-config-map',
      'app_config_name_v2_x',
      'alpha\nbeta\ngamma\ndelta\n',
      `${padded.replace(/=+$/, '')}QUFBQ`,
    ])
      expect(encodedText(value), value).toBeUndefined();
  });

  it('gives the text a value percent-encodes (a URL or a setting written URL-encoded), and nothing for a URL that only escapes a path', () => {
    expect(encodedText('postgres%3A%2F%2Fapp%3AHunter2pwXq%40db%2Fshop')).toEqual({
      text: 'postgres://app:Hunter2pwXq@db/shop',
      encoding: 'URL encoding',
    });
    expect(encodedText('password%3DHunter2pwXq')).toEqual({ text: 'password=Hunter2pwXq', encoding: 'URL encoding' });
    // a value with no escape of a delimiter, or one that is no valid escape, is read as it is
    for (const value of ['report 100%', 'caf%C3%A9 au lait', 'a%ZZb%3', '%E0%A4%A']) expect(encodedText(value), value).toBeUndefined();
  });

  it('gives nothing for what decodes to bytes rather than text: a digest, a git commit, a key', () => {
    for (const value of [
      '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      '7f69361c2d4b8e0a1f3e5d6c7b8a9f0e1d2c3b4a',
      'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
    ])
      expect(encodedText(value)).toBeUndefined();
  });
});
