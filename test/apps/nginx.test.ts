import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { renderStage } from '../../lib/synth/render.js';
import type { KubeObject } from '../../lib/model/object.js';
import { repoStage } from '../helpers/cli.js';

const loader = new StageLoader(STACKS);
function render(text: string, file = 'environments/lab.yaml'): KubeObject[] {
  return renderStage(loader.load(text, file) as never, STACKS, '0.0.0').charts.flatMap((c) => c.objects);
}
const find = (objects: KubeObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o as KubeObject & { spec: any };
};

describe('the lab stage (section C: three-VM cluster)', () => {
  const objects = render(repoStage('lab'));

  it('creates the namespace lab', () => {
    expect(find(objects, 'Namespace', 'lab').metadata.namespace).toBeUndefined();
  });

  it('runs nginx as a ReplicationController: 3 replicas, selector app: nginx, image nginx, port 80', () => {
    const rc = find(objects, 'ReplicationController', 'nginx');
    expect(rc.apiVersion).toBe('v1');
    expect(rc.metadata.namespace).toBe('lab');
    expect(rc.spec.replicas).toBe(3);
    expect(rc.spec.selector).toEqual({ app: 'nginx' });
    expect(rc.spec.template.metadata.labels.app).toBe('nginx');
    expect(rc.spec.template.spec.containers).toEqual([
      { name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: '/', port: 80 } } },
    ]);
  });

  it('exposes it as `kubectl expose rc nginx --type NodePort` does, on the fixed node port the edge sends traffic to', () => {
    const svc = find(objects, 'Service', 'nginx');
    expect(svc.metadata.namespace).toBe('lab');
    expect(svc.spec).toEqual({
      type: 'NodePort',
      selector: { app: 'nginx' },
      ports: [{ port: 80, targetPort: 80, protocol: 'TCP', nodePort: 30080 }],
    });
  });

  it('puts the standard labels on every object and pod template', () => {
    for (const o of objects) {
      expect(Object.keys(o.metadata.labels ?? {})).toEqual(
        expect.arrayContaining([
          'app.kubernetes.io/name',
          'app.kubernetes.io/instance',
          'app.kubernetes.io/version',
          'app.kubernetes.io/part-of',
          'app.kubernetes.io/managed-by',
          'stagecraft.dev/stage',
        ]),
      );
    }
    const rc = find(objects, 'ReplicationController', 'nginx');
    expect(rc.spec.template.metadata.labels['app.kubernetes.io/instance']).toBe('nginx-lab');
    expect(rc.metadata.labels!['app.kubernetes.io/version']).toBe('latest');
  });

  it('opens a NodePort when the stage file asks for one', () => {
    const svc = find(
      render('apps:\n  nginx:\n    replicas: 5\n    image: nginx:1.27\n    service: {type: NodePort, nodePort: 30080}\n'),
      'Service',
      'nginx',
    );
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports).toEqual([{ port: 80, targetPort: 80, protocol: 'TCP', nodePort: 30080 }]);
    expect(svc.metadata.labels!['app.kubernetes.io/version']).toBe('1.27');
  });

  it('scales through the stage file alone (kubectl scale rc nginx --replicas=5)', () => {
    const rc = find(render('apps:\n  nginx:\n    replicas: 5\n'), 'ReplicationController', 'nginx');
    expect(rc.spec.replicas).toBe(5);
  });
});

describe('another instance of the nginx stack', () => {
  it('names its objects, selector and instance label after the instance', () => {
    const objects = render('apps:\n  web:\n    stack: nginx\n    replicas: 2\n');
    const rc = find(objects, 'ReplicationController', 'web');
    expect(rc.spec.selector).toEqual({ app: 'web' });
    expect(rc.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'nginx', 'app.kubernetes.io/instance': 'web-lab' });
    expect(find(objects, 'Service', 'web').spec.selector).toEqual({ app: 'web' });
  });
});
