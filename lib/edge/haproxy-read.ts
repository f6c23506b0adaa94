/**
 * The one reader of a haproxy.cfg that haproxy.ts wrote (`readHaproxyConfig`), and the header line it
 * reads the machines from. Pure.
 */

/** The head of the header line that names the edge machines (`haproxyConfig`), read back by `readHaproxyConfig`. */
export const MACHINES_LINE = '# For the edge machines ';
/** What follows the machines on that line. */
export const MACHINES_END = ': copy to ';

/** What `readHaproxyConfig` reads back of a haproxy.cfg that `haproxyConfig` wrote. */
export interface WrittenHaproxyConfig {
  /** The edge machines its header names (`name (address)`), in its order. */
  readonly machines: readonly { readonly name: string; readonly address: string }[];
  /** Its `use_backend` lines, in order: the backend and the host sent to it. */
  readonly routes: readonly { readonly backend: string; readonly host: string }[];
  /**
   * Its backends, in order: the Service their comment names, its node port, the one it is checked at when another, whether
   * its servers are sent the traffic over TLS (`ssl`, pods that answer TLS alone: haproxy-backend.ts), and its servers' node
   * addresses (`server <node> <address>:<port> ...`, an IPv6 one bare or in brackets), in order.
   */
  readonly backends: readonly {
    readonly name: string;
    readonly service: string;
    readonly nodePort: string;
    readonly checkPort?: string;
    readonly tls: boolean;
    readonly servers: readonly string[];
  }[];
}

/**
 * What a haproxy.cfg of `haproxyConfig` says of its machines, routes and backends, read back from the
 * lines it writes them on: the one reader of the format, for what a stage's output in dist/ has
 * (across-stages.ts), what changed between two outputs (changes.ts) and what a removed stage leaves
 * on its machines (lib/cli/removed-stage.ts). A file of another shape (edited by hand) reads as what
 * its lines of these shapes say, possibly nothing.
 */
export function readHaproxyConfig(config: string): WrittenHaproxyConfig {
  // the header's third line; its first lines only, so that a long file is not split whole
  const header = config.split('\n', 8).find((l) => l.startsWith(MACHINES_LINE)) ?? '';
  const listed = header.slice(MACHINES_LINE.length, Math.max(0, header.indexOf(MACHINES_END)));
  return {
    machines: [...listed.matchAll(/([^\s,()]+) \(([^()\s]+)\)/g)].map((m) => ({ name: m[1]!, address: m[2]! })),
    // `{ var(txn.host) -m str -i <host> }`, or as outputs written before HOST_VAR have it, `{ <expression> -i <host> }`
    routes: [...config.matchAll(/^ {4}use_backend (\S+) if \{ (?:var\(txn\.host\) -m str|\S+) -i (\S+) \}$/gm)].map((m) => ({
      backend: m[1]!,
      host: m[2]!,
    })),
    backends: [
      ...config.matchAll(/^backend (\S+)\n {4}# (Service \S+), node port (\d+) on every node(?:, checked at node port (\d+))?/gm),
    ].map((m) => {
      // its section's server lines, up to the next section's head (a line not indented)
      const servers = sectionAfter(config, m.index! + m[0].length)
        .split('\n')
        .filter((l) => l.startsWith('    server '))
        .map((l) => l.trim().split(' '));
      return {
        name: m[1]!,
        service: m[2]!,
        nodePort: m[3]!,
        ...(m[4] === undefined ? {} : { checkPort: m[4] }),
        // `ssl` among the words after the server's name and address (not `check-ssl`, nor a node named ssl)
        tls: servers.some((words) => words.slice(3).includes('ssl')),
        // the address before the port's last colon (an IPv6 address is written bare, `fd00::1:30080`)
        servers: servers.flatMap(([, , at = '']) => {
          const address = /^\[?([^\]\s]+?)\]?:\d+$/.exec(at)?.[1];
          return address === undefined ? [] : [address];
        }),
      };
    }),
  };
}

/** The rest of the section of `config` from `start`: up to the next line that is not indented (a section's head), read from there alone. */
function sectionAfter(config: string, start: number): string {
  const head = /\n(?=\S)/g;
  head.lastIndex = start;
  const next = head.exec(config);
  return config.slice(start, next ? next.index : undefined);
}
