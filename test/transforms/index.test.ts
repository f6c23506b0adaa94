import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { StageContext } from '../../lib/stack.js';
import type { KubeObject } from '../../lib/model/object.js';
import { transform, type ChartContext } from '../../lib/transforms/index.js';
import { problemsThrownBy } from '../helpers/problems.js';

const stage = (architecture: StageContext['architecture']): StageContext => ({
  name: 'pi',
  namespace: 'pi',
  architecture,
  partOf: 'pi',
  nodes: [],
  images: { substitute: {}, native: [] },
});
const context = (architecture: StageContext['architecture']): ChartContext => ({
  stage: stage(architecture),
  stack: 'manifests',
  instance: 'legacy',
  version: '1',
});

/** A Deployment pinned to arm64 whose container runs `image`. */
const pinned = (image: string): KubeObject[] =>
  parse(`
- apiVersion: apps/v1
  kind: Deployment
  metadata: { name: web }
  spec:
    selector: { matchLabels: { app: web } }
    template:
      metadata: { labels: { app: web } }
      spec:
        nodeSelector: { kubernetes.io/arch: arm64 }
        containers: [{ name: web, image: "${image}" }]`) as KubeObject[];

describe('the transforms of an app', () => {
  it("report every transform's problems at once, each naming the app, not only the first transform's", () => {
    const problems = problemsThrownBy(() => transform(pinned('example.com/web:1'), context('arm')));
    expect(problems.map((p) => [p.code, p.subject, p.field?.app])).toEqual([
      ['images/no-build-for-architecture', 'Deployment pi/web', 'legacy'],
      ['images/architecture-conflict', 'Deployment pi/web', 'legacy'],
    ]);
  });

  it('give the same objects as before for objects they accept', () => {
    const [web] = transform(pinned('nginx:1.25'), context('arm64'));
    expect(web.metadata).toMatchObject({ name: 'web', namespace: 'pi', labels: { 'app.kubernetes.io/instance': 'legacy-pi' } });
    expect(web.spec).toMatchObject({
      template: { spec: { nodeSelector: { 'kubernetes.io/arch': 'arm64' }, containers: [{ image: 'nginx:1.25' }] } },
    });
  });
});
