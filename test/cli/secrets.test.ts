import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repoStage, runCli, tempProject } from '../helpers/cli.js';

/** A project with the repo's dev stage and, when given, a `.secrets/dev.env`. */
function project(envFile?: string): string {
  const dir = tempProject({ dev: repoStage('dev'), lab: repoStage('lab') });
  if (envFile !== undefined) {
    mkdirSync(join(dir, '.secrets'));
    writeFileSync(join(dir, '.secrets', 'dev.env'), envFile);
  }
  return dir;
}
// the test's own environment must not feed values in
const NO_ENV = { MYSQLSECRET_USERNAME: '', MYSQLSECRET_PASSWORD: '', MYSQLSECRET_DATABASE: '' };

describe('npm run secrets -- <stage>', () => {
  it('prints a ready-to-apply Secret from .secrets/<stage>.env', () => {
    const dir = project('# dev only\nMYSQLSECRET_USERNAME=demo\nMYSQLSECRET_PASSWORD="demopassword"\nMYSQLSECRET_DATABASE=demodb\n');
    const r = runCli('secrets', ['dev'], dir, NO_ENV);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: { name: 'mysqlsecret', namespace: 'dev', labels: { 'stagecraft.dev/stage': 'dev' } },
        data: { username: 'ZGVtbw==', password: 'ZGVtb3Bhc3N3b3Jk', database: 'ZGVtb2Ri' },
      },
    ]);
  });

  it('prints no value on a terminal: refused (exit 1) with the pipe to kubectl, whatever stderr is', () => {
    const dir = project('MYSQLSECRET_USERNAME=demo\nMYSQLSECRET_PASSWORD=demopassword\nMYSQLSECRET_DATABASE=demodb\n');
    for (const tty of [true, 'stdout'] as const) {
      const r = runCli('secrets', ['dev'], dir, { ...NO_ENV, NO_COLOR: '1' }, { tty });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'error: the standard output is a terminal, and the Secrets of stage dev hold their values: they are printed only into a pipe or a file\n' +
          '  hint: pipe them to kubectl: npm run --silent secrets -- dev | kubectl apply -f - (or to a pager, | less, to read them)\n' +
          '1 problem.\n',
      );
    }
    // a missing value is said first, on a terminal too
    expect(runCli('secrets', ['dev'], project('MYSQLSECRET_USERNAME=demo\n'), NO_ENV, { tty: true }).code).toBe(2);
    // stderr on a terminal, stdout into a pipe: printed
    expect(runCli('secrets', ['dev'], dir, NO_ENV, { tty: 'stderr' }).stdout).toContain('kind: Secret');
  });

  it('refuses a secrets file that is a directory, asking for a file of NAME=value lines', () => {
    const dir = project();
    mkdirSync(join(dir, '.secrets', 'dev.env'), { recursive: true });
    const r = runCli('secrets', ['dev'], dir, NO_ENV);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: .secrets/dev.env is a directory, not a regular file\n  hint: name a file of NAME=value lines; devices, FIFOs and sockets are never read',
    );
  });

  it('takes values from the environment over the file', () => {
    const dir = project('MYSQLSECRET_USERNAME=demo\nMYSQLSECRET_PASSWORD=fromfile\n');
    const r = runCli('secrets', ['dev'], dir, { ...NO_ENV, MYSQLSECRET_PASSWORD: 'fromenv', MYSQLSECRET_DATABASE: 'demodb' });
    expect(r.code).toBe(0);
    expect(parseAllDocuments(r.stdout)[0].toJS().data.password).toBe(Buffer.from('fromenv').toString('base64'));
    // said on stderr, without either value: a variable left in the shell wins over a value rotated in the file
    expect(r.stderr).toBe(
      "dev: MYSQLSECRET_PASSWORD is set in the environment and in .secrets/dev.env with another value: the environment's is used\n",
    );
    expect(runCli('secrets', ['dev'], dir, { ...NO_ENV, MYSQLSECRET_PASSWORD: 'fromfile', MYSQLSECRET_DATABASE: 'demodb' }).stderr).toBe(
      '',
    );
  });

  it('fails naming every key without a value, and prints no manifest', () => {
    const dir = project('MYSQLSECRET_USERNAME=demo\n');
    const r = runCli('secrets', ['dev'], dir, NO_ENV);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "Secret dev/mysqlsecret: error: key 'database' has no value (MYSQLSECRET_DATABASE is not set)\n" +
        '  hint: set MYSQLSECRET_DATABASE=... in .secrets/dev.env or in the environment\n' +
        "Secret dev/mysqlsecret: error: key 'password' has no value (MYSQLSECRET_PASSWORD is not set)\n" +
        '  hint: set MYSQLSECRET_PASSWORD=... in .secrets/dev.env or in the environment\n' +
        '2 problems.\n',
    );
  });

  it('fails the same way when there is no secrets file at all', () => {
    const r = runCli('secrets', ['dev'], project(), NO_ENV);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("key 'username' has no value (MYSQLSECRET_USERNAME is not set)");
  });

  it('points at a malformed line of the secrets file', () => {
    const r = runCli('secrets', ['dev'], project('MYSQLSECRET_USERNAME=demo\npassword: demopassword\n'), NO_ENV);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\.secrets\/dev\.env:2:1: error: expected NAME=value\n/);
  });

  it('rejects an unknown stage and a missing stage name', () => {
    const dir = project();
    expect(runCli('secrets', ['prod'], dir).stderr).toBe(
      "error: there is no stage 'prod' (no environments/prod.yaml)\n  hint: the stages are: dev, lab\n1 problem.\n",
    );
    const none = runCli('secrets', [], dir);
    expect(none.code).toBe(2);
    expect(none.stderr.split('\n').slice(0, 2)).toEqual([
      'error: secrets takes <stage>: <stage> is missing (found no arguments)',
      '  hint: write npm run secrets -- <stage>, e.g. npm run --silent secrets -- qa | kubectl apply -f -; the stages are: dev, lab',
    ]);
  });

  it('says so when the stage declares no Secret', () => {
    const r = runCli('secrets', ['lab'], project());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('lab: the stage declares no Secret\n');
  });
});
