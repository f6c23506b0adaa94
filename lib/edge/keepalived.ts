/**
 * keepalived.conf for each edge machine, when the stage declares a floating IP: VRRP over unicast
 * between the machines (networks of VMs often drop multicast), every machine BACKUP without
 * preemption, the first by name with the highest priority (it takes the address when they start
 * together), and the address given up by a machine whose haproxy does not answer (its monitor URI); an IPv6
 * address over VRRP version 3, between the machines' IPv6 addresses. Pure; the same
 * settings give the same bytes.
 */
import { TOP_PRIORITY, type EdgeSettings } from './settings.js';
import { generatedLine } from '../synth/disk.js';
import { HAPROXY_MONITOR_URL } from './haproxy.js';

/** The file of one machine under `dist/<stage>/edge/`. */
export const keepalivedFile = (machine: string) => `keepalived-${machine}.conf`;

/**
 * The floating address a keepalived.conf of `keepalivedConfigs` moves, with its prefix length
 * (`10.0.0.100/24`), as its `virtual_ipaddress` block says: the one reader of the format, to tell
 * whether a stage's output in dist/ has it already (across-stages.ts) and what a removed stage
 * leaves on its machines (lib/cli/removed-stage.ts).
 */
export const floatingAddressIn = (config: string): string | undefined => /^ {4}virtual_ipaddress \{\n {8}(\S+) dev /m.exec(config)?.[1];

/** Where the file goes on the machine (Debian's keepalived package reads it from there). */
export const KEEPALIVED_CONFIG_PATH = '/etc/keepalived/keepalived.conf';

/** How much lower each next machine's priority is than the one before (TOP_PRIORITY: settings.ts). */
const PRIORITY_STEP = 10;

/**
 * The priority of the `i`th of `count` machines: TOP_PRIORITY, then PRIORITY_STEP lower each, or,
 * when that would go below 1 (16 machines or more), the largest step that keeps the last at 1 or above.
 */
export function priorityOf(i: number, count: number): number {
  const step = count <= 1 ? PRIORITY_STEP : Math.min(PRIORITY_STEP, Math.floor((TOP_PRIORITY - 1) / (count - 1)));
  return TOP_PRIORITY - i * step;
}

/** The keepalived.conf of every edge machine, by file name; none without `floatingIp`. */
export function keepalivedConfigs(stage: string, source: string, edge: EdgeSettings): Map<string, string> {
  const out = new Map<string, string>();
  const ip = edge.floatingIp;
  if (!ip) return out;
  // the machines' addresses are of its family (floating-ip.ts), which the adverts go between
  const ipv6 = ip.address.includes(':');
  const machines = Object.entries(edge.machines).sort(([a], [b]) => (a < b ? -1 : 1));
  machines.forEach(([name, { address }], i) => {
    const peers = machines.filter(([other]) => other !== name).map(([, m]) => m.address);
    const lines = [
      `# ${generatedLine(`${source} (stage ${stage})`)}`,
      '# Change the stage file or the stack, then run: npm run synth',
      // installed before haproxy.cfg, it asks a haproxy without the monitor: every machine's check fails, none holds the address
      // reload-or-restart: on a first install Debian's unit has not started (ConditionFileNotEmpty on this file), and reload fails
      `# For the edge machine ${name} (${address}), once the new haproxy.cfg answers on every machine: check a copy`,
      // enabled: stopped with systemctl disable --now (the machine's edge taken out, then put back), it would not start at boot
      `# with keepalived -t -f, install it as ${KEEPALIVED_CONFIG_PATH}, then systemctl enable keepalived and`,
      '# systemctl reload-or-restart keepalived, which starts it where it was stopped (see the README, "The edge").',
      '',
      'global_defs {',
      `    router_id ${name}`,
      '    enable_script_security',
      '    script_user root',
      // VRRP over IPv6 is version 3 only (RFC 5798), where keepalived's default is 2: said, not left to its choice
      ...(ipv6 ? ['    vrrp_version 3'] : []),
      '}',
      '',
      // a haproxy that hangs keeps its pid (pidof would find it): the machine asks haproxy itself, which answers
      // its monitor URI only while it serves; curl gives up after 1s, and keepalived after 2s if curl hangs too;
      // never through a proxy that keepalived's environment names (http_proxy), which would answer in haproxy's place
      // or not at all (keepalived reads the single quotes as the shell does, and runs curl without a shell)
      '# the machine holds the address only while its haproxy answers (its monitor URI, in haproxy.cfg)',
      'vrrp_script chk_haproxy {',
      `    script "/usr/bin/curl --silent --fail --noproxy '*' --max-time 1 --output /dev/null ${HAPROXY_MONITOR_URL}"`,
      '    interval 2',
      '    timeout 2',
      '    fall 2',
      '    rise 2',
      '}',
      '',
      `vrrp_instance ${stage}_edge {`,
      // the address stays where it is until that machine fails: every move cuts the connections open through
      // the machine that held it, so the first machine coming back does not take it back (preemption), which
      // would cut them a second time, and again at each restart of a haproxy that keeps failing; keepalived
      // ignores nopreempt with state MASTER, so every machine starts BACKUP and the priorities elect one
      '    state BACKUP',
      '    nopreempt',
      `    interface ${ip.interface}`,
      `    virtual_router_id ${ip.routerId}`,
      `    priority ${priorityOf(i, machines.length)}`,
      '    advert_int 1',
      `    unicast_src_ip ${address}`,
      '    unicast_peer {',
      ...peers.map((p) => `        ${p}`),
      '    }',
      '    virtual_ipaddress {',
      `        ${ip.address} dev ${ip.interface}`,
      '    }',
      '    track_script {',
      '        chk_haproxy',
      '    }',
      '}',
    ];
    out.set(keepalivedFile(name), lines.join('\n') + '\n');
  });
  return out;
}
