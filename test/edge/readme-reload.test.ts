/**
 * The README's commands that put a new haproxy.cfg on the edge machines, run by bash with scp and
 * ssh replaced by functions that log each call and fail where a test says: a config that one
 * machine refuses is reloaded on none, and a reload that fails on one machine does not stop the others.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

/** The lines of the README's sh block that copy, check, install and reload haproxy.cfg on every edge machine. */
function reloadCommands(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('systemctl reload haproxy'));
  expect(block, 'the sh block that reloads haproxy').toBeDefined();
  // between the certificate, put in place once, and the reload without systemd
  const lines = block!.split('\n');
  const from = lines.findIndex((l) => l.startsWith('cat traininglab.com.crt')) + 1;
  const to = lines.findIndex((l) => l.startsWith('# without systemd'));
  expect(from).toBeGreaterThan(0);
  expect(to).toBeGreaterThan(from);
  return lines.slice(from, to).join('\n');
}

/** Runs the commands; `fail` names the machine whose check (`haproxy -c`) or reload fails. The calls made and what was printed. */
function run(fail: { check?: string; reload?: string } = {}): { calls: string[]; out: string } {
  const stubs = [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion (the machine of scp's target)
    'scp() { echo "call copy ${2%%:*}"; }',
    // ssh runs the machine's command here, with sudo logging each step: a check fails on $FAIL_CHECK, a reload on $FAIL_RELOAD
    'ssh() { M=$1; eval "$2"; }',
    'sudo() { case "$1" in haproxy) echo "call check $M"; [ "$M" != "$FAIL_CHECK" ];; install) echo "call install $M";; systemctl) echo "call reload $M"; [ "$M" != "$FAIL_RELOAD" ];; esac; }',
  ];
  const r = spawnSync('bash', ['-c', `${stubs.join('\n')}\n${reloadCommands()}`], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, FAIL_CHECK: fail.check ?? '', FAIL_RELOAD: fail.reload ?? '' },
  });
  expect(r.error).toBeUndefined();
  const lines = r.stdout.split('\n').filter(Boolean);
  return { calls: lines.filter((l) => l.startsWith('call ')), out: lines.filter((l) => !l.startsWith('call ')).join('\n') };
}

describe("the README's reload of haproxy.cfg on the edge machines", () => {
  it('checks the config on every machine before it reloads any', () => {
    const { calls } = run();
    expect(calls).toEqual([
      'call copy haproxy1',
      'call check haproxy1',
      'call copy haproxy2',
      'call check haproxy2',
      'call install haproxy1',
      'call reload haproxy1',
      'call install haproxy2',
      'call reload haproxy2',
    ]);
  });

  it('reloads no machine when the second refuses the config, naming it', () => {
    const { calls, out } = run({ check: 'haproxy2' });
    expect(calls.filter((c) => c.includes('install') || c.includes('reload'))).toEqual([]);
    expect(out).toMatch(/haproxy2/);
  });

  it('reloads the other machines when one fails to, naming it', () => {
    const { calls, out } = run({ reload: 'haproxy1' });
    expect(calls.filter((c) => c.includes('reload'))).toEqual(['call reload haproxy1', 'call reload haproxy2']);
    expect(out).toMatch(/haproxy1/);
  });
});
