import { describe, expect, it } from 'vitest';
import { addStandardLabels, STAGE_LABEL } from '../../lib/transforms/labels.js';

const options = { stage: 'sec', app: 'manifests', instance: 'sec', version: 'latest', partOf: 'sec' };
const MANAGED = 'app.kubernetes.io/managed-by';

/** A Deployment whose metadata and pod template carry `labels`, selecting `app: web`. */
const deployment = (labels: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', ...labels } }, spec: {} } },
});

describe('addStandardLabels', () => {
  it("makes the two ownership labels stagecraft's on an object that carries others (Helm's, another stage's), so the stage's prune finds it", () => {
    const [out] = addStandardLabels([deployment({ [MANAGED]: 'Helm', [STAGE_LABEL]: 'qa', tier: 'front' })], options);
    expect(out.metadata.labels).toMatchObject({ [MANAGED]: 'stagecraft', [STAGE_LABEL]: 'sec', tier: 'front' });
  });

  it("lets an object's other labels win over the standard ones", () => {
    const [out] = addStandardLabels([deployment({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/version': '2.1' })], options);
    expect(out.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/version': '2.1' });
  });

  it("keeps a pod template's own labels, ownership labels too, so that its workload's selector still matches it", () => {
    const [out] = addStandardLabels([deployment({ [MANAGED]: 'Helm', [STAGE_LABEL]: 'qa' })], options);
    const template = (out.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
    expect(template.metadata.labels).toMatchObject({
      app: 'web',
      [MANAGED]: 'Helm',
      [STAGE_LABEL]: 'qa',
      'app.kubernetes.io/part-of': 'sec',
    });
  });

  it("leaves pod templates as written when told to (a team's own manifests), labelling the workload alone", () => {
    const [out] = addStandardLabels([deployment({ tier: 'front' })], options, { podTemplates: false });
    expect((out.spec as { template: { metadata: unknown } }).template.metadata).toEqual({ labels: { app: 'web', tier: 'front' } });
    expect(out.metadata.labels).toMatchObject({ [MANAGED]: 'stagecraft', [STAGE_LABEL]: 'sec', tier: 'front' });
  });

  it('writes the labels in sorted order, where the object had none of them', () => {
    const [out] = addStandardLabels([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }], options);
    const keys = Object.keys(out.metadata.labels ?? {});
    expect(keys).toEqual([...keys].sort());
  });

  it('does not change the objects it is given', () => {
    const input = deployment({ [MANAGED]: 'Helm' });
    addStandardLabels([input], options);
    expect(input.metadata.labels).toEqual({ [MANAGED]: 'Helm' });
  });
});
