import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/cli.js';
import { mergeDeclarations, parseEnvFile, secretManifests, secretVariable } from '../lib/secrets.js';

describe('secretVariable', () => {
  it('is <SECRET>_<KEY> in capitals, other characters as _', () => {
    expect(secretVariable('mysqlsecret', 'password')).toBe('MYSQLSECRET_PASSWORD');
    expect(secretVariable('app-0001-mysqlsecret', 'tls.key')).toBe('APP_0001_MYSQLSECRET_TLS_KEY');
  });
});

describe('parseEnvFile', () => {
  it('reads NAME=value lines, comments, export, and quoted values', () => {
    const text = [
      '# dev credentials',
      '',
      'A=plain',
      'export B = spaced ',
      "C='single # kept'",
      'D="double \\"q\\" #kept"',
      'E=x # comment',
      'F=',
    ].join('\n');
    const { values, problems } = parseEnvFile(text, '.secrets/dev.env');
    expect(problems).toEqual([]);
    expect(Object.fromEntries(values)).toEqual({ A: 'plain', B: 'spaced', C: 'single # kept', D: 'double "q" #kept', E: 'x', F: '' });
  });

  it("reads a GCP key.json as the README writes it, minified in single quotes, with its private_key's \\n kept", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const line = /^`(GCP_SA_KEY_JSON='[^`]*')`;$/m.exec(readme)?.[1];
    expect(line).toBeDefined();
    const { values, problems } = parseEnvFile(line!, '.secrets/qa.env');
    expect(problems).toEqual([]);
    const key = JSON.parse(values.get('GCP_SA_KEY_JSON')!);
    expect(key.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----\nMIIE\.\.\.\n-----END PRIVATE KEY-----\n$/);
    // in double quotes each \ is written \\, as the README says: else \n in the JSON becomes a line break, and JSON.parse fails
    expect(parseEnvFile('K="{\\"k\\":\\"a\\\\nb\\"}"', 'x').values.get('K')).toBe('{"k":"a\\nb"}');
  });

  it('points at lines that are not NAME=value', () => {
    const { problems } = parseEnvFile('A=1\n  password demo\n', '.secrets/dev.env');
    expect(problems).toEqual([
      {
        code: 'secrets/syntax',
        location: { file: '.secrets/dev.env', line: 2, column: 3 },
        message: 'expected NAME=value',
        hint: 'write one variable per line, e.g. MYSQLSECRET_PASSWORD=...; lines starting with # are comments',
      },
    ]);
  });
  it('reads a quoted value followed by a comment without its quotes', () => {
    const text = ['A="admin" # the user', "B='pw #1'   # rotated in May", 'C="a \\"b\\"" #c'].join('\n');
    const { values, problems } = parseEnvFile(text, '.secrets/qa.env');
    expect(problems).toEqual([]);
    expect(Object.fromEntries(values)).toEqual({ A: 'admin', B: 'pw #1', C: 'a "b"' });
  });

  it('refuses a value that opens a quote it does not close, at the value, rather than keeping the quote in it', () => {
    const { values, problems } = parseEnvFile('A=ok\nB="line one\nline two"\nC=\'x\' y\n', '.secrets/qa.env');
    expect(problems.map((p) => [p.code, p.location, p.message])).toEqual([
      [
        'secrets/syntax',
        { file: '.secrets/qa.env', line: 2, column: 3 },
        'the value of B starts with a quote (") but does not end with it',
      ],
      ['secrets/syntax', { file: '.secrets/qa.env', line: 3, column: 1 }, 'expected NAME=value'],
      [
        'secrets/syntax',
        { file: '.secrets/qa.env', line: 4, column: 3 },
        "the value of C starts with a quote (') but does not end with it",
      ],
    ]);
    expect(problems[0].hint).toMatch(/close the quote on the same line/);
    expect(values.has('B')).toBe(false);
  });

  it('refuses a variable set twice, at its second line, without either value', () => {
    const { problems } = parseEnvFile('A=one\n# note\nexport A=two-secret\n', '.secrets/qa.env');
    expect(problems).toEqual([
      {
        code: 'secrets/duplicate',
        location: { file: '.secrets/qa.env', line: 3, column: 1 },
        message: 'A is set again (first on line 1), so which of its two values is meant is not clear',
        hint: 'keep one line for A and remove or comment out the other',
      },
    ]);
  });
});

