/**
 * SHA-256 in hex of a text (as UTF-8) or of bytes, in one call. Node.js 20.12 and later have
 * `crypto.hash`, which makes no Hash object per digest: 15,000 document digests took 17 ms
 * instead of 72 in a fresh process (bench/README.md), and a synthesis takes one per object. Older
 * versions get the same digest from `createHash`.
 */
import * as crypto from 'node:crypto';

export const sha256Hex: (data: string | Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');
