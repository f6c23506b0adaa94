/** How the secret-setting rule reads a setting written as text (lib/model/secret-setting-text.ts). */
import { describe, expect, it } from 'vitest';
import { detectSecret } from '../../lib/model/secret-rules.js';
import { expectRule } from '../helpers/secret-rules.js';

describe('a YAML key nested under another', () => {
  it("is judged by the name it has with its parent's when its last word is said by the words before it: a CSRF token's id, a TLS Secret's name", () => {
    expectRule(
      'secret-setting',
      [
        // a CSRF token's id of a password's mix, a token's id under another parent, and one at the top
        'csrf:\n  token-id: Xk9vQ2mLr7pT\n',
        'vault:\n  token-id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n',
        'token-id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n',
        // a sibling of the parent, not its child
        'csrf:\n  enabled: true\ntoken-id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n',
        // a secret's own name is one whatever encloses it: a bound's parent makes no password a number of a bound
        'jwt:\n  secret: my-jwt-secret\n',
        'max:\n  password: 12345678\n',
        'csrf:\n  password: hunter2xyz\n',
      ],
      [
        'csrf:\n  token-id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n',
        'security:\n  csrf:\n    enabled: true\n    token-id: authenticate\n  other: x\n',
        'xsrf:\n  - token-id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n',
        'ingress:\n  tls:\n    secret: web-tls\n',
      ],
    );
  });

  // `key` alone names nothing; under `api:` it is an API key's (`api.key`, as `API_KEY`), under `tls:` a TLS key's, whose path passes
  it("is judged by the name it has with its parent's when it names nothing alone: an API key under api:, not a TLS key's path", () => {
    expectRule(
      'secret-setting',
      [
        'api:\n  key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'api:\n  key: 5f4dcc3b5aa765d61d8327deb882cf99\n',
        'server:\n  api:\n    enabled: true\n    key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        '- api:\n    key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'tls:\n  key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'jwt:\n  secret: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        // a Secret's parent with a value that is no key's name
        'secret:\n  key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
      ],
      [
        'tls:\n  key: /etc/tls/tls.key\n',
        'ssh:\n  key: ~/.ssh/id_rsa\n',
        'api:\n  key: /var/run/secrets/api.key\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference, no value
        'api:\n  key: ${API_KEY}\n',
        'cache:\n  key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'api:\n  enabled: true\nkey: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        // a Secret's key, named under a Secret or a reference to one
        'env:\n  - name: A\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\n',
        'existingSecret:\n  name: db\n  key: db-password\n',
        'secret:\n  name: db-creds\n  key: DB_PASSWORD\n',
      ],
    );
    expect(detectSecret('api:\n  key: Xk9vQ2mLr7pTq8Zw3Hn5\n')?.setting).toBe('key');
  });

  // a value's field names nothing alone either (`value`): under a secret's name it is that secret's (`password.value`, as
  // `PASSWORD_VALUE`); a version or a stage between an API and its key says nothing of it (`api:`, `v1:`, `key:` is `api.key`)
  it("is judged by its parent's name when it is a value's field, and through a version's or a stage's key to the name above", () => {
    expectRule(
      'secret-setting',
      [
        'secret:\n  value: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'secret:\n  name: db\n  value: hunter2xyz\n',
        'db:\n  password:\n    value: Xk9vQ2mLr7pT\n',
        'api:\n  v1:\n    key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'api:\n  prod:\n    key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'stripe:\n  live:\n    secret: Xk9vQ2mLr7pTq8Zw3Hn5\n',
      ],
      [
        'threshold:\n  value: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'value: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'env:\n  - name: LOG_LEVEL\n    value: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'api:\n  cache:\n    key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'cache:\n  v1:\n    key: Xk9vQ2mLr7pTq8Zw3Hn5\n',
        'api:\n  v1:\n    key: /etc/api/v1.key\n',
        'secret:\n  v1:\n    key: DB_PASSWORD\n',
      ],
    );
  });

  it('says the setting by its own name, as written', () => {
    expect(detectSecret('csrf:\n  token-id: Xk9vQ2mLr7pT\n')?.setting).toBe('token-id');
  });
});
