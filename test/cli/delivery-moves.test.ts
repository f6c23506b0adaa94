/** What synth and diff say of a stage moved from one engine to the other: a move, with the order of the steps that hands it over. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile as stage } from '../helpers/delivery.js';

const ARGOCD_PROJECT = FLUX_PROJECT.replace('engine: flux', 'engine: argocd');
const AFTER_DEV = 'promotion: { from: dev }\n';
const FINALIZERS = `kubectl patch application.argoproj.io -n argocd stagecraft-qa --type merge -p '{"metadata":{"finalizers":null}}'`;
const ORPHAN = `kubectl patch kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-qa --type merge -p '{"spec":{"deletionPolicy":"Orphan"}}'`;
const THIRD_LINE = (engine: string) => `the command on the third line of dist/delivery/${engine}/inventory.txt`;

/** dev and qa delivered to prod by the project file's engine, synthesized, then qa as `qa` says. */
function project(projectFile: string, qa: string): string {
  const dir = tempProject({ dev: stage('{ cluster: prod }'), qa: stage('{ cluster: prod }', AFTER_DEV) });
  writeFileSync(join(dir, 'stagecraft.yaml'), projectFile);
  expect(runCli('synth', [], dir).code).toBe(0);
  writeFileSync(join(dir, 'environments', 'qa.yaml'), qa);
  return dir;
}

const move = (subject: string, from: string, to: string, first: string, remove: string, apply: string) =>
  [
    `${subject}: warning: takes dist/qa over from ${from === 'Argo CD' ? 'Application argocd/stagecraft-qa' : 'Kustomization flux-system/stagecraft-qa'}: ` +
      `the stage moves from ${from} to ${to}, which the directories say as one object removed and another added; each is applied by a command of its own, ` +
      `and in another order ${from} and ${to} would both apply the stage for a while, each putting back what the other changes and pruning on its own, ` +
      'or, one left out, neither would, and no new commit of the stage would be applied',
    `  hint: in this order, one step right after the other: first, in the cluster ${from} runs in, ${first}; ` +
      `then ${remove}, so that ${from} stops applying the stage and leaves its objects as they are; then ${apply}`,
    '',
  ].join('\n');

describe('a stage moved from one engine to the other', () => {
  it('is said by diff, then once by synth, as a move from Argo CD to Flux, with the finalizer patch, the prune, then the apply, in that order', () => {
    const dir = project(ARGOCD_PROJECT, stage('{ cluster: prod, engine: flux }', AFTER_DEV));
    const warning = move(
      'Kustomization flux-system/stagecraft-qa',
      'Argo CD',
      'Flux',
      `${FINALIZERS} (a resources-finalizer.argocd.argoproj.io added by hand, which no file shows, would have Argo CD delete every object it applied, the Namespace and its claims too, as the Application goes; the patch changes nothing otherwise)`,
      `apply dist/delivery/argocd (${THIRD_LINE('argocd')}), which prunes Application argocd/stagecraft-qa`,
      `apply dist/delivery/flux (${THIRD_LINE('flux')}), from which Flux applies it`,
    );
    const diff = runCli('diff', ['qa'], dir);
    expect(diff.code).toBe(0);
    expect(diff.stderr).toContain(warning);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr.split(warning)).toHaveLength(2);
    // the patch is said once, in the order of the steps: no warning of its own about the Application leaving
    expect(r.stderr).not.toContain('warning: leaves dist/delivery/');
    expect(r.stderr).not.toContain('Application argocd/stagecraft-qa: warning');
    expect(diff.stderr).not.toContain('Application argocd/stagecraft-qa: warning');
    expect(runCli('synth', [], dir).stderr).not.toContain('takes dist/qa over');
  });

  it('is said as a move from Flux to Argo CD, with the patch that keeps Flux from deleting what it applied, the prune, then the apply', () => {
    const dir = project(FLUX_PROJECT, stage('{ cluster: prod, engine: argocd }', AFTER_DEV));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      move(
        'Application argocd/stagecraft-qa',
        'Flux',
        'Argo CD',
        `${ORPHAN} (applied from what an older stagecraft wrote, without deletionPolicy: Orphan, Flux would delete every object it applied, the Namespace and its claims too, as the Kustomization goes; the patch changes nothing otherwise)`,
        `apply dist/delivery/flux (${THIRD_LINE('flux')}), which prunes Kustomization flux-system/stagecraft-qa`,
        `apply dist/delivery/argocd (${THIRD_LINE('argocd')}), from which Argo CD applies it`,
      ),
    );
  });

  it('gives the patch of a Kustomization an older stagecraft applied (no deletionPolicy: Orphan) once, as the first step of the move, in diff and synth', () => {
    const dir = project(FLUX_PROJECT, stage('{ cluster: prod, engine: argocd }', AFTER_DEV));
    const file = join(dir, 'dist', 'delivery', 'flux', '10-qa.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('  deletionPolicy: Orphan\n');
    writeFileSync(file, text.replace('  deletionPolicy: Orphan\n', ''));
    for (const r of [runCli('diff', ['qa'], dir), runCli('synth', [], dir)]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        `then apply dist/delivery/flux (${THIRD_LINE('flux')}), which prunes Kustomization flux-system/stagecraft-qa`,
      );
      // the move's first step, and no warning of its own beside it
      expect(r.stderr.split(ORPHAN)).toHaveLength(2);
      expect(r.stderr).not.toContain('warning: leaves dist/delivery/');
      expect(r.stderr).not.toContain('Kustomization flux-system/stagecraft-qa: warning');
    }
  });

  it('has the old object deleted by the commands synth prints when its engine delivers no stage any more', () => {
    const dir = project(ARGOCD_PROJECT, stage('{ cluster: prod, engine: flux }', AFTER_DEV));
    writeFileSync(join(dir, 'environments', 'dev.yaml'), stage('{ cluster: prod, engine: flux }'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('delivery: removed dist/delivery/argocd/ (no stage is delivered by Argo CD any more)');
    expect(r.stderr).toContain(
      'then delete Application argocd/stagecraft-qa (npm run synth prints the commands under the removal of dist/delivery/argocd/, since Argo CD delivers no stage any more), ' +
        'so that Argo CD stops applying the stage',
    );
    expect(r.stderr).toContain(
      'Kustomization flux-system/stagecraft-dev: warning: takes dist/dev over from Application argocd/stagecraft-dev',
    );
  });

  it('is not said of a stage that stays with its engine, nor of one moved while the project is renamed (its old objects are in the delete commands)', () => {
    const stays = project(ARGOCD_PROJECT, stage('{ cluster: prod, repository: { revision: release } }', AFTER_DEV));
    const kept = runCli('synth', [], stays);
    expect(kept.stdout).toContain('  changed: Application argocd/stagecraft-qa\n');
    expect(kept.stderr).not.toContain('takes dist/qa over');
    const renamed = project(ARGOCD_PROJECT, stage('{ cluster: prod, engine: flux }', AFTER_DEV));
    writeFileSync(join(renamed, 'stagecraft.yaml'), ARGOCD_PROJECT.replace('delivery:\n', 'delivery:\n  project: platform\n'));
    const r = runCli('synth', [], renamed);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('takes dist/qa over');
    expect(r.stdout).toContain(`    ${FINALIZERS}\n`);
  });
});
