import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openProject } from '../lib/cli/project.js';
import { REPO } from './helpers/cli.js';

describe('kubectl accepts the committed output', () => {
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });

  it('kubectl is installed (these tests need it; they must not pass without it)', () => {
    expect(kubectl.error, 'kubectl was not found on PATH: install kubectl 1.32 to run these tests').toBeUndefined();
    expect(kubectl.status).toBe(0);
  });

  it.each(openProject(REPO).stages)('kubectl kustomize dist/%s', (stage) => {
    const r = spawnSync('kubectl', ['kustomize', `dist/${stage}`], { cwd: REPO, encoding: 'utf8' });
    expect(r.error, 'kubectl was not found on PATH').toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`kind: Namespace`);
  });
});
