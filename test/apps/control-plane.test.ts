import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { renderStage } from '../../lib/synth/render.js';
import type { RenderedStage } from '../../lib/synth/rendered.js';
import type { KubeObject } from '../../lib/model/object.js';
import { repoStage } from '../helpers/cli.js';

const loader = new StageLoader(STACKS);
const render = (text: string, file = 'environments/mink8s.yaml'): RenderedStage =>
  renderStage(loader.load(text, file) as never, STACKS, '0.0.0');
const nodeFile = (r: RenderedStage, node: string, file: string) => {
  const f = r.nodeFiles.find((x) => x.node === node && x.file === file);
  if (!f) throw new Error(`no node file ${node}/${file}`);
  return f.document as KubeObject & { spec: any; [k: string]: any };
};
const find = (r: RenderedStage, kind: string, namespace: string, name: string) => {
  const o = r.charts
    .flatMap((c) => c.objects)
    .find((x) => x.kind === kind && x.metadata.name === name && x.metadata.namespace === namespace);
  if (!o) throw new Error(`no ${kind} ${namespace}/${name}`);
  return o as KubeObject & { [k: string]: any };
};
/** The mink8s stage file with its etcd settings replaced. */
const withEtcd = (etcd: string) => repoStage('mink8s').replace(/ {4}etcd:\n(?: {6}.*\n)+/, `    etcd:\n${etcd}`);

describe('the mink8s stage (section B: a control plane started by hand)', () => {
  const r = render(repoStage('mink8s'));

  it('writes the node files of node mink8s', () => {
    expect(r.nodeFiles.map((f) => `${f.node}/${f.file}`)).toEqual([
      'mink8s/etcd.yaml',
      'mink8s/hello.yaml',
      'mink8s/kube-apiserver.yaml',
      'mink8s/kubeconfig.yaml',
    ]);
  });

  it('runs etcd as a static pod in kube-system: image, command, hostNetwork, hostPath /var/lib/etcd DirectoryOrCreate', () => {
    const etcd = nodeFile(r, 'mink8s', 'etcd.yaml');
    expect([etcd.apiVersion, etcd.kind, etcd.metadata.name, etcd.metadata.namespace]).toEqual(['v1', 'Pod', 'etcd', 'kube-system']);
    expect(etcd.spec).toEqual({
      hostNetwork: true,
      containers: [
        {
          name: 'etcd',
          image: 'k8s.gcr.io/etcd:3.4.3-0',
          command: ['etcd', '--data-dir=/var/lib/etcd'],
          volumeMounts: [{ name: 'data', mountPath: '/var/lib/etcd' }],
        },
      ],
      volumes: [{ name: 'data', hostPath: { path: '/var/lib/etcd', type: 'DirectoryOrCreate' } }],
    });
  });

  it('runs kube-apiserver as a static pod in kube-system, pointed at etcd', () => {
    const api = nodeFile(r, 'mink8s', 'kube-apiserver.yaml');
    expect([api.apiVersion, api.kind, api.metadata.name, api.metadata.namespace]).toEqual(['v1', 'Pod', 'kube-apiserver', 'kube-system']);
    expect(api.spec).toEqual({
      hostNetwork: true,
      containers: [
        {
          name: 'kube-apiserver',
          image: 'k8s.gcr.io/kube-apiserver:v1.18.5',
          command: ['kube-apiserver', '--etcd-servers=http://127.0.0.1:2379'],
        },
      ],
    });
  });

  it('declares the host network and host path the static pods need, with reasons', () => {
    expect(nodeFile(r, 'mink8s', 'etcd.yaml').metadata.annotations).toEqual({
      'policy.stagecraft.dev/host-namespaces': "etcd serves kube-apiserver on the node's own network, before any pod network exists",
      'policy.stagecraft.dev/host-path': "etcd keeps the cluster's data in a directory of the node, so that it outlives the pod",
    });
    expect(nodeFile(r, 'mink8s', 'kube-apiserver.yaml').metadata.annotations).toEqual({
      'policy.stagecraft.dev/host-namespaces': "kube-apiserver reaches etcd and serves the kubelet on the node's own network",
    });
  });

  it('writes the kubeconfig: cluster, context and current-context mink8s at http://127.0.0.1:8080', () => {
    expect(nodeFile(r, 'mink8s', 'kubeconfig.yaml')).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'mink8s', cluster: { server: 'http://127.0.0.1:8080' } }],
      contexts: [{ name: 'mink8s', context: { cluster: 'mink8s' } }],
      'current-context': 'mink8s',
    });
  });

  it('labels static pods like the stage objects but keeps their own namespace', () => {
    expect(nodeFile(r, 'mink8s', 'etcd.yaml').metadata.labels).toEqual({
      'app.kubernetes.io/name': 'control-plane',
      'app.kubernetes.io/instance': 'control-plane-mink8s',
      'app.kubernetes.io/version': 'v1.18.5',
      'app.kubernetes.io/part-of': 'mink8s',
      'app.kubernetes.io/managed-by': 'stagecraft',
      'stagecraft.dev/stage': 'mink8s',
    });
  });

  it('creates ServiceAccount default without a token in default and in the stage namespace', () => {
    for (const namespace of ['default', 'mink8s']) {
      const sa = find(r, 'ServiceAccount', namespace, 'default');
      expect(sa.apiVersion).toBe('v1');
      expect(sa.automountServiceAccountToken).toBe(false);
    }
  });
});

