import { describe, expect, it } from 'vitest';
import { sameCluster, targetOf } from '../../lib/delivery/target.js';

/** The target of an Argo CD Application of stage qa sent to `destination`. */
const application = (destination: object) =>
  targetOf({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'stagecraft-qa', namespace: 'argocd' },
    spec: { source: { path: 'dist/qa' }, destination },
  })!;

describe('sameCluster', () => {
  it('takes two spellings of one server URL for one cluster', () => {
    expect(sameCluster(application({ server: 'https://a.example.com:6443/' }), application({ server: 'https://A.example.com:6443' }))).toBe(
      'same',
    );
  });

  it('takes two server URLs for what may be one cluster: one API server answers at several', () => {
    expect(
      sameCluster(
        application({ server: 'https://kubernetes.default.svc' }),
        application({ server: 'https://kubernetes.default.svc.cluster.local' }),
      ),
    ).toBe('maybe');
  });

  it('takes two Argo CD names for two clusters, and a name for a server URL for what may be one', () => {
    expect(sameCluster(application({ name: 'nonprod' }), application({ name: 'prod' }))).toBe('other');
    expect(sameCluster(application({ name: 'nonprod' }), application({ server: 'https://nonprod.example.com:6443' }))).toBe('maybe');
  });
});

describe('targetOf', () => {
  it('takes an older server URL that may be read two ways for the server the project file names now, when one of them is it', () => {
    const now = application({ server: 'https://nonprod.example.com:6443' });
    // a dotted user whose password holds two /: `first.last:12` reads as a host too
    expect(sameCluster(application({ server: 'https://first.last:12/a/b@nonprod.example.com:6443' }), now)).toBe('same');
    expect(sameCluster(now, application({ server: 'https://first.last:12/a/b@nonprod.example.com:6443' }))).toBe('same');
    // an undotted host whose path holds an `@` (%40 in the project file): never read as the host v1 alone
    const proxied = application({ server: 'https://rancher:8443/k8s/clusters/c@v1' });
    expect(sameCluster(proxied, application({ server: 'https://rancher:8443/k8s/clusters/c%40v1' }))).toBe('same');
    expect(sameCluster(proxied, application({ server: 'https://rancher:9443/k8s/clusters/c%40v1' }))).toBe('maybe');
  });

  it('names a server as messages show it: without the user and password an old file may carry there, a server without a path as written', () => {
    expect(application({ server: 'https://admin:s3cr3t@nonprod.example.com:6443' }).cluster).toBe('https://nonprod.example.com:6443');
    expect(application({ server: 'https://nonprod.example.com:6443' }).cluster).toBe('https://nonprod.example.com:6443');
    expect(application({ server: 'https://nonprod.example.com:6443/k8s/' }).cluster).toBe('https://nonprod.example.com:6443/k8s/');
  });

  it('never names a server by a password that runs past its authority, and takes one that changed alone for the same cluster', () => {
    const [was, now] = ['https://admin:12/Zq@nonprod.example.com:6443', 'https://admin:12/Zr@nonprod.example.com:6443'].map((server) =>
      application({ server }),
    );
    for (const t of [was, now]) expect(`${t.cluster} ${t.id}`).not.toMatch(/Z[qr]|:12|admin/);
    expect(sameCluster(was, now)).toBe('same');
    expect(sameCluster(was, application({ server: 'https://nonprod.example.com:6443' }))).toBe('same');
  });

  it('never names a server by a password holding two / or a # then a /, and takes one that changed alone for the same cluster', () => {
    const [was, now, hash] = [
      'https://admin:12/a/b@nonprod.k8s.example.com:6443',
      'https://admin:12/a/c@nonprod.k8s.example.com:6443',
      'https://admin:12#b/c@nonprod.k8s.example.com:6443',
    ].map((server) => application({ server }));
    for (const t of [was, now, hash]) expect(`${t.cluster} ${t.id}`).not.toMatch(/a\/[bc]|#b|:12|admin/);
    expect(sameCluster(was, now)).toBe('same');
    expect(sameCluster(was, hash)).toBe('same');
  });
});

describe("targetOf a stage's directory under the project's directory in the repository", () => {
  it.each([
    ['Application', { source: { path: 'Plattform Überblick/k8s/dist/qa' }, destination: { name: 'nonprod' } }],
    ['Kustomization', { path: './infra/k8s/dist/qa', sourceRef: { kind: 'GitRepository', name: 'stagecraft' } }],
  ])('reads the stage of an %s whose path is dist/<stage> under it (delivery.repository.path)', (kind, spec) => {
    expect(targetOf({ kind, metadata: { name: 'stagecraft-qa', namespace: 'argocd' }, spec })?.stage).toBe('qa');
  });
});
