import { describe, expect, it } from 'vitest';
import { isProseReason } from '../../lib/model/secret-reasons.js';

describe('isProseReason', () => {
  it("takes a reason that names a secret's kind with a colon, then words, as prose", () => {
    for (const reason of ['password: managed by Vault', 'token: rotated by the CI job', 'api_key: restricted to our referrers'])
      expect(isProseReason(reason), reason).toBe(true);
  });

  it('takes no reason that holds a value as prose: a setting of one word, of a digit or a capital, written with =, a token, or encoded', () => {
    for (const reason of [
      'password: Hunter2xyzQ',
      'password: changeme',
      'password: hunter2 is the old one',
      'password: Managed by Vault',
      'password=managed by Vault',
      '"password": "managed by Vault"',
      'password: managed by Vault, ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5',
      Buffer.from('password=Hunter2xyzQ').toString('base64'),
      encodeURIComponent('password=Hunter2xyzQ'),
    ])
      expect(isProseReason(reason), reason).toBe(false);
  });

  it('takes no reason as prose that holds a passphrase after the colon, or a secret encoded among its words', () => {
    // were prose: the words after the colon had no sentence in them, or the base64 / URL encoding after the prose went unread
    for (const reason of [
      'password: correct horse battery staple',
      'password: correct horse battery staple, this key is public',
      `password: managed by Vault ${Buffer.from('password=Hunter2xyzQ').toString('base64')}`,
      `password: managed by Vault, was ${encodeURIComponent('password=Hunter2xyzQ')}`,
      'password: kept in Vault, Sup3rS3cretPw',
    ])
      expect(isProseReason(reason), reason).toBe(false);
    for (const reason of [
      'password: managed by Vault, this key is public',
      'password: stored in vault.example.com/db',
      'token: issued by OAuth2Proxy on 2024-06-01, v1.2.3',
    ])
      expect(isProseReason(reason), reason).toBe(true);
  });

  it('takes a reason that looks secret in nothing as no prose of a secret: the caller screens only what was found', () => {
    expect(isProseReason('a public test key')).toBe(false);
  });
});
