/**
 * `npm run diff`: how two stages differ, object by object and field by field, once their stage
 * names and namespaces are set aside; or, for one stage, what its sources would change in its
 * `dist/` directory. Compiles in memory and writes nothing.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_FILE } from '../config/project-file.js';
import { DELIVERY_DIR } from '../delivery/index.js';
import { credentialNumbers, withUrlsShown } from '../delivery/urls.js';
import { edgeChangeLines } from '../edge/changes.js';
import { acrossStagesWarnings, isPlacedAcrossStages } from '../edge/across-stages.js';
import {
  applicationDeletesStage,
  renamedIn,
  applicationsRemoved,
  deletingKustomizationsRemoved,
  kustomizationDeletesStage,
  removedStageDelivery,
} from './delivery-left.js';
import { declaredClusters, stageMoves } from './delivery-moves.js';
import { movedToArgocd } from '../delivery/engine-moves.js';
import { deliveryTargets } from './delivery-on-disk.js';
import { ExitCode, type Problem, ProblemsError, escapeName } from '../errors.js';
import { printProblems } from './print.js';
import { deliveryNotCompared, deliveryOf, othersOnly } from './diff-delivery.js';
import { diffManifests } from '../diff/objects.js';
import { formatDiff } from '../diff/lines.js';
import { type Manifest, manifestsByFile, manifestsOf, setStageAside } from '../diff/manifests.js';
import { exitCodesHelp, commonOptionsHelp, takeArguments, type Command } from './main.js';
import { isEntry, runAsProcess } from './process.js';
import {
  DIST_DIR,
  compile,
  openProject,
  readStageFile,
  readStageTree,
  removedStages,
  requireStages,
  stagePath,
  stagesHolding,
  type Project,
} from './project.js';
import { keepsOutput, reusableStages } from './reuse.js';
import { readStage } from '../config/read-stage.js';
import { stageNamespace } from '../config/load.js';
import { INVENTORY_FILE } from '../synth/inventory.js';
import { applyFirst, deletedData } from '../synth/delete-commands.js';
import {
  appliedNamespaceFile,
  keptByHolding,
  neverCommittedLine,
  outsideLine,
  removedDeletion,
  removedEdgeLine,
  removedHoldings,
  withCommittedObjects,
} from './removed-stage.js';
import { deployedOutput } from './deployed-output.js';
import { edgeAsShown, unshownFiles } from './diff-bytes.js';
import { foreignFilesProblem, outputFolders, present, scanDir } from '../synth/disk.js';
import { notStageDirectory } from '../synth/stage-directory.js';
import { fileText, type FileTree } from '../synth/file-content.js';

const usage = `Usage: npm run diff -- <stage> [<other stage>] [--no-cache]

With two stages: compiles both from their stage files (or reads their dist/ directories, when
nothing changed since the last full npm run synth) and shows, object by object and field by
field, how the second differs from the first. Stage names and namespaces read <stage> in both
(mysqlvolume-qa and mysqlvolume-production are the same object), and config names their content
hash as <hash>, so what is shown is what really differs.

With one stage: shows what its stage file and the stacks would change in dist/<stage> (as it is
on disk, i.e. as committed unless you ran synth since), as npm run synth would write it (a config
object whose content hash changed is compared with the one it replaces, its data field by field), then
the lines that change in its edge files (dist/<stage>/edge/: haproxy.cfg, keepalived-*.conf), and
the files npm run check finds out of date for it where no line shown says how (the same objects in
other bytes: CRLF line endings, a byte order mark, a comment; a file renamed or copied by hand, a
resource listed by hand; an edge file's spaces around a line; beside other changes or alone); with a
project file (stagecraft.yaml), apart, the delivery objects in dist/delivery/ that deliver it: its
own, those it shares with the other stages its engine delivers, and another stage's Flux Kustomization
that starts or stops waiting for it (dependsOn). A stage whose file was removed
while dist/<stage> is still there: every object of it as leaving, and the kubectl delete command
that removes them from its cluster (no prune command of the stage will run again), and, when it had an
edge, what to do on its edge machines, which keep running its haproxy.cfg.

Writes nothing. Exit 0 whether or not there are differences, 1 when the checks find errors in a
stage it compiles (as npm run synth would refuse it), 2 when a stage file compared has a problem
(another stage's, which keeps the delivery objects from being planned, is a warning).

Options (after '--': given before it, --no-cache is npm's, which warns 'invalid config cache=false';
diff refuses it where npm's log says so, and runs without it elsewhere: write npm run diff -- <stage> --no-cache):
  --no-cache     compile the stages and render every app again (no .stagecraft/cache/render/,
                 no dist/ read in place of a stage)
${commonOptionsHelp(17)}

${exitCodesHelp('the checks found errors in a stage it compiled', 'compared, whether or not there are differences')}`;

export const command: Command<{ 'no-cache'?: boolean }> = {
  name: 'diff',
  usage,
  writes: false,
  options: { 'no-cache': { type: 'boolean' } },
  run({ 'no-cache': noCache }, stages, io) {
    const project = openProject(io.cwd, { log: (l) => io.stderr.write(`${l}\n`) });
    takeArguments('diff', ['<stage>', '<other stage>'], stages, {
      required: 1,
      example: 'npm run diff -- qa production',
      isStage: (word) => project.stages.includes(word),
    });
    if (stages.length === 2) {
      requireStages(project, stages);
      if (stages[0] === stages[1]) {
        // the same output on both sides: what was meant is the stage against its dist/, or against another stage
        throw new ProblemsError([
          {
            code: 'cli/arguments',
            message: `diff compares two different stages (found ${stages[0]} twice)`,
            hint: `npm run diff -- ${stages[0]} shows what its stage file would change in ${DIST_DIR}/${stages[0]}; npm run diff -- ${stages[0]} <other stage> compares it with another`,
          },
        ]);
      }
      const { outputs, warnings } = stageOutputs(project, stages, noCache);
      const [a, b] = outputs.map(({ files, ...names }) => setStageAside(manifestsOf(files), names));
      io.stdout.write(formatDiff(diffManifests(a, b), { before: stages[0], after: stages[1] }));
      printProblems(io, warnings);
      return ExitCode.ok;
    }
    const [stage] = stages;
    // a stage whose file is gone but whose output is still in dist/: everything it has leaves
    // only a stage without a stage file can be a removed one: the others spare the scan of dist/
    // (with what its last commit lists besides, as applied: read as deployed by git once, for every line of it and the compilation)
    const deployed = project.stages.includes(stage) ? undefined : deployedOutput(project.root);
    const inDist = deployed && removedStages(project).get(stage);
    const removed = inDist === undefined ? undefined : withCommittedObjects(stage, inDist, deployed!);
    if (removed === undefined) requireStages(project, stages);
    // with a project file, one stage's diff covers its delivery objects too, which need every stage
    const delivers = existsSync(join(project.root, PROJECT_FILE));
    let notCompared: Problem | undefined;
    let compiled: ReturnType<typeof compile> | undefined;
    try {
      compiled =
        removed !== undefined && !delivers
          ? undefined
          : compile(project, delivers ? project.stages : stages, { noCache, writesNothing: true, deployed });
    } catch (e) {
      if (!(e instanceof ProblemsError) || !delivers || !othersOnly(stage, project.stages, e.problems)) throw e;
      // another stage's problems keep dist/delivery/ from being planned, not this stage from being compared (a removed one has nothing to compile)
      compiled = removed === undefined ? compile(project, stages, { noCache, writesNothing: true, deployed }) : undefined;
      notCompared = deliveryNotCompared(stage, e.problems);
    }
    const stageTree = readStageTree(project, stage);
    // a link (or a file) in the place of dist/<stage>: nothing is read through it, and synth refuses it, which the diff says
    const dist = join(project.root, DIST_DIR);
    const inTheWay = present(join(dist, stage)) ? notStageDirectory(dist, DIST_DIR, stage) : undefined;
    const compiledTree = compiled?.tree.get(stage) ?? new Map<string, string>();
    // what a hand added there is no object of the diff's, but kubectl apply -f reads it: said as check says it (an output
    // folder left empty is the output's own)
    const folders = outputFolders(compiledTree);
    const foreign =
      inTheWay || !present(join(dist, stage))
        ? []
        : scanDir(join(dist, stage), { output: (rel) => folders.has(rel) }).foreign.map((p) => `${DIST_DIR}/${stage}/${p}`);
    // by file, for the files whose own objects are the same (`unshownFiles`)
    const objects = { before: manifestsByFile(stageTree, `${DIST_DIR}/${stage}`), after: manifestsByFile(compiledTree) };
    const d = diffManifests([...objects.before.values()].flat(), [...objects.after.values()].flat());
    const sources = removed === undefined ? 'the sources' : `the sources (no environments/${stage}.yaml)`;
    // the edge's files are no objects, but what synth writes there changes the edge machines (a color's nodePort, a host)
    const edgeShown = edgeAsShown(stageTree, compiledTree);
    const edgeLines = edgeChangeLines(edgeShown, compiledTree, compiled?.notices);
    const objectsChange = d.changed.length + d.removed.length + d.added.length > 0;
    const edgeChange = edgeLines.length > 0;
    // the same objects in other bytes (CRLF line endings, a comment, spacing), beside changes or not: check says out of date, and so must diff
    const printedOf = { before: stageTree, after: compiledTree, objects, objectsChange, edgeChange, edge: edgeShown };
    const bytes = !compiled || removed !== undefined ? [] : unshownFiles(project, stage, printedOf);
    const printed = objectsChange || edgeChange;
    io.stdout.write(
      !printed && bytes.length
        ? `${DIST_DIR}/${stage} and ${sources} have the same objects (${d.same}), but ${bytesDiffer(bytes.length, ['in its bytes', 'in their bytes'])}:\n${bytes.join('\n')}\n`
        : objectsChange || !edgeChange
          ? formatDiff(d, { before: `${DIST_DIR}/${stage}`, after: sources })
          : `${DIST_DIR}/${stage} and ${sources} have the same objects (${d.same}); their edge files differ:\n`,
    );
    if (edgeChange) io.stdout.write(`${edgeLines.map((l) => (l.startsWith(' ') ? l : `${DIST_DIR}/${stage}/${l}`)).join('\n')}\n`);
    if (printed && bytes.length)
      io.stdout.write(
        `${bytesDiffer(bytes.length, ['besides, where no line above shows it', 'besides, where no line above shows them'])}:\n${bytes.join('\n')}\n`,
      );
    // its objects in its namespace; what it holds elsewhere (kube-system, cluster-wide) on a line of its own
    const removal =
      removed === undefined ? undefined : removedDeletion(project, stage, removed, appliedNamespaceFile(project, stage, deployed!));
    const command = removal?.command;
    const holding = command ? stagesHolding(project, removed!) : [];
    // a stage an engine delivered: its Application or Kustomization goes first, and the delete is for
    // the cluster it named (known when dist/delivery/ could be planned: not while another stage has problems)
    // (dist/delivery/ as it is, read once for this line and for the delivery objects' diff below)
    let deliveryTree: FileTree | undefined;
    const deliveryBefore = () => (deliveryTree ??= readStageTree(project, DELIVERY_DIR));
    const targets = () => (existsSync(join(project.root, DIST_DIR, DELIVERY_DIR)) ? deliveryTargets(deliveryBefore()) : new Map());
    const delivered =
      command &&
      compiled &&
      removedStageDelivery(stage, targets(), compiled.tree.get(DELIVERY_DIR), { commands: 'npm run synth prints the commands', holding });
    const uncommitted = removed !== undefined && deployed && neverCommittedLine(project, stage, deployed);
    if (uncommitted) io.stdout.write(`${escapeName(uncommitted)}\n`);
    if (command)
      io.stdout.write(
        `${escapeName(
          `npm run synth removes ${DIST_DIR}/${stage}/; its objects stay in ${delivered ? `${delivered.where},` : 'its cluster'} until deleted: ` +
            `${delivered ? delivered.first : ''}${applyFirst(stage, holding)}${command}`,
        )}\n`,
      );
    // what the stages now using its namespace make, compiled for it when they were not (their output may not be written yet)
    const tree = compiled?.tree ?? (holding.length ? compiledQuietly(project, holding, noCache) : undefined);
    const kept = command ? keptByHolding(project, holding, tree) : undefined;
    const data = command && deletedData(removal!.inventory, removedHoldings(project, stage, removed!), kept);
    // names from a hand-editable inventory.txt and edge files: printed as text, as synth prints these lines
    if (data) io.stdout.write(`${escapeName(data)}\n`);
    const outside = removal && outsideLine(stage, removal, kept);
    if (outside) io.stdout.write(`${escapeName(outside)}\n`);
    const edge = removed !== undefined && deployed && removedEdgeLine(project, stage, deployed);
    if (edge) io.stdout.write(`${escapeName(edge)}\n`);
    if (inTheWay)
      printProblems(io, [
        {
          ...inTheWay,
          severity: 'warning',
          message: `${inTheWay.message}: compared as empty, since nothing is read through it (npm run synth refuses it)`,
        },
      ]);
    if (foreign.length) printProblems(io, [foreignFilesProblem(foreign)]);
    if (notCompared) printProblems(io, [notCompared]);
    // as synth warns: the stage was compared with none of the stages whose file changed since their output was written
    if (compiled) printProblems(io, acrossStagesWarnings(compiled, [stage]));
    if (!compiled || !delivers || notCompared) return ExitCode.ok;
    // the delivery objects apart, and only those of this stage: dist/delivery/ holds every delivered stage's
    const [before, after] = deliveryOf(stage, deliveryBefore(), compiled.tree.get(DELIVERY_DIR) ?? new Map());
    if (before.size === 0 && after.size === 0) return ExitCode.ok;
    // a repository URL as messages show it: a file there as an older stagecraft or a hand wrote it may hold credentials
    // (numbered alike on both sides: credentials changed alone show as changed, neither printed)
    const numbers = credentialNumbers();
    const shown = (ms: readonly Manifest[]) => ms.map((m) => ({ ...m, value: withUrlsShown(m.value, numbers) }));
    const delivery = diffManifests(shown(manifestsOf(before, `${DIST_DIR}/${DELIVERY_DIR}`)), shown(manifestsOf(after)));
    io.stdout.write(formatDiff(delivery, { before: `${DIST_DIR}/${DELIVERY_DIR} (for ${stage})`, after: 'the sources' }));
    // a Kustomization leaving that, as applied (an older stagecraft's), takes the stage's objects with it: said before synth, as synth says it
    // (not pruned by the apply: with Flux gone, or the project renamed, the delete commands synth prints delete it)
    const fluxStays = [...(compiled.tree.get(DELIVERY_DIR)?.keys() ?? [])].some((p) => p.startsWith('flux/'));
    const by = !fluxStays ? 'engine-gone' : renamedIn(deliveryBefore(), compiled.tree.get(DELIVERY_DIR), 'flux') ? 'renamed' : 'prune';
    // (one whose stage moved to Argo CD: the move's warning below gives the patch, in the order of its steps)
    const targetsBefore = deliveryTargets(before);
    const movedAway = movedToArgocd(targetsBefore, deliveryTargets(after));
    const deleting = deletingKustomizationsRemoved(before, delivery.removed)
      .filter((k) => !movedAway(k))
      .map((k) => kustomizationDeletesStage(k, by));
    // an Application leaving while the stage stays, which a finalizer added by hand would have take the stage with it: as synth says it
    // (not when the project is renamed: its old objects are in the delete commands synth prints, as synth says it)
    const newDelivery = compiled.tree.get(DELIVERY_DIR);
    if (removed === undefined && !renamedIn(deliveryBefore(), newDelivery, 'argocd')) {
      const argocdStays = [...(newDelivery?.keys() ?? [])].some((p) => p.startsWith('argocd/'));
      const now = newDelivery === undefined ? new Map() : deliveryTargets(newDelivery);
      deleting.push(...applicationsRemoved(before, delivery.removed, now).map((a) => applicationDeletesStage(a, argocdStays)));
    }
    // delivered to another cluster, which keeps what the engine applied there: said before synth, as synth says it
    const inventory = stageTree.get(INVENTORY_FILE);
    deleting.push(
      ...stageMoves(
        targetsBefore,
        after,
        () => (inventory === undefined ? undefined : fileText(inventory)),
        declaredClusters(compiled.projectFile),
        compiled.tree.get(DELIVERY_DIR),
      ),
    );
    printProblems(io, deleting);
    return ExitCode.ok;
  },
};

if (isEntry(import.meta.url)) runAsProcess(command);

/** That `count` files of a stage differ as `how` says (of one file, of several), which check says out of date and synth writes again. */
const bytesDiffer = (count: number, [one, several]: readonly [string, string]): string =>
  count === 1
    ? `1 file differs ${one} (npm run check says it is out of date; npm run synth writes it again)`
    : `${count} files differ ${several} (npm run check says they are out of date; npm run synth writes them again)`;

