/**
 * The fingerprint takes the files a synth wrote in its last moments at the digests it wrote them
 * with, without reading them back (lib/cli/fingerprint.ts, `record`). That is safe only because
 * none of those files' stamps is believed by a later command: a file that differs from what the
 * synth meant to write (changed by hand between the write and the record) is found by the next
 * check all the same. Files written longer ago are read back, and their stamps kept.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIGESTS_FILE, startFingerprint, unchangedSinceRecorded } from '../../lib/cli/fingerprint.js';
import { DIST_DIR, SCHEMA_FILE } from '../../lib/cli/project.js';
import { listFiles } from '../helpers/cli.js';
import { repoStage, runCli, tempProject } from '../helpers/cli.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Records a fingerprint of `dir` as a synth that wrote every file of dist/ with `meant` (path -> text) would. */
function recordAsWritten(dir: string, meant: ReadonlyMap<string, string>): boolean {
  const digests = new Map<string, string>();
  for (const f of listFiles(join(dir, DIST_DIR))) {
    const path = `${DIST_DIR}/${f}`;
    digests.set(path, sha256(meant.get(path) ?? readFileSync(join(dir, path), 'utf8')));
  }
  return startFingerprint(dir).record({
    distDir: DIST_DIR,
    tree: new Map(),
    digests,
    schema: { file: SCHEMA_FILE, text: readFileSync(join(dir, SCHEMA_FILE), 'utf8') },
    stages: 1,
  });
}

describe('the files a synth wrote, recorded without being read back', () => {
  it('are current when they are what the synth wrote', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(recordAsWritten(dir, new Map())).toBe(true);
    expect(unchangedSinceRecorded(dir, DIST_DIR)).toBeDefined();
  });

  it('are found changed when one differs from what the synth wrote, though the fingerprint says otherwise', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    const path = `${DIST_DIR}/lab/inventory.txt`;
    const meant = readFileSync(join(dir, path), 'utf8');
    // the same size, so that only the file's change time tells
    writeFileSync(join(dir, path), meant.replace(/.$/s, '#'));
    expect(recordAsWritten(dir, new Map([[path, meant]]))).toBe(true);
    expect(unchangedSinceRecorded(dir, DIST_DIR)).toBeUndefined();
    expect(runCli('check', [], dir).code).not.toBe(0);
  });

  it('are read back, and their stamps kept for the next command, once they were written long enough ago', async () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, DIGESTS_FILE));
    // past the margin within which a stamp is not believed (MTIME_MARGIN_MS)
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(recordAsWritten(dir, new Map())).toBe(true);
    const kept = JSON.parse(readFileSync(join(dir, DIGESTS_FILE), 'utf8')) as { files: Record<string, { digest: string }> };
    const path = `${DIST_DIR}/lab/inventory.txt`;
    expect(kept.files[join(dir, path)]?.digest).toBe(sha256(readFileSync(join(dir, path), 'utf8')));
  });
});
