/**
 * `npm run check`: without paths, compiles every stage in memory and fails when `dist/` (or the
 * stage-file schema) is not exactly what the sources produce. With paths, runs the checks of
 * lib/checks/ on the YAML manifests there (written by hand or by other tools).
 */
import { counted } from '../model/limits.js';
import { didYouMean } from '../model/did-you-mean.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ExitCode, ProblemsError, shellWord, type Problem } from '../errors.js';
import { isCrd } from '../checks/crds.js';
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
import { KUBERNETES_VERSION } from '../k8s.js';
import { exitCodesHelp, commonOptionsHelp, givenPath, printProblem, progress, useColor, type Command, type Io } from './main.js';
import { isEntry, runAsProcess } from './process.js';
import {
  COMPILER_VERSION,
  DIST_DIR,
  SCHEMA_FILE,
  compile,
  flushRenderCache,
  openProject,
  stagePath,
  projectCrds,
  schemaOnDisk,
  schemaText,
} from './project.js';
import { comparingStages } from './output.js';
import { readFingerprint, startFingerprint, unchangedSinceRecorded } from './fingerprint.js';
import { compilerDigests, projectDigests } from './digests.js';
import { heldRecords } from './reuse.js';
import { currentLine, reportCurrent } from './fast.js';
import { YAML_FILE, readInputFile } from './read-file.js';
import { withFs } from '../fs-problems.js';
import type { KubeObject } from '../model/object.js';
import { STAGE_MARKER, groupByScope } from '../checks/scopes.js';
import { existingNamespaces, existingObjects } from '../synth/inventory.js';
import { EXISTING_OBJECT_FORM, parseExistingObject } from '../model/existing-objects.js';

const usage = `Usage: npm run check [-- [options] <file or directory>...]

Without paths: compiles every stage in memory, without writing, runs the checks on every stage,
and compares the result with the committed dist/ and environments/stage.schema.json. Exit 0 when
they are current, 1 listing the files that differ (or the checks' errors), 2 when a stage file
has a problem.

With paths: checks the Kubernetes manifests in those YAML files (directories are searched for
*.yaml and *.yml) against the Kubernetes ${KUBERNETES_VERSION} schema, the API server's rules, references between
the objects and the safety policy; every finding at file:line:col, the file named from the
project directory. A relative path is read from the directory you run npm in. Exit 0 with no
errors (warnings allowed), 1 with errors, 2 when the input is not Kubernetes YAML.

Options:
  --format <text|json|sarif>   how to report findings (with paths) (default: text)
  --pod-security <level>       baseline or restricted (with paths) (default: baseline)
  --namespace-exists <name>    a namespace the cluster already has (repeatable)
  --object-exists <kind/name>  a store or issuer the cluster already has, made outside the files:
                               ClusterSecretStore/<name>, ClusterIssuer/<name>,
                               SecretStore/<namespace>/<name>, Issuer/<namespace>/<name> (repeatable)
  --crds <file or dir>         CustomResourceDefinitions to validate custom resources with
                               (repeatable; each must hold one) (default: crds/ when there is one)
  --scope-per-dir              check each directory of plain files as its own cluster (a
                               directory with a stage's inventory.txt always is one)
  --no-cache                   (without paths) compile every stage and render every app again
                               (no .stagecraft/cache/render/, no answer from the last synth's digests)
${commonOptionsHelp(31)}

${exitCodesHelp('dist/ is out of date, or (with paths) the checks found errors', 'dist/ is current, or (with paths) no errors (warnings allowed)')}`;

interface Options {
  format?: string;
  'pod-security'?: string;
  'namespace-exists'?: string[];
  'object-exists'?: string[];
  crds?: string[];
  'scope-per-dir'?: boolean;
  'no-cache'?: boolean;
}

/** @throws ProblemsError (bad input): `--<name> <value>` is none of `allowed`, with the one probably meant and what to write */
function badOption(name: string, value: string, allowed: readonly string[]): never {
  const guess = didYouMean(value, allowed, { prefix: true });
  throw new ProblemsError([
    {
      code: 'cli/option',
      message: `--${name} must be one of ${allowed.join(', ')} (found '${value}')${guess ? `; did you mean '${guess}'?` : ''}`,
      hint: `write --${name} ${guess ?? allowed[0]}; npm run check -- --help lists the options`,
    },
  ]);
}

