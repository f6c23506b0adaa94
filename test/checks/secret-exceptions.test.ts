import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { checkSecretContent } from '../../lib/checks/secrets.js';
import { SECRET_ALLOW_ANNOTATION } from '../../lib/checks/secret-exceptions.js';
import { exceptionLines, fieldPath, toProblem } from '../../lib/checks/finding.js';
import { compileStages } from '../../lib/compile.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import type { KubeObject } from '../../lib/model/object.js';
import { SECRET_SAMPLES } from '../helpers/secret-samples.js';

const MAPS_KEY = SECRET_SAMPLES['google-api-key']!;

const configMap = (data: Record<string, string>, allow?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web', namespace: 'default', ...(allow === undefined ? {} : { annotations: { [SECRET_ALLOW_ANNOTATION]: allow } }) },
  data,
});

/** Each finding of the secret screen as `field: code: message`. */
const found = (o: KubeObject) => checkSecretContent(o).findings.map((f) => `${fieldPath(f.path)}: ${f.code}: ${f.message}`);

describe('secrets.stagecraft.dev/allow: values that only look secret, excused on their object', () => {
  it('excuses each field it names, for its reason, and lists the exception; the other fields are still refused', () => {
    const o = configMap(
      { MAPS_KEY, DB_PASSWORD: 'hunter2pw', TOKEN_GITHUB: 'x9Kq2LmP7vRt4WzY' },
      'data.MAPS_KEY (google-api-key): a browser key restricted to our domain, public by design\ndata.TOKEN_GITHUB (secret-name): a token of the public demo account\n',
    );
    const { findings, exceptions } = checkSecretContent(o);
    expect(findings.map((f) => `${fieldPath(f.path)}: ${f.code}`)).toEqual(['data.DB_PASSWORD: secrets/key-name']);
    expect(exceptionLines(exceptions)).toEqual([
      'exception: ConfigMap default/web: secrets (data.MAPS_KEY: a Google API key): a browser key restricted to our domain, public by design',
      'exception: ConfigMap default/web: secrets (data.TOKEN_GITHUB: a value under a secret-looking name): a token of the public demo account',
    ]);
  });

  it('refuses an entry that excuses nothing, a line that is no entry and a field named twice, at the annotation', () => {
    const o = configMap(
      { LOG_LEVEL: 'info' },
      'data.LOG_LEVEL (secret-name): looked secret once\ndata.NOPE\n\ndata.LOG_LEVEL (secret-name): again\ndata.X: no kind\ndata.Y (password): no such kind\n',
    );
    expect(found(o)).toEqual([
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unknown: line 2 is not '<field> (<kind>): <reason>': each line excuses one secret, with the reason it is not secret`,
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unknown: line 4 excuses data.LOG_LEVEL a second time`,
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unknown: line 5 is not '<field> (<kind>): <reason>': each line excuses one secret, with the reason it is not secret`,
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unknown: line 6 names no kind of secret ('password')`,
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unused: line 1 excuses data.LOG_LEVEL (secret-name), which holds no such value (or is no field of the ConfigMap): the exception excuses nothing`,
    ]);
  });

  it('reads its reasons as text, not as settings, and still refuses a secret pasted in one', () => {
    expect(found(configMap({ API_TOKEN: 'x9Kq2LmP7vRt4WzY' }, 'data.API_TOKEN (secret-name): public token of the maps demo'))).toEqual([]);
    // the line is not honoured either: the value it named is refused too
    expect(found(configMap({ API_TOKEN: 'x9Kq2LmP7vRt4WzY' }, `data.API_TOKEN (secret-name): public, like ${MAPS_KEY}`))).toEqual([
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/value: holds a Google API key on line 1 (a 52-character value, hidden); secret values must not be in manifests, which are committed`,
      "data.API_TOKEN: secrets/key-name: is the value of 'API_TOKEN', whose name says it is secret (a 16-character value, hidden); secret values must not be in manifests, which are committed",
    ]);
  });

  it("takes a reason that names a secret's kind with a colon as prose, and refuses one that holds a setting's value", () => {
    // was: 'holds a setting with a secret's name and its value ... on line 1', and the key not excused
    const prose = checkSecretContent(
      configMap({ MAPS_KEY }, 'data.MAPS_KEY (google-api-key): password: managed by Vault, this key is public'),
    );
    expect(prose.findings).toEqual([]);
    expect(exceptionLines(prose.exceptions)).toEqual([
      'exception: ConfigMap default/web: secrets (data.MAPS_KEY: a Google API key): password: managed by Vault, this key is public',
    ]);
    const quoted = found(configMap({ MAPS_KEY }, 'data.MAPS_KEY (google-api-key): public; the old password: Hunter2xyzQ'));
    expect(quoted.map((f) => f.split(' (a ')[0])).toEqual([
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/value: holds a setting with a secret's name and its value (password=..., "token": "...", --db-password=...) on line 1`,
      'data.MAPS_KEY: secrets/value: holds a Google API key',
    ]);
    expect(quoted.join('\n')).not.toContain('Hunter2');
  });

  it('never excuses a secret pasted as a key', () => {
    const token = SECRET_SAMPLES['github-token']!;
    expect(
      found(configMap({ [token]: 'x' }, `data (github-token): a key, not a value\ndata.${token} (github-token): a key`)).map((f) =>
        f.split(': ').slice(0, 2).join(': '),
      ),
    ).toEqual([
      // the second line names the token: refused at the annotation, and not honoured
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/value`,
      'data: secrets/value',
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unused`,
    ]);
  });

  it('is what the hint of manifests checked on their own offers, with the field, besides a Secret made in the cluster', () => {
    const [f] = checkObjects([configMap({ MAPS_KEY })]).findings.filter((x) => x.code === 'secrets/value');
    expect(f!.hint).toBe(
      'keep it in a Secret made in the cluster another way (kubectl create secret, Sealed Secrets, an ExternalSecret) and read it with secretKeyRef ' +
        '(declared for the checks on its Namespace: stagecraft.dev/required-secrets: <name>=<key>); if it is not secret (a public certificate, a known-public token), ' +
        `excuse it on the object: annotation ${SECRET_ALLOW_ANNOTATION}: "data.MAPS_KEY (google-api-key): <reason>"`,
    );
    expect(formatProblem(toProblem(f!))).not.toContain('secrets.allow in the stage file');
  });
});

