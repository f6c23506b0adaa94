/**
 * Writing only what changed: a synth re-links the files whose bytes are the same (same inode, same
 * modification time) and writes new files only for what changed; files in pieces, some of them
 * stored elsewhere until used (lib/synth/file-content.ts).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';
import { holdsBytes } from '../../lib/synth/disk.js';
import {
  filePieces,
  fileSize,
  fileText,
  inMemoryTree,
  knownDigest,
  type FileContent,
  type StoredBytes,
} from '../../lib/synth/file-content.js';
import { fileDigests } from '../../lib/cli/staging.js';
import { sha256Hex } from '../../lib/model/sha256.js';
import { fleetStageFile } from '../../bench/fleet.js';
import { chartFileHeader, serializeObjects } from '../../lib/synth/rendered.js';
import { stageFiles } from '../../lib/synth/output.js';
import type { StageContext } from '../../lib/stack.js';
import { listFiles } from '../helpers/cli.js';

/** Per file below `dir`, its inode number. */
function inodes(dir: string): Record<string, number> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, statSync(join(dir, f)).ino]));
}

describe('npm run synth writes only the files that change', () => {
  it('keeps the inode of every unchanged file, and gives a new one to each changed file', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    const lab = join(dir, 'dist', 'lab');
    const before = inodes(lab);
    const bytes = snapshotDir(lab);
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
    expect(runCli('synth', [], dir).code).toBe(0);
    const after = inodes(lab);
    const changed = Object.keys(after)
      .filter((f) => after[f] !== before[f])
      .sort();
    // the nginx app's file, and the inventory (its digests and the stage file's)
    expect(changed).toEqual(['10-nginx.yaml', 'inventory.txt']);
    const now = snapshotDir(lab);
    expect(
      Object.keys(now)
        .filter((f) => now[f] !== bytes[f])
        .sort(),
    ).toEqual(changed);
  });

  it('rewrites a generated file edited by hand, and links nothing when nothing is the same', () => {
    const dir = tempProject({ lab: repoStage('lab') });
    expect(runCli('synth', [], dir).code).toBe(0);
    const lab = join(dir, 'dist', 'lab');
    const expected = snapshotDir(lab);
    // same size, other bytes: the content is compared, not only the size
    const edited = expected['10-flannel.yaml'].replace('vxlan', 'VXLAN');
    writeFileSync(join(lab, '10-flannel.yaml'), edited);
    const before = inodes(lab);
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(snapshotDir(lab)).toEqual(expected);
    const after = inodes(lab);
    expect(Object.keys(after).filter((f) => after[f] !== before[f])).toEqual(['10-flannel.yaml']);
  });
});

