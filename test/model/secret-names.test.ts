/** Which names hold a secret (lib/model/secret-names.ts), and which annotations (secret-field-names.ts). */
import { describe, expect, it } from 'vitest';
import { detectSecret, isSecretAnnotation, isSecretName, isSecretSetting } from '../../lib/model/secret-rules.js';

describe('secret-looking key names', () => {
  it.each([
    'DB_PASSWORD',
    'DB_PASS',
    'PWD',
    'MYSQL_ROOT_PASSWD',
    'SSH_KEY',
    'TLS_KEY',
    'tls.key',
    'GITHUB_TOKEN',
    'CLIENT_SECRET',
    'apiKey',
    'API_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'PRIVATE_KEY',
    'db-credentials',
    'signingKey',
    'passphrase',
    'token',
    'requirepass',
    'masterauth',
    'MYSQL_ROOTPASSWORD',
    'authtoken',
    'clientSecret',
    'REDIS_AUTH',
    'AUTH',
    'DB_AUTH',
    'basicAuth',
    // a secret's word numbered, as a second password is named
    'PASSWORD2',
    'DB_PASSWORD1',
    'apiKey2',
    'DB_PW2',
    // a secret's word in the plural, a list or map of them, alone, in a compound or run together
    'passwords',
    'db_passwords',
    'DB_PASSWORDS',
    'adminPasswords',
    'dbpasswords',
    'passphrases',
    'pwds',
    'apiKeys',
    'API_KEYS',
    'apikeys',
    'secretKeys',
    'accessKeys',
    'privateKeys',
    'sshKeys',
    'signingKeys',
    'encryptionKeys',
    // `pass` run together with whose it is, as images and scripts name it
    'DBPASS',
    'rootpass',
    'SMTPPASS',
  ])('%s holds a secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'LOG_LEVEL',
    'CERT',
    'CA_CERT',
    'tls.crt',
    'PASSWORD_FILE',
    'SECRET_NAME',
    'TOKEN_URL',
    'KEY',
    'SORT_KEY',
    'CACHE_KEY',
    'PASSENGER_COUNT',
    'DB_HOST',
    'secretKeyRef',
    'APP_ENVIRONMENT',
    'SSH_KEY_PATH',
    'bypass',
    'COMPASS_HEADING',
    'authtoken-file',
    'AUTH_URL',
    'AUTH_MODE',
    'AUTH_ENABLED',
    'OAUTH_ENABLED',
    'OAUTH',
    'AUTHOR',
    'OAUTH2',
    'SHA256',
    // Auth0, the identity provider, is no `auth` numbered
    'AUTH0',
    'auth0',
    'SSO_AUTH0',
    'ENABLE_AUTH0',
    // plurals of other words, keys that are no secret's, a Secret's or its key's name, Vault's userpass method
    'passes',
    'bypasses',
    'keys',
    'publicKeys',
    'sshAuthorizedKeys',
    'sortKeys',
    'primaryKeys',
    'hotkeys',
    'keyRef',
    'keyRefs',
    'secretName',
    'passwordPolicy',
    'passwordPolicies',
    'userpass',
  ])('%s does not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  it("a digest named by its algorithm under a password's, a secret's or a token's hash is the secret (unsalted, it gives the password), under a pin's name no secret", () => {
    const digest = `sha256:${'9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'}`;
    expect(['ADMIN_PASSWORD_HASH', 'API_TOKEN_HASH', 'CLIENT_SECRET_HASH', 'DB_PW_HASH'].filter((n) => isSecretSetting(n, digest))).toEqual(
      ['ADMIN_PASSWORD_HASH', 'API_TOKEN_HASH', 'CLIENT_SECRET_HASH', 'DB_PW_HASH'],
    );
    expect(['DISCOVERY_TOKEN_CA_CERT_HASH', 'discovery-token-ca-cert-hash'].filter((n) => isSecretSetting(n, digest))).toEqual([]);
    expect(detectSecret(`ADMIN_PASSWORD_HASH=${digest}`)?.rule.id).toBe('secret-setting');
  });

  it("a value that is a template's reference or a placeholder holds no secret under any name, but a secret beside one does", () => {
    for (const value of [
      '{{ .password }}',
      '((vault:db-password))',
      '#{DbPassword}#',
      '__DB_PASSWORD__',
      '[REDACTED]',
      '<your password>',
      '********',
    ])
      expect(isSecretSetting('DB_PASSWORD', value), value).toBe(false);
    for (const value of ['{{ .user }}hunter2kq{{ .host }}', 'Sup3rS3cret', '11111111'])
      expect(isSecretSetting('DB_PASSWORD', value), value).toBe(true);
  });

  it("a value of references and text is judged by the text it holds with them unset: Kubernetes' dependent variables, a shell's defaults", () => {
    // a path or a URL built from a variable, as Kubernetes expands $(VAR) in an env value or an argument
    for (const [name, value] of [
      ['DB_PASSWORD_FILE', '$(SECRETS_DIR)/db-password'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's expansion
      ['POSTGRES_PASSWORD_FILE', '${SECRETS_DIR}/pg'],
      ['TOKEN_URL', '$(BASE_URL)/oauth/token'],
      ['password-file', '$(SECRETS_DIR)/db-password'],
      ['DB_PASSWORD', '$(DB_PASSWORD_1)$(DB_PASSWORD_2)'],
    ])
      expect(isSecretSetting(name!, value!), name).toBe(false);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's expansion
    for (const value of ['$(PREFIX)Hunter2xyz', '${DB_PASSWORD:-Hunter2xyz}', 'Pa$word2024'])
      expect(isSecretSetting('DB_PASSWORD', value), value).toBe(true);
  });

  it("a regular expression under a password's or a token's regex or pattern is no secret; any other value there is", () => {
    for (const [name, value] of [
      ['PASSWORD_REGEX', '^(?=.*[A-Z])(?=.*[0-9]).{8,}$'],
      ['passwordPattern', '[A-Za-z0-9]{12,}'],
      ['TOKEN_PATTERN', '\\d{6}'],
    ])
      expect(isSecretSetting(name!, value!), name).toBe(false);
    expect(isSecretSetting('PASSWORD_REGEX', 'Sup3rS3cret2024')).toBe(true);
    // a password that starts with `^` or ends with `$` is no regular expression
    expect(isSecretSetting('PASSWORD_REGEX', 'Hunter2$')).toBe(true);
    expect(isSecretSetting('password_pattern', '^Xk3q9Lm2Pz7w')).toBe(true);
    expect(isSecretSetting('PASSWORD_REGEX', '^.*$')).toBe(false);
    expect(detectSecret('PASSWORD_REGEX = "^(?=.*[A-Z])(?=.*[0-9]).{8,}$"\n')).toBeUndefined();
  });

  it('an empty value holds no secret under any name (a password left unset), a blank one neither', () => {
    for (const name of ['DB_PASSWORD', 'API_TOKEN', 'REDIS_AUTH', 'PASSWORD_FILE', 'MAX_AUTH_TOKEN'])
      for (const value of ['', ' ', '\t']) expect(isSecretSetting(name, value), `${name}: ${JSON.stringify(value)}`).toBe(false);
  });

  it('a name ending in AUTH holds a secret unless its value says how to authenticate: a method, a switch, a URL, a reference', () => {
    for (const name of ['REDIS_AUTH', 'AUTH', 'DB_AUTH']) expect(isSecretSetting(name, 'hunter2u'), name).toBe(true);
    const notSecret = [
      'basic',
      'none',
      'LOGIN',
      'scram-sha-256',
      'true',
      'off',
      '1',
      'https://auth.example.com/login',
      '$(REDIS_PASSWORD)',
    ];
    for (const value of notSecret) expect(isSecretSetting('REDIS_AUTH', value), value).toBe(false);
    // in the plural too, which names a secret as the word does (`secretWordOf`): not a secret where AUTH would hold none
    for (const name of ['REDIS_AUTHS', 'auths']) {
      for (const value of notSecret) expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(false);
      expect(isSecretSetting(name, 'hunter2u'), name).toBe(true);
    }
    // a method's word under another secret name is a (weak) password all the same
    expect(isSecretSetting('DB_PASSWORD', 'basic')).toBe(true);
    expect(detectSecret('[redis]\nauth = hunter2u\n')?.rule.id).toBe('secret-setting');
    expect(detectSecret('{"auths": {"registry.example.com": {"auth": "YWRtaW46aHVudGVyMg=="}}}')?.rule.id).toBe('secret-setting');
    expect(detectSecret('smtp_auth = login\nauth_mode: basic\noauth_enabled=true\nauth: none\n')).toBeUndefined();
  });

  it("1 and 0 are switches only under a switch's name, and request/need/want modes only under a client's or TLS's AUTH", () => {
    for (const name of ['DB_PASSWORD', 'API_TOKEN', 'REDIS_PASSWORD']) {
      expect(isSecretSetting(name, '1'), name).toBe(true);
      expect(isSecretSetting(name, '0'), name).toBe(true);
    }
    for (const name of ['MARIADB_ALLOW_EMPTY_ROOT_PASSWORD', 'MARIADB_RANDOM_ROOT_PASSWORD', 'SMTP_AUTH', 'USE_TOKEN'])
      expect(isSecretSetting(name, '1'), name).toBe(false);
    expect(isSecretSetting('REDIS_AUTH', 'want')).toBe(true);
    expect(isSecretSetting('KC_HTTPS_CLIENT_AUTH', 'want')).toBe(false);
    expect(isSecretSetting('server.ssl.client-auth', 'need')).toBe(false);
  });

  it("takes where a request carries a token for a property of it (Flask-JWT-Extended's JWT_TOKEN_LOCATION: headers), and a token there for one", () => {
    expect(isSecretSetting('JWT_TOKEN_LOCATION', 'headers')).toBe(false);
    expect(isSecretSetting('tokenLocations', 'headers, cookies')).toBe(false);
    expect(detectSecret('JWT_ALGORITHM=HS256\nJWT_TOKEN_LOCATION=headers\n')).toBeUndefined();
    expect(isSecretSetting('JWT_TOKEN_LOCATION', 'Xk9vQ2mLr7pT')).toBe(true);
  });

  it("a help text, a hint, a label or a message under a secret's name is no secret when it is words of a sentence; a token there is", () => {
    for (const [name, value] of [
      ['PASSWORD_HELP', 'Use at least 12 characters, with a digit.'],
      ['password_hint', 'The name of your first pet'],
      ['tokenPlaceholder', 'Paste your token here'],
      ['PASSWORD_ERROR', 'Passwords do not match'],
      ['api_key_description', 'A key for the reporting API, read-only.'],
      // a field's label, title or placeholder: a word or capitalized words too
      ['LOGIN_PASSWORD_LABEL', 'Password'],
      ['passwordPlaceholder', 'Passwort'],
      ['TOKEN_TITLE', 'API Token'],
      ['password_prompt', 'Mot de passe :'],
      // a name a tool shows a token by, and the mask a password's field shows
      ['TOKEN_LABEL', 'ci-runner'],
      ['PASSWORD_PLACEHOLDER', '••••••••'],
      ['passwordPlaceholder', '●●●●●●'],
    ]) {
      expect(isSecretSetting(name, value), name).toBe(false);
      expect(detectSecret(`${name} = "${value}"\n`), name).toBeUndefined();
    }
    for (const [name, value] of [
      ['PASSWORD_HINT', 'Xk9vQ2mLr7pT'],
      ['password_hint', 'Xk9 vQ2 mLr7pT'],
      ['TOKEN_LABEL', 'ghp Xk9vQ2mLr7pT'],
      ['PASSWORD_LABEL', 'Hunter2'],
      ['password_title', 'Xk9vQ2mLr7pT'],
      ['TOKEN_LABEL', 'Xk9vQ2mLr7pT'],
      ['PASSWORD_PLACEHOLDER', 'hunter2-secret'],
      ['PASSWORD_PLACEHOLDER', 'S3cr3t-Value'],
      ['PASSWORD_LABEL', '•a•a•'],
      ['TOKEN_LABEL', 'hunter'],
    ])
      expect(isSecretSetting(name, value), name).toBe(true);
  });

  it('a plural secret name is judged as its word: a list of passwords or keys is secret, a property of them or a Secret named is not', () => {
    for (const [name, value] of [
      ['passwords', 'hunter2x'],
      ['db_passwords', 'Xk9vQ2mLr7pT'],
      // keys after a word that makes them keys hold keys, of a Secret's name's shape too
      ['apiKeys', 'abcdef0123456789abcdef0123456789'],
      ['SSH_KEYS', 'my-deploy-key'],
      ['passphrases', 'correct horse battery staple'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(true);
    for (const [name, value] of [
      // a property of the secrets, as of one
      ['PASSWORDS_FILE', '/run/secrets/passwords'],
      ['API_KEYS_HEADER', 'X-API-Key'],
      ['passwordsMinLength', '12'],
      // the keys of a Secret, the Secrets named
      ['secretKeys', 'password'],
      ['secrets', 'db-creds'],
      ['imagePullSecrets', 'regcred'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(false);
    expect(detectSecret('db:\n  passwords: Xk9vQ2mLr7pT\n')?.rule.id).toBe('secret-setting');
    expect(detectSecret('ADMIN_API_KEYS=hunter2x\n')?.rule.id).toBe('secret-setting');
  });

  it("takes OpenSSH public keys for public under any name (SSH_KEY, sshKeys), and a secret in a key's comment for one", () => {
    const keys =
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example.com\n' +
      'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 bob\n';
    expect(['SSH_KEY', 'sshKeys', 'apiKeys'].filter((n) => isSecretSetting(n, keys))).toEqual([]);
    expect(isSecretSetting('SSH_KEY', `${keys}Xk9vQ2mLr7pT\n`)).toBe(true);
    expect(detectSecret('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789')?.rule.id).toBe('github-token');
  });

  it("an /etc/passwd file's lines under passwd (nss_wrapper's, an image run as any user) hold no secret; a hash or a word there does", () => {
    expect(isSecretSetting('passwd', 'root:x:0:0:root:/root:/bin/bash\napp:x:1001:0:app user:/home/app:/sbin/nologin\n')).toBe(false);
    expect(isSecretSetting('passwd', 'root:$6$abcdefgh$Xk9vQ2mLr7pTXk9vQ2mLr7pTXk9:0:0:root:/root:/bin/bash')).toBe(true);
    expect(isSecretSetting('passwd', 'Xk9vQ2mLr7pT')).toBe(true);
  });

  it('a setting that names a Secret object is judged alike as a key and in a file: existingSecret names one, AUTH_SECRET holds one', () => {
    expect(isSecretSetting('existingSecret', 'db-creds')).toBe(false);
    expect(detectSecret('existingSecret: db-creds\n')).toBeUndefined();
    expect(isSecretSetting('AUTH_SECRET', 'my-nextauth-secret')).toBe(true);
    expect(detectSecret('AUTH_SECRET=my-nextauth-secret\n')?.rule.id).toBe('secret-setting');
  });

  it("takes a secret's key in the Secret that holds it for a name (passwordSecretKey), and a key's value under SECRET_KEY for the key", () => {
    expect(isSecretSetting('passwordSecretKey', 'admin-password')).toBe(false);
    expect(isSecretSetting('tokenSecretKey', 'token')).toBe(false);
    expect(detectSecret('keycloak:\n  auth:\n    existingSecret: keycloak-admin\n    passwordSecretKey: admin-password\n')).toBeUndefined();
    for (const [name, value] of [
      ['passwordSecretKey', 'Hunter2pwX'],
      ['AWS_SECRET_KEY', 'abc-def-ghi'],
      ['jwtSecretKey', 'my-signing-key'],
      ['SECRET_KEY', 'django-insecure'],
      // a chart's name with a value no key's name is
      ['passwordSecretKey', 'admin-password-7f3kq9x2'],
      ['tokenSecretKey', 'Admin-Password'],
      // any other name before `secret` and `key` holds a signing key, word-shaped or not
      ['ACCESS_TOKEN_SECRET_KEY', 'my-jwt-signing-secret'],
      ['REFRESH_TOKEN_SECRET_KEY', 'my-jwt-signing-secret'],
      ['JWT_TOKEN_SECRET_KEY', 'my-jwt-signing-secret'],
      ['AUTH_SECRET_KEY', 'my-jwt-signing-secret'],
      ['PASSWORD_SECRET_KEY', 'my-jwt-signing-secret'],
      ['accessTokenSecretKey', 'my-jwt-signing-secret'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(true);
    expect(detectSecret('config:\n  ACCESS_TOKEN_SECRET_KEY: my-jwt-signing-secret\n')?.rule.id).toBe('secret-setting');
    expect(isSecretSetting('auth.passwordSecretKey', 'keycloak_admin_password')).toBe(false);
  });

  it("takes Drone's and Woodpecker's from_secret for the name of a secret in the CI's store, as a key and in a file", () => {
    expect(isSecretSetting('from_secret', 'docker_password')).toBe(false);
    expect(detectSecret('settings:\n  username: deploy\n  password:\n    from_secret: docker_password\n')).toBeUndefined();
    expect(isSecretSetting('from_secret', 'Hunter2pwX')).toBe(true);
  });

  it("judges a file's text under a key that names the file (credentials.yml) by its content, and a word under it by the name", () => {
    const files = {
      'credentials.yml': 'aws:\n  region: eu-west-1\n  profile: default\n',
      'credentials.json': '{"type": "service_account", "project_id": "demo"}',
      'secrets.properties': 'vault.addr=https://vault.example.com',
      'api-token.env': 'API_TOKEN=$(API_TOKEN)',
      'auth.conf': 'auth_method = oidc',
      'init-passwords.sql': "CREATE USER app WITH PASSWORD :'app_password';\n",
      'db-credentials.env': 'DB_HOST=db\nDB_PASSWORD=$(DB_PASSWORD)\n',
      'rotate-token.sh': '#!/bin/sh\nvault token renew\n',
    };
    for (const [name, text] of Object.entries(files)) expect(isSecretSetting(name, text), name).toBe(false);
    // the settings within are judged by their own names
    expect(detectSecret('db:\n  username: app\n  password: Hunter2pw!x\n')?.rule.id).toBe('secret-setting');
    // a word under a file's name is no file's text: the secret, as the name's words say
    for (const [name, value] of [
      ['credentials.yml', 'Hunter2pw!x'],
      ['password.yml', 'Hunter2:xyz'],
      ['password.txt', 'Hunter2pw!x'],
      ['tls.key', 'Hunter2pw!x'],
      ['token.pem', 'aws:\n  region: eu-west-1\n'],
      // one line with a `=` is no setting when before it is no name, or after it base64's padding
      ['api-token.env', 'dGhpcyBpcyBhIHNlY3JldA=='],
      ['db-password.env', 'Sup3r=S3cret'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(true);
    // and a property's name keeps its shape: a variable's name under secrets.env
    expect(isSecretSetting('secrets.env', 'SESSION_SECRET')).toBe(false);
  });

  it('find an annotation named like a secret only when its value looks like one', () => {
    for (const [name, value] of [
      ['vault.example.com/token', 's.Sup3rS3cretTok3n'],
      ['example.com/password', 'hunter2pw'],
      ['example.com/api-key', 'Sup3rS3cretK3y'],
      ['auth-token', 'x9!x9!x9!'],
    ])
      expect(isSecretAnnotation(name, value), `${name}: ${value}`).toBe(true);
    for (const [name, value] of [
      ['vault.hashicorp.com/agent-inject-token', 'true'],
      ['vault.hashicorp.com/agent-inject-secret-db', 'database/creds/db-app'],
      ['nginx.ingress.kubernetes.io/auth-secret', 'basic-auth'],
      ['example.com/credentials', 'Db-Creds-2024'],
      ['example.com/token-path', '/var/run/secrets/token'],
      ['example.com/token', '/var/run/secrets/token'],
      ['example.com/token', 'required'],
      ['example.com/token', 'https://auth.example.com/token'],
      ['example.com/token', '$(TOKEN)'],
      ['example.com/token', 'short1'],
      ['example.com/token', '12345678901'],
      ['example.com/token', 'a word or two'],
      ['password.example.com/enabled', 'Sup3rS3cret'],
    ])
      expect(isSecretAnnotation(name, value), `${name}: ${value}`).toBe(false);
  });
});

describe('names of what a secret is sent or known by', () => {
  it("take a CSRF token's id, a secret's id, a request's parameter, field or cookie and a secret question for what they are; find a secret of another shape there", () => {
    for (const [name, value] of [
      ['CSRF_TOKEN_ID', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
      ['csrfTokenId', 'authenticate'],
      ['xsrf.token-id', '7c9e6679-7425-40de-944b-e07fc1f90ae7'],
      ['secret_id', 'prod/db/password'],
      ['csrf.token.parameter', '_csrf'],
      ['PASSWORD_PARAM', 'password'],
      ['password_field', 'pwd'],
      ['CSRF_TOKEN_COOKIE', 'XSRF-TOKEN'],
      ['secret_question', 'What was the name of your first pet?'],
      ['passphrase_example', 'correct horse battery staple'],
      ['nginx.ingress.kubernetes.io/auth-secret', 'basic-auth'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(false);
    for (const [name, value] of [
      // Vault's token id is the token; AppRole's secret_id a credential
      ['VAULT_DEV_ROOT_TOKEN_ID', 'root'],
      ['TOKEN_ID', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
      ['VAULT_SECRET_ID', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
      ['CSRF_TOKEN_ID', 'Xk9vQ2mLr7pT'],
      ['csrf.token.parameter', 'Xk9vQ2mLr7pT'],
      ['secret_question', 'Fluffy2019'],
      ['PASSWORD_EXAMPLE', 'Summer2024'],
      ['nginx.ingress.kubernetes.io/auth-secret', 'Xk9vQ2mLr7pT'],
      ['AUTH_SECRET', 'my-nextauth-secret'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(true);
  });
});

describe("names of a secret's properties", () => {
  it('take how a secret is made, kept, read or bounded for a setting of it (ACCESS_TOKEN_FORMAT: jwt, PASSWORD_HISTORY: 5), and a secret of another shape there for one', () => {
    for (const [name, value] of [
      ['ACCESS_TOKEN_FORMAT', 'jwt'],
      ['JWT_SECRET_ENCODING', 'base64'],
      ['REFRESH_TOKEN_STRATEGY', 'rotate'],
      ['PASSWORD_STORAGE', 'bcrypt'],
      ['TOKEN_SOURCE', 'header'],
      ['TOKEN_CACHE', 'memory'],
      ['SECRET_MANAGER', 'aws'],
      ['SECRET_NAMESPACE', 'vault-system'],
      ['TOKEN_CLAIMS', 'sub,email'],
      ['PASSWORD_RESET_SENDER', 'no-reply@example.com'],
      ['PASSWORD_RESET_TEMPLATE', 'reset-password.html'],
      ['PASSWORD_COMPLEXITY', 'high'],
      ['SESSION_SECRET_ROTATION', 'weekly'],
      ['PASSWORD_HASH_ITERATIONS', '600000'],
      ['PASSWORD_HISTORY', '5'],
      ['TOKEN_LEEWAY', '30'],
      ['TOKEN_REFRESH_THRESHOLD', '0.8'],
      ['PASSWORD_RESET_TOKEN_BYTES', '32'],
      ['PASSWORD_PROMPT_TEXT', 'Enter password'],
      ['SECRET_KEY_BASE_DUMMY', '1'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(false);
    for (const [name, value] of [
      ['ACCESS_TOKEN_FORMAT', 'Xk9vQ2mLr7pT'],
      ['PASSWORD_STORAGE', 'hunter2!x'],
      ['PASSWORD_HISTORY', 'Summer 2024!'],
      ['TOKEN_LEEWAY', 'Xk9vQ2mLr7pT'],
      ['PASSWORD_PROMPT_TEXT', 'Xk9vQ2mLr7pT'],
      ['SECRET_KEY_BASE', '1'],
      ['SECRET_KEY_BASE_DUMMY', 'Xk9vQ2mLr7pT'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(true);
  });

  it("take an algorithm's, a format's or a version's name with its number for a name (PASSWORD_HASHER: argon2), and a password's word of letters and a number for the password (PASSWORD_TEMPLATE: hunter2)", () => {
    for (const [name, value] of [
      ['PASSWORD_HASHER', 'argon2'],
      ['PASSWORD_ENCODER', 'pbkdf2'],
      ['TOKEN_ALG', 'RS256'],
      ['JWT_TOKEN_ALGORITHM', 'HS512'],
      ['TOKEN_HASH_ALGORITHM', 'sha256'],
      ['SECRET_ENCODING', 'base64'],
      ['KEYSTORE_PASSWORD_TYPE', 'PKCS12'],
      ['TOKEN_VERSION', 'v2'],
      ['SECRET_ENGINE', 'kv2'],
      ['SECRET_BACKEND', 's3'],
      ['ACCESS_TOKEN_TYPE', 'OAuth2'],
      ['PASSWORD_RESET_TEMPLATE', 'reset-password2'],
      ['SECRET_STORE', 'vault'],
      ['PASSWORD_POLICY', 'strong'],
      // an algorithm's or a curve's name with a number within it
      ['PASSWORD_HASHER', 'argon2id'],
      ['PASSWORD_HASHERS', 'argon2id,bcrypt'],
      ['TOKEN_ALG', 'EdDSA'],
      ['JWT_TOKEN_ALGORITHM', 'ES256K'],
      ['TOKEN_ENCRYPTION', 'A128CBC-HS256'],
      ['PASSWORD_HASHER', 'blake2b'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(false);
    for (const [name, value] of [
      ['PASSWORD_TEMPLATE', 'hunter2'],
      ['PASSWORD_FORMAT', 'hunter2'],
      ['PASSWORD_STRATEGY', 'hunter2'],
      ['PASSWORD_TYPE', 'Summer2024'],
      ['PASSWORD_NAME', 'welcome1'],
      ['TOKEN_SCOPE', 'Password123'],
      ['SECRET_STORE', 'hunter2'],
      ['PASSWORD_POLICY', 'hunter2'],
      ['PASSWORD_COMPLEXITY', 'hunter2'],
      ['PASSWORD2', 'hunter2'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(true);
  });

  it("take an object's numbered name for a name (SECRET_NAME: db2, a Kubernetes Secret's), and a password's word numbered for the password (SECRET_NAME: hunter2)", () => {
    for (const [name, value] of [
      ['SECRET_NAME', 'db2'],
      ['TLS_SECRET_NAME', 'ingress1'],
      ['SECRET_NAMESPACE', 'team2'],
      ['SECRET_REF', 'postgres15'],
      ['TOKEN_AUDIENCE', 'api1'],
      ['TOKEN_SCOPE', 'api1'],
      ['TOKEN_ROLE', 'reader2'],
      ['SECRET_STORE', 'vault2'],
      ['SECRET_MOUNT', 'vol1'],
      ['SECRET_PROVIDER', 'vault1'],
      ['TOKEN_ISSUER', 'idp2'],
      // a numeronym within a name (k8s, e2e)
      ['SECRET_NAME', 'k8s-app-tls'],
      ['TLS_SECRET_NAME', 'e2e-tests-cert'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(false);
    for (const [name, value] of [
      ['SECRET_NAME', 'hunter2'],
      ['SECRET_NAME', 'Summer2024'],
      ['SECRET_REF', 'Password123'],
      ['TOKEN_AUDIENCE', 'changeme1'],
    ])
      expect(isSecretSetting(name, value), `${name}: ${value}`).toBe(true);
  });
});
