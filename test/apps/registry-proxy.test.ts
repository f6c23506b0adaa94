/** The registry proxy's port to the registry: the port the stage's registry app serves. */
import { describe, expect, it } from 'vitest';
import { find, problems, render } from '../helpers/stage.js';

const FILE = 'environments/x.yaml';

describe("the registry proxy's registryPort", () => {
  it("is refused, at the proxy's app, when the stage's registry serves another port than the default the proxy goes to", () => {
    const stage = 'apps:\n  registry:\n    port: 5002\n  registry-proxy: {}\n';
    expect(problems(stage)).toEqual([
      `${FILE}:4:19: apps.registry-proxy proxies to port 5001 (registryPort's default), but Service kube-registry, of the stage's app registry, serves port 5002: ` +
        "every node's localhost:5000 would proxy to a port nothing listens on, and every image pull from it fail\n" +
        '  hint: set registryPort: 5002, the port apps.registry serves',
    ]);
  });

  it('is refused at its setting when it names another port than the registry it reaches serves', () => {
    const stage =
      'apps:\n  images:\n    stack: registry\n  registry-proxy:\n    registry: kube-images\n    port: 5050\n    registryPort: 5003\n';
    expect(problems(stage)).toEqual([
      `${FILE}:7:19: apps.registry-proxy.registryPort is 5003, but Service kube-images, of the stage's app images, serves port 5001: ` +
        "every node's localhost:5050 would proxy to a port nothing listens on, and every image pull from it fail\n" +
        '  hint: set registryPort: 5001, the port apps.images serves',
    ]);
  });

  it("is taken when it is the registry's port, or when the registry the proxy names is not the stage's", () => {
    const moved = 'apps:\n  registry:\n    port: 5002\n  registry-proxy:\n    registryPort: 5002\n';
    expect(problems(moved)).toEqual([]);
    const env = find(render(moved), 'DaemonSet', 'kube-registry-proxy').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'REGISTRY_PORT', value: '5002' });
    // a registry made outside the stage, under another name: its port is not known here
    expect(problems('apps:\n  registry:\n    port: 5002\n  registry-proxy:\n    registry: shared-registry\n')).toEqual([]);
  });
});