/** The YAML files at `path` (a file itself, or those below a directory, searched recursively in name order). */
function yamlFilesAt(cwd: string, path: string): string[] {
  const files: string[] = [];
  // files are named relative to the project directory (givenPath in lib/cli/main.ts), and read from there
  const walk = (p: string, top: boolean) => {
    const st = withFs(p, 'reading', () => statSync(resolve(cwd, p)));
    if (st.isDirectory()) {
      for (const e of withFs(p, 'reading', () => readdirSync(resolve(cwd, p))).sort())
        if (!e.startsWith('.') && e !== 'node_modules') walk(join(p, e), false);
    } else if (top || YAML_FILE.test(p)) files.push(p);
  };
  walk(path, true);
  return files;
}

/**
 * @throws ProblemsError naming every one of `paths` that does not exist, with `hint`, or the hint that
 * the path reads otherwise
 */
function requireExisting(cwd: string, paths: readonly string[], given: string, hint: string | ((path: string) => string)): void {
  const missing = paths.filter((p) => !existsSync(resolve(cwd, p)));
  if (missing.length) {
    throw new ProblemsError(
      missing.map((p) => ({
        code: 'cli/no-such-path',
        message: `there is no file or directory '${p}'${given}`,
        hint: typeof hint === 'string' ? hint : hint(p),
      })),
    );
  }
}

/**
 * The hint for a path to check that does not exist: a stage's name where its output was meant
 * (`npm run check -- qa`: dist/qa), an option after a second `--` (read as a path), or a report format
 * (`npm run check --format=json -- dist/qa`: npm took --format before `--` and passed `json` on), with
 * the command line that gives them as options (`commandLine`), else to name what exists.
 */
function missingPathHint(cwd: string, path: string, commandLine: CommandLine): string {
  const where = 'a relative path is read from the directory you run npm in';
  if (/^[a-z0-9][a-z0-9-]*$/.test(path) && existsSync(join(cwd, DIST_DIR, path)))
    return `${path} is a stage: npm run check -- ${DIST_DIR}/${path} checks its output, npm run check (without paths) every stage against its stage file; ${where}`;
  const line = commandLine.options.length ? commandLine.text() : undefined;
  const option = commandLine.optionOfValue.get(path);
  if (option !== undefined)
    return `${path} is the value of ${option}, which follows a second '--' and is read as a path with it: ${line ? `write ${line}` : "give options after the first '--' and before the paths"} (npm run check -- --help lists them)`;
  if (path.startsWith('-'))
    return `what follows a second '--' is read as paths, so ${path} is not taken as an option: ${line ? `write ${line}` : "give options after the first '--' and before the paths"} (npm run check -- --help lists them)`;
  if (line && (REPORT_FORMATS as readonly string[]).includes(path))
    return `${path} is a report format: --format given before '--' is npm's, which passes its value on as a path; give it after '--': ${line}`;
  return `name files or directories that exist; ${where}`;
}

/**
 * The command line of check as it was meant, for a hint: its options first (those parsed, then any given
 * after a second `--` and a report format npm passed on), then its paths (`npm run check -- --format=json dist/qa`).
 */
interface CommandLine {
  readonly options: readonly string[];
  /** The words after a second `--` that are the value of an option there (`json` of `--format json`), and the option. */
  readonly optionOfValue: ReadonlyMap<string, string>;
  /** The line, quoted as a shell reads it back, or undefined when a word cannot be (a control character). */
  text(): string | undefined;
}

/** The options of check that take a value. */
const VALUE_OPTIONS = ['format', 'pod-security', 'namespace-exists', 'object-exists', 'crds'];

