/**
 * Where compiled validators are kept between runs (lib/model/validator-code.ts):
 * `node_modules/.cache/stagecraft/validators/` of the compiler, beside the checkouts' bundle
 * directories (lib/cli/root-cache.cjs), since the code depends on the compiler and its packages
 * only, not on a project. Shared by the checkouts that share node_modules, unlike their bundles:
 * each file is named by the SHA-256 of what it is made from (a schema, ajv's version and options;
 * the derived texts, the compiler's digests), with no path in it, so two checkouts keep the same
 * file only for the same code, and one compiled by either serves both. Safe to delete at any time. Each file holds the SHA-256 of its code on its first line
 * and is used only when that matches (a truncated or edited file is compiled again); files are
 * written beside and renamed into place. Bounded: once it holds more than MAX_FILES files, the
 * least recently written go.
 *
 * Beside `<key>.cjs`, `<key>.<flags>.v8` keeps V8's code cache of that code: the SHA-256 of the
 * rest of the file on its first line, then the SHA-256 of the code it was made from, then the
 * data. Used only when both match (V8 itself checks only the length of the source, so a cache of
 * other code of the same length would be taken); V8 then rejects data of another V8 version or
 * other flags. `<flags>` names the flags the process was started with (`startFlags`): one file
 * per set of flags, since `npm run synth` starts Node.js with flags `npm run check` does not, and
 * a file the two shared was rejected, made again and rewritten each time the other command ran.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ValidatorStore } from '../model/validator-code.js';
import { readRegularBytes } from '../synth/disk.js';
import { crashPoint } from '../synth/write.js';
import { COMPILER_ROOT, compilerDigests, compilerRecentlyChanged } from './digests.js';
import { removeStaleTemps } from './stale-files.cjs';
import { writeNew } from '../model/flushed-file.cjs';
import { pruneCodeCaches, startFlags } from './start-flags.cjs';
import { sha256Hex } from '../model/sha256.js';

export const VALIDATOR_DIR = join(COMPILER_ROOT, 'node_modules', '.cache', 'stagecraft', 'validators');
/** A few hundred validators: every kind and stage-file schema of several compiler versions. */
const MAX_FILES = 400;

/** Removes every code cache of `key` in `dir`, whatever flags it was made under. */
function removeCodeCaches(dir: string, key: string): void {
  for (const name of readdirSync(dir)) if (name.startsWith(`${key}.`) && name.endsWith('.v8')) rmSync(join(dir, name), { force: true });
}

/**
 * The store in `dir`; a file that cannot be read or written (or is no regular file: a FIFO there
 * is not waited on) is a miss, never an error. Its compiler key covers what the fingerprint covers
 * of the compiler in `compilerRoot` (lib/cli/digests.ts: every file of lib/ and apps/,
 * package.json, the lockfiles, Node.js).
 */
export function diskValidatorStore(dir = VALIDATOR_DIR, compilerRoot = COMPILER_ROOT, flags = startFlags()): ValidatorStore {
  const pathOf = (key: string) => join(dir, `${key}.cjs`);
  const cachePathOf = (key: string) => join(dir, `${key}.${flags}.v8`);
  /** The digest of the code `get` returned for a key, so that the code cache's check does not hash it again. */
  const digests = new Map<string, { code: string; digest: string }>();
  const digestOf = (key: string, code: string) => {
    const known = digests.get(key);
    return known && known.code === code ? known.digest : sha256Hex(code);
  };
  const write = (path: string, data: string | Uint8Array) => {
    mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeNew(tmp, data);
    crashPoint('validator-staged');
    renameSync(tmp, path);
    removeStaleTemps(dir);
  };
  return {
    get(key) {
      let bytes: Buffer;
      try {
        bytes = readRegularBytes(pathOf(key));
      } catch {
        return undefined;
      }
      // the bytes hashed, not the text: hashing a string encodes it to UTF-8 first (three times slower)
      const newline = bytes.indexOf(0x0a);
      const digest = sha256Hex(bytes.subarray(newline + 1));
      if (newline <= 0 || bytes.toString('latin1', 0, newline) !== digest) return undefined;
      const code = bytes.toString('utf8', newline + 1);
      digests.set(key, { code, digest });
      return code;
    },
    set(key, code) {
      try {
        write(pathOf(key), `${sha256Hex(code)}\n${code}`);
        // a code cache of the code this replaces must never be taken for this code (it is not: its digest differs)
        removeCodeCaches(dir, key);
        evict(dir);
      } catch {
        // not kept: the next run compiles it again
      }
    },
    getCodeCache(key, code) {
      let bytes: Buffer;
      try {
        bytes = readRegularBytes(cachePathOf(key));
      } catch {
        return undefined;
      }
      // <64 hex digits of the rest>\n<64 hex digits of the code>\n<data>
      const rest = bytes.subarray(65);
      if (bytes[64] !== 0x0a || bytes.toString('latin1', 0, 64) !== sha256Hex(rest)) return undefined;
      if (rest[64] !== 0x0a || rest.toString('latin1', 0, 64) !== digestOf(key, code)) return undefined;
      return rest.subarray(65);
    },
    compilerKey() {
      // the files may be newer than the code running from them (changed while it was loading)
      if (compilerRecentlyChanged(compilerRoot)) return undefined;
      return sha256Hex(JSON.stringify([process.version, compilerDigests(compilerRoot)]));
    },
    setCodeCache(key, code, data) {
      try {
        const rest = Buffer.concat([Buffer.from(`${digestOf(key, code)}\n`, 'latin1'), data]);
        write(cachePathOf(key), Buffer.concat([Buffer.from(`${sha256Hex(rest)}\n`, 'latin1'), rest]));
        pruneCodeCaches(dir, key);
      } catch {
        // not kept: the next run parses the code again
      }
    },
  };
}

function evict(dir: string): void {
  const names = readdirSync(dir).filter((n) => n.endsWith('.cjs'));
  if (names.length <= MAX_FILES) return;
  const files = names.map((n) => ({ path: join(dir, n), written: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.written - b.written);
  for (const f of files.slice(0, files.length - MAX_FILES * 0.8)) {
    rmSync(f.path, { force: true });
    removeCodeCaches(dir, basename(f.path, '.cjs'));
  }
}
