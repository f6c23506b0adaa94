import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { compileStages } from '../../lib/compile.js';
import { StageLoader } from '../../lib/config/load.js';
import { formatProblem } from '../../lib/errors.js';
import { planPromotion } from '../../lib/promotion.js';
import { REPO, runCli, snapshotDir, tempProject, writeTree } from '../helpers/cli.js';
import { problemsThrownBy } from '../helpers/problems.js';
import { find, problems, render, type Obj } from '../helpers/stage.js';

const FIXTURE = 'test/fixtures/stages/batch-jobs.yaml';
const text = readFileSync(join(REPO, FIXTURE), 'utf8');
const loader = new StageLoader(STACKS);

/** A stage file with one cron app `name`, its settings given as YAML lines (indented under the app). */
const cronStage = (settings: readonly string[], name = 'report', head = '') =>
  [`${head}apps:`, `  ${name}:`, '    stack: cron', ...settings.map((l) => `    ${l}`), ''].join('\n');
const nightly = ['schedule: "0 3 * * *"', 'image: team/report:1'];
const podSpec = (o: Obj) => o.spec.jobTemplate.spec.template.spec;

describe('the cron stack', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('renders the fixture at restricted Pod Security with no finding, for the strict referee and kubectl kustomize', () => {
    const compiled = compileStages([{ stage: 'batch-jobs', file: FIXTURE, text }]);
    expect(compiled.checks.get('batch-jobs')!.findings).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-cron-'));
    dirs.push(dir);
    writeTree(join(dir, 'dist'), compiled.tree);
    const referee = spawnSync(join(REPO, '..', 'shared', 'bin', 'k8s-strict-check'), [join(dir, 'dist')], { encoding: 'utf8' });
    expect(referee.stdout + referee.stderr).toMatch(/ 0 invalid, 0 unknown kinds/);
    expect(referee.status).toBe(0);
    const kustomize = spawnSync('kubectl', ['kustomize', join(dir, 'dist', 'batch-jobs')], { encoding: 'utf8' });
    expect(kustomize.error, 'kubectl must be on the PATH').toBeUndefined();
    expect(kustomize.stderr).toBe('');
    expect(kustomize.status).toBe(0);
    expect(kustomize.stdout).toContain('kind: CronJob');
  });

  it('writes a CronJob named after the app with the settings of the stage file', () => {
    const report = find(render(text), 'CronJob', 'nightly-report');
    expect(report.spec).toMatchObject({
      schedule: '30 4 * * *',
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 5,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 } },
    });
    expect(report.metadata.labels).toMatchObject({ 'app.kubernetes.io/version': '1.4.2' });
    const pod = podSpec(report);
    expect(pod).toMatchObject({ restartPolicy: 'OnFailure', automountServiceAccountToken: false, imagePullSecrets: [{ name: 'regcred' }] });
    const [c] = pod.containers;
    expect(c).toMatchObject({ name: 'nightly-report', image: 'registry.example.com/team/report:1.4.2', command: ['/app/report'] });
    expect(c.args).toEqual(['--since=24h', '--format=pdf']);
    expect(c.env).toEqual([
      { name: 'LOG_FORMAT', value: 'json' },
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'report-db', key: 'username' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'report-db', key: 'password' } } },
    ]);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    const cleanup = find(render(text), 'CronJob', 'cleanup');
    expect(cleanup.spec).toMatchObject({ concurrencyPolicy: 'Replace', suspend: true });
    expect(podSpec(cleanup).restartPolicy).toBe('Never');
  });

  it('defaults to runs that never overlap, pods that restart OnFailure and the history Kubernetes keeps, leaving the rest to Kubernetes', () => {
    const cronJob = find(render(cronStage(nightly)), 'CronJob', 'report');
    expect(cronJob.spec).toEqual({
      schedule: '0 3 * * *',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { spec: { template: expect.anything() } },
    });
    expect(podSpec(cronJob).restartPolicy).toBe('OnFailure');
  });

  it('runs restricted with a writable /tmp, and relaxes only what the stage declares, saying so on the CronJob', () => {
    const restricted = podSpec(find(render(cronStage(nightly)), 'CronJob'));
    expect(restricted.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(restricted.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    const relaxed = find(
      render(
        cronStage([...nightly, 'security:', '  writableRootFilesystem: true', '  exceptions: { run-as-root: the tool writes to /root }']),
      ),
      'CronJob',
    );
    expect(relaxed.metadata.annotations).toEqual({ 'policy.stagecraft.dev/run-as-root': 'the tool writes to /root' });
    const c = podSpec(relaxed).containers[0];
    expect(c.securityContext.runAsNonRoot).toBeUndefined();
    expect(c.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(c.volumeMounts).toBeUndefined();
  });

  it('reads environment variables from keys of ConfigMaps and declares the Secrets it reads', () => {
    const stage = cronStage([
      ...nightly,
      'secrets: { report-db: { DB_USER: username } }',
      'configMaps: { report-settings: { TO: recipients } }',
    ]);
    expect(podSpec(find(render(stage), 'CronJob')).containers[0].env).toEqual([
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'report-db', key: 'username' } } },
      { name: 'TO', valueFrom: { configMapKeyRef: { name: 'report-settings', key: 'recipients' } } },
    ]);
    expect(loader.load(stage, 'environments/x.yaml').secrets).toEqual([
      { name: 'report-db', keys: ['username'], path: ['secrets', 'report-db'] },
    ]);
  });

  it('refuses a schedule or a time zone the API server would refuse, at its place, with the way out', () => {
    const hint =
      '  hint: write five fields, minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or JAN-DEC) day-of-week (0-6 or SUN-SAT), e.g. "30 2 * * *", or a macro such as @daily';
    expect(problems(cronStage(['schedule: "0 25 * * *"', 'image: a:1']))).toEqual([
      `environments/x.yaml:4:15: apps.report.schedule is not a schedule the API server reads: end of range (25) above maximum (23): 25\n${hint}`,
    ]);
    expect(problems(cronStage(['schedule: "* * * * 7"', 'image: a:1']))).toEqual([
      `environments/x.yaml:4:15: apps.report.schedule is not a schedule the API server reads: end of range (7) above maximum (6): 7\n${hint}`,
    ]);
    expect(problems(cronStage(['schedule: "TZ=Europe/Berlin 0 3 * * *"', 'image: a:1']))).toEqual([
      'environments/x.yaml:4:15: apps.report.schedule names a time zone (TZ= or CRON_TZ=): the zone of a CronJob is its timeZone\n' +
        '  hint: remove the prefix and set timeZone: Europe/Berlin',
    ]);
    const zoneHint =
      '  hint: name a zone of the IANA time zone database, e.g. Europe/Berlin or Etc/UTC, or leave timeZone out for the time zone of kube-controller-manager';
    expect(problems(cronStage(['schedule: "@daily"', 'timeZone: Europe/Berlinn', 'image: a:1']))).toEqual([
      `environments/x.yaml:5:15: apps.report.timeZone is not a zone of the IANA time zone database\n${zoneHint}`,
    ]);
    expect(problems(cronStage(['schedule: "@daily"', 'timeZone: Local', 'image: a:1']))).toEqual([
      `environments/x.yaml:5:15: apps.report.timeZone names no zone, only the one kube-controller-manager runs in\n${zoneHint}`,
    ]);
  });

  it('refuses policies Kubernetes does not take for a Job, at their place', () => {
    expect(problems(cronStage([...nightly, 'restartPolicy: Always']))).toEqual([
      `environments/x.yaml:6:20: apps.report.restartPolicy must be 'OnFailure' or 'Never': a Job's pods run until they end, and the API server refuses Always (found "Always")`,
    ]);
    expect(problems(cronStage([...nightly, 'concurrencyPolicy: forbid']))).toEqual([
      `environments/x.yaml:6:24: apps.report.concurrencyPolicy must be one of 'Forbid', 'Allow', 'Replace' (found "forbid"); did you mean 'Forbid'?`,
    ]);
    expect(problems(cronStage([...nightly, 'activeDeadlineSeconds: 0']))).toEqual([
      'environments/x.yaml:6:28: apps.report.activeDeadlineSeconds must be an integer from 1 to 2147483647 (found 0)',
    ]);
    expect(problems(cronStage(['image: a:1']))).toEqual([
      "environments/x.yaml:3:5: apps.report is missing the required setting 'schedule'",
    ]);
  });

  it('warns of a starting deadline the controller may pass unseen and of careless units, and loads', () => {
    const loaded = loader.load(
      cronStage([...nightly, 'startingDeadlineSeconds: 5', 'resources: { limits: { memory: 512m } }']),
      'environments/x.yaml',
    );
    expect(loaded.warnings.map(formatProblem)).toEqual([
      'environments/x.yaml:6:30: warning: apps.report.startingDeadlineSeconds is 5, less than the 10 seconds between two looks of the CronJob controller: runs may be missed\n' +
        '  hint: set 10 or more, or leave it out',
      expect.stringMatching(/^environments\/x\.yaml:7:36: warning: apps\.report\.resources\.limits\.memory is 512m, 0\.512 bytes/),
    ]);
  });

  it('warns of a schedule the API server takes that never runs (February 30, April 31) or once in four years (February 29), and loads', () => {
    const warned = (schedule: string) =>
      loader.load(cronStage([`schedule: "${schedule}"`, 'image: team/report:1']), 'environments/x.yaml').warnings.map(formatProblem);
    const hint =
      '  hint: name days its months have (the last of the month has no cron syntax: run daily on days 28-31 and exit unless tomorrow is the 1st), or days of the week';
    expect(warned('0 0 30 2 *')).toEqual([
      'environments/x.yaml:4:15: warning: apps.report.schedule names days of the month that none of its months has (such as February 30 or April 31), and any day of the week: the CronJob never runs, and the API server takes it without a word\n' +
        hint,
    ]);
    for (const never of ['0 0 31 4,6,9,11 *', '0 0 31 feb,APR ?', '0 0 30-31 2 *', '15 1 31 2-4/2 *']) {
      expect(warned(never)).toEqual([expect.stringContaining('the CronJob never runs')]);
    }
    for (const leap of ['0 0 29 2 *', '0 0 29-31 2 *'])
      expect(warned(leap)).toEqual([expect.stringContaining('the CronJob runs once in four years')]);
    // a day of the week named runs on those days whatever the day of the month (robfig/cron ORs them); '*/2' is no '*'
    for (const runs of [
      '0 0 31 2 1',
      '0 0 31 2 */2',
      '0 0 28-31 2 *',
      '0 0 31 * *',
      '0 0 31 1-12/2 *',
      '@monthly',
      '@every 1h',
      '0 3 * * *',
    ]) {
      expect(warned(runs)).toEqual([]);
    }
  });

  it("warns of a schedule at a time its timeZone's clocks skip or pass twice, where the CronJob misses a day or runs twice, and loads", () => {
    const warned = (schedule: string, timeZone: string) =>
      loader
        .load(cronStage([`schedule: "${schedule}"`, `timeZone: ${timeZone}`, 'image: team/report:1']), 'environments/x.yaml')
        .warnings.map(formatProblem);
    expect(warned('30 2 * * *', 'Europe/Berlin')).toEqual([
      "environments/x.yaml:4:15: warning: apps.report.schedule runs at 02:30 in Europe/Berlin, a time its clocks skip going forward (e.g. on 2026-03-29) and pass twice going back (e.g. on 2026-10-25): the CronJob does not run at 02:30 on the day they go forward, and runs twice at 02:30 on the day they go back (the CronJob controller reads the zone's wall clock)\n" +
        '  hint: run it outside 02:00-02:59 (the times the clocks change), or set timeZone: Etc/UTC, whose clocks never change',
    ]);
    // Chile's clocks go from 00:00 to 01:00 in September, and from 00:00 back to 23:00 in April
    expect(warned('@daily', 'America/Santiago')).toEqual([
      expect.stringContaining(
        'runs at 00:00 in America/Santiago, a time its clocks skip going forward (e.g. on 2026-09-06): that day the CronJob does not run at 00:00',
      ),
    ]);
    expect(warned('30 1 * * *', 'America/New_York')).toEqual([
      expect.stringContaining(
        'runs at 01:30 in America/New_York, a time its clocks pass twice going back (e.g. on 2026-11-01): that day the CronJob runs twice at 01:30',
      ),
    ]);
    // in the southern hemisphere the clocks go back in April and forward in October: each said with its date
    expect(warned('30 2 * * *', 'Australia/Sydney')).toEqual([
      expect.stringContaining('skip going forward (e.g. on 2026-10-04) and pass twice going back (e.g. on 2026-04-05)'),
    ]);
    // a schedule of several hours misses one run, or runs one twice, not the whole day
    expect(warned('0 */2 * * *', 'Europe/Berlin')).toEqual([
      expect.stringContaining(
        'the CronJob does not run at 02:00 on the day they go forward, and runs twice at 02:00 on the day they go back',
      ),
    ]);
    // March 29 is the last Sunday of March in 2026 (and 2037): whatever the year, the check looks at every date the rule gives
    expect(warned('30 2 29 3 *', 'Europe/Berlin')).toEqual([
      expect.stringContaining('a time its clocks skip going forward (e.g. on 2026-03-29):'),
    ]);
    for (const [schedule, zone] of [
      ['30 2 * * 1-5', 'Europe/Berlin'], // weekdays: Berlin's clocks change on Sundays
      ['30 2 1 * *', 'Europe/Berlin'], // the 1st: never the last Sunday of a month
      ['30 * * * *', 'Europe/Berlin'], // every hour: once in each hour there is
      ['30 0-23 * * *', 'Europe/Berlin'], // the same, its hours named
      ['30 */1 * * *', 'Europe/Berlin'],
      ['0 3 * * *', 'Europe/Berlin'], // 03:00 comes once either way
      ['30 2 * * *', 'Asia/Tokyo'], // no daylight saving time
      ['30 2 * * *', 'Etc/UTC'],
      ['@every 24h', 'Europe/Berlin'],
    ]) {
      expect(warned(schedule, zone), `${schedule} in ${zone}`).toEqual([]);
    }
    // a TZ= prefix is refused (test above), and not said again of the zone beside it
    expect(
      problems(cronStage(['schedule: "TZ=UTC 30 2 * * *"', 'timeZone: Europe/Berlin', 'image: team/report:1'])).filter((p) =>
        p.includes('clocks'),
      ),
    ).toEqual([]);
    // without timeZone it runs in kube-controller-manager's zone, which the stage file does not know
    expect(loader.load(cronStage(['schedule: "30 2 * * *"', 'image: team/report:1']), 'environments/x.yaml').warnings).toEqual([]);
  });

  it('refuses a secret value in env at its place, in the compiled stage', () => {
    const stage = cronStage([...nightly, 'env: { DB_PASSWORD: hunter2 }']);
    const refused = problemsThrownBy(() => compileStages([{ stage: 'x', file: 'environments/x.yaml', text: stage }])).map(formatProblem);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^environments\/x\.yaml:6:25: apps\.report\.env\.DB_PASSWORD holds the value of 'DB_PASSWORD'/);
    expect(refused[0]).not.toContain('hunter2');
  });

  it('refuses a service account or ConfigMap the stage lacks at the setting that names it, as the service stack does', () => {
    const stage = cronStage([...nightly, 'serviceAccountName: reporter', 'configMaps: { report-config: { MODE: mode } }']);
    const refused = problemsThrownBy(() => compileStages([{ stage: 'x', file: 'environments/x.yaml', text: stage }])).map(formatProblem);
    expect(refused.map((p) => p.split(': ')[0] + ': ' + p.split(': ')[1])).toEqual([
      'environments/x.yaml:6:25: apps.report.serviceAccountName',
      'environments/x.yaml:7:42: apps.report.configMaps.report-config.MODE',
    ]);
  });

  it("refuses at its key an app name too long for a CronJob's 52 characters, and takes one of 52", () => {
    expect(problems(cronStage(nightly, 'a'.repeat(53)))).toEqual([
      `environments/x.yaml:2:3: apps.${'a'.repeat(53)}: the CronJob would be named '${'a'.repeat(53)}' (53 characters), longer than the 52 characters a CronJob's name may have (the CronJob controller names each Job it starts <name>-<11 digits>, and a Job name is at most 63 characters)\n` +
        "  hint: shorten the app name to at most 52 characters (the CronJob's name adds 0 to it)",
    ]);
    expect(find(render(cronStage(nightly, 'a'.repeat(52))), 'CronJob').metadata.name).toHaveLength(52);
  });

  it('promotes its image like the service stack', () => {
    const from = loader.load(cronStage(['schedule: "@daily"', 'image: team/report:2']), 'environments/qa.yaml');
    const to = loader.load(cronStage(['schedule: "0 3 * * *"', 'image: team/report:1']), 'environments/production.yaml');
    expect(planPromotion(from, to, STACKS)).toEqual({ edits: [{ path: ['apps', 'report', 'image'], value: 'team/report:2' }], notes: [] });
  });

  it('runs its pods on the nodes the stage file selects and tolerates their taints, refusing a toleration the API server refuses, as the service stack does', () => {
    const pod = podSpec(
      find(
        render(cronStage([...nightly, 'nodeSelector: { workload: batch }', 'tolerations: [{ key: spot, operator: Exists }]'])),
        'CronJob',
      ),
    );
    expect(pod.nodeSelector).toEqual({ workload: 'batch', 'kubernetes.io/arch': 'amd64' });
    expect(pod.tolerations).toEqual([{ key: 'spot', operator: 'Exists' }]);
    expect(problems(cronStage([...nightly, 'tolerations: [{ key: spot, tolerationSeconds: 60 }]']))).toEqual([
      'environments/x.yaml:6:51: apps.report.tolerations[0].tolerationSeconds is set, but effect is not given: it says how long a pod stays on a node tainted NoExecute, so the API server takes it with effect NoExecute only\n  hint: set effect: NoExecute, or remove tolerationSeconds',
    ]);
  });

  it("mounts keys of Secrets as files readable by the pod's group only and declares them, refusing a directory the read-only root has, as the service stack does", () => {
    const text = cronStage([...nightly, 'secretFiles: { report-gcp: { mountPath: /var/run/gcp, keys: [key.json] } }']);
    const pod = podSpec(find(render(text), 'CronJob'));
    expect(pod.volumes.slice(1)).toEqual([
      { name: 'secret-0', secret: { secretName: 'report-gcp', defaultMode: 0o440, items: [{ key: 'key.json', path: 'key.json' }] } },
    ]);
    // readable by root and the pod's group, the non-root user's: not by others, which a client key must not be
    expect(pod.securityContext.fsGroup).toBe(10001);
    expect(pod.containers[0].volumeMounts.slice(1)).toEqual([{ name: 'secret-0', mountPath: '/var/run/gcp', readOnly: true }]);
    expect(loader.load(text, 'environments/x.yaml').secrets).toEqual([
      { name: 'report-gcp', keys: ['key.json'], path: ['secretFiles', 'report-gcp'] },
    ]);
    expect(problems(cronStage([...nightly, 'secretFiles: { report-gcp: { mountPath: /tmp, keys: [key.json] } }']))[0]).toMatch(
      /^environments\/x\.yaml:6:45: apps\.report\.secretFiles\.report-gcp\.mountPath is \/tmp, where the read-only root filesystem has its writable \/tmp/,
    );
  });

  it('refuses on an ARM stage an image with no build for it, at the image setting', () => {
    const stage = cronStage(['schedule: "@daily"', 'image: team/report:1'], 'report', 'architecture: arm\n');
    const refused = problemsThrownBy(() => compileStages([{ stage: 'pi', file: 'environments/pi.yaml', text: stage }])).map(formatProblem);
    expect(refused.map((p) => p.split('\n')[0])).toEqual([
      "environments/pi.yaml:6:12: apps.report.image: image 'team/report:1' has no known arm build (stage 'pi' runs on arm; neither the stage file's images: nor the image table names it); it runs in CronJob pi/report (container report)",
    ]);
  });

  it("runs the ARM build the stage file maps the image to, every pod on the stage's architecture", () => {
    const stage = cronStage(
      ['schedule: "@daily"', 'image: team/report:1.2'],
      'report',
      "architecture: arm64\nimages:\n  substitute: { team/report: 'registry.local/report:{tag}-arm64' }\n",
    );
    const compiled = compileStages([{ stage: 'pi', file: 'environments/pi.yaml', text: stage }]);
    const cronJob = compiled.stages[0].charts.flatMap((c) => c.objects).find((o) => o.kind === 'CronJob') as Obj;
    const pod = podSpec(cronJob);
    expect(pod.containers[0].image).toBe('registry.local/report:1.2-arm64');
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    // the release is the stage file's image, not the build that runs it
    expect(cronJob.metadata.labels?.['app.kubernetes.io/version']).toBe('1.2');
  });
});

