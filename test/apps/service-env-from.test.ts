import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { REQUIRED_SECRETS_ANNOTATION } from '../../lib/required-secrets.js';
import { checkErrors, find, problems, render, serviceStage } from '../helpers/stage.js';

const IMAGE = 'image: team/api:1.4.2';
const ENV_FROM = 'envFrom: { secrets: { api-env: [API_TOKEN, SENTRY_DSN] }, configMaps: [app-settings] }';
/** A manifests app with the ConfigMap app-settings, for the reference checks. */
const SETTINGS_APP = '  cfg: { stack: manifests, include: [cfg.yaml] }\n';
const readSettings = (path: string) =>
  new Map(path === 'cfg.yaml' ? [[path, 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app-settings }\ndata: { MODE: a }\n']] : []);

describe('the environments a service reads whole (envFrom)', () => {
  it("are the container's envFrom: the config: ConfigMap first, then the ConfigMaps, then the Secrets", () => {
    const objects = render(serviceStage([IMAGE, ENV_FROM, 'config: { env: { FEATURE_X: "on" } }']));
    const [container] = find(objects, 'Deployment', 'api').spec.template.spec.containers;
    const configEnv = find(objects, 'ConfigMap').metadata.name;
    expect(container.envFrom).toEqual([
      { configMapRef: { name: configEnv } },
      { configMapRef: { name: 'app-settings' } },
      { secretRef: { name: 'api-env' } },
    ]);
  });

  it('declare the Secret by name and keys: npm run secrets makes it, and the Namespace lists it as required', () => {
    const text = serviceStage([IMAGE, 'envFrom: { secrets: { api-env: [SENTRY_DSN, API_TOKEN] } }', 'secrets: { api-env: { DB: db } }']);
    expect(new StageLoader(STACKS).load(text, 'environments/x.yaml').secrets).toContainEqual({
      name: 'api-env',
      keys: ['API_TOKEN', 'SENTRY_DSN'],
      path: ['envFrom', 'secrets', 'api-env'],
    });
    expect(find(render(text), 'Namespace').metadata.annotations).toEqual({
      [REQUIRED_SECRETS_ANNOTATION]: 'api-env=API_TOKEN,SENTRY_DSN,db',
    });
  });

  it('pass the checks with a ConfigMap the stage has, and refuse one it lacks at its entry', () => {
    expect(checkErrors(`${serviceStage([IMAGE, ENV_FROM])}${SETTINGS_APP}`, readSettings)).toEqual([]);
    expect(checkErrors(serviceStage([IMAGE, 'envFrom: { configMaps: [app-settings, other] }']))).toEqual([
      "environments/x.yaml:5:29: apps.api.envFrom.configMaps[0]: Deployment x/api: container 'api' envFrom uses ConfigMap 'app-settings', but the ConfigMaps in namespace 'x' are: none\n" +
        '  hint: fix the name, or add the ConfigMap to the stage',
      "environments/x.yaml:5:43: apps.api.envFrom.configMaps[1]: Deployment x/api: container 'api' envFrom uses ConfigMap 'other', but the ConfigMaps in namespace 'x' are: none\n" +
        '  hint: fix the name, or add the ConfigMap to the stage',
    ]);
  });

  it('refuse a ConfigMap the stage lacks once, at its first setting, listing the variables, envFrom entries and containers that use it', () => {
    expect(
      checkErrors(
        serviceStage([
          IMAGE,
          'initContainers: [{ name: migrate, command: [./manage, migrate] }]',
          'configMaps: { settings: { MODE: mode, LEVEL: level } }',
          'envFrom: { configMaps: [settings] }',
        ]),
      ),
    ).toEqual([
      "environments/x.yaml:6:37: apps.api.configMaps.settings.MODE: container 'api' env MODE uses ConfigMap 'settings', but the ConfigMaps in namespace 'x' are: none; " +
        'used by configMaps.settings.MODE, configMaps.settings.LEVEL and envFrom.configMaps[0], in Deployment x/api (containers api and migrate)\n' +
        '  hint: fix the name, or add the ConfigMap to the stage',
    ]);
  });

  it('refuse a Secret key that is no variable name (the kubelet would skip it), at its place', () => {
    expect(problems(serviceStage([IMAGE, 'envFrom: { secrets: { api-env: [api.token] } }']))).toEqual([
      `environments/x.yaml:5:37: apps.api.envFrom.secrets.api-env[0] must be a key that is an environment variable name (letters, digits and '_', not starting with a digit) (found "api.token")`,
    ]);
  });

  it('refuse a variable name of env, secrets: and a sidecar, at its key, saying what a name is (it said the pattern, ^[A-Za-z_][A-Za-z0-9_]*$)', () => {
    const name = "it must be an environment variable name (letters, digits and '_', not starting with a digit)";
    expect(
      problems(
        serviceStage([
          IMAGE,
          'env: { LOG-LEVEL: debug }',
          'secrets: { api-db: { 1PASSWORD: password } }',
          'sidecars: [{ name: proxy, image: envoyproxy/envoy:v1.27.0, env: { "": x } }]',
        ]),
      ),
    ).toEqual([
      `environments/x.yaml:5:12: apps.api.env: 'LOG-LEVEL' is not a valid name; ${name}`,
      `environments/x.yaml:6:26: apps.api.secrets.api-db: '1PASSWORD' is not a valid name; ${name}`,
      `environments/x.yaml:7:71: apps.api.sidecars[0].env: '' is not a valid name; ${name}`,
    ]);
  });

  it('refuse a variable another setting sets too, at the key: one of the two values would be lost', () => {
    expect(
      problems(
        serviceStage([
          IMAGE,
          'env: { LOG: json }',
          'secrets: { api-db: { DB_USER: username } }',
          'envFrom: { secrets: { api-env: [LOG, TOKEN], other: [DB_USER, TOKEN] } }',
        ]),
      ),
    ).toEqual([
      'environments/x.yaml:7:37: apps.api.envFrom.secrets.api-env[0] gives the variable LOG, which env.LOG sets too: the container would have one of the two values, and lose the other without a word\n' +
        '  hint: set LOG once: remove it here (and from the Secret), or remove env.LOG',
      'environments/x.yaml:7:58: apps.api.envFrom.secrets.other[0] gives the variable DB_USER, which secrets.api-db.DB_USER sets too: the container would have one of the two values, and lose the other without a word\n' +
        '  hint: set DB_USER once: remove it here (and from the Secret), or remove secrets.api-db.DB_USER',
      'environments/x.yaml:7:67: apps.api.envFrom.secrets.other[1] gives the variable TOKEN, which envFrom.secrets.api-env[1] sets too: the container would have one of the two values, and lose the other without a word\n' +
        '  hint: set TOKEN once: remove it here (and from the Secret), or remove envFrom.secrets.api-env[1]',
    ]);
  });

  it('are read by the cron stack too, with its Secrets declared the same way', () => {
    const text = [
      'apps:',
      '  nightly:',
      '    stack: cron',
      '    schedule: "30 2 * * *"',
      '    image: team/report:1',
      '    envFrom: { secrets: { report-env: [TOKEN] }, configMaps: [app-settings] }',
      SETTINGS_APP,
    ].join('\n');
    const cronJob = find(render(text), 'CronJob');
    expect(cronJob.spec.jobTemplate.spec.template.spec.containers[0].envFrom).toEqual([
      { configMapRef: { name: 'app-settings' } },
      { secretRef: { name: 'report-env' } },
    ]);
    expect(find(render(text), 'Namespace').metadata.annotations).toEqual({ [REQUIRED_SECRETS_ANNOTATION]: 'report-env=TOKEN' });
    expect(checkErrors(text, readSettings)).toEqual([]);
    expect(checkErrors(text.replace('configMaps: [app-settings]', 'configMaps: [other]'), readSettings)).toEqual([
      "environments/x.yaml:6:63: apps.nightly.envFrom.configMaps[0]: CronJob x/nightly: container 'nightly' envFrom uses ConfigMap 'other', but the ConfigMaps in namespace 'x' are: app-settings\n" +
        '  hint: fix the name, or add the ConfigMap to the stage',
    ]);
  });
});

describe('an envFrom with nothing in it', () => {
  it('is refused at its line as empty, as is one naming no Secret, rather than read as no setting', () => {
    expect(problems(serviceStage(['image: team/api:1', 'envFrom: {}']))).toEqual([
      'environments/x.yaml:5:14: apps.api.envFrom is empty: it needs at least 1 entry\n  hint: give what it is for, or remove it',
    ]);
    expect(problems(serviceStage(['image: team/api:1', 'envFrom: { secrets: {} }']))).toEqual([
      'environments/x.yaml:5:25: apps.api.envFrom.secrets is empty: it needs at least 1 entry\n  hint: give what it is for, or remove it',
    ]);
  });
});
