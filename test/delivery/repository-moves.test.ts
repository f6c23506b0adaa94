/** A stage read from another repository: the credentials its engine needs (lib/delivery/repository-moves.ts), said by synth and diff. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryMoves } from '../../lib/delivery/repository-moves.js';
import { clonedRepositories, targetOf, type StageTarget } from '../../lib/delivery/target.js';
import { formatProblem } from '../../lib/errors.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';

const OLD = 'https://git.example.com/team/app.git';
const NEW = 'ssh://git@git.new.example/team/app.git';

/** An Argo CD Application of `stage` reading `url`, as targetOf reads it. */
const application = (stage: string, url: string): [string, StageTarget] => [
  `argocd/${stage}`,
  targetOf({
    kind: 'Application',
    metadata: { name: `stagecraft-${stage}`, namespace: 'argocd' },
    spec: { source: { path: `dist/${stage}`, repoURL: url }, destination: { name: 'nonprod' } },
  })!,
];

/** A Flux Kustomization of `stage` and the GitRepository it names, of `url` cloned with `secret`. */
function kustomization(stage: string, url: string, secret?: string): [string, StageTarget] {
  const repositories = clonedRepositories([
    {
      kind: 'GitRepository',
      metadata: { name: 'stagecraft', namespace: 'flux-system' },
      spec: { url, ...(secret ? { secretRef: { name: secret } } : {}) },
    },
  ]);
  const object = {
    kind: 'Kustomization',
    metadata: { name: `stagecraft-${stage}`, namespace: 'flux-system' },
    spec: { path: `./dist/${stage}`, sourceRef: { kind: 'GitRepository', name: 'stagecraft' } },
  };
  return [`flux/${stage}`, targetOf(object, repositories)!];
}

const moves = (before: [string, StageTarget][], after: [string, StageTarget][], whole?: [string, StageTarget][]) =>
  repositoryMoves(new Map(before), new Map(after), whole && new Map(whole)).map(formatProblem);

