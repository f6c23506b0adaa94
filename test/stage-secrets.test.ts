import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStages } from '../lib/compile.js';
import { ProblemsError, formatProblem } from '../lib/errors.js';
import { screenUnfinishedStage } from '../lib/stage-secrets.js';
import { SECRET_SAMPLES } from './helpers/secret-samples.js';
import { repoStage, runCli, tempProject } from './helpers/cli.js';
import { deliveredStageFile } from './helpers/delivery.js';

/** qa's stage file with more settings under apps.demoapp.config (YAML lines, indented as config entries). */
const qaWithConfig = (lines: readonly string[], head = '') =>
  head +
  repoStage('qa')
    .replace(/^promotion:.*$/m, '# (promotion: left out, this project has one stage)')
    .replace('      APP_ENVIRONMENT: qa\n', `      APP_ENVIRONMENT: qa\n${lines.map((l) => `      ${l}\n`).join('')}`);

/** The line of `text` (1-based) that holds `needle`, and the column where the value after `key: ` starts. */
function placeOf(text: string, key: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.trimStart().startsWith(`${key}:`));
  return `${i + 1}:${lines[i]!.indexOf(`${key}:`) + key.length + 3}`;
}

/** The problems of compiling the stage files, as text; `[]` when they compile. */
function problemsOf(stages: Record<string, string>): string[] {
  try {
    compileStages(Object.entries(stages).map(([stage, text]) => ({ stage, file: `environments/${stage}.yaml`, text })));
    return [];
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    return e.problems.map(formatProblem);
  }
}

// setting names that say nothing: each value is found by its content alone
const CLASSES = Object.entries(SECRET_SAMPLES).map(([id, value], i) => ({ id, key: `SETTING_${i}`, value }));