describe('secretManifests', () => {
  const declarations = [{ name: 'mysqlsecret', keys: ['username', 'password', 'database'], path: ['database', 'secret'] }];

  it('builds an Opaque Secret with every declared key, base64-encoded, in the stage namespace', () => {
    const values = new Map([
      ['MYSQLSECRET_USERNAME', 'demo'],
      ['MYSQLSECRET_PASSWORD', 'pässword'],
      ['MYSQLSECRET_DATABASE', 'demodb'],
    ]);
    expect(secretManifests({ stage: 'qa', namespace: 'qa', declarations, values })).toEqual({
      problems: [],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'Opaque',
          metadata: { name: 'mysqlsecret', namespace: 'qa', labels: { 'stagecraft.dev/stage': 'qa' } },
          data: { database: 'ZGVtb2Ri', password: Buffer.from('pässword').toString('base64'), username: 'ZGVtbw==' },
        },
      ],
    });
  });

  it('names every key without a value, and the variable to set', () => {
    const { problems } = secretManifests({
      stage: 'qa',
      namespace: 'qa',
      declarations,
      values: new Map([
        ['MYSQLSECRET_USERNAME', 'demo'],
        ['MYSQLSECRET_PASSWORD', ''],
      ]),
    });
    expect(problems).toEqual([
      {
        code: 'secrets/missing',
        subject: 'Secret qa/mysqlsecret',
        message: "key 'database' has no value (MYSQLSECRET_DATABASE is not set)",
        hint: 'set MYSQLSECRET_DATABASE=... in .secrets/qa.env or in the environment',
      },
      {
        code: 'secrets/missing',
        subject: 'Secret qa/mysqlsecret',
        message: "key 'password' has no value (MYSQLSECRET_PASSWORD is set, but empty)",
        hint: 'set MYSQLSECRET_PASSWORD=... in .secrets/qa.env or in the environment',
      },
    ]);
  });

  it("places a missing key at the env file's misspelt variable that no key reads, with the name to give it", () => {
    const text = 'MYSQLSECRET_USERNAME=demo\nexport MYSQLSECRET_PASWORD=rotated\nMYSQLSECRET_DATABASE=demodb\nOTHER=1\n';
    const file = parseEnvFile(text, '.secrets/qa.env');
    const { problems } = secretManifests({ stage: 'qa', namespace: 'qa', declarations, values: file.values, file });
    expect(problems).toEqual([
      {
        code: 'secrets/missing',
        subject: 'Secret qa/mysqlsecret',
        location: { file: '.secrets/qa.env', line: 2, column: 8 },
        message:
          "key 'password' of Secret qa/mysqlsecret has no value (MYSQLSECRET_PASSWORD is not set; .secrets/qa.env sets MYSQLSECRET_PASWORD, which no key reads)",
        hint: 'rename MYSQLSECRET_PASWORD to MYSQLSECRET_PASSWORD in .secrets/qa.env',
      },
    ]);
  });

  it('refuses keys that one variable would set, in one Secret or across two, without printing a value', () => {
    const values = new Map([
      ['MYSQLSECRET_DB_PASS', 'one-value'],
      ['A_B_C', 'x'],
    ]);
    const { problems } = secretManifests({
      stage: 'qa',
      namespace: 'qa',
      declarations: [
        { name: 'mysqlsecret', keys: ['db-pass', 'db_pass'], path: ['database', 'secret'] },
        { name: 'a-b', keys: ['c'], path: ['x'] },
        { name: 'a', keys: ['b-c'], path: ['y'] },
      ],
      values,
    });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'secrets/same-variable',
        message: expect.stringContaining("'a/b-c' and 'a-b/c' are all set by A_B_C"),
      }),
      {
        code: 'secrets/same-variable',
        subject: 'Secret qa/mysqlsecret',
        message:
          "the keys 'mysqlsecret/db-pass' and 'mysqlsecret/db_pass' are all set by MYSQLSECRET_DB_PASS, so they could only have one value",
        hint: 'rename one of the keys in the stage file: a key is read from <SECRET>_<KEY> in capitals, every other character as _',
      },
    ]);
  });

  it('merges two apps that declare the same Secret', () => {
    expect(
      mergeDeclarations([
        { name: 's', keys: ['a'], path: [] },
        { name: 'r', keys: ['x'], path: [] },
        { name: 's', keys: ['b', 'a'], path: [] },
      ]).map((d) => `${d.name}:${d.keys.join(',')}`),
    ).toEqual(['r:x', 's:a,b']);
  });
});
