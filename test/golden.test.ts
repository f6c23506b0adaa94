import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-autocrlf-'));
    try {
      const clone = join(dir, 'clone');
      execFileSync('git', ['clone', '-q', '-c', 'core.autocrlf=true', '--depth', '1', `file://${REPO}`, clone], { stdio: 'pipe' });
      const eols = execFileSync('git', ['ls-files', '--eol', '--', DIST_DIR], { cwd: clone, encoding: 'utf8' })
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
