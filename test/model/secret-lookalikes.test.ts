/**
 * The secret screen on a corpus of real-world configuration that holds no secret (test/fixtures/secret-lookalikes/: 50 files,
 * about 650 lines, of the kinds teams put in a ConfigMap: application.properties and YAML, .env and .env.example, nginx, HAProxy,
 * PostgreSQL, Redis, MySQL, MongoDB, RabbitMQ, Kafka and Elasticsearch configuration, docker-compose, package.json, Python, Java,
 * Go, C#, Node, Ruby, PHP, Rust and shell code, a kubeconfig, Terraform, Helm values, GitHub Actions and GitLab CI workflows, i18n
 * catalogues, an SQL init script, JWT and OAuth settings, Django's settings, a Strimzi KafkaUser, an .npmrc and a .pypirc, a PEM
 * certificate, clients given a password read from the environment), each file judged as a ConfigMap holds it; and the same kinds of files
 * with a real secret in them, each refused without its value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSecretContent } from '../../lib/checks/secrets.js';
import type { KubeObject } from '../../lib/model/object.js';
import { REPO } from '../helpers/cli.js';

const CORPUS = join(REPO, 'test/fixtures/secret-lookalikes');

const configMap = (key: string, text: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config', namespace: 'qa' },
  data: { [key]: text },
});

/** The messages of the findings of a file held in a ConfigMap under `key`. */
const findings = (key: string, text: string) => checkSecretContent(configMap(key, text)).findings.map((f) => f.message);

/** Files of the same kinds with a real secret in them (made-up values): each must be refused. */
const SECRETS: readonly (readonly [file: string, text: string])[] = [
  ['application.properties', 'spring.datasource.password=Xk9vQ2mLr7pT\n'],
  ['application.yaml', 'spring:\n  datasource:\n    password: Summer2024!\n'],
  ['.env', 'DB_PASSWORD=hunter2pw\n'],
  ['.env.example', 'DB_PASSWORD=Xk9vQ2mLr7pT\n'],
  ['redis.conf', 'requirepass foobared9X\n'],
  [
    'server.properties',
    'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="Kx9vQ2mLr7pT";\n',
  ],
  ['docker-compose.yml', 'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: Winter2024x\n'],
  ['db.py', 'conn = psycopg2.connect(host="db", user="app", password="Xk9vQ2mLr7pT")\n'],
  ['db2.py', 'conn = pymysql.connect("db", "app", "Xk9vQ2mLr7pT")\n'],
  ['db3.py', 'password = "".join(["Xk9v", "Q2mL", "r7pT"])\n'],
  ['Db.java', 'Connection c = DriverManager.getConnection(url, "app", "Xk9vQ2mLr7pT");\n'],
  // a CSRF token's id of a password's mix, Vault AppRole's secret_id (a credential, a UUID)
  ['csrf.env', 'CSRF_TOKEN_ID=Xk9vQ2mLr7pTzQ\n'],
  ['vault.env', 'VAULT_SECRET_ID=3f2504e0-4f89-11d3-9a0c-0305e82c3301\n'],
  ['approle.tf', 'secret_id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"\n'],
  // a passphrase of words in a catalogue, and a password after a CI context's word
  [
    'messages.properties',
    'login.passphrase=Correct horse battery staple\nlogin.user=Benutzer\nlogin.title=Bitte melden Sie sich an.\nerror=Das hat nicht geklappt.\n',
  ],
  // a password of words, a comma among them, in a catalogue: only a passphrase's name holds a message of a sentence's grammar
  [
    'messages_de.properties',
    'login.password=Correct horse battery staple, today\nlogin.user=Benutzer\nlogin.title=Bitte melden Sie sich an.\n',
  ],
  ['deploy.yml', '      - uses: docker/login-action@v3\n        with:\n          password: env.Summer2024\n'],
  // an annotation that names a Secret, holding a password; Auth.js's secret, words
  ['values.yaml', 'ingress:\n  annotations:\n    nginx.ingress.kubernetes.io/auth-secret: Xk9vQ2mLr7pT\n'],
  ['auth.yaml', 'auth:\n  AUTH_SECRET: my-nextauth-secret\n'],
  ['csrf.properties', 'csrf.token.parameter=Xk9vQ2mLr7pT\n'],
  ['en.yml', 'api_token: "API Xk9vQ2mLr7pT"\n'],
  ['main.tf', 'variable "db_password" {\n  default = "Xk9vQ2mLr7pT"\n}\n'],
  ['init.sql', "CREATE USER app WITH PASSWORD 'Xk9vQ2mLr7pT';\n"],
  // a password under a name of a secret's property, or under a secret's word numbered; a CSRF token's id of a password's mix nested
  ['secret-properties.env', 'PASSWORD_HASHER=argon2\nPASSWORD_TEMPLATE=hunter2\n'],
  ['.env', 'PASSWORD2=hunter2\n'],
  ['security.yml', 'security:\n  csrf:\n    token-id: Xk9vQ2mLr7pT\n'],
  // a password passed by its position to a client's call
  ['clients.py', "r = redis.StrictRedis('redis', 6379, 0, 'Xk9vQ2mLr7pT')\n"],
  ['clients.js', "const sequelize = new Sequelize('shop', 'app', 'Xk9vQ2mLr7pT', { dialect: 'postgres' })\n"],
  // credential files and keys as teams put them in a ConfigMap: a PEM key (a PEM certificate passes), a JWT, an .npmrc's token
  ['tls.key', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n'],
  [
    'token.txt',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n',
  ],
  ['.npmrc', '//registry.npmjs.org/:_authToken=npm_Xk9vQ2mLr7pT0aZ8bY7cX6dW5eV4fU3gH2iJ\n'],
];

describe('the secret screen on a corpus of look-alikes', () => {
  const files = readdirSync(CORPUS).sort();

  it('reads a corpus of 400 lines or more, of every kind of file teams put in a ConfigMap', () => {
    const lines = files.reduce((n, f) => n + readFileSync(join(CORPUS, f), 'utf8').split('\n').length, 0);
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(lines).toBeGreaterThanOrEqual(400);
  });

  it.each(files)('finds no secret in %s', (file) => {
    expect(findings(file, readFileSync(join(CORPUS, file), 'utf8'))).toEqual([]);
  });

  it.each(SECRETS)('refuses the secret in %s, never saying its value', (file, text) => {
    const found = findings(file, text);
    expect(found.length, text).toBe(1);
    expect(found[0]).toMatch(/secret values must not be in manifests/);
    // each value's words: the passwords, a PEM key's body and a JWT's parts too
    for (const word of [
      'Xk9vQ2mLr7pT',
      'Summer2024',
      'hunter2',
      'foobared9X',
      'Winter2024x',
      '3f2504e0',
      'Correct horse',
      'nextauth',
      'MIIEvQIBADAN',
      'eyJhbGciOiJIUzI1NiIs',
      'SflKxwRJSMeKKF2QT4fw',
    ])
      expect(found[0]).not.toContain(word);
  });
});