describe('the control plane settings', () => {
  it('creates ServiceAccount default once when the stage namespace is default', () => {
    const r = render(`namespace: default\n${repoStage('mink8s')}`);
    expect(
      r.charts
        .flatMap((c) => c.objects)
        .filter((o) => o.kind === 'ServiceAccount')
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual(['default/default']);
  });

  it("builds the apiserver's etcd address from the etcd settings: changing the port changes it, and etcd listens there", () => {
    const r = render(withEtcd('      image: k8s.gcr.io/etcd:3.4.3-0\n      clientPort: 12379\n'));
    expect(nodeFile(r, 'mink8s', 'kube-apiserver.yaml').spec.containers[0].command).toEqual([
      'kube-apiserver',
      '--etcd-servers=http://127.0.0.1:12379',
    ]);
    expect(nodeFile(r, 'mink8s', 'etcd.yaml').spec.containers[0].command).toEqual([
      'etcd',
      '--data-dir=/var/lib/etcd',
      '--listen-client-urls=http://127.0.0.1:12379',
      '--advertise-client-urls=http://127.0.0.1:12379',
    ]);
  });

  it('uses the etcd host and data directory from the stage file', () => {
    const r = render(withEtcd('      image: quay.io/coreos/etcd:v3.4.3\n      host: 10.0.0.5\n      dataDir: /data/etcd\n'));
    const etcd = nodeFile(r, 'mink8s', 'etcd.yaml');
    expect(etcd.spec.containers[0].image).toBe('quay.io/coreos/etcd:v3.4.3');
    expect(etcd.spec.containers[0].command[1]).toBe('--data-dir=/data/etcd');
    expect(etcd.spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data/etcd' }]);
    expect(etcd.spec.volumes[0].hostPath).toEqual({ path: '/data/etcd', type: 'DirectoryOrCreate' });
    expect(nodeFile(r, 'mink8s', 'kube-apiserver.yaml').spec.containers[0].command[1]).toBe('--etcd-servers=http://10.0.0.5:2379');
  });

  // etcd refuses to start on a host name in its listen URLs: "expected IP in URL for binding"
  it('refuses an etcd host that is a host name, at its line, since etcd listens on it', () => {
    expect(() => render(withEtcd('      image: k8s.gcr.io/etcd:3.4.3-0\n      host: etcd.lab.local\n'))).toThrow(
      'environments/mink8s.yaml:10:13: apps.control-plane.etcd.host must be an IPv4 address such as 10.0.0.5, or localhost (etcd listens on it, and refuses a host name)',
    );
    expect(() => render(withEtcd('      image: k8s.gcr.io/etcd:3.4.3-0\n      host: 10.0.0.300\n'))).toThrow(
      'environments/mink8s.yaml:10:13: apps.control-plane.etcd.host is not an IPv4 address: the number 300 is more than 255',
    );
  });

  it('takes localhost as the etcd host, the one name etcd binds to', () => {
    const r = render(withEtcd('      image: k8s.gcr.io/etcd:3.4.3-0\n      host: localhost\n'));
    expect(nodeFile(r, 'mink8s', 'kube-apiserver.yaml').spec.containers[0].command[1]).toBe('--etcd-servers=http://localhost:2379');
  });

  it("points the kubeconfig at the apiserver's insecure port, and tells the apiserver when it is not 8080", () => {
    const r = render(repoStage('mink8s').replace('insecurePort: 8080', 'insecurePort: 8081'));
    expect(nodeFile(r, 'mink8s', 'kubeconfig.yaml').clusters).toEqual([{ name: 'mink8s', cluster: { server: 'http://127.0.0.1:8081' } }]);
    expect(nodeFile(r, 'mink8s', 'kube-apiserver.yaml').spec.containers[0].command).toEqual([
      'kube-apiserver',
      '--etcd-servers=http://127.0.0.1:2379',
      '--insecure-port=8081',
    ]);
  });

  // kubernetes/kubernetes#95856: from 1.20 kube-apiserver serves no insecure port; --insecure-port may only be 0
  it.each(['k8s.gcr.io/kube-apiserver:v1.20.0', 'registry.k8s.io/kube-apiserver:v1.25.3', 'kube-apiserver:v2.0'])(
    'refuses %s at its line: it serves no insecure port for the kubeconfig to reach',
    (image) => {
      expect(() => render(repoStage('mink8s').replace('k8s.gcr.io/kube-apiserver:v1.18.5', image))).toThrow(
        /environments\/mink8s\.yaml:13:14: apps\.control-plane\.apiServer\.image runs kube-apiserver \d+\.\d+, which serves no insecure port \(removed in Kubernetes 1\.20\): the kubeconfig this stack writes, http:\/\/127\.0\.0\.1:8080, would reach nothing\n {2}hint: run kube-apiserver 1\.19 or earlier/,
      );
    },
  );

  it.each(['k8s.gcr.io/kube-apiserver:v1.19.16', 'k8s.gcr.io/kube-apiserver:v1.2', 'kube-apiserver', 'kube-apiserver:latest'])(
    'takes %s (a release before 1.20, or one whose tag says no release)',
    (image) => {
      expect(() => render(repoStage('mink8s').replace('k8s.gcr.io/kube-apiserver:v1.18.5', image))).not.toThrow();
    },
  );

  it('needs exactly one node with role control-plane', () => {
    const stage = (nodes: string) =>
      `nodes:\n${nodes}apps:\n  control-plane:\n    etcd: {image: etcd}\n    apiServer: {image: kube-apiserver}\n`;
    expect(() => render(stage('  a: {roles: [control-plane]}\n  b: {roles: [control-plane]}\n'))).toThrow(
      'environments/mink8s.yaml:6:5: apps.control-plane needs exactly one node with role control-plane (found a, b)\n' +
        '  hint: this control plane runs one etcd that is not clustered: give the role control-plane to one node under nodes:',
    );
    expect(() => render(stage('  a: {roles: [worker]}\n'))).toThrow(
      'apps.control-plane needs exactly one node with role control-plane (found none)',
    );
  });
});
