import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { renderStage } from '../../lib/synth/render.js';
import type { KubeObject } from '../../lib/model/object.js';
import { repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';
import { render as renderStageFile, problems as stageProblems, warnings as stageWarnings } from '../helpers/stage.js';
import { checkObjects } from '../../lib/checks/index.js';

const loader = new StageLoader(STACKS);
const FILE = 'environments/qa.yaml';
/** The problems of a stage file, formatted as the CLI prints them (by default, as qa's). */
const problems = (text: string, file = FILE) => stageProblems(text, file);
/** The qa stage file with its `database.secret` line replaced. */
const qaWithSecret = (lines: string) =>
  repoStage('qa').replace('      secret: { name: mysqlsecret, keys: [username, password, database] }\n', lines);
const SECRETS_GO =
  'is a secret value, and stage files are committed: secret values go in .secrets/qa.env or environment variables, never in a stage file';

describe('a secret value in a stage file', () => {
  it('is rejected where it is written, with where secret values go instead', () => {
    const text = qaWithSecret(
      '      secret:\n        name: mysqlsecret\n        keys: [username, password, database]\n        password: demopassword\n',
    );
    const line = text.split('\n').findIndex((l) => l.includes('password: demopassword')) + 1;
    expect(problems(text)).toEqual([
      `environments/qa.yaml:${line}:19: apps.demoapp.database.secret.password ${SECRETS_GO}\n` +
        "  hint: list 'password' under keys: and set MYSQLSECRET_PASSWORD in .secrets/qa.env (git-ignored) or in the environment; `npm run secrets -- qa` prints the Secret",
    ]);
  });

  it('is rejected as data or stringData too, and a missing key is named', () => {
    const text = qaWithSecret('      secret:\n        keys: [username, password]\n        stringData: { database: demodb }\n');
    const out = problems(text);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(
      /^environments\/qa\.yaml:\d+:15: apps\.demoapp\.database\.secret\.keys needs 'database' \(mysql and the app read username, password and database\)\n {2}hint: add database to the list$/,
    );
    expect(out[1]).toMatch(
      new RegExp(`^environments/qa\\.yaml:\\d+:21: apps\\.demoapp\\.database\\.secret\\.stringData ${SECRETS_GO.replace(/\./g, '\\.')}`),
    );
  });

  it('is rejected in config when the key names a credential', () => {
    const text = repoStage('qa').replace('      LOG_LEVEL: info\n', '      LOG_LEVEL: info\n      DB_PASSWORD: demopassword\n');
    expect(problems(text)).toEqual([
      `environments/qa.yaml:20:20: apps.demoapp.config.DB_PASSWORD looks like a secret value, and stage files are committed: secret values go in .secrets/qa.env or environment variables, never in a stage file\n` +
        '  hint: declare a key for it under database.secret.keys and set it in .secrets/qa.env; if it is not secret, add { path: <this setting>, reason: <why> } under secrets.allow',
    ]);
  });

  it('is reported by npm run synth with file:line:col, and nothing is written', () => {
    const dir = tempProject(
      { qa: qaWithSecret('      secret: { name: mysqlsecret, keys: [username, database], password: demopassword }\n') },
      { copyDist: true },
    );
    const before = snapshotDir(`${dir}/dist`);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "environments/qa.yaml:28:42: error: apps.demoapp.database.secret.keys needs 'password' (mysql and the app read username, password and database)\n" +
        '  hint: add password to the list\n' +
        `environments/qa.yaml:28:74: error: apps.demoapp.database.secret.password ${SECRETS_GO}\n` +
        "  hint: list 'password' under keys: and set MYSQLSECRET_PASSWORD in .secrets/qa.env (git-ignored) or in the environment; `npm run secrets -- qa` prints the Secret\n" +
        '2 problems; nothing was written.\n',
    );
    expect(snapshotDir(`${dir}/dist`)).toEqual(before);
  });

  it('is any string under secret that is not a setting; a misspelled setting holding a list is a typo', () => {
    const text = qaWithSecret('      secret: { nmae: mysqlsecret, keys: [username, password, database] }\n');
    expect(problems(text)).toEqual([
      `environments/qa.yaml:28:23: apps.demoapp.database.secret.nmae ${SECRETS_GO}\n` +
        "  hint: list 'nmae' under keys: and set MYSQLSECRET_NMAE in .secrets/qa.env (git-ignored) or in the environment; `npm run secrets -- qa` prints the Secret",
    ]);
    const typo = qaWithSecret('      secret: { name: mysqlsecret, kyes: [username, password, database] }\n');
    expect(problems(typo)).toEqual([
      "environments/qa.yaml:28:42: apps.demoapp.database.secret.kyes is not a known setting; did you mean 'keys'?",
    ]);
  });
});

