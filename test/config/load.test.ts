import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import { problems } from '../helpers/stage.js';

const loader = new StageLoader(STACKS);

/** The problems of loading `text` as a stage file (environments/dev.yaml), formatted; [] when it loads. */
const problemsOf = (text: string, file = 'environments/dev.yaml'): string[] => problems(text, file);

function messages(fixture: string): string[] {
  const file = `test/fixtures/stages/${fixture}.yaml`;
  try {
    loader.load(readFileSync(new URL(`../fixtures/stages/${fixture}.yaml`, import.meta.url), 'utf8'), file);
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error(`${fixture} loaded without problems`);
}

describe('an app named after a stack that names another stack with stack:', () => {
  it('is told once, at stack:, to take a name of its own, not what the named stack makes of the other settings', () => {
    const text = ['apps:', '  flannel:', '    stack: manifests', '    include: [manifests/flannel]', ''].join('\n');
    expect(problemsOf(text)).toEqual([
      "environments/dev.yaml:3:5: apps.flannel.stack: an app named after a stack is that stack's instance ('flannel'), so stack: manifests cannot make it another\n" +
        "  hint: give the app a name of its own (its objects and output file are named after it), such as 'flannel-manifests', and keep stack: manifests; or remove stack: to deploy the flannel stack",
    ]);
  });

  it('is told to drop a stack: that names its own stack', () => {
    expect(problemsOf(['apps:', '  nginx:', '    stack: nginx', '    image: nginx', '    replicas: 1', ''].join('\n'))).toEqual([
      "environments/dev.yaml:3:5: apps.nginx.stack: an app named after a stack is that stack's instance already\n  hint: remove stack:",
    ]);
  });

  it("keeps the app's other problems when stack: names its own stack: they are that stack's", () => {
    expect(problemsOf(['apps:', '  nginx:', '    stack: nginx', '    image: nginx', '    replicas: many', ''].join('\n'))).toEqual([
      "environments/dev.yaml:3:5: apps.nginx.stack: an app named after a stack is that stack's instance already\n  hint: remove stack:",
      'environments/dev.yaml:5:15: apps.nginx.replicas must be an integer from 0 to 2147483647 (found "many")',
    ]);
  });
});

describe('an app whose stack: names a stack that is not listed', () => {
  it("is told that a team's own stack is known once listed in STACKS, as an app named after one is, without the value again", () => {
    // README 'Your own stack': apps/ledger.ts written, apps/index.ts not edited yet
    const text = ['apps:', '  db:', '    stack: ledger', '    image: team/ledger-db:15.4', ''].join('\n');
    expect(problemsOf(text)).toEqual([
      `environments/dev.yaml:3:12: apps.db.stack must be one of ${Object.keys(STACKS)
        .map((s) => `'${s}'`)
        .join(', ')} (found "ledger")\n` +
        '  hint: a stack of your own (apps/<its name>.ts) is known once apps/index.ts imports it and lists it in STACKS',
    ]);
    // a stack: of another type is the schema's alone
    expect(problemsOf(['apps:', '  db:', '    stack: 5', ''].join('\n'))[0]).not.toContain('hint');
  });
});

describe('an app named after no stack', () => {
  it('is not printed when its name looks like a secret (a token pasted as a key), neither in the message nor in the hint', () => {
    const token = 'glpat-x7kq2mv9rt4bz8wn3hcy';
    const told = problemsOf(['apps:', `  ${token}:`, '    image: team/web:1', ''].join('\n'));
    expect(told).toEqual([
      `environments/dev.yaml:2:3: apps: (a 26-character key, hidden) is not a stack (the stacks are: ${Object.keys(STACKS).join(', ')})\n` +
        '  hint: to deploy another instance of a stack under this name, add `stack: <stack name>` to its settings; a stack of your own (apps/<its name>.ts) is known once apps/index.ts imports it and lists it in STACKS',
    ]);
    expect(told.join('\n')).not.toContain('x7kq2mv9');
  });
});

describe('loading a broken stage file reports every problem with file:line:col', () => {
  const f = (name: string) => `test/fixtures/stages/${name}.yaml`;
  it.each([
    ['wrong-type', [`${f('wrong-type')}:4:15: apps.nginx.replicas must be an integer from 0 to 2147483647 (found "three")`]],
    [
      'unknown-key',
      // one problem: the did-you-mean names the required setting misspelt (test/config/validate.test.ts)
      [`${f('unknown-key')}:4:5: apps.nginx.replcas is not a known setting; did you mean 'replicas'?`],
    ],
    [
      'unknown-app',
      [
        `${f('unknown-app')}:2:3: apps.nginy is not a stack; did you mean 'nginx'?\n` +
          '  hint: to deploy another instance of a stack under this name, add `stack: <stack name>` to its settings; ' +
          'a stack of your own (apps/nginy.ts) is known once apps/index.ts imports it and lists it in STACKS',
      ],
    ],
    [
      'bad-instance',
      [
        `${f('bad-instance')}:5:15: apps.web.replicas must be an integer from 0 to 2147483647 (found "two")`,
        `${f('bad-instance')}:6:5: apps.web.imag is not a known setting; did you mean 'image'?`,
        `${f('bad-instance')}:8:16: apps.api.stack must be one of ${Object.keys(STACKS)
          .map((s) => `'${s}'`)
          .join(', ')} (found "nginks"); did you mean 'nginx'?`,
      ],
    ],
    ['missing-setting', [`${f('missing-setting')}:3:5: apps.nginx is missing the required setting 'replicas'`]],
    [
      'syntax-error',
      [
        `${f('syntax-error')}:4:5: Flow sequence in block collection must be sufficiently indented and end with a ]\n` +
          '  hint: indent the entries of one mapping or list to the same column, with spaces; a list or mapping in brackets ([...], {...}) must be closed',
      ],
    ],
    [
      'duplicate-key',
      [
        `${f('duplicate-key')}:5:5: duplicate key 'replicas'; each setting may appear once per mapping\n  hint: keep the one you mean and remove the other`,
      ],
    ],
    [
      'alias-bomb',
      [
        `${f('alias-bomb')}:2:8: YAML aliases expand more than 100 times (an "alias bomb" that would exhaust memory)\n` +
          '  hint: stage files may expand YAML aliases at most 100 times and only after their anchor; write the values out',
      ],
    ],
    [
      'empty',
      [`${f('empty')}:1:1: the stage file is empty\n  hint: a stage file is a mapping with at least \`apps:\`; see environments/lab.yaml`],
    ],
    [
      'not-a-mapping',
      [
        `${f('not-a-mapping')}:1:1: the stage file must be a mapping of settings (found a list)\n` +
          '  hint: start the file with `apps:`; see environments/lab.yaml',
      ],
    ],
    [
      'Bad_Name',
      [
        `${f('Bad_Name')}:1:1: the stage name 'Bad_Name' (the file name) is not a DNS-1123 label\n` +
          "  hint: rename the file to lowercase letters, digits and '-', at most 53 characters, e.g. 'bad-name.yaml'",
      ],
    ],
    [
      'bad-namespace',
      [
        `${f('bad-namespace')}:1:12: namespace must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters) (found "Lab")`,
        `${f('bad-namespace')}:2:15: architecture must be one of 'amd64', 'arm', 'arm64' (found "sparc")`,
        `${f('bad-namespace')}:5:15: apps.nginx.replicas must be an integer from 0 to 2147483647 (found -1)`,
        `${f('bad-namespace')}:6:11: apps.nginx.port must be an integer from 1 to 65535 (found 70000)`,
      ],
    ],
    [
      'nodeport-conflict',
      [
        `${f('nodeport-conflict')}:5:17: apps.nginx.service.nodePort needs service.type 'NodePort'\n` +
          '  hint: add `type: NodePort` next to nodePort, or remove nodePort',
      ],
    ],
  ])('%s', (fixture, expected) => {
    expect(messages(fixture)).toEqual(expected);
  });
});

describe('loading a valid stage file', () => {
  it('defaults the namespace and part-of to the stage name and the architecture to amd64', () => {
    const stage = loader.load('apps:\n  nginx:\n    replicas: 1\n', 'environments/dev.yaml');
    expect(stage.context).toEqual({
      name: 'dev',
      namespace: 'dev',
      architecture: 'amd64',
      partOf: 'dev',
      nodes: [],
      images: { substitute: {}, native: [] },
    });
  });

  it('takes the namespace from the file when it names one', () => {
    const stage = loader.load('namespace: lab-2\napps: {}\n', 'environments/lab.yaml');
    expect(stage.context.namespace).toBe('lab-2');
    expect(stage.context.partOf).toBe('lab-2');
  });
});

describe('scalars that YAML parsers read differently', () => {
  it.each(['1_0', '0b11'])('reads %s as the string YAML 1.2 makes of it, not as a number', (replicas) => {
    expect(problemsOf(`apps:\n  nginx:\n    replicas: ${replicas}\n`)).toEqual([
      `environments/dev.yaml:3:15: apps.nginx.replicas must be an integer from 0 to 2147483647 (found "${replicas}")`,
    ]);
  });

  it('refuses a count beyond int32 at its line, before anything is rendered', () => {
    expect(problemsOf('apps:\n  nginx:\n    replicas: 3000000000\n')).toEqual([
      'environments/dev.yaml:3:15: apps.nginx.replicas must be an integer from 0 to 2147483647 (found 3000000000)',
    ]);
    expect(problemsOf('apps:\n  nginx:\n    replicas: 2147483647\n')).toEqual([]);
  });

  it('names a value read with a YAML tag by its tag, with what to write instead', () => {
    expect(problemsOf('apps:\n  nginx:\n    replicas: !!timestamp 2001-12-14\n')).toEqual([
      'environments/dev.yaml:3:27: apps.nginx.replicas must be an integer from 0 to 2147483647 (found a YAML !!timestamp value)\n' +
        '  hint: drop the !!timestamp tag and quote the value ("2001-12-14"): a date is a string here',
    ]);
  });

  it('says what a setting of the wrong shape is, from its description: a list where a mapping goes, a mapping where a value goes', () => {
    expect(problemsOf('apps:\n  api:\n    stack: service\n    image: team/api:1.0\n    ports: [8080]\n')).toEqual([
      'environments/dev.yaml:5:12: apps.api.ports must be a mapping (found a list)\n' +
        '  hint: apps.api.ports: the container ports by name, each exposed by the Service (environments/stage.schema.json describes every setting; editors show it)',
    ]);
    expect(problemsOf('apps:\n  nginx:\n    replicas: { min: 2 }\n')[0]).toMatch(/\n {2}hint: apps\.nginx\.replicas: /);
  });

  it("keeps an acronym's capitals where a description starting with one is said in the hint", () => {
    const [problem] = problemsOf('apps:\n  web:\n    stack: ingress\n    paths: [/foo]\n');
    expect(problem).toContain('  hint: apps.web.paths: URL path prefix (e.g. /foo) -> the Service that serves it (');
  });

  it('says to quote a number or true/false given where a string goes, as it is written in the file', () => {
    const api = (lines: string) => `apps:\n  api:\n    stack: service\n    image: team/api:1\n${lines}`;
    expect(problemsOf(api('    env: { PORT: 8080, ZIP: 01234, DEBUG: True, V: 1.10 }\n'))).toEqual([
      'environments/dev.yaml:5:18: apps.api.env.PORT must be a string (found 8080)\n  hint: quote it: PORT: "8080"',
      'environments/dev.yaml:5:29: apps.api.env.ZIP must be a string (found 1234)\n  hint: quote it: ZIP: "01234"',
      'environments/dev.yaml:5:43: apps.api.env.DEBUG must be a string (found true)\n  hint: quote it: DEBUG: "True"',
      'environments/dev.yaml:5:52: apps.api.env.V must be a string (found 1.1)\n  hint: quote it: V: "1.10"',
    ]);
    // a list item, in a file the yaml library reads (it has an anchor): the value quoted, without a key
    expect(problemsOf(api('    args: &a [--port, 0x1F]\n'))).toEqual([
      'environments/dev.yaml:5:23: apps.api.args[1] must be a string (found 31)\n  hint: quote it: "0x1F"',
    ]);
    // a value from an alias is placed at the alias: quoted as it reads
    expect(problemsOf(api('    replicas: &n 2\n    env: { N: *n }\n'))).toEqual([
      'environments/dev.yaml:6:15: apps.api.env.N must be a string (found 2)\n  hint: quote it: N: "2"',
    ]);
    // a value under a secret's name is not shown, and goes in a Secret rather than in quotes
    expect(problemsOf(api('    env: { DB_PASSWORD: 12345678 }\n'))).toEqual([
      'environments/dev.yaml:5:25: apps.api.env.DB_PASSWORD must be a string (found (a 8-character value, hidden))',
    ]);
    // other type errors keep their words, without that hint
    expect(problemsOf(api('    env: { PORT: [1] }\n'))).toEqual([
      'environments/dev.yaml:5:18: apps.api.env.PORT must be a string (found a list)',
    ]);
    // nor where the string would not do either
    expect(problemsOf('architecture: 64\napps: {}\n')).toContain(
      "environments/dev.yaml:1:15: architecture must be one of 'amd64', 'arm', 'arm64' (found 64)",
    );
    // a number under tlsSecret is no Secret's name, which is shown, but may be a password in the wrong place: hidden,
    // with no hint to quote it into dist/
    const tls = problemsOf(api('    ingress: { host: api.example.com, tlsSecret: 1.5 }\n    ports: { http: { port: 80 } }\n'))[0];
    expect(tls).toContain('(found (a 3-character value, hidden))');
    expect(tls).not.toMatch(/1\.5|quote it/);
    // a number quoted where a number goes is told the other way round (test/config/validate.test.ts)
    expect(problemsOf('apps:\n  nginx:\n    replicas: "2"\n')).toEqual([
      'environments/dev.yaml:3:15: apps.nginx.replicas must be an integer from 0 to 2147483647 (found "2")\n' +
        '  hint: write replicas: 2 (without quotes: quoted, it is a string)',
    ]);
  });

  it('reads the same values whether or not the file has an alias', () => {
    const plain = loader.load('apps:\n  nginx:\n    replicas: 2\n  web:\n    stack: nginx\n    replicas: 2\n', 'environments/dev.yaml');
    const aliased = loader.load(
      'apps:\n  nginx:\n    replicas: &n 2\n  web:\n    stack: nginx\n    replicas: *n\n',
      'environments/dev.yaml',
    );
    expect(aliased.apps).toEqual(plain.apps);
  });
});

describe('merge keys (<<: *anchor) in a stage file', () => {
  it("give an app another's settings, its own winning, and place a problem in merged settings at the merge", () => {
    const text = 'apps:\n  nginx: &web\n    replicas: 2\n    image: nginx:1.25\n  web:\n    <<: *web\n    stack: nginx\n    replicas: 3\n';
    expect(loader.load(text, 'environments/dev.yaml').apps).toEqual([
      { name: 'nginx', stack: 'nginx', settings: { replicas: 2, image: 'nginx:1.25' } },
      { name: 'web', stack: 'nginx', settings: { replicas: 3, image: 'nginx:1.25' } },
    ]);
    try {
      loader.load(text.replace('image:', 'imag:'), 'environments/dev.yaml');
      expect.unreachable();
    } catch (e) {
      expect((e as ProblemsError).problems.map(formatProblem)).toEqual([
        "environments/dev.yaml:4:5: apps.nginx.imag is not a known setting; did you mean 'image'?",
        "environments/dev.yaml:6:9: apps.web.imag is not a known setting; did you mean 'image'?",
      ]);
    }
  });
});

describe('top-level keys starting with x- (as in Docker Compose)', () => {
  const text =
    'x-defaults: &defaults\n  image: nginx:1.25\n  replicas: 2\nx-notes: { owner: team-a, anything: [1, { goes: here }] }\n' +
    'apps:\n  nginx:\n    <<: *defaults\n  web:\n    <<: *defaults\n    stack: nginx\n    replicas: 3\n';

  it('hold anchors that apps merge, shallowly, and are no setting of the stage or of any app', () => {
    const stage = loader.load(text, 'environments/dev.yaml');
    expect(stage.apps).toEqual([
      { name: 'nginx', stack: 'nginx', settings: { image: 'nginx:1.25', replicas: 2 } },
      { name: 'web', stack: 'nginx', settings: { image: 'nginx:1.25', replicas: 3 } },
    ]);
    expect(stage.context).toEqual(loader.load('apps: {}\n', 'environments/dev.yaml').context);
    // the file keeps them, for the secret screen (lib/stage-secrets.ts)
    expect(Object.keys(stage.file)).toEqual(['x-defaults', 'x-notes', 'apps']);
  });

  it('are only those at the top: elsewhere, and without the dash, a key is a setting like any other', () => {
    expect(problemsOf(`xdefaults: 1\nx_notes: 1\ncheck:\n  x-a: 1\n${text}`).map((p) => p.split(' (known')[0])).toEqual([
      'environments/dev.yaml:1:1: xdefaults is not a known setting',
      'environments/dev.yaml:2:1: x_notes is not a known setting',
      "environments/dev.yaml:3:1: check is not a known setting; did you mean 'checks'?",
    ]);
    expect(problemsOf('checks:\n  x-a: 1\napps:\n  nginx:\n    replicas: 1\n    x-b: 1\n')).toEqual([
      'environments/dev.yaml:2:3: checks.x-a is not a known setting (known: podSecurity, existingNamespaces, existingObjects)',
      'environments/dev.yaml:6:5: apps.nginx.x-b is not a known setting (known: image, replicas, port, readinessPath, service)',
    ]);
  });
});

describe('apps deployed under another name', () => {
  it('are instances of the stack named by `stack:`, with its settings', () => {
    const stage = loader.load('apps:\n  nginx:\n    replicas: 1\n  web:\n    stack: nginx\n    replicas: 2\n', 'environments/dev.yaml');
    expect(stage.apps).toEqual([
      { name: 'nginx', stack: 'nginx', settings: { replicas: 1 } },
      { name: 'web', stack: 'nginx', settings: { replicas: 2 } },
    ]);
  });
});

describe('nodes', () => {
  it('are listed by name with their roles, workers by default', () => {
    const stage = loader.load(
      'nodes:\n  oblok02: {}\n  oblok01: {roles: [control-plane], address: 10.0.0.1}\napps: {}\n',
      'environments/pi.yaml',
    );
    expect(stage.context.nodes).toEqual([
      { name: 'oblok01', roles: ['control-plane'], address: '10.0.0.1' },
      { name: 'oblok02', roles: ['worker'] },
    ]);
  });
});

describe('app and stage names, which make the label app.kubernetes.io/instance: <app>-<stage>', () => {
  const app57 = `${'z'.repeat(49)}-service`;

  it('accept an app whose name and the stage name make a label of 63 characters', () => {
    expect(app57.length + '-adopt'.length).toBe(63);
    expect(problemsOf(`apps:\n  ${app57}:\n    stack: nginx\n    replicas: 1\n`, 'environments/adopt.yaml')).toEqual([]);
  });

  it('refuse an app name one character longer at its key under apps:, with the longest name the stage allows', () => {
    const app = `z${app57}`;
    expect(
      problemsOf(`apps:\n  nginx:\n    replicas: 1\n  ${app}:\n    stack: nginx\n    replicas: 1\n`, 'environments/adopt.yaml'),
    ).toEqual([
      `environments/adopt.yaml:4:3: apps.${app}: the label app.kubernetes.io/instance of the app's objects would be 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzz…zzzzzzzzzzzzzzz-service-adopt (64 characters)', longer than the 63 characters a label value may have\n` +
        "  hint: shorten the app name to at most 57 characters: app name + '-' + stage name ('adopt') is at most 63 characters",
    ]);
  });

  it('report the length with the schema problems of the file, all at once and with exit code 2', () => {
    const app = 'a'.repeat(63);
    try {
      loader.load(`apps:\n  ${app}:\n    stack: nginx\n    replicas: many\n`, 'environments/qa.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProblemsError);
      expect((e as ProblemsError).exitCode).toBe(2);
      expect((e as ProblemsError).problems.map((p) => [p.code, p.location?.line])).toEqual([
        ['config/instance-label', 2],
        ['config/type', 4],
      ]);
    }
  });

  it("refuse a stage name too long for its own Namespace's label (namespace-<stage>) once, at the file's first line", () => {
    const stage = 's'.repeat(54);
    expect(
      problemsOf('apps:\n  nginx:\n    replicas: 1\n  web:\n    stack: nginx\n    replicas: 1\n', `environments/${stage}.yaml`),
    ).toEqual([
      `environments/${stage}.yaml:1:1: the stage name '${stage}' (the file name) is too long: the label app.kubernetes.io/instance of the stage's Namespace would be 'namespace-sssssssssssssssssss…sssssssssssssssssssssssssssss (64 characters)', longer than the 63 characters a label value may have\n` +
        "  hint: rename the file to a stage name of at most 53 characters ('namespace' + '-' + stage name is at most 63 characters)",
    ]);
    expect(problemsOf('apps:\n  nginx:\n    replicas: 1\n', `environments/${'s'.repeat(53)}.yaml`)).toEqual([]);
  });

  it('state the real limit (53) in the first hint, so that a name renamed to 54-63 characters does not meet a second one', () => {
    const stage = 's'.repeat(64);
    expect(problemsOf('apps:\n  nginx:\n    replicas: 1\n', `environments/${stage}.yaml`)).toEqual([
      `environments/${stage}.yaml:1:1: the stage name 'sssssssssssssssssssssssssssss…sssssssssssssssssssssssssssss (64 characters)' (the file name) is not a DNS-1123 label\n` +
        `  hint: rename the file to lowercase letters, digits and '-', at most 53 characters, e.g. '${'s'.repeat(53)}.yaml'`,
    ]);
    expect(problemsOf('apps:\n  nginx:\n    replicas: 1\n', `environments/${'s'.repeat(53)}.yaml`)).toEqual([]);
  });

  it.each([
    ['Staging', 'staging'],
    ['Bad_Name', 'bad-name'],
    ['-EU west 1-', 'eu-west-1'],
    ['_', 'qa'],
  ])("suggest a name like the file's own: %s -> %s", (stage, like) => {
    expect(problemsOf('apps:\n  nginx:\n    replicas: 1\n', `environments/${stage}.yaml`)[0]?.split('\n')[1]).toBe(
      `  hint: rename the file to lowercase letters, digits and '-', at most 53 characters, e.g. '${like}.yaml'`,
    );
  });
});

describe("app names, which the names of an app's objects are made from", () => {
  const problemsOf = (text: string, file = 'environments/qa.yaml'): string[] => problems(text, file);
  const demoapp = (name: string, database = '') =>
    `apps:\n  ${name}:\n    stack: demoapp\n    image: demoapp:1\n    replicas: 1\n    database:\n      storage: 1Gi\n${database}      backup: { schedule: "0 2 * * *", storage: 1Gi }\n`;
  const cronJobWhy = 'the CronJob controller names each Job it starts <name>-<11 digits>, and a Job name is at most 63 characters';

  it('refuse a demoapp instance whose backup CronJob (<app>-mysql-backup) would be longer than 52 characters, at its key, with the longest name that fits', () => {
    const app = 'a'.repeat(56);
    expect(problemsOf(demoapp(app))).toEqual([
      `environments/qa.yaml:2:3: apps.${app}: the CronJob would be named 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa…aaaaaaaaaaaaaaaa-mysql-backup (69 characters)', longer than the 52 characters a CronJob's name may have (${cronJobWhy})\n` +
        "  hint: shorten the app name to at most 39 characters (the CronJob's name adds 13 to it), or name the CronJob with database.names.backup",
    ]);
    expect(problemsOf(demoapp('a'.repeat(39)))).toEqual([]);
  });

  it('say the tightest bound once when the instance label is too long as well', () => {
    const app = 'b'.repeat(62);
    expect(problemsOf(demoapp(app)).map((p) => p.split('\n')[1])).toEqual([
      "  hint: shorten the app name to at most 39 characters (the CronJob's name adds 13 to it), or name the CronJob with database.names.backup",
    ]);
  });

  it('refuse a name a setting gives at that setting, and then not the app name', () => {
    const backup = 'a-backup-with-a-name-of-fifty-three-characters-in-all';
    expect(problemsOf(demoapp('a'.repeat(50), `      names: { backup: ${backup} }\n`))).toEqual([
      `environments/qa.yaml:8:24: apps.${'a'.repeat(50)}.database.names.backup names the CronJob '${backup}' (53 characters), longer than the 52 characters a CronJob's name may have (${cronJobWhy})\n` +
        '  hint: use a name of at most 52 characters',
    ]);
  });

  it("refuse a blue/green service whose colors' Services (<app>-green) would be longer than 63 characters", () => {
    const app = 'c'.repeat(58);
    const text = `apps:\n  ${app}:\n    stack: service\n    blueGreen: { live: blue, blue: team/api:1, green: team/api:1 }\n    ports: { http: { port: 8080 } }\n    service: { type: NodePort, colorNodePorts: { blue: 30001, green: 30002 } }\n`;
    expect(problemsOf(text)).toEqual([
      `environments/qa.yaml:2:3: apps.${app}: the Service would be named 'ccccccccccccccccccccccccccccc…ccccccccccccccccccccccc-green (64 characters)', longer than the 63 characters a Service's name may have\n` +
        "  hint: shorten the app name to at most 57 characters (the Service's name adds 6 to it)",
    ]);
    // without a Service per color, the name fits
    expect(problemsOf(text.replace(/, colorNodePorts: \{[^}]*\}/, ''))).toEqual([]);
  });

  it('refuse a registry whose Service kube-<app> would be longer than 63 characters', () => {
    const app = 'r'.repeat(59);
    expect(problemsOf(`apps:\n  ${app}:\n    stack: registry\n`, 'environments/lab.yaml').map((p) => p.split('\n')[1])).toEqual([
      "  hint: shorten the app name to at most 58 characters (the Service's name adds 5 to it)",
    ]);
  });

  it('leave the names of an app whose settings have problems to the next run, and report those', () => {
    expect(problemsOf(demoapp('a'.repeat(56)).replace('replicas: 1', 'replicas: many')).map((p) => p.split(':')[3])).toEqual([
      ' apps.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.replicas must be an integer from 0 to 2147483647 (found "many")',
    ]);
  });
});

describe('a stage file whose name is not a stage name', () => {
  const hintOf = (file: string, stages: readonly string[]) => {
    try {
      loader.load('apps: {}\n', file, { stages });
    } catch (e) {
      if (e instanceof ProblemsError) return e.problems.find((p) => p.code === 'config/stage-name')?.hint;
      throw e;
    }
    throw new Error(`${file} loaded without problems`);
  };

  it('is told the name to rename it to, when no stage file has it', () => {
    expect(hintOf('environments/Lab.yaml', ['Lab', 'dev'])).toBe(
      "rename the file to lowercase letters, digits and '-', at most 53 characters, e.g. 'lab.yaml'",
    );
  });

  it('beside the stage file of that name (Lab.yaml and lab.yaml), is told to merge the two or take a free name, never to overwrite it', () => {
    expect(hintOf('environments/Lab.yaml', ['Lab', 'lab', 'lab-2'])).toBe(
      'environments/lab.yaml exists already, so renaming the file to it would overwrite it: merge the two files into lab.yaml and remove this one, ' +
        "or rename the file to a free name of lowercase letters, digits and '-', at most 53 characters, e.g. 'lab-3.yaml'",
    );
  });
});
