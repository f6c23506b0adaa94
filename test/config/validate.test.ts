import { describe, expect, it } from 'vitest';
import { problems, serviceStage } from '../helpers/stage.js';

/** A stage file with one cron app `job`, daily, with one more setting given as a YAML line (line 6). */
const cronStage = (setting: string) =>
  ['apps:', '  job:', '    stack: cron', '    image: team/job:1', '    schedule: "@daily"', `    ${setting}`, ''].join('\n');

describe('a misspelt setting that is required', () => {
  it('is one problem, the unknown key with its did-you-mean, not also the required setting it misses', () => {
    expect(problems(serviceStage(['image: team/api:1.0', 'autoscaling: { minReplicas: 2, maxReplica: 5 }']))).toEqual([
      "environments/x.yaml:5:36: apps.api.autoscaling.maxReplica is not a known setting; did you mean 'maxReplicas'?",
    ]);
  });

  it('still misses the required setting when the unknown key is not near it', () => {
    expect(problems(serviceStage(['image: team/api:1.0', 'autoscaling: { minReplicas: 2, most: 5 }']))).toEqual([
      "environments/x.yaml:5:18: apps.api.autoscaling is missing the required setting 'maxReplicas'",
      'environments/x.yaml:5:36: apps.api.autoscaling.most is not a known setting (known: minReplicas, maxReplicas, cpuUtilization)',
    ]);
  });
});

describe('a list that needs items', () => {
  it('is told, when empty, that it is empty and how many items it needs, not that it must be a list', () => {
    expect(problems(serviceStage(['image: team/api:1.0', 'preStop: []']))).toEqual([
      'environments/x.yaml:5:14: apps.api.preStop is empty: it needs at least 1 item\n  hint: give what it is for, or remove it',
    ]);
  });

  it('is described as a list of at least 1 item when another value stands there', () => {
    expect(problems(serviceStage(['image: team/api:1.0', 'command: ./run']))[0]).toMatch(
      /^environments\/x\.yaml:5:14: apps\.api\.command must be a list of at least 1 item \(found "\.\/run"\)/,
    );
  });
});

describe('nothing where a string goes (`EMPTY:`)', () => {
  it('is told how to write the empty string, when the setting takes it', () => {
    expect(problems(serviceStage(['image: team/api:1.0', 'env: { EMPTY: }']))).toEqual([
      'environments/x.yaml:5:19: apps.api.env.EMPTY must be a string (found nothing)\n  hint: for an empty value, write EMPTY: ""',
    ]);
  });

  it('is told, under a secret\'s name, to write "" for no value (which is accepted, as no secret) or to read the value from a Secret', () => {
    expect(problems(serviceStage(['image: team/api:1.0', 'env: { DB_PASSWORD: }']))).toEqual([
      'environments/x.yaml:5:25: apps.api.env.DB_PASSWORD must be a string (found nothing)\n' +
        '  hint: its name says it holds a secret, whose value never goes in a stage file: for no value, write DB_PASSWORD: "" (an empty value is no secret); ' +
        "for a value, read it from a Secret the app declares (a service app's secrets:), or remove it",
    ]);
    // what the hint says to write is accepted
    expect(problems(serviceStage(['image: team/api:1.0', 'env: { DB_PASSWORD: "" }']))).toEqual([]);
  });

  it('is told no empty string when the setting takes none', () => {
    expect(problems(serviceStage(['image:']))).toEqual([
      expect.stringMatching(/^environments\/x\.yaml:4:11: apps\.api\.image must be .* \(found nothing\)$/),
    ]);
  });
});

