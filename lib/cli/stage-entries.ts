/**
 * Where the apps of each stage file as last read are kept (lib/config/stage-entries.ts):
 * `.stagecraft/cache/stage-files/<stage>.v8`, the SHA-256 of the rest, then the compiler's salt and
 * each entry (the SHA-256 of its text, its key, its value): as JSON (`J`, then the text) when every
 * value is one JSON keeps as it is, which JSON.parse reads back in about half the time V8's
 * deserializer takes (1,000 apps: 10 ms against 18 ms), else in V8's format (`V`, then its bytes),
 * which keeps every value the block reader makes, `-0`, `.nan` and `.inf` included. Safe to
 * delete: a file that is missing, damaged, of another compiler or not a regular file is no entry,
 * never an error, and one that cannot be written is not written. Nothing is kept when a compiler
 * source changed just before the command started (the running code might not be what the
 * digests describe), as in the render cache. One file per stage, rewritten when more than a
 * sixteenth of its entries are stale (lib/config/stage-entries.ts); those of stages the project no
 * longer has go when every stage is compiled (`pruneStageEntries`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { StageEntry, StageEntryStore } from '../config/stage-entries.js';
import { jsonExact } from '../model/json-exact.js';
import { STATE_DIR, readRegularBytes } from '../synth/disk.js';
import { compilerDigests, compilerRecentlyChanged, writeStateFile } from './digests.js';

export const STAGE_ENTRIES_DIR = join(STATE_DIR, 'cache', 'stage-files');
/** Bumped whenever what a file holds changes. */
const FORMAT = 2;
/** Files beyond this size are not read (a 1,000-app stage file's entries take about 1 MB). */
const MAX_BYTES = 256 * 1024 * 1024;
/** The first byte of what follows the SHA-256: the entries as JSON text, or in V8's format. */
const JSON_TAG = 0x4a; // J
const V8_TAG = 0x56; // V

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest();

let salt: string | undefined;
/** What the entries depend on besides their text: the block reader's code and the yaml library it resolves scalars with. */
function compilerSalt(): string {
  salt ??= sha256(JSON.stringify([FORMAT, process.version, compilerDigests()])).toString('hex');
  return salt;
}

/** The entries of the stage file of `stage`, in the project in `root`. */
export function diskStageEntries(root: string, stage: string): StageEntryStore {
  const path = join(root, STAGE_ENTRIES_DIR, `${stage}.v8`);
  return {
    read() {
      try {
        const bytes = readRegularBytes(path, MAX_BYTES);
        const rest = bytes.subarray(32);
        if (!sha256(rest).equals(bytes.subarray(0, 32))) return undefined;
        const body = rest.subarray(1);
        const kept: { salt?: unknown; entries?: unknown } =
          rest[0] === JSON_TAG ? JSON.parse(body.toString('utf8')) : rest[0] === V8_TAG ? deserialize(body) : {};
        if (kept.salt !== compilerSalt() || !Array.isArray(kept.entries)) return undefined;
        return new Map(
          (kept.entries as unknown[]).flatMap((e) =>
            Array.isArray(e) && e.length === 3 && typeof e[0] === 'string' && typeof e[1] === 'string'
              ? [[e[0], [e[1], e[2]] as StageEntry] as const]
              : [],
          ),
        );
      } catch {
        return undefined;
      }
    },
    write(entries) {
      if (compilerRecentlyChanged()) return;
      try {
        const kept = { salt: compilerSalt(), entries: [...entries].map(([digest, [key, value]]) => [digest, key, value]) };
        const rest = kept.entries.every(([, , value]) => jsonExact(value))
          ? Buffer.from(`${String.fromCharCode(JSON_TAG)}${JSON.stringify(kept)}`)
          : Buffer.concat([Buffer.from([V8_TAG]), serialize(kept)]);
        mkdirSync(join(root, STAGE_ENTRIES_DIR), { recursive: true });
        writeStateFile(path, Buffer.concat([sha256(rest), rest]));
      } catch {
        // not kept: the next command reads the file's apps again
      }
    },
  };
}

/** Removes what is kept for stages other than `stages` (every stage of the project in `root`): best effort. */
export function pruneStageEntries(root: string, stages: readonly string[]): void {
  const dir = join(root, STAGE_ENTRIES_DIR);
  const files = new Set(stages.map((s) => `${s}.v8`));
  try {
    for (const name of readdirSync(dir)) if (!files.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
  } catch {
    // nothing kept, or not ours to read: the files stay
  }
}
