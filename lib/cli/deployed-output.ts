/**
 * A removed stage's output as it was deployed (its stage file gone, its `dist/<stage>/` left until a
 * synthesis of every stage removes it): what its edge machines may run is what was committed, which
 * is what is applied and copied to them (README, "The edge"), not a file synthesized and never
 * committed. Read from the project's git HEAD with git itself (`git cat-file`), so that packed and
 * loose objects are read alike; only for a removed stage's few files, so a synthesis without one never
 * starts git.
 */
import { DIST_DIR, MAX_GENERATED_BYTES } from '../synth/disk.js';
import { INVENTORY_FILE } from '../synth/inventory.js';
import { GIT_TIMEOUT_MS, projectGit, type GitAnswer } from './delivery-git.js';

/** A removed stage's output as deployed (`deployedOutput`): its reader of `dist/<stage>/`'s files, or undefined when git cannot say. */
export type DeployedOutput = (
  stage: string,
  inDist: (file: string) => string | undefined,
) => ((file: string) => string | undefined) | undefined;

/**
 * For the project in `root`, a removed stage's output as its last commit has it (`git cat-file blob
 * HEAD:./dist/<stage>/<file>`): a file never committed reads as none, and a stage none of whose output
 * was committed as one with no output (no edge machine was given its files). Undefined for a stage
 * when git cannot say: git is not installed, git refuses the repository (one of another user), or its
 * HEAD has no `dist/` folder of the project (`root` in no work tree, a project copied without its history,
 * one copied into a folder of another repository, a repository with no commit yet, `dist/` never committed
 * or a submodule), or git ignores the stage's output: its output is then read as it is in dist/ (`inDist`, the
 * files of `dist/<stage>/`), as if deployed. So is a file git does not answer for within `timeout` ms (a hung git,
 * stopped), and every file after it: git is not started again for the project. Each git command runs once: what it
 * said is kept, so that the compilation's warnings and the removal line (lib/cli/removed-stage.ts) given one
 * `deployedOutput` read a stage's files with one git process each.
 */
export function deployedOutput(root: string, timeout = GIT_TIMEOUT_MS): DeployedOutput {
  let tree: boolean | undefined;
  const said = new Map<string, GitAnswer | undefined>();
  const run = (args: readonly string[]) => {
    const key = args.join('\0');
    if (said.has(key)) return said.get(key);
    const r = tree === false ? undefined : projectGit(root, args, { timeout, maxBuffer: MAX_GENERATED_BYTES + 1024 });
    if (r === undefined) tree = false;
    said.set(key, r);
    return r;
  };
  return (stage, inDist) => {
    // the project's dist/ as a folder of the last commit: else that commit says nothing of what was deployed
    tree ??= run(['cat-file', '-t', `HEAD:./${DIST_DIR}`])?.stdout.trim() === 'tree';
    if (!tree) return undefined;
    const dir = `${DIST_DIR}/${stage}`;
    // exit 0: ignored; 1: not ignored; anything else: git could not tell
    if (run(['check-ignore', '-q', '--', `${dir}/${INVENTORY_FILE}`])?.status !== 1) return undefined;
    return (file) => {
      const r = run(['cat-file', 'blob', `HEAD:./${dir}/${file}`]);
      return r === undefined ? inDist(file) : r.status === 0 ? r.stdout : undefined;
    };
  };
}
