// The flags Node.js was started with, in the names of V8 code caches: plain JavaScript, since
// lib/cli/run.mjs uses it before any bundle exists, as lib/cli/validator-store.ts does after.
import { createHash } from 'node:crypto';

/**
 * The flags this process was started with (its command line's and NODE_OPTIONS), as 16 hex
 * digits. V8 rejects a code cache made under other flags, and `npm run synth` starts Node.js with
 * flags `npm run check` does not: a cache named for its flags is never one the other command made.
 */
export function startFlags() {
  return createHash('sha256')
    .update(JSON.stringify([process.execArgv, process.env.NODE_OPTIONS ?? '']))
    .digest('hex')
    .slice(0, 16);
}