describe('secrets.stagecraft.dev/allow excuses exactly the one secret each line was written for', () => {
  const TOKEN = SECRET_SAMPLES['github-token']!;
  const ALLOW_FIELD = `metadata.annotations.${SECRET_ALLOW_ANNOTATION}`;

  it('never excuses its own text: a line naming the annotation itself is refused, its token reported by line and never printed', () => {
    const o = configMap({ LOG_LEVEL: 'info' }, `${ALLOW_FIELD} (github-token): ${TOKEN}`);
    const { findings, exceptions } = checkSecretContent(o);
    expect(exceptions).toEqual([]);
    expect(findings.map((f) => `${fieldPath(f.path)}: ${f.code}: ${f.message}`)).toEqual([
      `${ALLOW_FIELD}: secrets/value: holds a GitHub token on line 1 (a 40-character value, hidden); secret values must not be in manifests, which are committed`,
    ]);
    expect(JSON.stringify(findings.map((f) => [f.message, f.hint]))).not.toContain(TOKEN);
  });

  it("refuses a line that names anything under stagecraft's own prefixes, a secret there or not", () => {
    expect(found(configMap({ LOG_LEVEL: 'info' }, `${ALLOW_FIELD} (secret-name): the reason itself`))).toEqual([
      `${ALLOW_FIELD}: secrets/allow-unknown: line 1 excuses ${ALLOW_FIELD}, under stagecraft's own prefix: what stagecraft reads there (this annotation among it) is never excused`,
    ]);
  });

  it('screens each whole line, and never echoes a field or a line the screen flags (text and hint)', () => {
    const gitlab = 'glpat-abcdefghij1234567890';
    const { findings } = checkSecretContent(configMap({ LOG_LEVEL: 'info' }, `${gitlab}: typo\npassword=Hunter2!xyz`));
    expect(findings.map((f) => `${fieldPath(f.path)}: ${f.code}`)).toEqual([
      `${ALLOW_FIELD}: secrets/value`,
      `${ALLOW_FIELD}: secrets/value`,
    ]);
    expect(JSON.stringify(findings.map((f) => [f.message, f.hint]))).not.toMatch(/glpat-|Hunter2/);
  });

  it('refuses a field that holds more than one secret, with the count', () => {
    const conf = `maps_api_key = ${MAPS_KEY}\ndb_password = Hunter2!xyz\n`;
    const o = configMap({ 'app.conf': conf }, 'data.app.conf (google-api-key): public maps key');
    const { findings, exceptions } = checkSecretContent(o);
    expect(exceptions).toEqual([]);
    expect(findings.map((f) => `${fieldPath(f.path)}: ${f.code}: ${f.message.split(';')[0]}`)).toEqual([
      `${ALLOW_FIELD}: secrets/allow-unknown: line 1 cannot excuse data.app.conf: it holds 2 values that look secret, and an exception excuses one`,
      // each of the two said, the password beside the excused key too
      'data.app.conf: secrets/value: holds a Google API key (secret 1 of 2 in the value) (a 81-character value, hidden)',
      'data.app.conf: secrets/value: holds a setting with a secret\'s name and its value (password=..., "token": "...", --db-password=...) on line 2 of the value (setting \'db_password\') (secret 2 of 2 in the value) (a 81-character value, hidden)',
    ]);
    // the key alone is excused
    expect(
      checkSecretContent(configMap({ 'app.conf': `maps_api_key = ${MAPS_KEY}\n` }, 'data.app.conf (google-api-key): public maps key'))
        .findings,
    ).toEqual([]);
  });

  const deployment = (env: { name: string; value: string }[], allow: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', annotations: { [SECRET_ALLOW_ANNOTATION]: allow } },
    spec: { template: { spec: { containers: [{ name: 'web', image: 'web:1', env }] } } },
  });
  const ENV = 'spec.template.spec.containers[0].env';

  it('names an env entry by its name, and refuses another kind of secret at the field', () => {
    const allow = `${ENV}[MAPS_KEY].value (google-api-key): public maps browser key`;
    const excused = checkSecretContent(deployment([{ name: 'MAPS_KEY', value: MAPS_KEY }], allow));
    expect(excused.findings).toEqual([]);
    expect(exceptionLines(excused.exceptions)).toEqual([
      `exception: Deployment default/web: secrets (${ENV}[MAPS_KEY].value: a Google API key): public maps browser key`,
    ]);
    // the entry replaced by another: the line names no entry now, and the new one is refused
    const stripe = `sk_live_${'a1B2c3D4e5F6g7H8i9J0k1L2'}`;
    const replaced = checkSecretContent(deployment([{ name: 'STRIPE_SECRET_KEY', value: stripe }], allow));
    expect(replaced.findings.map((f) => `${fieldPath(f.path)}: ${f.code}`)).toEqual([
      `${ENV}[0].value: secrets/value`,
      `${ALLOW_FIELD}: secrets/allow-unused`,
    ]);
    // another kind of secret under the same name is refused, and the line says what the field holds
    const other = checkSecretContent(deployment([{ name: 'MAPS_KEY', value: stripe }], allow));
    expect(other.findings.map((f) => `${f.code}: ${f.message}`)).toEqual([
      'secrets/value: holds an API token (npm, Stripe, GitLab, OpenAI, Vault style) (a 32-character value, hidden); secret values must not be in manifests, which are committed',
      `secrets/allow-unused: line 1 excuses ${ENV}[MAPS_KEY].value (google-api-key), but it holds an API token (npm, Stripe, GitLab, OpenAI, Vault style) (service-token): an exception excuses the one kind of secret it names`,
    ]);
    expect(other.findings[0]!.hint).toContain(`"${ENV}[MAPS_KEY].value (service-token): <reason>"`);
  });

  it('refuses an env entry named by its index, with the by-name form in the hint', () => {
    const { findings } = checkSecretContent(
      deployment([{ name: 'MAPS_KEY', value: MAPS_KEY }], `${ENV}[0].value (google-api-key): public maps browser key`),
    );
    const refusal = findings.find((f) => f.code === 'secrets/allow-unused')!;
    expect(refusal.message).toBe(
      `line 1 names an env entry by its index (${ENV}[0].value), which would excuse another entry once the list changes`,
    );
    expect(refusal.hint).toBe(`name the entry by its name: '${ENV}[MAPS_KEY].value (google-api-key): <reason>'`);
  });
});

