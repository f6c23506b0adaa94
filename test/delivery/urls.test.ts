import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  credentialNumbers,
  normalAddress,
  normalRepositoryUrl,
  normalUrl,
  repositoryHostPath,
  sameRepository,
  shownUrl,
  UNSURE_URL,
  withUrlsShown,
} from '../../lib/delivery/urls.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';

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

  it.each([
    'https://ci:12/Zq@git.example.com/team/app.git',
    'https://ci:13/Zq@git.example.com/team/app.git',
    'https://ci:12?Zq@git.example.com/team/app.git',
    'https://ci:12/a/b@git.example.com/team/app.git',
    'https://ci:13/a/b@git.example.com/team/app.git',
    'https://ci:12#b/c@git.example.com/team/app.git',
    'https://ci:s3cr3t@git.example.com/team/app.git',
  ])('read %s as the repository it names, without the password it carries', (url) => {
    expect(normalRepositoryUrl(url)).toBe('https://git.example.com/team/app');
  });

  it('never reads an `@` of a path after a host as the end of a password: two repositories stay two', () => {
    for (const [one, other] of [
      ['https://git.example.com/team@v1/app.git', 'https://git.other.example/team@v1/app.git'],
      ['ssh://git@git.example.com/team@v1.git', 'ssh://git@git.other.example/team@v1.git'],
    ])
      expect(normalRepositoryUrl(one)).not.toBe(normalRepositoryUrl(other));
    expect(normalRepositoryUrl('ssh://git@Git.example.com/team@v1.git')).toBe('ssh://git@git.example.com/team@v1');
  });

  it('read a cluster server as the address it reaches, without the credentials it carries', () => {
    for (const url of [
      'https://admin:12/Zq@k8s.example.com:6443',
      'https://admin:12?Zq@K8s.example.com:6443/',
      'https://admin:12/a/b@k8s.example.com:6443',
      'https://admin:12?x/y@k8s.example.com:6443',
      'https://admin:s3cr3t@k8s.example.com:6443',
    ])
      expect(normalAddress(url)).toBe('https://k8s.example.com:6443');
  });

  it('read an scp-style repository URL and its ssh:// form as one, as Git hosts serve them', () => {
    expect(normalRepositoryUrl('git@Git.example.com:team/app.git')).toBe(normalRepositoryUrl('ssh://git@git.example.com/team/app'));
    expect(normalRepositoryUrl('git@git.example.com:/team/app.git')).toBe(normalRepositoryUrl('ssh://git@git.example.com/team/app.git'));
    expect(normalRepositoryUrl('git@git.example.com:team/app')).not.toBe(normalRepositoryUrl('ssh://deploy@git.example.com/team/app'));
  });
});

describe('URLs an older file carries that may be read two ways, compared with what stagecraft writes now', () => {
  it.each([
    // a dotted user: its authority reads as a host (first.last, port 12) as well
    ['https://first.last:12/a/b@git.example.com/team/app.git', 'https://git.example.com/team/app'],
    ['https://first.last:12/Zq@git.example.com/team/app.git', 'https://git.example.com/team/app.git'],
    // an undotted host with an `@` in its path, which the project file writes %40 now
    ['https://gitlab:8443/team@v1/app.git', 'https://gitlab:8443/team%40v1/app.git'],
    ['https://gitlab/team@v1/app.git', 'https://GitLab/team%40v1/app'],
    // as before: a password past an undotted authority, an `@` in the path of a dotted host
    ['https://ci:12/a/b@git.example.com/team/app.git', 'https://git.example.com/team/app.git'],
    ['https://git.example.com/team@v1/app.git', 'https://git.example.com/team%40v1/app.git'],
  ])('takes %s for the repository %s', (old, now) => {
    expect(sameRepository(old, now)).toBe(true);
    expect(sameRepository(now, old)).toBe(true);
  });

  it.each([
    ['https://gitlab:8443/team@v1/app.git', 'https://gitlab:9443/team%40v1/app.git'],
    ['https://gitlab:8443/team@v1/app.git', 'https://gitlab.example.com/team%40v1/app.git'],
    ['https://first.last:12/a/b@git.example.com/team/app.git', 'https://git.other.example/team/app.git'],
    // two that may each be read two ways: as normalAddress reads them, never by the reading past their `@` they share
    ['https://git.example.com/team@v1/app.git', 'https://git.other.example/team@v1/app.git'],
    ['https://gitlab:8443/team@v1/app.git', 'https://git.example.com/team@v1/app.git'],
  ])('takes %s and %s for two repositories', (one, other) => {
    expect(sameRepository(one, other)).toBe(false);
    expect(sameRepository(other, one)).toBe(false);
  });
});

