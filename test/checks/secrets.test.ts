import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { jsonReport, locateFindings, sarifReport, textReport } from '../../lib/checks/report.js';
import { checkSecretContent, checkSecretValues, maskSecrets } from '../../lib/checks/secrets.js';
import { fieldPath, toProblem, type Finding } from '../../lib/checks/finding.js';
import { formatProblem } from '../../lib/errors.js';
import type { KubeObject } from '../../lib/model/object.js';
import { NGINX_CONF, PUBLIC_CERTIFICATE, SECRET_SAMPLES } from '../helpers/secret-samples.js';

const deployment = (container: Record<string, unknown>, labels: Record<string, string> = { app: 'x' }): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'x', namespace: 'qa', labels },
  spec: {
    selector: { matchLabels: { app: 'x' } },
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', image: 'x:1', ...container }] } },
  },
});

const configMap = (data: Record<string, string>, binaryData?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x-config-2b243d54d3', namespace: 'qa' },
  data,
  ...(binaryData ? { binaryData } : {}),
});

/** Every finding of the secret checks as `field: code`. */
const found = (o: KubeObject) => checkSecretContent(o).findings.map((f) => `${fieldPath(f.path)}: ${f.code}`);

describe('secret values in objects', () => {
  it('finds every kind of secret in a ConfigMap, by content, and names what it is without showing it', () => {
    const data = Object.fromEntries(Object.entries(SECRET_SAMPLES).map(([id, v]) => [id.toUpperCase().replace(/-/g, '_'), v]));
    const { findings } = checkSecretContent(configMap(data));
    expect(findings.map((f) => fieldPath(f.path)).sort()).toEqual(
      Object.keys(data)
        .map((k) => `data.${k}`)
        .sort(),
    );
    for (const f of findings) {
      const text = formatProblem(toProblem(f));
      for (const v of Object.values(SECRET_SAMPLES)) expect(text).not.toContain(v);
      expect(text).toMatch(/\(a \d+-character value, hidden\)/);
    }
  });

  it('finds a secret written in base64 or hex (an annotation, an env value), says the encoding and never the value; digests, commits and keys pass', () => {
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const hex = (t: string) => Buffer.from(t).toString('hex');
    const annotated = (annotations: Record<string, string>, env: Record<string, string> = {}): KubeObject => {
      const o = deployment({ env: Object.entries(env).map(([name, value]) => ({ name, value })) });
      return { ...o, metadata: { ...o.metadata, annotations } };
    };
    const o = annotated(
      { 'backup.example.com/config': b64('password=Hunter2pw'), 'backup.example.com/target': hex('mysql://a:Hunter2pw@db') },
      { BACKUP_ARGS: b64('--requirepass Hunter2pw') },
    );
    const { findings } = checkSecretContent(o);
    expect(findings.map((f) => `${fieldPath(f.path)}: ${f.code}`)).toEqual([
      'metadata.annotations.backup.example.com/config: secrets/value',
      'metadata.annotations.backup.example.com/target: secrets/value',
      'spec.template.spec.containers[0].env[0].value: secrets/value',
    ]);
    expect(findings[0]!.message).toMatch(/\(in base64\) \(a 24-character value, hidden\)/);
    expect(findings[1]!.message).toMatch(/^holds a URL with a user and password \(in hex\)/);
    for (const f of findings) expect(formatProblem(toProblem(f))).not.toMatch(/Hunter2pw|cGFzc3dvcmQ9|6d7973716c|LS1yZXF1aXJlcGFzcw/);
    expect(
      found(
        annotated({
          'checksum/config': '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          'git.example.com/commit': '7f69361c2d4b8e0a1f3e5d6c7b8a9f0e1d2c3b4a',
          'example.com/profile': b64('region=eu tier=gold'),
          'example.com/name': b64('some-config'),
        }),
      ),
    ).toEqual([]);
  });

  it('finds values under secret-looking names: ConfigMap keys, env vars, flags, kubeconfig fields', () => {
    expect(found(configMap({ DB_PASS: 'hunter2', LOG_LEVEL: 'info', CA_CERT: PUBLIC_CERTIFICATE }))).toEqual([
      'data.DB_PASS: secrets/key-name',
    ]);
    expect(
      found(
        deployment({
          env: [
            { name: 'PWD', value: 'hunter2' },
            { name: 'DB_HOST', value: 'mysql' },
            { name: 'MYSQL_RANDOM_ROOT_PASSWORD', value: 'true' },
          ],
        }),
      ),
    ).toEqual(['spec.template.spec.containers[0].env[0].value: secrets/key-name']);
    expect(found(deployment({ args: ['--db-password=hunter2', '--password-file=/run/pw', '--token=$(TOKEN)'] }))).toEqual([
      'spec.template.spec.containers[0].args[0]: secrets/key-name',
    ]);
    expect(
      found({ apiVersion: 'v1', kind: 'Config', metadata: {}, users: [{ name: 'admin', user: { token: 'abcdef123456' } }] } as KubeObject),
    ).toEqual(['users[0].user.token: secrets/key-name']);
  });

  it("leaves a ConfigMap of a user interface's labels alone, one label or several, and still finds a password beside a configuration's settings", () => {
    // one label, the name's own words as a title, another language's label of the field
    for (const data of [
      { 'login.password': 'Passwort' } as Record<string, string>,
      { 'login.user': 'Benutzer', 'login.password': 'Passwort', 'login.submit': 'Anmelden' },
      { 'api.token': 'API-Token' },
      { db_password: 'DB Password' },
      { api_token: 'Clé API' },
    ])
      expect(found(configMap(data)), JSON.stringify(data)).toEqual([]);
    for (const data of [
      { DB_HOST: 'db', 'db.password': 'Passwort' } as Record<string, string>,
      { 'app.name': 'orders', 'app.port': '8080', 'db.password': 'Passwort' },
      // a variable of the environment's name, which a container reads
      { DB_PASSWORD: 'Passwort' },
      { 'api.token': 'Xk9vQ2mLr7pT' },
      { 'api.password': 'Token bucket 42' },
      { db_password: 'DB Hunter' },
      // the secret's own word beside a configuration's settings; another word of the name, the service's
      { 'db.host': 'postgres', 'db.user': 'app', 'db.password': 'Password' },
      { 'redis.password': 'Redis' },
      { 'admin.password': 'Admin' },
    ])
      expect(found(configMap(data)), JSON.stringify(data)).toContain(`data.${Object.keys(data).at(-1)}: secrets/key-name`);
  });

  it("leaves a ConfigMap's file of examples (.env.example) alone with its words to replace, and finds a value in it that looks real, at its line", () => {
    const examples = 'APP_ENV=local\nDB_PASSWORD=changeme\nSECRET_KEY=change-me\nDATABASE_URL=postgres://user:password@localhost/app\n';
    expect(
      found(configMap({ '.env.example': examples, 'config.sample.yaml': 'db:\n  password: changeme\n', '.env.template': examples })),
    ).toEqual([]);
    // the same text under another key is a file the app reads: weak passwords, deployed (nginx renders its templates and runs them),
    // each of its three said
    expect(found(configMap({ '.env': examples, 'default.conf.template': 'requirepass foobared\n' }))).toEqual([
      'data..env: secrets/value',
      'data..env: secrets/value',
      'data..env: secrets/value',
      'data.default.conf.template: secrets/value',
    ]);
    const real = checkSecretContent(configMap({ '.env.example': `${examples}API_TOKEN=Xk9vQ2mLr7pT\n` })).findings;
    expect(real.map((f) => formatProblem(toProblem(f)).split(' (a ')[0])).toEqual([
      expect.stringContaining(
        'data..env.example: holds a setting with a secret\'s name and its value (password=..., "token": "...", --db-password=...) on line 5 of the value (setting \'API_TOKEN\')',
      ),
    ]);
    expect(formatProblem(toProblem(real[0]!))).not.toContain('Xk9vQ2mLr7pT');
  });

  it('says every secret of a value, in the order written, each at its line and which of how many, as a stage file says them', () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    const conf = `log_level = info\ndb_password = Hunter2!xyzQ\napi_token = ${token}\n`;
    const { findings } = checkSecretContent(configMap({ 'app.conf': conf }));
    // (findings come sorted by message from checkObjects; made, they are in the order written)
    expect(findings.map((f) => f.message.split(' (a ')[0])).toEqual([
      'holds a setting with a secret\'s name and its value (password=..., "token": "...", --db-password=...) on line 2 of the value (setting \'db_password\') (secret 1 of 2 in the value)',
      'holds a GitHub token on line 3 of the value (secret 2 of 2 in the value)',
    ]);
    for (const f of findings) {
      expect(f.path).toEqual(['data', 'app.conf']);
      expect(`${f.message} ${f.hint}`).not.toMatch(/Hunter2|ghp_/);
      // no exception excuses a value of several: the hint says so instead of offering one
      expect(f.hint).toContain('excuses a value of one secret: take the others out of data.app.conf first');
    }
    // a value of one says it as before, with no count
    expect(checkSecretContent(configMap({ 'app.conf': `api_token = ${token}\n` })).findings.map((f) => f.message.split(' (a ')[0])).toEqual(
      ['holds a GitHub token'],
    );
  });

  it("says every secret of a ConfigMap's binaryData file, as of its data", () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    const env = `DB_PASSWORD=Hunter2xyzQ\nAPI_TOKEN=${token}\n`;
    const { findings } = checkSecretContent(configMap({}, { 'app.env': Buffer.from(env).toString('base64') }));
    // was: the GitHub token alone (the first rule's), the password found only once the token was taken out
    expect(findings.map((f) => f.message.split(' (a ')[0])).toEqual([
      'holds a setting with a secret\'s name and its value (password=..., "token": "...", --db-password=...) on line 1 of the value (setting \'DB_PASSWORD\') (secret 1 of 2 in the value)',
      'holds a GitHub token on line 2 of the value (secret 2 of 2 in the value)',
    ]);
    expect(findings.map((f) => `${f.message} ${f.hint}`).join('\n')).not.toMatch(/Hunter2|ghp_/);
    // a value found encoded as a whole (base64 in data) is still one secret, said as one
    const encoded = checkSecretContent(configMap({ ENV: Buffer.from(env).toString('base64') })).findings;
    expect(encoded.map((f) => f.message.split(' (a ')[0])).toHaveLength(1);
  });

  it("says a random-looking value that encodes a secret's text as what it encodes, which no exception of a random string (nor of one of its secrets) excuses", () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    const env = `DB_PASSWORD=Hunter2xyzQ\nAPI_TOKEN=${token}\n`;
    for (const [value, encoding] of [
      [Buffer.from(env).toString('base64'), 'base64'],
      [encodeURIComponent(env), 'URL encoding'],
    ] as const) {
      const withAllow = (allow: string): KubeObject => ({
        ...configMap({ ENV: value }),
        metadata: { name: 'x', namespace: 'qa', annotations: { 'secrets.stagecraft.dev/allow': allow } },
      });
      // was: 'holds a long random-looking string', and 'data.ENV (high-entropy): a checksum' excused the password and the token
      const plain = checkSecretContent(configMap({ ENV: value })).findings;
      expect(
        plain.map((f) => f.message.split(' (a ')[0]),
        encoding,
      ).toEqual([`holds a GitHub token (in ${encoding})`]);
      const excused = checkSecretContent(withAllow('data.ENV (high-entropy): a checksum'));
      expect(excused.exceptions, encoding).toEqual([]);
      expect(
        excused.findings.map((f) => f.code),
        encoding,
      ).toEqual(['secrets/value', 'secrets/allow-unused']);
      // nor does one of the kind said: it excuses a value of one secret, and this one encodes two
      const crowded = checkSecretContent(withAllow('data.ENV (github-token): a public token'));
      expect(crowded.exceptions, encoding).toEqual([]);
      expect(
        crowded.findings.map((f) => f.code),
        encoding,
      ).toEqual(['secrets/allow-unknown', 'secrets/value']);
    }
  });

  it('keeps the secrets of one value in the order the messages count them, in text, --json and SARIF, whatever their kinds and numbers', () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    // a GitHub token said after a setting, and 'secret 10 of 12' after 'secret 9 of 12': by message, both came first
    const passwords = Array.from({ length: 11 }, (_, i) => `db${i}_password = Hunter2!xyz${i}Q`).join('\n');
    const conf = `${passwords}\napi_token = ${token}\n`;
    const o = configMap({ 'app.conf': conf });
    const findings = checkObjects([o]).findings.filter((f) => f.code === 'secrets/value');
    const counted = (messages: readonly string[]) => messages.flatMap((m) => /\(secret (\d+) of 12/.exec(m)?.[1] ?? []).map(Number);
    const inOrder = Array.from({ length: 12 }, (_, i) => i + 1);
    expect(counted(findings.map((f) => f.message))).toEqual(inOrder);
    expect(findings.at(-1)!.message).toContain('holds a GitHub token on line 12 of the value (secret 12 of 12');
    // the reports sort again, by place then message: the same order in each
    const located = locateFindings([...findings].reverse(), () => ({ file: 'a.yaml', line: 7, column: 13 }));
    expect(counted(textReport(located, 1).split('\n'))).toEqual(inOrder);
    expect(counted(JSON.parse(jsonReport(located, 1)).findings.map((f: { message: string }) => f.message))).toEqual(inOrder);
    const sarif = JSON.parse(sarifReport(located, '0.0.0'));
    expect(counted(sarif.runs[0].results.map((r: { message: { text: string } }) => r.message.text))).toEqual(inOrder);
  });

  it('never names an object by a secret pasted as its kind, namespace or name, in text, --json or SARIF', () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    for (const o of [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: token, namespace: 'qa' }, data: {} },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: token }, data: {} },
      { apiVersion: 'v1', kind: token, metadata: { name: 'a' } },
    ] as KubeObject[]) {
      const { findings } = checkObjects([o]);
      expect(findings.length).toBeGreaterThan(0);
      const located = locateFindings(findings, () => ({ file: 'a.yaml', line: 1, column: 1 }));
      // was: 'ConfigMap qa/ghp_...: metadata.name: holds a GitHub token (a 40-character value, hidden)', and the object in --json
      for (const report of [textReport(located, 1), jsonReport(located, 1), sarifReport(located, '0.0.0')]) {
        expect(report).not.toContain(token);
        expect(report).toContain('(a 40-character name, hidden)');
      }
    }
  });

  it('never names an object by a secret in the exceptions it used, in text, --json or SARIF', () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    const o = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: token,
        namespace: 'qa',
        annotations: { 'secrets.stagecraft.dev/allow': 'data.X (github-token): a public test key' },
      },
      data: { X: SECRET_SAMPLES['github-token'] },
    } as KubeObject;
    const { findings, exceptions } = checkObjects([o]);
    expect(exceptions.length).toBe(1);
    const located = locateFindings(findings, () => ({ file: 'a.yaml', line: 1, column: 1 }));
    // was: 'exception: ConfigMap qa/ghp_...: secrets (data.X: a GitHub token): ...', and the object's name in --json and SARIF
    for (const report of [
      textReport(located, 1, exceptions),
      jsonReport(located, 1, exceptions),
      sarifReport(
        located,
        '0.0.0',
        exceptions.map((exception) => ({ exception })),
      ),
    ]) {
      expect(report).toContain('ConfigMap');
      expect(report).not.toContain(token);
    }
  });

  it("never names an object by a secret it holds, though the name is no secret alone, in every finding's heading, text, --json and SARIF", () => {
    const password = 'hunter2-prod-pw';
    for (const o of [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: password, namespace: 'qa' }, data: { DB_PASSWORD: password } },
      // within a longer name, and as the namespace, under an exception used too
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `app-${password}`, namespace: 'qa' },
        data: { DB_PASSWORD: password, 'bad key!': 'x' },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'a',
          namespace: password,
          annotations: { 'secrets.stagecraft.dev/allow': 'data.DB_PASSWORD (secret-name): a test fixture of the team' },
        },
        data: { DB_PASSWORD: password, 'bad key!': 'x' },
      },
    ] as KubeObject[]) {
      const { findings, exceptions } = checkObjects([o]);
      expect(findings.length).toBeGreaterThan(0);
      const located = locateFindings(findings, () => ({ file: 'a.yaml', line: 1, column: 1 }));
      // was: 'ConfigMap qa/hunter2-prod-pw: data.DB_PASSWORD: is the value of ... (a 15-character value, hidden)'
      for (const report of [
        textReport(located, 1, exceptions),
        jsonReport(located, 1, exceptions),
        sarifReport(
          located,
          '0.0.0',
          exceptions.map((exception) => ({ exception })),
        ),
      ]) {
        expect(report).toContain('ConfigMap');
        expect(report).not.toContain(password);
        expect(report).toMatch(/\(a 1[59]-character name, hidden\)/);
      }
    }
    // a name that merely holds a short secret, or one another object holds, is said
    const short = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-app', namespace: 'qa' },
      data: { PASSWORD: 'app' },
    } as KubeObject;
    expect(
      textReport(
        locateFindings(checkObjects([short]).findings, () => undefined),
        1,
      ),
    ).toContain('ConfigMap qa/web-app:');
  });

  it('says 16 secrets of a value one by one and counts the rest', () => {
    const conf = Array.from({ length: 20 }, (_, i) => `db${i}_password = Hunter2!xyz${i}Q`).join('\n');
    const { findings } = checkSecretContent(configMap({ 'app.conf': conf }));
    expect(findings).toHaveLength(16);
    expect(findings[15]!.message).toContain(
      '(secret 16 of 20 in the value; the 4 after it are not said one by one: take these out and they are)',
    );
  });

  it('finds a secret written URL-encoded (percent escapes), said with its encoding, never printed', () => {
    // was: no finding at all, and the value went to dist/ as it is
    const o = deployment({
      env: [
        { name: 'DSN', value: 'postgres%3A%2F%2Fapp%3AHunter2pwXq%40db%2Fshop' },
        { name: 'OPTS', value: 'password%3DHunter2pwXq' },
      ],
    });
    const { findings } = checkSecretContent(o);
    expect(findings.map((f) => `${fieldPath(f.path)}: ${f.message.split(' (a ')[0]}`)).toEqual([
      'spec.template.spec.containers[0].env[0].value: holds a URL with a user and password (in URL encoding)',
      "spec.template.spec.containers[0].env[1].value: holds a setting with a secret's name and its value (in URL encoding)",
    ]);
    expect(JSON.stringify(findings.map((f) => [f.message, f.hint]))).not.toContain('Hunter2');
  });

  it('masks every secret of a value in another finding that quotes it, not only the first', () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    const o = configMap({ 'app.conf': `db_password = Hunter2!xyzQ\napi_token = ${token}\n` });
    const quoting: Finding = {
      object: o,
      severity: 'error',
      code: 'api/x',
      path: ['data', 'app.conf'],
      message: `line 1 is 'db_password = Hunter2!xyzQ'`,
      hint: "write 'db_password = Hunter2!xyzQ' as 'db_password: ...'",
    };
    const [masked] = maskSecrets([quoting]);
    // (the value's first secret by the rules' order is the token: the password is its second)
    expect(`${masked!.message} ${masked!.hint}`).not.toContain('Hunter2');
  });

  it("leaves a SealedSecret's ciphertext alone (kubeseal's, committed by design), in the object and in a file that holds one; finds random base64 and a plaintext there", () => {
    // the session key's length (the sealing key's: 4096 or 2048 bits), the key encrypted with RSA, the value with AES-GCM and its tag
    const sealed = (plain: number, keyBytes = 512) =>
      Buffer.concat([Buffer.from([keyBytes >> 8, keyBytes & 255]), randomBytes(keyBytes + plain + 16)]).toString('base64');
    const ct = sealed(12);
    const object: KubeObject = {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'db', namespace: 'qa' },
      spec: { encryptedData: { password: ct, 'api-token': sealed(40, 256) }, template: { metadata: { name: 'db' } } },
    };
    expect(found(object)).toEqual([]);
    expect(found(configMap({ 'sealed-db.yaml': `kind: SealedSecret\nspec:\n  encryptedData:\n    password: ${ct}\n` }))).toEqual([]);
    const wrong: KubeObject = {
      ...object,
      spec: { encryptedData: { password: 'Xk9vQ2mLr7pT', key: randomBytes(600).toString('base64') } },
    };
    expect(found(wrong)).toEqual(['spec.encryptedData.password: secrets/key-name', 'spec.encryptedData.key: secrets/value']);
  });

  it("takes a value of a ciphertext's form (3 random base64 values in 65,536 have it) for one only where a SealedSecret holds it", () => {
    // random bytes whose first two read as a sealing key's length: a key's or a token's base64, by chance
    const lookalike = Buffer.concat([Buffer.from([2, 0]), randomBytes(600)]).toString('base64');
    expect(found(configMap({ SIGNING_KEY: lookalike, 'blob.txt': `key: ${lookalike}\n` }))).toEqual([
      'data.SIGNING_KEY: secrets/value',
      'data.blob.txt: secrets/value',
    ]);
    // a file of settings that is no SealedSecret, with the value where encryptedData would hold it
    expect(found(configMap({ 'app.yaml': `spec:\n  encryptedData:\n    password: ${lookalike}\n` }))).toEqual([
      'data.app.yaml: secrets/value',
    ]);
    // elsewhere in a SealedSecret (a template's data is the Secret's plain metadata and values) and in a text's prose beside one
    const sealedSecret: KubeObject = {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'db', annotations: { note: lookalike } },
      spec: { encryptedData: { password: lookalike }, template: { data: { 'ca.crt': lookalike } } },
    };
    expect(found(sealedSecret)).toEqual(['metadata.annotations.note: secrets/value', 'spec.template.data.ca.crt: secrets/value']);
    expect(found(configMap({ 'notes.md': `kind: SealedSecret\nthe key is ${lookalike}\n` }))).toEqual(['data.notes.md: secrets/value']);
    // a text that only says `kind: SealedSecret`, in a comment or a string, declares none
    expect(
      found(
        configMap({
          'app.yaml': `# was a kind: SealedSecret\nsigning_key: ${lookalike}\n`,
          'b.yaml': `description: "not a kind: SealedSecret"\nsigning_key: ${lookalike}\n`,
          'c.json': JSON.stringify({ note: 'kind: SealedSecret', signing_key: lookalike }),
        }),
      ),
    ).toEqual(['data.app.yaml: secrets/value', 'data.b.yaml: secrets/value', 'data.c.json: secrets/value']);
    // a List's item of kubeseal's YAML still passes
    const item = `items:\n- apiVersion: bitnami.com/v1alpha1\n  kind: "SealedSecret"\n  spec:\n    encryptedData:\n      password: ${lookalike}\n`;
    expect(found(configMap({ 'list.yaml': item }))).toEqual([]);
    // kubeseal's JSON, of one line or pretty-printed, still passes
    const json = JSON.stringify({ kind: 'SealedSecret', spec: { encryptedData: { 'api-token': lookalike } } });
    expect(found(configMap({ 'sealed.json': json, 'sealed-pretty.json': JSON.stringify(JSON.parse(json), null, 2) }))).toEqual([]);
  });

  it("takes a camelCased setting of the Secret that holds a password (passwordSecret) for its name, not Graylog's password_secret nor a token's secret", () => {
    expect(
      found(configMap({ passwordSecret: 'redis-creds', 'auth.adminPasswordSecret': 'keycloak-admin', credentialsSecret: 's3-creds' })),
    ).toEqual([]);
    expect(found(configMap({ 'values.yaml': 'redis:\n  auth:\n    enabled: true\n    passwordSecret: redis-creds\n' }))).toEqual([]);
    expect(
      found(
        configMap({
          passwordSecret: 'Xk9vQ2mLr7pT',
          password_secret: 'somepepperthatislongenough',
          GRAYLOG_PASSWORD_SECRET: 'somepepperthatislongenough',
          tokenSecret: 'abcdefghijklmnopq',
        }),
      ),
    ).toEqual([
      'data.passwordSecret: secrets/key-name',
      'data.password_secret: secrets/key-name',
      'data.GRAYLOG_PASSWORD_SECRET: secrets/key-name',
      'data.tokenSecret: secrets/key-name',
    ]);
  });

  it("finds a probe's HTTP header named like a secret, and any Authorization header's credentials, by the header's name", () => {
    const probe = (...httpHeaders: { name: string; value: string }[]) =>
      found(deployment({ readinessProbe: { httpGet: { path: '/ready', port: 8080, httpHeaders } } }));
    expect(probe({ name: 'X-Api-Key', value: 'Kq8vR3nZ7wLp' }, { name: 'Accept', value: 'application/json' })).toEqual([
      'spec.template.spec.containers[0].readinessProbe.httpGet.httpHeaders[0].value: secrets/key-name',
    ]);
    // a token of 40 hex digits, a SHA-1's length, after a scheme no content rule knows (Okta's): found by the header alone
    expect(probe({ name: 'Authorization', value: 'SSWS 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b' })).toEqual([
      'spec.template.spec.containers[0].readinessProbe.httpGet.httpHeaders[0].value: secrets/key-name',
    ]);
    expect(probe({ name: 'X-Forwarded-Proto', value: 'https' }, { name: 'X-Api-Key-Header', value: 'X-Api-Key' })).toEqual([]);
    // a placeholder for the credentials, as a README's example or a template leaves it
    expect(
      probe(
        { name: 'Authorization', value: 'Bearer REPLACE_WITH_TOKEN' },
        { name: 'Authorization', value: 'Token {{ .token }}' },
        { name: 'Authorization', value: '__API_TOKEN__' },
      ),
    ).toEqual([]);
  });

  it("finds a probe's Cookie header that carries a session or a secret's setting, and leaves a cookie of preferences alone", () => {
    const probe = (...httpHeaders: { name: string; value: string }[]) =>
      found(deployment({ readinessProbe: { httpGet: { path: '/ready', port: 8080, httpHeaders } } }));
    // was: no finding, a logged-in session's cookie went to dist/ (whoever reads it is logged in)
    for (const value of [
      'session=Kq8vR3nZ7wLpX2',
      'lang=en; JSESSIONID=Kq8vR3nZ7wLpX2',
      'PHPSESSID=kq8vr3nz7wlp',
      'connect.sid=s%3AKq8vR3nZ7wLp',
      'remember=Kq8vR3nZ7wLp; sid=Kq8vR3nZ7wLpX2',
    ])
      expect(probe({ name: 'Cookie', value }), value).toEqual([
        'spec.template.spec.containers[0].readinessProbe.httpGet.httpHeaders[0].value: secrets/key-name',
      ]);
    // a cookie of a secret's name is found by the content rules as any setting is
    expect(probe({ name: 'Cookie', value: 'auth_token=Kq8vR3nZ7wLp' })).toEqual([
      'spec.template.spec.containers[0].readinessProbe.httpGet.httpHeaders[0].value: secrets/value',
    ]);
    for (const value of ['lang=en', 'theme=dark; lang=en-GB', 'session=$(SESSION)', 'sessionid='])
      expect(probe({ name: 'cookie', value }), value).toEqual([]);
  });

  it("tells a session cookie's placeholder (a word, a placeholder's name) from a session token, as an Authorization header's", () => {
    const probe = (value: string) =>
      found(deployment({ readinessProbe: { httpGet: { path: '/ready', port: 8080, httpHeaders: [{ name: 'Cookie', value }] } } }));
    // was: each said 'is a Cookie header that sends the cookie ...', as a logged-in session's
    for (const value of ['session=anonymous', 'lang=en; sessionid=guest', 'JSESSIONID=REPLACE_WITH_SESSION_ID', 'sid=deleted; theme=dark'])
      expect(probe(value), value).toEqual([]);
    // a token of letters alone is no word: Django's session keys, of 32 lower-case letters and digits, may hold no digit
    for (const value of ['session=Kq8vR3nZ7wLpX2', 'sessionid=qwhjzkxvbnmlpoiuytrewqasdfghjk', 'session=anonymous; sid=Kq8vR3nZ7wLpX2'])
      expect(probe(value), value).toEqual([
        'spec.template.spec.containers[0].readinessProbe.httpGet.httpHeaders[0].value: secrets/key-name',
      ]);
  });

  it("says which cookie makes a probe's Cookie header secret, not that the header's name says so", () => {
    const said = (value: string) =>
      checkSecretContent(
        deployment({ readinessProbe: { httpGet: { path: '/ready', port: 8080, httpHeaders: [{ name: 'Cookie', value }] } } }),
      ).findings.map((f) => f.message.split(' (a ')[0]);
    // was: "is the value of 'Cookie', whose name says it is secret": every request sends one; the session's cookie is what is secret
    expect(said('lang=en; JSESSIONID=Kq8vR3nZ7wLpX2')).toEqual([
      "is a Cookie header that sends the cookie 'JSESSIONID', named as a session's or a secret's,",
    ]);
    // a cookie's name that is a secret itself is not printed
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tUsess';
    const messages = checkSecretContent(
      deployment({
        readinessProbe: { httpGet: { path: '/', port: 80, httpHeaders: [{ name: 'Cookie', value: `${token}=Kq8vR3nZ7wLpX2` }] } },
      }),
    ).findings.map((f) => `${f.message} ${f.hint}`);
    expect(messages.join('\n')).not.toContain(token);
    expect(messages.join('\n')).not.toContain('Kq8vR3nZ7wLpX2');
  });

  it("finds a custom resource's field or parameter named like a secret, and leaves its references to Secrets alone", () => {
    const resource = (apiVersion: string, kind: string, spec: Record<string, unknown>) =>
      found({ apiVersion, kind, metadata: { name: 'x', namespace: 'qa' }, spec } as KubeObject);
    expect(
      resource('helm.toolkit.fluxcd.io/v2', 'HelmRelease', {
        values: { auth: { rootPassword: 'hunter2kq', existingSecret: '' }, metrics: { enabled: true } },
      }),
    ).toEqual(['spec.values.auth.rootPassword: secrets/key-name']);
    // a Datadog API key is 32 hex digits, an MD5's length: no content rule finds it
    expect(
      resource('datadoghq.com/v2alpha1', 'DatadogAgent', { global: { credentials: { apiKey: '0123456789abcdef0123456789abcdef' } } }),
    ).toEqual(['spec.global.credentials.apiKey: secrets/key-name']);
    expect(
      resource('argoproj.io/v1alpha1', 'Application', {
        source: {
          helm: {
            parameters: [
              { name: 'auth.password', value: 'hunter2kq' },
              { name: 'replicas', value: '2' },
            ],
          },
        },
      }),
    ).toEqual(['spec.source.helm.parameters[0].value: secrets/key-name']);
    expect(
      resource('external-secrets.io/v1', 'ExternalSecret', {
        secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
        data: [{ secretKey: 'password', remoteRef: { key: 'qa/mysqlsecret', property: 'password' } }],
      }),
    ).toEqual([]);
    expect(
      resource('example.com/v1', 'Database', { passwordSecret: 'db-creds', tokenFile: '/run/token', authMethod: 'scram-sha-256' }),
    ).toEqual([]);
    // a template a controller fills in, a path, the name of a Secret or of its key
    expect(
      resource('external-secrets.io/v1', 'ExternalSecret', {
        target: { template: { data: { password: '{{ .password }}', token: 'Bearer {{ .token | toString }}' } } },
      }),
    ).toEqual([]);
    expect(
      resource('networking.istio.io/v1', 'DestinationRule', {
        trafficPolicy: {
          tls: { mode: 'MUTUAL', privateKey: '/etc/certs/client_private_key.pem', clientCertificate: '/etc/certs/client.pem' },
        },
      }),
    ).toEqual([]);
    const pipelineRun = (params: { name: string; value: string }[]) => resource('tekton.dev/v1', 'PipelineRun', { params });
    expect(
      pipelineRun([
        { name: 'GITHUB_TOKEN_SECRET_KEY', value: 'bot-token' },
        { name: 'docker-password-secret', value: 'regcred' },
        { name: 'githubTokenSecretName', value: 'github-bot' },
      ]),
    ).toEqual([]);
    // ... but a parameter whose value is a password is one, whatever its name says
    expect(pipelineRun([{ name: 'docker-password-secret', value: 'Hunter2kq9!' }])).toEqual(['spec.params[0].value: secrets/key-name']);
    // a Keycloak realm import: a client's secret of random letters and digits, a user's { type: password, value };
    // a field named secret whose value is a name of words names a Secret (Traefik's basicAuth.secret)
    const realm = {
      clients: [
        { clientId: 'web', secret: 'kR3x9LmQ2pVw7ZtN' },
        { clientId: 'api', secret: '**********' },
      ],
      users: [{ username: 'admin', credentials: [{ type: 'password', value: 'Adm1nPass!', temporary: false }] }],
    };
    expect(resource('k8s.keycloak.org/v2alpha1', 'KeycloakRealmImport', { keycloakCRName: 'kc', realm })).toEqual([
      'spec.realm.clients[0].secret: secrets/key-name',
      'spec.realm.users[0].credentials[0].value: secrets/key-name',
    ]);
    expect(resource('traefik.io/v1alpha1', 'Middleware', { basicAuth: { secret: 'basic-auth-users' } })).toEqual([]);
    // a Secret's name with a generated suffix (kustomize's secretGenerator's hash, or one written by hand)
    for (const secret of ['basic-auth-5g7h9k2m4t', 'webhook-tls-7d8c9m2bt5'])
      expect(resource('traefik.io/v1alpha1', 'Middleware', { basicAuth: { secret } })).toEqual([]);
    // but a client secret of words and letters and digits is still one
    for (const secret of ['keycloak-s3cr3t', 'admin-pa55w0rd', 'supersecret-a9f3k2', 'grafana-oauth-x7k9q2m4'])
      expect(resource('k8s.keycloak.org/v2alpha1', 'KeycloakRealmImport', { realm: { clients: [{ clientId: 'web', secret }] } })).toEqual([
        'spec.realm.clients[0].secret: secrets/key-name',
      ]);
    expect(
      resource('k8s.keycloak.org/v2alpha1', 'KeycloakRealmImport', {
        realm: {
          users: [
            {
              credentials: [
                { type: 'otp', value: 'x' },
                { type: 'password', value: '$(ADMIN_PASSWORD)' },
              ],
            },
          ],
        },
      }),
    ).toEqual([]);
    // Kubernetes' own kinds keep their field names unjudged, in every group of theirs (isCustomGroup)
    expect(resource('apps/v1', 'Deployment', { password: 'hunter2kq' })).toEqual([]);
    expect(resource('extensions/v1beta1', 'Ingress', { password: 'hunter2kq' })).toEqual([]);
    expect(resource('k8s.io/v1', 'Example', { password: 'hunter2kq' })).toEqual([]);
  });

  it('finds a value given as the argv entry after a flag named like a secret, as the --flag=value form is', () => {
    const args = (...entries: unknown[]) => found(deployment({ args: entries }));
    expect(args('--password', 'hunter2hunter2')).toEqual(['spec.template.spec.containers[0].args[1]: secrets/key-name']);
    expect(args('serve', '-db-token', 'abc123', '--verbose')).toEqual(['spec.template.spec.containers[0].args[2]: secrets/key-name']);
    expect(found(deployment({ command: ['app', '--api-key', 'k'] }))).toEqual([
      'spec.template.spec.containers[0].command[2]: secrets/key-name',
    ]);
    // a number is a password too
    expect(args('--password', 31337)).toEqual(['spec.template.spec.containers[0].args[1]: secrets/key-name']);
  });

  it("takes no prose within a quoted value for a setting: an alert rule's summary, an error text", () => {
    const alerts =
      'groups:\n- rules:\n  - alert: VaultTokenExpiry\n    annotations:\n      summary: "Vault token: expires within the hour"\n';
    expect(found({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'alerts' }, data: { 'alerts.yml': alerts } })).toEqual([]);
    const env = 'ERROR_TEXT="Invalid token: please log in again"\nALERT_TEXT="secret: rotated on schedule"\n';
    expect(found({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'texts' }, data: { 'app.env': env } })).toEqual([]);
    const form = 'fields:\n  - name: password\n    description: "Enter the password: minimum twelve characters"\n';
    expect(found({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'form' }, data: { 'form.yaml': form } })).toEqual([]);
  });

  it("takes kubectl's --from-file=<key>=<path> for the file a key is read from, in args and in a shell command", () => {
    const line = ['kubectl', 'create', 'secret', 'generic', 'db', '--from-file=password=./password.txt', '--from-file=token=token.txt'];
    expect(found(deployment({ args: line }))).toEqual([]);
    expect(found(deployment({ command: ['sh', '-c', line.join(' ')] }))).toEqual([]);
  });

  it('finds a registry login named across the command and its args, docker in one and login in the other', () => {
    expect(found(deployment({ command: ['docker'], args: ['login', '-u', 'ci', '-p', 'hunter2k', 'registry.example.com'] }))).toEqual([
      'spec.template.spec.containers[0].args[4]: secrets/value',
    ]);
  });

  it("finds an Oracle tool's logon and a registry login after the program's options as list entries, and leaves the system's logon alone", () => {
    expect(found(deployment({ command: ['sqlplus', '-s', 'scott/Tiger123', '@report.sql'] }))).toEqual([
      'spec.template.spec.containers[0].command[2]: secrets/value',
    ]);
    expect(found(deployment({ command: ['sqlplus', '/', 'as', 'sysdba'] }))).toEqual([]);
    expect(found(deployment({ command: ['docker'], args: ['--config', '/tmp/ci', 'login', '-u', 'ci', '-p', 'hunter2k'] }))).toEqual([
      'spec.template.spec.containers[0].args[6]: secrets/value',
    ]);
  });

  it("names a JVM option's setting by the property it sets, without -D", () => {
    const messages = checkSecretContent(
      deployment({ args: ['-Ddb.password=hunter2k', '-DB_PASSWORD=hunter2k', '-DDB_PASSWORD=hunter2k'] }),
    ).findings.map((f) => f.message);
    expect(messages.map((m) => /^is the value of '([^']+)'/.exec(m)?.[1])).toEqual(['db.password', 'DB_PASSWORD', 'DB_PASSWORD']);
    // in a file's text too: the setting a message names
    const text = 'JAVA_HOME=/opt/java\nJAVA_OPTS=-Xms1g -DDB_PASSWORD=hunter2k\n';
    const [finding] = checkSecretContent({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'jvm' },
      data: { 'app.env': text },
    }).findings;
    expect(finding?.message).toContain("on line 2 of the value (setting 'DB_PASSWORD')");
  });

  it("takes no sentence at the top of a value for a setting (an env var's error text), and still finds a password after a word", () => {
    const env = (value: string) => found(deployment({ env: [{ name: 'MESSAGE', value }] }));
    expect(env('Invalid token: please log in again')).toEqual([]);
    expect(env('Bad password: try again later')).toEqual([]);
    expect(env('password: Hunter2xyz')).toEqual(['spec.template.spec.containers[0].env[0].value: secrets/value']);
    expect(env('admin password: Hunter2xyz')).toEqual(['spec.template.spec.containers[0].env[0].value: secrets/value']);
    expect(env('{user: app, password: hunter two}')).toEqual(['spec.template.spec.containers[0].env[0].value: secrets/value']);
  });

  it("takes a client's name only where a command stands, so a container named mongo or sshpass leaves the next -p a port", () => {
    const at = (c: Record<string, unknown>) => found(deployment(c));
    for (const program of ['docker', 'podman', 'nerdctl']) {
      expect(at({ command: [program], args: ['run', '-d', '--name', 'mongo', '-p', '27017:27017', 'mongo:7'] })).toEqual([]);
      expect(at({ command: ['sh', '-c', `${program} run -d --name mongo -p 27017:27017 mongo:7 && npm test`] })).toEqual([]);
    }
    expect(at({ command: ['sh', '-c', 'docker run -d --name sshpass -p 2222:22 img'] })).toEqual([]);
    expect(at({ args: ['docker', 'run', '-d', '--name', 'sshpass', '-p', '2222:22', 'img'] })).toEqual([]);
    expect(at({ command: ['sh', '-c', 'kubectl logs mongo -p mongod'] })).toEqual([]);
    expect(at({ command: ['kubectl', 'logs', 'mongo', '-p', 'mongod'] })).toEqual([]);
    // where a command stands, the client is still read
    for (const line of [
      'sudo -u backup sshpass -p hunter2k ssh host',
      'env A=1 mongodump -u admin -p hunter2k',
      'docker exec -it db mysql -uroot -phunter2k',
      'kubectl exec db -- mysql -uroot -phunter2k',
      'set -e; timeout 10 redis-cli -a hunter2k ping',
    ]) {
      expect(at({ command: ['sh', '-c', line] }), line).toEqual(['spec.template.spec.containers[0].command[2]: secrets/value']);
    }
    expect(at({ command: ['kubectl', 'exec', 'db', '--', 'mysql', '-phunter2k'] })).toEqual([
      'spec.template.spec.containers[0].command[5]: secrets/value',
    ]);
  });

  it("finds a password given to mysql's -p or curl's -u as a command or args entry, the client named in either list", () => {
    const at = (c: Record<string, unknown>) => found(deployment(c));
    expect(at({ command: ['mysql', '-uroot', '-phunter2k', 'db'] })).toEqual([
      'spec.template.spec.containers[0].command[2]: secrets/value',
    ]);
    expect(at({ command: ['mysql'], args: ['-uroot', '-phunter2k'] })).toEqual(['spec.template.spec.containers[0].args[1]: secrets/value']);
    expect(at({ args: ['mysqldump', '-phunter2k', 'db'] })).toEqual(['spec.template.spec.containers[0].args[1]: secrets/value']);
    expect(at({ command: ['curl', '-u', 'admin:hunter1w', 'http://x'] })).toEqual([
      'spec.template.spec.containers[0].command[2]: secrets/value',
    ]);
    expect(at({ command: ['/usr/bin/curl'], args: ['--user=admin:hunter1w', 'http://x'] })).toEqual([
      'spec.template.spec.containers[0].args[0]: secrets/value',
    ]);
  });

  it("leaves alone a client's prompt, a user alone, references, and -p of other tools", () => {
    const at = (c: Record<string, unknown>) => found(deployment(c));
    // `-p` alone prompts; the next word is mysql's database, not a password (nor is it one to tools whose -p is a port)
    expect(at({ command: ['mysql'], args: ['-uroot', '-p', 'hunter2l'] })).toEqual([]);
    expect(at({ command: ['mysql', '-p$(MYSQL_PWD)', '-P3306'] })).toEqual([]);
    expect(at({ command: ['curl', '-u', 'admin', 'http://x'], args: ['-uadmin:$(PASS)'] })).toEqual([]);
    expect(at({ command: ['iperf3', '-s', '-phunter2k'], args: ['-p5201'] })).toEqual([]);
    expect(at({ command: ['psql', '-h', 'mysql', '-p5432'] })).toEqual([]);
  });

  it("finds the password given to redis-cli's -a, sshpass's and MongoDB tools' -p and a registry login's -p, as a command or args entry", () => {
    const at = (c: Record<string, unknown>) => found(deployment(c));
    const entry = (list: string, i: number) => [`spec.template.spec.containers[0].${list}[${i}]: secrets/value`];
    expect(at({ command: ['redis-cli', '-h', 'redis', '-a', 'hunter2k', 'ping'] })).toEqual(entry('command', 4));
    expect(at({ command: ['sshpass'], args: ['-p', 'hunter2k', 'ssh', 'backup@host'] })).toEqual(entry('args', 1));
    expect(at({ command: ['sshpass', '-phunter2k', 'ssh', 'backup@host'] })).toEqual(entry('command', 1));
    expect(at({ command: ['mongodump', '-u', 'admin', '-p', 'hunter2k', '--host', 'db'] })).toEqual(entry('command', 4));
    expect(at({ command: ['docker', 'login', '-u', 'admin', '-p', 'hunter2k', 'registry.example.com'] })).toEqual(entry('command', 5));
    expect(at({ command: ['helm', 'registry', 'login', '-u', 'admin', '-phunter2k', 'registry.example.com'] })).toEqual(
      entry('command', 5),
    );
  });

  it("leaves alone their prompts, references and ports: redis-cli's -p, docker run's -p, a mongo tool's -p before a flag", () => {
    const at = (c: Record<string, unknown>) => found(deployment(c));
    expect(at({ command: ['redis-cli', '-h', 'redis', '-p', '6379', '-a', '$(REDIS_PASSWORD)', 'ping'] })).toEqual([]);
    expect(at({ command: ['docker', 'run', '-p', '8080:80', 'nginx:1.27'] })).toEqual([]);
    expect(at({ command: ['docker', 'login', '-u', 'admin', '--password-stdin', 'registry.example.com'] })).toEqual([]);
    expect(at({ command: ['mongosh', '-u', 'admin', '-p', '--authenticationDatabase', 'admin'] })).toEqual([]);
    expect(at({ command: ['sshpass', '-f', '/run/secrets/ssh-password', 'ssh', 'backup@host'] })).toEqual([]);
  });

  it('judges the entry after a flag only when it is a value: not a flag, a file, a reference or an ordinary flag', () => {
    const args = (...entries: unknown[]) => found(deployment({ args: entries }));
    // --password alone asks for it (mysql): the next entry is another flag, the end of flags or standard input
    expect(args('--password', '--verbose', '--token', '--db-token=$(TOKEN)', '--secret', '--', '--pass', '-')).toEqual([]);
    // the flag names a file or a place, not the secret
    expect(
      args('--password-file', '/run/pw', '--token-auth-file', '/etc/tokens.csv', '--secret-name', 'db', '--tls-cert', 'x.pem'),
    ).toEqual([]);
    expect(args('--token', '$(TOKEN)', '--password', 'true', '--verbose', 'hunter2', 'password', 'hunter2', '--password=', 'x')).toEqual(
      [],
    ); // a flag that takes no value, a source of the secret, a secret manager's secret by its name or id
    const at = (c: Record<string, unknown>) => found(deployment(c));
    expect(at({ command: ['docker', 'login', '-u', 'ci', '--password-stdin', 'ghcr.io'] })).toEqual([]);
    expect(at({ command: ['pg_dump', '--no-password', 'shop'], args: ['mysqldump', '--skip-password', 'shop'] })).toEqual([]);
    expect(at({ command: ['aws', 'secretsmanager', 'get-secret-value', '--secret-id', 'prod/db'] })).toEqual([]);
    expect(at({ command: ['gcloud', 'secrets', 'versions', 'access', 'latest', '--secret', 'my-secret', '--secret=my-secret'] })).toEqual(
      [],
    );
    expect(at({ command: ['openssl', 'enc', '-aes-256-cbc', '-pass', 'stdin', '-passin', 'env:PW'] })).toEqual([]);
    expect(at({ command: ['openssl', 'enc', '-aes-256-cbc', '-pass', 'pass:Hunter2kq9', '--secret', 'Hunter2kq9'] })).toEqual([
      'spec.template.spec.containers[0].command[4]: secrets/value',
      'spec.template.spec.containers[0].command[6]: secrets/key-name',
    ]);
  });

  it("says which client and flag a password on a command line is given to, in a script or a list, never the password; so does the exception's line", () => {
    const script = 'set -e\nuntil redis-cli -h redis ping; do sleep 1; done\nredis-cli -h redis -a Qz7pass9 SET ready 1\n';
    const o = deployment({ command: ['sh', '-c', script] });
    const messages = (x: KubeObject) => checkSecretContent(x).findings.map((f) => formatProblem(toProblem(f)));
    const inScript = messages(o);
    expect(inScript).toHaveLength(1);
    expect(inScript[0]).toContain(
      'holds a password on a command line (redis-cli -a <password>) on line 3 of the value (a 98-character value, hidden)',
    );
    const list = messages(deployment({ command: ['sshpass'], args: ['-p', 'Qz7pass9', 'ssh', 'backup@host'] }));
    expect(list).toHaveLength(1);
    expect(list[0]).toContain('args[1]: holds a password on a command line (sshpass -p <password>) (a 8-character value, hidden)');
    expect([...inScript, ...list].join('\n')).not.toContain('Qz7pass9');
    const excused = deployment({ command: ['sshpass'], args: ['-p', 'Qz7pass9', 'ssh', 'backup@host'] });
    excused.metadata.annotations = {
      'secrets.stagecraft.dev/allow': 'spec.template.spec.containers[0].args[1] (command-password): a test password',
    };
    expect(checkSecretContent(excused).exceptions.map((e) => e.allows)).toEqual([
      'spec.template.spec.containers[0].args[1]: a password on a command line (sshpass -p <password>)',
    ]);
  });

  it('finds secrets in command lines, annotations, labels and decoded binaryData', () => {
    expect(found(deployment({ command: ['sh', '-c', `curl -H 'Authorization: ${SECRET_SAMPLES['bearer-token']}' http://x`] }))).toEqual([
      'spec.template.spec.containers[0].command[2]: secrets/value',
    ]);
    const annotated = deployment({});
    annotated.metadata.annotations = { 'example.com/key': SECRET_SAMPLES['aws-access-key-id']! };
    expect(found(annotated)).toEqual(['metadata.annotations.example.com/key: secrets/value']);
    // a label by its name as an annotation is (a label's value holds no symbol, so no content rule finds a short token)
    expect(found(deployment({}, { app: 'x', 'example.com/api-token': 'Kq8vR3nZ7wLp', 'example.com/token-type': 'Bearer' }))).toEqual([
      'metadata.labels.example.com/api-token: secrets/key-name',
    ]);
    const pem = Buffer.from(SECRET_SAMPLES['private-key']!).toString('base64');
    const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256)).toString('base64');
    expect(found(configMap({}, { 'key.pem': pem, 'blob.bin': random }))).toEqual(['binaryData.key.pem: secrets/value']);
  });

  it("finds a secret setting inside a file a ConfigMap holds, a JVM option and kubectl's last-applied copy of an object", () => {
    const files = configMap({
      'application.properties': 'server.port=8080\nspring.datasource.password=S3cr3tP4ssw0rd!\n',
      'settings.json': '{"db": {"host": "mysql", "password": "S3cr3tP4ssw0rd!"}}',
      'config.yaml': 'db:\n  host: mysql\n  password: S3cr3tP4ssw0rd!\n',
      'app.env': 'LOG_LEVEL=info\nAPI_TOKEN=tok-8f3kQz71\n',
      'context.xml': '<Context><Resource name="jdbc/db" username="app" password="S3cr3tP4ss"/></Context>',
      'hibernate.xml': '<properties><password>hunter2b</password></properties>',
      'my.ini': '[client]\nuser = app\npass = hunter2e\n',
      // references, switches, numbers, names of Secrets and empty values are no secret
      'safe.properties':
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as a properties file writes it
        'spring.datasource.password=${DB_PASSWORD}\npassword_max_age=90\nexistingSecret: db-creds\npassword: ""\nrequire_password: true\n',
    });
    expect(found(files)).toEqual([
      'data.application.properties: secrets/value',
      'data.settings.json: secrets/value',
      'data.config.yaml: secrets/value',
      'data.app.env: secrets/value',
      'data.context.xml: secrets/value',
      'data.hibernate.xml: secrets/value',
      'data.my.ini: secrets/value',
    ]);
    expect(found(deployment({ env: [{ name: 'JAVA_OPTS', value: '-Xmx512m -Dspring.datasource.password=hunter22' }] }))).toEqual([
      'spec.template.spec.containers[0].env[0].value: secrets/value',
    ]);
    const exported = configMap({ LOG: 'x' });
    exported.metadata.annotations = {
      'kubectl.kubernetes.io/last-applied-configuration':
        '{"apiVersion":"v1","data":{"DB_PASSWORD":"S3cr3tP4ssw0rd!","LOG":"x"},"kind":"ConfigMap"}',
    };
    expect(found(exported)).toEqual(['metadata.annotations.kubectl.kubernetes.io/last-applied-configuration: secrets/value']);
  });

  it("says on which line of a file a ConfigMap holds its secret is, and the setting's name, never the value", () => {
    const [inFile, alone] = checkSecretContent(
      configMap({ 'redis.conf': 'port 6379\nbind 0.0.0.0\nrequirepass S3cr3tP4ssw0rd!\n', URL: SECRET_SAMPLES['url-credentials']! }),
    ).findings.map((f) => formatProblem(toProblem(f)));
    expect(inFile).toContain(
      "holds a setting with a secret's name and its value after a blank, alone on its line (requirepass ..., auth_pass ...) on line 3 of the value (setting 'requirepass') (a 51-character value, hidden)",
    );
    expect(inFile).not.toContain('S3cr3tP4ssw0rd!');
    // a value of one line has no line to say, nor a private key that is the value whole
    expect(alone).not.toContain('of the value');
    expect(found(configMap({ 'tls.key': SECRET_SAMPLES['private-key']! }))).toEqual(['data.tls.key: secrets/value']);
    expect(checkSecretContent(configMap({ 'tls.key': SECRET_SAMPLES['private-key']! })).findings[0]!.message).not.toContain('of the value');
  });

  it("leaves an nginx reverse proxy's ConfigMap alone, its proxy_pass lines however many, and still finds a Redis password beside it", () => {
    expect(found(configMap({ 'nginx.conf': NGINX_CONF, 'redis.conf': 'port 6379\nrequirepass S3cr3tP4ssw0rd!\n' }))).toEqual([
      'data.redis.conf: secrets/value',
    ]);
  });

  it('leaves digests, hashes, UUIDs and git commits in labels and annotations alone', () => {
    const o = deployment(
      { image: 'registry.example.com/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
      {
        app: 'x',
        'example.com/commit': '7f69361c2d4b8e0a1f3e5d6c7b8a9f0e1d2c3b4a',
        'example.com/run': '123e4567-e89b-12d3-a456-426614174000',
      },
    );
    expect(found(o)).toEqual([]);
  });

  it('finds a secret pasted as a key, at its mapping, and prints it in no finding, the paths of other checks included', () => {
    const token = SECRET_SAMPLES['github-token']!;
    expect(found(configMap({ [token]: 'x' }))).toEqual(['data: secrets/value']);
    // a key the API server refuses too (a space): the API rules' finding is at a path through it
    const bearer = SECRET_SAMPLES['bearer-token']!;
    const findings = checkObjects([configMap({ [bearer]: 'x', [token]: 'y' })]).findings;
    expect(findings.map((f) => f.code)).toContain('secrets/value');
    expect(findings.length).toBeGreaterThan(2);
    const text = findings.map((f) => formatProblem(toProblem(f))).join('\n');
    expect(text).toContain(`has a key that is a GitHub token (a ${token.length}-character key, hidden)`);
    expect(text).not.toContain(token);
    expect(text).not.toContain(bearer);
    expect(text).not.toContain(bearer.slice(7));
  });

  it('never prints a secret in the findings of other checks (a label value the API server refuses)', () => {
    const url = SECRET_SAMPLES['url-credentials']!;
    const o = deployment({ env: [{ name: 'DB_PASSWORD', value: 98765432101 }] }, { app: 'x', db: url });
    const text = checkObjects([o])
      .findings.map((f) => formatProblem(toProblem(f)))
      .join('\n');
    expect(text).toContain('label value "(a 45-character value, hidden)" is not valid');
    expect(text).toContain('must be a string (found (a 11-character value, hidden))');
    expect(text).not.toContain(url);
    expect(text).not.toContain('98765432101');
  });

  it("names a secret's key whole when the value is part of it, and never masks a word of the hint equal to the value", () => {
    const o = configMap({ SECRET_STRIPE: 'STRIPE', DB_PASSWORD: 'cluster' });
    const text = checkObjects([o])
      .findings.filter((f) => f.code.startsWith('secrets/'))
      .map((f) => formatProblem(toProblem(f)))
      .join('\n');
    expect(text).toContain(
      "data.SECRET_STRIPE: is the value of 'SECRET_STRIPE', whose name says it is secret (a 6-character value, hidden)",
    );
    expect(text).toContain("data.DB_PASSWORD: is the value of 'DB_PASSWORD', whose name says it is secret (a 7-character value, hidden)");
    // a word of the hint masked where the value is that word would tell the value
    expect(text).not.toMatch(/the \(a \d-character value, hidden\)|SECRET_\(a/);
    expect(text).toContain('a Secret made in the cluster another way');
  });

  it('masks the key in a secret finding when the key is itself a secret', () => {
    const token = SECRET_SAMPLES['github-token']!;
    const text = checkObjects([configMap({ [`API_TOKEN_${token}`]: 'hunter2k' })])
      .findings.map((f) => formatProblem(toProblem(f)))
      .join('\n');
    expect(text).toContain(`is the value of '(a ${token.length + 10}-character key, hidden)', whose name says it is secret`);
    expect(text).not.toContain(token);
  });

  it('never prints a short number that is a secret in a schema message: after a secret flag in args, or under a secret env name', () => {
    const o = deployment({ args: ['--port', 8080, '--password', 31337], env: [{ name: 'DB_PASSWORD', value: 4242 }] });
    const text = checkObjects([o])
      .findings.map((f) => formatProblem(toProblem(f)))
      .join('\n');
    expect(text).toContain('args[1]: must be a string (found 8080)');
    expect(text).toContain('args[3]: must be a string (found (a 5-character value, hidden))');
    expect(text).toContain('env[0].value: must be a string (found (a 4-character value, hidden))');
    expect(text).not.toMatch(/31337|4242/);
  });
});

