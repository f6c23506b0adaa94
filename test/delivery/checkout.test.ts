/**
 * The project's repository held to what Git of its checkout says (lib/delivery/checkout.ts): a project file's URL that
 * names none of the checkout's remotes, and a place in the repository Git could not be asked for.
 */
import { describe, expect, it } from 'vitest';
import { checkoutOf, followedRefs, notARemote, pathUnchecked, revisionReading, unknownRevision } from '../../lib/delivery/checkout.js';
import type { ProjectCheckout } from '../../lib/delivery/delivery-plan.js';

const URL = 'https://git.example.com/team/app.git';

/** A checkout at the repository's top with these remotes (by name, their URLs). */
const checkoutWith = (remotes: Record<string, string[]> | undefined): ProjectCheckout =>
  checkoutOf('', remotes ? new Map(Object.entries(remotes)) : undefined);

describe('notARemote', () => {
  it.each([
    ['its https:// URL', { origin: [URL] }],
    ['its scp-style URL in capitals, without .git', { origin: ['git@GIT.example.com:team/app'] }],
    ['the push URL of a remote fetched from a mirror', { origin: ['https://mirror.example.com/team/app.git', `${URL}`] }],
    ["a fork's upstream", { origin: ['git@git.example.com:me/app.git'], upstream: [URL] }],
    ['none (a checkout without remotes)', {}],
    ['a local path (maybe a clone of it)', { origin: ['/srv/git/other.git'] }],
    ["a remote helper's URL (git-remote-codecommit's)", { origin: ['codecommit://app'] }],
  ])('says nothing of a checkout whose remotes are %s', (_, remotes) => {
    expect(notARemote({ url: URL }, checkoutWith(remotes), 'stagecraft.yaml')).toBeUndefined();
  });

  it("says nothing of a checkout cloned over ssh from a Git host that serves the repository at another path over https (Azure DevOps's v3/, Bitbucket Server's /scm/)", () => {
    const azure = 'https://dev.azure.com/contoso/shop/_git/app';
    expect(
      notARemote({ url: azure }, checkoutWith({ origin: ['git@ssh.dev.azure.com:v3/contoso/shop/app'] }), 'stagecraft.yaml'),
    ).toBeUndefined();
    const bitbucket = 'https://git.example.com/scm/plat/app.git';
    expect(
      notARemote({ url: bitbucket }, checkoutWith({ origin: ['ssh://git@git.example.com:7999/plat/app.git'] }), 'stagecraft.yaml'),
    ).toBeUndefined();
  });

  it('says nothing where no Git said, nor of a deploy repository CI copies dist/ into', () => {
    expect(notARemote({ url: URL }, checkoutWith(undefined), 'stagecraft.yaml')).toBeUndefined();
    expect(
      notARemote({ url: URL, copied: true }, checkoutWith({ origin: ['https://git.example.com/x/y.git'] }), 'stagecraft.yaml'),
    ).toBeUndefined();
  });

  it('names the remotes, never their URLs, and offers origin, or the first, as a command a shell reads back', () => {
    const moved = notARemote(
      { url: URL },
      checkoutWith({
        'my fork': ['https://ci:Zq8xY2vB4nM6kL0p@git.example.com/me/moved.git'],
        origin: ['https://git.example.com/team/moved.git'],
      }),
      'stagecraft.yaml',
    );
    expect(moved?.message).toBe(
      `the engines clone ${URL}, which is none of this checkout's remotes (my fork, origin; host and path as Git reads them, over https, ssh or scp-style): after the repository moved (git remote set-url), or with a URL mistyped, they apply each stage as that repository holds it, which no push of this checkout reaches`,
    );
    expect(moved?.hint).toContain('(git remote get-url origin, without the credentials it may hold)');
    expect(`${moved?.message}${moved?.hint}`).not.toContain('Zq8x');
    const fork = notARemote({ url: URL }, checkoutWith({ 'my fork': ['https://git.example.com/me/moved.git'] }), 'stagecraft.yaml');
    expect(fork?.hint).toContain("(git remote get-url 'my fork', without");
  });
});

