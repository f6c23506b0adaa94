import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';

const pod = (volumes: unknown[]): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: { containers: [{ name: 'web', image: 'team/web:1.4.2' }], volumes },
  }) as unknown as KubeObject;
const modes = (o: KubeObject) =>
  checkObjects([o])
    .findings.filter((f) => f.code === 'api/file-mode')
    .map((f) => `${f.path.join('.')}: ${f.message} (${f.hint})`);

describe('the file modes of a pod volume', () => {
  it('are refused above 0777, as the API server refuses them, with the decimal to write when the digits were meant as octal', () => {
    const found = modes(
      pod([
        { name: 'conf', configMap: { name: 'conf', defaultMode: 644 } },
        { name: 'key', secret: { secretName: 'key', items: [{ key: 'id', path: 'id', mode: 600 }] } },
        {
          name: 'all',
          projected: {
            defaultMode: 1000,
            sources: [{ downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' }, mode: -1 }] } }],
          },
        },
      ]),
    );
    expect(found).toEqual([
      'spec.volumes.0.configMap.defaultMode: defaultMode 644 is not a file mode from 0 to 0777 (511): the API server refuses it ("must be a number between 0 and 0777 (octal), both inclusive"); a mode is a decimal number here, so 644 is not 0644 (write defaultMode: 420 (0644 in decimal))',
      'spec.volumes.1.secret.items.0.mode: mode 600 is not a file mode from 0 to 0777 (511): the API server refuses it ("must be a number between 0 and 0777 (octal), both inclusive"); a mode is a decimal number here, so 600 is not 0600 (write mode: 384 (0600 in decimal))',
      'spec.volumes.2.projected.defaultMode: defaultMode 1000 is not a file mode from 0 to 0777 (511): the API server refuses it ("must be a number between 0 and 0777 (octal), both inclusive") (write the mode as a decimal number from 0 to 511 (420 for 0644, rw-r--r--))',
      'spec.volumes.2.projected.sources.0.downwardAPI.items.0.mode: mode -1 is not a file mode from 0 to 0777 (511): the API server refuses it ("must be a number between 0 and 0777 (octal), both inclusive") (write the mode as a decimal number from 0 to 511 (420 for 0644, rw-r--r--))',
    ]);
  });

  it('pass from 0 to 511, as kubectl get -o yaml prints them (420, 256)', () => {
    expect(
      modes(pod([{ name: 'conf', configMap: { name: 'conf', defaultMode: 420, items: [{ key: 'a', path: 'a', mode: 256 }] } }])),
    ).toEqual([]);
  });
});
