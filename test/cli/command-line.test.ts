/** What every command shares on the command line: stage names, --help, --version, exit codes, problem lines, colour, progress. */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, fixtureProject, repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';

const COMMANDS = ['synth', 'check', 'secrets', 'diff', 'promote', 'switch'];
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('every command', () => {
  it.each([
    ['synth', 'written', 'the checks found errors or another command holds the lock (nothing written)'],
    [
      'check',
      'dist/ is current, or (with paths) no errors (warnings allowed)',
      'dist/ is out of date, or (with paths) the checks found errors',
    ],
    ['diff', 'compared, whether or not there are differences', 'the checks found errors in a stage it compiled'],
    ['promote', 'promoted or nothing to do', 'refused or the checks found errors (nothing written)'],
    ['switch', 'switched', 'refused or the checks found errors (nothing written)'],
    // secrets reads no manifest, and exits 2 for a declared key without a value
    [
      'secrets',
      'printed',
      'refused: a secret store makes the Secrets, or stdout is a terminal',
      'a stage file, the command line, a declared key without a value',
    ],
  ])('%s: --help ends with its own exit codes, 1 (and 2) as that command means it', (command, ok, failed, bad?: string) => {
    const r = runCli(command, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(-5)).toEqual([
      'Exit codes:',
      `  0  ${ok}`,
      `  1  ${failed}`,
      `  2  bad input (${bad ?? 'a stage file, the command line, a file that is not Kubernetes YAML'})`,
      '',
    ]);
    expect(r.stdout).toContain('-V, --version');
  });

  it('diff exits 1 when a stage it compiles fails the checks, as its --help says (not only 0 and 2)', () => {
    const dir = tempProject({
      lab: repoStage('lab').replace('apps:\n', 'apps:\n  bad:\n    stack: manifests\n    include: [manifests/bad]\n'),
    });
    mkdirSync(join(dir, 'manifests', 'bad'), { recursive: true });
    cpSync(join(REPO, 'test/fixtures/manifests/defects/3-dangling-claim.yaml'), join(dir, 'manifests', 'bad', 'claim.yaml'));
    const before = snapshotDir(dir);
    const r = runCli('diff', ['lab'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^manifests\/bad\/claim\.yaml:\d+:\d+: error: Pod test\/mysql: /m);
    expect(snapshotDir(dir)).toEqual(before);
    expect(runCli('diff', ['--help']).stdout.replace(/\s+/g, ' ')).toContain('1 when the checks find errors in a stage it compiles');
  });

  it.each(COMMANDS)('%s: --help ends its options with --help and --version said as every command says them', (command) => {
    const { stdout } = runCli(command, ['--help']);
    const [help, version] = stdout.split('\n').filter((l) => /^ {2}-[hV], /.test(l));
    expect([help, version].map((l) => l.split(/ {2,}/).slice(1))).toEqual([
      ['-h, --help', 'show this help'],
      ['-V, --version', 'print the version'],
    ]);
    expect(help.indexOf('show')).toBe(version.indexOf('print'));
  });

  it('secrets: --help states exit 1 for a stage whose Secrets come from a secret store', () => {
    expect(runCli('secrets', ['--help']).stdout.replace(/\s+/g, ' ')).toContain(
      "Prints nothing and exits 1 when the stage's Secrets come from a secret store (secretStore:",
    );
  });

  it.each(COMMANDS)('%s: --version prints stagecraft <version>', (command) => {
    expect(runCli(command, ['--version'])).toEqual({ code: 0, stdout: `stagecraft ${VERSION}\n`, stderr: '' });
    expect(runCli(command, ['-V']).stdout).toBe(`stagecraft ${VERSION}\n`);
  });

  it.each([
    ['synth', ['nope'], "error: there is no stage 'nope' (no environments/nope.yaml)"],
    ['check', ['nope'], "error: there is no file or directory 'nope'"],
    ['secrets', ['dev', 'extra'], "error: secrets takes <stage>: 'extra' is one too many (found 'dev' 'extra')"],
    ['diff', ['dev', 'qa', 'extra'], "error: diff takes <stage> [<other stage>]: 'extra' is one too many (found 'dev' 'qa' 'extra')"],
    [
      'promote',
      ['dev', 'test', 'extra', 'more'],
      "error: promote takes <from> <to>: 'extra' 'more' are 2 too many (found 'dev' 'test' 'extra' 'more')",
    ],
    [
      'switch',
      ['production', 'demoapp', 'extra'],
      "error: switch takes <stage> <app>: 'extra' is one too many (found 'production' 'demoapp' 'extra')",
    ],
  ])('%s refuses an argument it does not know, with exit code 2 and nothing written', (command, args, message) => {
    const dir = tempProject(
      { dev: repoStage('dev'), qa: repoStage('qa'), test: repoStage('test'), production: repoStage('production') },
      { copyDist: true },
    );
    const before = snapshotDir(dir);
    const r = runCli(command, args, dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(message);
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('an option a command does not know', () => {
  it.each([
    ['synth', ['--verbos'], "unknown option '--verbos'; did you mean '--verbose'?"],
    ['check', ['--formt', 'json', 'x.yaml'], "unknown option '--formt'; did you mean '--format'?"],
    ['secrets', ['qa', '--hepl'], "unknown option '--hepl'; did you mean '--help'?"],
    ['diff', ['qa', '--verison'], "unknown option '--verison'; did you mean '--version'?"],
    ['promote', ['test', 'qa', '--ap', 'demoapp'], "unknown option '--ap'; did you mean '--app'?"],
    ['switch', ['production', 'demoapp', '--releas', '1.1'], "unknown option '--releas'; did you mean '--release'?"],
    ['synth', ['--no-cach'], "unknown option '--no-cach'; did you mean '--no-cache'?"],
    ['synth', ['--verb'], "unknown option '--verb'; did you mean '--verbose'?"],
    ['synth', ['--frobnicate'], "unknown option '--frobnicate'"],
    ['synth', ['-x'], "unknown option '-x'"],
    // one letter: the option of that letter in the other case, and those whose name starts with it (-v is not verbose nor the version)
    ['synth', ['-v'], "unknown option '-v'; did you mean '--verbose' or '-V' (--version)?"],
    ['check', ['-v', 'x.yaml'], "unknown option '-v'; did you mean '-V' (--version)?"],
    ['diff', ['qa', '-H'], "unknown option '-H'; did you mean '-h' (--help)?"],
    ['check', ['-n', 'x.yaml'], "unknown option '-n'; did you mean '--namespace-exists' or '--no-cache'?"],
  ])(
    '%s %j is named with a did-you-mean and the command that lists the options, without the usage, exit code 2',
    (command, args, message) => {
      const r = runCli(command, args, tempProject({}));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n');
      expect(lines.slice(0, 2)).toEqual([`error: ${message}`, `  hint: npm run ${command} -- --help lists the options`]);
      expect(r.stderr).not.toContain('Usage:');
      expect(lines[2]).toMatch(/^1 problem[.;]/);
    },
  );

  it('is refused with every other wrong option at once: a value missing, a value given to a switch', () => {
    const r = runCli('promote', ['test', 'qa', '--force=yes', '--app'], tempProject({}));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        "error: option '--force' takes no value (found 'yes')",
        '  hint: write --force alone to turn it on, or leave it out; npm run promote -- --help lists the options',
        "error: option '--app' needs a value",
        '  hint: write --app <name>; npm run promote -- --help lists the options',
        '2 problems; nothing was written.',
        '',
      ].join('\n'),
    );
  });

  it('refuses an option of one value given twice with two values, rather than keeping the last', () => {
    const dir = tempProject({});
    const r = runCli('switch', ['production', 'demoapp', '--release', '1', '--release=2'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      "error: option '--release' is given twice ('1', then '2'), and it takes one value",
      '  hint: give --release once; npm run switch -- --help lists the options',
    ]);
    // the same value twice, or an option that takes several (--stage, promote's --app), is no problem
    expect(runCli('synth', ['--stage', 'x', '--stage', 'y', '--help'], dir).code).toBe(0);
    expect(runCli('promote', ['--app', 'web', '--app', 'api', '--help'], dir).code).toBe(0);
    expect(runCli('check', ['--format', 'json', '--format', 'json', '--help'], dir).code).toBe(0);
  });

  it('takes an option that follows a string option for a missing value, as the strict parser does', () => {
    const r = runCli('promote', ['test', 'qa', '--app', '--force'], tempProject({}));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      "error: option '--app' needs a value (found the option '--force')",
      "  hint: write --app <name>, or --app=--force if '--force' is the value; npm run promote -- --help lists the options",
    ]);
    // written with =, a value may start with '-' (and is then the command's to judge)
    expect(runCli('check', ['--format=-x', 'x.yaml'], tempProject({})).stderr).toContain(
      "--format must be one of text, json, sarif (found '-x')",
    );
  });
});

describe('a stage name that has no stage file', () => {
  it.each([
    ['synth', ['prod'], 'prod', 'production'],
    ['synth', ['--stage', 'QA'], 'QA', 'qa'],
    ['diff', ['qa', 'prodution'], 'prodution', 'production'],
    ['secrets', ['qaa'], 'qaa', 'qa'],
    ['switch', ['prodution', 'demoapp'], 'prodution', 'production'],
    ['promote', ['dev', 'Test'], 'Test', 'test'],
  ])('%s %j gets a did-you-mean for a typo, another case or the start of a name', (command, args, given, meant) => {
    const dir = fixtureProject(['dev', 'qa', 'test', 'production']);
    const r = runCli(command, args, dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      `error: there is no stage '${given}' (no environments/${given}.yaml); did you mean '${meant}'?`,
      '  hint: the stages are: dev, production, qa, test',
    ]);
  });

  it.each([
    ['synth', ['--', '-']],
    ['diff', ['-']],
    ['secrets', ['x']],
    ['synth', ['--stage', '.']],
  ])(
    '%s %j: a word that keeps nothing of any stage name gets no guess (not qa), and a lone - after -- is a name, not an option',
    (command, args) => {
      const dir = fixtureProject(['dev', 'qa', 'test', 'production']);
      const given = args.at(-1);
      const r = runCli(command, args, dir);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').slice(0, 2)).toEqual([
        `error: there is no stage '${given}' (no environments/${given}.yaml)`,
        '  hint: the stages are: dev, production, qa, test',
      ]);
    },
  );

  it('gets none when no stage is near it, nor when it starts more than one', () => {
    const dir = fixtureProject(['dev', 'qa', 'test', 'production']);
    expect(runCli('synth', ['staging'], dir).stderr.split('\n')[0]).toBe(
      "error: there is no stage 'staging' (no environments/staging.yaml)",
    );
    const two = tempProject({ 'prod-eu': repoStage('lab'), 'prod-us': repoStage('lab') });
    expect(runCli('diff', ['prod'], two).stderr.split('\n')[0]).toBe("error: there is no stage 'prod' (no environments/prod.yaml)");
  });
});