describe("secrets.stagecraft.dev/allow on an included file's object in a stage", () => {
  const included = (allow: string) =>
    new Map([
      [
        'in/web.yaml',
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n${allow ? `  annotations:\n    ${SECRET_ALLOW_ANNOTATION}: "${allow}"\n` : ''}data:\n  MAPS_KEY: ${MAPS_KEY}\n`,
      ],
    ]);
  const compile = (allow: string) =>
    compileStages([
      {
        stage: 'x',
        file: 'environments/x.yaml',
        text: 'apps:\n  legacy:\n    stack: manifests\n    include: [in]\n',
        readSource: () => included(allow),
      },
    ]);

  it("is refused at the included file's line, with a hint for a stage (the app's secrets:, the annotation), not secrets.allow", () => {
    let problems: string[] = [];
    try {
      compile('');
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      problems = e.problems.map(formatProblem);
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^in\/web\.yaml:6:13: ConfigMap x\/web: data\.MAPS_KEY: holds a Google API key \(a 39-character value, hidden\)/,
    );
    expect(problems[0]).toContain("hint: declare a Secret under the app's secrets: setting");
    expect(problems[0]).toContain(
      `excuse it on the object, in its included file: annotation ${SECRET_ALLOW_ANNOTATION}: "data.MAPS_KEY (google-api-key): <reason>"`,
    );
    expect(problems[0]).not.toContain(MAPS_KEY);
  });

  it('is excused by the annotation, and the exception is listed with the stage', () => {
    const { checks } = compile('data.MAPS_KEY (google-api-key): a browser key restricted to our domain');
    expect(exceptionLines(checks.get('x')!.exceptions)).toEqual([
      'exception: ConfigMap x/web: secrets (data.MAPS_KEY: a Google API key): a browser key restricted to our domain',
    ]);
  });
});
