import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { renderStage } from '../../lib/synth/render.js';
import { resolveImage } from '../../lib/transforms/image-resolution.js';
import type { KubeObject } from '../../lib/model/object.js';
import { CONTAINER_LISTS, podTemplateOf } from '../../lib/model/pod-specs.js';
import { repoStage } from '../helpers/cli.js';

const loader = new StageLoader(STACKS);
function render(text: string, file: string): KubeObject[] {
  return renderStage(loader.load(text, file) as never, STACKS, '0.0.0').charts.flatMap((c) => c.objects);
}
const find = (objects: KubeObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o as KubeObject & { spec: any; data?: Record<string, string> };
};
/** Every image of every container and init container, as `Kind ns/name container image`. */
const images = (objects: KubeObject[]) =>
  objects.flatMap((o) =>
    CONTAINER_LISTS.flatMap((l) => ((podTemplateOf(o)?.spec?.[l] ?? []) as { name: string; image: string }[]).map((c) => c.image)),
  );

describe('the raspberry stage (section A: private registry on the ARM cluster)', () => {
  const objects = render(repoStage('raspberry'), 'environments/raspberry.yaml');

  it('runs the registry as ReplicationController kube-registry in kube-system, with its ARM image, port and claim', () => {
    const rc = find(objects, 'ReplicationController', 'kube-registry');
    expect(rc.metadata.namespace).toBe('kube-system');
    expect(rc.spec.replicas).toBe(1);
    const [c] = rc.spec.template.spec.containers;
    expect(c.image).toBe('budry/registry-arm:latest');
    expect(c.env).toContainEqual({ name: 'REGISTRY_HTTP_ADDR', value: ':5001' });
    expect(c.ports).toEqual([{ containerPort: 5001, name: 'registry', protocol: 'TCP' }]);
    expect(c.volumeMounts).toEqual([{ name: 'image-store', mountPath: '/var/lib/registry' }]);
    expect(rc.spec.template.spec.volumes).toEqual([{ name: 'image-store', persistentVolumeClaim: { claimName: 'kube-registry-pvc' } }]);
    const pvc = find(objects, 'PersistentVolumeClaim', 'kube-registry-pvc');
    expect(pvc.metadata.namespace).toBe('kube-system');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
  });

  it('serves it as Service kube-registry in kube-system, port 5001 to the registry pods', () => {
    const svc = find(objects, 'Service', 'kube-registry');
    expect(svc.metadata.namespace).toBe('kube-system');
    expect(svc.spec.ports).toEqual([{ name: 'registry', port: 5001, targetPort: 5001, protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual(find(objects, 'ReplicationController', 'kube-registry').spec.selector);
  });

  it('puts the registry at localhost:5000 on every node with the kube-registry-proxy DaemonSet on the node network', () => {
    const ds = find(objects, 'DaemonSet', 'kube-registry-proxy');
    expect(ds.metadata.namespace).toBe('kube-system');
    const spec = ds.spec.template.spec;
    expect(spec.hostNetwork).toBe(true);
    expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(spec.containers[0].image).toBe('kubernetesonarm/kube-registry-proxy-arm:0.4');
    expect(spec.containers[0].env).toEqual([
      { name: 'REGISTRY_HOST', value: 'kube-registry.kube-system.svc.cluster.local' },
      { name: 'REGISTRY_PORT', value: '5001' },
    ]);
    expect(spec.containers[0].ports).toEqual([{ name: 'registry', containerPort: 5000, hostPort: 5000, protocol: 'TCP' }]);
    expect(Object.keys(ds.metadata.annotations ?? {}).filter((k) => k.startsWith('policy.'))).toEqual([
      'policy.stagecraft.dev/host-namespaces',
      'policy.stagecraft.dev/host-ports',
    ]);
  });

  it('configures flannel from the stage file and runs its arm build on every node, the control node included', () => {
    const cm = find(objects, 'ConfigMap', 'kube-flannel-cfg');
    expect(cm.metadata.namespace).toBe('kube-system');
    expect(JSON.parse(cm.data!['net-conf.json'])).toEqual({ Network: '10.20.0.0/16', SubnetLen: 24, Backend: { Type: 'vxlan', VNI: 1 } });
    const ds = find(objects, 'DaemonSet', 'kube-flannel-ds');
    const spec = ds.spec.template.spec;
    expect(spec.hostNetwork).toBe(true);
    expect(spec.serviceAccountName).toBe('flannel');
    expect(spec.tolerations).toEqual([{ operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.initContainers[0].image).toBe('quay.io/coreos/flannel:v0.11.0-arm');
    expect(spec.containers[0].image).toBe('quay.io/coreos/flannel:v0.11.0-arm');
    expect(find(objects, 'ServiceAccount', 'flannel').metadata.namespace).toBe('kube-system');
    expect(find(objects, 'ClusterRole', 'flannel').metadata.namespace).toBeUndefined();
    expect((find(objects, 'ClusterRoleBinding', 'flannel') as any).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'flannel', namespace: 'kube-system' },
    ]);
  });

  it('pulls moj-obraz from the registry proxy and routes /foo and /bar to two services', () => {
    const d = find(objects, 'Deployment', 'moj-obraz');
    expect(d.metadata.namespace).toBe('raspberry');
    expect(d.spec.template.spec.containers[0]).toMatchObject({
      image: 'localhost:5000/zyxist/moj-obraz',
      ports: [{ containerPort: 5050 }],
    });
    expect(find(objects, 'Service', 'moj-obraz').spec.ports).toEqual([{ name: 'http', port: 5050, targetPort: 5050, protocol: 'TCP' }]);
    const paths = find(objects, 'Ingress', 'ingress').spec.rules[0].http.paths;
    expect(paths.map((p: any) => [p.path, p.backend.service.name, p.backend.service.port.number])).toEqual([
      ['/bar', 'nginx', 80],
      ['/foo', 'moj-obraz', 5050],
    ]);
    expect(find(objects, 'Service', 'nginx').spec.ports[0].port).toBe(80);
  });

  it('pins every workload to arm nodes', () => {
    const workloads = objects.filter((o) => podTemplateOf(o));
    expect(workloads.length).toBe(5);
    for (const w of workloads) expect(podTemplateOf(w)!.spec!.nodeSelector).toMatchObject({ 'kubernetes.io/arch': 'arm' });
  });
});

describe('the raspberry stage as written to dist/ (rendered and transformed)', () => {
  const objects = render(repoStage('raspberry'), 'environments/raspberry.yaml');
  const stageImages = loader.load(repoStage('raspberry'), 'environments/raspberry.yaml').context.images;

  it('runs exactly these images', () => {
    expect([...new Set(images(objects))].sort()).toEqual([
      'budry/registry-arm:latest',
      'kubernetesonarm/kube-registry-proxy-arm:0.4',
      'localhost:5000/zyxist/moj-obraz',
      'nginx',
      'quay.io/coreos/flannel:v0.11.0-arm',
    ]);
  });

  it.each([...new Set(images(objects))])('%s is known to run on arm as it is (no amd64-only image left)', (image) => {
    expect(image).not.toMatch(/amd64/);
    expect(resolveImage(image, 'arm', stageImages)?.image).toBe(image);
  });
});

describe('the same stacks on an amd64 stage', () => {
  it('give the lab its amd64 flannel with the CentOS network', () => {
    const objects = render(repoStage('lab'), 'environments/lab.yaml');
    expect(images(objects).sort()).toEqual(['nginx', 'quay.io/coreos/flannel:v0.11.0-amd64', 'quay.io/coreos/flannel:v0.11.0-amd64']);
    expect(JSON.parse(find(objects, 'ConfigMap', 'kube-flannel-cfg').data!['net-conf.json'])).toEqual({
      Network: '10.20.0.0/16',
      SubnetLen: 24,
      Backend: { Type: 'vxlan', VNI: 1 },
    });
    expect(objects.some((o) => Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith('images.')))).toBe(false);
  });

  it('run the registry and its proxy with their amd64 images, and the registry on an emptyDir without storage', () => {
    const stage = 'apps:\n  registry: {}\n  registry-proxy: {}\n';
    const objects = render(stage, 'environments/vm.yaml');
    expect(images(objects).sort()).toEqual(['gcr.io/google_containers/kube-registry-proxy:0.4', 'registry:2']);
    expect(find(objects, 'ReplicationController', 'kube-registry').spec.template.spec.volumes).toEqual([
      { name: 'image-store', emptyDir: {} },
    ]);
    expect(objects.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    for (const o of objects.filter((x) => podTemplateOf(x)))
      expect(podTemplateOf(o)!.spec!.nodeSelector).toMatchObject({ 'kubernetes.io/arch': 'amd64' });
  });
});

describe('flannel settings', () => {
  it.each([
    [
      'subnetLen: 16',
      "apps.flannel.subnetLen needs to be at least 2 longer than the network's prefix /16 (found 16): flannel splits the network into per-node subnets and refuses to start unless it holds at least four",
    ],
    // flannel's ParseConfig: "Network must be able to accommodate at least four subnets"
    ['subnetLen: 17', "apps.flannel.subnetLen needs to be at least 2 longer than the network's prefix /16 (found 17)"],
    ['backend: { type: host-gw, vni: 2 }', "apps.flannel.backend.vni needs backend.type 'vxlan' (found 'host-gw')"],
  ])('%s is refused', (extra, message) => {
    expect(() => render(`apps:\n  flannel:\n    network: 10.20.0.0/16\n    ${extra}\n`, 'environments/vm.yaml')).toThrow(message);
  });

  it("changes the DaemonSet's pod template with its network or backend, so that applying the change replaces every flannel pod", () => {
    const template = (flannel: string) =>
      find(render(`apps:\n  flannel: ${flannel}\n`, 'environments/vm.yaml'), 'DaemonSet', 'kube-flannel-ds').spec.template;
    const vxlan = template('{ network: 10.20.0.0/16 }');
    // flanneld reads net-conf.json only when it starts: a ConfigMap changed under its own name alone restarts nothing
    expect(template('{ network: 10.20.0.0/16, backend: { type: host-gw } }')).not.toEqual(vxlan);
    expect(template('{ network: 10.30.0.0/16 }')).not.toEqual(vxlan);
    expect(template('{ network: 10.20.0.0/16 }')).toEqual(vxlan);
  });

  it('refuses a network too small for four subnets of the default /24, saying to make it larger', () => {
    expect(() => render('apps:\n  flannel:\n    network: 10.20.0.0/23\n', 'environments/vm.yaml')).toThrow(
      "apps.flannel.subnetLen needs to be at least 2 longer than the network's prefix /23 (found 24)",
    );
    expect(() => render('apps:\n  flannel:\n    network: 10.20.0.0/29\n    subnetLen: 30\n', 'environments/vm.yaml')).toThrow(
      'hint: make the network larger (a prefix of /28 or shorter, such as 10.20.0.0/16)',
    );
  });

  it('takes a subnetLen 2 longer than the prefix, the shortest flannel accepts', () => {
    const objects = render('apps:\n  flannel:\n    network: 10.20.0.0/22\n', 'environments/vm.yaml');
    expect(JSON.parse(find(objects, 'ConfigMap', 'kube-flannel-cfg').data!['net-conf.json'])).toMatchObject({ SubnetLen: 24 });
  });
});
