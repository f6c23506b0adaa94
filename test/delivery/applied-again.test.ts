/** output/applied-again: Flux applying an object whose manifest before it skipped, said only where a field the API server will not change may differ. */
import { describe, expect, it } from 'vitest';
import { compileStage } from '../../lib/compile-stage.js';
import { formatProblem } from '../../lib/errors.js';
import type { KubeObject } from '../../lib/model/object.js';
import { fixedFields } from '../../lib/refused-changes.js';
import { changes, MANIFESTS, OBJECTS, output, source } from '../helpers/output-changes.js';

const DELIVERED = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
const RECONCILE = 'kustomize.toolkit.fluxcd.io/reconcile: disabled';

/** The included objects with the manifest of `kind` whose metadata is `metadata: { name: <name> }` annotated with `annotation`. */
const annotated = (objects: string, kind: string, name: string, annotation: string) =>
  objects.replace(
    `kind: ${kind}\nmetadata: { name: ${name} }\n`,
    `kind: ${kind}\nmetadata: { name: ${name}, annotations: { ${annotation} } }\n`,
  );

/** The applied-again warnings of Flux applying `objects` where the output before had them with `was`. */
const again = (was: string, objects: string) =>
  changes(DELIVERED, DELIVERED, { was, objects, env: { engine: 'flux' } }).filter((w) => w.includes('Flux applies it now'));

