/**
 * What check reads from the paths it is given: the YAML files at them, the CustomResourceDefinitions of
 * --crds, and a file that is no YAML at all said as such; a stage file given as manifests told what checks it.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ProblemsError, STDIN_FILE, type Problem } from '../errors.js';
import { isCrd } from '../checks/crds.js';
import { parseManifests } from '../checks/manifests.js';
import { withFs } from '../fs-problems.js';
import type { KubeObject } from '../model/object.js';
import { missingPathHint, type CommandLine } from './check-command-line.js';
import { projectCrds, stagePath } from './project.js';
import { YAML_FILE, decodeUtf8, readInputFile } from './read-file.js';
import { MAX_FILE_BYTES } from '../model/limits.js';
import type { Io } from './print.js';
import { shownArgument } from '../model/shown-arguments.js';

/** How findings name the manifests read from standard input: `<stdin>:12:5`. */
export const STDIN = STDIN_FILE;

/**
 * What `stdin` holds, at most MAX_FILE_BYTES + 1 bytes; a read the system refuses (a directory given with `<`) said as
 * standard input's, not as a file's to remove or rename (it has no name).
 * @throws ProblemsError (bad input) when it cannot be read
 */
function readOrRefuse(stdin: NonNullable<Io['stdin']>): Uint8Array {
  try {
    return stdin.read(MAX_FILE_BYTES + 1);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw e;
    throw new ProblemsError([
      {
        code: 'input/not-a-file',
        message: `'-' reads the manifests from standard input, which cannot be read: ${code === 'EISDIR' ? 'it is a directory' : code}`,
        hint: `${code === 'EISDIR' ? 'name the directory as a path (npm run check -- dist/qa) rather than giving it with <, ' : ''}pipe the manifests in (kubectl kustomize overlays/qa | npm run check -- -), or name the files or directories to check`,
      },
    ]);
  }
}

/**
 * The text piped into check (`-`), read whole once and bounded as a file is (MAX_FILE_BYTES, UTF-8).
 * @throws ProblemsError (bad input) when standard input is a terminal (nothing piped in: reading would
 * wait for typing), there is none or it is empty, when it is larger than a file may be, or is not UTF-8
 */
export function readStdin(io: Io): string {
  if (io.stdin === undefined || io.stdin.isTTY)
    throw new ProblemsError([
      {
        code: 'cli/usage',
        message: `'-' reads the manifests from standard input, and ${io.stdin ? 'it is a terminal: nothing is piped in' : 'there is none'}`,
        hint: 'pipe them in (kubectl kustomize overlays/qa | npm run check -- -), or name the files or directories to check',
      },
    ]);
  const bytes = readOrRefuse(io.stdin);
  // what a failing command before | leaves (without set -o pipefail): beside files, it would pass unseen
  if (bytes.length === 0 && io.stdin.piped === false)
    throw new ProblemsError([
      {
        code: 'cli/usage',
        message: `'-' reads the manifests from standard input, which is no pipe but /dev/null, an empty file, or closed at the start (<&-): it holds nothing`,
        hint: 'pipe the manifests in (kubectl kustomize overlays/qa | npm run check -- -), or name the files or directories to check',
      },
    ]);
  if (bytes.length === 0)
    throw new ProblemsError([
      {
        code: 'cli/usage',
        message: `'-' reads the manifests from standard input, and it is empty: the command before | wrote nothing (did it fail?)`,
        hint: 'pipe the manifests in (kubectl kustomize overlays/qa | npm run check -- -; set -o pipefail in a script, so that the failure of the first fails the job), or name the files or directories to check',
      },
    ]);
  if (bytes.length > MAX_FILE_BYTES)
    throw new ProblemsError([
      {
        code: 'input/too-large',
        message: `${STDIN} is more than ${MAX_FILE_BYTES / 1024 / 1024} MiB; input files may be at most ${MAX_FILE_BYTES / 1024 / 1024} MiB`,
        hint: 'write it to files of at most 8 MiB each and name them (kubectl kustomize overlays/qa > qa.yaml), or check the directories it is made from',
      },
    ]);
  return decodeUtf8(bytes, STDIN, true);
}