function commandLineOf(values: Options, positionals: readonly string[], exists: (path: string) => boolean): CommandLine {
  const given = Object.entries(values).flatMap(([name, v]) =>
    v === true ? [`--${name}`] : Array.isArray(v) ? v.map((x) => `--${name}=${x}`) : typeof v === 'string' ? [`--${name}=${v}`] : [],
  );
  const moved: string[] = [];
  const optionOfValue = new Map<string, string>();
  const paths: string[] = [];
  let format = values.format !== undefined;
  let valueless = false;
  for (let i = 0; i < positionals.length; i++) {
    const p = positionals[i];
    if (exists(p)) paths.push(p);
    else if (p.startsWith('-')) {
      // an option of one value given apart (--format json) takes the next word with it
      const name = p.replace(/^--?/, '');
      const next = positionals[i + 1];
      const takesNext = VALUE_OPTIONS.includes(name) && next !== undefined && !next.startsWith('-') && !exists(next);
      format ||= name.split('=')[0] === 'format';
      if (takesNext) optionOfValue.set(next, p);
      // one with no value of its own there would take the next word of the line as it (--format dist/qa): no line
      else if (VALUE_OPTIONS.includes(name)) valueless = true;
      moved.push(takesNext ? `${p}=${positionals[++i]}` : p);
    } else if (!format && (REPORT_FORMATS as readonly string[]).includes(p)) {
      format = true;
      moved.push(`--format=${p}`);
    } else paths.push(p);
  }
  const options = [...given, ...moved];
  return {
    options: moved,
    optionOfValue,
    text() {
      const words = [...options.map((o) => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(o) ? o : undefined)), ...paths.map(shellWord)];
      return !valueless && words.every((w) => w !== undefined) ? `npm run check -- ${words.join(' ')}` : undefined;
    },
  };
}

/** The YAML files at `paths`, directories searched recursively in name order. */
function yamlFiles(cwd: string, paths: readonly string[], commandLine: CommandLine): string[] {
  requireExisting(cwd, paths, '', (p) => missingPathHint(cwd, p, commandLine));
  const files = paths.flatMap((p) => yamlFilesAt(cwd, p));
  if (files.length === 0) {
    throw new ProblemsError([
      {
        code: 'input/no-yaml',
        message: `found no YAML files (*.yaml, *.yml) in ${paths.join(', ')}`,
        hint: 'point npm run check at Kubernetes manifests',
      },
    ]);
  }
  return files;
}

/**
 * The stage whose stage file `file` is, as `npm run check -- <paths>` was given it (relative to `cwd`,
 * the project directory npm runs in, or absolute), or undefined: only `environments/<stage>.yaml`
 * is one, as the project reads them (not `environments/x.yml`).
 */
function stageOfFile(cwd: string, file: string): string | undefined {
  const stage = basename(file, '.yaml');
  return resolve(cwd, file) === stagePath({ root: cwd }, stage) ? stage : undefined;
}

/** `environments/dev.yaml` (the stage file of `stage`) given to check as a manifest: what checks a stage file, and its output. */
function stageFileGiven(file: string, stage: string): Problem {
  return {
    code: 'input/not-kubernetes',
    location: { file, line: 1, column: 1 },
    message: 'this is a stage file, not Kubernetes manifests: npm run check -- <paths> checks manifests',
    hint: `npm run check (without paths) checks every stage file and whether dist/ is what they make; npm run diff -- ${stage} shows what this one would change in dist/${stage}/, and npm run check -- dist/${stage} checks that output`,
  };
}

/** What --crds takes, for the hints of its problems. */
const CRDS_HINT =
  "without one no custom resource is validated: give --crds a file or folder of CustomResourceDefinitions (kind: CustomResourceDefinition), such as an operator's crds.yaml; a relative path is read from the directory you run npm in";

/**
 * The CustomResourceDefinitions custom resources are validated with. Each path of `--crds` must
 * hold at least one: a mistyped path, or a file of other objects, would otherwise validate no
 * custom resource, without a word. Without `--crds`, those of the project's crds/ folder when it
 * has one, none when it holds none (as synth reads it, lib/cli/project.ts).
 * @throws ProblemsError (bad input) naming each --crds path that does not exist or holds no CRD
 */
