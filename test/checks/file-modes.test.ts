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

  it('warn of octal digits without their 0 that, read as the decimal they are, let the group or others write (400 is 0620), with the decimal of the octal', () => {
    const warned = checkObjects([
      pod([
        { name: 'key', secret: { secretName: 'key', defaultMode: 400 } },
        {
          name: 'conf',
          configMap: {
            name: 'conf',
            items: [
              { key: 'a', path: 'a', mode: 440 },
              { key: 'b', path: 'b', mode: 444 },
            ],
          },
        },
        { name: 'run', projected: { defaultMode: 500, sources: [] } },
      ]),
    ]).findings.filter((f) => f.code === 'api/file-mode');
    expect(warned.map((f) => `${f.severity} ${f.path.join('.')}: ${f.message} (${f.hint})`)).toEqual([
      'warning spec.volumes.0.secret.defaultMode: defaultMode 400 is a decimal number here, mode 0620 (rw--w----), which lets the group write the files; the octal digits of 0400 written without their 0 (which would not) were likely meant (write defaultMode: 256 (the decimal of 0400, r--------))',
      'warning spec.volumes.1.configMap.items.0.mode: mode 440 is a decimal number here, mode 0670 (rw-rwx---), which lets the group write the files; the octal digits of 0440 written without their 0 (which would not) were likely meant (write mode: 288 (the decimal of 0440, r--r-----))',
      'warning spec.volumes.1.configMap.items.1.mode: mode 444 is a decimal number here, mode 0674 (rw-rwxr--), which lets the group write the files; the octal digits of 0444 written without their 0 (which would not) were likely meant (write mode: 292 (the decimal of 0444, r--r--r--))',
      'warning spec.volumes.2.projected.defaultMode: defaultMode 500 is a decimal number here, mode 0764 (rwxrw-r--), which lets the group write the files; the octal digits of 0500 written without their 0 (which would not) were likely meant (write defaultMode: 320 (the decimal of 0500, r-x------))',
    ]);
    // the decimals kubectl get -o yaml prints pass: 0644, 0400, 0440, 0600, 0755
    const modes = [420, 256, 288, 384, 493];
    expect(
      checkObjects([
        pod([{ name: 'conf', configMap: { name: 'conf', items: modes.map((mode, i) => ({ key: `${i}`, path: `${i}`, mode })) } }]),
      ]).findings.filter((f) => f.code === 'api/file-mode'),
    ).toEqual([]);
  });
});