describe('URLs as messages show them', () => {
  it.each([
    ['https://ci:s3cr3t@git.example.com/team/app.git?token=t0k3n', 'https://git.example.com/team/app.git'],
    ['ssh://deploy:pw@git.example.com/team/app.git', 'ssh://git.example.com/team/app.git'],
    ['ssh://git@git.example.com/team/app.git', 'ssh://git@git.example.com/team/app.git'],
    // a user name a Git host writes in its clone URL, which Argo CD matches credentials with: kept; a token: cut
    ['https://contoso@dev.azure.com/contoso/shop/_git/app', 'https://contoso@dev.azure.com/contoso/shop/_git/app'],
    ['https://jdoe@bitbucket.org/team/app.git', 'https://jdoe@bitbucket.org/team/app.git'],
    ['https://t0k3n@dev.azure.com/contoso/shop/_git/app', 'https://dev.azure.com/contoso/shop/_git/app'],
    // what new URL() refuses (a port that is no number) is cut by hand: the password goes, a bare user stays
    ['https://ci:s3cr3t@git.example.com:team/app.git', 'https://git.example.com:team/app.git'],
    ['ssh://git:pw@host:path', 'ssh://host:path'],
    ['https://t0k3n@git.example.com:team/app.git', 'https://git.example.com:team/app.git'],
    ['ci:p@ss:w0rd@git.example.com:team/app.git?x=1', 'git.example.com:team/app.git'],
    ['git@git.example.com:team/app.git', 'git@git.example.com:team/app.git'],
    ['ssh://git@host:path?key=k3y', 'ssh://git@host:path'],
    ['ssh://git@host/team/app@v1.git', 'ssh://git@host/team/app@v1.git'],
    // an ssh authority with a user and no password: an `@` after it is the path's
    ['ssh://git@git.example.com/team@v1.git', 'ssh://git@git.example.com/team@v1.git'],
    ['ssh://git@host:team/app@v1.git', 'ssh://git@host:team/app@v1.git'],
    // over http(s) an `@` in the path is written %40: one unescaped may close a password
    ['https://git.example.com/team/app%40v1.git', 'https://git.example.com/team/app%40v1.git'],
    ['https://git.example.com/team/app@v1.git', UNSURE_URL],
    ['https://git.example.com/@team/app.git', UNSURE_URL],
    ['https://ci:s3cr3t@git.example.com/team/app@v1.git', UNSURE_URL],
    // a password holding `?`, `/` or `#`, which no reading can tell from a path: a placeholder
    ['https://ci:pa?Zq@git.example.com/team/app.git', UNSURE_URL],
    ['https://ci:12/Zq@git.example.com/team/app.git', UNSURE_URL],
    ['https://ci:p#Zq@git.example.com/team/app.git', UNSURE_URL],
    ['https://t0k/3n@git.example.com/team/app.git', UNSURE_URL],
    ['ssh://git:p@Zq/w@host/team/app.git', UNSURE_URL],
    // a password holding two `/` or more, a `#` or `?` then a `/`
    ['https://ci:12/a/b@git.example.com/team/app.git', UNSURE_URL],
    ['https://admin:12/a/b@nonprod.k8s.example.com:6443', UNSURE_URL],
    ['https://admin:12#b/c@k8s.example.com:6443', UNSURE_URL],
    ['https://admin:12?x/y@k8s.example.com:6443', UNSURE_URL],
    // wherever the authority ends past such a password: a server without a path, a `?` or `#` after the host, another `@` in the password
    ['https://admin:12/Zq@k8s.example.com:6443', UNSURE_URL],
    ['https://admin:12/Zq@[fd00::1]:6443', UNSURE_URL],
    ['https://admin:12/Zq@k8s_internal:6443/', UNSURE_URL],
    ['https://admin:12?Zq@k8s.example.com:6443', UNSURE_URL],
    ['https://admin:12#Zq@k8s.example.com:6443', UNSURE_URL],
    ['https://ci:12/Zq@git.example.com?ref=main', UNSURE_URL],
    ['https://ci:12\\Zq@git.example.com/team/app.git', UNSURE_URL],
    // over ssh a `\` is a character of the userinfo, as Git and new URL() read it (lib/config/url-authority.ts urlParts): the password is cut as a whole
    ['ssh://deploy:pw\\x@git.example.com/team/app.git', 'ssh://git.example.com/team/app.git'],
    ['ssh://git@h\\a:pw@git.example.com:team/app.git', 'ssh://git.example.com:team/app.git'],
    ['https://ci:12@Zq/w@git.example.com/team/app.git', UNSURE_URL],
  ])('show %s as %s', (url, shown) => {
    expect(shownUrl(url)).toBe(shown);
    for (const secret of ['s3cr3t', 'pw', 'w0rd', 't0k3n', 'k3y', 'Zq', 't0k', '3n', ':12', 'a/b', '#b', '?x'])
      expect(shownUrl(url)).not.toContain(secret);
  });
});

