/**
 * Reading an input file (a stage file, a manifest) safely: only a regular file, at most
 * MAX_FILE_BYTES of it, valid UTF-8. Anything else is a located message (exit 2), read before
 * nothing else: /dev/zero, a FIFO or a 6 GB file cost no more than their first bytes.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync, constants } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ExitCode, ProblemsError, type Problem } from '../errors.js';
import { MAX_FILE_BYTES } from '../model/limits.js';
import { withFs } from '../fs-problems.js';
import { listFiles } from '../synth/disk.js';

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
  if (st.isDirectory()) notRegular('a directory');
  if (!st.isFile()) notRegular(st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device');
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

/** `bytes` as text; invalid UTF-8 is refused at its line and column (never turned into U+FFFD). */
export function decodeUtf8(bytes: Uint8Array, shown: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
    const line = 1 + bytes.subarray(0, lineStart).reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);
    const column = 1 + new TextDecoder().decode(bytes.subarray(lineStart, offset)).length;
    return refuse({
      code: 'input/utf8',
      location: { file: shown, line, column },
      message: `the file is not valid UTF-8 (byte 0x${bytes[offset].toString(16).padStart(2, '0')} at byte offset ${offset})`,
      hint: 'save the file as UTF-8 text',
    });
  }
}

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

/**
 * A file of the project, or the manifest files below a folder, by path relative to the root (with
 * `/`), for stacks that include existing manifests; undefined when there is none, or the path
 * leaves the project.
 */
export function readProjectSource(root: string, path: string): Map<string, string> | undefined {
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || !existsSync(full)) return undefined;
  const name = rel.split(sep).join('/');
  if (!statSync(full).isDirectory()) return new Map([[name, readInputFile(full, name).text]]);
  const files = listFiles(full).filter((f) => MANIFEST_FILE.test(f));
  return files.length ? new Map(files.map((f) => [`${name}/${f}`, readInputFile(join(full, f), `${name}/${f}`).text])) : undefined;
}
