/** A node port a removed stage's Services hold on the cluster, which a stage now declares (a stage renamed): lib/edge/removed-node-ports.ts. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoStage, runCli, tempProject } from '../helpers/cli.js';

/** The lab stage's project, synthesized, then its stage file renamed lab2 (its namespace and objects too): the removed stage lab's output stays in dist/ until a synthesis of every stage. */
function renamed(edit: (text: string) => string = (t) => t): string {
  const dir = tempProject({ lab: repoStage('lab') });
  expect(runCli('synth', [], dir).code).toBe(0);
  const text = readFileSync(join(dir, 'environments', 'lab.yaml'), 'utf8');
  rmSync(join(dir, 'environments', 'lab.yaml'));
  writeFileSync(join(dir, 'environments', 'lab2.yaml'), edit(text.replaceAll('lab', 'lab2')));
  return dir;
}

describe("a node port that a removed stage's Service holds on the cluster", () => {
  it('is warned of at the setting of the stage that now declares it, by a synthesis of that stage and of every stage: delete the removed stage first', () => {
    const dir = renamed();
    const warning =
      "environments/lab2.yaml:31:42: warning: Service lab2/nginx (apps.nginx.service.nodePort) takes node port 30080, which Service lab/nginx of removed stage lab's edge in dist/lab/ (there is no environments/lab.yaml) holds on this stage's cluster (a node of one address) until stage lab's objects are deleted: until then the API server refuses this stage's Service (provided port is already allocated)\n" +
      "  hint: delete stage lab's objects first (the kubectl delete command npm run synth prints as it removes dist/lab/), then apply this stage; the hosts sent to node port 30080 are not served in between, so do both back to back, in a quiet moment";
    expect(runCli('synth', ['--stage', 'lab2', '--verbose'], dir).stderr).toContain(warning);
    const all = runCli('synth', ['--verbose'], dir);
    expect(all.stdout).toContain('lab: removed dist/lab/');
    expect(all.stderr).toContain(warning);
    // said once: the removed stage's output is gone
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toContain('edge/node-port-held');
    expect(runCli('synth', ['--verbose'], dir).stderr).not.toContain('takes node port 30080');
  });

  it('is not warned of on another cluster (no node of one address), nor at another node port', () => {
    const elsewhere = renamed((t) => t.replace(/address: 192\.168\.122\.(\d+) \}/g, (_, n) => `address: 192.168.123.${n} }`));
    expect(runCli('synth', ['--verbose'], elsewhere).stderr).not.toContain('takes node port');
    const moved = renamed((t) => t.replace('nodePort: 30080', 'nodePort: 30081'));
    expect(runCli('synth', ['--verbose'], moved).stderr).not.toContain('takes node port');
  });
});
