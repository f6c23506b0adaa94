import { describe, expect, it } from 'vitest';
import { normalRepositoryUrl, normalUrl, shownUrl, UNSURE_URL, withUrlsShown } from '../../lib/delivery/urls.js';

describe('URLs as compared', () => {
  it.each([
    ['https://nonprod.example.com:6443/', 'https://nonprod.example.com:6443'],
    ['https://NonProd.Example.com:443/', 'https://nonprod.example.com'],
    ['ssh://git@Git.example.com/team/app.git//', 'ssh://git@git.example.com/team/app.git'],
    ['git@git.example.com:team/app.git/', 'git@git.example.com:team/app.git'],
    ['ssh://git@git.example.com:22/team/app.git', 'ssh://git@git.example.com/team/app.git'],
    ['ssh://git@git.example.com:2222/team/app.git', 'ssh://git@git.example.com:2222/team/app.git'],
    ['git://git.example.com:9418/team/app.git', 'git://git.example.com/team/app.git'],
  ])('read %s as %s', (url, normal) => {
    expect(normalUrl(url)).toBe(normal);
  });

  it('read a repository with and without .git as one', () => {
    expect(normalRepositoryUrl('https://git.example.com/team/app.git/')).toBe(normalRepositoryUrl('https://git.example.com/team/app'));
    expect(normalRepositoryUrl('https://git.example.com/team/app')).not.toBe(normalRepositoryUrl('https://git.example.com/team/other'));
  });

  it('read an scp-style repository URL and its ssh:// form as one, as Git hosts serve them', () => {
    expect(normalRepositoryUrl('git@Git.example.com:team/app.git')).toBe(normalRepositoryUrl('ssh://git@git.example.com/team/app'));
    expect(normalRepositoryUrl('git@git.example.com:/team/app.git')).toBe(normalRepositoryUrl('ssh://git@git.example.com/team/app.git'));
    expect(normalRepositoryUrl('git@git.example.com:team/app')).not.toBe(normalRepositoryUrl('ssh://deploy@git.example.com/team/app'));
  });
});

describe('URLs as messages show them', () => {
  it.each([
    ['https://ci:s3cr3t@git.example.com/team/app.git?token=t0k3n', 'https://git.example.com/team/app.git'],
    ['ssh://deploy:pw@git.example.com/team/app.git', 'ssh://git.example.com/team/app.git'],
    ['ssh://git@git.example.com/team/app.git', 'ssh://git@git.example.com/team/app.git'],
    // what new URL() refuses (a port that is no number) is cut by hand: the password goes, a bare user stays
    ['https://ci:s3cr3t@git.example.com:team/app.git', 'https://git.example.com:team/app.git'],
    ['ssh://git:pw@host:path', 'ssh://host:path'],
    ['https://t0k3n@git.example.com:team/app.git', 'https://git.example.com:team/app.git'],
    ['ci:p@ss:w0rd@git.example.com:team/app.git?x=1', 'git.example.com:team/app.git'],
    ['git@git.example.com:team/app.git', 'git@git.example.com:team/app.git'],
    ['ssh://git@host:path?key=k3y', 'ssh://git@host:path'],
    ['ssh://git@host/team/app@v1.git', 'ssh://git@host/team/app@v1.git'],
    // a password holding `?`, `/` or `#`, which no reading can tell from a path: a placeholder
    ['https://ci:pa?Zq@git.example.com/team/app.git', UNSURE_URL],
    ['https://ci:12/Zq@git.example.com/team/app.git', UNSURE_URL],
    ['https://ci:p#Zq@git.example.com/team/app.git', UNSURE_URL],
    ['https://t0k/3n@git.example.com/team/app.git', UNSURE_URL],
    ['ssh://git:p@Zq/w@host/team/app.git', UNSURE_URL],
    ['ssh://git@host:team/app@v1.git', UNSURE_URL],
  ])('show %s as %s', (url, shown) => {
    expect(shownUrl(url)).toBe(shown);
    for (const secret of ['s3cr3t', 'pw', 'w0rd', 't0k3n', 'k3y', 'Zq', 't0k', '3n']) expect(shownUrl(url)).not.toContain(secret);
  });
});

describe('delivery objects as a diff shows them', () => {
  it.each<[string, Record<string, unknown>]>([
    ['an Application', { kind: 'Application', spec: { source: { repoURL: 'https://ci:s3cr3t@git.example.com/a.git', path: 'dist/qa' } } }],
    ['an Application of sources', { kind: 'Application', spec: { sources: [{ repoURL: 'https://ci:s3cr3t@git.example.com/a.git' }] } }],
    ['an AppProject', { kind: 'AppProject', spec: { sourceRepos: ['https://ci:s3cr3t@git.example.com/a.git'] } }],
    ['a GitRepository', { kind: 'GitRepository', spec: { url: 'https://ci:s3cr3t@git.example.com/a.git', interval: '1m' } }],
  ])('shows the repository URL of %s without its credentials, and the rest as it is', (_, object) => {
    const shown = withUrlsShown(object);
    expect(JSON.stringify(shown)).not.toContain('s3cr3t');
    expect(JSON.stringify(shown)).toContain('"https://git.example.com/a.git"');
    expect(JSON.stringify(object)).toContain('s3cr3t');
  });

  it('leaves other kinds alone', () => {
    const object = { kind: 'ConfigMap', data: { url: 'https://ci:s3cr3t@git.example.com/a.git' } };
    expect(withUrlsShown(object)).toBe(object);
  });
});
