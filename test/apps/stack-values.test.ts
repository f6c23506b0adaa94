import { describe, expect, it } from 'vitest';
import { problems, serviceStage } from '../helpers/stage.js';

/** The first line of each problem (place and message), without hints. */
const refused = (text: string) => problems(text).map((p) => p.split('\n')[0]);

describe('stage settings the API server would refuse are refused at the setting', () => {
  it('ingress: a host that is an IP address, paths with // or ending in /..', () => {
    expect(
      refused(
        'apps:\n  ingress:\n    host: 10.0.0.1\n    paths:\n      /a//b: { service: x, port: 80 }\n      /e/..: { service: x, port: 80 }\n      /ok: { service: x, port: 80 }\n',
      ),
    ).toEqual([
      "environments/x.yaml:3:11: apps.ingress.host must be a DNS host name such as pi.example.com, or a wildcard such as *.example.com (labels of lowercase letters, digits and '-', each of at most 63 characters, joined by '.', at most 253 in all; not an IP address) (found \"10.0.0.1\")",
      "environments/x.yaml:5:7: apps.ingress.paths: '/a//b' is not a valid name; it must be a path starting with '/', without spaces, '//', '/./', '/../' or '%2F', not ending in '/.' or '/..'",
      "environments/x.yaml:6:7: apps.ingress.paths: '/e/..' is not a valid name; it must be a path starting with '/', without spaces, '//', '/./', '/../' or '%2F', not ending in '/.' or '/..'",
    ]);
  });

  it('demoapp: an IP host, unsafe paths, zero sizes, a hostPath with ..', () => {
    expect(
      refused(
        'apps:\n  demoapp:\n    image: demoapp:1\n    replicas: 1\n    ingress: { host: 1.2.3.4, tlsSecret: t, paths: ["/a//b", "/x/.."] }\n' +
          '    database:\n      storage: "0"\n      hostPath: /data/../etc\n      backup: { schedule: "0 3 * * *", storage: 0Gi, hostPath: /b/.. }\n',
      ),
    ).toEqual([
      "environments/x.yaml:5:22: apps.demoapp.ingress.host must be a host name such as demoapp.example.com (labels of lowercase letters, digits and '-', each of at most 63 characters, joined by '.', at most 253 in all; not an IP address) (found \"1.2.3.4\")",
      "environments/x.yaml:5:53: apps.demoapp.ingress.paths[0] must be a path starting with '/', without spaces, '//', '/./', '/../' or '%2F', not ending in '/.' or '/..' (found \"/a//b\")",
      "environments/x.yaml:5:62: apps.demoapp.ingress.paths[1] must be a path starting with '/', without spaces, '//', '/./', '/../' or '%2F', not ending in '/.' or '/..' (found \"/x/..\")",
      'environments/x.yaml:7:16: apps.demoapp.database.storage must be a Kubernetes quantity above zero such as 2Gi (found "0")',
      'environments/x.yaml:8:17: apps.demoapp.database.hostPath must be an absolute path without \'..\' (found "/data/../etc")',
      'environments/x.yaml:9:49: apps.demoapp.database.backup.storage must be a Kubernetes quantity above zero such as 2Gi (found "0Gi")',
      'environments/x.yaml:9:64: apps.demoapp.database.backup.hostPath must be an absolute path without \'..\' (found "/b/..")',
    ]);
  });

  it("demoapp: Secret and ConfigMap keys '.' or starting with '..'", () => {
    expect(
      refused(
        'apps:\n  demoapp:\n    image: demoapp:1\n    config: { ..x: a, .: b, .ok: c }\n' +
          '    database:\n      storage: 1Gi\n      secret: { keys: [username, password, database, ..data] }\n      backup: { schedule: "0 3 * * *", storage: 1Gi }\n',
      ),
    ).toEqual([
      "environments/x.yaml:4:15: apps.demoapp.config: '..x' is not a valid name; it must be a name of at most 253 letters, digits, '-', '_' and '.' (not '.' and not starting with '..')",
      "environments/x.yaml:4:23: apps.demoapp.config: '.' is not a valid name; it must be a name of at most 253 letters, digits, '-', '_' and '.' (not '.' and not starting with '..')",
      "environments/x.yaml:7:54: apps.demoapp.database.secret.keys[3] must be a Secret key of at most 253 letters, digits, '-', '_' and '.' (not '.' and not starting with '..') (found \"..data\")",
    ]);
  });

  it('registry: a storage size of 0', () => {
    expect(refused('apps:\n  registry:\n    storage: { size: "0" }\n')).toEqual([
      'environments/x.yaml:3:22: apps.registry.storage.size must be a Kubernetes quantity above zero such as 10Gi (found "0")',
    ]);
  });

  it("control-plane: an etcd dataDir with '..'", () => {
    expect(
      refused(
        'nodes:\n  m1: { roles: [control-plane] }\napps:\n  control-plane:\n    etcd: { image: k8s.gcr.io/etcd:3.4.3-0, dataDir: /var/lib/../etcd }\n    apiServer: { image: k8s.gcr.io/kube-apiserver:v1.18.5 }\n',
      ),
    ).toEqual([
      'environments/x.yaml:5:54: apps.control-plane.etcd.dataDir must be an absolute path without spaces or \'..\' (found "/var/lib/../etcd")',
    ]);
  });

  it("service: an IP host, unsafe paths, a zero size, a hostPath with '..', keys '.' or starting with '..'", () => {
    expect(
      refused(
        'apps:\n  api:\n    stack: service\n    image: team/api:1\n    ports: { http: { port: 8080 } }\n' +
          '    ingress: { host: 10.0.0.1, tlsSecret: t, paths: ["/a//b"] }\n' +
          '    storage: { mountPath: /data, size: "0", hostPath: /srv/../etc }\n' +
          '    configMaps: { settings: { LEVEL: ..level } }\n',
      ),
    ).toEqual([
      "environments/x.yaml:6:22: apps.api.ingress.host must be a host name such as api.example.com, or a wildcard such as *.example.com (labels of lowercase letters, digits and '-', each of at most 63 characters, joined by '.', at most 253 in all; not an IP address) (found \"10.0.0.1\")",
      "environments/x.yaml:6:54: apps.api.ingress.paths[0] must be a path starting with '/', without spaces, '//', '/./', '/../' or '%2F', not ending in '/.' or '/..' (found \"/a//b\")",
      'environments/x.yaml:7:40: apps.api.storage.size must be a Kubernetes quantity above zero such as 1Gi (found "0")',
      'environments/x.yaml:7:55: apps.api.storage.hostPath must be an absolute path without \'..\' (found "/srv/../etc")',
      "environments/x.yaml:8:38: apps.api.configMaps.settings.LEVEL must be a key of at most 253 letters, digits, '-', '_' and '.' (not '.' and not starting with '..') (found \"..level\")",
    ]);
  });

  it('nodes: a node name with an empty label (a..b), which no node can have', () => {
    expect(refused('nodes:\n  a..b: {}\n  n-1.lan: {}\napps: {}\n')).toEqual([
      "environments/x.yaml:2:3: nodes: 'a..b' is not a valid name; it must be a host name (labels of lowercase letters, digits and '-', joined by '.') of at most 253 characters",
    ]);
  });

  describe('a host past the lengths DNS and the API server take is refused at its line, in every stack that takes one', () => {
    // 254 characters: the API server refuses an Ingress rule's host past 253 ('must be no more than 253 characters')
    const long = `${Array.from({ length: 4 }, () => 'a'.repeat(62)).join('.')}.io`;
    // a label of 64 characters: the API server takes it, but no DNS name has one (RFC 1035: 63), so no client reaches the host
    const wideLabel = `${'b'.repeat(64)}.example.com`;
    const stages = {
      ingress: (host: string) => `apps:\n  ingress:\n    host: ${host}\n    paths:\n      /: { service: x, port: 80 }\n`,
      demoapp: (host: string) =>
        `apps:\n  demoapp:\n    image: demoapp:1\n    replicas: 1\n    ingress: { host: ${host}, tlsSecret: t }\n` +
        '    database:\n      storage: 1Gi\n      backup: { schedule: "0 3 * * *", storage: 1Gi }\n',
      service: (host: string) =>
        serviceStage(['image: team/api:1', 'ports: { http: { port: 8080 } }', `ingress: { host: ${host}, tlsSecret: t }`]),
    };
    it.each(Object.entries(stages))('%s', (_stack, stage) => {
      expect(long.length).toBe(254);
      for (const host of [long, wideLabel, `*.${wideLabel}`]) {
        const found = refused(stage(`"${host}"`));
        expect(found, host).toHaveLength(1);
        expect(found[0]).toMatch(/^environments\/x\.yaml:\d+:\d+: apps\.\w+(\.ingress)?\.host must be .*(at most 253 characters|63)/);
      }
      expect(refused(stage(`${'c'.repeat(63)}.example.com`))).toEqual([]);
    });
  });

  it('says why a host with capitals or a final dot is refused: a host is lowercase labels joined by dots', () => {
    for (const host of ['Pi.Example.com', 'pi.example.com.'])
      expect(refused(`apps:\n  ingress:\n    host: ${host}\n    paths:\n      /: { service: x, port: 80 }\n`)).toEqual([
        `environments/x.yaml:3:11: apps.ingress.host must be a DNS host name such as pi.example.com, or a wildcard such as *.example.com (labels of lowercase letters, digits and '-', each of at most 63 characters, joined by '.', at most 253 in all; not an IP address) (found "${host}")`,
      ]);
  });

  it('ingress: takes a wildcard host, as the API server does in a rule, and as the service stack does', () => {
    expect(refused('apps:\n  ingress:\n    host: "*.example.com"\n    paths:\n      /: { service: x, port: 80 }\n')).toEqual([]);
    expect(refused('apps:\n  ingress:\n    host: "*.*.example.com"\n    paths:\n      /: { service: x, port: 80 }\n')).toHaveLength(1);
  });

  it('keeps the sizes, hosts and paths the API server takes', () => {
    expect(
      refused(
        'apps:\n  ingress:\n    host: pi.example.com\n    paths:\n      /: { service: x, port: 80 }\n      /a/b.c/..d/: { service: x, port: 80 }\n' +
          '  registry:\n    storage: { size: 0.5Gi }\n',
      ),
    ).toEqual([]);
  });
});