function readCrds(cwd: string, given: readonly string[] | undefined): readonly KubeObject[] {
  const read = (files: readonly string[]) =>
    files.length ? parseManifests(files.map((file) => ({ file, text: readInputFile(resolve(cwd, file), file).text }))).objects : [];
  if (given === undefined) return projectCrds(cwd);
  requireExisting(cwd, given, ' (given to --crds)', CRDS_HINT);
  const problems: Problem[] = [];
  const crds = given.flatMap((path) => {
    const files = yamlFilesAt(cwd, path);
    const objects = read(files);
    const found = objects.filter(isCrd);
    if (found.length === 0) {
      const kinds = [...new Set(objects.map((o) => String(o.kind)))].sort();
      const shown = kinds.length > 3 ? `${kinds.slice(0, 3).join(', ')} and ${kinds.length - 3} more` : kinds.join(', ');
      problems.push({
        code: 'input/no-crds',
        message: `--crds ${path} holds no CustomResourceDefinition (found ${
          files.length === 0
            ? 'no *.yaml or *.yml file'
            : objects.length === 0
              ? `no Kubernetes object in ${files.length} YAML file${files.length === 1 ? '' : 's'}`
              : `${objects.length} object${objects.length === 1 ? '' : 's'} of other kinds: ${shown}`
        })`,
        hint: CRDS_HINT,
      });
    }
    return found;
  });
  if (problems.length) throw new ProblemsError(problems);
  return crds;
}

function checkManifests(paths: readonly string[], opts: Options, io: Io, commandLine: CommandLine): ExitCode {
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

/**
 * Problems of a file that read as YAML, only otherwise than kubectl or the API server would take it (a duplicate key,
 * a key that is no string, aliases or nesting past the bounds, a merge key): a manifest's, whatever its name.
 */
const READ_AS_YAML = new Set(['yaml/duplicate-key', 'yaml/non-string-key', 'yaml/alias', 'yaml/merge', 'yaml/too-deep']);

/** Whether `p` says its file is no YAML at all: the parser's syntax errors, or a NUL byte (a binary file). */
function notYaml(p: Problem): boolean {
  return p.code === 'input/nul' || (p.code.startsWith('yaml/') && !READ_AS_YAML.has(p.code));
}

/**
 * `parse`, whose problems in a file given by a name other than *.yaml or *.yml (`npm run check --
 * README.md`) that is no YAML at all are its first syntax error alone, saying that it is not named as a
 * manifest is: the YAML parser's own words (`Implicit keys need to be on a single line`, 3,282 times) were
 * all a user got about a Markdown file. A file of that name that is YAML (`helm template > out.txt`,
 * `cm.json`) keeps every problem as it is, a YAML 1.1 value or a duplicate key with its own hint.
 */
function notYamlNamed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    const noYaml = new Map<string, Problem>();
    for (const p of e.problems) {
      const file = p.location?.file;
      if (file !== undefined && !YAML_FILE.test(file) && notYaml(p) && !noYaml.has(file)) noYaml.set(file, p);
    }
    if (noYaml.size === 0) throw e;
    // its first syntax error alone: the others of a file that is no YAML (thousands in a long README) say nothing more
    const problems = e.problems.flatMap((p) => {
      const file = p.location?.file;
      if (file === undefined || !noYaml.has(file)) return [p];
      return noYaml.get(file) === p
        ? [{ ...p, hint: `${file} is not named *.yaml or *.yml, and is not YAML: name the Kubernetes manifests to check` }]
        : [];
    });
    throw new ProblemsError(problems, e.exitCode);
  }
}

function checkFiles(paths: readonly string[], format: ReportFormat, opts: Options, io: Io, commandLine: CommandLine): ExitCode {
  const level = (opts['pod-security'] ?? 'baseline') as PodSecurityLevel;
  if (!POD_SECURITY_LEVELS.includes(level)) badOption('pod-security', level, POD_SECURITY_LEVELS);
  // a value of another form would declare nothing, silently
  const malformed = (opts['object-exists'] ?? []).find((v) => parseExistingObject(v) === undefined);
  if (malformed !== undefined)
    throw new ProblemsError([
      {
        code: 'cli/option',
        message: `--object-exists takes ${EXISTING_OBJECT_FORM} (found '${malformed}')`,
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
          return { file, text: readInputFile(resolve(io.cwd, file), file).text };
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
        hint: 'point npm run check at Kubernetes manifests: YAML documents with apiVersion, kind and metadata',
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
        sort: false, // the report orders them by place
      });
    });
  });
  const findings = results.flatMap((r) => r.findings);
  // the exceptions the objects declare and used are listed, never applied silently
  const exceptions = results.flatMap((r) => r.exceptions);
  const located = locateFindings(findings, (f) => manifests.locate(f));
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

