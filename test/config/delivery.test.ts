/** What lib/config/delivery.ts says of a repository's settings before any object is made of them. */
import { describe, expect, it } from 'vitest';
import { repositoryCredentials } from '../../lib/config/repository-credentials.js';
import { repositoryUrlForm, repositoryMismatches } from '../../lib/config/repository-url.js';

describe('repositoryCredentials', () => {
  it('gives the commands that hand the credentials to each engine for the URL without them, a shell reading them back, no <url>', () => {
    const { hint } = repositoryCredentials('https://ci-bot:glpat-Zq8xY2vB4nM6kL0p@git.example.com/team/shop.git')!;
    expect(hint).toContain('(argocd repo add https://git.example.com/team/shop.git --username ... --password ...)');
    expect(hint).toContain('flux create secret git git-credentials --url=https://git.example.com/team/shop.git --username=');
    expect(hint).not.toMatch(/<url>|glpat/);
    // a path a shell reads otherwise: quoted
    expect(repositoryCredentials("https://ci-bot:glpat-Zq8xY2vB4nM6kL0p@git.example.com/team's/shop.git")!.hint).toContain(
      "argocd repo add 'https://git.example.com/team'\\''s/shop.git' --username",
    );
  });

  it('gives the ssh commands for a URL over ssh: a private key, no password, and an ssh:// URL to the flux command', () => {
    const cases = [
      [
        'ssh://git:hunter2-Zq8xY2vB@git.example.com/team/shop.git',
        'ssh://git@git.example.com/team/shop.git',
        'ssh://git@git.example.com/team/shop.git',
      ],
      [
        'git@git.example.com:team/shop.git?private_token=Zx8kLm3Qp9RtVw2Y',
        'git@git.example.com:team/shop.git',
        'ssh://git@git.example.com/team/shop.git',
      ],
    ];
    for (const [written, url, fluxUrl] of cases) {
      const { hint } = repositoryCredentials(written!)!;
      expect(hint).toContain(`(argocd repo add ${url} --ssh-private-key-path ...)`);
      expect(hint).toContain(
        `flux create secret git git-credentials --url=${fluxUrl} --private-key-file=..., then secret: git-credentials`,
      );
      expect(hint).not.toMatch(/--password|--username|hunter2|Zx8kLm3Qp9RtVw2Y/);
    }
  });

  it.each([
    [
      'a query token',
      'https://gitlab.example.com/platform/shop.git?private_token=Zx8kLm3Qp9RtVw2Y',
      'a query (private_token=...)',
      'https://gitlab.example.com/platform/shop.git',
    ],
    [
      'a token as the user name',
      'https://Zx8kLm3Qp9RtVw2Y@github.com/platform/shop.git',
      'a user name (a token, as Git hosts take one there)',
      'https://github.com/platform/shop.git',
    ],
    [
      'a user name over http://',
      'http://deploy@git.example.com/platform/shop.git',
      'a user name (a token, as Git hosts take one there)',
      'http://git.example.com/platform/shop.git',
    ],
    [
      'a query after an scp-style address',
      'git@git.example.com:platform/shop.git?token=Zx8kLm3Qp9RtVw2Y',
      'a query (token=...)',
      'git@git.example.com:platform/shop.git',
    ],
  ])('refuses %s, printing neither the URL nor the value, with the URL without it as hint', (_, url, carried, address) => {
    const found = repositoryCredentials(url);
    expect(found?.code).toBe('delivery/repository-credentials');
    expect(found?.message).toContain(`the repository URL carries ${carried}, `);
    expect(found?.hint).toMatch(
      new RegExp(`^write the URL as ${address.replace(/[.?]/g, '\\$&')}, and give the credentials to the engine`),
    );
    expect(`${found?.message} ${found?.hint}`).not.toContain('Zx8kLm3Qp9');
  });

  it('refuses a repository URL with a fragment whatever the engine, which Git leaves out and no engine reads as a revision', () => {
    expect(repositoryUrlForm('https://git.example.com/team/app.git#main')).toEqual({
      code: 'delivery/repository-url',
      setting: 'url',
      message:
        "the repository URL 'https://git.example.com/team/app.git#main' ends in a fragment (#main), which is no part of a Git repository's address: " +
        "Git leaves it out when it clones, and Argo CD finds a private repository's credentials by the URL with it",
      hint: 'write the URL as https://git.example.com/team/app.git, and main as delivery.repository.revision',
    });
    expect(repositoryUrlForm('https://git.example.com/team/app.git')).toBeUndefined();
    // a '#' that may be a password's is refused as credentials, never echoed here
    expect(repositoryUrlForm('https://ci:p#Zq@git.example.com/team/app.git')).toBeUndefined();
    // one the secret screening finds a value in (which secrets.allow may let through) is refused, neither it nor the URL said
    const secret = repositoryUrlForm('https://git.example.com/team/app.git#token=s3cr3tV4lue');
    expect(secret?.code).toBe('delivery/repository-url');
    expect(secret?.message).toMatch(/^the repository URL \(a 54-character value, hidden\) ends in a fragment/);
    expect(`${secret?.message} ${secret?.hint}`).not.toMatch(/s3cr3t|git\.example\.com/);
    // the engines' own checks leave it to repositoryUrlForm
    expect(repositoryMismatches('flux', { url: 'https://git.example.com/team/app.git#main' })).toEqual([]);
  });

  it('names a query parameter that might be a token itself as ?', () => {
    expect(repositoryCredentials('https://git.example.com/shop.git?Zx8kLm3Qp9RtVw2Y')?.message).toContain('a query (?=...)');
  });

  it.each([
    ['https://x-access-token:Zx8kLm3Qp9RtVw2Y@github.com/platform/shop.git', 'https://github.com/platform/shop.git'],
    ['ssh://git:Zx8kLm3Qp9@git.example.com/platform/shop.git', 'ssh://git@git.example.com/platform/shop.git'],
  ])('refuses a password (%s) that the secret screening finds too: a secrets.allow there must not let it through', (url, address) => {
    const found = repositoryCredentials(url);
    expect(found?.message).toContain('the repository URL carries a password, ');
    expect(found?.hint).toContain(`write the URL as ${address}, and `);
    expect(`${found?.message} ${found?.hint}`).not.toContain('Zx8kLm3Qp9');
  });

  it.each([
    ['https://ci:12/Zx8kLm3Qp9@git.example.com/platform/shop.git', 'https://git.example.com/platform/shop.git'],
    ['https://ci:12?Zx8kLm3Qp9@git.example.com/platform/shop.git?ref=main', 'https://git.example.com/platform/shop.git'],
    ['https://ci:12#Zx8kLm3Qp9@git.example.com', 'https://git.example.com'],
    ['https://ci:12/Zx8k/Lm3Qp9@git.example.com/platform/shop.git', 'https://git.example.com/platform/shop.git'],
    ['https://ci:12#Zx8k/Lm3Qp9@git.example.com/platform/shop.git', 'https://git.example.com/platform/shop.git'],
    ['https://ci:12?Zx8k/Lm3Qp9@git.example.com/platform/shop.git', 'https://git.example.com/platform/shop.git'],
  ])('refuses a password holding a / ? or # (%s), which new URL() reads as a host and a path', (url, address) => {
    const found = repositoryCredentials(url);
    expect(found?.message).toContain("the repository URL carries what may be a password holding a '/', '?' or '#'");
    expect(found?.hint).toContain(`write the URL as ${address}, and `);
    expect(`${found?.message} ${found?.hint}`).not.toMatch(/Zx8k|Lm3Qp9|ci:12/);
    expect(found?.hint).toMatch(/^if the '@' is the path's, write it %40; otherwise /);
  });

  it.each(['https://git.example.com/team@v1/app.git', 'https://git.example.com/@platform/shop@v1.git'])(
    'refuses an unescaped @ in the path of %s without guessing a host: the hint says how a path writes it',
    (url) => {
      const found = repositoryCredentials(url);
      expect(found?.hint).toMatch(/^if the '@' is the path's, write it %40; otherwise take the password out of the URL, and /);
      expect(found?.hint).not.toContain('write the URL as');
    },
  );

  it.each([
    'https://git.example.com/platform/shop.git',
    'https://git.example.com/%40platform/shop%40v1.git',
    'ssh://git@git.example.com/platform/shop.git',
    'ssh://git@git.example.com/team@v1.git',
    'git@git.example.com:platform/shop.git',
    'git://git.example.com/platform/shop.git',
  ])('lets %s through: an ssh user is the account, no secret', (url) => {
    expect(repositoryCredentials(url)).toBeUndefined();
  });

  it.each([
    // as Azure DevOps shows a repository to clone: the organization as user, repeated as the path's first segment
    'https://contoso@dev.azure.com/contoso/shop/_git/app',
    'https://Contoso@dev.azure.com/contoso/Shop%20Team/_git/app',
    'https://contoso@contoso.visualstudio.com/shop/_git/app',
    // as Bitbucket shows one: the account's name
    'https://jdoe@bitbucket.org/team/app.git',
    'https://jane.doe@git.example.com/scm/team/app.git',
    // long names a person chose: words, a year, a number within them once
    'https://platformengineer@bitbucket.org/team/app.git',
    'https://jdoe2024platform@bitbucket.org/team/app.git',
    'https://k8sdeploybot2024@bitbucket.org/team/app.git',
    'https://acmecorpbuildagent1@git.example.com/scm/team/app.git',
    // short names with a run of digits: a token is 16 characters or more
    'https://deploy42bot@bitbucket.org/team/app.git',
    'https://jdoe99@bitbucket.org/team/app.git',
  ])('lets %s through: the user name a Git host writes in the clone URL it shows names an account', (url) => {
    expect(repositoryCredentials(url)).toBeUndefined();
  });

  it.each([
    // another user at Azure DevOps may be a personal access token
    ['https://Zx8kLm3Qp9RtVw2Y@dev.azure.com/contoso/shop/_git/app', 'https://dev.azure.com/contoso/shop/_git/app'],
    ['https://fabrikam@contoso.visualstudio.com/shop/_git/app', 'https://contoso.visualstudio.com/shop/_git/app'],
    // a token as a Bitbucket user: random, or longer than a name (an app password)
    ['https://Zx8kLm3Qp9RtVw2Y@bitbucket.org/team/app.git', 'https://bitbucket.org/team/app.git'],
    ['https://ATBB4kq7tzpp9xyz3ab2cd5ef8gh1jk@bitbucket.org/team/app.git', 'https://bitbucket.org/team/app.git'],
    // lowercase or hex tokens, 16 to 30 characters, which Bitbucket would take as user names
    ['https://a3f9c2e81b7d4f60@bitbucket.org/team/app.git', 'https://bitbucket.org/team/app.git'],
    ['https://9f86d081884c7d659a2feaa0c55ad0@bitbucket.org/team/app.git', 'https://bitbucket.org/team/app.git'],
    ['https://k3j9x2m8p1q7r5t0@bitbucket.org/team/app.git', 'https://bitbucket.org/team/app.git'],
    ['https://qz7tkw2mpx9rbnv4hd@git.example.com/scm/team/app.git', 'https://git.example.com/scm/team/app.git'],
    // GitHub and GitLab show no user: one there is a token
    ['https://jdoe@github.com/team/app.git', 'https://github.com/team/app.git'],
    ['https://jdoe@gitlab.com/team/app.git', 'https://gitlab.com/team/app.git'],
  ])('refuses %s as a user name, a token as Git hosts take one', (url, address) => {
    const found = repositoryCredentials(url);
    expect(found?.message).toContain('the repository URL carries a user name (a token, as Git hosts take one there), ');
    expect(found?.hint).toContain(`write the URL as ${address}, and `);
  });

  it("refuses the password or the query beside the user Azure DevOps shows, keeping that user in the hint's URL", () => {
    const password = repositoryCredentials('https://contoso:Zx8kLm3Qp9RtVw2Y@dev.azure.com/contoso/shop/_git/app');
    expect(password?.message).toContain('the repository URL carries a password, ');
    expect(password?.hint).toContain('write the URL as https://dev.azure.com/contoso/shop/_git/app, and ');
    const query = repositoryCredentials('https://contoso@dev.azure.com/contoso/shop/_git/app?token=Zx8kLm3Qp9RtVw2Y');
    expect(query?.message).toContain('the repository URL carries a query (token=...), ');
    expect(query?.hint).toContain('write the URL as https://contoso@dev.azure.com/contoso/shop/_git/app, and ');
    expect(`${password?.message} ${password?.hint} ${query?.message} ${query?.hint}`).not.toContain('Zx8kLm3Qp9');
  });
});
