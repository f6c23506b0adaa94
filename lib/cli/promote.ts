/**
 * `npm run promote -- <from> <to>`: gives the next stage the release of the previous one, by
 * editing the target stage file in place (only the release values change; comments and layout
 * stay), then synthesizes that stage and shows what changed.
 */
import { ExitCode, ProblemsError } from '../errors.js';
import { editValues, formatEdit } from '../config/edit.js';
import { planPromotion, type PromotionPlan } from '../promotion.js';
import { orderProblem } from '../promotion-order.js';
import { promotionDeclaration } from '../compile-stage.js';
import { andList } from '../model/limits.js';
import { STACKS } from '../../apps/index.js';
import { exitCodesHelp, commonOptionsHelp, takeArguments, type Command } from './main.js';
import { isEntry, runAsProcess } from './process.js';
import { DIST_DIR, compile, loadStage, promotionOrderOf, openProject, readStageFile, requireStages, type Project } from './project.js';
import type { Compiled } from '../compile.js';
import { INVENTORY_FILE } from '../synth/inventory.js';
import { objectsUnchanged } from '../synth/inventory-changes.js';
import { readStageOutput, rewriteStage, staleFiles } from './output.js';
import { crashPoint } from '../synth/write.js';
import { acrossStagesWarnings } from '../edge/across-stages.js';
import { printProblems } from './print.js';
import { bareArgument, linePath } from '../model/shown-arguments.js';

const usage = `Usage: npm run promote -- <from> <to> [--app <name>]... [--force] [--rollback]

Copies the release of every app that both stages deploy (its image, and the settings that travel
with it, such as the database image) from environments/<from>.yaml into environments/<to>.yaml,
changing nothing else in that file, then synthesizes <to> into dist/<to>/ and prints what changed.
An image keeps the registry <to> names for it and takes the tag (or digest) of <from>'s.
Where <to> runs an app blue/green, the release goes to its idle color; \`npm run switch\` then
sends traffic to it. Promoting again changes nothing.

Refused (exit 1, nothing written) unless --force: promoting to a stage whose file does not say
\`promotion: { from: <from> }\`, from or to a stage whose dist/ is not what its stage file
produces (synthesize and commit it first), or an image that <to> names differently (another
image, not the same one from another registry). Refused unless --rollback: a release older than
the one <to> runs (1.2 where <to> has 1.2.1, a hotfix that came back from a later stage).
Refused too when there is nothing to change but an app of <from> looks renamed in <to> (<to>
deploys another app of its stack that <from> does not) or is of another stack there: <to> does not
have that release. An app that only <from> deploys is otherwise left alone, with a note.
Refused too: --app naming an app that <to> does not deploy or deploys of another stack, and a
release that <to> then refuses (an image with no build for its architecture, an error of the
checks). Exit 2 when a stage file has a problem, or --app names no app of <from> or an app whose
stack has no release.

Options:
  --app <name>   promote only this app (again for another: --app web --app api)
  --force        promote out of order, from or to a stage whose dist/ is not current (the
                 changes of <to>'s file are then synthesized with the release), or an image
                 that <to> names differently (<from>'s image is written as it is)
  --rollback     take <to> back to an older release than it runs, on purpose (lifts only that
                 refusal)
${commonOptionsHelp(17)}

${exitCodesHelp('refused or the checks found errors (nothing written)', 'promoted or nothing to do')}`;

