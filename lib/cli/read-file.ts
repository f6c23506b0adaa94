/**
 * Reading an input file (a stage file, a manifest) safely: only a regular file, at most
 * MAX_FILE_BYTES of it, valid UTF-8. Anything else is a located message (exit 2), read before
 * nothing else: /dev/zero, a FIFO or a 6 GB file cost no more than their first bytes.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, readdirSync, realpathSync, statSync, constants } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ExitCode, ProblemsError, type Problem } from '../errors.js';
import { MAX_FILE_BYTES } from '../model/limits.js';
import { fileKind, withFs } from '../fs-problems.js';
import { DIST_DIR, MAX_GENERATED_BYTES, readRegularFile } from '../synth/disk.js';
import type { OutputReader } from '../live-edits.js';

export interface ReadFile {
  readonly text: string;
  /** Bytes read from the file (never more than the limit + 1). */
  readonly bytesRead: number;
}

const refuse = (problem: Problem): never => {
  throw new ProblemsError([problem], ExitCode.badInput);
};

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;

/**
 * The text of the file at `path` (named `shown` in messages).
 * @throws ProblemsError when it is not a regular file, is larger than `maxBytes`, or is not UTF-8
 */
export function readInputFile(path: string, shown = path, maxBytes = MAX_FILE_BYTES, expected = 'a YAML file'): ReadFile {
  const notRegular = (what: string): never =>
    refuse({
      code: 'input/not-a-file',
      message: `${shown} is ${what}, not a regular file`,
      hint: `name ${expected}; devices, FIFOs and sockets are never read`,
    });
  const st = withFs(shown, 'reading', () => statSync(path));
  if (!st.isFile()) notRegular(fileKind(st));
  const tooLarge = (size: string): never =>
    refuse({
      code: 'input/too-large',
      message: `${shown} is ${size}; input files may be at most ${MiB(maxBytes)}`,
      hint: 'split it into several files',
    });
  if (st.size > maxBytes) tooLarge(MiB(st.size));
  // O_NONBLOCK: a file swapped for a FIFO after the stat does not hang the open
  const fd = withFs(shown, 'reading', () => openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
  let bytes: Buffer;
  try {
    if (!fstatSync(fd).isFile()) notRegular('not a regular file any more');
    const buffer = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buffer.length; n += got) {
      got = withFs(shown, 'reading', () => readSync(fd, buffer, n, buffer.length - n, null));
    }
    if (n > maxBytes) tooLarge(`more than ${MiB(maxBytes)}`);
    bytes = buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
  return { text: decodeUtf8(bytes, shown), bytesRead: bytes.length };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The UTF-8 byte-order mark, which reading drops (`decodeUtf8`) and a command that rewrites a file puts back. */
export const BYTE_ORDER_MARK = '\ufeff';

/** Whether the file at `path` starts with a UTF-8 byte-order mark (false when it cannot be read). */
export function startsWithByteOrderMark(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const head = Buffer.alloc(3);
    return readSync(fd, head, 0, 3, 0) === 3 && head.equals(Buffer.from([0xef, 0xbb, 0xbf]));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * `bytes` as text; invalid UTF-8 is refused at its line and column (never turned into U+FFFD). `piped`:
 * the bytes came through a pipe (`check -`), whose writer, not a file's encoding, is to be changed.
 */
export function decodeUtf8(bytes: Uint8Array, shown: string, piped = false): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    // (lastIndexOf counts a negative start from the end: a first byte invalid would take the last line's start)
    const lineStart = offset === 0 ? 0 : bytes.lastIndexOf(0x0a, offset - 1) + 1;
    const line = 1 + bytes.subarray(0, lineStart).reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);
    const column = 1 + new TextDecoder().decode(bytes.subarray(lineStart, offset)).length;
    const byte = `byte 0x${bytes[offset].toString(16).padStart(2, '0')} at byte offset ${offset}`;
    return refuse({
      code: 'input/utf8',
      location: { file: shown, line, column },
      message: piped ? `standard input is not valid UTF-8 (${byte})` : `the file is not valid UTF-8 (${byte})`,
      hint: piped
        ? pipedHint(bytes)
        : utf16(bytes)
          ? 'the file starts with a UTF-16 byte-order mark: save it as UTF-8 text'
          : 'save the file as UTF-8 text',
    });
  }
}

/** What to do when the text piped in is not UTF-8: its writer, the command before |, is what to change. */
const pipedHint = (bytes: Uint8Array): string =>
  utf16(bytes)
    ? "the command before | wrote UTF-16 (it starts with UTF-16's byte-order mark, as PowerShell's > and Out-File write): convert it on the way (... | iconv -f UTF-16 -t UTF-8 | npm run check -- -), or name the files to check"
    : 'the command before | wrote text in another encoding, or bytes that are not text: convert it on the way (... | iconv -f LATIN1 -t UTF-8 | npm run check -- -, naming the encoding it writes), or name the files to check';