describe('a stage Argo CD reads from another repository', () => {
  it('says nothing of an older file whose URL may be read two ways when one of them is the repository the project file names now', () => {
    for (const [old, now] of [
      // a dotted user whose password holds two /: its authority reads as a host too
      ['https://first.last:12/a/b@git.example.com/team/app.git', 'https://git.example.com/team/app.git'],
      // an undotted host with an `@` in its path, written %40 now
      ['https://gitlab:8443/team@v1/app.git', 'https://gitlab:8443/team%40v1/app.git'],
    ])
      expect(moves([application('qa', old)], [application('qa', now)])).toEqual([]);
    // another host after all: said
    expect(
      moves([application('qa', 'https://gitlab:8443/team@v1/app.git')], [application('qa', 'https://gitlab:9443/team%40v1/app.git')]),
    ).toHaveLength(1);
  });

  it('says to give Argo CD the new URL its credentials, found by URL, with the host key of a new ssh host, and to remove the old ones once no stage reads it', () => {
    expect(moves([application('qa', OLD)], [application('qa', NEW)])).toEqual([
      `Application argocd/stagecraft-qa: warning: reads its stage from ${NEW} now, no longer from ${OLD}: Argo CD finds a private repository's credentials by its URL ` +
        '(a repository Secret in argocd, or a credential template whose URL begins it), so those of the old URL are not used for the new one; ' +
        "without any, the sync fails (the repository is not accessible), and the stage stays as the old repository's last commit left it\n" +
        `  hint: if ${NEW} is private, give Argo CD its credentials before applying dist/delivery/argocd: argocd repo add ${NEW} --ssh-private-key-path <key file>, ` +
        "and, unless Argo CD knows git.new.example's host key (argocd cert list), ssh-keyscan git.new.example | argocd cert add-ssh --batch; " +
        `once it is applied and synced, argocd repo rm ${OLD} removes those of the old one, which no Application reads any more`,
    ]);
  });

  it('asks the host key of an ssh host on another port than 22 there (ssh-keyscan -p), as known_hosts names it', () => {
    const ported = 'ssh://git@git.new.example:2222/team/app.git';
    const [said] = moves([application('qa', OLD)], [application('qa', ported)]);
    expect(said).toContain(
      'unless Argo CD knows the host key of git.new.example on port 2222 ([git.new.example]:2222) (argocd cert list), ssh-keyscan -p 2222 git.new.example | argocd cert add-ssh --batch; ',
    );
    // port 22 is ssh-keyscan's own
    expect(moves([application('qa', OLD)], [application('qa', 'ssh://git@git.new.example:22/team/app.git')])[0]).toContain(
      'ssh-keyscan git.new.example | argocd cert add-ssh --batch',
    );
  });

  it('asks the host key of an ssh host written as an IPv6 address as ssh-keyscan takes it (no brackets), and known_hosts names it', () => {
    const [ported] = moves([application('qa', OLD)], [application('qa', 'ssh://git@[2001:db8::7]:2222/team/app.git')]);
    expect(ported).toContain(
      'unless Argo CD knows the host key of 2001:db8::7 on port 2222 ([2001:db8::7]:2222) (argocd cert list), ssh-keyscan -p 2222 2001:db8::7 | argocd cert add-ssh --batch; ',
    );
    const [plain] = moves([application('qa', OLD)], [application('qa', 'ssh://git@[2001:db8::7]/team/app.git')]);
    expect(plain).toContain(
      "unless Argo CD knows 2001:db8::7's host key (argocd cert list), ssh-keyscan 2001:db8::7 | argocd cert add-ssh --batch; ",
    );
  });

  it('says it once for the stages that move together, over https:// with a user and token, and keeps the old credentials while a stage reads them', () => {
    const https = 'https://git.new.example/team/app';
    const [warning, ...rest] = moves(
      [application('dev', OLD), application('qa', OLD), application('prod', OLD)],
      [application('dev', https), application('qa', https), application('prod', OLD)],
    );
    expect(rest).toEqual([]);
    expect(warning).toMatch(
      /^Application argocd\/stagecraft-dev and Application argocd\/stagecraft-qa: warning: read their stages from https:\/\/git\.new\.example\/team\/app now/,
    );
    expect(warning).toContain(`argocd repo add ${https} --username <user> --password <token>\n`.trimEnd());
    expect(warning).not.toContain('argocd repo rm');
    // npm run diff of one stage: the others, which still read the old one, are in the whole new dist/delivery/
    const one = moves([application('qa', OLD)], [application('qa', https)], [application('qa', https), application('prod', OLD)]);
    expect(one[0]).not.toContain('argocd repo rm');
    // a GitRepository that still clones the old URL uses none of Argo CD's credentials: they may go
    const flux = moves([application('qa', OLD)], [application('qa', https)], [application('qa', https), kustomization('prod', OLD)]);
    expect(flux[0]).toContain(`argocd repo rm ${OLD} removes those of the old one, which no Application reads any more`);
  });

  it('says nothing for the same address spelt another way, nor for a stage new to the engine', () => {
    expect(moves([application('qa', OLD)], [application('qa', 'https://GIT.example.com/team/app')])).toEqual([]);
    expect(moves([kustomization('qa', OLD)], [kustomization('qa', 'https://GIT.example.com:443/team/app/')])).toEqual([]);
    expect(
      moves([application('qa', 'git@git.example.com:team/app.git')], [application('qa', 'ssh://git@git.example.com/team/app')]),
    ).toEqual([]);
    expect(moves([], [application('qa', NEW)])).toEqual([]);
    // credentials in the URL (as a hand wrote an old file) are no part of the address: changed alone, no repository moved
    expect(moves([application('qa', 'https://ci:s3cr3t@git.example.com/team/app.git')], [application('qa', OLD)])).toEqual([]);
    expect(moves([kustomization('qa', `${OLD}?private_token=abc`, 'git-auth')], [kustomization('qa', OLD, 'git-auth')])).toEqual([]);
    expect(
      moves(
        [kustomization('qa', 'ssh://git@git.example.com/team/app.git')],
        [kustomization('qa', 'ssh://deploy@git.example.com/team/app.git', 'key')],
      ),
    ).toHaveLength(1);
  });

  it.each([
    // the default port an older file wrote, which stagecraft refuses for Argo CD now
    ['https://git.example.com:443/team/app.git', OLD],
    ['https://git.example.com/team/app/', 'https://git.example.com/team/app'],
    ['https://dev.azure.com/contoso/shop/_git/app', 'https://contoso@dev.azure.com/contoso/shop/_git/app'],
    ['ssh://git@git.example.com:22/team/app.git', 'ssh://git@git.example.com/team/app.git'],
  ])(
    'says, of %s written %s, that the credentials Argo CD holds for the old URL are not found for the new one (it compares them as written)',
    (was, now) => {
      const ssh = now.startsWith('ssh:');
      expect(moves([application('qa', was)], [application('qa', now)])).toEqual([
        `Application argocd/stagecraft-qa: warning: reads its stage from ${now} now, no longer from ${was}, the same repository written another way: ` +
          "Argo CD finds a private repository's credentials by its URL as written, but for its case and a .git at its end (a port, the default one too, a trailing / or a user name tell two URLs apart), " +
          'so those given for the old URL are not found for the new one; without any, the sync fails (the repository is not accessible), and the stage stays as the last commit it applied left it\n' +
          `  hint: if ${now} is private, give Argo CD its credentials before applying dist/delivery/argocd, unless a credential template's URL begins it (argocd repocreds list): ` +
          `argocd repo add ${now} ${ssh ? '--ssh-private-key-path <key file>' : '--username <user> --password <token>'}; once it is applied and synced, argocd repo rm ${was} removes those of the old URL, which no Application reads any more`,
      ]);
      // Flux clones with its GitRepository's Secret, whatever the URL
      expect(moves([kustomization('qa', was, 'git-auth')], [kustomization('qa', now, 'git-auth')])).toEqual([]);
    },
  );

  it('never prints a credential that a URL as written before carried', () => {
    const [warning] = moves(
      [application('qa', 'https://ci:s3cr3t-t0ken@git.example.com/team/app.git?private_token=abc123')],
      [application('qa', NEW)],
    );
    expect(warning).toContain(`no longer from ${OLD}:`);
    expect(warning).toContain(`argocd repo rm ${OLD} removes`);
    for (const secret of ['s3cr3t', 'abc123', 'ci:', 'private_token']) expect(warning).not.toContain(secret);
  });

  it('never prints the fragment or query an older URL of the same repository ended in, which messages never show (shownUrl)', () => {
    for (const old of [`${OLD}#k9Xq2LmP7vRt4WzB8nYc`, `${OLD}?ref=k9Xq2LmP7vRt4WzB8nYc`]) {
      expect(moves([application('qa', old)], [application('qa', OLD)]).join('\n')).not.toContain('k9Xq2LmP7vRt4WzB8nYc');
      expect(moves([application('qa', OLD)], [application('qa', old)]).join('\n')).not.toContain('k9Xq2LmP7vRt4WzB8nYc');
    }
  });
});

