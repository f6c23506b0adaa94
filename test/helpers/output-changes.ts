/** Compiling the test stage `data` over an output of it, for the tests of what an output's change costs (lib/output-changes.ts and the delivery options it reads). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { compileStage, type StageEnvironment, type StageSource } from '../../lib/compile-stage.js';
import { formatProblem, type Problem } from '../../lib/errors.js';
import { textTree } from '../../lib/synth/file-content.js';
import { REPO } from './cli.js';

/** The test stage's file, and its stage file of a demoapp with volumes. */

export const FILE = 'environments/data.yaml';
export const STAGE = readFileSync(join(REPO, 'test/fixtures/stages/data-volumes.yaml'), 'utf8');
export const OBJECTS_FILE = 'objects/all.yaml';
export const OBJECTS = readFileSync(join(REPO, 'test/fixtures/manifests/immutable/objects.yaml'), 'utf8');
export const MANIFESTS = `apps:\n  legacy:\n    stack: manifests\n    include: [${OBJECTS_FILE}]\n`;

/** The output of compiling `text` as stage `data`, as text by file. */
export function output(text: string, objects = OBJECTS): Map<string, string> {
  const outcome = compileStage(source(text, objects), {});
  expect(outcome.problems).toEqual([]);
  return textTree(outcome.files!);
}

/** Stage `data` of `text`, whose manifests app includes `objects`, over the output `readOutput` reads. */
export function source(text: string, objects: string, readOutput?: StageSource['readOutput']): StageSource {
  return {
    stage: 'data',
    file: FILE,
    text,
    readSource: (p) => (p === OBJECTS_FILE ? new Map([[p, objects]]) : undefined),
    ...(readOutput ? { readOutput } : {}),
  };
}

/**
 * The warnings of lib/output-changes.ts when `after` is compiled over the output of `before` (the included
 * objects `was` before and `objects` after), as the CLI prints them; `read` lists the files read.
 */
export function changes(
  before: string,
  after: string,
  { objects = OBJECTS, was = OBJECTS, read = [] as string[], env = {} as StageEnvironment } = {},
): string[] {
  const dist = output(before, was);
  const outcome = compileStage(
    source(after, objects, (f) => {
      read.push(f);
      return dist.get(f);
    }),
    env,
  );
  expect(outcome.problems).toEqual([]);
  return (outcome.notices ?? []).filter((p: Problem) => p.code.startsWith('output/')).map(formatProblem);
}

/** `file:line:col` of the first line of `text` holding `needle`, at its column (1-based). */
export function at(text: string, needle: string, file = FILE): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line with ${needle}`);
  return `${file}:${i + 1}:${lines[i].indexOf(needle) + 1}`;
}

/** The day-two stage (test/fixtures/stages/day-two.yaml): an autoscaled demoapp. */
export const DAY_TWO = readFileSync(join(REPO, 'test/fixtures/stages/day-two.yaml'), 'utf8');

/** The included objects with a StatefulSet that makes a claim per pod (volumeClaimTemplates). */
export const WITH_CLAIM_TEMPLATES = OBJECTS.replace(
  '          readinessProbe: { tcpSocket: { port: 5432 } }\n',
  '          readinessProbe: { tcpSocket: { port: 5432 } }\n' +
    '          volumeMounts: [{ name: data, mountPath: /var/lib/postgresql/data }]\n' +
    '  volumeClaimTemplates: [{ metadata: { name: data }, spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } } }]\n',
);

/** A PersistentVolume of the StorageClass 'fixed', for the included objects. */
export const VOLUME =
  '---\napiVersion: v1\nkind: PersistentVolume\nmetadata: { name: local-data }\nspec:\n' +
  '  capacity: { storage: 1Gi }\n  accessModes: [ReadWriteOnce]\n  storageClassName: fixed\n  hostPath: { path: /data/local }\n';

/** A HorizontalPodAutoscaler of the included StatefulSet db, for the included objects. */
export const AUTOSCALER =
  '---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: db }\nspec:\n' +
  '  scaleTargetRef: { apiVersion: apps/v1, kind: StatefulSet, name: db }\n  minReplicas: 2\n  maxReplicas: 4\n' +
  '  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } } }]\n';

/** The included objects (`objects`) with `replicas: <value>` in the StatefulSet db's spec. */
export const replicas = (value: string, objects = OBJECTS) =>
  objects.replace('  serviceName: db\n', `  serviceName: db\n  replicas: ${value}\n`);

/** The test stage with its demoapp renamed shop (stack: demoapp). */
export const RENAMED = STAGE.replace('  demoapp:\n', '  shop:\n    stack: demoapp\n');
