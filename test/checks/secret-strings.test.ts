import { describe, expect, it } from 'vitest';
import { secretStrings } from '../../lib/checks/secret-strings.js';
import { compileStages } from '../../lib/compile.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import type { KubeObject } from '../../lib/model/object.js';
import { repoStage } from '../helpers/cli.js';
import { SECRET_SAMPLES } from '../helpers/secret-samples.js';

const configMap = (data: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app', annotations },
  data,
});

/** What the screen finds in `o`: each secret string's field path and rule (or `name` for a value refused by its key's name). */
const found = (o: KubeObject) => secretStrings(o).map((s) => `${s.path.join('.')} ${s.rule?.id ?? 'name'}${s.given ? ` ${s.given}` : ''}`);

describe('secretStrings, judged once per text but per object by its place', () => {
  const encoded = Buffer.from('password=Hunter2pw').toString('base64');

  it('judges the same text by the name that holds it in each object, whatever was screened before', () => {
    // the verdict on the text is remembered; the verdict by the key's name (context) is not
    expect(found(configMap({ NOTES: 'Hunter2pw!x' }))).toEqual([]);
    expect(found(configMap({ DB_PASSWORD: 'Hunter2pw!x' }))).toEqual(['data.DB_PASSWORD name']);
    expect(found(configMap({ NOTES: 'Hunter2pw!x' }))).toEqual([]);
    // an annotation is judged by its own rule, a command line's entry by the flag before it
    const pod = (args: string[]): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'c:1', args }] },
    });
    expect(found(pod(['--password', 'Hunter2pw!x']))).toEqual(['spec.containers.0.args.1 name']);
    expect(found(pod(['--verbose', 'Hunter2pw!x']))).toEqual([]);
  });

  it('gives texts alike their own verdicts in either order: one letter, a blank, case', () => {
    const alike = [`${encoded} `, encoded.replace('cG', 'cE'), encoded.toLowerCase()];
    for (const other of alike) {
      expect(found(configMap({ A: other, B: encoded }))).toEqual(['data.B secret-setting in base64']);
      expect(found(configMap({ A: encoded, B: other }))).toEqual(['data.A secret-setting in base64']);
    }
  });
});

describe("a ConfigMap's key that names the file it holds", () => {
  it("is judged by the file's content: credentials.yml of settings passes, its password is found on its line", () => {
    expect(found(configMap({ 'credentials.yml': 'aws:\n  region: eu-west-1\n  profile: default\n' }))).toEqual([]);
    const [s] = secretStrings(configMap({ 'credentials.yml': 'db:\n  username: app\n  password: Hunter2pw!x\n' }));
    expect([s?.rule?.id, s?.valueLine, s?.setting]).toEqual(['secret-setting', 3, 'password']);
    expect(found(configMap({ 'password.txt': 'Hunter2pw!x' }))).toEqual(['data.password.txt name']);
  });
});

describe('a bootstrap token as an entry of a command line', () => {
  const pod = (command: string[], args?: string[]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'kindest/node:v1.31.0', command, ...(args ? { args } : {}) }] },
  });

  it('is found where the list, or the command beside an args list, names kubeadm', () => {
    expect(found(pod(['kubeadm', 'token', 'create', '9a08jv.c0izixklcxtmnze7']))).toEqual(['spec.containers.0.command.3 bootstrap-token']);
    expect(found(pod(['kubeadm'], ['token', 'delete', '9a08jv.c0izixklcxtmnze7']))).toEqual(['spec.containers.0.args.2 bootstrap-token']);
    expect(found(pod(['/bin/join.sh'], ['--bootstrap-token-file=/dev/null', 'abcdef.0123456789abcdef']))).toEqual([
      'spec.containers.0.args.1 bootstrap-token',
    ]);
  });

  it("is left alone where nothing names kubeadm or a bootstrap token: a host's name has its shape", () => {
    expect(found(pod(['nslookup'], ['abcdef.0123456789abcdef']))).toEqual([]);
    expect(found(pod(['kubeadm', 'version'], ['abcdef.0123456789']))).toEqual([]);
  });
});

describe("a stage's secrets.allow, after the screen", () => {
  const key = SECRET_SAMPLES['google-api-key']!;
  const qa = (allow: boolean) =>
    (allow ? 'secrets:\n  allow:\n    - { path: apps.demoapp.config.MAPS_KEY, reason: "a browser key, public by design" }\n' : '') +
    repoStage('qa')
      .replace(/^promotion:.*$/m, '# (promotion: left out)')
      .replace('      APP_ENVIRONMENT: qa\n', `      APP_ENVIRONMENT: qa\n      MAPS_KEY: ${key}\n`);
  const problems = (stages: [string, boolean][]) => {
    try {
      const { allowedSecrets } = compileStages(
        stages.map(([stage, allow]) => ({ stage, file: `environments/${stage}.yaml`, text: qa(allow) })),
      );
      return [...allowedSecrets.entries()].map(([stage, lines]) => `${stage}: ${lines.length} allowed`);
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      return e.problems.map((p) => formatProblem(p).split(' (a ')[0]!);
    }
  };

  it('excuses the value in the stage that allows it only, whichever stage is compiled first, in one run or in two', () => {
    const refused = 'apps.demoapp.config.MAPS_KEY holds a Google API key';
    for (const order of [
      [
        ['a', true],
        ['b', false],
      ],
      [
        ['b', false],
        ['a', true],
      ],
    ] as [string, boolean][][]) {
      expect(problems(order)).toEqual([expect.stringMatching(new RegExp(`^environments/b\\.yaml:\\d+:\\d+: ${refused}`))]);
      for (const stage of order)
        expect(problems([stage])).toEqual(stage[1] ? [`${stage[0]}: 1 allowed`] : [expect.stringContaining(refused)]);
    }
  });
});
