/**
 * `npm run switch -- <stage> <app>`: sends the traffic of a blue/green app to its idle color, after
 * checking that the idle color runs the intended release; run again to roll back.
 */
import { ExitCode, ProblemsError, type Problem } from '../errors.js';
import { editValues, formatEdit } from '../config/edit.js';
import { manifestsOf } from '../diff/manifests.js';
import { colorName, idleColor, settingAt, type BlueGreenSettings } from '../release.js';
import { imageVersion, releaseVersion } from '../model/image.js';
import { didYouMean } from '../model/did-you-mean.js';
import { bareArgument, shownArgument } from '../model/shown-arguments.js';
import { kubectlTarget } from '../model/object.js';
import { STACKS } from '../../apps/index.js';
import { exitCodesHelp, commonOptionsHelp, takeArguments, type Command } from './main.js';
import { isEntry, runAsProcess } from './process.js';
import { DIST_DIR, compile, loadStage, openProject, readStageFile, readStageTree, requireStages } from './project.js';
import { rewriteStage, staleFiles } from './output.js';
import { crashPoint } from '../synth/write.js';
import { edgeSwitchLine } from '../edge/changes.js';
import { acrossStagesWarnings } from '../edge/across-stages.js';
import { printProblems } from './print.js';
import { promotionDeclaration } from '../compile-stage.js';
import type { EdgeSettings } from '../edge/settings.js';
import { VERSION_LABEL } from '../label-only-changes.js';

const usage = `Usage: npm run switch -- <stage> <app> [--release <version or image>] [--force]

For an app that the stage runs blue/green, sends its traffic to the idle color: sets blueGreen.live
in environments/<stage>.yaml (nothing else changes there), synthesizes the stage and prints what
changed, which is the Service's selector. The color that was live keeps running, so switching
again is the rollback.

Before switching it checks that the idle color runs the intended release as committed: dist/<stage>
must be what the stage file produces, and its Deployment <app>-<idle color> must run the version
given with --release (or, without it, the image the stage file gives that color), with the images
the stage file gives it. Refused with exit 1 otherwise (nothing written); --force skips only the
check that dist/ is current. A color scaled to zero (replicas: 0) is refused too. Exit 2 on bad input.

Options:
  --release <v>  the release the idle color must run: a version (1.1), an image (demoapp:1.1)
                 or a digest (sha256:...)
  --force        switch even when dist/<stage> is not current (the idle color must
                 still run the stage file's images for it)
${commonOptionsHelp(17)}

${exitCodesHelp('refused or the checks found errors (nothing written)', 'switched')}`;

/** A Deployment as far as the switch reads it: its version label and its pods' containers. */
interface PodOwner {
  metadata?: { labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    template?: { spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } };
  };
}

/** The images of a Deployment's pods, in order (init containers first), for a message and to compare. */
function imagesOf(d: PodOwner): string {
  const pod = d.spec?.template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map((c) => c.image ?? '(no image)').join(', ');
}

