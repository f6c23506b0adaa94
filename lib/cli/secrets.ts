/**
 * `npm run secrets -- <stage>`: prints the Secrets a stage declares, with their values from
 * `.secrets/<stage>.env` (git-ignored) or the environment, as a manifest ready for
 * `kubectl apply -f -`. Writes nothing: the values never touch `dist/` or a committed file.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ExitCode, ProblemsError } from '../errors.js';
import { parseEnvFile, secretManifests, secretsFile } from '../secrets.js';
import { toYamlStream } from '../synth/serialize.js';
import type { KubeObject } from '../model/object.js';
import { exitCodesHelp, commonOptionsHelp, takeArguments, type Command } from './main.js';
import { isEntry, runAsProcess } from './process.js';
import { DIST_DIR, ENVIRONMENTS_DIR, openProject, requireStages, stageLoader } from './project.js';
import { readInputFile } from './read-file.js';

const usage = `Usage: npm run secrets -- <stage>

Prints the Secrets that environments/<stage>.yaml declares (by name and keys) as a manifest, with
each key's value from the variable <SECRET>_<KEY> (e.g. MYSQLSECRET_PASSWORD), taken from the
environment or else from .secrets/<stage>.env (git-ignored; lines NAME=value). Apply it with:

  npm run --silent secrets -- <stage> | kubectl apply -f -

Prints nothing and exits 1 when the stage's Secrets come from a secret store (secretStore:, whose
ExternalSecrets make them) or when the standard output is a terminal (the values are printed only
into a pipe or a file), and 2 when a declared key has no value.

Options:
${commonOptionsHelp(17)}

${exitCodesHelp('refused: a secret store makes the Secrets, or stdout is a terminal', 'printed', 'a stage file, the command line, a declared key without a value')}`;

export const command: Command<Record<string, never>> = {
  name: 'secrets',
  usage,
  options: {},
  writes: false,
  run(_values, positionals, io) {
    const root = io.cwd;
    const project = openProject(root, { log: (l) => io.stderr.write(`${l}\n`) });
    takeArguments('secrets', ['<stage>'], positionals, {
      example: 'npm run --silent secrets -- qa | kubectl apply -f -',
      also: `the stages are: ${project.stages.join(', ') || 'none'}`,
      isStage: (word) => project.stages.includes(word),
    });
    const [stage] = positionals;
    requireStages(project, [stage]);
    const stagePath = join(root, ENVIRONMENTS_DIR, `${stage}.yaml`);
    const loaded = stageLoader().load(readInputFile(stagePath, relative(root, stagePath)).text, relative(root, stagePath));
    const declarations = loaded.secrets.filter((d) => !d.external);
    if (declarations.length === 0) {
      io.stderr.write(`${stage}: the stage declares no Secret\n`);
      return ExitCode.ok;
    }
    const store = loaded.file.secretStore;
    if (store) {
      // printing them as well would make two owners of one Secret: the operator would overwrite it
      throw new ProblemsError(
        [
          {
            code: 'secrets/from-store',
            location: loaded.locate([], 'secretStore'),
            message: `stage ${stage} gets its Secrets (${[...new Set(declarations.map((d) => d.name))].sort().join(', ')}) from the ${store.kind ?? 'ClusterSecretStore'} '${store.name}' through the ExternalSecrets in ${DIST_DIR}/${stage}/, so there is nothing to print`,
            hint: `put the values in the store under the keys the ExternalSecrets name (kubectl kustomize ${DIST_DIR}/${stage} | grep -A3 remoteRef), or remove secretStore: from the stage file to use npm run secrets`,
          },
        ],
        ExitCode.checkFailed,
      );
    }

    const file = secretsFile(stage);
    const fromFile = existsSync(join(root, file))
      ? parseEnvFile(readInputFile(join(root, file), file, undefined, 'a file of NAME=value lines').text, file)
      : undefined;
    if (fromFile?.problems.length) throw new ProblemsError(fromFile.problems);
    const values = new Map(fromFile?.values);
    // the environment wins over the file (when set and not empty), so CI can inject values without
    // writing one; a variable left in the shell would also win over a value just rotated in the file: said
    for (const [k, v] of Object.entries(io.env)) {
      if (!v) continue;
      if (fromFile?.values.has(k) && fromFile.values.get(k) !== v)
        io.stderr.write(`${stage}: ${k} is set in the environment and in ${file} with another value: the environment's is used\n`);
      values.set(k, v);
    }

    const { objects, problems } = secretManifests({ stage, namespace: loaded.context.namespace, declarations, values, file: fromFile });
    if (problems.length) throw new ProblemsError(problems);
    // on a terminal the values would stay in its scrollback, on a shared screen or in a recording of the session
    if (io.stdout.isTTY) {
      throw new ProblemsError(
        [
          {
            code: 'secrets/terminal',
            message: `the standard output is a terminal, and the Secrets of stage ${stage} hold their values: they are printed only into a pipe or a file`,
            hint: `pipe them to kubectl: npm run --silent secrets -- ${stage} | kubectl apply -f - (or to a pager, | less, to read them)`,
          },
        ],
        ExitCode.checkFailed,
      );
    }
    io.stdout.write(toYamlStream(objects as unknown as KubeObject[], `Secrets of stage ${stage}: apply with kubectl, never commit.`));
    return ExitCode.ok;
  },
};

if (isEntry(import.meta.url)) runAsProcess(command);
