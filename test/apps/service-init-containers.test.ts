import { describe, expect, it } from 'vitest';
import { checkErrors, find, problems, render, serviceStage, warnings } from '../helpers/stage.js';

const MIGRATE = 'initContainers: [{ name: migrate, command: [./manage, migrate], args: [--noinput] }]';

describe('the init containers of a service', () => {
  it("run the app's own image of each color, with the app container's environment, resources, mounts and security context", () => {
    const objects = render(
      serviceStage([
        'blueGreen: { live: blue, blue: team/api:1, green: team/api:2 }',
        MIGRATE,
        'secrets: { api-db: { DB_PASSWORD: password } }',
        'envFrom: { configMaps: [app-settings] }',
        'resources: { requests: { cpu: 100m } }',
      ]),
    );
    for (const [color, image] of [
      ['blue', 'team/api:1'],
      ['green', 'team/api:2'],
    ]) {
      const spec = find(objects, 'Deployment', `api-${color}`).spec.template.spec;
      const [app] = spec.containers;
      expect(spec.initContainers).toEqual([
        {
          name: 'migrate',
          image,
          command: ['./manage', 'migrate'],
          args: ['--noinput'],
          env: app.env,
          envFrom: app.envFrom,
          resources: app.resources,
          imagePullPolicy: app.imagePullPolicy,
          securityContext: app.securityContext,
          volumeMounts: app.volumeMounts,
        },
      ]);
    }
  });

  it('run another image when the stage names one', () => {
    const text = serviceStage(['image: team/api:1', 'initContainers: [{ name: wait, image: busybox:1.36, command: [sh, -c, "true"] }]']);
    expect(find(render(text), 'Deployment').spec.template.spec.initContainers[0].image).toBe('busybox:1.36');
  });

  it("refuse two of one name, and one named as the app container, at the name's place", () => {
    expect(
      problems(serviceStage(['image: team/api:1', 'initContainers: [{ name: migrate, command: [a] }, { name: migrate, command: [b] }]'])),
    ).toEqual([
      'environments/x.yaml:5:63: apps.api.initContainers[1].name is migrate, as initContainers[0].name is: the containers of a pod, init ones included, each have a name of their own\n' +
        '  hint: give each step a name of its own',
    ]);
    expect(problems(serviceStage(['image: team/api:1', 'initContainers: [{ name: api, command: [a] }]']))).toEqual([
      'environments/x.yaml:5:30: apps.api.initContainers[0].name is api, as the app container (named after the app) is: the containers of a pod, init ones included, each have a name of their own\n' +
        '  hint: give each step a name of its own',
    ]);
  });

  it('read a ConfigMap the stage lacks with the app container, in each color: one problem at the setting, naming every place that uses it', () => {
    expect(
      checkErrors(
        serviceStage([
          'blueGreen: { live: blue, blue: team/api:1, green: team/api:2 }',
          MIGRATE,
          'configMaps: { app-settings: { MODE: mode } }',
          'envFrom: { configMaps: [app-env] }',
        ]),
      ),
    ).toEqual([
      "environments/x.yaml:6:41: apps.api.configMaps.app-settings.MODE: container 'api' env MODE uses ConfigMap 'app-settings', but the ConfigMaps in namespace 'x' are: none; " +
        'used by Deployment x/api-blue (containers api and migrate) and Deployment x/api-green (containers api and migrate)\n' +
        '  hint: fix the name, or add the ConfigMap to the stage',
      "environments/x.yaml:7:29: apps.api.envFrom.configMaps[0]: container 'api' envFrom uses ConfigMap 'app-env', but the ConfigMaps in namespace 'x' are: none; " +
        'used by Deployment x/api-blue (containers api and migrate) and Deployment x/api-green (containers api and migrate)\n' +
        '  hint: fix the name, or add the ConfigMap to the stage',
    ]);
  });

  it("are a warning at an image of the app's own repository, which npm run promote leaves behind, in a service and a cron job", () => {
    const hint = "  hint: leave image out: the step then runs the app's own image (each blue/green color's), promoted with it";
    expect(
      warnings(
        serviceStage([
          'image: team/api:1.4.2',
          'initContainers: [{ name: migrate, image: docker.io/team/api:1.3.0, command: [a] }, { name: seed, image: team/api:1.4.2, command: [b] }, { name: wait, image: busybox:1.36, command: [c] }]',
        ]),
      ),
    ).toEqual([
      "environments/x.yaml:5:46: warning: apps.api.initContainers[0].image is docker.io/team/api:1.3.0, of the app's own repository (the app runs team/api:1.4.2): npm run promote moves the app's image, not this one, so the step stays at another release than the app\n" +
        hint,
      "environments/x.yaml:5:109: warning: apps.api.initContainers[1].image is team/api:1.4.2, of the app's own repository (the app runs team/api:1.4.2): npm run promote moves the app's image, not this one, so the step would stay at this release when the app moves on\n" +
        hint,
    ]);
    expect(
      warnings(
        [
          'apps:',
          '  report:',
          '    stack: cron',
          '    schedule: "0 3 * * *"',
          '    image: team/report:2',
          '    initContainers: [{ name: prepare, image: team/report:1, command: [a] }]',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      "environments/x.yaml:6:46: warning: apps.report.initContainers[0].image is team/report:1, of the app's own repository (the app runs team/report:2): npm run promote moves the app's image, not this one, so the step stays at another release than the app\n" +
        hint,
    ]);
  });
});