describe('secret values in stage files', () => {
  it('refuses every class of secret at the file:line:col of its setting, naming what it is without showing it', () => {
    const text = qaWithConfig(CLASSES.map((c) => `${c.key}: ${JSON.stringify(c.value)}`));
    const problems = problemsOf({ qa: text });
    expect(problems).toHaveLength(CLASSES.length);
    for (const c of CLASSES) {
      const p = problems.find((x) => x.includes(`apps.demoapp.config.${c.key} holds `));
      expect(p, c.id).toBeDefined();
      expect(p).toMatch(new RegExp(`^environments/qa\\.yaml:${placeOf(text, c.key)}: `));
      expect(p).toContain(
        `(a ${[...c.value].length}-character value, hidden), which would go into ConfigMap qa/demoapp-config-<hash> (data.${c.key})`,
      );
      expect(p).toContain(`add { path: apps.demoapp.config.${c.key}, reason: <why> } under secrets.allow`);
    }
    const all = problems.join('\n');
    for (const c of CLASSES) expect(all).not.toContain(c.value);
  });

  it('refuses secret-looking setting names and values that reach a command line or a node file', () => {
    const names = qaWithConfig(['DB_PASS: hunter2pw', 'SSH_KEY: abc', 'API_TOKEN: xyz', 'CA_CERT: fine']);
    const probes = repoStage('qa').replace(
      'liveness: { http: { path: /healthz }, periodSeconds: 10 }',
      "liveness: { command: [check, '--password=hunter2pw'] }",
    );
    const node = `nodes: { n1: { roles: [control-plane] } }\napps:\n  hello:\n    message: "token ${SECRET_SAMPLES['github-token']}"\n`;
    expect(problemsOf({ names, probes, node }).map((p) => p.split('\n')[0]!.replace(/ \(a \d+-character value, hidden\).*/, ''))).toEqual([
      'environments/names.yaml:21:16: apps.demoapp.config.DB_PASS looks like a secret value, and stage files are committed: secret values go in .secrets/names.env or environment variables, never in a stage file',
      'environments/names.yaml:22:16: apps.demoapp.config.SSH_KEY looks like a secret value, and stage files are committed: secret values go in .secrets/names.env or environment variables, never in a stage file',
      'environments/names.yaml:23:18: apps.demoapp.config.API_TOKEN looks like a secret value, and stage files are committed: secret values go in .secrets/names.env or environment variables, never in a stage file',
      'environments/node.yaml:4:14: apps.hello.message holds a GitHub token',
      'environments/probes.yaml:10:36: apps.demoapp.probes.liveness.command[1] holds a setting with a secret\'s name and its value (password=..., "token": "...", --db-password=...)',
    ]);
  });

  it('says every secret of the stage file at once: one found by its content beside a setting refused by its name, or by the schema, each once', () => {
    const url = 'LOG_URL: "https://admin:Xk9vQ2mLr7pT@logs.example.com/in"';
    for (const [refused, at] of [
      ['DB_PASSWORD: hunter2pw', 'apps.demoapp.config.DB_PASSWORD looks like a secret value'],
      ['"BAD KEY": x', "apps.demoapp.config: 'BAD KEY' is not a valid name"],
    ] as const) {
      const text = qaWithConfig([refused, url]);
      const problems = problemsOf({ qa: text });
      expect(problems, refused).toHaveLength(2);
      expect(
        problems.find((p) => p.includes(at)),
        refused,
      ).toBeDefined();
      expect(
        problems.find((p) => p.includes('apps.demoapp.config.LOG_URL holds a URL with a user and password')),
        refused,
      ).toMatch(new RegExp(`^environments/qa\\.yaml:${placeOf(text, 'LOG_URL')}: `));
      expect(problems.join('\n')).not.toContain('Xk9vQ2mLr7pT');
    }
    // a URL's password under a secret's name: refused by the name, not said again by its content at the same place
    const both = problemsOf({ qa: qaWithConfig(['DB_PASSWORD: "https://admin:Xk9vQ2mLr7pT@db.example.com/shop"']) });
    expect(both).toHaveLength(1);
    expect(both[0]).toContain('apps.demoapp.config.DB_PASSWORD looks like a secret value');
  });

  it("screens a stage file that stopped early within the reader's bounds: no secret said of an alias bomb, a file nested past the stack or past 8 MiB; a BOM's and CRLF's at their place", () => {
    const screen = (text: string) =>
      screenUnfinishedStage({ stage: 'qa', file: 'environments/qa.yaml', text }, []).map(
        (p) => `${p.location?.line}:${p.location?.column} ${p.message.split(' (a ')[0]}`,
      );
    const level = (name: string, of: string) => `${name}: &${name} [${Array(10).fill(of).join(',')}]\n`;
    const bomb = `${level('a', '"https://a:Xk9vQ2mLr7pT@h/x"')}${level('b', '*a')}${level('c', '*b')}${level('d', '*c')}e: [*d,*d]\n`;
    expect(screen(bomb)).toEqual([]);
    expect(screen(`${'['.repeat(20000)}${']'.repeat(20000)}\n`)).toEqual([]);
    expect(screen(`x: "https://a:Xk9vQ2mLr7pT@h/${'a'.repeat(8 * 1024 * 1024)}"\n`)).toEqual([]);
    const url = 'https://a:Xk9vQ2mLr7pT@h/x';
    expect(screen(`\uFEFFx-a:\n  url: "${url}"\n`)).toEqual([
      '2:8 x-a.url holds a URL with a user and password (scheme://user:password@host)',
    ]);
    expect(screen(`x-a:\r\n  url: "${url}"\r\n`)).toEqual([
      '2:8 x-a.url holds a URL with a user and password (scheme://user:password@host)',
    ]);
  });

  it('refuses a secret in a comment of the stage file at the comment, never printed nor excused; words and placeholders in comments pass', () => {
    const token = SECRET_SAMPLES['github-token']!;
    const text = qaWithConfig(
      ['LOG_FORMAT: json  # password: changeme'],
      `# old DB password: Xk9vQ2mLr7pT (rotated)\n# deploy token ${token}\n`,
    );
    // was: nothing said, and the file committed with both
    const problems = problemsOf({ qa: text });
    expect(problems.map((p) => p.split(' (a ')[0])).toEqual([
      'environments/qa.yaml:1:1: a comment holds a setting with a secret\'s name and its value (password=..., "token": "...", --db-password=...) (setting \'password\')',
      'environments/qa.yaml:2:1: a comment holds a GitHub token',
    ]);
    expect(problems.join('\n')).not.toContain(token);
    expect(problems.join('\n')).not.toContain('Xk9vQ2mLr7pT');
    expect(problems[1]).toContain("hint: remove it from the comment (once committed, it stays in git's history: rotate it)");
    // said when the stage stops earlier too, and excused by no secrets.allow entry
    const unfinished = screenUnfinishedStage({ stage: 'qa', file: 'environments/qa.yaml', text: `# ${token}\napps: 3\n` }, []);
    expect(unfinished.map((p) => `${p.location?.line}:${p.location?.column} ${p.code}`)).toEqual(['1:1 secrets/value']);
    expect(problemsOf({ qa: qaWithConfig(['LOG_FORMAT: json  # password: changeme'], '# rotated weekly by the platform team\n') })).toEqual(
      [],
    );
  });

  it("accepts an empty value under a secret's name in demoapp's config and a service's env (a password left unset), which secrets.allow could not excuse", () => {
    expect(problemsOf({ qa: qaWithConfig(['DB_PASSWORD: ""', "API_TOKEN: ''"]) })).toEqual([]);
    expect(problemsOf({ x: 'apps:\n  a:\n    stack: service\n    image: a:1\n    env: { DB_PASSWORD: "", SMTP_PASSWORD: "" }\n' })).toEqual(
      [],
    );
  });

  it("shows a Secret's name refused under ingress.tlsSecret, and true or false under a secret's name, in the schema's messages", () => {
    const qa = qaWithConfig(['DB_PASSWORD: true']).replace('tlsSecret: demoapp-tls', 'tlsSecret: Web_TLS');
    expect(problemsOf({ qa }).map((p) => p.split('\n')[0]!.replace(/^.*?: /, ''))).toEqual([
      `apps.demoapp.ingress.tlsSecret must be a Secret name (labels of lowercase letters, digits and '-', joined by '.'), of at most 253 characters (found "Web_TLS")`,
      'apps.demoapp.config.DB_PASSWORD must be a string (found true)',
    ]);
    // a password or a number there is hidden, and no hint says to quote the number, which would put it in dist/
    const hidden = qaWithConfig(['REGISTRY_SECRETS: 31337']).replace('tlsSecret: demoapp-tls', 'tlsSecret: "S3cr3t!Passw0rd"');
    const problems = problemsOf({ hidden }).join('\n');
    expect(problems).toContain('config.REGISTRY_SECRETS must be a string (found (a 5-character value, hidden))');
    expect(problems).not.toMatch(/S3cr3t|31337|quote it/);
  });

  it("accepts Playwright's PW_ settings, where pw is no name's last word, and refuses DB_PW", () => {
    const playwright = qaWithConfig(['PW_TEST_REPORTER: html', 'PW_TEST_HTML_REPORT_OPEN: never', 'PW_CHROMIUM_ATTACH_TO_OTHER: "1"']);
    expect(problemsOf({ qa: playwright })).toEqual([]);
    const passwords = problemsOf({ qa: qaWithConfig(['DB_PW: hunter2pw', 'MYSQL_ROOT_PW: hunter2pw', 'ADMIN_PW: hunter2pw']) });
    expect(passwords.map((p) => /config\.(\w+) /.exec(p)?.[1])).toEqual(['DB_PW', 'MYSQL_ROOT_PW', 'ADMIN_PW']);
  });

  it('refuses the values the issue saw reach dist/: PWD, TLS_KEY, and a private key under CERT', () => {
    const pem = JSON.stringify(SECRET_SAMPLES['private-key']);
    const heads = problemsOf({ a: qaWithConfig(['PWD: hunter2pw', 'TLS_KEY: abc']), b: qaWithConfig([`CERT: ${pem}`]) }).map(
      (p) => p.split('\n')[0]!.split(' (a ')[0],
    );
    expect(heads).toEqual([
      'environments/a.yaml:21:12: apps.demoapp.config.PWD looks like a secret value, and stage files are committed: secret values go in .secrets/a.env or environment variables, never in a stage file',
      'environments/a.yaml:22:16: apps.demoapp.config.TLS_KEY looks like a secret value, and stage files are committed: secret values go in .secrets/a.env or environment variables, never in a stage file',
      'environments/b.yaml:21:13: apps.demoapp.config.CERT holds a private key (PEM block)',
    ]);
  });

  it('accepts a value declared under secrets.allow and lists the exception; refuses exceptions that excuse nothing', () => {
    const key = SECRET_SAMPLES['google-api-key']!;
    const allowed = qaWithConfig(
      [`MAPS_KEY: ${key}`],
      'secrets:\n  allow:\n    - { path: apps.demoapp.config.MAPS_KEY, reason: "a browser key, public by design" }\n',
    );
    const { allowedSecrets } = compileStages([{ stage: 'qa', file: 'environments/qa.yaml', text: allowed }]);
    expect(allowedSecrets.get('qa')).toEqual([
      'secret allowed: apps.demoapp.config.MAPS_KEY (a Google API key): a browser key, public by design',
    ]);

    // the reason is the team's text, printed by synth: its control characters as escapes, on one line
    const hostile = allowed.replace('"a browser key, public by design"', '"ok\\e[2J\\e]0;owned\\a\\rX\\nqa: fake line"');
    expect(compileStages([{ stage: 'qa', file: 'environments/qa.yaml', text: hostile }]).allowedSecrets.get('qa')).toEqual([
      'secret allowed: apps.demoapp.config.MAPS_KEY (a Google API key): ok\\x1b[2J\\x1b]0;owned\\x07\\rX\\nqa: fake line',
    ]);

    const stale = qaWithConfig(
      [],
      'secrets:\n  allow:\n    - { path: apps.demoapp.config.LOG_LEVEL, reason: x }\n    - { path: apps.demoapp.config.NOPE, reason: x }\n',
    );
    expect(problemsOf({ qa: stale }).map((p) => p.split('\n')[0])).toEqual([
      'environments/qa.yaml:3:15: secrets.allow[0] excuses apps.demoapp.config.LOG_LEVEL, whose value does not look secret: the exception excuses nothing',
      'environments/qa.yaml:4:15: secrets.allow[1] names apps.demoapp.config.NOPE, which is no value of this stage file',
    ]);
    // a value of an included file is no setting: the hint says where its exception goes
    expect(problemsOf({ qa: stale })[1]).toContain(
      `a value of a manifests app's included file is excused on its object, in that file: annotation secrets.stagecraft.dev/allow: "<field> (<kind>): <reason>"`,
    );
  });

  it('refuses a secret written in secrets.allow itself (a reason that quotes a token), never excused, never printed in the summary', () => {
    const key = SECRET_SAMPLES['google-api-key']!;
    const token = SECRET_SAMPLES['github-token']!;
    const text = qaWithConfig(
      [`MAPS_KEY: ${key}`],
      `secrets:\n  allow:\n    - { path: apps.demoapp.config.MAPS_KEY, reason: "public; the old one was ${token}" }\n`,
    );
    // was: synth passed, and printed 'secret allowed: apps.demoapp.config.MAPS_KEY (a Google API key): public; the old one was ghp_...'
    const problems = problemsOf({ qa: text });
    expect(problems.map((p) => p.split(' (a ')[0])).toEqual(['environments/qa.yaml:3:53: secrets.allow[0].reason holds a GitHub token']);
    expect(problems.join('\n')).not.toContain(token);
    // an exception naming the reason excuses nothing there
    const excused = qaWithConfig(
      [`MAPS_KEY: ${key}`],
      `secrets:\n  allow:\n    - { path: apps.demoapp.config.MAPS_KEY, reason: "public; the old one was ${token}" }\n` +
        '    - { path: "secrets.allow[0].reason", reason: public }\n',
    );
    expect(problemsOf({ qa: excused }).join('\n')).toContain('secrets.allow[0].reason holds a GitHub token');
  });

  it("takes a reason that names a secret's kind as prose, and refuses one that holds a secret's value, never printed", () => {
    const key = SECRET_SAMPLES['google-api-key']!;
    const withReason = (reason: string) =>
      qaWithConfig(
        [`MAPS_KEY: ${key}`],
        `secrets:\n  allow:\n    - { path: apps.demoapp.config.MAPS_KEY, reason: ${JSON.stringify(reason)} }\n`,
      );
    // was: 'secrets.allow[0].reason holds a setting with a secret's name and its value', the word after the colon read as a password
    for (const prose of [
      'password: managed by Vault',
      'token: rotated by the CI job every week',
      'a public key; the password: kept in Vault',
    ])
      expect(problemsOf({ qa: withReason(prose) }), prose).toEqual([]);
    for (const secret of [
      'password: Hunter2xyzQ',
      'password=Hunter2xyzQ, rotated since',
      'password: hunter2 is the old one',
      'old password: managed by Vault, ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5',
      Buffer.from('password=Hunter2xyzQ').toString('base64'),
      encodeURIComponent('password=Hunter2xyzQ'),
      // were taken as prose: a passphrase, and base64 after prose
      'password: correct horse battery staple',
      `password: managed by Vault ${Buffer.from('password=Hunter2xyzQ').toString('base64')}`,
    ]) {
      const problems = problemsOf({ qa: withReason(secret) });
      expect(
        problems.map((p) => p.split(' holds ')[0]),
        secret,
      ).toEqual([expect.stringMatching(/secrets\.allow\[0\]\.reason$/)]);
      expect(problems.join('\n'), secret).not.toMatch(/Hunter2|hunter2|ghp_|horse|cGFzc3dvcmQ9/);
    }
  });

  it('never echoes a value under a secret-looking key in a schema message', () => {
    const problems = problemsOf({ qa: qaWithConfig(['DB_PASSWORD: 98765432101']) });
    expect(problems.join('\n')).toContain('apps.demoapp.config.DB_PASSWORD must be a string (found (a 11-character value, hidden))');
    expect(problems.join('\n')).not.toContain('98765432101');
  });

  it("refuses a value after a secret flag in a service's args at its line, and never echoes a numeric one", () => {
    const service = (args: string) => `apps:\n  api:\n    stack: service\n    image: team/api:1.4.2\n    args: ${args}\n`;
    const [given] = problemsOf({ svc: service('[--verbose, --password, hunter2pw, --password-file, /run/pw]') });
    expect(given).toMatch(
      /^environments\/svc\.yaml:5:35: apps\.api\.args\[2\] holds the value of 'password', whose name says it is secret/,
    );
    expect(given).toContain('which would go into Deployment svc/api (spec.template.spec.containers[0].args[2])');
    expect(given).not.toContain('hunter2pw');
    const numeric = problemsOf({ svc: service('[--password, 31337]') });
    expect(numeric).toEqual(['environments/svc.yaml:5:24: apps.api.args[1] must be a string (found (a 5-character value, hidden))']);
  });

  it('refuses a secret pasted as a key, at its line, without printing it; an unknown key that is one is not printed either', () => {
    const token = SECRET_SAMPLES['github-token'];
    const text = qaWithConfig([`${token}: x`]);
    const problems = problemsOf({ qa: text });
    expect(problems).toHaveLength(1);
    // at the key, its line and column, not at its value
    const line = text.split('\n').findIndex((l) => l.includes(token));
    expect(problems[0]).toMatch(new RegExp(`^environments/qa\\.yaml:${line + 1}:${text.split('\n')[line]!.indexOf(token) + 1}: `));
    expect(problems[0]).toContain(
      `a key under apps.demoapp.config is a GitHub token (a ${token.length}-character key, hidden), which would go into ConfigMap qa/demoapp-config-<hash>`,
    );
    expect(problems.join('\n')).not.toContain(token);
    const unknown = problemsOf({ qa: `${repoStage('qa')}${SECRET_SAMPLES['aws-access-key-id']}: 1\n` });
    expect(unknown.join('\n')).toContain('(a 20-character key, hidden) is not a known setting');
    expect(unknown.join('\n')).not.toContain(SECRET_SAMPLES['aws-access-key-id']);
  });

  it("screens the x- blocks, which no stack reads: a value under a secret's name or that looks secret is refused at its place", () => {
    const block =
      'x-db:\n  user: app\n  password: hunter2pw\n  urls: ["postgres://app:hunter2pw@db:5432/app"]\n  pass: $(DB_PASSWORD)\n' +
      '  tokens: [t0k3n-abc, 31337]\n  auth: basic\n';
    const heads = (text: string) => problemsOf({ qa: text }).map((p) => p.split(' (a ')[0]);
    expect(heads(qaWithConfig([], block))).toEqual([
      "environments/qa.yaml:3:13: x-db.password holds the value of 'password', whose name says it is secret",
      'environments/qa.yaml:4:10: x-db.urls[0] holds a URL with a user and password (scheme://user:password@host)',
      "environments/qa.yaml:6:12: x-db.tokens[0] holds the value of 'tokens', whose name says it is secret",
      "environments/qa.yaml:6:23: x-db.tokens[1] holds the value of 'tokens', whose name says it is secret",
    ]);
    expect(problemsOf({ qa: qaWithConfig([], block) }).join('\n')).not.toMatch(/hunter2pw|t0k3n|31337/);
    // a list of names under a secret's name names what it is of, as in a file's text (secret-list-rules.ts): was refused item by item
    expect(heads(qaWithConfig([], 'x-team:\n  apiKeys: [payments-service, orders-service]\n  tokens: [access, refresh]\n'))).toEqual([]);
    expect(heads(qaWithConfig([], 'x-team:\n  apiKeys: [payments-service, Xk9vQ2mLr7pT]\n'))).toEqual([
      "environments/qa.yaml:2:31: x-team.apiKeys[1] holds the value of 'apiKeys', whose name says it is secret",
    ]);
    // merged into an app, the stack refuses it there, at the merge (`*config`), and the block's screen where it is written, at once
    const merged = qaWithConfig([], 'x-config: &config\n  LOG_LEVEL: info\n  DB_PASS: hunter2pw\n').replace(
      '    config:\n      LOG_LEVEL: info\n',
      '    config:\n      <<: *config\n',
    );
    expect(heads(merged)).toEqual([
      "environments/qa.yaml:3:12: x-config.DB_PASS holds the value of 'DB_PASS', whose name says it is secret",
      expect.stringMatching(/^environments\/qa\.yaml:22:11: apps\.demoapp\.config\.DB_PASS looks like a secret value/),
    ]);
    // and secrets.allow excuses a value there as anywhere
    const allowed = `${qaWithConfig([], block)}secrets:\n  allow:\n    - { path: x-db.password, reason: the test database of a laptop }\n`;
    expect(heads(allowed)).toEqual([
      'environments/qa.yaml:4:10: x-db.urls[0] holds a URL with a user and password (scheme://user:password@host)',
      "environments/qa.yaml:6:12: x-db.tokens[0] holds the value of 'tokens', whose name says it is secret",
      "environments/qa.yaml:6:23: x-db.tokens[1] holds the value of 'tokens', whose name says it is secret",
    ]);
  });

  it('refuses a secret written in base64 or hex anywhere in the stage file, an x- block too, and never prints it in a schema message', () => {
    const b64 = Buffer.from('password=Hunter2pw').toString('base64');
    const hex = Buffer.from('mysql://a:Hunter2pw@db').toString('hex');
    const noted = qaWithConfig([], `x-notes: { backup: ${b64}, target: ${hex} }\n`);
    const problems = problemsOf({ qa: noted });
    expect(problems.map((p) => p.split(' (a ')[0])).toEqual([
      "environments/qa.yaml:1:20: x-notes.backup holds a setting with a secret's name and its value (in base64)",
      'environments/qa.yaml:1:54: x-notes.target holds a URL with a user and password (in hex)',
    ]);
    // a schema message says the value's length, as of a value that looks secret as it is: not the value, nor a did-you-mean of it
    const service = (line: string) => `apps:\n  api:\n    stack: service\n    image: team/api:1.4.2\n    ${line}\n`;
    expect(problemsOf({ svc: service(`replicas: ${b64}`) })).toEqual([
      'environments/svc.yaml:5:15: apps.api.replicas must be an integer from 0 to 2147483647 (found (a 24-character value, hidden))',
    ]);
    // a key the schema does not know, said hidden: its place said once (the screen's refusal of it as a secret, at the same key, is not said again)
    const unknown = problemsOf({ svc: service(`${b64}: 1`) });
    expect(unknown).toEqual([expect.stringContaining('apps.api.(a 24-character key, hidden) is not a known setting')]);
    expect([...problems, ...unknown].join('\n')).not.toMatch(new RegExp(`${b64}|${hex}|Hunter2pw`));
  });

  it("says a secret in a value of several lines on that line of the value, and in a literal block scalar at the file's own line", () => {
    const files = (head: string) =>
      `apps:\n  web:\n    stack: service\n    image: team/web:1.0\n    ports: { http: { port: 8080 } }\n    config:\n      mountPath: /etc/web\n      files:\n${head}`;
    const text = files(
      // a block with an indentation indicator and a blank first line; a folded block, whose lines are joined; a quoted value
      '        redis.conf: |2\n\n           bind 0.0.0.0\n          requirepass Sup3rS3cretPw\n' +
        '        app.conf: >\n          log info\n\n          password = Sup3rS3cretPw\n' +
        '        app.env: "LOG_LEVEL=info\\nDB_PASSWORD=Sup3rS3cretPw\\n"\n' +
        // a private key from a block's first line: at that line, not at the header's `|`
        '        tls.key: |\n          -----BEGIN PRIVATE KEY-----\n          MIIEvQIBADANBgkqhkiG9w0B\n          -----END PRIVATE KEY-----\n' +
        // a block in a list of an x- block
        'x-notes:\n  - |\n    first\n    password: Sup3rS3cretPw\n',
    );
    const heads = (t: string) => problemsOf({ st: t }).map((p) => p.split(' (a ')[0]!.replace(/ holds .* (on line)/, ' $1'));
    const expected = [
      "environments/st.yaml:12:11: apps.web.config.files.redis.conf on line 3 of the value (setting 'requirepass')",
      "environments/st.yaml:13:19: apps.web.config.files.app.conf on line 2 of the value (setting 'password')",
      "environments/st.yaml:17:18: apps.web.config.files.app.env on line 2 of the value (setting 'DB_PASSWORD')",
      'environments/st.yaml:19:11: apps.web.config.files.tls.key holds a private key (PEM block)',
      "environments/st.yaml:25:5: x-notes[0] on line 2 of the value (setting 'password')",
    ];
    expect(heads(text)).toEqual(expected);
    // the same lines in a file written with CRLF
    expect(heads(text.replace(/\n/g, '\r\n'))).toEqual(expected);
    expect(problemsOf({ st: text }).join('\n')).not.toContain('Sup3rS3cretPw');
  });

  it('says each secret of a value that holds several at its own place, never one only until it is taken out, and prints none', () => {
    const text =
      'apps:\n  web:\n    stack: service\n    image: team/web:1.0\n    ports: { http: { port: 8080 } }\n    config:\n      mountPath: /etc/web\n      files:\n' +
      '        app.env: |\n          LOG_LEVEL=info\n          DB_PASSWORD=Sup3rS3cretPw\n          API_TOKEN=Xk9vQ2mLr7pTq8Zw3Hn5\n' +
      '        url.txt: "postgres://app:Sup3rS3cretPw@db:5432/app?sslmode=require&password=Xk9vQ2mLr7pTq8Zw3Hn5"\n' +
      '    args: ["--db-password=Sup3rS3cretPw --token Xk9vQ2mLr7pTq8Zw3Hn5"]\n';
    const problems = problemsOf({ st: text });
    const heads = problems.map((p) => p.split(' holds ')[0]!);
    expect(heads).toEqual([
      'environments/st.yaml:11:11: apps.web.config.files.app.env',
      'environments/st.yaml:12:11: apps.web.config.files.app.env',
      'environments/st.yaml:13:18: apps.web.config.files.url.txt',
      'environments/st.yaml:13:18: apps.web.config.files.url.txt',
      'environments/st.yaml:14:12: apps.web.args[0]',
      'environments/st.yaml:14:12: apps.web.args[0]',
    ]);
    expect(problems[0]).toContain("on line 2 of the value (setting 'DB_PASSWORD')");
    expect(problems[1]).toContain("on line 3 of the value (setting 'API_TOKEN')");
    expect(problems.filter((p) => p.includes('url.txt holds a URL with a user and password'))).toHaveLength(1);
    expect(problems.filter((p) => p.includes('url.txt holds a URL with a secret in its query string'))).toHaveLength(1);
    expect(problems.join('\n')).not.toMatch(/Sup3rS3cretPw|Xk9vQ2mLr7pTq8Zw3Hn5/);
  });

  it('tells two secrets of one line apart, and says the first 16 of a value in the order written with how many more it holds', () => {
    const app = (lines: string) =>
      'apps:\n  web:\n    stack: service\n    image: team/web:1.0\n    ports: { http: { port: 8080 } }\n' + lines;
    // two passwords of one line: one rule, one place, so only which of the two each is tells them apart
    const twice = problemsOf({ st: app('    args: ["--db-password=Sup3rS3cretPw --api-password=Xk9vQ2mLr7pTq8Zw3Hn5"]\n') });
    expect(twice).toHaveLength(2);
    expect(new Set(twice).size).toBe(2);
    expect(twice.map((p) => /\(secret \d+ of \d+ in the value\)/.exec(p)?.[0])).toEqual([
      '(secret 1 of 2 in the value)',
      '(secret 2 of 2 in the value)',
    ]);
    // two rules and 11 secrets of one line, in the order counted: were sorted by message, 'a GitHub token (secret 2 of 2)' before
    // 'a setting ... (secret 1 of 2)', and 'secret 10 of 11' before 'secret 2 of 11'
    const mixed = problemsOf({ st: app('    args: ["--db-password=Sup3rS3cretPw ghp_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f"]\n') });
    expect(mixed.map((p) => /holds (a \w+).*\((secret \d+ of \d+)/.exec(p)?.slice(1).join(' '))).toEqual([
      'a setting secret 1 of 2',
      'a GitHub secret 2 of 2',
    ]);
    const eleven = Array.from({ length: 11 }, (_, i) => `--p${i}-password=Xk9vQ2mLr7pT${i}`).join(' ');
    expect(problemsOf({ st: app(`    args: ["${eleven}"]\n`) }).map((p) => /secret (\d+) of 11/.exec(p)?.[1])).toEqual(
      Array.from({ length: 11 }, (_, i) => `${i + 1}`),
    );
    // an AWS key on the first line and a GitHub token on the last of a file of 20 passwords: the first 16 written said, the
    // last of them says the 6 after it, none dropped without a word
    const lines = [
      'AWS_ACCESS_KEY_ID=AKIAQ3EGRZ5ZKX7LMN4P',
      ...Array.from({ length: 20 }, (_, i) => `PASSWORD_${i}=Xk9vQ2mLr7pT${i}`),
      'GITHUB=ghp_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f',
    ];
    const many = problemsOf({
      st: app(`    config:\n      mountPath: /etc/web\n      files:\n        app.env: |\n${lines.map((l) => `          ${l}\n`).join('')}`),
    });
    expect(many.map((p) => p.split(': apps.')[0])).toEqual(Array.from({ length: 16 }, (_, i) => `environments/st.yaml:${10 + i}:11`));
    expect(many[0]).toContain('(secret 1 of 22 in the value)');
    expect(many[15]).toContain('(secret 16 of 22 in the value; the 6 after it are not said one by one');
    expect(many.join('\n')).not.toMatch(/AKIAQ3EGRZ5ZKX7LMN4P|Xk9vQ2mLr7pT|ghp_1a2b/);
  });

  it('excuses one secret under secrets.allow, never the others of a value that holds several: each said, the exception named', () => {
    const key = SECRET_SAMPLES['google-api-key']!;
    // a browser key excused, and a database password written beside it in the same value later
    const text = qaWithConfig(
      [`MAPS: "maps_key=${key} db_password=Sup3rS3cretPw"`],
      'secrets:\n  allow:\n    - { path: apps.demoapp.config.MAPS, reason: "a browser key, public by design" }\n',
    );
    const problems = problemsOf({ qa: text });
    expect(problems).toHaveLength(2);
    for (const p of problems) expect(p).toContain('secrets.allow excuses one secret, and apps.demoapp.config.MAPS holds 2');
    expect(problems.join('\n')).not.toMatch(/Sup3rS3cretPw|AIza/);
  });

  it('passes a file of examples (.env.example) with its words to replace, and refuses a value in it that looks real at its own line', () => {
    const files = (name: string, lines: readonly string[]) =>
      `apps:\n  web:\n    stack: service\n    image: team/web:1.0\n    ports: { http: { port: 8080 } }\n    config:\n      files:\n        ${name}: |\n${lines.map((l) => `          ${l}\n`).join('')}`;
    const examples = [
      'APP_ENV=local',
      'DB_PASSWORD=changeme',
      'SECRET_KEY=change-me',
      'JWT_SECRET=CHANGE_ME',
      'API_TOKEN="your-api-token-here"',
      'DATABASE_URL=postgres://user:password@localhost:5432/app',
    ];
    for (const name of ['.env.example', '.env.sample', 'config.example.yaml', '.env.dist'])
      expect(problemsOf({ st: files(name, examples) }), name).toEqual([]);
    // the same words in the file itself are weak passwords, deployed: each said at its line
    expect(problemsOf({ st: files('.env', examples) }).map((p) => p.split(' holds ')[0])).toEqual(
      [10, 11, 12, 13, 14].map((line) => `environments/st.yaml:${line}:11: apps.web.config.files..env`),
    );
    // a value that looks real among the examples: at its line, never printed
    const real = problemsOf({ st: files('.env.example', [...examples, 'SMTP_PASSWORD=Xk9vQ2mLr7pT', 'GITHUB_TOKEN=changeme']) });
    expect(real.map((p) => p.split(' (a ')[0]!.replace(/ holds .* (on line)/, ' $1'))).toEqual([
      "environments/st.yaml:15:11: apps.web.config.files..env.example on line 7 of the value (setting 'SMTP_PASSWORD')",
    ]);
    expect(real.join('\n')).not.toContain('Xk9vQ2mLr7pT');
    const url = problemsOf({ st: files('.env.example', ['DATABASE_URL=postgres://app:Xk9vQ2mLr7pT@db/app']) });
    // (a block's first line: at that line, where the URL is, not at the header's `|`)
    expect(url).toEqual([
      expect.stringMatching(/^environments\/st\.yaml:9:11: apps\.web\.config\.files\.\.env\.example holds a URL with a user and password/),
    ]);
  });

  it('refuses a real password in a file named an example (.env.example): words that say nothing of an example are a password', () => {
    const files = (name: string, lines: readonly string[]) =>
      `apps:\n  web:\n    stack: service\n    image: team/web:1.0\n    ports: { http: { port: 8080 } }\n    config:\n      files:\n        ${name}: |\n${lines.map((l) => `          ${l}\n`).join('')}`;
    // a real .env saved under an example's name: a dictionary password, a passphrase, a URL's password, none printed
    for (const line of [
      'DB_PASSWORD=Summer2024',
      'REDIS_PASSWORD=correct-horse-battery-staple',
      'DATABASE_URL=postgres://app:hunter2@db/app',
    ]) {
      const problems = problemsOf({ st: files('prod.env.sample', ['APP_ENV=production', line]) });
      expect(problems, line).toHaveLength(1);
      expect(problems.join('\n')).not.toMatch(/Summer2024|correct-horse|hunter2/);
    }
    // words that say they are one still pass
    const examples = [
      'DB_PASSWORD=mysecretpassword',
      'ADMIN_PASSWORD=admin',
      'API_KEY=REPLACE_ME',
      'DATABASE_URL=postgres://postgres:postgres@db/app',
    ];
    expect(problemsOf({ st: files('.env.example', examples) })).toEqual([]);
  });

  it("tells a secret in the repository URL that carries no credentials (a token in its path) to go to the engine's Secret, not to a Secret of the stage", () => {
    const token = SECRET_SAMPLES['github-token']!;
    const text = deliveredStageFile(`{ cluster: nonprod, repository: { url: "https://git.example.com/${token}/app.git" } }`);
    const [problem, ...rest] = problemsOf({ qa: text });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^environments\/qa\.yaml:3:50: delivery\.repository\.url holds a GitHub token/);
    expect(problem).toContain(
      '\n  hint: write the URL without it, and give the credentials to the engine where it keeps them: Argo CD finds a repository Secret in argocd by the URL',
    );
    expect(problem).toContain('; if it is not secret, add { path: delivery.repository.url, reason: <why> } under secrets.allow');
    expect(problem).not.toContain(token);
  });

  it('npm run synth exits 2, prints no value and writes no dist/', () => {
    const dir = tempProject({ qa: qaWithConfig(CLASSES.map((c) => `${c.key}: ${JSON.stringify(c.value)}`)) });
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${CLASSES.length} problems; nothing was written.`);
    for (const c of CLASSES) expect(r.stdout + r.stderr).not.toContain(c.value);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });
});
