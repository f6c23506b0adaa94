/**
 * The install steps reload keepalived (`systemctl reload-or-restart keepalived`, a SIGHUP) where another stage's keepalived ran:
 * its keepalived.conf names its instance after its stage (`<stage>_edge`), so the floating IP an edge moved from one stage file to
 * another moves from one VRRP instance to one of another name. keepalived(8) warns that moving an address between instances can
 * need two reloads (when both are in the file before and after, both MASTER); here each file has one instance, and one reload
 * is enough. Checked with the real keepalived, in a network namespace of its own (a veth pair stands in for eth0).
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepalivedConfigs } from '../../lib/edge/keepalived.js';
import { KEEPALIVED_MISSING, installed } from './keepalived-tool.js';

const top = mkdtempSync(join(tmpdir(), 'stagecraft-keepalived-reload-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));

/**
 * `unshare` of a network namespace and a PID namespace whose first process, `sh`, is killed with unshare (`--kill-child`): its
 * end, cut short by the timeout (SIGKILL: unshare --fork ignores SIGTERM) or a kill -9 of the test, ends keepalived and whatever
 * else runs there (the kernel kills a PID namespace's processes with its first), and with them the namespace and its veth pair.
 * A network namespace alone outlives a killed `sh` in keepalived, left running.
 */
const UNSHARE = ['-n', '-p', '-f', '--kill-child', 'sh', '-c'];

/** What `script` printed run in namespaces of its own (`UNSHARE`), whatever its exit status (it says what it saw on stdout), cut short after `timeout` ms. */
const inNamespaces = (script: string, timeout = 30_000) =>
  promisify(execFile)('unshare', [...UNSHARE, script], { encoding: 'utf8', timeout, killSignal: 'SIGKILL' }).catch(
    (e: { stdout?: string; stderr?: string }) => ({
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? String(e),
    }),
  );

/** Whether this machine lets a test make those namespaces with a veth pair (root, or CAP_NET_ADMIN and user namespaces). */
const namespaces = spawnSync('unshare', [...UNSHARE, 'ip link add v0 type veth peer name v1'], { encoding: 'utf8' });

/** The processes of this machine whose command line is `words` (read from /proc), by PID. */
function processesRunning(words: readonly string[]): number[] {
  return readdirSync('/proc').flatMap((pid) => {
    try {
      return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `${words.join('\0')}\0` ? [Number(pid)] : [];
    } catch {
      return []; // ended meanwhile
    }
  });
}

/**
 * The keepalived.conf of machine lb1 (10.9.0.1, alone: no peer answers, so it becomes master) of stage `stage`'s edge, moving
 * `floating` with VRRP router id `routerId`; its haproxy check made to pass (no haproxy runs here), as the test of the check does.
 */
function machineConfig(stage: string, floating: string, routerId: number): string {
  const files = keepalivedConfigs(stage, `environments/${stage}.yaml`, {
    machines: { lb1: { address: '10.9.0.1' } },
    floatingIp: { address: floating, interface: 'v0', routerId },
    frontends: {},
  });
  return files.get('keepalived-lb1.conf')!.replace(/^ {4}script ".*"$/m, '    script "/bin/true"');
}

/**
 * Runs keepalived in a namespace of its own with `before`, waits until it holds its address, installs `after` and reloads it once
 * (SIGHUP, what systemctl reload sends), then says which addresses v0 holds once the new instance had time to become master.
 */
async function reloadOnce(before: string, after: string): Promise<{ held: string; reloaded: string; log: string }> {
  // a directory of each run's own: the runs go side by side, each in its own namespace
  const dir = mkdtempSync(join(top, 'run-'));
  writeFileSync(join(dir, 'after.conf'), after);
  const conf = join(dir, 'keepalived.conf');
  writeFileSync(conf, before);
  const script = [
    'ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up && ip addr add 10.9.0.1/24 dev v0 || exit 3',
    `keepalived -f ${conf} -p ${dir}/k.pid -r ${dir}/v.pid -c ${dir}/c.pid -D -l -n > ${dir}/log.txt 2>&1 &`,
    'k=$!',
    // a BACKUP with no peer becomes master after three adverts missed (advert_int 1) and the skew
    'for i in $(seq 1 40); do [ -n "$(ip -4 -o addr show v0 | grep -v 10.9.0.1/)" ] && break; sleep 0.25; done',
    "echo \"held: $(ip -4 -o addr show v0 | awk '{print $4}' | sort | tr '\\n' ' ')\"",
    `cp ${dir}/after.conf ${conf}`,
    `kill -HUP $(cat ${dir}/k.pid)`,
    'sleep 6',
    "echo \"reloaded: $(ip -4 -o addr show v0 | awk '{print $4}' | sort | tr '\\n' ' ')\"",
    'kill $k; wait $k',
  ].join('\n');
  const r = await inNamespaces(script);
  const line = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(r.stdout)?.[1]?.trim() ?? '';
  return { held: line('held'), reloaded: line('reloaded'), log: `${r.stdout}${r.stderr}` };
}

describe.skipIf(namespaces.status !== 0)(
  'keepalived reloaded once with another stage’s keepalived.conf (a network namespace of its own)',
  () => {
    it('is installed (the tests below need it)', () => {
      expect(installed.error, KEEPALIVED_MISSING).toBeUndefined();
    });

    it.concurrent.each([
      ['the same router id', 7],
      ['another router id', 8],
    ])(
      'holds the floating IP, now in the instance of the stage that takes it, after one reload: %s',
      async (_, routerId) => {
        const { held, reloaded, log } = await reloadOnce(
          machineConfig('shop', '10.9.0.100/24', 7),
          machineConfig('store', '10.9.0.100/24', routerId),
        );
        expect(held, log).toBe('10.9.0.1/24 10.9.0.100/24');
        expect(reloaded, log).toBe('10.9.0.1/24 10.9.0.100/24');
      },
      30_000,
    );

    it.concurrent('gives up the address a file no longer names after that one reload (what the test above looks at is what keepalived holds)', async () => {
      const { held, reloaded, log } = await reloadOnce(
        machineConfig('shop', '10.9.0.100/24', 7),
        machineConfig('store', '10.9.0.101/24', 8),
      );
      expect(held, log).toBe('10.9.0.1/24 10.9.0.100/24');
      expect(reloaded, log).toBe('10.9.0.1/24 10.9.0.101/24');
    }, 30_000);

    it('leaves nothing running when a run is cut short (the timeout, or the test killed): what it started ends with it', async () => {
      // a command line of this run's own, to be found among the machine's processes
      const marker = ['sleep', `${90 + (process.pid % 1000) / 1000}`];
      await inNamespaces(`${marker.join(' ')} & sleep 30`, 1_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const left = processesRunning(marker);
      for (const pid of left) process.kill(pid, 'SIGKILL');
      expect(left).toEqual([]);
    }, 30_000);
  },
);
