import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMountPoint, mayRefuseMove, mountPoints } from '../../lib/synth/mount-point.js';
import { unmovableEntries } from '../../lib/synth/unmovable.js';
import { canMount, inMountNamespace, promotableProject } from '../helpers/cli.js';

/** A line of /proc/self/mountinfo mounting something at `at` (written as the kernel escapes it). */
const mountLine = (id: number, at: string) =>
  `${id} 1 0:${id} / ${at.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)} rw,relatime - tmpfs tmpfs rw\n`;

describe('whether a stage directory is asked of the kernel if it moves (mayRefuseMove)', () => {
  /** A line of /proc/self/mountinfo mounting a file system of `type` with `options` at `at`. */
  const line = (id: number, at: string, type: string, options = 'rw') =>
    `${id} 1 0:${id} / ${at} rw,relatime shared:${id} - ${type} ${type} ${options}\n`;
  const project = () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'stagecraft-probe-')));
    mkdirSync(join(root, 'dist', 'qa'), { recursive: true });
    return root;
  };
  const noProbe = () => {
    throw new Error('the kernel was asked');
  };

  it.each([
    ['a file system that is not overlayfs', 'tmpfs', 'rw', false, false],
    ['overlayfs mounted with redirect_dir=on', 'overlay', 'rw,lowerdir=/l,upperdir=/u,workdir=/w,redirect_dir=on', false, false],
    ['overlayfs mounted with redirect_dir=off', 'overlay', 'rw,lowerdir=/l,upperdir=/u,workdir=/w,redirect_dir=off', true, true],
    ['overlayfs mounted with redirect_dir=follow (which makes no redirect)', 'overlay', 'rw,redirect_dir=follow', false, true],
    ['overlayfs whose options do not say, where the default is on', 'overlay', 'rw,lowerdir=/l', true, false],
    ['overlayfs whose options do not say, where the default is off', 'overlay', 'rw,lowerdir=/l', false, true],
  ])('on %s: %s', (_, type, options, redirectDefault, asked) => {
    const root = project();
    // the project's file system on top of an unrelated one at /, and one mounted beside it that holds it not
    const table = mountPoints(line(20, '/', 'ext4') + line(21, root, type, options) + line(22, `${root}-other`, 'tmpfs'));
    expect(mayRefuseMove(join(root, 'dist', 'qa'), table, () => redirectDefault)).toBe(asked);
  });

  it('where there is no mount table, always', () => {
    expect(mayRefuseMove(project(), undefined, () => true)).toBe(true);
  });

  it('is not done for a stage directory on a file system that is not overlayfs: nothing is renamed to ask', () => {
    const root = project();
    const table = mountPoints(line(20, '/', 'ext4') + line(21, root, 'tmpfs'));
    expect(unmovableEntries({ root, distDir: 'dist' }, 'qa', [''], table, noProbe)).toEqual([]);
  });
});

describe('isMountPoint', () => {
  it('is true for a path the mount table lists exactly (its real path, a space in it written as \\040 there)', () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'stagecraft-mount ')));
    const file = join(dir, 'qa.yaml');
    writeFileSync(file, 'apps: {}\n');
    const table = mountLine(21, '/') + mountLine(22, file);
    expect(isMountPoint(file, mountPoints(table))).toBe(true);
    expect(isMountPoint(dir, mountPoints(table))).toBe(false);
  });

  it("is decided by the mount table alone where there is one, not by the device: on overlayfs a file reports its layer's device and its directory the overlay's", () => {
    // /proc is on another device than / wherever it is mounted: with a table that does not list it, it is no mount point
    expect(isMountPoint('/proc', mountPoints(mountLine(21, '/')))).toBe(false);
    expect(isMountPoint('/proc', mountPoints(mountLine(21, '/') + mountLine(22, '/proc')))).toBe(true);
  });

  it('is decided by the device without a mount table (no /proc)', () => {
    expect(isMountPoint('/proc', undefined)).toBe(true);
    expect(isMountPoint(tmpdir(), undefined)).toBe(false);
  });
});

