/**
 * What one entry of the render cache (lib/cli/render-cache.ts) holds, and how it is read back: one
 * line of JSON (the documents' digests, the SHA-256 of the app's file, the kept check results, the
 * summary and warnings), then the app's YAML stream, read from its pack only when it is used.
 */
import { serializeObjects, withObjects, type CachedApp, type KeptApp, type SerializedObjects } from '../synth/rendered.js';
import type { StoredBytes } from '../synth/file-content.js';
import type { KubeObject } from '../model/object.js';
import { readEntries } from './render-pack.js';

/** Bumped whenever what an entry or a pack holds changes, so that older packs are never read. */
export const ENTRY_FORMAT = 11;

/**
 * An entry's bytes: the documents' digests, the SHA-256 of the app's file, the kept check results
 * and the summary as one line of JSON, then the YAML stream of the documents as it is (UTF-8). A
 * read parses the line (`entryHead`) and leaves the stream in the pack, to be read when the app's
 * file is written.
 */
export function encodeEntry({ serialized, checks, summary, warnings }: KeptApp): Buffer {
  const head = `${JSON.stringify({ digests: serialized.digests, file: serialized.file, checks, summary, warnings })}\n`;
  const { stream } = serialized;
  const headBytes = Buffer.byteLength(head);
  if (typeof stream === 'string') {
    // both texts encoded straight into the entry's buffer: no buffer of each to copy into a third
    const entry = Buffer.allocUnsafe(headBytes + Buffer.byteLength(stream));
    entry.write(head, 0);
    entry.write(stream, headBytes);
    return entry;
  }
  const entry = Buffer.allocUnsafe(headBytes + stream.length);
  entry.write(head, 0);
  if (stream instanceof Uint8Array) entry.set(stream, headBytes);
  else stream.read((b) => entry.set(b, headBytes));
  return entry;
}

/** An entry's line, parsed, and where its documents start in it. */
export interface EntryHead {
  readonly kept: Omit<KeptApp, 'serialized'> & Pick<SerializedObjects, 'file'> & { readonly digests: string[] };
  readonly start: number;
}

/** The line `encodeEntry` wrote at the start of `bytes` (an entry; JSON never holds a raw line break, so the first one ends it). */
export function entryHead(bytes: Buffer): EntryHead {
  const end = bytes.indexOf(0x0a);
  return { kept: JSON.parse(bytes.toString('utf8', 0, end)), start: end + 1 };
}

/** The app an entry keeps: its line, its documents (left in the pack), and `render` giving its objects. */
export function cachedApp({ kept }: EntryHead, stream: StoredBytes, render: () => KubeObject[]): CachedApp {
  const { digests, file, checks, summary, warnings } = kept;
  return withObjects(
    {
      serialized: { stream, digests, ...(file ? { file } : {}) },
      summary,
      ...(checks ? { checks } : {}),
      ...(warnings ? { warnings } : {}),
    },
    render,
  );
}

/** Where an entry is in a pack, and the SHA-256 of its bytes. */
interface EntryPlace {
  readonly offset: number;
  readonly length: number;
  readonly digest: string;
}

/**
 * The documents of the entry at `entry` of the pack open as `fd`, from byte `start` of it: read
 * again, and checked again, each time they are used (their pack stays open until the command ends;
 * packs are never written again, and one removed meanwhile by another command's eviction is still
 * read through `fd`). Should they no longer be what the index says, they are what the app renders
 * to (`render`, the same bytes by the cache's premise; anything else is a bug, and stops the command).
 */
export function storedDocuments(fd: number, entry: EntryPlace, start: number, render: () => KubeObject[]): StoredBytes {
  const length = entry.length - start;
  return {
    length,
    read(use) {
      let used = false;
      let value: ReturnType<typeof use> | undefined;
      try {
        readEntries(fd, [entry], (_, bytes) => {
          used = true;
          value = use(bytes.subarray(start));
        });
      } catch (e) {
        // an error of `use` is its caller's; a pack that could not be read (closed: a bug) is rendered again below
        if (used) throw e;
      }
      if (used) return value as ReturnType<typeof use>;
      const again = Buffer.from(serializeObjects(render()).stream);
      if (again.length !== length)
        throw new Error(`an app's entry in the render cache changed while it was used, and rendering it again gave other bytes`);
      return use(again);
    },
  };
}
