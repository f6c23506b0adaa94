import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, openProject, schemaText, DIST_DIR, SCHEMA_FILE } from '../lib/cli/project.js';
import { compareDist } from '../lib/synth/compare-dist.js';
import { REPO } from './helpers/cli.js';

describe('the committed output', () => {
  const project = openProject(REPO);

  it('has a stage file for every stage', () => {
    expect(project.stages.length).toBeGreaterThan(0);
  });

  it('equals a fresh synthesis of every stage (run `npm run synth` after changing a stage or a stack)', () => {
    const { tree } = compile(project);
    expect(compareDist(join(REPO, DIST_DIR), tree, { removeOthers: true })).toEqual({ changed: [], missing: [], extra: [], foreign: [] });
  });

  it('includes the current stage-file schema for editors', () => {
    expect(readFileSync(join(REPO, SCHEMA_FILE), 'utf8')).toBe(schemaText());
  });

  it('is checked out with LF line endings where git converts them (core.autocrlf=true, as on Windows), so it still equals a synthesis', () => {
    // a repository of dist/ and .gitattributes as they are here (a copy of this one may have no commit yet), cloned as Windows does
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-autocrlf-'));
    try {
      const source = join(dir, 'source');
      const clone = join(dir, 'clone');
      cpSync(join(REPO, DIST_DIR), join(source, DIST_DIR), { recursive: true });
      if (existsSync(join(REPO, '.gitattributes'))) cpSync(join(REPO, '.gitattributes'), join(source, '.gitattributes'));
      const git = (cwd: string, ...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8', stdio: 'pipe' });
      git(source, 'init', '-q');
      git(source, 'add', '-A');
      git(source, 'commit', '-q', '-m', 'dist');
      git(dir, 'clone', '-q', '-c', 'core.autocrlf=true', source, clone);
      const eols = git(clone, 'ls-files', '--eol', '--', DIST_DIR)
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split(/\s+/)[1]);
      expect(eols.length).toBeGreaterThan(0);
      expect(eols.filter((eol) => eol !== 'w/lf')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is never the output folder of cdk8s.yaml, which the cdk8s CLI deletes before each synth', () => {
    const output = /^output: (\S+)$/m.exec(readFileSync(join(REPO, 'cdk8s.yaml'), 'utf8'))?.[1];
    expect(output).toBeDefined();
    const rel = relative(join(REPO, DIST_DIR), join(REPO, output!));
    // neither dist/ itself nor inside it, nor a folder dist/ is in
    expect(rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))).toBe(false);
    expect(relative(join(REPO, output!), join(REPO, DIST_DIR)).startsWith('..')).toBe(true);
  });
});