describe('the cron stack through the commands', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const project = (stages: Record<string, string>) => {
    const dir = tempProject(stages);
    dirs.push(dir);
    return dir;
  };

  it('npm run promote copies the image into the next stage file and synthesizes it', () => {
    const dir = project({
      qa: cronStage(['schedule: "0 3 * * *"', 'image: team/report:2']),
      production: cronStage(['schedule: "0 3 * * *"  # nightly', 'image: team/report:1'], 'report', 'promotion: { from: qa }\n'),
    });
    expect(runCli('synth', [], dir).code).toBe(0);
    const r = runCli('promote', ['qa', 'production'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('environments/production.yaml:6:12: apps.report.image: team/report:1 -> team/report:2');
    expect(readFileSync(join(dir, 'environments', 'production.yaml'), 'utf8')).toBe(
      cronStage(['schedule: "0 3 * * *"  # nightly', 'image: team/report:2'], 'report', 'promotion: { from: qa }\n'),
    );
    expect(readFileSync(join(dir, 'dist', 'production', '10-report.yaml'), 'utf8')).toContain('image: team/report:2\n');
  });

  it('npm run synth refuses a bad schedule at its line with exit 2 and leaves dist/ as it was', () => {
    const dir = project({ qa: cronStage(nightly) });
    expect(runCli('synth', [], dir).code).toBe(0);
    const before = snapshotDir(join(dir, 'dist'));
    writeFileSync(join(dir, 'environments', 'qa.yaml'), cronStage(['schedule: "0 3 * *"', 'image: team/report:1']));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'environments/qa.yaml:4:15: error: apps.report.schedule is not a schedule the API server reads: expected exactly 5 fields, found 4: [0 3 * *]',
    );
    expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
  });
});

