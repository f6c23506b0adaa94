/**
 * The README's commands that put a new haproxy.cfg, then keepalived.conf, on the edge machines, run
 * by bash with scp and ssh replaced by functions that log each call and fail where a test says: a
 * config that one machine refuses is reloaded on none, a reload that fails on one machine does not
 * stop the others, and keepalived.conf goes nowhere while a machine's haproxy does not answer its monitor.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { HAPROXY_MONITOR_URL } from '../../lib/edge/haproxy.js';

/**
 * The lines of the README's sh block holding `marker`: after the one starting with `after`, up to
 * the one starting with `before` (else to the end).
 */
function readmeCommands(marker: string, after: string, before?: string): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes(marker));
  expect(block, `the sh block with ${marker}`).toBeDefined();
  const lines = block!.split('\n');
  const from = lines.findIndex((l) => l.startsWith(after)) + 1;
  const to = before === undefined ? lines.length : lines.findIndex((l) => l.startsWith(before));
  expect(from).toBeGreaterThan(0);
  expect(to).toBeGreaterThan(from);
  return lines.slice(from, to).join('\n');
}

/** The lines that copy, check, install and reload haproxy.cfg on every edge machine: between the certificate, put in place once, and the reload without systemd. */
const haproxyCommands = () => readmeCommands('systemctl reload-or-restart haproxy', 'cat traininglab.com.crt', '# without systemd');
/** The lines that ask haproxy's monitor, then copy, check, install and reload keepalived.conf on every edge machine. */
const keepalivedCommands = () => readmeCommands('systemctl reload-or-restart keepalived', 'sudo apt-get install keepalived');

/**
 * Runs `commands`; `fail` names the machine whose monitor (curl), check (`haproxy -c`, `keepalived -t`)
 * or reload fails, and `stopped` the one whose service does not run yet (a first install of keepalived:
 * Debian's unit does not start without a keepalived.conf), where `systemctl reload` fails and
 * `reload-or-restart` starts it. The calls made and what was printed.
 */
function run(
  commands: string,
  fail: { monitor?: string; check?: string; reload?: string; stopped?: string } = {},
): { calls: string[]; out: string } {
  const stubs = [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion (the machine of scp's target)
    'scp() { echo "call copy ${2%%:*}"; }',
    // ssh runs the machine's command here, with curl and sudo logging each step and failing on the machine the test says
    'ssh() { M=$1; eval "$2"; }',
    'curl() { echo "call monitor $M"; [ "$M" != "$FAIL_MONITOR" ]; }',
    'sudo() { case "$1" in haproxy|keepalived) echo "call check $M"; [ "$M" != "$FAIL_CHECK" ];; install) echo "call install $M";; systemctl) if [ "$2" = enable ]; then echo "call enable $M"; else echo "call reload $M"; [ "$M" != "$FAIL_RELOAD" ] && { [ "$2" = reload-or-restart ] || [ "$M" != "$STOPPED" ]; }; fi;; esac; }',
  ];
  const r = spawnSync('bash', ['-c', `${stubs.join('\n')}\n${commands}`], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      FAIL_MONITOR: fail.monitor ?? '',
      FAIL_CHECK: fail.check ?? '',
      FAIL_RELOAD: fail.reload ?? '',
      STOPPED: fail.stopped ?? '',
    },
  });
  expect(r.error).toBeUndefined();
  const lines = r.stdout.split('\n').filter(Boolean);
  return { calls: lines.filter((l) => l.startsWith('call ')), out: lines.filter((l) => !l.startsWith('call ')).join('\n') };
}

/** The calls that install the file on both machines, enable the service at boot and reload it (or start it), once every check has passed. */
const INSTALLED = [
  'call install haproxy1',
  'call enable haproxy1',
  'call reload haproxy1',
  'call install haproxy2',
  'call enable haproxy2',
  'call reload haproxy2',
];

describe("the README's reload of haproxy.cfg on the edge machines", () => {
  it('checks the config on every machine before it reloads any', () => {
    const { calls } = run(haproxyCommands());
    expect(calls).toEqual(['call copy haproxy1', 'call check haproxy1', 'call copy haproxy2', 'call check haproxy2', ...INSTALLED]);
  });

  it('reloads no machine when the second refuses the config, naming it', () => {
    const { calls, out } = run(haproxyCommands(), { check: 'haproxy2' });
    expect(calls.filter((c) => c.includes('install') || c.includes('reload'))).toEqual([]);
    expect(out).toMatch(/haproxy2/);
  });

  it('reloads the other machines when one fails to, naming it', () => {
    const { calls, out } = run(haproxyCommands(), { reload: 'haproxy1' });
    expect(calls.filter((c) => c.includes('reload'))).toEqual(['call reload haproxy1', 'call reload haproxy2']);
    expect(out).toMatch(/haproxy1/);
  });
  it('starts haproxy, enabled at boot again, on a machine where it was stopped (an edge taken out, whose warning said systemctl disable --now, then put back), printing no failure', () => {
    const { calls, out } = run(haproxyCommands(), { stopped: 'haproxy2' });
    expect(calls.slice(-6)).toEqual(INSTALLED);
    expect(out).toBe('');
  });
});

describe("the README's reload of keepalived.conf on the edge machines", () => {
  it("asks every machine's haproxy the monitor keepalived asks (never through a proxy) and checks the file there with keepalived -t, before it installs it on any", () => {
    expect(keepalivedCommands()).toContain(`curl -fsS --noproxy '*' --max-time 1 -o /dev/null ${HAPROXY_MONITOR_URL}`);
    expect(run(keepalivedCommands()).calls).toEqual([
      'call monitor haproxy1',
      'call copy haproxy1',
      'call check haproxy1',
      'call monitor haproxy2',
      'call copy haproxy2',
      'call check haproxy2',
      ...INSTALLED,
    ]);
  });

  it("installs it on no machine when one's haproxy does not answer its monitor (the old haproxy.cfg: every check would fail, and no machine would hold the address), saying to reload haproxy.cfg first", () => {
    const { calls, out } = run(keepalivedCommands(), { monitor: 'haproxy2' });
    expect(calls.filter((c) => c.includes('install') || c.includes('reload'))).toEqual([]);
    expect(out).toMatch(/haproxy on haproxy2 does not answer its monitor .*: reload the new haproxy\.cfg on every machine first/);
  });

  it('starts keepalived on a machine where it does not run yet (a first install), printing no failure', () => {
    const { calls, out } = run(keepalivedCommands(), { stopped: 'haproxy2' });
    expect(calls.slice(-6)).toEqual(INSTALLED);
    expect(out).toBe('');
  });

  it('names the machine whose reload or start fails, without claiming it runs an old keepalived.conf (on a first install it runs none)', () => {
    const { calls, out } = run(keepalivedCommands(), { reload: 'haproxy1' });
    expect(calls.filter((c) => c.includes('reload'))).toEqual(['call reload haproxy1', 'call reload haproxy2']);
    expect(out).toMatch(/failed on haproxy1: see sudo systemctl status keepalived there/);
    expect(out).not.toMatch(/old keepalived\.conf/);
  });

  it('installs it on no machine when keepalived -t refuses it on one, naming it', () => {
    const { calls, out } = run(keepalivedCommands(), { check: 'haproxy2' });
    expect(calls.filter((c) => c.includes('install') || c.includes('reload'))).toEqual([]);
    expect(out).toMatch(/haproxy2/);
  });
});