describe('a word for true or false where true or false goes', () => {
  it('is told the value meant, for the YAML 1.1 words and a quoted true or false', () => {
    const text = cronStage('suspend: yes');
    expect(problems(text)).toEqual([
      'environments/x.yaml:6:14: apps.job.suspend must be true or false (found "yes")\n' +
        '  hint: write suspend: true (YAML 1.2, which stagecraft reads, takes yes for a string)',
    ]);
    expect(problems(text.replace('suspend: yes', 'suspend: "false"'))).toEqual([
      'environments/x.yaml:6:14: apps.job.suspend must be true or false (found "false")\n' +
        '  hint: write suspend: false (without quotes: quoted, it is a string)',
    ]);
  });

  it('is told the value meant under a name that looks secret too, and shown the switch written, which is no secret', () => {
    expect(problems(serviceStage(['image: team/api:1.0', 'automountServiceAccountToken: yes']))).toEqual([
      'environments/x.yaml:5:35: apps.api.automountServiceAccountToken must be true or false (found "yes")\n' +
        '  hint: write automountServiceAccountToken: true (YAML 1.2, which stagecraft reads, takes yes for a string)',
    ]);
  });

  it('is told no value meant for any other word', () => {
    const text = cronStage('suspend: sure');
    expect(problems(text)).toEqual(['environments/x.yaml:6:14: apps.job.suspend must be true or false (found "sure")']);
  });
});

describe('a quoted number where a number goes', () => {
  it('is told to drop the quotes', () => {
    const text = cronStage('successfulJobsHistoryLimit: "3"');
    expect(problems(text)).toEqual([
      'environments/x.yaml:6:33: apps.job.successfulJobsHistoryLimit must be an integer from 0 to 2147483647 (found "3")\n' +
        '  hint: write successfulJobsHistoryLimit: 3 (without quotes: quoted, it is a string)',
    ]);
  });

  it('is told nothing when the number, unquoted, would be refused too (replicas: "-1")', () => {
    expect(problems(serviceStage(['image: team/api:1.0', 'replicas: "-1"']))).toEqual([
      'environments/x.yaml:5:15: apps.api.replicas must be an integer from 0 to 2147483647 (found "-1")',
    ]);
  });

  it('is told nothing when the quoted value is no number of the kind the setting takes', () => {
    const text = cronStage('successfulJobsHistoryLimit: "3.5"');
    expect(problems(text)).toEqual([
      'environments/x.yaml:6:33: apps.job.successfulJobsHistoryLimit must be an integer from 0 to 2147483647 (found "3.5")',
    ]);
  });
});

describe('an unquoted number where a quantity goes', () => {
  it('offers the quantity meant, not the quoted number, when that would be a careless amount (cpu: 500, memory: 128)', () => {
    expect(problems(serviceStage(['image: team/api:1', 'resources: { requests: { cpu: 500, memory: 128 }, limits: { cpu: 2 } }']))).toEqual(
      [
        'environments/x.yaml:5:35: apps.api.resources.requests.cpu must be a Kubernetes quantity such as 250m, 512Mi or 2Gi (found 500)\n' +
          '  hint: write cpu: 500m (quoted as it is, "500" is 500 CPU cores: no node is likely to have 64 or more)',
        'environments/x.yaml:5:48: apps.api.resources.requests.memory must be a Kubernetes quantity such as 250m, 512Mi or 2Gi (found 128)\n' +
          '  hint: write memory: 128Mi (quoted as it is, "128" is 128 bytes: no container runs in less than 4Mi)',
        // two cores is a likely amount: quoting it is the fix
        'environments/x.yaml:5:70: apps.api.resources.limits.cpu must be a Kubernetes quantity such as 250m, 512Mi or 2Gi (found 2)\n' +
          '  hint: quote it: cpu: "2"',
      ],
    );
  });

  it("quotes a number of a setting named cpu or memory that is no quantity: an environment variable or a config entry, in the app's own unit", () => {
    const text = serviceStage(['image: team/api:1', 'env: { memory: 128, cpu: 500 }', 'config: { env: { memory: 512 } }']);
    expect(problems(text).map((p) => p.split('\n')[1])).toEqual([
      '  hint: quote it: memory: "128"',
      '  hint: quote it: cpu: "500"',
      '  hint: quote it: memory: "512"',
    ]);
  });
});
