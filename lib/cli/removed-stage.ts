/**
 * What a removed stage (its stage file gone, its output still in `dist/`) leaves in its cluster
 * that its inventory does not say: read from its output's files before a synthesis removes them.
 */
import { namespaceHoldings } from '../data-leaves.js';
import { canonicalAddress } from '../edge/address.js';
import { sameMachineMaybe } from '../edge/changes.js';
import { HAPROXY_FILE } from '../edge/haproxy.js';
import { readHaproxyConfig } from '../edge/haproxy-read.js';
import { EDGE_DIR } from '../edge/index.js';
import { installSteps } from '../edge/install-steps.js';
import type { EdgeSettings } from '../edge/settings.js';
import { andList } from '../model/limits.js';
import { objectsIn } from '../live-edits.js';
import { join } from 'node:path';
import { DIST_DIR, MAX_GENERATED_BYTES, readRegularFile, type DistTree } from '../synth/disk.js';
import { floatingAddressIn, keepalivedFile } from '../edge/keepalived.js';
import { asDeployed } from '../edge/output-claims.js';
import { INVENTORY_FILE, parseInventory } from '../synth/inventory.js';
import type { NamespaceHoldings } from '../synth/delete-commands.js';
import { chartFileName } from '../synth/output.js';
import { NAMESPACE_CHART } from '../synth/rendered.js';
import { deployedOutput, type DeployedOutput } from './deployed-output.js';
import { type NamespaceFiles, namespaceFileInDist } from './removed-deletion.js';
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
 * edge machines, read from its `dist/<stage>/edge/` as deployed (`deployedOutput`: as its last commit
 * has it; as in dist/ when none of its output was, under `neverCommittedLine`) before a synthesis removes it; undefined
 * when it had no edge, its edge alone was never committed (no machine was given its files), or its haproxy.cfg cannot be read. Those machines keep running its haproxy.cfg,
 * which sends its hosts to the node ports of its Services, and keepalived keeps its floating
 * address there: the objects' delete command reaches neither, and the hosts answer 503. Read as
 * lib/edge/haproxy.ts and keepalived.ts write the files, by their readers (`readHaproxyConfig`, haproxy-read.ts: the
 * machines from haproxy.cfg's header, the hosts from its `use_backend` lines; `floatingAddressIn`:
 * the address from each machine's keepalived file). On a machine another stage's edge now uses (a stage
 * renamed, `git mv`; an edge moved; an address compared as the machine it names, `canonicalAddress`), that
 * stage's files go instead, machine by machine: the others are stopped, and so is keepalived on one whose new
 * stage has no floating IP (left running, it keeps this stage's address as a master of its own); on one whose new
 * stage has one, that stage's keepalived.conf for the machine goes too, and keepalived is reloaded, or started
 * (`reload-or-restart`) where this stage had none. A stage whose edge now takes this stage's floating IP reloads its
 * keepalived only once this stage's is stopped on the machines it leaves (its warning says so too, lib/edge/moved-machines.ts).
 * A machine that another stage's edge names by the same name at an address of the other family (`sameMachineMaybe`) may be the same
 * dual-stack machine, which no stage file says: its stop step stands, with that stage's steps for it said as the ones to take if it is.
 * `deployed`: the synthesis' own, which its compilation read those files with (one git process per file).
 */
export function removedEdgeLine(
  project: Project,
  stage: string,
  deployed: DeployedOutput = deployedOutput(project.root),
): string | undefined {
  // an output never committed at all read as in dist/, under `neverCommittedLine`, as its delete command is
  const files = deployedFiles(project, stage, deployed).read;
  const read = (file: string) => {
    try {
      return files(`${EDGE_DIR}/${file}`);
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
  // each machine's stage now, if any: its edge names the address; with whether it moves a floating IP (writes a keepalived.conf there)
  const edges = project.stages.flatMap((s) => {
    try {
      const edge = (loadStage(project, s).file as { edge?: EdgeSettings }).edge;
      return edge ? [{ stage: s, edge }] : [];
    } catch {
      return []; // its command says what is wrong with it
    }
  });
  // the stage whose edge now names the machine at `address`, and its name for it there
  const takerOf = (address: string) =>
    edges.flatMap(({ stage, edge }) =>
      Object.entries(edge.machines).flatMap(([name, m]) =>
        canonicalAddress(m.address) === canonicalAddress(address) ? [{ stage, edge, name }] : [],
      ),
    )[0];
  // a machine of the same name that another stage's edge names by an address of the other family: the same dual-stack machine,
  // or another, which no stage file says (a machine is known by its address), so its steps are said both ways
  const maybeTakerOf = (m: { name: string; address: string }) =>
    edges.flatMap(({ stage, edge }) => {
      const other = Object.hasOwn(edge.machines, m.name) ? edge.machines[m.name]!.address : undefined;
      const family = other === undefined ? undefined : sameMachineMaybe(m.address, other);
      return family ? [{ stage, edge, name: m.name, address: other!, family }] : [];
    })[0];
  const taken = new Map<string, Taking>();
  const free: string[] = [];
  const maybe: (Taking & { stage: string; address: string; family: string })[] = [];
  const taking = (by: { stage: string; edge: EdgeSettings; name: string }, m: { name: string }, was?: Taking): Taking => {
    const file = `${DIST_DIR}/${by.stage}/${EDGE_DIR}/${keepalivedFile(by.name)}`;
    const files = [...(was?.files ?? []), `${file}${by.name === m.name ? '' : ` on ${m.name}`}`];
    return { floats: by.edge.floatingIp !== undefined, names: [...(was?.names ?? []), m.name], files };
  };
  for (const m of machines) {
    const by = takerOf(m.address);
    if (by) taken.set(by.stage, taking(by, m, taken.get(by.stage)));
    else {
      free.push(m.name);
      const perhaps = maybeTakerOf(m);
      if (perhaps) maybe.push({ ...taking(perhaps, m), stage: perhaps.stage, address: perhaps.address, family: perhaps.family });
    }
  }
  const what =
    `${header ? `the edge ${machines.length === 1 ? 'machine' : 'machines'} ${header}` : 'its edge machines'} ${machines.length === 1 ? 'keeps' : 'keep'} running its ${HAPROXY_FILE}` +
    (hosts.length ? `, which sends ${andList(hosts)} to its Services' node ports` : '') +
    (floating.length ? `, and keepalived keeps ${andList(floating)} there` : '');
  const all = machines.length > 0 && free.length === 0;
  // a machine another stage's edge now uses gets that stage's files; its keepalived is stopped unless that stage writes one for it
  // (left running with this stage's keepalived.conf, it keeps the floating address and peers that no longer count it as one)
  const install = [...taken].map(([stage, t]) => {
    const one = all && taken.size === 1;
    const uses = one ? 'that stage now uses those machines' : `stage ${stage} now uses ${t.names.length === 1 ? 'it' : 'them'}`;
    return installFor(stage, t, floating, one ? 'there' : `on ${andList(t.names)}`, ` (${uses})`);
  });
  const perhaps = maybe.map(({ stage, address, family, ...t }) => {
    const name = t.names[0]!;
    return (
      `but stage ${stage}'s edge machine ${name} is at ${address}, which may be the ${family} address of the same dual-stack machine (a machine is known by its address, so stagecraft cannot tell): ` +
      // its keepalived still stopped there when that stage has no floating IP (installFor says so first): left running, it keeps this stage's address
      `if it is, stop ${floating.length && !t.floats ? 'only keepalived' : 'nothing'} on ${name} (stopped, haproxy would stop serving stage ${stage} too): ${installFor(stage, t, floating, 'there', '')} instead`
    );
  });
  const stop = free.length
    ? [
        `point ${hosts.length === 1 ? 'its' : 'their'} DNS elsewhere, then on ${taken.size ? andList(free) : 'each edge machine'}: sudo systemctl disable --now ${floating.length ? 'keepalived haproxy' : 'haproxy'}`,
      ]
    : [];
  // a stage whose edge now moves the floating address: its keepalived takes it only once this stage's is stopped on the machines left
  const address = (f: string) => canonicalAddress(f.split('/')[0]!);
  const takers = edges.filter(({ edge }) => edge.floatingIp && floating.some((f) => address(f) === address(edge.floatingIp!.address)));
  const before = takers.length
    ? `, before the keepalived of ${andList(takers.map(({ stage, edge }) => `stage ${stage}, which now moves ${edge.floatingIp!.address},`))} is reloaded with its edge files on its machines: until then two masters would answer for the address`
    : '';
  const todo =
    [...stop.map((l) => `${l}${before}`), ...install, ...perhaps].join('; ') +
    (install.length + perhaps.length ? ' (README, "The edge")' : '');
  return `its edge stays: ${what}; once its objects are deleted, ${hosts.length === 1 ? 'that host answers' : 'its hosts answer'} 503: first ${todo}`;
}

/** The machines of a removed stage's edge that another stage's edge names (`names`), whether that edge moves a floating IP, and its keepalived.conf for each. */
interface Taking {
  readonly floats: boolean;
  readonly names: readonly string[];
  readonly files: readonly string[];
}

/**
 * What to do on the machines of a removed stage's edge (`floating`, the addresses its keepalived moved) that `stage`'s edge now
 * names (`there`: where, as said; `uses`: why, said after where): `installSteps`, whose keepalived.conf files go there when that
 * stage moves a floating IP; else, when this one did, its keepalived is stopped first.
 */
function installFor(stage: string, { floats, names, files }: Taking, floating: readonly string[], there: string, uses: string): string {
  return installSteps({
    files: `the edge files of ${DIST_DIR}/${stage}/${EDGE_DIR}/`,
    there,
    why: uses,
    ...(floats ? { keepalived: files } : {}),
    ...(floating.length && !floats
      ? { stopFirst: { on: andList(names), why: `stage ${stage} has no floating IP: left running, keepalived keeps ${andList(floating)}` } }
      : {}),
  });
}

/**
 * A removed stage's output files as deployed (`deployed`): its last commit's, else (git cannot say) as they are in dist/;
 * `neverCommitted` when git says the last commit has the project's dist/ but not the stage's inventory, which every stage's
 * output has: those files are then read as in dist/ too.
 */
function deployedFiles(
  project: Project,
  stage: string,
  deployed: DeployedOutput,
): { readonly read: (file: string) => string | undefined; readonly neverCommitted: boolean } {
  const inDist = (file: string) => readRegularFile(join(project.root, DIST_DIR, stage, file), MAX_GENERATED_BYTES);
  // as the compilation's warnings read it (lib/edge/output-claims.ts)
  return asDeployed(deployed(stage, inDist), inDist);
}

/**
 * The line under a removed stage's removal (synth) or diff that says its output was never committed, when git says so
 * (`deployedOutput`: the project's last commit has its `dist/` and no `dist/<stage>/inventory.txt`); else undefined.
 * What is committed is what is applied and copied to the edge machines (README, "The edge"), so such a stage should be
 * in no cluster and on no edge machine; but one may have been applied (`kubectl apply -k dist/<stage>`) or its edge files
 * copied from the working tree before a commit, which the tool cannot see: its delete command and `its edge stays`
 * (`removedEdgeLine`, its files then read as in dist/) are given all the same, under this line, since deleting what is
 * not there deletes nothing, while an object or an edge left running is not seen again once its output is gone.
 */
export function neverCommittedLine(
  project: Project,
  stage: string,
  deployed: DeployedOutput = deployedOutput(project.root),
): string | undefined {
  if (!deployedFiles(project, stage, deployed).neverCommitted) return undefined;
  return `its output was never committed (the last commit has no ${DIST_DIR}/${stage}/), so no cluster or edge machine should have it: what follows is for one it was applied or copied to all the same, from the working tree (deleting what is not there deletes nothing)`;
}

/**
 * `inventory`, a removed stage's in `dist/`, with the objects that the one its last commit has lists and it does not
 * (`deployed`): an output synthesized since and never committed (an app taken out, then the stage removed) was not
 * applied, so what the commit lists is what its cluster holds, and its delete command, which names the kinds listed,
 * must select them too (a ClusterRole, a Deployment of a namespace another stage keeps). Unchanged when git cannot say,
 * the commit lists nothing more, or either inventory does not read as one stagecraft writes (`objects: <n>`).
 */
export function withCommittedObjects(stage: string, inventory: string, deployed: DeployedOutput): string {
  let committed: string | undefined;
  try {
    committed = deployed(stage, () => undefined)?.(INVENTORY_FILE);
  } catch {
    committed = undefined;
  }
  if (committed === undefined) return inventory;
  const have = parseInventory(inventory);
  const more = [...parseInventory(committed)].filter(([key]) => !have.has(key));
  const lines = inventory.split('\n');
  const count = lines.findIndex((l) => /^objects: \d+$/.test(l));
  if (more.length === 0 || count < 0) return inventory;
  let end = count + 1;
  while (lines[end]?.startsWith('sha256:')) end++;
  const key = (l: string) => l.slice(l.indexOf(' ') + 1);
  const objects = [...lines.slice(count + 1, end), ...more.map(([k, digest]) => `${digest} ${k}`)].sort((a, b) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0,
  );
  return [...lines.slice(0, count), `objects: ${objects.length}`, ...objects, ...lines.slice(end)].join('\n');
}

/**
 * A removed stage's Namespace files (`00-namespace.yaml`, which names its own namespace): as applied, its last commit's when that
 * has its output (`deployed`), so that a namespace changed in its stage file, synthesized and never committed, does not take the
 * applied one's place in its delete command (`withCommittedObjects` lists the objects of both), else the one in `dist/`; and the
 * one in `dist/`, whose namespace's objects were then applied nowhere (`removedDeletion`'s `unapplied`). Read before a synthesis
 * removes its output.
 */
export function appliedNamespaceFile(project: Project, stage: string, deployed: DeployedOutput): NamespaceFiles {
  const attempt = (read: () => string | undefined) => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };
  return {
    applied: attempt(() => deployedFiles(project, stage, deployed).read(chartFileName(NAMESPACE_CHART))),
    inDist: namespaceFileInDist(project, stage),
  };
}

/** The removed stage's delete command and what it leaves out (removed-deletion.ts), where the commands that remove a stage read them. */
export { outsideLine, removedDeletion, type RemovedDeletion } from './removed-deletion.js';
