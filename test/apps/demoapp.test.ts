import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { renderStage } from '../../lib/synth/render.js';
import { podTemplateOf } from '../../lib/model/pod-specs.js';
import type { KubeObject } from '../../lib/model/object.js';
import { repoStage } from '../helpers/cli.js';

const loader = new StageLoader(STACKS);
type Obj = KubeObject & { spec: any; [k: string]: any };
function render(stage: string, text = repoStage(stage)): Obj[] {
  return renderStage(loader.load(text, `environments/${stage}.yaml`) as never, STACKS, '0.0.0').charts.flatMap((c) => c.objects) as Obj[];
}
const find = (objects: Obj[], kind: string, name: string): Obj => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};
const container = (o: Obj, index = 0) => podTemplateOf(o)!.spec!.containers && (podTemplateOf(o)!.spec!.containers as any[])[index];

/** The Deployments of a stage rolling in place (one) or blue/green (one per color, the Service on the live one), with the labels they select. */
interface AppDeployments {
  readonly deployments: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly live: string;
}
const ROLLING: AppDeployments = { deployments: { demoapp: { name: 'demoapp' } }, live: 'demoapp' };
const BLUE_GREEN: AppDeployments = {
  deployments: { 'demoapp-blue': { name: 'demoapp', color: 'blue' }, 'demoapp-green': { name: 'demoapp', color: 'green' } },
  live: 'demoapp-blue',
};

/** What the issue asks of each stage. */
const STAGES = {
  dev: {
    app: ROLLING,
    replicas: 1,
    hpa: undefined,
    serviceType: 'NodePort',
    nodePort: 30080,
    storage: '1Gi',
    host: 'demoapp.dev.example.com',
  },
  test: {
    app: ROLLING,
    replicas: 2,
    hpa: [2, 4],
    serviceType: 'NodePort',
    nodePort: 30081,
    storage: '2Gi',
    host: 'demoapp.test.example.com',
  },
  qa: {
    app: ROLLING,
    replicas: 2,
    hpa: [2, 4],
    serviceType: 'ClusterIP',
    nodePort: undefined,
    storage: '2Gi',
    host: 'demoapp.qa.example.com',
  },
  production: {
    app: BLUE_GREEN,
    replicas: 3,
    hpa: [3, 10],
    serviceType: 'LoadBalancer',
    nodePort: undefined,
    storage: '10Gi',
    host: 'demoapp.example.com',
  },
} as const;

