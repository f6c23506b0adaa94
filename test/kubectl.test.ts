import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../lib/cli/project.js';
import { REPO } from './helpers/cli.js';

describe('kubectl accepts the committed output', () => {
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });

  it('kubectl is installed (these tests need it; they must not pass without it)', () => {
    expect(kubectl.error, 'kubectl was not found on PATH: install kubectl 1.32 to run these tests').toBeUndefined();
    expect(kubectl.status).toBe(0);
  });

  it.each(openProject(REPO).stages)('kubectl kustomize dist/%s (the Kustomization file)', (stage) => {
    const r = spawnSync('kubectl', ['kustomize', `dist/${stage}`], { cwd: REPO, encoding: 'utf8' });
    expect(r.error, 'kubectl was not found on PATH').toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`kind: Namespace`);
  });

  // `kubectl apply -f` needs an API server; with none reachable, client-side validation fails once
  // per file it read, naming the file: that names exactly the files `-f` takes as manifests.
  it.each(openProject(REPO).stages)('kubectl apply -f dist/%s reads the manifests and nothing else', (stage) => {
    const r = spawnSync(
      'kubectl',
      ['apply', '--dry-run=client', '-f', `dist/${stage}`, '--server', 'http://127.0.0.1:9', '--request-timeout=5s'],
      {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, KUBECONFIG: '/dev/null' },
      },
    );
    expect(r.error, 'kubectl was not found on PATH').toBeUndefined();
    const read = [...r.stderr.matchAll(/error validating "([^"]+)"/g)].map((m) => m[1].replace(/^.*\//, '')).sort();
    const manifests = readdirSync(join(REPO, 'dist', stage))
      .filter((f) => /^\d\d-.*\.yaml$/.test(f))
      .sort();
    expect(manifests.length).toBeGreaterThan(0);
    expect(read).toEqual(manifests);
  });
});