describe('a repository URL whose password runs past its authority (ci:12/Zq@host)', () => {
  const TOKEN = 'https://ci:12/Zq@git.example.com/team/app.git';

  it('says nothing when its token changes alone, or goes', () => {
    for (const now of ['https://ci:13/Zq@git.example.com/team/app.git', OLD]) {
      expect(moves([application('qa', TOKEN)], [application('qa', now)])).toEqual([]);
      expect(moves([kustomization('qa', TOKEN, 'git-creds')], [kustomization('qa', now, 'git-creds')])).toEqual([]);
    }
  });

  it('says a move from it without printing it, and gives no command a placeholder for a shell to read as a redirect', () => {
    const problems = [
      ...moves([application('qa', TOKEN)], [application('qa', NEW)]),
      ...moves([application('qa', OLD)], [application('qa', TOKEN.replace('git.example.com', 'git.new.example'))]),
      ...moves([kustomization('qa', TOKEN, 'old-creds')], [kustomization('qa', 'https://ci:12/Zq@git.new.example/a.git', 'new-creds')]),
      ...moves([application('qa', TOKEN)], [kustomization('qa', 'https://ci:12/Zq@git.new.example/a.git')]),
      ...moves([kustomization('qa', TOKEN, 'old-creds')], [application('qa', 'https://ci:12/Zq@git.new.example/a.git')]),
    ];
    expect(problems).toHaveLength(5);
    for (const p of problems) {
      expect(p).not.toMatch(/Zq|ci:12/);
      const hint = p.slice(p.indexOf('hint:'));
      expect(hint).not.toMatch(/(?:rm|add|--url=) <url/);
    }
    expect(problems[0]).toContain('no longer from <url with credentials>:');
    expect(problems[0]).toContain('argocd repo rm of the old URL, as argocd repo list shows it, removes those of the old one');
    expect(problems[1]).toContain('argocd repo add, with the URL as written there without the password in it');
    expect(problems[2]).toContain('flux create secret git new-creds, with the URL as written there without the password in it');
  });
});

