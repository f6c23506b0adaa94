/**
 * A file's content as the compiler plans it: text, bytes, or pieces of both. Apart from
 * lib/synth/output.ts, which makes the files, so that the writer (lib/synth/write.ts) and the
 * commands' fast path (lib/cli/fast.ts) need neither cdk8s nor the stacks. Pure.
 */

/** Relative path (with `/`) to file content. */
export type FileTree = Map<string, string>;

/**
 * A file's content: text, bytes, or pieces that follow one another in the file (the header, then
 * the bytes of an app from the render cache, which are never copied into one buffer with it).
 */
export type FileContent = string | Uint8Array | readonly (string | Uint8Array)[];

/** A stage's files as compiled (`stageFiles`): an app from the render cache has its file as its header and its bytes. */
export type StageFileTree = Map<string, FileContent>;

/** The pieces of a file's content, in order (one for text or bytes). */
export function filePieces(content: FileContent): readonly (string | Uint8Array)[] {
  return typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
}

/** A file's content as text. */
export function fileText(content: FileContent): string {
  return filePieces(content)
    .map((p) => (typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.length).toString('utf8')))
    .join('');
}

/** A file's content as bytes, piece by piece (only text is encoded, nothing copied into one buffer). */
export function fileBytes(content: FileContent): Uint8Array[] {
  return filePieces(content).map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
}

/** A file's content as what `writeFileSync` takes: pieces joined. */
export function fileData(content: FileContent): string | Uint8Array {
  const pieces = filePieces(content);
  return pieces.length === 1 ? pieces[0] : Buffer.concat(fileBytes(content));
}

/** The bytes of a file's content. */
export function fileSize(content: FileContent): number {
  return filePieces(content).reduce((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : p.length), 0);
}

/** `files` with every file as text. */
export function textTree(files: ReadonlyMap<string, FileContent>): FileTree {
  return new Map([...files].map(([path, content]) => [path, fileText(content)]));
}
