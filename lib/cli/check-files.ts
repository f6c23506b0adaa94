/**
 * `npm run check -- <paths>`: the checks of lib/checks/ on the Kubernetes manifests at the paths, each
 * directory of a stage one cluster, reported as text, JSON or SARIF.
 */
import { kustomizeBuildHint } from '../model/list-documents.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode, ProblemsError } from '../errors.js';
import { checkObjects, type UsedException } from '../checks/index.js';
import { parseManifests } from '../checks/manifests.js';
import { SECRET_ALLOW_ANNOTATION } from '../checks/secret-exceptions.js';
import { POLICY_EXCEPTION_PREFIX } from '../policy.js';
import { POD_SECURITY_LEVELS, type PodSecurityLevel } from '../checks/pod-security.js';
import {
  REPORT_FORMATS,
  jsonFailure,
  jsonReport,
  locateFindings,
  sarifFailure,
  sarifReport,
  textReportPieces,
  type ReportFormat,
} from '../checks/report.js';
import type { KubeObject } from '../model/object.js';
import { STAGE_MARKER, groupByScope, stageOwnObjects } from '../checks/scopes.js';
import { existingNamespaces, existingObjects } from '../synth/inventory.js';
import { EXISTING_OBJECT_FORM, parseExistingObject } from '../model/existing-objects.js';
import { shownArgument } from '../model/shown-arguments.js';
import { printProblem, progress, useColor, type Io } from './main.js';
import { COMPILER_VERSION } from './project.js';
import { readInputFile } from './read-file.js';
import { badOption, type CheckOptions, type CommandLine } from './check-command-line.js';
import { STDIN, notYamlNamed, readCrds, readStdin, stageFileGiven, stageOfFile, yamlFiles } from './check-inputs.js';

/** Checks the manifests at `paths` (named from the project directory) with `opts`, reported in its --format; on bad input, a document of that format saying so too. */
export function checkManifests(paths: readonly string[], opts: CheckOptions, io: Io, commandLine: CommandLine): ExitCode {
  const format = (opts.format ?? 'text') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) badOption('format', format, REPORT_FORMATS);
  try {
    return checkFiles(paths, format, opts, io, commandLine);
  } catch (e) {
    // bad input (exit 2): stdout still gets a document in the format asked for, saying the run failed
    // (`check ... --format sarif > results.sarif` must not leave an empty file); stderr gets the text
    if (e instanceof ProblemsError && format !== 'text') {
      io.stdout.write(format === 'json' ? jsonFailure(e.problems) : sarifFailure(e.problems, COMPILER_VERSION));
    }
    throw e;
  }
}

