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
      'data.MAPS_KEY: a browser key restricted to our domain, public by design\ndata.TOKEN_GITHUB: a token of the public demo account\n',
    );
    const { findings, exceptions } = checkSecretContent(o);
    expect(findings.map((f) => `${fieldPath(f.path)}: ${f.code}`)).toEqual(['data.DB_PASSWORD: secrets/key-name']);
    expect(exceptionLines(exceptions)).toEqual([
      'exception: ConfigMap default/web: secrets (data.MAPS_KEY: a Google API key): a browser key restricted to our domain, public by design',
      'exception: ConfigMap default/web: secrets (data.TOKEN_GITHUB: a value under a secret-looking name): a token of the public demo account',
    ]);
  });

  it('refuses an entry that excuses nothing, a line that is no entry and a field named twice, at the annotation', () => {
    const o = configMap({ LOG_LEVEL: 'info' }, 'data.LOG_LEVEL: looked secret once\ndata.NOPE\n\ndata.LOG_LEVEL: again\n');
    expect(found(o)).toEqual([
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unknown: line 2 is not '<field>: <reason>': each line excuses one field, with the reason it is not secret`,
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unknown: line 4 excuses data.LOG_LEVEL a second time`,
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unused: excuses data.LOG_LEVEL, which holds no value that looks secret (or is no field of the ConfigMap): the exception excuses nothing`,
    ]);
  });

  it('reads its reasons as text, not as settings, and still refuses a secret pasted in one', () => {
    expect(found(configMap({ API_TOKEN: 'x9Kq2LmP7vRt4WzY' }, 'data.API_TOKEN: public token of the maps demo'))).toEqual([]);
    expect(found(configMap({ API_TOKEN: 'x9Kq2LmP7vRt4WzY' }, `data.API_TOKEN: public, like ${MAPS_KEY}`))).toEqual([
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/value: holds a Google API key (a 52-character value, hidden); secret values must not be in manifests, which are committed`,
    ]);
  });

  it('never excuses a secret pasted as a key', () => {
    const token = SECRET_SAMPLES['github-token']!;
    expect(
      found(configMap({ [token]: 'x' }, `data: a key, not a value\ndata.${token}: a key`)).map((f) => f.split(': ').slice(0, 2).join(': ')),
    ).toEqual([
      'data: secrets/value',
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unused`,
      `metadata.annotations.${SECRET_ALLOW_ANNOTATION}: secrets/allow-unused`,
    ]);
  });

  it('is what the hint of manifests checked on their own offers, with the field, besides a Secret made in the cluster', () => {
    const [f] = checkObjects([configMap({ MAPS_KEY })]).findings.filter((x) => x.code === 'secrets/value');
    expect(f!.hint).toBe(
      'keep it in a Secret made in the cluster another way (kubectl create secret, Sealed Secrets, an ExternalSecret) and read it with secretKeyRef ' +
        '(declared for the checks on its Namespace: stagecraft.dev/required-secrets: <name>=<key>); if it is not secret (a public certificate, a known-public token), ' +
        `excuse it on the object: annotation ${SECRET_ALLOW_ANNOTATION}: "data.MAPS_KEY: <reason>"`,
    );
    expect(formatProblem(toProblem(f!))).not.toContain('secrets.allow in the stage file');
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
      `excuse it on the object, in its included file: annotation ${SECRET_ALLOW_ANNOTATION}: "data.MAPS_KEY: <reason>"`,
    );
    expect(problems[0]).not.toContain(MAPS_KEY);
  });

  it('is excused by the annotation, and the exception is listed with the stage', () => {
    const { checks } = compile('data.MAPS_KEY: a browser key restricted to our domain');
    expect(exceptionLines(checks.get('x')!.exceptions)).toEqual([
      'exception: ConfigMap x/web: secrets (data.MAPS_KEY: a Google API key): a browser key restricted to our domain',
    ]);
  });
});
