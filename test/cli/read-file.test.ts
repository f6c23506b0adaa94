/**
 * What the `manifests` stack may read (lib/cli/read-file.ts, `readProjectSource`): files of the
 * project only, judged where a path really leads, so that a symbolic link never brings a file from
 * elsewhere on the machine into dist/.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, isWithin, readProjectSource } from '../../lib/cli/read-file.js';
import { ExitCode, ProblemsError } from '../../lib/errors.js';
import { repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-outside\ndata:\n  where: outside-the-project\n';

/** A folder outside any project, holding one manifest. */
function outside(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-outside-'));
  writeFileSync(join(dir, 'cm.yaml'), CONFIG_MAP);
  return dir;
}

/** The ProblemsError `run` throws. */
function errorOf(run: () => unknown): ProblemsError {
  try {
    run();
  } catch (e) {
    if (e instanceof ProblemsError) return e;
    throw e;
  }
  throw new Error('no ProblemsError was thrown');
}

describe('isWithin', () => {
  it('is true for the directory and what is below it (a name starting with .. too), false for its parent, a sibling and another root', () => {
    expect(['/p', '/p/x', '/p/..data', '/p/a/../b'].map((path) => isWithin('/p', path))).toEqual([true, true, true, true]);
    expect(['/', '/pq', '/p/../q', '/q/p'].map((path) => isWithin('/p', path))).toEqual([false, false, false, false]);
  });
});

describe('readProjectSource', () => {
  it('refuses a symbolic link to a folder outside the project, naming the link and where it leads (exit 2)', () => {
    const root = tempProject({});
    const ext = outside();
    mkdirSync(join(root, 'manifests'));
    symlinkSync(ext, join(root, 'manifests', 'ext'));
    const e = errorOf(() => readProjectSource(root, 'manifests/ext'));
    expect(e.exitCode).toBe(ExitCode.badInput);
    expect(e.problems).toEqual([
      expect.objectContaining({
        code: 'config/outside-project',
        message: expect.stringMatching(/^manifests\/ext leads outside the project through a symbolic link \(to .*stagecraft-outside-/),
        hint: expect.stringContaining('copy the manifests into the project'),
      }),
    ]);
    // and through it, a file of that folder
    expect(errorOf(() => readProjectSource(root, 'manifests/ext/cm.yaml')).problems[0].code).toBe('config/outside-project');
  });

  it('refuses a link to a file outside, whether named itself or met in an included folder', () => {
    const root = tempProject({});
    const ext = outside();
    mkdirSync(join(root, 'manifests'));
    writeFileSync(join(root, 'manifests', 'own.yaml'), CONFIG_MAP.replace('from-outside', 'own'));
    symlinkSync(join(ext, 'cm.yaml'), join(root, 'manifests', 'ext.yaml'));
    expect(errorOf(() => readProjectSource(root, 'manifests/ext.yaml')).problems[0].message).toMatch(/^manifests\/ext\.yaml leads outside/);
    expect(errorOf(() => readProjectSource(root, 'manifests')).problems[0].message).toMatch(/^manifests\/ext\.yaml leads outside/);
  });

  it('follows links that stay in the project, and reads a folder linked to its own ancestor once', () => {
    const root = tempProject({});
    mkdirSync(join(root, 'shared'));
    writeFileSync(join(root, 'shared', 'cm.yaml'), CONFIG_MAP);
    mkdirSync(join(root, 'manifests'));
    symlinkSync('../shared', join(root, 'manifests', 'shared'));
    symlinkSync('..', join(root, 'manifests', 'up'));
    // a file that is not read may be a link to anywhere
    symlinkSync('/etc/hostname', join(root, 'manifests', 'README.md'));
    const files = readProjectSource(root, 'manifests')!;
    // through up/, the project's files once (stagecraft.yaml too), but not manifests/ again
    expect([...files.keys()]).toEqual(['manifests/shared/cm.yaml', 'manifests/up/shared/cm.yaml', 'manifests/up/stagecraft.yaml']);
    expect(files.get('manifests/shared/cm.yaml')).toBe(CONFIG_MAP);
  });

  it("skips what npm run check -- <dir> skips: entries starting with a dot (a checkout's .git/ and .github/) and node_modules/", () => {
    const root = tempProject({});
    const files = {
      'manifests/web/cm.yaml': CONFIG_MAP,
      'manifests/.github/workflows/ci.yaml': 'on: push\njobs: {}\n',
      'manifests/.hidden.yaml': CONFIG_MAP,
      'manifests/node_modules/pkg/cm.yaml': CONFIG_MAP,
      'manifests/web/.backup/cm.yaml': CONFIG_MAP,
      // a ConfigMap mounted as a folder: each file is a link into ..data/, read once through its link
      'manifests/mounted/..2026_12_03/cm.yaml': CONFIG_MAP,
    };
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), text);
    }
    symlinkSync('..2026_12_03', join(root, 'manifests', 'mounted', '..data'));
    symlinkSync('..data/cm.yaml', join(root, 'manifests', 'mounted', 'cm.yaml'));
    expect([...readProjectSource(root, 'manifests')!.keys()]).toEqual(['manifests/mounted/cm.yaml', 'manifests/web/cm.yaml']);
    // named itself, a dot folder is read
    expect([...readProjectSource(root, 'manifests/web/.backup')!.keys()]).toEqual(['manifests/web/.backup/cm.yaml']);
  });

  it('reads a folder whose name starts with two dots, and refuses what leaves the project by its path', () => {
    const root = tempProject({});
    mkdirSync(join(root, '..data'));
    writeFileSync(join(root, '..data', 'cm.yaml'), CONFIG_MAP);
    expect([...readProjectSource(root, '..data')!.keys()]).toEqual(['..data/cm.yaml']);
    expect(readProjectSource(root, '..')).toBeUndefined();
    expect(readProjectSource(root, '../x')).toBeUndefined();
  });
});