describe('an empty argument', () => {
  it.each([
    ['synth', ['', 'qa'], 1],
    ['synth', ['--', 'qa', ''], 2],
    ['diff', ['qa', ''], 2],
    ['promote', ['', 'qa'], 1],
    ['switch', ['qa', ''], 2],
    ['secrets', [''], 1],
    ['check', [''], 1],
  ])('%s %j is refused as empty (an unset variable), with no stage guessed for it', (command, args, position) => {
    const dir = fixtureProject(['dev', 'qa', 'test', 'production']);
    const before = snapshotDir(dir);
    const r = runCli(command, args as string[], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      `error: argument ${position} is empty ('')`,
      `  hint: a shell variable that is unset or empty gives one (npm run ${command} -- "$NAME" with no NAME set): set it; npm run ${command} -- --help lists the arguments and options`,
    ]);
    expect(r.stderr).not.toContain('did you mean');
    expect(snapshotDir(dir)).toEqual(before);
  });

  it.each([
    ['synth', ['--stage', '']],
    ['synth', ['--stage=']],
    ['promote', ['test', 'qa', '--app=']],
    ['check', ['--format', '', 'dist']],
  ])('%s %j: an option given an empty value is refused', (command, args) => {
    const r = runCli(command, args, fixtureProject(['dev', 'qa', 'test']));
    expect(r.code).toBe(2);
    const name = args.find((a) => a.startsWith('--'))!.replace(/=$/, '');
    expect(r.stderr.split('\n')[0]).toBe(`error: option '${name}' is given an empty value`);
  });
});

