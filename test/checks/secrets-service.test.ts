import { describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';

/**
 * A stage with one app of the generic service stack (`lines`: YAML under the app, indented as its
 * settings): the values that reach its Deployment and ConfigMaps are screened by the checks and
 * traced back to their settings.
 */
const service = (...lines: string[]) =>
  `apps:\n  api:\n    stack: service\n    image: team/api:1.4.2\n${lines.map((l) => `    ${l}\n`).join('')}`;

/** The first line of each problem of compiling `text` as stage svc, the hidden length left out; `[]` when it compiles. */
function refused(text: string): string[] {
  try {
    compileStages([{ stage: 'svc', file: 'environments/svc.yaml', text }]);
    return [];
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    return e.problems.map((p) =>
      formatProblem(p)
        .split('\n')[0]!
        .replace(/ \(a \d+-character value, hidden\).*/, ''),
    );
  }
}

/** The command-password rule's finding, naming the client and flag that took the password (`form`). */
const commandPassword = (form: string) => `a password on a command line (${form})`;

describe('secret values of a service app', () => {
  it("refuses a password in an env var named like REDIS_AUTH, AUTH or DB_AUTH, at its setting (the stack, by the screen's rule), without printing it", () => {
    const problems = refused(service('env: { REDIS_AUTH: hunter2u, AUTH: hunter3u, DB_AUTH: hunter4u }'));
    expect(problems).toEqual([
      'environments/svc.yaml:5:24: apps.api.env.REDIS_AUTH looks like a secret value, and stage files are committed: secret values go in .secrets/svc.env or environment variables, never in a stage file',
      'environments/svc.yaml:5:40: apps.api.env.AUTH looks like a secret value, and stage files are committed: secret values go in .secrets/svc.env or environment variables, never in a stage file',
      'environments/svc.yaml:5:59: apps.api.env.DB_AUTH looks like a secret value, and stage files are committed: secret values go in .secrets/svc.env or environment variables, never in a stage file',
    ]);
    expect(problems.join('\n')).not.toMatch(/hunter[234]u/);
  });

  it('accepts settings about authentication that hold no secret', () => {
    const env = [
      'AUTH_URL: https://auth.example.com/login',
      'AUTH_MODE: basic',
      'OAUTH_ENABLED: "true"',
      'AUTH_ENABLED: "false"',
      'SMTP_AUTH: login',
      'AUTH: none',
      'REDIS_AUTH: $(REDIS_PASSWORD)',
      'IDP_AUTH: https://idp.example.com',
    ];
    expect(refused(service(`env: { ${env.join(', ')} }`))).toEqual([]);
  });

  it("refuses a password given to mysql's -p or curl's -u in a command or its args, at its setting, naming the client and its flag", () => {
    expect(refused(service("command: ['sh', '-c', 'mysql -uroot -phunter2k db']"))).toEqual([
      `environments/svc.yaml:5:27: apps.api.command[2] holds ${commandPassword('mysql -p<password>')}`,
    ]);
    expect(refused(service('command: [mysql]', "args: ['-phunter2k']"))).toEqual([
      `environments/svc.yaml:6:12: apps.api.args[0] holds ${commandPassword('mysql -p<password>')}`,
    ]);
    expect(refused(service("command: ['sh', '-c', 'curl -u admin:hunter1w http://x']"))).toEqual([
      `environments/svc.yaml:5:27: apps.api.command[2] holds ${commandPassword('curl -u <user>:<password>')}`,
    ]);
  });

  it('names the client and flag of a password in a script of many lines and in a list, never the password nor the user', () => {
    const script = [
      'set -e',
      'echo waiting for redis',
      'until redis-cli -h redis ping; do sleep 1; done',
      'redis-cli -h redis -a Hunter2sq SET ready 1',
    ];
    const lines = [
      ...refused(service(`command: ['sh', '-c', ${JSON.stringify(script.join('\n'))}]`)),
      ...refused(service('command: [podman]', "args: [login, -u, ciuser, -p, 'Hunter2sq', registry.example.com]")),
      ...refused(service("command: [sqlplus, -s, 'scott/Hunter2sq@ORCL']")),
    ];
    expect(lines).toEqual([
      `environments/svc.yaml:5:27: apps.api.command[2] holds ${commandPassword('redis-cli -a <password>')} on line 4 of the value`,
      `environments/svc.yaml:6:35: apps.api.args[4] holds ${commandPassword('podman login -p <password>')}`,
      `environments/svc.yaml:5:28: apps.api.command[2] holds ${commandPassword('sqlplus <user>/<password>@<database>')}`,
    ]);
    expect(lines.join('\n')).not.toMatch(/Hunter2sq|ciuser|scott/);
  });

  it("refuses a password given by its position (htpasswd, mc) or to keytool, in a command or its args, at its setting, naming how; not the JDK truststore's changeit", () => {
    const holds = (at: string, form: string) => `environments/svc.yaml:${at} holds ${commandPassword(form)}`;
    expect(refused(service('command: [htpasswd]', "args: ['-Bbn', 'admin', 'hunter2k']"))).toEqual([
      holds('6:29: apps.api.args[2]', 'htpasswd -nb <user> <password>'),
    ]);
    expect(refused(service("command: [mc, alias, set, minio, 'http://minio:9000', minioadmin, 'minio-Secret123']"))).toEqual([
      holds('5:71: apps.api.command[6]', 'mc alias set <alias> <url> <access key> <secret key>'),
    ]);
    expect(refused(service("command: [keytool, -importcert, -keystore, /tmp/ts.p12, -storepass, 'hunter2k']"))).toEqual([
      holds('5:73: apps.api.command[5]', 'keytool -storepass <password>'),
    ]);
    expect(
      refused(service('command: [keytool]', 'args: [-importcert, -cacerts, -storepass, changeit, -noprompt, -file, /certs/ca.crt]')),
    ).toEqual([]);
    expect(refused(service('command: [htpasswd]', "args: ['-Bbn', 'admin', '$(ADMIN_PASSWORD)']"))).toEqual([]);
  });

  it("says how a service app's setting goes into a Secret: the app's secrets:, not demoapp's database.secret.keys alone", () => {
    try {
      compileStages([
        { stage: 'svc', file: 'environments/svc.yaml', text: service("command: ['sh', '-c', 'mysql -uroot -phunter2k db']") },
      ]);
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      expect(e.problems[0]!.hint).toContain("declare its key (under the app's secrets:, or demoapp's database.secret.keys)");
      return;
    }
    expect.unreachable('the password is refused');
  });

  it('accepts a prompt, a port, a user alone, and -p followed by a separate word (which mysql takes for its database)', () => {
    expect(refused(service("command: ['sh', '-c', 'mysql -uroot -p db && curl -u admin http://x']"))).toEqual([]);
    expect(refused(service('command: [mysql]', "args: ['-p', 'hunter2l']"))).toEqual([]);
    expect(refused(service('command: [iperf3]', "args: ['-s', '-p', '5201']"))).toEqual([]);
  });

  it('refuses a secret in a config file written as XML or INI, at its setting', () => {
    const files = (name: string, text: string) => service(`config: { files: { ${name}: ${JSON.stringify(text)} } }`);
    const holds = "holds a setting with a secret's name and its value";
    expect(refused(files('db.xml', '<db><user>app</user><password>hunter2b</password></db>'))).toEqual([
      `environments/svc.yaml:5:32: apps.api.config.files.db.xml ${holds} (password=..., "token": "...", --db-password=...)`,
    ]);
    expect(refused(files('my.ini', '[client]\nuser = app\npass = hunter2e\n'))).toEqual([
      `environments/svc.yaml:5:32: apps.api.config.files.my.ini ${holds} (password=..., "token": "...", --db-password=...) on line 3 of the value (setting 'pass')`,
    ]);
    expect(refused(files('db.xml', '<db><user>app</user><password>$(DB_PASSWORD)</password><secretName>db</secretName></db>'))).toEqual([]);
  });
});

describe('long names of one repeated character', () => {
  it('are no random-looking secret: a blue/green app named with 57 b compiles, and a message shows its name', () => {
    const name = 'b'.repeat(57);
    expect(refused(`apps:\n  ${name}:\n    stack: service\n    blueGreen: { live: blue, blue: a:1, green: a:2 }\n`)).toEqual([]);
    const account = 'a'.repeat(63);
    const problems = refused(service(`serviceAccountName: ${account}`));
    expect(problems.join('\n')).toContain(account);
    expect(problems.join('\n')).not.toContain('hidden');
  });
});
