import { describe, expect, it } from 'vitest';
import { compile, openProject } from '../../lib/cli/project.js';
import { REPO } from '../helpers/cli.js';

describe('synthesis is deterministic', () => {
  it('gives the same bytes on two runs', () => {
    const project = openProject(REPO);
    const a = compile(project).tree;
    const b = compile(project).tree;
    expect([...a.entries()].map(([s, f]) => [s, [...f.entries()]])).toEqual([...b.entries()].map(([s, f]) => [s, [...f.entries()]]));
  });

  it('writes no timestamps, machine paths or user names', () => {
    const text = [...compile(openProject(REPO)).tree.values()].flatMap((f) => [...f.values()]).join('\n');
    expect(text).not.toContain(REPO);
    expect(text).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:/);
    expect(text).not.toContain(process.env.HOME ?? '/nonexistent-home');
  });
});