describe('an option npm took for itself (given before --), or npm_config_* from an .npmrc or the environment', () => {
  it('npm_config_force alone (an .npmrc of force=true) refuses nothing: promote runs as without it', () => {
    const dir = fixtureProject(['dev', 'qa', 'test']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const r = runCli('promote', ['test', 'qa'], dir, { npm_lifecycle_event: 'promote', npm_config_force: 'true' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing to change');
    expect(r.stderr).toBe('');
  });

  it.each([
    // a refusal that --force lifts: the variable and where promote's own --force goes, never advice to give it
    ['promote', ['qa', 'test'], { npm_config_force: 'true' }, 1, 'npm_config_force is set', 'npm run promote -- <from> <to> --force'],
    // dist/test not current (the fixture's dist/ is the repository's)
    ['promote', ['test', 'qa'], { npm_config_force: 'true' }, 1, 'npm_config_force is set', 'npm run promote -- <from> <to> --force'],
    // npm reads --app as -a -p: its value came as a third argument
    [
      'promote',
      ['test', 'qa', 'web'],
      { npm_config_all: 'true', npm_config_parseable: 'true' },
      2,
      'npm_config_all and npm_config_parseable are set',
      'npm run promote -- <from> <to> --app <name>',
    ],
    [
      'switch',
      ['qa', 'demoapp', '1.2'],
      { npm_config_release: 'true' },
      2,
      'npm_config_release is set',
      'npm run switch -- <stage> <app> --release <version or image>',
    ],
    [
      'check',
      ['restricted', 'dist/qa'],
      { npm_config_pod_security: 'true' },
      2,
      'npm_config_pod_security is set',
      'npm run check -- <arguments> --pod-security <level>',
    ],
  ])('%s %j with %j: the refusal says which npm_config_* is set and where the option goes', (command, args, npmEnv, code, set, form) => {
    const dir = fixtureProject(['dev', 'qa', 'test'], { copyDist: true });
    const before = snapshotDir(dir);
    const r = runCli(command, args, dir, { npm_lifecycle_event: command, ...npmEnv });
    expect(r.code).toBe(code);
    const warning = r.stderr.split('\n').findIndex((l) => l.startsWith('warning: '));
    expect(r.stderr.split('\n')[warning]).toMatch(
      new RegExp(`^warning: ${set} \\(by --\\S+ given before '--', which npm takes for itself`),
    );
    const option = /--[a-z-]+/.exec(form.slice(form.indexOf(' -- ') + 4))![0];
    expect(r.stderr.split('\n')[warning + 1]).toBe(`  hint: ${command}'s own ${option} goes after '--': ${form}`);
    expect(r.stderr).not.toContain('npm took');
    expect(snapshotDir(dir)).toEqual(before);
    // another npm script's environment is not about the command: no warning
    expect(runCli(command, args, dir, { npm_lifecycle_event: 'test', ...npmEnv }).stderr).not.toContain('warning: npm_config');
  });

  it("one argument too many is never answered with the command line without it (it may be an option's value)", () => {
    const r = runCli('promote', ['test', 'qa', 'web'], fixtureProject(['dev', 'qa', 'test']));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      "error: promote takes <from> <to>: 'web' is one too many (found 'test' 'qa' 'web')",
      "  hint: options go after '--', each with its value (given before '--', an option is npm's and its value comes as an argument); npm run promote -- --help lists the arguments and options",
    ]);
    expect(r.stderr).not.toContain('npm run promote -- test qa');
  });
});

describe('arguments too many for a command whose options take no value (diff, secrets)', () => {
  it.each([
    [
      'diff',
      ['dev', 'qa', 'test'],
      "error: diff takes <stage> [<other stage>]: 'test' is one too many (found 'dev' 'qa' 'test')",
      "  hint: write npm run diff -- dev qa, and again for 'test'; npm run diff -- --help lists the arguments and options",
    ],
    [
      'secrets',
      ['dev', 'qa'],
      "error: secrets takes <stage>: 'qa' is one too many (found 'dev' 'qa')",
      "  hint: write npm run secrets -- dev, and again for 'qa'; the stages are: dev, qa, test; npm run secrets -- --help lists the arguments and options",
    ],
    // npm run secrets qa --output yaml: an option secrets does not have, which npm took, and its value passed on
    [
      'secrets',
      ['qa', 'yaml'],
      "error: secrets takes <stage>: 'yaml' is one too many (found 'qa' 'yaml')",
      "  hint: write npm run secrets -- qa ('yaml' is no stage: given before '--', an option is npm's and its value comes as an argument); the stages are: dev, qa, test; npm run secrets -- --help lists the arguments and options",
    ],
    // npm run secrets --output yaml qa: the value comes first
    [
      'secrets',
      ['yaml', 'qa'],
      "error: secrets takes <stage>: 'qa' is one too many (found 'yaml' 'qa')",
      "  hint: write npm run secrets -- qa ('yaml' is no stage: given before '--', an option is npm's and its value comes as an argument); the stages are: dev, qa, test; npm run secrets -- --help lists the arguments and options",
    ],
    // npm run diff dev qa test --context 3
    [
      'diff',
      ['dev', 'qa', 'test', '3'],
      "error: diff takes <stage> [<other stage>]: 'test' '3' are 2 too many (found 'dev' 'qa' 'test' '3')",
      "  hint: write npm run diff -- dev qa, and again for 'test' ('3' is no stage: given before '--', an option is npm's and its value comes as an argument); npm run diff -- --help lists the arguments and options",
    ],
  ])(
    '%s %j: the line without them, again for a stage (a word that is none may be the value of an option npm took)',
    (command, args, message, hint) => {
      const r = runCli(command, args, fixtureProject(['dev', 'qa', 'test']));
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').slice(0, 2)).toEqual([message, hint]);
    },
  );
});

describe('arguments missing', () => {
  it.each([
    [
      'switch',
      ['qa'],
      "switch takes <stage> <app>: <app> is missing (found 'qa')",
      'write npm run switch -- qa <app>, e.g. npm run switch -- production demoapp',
    ],
    [
      'switch',
      [],
      'switch takes <stage> <app>: <stage> and <app> are missing (found no arguments)',
      'write npm run switch -- <stage> <app>, e.g. npm run switch -- production demoapp',
    ],
    [
      'promote',
      ['my qa'],
      "promote takes <from> <to>: <to> is missing (found 'my qa')",
      "write npm run promote -- 'my qa' <to>, e.g. npm run promote -- qa production",
    ],
    [
      'diff',
      [],
      'diff takes <stage> [<other stage>]: <stage> is missing (found no arguments)',
      'write npm run diff -- <stage>, e.g. npm run diff -- qa production',
    ],
  ])('%s %j names what is missing, and the command line with it in place', (command, args, message, hint) => {
    const r = runCli(command, args, fixtureProject(['qa', 'production']));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([`error: ${message}`, `  hint: ${hint}`]);
  });
});

describe('npm run synth -- <stage>...', () => {
  it('compiles only the named stages, given as words or with --stage', () => {
    // qa is promoted from test, which this project does not have
    const dir = tempProject({ lab: repoStage('lab'), qa: repoStage('qa').replace(/^promotion:.*$/m, '#'), dev: repoStage('dev') });
    const r = runCli('synth', ['lab', '--stage', 'qa'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lab: \d+ objects in \d+ files -> dist\/lab\/ \(new\)\n/);
    expect(r.stdout).toMatch(/\nqa: \d+ objects in \d+ files -> dist\/qa\/ \(new\)\n/);
    expect(Object.keys(snapshotDir(join(dir, 'dist'))).map((f) => f.split('/')[0])).not.toContain('dev');
    expect(Object.keys(snapshotDir(join(dir, 'dist', 'lab')))).toEqual(
      expect.arrayContaining(['10-nginx.yaml', 'Kustomization', 'inventory.txt']),
    );
  });

  it('exits 1, as its help says, when only the checks of the rendered objects fail', () => {
    const r = runCli('synth', ['--help']);
    expect(r.stdout).toContain(
      'exit 2 when a stage file or the command line is wrong, 1 when\nthe checks find errors in the rendered objects',
    );
  });
});

describe('warnings of npm run synth', () => {
  it('are summarized: one line per check and stage with the number of objects', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('warning:'));
    expect(lines).toEqual([
      "lab: warning: policy/image-tag: 1 warning on 1 object (ReplicationController lab/nginx), e.g. image 'nginx' has no tag (it means 'latest')",
      "lab: warning: policy/probes: 2 warnings on 2 objects (DaemonSet kube-system/kube-flannel-ds, ReplicationController lab/nginx), e.g. container 'kube-flannel' has no livenessProbe",
      "lab: warning: policy/resources: 2 warnings on 2 objects (DaemonSet kube-system/kube-flannel-ds, ReplicationController lab/nginx), e.g. container 'install-cni' has no resource requests or limits",
    ]);
    expect(r.stderr.split('\n').at(-2)).toBe('5 warnings in all; npm run synth -- --verbose prints each with its hint');
    expect(r.stderr).not.toContain('hint:');
  });

  it('are counted all in the last line, those about what the synthesis changes in dist/ too', () => {
    const qa = repoStage('qa').replace(/^promotion:.*$/m, '#');
    const dir = tempProject({ qa });
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'qa.yaml'), qa.replace('storage: 2Gi\n', 'storage: 1Gi\n'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    // the check's summary line and the claim that shrinks (output/immutable-field), with its hint
    expect(lines.filter((l) => l.includes('warning:'))).toHaveLength(2);
    expect(lines.at(-2)).toBe('2 warnings in all; npm run synth -- --verbose prints each with its hint');
  });

  it('name at most three objects, and count the rest', () => {
    let stage = 'apps:\n';
    for (let i = 0; i < 5; i++) stage += `  web${i}:\n    stack: nginx\n    image: nginx:1.25\n    replicas: 1\n`;
    const r = runCli('synth', [], tempProject({ many: stage }));
    expect(r.stderr).toContain(
      'many: warning: policy/probes: 10 warnings on 5 objects (ReplicationController many/web0, ReplicationController many/web1, ReplicationController many/web2, and 2 more), e.g. ',
    );
  });

  it('are printed one by one with --verbose', () => {
    const r = runCli('synth', ['--verbose'], tempProject({ lab: repoStage('lab') }));
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('warning:'))).toHaveLength(5);
    expect(r.stderr).not.toContain('in all');
    expect(r.stderr).toContain(
      "warning: ReplicationController lab/nginx: spec.template.spec.containers[0].image: image 'nginx' has no tag (it means 'latest')\n  hint: pin a version tag",
    );
  });
  it("are placed in an included manifest's file at the field, as npm run check places them", () => {
    const dir = tempProject({ lab: 'apps:\n  legacy:\n    stack: manifests\n    include: [manifests/legacy]\n' });
    mkdirSync(join(dir, 'manifests', 'legacy'), { recursive: true });
    const deployment =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  selector: { matchLabels: { app: web } }\n' +
      '  template:\n    metadata: { labels: { app: web } }\n    spec:\n      containers:\n        - name: web\n          image: nginx\n';
    writeFileSync(join(dir, 'manifests', 'legacy', 'web.yaml'), deployment);
    const r = runCli('synth', ['--verbose'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "manifests/legacy/web.yaml:11:18: warning: Deployment lab/web: spec.template.spec.containers[0].image: image 'nginx' has no tag (it means 'latest')\n",
    );
  });
});

