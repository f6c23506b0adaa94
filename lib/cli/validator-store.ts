/**
 * Where compiled validators are kept between runs (lib/model/validator-code.ts):
 * `node_modules/.cache/stagecraft/validators/` of the compiler, beside the commands' bundles
 * (lib/cli/run.mjs), since the code depends on the compiler and its packages only, not on a
 * project. Safe to delete at any time. Each file holds the SHA-256 of its code on its first line
 * and is used only when that matches (a truncated or edited file is compiled again); files are
 * written beside and renamed into place. Bounded: once it holds more than MAX_FILES files, the
 * least recently written go.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidatorStore } from '../model/validator-code.js';

const COMPILER_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const VALIDATOR_DIR = join(COMPILER_ROOT, 'node_modules', '.cache', 'stagecraft', 'validators');
/** A few hundred validators: every kind and stage-file schema of several compiler versions. */
const MAX_FILES = 400;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The store in `dir`; a file that cannot be read or written is a miss, never an error. */
export function diskValidatorStore(dir = VALIDATOR_DIR): ValidatorStore {
  const pathOf = (key: string) => join(dir, `${key}.cjs`);
  return {
    get(key) {
      let text: string;
      try {
        text = readFileSync(pathOf(key), 'utf8');
      } catch {
        return undefined;
      }
      const newline = text.indexOf('\n');
      const code = text.slice(newline + 1);
      return newline > 0 && text.slice(0, newline) === sha256(code) ? code : undefined;
    },
    set(key, code) {
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${pathOf(key)}.${process.pid}.tmp`;
        writeFileSync(tmp, `${sha256(code)}\n${code}`);
        renameSync(tmp, pathOf(key));
        evict(dir);
      } catch {
        // not kept: the next run compiles it again
      }
    },
  };
}

function evict(dir: string): void {
  const names = readdirSync(dir).filter((n) => n.endsWith('.cjs'));
  if (names.length <= MAX_FILES) return;
  const files = names.map((n) => ({ path: join(dir, n), written: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.written - b.written);
  for (const f of files.slice(0, files.length - MAX_FILES * 0.8)) rmSync(f.path, { force: true });
}
