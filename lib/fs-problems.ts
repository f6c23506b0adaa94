/**
 * File-system failures as problems: the path, what went wrong in words, and what to do. Every
 * command turns the errors of reading and writing files into these, never into a stack trace.
 */
import { lstatSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { ExitCode, MAX_SHELL_WORD, ProblemsError, shellWord, type Problem } from './errors.js';
import { shorten } from './model/limits.js';

/**
 * What an error code means for the user, and what to do about it (a hint may give a command on the
 * path, as it is shown whole: `command`, which says it in words where no command can hold it).
 */
interface FsError {
  readonly what: string;
  readonly hint: string | ((path: string) => string);
}

/** `run` with `path` as a shell word (`shellWord`), or `words` where no command can hold the path as printed. */
const command = (path: string, run: (word: string) => string, words: string) => {
  const word = shellWord(path);
  return word === undefined ? words : run(word);
};

/** What each error code means for the user, and what to do about it. */
const FS_ERRORS: Readonly<Record<string, FsError>> = {
  ENOENT: {
    what: 'does not exist (or is a symbolic link to nothing)',
    hint: 'check the path; a symbolic link must point at an existing file',
  },
  // said of whatever file was expected there: a stage file, a state file of .stagecraft/, a takeover's guard
  EISDIR: {
    what: 'is a directory, not a file',
    hint: (path) =>
      command(
        path,
        (p) => `move or rename the directory, or remove it (rm -r ${p}), then run the command again`,
        'move, rename or remove the directory, then run the command again',
      ),
  },
  ENOTDIR: { what: 'has a part that is a file, not a directory', hint: 'check the path' },
  ELOOP: { what: 'is a loop of symbolic links', hint: 'make the link point at a real file' },
  ENAMETOOLONG: {
    what: 'is a name too long for the file system',
    hint: 'use shorter names (a node or app name becomes a file or directory name)',
  },
  EXDEV: {
    what: 'cannot be moved into place across file systems',
    hint: 'keep the output directory on the same file system as its parent directory (not a mount point of its own)',
  },
  EACCES: { what: 'is not accessible (permission denied)', hint: 'check the permissions of the file and the directories above it' },
  EPERM: {
    what: 'is not accessible (operation not permitted)',
    hint: 'check the permissions and attributes of the file and the directories above it',
  },
  // no inode left says ENOSPC too, where df -h shows room (tmpfs counts each hard link as one)
  ENOSPC: {
    what: 'cannot be written: the disk is full (no space or no inodes left on its file system)',
    hint: 'free some space on that file system (df -h shows it, df -i the inodes) and run again',
  },
  EDQUOT: {
    what: 'cannot be written: the disk quota is exceeded',
    hint: 'free some of your space on that file system (quota -s shows it) and run again',
  },
  EROFS: { what: 'is on a read-only file system', hint: 'run where the project can be written' },
  EMFILE: { what: 'cannot be opened: too many open files', hint: 'raise the limit of open files (ulimit -n) and run again' },
  EBUSY: { what: 'is busy', hint: 'close what holds it and run again' },
  ENOTEMPTY: { what: 'is a directory that is not empty', hint: 'remove it and run again' },
  EEXIST: { what: 'already exists', hint: 'remove it and run again' },
  // stagecraft's own code (`openRegularFile`), whose error says what it found (`what`)
  EFTYPE: {
    what: 'is not a regular file',
    hint: (path) => `${command(path, (p) => `remove it (rm ${p})`, 'remove it')}; stagecraft keeps only regular files there`,
  },
  EFBIG: { what: 'is larger than stagecraft ever writes it', hint: 'remove it; stagecraft writes it again' },
};

/** What a code means when writing, where that differs from reading. */
const FS_WRITE_ERRORS: Readonly<Record<string, FsError>> = {
  ENOENT: {
    what: 'cannot be written: the directory it goes in does not exist',
    hint: 'create that directory (for stage files: environments/, holding one <stage>.yaml per stage), then run the command again',
  },
  EFBIG: {
    what: 'cannot be written: it would be larger than the file size limit (ulimit -f) or the file system allows',
    hint: 'raise the file size limit (ulimit -f) and run again',
  },
};

/**
 * The errno code of `e` when it is an error of the file system (`EISDIR`), else undefined. Node.js's
 * rm says `ERR_FS_EISDIR` of a directory it was not asked to remove recursively (a directory where
 * a state file or a staging file goes), with the errno code in its `info`.
 */
export function errnoCode(e: unknown): string | undefined {
  const code = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
  if (code === 'ERR_FS_EISDIR') return 'EISDIR';
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** Whether `e` is an error of the file system (a Node.js error with an errno code). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return errnoCode(e) !== undefined;
}

/**
 * The problem for a file-system error `e` while `doing` ("reading", "writing") `path`, shown to users
 * as `show` writes a path (as it is, by default; an absolute path from the project directory).
 */
export function fsProblem(
  e: NodeJS.ErrnoException & { code: string },
  path: string,
  doing: string,
  show: (path: string) => string = (p) => p,
): Problem {
  const code = errnoCode(e) ?? e.code;
  const table = doing === 'writing' && Object.hasOwn(FS_WRITE_ERRORS, code) ? FS_WRITE_ERRORS : FS_ERRORS;
  const known = Object.hasOwn(table, code) ? table[code] : undefined;
  const where = shorten(show(path), MAX_SHELL_WORD);
  // a directory made where a file stands: mkdir(2) says EEXIST for the last part of the path, ENOTDIR for another
  const file = code === 'ENOTDIR' || (code === 'EEXIST' && e.syscall === 'mkdir') ? fileOnTheWay(path) : undefined;
  if (file !== undefined) {
    const shown = shorten(show(file), MAX_SHELL_WORD);
    return {
      code: `fs/${code.toLowerCase()}`,
      message: `${doing} ${where}: ${shown} is a file, where a directory must be`,
      hint: `move or rename the file ${shown}, then run the command again`,
    };
  }
  // an error stagecraft made itself may say what it found (`fileKind`)
  const what = (e as { what?: unknown }).what;
  const hint = known?.hint ?? 'check the path and its permissions';
  return {
    code: `fs/${code.toLowerCase()}`,
    message: `${doing} ${where}: it ${typeof what === 'string' ? what : (known?.what ?? `failed (${code})`)}`,
    // the path whole, not `where`: a command on a shortened or escaped path names none that is there
    hint: typeof hint === 'string' ? hint : hint(show(path)),
  };
}

/** What the file `st` describes is, in words, when it is not a regular file (`a FIFO (named pipe)`). */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  return st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device';
}

/** The first part of `path` that is there and is not a directory (the cause of ENOTDIR, or of a mkdir's EEXIST), or undefined. */
export function fileOnTheWay(path: string): string | undefined {
  const parts: string[] = [];
  for (let p = path; p !== dirname(p) && p !== '.'; p = dirname(p)) parts.unshift(p);
  for (const p of parts) {
    try {
      if (!lstatSync(p).isDirectory()) return p;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Runs `run`; a file-system error becomes a ProblemsError (exit 2) naming `path`. */
export function withFs<T>(path: string, doing: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isFsError(e)) throw new ProblemsError([fsProblem(e, path, doing)], ExitCode.badInput);
    throw e;
  }
}