describe('what names a remote or a branch', () => {
  it('is written with a character that prints as nothing or turns the line around as its escape (a remote named by hand)', () => {
    const fork = 'fork\u202eli';
    const said = notARemote({ url: URL }, checkoutWith({ [fork]: ['https://git.example.com/me/moved.git'] }), 'stagecraft.yaml');
    expect(said?.message).toContain("none of this checkout's remotes (fork\\u202eli;");
    const renamed: ProjectCheckout = {
      ...checkoutWith({ [fork]: [URL] }),
      revisionOf: () => ({ found: false, head: 'trunk\u202e' }),
    };
    const unknown = unknownRevision(URL, 'main', 'flux', renamed);
    expect(`${unknown?.message}${unknown?.hint}`).not.toContain('\u202e');
    expect(unknown?.message).toContain('its remote fork\\u202eli (');
    // and no command holds its escape, which names no remote: the words (a version range's too)
    expect(unknown?.hint).toContain(
      'push it to the remote fork\\u202eli), or, if it was pushed from elsewhere, fetch from the remote fork\\u202eli',
    );
    const range = unknownRevision(URL, '1.2.x', 'argocd', renamed);
    expect(range?.hint).toContain('push a tag in that range (to the remote fork\\u202eli)');
    expect(range?.hint).toContain('fetch from the remote fork\\u202eli (git fetch --tags and its name)');
    expect(`${unknown?.hint}${range?.hint}`).not.toMatch(/git (?:fetch|push) (?:--tags )?fork/);
  });
});

describe('pathUnchecked', () => {
  it('says where the engines read each stage, why that was not held to where the project is, and the fix', () => {
    expect(pathUnchecked({ why: 'git is not installed here (no git on PATH)', fix: 'install git' }, { path: 'infra/k8s' })).toEqual({
      message:
        "the engines read infra/k8s/dist/<stage> from the repository's top, and whether the project is there was not checked: git is not installed here (no git on PATH), so a wrong delivery.repository.path shows only in the engine (Argo CD's app path does not exist, Flux's kustomization path not found)",
      hint: 'install git, to have it checked (git rev-parse --show-prefix) at the next synthesis',
    });
  });
});

describe('followedRefs', () => {
  it.each([
    ['a bare revision, by Flux, as the branch', 'flux', 'trunk', ['refs/heads/trunk']],
    ['a bare revision, by Argo CD, as the branch or the tag', 'argocd', 'trunk', ['refs/heads/trunk', 'refs/tags/trunk']],
    [
      'a version, by Argo CD, as a tag in its range (1.2.3 too), or the branch or tag so named',
      'argocd',
      'v1.2.3',
      ['refs/heads/v1.2.3', 'refs/tags/v1.2.3', 'range:v1.2.3'],
    ],
    ['a version range, by Argo CD, as a tag in it', 'argocd', '>=1.2.0 <1.3.0', ['range:%3E%3D1.2.0%20%3C1.3.0']],
    ['a version pattern, by Flux, as the branch so named', 'flux', '1.2.x', ['refs/heads/1.2.x']],
    ['a branch or tag as a full ref, as itself', 'argocd', 'refs/tags/v1.2.3', ['refs/tags/v1.2.3']],
    ['a branch with a slash', 'flux', 'refs/heads/feature/a', ['refs/heads/feature/a']],
    ['a 40-hex commit as none', 'flux', '0123456789abcdef0123456789ABCDEF01234567', undefined],
    ['a commit written short, by Argo CD (which looks it up), as none', 'argocd', '3f7a9c2', undefined],
    ['HEAD, or another ref (a pull request), as none', 'argocd', 'refs/pull/12/head', undefined],
  ] as const)('reads %s', (_, engine, revision, refs) => {
    expect(followedRefs(engine, revision)).toEqual(refs);
  });

  it('reads HEAD as none', () => expect(followedRefs('argocd', 'HEAD')).toBeUndefined());
});

describe('revisionReading', () => {
  const refs = { head: 'refs/heads/trunk', refs: new Set(['refs/heads/trunk', 'refs/remotes/origin/release', 'refs/tags/v1.2.3']) };

  it.each([
    ['a local branch', ['refs/heads/trunk']],
    ['a branch of the remote the repository is, as last fetched', ['refs/heads/release']],
    ['a tag', ['refs/tags/v1.2.3']],
    ['a tag Argo CD may follow a bare revision as', ['refs/heads/v1.2.3', 'refs/tags/v1.2.3']],
    ['a tag in the version range Argo CD reads a revision as', followedRefs('argocd', '1.2.x')!],
    ['a tag in a range written with blanks and operators', followedRefs('argocd', '>= 1.0, < 2')!],
    ['a tag of the version written without its v', followedRefs('argocd', '1.2.3')!],
  ])('finds %s', (_, wanted) => {
    expect(revisionReading(refs, 'origin', wanted)).toEqual({ found: true });
  });

  it("does not find another remote's branch, a tag wanted as a branch, nor a branch gone, and says the branch HEAD is on", () => {
    expect(
      revisionReading({ ...refs, refs: new Set([...refs.refs, 'refs/remotes/upstream/main']) }, 'upstream', ['refs/heads/release']),
    ).toEqual({ found: false, head: 'trunk' });
    expect(revisionReading(refs, 'origin', ['refs/heads/main'])).toEqual({ found: false, head: 'trunk' });
    expect(revisionReading(refs, 'origin', ['refs/heads/v1.2.3'])).toEqual({ found: false, head: 'trunk' });
    expect(revisionReading(refs, 'origin', ['refs/tags/v9'])).toEqual({ found: false, head: 'trunk' });
    expect(revisionReading(refs, 'origin', followedRefs('argocd', '1.3.x')!)).toEqual({ found: false, head: 'trunk' });
  });

  it('finds nothing, and throws nothing, of a range no revision was encoded to (a fingerprint record edited by hand)', () => {
    // (check answered an internal error, URIError: URI malformed, of such a key of .stagecraft/fingerprint.json)
    expect(revisionReading(refs, 'origin', ['range:%E0%A4%A'])).toEqual({ found: false, head: 'trunk' });
    expect(revisionReading(refs, 'origin', ['range:%', ...followedRefs('argocd', '1.2.x')!])).toEqual({ found: true });
  });

  it('reads nothing of a revision not found while the remote was never fetched (its branches unknown)', () => {
    expect(revisionReading(refs, 'upstream', ['refs/heads/main'])).toBeUndefined();
    expect(revisionReading({ ...refs, refs: new Set(['refs/heads/trunk']) }, 'origin', ['refs/heads/main'])).toBeUndefined();
  });
});