describe('npm run synth with a manifests app that includes a link to outside the project', () => {
  it('refuses the project (exit 2), says why, and writes nothing', () => {
    const root = tempProject({
      lab: `${repoStage('lab')}`.replace(/^apps:\n/m, 'apps:\n  extra:\n    stack: manifests\n    include: [manifests/ext]\n'),
    });
    expect(readFileSync(join(root, 'environments', 'lab.yaml'), 'utf8')).toContain('include: [manifests/ext]');
    mkdirSync(join(root, 'manifests'));
    symlinkSync(outside(), join(root, 'manifests', 'ext'));
    const result = runCli('synth', [], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: manifests\/ext leads outside the project through a symbolic link/m);
    expect(snapshotDir(join(root, 'dist'))).toEqual({});
  });
});

describe('a file that is not UTF-8', () => {
  const problemOf = (bytes: number[]) => {
    try {
      decodeUtf8(Uint8Array.from(bytes), 'environments/odd.yaml');
    } catch (e) {
      return (e as ProblemsError).problems[0];
    }
    throw new Error('decoded');
  };

  // 'apps: {}\n' as Notepad's "Unicode" saves it: the first byte is the invalid one, on the first line of three
  it('saved as UTF-16 is refused at 1:1, where its first byte is (not at the last line), and said to be UTF-16', () => {
    const utf16 = [...Buffer.from('\ufeffapps: {}\n\n', 'utf16le')];
    expect(problemOf(utf16)).toMatchObject({
      location: { file: 'environments/odd.yaml', line: 1, column: 1 },
      message: 'the file is not valid UTF-8 (byte 0xff at byte offset 0)',
      hint: 'the file starts with a UTF-16 byte-order mark: save it as UTF-8 text',
    });
  });

  it('with an invalid byte further on is refused at its line and column, with the plain hint', () => {
    expect(problemOf([0x61, 0x0a, 0x62, 0xc3, 0x28, 0x0a])).toMatchObject({
      location: { line: 2, column: 2 },
      hint: 'save the file as UTF-8 text',
    });
  });
});