describe('the demoapp settings', () => {
  it('reject contradictions between settings, each at its place', () => {
    const text = repoStage('test')
      .replace('replicas: 2', 'replicas: 5')
      .replace('rollout: { maxSurge: 1, maxUnavailable: 0 }', 'rollout: { maxSurge: 0, maxUnavailable: 0 }')
      .replace(
        '      startup: { http: { path: /healthz }, periodSeconds: 5, failureThreshold: 24 }\n',
        '      startup: { periodSeconds: 5 }\n',
      )
      .replace('service: { type: NodePort, nodePort: 30081 }', 'service: { nodePort: 30081 }');
    expect(problems(text, 'environments/test.yaml').map((p) => p.split('\n')[0])).toEqual([
      'environments/test.yaml:7:15: apps.demoapp.replicas must be within autoscaling.minReplicas..maxReplicas (found 5, not in 2..4)',
      'environments/test.yaml:8:26: apps.demoapp.rollout.maxSurge and rollout.maxUnavailable cannot be both 0 (a rollout could never start)',
      'environments/test.yaml:12:16: apps.demoapp.probes.startup needs exactly one of http, tcp and command (found none)',
      "environments/test.yaml:17:26: apps.demoapp.service.nodePort needs service.type 'NodePort' or 'LoadBalancer'",
    ]);
  });

  it("refuse a probe's port name other than the container's one port's, with that name as the fix (demoapp's port is a number)", () => {
    const text = repoStage('dev').replace(
      'readiness: { http: { path: /ready }, periodSeconds: 5 }',
      'readiness: { tcp: { port: redis }, periodSeconds: 5 }',
    );
    expect(problems(text, 'environments/dev.yaml')).toEqual([
      "environments/dev.yaml:10:33: apps.demoapp.probes.readiness.tcp.port names no port of the container (its port, set by port, is named 'http')\n" +
        "  hint: name 'http', or give its number",
    ]);
    expect(problems(text.replace('port: redis', 'port: http'), 'environments/dev.yaml')).toEqual([]);
  });

  it('need no replicas with autoscaling, and hold a replicas still given to its bounds, with the hint to leave it out', () => {
    const text = repoStage('test').replace('    replicas: 2\n', '');
    expect(problems(text, 'environments/test.yaml')).toEqual([]);
    expect(problems(repoStage('test').replace('replicas: 2', 'replicas: 5'), 'environments/test.yaml')).toEqual([
      'environments/test.yaml:7:15: apps.demoapp.replicas must be within autoscaling.minReplicas..maxReplicas (found 5, not in 2..4)\n' +
        '  hint: leave replicas out: with autoscaling, the autoscaler sets the number of pods (from minReplicas), and the Deployment has no spec.replicas',
    ]);
  });

  it('need replicas without autoscaling, at the app', () => {
    const text = repoStage('dev').replace('    replicas: 1\n', '');
    expect(problems(text, 'environments/dev.yaml')).toEqual([
      'environments/dev.yaml:5:5: apps.demoapp needs replicas (the pods the Deployment runs), or autoscaling (then the autoscaler sets the number)\n' +
        '  hint: add `replicas: 1`, or `autoscaling: { minReplicas: 2, maxReplicas: 4 }` with resources.requests.cpu',
    ]);
  });

  it("reject the articles' quantity 2Gib and a misspelled image key", () => {
    const text = repoStage('qa').replace('storage: 2Gi\n', 'storage: 2Gib\n').replace('    image: demoapp:1', '    image~: demoapp:1');
    // image is optional in the schema (blueGreen is the other choice): the typo alone says what to fix
    expect(problems(text).map((p) => p.split('\n')[0])).toEqual([
      "environments/qa.yaml:6:5: apps.demoapp.image~ is not a known setting; did you mean 'image'?",
      'environments/qa.yaml:24:16: apps.demoapp.database.storage must be a Kubernetes quantity above zero such as 2Gi (found "2Gib")',
    ]);
  });

  it('need exactly one of image and blueGreen: both is refused at image', () => {
    const text = repoStage('qa').replace(
      '    image: demoapp:1\n',
      '    image: demoapp:1\n    blueGreen: { live: blue, blue: demoapp:1, green: demoapp:2 }\n',
    );
    expect(problems(text)).toEqual([
      'environments/qa.yaml:6:12: apps.demoapp.image cannot be set together with blueGreen (each color has its own image)\n' +
        '  hint: remove image: the images are blueGreen.blue and blueGreen.green',
    ]);
  });

  it('need exactly one of image and blueGreen: neither is refused at the app', () => {
    const text = repoStage('qa').replace('    image: demoapp:1\n', '');
    expect(problems(text)).toEqual([
      'environments/qa.yaml:6:5: apps.demoapp needs image, or blueGreen with an image per color\n' +
        '  hint: add `image: demoapp:1` to roll out in place, or `blueGreen: { live: blue, blue: demoapp:1, green: demoapp:1 }`',
    ]);
  });

  it('need an image for each color and a live color that is blue or green', () => {
    const text = repoStage('qa').replace('    image: demoapp:1\n', '    blueGreen: { live: red, blue: demoapp:1 }\n');
    expect(problems(text)).toEqual([
      "environments/qa.yaml:6:16: apps.demoapp.blueGreen is missing the required setting 'green'",
      "environments/qa.yaml:6:24: apps.demoapp.blueGreen.live must be one of 'blue', 'green' (found \"red\")",
    ]);
  });

  it('need a CPU request for autoscaling', () => {
    const text = repoStage('qa').replace('      requests: { cpu: 250m, memory: 512Mi }\n', '      requests: { memory: 512Mi }\n');
    expect(problems(text)[0]).toMatch(
      /^environments\/qa\.yaml:\d+:18: apps\.demoapp\.autoscaling needs resources\.requests\.cpu \(CPU utilization is measured against the request\)/,
    );
  });
});

