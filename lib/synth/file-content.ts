/**
 * A file's content as the compiler plans it: text, bytes, or pieces of both. Apart from
 * lib/synth/output.ts, which makes the files, so that the writer (lib/synth/write.ts) and the
 * commands' fast path (lib/cli/fast.ts) need neither cdk8s nor the stacks. Pure.
 */
import { createHash } from 'node:crypto';
import { sha256Hex } from '../model/sha256.js';

/** Relative path (with `/`) to file content. */
export type FileTree = Map<string, string>;

/**
 * Bytes kept outside the process until used: an app's documents in a render-cache pack
 * (lib/cli/render-cache.ts), which a stage of 1,000 cached apps would otherwise hold as 18 MB of
 * memory touched for the first time, only to compare them with the files already in `dist/`.
 * `read` hands them to `use` and checks them first; they are valid only until `use` returns (they
 * are in a buffer the next read reuses), so `use` must neither keep them nor return them.
 */
export interface StoredBytes {
  readonly length: number;
  read<T>(use: (bytes: Uint8Array) => T): T;
}

/** A piece of a file's content. */
export type FilePiece = string | Uint8Array | StoredBytes;

/**
 * Pieces of a file whose SHA-256 is already known (an app's chart file, hashed when it was
 * rendered and kept with it in the render cache): hashing the file, or comparing it with the one in
 * `dist/`, needs none of its pieces read.
 */
export interface HashedPieces {
  readonly pieces: readonly FilePiece[];
  /** The SHA-256 of the pieces one after another, in hex. */
  readonly sha256: string;
}

/**
 * A file's content: text, bytes, or pieces that follow one another in the file (the header, then
 * the documents of an app from the render cache, which are never copied into one buffer with it),
 * with their SHA-256 when it is known.
 */
export type FileContent = string | Uint8Array | readonly FilePiece[] | HashedPieces;

/** A stage's files as compiled (`stageFiles`): a chart's file is its header and its documents (text, or an app's bytes stored in the render cache). */
export type StageFileTree = Map<string, FileContent>;

/** The pieces of a file's content, in order (one for text or bytes). */
export function filePieces(content: FileContent): readonly FilePiece[] {
  if (typeof content === 'string' || content instanceof Uint8Array) return [content];
  return isHashed(content) ? content.pieces : content;
}

/** The SHA-256 of a file's content (hex) when it is known without reading it (`HashedPieces`). */
export function knownDigest(content: FileContent): string | undefined {
  return typeof content === 'object' && isHashed(content) ? content.sha256 : undefined;
}

/** The SHA-256 of a file's content (hex): the one it is known by, else its pieces hashed one after another. */
export function contentDigest(content: FileContent): string {
  const known = knownDigest(content);
  if (known !== undefined) return known;
  const pieces = filePieces(content);
  if (pieces.length === 1 && !isStored(pieces[0])) return sha256Hex(pieces[0]);
  const hash = createHash('sha256');
  everyPiece(content, (p) => {
    hash.update(p);
  });
  return hash.digest('hex');
}

const isHashed = (content: Uint8Array | readonly FilePiece[] | HashedPieces): content is HashedPieces => 'sha256' in content;

/**
 * Calls `visit` with each piece of `content` in order, as text or bytes (stored bytes lent for the
 * call only: `StoredBytes`), until it returns false; whether it never did.
 */
export function everyPiece(content: FileContent, visit: (piece: string | Uint8Array) => unknown): boolean {
  for (const p of filePieces(content)) if ((isStored(p) ? p.read(visit) : visit(p)) === false) return false;
  return true;
}

/** A file's content as text. */
export function fileText(content: FileContent): string {
  const texts: string[] = [];
  everyPiece(content, (p) => {
    texts.push(typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.length).toString('utf8'));
  });
  return texts.join('');
}

/** The bytes of a file's content (stored bytes are not read). */
export function fileSize(content: FileContent): number {
  return filePieces(content).reduce((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : p.length), 0);
}

/** `files` with every file as text. */
export function textTree(files: ReadonlyMap<string, FileContent>): FileTree {
  return new Map([...files].map(([path, content]) => [path, fileText(content)]));
}

/** `files` with stored bytes copied into memory: what can be sent to another thread. */
export function inMemoryTree(files: ReadonlyMap<string, FileContent>): StageFileTree {
  const inMemory = (p: FilePiece) => (isStored(p) ? p.read((b) => Buffer.from(b)) : p);
  const copied = (content: FileContent): FileContent => {
    const pieces = filePieces(content);
    if (!pieces.some(isStored)) return content;
    const sha256 = knownDigest(content);
    return sha256 === undefined ? pieces.map(inMemory) : { pieces: pieces.map(inMemory), sha256 };
  };
  return new Map([...files].map(([path, content]) => [path, copied(content)]));
}

/** Whether `p` is bytes stored elsewhere (`StoredBytes`), not text or bytes in memory. */
export function isStored(p: FilePiece): p is StoredBytes {
  return typeof p !== 'string' && !(p instanceof Uint8Array);
}
