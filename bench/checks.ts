/**
 * Throughput of the checks over a large generated stage, in objects per second on one core
 * (this process), for comparison with kubeconform's published ~7,500 resources/s with 8 workers.
 * Not a timed test: run it with `npm run bench -- checks` (optionally `-- checks <apps>`; each app is 6 objects).
 *
 * Reports five figures: the schema check alone, schema + references (what the benchmark
 * requirement names), every check, every check on a stage with thousands of findings, and every
 * check after parsing the stage from YAML text (as `npm run check -- <dir>` does). Validators are compiled lazily, so the first, warm-up
 * pass over a small stage is left out of the timings.
 */
import { checkObjects } from '../lib/checks/index.js';
import { ObjectIndex } from '../lib/checks/object-index.js';
import { checkReferences } from '../lib/checks/references.js';
import { checkSchema } from '../lib/checks/schema.js';
import type { KubeObject } from '../lib/model/object.js';
import { parseManifests } from '../lib/checks/manifests.js';
import { stringify } from 'yaml';

const NS = 'bench';

/** The objects of one app: account, config, secret (keys only), claim, Service, Deployment. */
function app(i: number): KubeObject[] {
  const name = `app-${i}`;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': NS };
  const metadata = { name, namespace: NS, labels };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { LOG_LEVEL: 'info', 'app.properties': 'a=b' } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { ...metadata, annotations: { 'stagecraft.dev/secret-keys': 'username,password' } },
      type: 'Opaque',
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata,
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            containers: [
              {
                name: 'app',
                image: `registry.example.com/${name}:1.${i}`,
                ports: [{ name: 'http', containerPort: 8080 }],
                env: [{ name: 'DB_USER', valueFrom: { secretKeyRef: { name, key: 'username' } } }],
                envFrom: [{ configMapRef: { name } }],
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
                readinessProbe: { tcpSocket: { port: 8080 } },
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: name } }],
          },
        },
      },
    },
  ];
}

function stage(apps: number): KubeObject[] {
  const objects: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }];
  for (let i = 0; i < apps; i++) objects.push(...app(i));
  return objects;
}

function rate(label: string, objects: readonly KubeObject[], run: () => number): void {
  const start = process.hrtime.bigint();
  const findings = run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${label.padEnd(22)} ${objects.length} objects in ${seconds.toFixed(2)} s: ${Math.round(objects.length / seconds)} objects/s (${findings} findings)`,
  );
}

const apps = Number(process.argv[2] ?? 5000);
checkObjects(stage(10)); // warm-up: reads the assembly and compiles the validators used below
const objects = stage(apps);
rate('schema', objects, () => objects.reduce((n, o) => n + checkSchema(o).length, 0));
rate(
  'schema + references',
  objects,
  () => objects.reduce((n, o) => n + checkSchema(o).length, 0) + checkReferences(new ObjectIndex(objects)).length,
);
rate('every check', objects, () => checkObjects(objects).findings.length);
// the same stage with every claim and Secret missing: findings must not make the checks quadratic
const broken = objects.filter((o) => o.kind !== 'PersistentVolumeClaim' && o.kind !== 'Secret');
rate('every check, broken', broken, () => checkObjects(broken).findings.length);
// what `npm run check -- <dir>` adds: parsing YAML with source positions (the yaml library)
const text = objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n');
rate('YAML + every check', objects, () => checkObjects(parseManifests([{ file: 'bench.yaml', text }]).objects).findings.length);