describe('unknownRevision', () => {
  const renamed = (remotes: Record<string, string[]>, head = 'trunk'): ProjectCheckout => ({
    ...checkoutWith(remotes),
    revisionOf: (remote, wanted) =>
      revisionReading(
        { head: `refs/heads/${head}`, refs: new Set([`refs/heads/${head}`, `refs/remotes/${remote}/${head}`]) },
        remote,
        wanted,
      ),
  });

  it('says a branch none of the checkout has, of its own repository, with a push a shell reads back and no credential', () => {
    const said = unknownRevision(
      URL,
      'feature/a b',
      'flux',
      renamed({ origin: ['https://ci:Zq8xY2vB4nM6kL0p@git.example.com/team/app.git'] }),
    );
    expect(said?.message).toMatch(
      /^"feature\/a b" is no branch of this checkout, nor of its remote origin \(https:\/\/git\.example\.com\/team\/app\.git\)/,
    );
    expect(said?.hint).toContain("git push origin 'feature/a b'");
    expect(`${said?.message}${said?.hint}`).not.toContain('Zq8x');
  });

  it('says a tag is pushed, and nothing of another repository (a deploy repository, a fork the URL does not name) or a checkout that cannot tell', () => {
    expect(unknownRevision(URL, 'refs/tags/v2', 'flux', renamed({ origin: [URL] }))?.hint).toBe(
      'push the tag (git push origin v2), or write the tag the engines should follow',
    );
    expect(unknownRevision(URL, 'main', 'flux', renamed({ origin: ['https://git.example.com/me/app.git'] }))).toBeUndefined();
    expect(unknownRevision(URL, 'main', 'flux', checkoutWith({ origin: [URL] }))).toBeUndefined();
  });

  it('says a version range Argo CD follows holds no tag of the checkout, nor names a branch or tag', () => {
    const said = unknownRevision(URL, 'v2', 'argocd', renamed({ origin: [URL] }));
    expect(said).toEqual({
      message: `"v2" is a version range no tag of this checkout is in (Argo CD applies the highest tag in it), nor a branch or tag of that name, nor a branch of its remote origin (${URL}) as last fetched (git tag, git branch -a): unless such a tag was pushed from elsewhere, Argo CD finds no revision to apply (unable to resolve it to a commit SHA), and the stage is never applied; this checkout is on "trunk"`,
      hint: 'push a tag in that range (git push origin, then the tag), or write the range, tag or branch the engines should follow; if it was pushed from elsewhere, git fetch --tags origin',
    });
  });

  it('says a bare revision Argo CD follows is no branch or tag, and asks nothing of a commit, whole or short', () => {
    const said = unknownRevision(URL, 'stable', 'argocd', renamed({ origin: [URL] }));
    expect(said?.message).toMatch(/^"stable" is no branch or tag of this checkout, nor a branch of its remote origin \(/);
    expect(said?.hint).toContain('the branch or tag the engines should follow; else push it (git push origin stable)');
    const asked: string[][] = [];
    const checkout = {
      ...renamed({ origin: [URL] }),
      revisionOf: (_: string, wanted: readonly string[]) => {
        asked.push([...wanted]);
        return undefined;
      },
    };
    for (const revision of ['0123456789abcdef0123456789abcdef01234567', '3f7a9c2', 'HEAD'])
      expect(unknownRevision(URL, revision, 'argocd', checkout)).toBeUndefined();
    expect(asked).toEqual([]);
  });
});
