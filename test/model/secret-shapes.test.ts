import { describe, expect, it } from 'vitest';
import { encodedText } from '../../lib/model/secret-shapes.js';

describe('encodedText', () => {
  it('gives the printable text a value encodes in base64 or hex, and says which', () => {
    expect(encodedText(Buffer.from('password=Hunter2pw').toString('base64'))).toEqual({ text: 'password=Hunter2pw', encoding: 'base64' });
    expect(encodedText(Buffer.from('mysql://a:b@db').toString('hex'))).toEqual({ text: 'mysql://a:b@db', encoding: 'hex' });
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