/** The YAML files at `path` (a file itself, or those below a directory, searched recursively in name order), but those of `seen`. */
function yamlFilesAt(cwd: string, path: string, seen = new Set<string>()): string[] {
  const files: string[] = [];
  // files are named relative to the project directory (givenPath in lib/cli/main.ts), and read from there
  const walk = (p: string, top: boolean) => {
    const st = withFs(p, 'reading', () => statSync(resolve(cwd, p), { bigint: true }));
    // a file or directory is known by its device and inode, which its every name shares: a path given twice, a link
    // (symbolic or hard), a bind mount; a directory reached again through a link (loop -> .) is not searched again
    // a file system that numbers no inode (0) is told by the real path
    const id = st.ino === 0n ? withFs(p, 'reading', () => realpathSync.native(resolve(cwd, p))) : `${st.dev}:${st.ino}`;
    if (seen.has(id)) return;
    if (st.isDirectory()) {
      seen.add(id);
      for (const e of withFs(p, 'reading', () => readdirSync(resolve(cwd, p))).sort())
        if (!e.startsWith('.') && e !== 'node_modules') walk(join(p, e), false);
    } else if (top || YAML_FILE.test(p)) {
      // only a file read: one a search passed by (not YAML) is still read when it is named
      seen.add(id);
      files.push(p);
    }
  };
  walk(path, true);
  return files;
}

/**
 * @throws ProblemsError naming every one of `paths` that does not exist, with `hint`, or the hint that
 * the path reads otherwise
 */
function requireExisting(cwd: string, paths: readonly string[], given: string, hint: string | ((path: string) => string)): void {
  const missing = missingPaths(cwd, paths, given, hint);
  if (missing.length) throw new ProblemsError(missing);
}

/** A problem for each of `paths` that does not exist, with `hint`, or the hint that the path reads otherwise. */
function missingPaths(cwd: string, paths: readonly string[], given: string, hint: string | ((path: string) => string)): Problem[] {
  return paths
    .filter((p) => !existsSync(resolve(cwd, p)))
    .map((p) => ({
      code: 'cli/no-such-path',
      message: `there is no file or directory ${shownArgument(p, Infinity)}${given}`,
      hint: typeof hint === 'string' ? hint : hint(p),
    }));
}

/** A problem for each of the paths to check that does not exist, with what the word may have meant (`missingPathHint`). */
export function missingInputs(cwd: string, paths: readonly string[], commandLine: CommandLine): Problem[] {
  const given = paths.filter((p) => p !== STDIN);
  return missingPaths(cwd, given, '', (p) => missingPathHint(cwd, p, commandLine));
}

/**
 * The YAML files at `paths`, directories searched recursively in name order, each file once: one
 * reached again (a path given twice, a directory and a file in it, a symbolic or hard link to it, a
 * bind mount) would define each of its objects twice, an error of the check's own making. Named as
 * first reached; each directory searched once.
 */
export function yamlFiles(cwd: string, paths: readonly string[], commandLine: CommandLine): string[] {
  const missing = missingInputs(cwd, paths, commandLine);
  if (missing.length) throw new ProblemsError(missing);
  // '-' given twice is refused before (lib/cli/check.ts)
  const seen = new Set<string>();
  const files = paths.flatMap((p) => (p === STDIN ? [p] : yamlFilesAt(cwd, p, seen)));
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
export function stageOfFile(cwd: string, file: string): string | undefined {
  const stage = basename(file, '.yaml');
  return resolve(cwd, file) === stagePath({ root: cwd }, stage) ? stage : undefined;
}

/** `environments/dev.yaml` (the stage file of `stage`) given to check as a manifest: what checks a stage file, and its output. */
export function stageFileGiven(file: string, stage: string): Problem {
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
export function readCrds(cwd: string, given: readonly string[] | undefined): readonly KubeObject[] {
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
export function notYamlNamed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    const noYaml = new Map<string, Problem>();
    for (const p of e.problems) {
      const file = p.location?.file;
      // (standard input has no name to say it is YAML by: its syntax errors keep their own hints)
      if (file !== undefined && file !== STDIN && !YAML_FILE.test(file) && notYaml(p) && !noYaml.has(file)) noYaml.set(file, p);
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
