import { describe, expect, it } from 'vitest';
import { countSecrets, detectSecrets } from '../../lib/model/value-secrets.js';
import { PUBLIC_CERTIFICATE, SECRET_SAMPLES } from '../helpers/secret-samples.js';

describe("a value's secrets, each once", () => {
  it('countSecrets counts the secrets of a value once each, however many rules match them: a private key whole, a second setting apart', () => {
    const body = Array.from({ length: 6 }, (_, i) => `MIIEpAIBAAKCAQEAx9f2${i}q8ZrT3vX0pLm2Nk7Yb4Wc9Fh1Jd6Gs5Ae8Ru0Tz3Iv${i}`).join('\n');
    expect(countSecrets(`-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`)).toBe(1);
    const maps = SECRET_SAMPLES['google-api-key']!;
    expect(countSecrets(`maps_api_key = ${maps}\n`)).toBe(1);
    expect(countSecrets(`maps_api_key = ${maps}\ndb_password = Hunter2!xyz\n`)).toBe(2);
    expect(countSecrets(`${PUBLIC_CERTIFICATE}\nmaps_api_key = ${maps}\n`)).toBe(1);
  });

  it('detectSecrets says each secret of a value once, in the order written: a private key whole, a flag and its word one, a second setting apart', () => {
    const said = (value: string, inExample = false) => detectSecrets(value, inExample).map((m) => `${m.rule.id} ${m.setting ?? ''}`.trim());
    const body = Array.from({ length: 6 }, (_, i) => `MIIEpAIBAAKCAQEAx9f2${i}q8ZrT3vX0pLm2Nk7Yb4Wc9Fh1Jd6Gs5Ae8Ru0Tz3Iv${i}`).join('\n');
    expect(said(`-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`)).toEqual(['private-key']);
    const maps = SECRET_SAMPLES['google-api-key']!;
    expect(said(`maps_api_key = ${maps}\n`)).toHaveLength(1);
    expect(said(`db_password = Hunter2!xyz\nmaps_api_key = ${maps}\n`)).toEqual([
      'secret-setting db_password',
      said(`maps_api_key = ${maps}\n`)[0],
    ]);
    expect(said(SECRET_SAMPLES['provider-token']!)).toHaveLength(1);
    expect(said('run --db-password=Sup3rS3cretPw --token Xk9vQ2mLr7pTq8Zw3Hn5')).toHaveLength(2);
    expect(said('LOG_LEVEL=info\nname: web\n')).toEqual([]);
    // in a file of examples, its examples' values are none
    expect(said('DB_PASSWORD=changeme\nSMTP_PASSWORD=Xk9vQ2mLr7pT\nAPI_TOKEN=Xk9vQ2mLr7pTq8Zw\n', true)).toEqual([
      'secret-setting SMTP_PASSWORD',
      'secret-setting API_TOKEN',
    ]);
    // all of them, in the order written, whatever rule found each: none dropped for a rule's being later in SECRET_RULES
    const many = [
      'AWS_ACCESS_KEY_ID=AKIAQ3EGRZ5ZKX7LMN4P',
      ...Array.from({ length: 40 }, (_, i) => `PASSWORD_${i}=Xk9vQ2mLr7pT${i}`),
      'GITHUB=ghp_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f',
    ].join('\n');
    const all = said(many);
    expect(all).toHaveLength(42);
    expect([all[0], all[1], all[16], all[41]]).toEqual([
      'aws-access-key-id',
      'secret-setting PASSWORD_0',
      'secret-setting PASSWORD_15',
      'github-token',
    ]);
    expect(countSecrets(many)).toBe(42);
  });
});