describe('a stage Flux clones from another repository', () => {
  it('says that a Secret kept across the move is sent to the new host, and to put its credentials in it', () => {
    expect(moves([kustomization('qa', OLD, 'git-auth')], [kustomization('qa', NEW, 'git-auth')])).toEqual([
      `Kustomization flux-system/stagecraft-qa: warning: reads its stage from ${NEW} now, no longer from ${OLD}, both cloned with the Secret flux-system/git-auth: ` +
        `Flux sends the new host what it holds, and unless that is the credentials of ${NEW}, Flux's clone fails, and nothing new of the stage is applied\n` +
        `  hint: before applying dist/delivery/flux, put the credentials of ${NEW} in it: flux create secret git git-auth --url=${NEW} --private-key-file=<key file> ` +
        "(the flux command takes the host's known_hosts from the URL)",
    ]);
  });

  it('says to create a new Secret before the apply, and that the old one, named by no GitRepository, may go', () => {
    const https = 'https://git.new.example/team/app.git';
    const [warning] = moves([kustomization('qa', OLD, 'old-auth')], [kustomization('qa', https, 'new-auth')]);
    expect(warning).toContain(
      `reads its stage from ${https} now, no longer from ${OLD}, cloned with the Secret flux-system/new-auth now (the old one with flux-system/old-auth): ` +
        `unless that Secret is there and holds the credentials of ${https}, Flux's clone fails`,
    );
    expect(warning).toContain(
      `  hint: before applying dist/delivery/flux, create it with the credentials of the new one: flux create secret git new-auth --url=${https} --username=<user> --password=<token>; ` +
        `once it is applied, no GitRepository names the Secret flux-system/old-auth any more: kubectl delete secret -n flux-system old-auth removes the credentials of ${OLD}`,
    );
  });

  it('says that a repository now cloned with no credentials fails if private, and says nothing between two public ones', () => {
    const [warning] = moves([kustomization('qa', OLD, 'git-auth')], [kustomization('qa', NEW)]);
    expect(warning).toContain(
      'which it cloned with the Secret flux-system/git-auth; the new one is cloned with no credentials: if it is private, ',
    );
    expect(warning).toContain(`  hint: if ${NEW} is private, name a Secret for it (delivery.repository.secret beside its url)`);
    expect(moves([kustomization('qa', OLD)], [kustomization('qa', NEW)])).toEqual([]);
  });
});

