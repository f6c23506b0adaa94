/**
 * What a removed stage (its stage file gone, its output still in `dist/`) leaves in its cluster
 * that its inventory does not say: read from its output's files before a synthesis removes them.
 */
import { namespaceHoldings } from '../data-leaves.js';
import { canonicalAddress } from '../edge/address.js';
import { HAPROXY_FILE, readHaproxyConfig } from '../edge/haproxy.js';
import { EDGE_DIR } from '../edge/index.js';
import type { EdgeSettings } from '../edge/settings.js';
import { andList } from '../model/limits.js';
import { objectsIn } from '../live-edits.js';
import { join } from 'node:path';
import { DIST_DIR, MAX_GENERATED_BYTES, readRegularFile, type DistTree } from '../synth/disk.js';
import { floatingAddressIn, keepalivedFile } from '../edge/keepalived.js';
import { INVENTORY_FILE, parseInventory, type NamespaceHoldings } from '../synth/inventory.js';
import { NAMESPACE_KEY, loadStage, readStageTree, type Project } from './project.js';

/**
 * By namespace, what the Namespaces of a removed stage's output (`inventory`, its text) hold
 * besides its objects: the Secrets they require and the claims of their StatefulSets. Its files
 * are read only when it has a Namespace; when they cannot be read, no namespace has an entry.
 */
export function removedHoldings(project: Project, stage: string, inventory: string): Map<string, NamespaceHoldings> {
  if (![...parseInventory(inventory).keys()].some((k) => k.startsWith(NAMESPACE_KEY))) return new Map();
  let files: Map<string, string>;
  try {
    files = readStageTree(project, stage);
  } catch {
    return new Map(); // the line then says what a namespace may hold
  }
  const objects = [...files].flatMap(([file, text]) => (file === INVENTORY_FILE ? [] : objectsIn(text)));
  return new Map(objects.filter((o) => o.kind === 'Namespace').map((ns) => [String(ns.metadata.name), namespaceHoldings(ns, objects)]));
}

/**
 * The keys of the objects that the stages `holding` (a stage renamed that kept the removed stage's
 * namespace) make, which the removed stage's delete command leaves once they are applied: their
 * inventories as compiled (`tree`), else as written in `dist/`, and their Namespaces, from their
 * stage files, known before their output is.
 */
export function keptByHolding(project: Project, holding: readonly string[], tree?: DistTree): Set<string> {
  const kept = new Set<string>();
  // (a file that cannot be read, or a stage file that does not load, adds nothing: what is known of it is kept)
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  for (const s of holding) {
    const namespace = attempt(() => loadStage(project, s).context.namespace);
    if (namespace !== undefined) kept.add(`${NAMESPACE_KEY}${namespace}`);
    const text =
      tree?.get(s)?.get(INVENTORY_FILE) ??
      attempt(() => readRegularFile(join(project.root, DIST_DIR, s, INVENTORY_FILE), MAX_GENERATED_BYTES));
    for (const k of parseInventory(text ?? '').keys()) kept.add(k);
  }
  return kept;
}

/**
 * What a removed stage's edge goes on doing once its objects are deleted, and what to do on its
 * edge machines, read from its `dist/<stage>/edge/` before a synthesis removes it; undefined when
 * it had no edge (or its haproxy.cfg cannot be read). Those machines keep running its haproxy.cfg,
 * which sends its hosts to the node ports of its Services, and keepalived keeps its floating
 * address there: the objects' delete command reaches neither, and the hosts answer 503. Read as
 * lib/edge/haproxy.ts and keepalived.ts write the files, by their readers (`readHaproxyConfig`: the
 * machines from haproxy.cfg's header, the hosts from its `use_backend` lines; `floatingAddressIn`:
 * the address from each machine's keepalived file). When
 * another stage's edge now uses those machines (a stage renamed, `git mv`; an address compared as the machine it names,
 * `canonicalAddress`), its files go there instead.
 */
export function removedEdgeLine(project: Project, stage: string): string | undefined {
  const dir = join(project.root, DIST_DIR, stage, EDGE_DIR);
  const read = (file: string) => {
    try {
      return readRegularFile(join(dir, file), MAX_GENERATED_BYTES);
    } catch {
      return undefined;
    }
  };
  const haproxy = read(HAPROXY_FILE);
  if (haproxy === undefined) return undefined;
  const { machines, routes } = readHaproxyConfig(haproxy);
  const header = machines.length ? machines.map((m) => `${m.name} (${m.address})`).join(', ') : undefined;
  const hosts = routes.map((r) => r.host);
  const floating = [...new Set(machines.flatMap((m) => floatingAddressIn(read(keepalivedFile(m.name)) ?? '') ?? []))];
  // by the machine each address names: a stage file may write it otherwise (fd00::5, FD00:0:0:0:0:0:0:5)
  const addresses = new Set(machines.map((m) => canonicalAddress(m.address)));
  const taking = project.stages.filter((s) => {
    try {
      const edge = (loadStage(project, s).file as { edge?: EdgeSettings }).edge;
      return Object.values(edge?.machines ?? {}).some((m) => addresses.has(canonicalAddress(m.address)));
    } catch {
      return false; // its command says what is wrong with it
    }
  });
  const services = floating.length ? 'haproxy and keepalived' : 'haproxy';
  const what =
    `${header ? `the edge ${machines.length === 1 ? 'machine' : 'machines'} ${header}` : 'its edge machines'} ${machines.length === 1 ? 'keeps' : 'keep'} running its ${HAPROXY_FILE}` +
    (hosts.length ? `, which sends ${andList(hosts)} to its Services' node ports` : '') +
    (floating.length ? `, and keepalived keeps ${andList(floating)} there` : '');
  const todo = taking.length
    ? `install the edge files of ${andList(taking.map((s) => `${DIST_DIR}/${s}/${EDGE_DIR}/`))} there (${taking.length === 1 ? 'that stage now uses' : 'those stages now use'} those machines) and reload ${services} (README, "The edge")`
    : `point ${hosts.length === 1 ? 'its' : 'their'} DNS elsewhere, then on each edge machine: sudo systemctl disable --now ${floating.length ? 'keepalived haproxy' : 'haproxy'}`;
  return `its edge stays: ${what}; once its objects are deleted, ${hosts.length === 1 ? 'that host answers' : 'its hosts answer'} 503: first ${todo}`;
}
