/**
 * Warnings about a stage file's own settings (a stack's refine step: a careless quantity) are said
 * by every synthesis, a replayed one (nothing changed) as a compiling one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';

const stage =
  'apps:\n  api:\n    stack: service\n    image: team/api:1.0\n    ports: { http: { port: 8080 } }\n' +
  '    resources: { requests: { cpu: 100m, memory: 512m }, limits: { cpu: 200m, memory: 1Gi } }\n';

/** The located warnings of a synth's stderr. */
const located = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('environments/'));

describe("a warning about a stage file's setting", () => {
  it('is said at its place by a synthesis that compiles the stage, and again by one that keeps it', () => {
    const other = (replicas: number) => `apps:\n  web:\n    stack: nginx\n    image: nginx:1.25\n    replicas: ${replicas}\n`;
    const dir = tempProject({ svc: stage, web: other(1) });
    const first = runCli('synth', [], dir);
    expect(first.code).toBe(0);
    const said = located(first.stderr);
    expect(said).toEqual([expect.stringMatching(/^environments\/svc\.yaml:6:\d+: warning: .*512m.*/)]);
    // another stage changed: this one is kept, not compiled, and its warnings are said as they were
    writeFileSync(join(dir, 'environments', 'web.yaml'), other(2));
    const kept = runCli('synth', [], dir);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(/^svc: .*unchanged/m);
    expect(located(kept.stderr)).toEqual(said);
    // nothing changed: the last synthesis's report is said again
    expect(located(runCli('synth', [], dir).stderr)).toEqual(said);
  });
});
