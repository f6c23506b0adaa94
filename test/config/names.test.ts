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

  it("keeps the did-you-mean alone for a key near one of the app's own settings", () => {
    expect(problems(serviceStage(['image: team/api:1.0', 'port: 80']))).toEqual([
      "environments/x.yaml:5:5: apps.api.port is not a known setting; did you mean 'ports'?",
    ]);
  });
});