/** A stage's output as a compilation gives it: its files, and the names a diff of two stages sets aside. */
interface StageOutput {
  readonly stage: string;
  readonly namespace: string;
  readonly files: FileTree;
}

/**
 * The output of each of `stages`, as `npm run synth` would write it, and the warnings of the
 * comparison across stages that concern them (`acrossStagesWarnings`): read from dist/ when the last
 * full synthesis proved every stage current, as synth keeps a stage (lib/cli/reuse.ts: the compiler,
 * every input and the stage's directory as recorded), with the warnings recorded with them, as synth
 * prints a kept stage's; else compiled (with the render cache, unless `noCache`).
 */
function stageOutputs(
  project: Project,
  stages: readonly string[],
  noCache: boolean | undefined,
): { outputs: StageOutput[]; warnings: readonly Problem[] } {
  // every stage kept: no other stage changed, so nothing they take went uncompared (synth/claims-not-checked)
  const reuse = noCache ? undefined : reusableStages(project.root, DIST_DIR, project.stages, { allOrNothing: true });
  if (reuse && keepsOutput(reuse)) {
    const outputs = stages.map((stage) => ({ stage, namespace: keptNamespace(project, stage), files: readStageTree(project, stage) }));
    return { outputs, warnings: stages.flatMap((s) => reuse.kept.get(s)!.summary.filter(isPlacedAcrossStages)) };
  }
  const compiled = compile(project, stages, { noCache, writesNothing: true });
  const outputs = compiled.stages.map(({ stage }) => ({
    stage: stage.name,
    namespace: stage.namespace,
    files: compiled.tree.get(stage.name)!,
  }));
  return { outputs, warnings: acrossStagesWarnings(compiled, stages) };
}

/** The namespace of a stage whose file the last full synthesis compiled as it is (so it is valid: read, not validated again). */
function keptNamespace(project: Project, stage: string): string {
  const { data } = readStage(readStageFile(project, stage), relative(project.root, stagePath(project, stage)), []);
  const { namespace } = data as { namespace?: unknown };
  return stageNamespace(typeof namespace === 'string' ? namespace : undefined, stage);
}

/** The output of `stages`, or undefined when one of them does not compile (its own command says why). */
function compiledQuietly(
  project: Project,
  stages: readonly string[],
  noCache: boolean | undefined,
): ReturnType<typeof compile>['tree'] | undefined {
  try {
    return compile(project, stages, { noCache, writesNothing: true }).tree;
  } catch (e) {
    if (e instanceof ProblemsError) return undefined;
    throw e;
  }
}