function checkDist(io: Io, noCache: boolean | undefined): ExitCode {
  const root = io.cwd;
  const project = openProject(root, { log: (l) => io.stderr.write(`${l}\n`) });
  // nothing changed since the last full synth (or check): its digests say so without compiling
  const unchanged = noCache ? undefined : unchangedSinceRecorded(root, DIST_DIR);
  if (unchanged) return reportCurrent(unchanged, io);
  // what the last full synthesis recorded of each stage, of which the new fingerprint keeps what still holds
  const replaced = readFingerprint(root);
  const inputs = { project: projectDigests(root), compiler: compilerDigests() };
  const fingerprint = startFingerprint(root, inputs);
  const line = progress(io);
  const comparison = comparingStages(project);
  const compiled = line.during(() =>
    compile(project, project.stages, {
      onStage: (s, i, n) => line.update(`check: compiling ${s} (${i + 1}/${n})`),
      // only the files are compared: each stage's objects go as soon as it is compiled, its files once compared
      objects: false,
      noCache,
      keep: comparison.keep,
    }),
  );
  const { tree } = compiled;
  const schemaStale = schemaOnDisk(root) !== schemaText();
  const lines = [...comparison.staleFiles(compiled), ...(schemaStale ? [`changed: ${SCHEMA_FILE}`] : [])];
  if (lines.length) {
    io.stderr.write(`${lines.join('\n')}\n${counted(lines.length, 'file')} out of date; run: npm run synth\n`);
    return ExitCode.checkFailed;
  }
  flushRenderCache();
  const { digests } = comparison;
  fingerprint.record({
    distDir: DIST_DIR,
    tree,
    digests,
    schema: { file: SCHEMA_FILE, text: schemaText() },
    stages: project.stages.length,
    ...heldRecords(replaced, inputs, project.stages),
  });
  io.stdout.write(
    currentLine(
      project.stages.length,
      [...tree.values()].reduce((n, f) => n + f.size, digests.size),
    ),
  );
  return ExitCode.ok;
}

export const command: Command<Options> = {
  name: 'check',
  usage,
  writes: false,
  pathArguments: true,
  options: {
    format: { type: 'string' },
    'pod-security': { type: 'string' },
    'namespace-exists': { type: 'string', multiple: true },
    'object-exists': { type: 'string', multiple: true },
    crds: { type: 'string', multiple: true },
    'scope-per-dir': { type: 'boolean' },
    'no-cache': { type: 'boolean' },
  },
  run({ 'no-cache': noCache, ...values }, positionals, io) {
    if (!positionals.length) {
      // each option but --no-cache is about checking files: without them it would be ignored, silently
      const given = Object.keys(values).filter((k) => values[k as keyof typeof values] !== undefined);
      if (given.length)
        throw new ProblemsError([
          {
            code: 'cli/option',
            message: `${given.map((k) => `--${k}`).join(', ')} ${given.length > 1 ? 'apply' : 'applies'} to checking files, and no file or directory is given: npm run check without paths compares dist/ with the stage files and reports in text`,
            hint: 'name the files or directories to check after the options (npm run check -- --format json dist/qa), or leave the options out',
          },
        ]);
      return checkDist(io, noCache);
    }
    // checking files compiles nothing and reads no cache: the option would be ignored, silently
    if (noCache)
      throw new ProblemsError([
        {
          code: 'cli/option',
          message: `--no-cache applies to npm run check without paths (it compiles every stage afresh), and checking files compiles nothing and reads no cache`,
          hint: 'leave --no-cache out to check these files, or the paths out to compare dist/ with the stage files without the render cache',
        },
      ]);
    // paths as the user gave them, from where they ran npm, named from the project directory
    const given = (path: string) => givenPath(io, 'check', path);
    const commandLine = commandLineOf(values, positionals, (p) => existsSync(resolve(io.cwd, given(p))));
    return checkManifests(positionals.map(given), { ...values, crds: values.crds?.map(given) }, io, commandLine);
  },
};

if (isEntry(import.meta.url)) runAsProcess(command);
