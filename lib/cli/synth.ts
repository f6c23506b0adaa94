/**
 * `npm run synth`: compiles every stage file into `dist/<stage>/`, or nothing at all when any
 * stage has a problem.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DELIVERY_DIR } from '../delivery/index.js';
import { INVENTORY_FILE } from '../synth/inventory.js';
import { applyFirst, deletedData } from '../synth/delete-commands.js';
import { ExitCode, ProblemsError, escapeName, type Problem } from '../errors.js';
import { exitCodesHelp, commonOptionsHelp, progress, type Command } from './main.js';
import { isEntry, runAsProcess } from './process.js';
import { printProblems } from './print.js';
import {
  DIST_DIR,
  SCHEMA_FILE,
  compile,
  deliveryInventories,
  flushRenderCache,
  openProject,
  removedStages,
  requireStages,
  schemaOnDisk,
  schemaText,
  stagesHolding,
} from './project.js';
import { beginOutput } from './output.js';
import { ENGINES, type Engine, engineName } from '../model/engines.js';
import {
  applicationDeletesStage,
  engineLeft,
  kustomizationDeletesStage,
  leavingDelivery,
  removedStageDelivery,
  renamedProjects,
} from './delivery-left.js';
import { argocdOrder, deliveryChanges, handEdits } from './delivery-changes.js';
import { declaredClusters, stageMoves } from './delivery-moves.js';
import { movedToArgocd } from '../delivery/engine-moves.js';
import { deliveryOnDisk, deliveryTargets } from './delivery-on-disk.js';
import { startFingerprint } from './fingerprint.js';
import { keepsOutput, reusableStages } from './reuse.js';
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
import { keptReport, printReports, printTotal, replaySynth, type StageReport } from './fast.js';
import { comparedAgain, compiledReport } from './synth-report.js';

const usage = `Usage: npm run synth [-- [<stage>...] [--stage <name>...] [--verbose] [--no-cache]]

Compiles environments/<stage>.yaml into dist/<stage>/ for every stage (or only the named ones),
writes environments/stage.schema.json, and removes the output of stages that no longer exist.
On any problem nothing is written: exit 2 when a stage file or the command line is wrong, 1 when
the checks find errors in the rendered objects. Warnings are summarized, one line per check and
stage with the number of objects; --verbose prints each object's warning.

Options:
  <stage>, --stage <name>  compile only these stages (npm run synth -- lab qa)
  --verbose                print every warning, not a summary per check and stage
  --no-cache               compile every stage and render every app again (no
                           .stagecraft/cache/render/, no stage kept as it is)
${commonOptionsHelp(27)}

${exitCodesHelp('the checks found errors or another command holds the lock (nothing written)', 'written')}`;

export const command: Command<{ stage?: string[]; verbose?: boolean; 'no-cache'?: boolean }> = {
  name: 'synth',
  usage,
  options: { stage: { type: 'string', multiple: true }, verbose: { type: 'boolean' }, 'no-cache': { type: 'boolean' } },
  run({ stage, verbose, 'no-cache': noCache }, positionals, io) {
    const named = [...new Set([...positionals, ...(stage ?? [])])];
    const root = io.cwd;
    const writer = ['synth', ...(named.length ? ['--', ...named.flatMap((s) => ['--stage', s])] : [])].join(' ');
    const project = openProject(root, { writer, log: (l) => io.stderr.write(`${l}\n`) });
    requireStages(project, named);
    const all = named.length === 0;
    // a full synthesis keeps the output of every stage whose inputs did not change since the last one
    // (lib/cli/reuse.ts); a synthesis of some stages is one that keeps all the others, when it can
    const recorded =
      !noCache && !(all && verbose) ? reusableStages(root, DIST_DIR, project.stages, { compile: all ? undefined : named }) : undefined;
    const reuse = keepsOutput(recorded) ? recorded : undefined;
    // nothing changed at all: dist/ and the schema are what the last synthesis wrote (run.cjs answers this before loading the compiler)
    if (reuse && reuse.changed.length === 0) return replaySynth(reuse, io);
    const line = progress(io);
    // read before their directories go: the removal lines give the command that deletes what those stages leave in their clusters
    // (with what their last commit lists besides, as applied: read as deployed by git once, for the edge lines and the compilation too)
    const deployed = deployedOutput(root);
    const leaving = new Map([...(all ? removedStages(project) : [])].map(([d, text]) => [d, withCommittedObjects(d, text, deployed)]));
    // and what their namespaces hold that the inventories do not say (the Secrets, the StatefulSets' claims)
    const holdings = new Map([...leaving].map(([d, inventory]) => [d, removedHoldings(project, d, inventory)]));
    // and what their edge machines go on doing (its haproxy.cfg, keepalived's address), which the delete command does not reach
    const edges = new Map([...leaving.keys()].map((d) => [d, removedEdgeLine(project, d, deployed)]));
    const uncommittedLines = new Map([...leaving.keys()].map((d) => [d, neverCommittedLine(project, d, deployed)]));
    // and which namespace is theirs, as applied (their Namespace file), for the delete command
    const namespaceFiles = new Map([...leaving.keys()].map((d) => [d, appliedNamespaceFile(project, d, deployed)]));
    // and the engines' delivery inventories: an engine that delivers no stage any more leaves its objects at work in its cluster
    const engines = deliveryInventories(project);
    // and, from one reading of dist/delivery/, the Kustomizations applied from its flux/ that would take their stage's
    // objects with them when deleted, and where it applies each stage (a stage delivered to another cluster leaves them in the old one)
    const onDiskDelivery = deliveryOnDisk(project);
    const { applied, applications, ...targets } = onDiskDelivery;
    const onDisk = schemaOnDisk(root);
    // stages kept: the schema file is as the last full synthesis proved it (the compiler that made
    // it is this one, and the file is unchanged since: lib/cli/reuse.ts), so it need not be made again
    const schema = reuse && onDisk !== undefined ? onDisk : schemaText();
    const schemaStale = onDisk !== schema;
    // a full synthesis records the digests that let the next check answer without compiling (lib/cli/fingerprint.ts)
    const fingerprint = all || reuse ? startFingerprint(root, reuse?.inputs) : undefined;
    // else a synthesis of some stages plans dist/delivery/ with what the last full one recorded of the others, while that holds
    const others = all || reuse || recorded?.othersChanged ? undefined : recorded?.kept;
    // and compares what they take across stages with those records, else with those of the stages whose file did not change
    // (a full synthesis has records only of the stages whose output it keeps)
    const kept = [...(recorded?.kept ?? [])].map(([s, r]) => ({
      stage: s,
      from: r.from,
      delivery: r.delivery,
      claims: r.claims,
    }));
    const onStage = (s: string, i: number, n: number) => line.update(`synth: compiling ${s} (${i + 1}/${n})`);
    // neither a full synthesis, nor one of every stage named, nor one that plans dist/delivery/ with the others' records:
    // what depends on every stage is not planned
    const unplanned = !all && !project.stages.every((s) => named.includes(s)) && !others && !reuse;
    /** Whether a synthesis got as far as writing: a problem from there on (a full disk) is one a full synthesis meets too. */
    let writing = false;
    /**
     * Compiles `stages`, writing each stage's files into the staging directory as soon as it is
     * compiled (lib/cli/output.ts, `beginOutput`), then writes dist/ as one transaction; on a
     * problem in any stage, what was staged is removed and nothing users see has changed.
     */
    const compileAndWrite = (stages: readonly string[], partial: boolean) => {
      // a full synthesis removes the output of stages whose stage file is gone, and says so
      const output = beginOutput(project, {
        removeOthers: all,
        files: new Map(schemaStale ? [[SCHEMA_FILE, schema]] : []),
        keep: partial ? kept.map((k) => k.stage) : [],
      });
      try {
        // what a full synthesis refuses of these stages' own files holds without the others' records too (`alone`)
        const compiled = compile(project, stages, {
          onStage,
          noCache,
          kept: partial || !all ? kept : [],
          output,
          alone: unplanned,
          removing: all,
          deployed,
        });
        // planned with the others, and no stage is delivered any more: dist/delivery/ goes, as in a full synthesis
        if (!all && !unplanned && !compiled.tree.has(DELIVERY_DIR) && existsSync(join(root, DIST_DIR, DELIVERY_DIR)))
          compiled.tree.set(DELIVERY_DIR, new Map());
        line.update('synth: writing dist/');
        writing = true;
        return { compiled, written: output.write(compiled), partial };
      } finally {
        output.abort();
      }
    };
    const { compiled, written, partial } = line.during(() => {
      if (reuse) {
        try {
          return compileAndWrite(reuse.changed, true);
        } catch (e) {
          // a problem of the stages a full synthesis compiled: compile every stage, so that the messages are those of a full synthesis
          if (!all || !(e instanceof ProblemsError) || writing) throw e;
        }
      }
      return compileAndWrite(all ? project.stages : named, false);
    });
    const gone = [...written.removed, ...(compiled.tree.get(DELIVERY_DIR)?.size === 0 ? [DELIVERY_DIR] : [])];
    flushRenderCache();
    const reports = compiled.stages.map((s, i) => compiledReport(s, written.stages[i], compiled));
    // the kept stages are recorded again, and printed by a full synthesis only
    const keptReports =
      partial && reuse ? [...reuse.kept].map(([s, r]) => keptReport(s, comparedAgain(r, compiled.acrossStages.get(s)))) : [];
    const byStage = (a: StageReport, b: StageReport) => (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0);
    if (all && keptReports.length) {
      reports.push(...keptReports.splice(0));
      reports.sort(byStage);
    }
    let footer = '';
    for (const [path, text] of compiled.tree.get(DELIVERY_DIR) ?? []) {
      if (path.endsWith(`/${INVENTORY_FILE}`)) footer += deliveryLine(path.split('/')[0], text);
    }
    fingerprint?.record({
      distDir: DIST_DIR,
      tree: new Map(),
      digests: written.digests,
      foreign: written.foreignFiles,
      wrote: true,
      schema: { file: SCHEMA_FILE, text: schema },
      stages: project.stages.length,
      synthFooter: footer,
      deliveryWarnings: compiled.deliveryWarnings,
      synthStages: Object.fromEntries([...reports, ...keptReports].sort(byStage).map((r) => [r.stage, r.record])),
      kept: partial && reuse ? { stages: kept.map((k) => k.stage), dist: reuse.keptDist } : undefined,
    });
    printReports(io, reports, verbose);
    // what this synthesis changes in the output as it was (a live color's image): said once, never replayed
    printProblems(io, compiled.notices);
    io.stdout.write(footer);
    // what changed in each engine's directory, which the engine does not apply: said once, never replayed
    for (const [path, text] of compiled.tree.get(DELIVERY_DIR) ?? []) {
      const engine = path.split('/')[0] as Engine;
      if (path !== `${engine}/${INVENTORY_FILE}`) continue;
      const order = engine === 'argocd' ? argocdOrder(onDiskDelivery, compiled.tree.get(DELIVERY_DIR)) : undefined;
      io.stdout.write(deliveryChanges(engine, engines.get(engine), text, order));
    }
    // whether dist/delivery/ was planned (written, or removed with no stage delivered); else it is as it was
    const delivery = compiled.tree.get(DELIVERY_DIR);
    const planned = delivery !== undefined || gone.includes(DELIVERY_DIR);
    // not planned, and there is one or a stage is delivered: it may not be what the stage files say now
    const deliveryStale =
      !planned && (existsSync(join(root, DIST_DIR, DELIVERY_DIR)) || [...compiled.declarations.values()].some((d) => d.delivered));
    if (deliveryStale) printProblems(io, [deliveryNotUpdated(named, noCache)]);
    // when dist/delivery/ was planned, the engines whose directory it no longer has
    const engineGone = planned ? [...engines.keys()].filter((e) => ![...(delivery?.keys() ?? [])].some((p) => p.startsWith(`${e}/`))) : [];
    const unorphaned = planned ? leavingDelivery('flux', 'Kustomization', applied, delivery) : [];
    for (const d of gone) {
      const why = d === DELIVERY_DIR ? 'no stage file declares delivery:' : `there is no environments/${d}.yaml`;
      io.stdout.write(`${escapeName(`${d}: ${removedDirectory(root, d, why)}`)}\n`);
      const uncommitted = d === DELIVERY_DIR ? undefined : uncommittedLines.get(d);
      if (uncommitted) io.stdout.write(`  ${escapeName(uncommitted)}\n`);
      if (d === DELIVERY_DIR) {
        for (const e of engineGone) io.stdout.write(engineLeft(e, engines.get(e)!, `its ${engineName(e)} objects`, unorphaned));
        continue;
      }
      const inventory = leaving.get(d);
      // its objects in its namespace; what it holds elsewhere (kube-system, cluster-wide) on a line of its own
      const removal = inventory === undefined ? undefined : removedDeletion(project, d, inventory, namespaceFiles.get(d));
      const command = removal?.command;
      // no prune command of the stage will run again: its objects stay in the cluster until deleted
      const holding = command ? stagesHolding(project, inventory!) : [];
      // a stage an engine delivered: its Application or Kustomization goes first, and the delete is for the cluster it named
      const delivered = removedStageDelivery(d, targets.targets, delivery, { holding });
      if (command)
        io.stdout.write(
          `  ${escapeName(`its objects stay in ${delivered?.where ?? 'its cluster'}; ${delivered?.first ?? ''}${applyFirst(d, holding)}delete them with: ${command}`)}\n`,
        );
      const kept = command ? keptByHolding(project, holding, compiled.tree) : undefined;
      const data = command && deletedData(removal!.inventory, holdings.get(d), kept);
      // names from a hand-editable inventory.txt and edge files: printed as text, as the lines above
      if (data) io.stdout.write(`  ${escapeName(data)}\n`);
      const outside = removal && outsideLine(d, removal, kept);
      if (outside) io.stdout.write(`  ${escapeName(outside)}\n`);
      const edge = edges.get(d);
      if (edge) io.stdout.write(`  ${escapeName(edge)}\n`);
    }
    if (delivery?.size) {
      for (const e of engineGone) {
        io.stdout.write(
          `${DELIVERY_DIR}: ${removedDirectory(root, `${DELIVERY_DIR}/${e}`, `no stage is delivered by ${engineName(e)} any more`)}\n`,
        );
        io.stdout.write(engineLeft(e, engines.get(e)!, 'its objects', unorphaned));
      }
    }
    // a new project name: its apply command prunes nothing of the old one, which goes on applying the stages
    const renamed = planned ? renamedProjects(engines, delivery, unorphaned) : [];
    for (const { lines } of renamed) io.stdout.write(lines);
    // Flux still delivers from dist/delivery/flux/, whose apply command prunes these (the others' delete commands are above)
    const notPruned = engineGone.includes('flux') || renamed.some((r) => r.engine === 'flux');
    // Argo CD's Applications pruned while their stage stays (moved to Flux, delivered no more): those of an engine gone or renamed are in the commands above
    const argocdPrunes = planned && !engineGone.includes('argocd') && !renamed.some((r) => r.engine === 'argocd');
    // a stage whose file is gone does not stay, whether its output was removed by this synth or deleted by hand
    const finalized = argocdPrunes
      ? leavingDelivery('argocd', 'Application', applications, delivery).filter((a) => project.stages.includes(a.stage))
      : [];
    const now = (finalized.length || unorphaned.length) && delivery ? deliveryTargets(delivery) : new Map();
    const movedAway = movedToArgocd(targets.targets, now);
    const pruned = [
      // a hand edit of dist/delivery/ written over, as a stage's output is: said, since the cluster may hold it
      ...(planned ? handEdits(onDiskDelivery, delivery) : []),
      // (one whose stage moved to Argo CD: the move's warning gives the patch, in the order of its steps)
      ...(notPruned ? [] : unorphaned.filter((k) => !movedAway(k)).map((k) => kustomizationDeletesStage(k))),
      // (one whose stage moved to Flux: the move's warning gives the patch, in the order of its steps)
      ...finalized.filter((a) => !now.has(`flux/${a.stage}`)).map((a) => applicationDeletesStage(a)),
      ...(planned ? stageMoves(targets.targets, delivery, (s) => targets.inventories.get(s), declaredClusters(compiled.projectFile)) : []),
    ];
    printProblems(io, pruned);
    printTotal(
      io,
      reports,
      verbose,
      compiled.notices.length +
        pruned.length +
        [deliveryStale, written.foreignFiles.length > 0, written.replacedLinks].filter(Boolean).length,
    );
    return ExitCode.ok;
  },
};

