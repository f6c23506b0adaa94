import { describe, expect, it } from 'vitest';
import { formatRequiredSecrets, parseRequiredSecrets } from '../lib/required-secrets.js';
import { checkObjects } from '../lib/checks/index.js';

describe('the required-secrets annotation', () => {
  it('lists each Secret once, by name, with the keys of every declaration merged and sorted', () => {
    const value = formatRequiredSecrets([
      { name: 'mysqlsecret', keys: ['username', 'password'], path: [] },
      { name: 'demoapp-tls', keys: ['tls.key', 'tls.crt'], path: [] },
      { name: 'mysqlsecret', keys: ['database', 'username'], path: [] },
    ]);
    expect(value).toBe('demoapp-tls=tls.crt,tls.key; mysqlsecret=database,password,username');
    expect(parseRequiredSecrets(value)).toEqual([
      { name: 'demoapp-tls', keys: ['tls.crt', 'tls.key'] },
      { name: 'mysqlsecret', keys: ['database', 'password', 'username'] },
    ]);
  });

  it('lets the checks accept references to those Secrets and keys, and only those', () => {
    const ns = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'qa', annotations: { 'stagecraft.dev/required-secrets': 'db=password' } },
    };
    const pod = (key: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'qa' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key } } }] }] },
    });
    const errors = (key: string) =>
      checkObjects([ns, pod(key)])
        .findings.filter((f) => f.severity === 'error')
        .map((f) => f.message);
    expect(errors('password')).toEqual([]);
    expect(errors('user')).toHaveLength(1);
    expect(errors('user')[0]).toContain("'user'");
  });
});