describe('a stage moved to the other engine', () => {
  const PRIVATE = 'https://ci:s3cr3t-t0ken@git.example.com/team/app.git';

  it("says that Flux clones with the Secret its GitRepository names, never with Argo CD's credentials, and to create it before the apply", () => {
    expect(moves([application('qa', OLD)], [kustomization('qa', OLD, 'git-auth')])).toEqual([
      `Kustomization flux-system/stagecraft-qa: warning: Flux reads its stage from ${OLD} now, no longer Argo CD, and clones it with the Secret flux-system/git-auth: ` +
        `Flux never uses the credentials Argo CD holds for a repository (found by its URL), so unless that Secret is there and holds the credentials of ${OLD}, ` +
        "Flux's clone fails, and nothing new of the stage is applied (Argo CD no longer applies it either)\n" +
        '  hint: before applying dist/delivery/flux, create it with the credentials of ' +
        `${OLD}, unless it is there already (kubectl get secret -n flux-system git-auth): flux create secret git git-auth --url=${OLD} --username=<user> --password=<token>; ` +
        `once it is applied, argocd repo rm ${OLD} removes what Argo CD holds for it, should no other Application read it`,
    ]);
    // another Application still reads it: its credentials in Argo CD stay
    const [kept] = moves(
      [application('qa', OLD), application('dev', OLD)],
      [kustomization('qa', OLD, 'git-auth')],
      [kustomization('qa', OLD, 'git-auth'), application('dev', OLD)],
    );
    expect(kept).not.toContain('argocd repo rm');
  });

  it('says no clone fails when the engine that takes the stage over read that repository for another stage already, only what the other engine held for it', () => {
    // Flux cloned it with that Secret for dev: qa's Kustomization reads the same GitRepository; no Application reads the URL any more
    expect(
      moves(
        [application('qa', OLD), kustomization('dev', OLD, 'git-auth')],
        [kustomization('qa', OLD, 'git-auth'), kustomization('dev', OLD, 'git-auth')],
      ),
    ).toEqual([
      `Kustomization flux-system/stagecraft-qa: warning: Flux reads its stage from ${OLD} now, no longer Argo CD, cloned with the Secret flux-system/git-auth as Flux cloned it for another stage already, ` +
        'so its credentials are in place; those Argo CD held for it stay in the cluster unless removed\n' +
        `  hint: once it is applied, argocd repo rm ${OLD} removes what Argo CD holds for it, should no other Application read it`,
    ]);
    // an Application still reads it: nothing is left behind, nothing said
    expect(
      moves(
        [application('qa', OLD), application('prod', OLD), kustomization('dev', OLD, 'git-auth')],
        [kustomization('qa', OLD, 'git-auth'), application('prod', OLD), kustomization('dev', OLD, 'git-auth')],
      ),
    ).toEqual([]);
    // with another Secret, or none, it is a clone with other credentials: the full warning
    expect(moves([application('qa', OLD), kustomization('dev', OLD, 'other')], [kustomization('qa', OLD, 'git-auth')])[0]).toContain(
      'unless that Secret is there and holds the credentials of',
    );
    // Argo CD read it for dev: it holds credentials for the URL; the Secret Flux cloned qa with is named by no GitRepository now
    expect(
      moves([kustomization('qa', NEW, 'git-auth'), application('dev', NEW)], [application('qa', NEW), application('dev', NEW)]),
    ).toEqual([
      `Application argocd/stagecraft-qa: warning: Argo CD reads its stage from ${NEW} now, no longer Flux, which Flux cloned with the Secret flux-system/git-auth: Argo CD read it for another stage already, ` +
        'so its credentials are in place; those Flux held for it stay in the cluster unless removed\n' +
        '  hint: once it is applied and synced, no GitRepository names the Secret flux-system/git-auth any more: kubectl delete secret -n flux-system git-auth removes those credentials',
    ]);
    // a GitRepository still names it: nothing said
    expect(
      moves(
        [kustomization('qa', NEW, 'git-auth'), application('dev', NEW), kustomization('prod', OLD, 'git-auth')],
        [application('qa', NEW), application('dev', NEW), kustomization('prod', OLD, 'git-auth')],
      ),
    ).toEqual([]);
    expect(moves([kustomization('qa', NEW, 'git-auth'), application('dev', OLD)], [application('qa', NEW)])[0]).toContain(
      'the sync fails (the repository is not accessible)',
    );
  });

  it('says that a repository Flux clones with no Secret fails if private, naming the setting that gives it one', () => {
    const [warning] = moves([application('qa', OLD)], [kustomization('qa', NEW)]);
    expect(warning).toContain(
      `Flux reads its stage from ${NEW} now, no longer Argo CD (Argo CD read it from ${OLD}), and clones it with no credentials: Flux never uses those Argo CD holds`,
    );
    expect(warning).toContain(
      `  hint: if ${NEW} is private, name a Secret for it (delivery.repository.secret beside its url) and create it before applying dist/delivery/flux: `,
    );
  });

  it('says that Argo CD never reads the Secret Flux cloned with: argocd repo add before the apply, and the Secret may go once no GitRepository names it', () => {
    expect(moves([kustomization('qa', NEW, 'git-auth')], [application('qa', NEW)])).toEqual([
      `Application argocd/stagecraft-qa: warning: Argo CD reads its stage from ${NEW} now, no longer Flux, which Flux cloned with the Secret flux-system/git-auth: ` +
        "Argo CD never reads Flux's Secrets; it finds a private repository's credentials by its URL (a repository Secret in argocd, or a credential template whose URL begins it), " +
        'and without any, the sync fails (the repository is not accessible), and nothing new of the stage is applied (Flux no longer applies it either)\n' +
        `  hint: give Argo CD its credentials before applying dist/delivery/argocd, unless it has them (argocd repo list): argocd repo add ${NEW} --ssh-private-key-path <key file>, ` +
        "and, unless Argo CD knows git.new.example's host key (argocd cert list), ssh-keyscan git.new.example | argocd cert add-ssh --batch; " +
        'once it is applied and synced, no GitRepository names the Secret flux-system/git-auth any more: kubectl delete secret -n flux-system git-auth removes those credentials',
    ]);
  });

  it('says nothing of a public repository Flux cloned without a Secret that Argo CD reads at the same address, nor of a stage both engines still deliver', () => {
    expect(moves([kustomization('qa', OLD)], [application('qa', 'https://GIT.example.com/team/app')])).toEqual([]);
    // another URL: it may be private
    expect(moves([kustomization('qa', OLD)], [application('qa', NEW)])[0]).toContain(
      `hint: if ${NEW} is private, give Argo CD its credentials`,
    );
    expect(
      moves(
        [application('qa', OLD)],
        [kustomization('qa', OLD, 'git-auth')],
        [kustomization('qa', OLD, 'git-auth'), application('qa', OLD)],
      ),
    ).toEqual([]);
  });

  it('never prints a credential the old URL carried', () => {
    const warnings = [
      ...moves([application('qa', PRIVATE)], [kustomization('qa', NEW, 'git-auth')]),
      ...moves([kustomization('qa', PRIVATE, 'git-auth')], [application('qa', NEW)]),
    ];
    expect(warnings).toHaveLength(2);
    for (const w of warnings) for (const secret of ['s3cr3t', 'ci:']) expect(w).not.toContain(secret);
  });
});

