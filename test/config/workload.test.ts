import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { resourcesProblems } from '../../lib/config/workload.js';
import { ExitCode, type ProblemsError, formatProblem } from '../../lib/errors.js';

const loader = new StageLoader(STACKS);

describe('resources: cpu and memory quantities off by their unit, and requests above limits', () => {
  it('are warnings at the quantity, relative to the app, with what was probably meant; a request above its limit an error', () => {
    expect(
      resourcesProblems({ requests: { cpu: '500', memory: '512m' }, limits: { cpu: '2', memory: '512' } }, ['database', 'resources']),
    ).toEqual([
      {
        code: 'api/requests-above-limits',
        path: ['database', 'resources', 'requests', 'cpu'],
        message: 'is 500, above its limit 2 (the API server refuses the container)',
        hint: 'raise the limit or lower the request: a cpu request may not exceed its limit',
      },
      {
        code: 'quantity/cpu-large',
        severity: 'warning',
        path: ['database', 'resources', 'requests', 'cpu'],
        message: 'is 500, 500 CPU cores (no node is likely to have 64 or more); did you mean 500m?',
        hint: 'cpu without a suffix counts whole cores: write m for thousandths of a core (500m is half a core)',
      },
      {
        code: 'quantity/memory-milli',
        severity: 'warning',
        path: ['database', 'resources', 'requests', 'memory'],
        message: 'is 512m, 0.512 bytes (the suffix m means thousandths, not mebibytes); did you mean 512Mi?',
        hint: 'write memory in Mi or Gi (mebibytes, gibibytes): the API server takes m, but no container runs in a fraction of a byte',
      },
      {
        code: 'quantity/memory-small',
        severity: 'warning',
        path: ['database', 'resources', 'limits', 'memory'],
        message: 'is 512, 512 bytes (no container runs in less than 4Mi); did you mean 512Mi?',
        hint: 'memory without a suffix counts bytes: write Mi or Gi (mebibytes, gibibytes)',
      },
    ]);
    expect(resourcesProblems(undefined, ['resources'])).toEqual([]);
    expect(resourcesProblems({ requests: { cpu: '250m', memory: '512Mi' } }, ['resources'])).toEqual([]);
  });

  it("load the stage, with the warnings placed at the stage file's line and column, for demoapp's app and database and for the service stack", () => {
    const stage = loader.load(
      [
        'apps:',
        '  demoapp:',
        '    image: demoapp:1',
        '    replicas: 1',
        '    resources: { requests: { memory: 512m } }',
        '    database:',
        '      storage: 1Gi',
        '      resources: { limits: { cpu: "500" } }',
        '      backup: { schedule: "0 2 * * *", storage: 1Gi }',
        '  api:',
        '    stack: service',
        '    image: team/api:1',
        '    resources:',
        '      limits: { memory: "512" }',
        '',
      ].join('\n'),
      'environments/qa.yaml',
    );
    // in the file's order, whatever order the apps load in (by name: api first)
    expect(stage.warnings.map(formatProblem)).toEqual([
      'environments/qa.yaml:5:38: warning: apps.demoapp.resources.requests.memory is 512m, 0.512 bytes (the suffix m means thousandths, not mebibytes); did you mean 512Mi?\n' +
        '  hint: write memory in Mi or Gi (mebibytes, gibibytes): the API server takes m, but no container runs in a fraction of a byte',
      'environments/qa.yaml:8:35: warning: apps.demoapp.database.resources.limits.cpu is 500, 500 CPU cores (no node is likely to have 64 or more); did you mean 500m?\n' +
        '  hint: cpu without a suffix counts whole cores: write m for thousandths of a core (500m is half a core)',
      'environments/qa.yaml:14:25: warning: apps.api.resources.limits.memory is 512, 512 bytes (no container runs in less than 4Mi); did you mean 512Mi?\n' +
        '  hint: memory without a suffix counts bytes: write Mi or Gi (mebibytes, gibibytes)',
    ]);
  });

  it("are reported with the refine step's errors when there are some, and stop nothing themselves", () => {
    try {
      loader.load(
        'apps:\n  api:\n    stack: service\n    image: a:1\n    blueGreen: { live: blue, blue: a:1, green: a:1 }\n    resources: { limits: { memory: "64" } }\n',
        'environments/qa.yaml',
      );
      expect.unreachable();
    } catch (e) {
      expect((e as ProblemsError).problems.map((p) => [p.code, p.severity ?? 'error', p.location?.line])).toEqual([
        ['config/conflict', 'error', 4],
        ['quantity/memory-small', 'warning', 6],
      ]);
    }
  });
  it("refuse a request above its limit at the request's line and column (exit 2), for each stack that has resources", () => {
    try {
      loader.load(
        [
          'apps:',
          '  api:',
          '    stack: service',
          '    image: team/api:1',
          '    resources: { requests: { cpu: "2", memory: 512Mi }, limits: { cpu: 500m, memory: 1Gi } }',
          '  nightly:',
          '    stack: cron',
          '    image: team/job:1',
          '    schedule: "0 3 * * *"',
          '    resources:',
          '      requests: { memory: 2Gi }',
          '      limits: { memory: 1Gi }',
          '',
        ].join('\n'),
        'environments/qa.yaml',
      );
      expect.unreachable();
    } catch (e) {
      expect((e as ProblemsError).problems.map(formatProblem)).toEqual([
        'environments/qa.yaml:5:35: apps.api.resources.requests.cpu is 2, above its limit 500m (the API server refuses the container)\n' +
          '  hint: raise the limit or lower the request: a cpu request may not exceed its limit',
        'environments/qa.yaml:11:27: apps.nightly.resources.requests.memory is 2Gi, above its limit 1Gi (the API server refuses the container)\n' +
          '  hint: raise the limit or lower the request: a memory request may not exceed its limit',
      ]);
      expect((e as ProblemsError).exitCode).toBe(ExitCode.badInput);
    }
  });
});
