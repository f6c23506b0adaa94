/** A file of dist/delivery/ edited by hand: written again by the next synth as the settings say, and said, as a stage's is. */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editedObjects } from '../../lib/cli/delivery-on-disk.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';

const ARGOCD_PROJECT = FLUX_PROJECT.replace('engine: flux', 'engine: argocd');

function delivered(project: string) {
  const dir = tempProject({
    qa: deliveredStageFile('{ cluster: prod }'),
    production: deliveredStageFile('{ cluster: prod, repository: { revision: release } }', 'promotion: { from: qa }\n'),
  });
  writeFileSync(join(dir, 'stagecraft.yaml'), project);
  expect(runCli('synth', [], dir).code).toBe(0);
  return dir;
}

const edit = (dir: string, path: string, from: string, to: string) => {
  const file = join(dir, 'dist', 'delivery', path);
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
  return text;
};

describe('a hand edit of a file of dist/delivery/', () => {
  it('is written over by the next synth and said once, naming the object, the file and what to do', () => {
    const dir = delivered(ARGOCD_PROJECT);
    const before = edit(dir, 'argocd/10-qa.yaml', 'selfHeal: true', 'selfHeal: false');
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'dist/delivery/argocd/10-qa.yaml: warning: Application argocd/stagecraft-qa was edited since stagecraft wrote it (dist/delivery/argocd/inventory.txt records another digest), ' +
        "and the file is written again as the stage files' delivery: settings and stagecraft.yaml say: the edit is undone\n" +
        '  hint: make a lasting change in those settings, then run npm run synth (git diff dist/delivery/argocd/10-qa.yaml shows it undone, if it was committed); ' +
        'if the edited file was applied, the cluster keeps the edit until dist/delivery/argocd is applied again, with the command on the third line of dist/delivery/argocd/inventory.txt\n',
    );
    expect(r.stderr.match(/delivery\/hand-edit|was edited since/g)).toHaveLength(1);
    expect(readFileSync(join(dir, 'dist', 'delivery', 'argocd', '10-qa.yaml'), 'utf8')).toBe(before);
    expect(runCli('synth', [], dir).stderr).not.toContain('edited since');
  });

  it('names only the objects edited of a file that holds several (the GitRepositories of Flux)', () => {
    const dir = delivered(FLUX_PROJECT);
    const release = '  name: stagecraft-release\n  namespace: flux-system\nspec:\n  interval: 1m';
    edit(dir, 'flux/00-stagecraft.yaml', release, release.replace('1m', '5m'));
    const read = (f: string) => readFileSync(join(dir, 'dist', 'delivery', 'flux', f), 'utf8');
    const tree = new Map(readdirSync(join(dir, 'dist', 'delivery', 'flux')).map((f) => [`flux/${f}`, read(f)]));
    expect(editedObjects(tree)).toEqual([{ path: 'flux/00-stagecraft.yaml', object: 'GitRepository flux-system/stagecraft-release' }]);
    // a document edited into no YAML is named by its place
    const broken = read('00-stagecraft.yaml').replace('  interval: 5m', '  interval: 5m\n  interval: 1m');
    expect(editedObjects(new Map([...tree, ['flux/00-stagecraft.yaml', broken]]))).toEqual([
      { path: 'flux/00-stagecraft.yaml', object: 'its document 2' },
    ]);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'dist/delivery/flux/00-stagecraft.yaml: warning: GitRepository flux-system/stagecraft-release was edited since stagecraft wrote it',
    );
  });

  it('says an object added to a file, or renamed in it, as added, which the inventory does not record', () => {
    const dir = delivered(ARGOCD_PROJECT);
    const file = join(dir, 'dist', 'delivery', 'argocd', '10-qa.yaml');
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: freeze\n  namespace: argocd\n`,
    );
    const added = runCli('synth', [], dir);
    expect(added.code).toBe(0);
    expect(added.stderr).toContain(
      'dist/delivery/argocd/10-qa.yaml: warning: ConfigMap argocd/freeze was added to the file since stagecraft wrote it (dist/delivery/argocd/inventory.txt records no such object), ' +
        "and the file is written again as the stage files' delivery: settings and stagecraft.yaml say: the edit is undone\n",
    );
    edit(dir, 'argocd/10-qa.yaml', 'name: stagecraft-qa\n', 'name: stagecraft-qa-paused\n');
    const renamed = runCli('synth', [], dir);
    expect(renamed.stderr).toContain(
      'dist/delivery/argocd/10-qa.yaml: warning: Application argocd/stagecraft-qa-paused added and Application argocd/stagecraft-qa deleted in the file since stagecraft wrote it ' +
        '(dist/delivery/argocd/inventory.txt records what was deleted and nothing of what was added), ',
    );
    expect(renamed.stderr).toContain('the edit is undone\n');
  });

  it.each([
    ['Argo CD', ARGOCD_PROJECT, 'argocd', 'Application argocd/stagecraft-qa'],
    ['Flux', FLUX_PROJECT, 'flux', 'Kustomization flux-system/stagecraft-qa'],
  ])(
    "says a stage's %s object moved by hand into another stage's file, or copied there, as moved or copied, naming the file stagecraft writes it in",
    (_, project, engine, object) => {
      const dir = delivered(project);
      const path = (stage: string) => join(dir, 'dist', 'delivery', engine, `10-${stage}.yaml`);
      const qa = readFileSync(path('qa'), 'utf8');
      const production = readFileSync(path('production'), 'utf8');
      const header = /^(?:#.*\n)*/.exec(qa)![0];
      const document = qa.slice(header.length);
      // cut from qa's file, its header left, and pasted below production's Application
      writeFileSync(path('qa'), header);
      writeFileSync(path('production'), `${production}---\n${document}`);
      const move = runCli('synth', [], dir);
      expect(move.code).toBe(0);
      expect(move.stderr).toContain(
        `dist/delivery/${engine}/10-production.yaml: warning: ${object} was moved into the file from dist/delivery/${engine}/10-qa.yaml, where stagecraft writes it, ` +
          "and the file is written again as the stage files' delivery: settings and stagecraft.yaml say: the move is undone\n" +
          "  hint: nothing to do: stagecraft writes each stage's objects in its own file, and the objects are the same " +
          `(git diff dist/delivery/${engine}/10-production.yaml shows the move undone, if it was committed); to change one, change those settings, then run npm run synth\n`,
      );
      expect(move.stderr.match(/delivery\/hand-edit|warning: .* (moved|edited|deleted|added)/g)).toHaveLength(1);
      expect([readFileSync(path('qa'), 'utf8'), readFileSync(path('production'), 'utf8')]).toEqual([qa, production]);
      // copied: kubectl apply -k refuses the directory while both files hold it
      writeFileSync(path('production'), `${production}---\n${document}`);
      const copy = runCli('synth', [], dir);
      expect(copy.stderr).toContain(
        `dist/delivery/${engine}/10-production.yaml: warning: ${object} was copied into the file from dist/delivery/${engine}/10-qa.yaml, which holds it as stagecraft wrote it there, ` +
          "and the file is written again as the stage files' delivery: settings and stagecraft.yaml say: the copy is undone\n",
      );
      expect(copy.stderr).toContain(
        `; kubectl apply -k of dist/delivery/${engine} refuses an object it reads twice, so it applied nothing while the copy was there\n`,
      );
      expect(runCli('synth', [], dir).stderr).not.toMatch(/moved into|copied into/);
    },
  );

  it.each([
    ['Argo CD', ARGOCD_PROJECT, 'argocd', 'Application argocd/stagecraft-qa'],
    ['Flux', FLUX_PROJECT, 'flux', 'Kustomization flux-system/stagecraft-qa'],
  ])(
    "says a stage's %s object pasted into another file with the comment lines heading its own (cat 10-qa.yaml >> 10-production.yaml) as moved, not edited",
    (_, project, engine, object) => {
      const dir = delivered(project);
      const path = (stage: string) => join(dir, 'dist', 'delivery', engine, `10-${stage}.yaml`);
      const qa = readFileSync(path('qa'), 'utf8');
      const production = readFileSync(path('production'), 'utf8');
      // the whole file, its header's comments with it, appended below production's object; qa's file removed
      writeFileSync(path('production'), `${production}---\n${qa}`);
      rmSync(path('qa'));
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        `dist/delivery/${engine}/10-production.yaml: warning: ${object} was moved into the file from dist/delivery/${engine}/10-qa.yaml, where stagecraft writes it, ` +
          "and the file is written again as the stage files' delivery: settings and stagecraft.yaml say: the move is undone\n",
      );
      expect(r.stderr).not.toMatch(/was edited|keeps the edit/);
      expect([readFileSync(path('qa'), 'utf8'), readFileSync(path('production'), 'utf8')]).toEqual([qa, production]);
      // a comment added above an object in its own file is an edit, as before
      writeFileSync(path('qa'), qa.replace(/^((?:#.*\n)*)/, '$1---\n# paused by hand\n'));
      expect(runCli('synth', [], dir).stderr).toContain(
        `dist/delivery/${engine}/10-qa.yaml: warning: ${object} was edited since stagecraft wrote it`,
      );
    },
  );

  it('says an object copied within its own file, which kubectl apply -k refuses as it does one copied into another', () => {
    const dir = delivered(ARGOCD_PROJECT);
    const file = join(dir, 'dist', 'delivery', 'argocd', '10-qa.yaml');
    const qa = readFileSync(file, 'utf8');
    const header = /^(?:#.*\n)*/.exec(qa)![0];
    writeFileSync(file, `${qa}---\n${qa.slice(header.length)}`);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'dist/delivery/argocd/10-qa.yaml: warning: Application argocd/stagecraft-qa was copied within the file, which holds it twice, ' +
        "and the file is written again as the stage files' delivery: settings and stagecraft.yaml say: the copy is undone\n",
    );
    expect(r.stderr).toContain(
      '; kubectl apply -k of dist/delivery/argocd refuses an object it reads twice, so it applied nothing while the copy was there\n',
    );
    expect(readFileSync(file, 'utf8')).toBe(qa);
  });

  it('is not said of files no one edited, even when the settings change them, nor of a file edited as the new output is', () => {
    const dir = delivered(ARGOCD_PROJECT);
    writeFileSync(join(dir, 'environments', 'qa.yaml'), deliveredStageFile('{ cluster: prod, sync: { selfHeal: false } }'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  changed: Application argocd/stagecraft-qa\n');
    expect(r.stderr).not.toContain('edited since');
    // by hand, what the settings now say too
    edit(dir, 'argocd/10-production.yaml', 'selfHeal: true', 'selfHeal: false');
    writeFileSync(
      join(dir, 'environments', 'production.yaml'),
      deliveredStageFile('{ cluster: prod, repository: { revision: release }, sync: { selfHeal: false } }', 'promotion: { from: qa }\n'),
    );
    const again = runCli('synth', [], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('edited since');
  });
});

describe('a deletion by hand in dist/delivery/, or an edit of its kustomization', () => {
  const deliveryFile = (dir: string, path: string) => join(dir, 'dist', 'delivery', path);

  it("of a whole file is undone by the next synth and said once, naming the file's objects", () => {
    const dir = delivered(ARGOCD_PROJECT);
    const before = readFileSync(deliveryFile(dir, 'argocd/10-qa.yaml'), 'utf8');
    rmSync(deliveryFile(dir, 'argocd/10-qa.yaml'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'dist/delivery/argocd/10-qa.yaml: warning: the file was deleted since stagecraft wrote it, with Application argocd/stagecraft-qa (dist/delivery/argocd/inventory.txt records it), ' +
        "and the file is written again as the stage files' delivery: settings and stagecraft.yaml say: the deletion is undone\n" +
        '  hint: make a lasting change in those settings, then run npm run synth (git diff dist/delivery/argocd/10-qa.yaml shows it undone, if it was committed); ' +
        'if dist/delivery/argocd was applied without it, the prune of its apply command deleted it from the cluster, until dist/delivery/argocd is applied again, with the command on the third line of dist/delivery/argocd/inventory.txt\n',
    );
    expect(r.stderr.match(/delivery\/hand-edit|since stagecraft wrote/g)).toHaveLength(1);
    expect(readFileSync(deliveryFile(dir, 'argocd/10-qa.yaml'), 'utf8')).toBe(before);
    expect(runCli('synth', [], dir).stderr).not.toContain('since stagecraft wrote');
  });

  it('of one document of a file that holds several (a GitRepository of Flux) names it, as deleted from the file', () => {
    const dir = delivered(FLUX_PROJECT);
    const text = readFileSync(deliveryFile(dir, 'flux/00-stagecraft.yaml'), 'utf8');
    // the second GitRepository, stagecraft-release, cut with the separator before it
    writeFileSync(deliveryFile(dir, 'flux/00-stagecraft.yaml'), text.slice(0, text.lastIndexOf('---\n')));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'dist/delivery/flux/00-stagecraft.yaml: warning: GitRepository flux-system/stagecraft-release was deleted from the file since stagecraft wrote it (dist/delivery/flux/inventory.txt records it), ',
    );
    expect(r.stderr.match(/since stagecraft wrote/g)).toHaveLength(1);
    expect(readFileSync(deliveryFile(dir, 'flux/00-stagecraft.yaml'), 'utf8')).toBe(text);
  });

  it.each([
    ['a resource left out', (k: string) => k.replace('  - 10-qa.yaml\n', '')],
    [
      'a patch added',
      (k: string) => `${k}patches:\n  - target: { kind: Application }\n    patch: '[{"op": "remove", "path": "/spec/syncPolicy"}]'\n`,
    ],
    ['a comment added', (k: string) => `${k}# paused for the freeze\n`],
  ])('of the kustomization (%s) is undone by the next synth and said once', (_, edit) => {
    const dir = delivered(ARGOCD_PROJECT);
    const before = readFileSync(deliveryFile(dir, 'argocd/Kustomization'), 'utf8');
    writeFileSync(deliveryFile(dir, 'argocd/Kustomization'), edit(before));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'dist/delivery/argocd/Kustomization: warning: the file was edited since stagecraft wrote it (it is not the kustomization of the files of the objects dist/delivery/argocd/inventory.txt records, as stagecraft writes it), ' +
        "and the file is written again as the stage files' delivery: settings and stagecraft.yaml say: the edit is undone\n" +
        '  hint: make a lasting change in those settings, then run npm run synth (git diff dist/delivery/argocd/Kustomization shows it undone, if it was committed); ' +
        'if the edited file was applied, the cluster keeps the edit until dist/delivery/argocd is applied again, with the command on the third line of dist/delivery/argocd/inventory.txt\n',
    );
    expect(r.stderr.match(/since stagecraft wrote/g)).toHaveLength(1);
    expect(readFileSync(deliveryFile(dir, 'argocd/Kustomization'), 'utf8')).toBe(before);
    expect(runCli('synth', [], dir).stderr).not.toContain('since stagecraft wrote');
  });

  it('of a resource added to the kustomization, a file stagecraft did not write, is said once, the file left as it is', () => {
    const dir = delivered(ARGOCD_PROJECT);
    const extra = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: freeze\n  namespace: argocd\n';
    writeFileSync(deliveryFile(dir, 'argocd/extra.yaml'), extra);
    const before = readFileSync(deliveryFile(dir, 'argocd/Kustomization'), 'utf8');
    writeFileSync(deliveryFile(dir, 'argocd/Kustomization'), before.replace('  - 10-qa.yaml\n', '  - 10-qa.yaml\n  - extra.yaml\n'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'dist/delivery/argocd/Kustomization: warning: the file was edited since stagecraft wrote it (it is not the kustomization of the files of the objects dist/delivery/argocd/inventory.txt records, as stagecraft writes it), ',
    );
    expect(r.stderr.match(/since stagecraft wrote/g)).toHaveLength(1);
    expect(readFileSync(deliveryFile(dir, 'argocd/Kustomization'), 'utf8')).toBe(before);
    expect(readFileSync(deliveryFile(dir, 'argocd/extra.yaml'), 'utf8')).toBe(extra);
  });

  it.each([
    ['its object deleted, the header left', (t: string) => t.slice(0, t.indexOf('apiVersion:'))],
    ['its object renamed', (t: string) => t.replace('name: stagecraft-qa\n', 'name: stagecraft-qa-paused\n')],
  ])(
    'of a file (%s) is said of that file alone, not of the kustomization that lists it, which the same synth writes again for a stage added',
    (_, edit) => {
      const dir = delivered(ARGOCD_PROJECT);
      const kustomization = readFileSync(deliveryFile(dir, 'argocd/Kustomization'), 'utf8');
      writeFileSync(deliveryFile(dir, 'argocd/10-qa.yaml'), edit(readFileSync(deliveryFile(dir, 'argocd/10-qa.yaml'), 'utf8')));
      writeFileSync(join(dir, 'environments', 'staging.yaml'), deliveredStageFile('{ cluster: prod }'));
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('dist/delivery/argocd/10-qa.yaml: warning: ');
      expect(r.stderr).not.toContain('dist/delivery/argocd/Kustomization: warning');
      expect(r.stderr.match(/since stagecraft wrote/g)).toHaveLength(1);
      expect(readFileSync(deliveryFile(dir, 'argocd/Kustomization'), 'utf8')).toBe(
        kustomization.replace('  - 10-qa.yaml\n', '  - 10-qa.yaml\n  - 10-staging.yaml\n'),
      );
    },
  );

  it('of the kustomization itself is said once, with nothing said of the cluster (kubectl apply -k applies nothing without it)', () => {
    const dir = delivered(FLUX_PROJECT);
    rmSync(deliveryFile(dir, 'flux/Kustomization'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "dist/delivery/flux/Kustomization: warning: the file was deleted since stagecraft wrote it, and the file is written again as the stage files' delivery: settings and stagecraft.yaml say: the deletion is undone\n" +
        '  hint: make a lasting change in those settings, then run npm run synth (git diff dist/delivery/flux/Kustomization shows it undone, if it was committed)\n',
    );
    expect(existsSync(deliveryFile(dir, 'flux/Kustomization'))).toBe(true);
  });

  it('is not said of a stage removed with its file, nor of a kustomization that lists a stage added', () => {
    const dir = delivered(ARGOCD_PROJECT);
    rmSync(deliveryFile(dir, 'argocd/10-qa.yaml'));
    writeFileSync(
      deliveryFile(dir, 'argocd/Kustomization'),
      readFileSync(deliveryFile(dir, 'argocd/Kustomization'), 'utf8').replace('  - 10-qa.yaml\n', ''),
    );
    rmSync(join(dir, 'environments', 'qa.yaml'));
    writeFileSync(join(dir, 'environments', 'production.yaml'), deliveredStageFile('{ cluster: prod, repository: { revision: release } }'));
    writeFileSync(join(dir, 'environments', 'staging.yaml'), deliveredStageFile('{ cluster: prod }'));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  added: Application argocd/stagecraft-staging\n');
    expect(r.stderr).not.toContain('since stagecraft wrote');
  });
});
