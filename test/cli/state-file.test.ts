/**
 * A state file of .stagecraft/ (the fingerprint, the kept digests) is written beside itself and
 * renamed into place (lib/cli/digests.ts, `writeStateFile`); its staging file is created anew, so
 * that a link planted or left at that name is never written through nor renamed into place.
 */
import { lstatSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeStateFile } from '../../lib/cli/digests.js';
import { TMP_SUFFIX } from '../../lib/synth/disk.js';

describe('writeStateFile', () => {
  it('writes anew where a link stands at its staging name: the file the link leads to keeps its bytes, and the state file is a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-file-'));
    const path = join(dir, 'fingerprint.json');
    const elsewhere = join(dir, 'elsewhere.txt');
    writeFileSync(elsewhere, 'not a state file\n');
    symlinkSync(elsewhere, `${path}.${process.pid}${TMP_SUFFIX}`);
    writeStateFile(path, '{"format":2}');
    expect(readFileSync(elsewhere, 'utf8')).toBe('not a state file\n');
    expect(lstatSync(path).isFile()).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('{"format":2}');
    expect(readdirSync(dir).sort()).toEqual(['elsewhere.txt', 'fingerprint.json']);
  });
});
