import { describe, expect, it } from 'vitest';
import { at, AUTOSCALER, changes, DAY_TWO, MANIFESTS, OBJECTS, OBJECTS_FILE, replicas } from './helpers/output-changes.js';

describe('what applying a change does besides refusing it', () => {
  it('warns, at the setting, that an app given autoscaling drops to one pod on the next apply, with the command that avoids it', () => {
    const autoscaled = DAY_TWO.replace('    replicas: 3\n', '    autoscaling: { minReplicas: 3, maxReplicas: 6 }\n');
    expect(changes(DAY_TWO, autoscaled)).toEqual([
      `${at(autoscaled, '{ minReplicas: 3')}: warning: Deployment data/api: spec.replicas: 3 is no longer written, so kubectl apply removes it and the API server sets the default, 1: ` +
        'the Deployment goes from 3 pods to 1 until HorizontalPodAutoscaler data/api scales it up again\n' +
        '  hint: before applying, remove the field from what kubectl last applied, which changes no pod count: ' +
        'kubectl apply edit-last-applied deployment/api -n data, delete spec.replicas and save; then apply as usual (with server-side apply, hand the field over to the autoscaler instead)',
    ]);
  });

  it("gives, in a stage Flux delivers, the server-side hand-over of spec.replicas, since Flux's apply reads no last-applied configuration", () => {
    const delivered = `${DAY_TWO}delivery: { cluster: nonprod }\n`;
    const autoscaled = delivered.replace('    replicas: 3\n', '    autoscaling: { minReplicas: 3, maxReplicas: 6 }\n');
    expect(changes(delivered, autoscaled, { env: { engine: 'flux' } })).toEqual([
      `${at(autoscaled, '{ minReplicas: 3')}: warning: Deployment data/api: spec.replicas: 3 is no longer written, so Flux's server-side apply removes it (while it owns the field) and the API server sets the default, 1: ` +
        'the Deployment goes from 3 pods to 1 until HorizontalPodAutoscaler data/api scales it up again\n' +
        '  hint: before pushing, hand the field over to the autoscaler, which changes no pod count: ' +
        `echo '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","namespace":"data"},"spec":{"replicas":3}}' | kubectl apply --server-side --field-manager=handover-to-hpa --validate=false -f - ` +
        "(a conflict there means that the autoscaler's manager owns the field already: push as usual, and do not force it, which would set the pods back to 3); then push as usual",
    ]);
    // Argo CD applies client-side, with kubectl's last-applied configuration, as soon as the commit is pushed
    const [argo] = changes(delivered, autoscaled, { env: { engine: 'argocd' } });
    expect(argo).toContain("spec.replicas: 3 is no longer written, so Argo CD's sync (a client-side kubectl apply) removes it");
    expect(argo.split('\n  hint: ')[1]).toBe(
      'before pushing, remove the field from what kubectl last applied, which changes no pod count: kubectl apply edit-last-applied deployment/api -n data, delete spec.replicas and save; then push as usual',
    );
  });

  it('gives, in a stage Flux delivers with no autoscaler in the output (KEDA, scaling done outside), the server-side hand-over, not the last-applied edit Flux has no use for', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const [warning] = changes(delivered, delivered, { was: replicas('2'), env: { engine: 'flux' } });
    expect(warning.split('\n  hint: ')[1]).toBe(
      'write spec.replicas: 2 again; or, if something else sets the number of pods, first hand the field over to what sets it, which changes no pod count: ' +
        `echo '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"data"},"spec":{"replicas":2}}' | kubectl apply --server-side --field-manager=handover-to-hpa --validate=false -f - ` +
        '(a conflict there means that another manager owns the field already: push as usual, and do not force it, which would set the pods back to 2)',
    );
  });

  it('warns at the manifest of a workload whose spec.replicas is removed, and not about one of 1 pod, whose default is the same', () => {
    const edited = replicas('2');
    expect(changes(MANIFESTS, MANIFESTS, { was: edited })).toEqual([
      // at the spec the field left (the mapping under spec:, line 6)
      `${OBJECTS_FILE}:6:3: warning: StatefulSet data/db: spec.replicas: 2 is no longer written, so kubectl apply removes it and the API server sets the default, 1: ` +
        'the StatefulSet goes from 2 pods to 1\n' +
        '  hint: write spec.replicas: 2 again; or, if something else sets the number of pods, first remove the field from what kubectl last applied, ' +
        'which changes no pod count: kubectl apply edit-last-applied statefulset/db -n data, delete spec.replicas and save',
    ]);
    const one = DAY_TWO.replace('replicas: 3', 'replicas: 1');
    expect(changes(one, one.replace('    replicas: 1\n', '    autoscaling: { minReplicas: 1, maxReplicas: 6 }\n'))).toEqual([]);
  });

  it('warns about a workload of 1 pod whose spec.replicas is removed when an autoscaler already scaled it: it drops from what the autoscaler set', () => {
    const edited = `${OBJECTS}${AUTOSCALER}`;
    const warnings = changes(MANIFESTS, MANIFESTS, {
      was: replicas('1', edited),
      objects: edited,
    });
    expect(warnings.map((w) => w.split('\n')[0])).toEqual([
      `${OBJECTS_FILE}:6:3: warning: StatefulSet data/db: spec.replicas: 1 is no longer written, so kubectl apply removes it and the API server sets the default, 1: ` +
        'the StatefulSet drops to 1 pod from the number HorizontalPodAutoscaler data/db scaled it to, until HorizontalPodAutoscaler data/db scales it up again',
    ]);
  });
});