describe.each(Object.entries(STAGES))('the %s stage (section E)', (stage, want) => {
  const objects = render(stage);
  const deployments = Object.keys(want.app.deployments).map((name) => find(objects, 'Deployment', name));
  /** Runs `check` on every Deployment of the app and its container. */
  const eachDeployment = (check: (deployment: Obj, app: any) => void) =>
    deployments.forEach((d) => {
      check(d, container(d));
    });
  // the container traffic goes to: of the only Deployment, or of the live color's
  const app = container(find(objects, 'Deployment', want.app.live));

  it('puts every namespaced object in the namespace of the stage', () => {
    for (const o of objects.filter((x) => !['Namespace', 'PersistentVolume'].includes(x.kind))) expect(o.metadata.namespace).toBe(stage);
  });

  it(`runs demoapp:1 as ${Object.keys(want.app.deployments)
    .map((n) => `Deployment ${n}`)
    .join(
      ' and ',
    )} ${want.hpa ? 'with no replicas of its own (the autoscaler sets them)' : `of ${want.replicas}`}, rolling with maxUnavailable 0`, () => {
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(Object.keys(want.app.deployments));
    eachDeployment((deployment, app) => {
      const selector = want.app.deployments[deployment.metadata.name!];
      // an autoscaled Deployment has no spec.replicas: kubectl apply would scale it back to that number during a load peak
      if (want.hpa) expect(deployment.spec).not.toHaveProperty('replicas');
      else expect(deployment.spec.replicas).toBe(want.replicas);
      expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
      expect(app.name).toBe('demoapp');
      expect(app.image).toBe('demoapp:1');
      expect(app.imagePullPolicy).toBe('IfNotPresent');
      expect(deployment.metadata.labels!['app.kubernetes.io/version']).toBe('1');
      expect(deployment.spec.selector.matchLabels).toEqual(selector);
      expect(deployment.spec.template.metadata.labels).toMatchObject({ ...selector, 'app.kubernetes.io/version': '1' });
      expect(app.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    });
  });

  it('checks health over HTTP on the app port: liveness, readiness and startup', () =>
    eachDeployment((_, app) => {
      expect(app.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
      expect(app.readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080, scheme: 'HTTP' });
      expect(app.startupProbe.httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
      expect(app.readinessProbe.periodSeconds).toBe(5);
    }));

  it('has resource requests and limits, and tells metrics collectors where to scrape', () =>
    eachDeployment((deployment, app) => {
      expect(Object.keys(app.resources.requests).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(app.resources.limits).sort()).toEqual(['cpu', 'memory']);
      expect(deployment.spec.template.metadata.annotations).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/path': '/metrics',
        'prometheus.io/port': '8080',
      });
    }));

  it('runs the app as the restricted Pod Security level allows, with a writable /tmp', () =>
    eachDeployment((deployment, app) => {
      expect(app.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(app.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
    }));

  it(`exposes it as Service demoapp, port 8080 to the container's port, type ${want.serviceType}`, () => {
    const svc = find(objects, 'Service', 'demoapp');
    expect(svc.spec.type).toBe(want.serviceType);
    expect(svc.spec.selector).toEqual(find(objects, 'Deployment', want.app.live).spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([
      { port: 8080, targetPort: 'http', protocol: 'TCP', ...(want.nodePort ? { nodePort: want.nodePort } : {}) },
    ]);
    expect(app.ports.map((p: any) => p.name)).toContain(svc.spec.ports[0].targetPort);
  });

  it(`routes https://${want.host}/ to the Service, TLS by secret name`, () => {
    const ing = find(objects, 'Ingress', 'demoapp');
    expect(ing.spec.tls).toEqual([{ hosts: [want.host], secretName: 'demoapp-tls' }]);
    expect(ing.spec.rules).toEqual([
      {
        host: want.host,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'demoapp', port: { number: 8080 } } } }] },
      },
    ]);
  });

  it('runs mysql as ReplicationController mysql-1 behind Service mysql on port 3306', () => {
    const rc = find(objects, 'ReplicationController', 'mysql-1');
    const svc = find(objects, 'Service', 'mysql');
    expect(rc.spec.replicas).toBe(1);
    expect(rc.spec.selector).toEqual({ name: 'mysql' });
    expect(rc.spec.template.metadata.labels).toMatchObject({ name: 'mysql' });
    const db = container(rc);
    expect(db.image).toBe('mysql:8.0');
    expect(db.ports).toEqual([{ name: 'mysql', containerPort: 3306, protocol: 'TCP' }]);
    expect(db.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/mysql' }]);
    expect(rc.spec.template.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'mysql' } }]);
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      selector: { name: 'mysql' },
      ports: [{ port: 3306, targetPort: 'mysql', protocol: 'TCP' }],
    });
  });

  it('declares why mysql runs as root (its added capabilities are all allowed by the baseline)', () => {
    const rc = find(objects, 'ReplicationController', 'mysql-1');
    expect(Object.keys(rc.metadata.annotations!).sort()).toEqual(['policy.stagecraft.dev/run-as-root']);
    expect(container(rc).securityContext).toMatchObject({
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it(`keeps mysql data on PersistentVolume mysqlvolume-${stage} (${want.storage}, Retain) bound to claim mysql`, () => {
    const pv = find(objects, 'PersistentVolume', `mysqlvolume-${stage}`);
    const pvc = find(objects, 'PersistentVolumeClaim', 'mysql');
    expect(pv.metadata.namespace).toBeUndefined();
    expect(pv.spec).toEqual({
      capacity: { storage: want.storage },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      hostPath: { path: `/data/volumes/mysql-${stage}`, type: 'DirectoryOrCreate' },
    });
    expect(pvc.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: want.storage } },
      storageClassName: '',
      volumeName: pv.metadata.name,
    });
  });

  it('gives every claim a volume of the same size and access mode, and every mounted claim exists', () => {
    const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim');
    for (const pvc of claims) {
      const pv = find(objects, 'PersistentVolume', pvc.spec.volumeName);
      expect(pv.spec.capacity.storage).toBe(pvc.spec.resources.requests.storage);
      expect(pv.spec.accessModes).toEqual(pvc.spec.accessModes);
      expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    }
    const mounted = objects.flatMap((o) =>
      ((podTemplateOf(o)?.spec?.volumes ?? []) as any[])
        .filter((v) => v.persistentVolumeClaim)
        .map((v) => v.persistentVolumeClaim.claimName),
    );
    expect(mounted.sort()).toEqual(['mysql', 'mysql-backup']);
    for (const claim of mounted) find(objects, 'PersistentVolumeClaim', claim);
  });

  it('reads credentials only by secretKeyRef, and only keys the stage file declares', () => {
    const declared = STACKS.demoapp.secrets!(
      'demoapp',
      loader.load(repoStage(stage), `environments/${stage}.yaml`).apps.find((a) => a.name === 'demoapp')!.settings as never,
      { name: stage } as never,
    );
    expect(declared[0]).toEqual({ name: 'mysqlsecret', keys: ['username', 'password', 'database'], path: ['database', 'secret'] });
    expect(declared.slice(1)).toEqual([
      { name: 'demoapp-tls', keys: ['tls.crt', 'tls.key'], path: ['ingress', 'tlsSecret'], external: true },
    ]);
    const refs = objects.flatMap((o) =>
      ((podTemplateOf(o)?.spec?.containers ?? []) as any[]).flatMap((c) => (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef)),
    );
    expect(refs.length).toBe(3 * deployments.length + 6); // 3 each: demoapp (per color), mysql, mysqldump
    for (const e of refs) {
      expect(e.valueFrom.secretKeyRef.name).toBe('mysqlsecret');
      expect(declared[0].keys).toContain(e.valueFrom.secretKeyRef.key);
    }
    eachDeployment((_, app) =>
      expect(app.env).toEqual([
        { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'mysqlsecret', key: 'username' } } },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'mysqlsecret', key: 'password' } } },
        { name: 'DB_SCHEMA', valueFrom: { secretKeyRef: { name: 'mysqlsecret', key: 'database' } } },
      ]),
    );
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('gives the app its ConfigMap demoapp-config-<hash>, readable by its ServiceAccount', () => {
    const cms = objects.filter((o) => o.kind === 'ConfigMap');
    expect(cms).toHaveLength(1);
    const cm = cms[0];
    expect(cm.metadata.name).toMatch(/^demoapp-config-[0-9a-f]{10}$/);
    expect(cm.data).toMatchObject({ DB_HOST: 'mysql', DB_PORT: '3306', APP_ENVIRONMENT: stage });
    eachDeployment((deployment, app) => {
      expect(app.envFrom).toEqual([{ configMapRef: { name: cm.metadata.name } }]);
      expect(deployment.spec.template.spec.serviceAccountName).toBe('demoapp');
    });
    expect(find(objects, 'ServiceAccount', 'demoapp').automountServiceAccountToken).toBe(false);
    expect(find(objects, 'Role', 'demoapp').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: [cm.metadata.name], verbs: ['get'] },
    ]);
    const binding = find(objects, 'RoleBinding', 'demoapp');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'demoapp' });
    expect(binding.subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'demoapp', namespace: stage }]);
  });

  it(want.hpa ? `autoscales each Deployment of demoapp on CPU from ${want.hpa[0]} to ${want.hpa[1]} pods` : 'does not autoscale', () => {
    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    if (!want.hpa) return expect(hpas).toEqual([]);
    // one autoscaler per Deployment, named after it
    expect(hpas.map((h) => h.metadata.name)).toEqual(Object.keys(want.app.deployments));
    for (const hpa of hpas) {
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec).toMatchObject({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: hpa.metadata.name },
        minReplicas: want.hpa[0],
        maxReplicas: want.hpa[1],
      });
      expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    }
  });

  it('backs mysql up nightly with mysqldump into claim mysql-backup, with the credentials of the Secret', () => {
    const cron = find(objects, 'CronJob', 'mysql-backup');
    expect(cron.spec.schedule).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const c = container(cron);
    expect(c.image).toBe('mysql:8.0');
    expect(c.command[2]).toContain('mysqldump --host="$MYSQL_HOST"');
    expect(c.env[0]).toEqual({ name: 'MYSQL_HOST', value: 'mysql' });
    expect(c.volumeMounts).toEqual([{ name: 'backup', mountPath: '/backup' }]);
    expect(cron.metadata.annotations).toHaveProperty(['policy.stagecraft.dev/run-as-root']);
    expect(find(objects, 'PersistentVolume', `mysqlbackup-${stage}`).spec.hostPath.path).toBe(`/data/volumes/mysql-backup-${stage}`);
  });
});

