import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { CpuAutoscaler, type ScaleTarget } from '../../lib/constructs/cpu-autoscaler.js';
import { LabelService } from '../../lib/constructs/label-service.js';
import { TlsIngress } from '../../lib/constructs/tls-ingress.js';
import { MysqlBackup } from '../../lib/constructs/mysql-backup.js';
import { ConfigReaderAccount } from '../../lib/constructs/config-reader-account.js';
import { MysqlDatabase } from '../../lib/constructs/mysql-database.js';

const chart = () => new Chart(new App(), 'c', { disableResourceNameHashes: true });

describe('CpuAutoscaler', () => {
  it("rejects 'minReplicas' above 'maxReplicas', and below 1", () => {
    expect(() => new CpuAutoscaler(chart(), 'h', { name: 'demoapp', deploymentName: 'demoapp', minReplicas: 5, maxReplicas: 3 })).toThrow(
      "HorizontalPodAutoscaler 'demoapp': 'minReplicas' 5 is above 'maxReplicas' 3",
    );
    expect(() => new CpuAutoscaler(chart(), 'h', { name: 'demoapp', deploymentName: 'demoapp', minReplicas: 0, maxReplicas: 3 })).toThrow(
      "HorizontalPodAutoscaler 'demoapp': 'minReplicas' must be at least 1 (got 0)",
    );
  });

  it('scales a StatefulSet (or a ReplicaSet) that target names, as the Deployment deploymentName names', () => {
    const c = chart();
    new CpuAutoscaler(c, 'db', { name: 'ledger', target: { kind: 'StatefulSet', name: 'ledger' }, minReplicas: 1, maxReplicas: 3 });
    new CpuAutoscaler(c, 'web', { name: 'web', deploymentName: 'web', minReplicas: 1, maxReplicas: 3 });
    expect((c.toJson() as any[]).map((o) => o.spec.scaleTargetRef)).toEqual([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ledger' },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    ]);
  });

  it("rejects both 'deploymentName' and 'target', and neither", () => {
    expect(
      () =>
        new CpuAutoscaler(chart(), 'h', {
          name: 'ledger',
          deploymentName: 'ledger',
          target: { kind: 'StatefulSet', name: 'ledger' },
          minReplicas: 1,
          maxReplicas: 3,
        }),
    ).toThrow("HorizontalPodAutoscaler 'ledger': give 'deploymentName' ('ledger') or 'target' (StatefulSet 'ledger'), not both");
    expect(() => new CpuAutoscaler(chart(), 'h', { name: 'ledger', minReplicas: 1, maxReplicas: 3 })).toThrow(
      "HorizontalPodAutoscaler 'ledger': give 'deploymentName' (a Deployment) or 'target' (its kind and name): it scales nothing",
    );
  });

  it('rejects a target of a kind it cannot scale, which TypeScript alone would not stop in a kind read or cast', () => {
    for (const kind of ['DaemonSet', 'CronJob', 'toString', 'statefulset']) {
      expect(
        () =>
          new CpuAutoscaler(chart(), 'h', {
            name: 'db',
            target: { kind, name: 'db' } as unknown as ScaleTarget,
            minReplicas: 1,
            maxReplicas: 3,
          }),
      ).toThrow(
        `HorizontalPodAutoscaler 'db': 'target' names a "${kind}", which it cannot scale: the kinds it scales are Deployment, StatefulSet, ReplicaSet`,
      );
    }
  });

  it('targets 70% CPU by default', () => {
    const c = chart();
    new CpuAutoscaler(c, 'h', { name: 'demoapp', deploymentName: 'demoapp', minReplicas: 1, maxReplicas: 2 });
    expect((c.toJson()[0] as any).spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
    ]);
  });

  it('carries the release of the Deployment it scales when given one, else leaves the version label to the chart', () => {
    const c = chart();
    new CpuAutoscaler(c, 'blue', { name: 'demoapp-blue', deploymentName: 'demoapp-blue', version: '1.1', minReplicas: 1, maxReplicas: 2 });
    new CpuAutoscaler(c, 'plain', { name: 'demoapp', deploymentName: 'demoapp', minReplicas: 1, maxReplicas: 2 });
    const [blue, plain] = c.toJson() as any[];
    expect(blue.metadata).toEqual({ name: 'demoapp-blue', labels: { 'app.kubernetes.io/version': '1.1' } });
    expect(plain.metadata).toEqual({ name: 'demoapp' });
  });
});

describe('LabelService', () => {
  it("is headless on request, as a StatefulSet's serviceName needs, and refuses headless with node ports", () => {
    const c = chart();
    new LabelService(c, 's', { name: 'redis', selector: { name: 'redis' }, headless: true, ports: [{ name: 'redis', port: 6379 }] });
    expect((c.toJson()[0] as any).spec).toMatchObject({ type: 'ClusterIP', clusterIP: 'None', selector: { name: 'redis' } });
    expect(
      () =>
        new LabelService(chart(), 's', {
          name: 'redis',
          selector: { name: 'redis' },
          headless: true,
          type: 'NodePort',
          ports: [{ port: 6379 }],
        }),
    ).toThrow("Service 'redis': 'headless' needs 'type' ClusterIP, not NodePort (a headless Service has no IP for node ports)");
  });
});

describe('TlsIngress', () => {
  it("rejects paths that do not start with '/'", () => {
    expect(
      () =>
        new TlsIngress(chart(), 'i', {
          name: 'demoapp',
          host: 'a.example.com',
          tlsSecretName: 't',
          serviceName: 's',
          servicePort: 80,
          paths: ['/', 'api'],
        }),
    ).toThrow("Ingress 'demoapp': 'paths' must start with '/' (got 'api')");
  });
});

describe('MysqlBackup', () => {
  it('rejects a schedule that is not cron syntax', () => {
    expect(
      () =>
        new MysqlBackup(chart(), 'b', {
          name: 'mysql-backup',
          schedule: 'nightly',
          image: 'mysql:8.0',
          host: 'mysql',
          secretName: 's',
          claimName: 'c',
        }),
    ).toThrow(
      "CronJob 'mysql-backup': 'schedule' 'nightly' is not a schedule the API server reads (expected exactly 5 fields, found 1: [nightly]): write 5 fields (minute hour day month weekday), e.g. '0 2 * * *', or a macro such as @daily",
    );
  });

  it('rejects a schedule of five fields that the API server refuses, such as hour 25', () => {
    expect(
      () =>
        new MysqlBackup(chart(), 'b', {
          name: 'mysql-backup',
          schedule: '0 25 * * *',
          image: 'mysql:8.0',
          host: 'mysql',
          secretName: 's',
          claimName: 'c',
        }),
    ).toThrow("'schedule' '0 25 * * *' is not a schedule the API server reads (end of range (25) above maximum (23): 25)");
  });

  it('passes the password as MYSQL_PWD, never on the command line', () => {
    const c = chart();
    new MysqlBackup(c, 'b', {
      name: 'mysql-backup',
      schedule: '@daily',
      image: 'mysql:8.0',
      host: 'mysql',
      secretName: 'db',
      claimName: 'c',
      secretKeys: { password: 'pw' },
    });
    const container = (c.toJson()[0] as any).spec.jobTemplate.spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'MYSQL_PWD', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } });
    expect(container.command.join(' ')).not.toMatch(/--password|-p\$/);
  });
});

describe('ConfigReaderAccount', () => {
  it('needs at least one ConfigMap to read', () => {
    expect(() => new ConfigReaderAccount(chart(), 'a', { name: 'demoapp', namespace: 'qa', configMaps: [] })).toThrow(
      "ServiceAccount 'demoapp': 'configMaps' must not be empty",
    );
  });
});

describe('MysqlDatabase', () => {
  it('selects its pods by name: <service>, so two databases in one namespace do not share pods', () => {
    const c = chart();
    new MysqlDatabase(c, 'a', { controllerName: 'a-mysql-1', serviceName: 'a-mysql', image: 'mysql:8.0', claimName: 'a', secretName: 's' });
    new MysqlDatabase(c, 'b', { controllerName: 'b-mysql-1', serviceName: 'b-mysql', image: 'mysql:8.0', claimName: 'b', secretName: 's' });
    const selectors = (c.toJson() as any[]).map((o) => `${o.kind}:${JSON.stringify(o.spec.selector)}`);
    expect(selectors).toEqual([
      'ReplicationController:{"name":"a-mysql"}',
      'Service:{"name":"a-mysql"}',
      'ReplicationController:{"name":"b-mysql"}',
      'Service:{"name":"b-mysql"}',
    ]);
  });
});