describe('synth and diff, when the project file moves the repository', () => {
  const moved = (text: string) => text.replace('https://git.example.com/team/app.git', NEW);
  const withSecret = FLUX_PROJECT.replace('revision: main }', 'revision: main, secret: git-auth }');

  it('warns once, at the synth that writes the new URL, and npm run diff of a stage says it before', () => {
    const dir = tempProject({ qa: deliveredStageFile('{ cluster: nonprod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), withSecret);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'stagecraft.yaml'), moved(withSecret));
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stderr).toContain(
      `Kustomization flux-system/stagecraft-qa: warning: reads its stage from ${NEW} now, no longer from https://git.example.com/team/app.git, both cloned with the Secret flux-system/git-auth`,
    );
    const synth = runCli('synth', [], dir);
    expect(synth.code).toBe(0);
    expect(synth.stderr).toContain('  hint: before applying dist/delivery/flux, put the credentials of');
    expect(runCli('synth', ['--no-cache'], dir).stderr).not.toContain('reads its stage from');
  });

  it('warns once, at the synth that writes the URL of an Argo CD stage another way, which Argo CD finds other credentials for', () => {
    const argocd = FLUX_PROJECT.replace('engine: flux', 'engine: argocd');
    const dir = tempProject({ qa: deliveredStageFile('{ cluster: prod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), argocd.replace('team/app.git', 'team/app/'));
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'stagecraft.yaml'), argocd.replace('team/app.git', 'team/app'));
    const warning =
      'Application argocd/stagecraft-qa: warning: reads its stage from https://git.example.com/team/app now, no longer from https://git.example.com/team/app/, the same repository written another way';
    expect(runCli('diff', ['qa'], dir).stderr).toContain(warning);
    const synth = runCli('synth', [], dir);
    expect(synth.code).toBe(0);
    expect(synth.stderr).toContain(warning);
    expect(runCli('synth', ['--no-cache'], dir).stderr).not.toContain('reads its stage from');
  });

  it('warns once, at the synth that moves a stage of a private repository from Flux to Argo CD, and npm run diff of the stage says it before', () => {
    const dir = tempProject({ dev: deliveredStageFile('{ cluster: prod }'), qa: deliveredStageFile('{ cluster: prod }') });
    writeFileSync(join(dir, 'stagecraft.yaml'), withSecret);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'qa.yaml'), deliveredStageFile('{ cluster: prod, engine: argocd }'));
    const warning =
      'Application argocd/stagecraft-qa: warning: Argo CD reads its stage from https://git.example.com/team/app.git now, no longer Flux, which Flux cloned with the Secret flux-system/git-auth';
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stderr).toContain(warning);
    const synth = runCli('synth', [], dir);
    expect(synth.code).toBe(0);
    expect(synth.stderr).toContain(warning);
    // dev still clones with it: the Secret stays
    expect(synth.stderr).toContain('argocd repo add https://git.example.com/team/app.git --username <user> --password <token>\n');
    expect(runCli('synth', ['--no-cache'], dir).stderr).not.toContain('reads its stage from');
  });
});