describe('URLs as a diff shows them, numbered alike on both sides', () => {
  it('shows credentials changed alone as changed, never either one', () => {
    const numbers = credentialNumbers();
    const before = shownUrl('https://ci:0ldpa55@git.example.com/team/app.git', numbers);
    const after = shownUrl('https://ci:n3wpa55@git.example.com/team/app.git', numbers);
    expect(before).toBe('https://<credentials 1>@git.example.com/team/app.git');
    expect(after).toBe('https://<credentials 2>@git.example.com/team/app.git');
    // the same credentials again: the same number
    expect(shownUrl('https://ci:0ldpa55@git.example.com/other.git', numbers)).toBe('https://<credentials 1>@git.example.com/other.git');
    expect(shownUrl('https://git.example.com/team/app.git', numbers)).toBe('https://git.example.com/team/app.git');
  });

  it.each([
    [
      'a token as the user',
      'https://t0k3n@git.example.com/a.git',
      'https://t0k3n2@git.example.com/a.git',
      'https://<credentials 1>@git.example.com/a.git',
    ],
    [
      'a query',
      'https://git.example.com/a.git?private_token=abc123',
      'https://git.example.com/a.git?private_token=abc124',
      'https://git.example.com/a.git?<credentials 1>',
    ],
    [
      'an ssh password',
      'ssh://git:pw1@git.example.com/a.git',
      'ssh://git:pw2@git.example.com/a.git',
      'ssh://<credentials 1>@git.example.com/a.git',
    ],
    [
      'a password new URL() cannot read',
      'https://ci:s3cr3t@git.example.com:team/a.git',
      'https://ci:s3cr3u@git.example.com:team/a.git',
      'https://<credentials 1>@git.example.com:team/a.git',
    ],
    [
      'a URL no reading can cut',
      'https://ci:pa?Zq@git.example.com/a.git',
      'https://ci:pa?Zr@git.example.com/a.git',
      '<url with credentials 1>',
    ],
    [
      'a server whose password runs past its authority',
      'https://admin:12/Zq@k8s.example.com:6443',
      'https://admin:12/Zr@k8s.example.com:6443',
      '<url with credentials 1>',
    ],
  ])('shows %s changed alone as changed', (_, was, now, shown) => {
    const numbers = credentialNumbers();
    const [a, b] = [shownUrl(was, numbers), shownUrl(now, numbers)];
    expect(a).toBe(shown);
    expect(b).toBe(shown.replace('1>', '2>'));
    for (const secret of ['t0k3n', 'abc12', 'pw1', 'pw2', 's3cr3', 'Zq', 'Zr']) expect(`${a} ${b}`).not.toContain(secret);
    // without numbers, as a message shows it: the credentials left out
    expect(shownUrl(was)).not.toContain('credentials 1');
  });
});

