import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, openProject, schemaText, DIST_DIR, SCHEMA_FILE } from '../lib/cli/project.js';
import { compareDist } from '../lib/synth/disk.js';
import { REPO } from './helpers/cli.js';

describe('the committed output', () => {
  const project = openProject(REPO);

  it('has a stage file for every stage', () => {
    expect(project.stages.length).toBeGreaterThan(0);
  });

  it('equals a fresh synthesis of every stage (run `npm run synth` after changing a stage or a stack)', () => {
    const { tree } = compile(project);
    expect(compareDist(join(REPO, DIST_DIR), tree, { removeOthers: true })).toEqual({ changed: [], missing: [], extra: [] });
  });

  it('includes the current stage-file schema for editors', () => {
    expect(readFileSync(join(REPO, SCHEMA_FILE), 'utf8')).toBe(schemaText());
  });

  it('is written where cdk8s.yaml says the output is', () => {
    expect(readFileSync(join(REPO, 'cdk8s.yaml'), 'utf8')).toMatch(new RegExp(`^output: ${DIST_DIR}$`, 'm'));
  });
});
