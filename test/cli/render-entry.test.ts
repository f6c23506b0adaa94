/**
 * An entry of the render cache (lib/cli/render-entry.ts, `encodeEntry`): its line of JSON, then
 * the app's YAML stream as UTF-8, written into one buffer whatever the stream is (text just
 * serialized, bytes, or bytes stored in a pack), non-ASCII text included.
 */
import { describe, expect, it } from 'vitest';
import { encodeEntry, entryHead } from '../../lib/cli/render-entry.js';
import type { StoredBytes } from '../../lib/synth/file-content.js';
import type { KeptApp } from '../../lib/synth/rendered.js';

/** Text of 1, 2, 3 and 4 UTF-8 bytes a character, and a lone surrogate (written as U+FFFD, as Buffer.from writes it). */
const STREAM = 'data:\n  LOG_LEVEL: café ✓ 日本語 🚀\n---\nkind: ConfigMap \ud800\n';

const app = (stream: KeptApp['serialized']['stream']): KeptApp => ({
  serialized: { stream, digests: ['sha256:0123456789abcdef'], file: { source: 'environments/qa.yaml', sha256: 'ab'.repeat(32) } },
  summary: { heads: [['v1', 'ConfigMap', 'café', 'qa']], workloads: [], images: [], written: [], plain: true },
});

const stored = (bytes: Uint8Array): StoredBytes => ({ length: bytes.length, read: (use) => use(bytes) });

describe('an entry of the render cache', () => {
  it.each([
    ['text', STREAM],
    ['bytes', new Uint8Array(Buffer.from(STREAM))],
    ['bytes stored in a pack', stored(Buffer.from(STREAM))],
  ] as const)('holds its line, then the stream given as %s byte for byte, and nothing more', (_, stream) => {
    const entry = encodeEntry(app(stream));
    const head = entryHead(entry);
    expect(head.kept.summary.heads).toEqual([['v1', 'ConfigMap', 'café', 'qa']]);
    expect(head.kept.digests).toEqual(['sha256:0123456789abcdef']);
    expect(entry.subarray(0, head.start).toString('utf8')).toMatch(/^\{.*\}\n$/);
    expect(Buffer.compare(entry.subarray(head.start), Buffer.from(STREAM))).toBe(0);
  });
});