describe("the Namespace's list of the Secrets its stage needs", () => {
  const namespace = (required: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'svc', annotations: { 'stagecraft.dev/required-secrets': required } },
  });

  it("is names of Secrets and keys, never a setting, even when a name is a secret's (api-token=token-value)", () => {
    expect(found(namespace('api-token=token-value; registry-creds=.dockerconfigjson; db=password,username'))).toEqual([]);
  });

  it('still holds no secret pasted as a name', () => {
    expect(found(namespace(`api=${SECRET_SAMPLES['github-token']}`))).toEqual([
      'metadata.annotations.stagecraft.dev/required-secrets: secrets/value',
    ]);
  });
});

describe('values of Secrets (checkSecretValues)', () => {
  const secret = (data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'qa' },
    data,
  });

  it('warns of keys with empty values in manifests checked on their own, and never advises leaving a value empty', () => {
    const [empty, ...more] = checkSecretValues(secret({ password: '' }));
    expect(more).toEqual([]);
    expect([empty.code, empty.severity, fieldPath(empty.path)]).toEqual(['policy/secret-value', 'warning', 'data.password']);
    expect(empty.message).toBe(
      "declares key 'password' with an empty value; applied as it is, kubectl apply would set the key of the Secret in the cluster to ''",
    );
    expect(empty.hint).toContain('stagecraft.dev/secret-keys');
    const [f] = checkSecretValues(secret({ password: 'cHc=' }));
    expect(f.code).toBe('policy/secret-value');
    expect(f.hint).not.toMatch(/leave the value empty/);
    expect(f.hint).toContain('stagecraft.dev/secret-keys');
  });

  it("refuses every key, empty or not, of a Secret written to dist/, with a hint to declare it under the app's secrets: setting", () => {
    const found = checkSecretValues(secret({ 'tls.crt': '', 'tls.key': 'a2V5' }), { written: true });
    expect(found.map((f) => fieldPath(f.path))).toEqual(['data.tls.crt', 'data.tls.key']);
    expect(
      found.every((f) =>
        f.hint?.startsWith("remove the Secret from the manifests and declare it, by name and keys, under the app's secrets: setting"),
      ),
    ).toBe(true);
  });

  it('finds nothing in a Secret without data, written or not', () => {
    const token: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 't' }, type: 'kubernetes.io/service-account-token' };
    expect(checkSecretValues(token, { written: true })).toEqual([]);
  });
});