describe('npm run synth leaves a stage directory that holds its output already as it is', () => {
  it('compiled again (--no-cache): not swapped, its files not linked again (their change times kept), the changed stage replaced', () => {
    const dir = tempProject({ lab: repoStage('lab'), dev: repoStage('dev') });
    expect(runCli('synth', [], dir).code).toBe(0);
    const stamp = (path: string) => {
      const st = statSync(join(dir, 'dist', path));
      return `${st.ino} ${st.ctimeMs}`;
    };
    const before = { dev: stamp('dev'), file: stamp('dev/10-demoapp.yaml'), lab: stamp('lab') };
    writeFileSync(join(dir, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 4'));
    const r = runCli('synth', ['--no-cache'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dev: .* -> dist\/dev\/ \(unchanged\)$/m);
    expect({ dev: stamp('dev'), file: stamp('dev/10-demoapp.yaml') }).toEqual({ dev: before.dev, file: before.file });
    expect(stamp('lab')).not.toBe(before.lab);
    expect(runCli('check', [], dir).code).toBe(0);
  });
});

describe('holdsBytes, which decides that an old file can be linked', () => {
  it('is true only for a regular file with exactly the bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-holds-'));
    try {
      const path = join(dir, 'f');
      const content = Buffer.from('apiVersion: v1\nkind: ConfigMap\n');
      writeFileSync(path, content);
      expect(holdsBytes(path, content)).toBe(true);
      // a byte changed, one more, one fewer, another file kind
      writeFileSync(path, Buffer.from('apiVersion: v1\nkind: ConfigMaP\n'));
      expect(holdsBytes(path, content)).toBe(false);
      writeFileSync(path, Buffer.concat([content, Buffer.from('x')]));
      expect(holdsBytes(path, content)).toBe(false);
      writeFileSync(path, content.subarray(1));
      expect(holdsBytes(path, content)).toBe(false);
      expect(holdsBytes(dir, content)).toBe(false);
      expect(holdsBytes(join(dir, 'missing'), content)).toBe(false);
      // a file larger than the scratch buffer after a small one: the buffer grows
      const large = Buffer.alloc(3 * 1024 * 1024, 'a');
      writeFileSync(path, large);
      expect(holdsBytes(path, large)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('file contents in pieces: text, bytes and bytes stored elsewhere (StoredBytes)', () => {
  /** Bytes handed out through a buffer that every read overwrites, as the render cache's are. */
  function stored(text: string, reads: { count: number }): StoredBytes {
    const shared = Buffer.alloc(64);
    return {
      length: Buffer.byteLength(text),
      read(use) {
        reads.count++;
        shared.fill(0);
        const n = shared.write(text);
        return use(shared.subarray(0, n));
      },
    };
  }

  it('are compared, measured, read as text and copied for another thread piece by piece', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-pieces-'));
    try {
      const reads = { count: 0 };
      const content: FileContent = ['# header\n', Buffer.from('kind: A\n'), stored('kind: B\n', reads)];
      const path = join(dir, 'f');
      writeFileSync(path, '# header\nkind: A\nkind: B\n');
      expect(fileSize(content)).toBe(25);
      expect(reads.count).toBe(0);
      expect(holdsBytes(path, content)).toBe(true);
      writeFileSync(path, '# header\nkind: A\nkind: C\n');
      expect(holdsBytes(path, content)).toBe(false);
      expect(fileText(content)).toBe('# header\nkind: A\nkind: B\n');
      // copied: another read of the shared buffer leaves the copy as it was
      const copied = inMemoryTree(new Map([['f', content]])).get('f')!;
      fileText(content);
      expect(fileText(copied)).toBe('# header\nkind: A\nkind: B\n');
      expect(filePieces(copied).every((p) => typeof p === 'string' || p instanceof Uint8Array)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with their SHA-256 known, are compared and hashed by it, the stored pieces never read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-hashed-'));
    try {
      const reads = { count: 0 };
      const text = '# header\nkind: B\n';
      const content: FileContent = { pieces: ['# header\n', stored('kind: B\n', reads)], sha256: sha256Hex(text) };
      const path = join(dir, 'f');
      writeFileSync(path, text);
      expect(holdsBytes(path, content)).toBe(true);
      writeFileSync(path, '# header\nkind: C\n');
      expect(holdsBytes(path, content)).toBe(false);
      expect(fileDigests('qa', new Map([['f', content]]))).toEqual([['dist/qa/f', sha256Hex(text)]]);
      expect(reads.count).toBe(0);
      // the digest decides: the same bytes under a digest that is not theirs are another file
      writeFileSync(path, text);
      expect(holdsBytes(path, { ...content, sha256: sha256Hex('other') })).toBe(false);
      // copied for another thread with its digest
      const copied = inMemoryTree(new Map([['f', content]])).get('f')!;
      expect(reads.count).toBe(1);
      expect(knownDigest(copied)).toBe(sha256Hex(text));
      expect(fileText(copied)).toBe(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the SHA-256 of a cached app's file", () => {
  it('is used only for the file of the stage file it was made for', () => {
    const objects = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'qa' }, data: { k: 'v' } }];
    const serialized = serializeObjects(objects);
    const source = 'environments/qa.yaml';
    const sha256 = sha256Hex(chartFileHeader(source) + serialized.stream);
    const files = (from: string) =>
      stageFiles(
        {
          stage: { name: 'qa', namespace: 'qa' } as StageContext,
          source: from,
          charts: [{ name: 'app', objects, serialized: { ...serialized, file: { source, sha256 } } }],
          nodeFiles: [],
        },
        { sourceDigest: 'sha256:0', compilerVersion: '0', distDir: 'dist' },
      ).get('10-app.yaml')!;
    expect(knownDigest(files(source))).toBe(sha256);
    expect(sha256Hex(fileText(files(source)))).toBe(sha256);
    // another stage file: another header, so the digest is not this file's
    expect(knownDigest(files('environments/other.yaml'))).toBeUndefined();
  });

  it('is the digest of the file written: the fingerprint recorded from it holds, a file edited by hand is written again, and check finds one', () => {
    const dir = tempProject({ qa: fleetStageFile('qa', 3) });
    expect(runCli('synth', [], dir).code).toBe(0);
    const qa = join(dir, 'dist', 'qa');
    const expected = snapshotDir(qa);
    // same size, other bytes, in a file whose app now comes from the render cache
    const file = Object.keys(expected).find((f) => f.includes('app-0002'))!;
    const edited = expected[file].replace('minReplicas: 2', 'minReplicas: 9');
    expect(edited).not.toBe(expected[file]);
    writeFileSync(join(qa, file), edited);
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(snapshotDir(qa)).toEqual(expected);
    const { dist } = JSON.parse(readFileSync(join(dir, '.stagecraft', 'fingerprint.json'), 'utf8')) as { dist: Record<string, string> };
    for (const [f, text] of Object.entries(expected)) expect(dist[`dist/qa/${f}`]).toBe(sha256Hex(text));
    expect(runCli('check', [], dir).code).toBe(0);
    // check without the fingerprint compares each file by the digest the cache gives: the edit is found
    writeFileSync(join(qa, file), edited);
    rmSync(join(dir, '.stagecraft', 'fingerprint.json'));
    const stale = runCli('check', [], dir);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`changed: dist/qa/${file}`);
    expect(stale.stderr.match(/changed: /g)).toHaveLength(1);
    writeFileSync(join(qa, file), expected[file]);
    expect(runCli('check', [], dir).code).toBe(0);
  });
});
