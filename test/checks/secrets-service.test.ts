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

describe('secret values of a service app', () => {
  it('refuses a password in an env var named like REDIS_AUTH, AUTH or DB_AUTH, at its setting, without printing it', () => {
    const problems = refused(service('env: { REDIS_AUTH: hunter2u, AUTH: hunter3u, DB_AUTH: hunter4u }'));
    expect(problems).toEqual([
      "environments/svc.yaml:5:24: apps.api.env.REDIS_AUTH holds the value of 'REDIS_AUTH', whose name says it is secret",
      "environments/svc.yaml:5:40: apps.api.env.AUTH holds the value of 'AUTH', whose name says it is secret",
      "environments/svc.yaml:5:59: apps.api.env.DB_AUTH holds the value of 'DB_AUTH', whose name says it is secret",
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
});
