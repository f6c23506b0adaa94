/**
 * The render cache's pack files (lib/cli/render-cache.ts): the entries' bytes one after another,
 * then the index (name, offset, length and SHA-256 of each entry), then a trailer of fixed length
 * giving the index's offset, length and SHA-256. Written append-only by `PackWriter`; read by
 * offset, each entry checked against its SHA-256 and the index against the trailer's, so that a
 * truncated or edited pack or entry is never read as another.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { crashPoint } from '../synth/write.js';
import { openRegularFile, withScratch } from '../synth/disk.js';
import { sha256Hex } from '../model/sha256.js';

/** The file name ending of a pack. */
export const PACK_SUFFIX = '.pack';
/** The last line of a pack: magic, index offset and length (16 digits each), SHA-256 of the index. */
const TRAILER = /^\nstagecraft-render-pack (\d{16}) (\d{16}) ([0-9a-f]{64})\n$/;
const TRAILER_BYTES = '\nstagecraft-render-pack '.length + 16 + 1 + 16 + 1 + 64 + 1;

/** One entry of a pack's index: its name, where its bytes are, and their SHA-256. */
export type IndexEntry = readonly [name: string, offset: number, length: number, digest: string];

function isIndex(value: unknown, end: number): value is IndexEntry[] {
  return (
    Array.isArray(value) &&
    value.every(
      (e) =>
        Array.isArray(e) &&
        e.length === 4 &&
        typeof e[0] === 'string' &&
        Number.isSafeInteger(e[1]) &&
        Number.isSafeInteger(e[2]) &&
        e[1] >= 0 &&
        e[2] >= 0 &&
        e[1] + e[2] <= end &&
        typeof e[3] === 'string',
    )
  );
}

/** The bytes at `offset` of the file open as `fd`, read into `buffer` (fewer than `length` at its end). */
function readAt(fd: number, buffer: Buffer, offset: number, length: number): Buffer {
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, offset + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

/** The index of the pack at `path`; undefined when the pack is not whole (truncated, edited, not a pack). */
export function readPackIndex(path: string): IndexEntry[] | undefined {
  let fd: number;
  try {
    fd = openRegularFile(path);
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    if (size < TRAILER_BYTES) return undefined;
    const m = TRAILER.exec(readAt(fd, Buffer.allocUnsafe(TRAILER_BYTES), size - TRAILER_BYTES, TRAILER_BYTES).toString('latin1'));
    if (!m) return undefined;
    const offset = Number(m[1]);
    const length = Number(m[2]);
    if (offset + length + TRAILER_BYTES !== size) return undefined;
    const bytes = readAt(fd, Buffer.allocUnsafe(length), offset, length);
    if (sha256Hex(bytes) !== m[3]) return undefined;
    const index: unknown = JSON.parse(bytes.toString('utf8'));
    return isIndex(index, offset) ? index : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A copy of the bytes of one entry of the pack open as `fd`, when they are still those its index describes. */
export function readEntry(fd: number, offset: number, length: number, digest: string): Buffer | undefined {
  let copy: Buffer | undefined;
  readEntries(fd, [{ offset, length, digest }], (_, bytes) => {
    copy = Buffer.from(bytes);
  });
  return copy;
}

/** Entries within this many bytes of each other are read in one go (`readEntries`). */
const SPAN_GAP = 64 * 1024;
/** The most bytes read in one go, but for an entry larger than that. */
const SPAN_MAX = 1024 * 1024;

/**
 * Calls `use` with the index in `entries` and the bytes of each of `entries` of the pack open as
 * `fd` whose SHA-256 is the one its index gives (the others are passed over), in the order of
 * their places in the pack, read in as few reads as their places allow (an app's entries, written
 * one after another by the run that rendered its stage, are read together) into the scratch buffer
 * (lib/synth/disk.ts): the bytes are valid only until `use` returns.
 */
export function readEntries(
  fd: number,
  entries: readonly { offset: number; length: number; digest: string }[],
  use: (index: number, bytes: Buffer) => void,
): void {
  const order = entries.map((_, i) => i).sort((a, b) => entries[a].offset - entries[b].offset);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    const from = entries[order[start]].offset;
    let to = from + entries[order[start]].length;
    while (end < order.length) {
      const next = entries[order[end]];
      if (next.offset > to + SPAN_GAP || Math.max(to, next.offset + next.length) - from > SPAN_MAX) break;
      to = Math.max(to, next.offset + next.length);
      end++;
    }
    withScratch(to - from, (buffer) => {
      const span = readAt(fd, buffer, from, to - from);
      for (const i of order.slice(start, end)) {
        const { offset, length, digest } = entries[i];
        const bytes = span.subarray(offset - from, offset - from + length);
        if (bytes.length === length && sha256Hex(bytes) === digest) use(i, bytes);
      }
    });
    start = end;
  }
}

/** A pack being written: entries appended as they come, sealed with its index and trailer. */
export class PackWriter {
  private readonly fd: number;
  private readonly index: IndexEntry[] = [];
  private offset = 0;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'wx');
  }
  get entries(): number {
    return this.index.length;
  }
  add(name: string, bytes: Buffer): void {
    writeSync(this.fd, bytes, 0, bytes.length, this.offset);
    this.index.push([name, this.offset, bytes.length, sha256Hex(bytes)]);
    this.offset += bytes.length;
  }
  /** Writes the index and the trailer, and closes the file. */
  seal(): void {
    const index = Buffer.from(JSON.stringify(this.index));
    const trailer = `\nstagecraft-render-pack ${String(this.offset).padStart(16, '0')} ${String(index.length).padStart(16, '0')} ${sha256Hex(index)}\n`;
    crashPoint('cache-entries');
    writeSync(this.fd, index, 0, index.length, this.offset);
    writeSync(this.fd, trailer, this.offset + index.length, 'latin1');
    closeSync(this.fd);
  }
  /** Closes the file unsealed (it is thrown away with its staging directory). */
  close(): void {
    closeSync(this.fd);
  }
}

/** A unique pack file name for the cache salted with `salt`. */
export function packName(salt: string): string {
  return `${salt.slice(0, 16)}-${Date.now().toString(36)}-${process.pid}-${threadId}-${randomBytes(4).toString('hex')}${PACK_SUFFIX}`;
}