describe('several demoapp instances in one stage', () => {
  const text = [
    'apps:',
    '  demoapp: { image: "demoapp:1", replicas: 1, database: { storage: 1Gi, backup: { schedule: "0 2 * * *", storage: 1Gi } } }',
    '  app-0001: { stack: demoapp, image: "demoapp:2", replicas: 1, database: { storage: 1Gi, backup: { schedule: "0 2 * * *", storage: 1Gi } } }',
    '',
  ].join('\n');
  const objects = renderStage(loader.load(text, 'environments/bench.yaml') as never, STACKS, '0.0.0').charts.flatMap(
    (c) => c.objects,
  ) as (KubeObject & { spec: any })[];

  it('name every object after their instance, so none collides', () => {
    const ids = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((i) => i.startsWith('app-0001') || i.includes('/app-0001')).sort()).toEqual(
      [
        'CronJob/app-0001-mysql-backup',
        'Deployment/app-0001',
        'PersistentVolume/app-0001-mysqlbackup-bench',
        'PersistentVolume/app-0001-mysqlvolume-bench',
        'PersistentVolumeClaim/app-0001-mysql',
        'PersistentVolumeClaim/app-0001-mysql-backup',
        'ReplicationController/app-0001-mysql-1',
        'Role/app-0001',
        'RoleBinding/app-0001',
        'Service/app-0001',
        'Service/app-0001-mysql',
        'ServiceAccount/app-0001',
        `ConfigMap/${objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name!.startsWith('app-0001-config-'))!.metadata.name}`,
      ].sort(),
    );
  });

  it('point each app at its own database and Secret', () => {
    const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'app-0001')!;
    expect(d.spec.selector.matchLabels).toEqual({ name: 'app-0001' });
    expect(d.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe('app-0001-mysqlsecret');
    expect(d.metadata.labels!['app.kubernetes.io/version']).toBe('2');
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name!.startsWith('app-0001-'))! as any;
    expect(cm.data.DB_HOST).toBe('app-0001-mysql');
    expect(
      STACKS.demoapp.secrets!(
        'app-0001',
        loader.load(text, 'environments/bench.yaml').apps[0].settings as never,
        { name: 'bench' } as never,
      )[0].name,
    ).toBe('app-0001-mysqlsecret');
  });
});

describe('the names of the database objects', () => {
  /** The qa stage file with `names:` under its database. */
  const qaWithNames = (names: string) =>
    repoStage('qa').replace(
      '      backup: { schedule: "0 2 * * *", storage: 2Gi }\n',
      `      backup: { schedule: "0 2 * * *", storage: 2Gi }\n      names: ${names}\n`,
    );

  it('refuse a Service name that does not start with a letter at its setting, not at the Service the checks would see', () => {
    const text = qaWithNames('{ service: 9svc }');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('9svc'));
    expect(problems(text)).toEqual([
      `environments/qa.yaml:${line + 1}:${lines[line].indexOf('9svc') + 1}: apps.demoapp.database.names.service names the Service '9svc', which does not start with a letter, as a Service's name must (a DNS-1035 label: it is a host name in the cluster)\n` +
        "  hint: start it with a letter (lowercase letters, digits and '-', ending with a letter or digit)",
    ]);
  });

  it('take a name starting with a digit for the objects whose kind allows one', () => {
    expect(problems(qaWithNames('{ service: db, claim: 9claim, controller: 9rc }'))).toEqual([]);
  });
});

