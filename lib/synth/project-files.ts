/**
 * Step 1 of a write transaction (lib/synth/write.ts) for the project files it replaces (stage files
 * that promote and switch edit, the schema): each new text is written beside its file as
 * `.<name>.stagecraft-tmp`, to be renamed onto it (for a stage file behind a symbolic link, onto the
 * file it leads to; the schema, onto the link itself).
 */
import { chmodSync, chownSync, lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Problem } from '../errors.js';
import { withFs } from '../fs-problems.js';
import { tmpPath } from './disk.js';
import { isMountPoint, type MountTable } from './mount-point.js';
import { writeNew } from '../model/flushed-file.cjs';
import { digestOf, type Rename } from './journal.js';

/** The renames that put the new texts of a transaction's project files in place, planned before anything is written. */
export interface ProjectFilesPlan {
  /** Per project file: its path from the root, its new text's (`tmpPath`) and the file that text is renamed onto (`writtenThrough`). */
  readonly renames: readonly (Rename & { readonly path: string })[];
  /** What stops them: a link to another file system, a source with other hard links, a file mounted over one, a directory where a file goes. */
  readonly problems: readonly Problem[];
  /** Generated files (the schema) that are symbolic links, which their renames replace, and where each led (for a warning). */
  readonly replacedLinks: readonly { readonly path: string; readonly target: string }[];
}

/**
 * Plans the renames of the project files `files` (paths from `root`), of which `generated` are
 * stagecraft's own (the schema), writing nothing; `table` is the mount table (`readMountTable`), read once per transaction. A directory
 * this user cannot write (a read-only `environments/`) is not looked at here: the transaction checks
 * the directories of all its renames at once (`unmovable`), before it writes any new text.
 */
export function planProjectFiles(
  root: string,
  files: Iterable<string>,
  table: MountTable,
  generated: ReadonlySet<string> = new Set(),
): ProjectFilesPlan {
  const destinations = [...files].map((path) => writtenThrough(root, path, generated.has(path)));
  const renames = destinations.map(({ path, to }) => ({ path, from: tmpPath(path), to }));
  // a directory where a project file or its new text goes would stop the renames half done, after
  // the journal (which the next command would then complete): refused before anything is written
  const inTheWay = renames.flatMap(({ path, from, to }) =>
    [from, to]
      .filter((p) => lstatSync(join(root, p), { throwIfNoEntry: false })?.isDirectory())
      .map(
        (p): Problem => ({
          code: 'synth/foreign-file',
          message: `${p} is a directory, where stagecraft writes ${path} as a file`,
          hint: `move or rename the directory ${p}, then run the command again`,
        }),
      ),
  );
  // a generated file (the schema) is replaced as dist/'s files are, other hard links or not: there
  // is no hand edit of it to make, and refusing it would stop every synthesis after an upgrade
  const links = destinations.flatMap((d) => [...d.problems, ...(generated.has(d.path) ? [] : otherLinks(root, d.path, d.to))]);
  // a file mounted over one (rename(2) refuses a mount point, EBUSY) would stop the renames half done, as a directory would
  const mounted = destinations
    .filter((d) => mountedOver(join(root, d.to), table))
    .map(
      ({ to }): Problem => ({
        code: 'synth/mount-point',
        message: `${to} is a mount point (a file mounted over it from elsewhere); stagecraft replaces a file by renaming its new text onto it, which a mount point refuses`,
        hint: `make the change in the file mounted there by hand, or mount the directory ${dirname(to)}/ rather than the file, then run the command again`,
      }),
    );
  const replacedLinks = destinations.flatMap(({ path, replacedLink }) =>
    replacedLink === undefined ? [] : [{ path, target: replacedLink }],
  );
  return { renames, problems: [...links, ...mounted, ...inTheWay], replacedLinks };
}

/**
 * Whether a file is mounted over `path` (`docker run -v ./qa.yaml:/work/environments/qa.yaml`), as
 * the mount table `table` says (lib/synth/mount-point.ts): a directory there is refused as one.
 */
function mountedOver(path: string, table: MountTable): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isFile() === true && isMountPoint(path, table);
}

/**
 * Writes the new text of each project file of `files` (path from `root` -> text) beside it, as
 * `plan` says (its problems none), and returns the renames that put them in place, the files they
 * change (for the message after a recovery) and what each file replaced holds now (for a recovery
 * to tell an edit made since).
 */
