import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import { REPO, runCli } from '../helpers/cli.js';

/** Every made-up credential of the fixtures: none may be printed. */
const CREDENTIALS = ['Sup3rS3cret', 'ZGVwbG95OlN1cDNyUzNjcmV0'];

/** The problems of compiling the stage fixture `name` as stage st, as text; `[]` when it compiles. */
function problemsOf(name: string): string[] {
  const text = readFileSync(join(REPO, 'test/fixtures/stages', name), 'utf8');
  try {
    compileStages([{ stage: 'st', file: 'environments/st.yaml', text }]);
    return [];
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    return e.problems.map(formatProblem);
  }
}

const NAMED = 'holds a setting with a secret\'s name and its value (password=..., "token": "...", --db-password=...)';

describe('credentials in config files and annotations', () => {
  it("refuses each in a stage file at its setting's file:line:col (in a block scalar, its line's), with the line of the value, without printing it", () => {
    const problems = problemsOf('secret-files.yaml');
    const within = (line: number, setting: string) => ` on line ${line} of the value (setting '${setting}')`;
    expect(problems.map((p) => p.replace(/ \(a \d+-character value, hidden\)[\s\S]*/, ''))).toEqual([
      "environments/st.yaml:10:50: apps.web.podAnnotations.vault.example.com/token holds the value of 'vault.example.com/token', whose name says it is secret",
      "environments/st.yaml:14:45: apps.web.ingress.annotations.example.com/api-key holds the value of 'example.com/api-key', whose name says it is secret",
      'environments/st.yaml:18:17: apps.web.config.files..netrc holds a password in a .netrc entry (machine <host> login <user> password <password>)',
      'environments/st.yaml:19:18: apps.web.config.files..pgpass holds a password in a .pgpass line (host:port:database:user:password)',
      // a quoted value's lines are no lines of the file: the value's start, and the line of the value
      `environments/st.yaml:20:17: apps.web.config.files..npmrc ${NAMED}${within(1, '_authToken')}`,
      `environments/st.yaml:21:18: apps.web.config.files..pypirc ${NAMED}${within(3, 'password')}`,
      `environments/st.yaml:22:18: apps.web.config.files.app.env ${NAMED}${within(2, 'DB_PASSWORD')}`,
      // a block scalar's are: the file's line of the secret, where its text starts
      `environments/st.yaml:26:13: apps.web.config.files.app.yaml ${NAMED}${within(3, 'password')}`,
      `environments/st.yaml:27:22: apps.web.config.files.config.json ${NAMED}`,
      `environments/st.yaml:28:22: apps.web.config.files.credentials ${NAMED}${within(2, 'aws_secret_access_key')}`,
      `environments/st.yaml:33:17: apps.web.config.files.kubeconfig ${NAMED}${within(4, 'token')}`,
    ]);
    for (const p of problems) expect(p).toMatch(/\n {2}hint: put it in a Secret: .* under secrets\.allow$/);
    for (const secret of CREDENTIALS) expect(problems.join('\n')).not.toContain(secret);
  });

  it('accepts files and annotations that name, refer to or leave out a secret', () => {
    expect(problemsOf('secret-files-ok.yaml')).toEqual([]);
  });

  it('refuses each in checked manifests at its object and field, without printing it', () => {
    const f = 'test/fixtures/manifests/policy/secret-files.yaml';
    const r = runCli('check', [f]);
    expect(r.code).toBe(1);
    const errors = r.stdout
      .split('\n')
      .filter((l) => l.includes(': error: '))
      .map((l) => l.replace(/ \(a \d+-character value, hidden\).*/, ''));
    const at = (line: number, col: number, what: string) => `${f}:${line}:${col}: error: ${what}`;
    expect(errors).toEqual([
      at(
        9,
        11,
        'ConfigMap default/credentials: data..netrc: holds a password in a .netrc entry (machine <host> login <user> password <password>)',
      ),
      at(13, 12, 'ConfigMap default/credentials: data..pgpass: holds a password in a .pgpass line (host:port:database:user:password)'),
      // the line of the file the ConfigMap holds, and the setting there
      ...[
        [15, 11, '.npmrc', 2, '_authToken'],
        [18, 12, '.pypirc', 3, 'password'],
        [22, 12, 'app.env', 2, 'DB_PASSWORD'],
        [25, 13, 'app.yaml', 3, 'password'],
        [29, 16, 'config.json', 1, 'auth'],
        [31, 16, 'credentials', 2, 'aws_secret_access_key'],
        [34, 15, 'kubeconfig', 4, 'token'],
      ].map(([line, col, key, within, setting]) =>
        at(
          line as number,
          col as number,
          `ConfigMap default/credentials: data.${key}: ${NAMED} on line ${within} of the value (setting '${setting}')`,
        ),
      ),
      at(
        77,
        34,
        "Deployment default/web: spec.template.metadata.annotations.vault.example.com/token: is the value of 'vault.example.com/token', whose name says it is secret",
      ),
      at(
        100,
        26,
        "Ingress default/web: metadata.annotations.example.com/api-key: is the value of 'example.com/api-key', whose name says it is secret",
      ),
    ]);
    for (const secret of CREDENTIALS) expect(r.stdout + r.stderr).not.toContain(secret);
  });
});