/** Whether `bytes` start with a UTF-16 byte-order mark (little- or big-endian), as editors on Windows save "Unicode" text. */
const utf16 = (bytes: Uint8Array): boolean => (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      // overlong forms, surrogates and code points past U+10FFFF
      if (k === 1 && ((c === 0xe0 && d < 0xa0) || (c === 0xed && d > 0x9f) || (c === 0xf0 && d < 0x90) || (c === 0xf4 && d > 0x8f)))
        return i;
    }
    i += need + 1;
  }
  return b.length;
}

/** Files a folder of manifests contributes: what `kubectl apply -f` reads. */
const MANIFEST_FILE = /\.(ya?ml|json)$/;
/** YAML files: those of `crds/` and of `npm run check`'s folders. */
export const YAML_FILE = /\.ya?ml$/;

/**
 * A file of the project, or the files below a folder whose names match `files` (manifests), by
 * path relative to the root (with `/`): for stacks that include existing manifests, and for the
 * project's `crds/` folder; undefined when there is none, or the path leaves the project. The path
 * is judged where it really leads: a symbolic link on the way (or
 * met in a folder) whose target is outside the project is refused, since what it points at would
 * otherwise be read and written into dist/ as if it were the project's. A link to a folder being
 * walked (`up -> ..`) is not walked again: its files are read where they are.
 * @throws ProblemsError (exit 2) naming the link that leads outside the project
 */
export function readProjectSource(root: string, path: string, files: RegExp = MANIFEST_FILE): Map<string, string> | undefined {
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel === '' || !isWithin(root, full) || !existsSync(full)) return undefined;
  const name = rel.split(sep).join('/');
  const inside = insideProject(root);
  const real = withFs(name, 'reading', () => realpathSync(full));
  if (!inside(real)) refuseOutside(name, real);
  if (!statSync(full).isDirectory()) return new Map([[name, readInputFile(full, name).text]]);
  const found = manifestFiles(full, real, name, inside, files);
  return found.length ? new Map(found.map((f) => [`${name}/${f}`, readInputFile(join(full, f), `${name}/${f}`).text])) : undefined;
}

/** Whether a real path (symbolic links resolved) is the project in `root` or below it. */
function insideProject(root: string): (real: string) => boolean {
  const top = realpathSync(root);
  return (real) => isWithin(top, real);
}

/** Whether the absolute `path` is the directory `dir` or below it, as written (no symbolic link resolved). */
export function isWithin(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  // `..data` is a name in it; `..` and `../x` leave it
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function refuseOutside(name: string, real: string): never {
  return refuse({
    code: 'config/outside-project',
    message: `${name} leads outside the project through a symbolic link (to ${real}); stagecraft reads only the project's files, so that dist/ holds nothing from elsewhere on this machine`,
    hint: `copy the manifests into the project (or make the link point inside it), then name them by their path in the project`,
  });
}

/**
 * The manifest files below the folder `dir` (named `name`, really at `real`), as relative paths
 * with `/`, sorted as a walk gives them; symbolic links are followed when they stay in the project.
 * Entries whose names start with a dot (`.git/`, `.github/workflows/*.yaml`, an editor's backup)
 * and `node_modules/` are not walked, as `npm run check -- <dir>` skips them: a folder of
 * manifests checked out from another repository includes its manifests, not its CI's YAML.
 */
function manifestFiles(dir: string, real: string, name: string, inside: (real: string) => boolean, files: RegExp): string[] {
  const out: string[] = [];
  const walking = new Set<string>();
  const walk = (rel: string, realDir: string): void => {
    walking.add(realDir);
    const entries = withFs(rel ? `${name}/${rel}` : name, 'reading', () => readdirSync(join(dir, rel), { withFileTypes: true }));
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      const shown = `${name}/${r}`;
      let realEntry = join(realDir, entry.name);
      let directory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        realEntry = withFs(shown, 'reading', () => realpathSync(join(dir, r)));
        directory = statSync(realEntry).isDirectory();
        // what is not read (a README linked from elsewhere) may lead anywhere
        if (!inside(realEntry) && (directory || files.test(entry.name))) refuseOutside(shown, realEntry);
      }
      if (directory) {
        if (!walking.has(realEntry)) walk(r, realEntry);
      } else if (files.test(entry.name)) out.push(r);
    }
    walking.delete(realDir);
  };
  walk('', real);
  return out;
}

/**
 * Reads the files of `dist/<stage>/` as they are, for warnings that compare the compilation with
 * them: a file that is not there, not a regular file or too large reads as none.
 */
export function outputReader(root: string, stage: string): OutputReader {
  return (file) => {
    try {
      return readRegularFile(join(root, DIST_DIR, stage, file), MAX_GENERATED_BYTES);
    } catch {
      return undefined;
    }
  };
}