describe('problem lines', () => {
  const broken = 'apps:\n  nginx:\n    image: nginx\n    replicas: three\n';

  it('start with error: after the place, without colour when stderr is not a terminal', () => {
    const r = runCli('synth', [], tempProject({ broken }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^environments\/broken\.yaml:4:15: error: apps\.nginx\.replicas must be an integer from 0 to 2147483647/);
    expect(r.stderr).not.toContain('\x1b[');
  });

  it('are coloured on a terminal', () => {
    const r = runCli('synth', [], tempProject({ broken }), {}, { tty: true });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI escapes are what is tested
    expect(r.stderr).toMatch(/^environments\/broken\.yaml:4:15: \x1b\[31merror:\x1b\[0m apps\.nginx\.replicas/);
    const lab = runCli('synth', [], tempProject({ lab: repoStage('lab') }), {}, { tty: true });
    expect(lab.stderr).toContain('lab: \x1b[33mwarning:\x1b[0m policy/image-tag');
    const verbose = runCli('synth', ['--verbose'], tempProject({ lab: repoStage('lab') }), {}, { tty: true });
    expect(verbose.stderr).toContain(
      "\x1b[33mwarning:\x1b[0m ReplicationController lab/nginx: spec.template.spec.containers[0].image: image 'nginx' has no tag (it means 'latest')\n\x1b[2m  hint: pin a version tag",
    );
  });

  it("of an included manifest come in line and column order, each at its field, a transform's too", () => {
    const service = (name: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: { name: ${name} }\nspec:\n  selector: { app: nothing }\n  ports: [{ port: 80 }]\n`;
    const deployment = (name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name} }\nspec:\n  selector: { matchLabels: { app: ${name} } }\n` +
      `  template:\n    metadata: { labels: { app: ${name} } }\n    spec:\n      containers: [{ name: web, image: "example.com/${name}:1" }]\n`;
    const project = (arm: boolean, text: string) => {
      const dir = tempProject({
        lab: `${arm ? 'architecture: arm\n' : ''}apps:\n  legacy:\n    stack: manifests\n    include: [manifests/legacy]\n`,
      });
      mkdirSync(join(dir, 'manifests', 'legacy'), { recursive: true });
      writeFileSync(join(dir, 'manifests', 'legacy', 'web.yaml'), text);
      return dir;
    };
    const checked = runCli('synth', [], project(false, [service('zeta'), service('alpha')].join('---\n')));
    expect(checked.code).toBe(1);
    expect(checked.stderr.split('\n').filter((l) => l.includes(': error: '))).toEqual([
      "manifests/legacy/web.yaml:5:13: error: Service lab/zeta: spec.selector: selects app=nothing, but no pod template in namespace 'lab' has these labels; the workloads there are: none",
      "manifests/legacy/web.yaml:12:13: error: Service lab/alpha: spec.selector: selects app=nothing, but no pod template in namespace 'lab' has these labels; the workloads there are: none",
    ]);
    const transformed = runCli('synth', [], project(true, [deployment('zeta'), deployment('alpha')].join('---\n')));
    expect(transformed.code).toBe(2);
    expect(transformed.stderr.split('\n').filter((l) => l.includes(': error: '))).toEqual([
      "manifests/legacy/web.yaml:9:40: error: Deployment lab/zeta: spec.template.spec.containers[0]: container 'web' runs image 'example.com/zeta:1', which has no known arm build (stage 'lab' runs on arm; neither the stage file's images: nor the image table names it)",
      "manifests/legacy/web.yaml:19:40: error: Deployment lab/alpha: spec.template.spec.containers[0]: container 'web' runs image 'example.com/alpha:1', which has no known arm build (stage 'lab' runs on arm; neither the stage file's images: nor the image table names it)",
    ]);
  });

  it('are not coloured on a terminal when NO_COLOR is set', () => {
    const r = runCli('synth', [], tempProject({ broken }), { NO_COLOR: '1' }, { tty: true });
    expect(r.stderr).toMatch(/^environments\/broken\.yaml:4:15: error: /);
    expect(r.stderr).not.toContain('\x1b[');
  });
});

describe("check's report of findings, on stdout", () => {
  const file = 'test/fixtures/manifests/defects/3-dangling-claim.yaml';

  it('is coloured as problems on stderr are, when stdout is a terminal', () => {
    const r = runCli('check', [file], REPO, {}, { tty: 'stdout' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${file}:33:20: \x1b[31merror:\x1b[0m Pod test/mysql: spec.volumes[0].persistentVolumeClaim.claimName: volume 'storage' claims 'mysqlvolume', but the claims in namespace 'test' are: mysql\n\x1b[2m  hint: fix the name, or add the PersistentVolumeClaim to the files checked\x1b[0m\n`,
    );
    expect(r.stdout).toContain('\x1b[33mwarning:\x1b[0m');
  });

  it('is coloured wherever FORCE_COLOR is set (a pipe, a file, NO_COLOR too), and nowhere when it is 0, false or any value Node.js does not read as a colour depth (no, off, 4); JSON never', () => {
    const coloured = `${file}:33:20: \x1b[31merror:\x1b[0m Pod test/mysql`;
    const broken = 'apps:\n  nginx:\n    image: nginx\n    replicas: three\n';
    for (const force of ['1', '', 'true', '3']) {
      const piped = runCli('check', [file], REPO, { FORCE_COLOR: force, NO_COLOR: '1' }, { tty: false });
      expect(piped.stdout, force).toContain(coloured);
      // problems on stderr alike, and a progress line stays a terminal's
      const synth = runCli('synth', [], tempProject({ broken }), { FORCE_COLOR: force }, { tty: false });
      expect(synth.stderr.startsWith('environments/broken.yaml:4:15: \x1b[31merror:\x1b[0m '), force).toBe(true);
      expect(synth.stderr).not.toContain('\r');
    }
    // as Node.js reads it (tty.WriteStream's getColorDepth): any other value is 2 colours, none
    for (const off of ['0', 'false', 'no', 'off', '4']) {
      expect(runCli('check', [file], REPO, { FORCE_COLOR: off }, { tty: true }).stdout, off).not.toContain('\x1b[');
      expect(runCli('synth', [], tempProject({ broken }), { FORCE_COLOR: off }, { tty: true }).stderr, off).not.toContain('\x1b[');
    }
    expect(runCli('check', ['--format', 'json', file], REPO, { FORCE_COLOR: '1' }).stdout).not.toContain('\x1b[');
  });

  it('is not coloured when stdout is a pipe or a file, even with stderr a terminal, nor when NO_COLOR is set', () => {
    expect(runCli('check', [file], REPO, {}, { tty: 'stderr' }).stdout).not.toContain('\x1b[');
    expect(runCli('check', [file], REPO, { NO_COLOR: '1' }, { tty: true }).stdout).not.toContain('\x1b[');
    expect(runCli('check', ['--format', 'json', file], REPO, {}, { tty: true }).stdout).not.toContain('\x1b[');
  });
});

describe('the progress line', () => {
  /** A clock that advances `step` ms at every reading. */
  const ticking = (step: number) => {
    let t = 0;
    return () => (t += step);
  };

  it('shows on a terminal what synth is doing once it takes more than a second, then clears itself', () => {
    const r = runCli(
      'synth',
      [],
      tempProject({ lab: repoStage('lab'), qa: repoStage('qa').replace(/^promotion:.*$/m, '#') }),
      {},
      { tty: true, clock: ticking(600) },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('\r\x1b[2Ksynth: compiling qa (2/2)');
    expect(r.stderr).toContain('\r\x1b[2Ksynth: writing dist/\r\x1b[2K');
  });

  it('is cleared before the problems are printed', () => {
    const broken = 'apps:\n  nginx:\n    image: nginx\n    replicas: three\n';
    const r = runCli('synth', [], tempProject({ lab: repoStage('lab'), broken }), {}, { tty: true, clock: ticking(600) });
    expect(r.code).toBe(2);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI escapes are what is tested
    expect(r.stderr).toMatch(/\r\x1b\[2Ksynth: compiling lab \(2\/2\)\r\x1b\[2Kenvironments\/broken\.yaml:4:15: /);
  });

  it('shows for check too', () => {
    const r = runCli('check', [join(REPO, 'test', 'fixtures', 'manifests', 'valid')], REPO, {}, { tty: true, clock: ticking(600) });
    expect(r.stderr).toContain('\x1b[2Kcheck: checking ');
  });

  it('is not shown for quick runs, nor when stderr is not a terminal', () => {
    const quick = runCli('synth', [], tempProject({ lab: repoStage('lab') }), {}, { tty: true, clock: () => 0 });
    expect(quick.stderr).not.toContain('\r');
    const piped = runCli('synth', [], tempProject({ lab: repoStage('lab') }), {}, { tty: false, clock: ticking(600) });
    expect(piped.stderr).not.toContain('\r');
    // a terminal that prints escapes as text (TERM=dumb: Emacs' shell, an editor's pane) gets neither the line nor colour
    const dumb = runCli('synth', [], tempProject({ lab: repoStage('lab') }), { TERM: 'dumb' }, { tty: true, clock: ticking(600) });
    expect(dumb.code).toBe(0);
    expect(dumb.stderr).toContain('lab: warning: policy/image-tag');
    expect(dumb.stderr).not.toContain('\r');
    expect(dumb.stderr).not.toContain('\x1b');
  });
});

describe("an option given with its value before '--' (npm run synth --stage=qa), which npm keeps as npm_config_<name>", () => {
  it.each([
    ['synth', [], { npm_config_stage: 'qa' }, "'--stage=qa'", 'npm_config_stage', 'npm run synth -- --stage=qa'],
    ['synth', ['lab'], { npm_config_stage: 'qa' }, "'--stage=qa'", 'npm_config_stage', 'npm run synth -- --stage=qa lab'],
    [
      'check',
      ['dist/qa'],
      { npm_config_pod_security: 'restricted' },
      "'--pod-security=restricted'",
      'npm_config_pod_security',
      'npm run check -- --pod-security=restricted dist/qa',
    ],
    // npm run check --pod-security=restricted: check's options are for checking files, which the line must name
    [
      'check',
      [],
      { npm_config_pod_security: 'restricted' },
      "'--pod-security=restricted'",
      'npm_config_pod_security',
      'npm run check -- --pod-security=restricted <file or directory>',
    ],
    ['switch', [], { npm_config_release: '1.2' }, "'--release=1.2'", 'npm_config_release', 'npm run switch -- --release=1.2 <stage> <app>'],
    [
      'switch',
      ['qa', 'demoapp'],
      { npm_config_release: '1.2 beta' },
      "'--release=1.2 beta'",
      'npm_config_release',
      "npm run switch -- '--release=1.2 beta' qa demoapp",
    ],
  ])(
    '%s %j with %j is refused with the command line that gives it after --, nothing done',
    (command, args, npmEnv, given, variable, line) => {
      const dir = fixtureProject(['dev', 'qa', 'test'], { copyDist: true });
      const before = snapshotDir(dir);
      const r = runCli(command, args, dir, { npm_lifecycle_event: command, ...npmEnv });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').slice(0, 2)).toEqual([
        `error: ${variable} is set (by ${given} given before '--', which npm takes for itself, or by an .npmrc or the environment), and ${command} runs without it`,
        `  hint: write ${line}: ${command}'s options go after '--' (if an .npmrc or the environment sets ${variable}, unset it)`,
      ]);
      expect(snapshotDir(dir)).toEqual(before);
    },
  );

  it('an option given so more than once (npm joins the values with a blank line) is said as each was given', () => {
    const dir = fixtureProject(['dev', 'qa', 'test'], { copyDist: true });
    const before = snapshotDir(dir);
    const env = { npm_lifecycle_event: 'check', npm_config_crds: 'crds\n\nmore crds' };
    const r = runCli('check', ['dist/qa'], dir, env);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      "error: npm_config_crds is set (by '--crds=crds' '--crds=more crds' given before '--', which npm takes for itself, or by an .npmrc or the environment), and check runs without them",
      "  hint: write npm run check -- --crds=crds '--crds=more crds' dist/qa: check's options go after '--' (if an .npmrc or the environment sets npm_config_crds, unset it)",
    ]);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it.each([
    // npm run synth --stage= (or --no-stage, --stage=false): npm_config_stage is empty, and synth would compile every stage
    [
      'synth',
      [],
      { npm_config_stage: '' },
      'and empty',
      "--stage=, --no-stage or --stage=false given before '--'",
      'npm run synth -- --stage <name>',
    ],
    // npm run synth --stage: true, and no argument came that could be its value
    [
      'synth',
      [],
      { npm_config_stage: 'true' },
      'to true',
      "--stage given before '--' with no value after it, or --stage=true",
      'npm run synth -- --stage <name>',
    ],
    [
      'check',
      ['dist/qa'],
      { npm_config_pod_security: '' },
      'and empty',
      "--pod-security=, --no-pod-security or --pod-security=false given before '--'",
      'npm run check -- dist/qa --pod-security <level>',
    ],
    // npm run check --pod-security: without a path, npm run check -- --pod-security <level> would be refused in turn
    [
      'check',
      [],
      { npm_config_pod_security: 'true' },
      'to true',
      "--pod-security given before '--' with no value after it, or --pod-security=true",
      'npm run check -- --pod-security <level> <file or directory>',
    ],
    // npm run switch --release=: without the stage and the app, the line would be refused in turn
    [
      'switch',
      [],
      { npm_config_release: '' },
      'and empty',
      "--release=, --no-release or --release=false given before '--'",
      'npm run switch -- --release <version or image> <stage> <app>',
    ],
    [
      'switch',
      ['qa', 'demoapp'],
      { npm_config_release: '' },
      'and empty',
      "--release=, --no-release or --release=false given before '--'",
      'npm run switch -- qa demoapp --release <version or image>',
    ],
  ])(
    '%s %j with %j (an option given before --, with no value) is refused with the line that gives it one, nothing done',
    (command, args, npmEnv, how, by, line) => {
      const dir = fixtureProject(['dev', 'qa', 'test'], { copyDist: true });
      const before = snapshotDir(dir);
      const r = runCli(command, args, dir, { npm_lifecycle_event: command, ...npmEnv });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const [variable] = Object.keys(npmEnv);
      const option = `--${variable.slice('npm_config_'.length).replaceAll('_', '-')}`;
      expect(r.stderr.split('\n').slice(0, 2)).toEqual([
        `error: ${variable} is set ${how} (by ${by}, which npm takes for itself, or by an .npmrc or the environment), and ${command} runs without ${option}`,
        `  hint: write ${line}: ${command}'s options go after '--', each with its value (if an .npmrc or the environment sets ${variable}, unset it)`,
      ]);
      expect(snapshotDir(dir)).toEqual(before);
    },
  );

  it.each([
    // npm's own options (--workspace web, --prefix <dir>) stay where they were, as its log writes them: the line runs where the first did
    [
      'synth',
      ['lab'],
      { npm_config_stage: 'qa' },
      ['run', '--workspace', 'web', 'synth', '--stage', 'qa', '--', 'lab'],
      'write npm run --workspace web synth -- --stage=qa lab',
    ],
    [
      'synth',
      [],
      { npm_config_stage: '' },
      ['--prefix', '/srv/my project', 'run', 'synth', '--no-stage'],
      "write npm --prefix '/srv/my project' run synth -- --stage <name>",
    ],
    [
      'synth',
      [],
      { npm_config_stage: 'true' },
      ['run', '--loglevel', 'silent', 'synth', '--stage', 'true'],
      'write npm run --loglevel silent synth -- --stage <name>',
    ],
    [
      'check',
      ['dist/qa'],
      { npm_config_crds: 'crds\n\nmore crds' },
      ['run', '-w', 'web', 'check', '--crds', 'crds', '--crds', 'more crds', '--', 'dist/qa'],
      "write npm run -w web check -- --crds=crds '--crds=more crds' dist/qa",
    ],
    // a credential among npm's options is never printed back
    [
      'synth',
      ['lab'],
      { npm_config_stage: 'qa' },
      ['run', '--//registry.example.com/:_authToken', 'glpat-SECRET1', 'synth', '--stage', 'qa', '--', 'lab'],
      "give --stage after '--', and npm's own options as you gave them (npm's log holds a credential or hides a word among them, not repeated here)",
    ],
    // a URL's password that npm's log did not hide (an npm that writes it as given): --registry, --proxy, or its value apart
    [
      'synth',
      ['lab'],
      { npm_config_stage: 'qa' },
      ['run', '--registry=https://ci:SECRET1@registry.example.com/', 'synth', '--stage', 'qa', '--', 'lab'],
      "give --stage after '--', and npm's own options as you gave them (npm's log holds a credential or hides a word among them, not repeated here)",
    ],
    [
      'synth',
      ['lab'],
      { npm_config_stage: 'qa' },
      ['run', '--https-proxy', 'http://me:SECRET1@proxy:3128', 'synth', '--stage', 'qa', '--', 'lab'],
      "give --stage after '--', and npm's own options as you gave them (npm's log holds a credential or hides a word among them, not repeated here)",
    ],
    [
      'synth',
      ['lab'],
      { npm_config_stage: 'qa' },
      ['run', '--registry', 'https://SECRET1@registry.example.com/', 'synth', '--stage', 'qa', '--', 'lab'],
      "give --stage after '--', and npm's own options as you gave them (npm's log holds a credential or hides a word among them, not repeated here)",
    ],
  ])("%s %j with %j, npm's log saying %j, is refused with a line that keeps npm's own options", (command, args, npmEnv, npm, hint) => {
    const dir = fixtureProject(['dev', 'qa', 'test'], { copyDist: true });
    const r = runCli(command, args, dir, { npm_lifecycle_event: command, ...npmEnv }, { npmArguments: npm });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('SECRET1');
    expect(r.stderr.split('\n')[1]).toMatch(
      new RegExp(`^  hint: ${hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${command}'s options go after '--'`),
    );
  });

  it("says a variable npm's log does not give before '--' is an .npmrc's or the environment's, and gives no line that adds the option", () => {
    const dir = fixtureProject(['dev', 'qa', 'test'], { copyDist: true });
    // npm run synth -- lab with stage=qa in an .npmrc was told to write npm run synth -- --stage=qa lab: qa, never asked for
    const r = runCli(
      'synth',
      ['lab'],
      dir,
      { npm_lifecycle_event: 'synth', npm_config_stage: 'qa' },
      { npmArguments: ['run', 'synth', '--', 'lab'] },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      "error: npm_config_stage is set by an .npmrc or the environment, not on the command line (npm's log of this run has no --stage before '--'), and synth cannot tell it from --stage given before '--', which npm takes for itself and synth would run without",
      "  hint: remove stage from the .npmrc that sets it (npm config list shows which) or unset npm_config_stage, then run the command again; synth's options go after '--'",
    ]);
    // of two, the one npm's log gives is moved after '--', the other not added
    const both = runCli(
      'check',
      ['dist/qa'],
      dir,
      { npm_lifecycle_event: 'check', npm_config_crds: 'crds', npm_config_pod_security: 'restricted' },
      { npmArguments: ['run', 'check', '--crds', 'crds', '--', 'dist/qa'] },
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("  hint: write npm run check -- --crds=crds dist/qa: check's options go after '--'");
    expect(both.stderr).toContain(
      "npm_config_pod_security is set by an .npmrc or the environment, not on the command line (npm's log of this run has no --pod-security before '--')",
    );
    expect(both.stderr).not.toContain('--pod-security=restricted dist/qa');
    // npm reads --pod_security as --pod-security (one variable, npm_config_pod_security), and its log writes it as given
    const underscored = runCli(
      'check',
      ['dist/qa'],
      dir,
      { npm_lifecycle_event: 'check', npm_config_pod_security: 'restricted' },
      { npmArguments: ['run', 'check', '--pod_security', 'restricted', '--', 'dist/qa'] },
    );
    expect(underscored.stderr).toContain("  hint: write npm run check -- --pod-security=restricted dist/qa: check's options go after '--'");
  });

  it('the same variable set by the option given apart (true), by another script, or given on the command line too, refuses nothing', () => {
    const dir = fixtureProject(['dev', 'qa', 'test']);
    // npm run synth --stage qa: npm_config_stage=true, and qa comes as an argument
    expect(runCli('synth', ['qa'], dir, { npm_lifecycle_event: 'synth', npm_config_stage: 'true' }).code).toBe(0);
    expect(runCli('synth', ['qa'], dir, { npm_lifecycle_event: 'test', npm_config_stage: 'qa' }).code).toBe(0);
    expect(runCli('synth', ['--stage', 'qa'], dir, { npm_lifecycle_event: 'synth', npm_config_stage: 'qa' }).code).toBe(0);
  });
});

describe("options after a second '--', which a command of names reads as names", () => {
  it.each([
    ['synth', ['lab', '--', '--verbose'], "'--verbose' follows", 'npm run synth -- lab --verbose'],
    ['synth', ['--', '--verbose', '--', 'lab'], "'--verbose' follows", 'npm run synth -- --verbose lab'],
    ['synth', ['lab', '--', '--stage', 'qa'], "'--stage' follows", 'npm run synth -- lab --stage qa'],
    // a third '--', which the command would read as a stage named '--'
    ['synth', ['lab', '--', '--'], "'--' follows", 'npm run synth -- lab'],
    ['switch', ['qa', '--', '--release', '1.2', 'demoapp'], "'--release' follows", 'npm run switch -- qa --release 1.2 demoapp'],
    [
      'promote',
      ['--', 'test', 'qa', '--force', '--app=demo app'],
      "'--force' '--app=demo app' follow",
      "npm run promote -- --force '--app=demo app' test qa",
    ],
  ])('%s %j: refused with the command line that gives them as options', (command, args, words, line) => {
    const dir = fixtureProject(['dev', 'qa', 'test'], { copyDist: true });
    const before = snapshotDir(dir);
    const r = runCli(command, args, dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      `error: ${words} a second '--' (the first is npm's), after which ${command} reads every word as an argument, not as an option`,
      `  hint: write ${line}; npm run ${command} -- --help lists the arguments and options`,
      '1 problem; nothing was written.',
    ]);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('an option there not known is named without its value, which may be a secret typed by mistake', () => {
    const r = runCli('synth', ['lab', '--', '--password=hunter2'], fixtureProject(['dev', 'qa', 'test']));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: '--password' follows a second '--'");
    expect(r.stderr).not.toContain('hunter2');
  });

  it('a word there holding a character that turns the line around (U+202E) gets no command line to copy, never the character', () => {
    const r = runCli('synth', ['lab\u202e', '--', '--verbose'], fixtureProject(['dev', 'qa', 'test']));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "  hint: give the options right after the first '--', and no second one; npm run synth -- --help lists the arguments and options\n",
    );
    expect(r.stderr).not.toContain('\u202e');
  });

  it('an option there misspelt is said as on the command line, with the one meant', () => {
    const r = runCli('synth', ['lab', '--', '--verbos'], fixtureProject(['dev', 'qa', 'test']));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 4)).toEqual([
      "error: unknown option '--verbos'; did you mean '--verbose'?",
      '  hint: npm run synth -- --help lists the options',
      "error: '--verbos' follows a second '--' (the first is npm's), after which synth reads every word as an argument, not as an option",
      "  hint: give the options right after the first '--', and no second one; npm run synth -- --help lists the arguments and options",
    ]);
  });
});

describe("an option of a few values given before '--' with none after it (npm run check --pod-security -- dist/qa)", () => {
  it('is refused when no argument is one of its values: npm passed none on, and check would run at the default level', () => {
    const dir = fixtureProject(['dev', 'qa', 'test'], { copyDist: true });
    const before = snapshotDir(dir);
    const env = { npm_lifecycle_event: 'check', npm_config_pod_security: 'true' };
    const r = runCli('check', ['dist/qa'], dir, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      "error: npm_config_pod_security is set to true (by --pod-security given before '--' with no value after it, or --pod-security=true, which npm takes for itself, or by an .npmrc or the environment), no argument is one of its values (baseline, restricted) that npm could have passed on, and check runs without --pod-security",
      "  hint: write npm run check -- dist/qa --pod-security <level>: check's options go after '--', each with its value (if an .npmrc or the environment sets npm_config_pod_security, unset it)",
    ]);
    expect(snapshotDir(dir)).toEqual(before);
    // npm run check --pod-security restricted dist/qa: restricted came as an argument, and is said as a path not there, with npm's variable
    const apart = runCli('check', ['restricted', 'dist/qa'], dir, env);
    expect(apart.code).toBe(2);
    expect(apart.stderr).toMatch(/^error: there is no file or directory '.*restricted'$/m);
    expect(apart.stderr).toContain("check's own --pod-security goes after '--'");
  });
});
