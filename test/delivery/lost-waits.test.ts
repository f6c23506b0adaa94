/** A stage that Flux applied only after the one before it, which no longer waits once either moves to Argo CD: said at synth. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lostWaits } from '../../lib/delivery/lost-waits.js';
import { targetOf, type StageTarget } from '../../lib/delivery/target.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';

const kustomization = (stage: string, after?: string) => ({
  kind: 'Kustomization',
  metadata: { name: `stagecraft-${stage}`, namespace: 'flux-system' },
  spec: { path: `./dist/${stage}`, ...(after ? { dependsOn: [{ name: `stagecraft-${after}` }] } : {}) },
});
const application = (stage: string) => ({
  kind: 'Application',
  metadata: { name: `stagecraft-${stage}`, namespace: 'argocd' },
  spec: { source: { path: `dist/${stage}` }, destination: { server: 'https://nonprod.example.com:6443' } },
});
const targets = (objects: readonly object[]) =>
  new Map(
    objects.map(
      (o) =>
        [
          `${o === undefined || (o as { kind: string }).kind === 'Application' ? 'argocd' : 'flux'}/${targetOf(o)!.stage}`,
          targetOf(o)!,
        ] as [string, StageTarget],
    ),
  );

describe('a stage Flux applied after the one before it', () => {
  it('is said to wait no longer when the stage before it moves to Argo CD, naming both and what to do', () => {
    const said = lostWaits(
      targets([kustomization('qa'), kustomization('production', 'qa')]),
      targets([application('qa'), kustomization('production')]),
    );
    expect(said).toEqual([
      {
        code: 'delivery/wait-lost',
        severity: 'warning',
        subject: 'Kustomization flux-system/stagecraft-production',
        message:
          'no longer waits for qa: Flux applied production only once qa was ready at the same commit (dependsOn stagecraft-qa), but Argo CD delivers qa now and Flux production, ' +
          'and only Flux waits, for a Kustomization: a commit is applied to production at once, whether or not qa took it',
        hint:
          'to keep production after qa, deliver qa with Flux again (delivery: { engine: flux } in environments/qa.yaml); ' +
          'else push a promotion to production only once qa is healthy at the release it promotes (argocd app wait stagecraft-qa --health)',
      },
    ]);
  });

  it('is said to wait no longer when it moves to Argo CD itself, with the Flux stage before it', () => {
    const said = lostWaits(
      targets([kustomization('qa'), kustomization('production', 'qa')]),
      targets([kustomization('qa'), application('production')]),
    );
    expect(said.map((p) => [p.subject, p.hint])).toEqual([
      [
        'Application argocd/stagecraft-production',
        'to keep production after qa, deliver production with Flux again (delivery: { engine: flux } in environments/production.yaml); ' +
          'else push a promotion to production only once qa is healthy at the release it promotes (flux get kustomization stagecraft-qa shows it Ready)',
      ],
    ]);
  });

  it('is not said when both stay with Flux, the stage before it is delivered no more, or it is delivered no more', () => {
    const before = targets([kustomization('qa'), kustomization('production', 'qa')]);
    // qa suspended or the promotion order changed: the README says so, and npm run diff shows it
    expect(lostWaits(before, targets([kustomization('qa'), kustomization('production')]))).toEqual([]);
    expect(lostWaits(before, targets([kustomization('production')]))).toEqual([]);
    expect(lostWaits(before, targets([application('qa')]))).toEqual([]);
  });

  it('is said to wait no longer when both move to Argo CD, which waits for no stage', () => {
    const said = lostWaits(
      targets([kustomization('qa'), kustomization('production', 'qa')]),
      targets([application('qa'), application('production')]),
    );
    expect(said.map((p) => [p.subject, p.hint])).toEqual([
      [
        'Application argocd/stagecraft-production',
        'to keep production after qa, deliver qa and production with Flux again (delivery: { engine: flux } in environments/qa.yaml and environments/production.yaml); ' +
          'else push a promotion to production only once qa is healthy at the release it promotes (argocd app wait stagecraft-qa --health)',
      ],
    ]);
  });

  it('moving the stage before it to Argo CD is warned by synth once, dist/delivery/ written', () => {
    const dir = tempProject({
      qa: deliveredStageFile('{ cluster: nonprod }'),
      production: deliveredStageFile('{ cluster: nonprod }', 'promotion: { from: qa }\n'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(join(dir, 'environments', 'qa.yaml'), deliveredStageFile('{ cluster: prod, engine: argocd }'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('no longer waits'))).toEqual([
      expect.stringMatching(/^Kustomization flux-system\/stagecraft-production: warning: no longer waits for qa: /),
    ]);
    expect(runCli('synth', [], dir).stderr).not.toContain('no longer waits');
  });

  it('moving a stage between two others to Argo CD is said by npm run diff of it as synth says it: both waits it ends', () => {
    const dir = tempProject({
      dev: deliveredStageFile('{ cluster: nonprod }'),
      qa: deliveredStageFile('{ cluster: nonprod }', 'promotion: { from: dev }\n'),
      production: deliveredStageFile('{ cluster: nonprod }', 'promotion: { from: qa }\n'),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    expect(runCli('synth', [], dir).code).toBe(0);
    writeFileSync(
      join(dir, 'environments', 'qa.yaml'),
      deliveredStageFile('{ cluster: prod, engine: argocd }', 'promotion: { from: dev }\n'),
    );
    const lost = (stderr: string) =>
      stderr
        .split('\n')
        .filter((l) => l.includes('no longer waits'))
        .map((l) => l.slice(0, l.indexOf(': Flux')));
    const said = [
      'Kustomization flux-system/stagecraft-production: warning: no longer waits for qa',
      'Application argocd/stagecraft-qa: warning: no longer waits for dev',
    ];
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(lost(diff.stderr).sort()).toEqual([...said].sort());
    expect(lost(runCli('synth', [], dir).stderr).sort()).toEqual([...said].sort());
  });
});
