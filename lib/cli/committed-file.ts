/**
 * A file of the project as git last recorded it: a removed stage's stage file (gone from the working tree), which says the
 * cluster its output was applied to (its nodes' addresses, `delivery.cluster`), so that a node port one of its Services still
 * holds there is warned of at a stage that now declares it (lib/edge/removed-node-ports.ts). Read only for a removed stage, so
 * that a synthesis without one never starts git.
 */
import { isAbsolute } from 'node:path';
import { MAX_FILE_BYTES } from '../model/limits.js';
import { GIT_TIMEOUT_MS, projectGit } from './delivery-git.js';

/**
 * For the project in `root`, the reader of a file by its path in the project (`environments/lab.yaml`, as an inventory's
 * `source:` names it): as the last commit has it (`git cat-file blob HEAD:./<path>`), else, once a commit deleted it (the
 * removal committed before the synthesis that removes the stage's output), as the commit before that one had it. Undefined when
 * git cannot say (not installed, no repository, a git that has not answered within `timeout` ms: not started again), no commit
 * has the file, or the path leaves the project. Each path is asked once.
 */
export function committedFile(root: string, timeout = GIT_TIMEOUT_MS): (path: string) => string | undefined {
  let silent = false;
  const git = (args: readonly string[]) => {
    const r = silent ? undefined : projectGit(root, args, { timeout, maxBuffer: MAX_FILE_BYTES + 1024 });
    if (r === undefined) silent = true;
    return r?.status === 0 ? r.stdout : undefined;
  };
  const said = new Map<string, string | undefined>();
  const read = (path: string) => {
    const here = git(['cat-file', 'blob', `HEAD:./${path}`]);
    if (here !== undefined) return here;
    // the last commit that changed it is the one that deleted it: the file as the commit before it had it
    const deleting = git(['rev-list', '-1', 'HEAD', '--', path])?.trim();
    return deleting ? git(['cat-file', 'blob', `${deleting}^:./${path}`]) : undefined;
  };
  return (path) => {
    if (isAbsolute(path) || path.split(/[\\/]/).includes('..')) return undefined;
    if (!said.has(path)) said.set(path, read(path));
    return said.get(path);
  };
}
