import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';

describe('node lib/cli/run.mjs <command>', () => {
  it('runs the command from its bundle as node --import tsx runs its source', () => {
    const bundled = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.mjs'), 'check'], { cwd: REPO, encoding: 'utf8' });
    const source = runCli('check');
    expect({ code: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr }).toEqual(source);
    expect(bundled.stdout).toMatch(/^dist\/ is current/);
  });

  it('passes the arguments after the command to it', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'lib/cli/run.mjs'), 'synth', '--help'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run synth/);
  });
});