export function stageProjectFiles(
  root: string,
  files: ReadonlyMap<string, string>,
  plan: ProjectFilesPlan,
): { renames: Rename[]; targets: string[]; replaces: Record<string, string | null> } {
  const abs = (p: string) => join(root, p);
  /** What each project file replaced holds now (its digest, or null when absent), for a recovery to tell an edit made since. */
  const replaces: Record<string, string | null> = {};
  for (const { path, from, to } of plan.renames) {
    replaces[to] = digestOf(abs(to));
    // a file-system error here is one of writing (main would take the failed open for a read)
    withFs(path, 'writing', () => {
      // on the disk before the journal that renames it onto the team's source (a crash of the machine leaves no empty stage file)
      writeNew(abs(from), files.get(path)!, { flush: true });
      // the new text takes the old file's place with its owner, group and permissions (a stage
      // file kept 0600, or 0664 for a team's group), not those a new file gets from this user and the umask
      const old = statSync(abs(to), { throwIfNoEntry: false });
      if (old) {
        keepOwner(abs(from), old);
        // after the chown, which clears the set-user-ID and set-group-ID bits
        chmodSync(abs(from), old.mode & 0o7777);
      }
    });
  }
  return { renames: plan.renames.map(({ from, to }) => ({ from, to })), targets: plan.renames.map((r) => r.path), replaces };
}

/**
 * The refusal of a write onto `to` (the project file `path`, a source: a stage file, or the file its
 * symbolic link leads to) when that file has other hard links (`ln environments/qa.yaml ../other/qa.yaml`): the rename
 * that puts its new text in place gives the name a new file, so the other names would keep the old
 * text without a word. Writing through the file instead would lose the all-old-or-all-new promise
 * (a crash halfway leaves a file cut short), so the user chooses: edit by hand, or give the name a
 * file of its own.
 */
function otherLinks(root: string, path: string, to: string): Problem[] {
  const st = statSync(join(root, to), { throwIfNoEntry: false });
  // a directory's links are its subdirectories' '..' (a directory there is refused as one)
  const links = st?.isFile() ? st.nlink : 1;
  if (links < 2) return [];
  const own = `${to}.own`;
  return [
    {
      code: 'synth/linked-file',
      message:
        `${to === path ? path : `${path} (which leads to ${to})`} has ${links - 1} other hard link${links > 2 ? 's' : ''}; stagecraft replaces a file ` +
        'by renaming its new text onto it, which would leave the other names with the old text',
      hint: `make the change in ${to} by hand (every name sees it), or give ${path} a file of its own (cp -p ${to} ${own} && mv ${own} ${to}), then run the command again`,
    },
  ];
}

/**
 * Gives the file at `path` the owner and group of `old`, as far as this user may: root gives both
 * (a `sudo npm run switch` leaves the file its user's), others only a group they are in, and a
 * file they may not give away keeps theirs (EPERM is no failure: the write goes on; nor is EINVAL,
 * an owner that a container's user namespace does not map).
 */
function keepOwner(path: string, old: Stats): void {
  for (const [uid, gid] of [
    [old.uid, old.gid],
    [-1, old.gid],
  ]) {
    try {
      chownSync(path, uid, gid);
      return;
    } catch (e) {
      if (!['EPERM', 'EINVAL'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  }
}

/**
 * Where the new text of the project file `path` goes: the file itself, or, when it is a symbolic
 * link (a stage file kept in a shared folder), the file the link leads to, by its path from the
 * root (`../shared/qa.yaml`), so that the link stays and what it points at is edited, as an editor
 * does. The new text is still written beside the link (where a rollback looks for it) and renamed
 * onto the file, which rename(2) can do only on the same file system: a file elsewhere is refused
 * before anything is written. A link that leads nowhere is replaced, as a missing file is written.
 *
 * A `generated` file (the schema) is never written through a link: a stage file is read as one
 * before its edit, but the schema is written whatever the file holds, so a cloned repository's
 * `environments/stage.schema.json -> ../.git/config` (or `-> ~/.bashrc`) would have it written over
 * that file. Its new text replaces the link itself, as dist/'s files do (`replacedLink`: where it led).
 */
function writtenThrough(
  root: string,
  path: string,
  generated: boolean,
): { path: string; to: string; problems: Problem[]; replacedLink?: string } {
  const full = join(root, path);
  if (!lstatSync(full, { throwIfNoEntry: false })?.isSymbolicLink()) return { path, to: path, problems: [] };
  if (generated) return { path, to: path, problems: [], replacedLink: readlinkSync(full) };
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    return { path, to: path, problems: [] };
  }
  if (statSync(dirname(real)).dev === lstatSync(dirname(full)).dev) return { path, to: relative(root, real), problems: [] };
  return {
    path,
    to: path,
    problems: [
      {
        code: 'synth/linked-file',
        message: `${path} is a symbolic link to ${real}, on another file system than ${dirname(path)}/; stagecraft edits the file a link leads to by renaming its new text onto it, which cannot cross file systems`,
        hint: `make the change in ${real} by hand, or replace the link with a copy of the file (cp --remove-destination ${real} ${path}), then run the command again`,
      },
    ],
  };
}