describe('the Pod Security "baseline" level', () => {
  /** What baseline allows a container to add: the runtime's default capabilities. */
  const BASELINE_CAPABILITIES = [
    'AUDIT_WRITE',
    'CHOWN',
    'DAC_OVERRIDE',
    'FOWNER',
    'FSETID',
    'KILL',
    'MKNOD',
    'NET_BIND_SERVICE',
    'SETFCAP',
    'SETGID',
    'SETPCAP',
    'SETUID',
    'SYS_CHROOT',
  ];

  it.each(Object.keys(STAGES))('holds for every pod of %s, with a deliberate security context and pull policy per container', (stage) => {
    const withPods = render(stage).filter((o) => podTemplateOf(o)?.spec);
    expect(withPods.length).toBeGreaterThan(0);
    for (const o of withPods) {
      const pod = podTemplateOf(o)!.spec as any;
      expect(pod.hostNetwork ?? false).toBe(false);
      expect(pod.hostPID ?? false).toBe(false);
      expect(pod.hostIPC ?? false).toBe(false);
      expect((pod.volumes ?? []).filter((v: any) => v.hostPath)).toEqual([]);
      for (const c of pod.containers) {
        expect(c.imagePullPolicy, `${o.kind} ${o.metadata.name}`).toBe('IfNotPresent');
        expect(c.securityContext.privileged ?? false).toBe(false);
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
        expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
        for (const cap of c.securityContext.capabilities.add ?? []) expect(BASELINE_CAPABILITIES).toContain(cap);
        expect((c.ports ?? []).filter((p: any) => p.hostPort)).toEqual([]);
      }
    }
  });
});

describe('the stage files', () => {
  it('differ in their stage settings only: the same stack code renders all four', () => {
    const kinds = (stage: string) =>
      render(stage).map((o) => `${o.kind}/${o.metadata.name?.replace(stage, '<stage>').replace(/config-[0-9a-f]+$/, 'config-<hash>')}`);
    const perColor = ['Deployment/demoapp', 'HorizontalPodAutoscaler/demoapp'];
    expect(kinds('test')).toEqual(kinds('qa'));
    // production runs blue/green: a Deployment and an autoscaler per color
    expect(kinds('production')).toEqual(kinds('qa').flatMap((k) => (perColor.includes(k) ? [`${k}-blue`, `${k}-green`] : [k])));
    expect(kinds('dev')).toEqual(kinds('qa').filter((k) => k !== 'HorizontalPodAutoscaler/demoapp'));
  });
});
