/** The real keepalived (`keepalived -t -f`, Debian's package), for the tests that check generated keepalived.conf files. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KEEPALIVED_MISSING =
  'keepalived is not installed, so the generated keepalived.conf files cannot be checked: ' +
  'apt-get update && apt-get install -y keepalived (.ci/run installs it when missing)';
export const installed = spawnSync('keepalived', ['--version'], { encoding: 'utf8' });

/**
 * keepalived -t insists that the VRRP interface exists here (and is not loopback): the configs'
 * interface is mapped to one of this machine's, as the certificates are for haproxy -c.
 */
const LOCAL_INTERFACE = existsSync('/sys/class/net')
  ? readdirSync('/sys/class/net')
      .filter((n) => n !== 'lo')
      .sort()[0]
  : undefined;

/** `keepalived -t` on `config`, its interface mapped to one of this machine's: the exit status and what it printed. */
export function checkKeepalived(config: string): { status: number | null; output: string } {
  if (installed.error) throw new Error(KEEPALIVED_MISSING);
  if (!LOCAL_INTERFACE) throw new Error('this machine has no network interface but lo, which keepalived -t needs for a VRRP instance');
  // a directory of its own each time: test files that share this module run side by side
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-keepalived-'));
  try {
    const path = join(dir, 'keepalived.conf');
    writeFileSync(path, config.replace(/(\binterface|\bdev) \S+/g, `$1 ${LOCAL_INTERFACE}`));
    const r = spawnSync('keepalived', ['-t', '-f', path], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
