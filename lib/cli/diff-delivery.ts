/**
 * What `npm run diff` of one stage compares of `dist/delivery/`, which is planned from every stage:
 * the files that concern the stage (`deliveryOf`), and what it says when other stages' problems
 * kept the delivery from being compiled.
 */
import { DELIVERY_DIR } from '../delivery/index.js';
import type { Problem } from '../errors.js';
import { objectsIn } from '../live-edits.js';
import { andList } from '../model/limits.js';
import { ENVIRONMENTS_DIR } from './digests.js';
import type { FileTree } from '../synth/file-content.js';
import { DIST_DIR } from './project.js';

/**
 * The files of `dist/delivery/` that concern `stage`, in the tree on disk and in the one compiled:
 * for each engine that delivers it (in either), its own file, which holds its Application or
 * Kustomization, and the files that no stage owns, which hold what every stage the engine delivers
 * shares (the AppProject its Application belongs to, the GitRepository its Kustomization reads);
 * of the other stages' files, only those whose Kustomization starts or stops waiting for `stage`'s
 * (Flux `dependsOn`): what `stage`'s delivery does to them (paused or moved to another engine, it
 * is waited for no more), which synth announces too. Files are named as
 * lib/delivery/index.ts lays them out (`deliveryObjects`: `00-<project>.yaml`, `10-<stage>.yaml`).
 */
export function deliveryOf(stage: string, before: FileTree, after: FileTree): [FileTree, FileTree] {
  const stageFile = /^([^/]+)\/10-(.+)\.yaml$/;
  const engines = new Set(
    [...before.keys(), ...after.keys()].flatMap((path) => {
      const m = stageFile.exec(path);
      return m && m[2] === stage ? [m[1]] : [];
    }),
  );
  // the Kustomization of the stage `other` (named `<project>-<other>`) waits for `stage`'s (`<project>-<stage>`)
  const waitsForStage = (other: string, text: string | undefined) =>
    objectsIn(text).some((o) => {
      const name = o.metadata.name ?? '';
      if (o.kind !== 'Kustomization' || !name.endsWith(`-${other}`)) return false;
      const dependsOn = (o.spec as { dependsOn?: { name?: string }[] } | undefined)?.dependsOn ?? [];
      return dependsOn.some((d) => d.name === `${name.slice(0, -other.length)}${stage}`);
    });
  const concerns = (path: string) => {
    const m = stageFile.exec(path);
    if (!engines.has(path.split('/')[0])) return false;
    if (!m || m[2] === stage) return true;
    // (one that starts or stops waiting for it: another stage's own change, or its file new or gone, is not this stage's doing)
    const [old, now] = [before.get(path), after.get(path)];
    return old !== undefined && now !== undefined && waitsForStage(m[2], old) !== waitsForStage(m[2], now);
  };
  const pick = (tree: FileTree) => new Map([...tree].filter(([path]) => concerns(path)));
  return [pick(before), pick(after)];
}

/**
 * Whether the `problems` that kept every stage from compiling are all other stages' alone: each
 * located in the file of a stage other than `stage`. Anything else (a problem in `stage`'s own file,
 * in the project file, in delivery planning, or without a location) is this diff's to report.
 */
export function othersOnly(stage: string, others: readonly string[], problems: readonly Problem[]): boolean {
  const files = new Set(others.filter((s) => s !== stage).map((s) => `${ENVIRONMENTS_DIR}/${s}.yaml`));
  return problems.every((p) => p.location !== undefined && files.has(p.location.file));
}

/** What a diff of `stage` says when dist/delivery/, which is planned from every stage, could not be compiled for the `problems` of others. */
export function deliveryNotCompared(stage: string, problems: readonly Problem[]): Problem {
  const files = [...new Set(problems.flatMap((p) => (p.location ? [p.location.file] : [])))].sort();
  return {
    code: 'diff/delivery-not-compared',
    severity: 'warning',
    subject: `${DIST_DIR}/${DELIVERY_DIR} (for ${stage})`,
    message: `not compared: it is planned from every stage, and ${files.length ? andList(files) : 'another stage'} ${files.length === 1 ? 'has' : 'have'} ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}; the comparison of ${DIST_DIR}/${stage} above is whole`,
    hint: 'npm run synth (or npm run diff of that stage) shows the problems; once they are fixed, this diff compares the delivery objects too',
  };
}