/**
 * `removed dist/<dir>/ (<why>)`, once the directory's generated files are gone; when files
 * stagecraft did not write keep the directory (named by the warning about them), what is true.
 */
const removedDirectory = (root: string, dir: string, why: string) =>
  existsSync(join(root, DIST_DIR, dir))
    ? `removed the files stagecraft wrote in ${DIST_DIR}/${dir}/ (${why}); the files it did not write stay there`
    : `removed ${DIST_DIR}/${dir}/ (${why})`;

/** What a synthesis of the `named` stages says when it could not plan dist/delivery/, which depends on every stage. */
function deliveryNotUpdated(named: readonly string[], noCache: boolean | undefined): Problem {
  const why = noCache
    ? '--no-cache uses no record of them'
    : `there is no record of them that still holds (none was recorded, or since the last full synthesis an input other than ${named.map((s) => `environments/${s}.yaml`).join(', ')} changed)`;
  return {
    code: 'synth/delivery-not-updated',
    severity: 'warning',
    subject: `${DIST_DIR}/${DELIVERY_DIR}/`,
    message: `not updated, so it may not match the stage files any more: it depends on every stage, and a synthesis of some stages plans it only with what the last full synthesis recorded of the others, but ${why}`,
    hint: 'run npm run synth (every stage) to update it; npm run check says whether it is current',
  };
}

/** `delivery: 5 Argo CD objects -> dist/delivery/argocd/`, from the inventory of the engine's directory `dir`. */
function deliveryLine(dir: string, inventory: string): string {
  const objects = /^objects: (\d+)$/m.exec(inventory)?.[1];
  const engine = ENGINES.find((e) => e === dir);
  return `${DELIVERY_DIR}: ${objects} ${engine ? engineName(engine) : dir} objects -> ${DIST_DIR}/${DELIVERY_DIR}/${dir}/\n`;
}

if (isEntry(import.meta.url)) runAsProcess(command);
