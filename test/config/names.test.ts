import { describe, expect, it } from 'vitest';
import { problems, serviceStage } from '../helpers/stage.js';

describe('a setting of another stack under an app (otherStackSetting)', () => {
  it('names the stack that takes it, for an instance of a stack and for an app named after one', () => {
    const text = [
      ...serviceStage(['image: team/api:1.0', 'schedule: "@daily"']).trimEnd().split('\n'),
      '  nginx:',
      '    replicas: 1',
      '    schedule: "@daily"',
      '',
    ].join('\n');
    expect(problems(text).map((p) => p.split('\n')[1])).toEqual([
      "  hint: 'schedule' is a setting of the 'cron' stack, not of 'service': what it makes is an app of its own, another key under apps: with stack: cron",
      "  hint: 'schedule' is a setting of the 'cron' stack, not of 'nginx': what it makes is an app of its own, another key under apps: with stack: cron",
    ]);
  });

  it('names every stack that takes it', () => {
    const text = [
      'apps:',
      '  job:',
      '    stack: cron',
      '    schedule: "@daily"',
      '    image: team/job:1',
      '    ingress: { host: a.example.com }',
      '',
    ].join('\n');
    expect(problems(text)[0].split('\n')[1]).toBe(
      "  hint: 'ingress' is a setting of the 'demoapp', 'service' stacks, not of 'cron': what they make is an app of its own, another key under apps: with stack: demoapp or stack: service",
    );
  });

  it("says the app's own nested setting rather than another stack's: host on a service app, schedule on a demoapp", () => {
    const text = [
      ...serviceStage(['image: team/api:1.0', 'host: api.example.com']).trimEnd().split('\n'),
      '  demoapp:',
      '    image: demoapp:1',
      '    schedule: "@daily"',
      '  control-plane:',
      '    image: k8s.gcr.io/etcd:3.4.3-0',
      '',
    ].join('\n');
    const unknown = problems(text).filter((p) => p.includes('is not a known setting'));
    expect(unknown.map((p) => p.split('\n')[1])).toEqual([
      "  hint: 'service' takes 'host' under another setting: did you mean ingress.host?",
      "  hint: 'demoapp' takes 'schedule' under another setting: did you mean database.backup.schedule?",
      "  hint: 'control-plane' takes 'image' under another setting: did you mean etcd.image or apiServer.image?",
    ]);
  });

  it('names no other stack when more than two take the key: image on a manifests app', () => {
    const text = ['apps:', '  web:', '    stack: manifests', '    include: [web.yaml]', '    image: nginx:1.25', ''].join('\n');
    expect(problems(text)).toEqual(['environments/x.yaml:5:5: apps.web.image is not a known setting (known: include, version, secrets)']);
  });

  it("keeps the did-you-mean alone for a key near one of the app's own settings", () => {
    expect(problems(serviceStage(['image: team/api:1.0', 'port: 80']))).toEqual([
      "environments/x.yaml:5:5: apps.api.port is not a known setting; did you mean 'ports'?",
    ]);
  });
});
