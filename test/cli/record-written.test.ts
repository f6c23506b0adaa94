/**
 * The fingerprint takes the files a synth wrote in its last moments at the digests it wrote them
 * with, without reading them back (lib/cli/fingerprint.ts, `record`). That is safe only because
 * none of those files' stamps is believed by a later command: a file that differs from what the
 * synth meant to write (changed by hand between the write and the record) is found by the next
 * check all the same. Files written longer ago are read back, and their stamps kept; the files
 * written in the last moments are kept by the first command after them that reads them once they
 * are old enough (a check or a synth answered from the fingerprint).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIGESTS_FILE } from '../../lib/cli/digests.js';
import { FINGERPRINT_FILE, startFingerprint, unchangedSinceRecorded } from '../../lib/cli/fingerprint.js';
import { DIST_DIR, SCHEMA_FILE } from '../../lib/cli/project.js';
import { CRASH_ENV } from '../../lib/synth/write.js';
import { listFiles, repoStage, runCli, runProcess, tempProject } from '../helpers/cli.js';

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

describe('the files a synth wrote in its last moments', () => {
  const keptDigests = (dir: string) =>
    (JSON.parse(readFileSync(join(dir, DIGESTS_FILE), 'utf8')) as { files: Record<string, { digest: string }> }).files;

  it.each(['check', 'synth'])(
    'are kept by the next npm run %s answered from the fingerprint, once they are old enough',
    async (command) => {
      const dir = tempProject({ lab: repoStage('lab') });
      expect(runProcess('synth', [], dir).status).toBe(0);
      const written = listFiles(join(dir, DIST_DIR)).map((f) => join(dir, DIST_DIR, f));
      expect(written.length).toBeGreaterThan(2);
      // too recent for the synth to keep: any later command reads them again
      expect(written.filter((p) => keptDigests(dir)[p])).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const r = runProcess(command, [], dir);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(command === 'check' ? /^dist\/ is current/ : /\(unchanged\)/);
      for (const p of written) expect(keptDigests(dir)[p]?.digest, p).toBe(sha256(readFileSync(p, 'utf8')));
      // and what is kept is believed only as long as the file is as it was
      const inventory = join(dir, DIST_DIR, 'lab', 'inventory.txt');
      writeFileSync(inventory, readFileSync(inventory, 'utf8').replace(/.$/s, '#'));
      expect(runProcess('check', [], dir).status).not.toBe(0);
    },
  );

  it('are kept whole or not at all: a check killed before it renames them into place leaves the kept ones as they were', async () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runProcess('synth', [], dir).status).toBe(0);
    const before = readFileSync(join(dir, DIGESTS_FILE), 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const killed = runProcess('check', [], dir, { [CRASH_ENV]: 'digests-staged' });
    expect(killed.signal).toBe('SIGKILL');
    expect(readFileSync(join(dir, DIGESTS_FILE), 'utf8')).toBe(before);
    // the next check answers from the fingerprint, and keeps them
    const r = runProcess('check', [], dir);
    expect([r.status, r.stdout]).toEqual([0, expect.stringMatching(/^dist\/ is current/)]);
    expect(readFileSync(join(dir, DIGESTS_FILE), 'utf8')).not.toBe(before);
  });

  it('leave no temporary file behind for good: a command killed while it wrote one has it removed by a later writer', async () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runProcess('synth', [], dir).status).toBe(0);
    const state = join(dir, DIGESTS_FILE, '..');
    const temps = () =>
      readdirSync(state)
        .filter((n) => n.endsWith('.stagecraft-tmp'))
        .sort();
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(runProcess('check', [], dir, { [CRASH_ENV]: 'digests-staged' }).signal).toBe('SIGKILL');
    rmSync(join(dir, FINGERPRINT_FILE));
    expect(runProcess('synth', [], dir, { [CRASH_ENV]: 'fingerprint-staged' }).signal).toBe('SIGKILL');
    // the fingerprint is never one half written: there is none, and the next check compiles
    expect(existsSync(join(dir, FINGERPRINT_FILE))).toBe(false);
    const left = temps();
    expect(left).toEqual([
      expect.stringMatching(/^digests\.json\.\d+\.stagecraft-tmp$/),
      expect.stringMatching(/^fingerprint\.json\.\d+\.stagecraft-tmp$/),
    ]);
    // a live process's file, and a dead one's written in the last minute, may still be renamed: kept
    writeFileSync(join(state, `digests.json.${process.pid}.stagecraft-tmp`), '{}');
    expect(runProcess('synth', [], dir).status).toBe(0);
    expect(temps()).toEqual([...left, `digests.json.${process.pid}.stagecraft-tmp`].sort());
    // once a minute old, the dead processes' are removed by the next command that writes the same file
    const old = new Date(Date.now() - 120_000);
    for (const name of temps()) utimesSync(join(state, name), old, old);
    rmSync(join(dir, FINGERPRINT_FILE));
    expect(runProcess('synth', [], dir).status).toBe(0);
    expect(temps()).toEqual([`digests.json.${process.pid}.stagecraft-tmp`]);
  });

  it('are not kept where the project cannot be written, and the check answers all the same', async () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    rmSync(join(dir, DIGESTS_FILE));
    // a directory where the file goes: it cannot be replaced
    mkdirSync(join(dir, DIGESTS_FILE));
    const r = runProcess('check', [], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^dist\/ is current/);
    // and says, once, what stands in the way (cli/state-file), which costs every command its kept digests
    expect(r.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      expect.stringMatching(/^warning: writing \.stagecraft\/digests\.json: it is a directory, not a file; /),
    ]);
  });
});