describe('npm run diff -- <stage>, when the credentials of a URL in dist/delivery/ change alone', () => {
  it('shows the field changed, numbered, without either credential, and says no repository moved', () => {
    const dir = tempProject({ qa: deliveredStageFile('{ cluster: nonprod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    const file = join(dir, 'dist', 'delivery', 'flux', '00-stagecraft.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('  url: https://git.example.com/team/app.git\n');
    // as a hand wrote it: the old token in the URL
    writeFileSync(file, text.replace('  url: https://', '  url: https://ci:0ldt0ken@'));
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(
      '  spec.url: "https://<credentials 1>@git.example.com/team/app.git" -> "https://git.example.com/team/app.git"\n',
    );
    expect(`${diff.stdout}${diff.stderr}`).not.toContain('0ldt0ken');
    expect(diff.stderr).not.toContain('reads its stage from');
  });
});

describe('npm run diff -- <stage> and synth, when a server in dist/delivery/ carries credentials', () => {
  it.each([
    ['a user and password', 'admin:s3cr3t@', 'https://<credentials 1>@nonprod.example.com:6443', 'https://nonprod.example.com:6443'],
    ['a password holding a /, with no path after the host', 'admin:12/s3cr3t@', '<url with credentials 1>', UNSURE_URL],
  ])(
    'never print %s: not in the diff of the objects, nor in the warning that the stage moves to another cluster',
    (_, credentials, diffed, named) => {
      const project = FLUX_PROJECT.replace('engine: flux', 'engine: argocd').replace(
        '{ kubeConfigSecret: nonprod-kubeconfig }',
        '{ server: https://nonprod.example.com:6443 }',
      );
      const dir = tempProject({ qa: deliveredStageFile('{ cluster: nonprod }') });
      writeFileSync(join(dir, 'stagecraft.yaml'), project);
      expect(runCli('synth', [], dir).code).toBe(0);
      for (const f of ['00-stagecraft.yaml', '10-qa.yaml']) {
        const file = join(dir, 'dist', 'delivery', 'argocd', f);
        const text = readFileSync(file, 'utf8');
        expect(text).toContain('server: https://nonprod.example.com:6443');
        writeFileSync(file, text.replaceAll('server: https://nonprod', `server: https://${credentials}nonprod`));
      }
      writeFileSync(join(dir, 'environments', 'qa.yaml'), deliveredStageFile('{ cluster: prod }'));
      const diff = runCli('diff', ['qa'], dir);
      expect(diff.code).toBe(0);
      expect(diff.stdout).toContain(`spec.destination.server: "${diffed}" -> "https://prod.example.com:6443"`);
      expect(diff.stderr).toContain(`where it applied it to ${named}`);
      const synth = runCli('synth', [], dir);
      expect(synth.code).toBe(0);
      for (const out of [diff.stdout, diff.stderr, synth.stdout, synth.stderr]) {
        expect(out).not.toContain('s3cr3t');
        expect(out).not.toContain('admin');
        expect(out).not.toContain(':12');
      }
    },
  );
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

  it.each<[string, Record<string, unknown>]>([
    [
      'an Application',
      { kind: 'Application', spec: { destination: { server: 'https://admin:s3cr3t@k8s.example.com:6443', namespace: 'qa' } } },
    ],
    [
      'an AppProject',
      { kind: 'AppProject', spec: { destinations: [{ server: 'https://admin:s3cr3t@k8s.example.com:6443', namespace: 'qa' }] } },
    ],
  ])("shows the cluster server of %s without its credentials, as written otherwise (no '/' added)", (_, object) => {
    const shown = JSON.stringify(withUrlsShown(object));
    expect(shown).not.toContain('s3cr3t');
    expect(shown).not.toContain('admin');
    expect(shown).toContain('"server":"https://k8s.example.com:6443","namespace":"qa"');
  });

  it('shows a cluster server whose password runs past its authority (no path after the host) as the placeholder', () => {
    const object = { kind: 'Application', spec: { destination: { server: 'https://admin:12/Zq@k8s.example.com:6443', namespace: 'qa' } } };
    expect(JSON.stringify(withUrlsShown(object))).toContain(`"server":"${UNSURE_URL}","namespace":"qa"`);
  });

  it('leaves other kinds alone', () => {
    const object = { kind: 'ConfigMap', data: { url: 'https://ci:s3cr3t@git.example.com/a.git' } };
    expect(withUrlsShown(object)).toBe(object);
  });
});

describe('repositoryHostPath', () => {
  it.each([
    'https://git.example.com/platform/deploy.git',
    'https://ci:glpat-abcdefghijklmnop1234@Git.Example.com:8443/platform/deploy/',
    'ssh://git@git.example.com:2222/platform/deploy.git',
    'git@git.example.com:platform/deploy',
  ])('is one host and path for %s, whatever its transport, user, port or .git', (url) => {
    expect(repositoryHostPath(url)).toBe('git.example.com/platform/deploy');
  });

  it('tells another path or host apart, and says nothing of a local path', () => {
    expect(repositoryHostPath('https://git.example.com/platform/deploy-prod.git')).toBe('git.example.com/platform/deploy-prod');
    expect(repositoryHostPath('https://git.other.example/platform/deploy.git')).toBe('git.other.example/platform/deploy');
    expect(repositoryHostPath('/srv/git/deploy.git')).toBeUndefined();
  });
});

describe('repositoryHostPath of a URL Git hands to a remote helper', () => {
  it.each([
    'codecommit://app',
    'codecommit::us-east-1://app',
    'keybase://team/acme/app',
    "ext::ssh -i key git@host %S 'team/app'",
    'gcrypt::rsync://host/path',
  ])('says nothing of %s: the helper reads its address as it likes (it was read as a host and path)', (url) => {
    expect(repositoryHostPath(url)).toBeUndefined();
  });

  it('reads the schemes Git speaks itself, in any case', () => {
    expect(repositoryHostPath('git+ssh://git@git.example.com/team/app.git')).toBe('git.example.com/team/app');
    expect(repositoryHostPath('HTTPS://git.example.com/team/app')).toBe('git.example.com/team/app');
  });
});

describe('repositoryHostPath of a repository its Git host serves under two URLs, over https and over ssh', () => {
  it.each([
    'https://dev.azure.com/contoso/shop/_git/app',
    'https://contoso@dev.azure.com/contoso/Shop/_git/app',
    'git@ssh.dev.azure.com:v3/contoso/shop/app',
    'https://contoso.visualstudio.com/shop/_git/app',
    'https://contoso.visualstudio.com/DefaultCollection/shop/_git/app',
    'contoso@vs-ssh.visualstudio.com:v3/contoso/shop/app',
  ])("is Azure DevOps's one repository for %s", (url) => {
    expect(repositoryHostPath(url)).toBe('dev.azure.com/contoso/shop/app');
  });

  it.each([
    'https://dev.azure.com/contoso/_git/shop',
    'https://contoso.visualstudio.com/_git/shop',
    // DefaultCollection is no project here (it was read as one: dev.azure.com/contoso/defaultcollection/shop)
    'https://contoso.visualstudio.com/DefaultCollection/_git/shop',
    'https://contoso.visualstudio.com/DefaultCollection/shop/_git/shop',
    'git@ssh.dev.azure.com:v3/contoso/shop/shop',
  ])("is Azure DevOps's one repository for %s, a project's own repository (named after it) by its short path too", (url) => {
    expect(repositoryHostPath(url)).toBe('dev.azure.com/contoso/shop/shop');
  });

  it.each(['https://tfs.example.com/tfs/DefaultCollection/Shop/_git/app', 'ssh://tfs.example.com:22/tfs/DefaultCollection/Shop/_ssh/app'])(
    "is Azure DevOps Server's one repository for %s (its ssh path's _ssh/ the https path's _git/)",
    (url) => {
      expect(repositoryHostPath(url)).toBe('tfs.example.com/tfs/defaultcollection/shop/_git/app');
    },
  );

  it.each([
    'https://git.example.com/scm/plat/app.git',
    'https://git.example.com/bitbucket/scm/plat/app.git',
    'ssh://git@git.example.com:7999/plat/app.git',
  ])("is Bitbucket Server's one repository for %s (its clone path's /scm/ and context path aside)", (url) => {
    expect(repositoryHostPath(url)).toBe('git.example.com/plat/app');
  });

  it("keeps a path in which /scm/ is a group's name, not the clone path's (a third level)", () => {
    expect(repositoryHostPath('https://git.example.com/scm/team/sub/app.git')).toBe('git.example.com/scm/team/sub/app');
    // a hosted service's groups: gitlab.com/acme/scm/team/app was read as gitlab.com/team/app, another repository
    expect(repositoryHostPath('https://gitlab.com/acme/scm/team/app.git')).toBe('gitlab.com/acme/scm/team/app');
    expect(repositoryHostPath('git@gitlab.com:scm/team/app.git')).toBe('gitlab.com/scm/team/app');
  });
});

describe('repositoryHostPath of a URL as Git reads it', () => {
  it.each([
    // Git reads a URL with no scheme and a ':' before any '/' as scp-style ssh, with or without a user (an ssh config names the user)
    ['an scp-style URL without a user', 'git.example.com:platform/deploy.git'],
    // GitHub, GitLab and Argo CD (which finds credentials by a URL in lower case) read a path whatever its case
    ['a path in other case', 'https://git.example.com/Platform/Deploy.git'],
    // a percent-escaped letter is the letter to the server
    ['a path with an escaped letter', 'https://git.example.com/platform/%64eploy'],
  ])('is the same host and path for %s', (_, url) => {
    expect(repositoryHostPath(url)).toBe('git.example.com/platform/deploy');
  });

  it("is not a host made of an scp-style URL's path (gh:platform/app, an alias no insteadOf rewrote, is host gh to Git)", () => {
    expect(repositoryHostPath('gh:platform/app')).toBe('gh/platform/app');
    expect(repositoryHostPath('git.example.com:platform/deploy')).not.toBe('platform/deploy');
  });

  it('keeps an escaped character that is no letter as it is, and a path with a space written either way as one', () => {
    expect(repositoryHostPath('https://git.example.com/platform/a%2Fb')).toBe('git.example.com/platform/a%2fb');
    expect(repositoryHostPath('git@git.example.com:platform/my deploy')).toBe(
      repositoryHostPath('https://git.example.com/platform/my%20deploy'),
    );
  });
});