/** The checks of the files at `paths`, by scope, and their report on stdout. */
function checkFiles(paths: readonly string[], format: ReportFormat, opts: CheckOptions, io: Io, commandLine: CommandLine): ExitCode {
  const level = (opts['pod-security'] ?? 'baseline') as PodSecurityLevel;
  if (!POD_SECURITY_LEVELS.includes(level)) badOption('pod-security', level, POD_SECURITY_LEVELS);
  // a value of another form would declare nothing, silently
  const malformed = (opts['object-exists'] ?? []).find((v) => parseExistingObject(v) === undefined);
  if (malformed !== undefined)
    throw new ProblemsError([
      {
        code: 'cli/option',
        message: `--object-exists takes ${EXISTING_OBJECT_FORM} (found ${shownArgument(malformed)})`,
        hint: 'write --object-exists ClusterSecretStore/vault, say; npm run check -- --help lists the options',
      },
    ]);
  const files = yamlFiles(io.cwd, paths, commandLine);
  // a stage file is no manifest: told what checks it, rather than that its first document lacks an apiVersion
  const stageFiles = files.flatMap((f) => {
    const stage = stageOfFile(io.cwd, f);
    return stage === undefined ? [] : [stageFileGiven(f, stage)];
  });
  if (stageFiles.length) throw new ProblemsError(stageFiles);
  const line = progress(io);
  const manifests = line.during(() =>
    notYamlNamed(() =>
      parseManifests(
        files.map((file, i) => {
          line.update(`check: reading ${file} (${i + 1}/${files.length})`);
          return { file, text: file === STDIN ? readStdin(io) : readInputFile(resolve(io.cwd, file), file).text };
        }),
      ),
    ),
  );
  const crds = readCrds(io.cwd, opts.crds);
  if (manifests.objects.length === 0) {
    throw new ProblemsError([
      {
        code: 'input/no-objects',
        message: `found no Kubernetes objects in ${files.length} YAML file${files.length === 1 ? '' : 's'} (${paths.join(', ')})`,
        hint: kustomizeBuildHint(files) ?? 'point npm run check at Kubernetes manifests: YAML documents with apiVersion, kind and metadata',
      },
    ]);
  }
  // each stage directory is one cluster; the objects of one scope are checked together
  const isStageDir = (dir: string) => existsSync(resolve(io.cwd, dir, STAGE_MARKER));
  const scopes = groupByScope(files, { isStageDir, perDir: opts['scope-per-dir'] ?? false });
  const scopeOfFile = new Map([...scopes].flatMap(([scope, fs]) => fs.map((f) => [f, scope] as const)));
  const byScope = new Map<string, KubeObject[]>();
  for (const o of manifests.objects) {
    const scope = scopeOfFile.get(manifests.fileOf(o) ?? '') ?? '';
    const list = byScope.get(scope);
    if (list) list.push(o);
    else byScope.set(scope, [o]);
  }
  // a stage directory's inventory may name namespaces that exist where it is applied (dist/delivery/: the engine's;
  // a stage's: its checks.existingNamespaces), and stores and issuers (checks.existingObjects)
  const inventory = (scope: string) =>
    isStageDir(scope) ? readInputFile(resolve(io.cwd, scope, STAGE_MARKER), join(scope, STAGE_MARKER)).text : '';
  const results = line.during(() => {
    line.update(`check: checking ${manifests.objects.length} objects`);
    return [...byScope].map(([scope, objects]) => {
      const text = inventory(scope);
      return checkObjects(objects, {
        podSecurity: level,
        existingNamespaces: [...(opts['namespace-exists'] ?? []), ...existingNamespaces(text)],
        existingObjects: [...(opts['object-exists'] ?? []), ...existingObjects(text)],
        crds,
        unknownCustomKinds: opts['require-crds'] ? 'error' : 'warning',
        ownObjects: isStageDir(scope) ? stageOwnObjects(objects, (o) => manifests.fileOf(o)) : undefined,
        sort: false, // the report orders them by place
      });
    });
  });
  const findings = results.flatMap((r) => r.findings);
  // the exceptions the objects declare and used are listed, never applied silently
  const exceptions = results.flatMap((r) => r.exceptions);
  const located = locateFindings(
    findings,
    (f) => manifests.locate(f),
    (f) => manifests.related(f),
  );
  const n = manifests.objects.length;
  if (format === 'text') {
    // the report is on stdout: coloured by the rule problems on stderr follow, for the stream it is on
    const color = useColor(io, io.stdout);
    for (const piece of textReportPieces(located, n, (p) => printProblem(p, color), exceptions)) io.stdout.write(piece);
  } else if (format === 'json') io.stdout.write(jsonReport(located, n, exceptions));
  else {
    // a suppression is placed at the annotation that declares it
    const annotation = (e: UsedException) => (e.control === 'secrets' ? SECRET_ALLOW_ANNOTATION : `${POLICY_EXCEPTION_PREFIX}${e.control}`);
    const at = (e: UsedException) =>
      manifests.locate({
        code: e.code,
        severity: 'error',
        object: e.object,
        path: ['metadata', 'annotations', annotation(e)],
        message: '',
      });
    io.stdout.write(
      sarifReport(
        located,
        COMPILER_VERSION,
        exceptions.map((e) => ({ exception: e, location: at(e) })),
      ),
    );
  }
  return findings.some((f) => f.severity === 'error') ? ExitCode.checkFailed : ExitCode.ok;
}