describe("the pods of a cron job, as a service's", () => {
  it("run init containers before the job, in its image unless one names its own, with the job container's environment and resources", () => {
    const pod = podSpec(
      find(
        render(
          cronStage([
            ...nightly,
            'env: { MODE: full }',
            'resources: { requests: { cpu: 100m } }',
            'initContainers: [{ name: wait-db, command: [./wait-for, db] }, { name: fetch, image: busybox:1.36, command: [wget, x] }]',
          ]),
        ),
        'CronJob',
      ),
    );
    const [job] = pod.containers;
    expect(pod.initContainers).toEqual([
      {
        name: 'wait-db',
        image: 'team/report:1',
        command: ['./wait-for', 'db'],
        env: job.env,
        resources: job.resources,
        imagePullPolicy: job.imagePullPolicy,
        securityContext: job.securityContext,
        volumeMounts: job.volumeMounts,
      },
      {
        name: 'fetch',
        image: 'busybox:1.36',
        command: ['wget', 'x'],
        env: job.env,
        resources: job.resources,
        imagePullPolicy: job.imagePullPolicy,
        securityContext: job.securityContext,
        volumeMounts: job.volumeMounts,
      },
    ]);
    expect(problems(cronStage([...nightly, 'initContainers: [{ name: report, command: [a] }]']))).toEqual([
      'environments/x.yaml:6:30: apps.report.initContainers[0].name is report, as the app container (named after the app) is: the containers of a pod, init ones included, each have a name of their own\n' +
        '  hint: give each step a name of its own',
    ]);
  });

  it("spread and keep apart over nodes or zones, counting the pods of the CronJob's own Jobs", () => {
    const text = cronStage([
      ...nightly,
      'concurrencyPolicy: Allow',
      'topologySpreadConstraints: [{ topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway }]',
      'podAntiAffinity: { required: [kubernetes.io/hostname] }',
    ]);
    const cronJob = find(render(text), 'CronJob');
    const pod = podSpec(cronJob);
    const own = { matchLabels: { 'app.kubernetes.io/instance': 'report-x' } };
    // the pods carry the label the constraints select them by: else each pod counts none, itself included
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels).toMatchObject(own.matchLabels);
    expect(pod.topologySpreadConstraints).toEqual([
      { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 1, labelSelector: own },
    ]);
    expect(pod.affinity).toEqual({
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: own }] },
    });
    expect(
      compileStages([{ stage: 'x', file: 'environments/x.yaml', text }])
        .checks.get('x')!
        .findings.filter((f) => f.severity === 'error'),
    ).toEqual([]);
    expect(problems(cronStage([...nightly, 'podAntiAffinity: {}']))[0]).toMatch(
      /apps\.report\.podAntiAffinity needs required or preferred/,
    );
  });
});

describe("the README's cron stack", () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Batch jobs: the `cron` stack\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

  it('is in the README with a stage file of cron apps that compiles with no failed check, and loads with no warning', () => {
    expect(start).toBeGreaterThanOrEqual(0);
    // the second is the stage file of 'How a schedule is checked', whose problems test/readme-examples.test.ts runs
    expect(blocks).toHaveLength(2);
    expect(blocks[1]).toMatch(/^# environments\/batch\.yaml\n/);
    expect(blocks[0]).toMatch(/stack: cron/);
    const compiled = compileStages([{ stage: 'dev', file: 'environments/dev.yaml', text: blocks[0] }]);
    expect(compiled.stages[0].charts.flatMap((c) => c.objects).some((o) => o.kind === 'CronJob')).toBe(true);
    expect(loader.load(blocks[0], 'environments/dev.yaml').warnings).toEqual([]);
  });
});
