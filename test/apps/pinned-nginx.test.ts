import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { renderStage } from '../../lib/synth/render.js';
import type { KubeObject } from '../../lib/model/object.js';
import { repoStage } from '../helpers/cli.js';

const loader = new StageLoader(STACKS);
const objects = (text: string) =>
  renderStage(loader.load(text, 'environments/mink8s.yaml') as never, STACKS, '0.0.0').charts.flatMap((c) => c.objects);
const find = (all: KubeObject[], kind: string, name: string) => {
  const o = all.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o as KubeObject & { spec: any };
};

describe('pods placed by hand on node mink8s', () => {
  const all = objects(repoStage('mink8s'));

  it('runs Pod nginx (image nginx) pinned with nodeName mink8s, in the stage namespace', () => {
    const nginx = find(all, 'Pod', 'nginx');
    expect(nginx.metadata.namespace).toBe('mink8s');
    expect(nginx.metadata.labels!.app).toBe('nginx');
    expect(nginx.spec).toEqual({ nodeName: 'mink8s', containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] });
  });

  it('puts a Service in front of it, since its IP is not known at synthesis', () => {
    expect(find(all, 'Service', 'nginx').spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'nginx' },
      ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
    });
  });

  it('runs Pod curl (curlimages/curl) on the same node, calling nginx through the env vars of its Service', () => {
    const curl = find(all, 'Pod', 'curl');
    expect(curl.metadata.namespace).toBe('mink8s');
    expect(curl.spec).toEqual({
      nodeName: 'mink8s',
      restartPolicy: 'OnFailure',
      enableServiceLinks: true,
      containers: [
        {
          name: 'curl',
          image: 'curlimages/curl',
          command: ['curl', '--silent', '--show-error', '--fail', 'http://$(NGINX_SERVICE_HOST):$(NGINX_SERVICE_PORT)/'],
        },
      ],
    });
  });

  it('names its pods, Service and env vars from the settings', () => {
    const r = objects(
      'nodes: {a: {}, b: {}}\napps:\n  pinned-nginx: {node: b, server: {name: web-1, port: 8080}, client: {name: probe}}\n',
    );
    expect(find(r, 'Pod', 'web-1').spec.nodeName).toBe('b');
    expect(find(r, 'Service', 'web-1').spec.ports).toEqual([{ port: 8080, targetPort: 8080, protocol: 'TCP' }]);
    expect(find(r, 'Pod', 'probe').spec.containers[0].command[4]).toBe('http://$(WEB_1_SERVICE_HOST):$(WEB_1_SERVICE_PORT)/');
  });

  it('needs node: unless the stage has exactly one node, and only a node of the stage', () => {
    expect(() => objects('nodes: {a: {}, b: {}}\napps:\n  pinned-nginx: {}\n')).toThrow(
      'apps.pinned-nginx needs node: when the stage has 2 nodes (a, b)\n  hint: add `node: <host name>` to say where the pods run',
    );
    expect(() => objects('nodes: {a: {}}\napps:\n  pinned-nginx: {node: z}\n')).toThrow(
      "environments/mink8s.yaml:3:24: apps.pinned-nginx.node names no node of the stage (found 'z')",
    );
  });
});
