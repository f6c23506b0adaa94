import { describe, expect, it } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import type { KubeObject } from '../../lib/model/object.js';
import {
  REQUIRED_SERVICE_ACCOUNTS_ANNOTATION,
  formatRequiredServiceAccounts,
  parseRequiredServiceAccounts,
} from '../../lib/required-service-accounts.js';

const namespace = (accounts: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'team', annotations: { [REQUIRED_SERVICE_ACCOUNTS_ANNOTATION]: accounts } },
});
const pod = (account: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'worker', namespace: 'team' },
  spec: { serviceAccountName: account, containers: [{ name: 'worker', image: 'team/worker:1' }] },
});
const account: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ci-bot', namespace: 'team' } };
const codes = (objects: KubeObject[]) =>
  checkObjects(objects)
    .findings.filter((f) => f.severity === 'error')
    .map((f) => f.code);

describe('ServiceAccounts made outside stagecraft', () => {
  it('are written once each, sorted, and read back', () => {
    expect(formatRequiredServiceAccounts(['ci-bot', 'api-reader', 'ci-bot'])).toBe('api-reader, ci-bot');
    expect(parseRequiredServiceAccounts(' api-reader,ci-bot ,')).toEqual(['api-reader', 'ci-bot']);
    expect(parseRequiredServiceAccounts(undefined)).toEqual([]);
  });

  it("are known to the checks from the Namespace's annotation, in manifests checked on their own too", () => {
    expect(codes([namespace('api-reader, ci-bot'), pod('ci-bot')])).toEqual([]);
    expect(codes([namespace('api-reader'), pod('ci-bot')])).toEqual(['refs/service-account']);
  });

  it('are no second definition of an account the objects define too', () => {
    expect(codes([namespace('ci-bot'), account, pod('ci-bot')])).toEqual([]);
  });
});