export const command: Command<{ release?: string; force?: boolean }> = {
  name: 'switch',
  usage,
  options: { release: { type: 'string' }, force: { type: 'boolean' } },
  run({ release: version, force }, args, io) {
    takeArguments('switch', ['<stage>', '<app>'], args, { example: 'npm run switch -- production demoapp' });
    const [stage, app] = args;
    const project = openProject(io.cwd, { writer: `switch -- ${args.join(' ')}`, log: (l) => io.stderr.write(`${l}\n`) });
    requireStages(project, [stage]);
    // read once: the checks and the edit are of this text, and the write refuses when the file is no
    // longer it (saved from an editor meanwhile: rewriteStage), rather than switch to what it never checked
    const read = readStageFile(project, stage);
    const loaded = loadStage(project, stage, read);
    const instance = loaded.apps.find((a) => a.name === app);
    if (!instance) {
      const names = loaded.apps.map((a) => a.name);
      const guess = didYouMean(app, names);
      throw new ProblemsError([
        {
          code: 'switch/no-app',
          location: loaded.locate([], 'apps'),
          // (the place names the stage file: the message, the stage)
          message: `stage ${stage} deploys no app ${shownArgument(app)}${guess ? `; did you mean '${guess}'?` : ''}`,
          hint: `its apps are: ${names.join(', ') || 'none'}`,
        },
      ]);
    }
    const release = STACKS[instance.stack as keyof typeof STACKS].release;
    const path = release?.blueGreen;
    const colors = path && (settingAt(instance.settings, path) as BlueGreenSettings | undefined);
    if (!path || !colors) {
      throw new ProblemsError([
        {
          code: 'switch/not-blue-green',
          // at the image the app runs instead (a stack with no release: at the app)
          location: release ? loaded.locate(['apps', app, ...release.image]) : loaded.locate(['apps'], app),
          message: `apps.${app} does not run blue/green, so it has no color to switch to`,
          hint: path
            ? `replace its image: with blueGreen: { live: blue, blue: <image>, green: <image> }`
            : `stack '${instance.stack}' cannot run blue/green`,
        },
      ]);
    }
    const idle = idleColor(colors.live);
    const intended = version === undefined ? imageVersion(colors[idle]) : releaseVersion(version);

    const problems: Problem[] = [];
    const compiled = compile(project, [stage], { sources: new Map([[stage, read]]) });
    // a stage that declares delivery: (as the compilation tells the delivery plan) is applied by Argo CD or Flux
    // from the repository: there the push of the commit is the apply, in the hints as in the report
    const delivered = compiled.declarations.get(stage)?.delivered === true;
    const [act, acted] = delivered ? ['commit and push', 'pushed'] : ['apply', 'applied'];
    const deploy = delivered ? `synthesize, commit and push ${stage}` : `synthesize and apply ${stage}`;
    if (!force) {
      const stale = staleFiles(project, compiled);
      if (stale.length) {
        problems.push({
          code: 'switch/stale',
          message: `${DIST_DIR}/${stage} is not what ${loaded.source} produces, so what runs is not what the stage file says:`,
          lines: stale,
          hint: `${deploy} (npm run synth -- --stage ${stage}), then switch; or pass --force`,
        });
      }
    }
    const deployment = `Deployment ${loaded.context.namespace}/${colorName(app, idle)}`;
    const committed = manifestsOf(readStageTree(project, stage), `${DIST_DIR}/${stage}`).find((m) => m.id === deployment)?.value as
      | PodOwner
      | undefined;
    const running = committed?.metadata?.labels?.[VERSION_LABEL];
    const planned = imageVersion(colors[idle]);
    if (running !== intended) {
      problems.push({
        code: 'switch/version',
        // where the color's image is given: promote writes the release there
        location: loaded.locate(['apps', app, ...path, idle]),
        message: committed
          ? `${deployment} in ${DIST_DIR}/${stage} runs version ${running}, not ${bareArgument(intended)}`
          : `${DIST_DIR}/${stage} has no ${deployment} for the ${idle} color`,
        hint:
          // the stage file gives the color the release already: only dist/ is behind
          version === undefined || planned === intended
            ? `${deploy} first (npm run synth -- --stage ${stage})`
            : `promote the release to the ${idle} color first (npm run promote -- ${promotionDeclaration(loaded).from ?? '<previous stage>'} ${stage}), or name the version it runs` +
              ` (the stage file gives it ${colors[idle]}, version ${planned})`,
      });
    }
    // the version label alone does not tell one image from another (demoapp:1, registry.example.com/demoapp:1):
    // the pods that get the traffic must run the images the stage file gives the color (--force or not)
    // (a release named with --release that the stage file does not give the color is said below instead)
    const produced = manifestsOf(compiled.tree.get(stage) ?? new Map()).find((m) => m.id === deployment)?.value as PodOwner | undefined;
    const named = version === undefined || planned === intended;
    if (committed && produced && running === intended && named && imagesOf(committed) !== imagesOf(produced)) {
      problems.push({
        code: 'switch/image',
        location: loaded.locate(['apps', app, ...path, idle]),
        message: `${deployment} in ${DIST_DIR}/${stage} runs ${imagesOf(committed)}, but the stage file gives the ${idle} color ${imagesOf(produced)}: the switch would send traffic to pods that do not run what the stage file says`,
        hint: `${deploy} (npm run synth -- --stage ${stage}), then switch; or give the ${idle} color back the image dist/ runs`,
      });
    }
    // a color scaled to zero (replicas: 0, which both colors take) has no pod to take the traffic, in
    // dist/ or in what the switch writes: the Service and the edge would send every request to none
    // (--force or not; with an autoscaler a Deployment has no spec.replicas, and its minimum is 1 or more)
    const scaledToZero = [committed, produced].some((d) => d?.spec?.replicas === 0);
    if (scaledToZero) {
      problems.push({
        code: 'switch/no-pods',
        location: loaded.locate(['apps', app, 'replicas']),
        message: `${deployment} ${committed?.spec?.replicas === 0 ? `in ${DIST_DIR}/${stage}` : 'as the stage file makes it'} runs no pods (replicas: 0): the switch would send ${app}'s traffic to a color with no pod to serve it`,
        hint: `give apps.${app}.replicas the pods to run (both colors take it), ${deploy}, wait until kubectl rollout status deployment/${colorName(app, idle)} -n ${loaded.context.namespace} says it is rolled out, then switch`,
      });
    }
    // the switch synthesizes the stage file's image for that color, not dist/'s: with --force the two
    // may differ, and traffic must not go to a release other than the one named (when dist/ does not run
    // the release either, the problem above says so, with what the stage file gives the color)
    if (!named && running === intended) {
      problems.push({
        code: 'switch/version',
        location: loaded.locate(['apps', app, ...path, idle]),
        message: `apps.${app}.${[...path, idle].join('.')} is ${colors[idle]} (version ${planned}), not ${bareArgument(intended)}, and the switch would send traffic to it`,
        hint: `${deploy} (npm run synth -- --stage ${stage}) before switching to ${colors[idle]}, or give the ${idle} color back the image you meant to switch to`,
      });
    }
    if (problems.length) throw new ProblemsError(problems, ExitCode.checkFailed);
    crashPoint('edit-planned');

    const livePath = ['apps', app, ...path, 'live'];
    const { text, applied } = editValues(read, [{ path: livePath, value: idle }], loaded.source);
    const report = rewriteStage(project, stage, { from: read, text });
    // stagecraft records nothing of what was applied: a promotion never applied goes out with the switch, its pods
    // replaced as they get the traffic, unless the user checks the cluster first
    const rollout = kubectlTarget(
      { kind: 'Deployment', metadata: { name: colorName(app, idle), namespace: loaded.context.namespace } },
      '/',
    );
    const edge = edgeSwitchLine(stage, (loaded.file as { edge?: EdgeSettings }).edge, app, idle, colorName(app, idle));
    io.stdout.write(
      applied.map((e) => `${formatEdit(e)}\n`).join('') +
        `${stage}: ${app} now sends traffic to ${idle} (${colors[idle]}); ${colors.live} (${colors[colors.live]}) keeps running: switch again to roll back\n` +
        `${stage}: ${act} this only once ${idle} runs ${colors[idle]} in the cluster, which stagecraft cannot see: kubectl diff -k ${DIST_DIR}/${stage} shows only the Service's selector, and kubectl rollout status ${rollout} says it rolled out (${acted} together with ${idle}'s release, the switch sends traffic to pods being replaced)\n` +
        (edge === undefined ? '' : `${edge}\n`) +
        report.map((l) => `${l}\n`).join(''),
    );
    // as synth warns: the stage was compared with none of the stages whose file changed since their output was written
    printProblems(io, acrossStagesWarnings(compiled, [stage]));
    return ExitCode.ok;
  },
};

if (isEntry(import.meta.url)) runAsProcess(command);