describe('the ConfigMap of a stage', () => {
  const render = (text: string) =>
    renderStage(loader.load(text, FILE) as never, STACKS, '0.0.0').charts.flatMap((c) => c.objects) as (KubeObject & {
      spec: any;
      data?: any;
    })[];
  const configName = (text: string) => render(text).find((o) => o.kind === 'ConfigMap')!.metadata.name!;
  const qa = repoStage('qa');

  it('keeps its name when the stage file changes elsewhere', () => {
    expect(configName(qa.replace('replicas: 2', 'replicas: 3'))).toBe(configName(qa));
    expect(configName(qa.replace('LOG_LEVEL: info\n      APP_ENVIRONMENT: qa', 'APP_ENVIRONMENT: qa\n      LOG_LEVEL: info'))).toBe(
      configName(qa),
    );
  });

  it('changes its name when its data changes, and the Deployment follows it', () => {
    const changed = qa.replace('LOG_LEVEL: info', 'LOG_LEVEL: debug');
    expect(configName(changed)).not.toBe(configName(qa));
    const objects = render(changed);
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: configName(changed) } }]);
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toHaveLength(1);
  });

  it('changes its name when the database service it names changes', () => {
    expect(configName(qa.replace('      image: mysql:8.0\n', '      image: mysql:8.0\n      names: { service: db }\n'))).not.toBe(
      configName(qa),
    );
  });
});

describe('the backup schedule', () => {
  /** qa's stage file with its `database.backup` line replaced. */
  const qaBackup = (settings: string) =>
    repoStage('qa').replace('      backup: { schedule: "0 2 * * *", storage: 2Gi }\n', `      backup: { ${settings}, storage: 2Gi }\n`);
  const line = (text: string) => text.split('\n').findIndex((l) => l.includes('backup: {')) + 1;

  it('is refused at its setting when the API server would not read it, not at the app', () => {
    const text = qaBackup('schedule: "0 25 * * *"');
    expect(problems(text)).toEqual([
      `environments/qa.yaml:${line(text)}:27: apps.demoapp.database.backup.schedule is not a schedule the API server reads: end of range (25) above maximum (23): 25\n` +
        '  hint: write five fields, minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or JAN-DEC) day-of-week (0-6 or SUN-SAT), e.g. "30 2 * * *", or a macro such as @daily',
    ]);
  });

  it('takes its time zone from timeZone, not from a TZ= prefix', () => {
    const text = qaBackup('schedule: "CRON_TZ=Europe/Warsaw 0 2 * * *"');
    expect(problems(text)).toEqual([
      `environments/qa.yaml:${line(text)}:27: apps.demoapp.database.backup.schedule names a time zone (TZ= or CRON_TZ=): the zone of a CronJob is its timeZone\n` +
        '  hint: remove the prefix and set timeZone: Europe/Warsaw',
    ]);
    const zoned = renderStageFile(qaBackup('schedule: "0 2 * * *", timeZone: Europe/Warsaw'));
    const cron = zoned.find((o) => o.kind === 'CronJob') as KubeObject & { spec: { schedule: string; timeZone?: string } };
    expect(cron.spec).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Europe/Warsaw' });
  });

  it('is refused with a time zone the API server does not load, at timeZone', () => {
    const text = qaBackup('schedule: "0 2 * * *", timeZone: Europe/Warsw');
    expect(problems(text)).toEqual([
      `environments/qa.yaml:${line(text)}:50: apps.demoapp.database.backup.timeZone is not a zone of the IANA time zone database\n` +
        '  hint: name a zone of the IANA time zone database, e.g. Europe/Berlin or Etc/UTC, or leave timeZone out for the time zone of kube-controller-manager',
    ]);
  });
});