describe('a spec.replicas of null in an included manifest (a Helm value left empty), which kubectl apply sends to remove the field', () => {
  const scaled = `${OBJECTS}${AUTOSCALER}`;

  it('is warned about at the null where it replaces a number: the workload goes to 1 pod', () => {
    const nulled = replicas('null');
    expect(changes(MANIFESTS, MANIFESTS, { was: replicas('2'), objects: nulled })).toEqual([
      `${at(nulled, 'null', OBJECTS_FILE)}: warning: StatefulSet data/db: spec.replicas changes from 2 to null, which kubectl apply sends to remove the field, ` +
        'and the API server sets the default, 1: the StatefulSet goes from 2 pods to 1\n' +
        '  hint: write spec.replicas: 2 again where it is null (a Helm template renders a value left empty as null): every apply of the null sets the StatefulSet to 1 pod again',
    ]);
  });

  it('is warned about where the autoscaler that scaled the workload leaves with it: it drops to 1 pod from what the autoscaler set', () => {
    const nulled = replicas('null');
    expect(changes(MANIFESTS, MANIFESTS, { was: scaled, objects: nulled })).toEqual([
      `${at(nulled, 'null', OBJECTS_FILE)}: warning: StatefulSet data/db: spec.replicas is now null, which kubectl apply sends to remove the field, ` +
        'and the API server sets the default, 1: the StatefulSet drops to 1 pod from the number HorizontalPodAutoscaler data/db scaled it to\n' +
        '  hint: write the number of pods in spec.replicas where it is null (a Helm template renders a value left empty as null): every apply of the null sets the StatefulSet to 1 pod again',
    ]);
  });

  it('is warned about where it stays while the autoscaler leaves: every apply sets the workload to 1 pod, which nothing scales up any more', () => {
    const nulled = replicas('null');
    expect(changes(MANIFESTS, MANIFESTS, { was: replicas('null', scaled), objects: nulled })).toEqual([
      `${at(nulled, 'null', OBJECTS_FILE)}: warning: StatefulSet data/db: HorizontalPodAutoscaler data/db leaves while spec.replicas is null, ` +
        'which kubectl apply sends to remove the field, and the API server sets the default, 1: the StatefulSet drops to 1 pod from the number the autoscaler scaled it to, and nothing scales it up again\n' +
        '  hint: write the number of pods in spec.replicas where it is null (a Helm template renders a value left empty as null), or keep the autoscaler',
    ]);
  });

  it('when left out, with the autoscaler leaving, is warned about: the workload keeps the number the autoscaler last set; not when it is written', () => {
    expect(changes(MANIFESTS, MANIFESTS, { was: scaled, objects: OBJECTS })).toEqual([
      `${at(OBJECTS, 'db }', OBJECTS_FILE)}: warning: StatefulSet data/db: HorizontalPodAutoscaler data/db leaves and the StatefulSet writes no spec.replicas, ` +
        'which kubectl apply then leaves alone: it keeps the number of pods the autoscaler last set, which nothing changes any more\n' +
        '  hint: write the number of pods in spec.replicas, or keep the autoscaler; kubectl get statefulset db -n data shows the number it has now',
    ]);
    expect(changes(MANIFESTS, MANIFESTS, { was: scaled, objects: replicas('3') })).toEqual([]);
  });

  it('is left to refs/autoscaled-replicas while an autoscaler scales the workload, and not warned about where the workload had the default of 1 pod', () => {
    // refs/autoscaled-replicas says it at every synth, with its fix; the edit of the last-applied configuration would not hold
    expect(changes(MANIFESTS, MANIFESTS, { was: scaled, objects: replicas('null', scaled) })).toEqual([]);
    expect(changes(MANIFESTS, MANIFESTS, { was: replicas('3', scaled), objects: replicas('null', scaled) })).toEqual([]);
    expect(changes(MANIFESTS, MANIFESTS, { objects: replicas('null') })).toEqual([]);
    expect(changes(MANIFESTS, MANIFESTS, { was: replicas('1'), objects: replicas('null') })).toEqual([]);
  });
});