describe.skipIf(!canMount)('a project on overlayfs (a container whose layers are on other file systems)', () => {
  it("promote edits a stage file and replaces a stage directory holding a foreign file, all from a lower layer (whose files report that layer's device, their directories the overlay's): none is a mount point", () => {
    const lower = promotableProject();
    writeFileSync(join(lower, 'dist', 'qa', 'NOTES.md'), 'hand-written\n');
    const place = mkdtempSync(join(tmpdir(), 'stagecraft-overlay-'));
    for (const d of ['layer', 'merged']) mkdirSync(join(place, d));
    const merged = join(place, 'merged');
    // the upper layer on a file system of its own (a tmpfs of 1 MiB, gone with the namespace); redirect_dir lets
    // rename(2) move a directory of the lower layer (dist/qa), which an overlay without it refuses (EXDEV)
    const layers = `mount -t tmpfs -o size=1m tmpfs ${place}/layer && mkdir ${place}/layer/upper ${place}/layer/work`;
    const r = inMountNamespace(
      `${layers} && mount -t overlay overlay -o redirect_dir=on,lowerdir=${lower},upperdir=${place}/layer/upper,workdir=${place}/layer/work ${merged} && cd ${merged} && "$0" "$1" promote test qa && cat environments/qa.yaml dist/qa/NOTES.md`,
    );
    expect(r.stderr).toMatch(/^warning: dist\/ holds files that stagecraft did not write; they are left as they are: dist\/qa\/NOTES.md\n/);
    expect(r.stderr).not.toContain('error');
    expect(r.stderr).not.toContain('is a mount point');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('image: demoapp:1.2\n');
    expect(r.stdout).toMatch(/\nhand-written\n$/);
    // the lower layer is as it was: the edit went to the upper one
    expect(readFileSync(join(lower, 'environments', 'qa.yaml'), 'utf8')).not.toContain('demoapp:1.2');
  });
});

describe.skipIf(!canMount)('a project on overlayfs without redirect_dir (a container image built with RUN npm run synth)', () => {
  it('refuses to replace a stage directory of a lower layer, which rename(2) cannot move there (EXDEV), before the journal: nothing changed, the next command has nothing to recover', () => {
    const lower = promotableProject();
    const place = mkdtempSync(join(tmpdir(), 'stagecraft-overlay-'));
    for (const d of ['layer', 'merged']) mkdirSync(join(place, d));
    const merged = join(place, 'merged');
    const layers = `mount -t tmpfs -o size=1m tmpfs ${place}/layer && mkdir ${place}/layer/upper ${place}/layer/work`;
    // redirect_dir=off whatever the kernel's default (/sys/module/overlay/parameters/redirect_dir)
    const overlay = `mount -t overlay overlay -o redirect_dir=off,lowerdir=${lower},upperdir=${place}/layer/upper,workdir=${place}/layer/work ${merged}`;
    const r = inMountNamespace(
      `${layers} && ${overlay} && cd ${merged} && "$0" "$1" promote test qa; echo "exit $?"; ` +
        `ls -a .stagecraft dist; grep -c demoapp:1.2 environments/qa.yaml; "$0" "$1" synth qa 2>&1 >/dev/null | head -3; ` +
        `mv dist/qa dist/qa.lower && mv dist/qa.lower dist/qa && "$0" "$1" promote test qa >/dev/null; echo "then $?"`,
    );
    expect(r.stderr).toContain(
      "error: dist/qa is a directory this file system cannot move (rename(2) says EXDEV): on overlayfs for example, a directory of a lower layer (a container image's) moves only where the overlay is mounted with redirect_dir=on; stagecraft replaces the output of stage 'qa' by moving it aside\n",
    );
    expect(r.stderr).toContain('1 problem; nothing was written.\n');
    expect(r.stderr).toContain(
      '  hint: give it a copy of its own in the upper layer (mv dist/qa dist/qa.lower && mv dist/qa.lower dist/qa: mv copies what it cannot move), or mount the overlay with redirect_dir=on, then run the command again\n',
    );
    expect(r.stdout).toContain('exit 2\n');
    // no journal, no staging directory, the stage file as it was
    expect(r.stdout).not.toContain('journal.json');
    expect(r.stdout).not.toContain('.stagecraft-tx');
    expect(r.stdout).toContain('\n0\n');
    expect(r.stdout).not.toContain('recovered');
    // the hint's fix works
    expect(r.stdout).toContain('then 0\n');
  });
});
