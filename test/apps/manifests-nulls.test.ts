import { describe, expect, it } from 'vitest';
import { compileStages, type StageSource } from '../../lib/compile.js';
import { toYaml } from '../../lib/synth/serialize.js';
import { widgetCrd } from '../helpers/widget-crd.js';

/** A stage whose app `legacy` includes the files `files` (path under in/ -> text). */
const including = (files: Record<string, string>): StageSource => ({
  stage: 'imported',
  file: 'environments/imported.yaml',
  text: 'apps:\n  legacy:\n    stack: manifests\n    include: [in]\n',
  readSource: (p) => (p === 'in' ? new Map(Object.entries(files).map(([f, t]) => [`in/${f}`, t])) : undefined),
});

const objectsOf = (source: StageSource) => compileStages([source]).stages[0].charts.flatMap((c) => c.objects);

/** A Deployment with nulls where kubectl apply sends them: `replicas` as `null`, the others as `empty` writes them. */
const deployment = (empty: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, creationTimestamp: null }
spec:
  replicas: null
  revisionHistoryLimit:${empty}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      schedulerName:${empty}
      securityContext: { runAsUser: null }
      containers:
        - name: web
          image: nginx:1.25
          resources: {}
      tolerations: null
`;

describe('a null in a field of an included object', () => {
  // ` null` is read by the block reader; a value left empty (as Helm renders one) by the yaml library
  for (const [reader, empty] of [
    ['block reader', ' null'],
    ['yaml library', ''],
  ]) {
    it(`is written to dist/ as null, as kubectl apply sends it to clear the field of the live object (${reader})`, () => {
      const web = objectsOf(including({ 'web.yaml': deployment(empty) })).find((o) => o.kind === 'Deployment')!;
      expect(web.spec).toMatchObject({
        replicas: null,
        revisionHistoryLimit: null,
        template: { spec: { schedulerName: null, securityContext: { runAsUser: null }, tolerations: null } },
      });
      // in cdk8s's order, the fields around it kept: an empty mapping stays an empty mapping
      expect(Object.keys(web.spec as object)).toEqual(['replicas', 'revisionHistoryLimit', 'selector', 'template']);
      expect(web.spec).toMatchObject({ template: { spec: { containers: [{ resources: {} }] } } });
      // the object's own metadata is cdk8s's, written without its nulls (the API server sets creationTimestamp)
      expect(Object.hasOwn(web.metadata, 'creationTimestamp')).toBe(false);
      const yaml = toYaml(web);
      for (const line of ['  replicas: null', '      schedulerName: null', '        runAsUser: null', '      tolerations: null'])
        expect(yaml).toContain(`${line}\n`);
    });
  }

  it('of spec.replicas, on a workload an autoscaler scales, is warned about at the autoscaler: every apply sets it back to 1 pod', () => {
    const hpa =
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: web }\nspec:\n' +
      '  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }\n  minReplicas: 2\n  maxReplicas: 4\n';
    const compiled = compileStages([including({ 'web.yaml': deployment(' null'), 'hpa.yaml': hpa })]);
    const found = compiled.checks.get('imported')!.findings.filter((f) => f.code === 'refs/autoscaled-replicas');
    expect(found.map((f) => `${f.severity} ${f.object.kind}: ${f.message}`)).toEqual([
      "warning HorizontalPodAutoscaler: scales Deployment 'web', which has spec.replicas: null: an apply sends it to remove the field, " +
        'and the API server sets the default: every apply sets it back to 1 pod (kubectl apply; Flux at every interval of the stage; ' +
        'Argo CD at every sync and, with selfHeal, within seconds of each scaling, so that the two fight for as long as the load lasts, ' +
        'pods started and stopped again and again, the Deployment never above 1 pod for long), in the middle of a load peak too',
    ]);
  });

  it("is kept in a custom resource's field that its CRD makes nullable", () => {
    const crd = widgetCrd('Namespaced', { owner: '{ type: string, nullable: true }', size: '{ type: integer }' });
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { owner: null, size: 3 }\n';
    const compiled = compileStages([including({ 'crd.yaml': crd, 'widget.yaml': widget })]);
    const object = compiled.stages[0].charts.flatMap((c) => c.objects).find((o) => o.kind === 'Widget')!;
    expect(object.spec).toEqual({ owner: null, size: 3 });
    expect(compiled.checks.get('imported')!.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
