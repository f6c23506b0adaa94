import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureProject, repoStage, runCli } from '../helpers/cli.js';

describe('npm run diff -- <stage>', () => {
  let dir: string;
  beforeAll(() => {
    dir = fixtureProject(['onprem']);
    expect(runCli('synth', [], dir).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("shows the lines that change in the stage's edge files, which check lists as out of date, after its objects", () => {
    writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem').replace('blue: 30091', 'blue: 30093'));
    const diff = runCli('diff', ['onprem'], dir);
    expect(diff).toMatchObject({ code: 0, stderr: '' });
    expect(diff.stdout).toContain('1 changed, 0 only in dist/onprem, 0 only in the sources');
    const edge = diff.stdout
      .slice(diff.stdout.indexOf('\ndist/onprem/edge/haproxy.cfg\n') + 1)
      .trimEnd()
      .split('\n');
    expect(edge).toEqual([
      'dist/onprem/edge/haproxy.cfg',
      '  - # Service onprem/demoapp-blue, node port 30091 on every node',
      '  - server node1 10.0.0.11:30091 check',
      '  - server node2 10.0.0.12:30091 check',
      '  - server node3 10.0.0.13:30091 check',
      '  + # Service onprem/demoapp-blue, node port 30093 on every node',
      '  + server node1 10.0.0.11:30093 check',
      '  + server node2 10.0.0.12:30093 check',
      '  + server node3 10.0.0.13:30093 check',
    ]);
    const check = runCli('check', [], dir);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain('changed: dist/onprem/edge/haproxy.cfg');
  });

  it('says nothing of the edge while its files are current', () => {
    writeFileSync(join(dir, 'environments', 'onprem.yaml'), repoStage('onprem'));
    const diff = runCli('diff', ['onprem'], dir);
    expect(diff.stdout).toMatch(/^dist\/onprem and the sources are the same \(\d+ objects\)\n$/);
  });
});