describe("the backups' directory and MySQL's data directory", () => {
  const HINT =
    '  hint: give database.hostPath and database.backup.hostPath directories apart, neither inside the other (by default /data/volumes/mysql-<stage> and /data/volumes/mysql-backup-<stage>)';
  const WHY = 'mysqld takes every directory in its data directory for a database, and will not initialize one that holds files';
  const qaBackupPath = (path: string) =>
    repoStage('qa').replace(
      '      backup: { schedule: "0 2 * * *", storage: 2Gi }\n',
      `      backup: { schedule: "0 2 * * *", storage: 2Gi, hostPath: ${path} }\n`,
    );

  it.each([
    ['/data/volumes/mysql-qa/backups', "is /data/volumes/mysql-qa/backups, inside MySQL's data directory /data/volumes/mysql-qa"],
    ['/data/volumes/mysql-qa/', "is /data/volumes/mysql-qa, MySQL's data directory"],
    ['/data', "is /data, which holds MySQL's data directory /data/volumes/mysql-qa"],
  ])("are refused when the backups go to %s, at the backups' hostPath", (path, is) => {
    expect(problems(qaBackupPath(path))).toEqual([
      `environments/qa.yaml:29:64: apps.demoapp.database.backup.hostPath ${is} (database.hostPath): ${WHY}\n${HINT}`,
    ]);
  });

  it("are refused at the data's hostPath when only it is given, inside the backups' default directory", () => {
    const text = repoStage('qa').replace('      storage: 2Gi\n', '      storage: 2Gi\n      hostPath: /data/volumes/mysql-backup-qa/db\n');
    expect(problems(text)).toEqual([
      `environments/qa.yaml:25:17: apps.demoapp.database.hostPath is /data/volumes/mysql-backup-qa/db, inside the backups' directory /data/volumes/mysql-backup-qa (database.backup.hostPath): ${WHY}\n${HINT}`,
    ]);
  });

  it('are taken apart, also when one name starts with the other', () => {
    expect(problems(qaBackupPath('/data/volumes/mysql-qa-backups'))).toEqual([]);
  });
});

describe('the backup container', () => {
  const qaBackup = (resources: string) =>
    repoStage('qa').replace(
      '      backup: { schedule: "0 2 * * *", storage: 2Gi }\n',
      `      backup:\n        schedule: "0 2 * * *"\n        storage: 2Gi\n        resources: ${resources}\n`,
    );

  it("takes database.backup.resources, so that the policy's warning about a container without them can be answered", () => {
    const objects = renderStageFile(qaBackup('{ requests: { cpu: 50m, memory: 128Mi }, limits: { memory: 256Mi } }'));
    const cron = objects.find((o) => o.kind === 'CronJob')!;
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '50m', memory: '128Mi' },
      limits: { memory: '256Mi' },
    });
    const findings = checkObjects(objects, {}).findings.filter((f) => f.object === cron);
    expect(findings.map((f) => f.code)).not.toContain('policy/resources');
  });

  it('keeps the number of dumps database.backup.keep says', () => {
    const text = repoStage('qa').replace(
      '      backup: { schedule: "0 2 * * *", storage: 2Gi }\n',
      '      backup: { schedule: "0 2 * * *", storage: 2Gi, keep: 7 }\n',
    );
    const cron = renderStageFile(text).find((o) => o.kind === 'CronJob')!;
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].command[2]).toContain('| tail -n +8 |');
  });

  it('has its quantities read as the other containers are, at their line', () => {
    expect(stageWarnings(qaBackup('{ limits: { memory: 256m } }'), FILE)).toEqual([
      expect.stringMatching(/^environments\/qa\.yaml:32:40: warning: apps\.demoapp\.database\.backup\.resources\.limits\.memory is 256m/),
    ]);
  });
});

describe("demoapp's replicas", () => {
  it('warns, at replicas, of none while its ingress routes to it, and of more pods than one app is likely to run', () => {
    const stage = (replicas: number, ingress = true) =>
      `apps:\n  demoapp:\n    image: demoapp:1\n    replicas: ${replicas}\n${ingress ? '    ingress: { host: demoapp.example.com, tlsSecret: t }\n' : ''}` +
      '    database:\n      storage: 1Gi\n      backup: { schedule: "0 3 * * *", storage: 1Gi }\n';
    expect(stageWarnings(stage(0))).toEqual([
      'environments/x.yaml:4:15: warning: apps.demoapp.replicas is 0: the app runs no pods, and its ingress still sends it requests, each answered with an error (503 from an ingress controller)\n' +
        '  hint: give it 1 or more; to stop the app on purpose, remove its ingress too',
    ]);
    expect(stageWarnings(stage(5000, false))[0]).toContain('apps.demoapp.replicas is 5000 pods, more than any one app is likely to run');
    expect(stageWarnings(stage(0, false))).toEqual([]);
    // no ingress of its own, but an ingress app's route to its Service
    expect(
      stageWarnings(`${stage(0, false)}  web:\n    stack: ingress\n    paths:\n      /: { service: demoapp, port: 80 }\n`)[0],
    ).toContain('apps.demoapp.replicas is 0: the app runs no pods, and the path / of apps.web still sends it requests');
  });
});