export const command: Command<{ app?: string[]; force?: boolean; rollback?: boolean }> = {
  name: 'promote',
  usage,
  options: { app: { type: 'string', multiple: true }, force: { type: 'boolean' }, rollback: { type: 'boolean' } },
  run({ app, force, rollback }, args, io) {
    takeArguments('promote', ['<from>', '<to>'], args, { example: 'npm run promote -- qa production' });
    const [from, to] = args;
    if (from === to) {
      // even with --force, which lifts the order: a stage has its own release, and "nothing to change" would say it was promoted
      throw new ProblemsError([
        {
          code: 'cli/arguments',
          message: `promote takes two different stages, <from> and <to> (found ${bareArgument(from)} twice)`,
          // the stage named in the line only when it is one to write back: not a token pasted twice, nor a word cut short
          hint:
            bareArgument(to) === to
              ? `name the stage ${to} gets its releases from, e.g. npm run promote -- <previous stage> ${linePath(to) ?? '<to>'}`
              : 'name the stage to promote from, then the one it goes to: npm run promote -- <from> <to>',
        },
      ]);
    }
    const project = openProject(io.cwd, { writer: `promote -- ${args.join(' ')}`, log: (l) => io.stderr.write(`${l}\n`) });
    requireStages(project, [from, to]);
    // a problem in either stage file is reported as itself, not as a stage missing from the order
    const order = orderProblem(from, to, promotionOrderOf(project, [from, to]));
    // read once: the plan, the check of dist/<to> and the edit are all of this text, and the write
    // refuses when the file is no longer it (saved from an editor meanwhile: rewriteStage)
    const read = readStageFile(project, to);
    const target = loadStage(project, to, read);
    if (order && !force) {
      // at the target's promotion.from, which says where its releases come from; else at its apps:,
      // the releases the promotion would change (the hint says to add promotion.from)
      const { location = target.locate([], 'apps') } = promotionDeclaration(target);
      throw new ProblemsError([{ ...order, location }], ExitCode.checkFailed);
    }
    if (!force) {
      const stale = staleFiles(project, compile(project, [from]));
      if (stale.length) {
        throw new ProblemsError(
          [
            {
              code: 'promote/stale',
              message: `dist/${from} is not what environments/${from}.yaml produces, so its release has not been reviewed as it would be deployed:`,
              lines: stale,
              hint: `run npm run synth -- --stage ${from} and commit, or pass --force`,
            },
          ],
          ExitCode.checkFailed,
        );
      }
    }
    const plan = planPromotion(loadStage(project, from), target, STACKS, app, { force, rollback });
    if ('problems' in plan) throw new ProblemsError(plan.problems, plan.refused ? ExitCode.checkFailed : ExitCode.badInput);
    crashPoint('edit-planned');
    const { text, applied } = editValues(read, plan.edits, target.source);
    if (applied.length === 0) {
      for (const note of plan.notes) io.stdout.write(`${note}\n`);
      io.stdout.write(`${nothingToChange(plan, from, to, app)}\n`);
      return ExitCode.ok;
    }
    // the target's file as it was must be what dist/<to> holds: else the promotion would bring in
    // more than the release, and the changes printed below would not be the release's alone. A file
    // there that is not YAML (a merge conflict) is reported at its place first; an edit of the stage
    // file that changes no object (a comment, a value written in another style) changes the
    // inventory but none of its objects (as the compilation compared them with dist/<to>'s), which
    // is no output to review
    const asIs = readStageOutput(project, to);
    const compiledTo = compile(project, [to], { sources: new Map([[to, read]]) });
    const inventory = `changed: ${DIST_DIR}/${to}/${INVENTORY_FILE}`;
    const sameObjects = objectsUnchanged(compiledTo.changes.get(to));
    const unsynthesized = staleFiles(project, compiledTo).filter((l) => l !== inventory || !sameObjects);
    if (unsynthesized.length && !force) {
      throw new ProblemsError(
        [
          {
            code: 'promote/stale',
            message: `dist/${to} is not what ${target.source} produces, so the promotion would also synthesize changes of that file that have not been reviewed as output:`,
            lines: unsynthesized,
            hint: `run npm run synth -- --stage ${to}, review and commit it, then promote; or pass --force to synthesize those changes with the release`,
          },
        ],
        ExitCode.checkFailed,
      );
    }
    for (const note of plan.notes) io.stdout.write(`${note}\n`);
    if (unsynthesized.length) {
      io.stdout.write(
        `${target.source} has changes not yet in dist/${to}; with --force they are synthesized with the release, and the changes below include them:\n  ${unsynthesized.join('\n  ')}\n`,
      );
    }
    // the field-by-field changes printed are from dist/<to> as read above (its files read and parsed once); the summary's counts compare the inventory
    const report = rewriteStage(project, to, { from: read, text, compiled: compilePromoted(project, from, to, text) }, asIs);
    for (const e of applied) io.stdout.write(`${formatEdit(e)}\n`);
    io.stdout.write(report.map((l) => `${l}\n`).join(''));
    // as synth warns: the stage was compared with none of the stages whose file changed since their output was written
    printProblems(io, acrossStagesWarnings(compiledTo, [to]));
    return ExitCode.ok;
  },
};

/**
 * Compiles `to` with the release of `from` written (`text`). Its file as it was compiled (before:
 * a problem of its own is bad input), so a problem now is the release's: the stage refuses it (exit
 * 1, nothing written), as an image with no build for an ARM stage, said as the promotion's.
 */
function compilePromoted(project: Project, from: string, to: string, text: string): Compiled {
  try {
    return compile(project, [to], { sources: new Map([[to, text]]) });
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    const problems = e.problems.map((p) => ({
      ...p,
      message: `with ${from}'s release written: ${p.message}`,
      ...(p.hint ? { hint: `${p.hint}; then promote again` } : {}),
    }));
    throw new ProblemsError(problems, ExitCode.checkFailed);
  }
}

/**
 * What a promotion that changes nothing says: that `to` has the release of the apps compared, and
 * only of those: with `apps`, of those alone (the other apps may well differ), and not of the apps
 * only `from` deploys, which `to` does not run at any release.
 */
function nothingToChange(plan: PromotionPlan, from: string, to: string, apps: readonly string[] | undefined): string {
  const idle = apps !== undefined && new Set(apps).size === 1 ? '' : ` of ${andList(plan.idle ?? [])}`;
  const where = plan.idle ? `, in the idle color${idle} (not yet live)` : '';
  if (apps !== undefined) return `${to} already has ${from}'s release of ${andList([...new Set(apps)])}${where}: nothing to change`;
  if (!plan.sourceOnly) return `${to} already has the release of ${from}${where}: nothing to change`;
  const only = `only ${from} deploys ${andList(plan.sourceOnly)}`;
  return plan.shared?.length
    ? `${to} already has ${from}'s release of the apps both deploy (${andList(plan.shared)})${where}; ${only}: nothing to change`
    : `${to} deploys none of ${from}'s apps that have a release; ${only}: nothing to change`;
}

if (isEntry(import.meta.url)) runAsProcess(command);
