import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoStage, runCli, snapshotDir, tempProject, errorLines } from '../helpers/cli.js';

/** A stage file with `head` and one demoapp instance per name, running `image`, whose database settings start with `database`. */
const DEMOAPP_STAGE = (head: string, database: string, names: readonly string[] = ['shop'], image = 'demoapp:1') =>
  `${head}apps:\n` +
  names
    .map(
      (name) =>
        `  ${name}:\n    stack: demoapp\n    image: ${image}\n    replicas: 1\n    database:\n${database}      storage: 1Gi\n` +
        `      secret: { name: ${name}-db, keys: [username, password, database] }\n      backup: { schedule: "0 3 * * *", storage: 1Gi }\n`,
    )
    .join('');

describe('npm run synth on an ARM stage', () => {
  it('fails on an image with no arm build at the setting that gave it, naming the objects and containers, and leaves dist/ untouched', () => {
    const pi = 'architecture: arm\napps:\n  nginx:\n    image: demoapp:1\n    replicas: 1\n';
    const dir = tempProject({ lab: repoStage('lab'), pi }, { copyDist: true });
    const before = snapshotDir(join(dir, 'dist'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "environments/pi.yaml:4:12: error: apps.nginx.image: image 'demoapp:1' has no known arm build " +
        "(stage 'pi' runs on arm; neither the stage file's images: nor the image table names it); it runs in ReplicationController pi/nginx (container nginx)\n" +
        "  hint: if it is built for arm too (multi-arch, as images of your own can be), list 'demoapp' under images.native in environments/pi.yaml " +
        "(a repository without a tag covers every tag); else map it to an arm build under images.substitute, for every tag ('demoapp': <arm repository>, " +
        "which keeps the tag, or '<repository>:{tag}-arm') or for this tag only ('demoapp:1': <arm image>); built-in entries: lib/transforms/arm-images.ts\n" +
        '1 problem; nothing was written.\n',
    );
    expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
  });

  it('reports the unmapped images of every chart at once', () => {
    const pi =
      'architecture: arm\napps:\n  nginx:\n    image: demoapp:1\n    replicas: 1\n  web:\n    stack: nginx\n    image: shop:2\n    replicas: 1\n';
    const r = runCli('synth', [], tempProject({ pi }));
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr).map((l) => l.split(' has no known')[0])).toEqual([
      "environments/pi.yaml:4:12: error: apps.nginx.image: image 'demoapp:1'",
      "environments/pi.yaml:8:12: error: apps.web.image: image 'shop:2'",
      '2 problems; nothing was written.',
    ]);
  });

  it('says that mysql:8.0 is built for arm64 only, once for the setting that gave it, listing both objects that run it', () => {
    const pi = DEMOAPP_STAGE('architecture: arm\nimages:\n  substitute: { demoapp: demoapp-arm }\n', '      image: mysql:8.0\n');
    const r = runCli('synth', [], tempProject({ pi }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "environments/pi.yaml:10:14: error: apps.shop.database.image: image 'mysql:8.0' has no known arm build (stage 'pi' runs on arm; " +
        'the image table lists it as published for amd64 and arm64 only, with no 32-bit arm build); ' +
        'it runs in ReplicationController pi/shop-mysql-1 (container mysql) and CronJob pi/shop-mysql-backup (container mysqldump)\n' +
        '  hint: set architecture: arm64 in environments/pi.yaml if the nodes run a 64-bit OS, or map it to an arm build there under images.substitute, ' +
        "for every tag ('mysql': <arm repository>, which keeps the tag, or '<repository>:{tag}-arm') or for this tag only ('mysql:8.0': <arm image>); " +
        'built-in entries: lib/transforms/arm-images.ts\n' +
        '1 problem; nothing was written.\n',
    );
  });

  it('reports an image that no one setting gave once for the stage, naming every object that runs it', () => {
    // both apps run the stack's default mysql image, which no setting of theirs holds
    const pi = DEMOAPP_STAGE('architecture: arm\nimages:\n  substitute: { demoapp: demoapp-arm }\n', '', ['shop', 'store']);
    const r = runCli('synth', [], tempProject({ pi }));
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      "environments/pi.yaml: error: image 'mysql:8.0' has no known arm build (stage 'pi' runs on arm; " +
        'the image table lists it as published for amd64 and arm64 only, with no 32-bit arm build); ' +
        'it runs in ReplicationController pi/shop-mysql-1 (container mysql), CronJob pi/shop-mysql-backup (container mysqldump), ' +
        'ReplicationController pi/store-mysql-1 (container mysql) and CronJob pi/store-mysql-backup (container mysqldump)',
      '1 problem; nothing was written.',
    ]);
  });

  it("places the image both colors of a blue/green app run at each color's setting, naming that color's objects", () => {
    const pi = DEMOAPP_STAGE('architecture: arm64\n', '').replace(
      '    image: demoapp:1\n',
      '    blueGreen:\n      live: blue\n      blue: demoapp:1\n      green: demoapp:1\n',
    );
    const r = runCli('synth', [], tempProject({ pi }));
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr).map((l) => l.replace(/ \(stage 'pi'.*\); it runs in /, '; it runs in '))).toEqual([
      "environments/pi.yaml:7:13: error: apps.shop.blueGreen.blue: image 'demoapp:1' has no known arm64 build; it runs in Deployment pi/shop-blue (container shop)",
      "environments/pi.yaml:8:14: error: apps.shop.blueGreen.green: image 'demoapp:1' has no known arm64 build; it runs in Deployment pi/shop-green (container shop)",
      '2 problems; nothing was written.',
    ]);
  });

  it("places it at each color's setting for a service app too, whose sidecar without an image runs its color's", () => {
    const pi =
      'architecture: arm64\napps:\n  api:\n    stack: service\n    blueGreen: { live: green, blue: team/api:1.4, green: team/api:1.4 }\n' +
      '    ports: { http: { port: 8080 } }\n    sidecars: [{ name: worker, args: [worker] }]\n';
    const r = runCli('synth', [], tempProject({ pi }));
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr).map((l) => l.replace(/ \(stage 'pi'.*\); it runs in /, '; it runs in '))).toEqual([
      "environments/pi.yaml:5:37: error: apps.api.blueGreen.blue: image 'team/api:1.4' has no known arm64 build; it runs in Deployment pi/api-blue (container api) and Deployment pi/api-blue (container worker)",
      "environments/pi.yaml:5:58: error: apps.api.blueGreen.green: image 'team/api:1.4' has no known arm64 build; it runs in Deployment pi/api-green (container api) and Deployment pi/api-green (container worker)",
      '2 problems; nothing was written.',
    ]);
  });

  it('names the objects, not a setting, when settings of the app other than its colors hold the image', () => {
    const pi =
      'architecture: arm64\napps:\n  api:\n    stack: service\n    image: team/api:1.4\n    ports: { http: { port: 8080 } }\n' +
      '    sidecars: [{ name: worker, image: team/api:1.4 }]\n';
    const r = runCli('synth', [], tempProject({ pi }));
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr).map((l) => l.replace(/ \(stage 'pi'.*\); it runs in /, '; it runs in '))).toEqual([
      "environments/pi.yaml: error: image 'team/api:1.4' has no known arm64 build; it runs in Deployment pi/api (container api) and Deployment pi/api (container worker)",
      '1 problem; nothing was written.',
    ]);
  });

  it('runs every new release of an image mapped by repository, with its tag, without editing images.substitute', () => {
    for (const release of ['demoapp:1', 'demoapp:1.1']) {
      const pi = DEMOAPP_STAGE(
        "architecture: arm64\nimages:\n  substitute: { demoapp: 'registry.local/demoapp:{tag}-arm64' }\n",
        '',
        ['shop'],
        release,
      );
      const r = runCli('synth', [], tempProject({ pi }));
      expect(errorLines(r.stderr)).toEqual([]);
      expect(r.stdout).toContain(`  arm64 image: ${release} -> registry.local/${release}-arm64 (Deployment pi/shop, container shop)\n`);
    }
  });

  it('accepts the image once the stage file maps it, and prints the substitution', () => {
    const pi =
      "architecture: arm\nimages:\n  substitute:\n    'demoapp:1': 'demoapp:1-arm'\napps:\n  nginx:\n    image: demoapp:1\n    replicas: 1\n";
    const r = runCli('synth', [], tempProject({ pi }));
    expect(errorLines(r.stderr)).toEqual([]);
    expect(r.stdout).toBe(
      'pi: 3 objects in 4 files -> dist/pi/ (new)\n' +
        '  arm image: demoapp:1 -> demoapp:1-arm (ReplicationController pi/nginx, container nginx)\n',
    );
    expect(r.code).toBe(0);
  });

  it('prints every image substituted in the raspberry stage, after its usual line', () => {
    const r = runCli('synth', [], tempProject({ raspberry: repoStage('raspberry') }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'raspberry: 15 objects in 9 files -> dist/raspberry/ (new)',
        '  arm image: quay.io/coreos/flannel:v0.11.0-amd64 -> quay.io/coreos/flannel:v0.11.0-arm (DaemonSet kube-system/kube-flannel-ds, container install-cni)',
        '  arm image: quay.io/coreos/flannel:v0.11.0-amd64 -> quay.io/coreos/flannel:v0.11.0-arm (DaemonSet kube-system/kube-flannel-ds, container kube-flannel)',
        '  arm image: registry:2 -> budry/registry-arm:latest (ReplicationController kube-system/kube-registry, container registry)',
        '  arm image: gcr.io/google_containers/kube-registry-proxy:0.4 -> kubernetesonarm/kube-registry-proxy-arm:0.4 (DaemonSet kube-system/kube-registry-proxy, container kube-registry-proxy)',
        '  exception: DaemonSet kube-system/kube-flannel-ds: capabilities (capabilities NET_ADMIN): NET_ADMIN, to create network devices and routes on the node',
        "  exception: DaemonSet kube-system/kube-flannel-ds: host-namespaces (hostNetwork: true): flanneld configures the node's own network (routes, the flannel.1 VXLAN device)",
        '  exception: DaemonSet kube-system/kube-flannel-ds: host-path (hostPath /run/flannel, hostPath /etc/cni/net.d): writes the CNI config to /etc/cni/net.d and its subnet lease to /run/flannel on the node',
        "  exception: DaemonSet kube-system/kube-registry-proxy: host-namespaces (hostNetwork: true): serves the registry on every node's own localhost:5000, which needs the node's network",
        "  exception: DaemonSet kube-system/kube-registry-proxy: host-ports (hostPort 5000): hostPort 5000 equals the container port on the node's network, so the scheduler keeps the port free",
        '',
      ].join('\n'),
    );
  });
});
