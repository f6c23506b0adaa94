/**
 * `npm run check`: without paths, compiles every stage in memory and fails when `dist/` (or the
 * stage-file schema) is not exactly what the sources produce (./check-dist.ts). With paths, runs the
 * checks of lib/checks/ on the YAML manifests there, written by hand or by other tools
 * (./check-files.ts, reading them with ./check-inputs.ts); its command line is read in ./check-command-line.ts.
 */
import { ProblemsError } from '../errors.js';
import { KUBERNETES_VERSION } from '../k8s.js';
import { callerDir, exitCodesHelp, commonOptionsHelp, givenPath, type Command } from './main.js';
import { isEntry, runAsProcess } from './process.js';
import { CHOICES, type CheckOptions, commandLineOf, noCacheWithPaths, optionsWithoutPaths } from './check-command-line.js';
import { checkDist } from './check-dist.js';
import { checkManifests } from './check-files.js';
import { STDIN, missingInputs } from './check-inputs.js';

const usage = `Usage: npm run check [-- --no-cache]
       npm run check -- [options] <file or directory>...

Without paths: compiles every stage in memory, without writing, runs the checks on every stage,
and compares the result with the committed dist/ and environments/stage.schema.json. Exit 0 when
they are current, 1 listing the files that differ (or the checks' errors), 2 when a stage file
has a problem, or there is none (nor a stage's output in dist/).

With paths: checks the Kubernetes manifests in those YAML files (directories are searched for
*.yaml and *.yml) against the Kubernetes ${KUBERNETES_VERSION} schema, the API server's rules, references between
the objects and the safety policy; every finding at file:line:col, the file named from the
project directory. A relative path is read from the directory you run npm in; - reads the
manifests from standard input (kubectl kustomize overlays/qa | npm run check -- -), named <stdin>
in findings. Exit 0 with no errors (warnings allowed), 1 with errors, 2 when the input is not
Kubernetes YAML.

Options (after '--': given before it, an option is npm's, and check refuses it, or runs without it
where it cannot tell; --no-cache leaves no variable but npm's log, read on Linux, and npm's warning
'invalid config cache=false': write npm run check -- --no-cache):
  --format <text|json|sarif>   how to report findings (with paths) (default: text)
  --pod-security <level>       baseline or restricted (with paths) (default: baseline)
  --namespace-exists <name>    a namespace the cluster already has (repeatable)
  --object-exists <kind/name>  a store or issuer the cluster already has, made outside the files:
                               ClusterSecretStore/<name>, ClusterIssuer/<name>,
                               SecretStore/<namespace>/<name>, Issuer/<namespace>/<name> (repeatable)
  --crds <file or dir>         CustomResourceDefinitions to validate custom resources with
                               (repeatable; each must hold one) (default: crds/ when there is one)
  --require-crds               a custom resource whose CRD is not known is an error, as synth and
                               the strict check of dist/ make it (default: a warning, for a cluster
                               that has the CRD installed)
  --scope-per-dir              check each directory of plain files as its own cluster (a
                               directory with a stage's inventory.txt always is one)
  --no-cache                   (without paths) compile every stage and render every app again
                               (no .stagecraft/cache/render/, no answer from the last synth's digests)
${commonOptionsHelp(31)}

${exitCodesHelp('dist/ is out of date, or (with paths) the checks found errors', 'dist/ is current, or (with paths) no errors (warnings allowed)')}`;

export const command: Command<CheckOptions> = {
  name: 'check',
  usage,
  writes: false,
  pathArguments: true,
  choices: { format: CHOICES.format.values, 'pod-security': CHOICES['pod-security'].values },
  options: {
    format: { type: 'string' },
    'pod-security': { type: 'string' },
    'namespace-exists': { type: 'string', multiple: true },
    'object-exists': { type: 'string', multiple: true },
    crds: { type: 'string', multiple: true },
    'require-crds': { type: 'boolean' },
    'scope-per-dir': { type: 'boolean' },
    'no-cache': { type: 'boolean' },
  },
  run({ 'no-cache': noCache, ...values }, positionals, io) {
    if (!positionals.length) {
      // each option but --no-cache is about checking files: without them it would be ignored, silently
      const given = Object.keys(values).filter((k) => values[k as keyof typeof values] !== undefined);
      if (given.length) throw new ProblemsError([optionsWithoutPaths(given)]);
      return checkDist(io, noCache);
    }
    // paths as the user gave them, from where they ran npm, named from the project directory
    const given = (path: string) => givenPath(io, 'check', path);
    const commandLine = commandLineOf(values, positionals, { root: io.cwd, from: callerDir(io, 'check'), given });
    // '-' is standard input (kubectl kustomize overlays/qa | npm run check -- -), read once; ./- is a file named so
    if (positionals.filter((p) => p === '-').length > 1)
      throw new ProblemsError([
        {
          code: 'cli/usage',
          message: "'-' (standard input) is given more than once, and it is read once",
          hint: "give '-' once; a file named - is ./-",
        },
      ]);
    const paths = positionals.map((p) => (p === '-' ? STDIN : given(p)));
    // checking files compiles nothing and reads no cache: the option would be ignored, silently; a path that is
    // not there is said with it, or the line the hint gives would be refused in turn
    if (noCache) throw new ProblemsError([noCacheWithPaths(commandLine), ...missingInputs(io.cwd, paths, commandLine)]);
    return checkManifests(paths, { ...values, crds: values.crds?.map(given) }, io, commandLine);
  },
};

if (isEntry(import.meta.url)) runAsProcess(command);