describe('output/applied-again', () => {
  it('names the fields the API server will not change that the manifest writes: a Service of a clusterIP', () => {
    const [warning, ...rest] = again(annotated(OBJECTS, 'Service', 'db', RECONCILE), OBJECTS);
    expect(rest).toEqual([]);
    expect(warning).toContain(
      'Service data/db: Flux applies it now, but its manifest before had the annotation kustomize.toolkit.fluxcd.io/reconcile: disabled, so Flux did not update it: ' +
        'the cluster holds it as an older commit last applied it, and where its spec.clusterIP, which the API server will not change, changed since then, the apply is refused: ',
    );
    expect(warning).toContain(
      '  hint: before pushing, compare it with the cluster (kubectl diff -k dist/data, which fails on a refused field): where it differs, write the value',
    );
  });

  it('is not said of an object whose manifest writes no such field: its apply is never refused, whatever the cluster holds', () => {
    // a Service that leaves its clusterIP to the cluster, and a ConfigMap that is not immutable
    const free = OBJECTS.replace('  clusterIP: 10.96.0.50\n', '').replace('immutable: true\n', '');
    expect(again(annotated(annotated(free, 'Service', 'db', RECONCILE), 'ConfigMap', 'settings', RECONCILE), free)).toEqual([]);
    // the same ConfigMap immutable: its data is refused
    const fixed = OBJECTS.replace('  clusterIP: 10.96.0.50\n', '');
    expect(again(annotated(fixed, 'ConfigMap', 'settings', RECONCILE), fixed)).toEqual([
      expect.stringContaining(
        'ConfigMap data/settings: Flux applies it now, but its manifest before had the annotation kustomize.toolkit.fluxcd.io/reconcile: disabled',
      ),
    ]);
    expect(again(annotated(fixed, 'ConfigMap', 'settings', RECONCILE), fixed)[0]).toContain(
      'where its data, which the API server will not change',
    );
  });

  it.each<[string, Partial<KubeObject>, string[]]>([
    ['a Deployment: its selector', { kind: 'Deployment', spec: { replicas: 2, selector: {}, template: {} } }, ['spec.selector']],
    [
      'a claim: its spec but the storage request',
      { kind: 'PersistentVolumeClaim', spec: { accessModes: [], storageClassName: 'x', resources: { requests: {}, limits: {} } } },
      ['spec.accessModes', 'spec.storageClassName', 'spec.resources.limits'],
    ],
    [
      'a PersistentVolume: its source',
      { kind: 'PersistentVolume', spec: { capacity: {}, hostPath: {}, accessModes: [] } },
      ['spec.hostPath'],
    ],
    ['a headless Service', { kind: 'Service', spec: { clusterIP: 'None' } }, ['spec.clusterIP']],
    ['a Service given its clusterIP by the cluster', { kind: 'Service', spec: { clusterIP: '' } }, []],
    ['a mutable ConfigMap', { kind: 'ConfigMap', data: {} }, []],
    ['a ReplicationController, whose selector may change', { kind: 'ReplicationController', spec: { selector: {} } }, []],
  ])('fixedFields of %s', (_, object, paths) => {
    const found = fixedFields({ apiVersion: 'v1', metadata: { name: 'x' }, ...object } as KubeObject);
    expect(found.map((p) => p.join('.'))).toEqual(paths);
  });

  it.each<[string, Partial<KubeObject>, string[]]>([
    ['an immutable Secret writing stringData alone', { kind: 'Secret', immutable: true, stringData: {} }, ['stringData']],
    ['a ConfigMap no longer immutable: from the manifest alone', { kind: 'ConfigMap', data: {} }, []],
    [
      'a NodePort Service without a clusterIP (the cluster may hold None)',
      { kind: 'Service', spec: { type: 'NodePort' } },
      ['spec.clusterIP'],
    ],
    ['a LoadBalancer Service without a clusterIP', { kind: 'Service', spec: { type: 'LoadBalancer' } }, ['spec.clusterIP']],
    ['a ClusterIP Service without a clusterIP, which the API server keeps', { kind: 'Service', spec: { type: 'ClusterIP' } }, []],
  ])('fixedFields of %s', (_, now, paths) => {
    expect(fixedFields({ apiVersion: 'v1', metadata: { name: 'x' }, ...now } as KubeObject).map((p) => p.join('.'))).toEqual(paths);
  });

  /** The codes of every output/ warning about `subject` when Flux applies `objects` where the output before had `was`. */
  const about = (subject: string, was: string, objects: string) => {
    const dist = output(DELIVERED, was);
    const outcome = compileStage(
      source(DELIVERED, objects, (f) => dist.get(f)),
      { engine: 'flux' },
    );
    expect(outcome.problems).toEqual([]);
    return (outcome.notices ?? []).filter((p) => p.code.startsWith('output/') && formatProblem(p).includes(subject)).map((p) => p.code);
  };

  it('says a field the manifest before fixed and the manifest changes once, as output/immutable-field: a ConfigMap no longer immutable', () => {
    const mutable = OBJECTS.replace('  clusterIP: 10.96.0.50\n', '').replace('immutable: true\n', '');
    const was = annotated(OBJECTS.replace('  clusterIP: 10.96.0.50\n', ''), 'ConfigMap', 'settings', RECONCILE);
    expect(about('ConfigMap data/settings', was, mutable)).toEqual(['output/immutable-field']);
  });

  it('says a headless Service made NodePort once, as output/immutable-field, and a ClusterIP Service leaving out its clusterIP not at all', () => {
    const headless = OBJECTS.replace('  clusterIP: 10.96.0.50\n', '  clusterIP: None\n');
    const nodePort = OBJECTS.replace('  clusterIP: 10.96.0.50\n', '  type: NodePort\n');
    expect(about('Service data/db', annotated(headless, 'Service', 'db', RECONCILE), nodePort)).toEqual(['output/immutable-field']);
    // the same NodePort Service, as it was before: the cluster may hold None all the same (an older commit), and the apply is refused
    const [warning, ...rest] = again(annotated(nodePort, 'Service', 'db', RECONCILE), nodePort);
    expect(rest).toEqual([]);
    expect(warning).toContain('where its spec.clusterIP, which the API server will not change');
    // a ClusterIP Service that leaves out the clusterIP it wrote before: the API server keeps the one it has, nothing refused
    const free = OBJECTS.replace('  clusterIP: 10.96.0.50\n', '');
    expect(about('Service data/db', annotated(OBJECTS, 'Service', 'db', RECONCILE), free)).toEqual([]);
  });
});
