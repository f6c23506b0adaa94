/** apps/service/container-settings.ts: the stage-file entry that wrote a container beside the app's, from a finding's path. */
import { describe, expect, it } from 'vitest';
import { containerSetting } from '../../apps/service/container-settings.js';
import type { FieldPath } from '../../lib/model/field-path.js';
import { cron } from '../../apps/cron/index.js';

const POD: FieldPath = ['spec', 'template', 'spec'];
const SETTINGS = {
  sidecars: [
    { name: 'proxy', image: 'envoyproxy/envoy:v1.27.0', probes: { readiness: { tcp: {} } } },
    { name: 'worker', args: ['work'] },
  ],
  initContainers: [{ name: 'migrate', command: ['./manage', 'migrate'] }],
} as Parameters<typeof containerSetting>[0];

describe('the setting that wrote a container of a service app', () => {
  it.each([
    ['the app container', [...POD, 'containers', 0], undefined],
    ['a field of the app container', [...POD, 'containers', 0, 'image'], undefined],
    ['a sidecar', [...POD, 'containers', 1], ['sidecars', 0]],
    ['the image a sidecar names', [...POD, 'containers', 1, 'image'], ['sidecars', 0, 'image']],
    ["a sidecar's readiness probe", [...POD, 'containers', 1, 'readinessProbe', 'tcpSocket'], ['sidecars', 0, 'probes', 'readiness']],
    ["the image of a sidecar that runs the app's", [...POD, 'containers', 2, 'image'], undefined],
    ["a sidecar's mounts, which are the app container's", [...POD, 'containers', 2, 'volumeMounts', 0], undefined],
    ['a container no entry wrote', [...POD, 'containers', 3], undefined],
    ['a step, of what it lacks (resources), which it takes from the app', [...POD, 'initContainers', 0], undefined],
    ["a step's command", [...POD, 'initContainers', 0, 'command'], ['initContainers', 0, 'command']],
    ["a step's resources, which are the app container's", [...POD, 'initContainers', 0, 'resources'], undefined],
    ['a field of the pod', [...POD, 'securityContext'], undefined],
  ] as const)('is told of %s from its path alone', (_what, path, setting) => {
    expect(containerSetting(SETTINGS, path)?.path).toEqual(setting);
  });

  it("is told of a cron app's step under its CronJob's job template", () => {
    const path = ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'initContainers', 0, 'image'];
    const settings = { initContainers: [{ name: 'wait', image: 'busybox:1.36', command: ['true'] }] } as never;
    expect(cron.containerSetting!(settings, path)).toEqual({ path: ['initContainers', 0, 'image'] });
    expect(cron.containerSetting!(settings, ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0])).toBeUndefined();
  });
});
