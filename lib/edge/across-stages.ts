/**
 * What two stages may not both take, checked across stages (lib/compile.ts, once every stage is
 * compiled or recorded): an edge machine (each stage's haproxy.cfg and keepalived.conf are the whole
 * files of its machines, so the one copied last replaces the other's), a floating IP (two VRRP
 * masters would answer ARP for one address), and a node port on one cluster (open on every node for
 * one Service, so the API server refuses the second stage's). Each stage's claims are drawn where it
 * is compiled (`stageClaims`), with their places in its stage file, and kept in the record of a stage
 * whose output a synthesis keeps (lib/cli/reuse.ts), so a synthesis of the changed stages sees them too.
 *
 * Not a claim: a VRRP router id. The edge's keepalived speaks unicast to its own peers only
 * (keepalived.ts: `unicast_peer`), so two stages' instances with one `virtual_router_id` on disjoint
 * machines never read each other's adverts. Pure.
 */
import { isIP } from 'node:net';
import type { Problem, SourceLocation } from '../errors.js';
import { andList } from '../model/limits.js';
import { describeObject, type KubeObject } from '../model/object.js';
import type { StageNode } from '../stack.js';
import { parseManifests } from '../checks/manifests.js';
import { chartFileName } from '../synth/output.js';
import { INVENTORY_FILE, digest, inventorySource } from '../synth/inventory.js';
import {
  NODE_PORT_MAX,
  NODE_PORT_MIN,
  nodePortSettings,
  nodePortsOf,
  suggestNodePort,
  type AppStacks,
  type NodePortSettings,
} from './node-ports.js';
import type { EdgeSettings } from './settings.js';
import { isStageClaims, type Claim, type StageClaims } from './claims.js';
import { canonicalAddress } from './address.js';
import { HAPROXY_FILE, readHaproxyConfig } from './haproxy.js';
import { floatingAddressIn, keepalivedFile } from './keepalived.js';
import { EDGE_DIR } from './index.js';
import { leavesMachine, takenOverHint } from './changes.js';
import { readingOnce } from '../model/read-once.js';

export type { StageClaims } from './claims.js';

/** What `stageClaims` reads of a compiled stage. */
export interface ClaimSource {
  readonly nodes: readonly Pick<StageNode, 'name' | 'address'>[];
  readonly edge?: EdgeSettings;
  readonly delivery?: { readonly cluster?: string };
  /** The rendered apps whose objects were read (a cached app with no node port may be left out), by app name. */
  readonly charts: readonly { readonly name: string; readonly objects: readonly KubeObject[] }[];
  /** The stack of each app (`apps.<app>.stack`, else the app's name). */
  readonly stacks: AppStacks;
  /** The setting that gives each node port of `charts`, when the caller has it already (`StageEdge.nodePortSettings`). @default - read from `charts` */
  readonly nodePortSettings?: NodePortSettings;
  readonly locate: (path: readonly (string | number)[]) => SourceLocation;
}

const dotted = (path: readonly (string | number)[]) => path.join('.');

/** The claims of one compiled stage, at their places in its stage file. */
export function stageClaims({ nodes, edge, delivery, charts, stacks, nodePortSettings: known, locate }: ClaimSource): StageClaims {
  // an address; an edge's with the file of the stage's output that has it, to tell which stage takes it newly
  const at = (written: string, path: readonly (string | number)[], file?: string): Claim => {
    const value = canonicalAddress(written);
    const output = file === undefined ? {} : { file: `${EDGE_DIR}/${file}` };
    return { value, ...(written === value ? {} : { written }), what: dotted(path), at: locate(path), ...output };
  };
  const settings = known ?? nodePortSettings(charts, stacks);
  const nodePorts = charts.flatMap((c) =>
    c.objects.flatMap((o) =>
      nodePortsOf(o).map((port) => {
        const object = describeObject(o);
        // a manifests app's Service has its port in the files it includes: placed at the app
        const path = settings.get(`${object}:${port}`) ?? ['apps', c.name];
        return { value: String(port), what: `${object} (${dotted(path)})`, at: locate(path), object, file: chartFileName(c.name) };
      }),
    ),
  );
  const machines = Object.entries(edge?.machines ?? {});
  // every machine's keepalived.conf holds the floating IP: the first's by name is named, and any its output has is read (`heldInOutput`)
  const [first] = machines.map(([name]) => name).sort();
  const addresses = [
    ...machines.map(([name, m]) => at(m.address, ['edge', 'machines', name, 'address'], HAPROXY_FILE)),
    ...(edge?.floatingIp && first !== undefined
      ? [at(edge.floatingIp.address.split('/')[0]!, ['edge', 'floatingIp', 'address'], keepalivedFile(first))]
      : []),
  ];
  return {
    ...(delivery?.cluster === undefined ? {} : { cluster: delivery.cluster }),
    delivered: delivery !== undefined,
    nodes: nodes.flatMap((n) => (n.address === undefined ? [] : [at(n.address, ['nodes', n.name, 'address'])])),
    nodePorts,
    addresses,
  };
}

const where = (c: Claim) => `${c.at.file}:${c.at.line}:${c.at.column}`;
/** An address as its stage file writes it, with the machine it names when that is written otherwise: `fd00:0:0::0005 (fd00::5)`. */
const shown = (c: Claim) => (c.written === undefined ? c.value : `${c.written} (${c.value})`);

/**
 * Why stages `a` and `b` are on one cluster, or undefined when nothing says they are. Their
 * `delivery.cluster`s decide when both are known (`defaultCluster` is the project file's, for a
 * delivered stage that names none): private addresses (10.0.0.1) and host names (kubemaster) are
 * reused from one site to the next, so a node address both name says one cluster only when at least
 * one of their clusters is unknown. Nothing else does: a stage's node addresses are every node of its
 * cluster (each a server of every backend), and a stage that names neither nodes nor a cluster runs
 * wherever kubectl's context points, which synthesis cannot know (the API server refuses such a clash
 * at the second apply); taken as one cluster, every node port reused across clusters would be refused.
 */
function sharedCluster(a: StageClaims, b: StageClaims, defaultCluster: string | undefined): string | undefined {
  const cluster = (c: StageClaims) => (c.delivered ? (c.cluster ?? defaultCluster) : undefined);
  const [x, y] = [cluster(a), cluster(b)];
  if (x !== undefined && y !== undefined) return x === y ? `both are delivered to cluster ${x}` : undefined;
  const node = a.nodes.find((n) => b.nodes.some((m) => m.value === n.value));
  return node ? `both name node address ${shown(node)}` : undefined;
}

/**
 * How a stage takes a node port or an edge's address, from the stage that takes it most newly: `new`,
 * its output in `dist/` does not take it; `moved` (a node port only: an edge's address is on no
 * cluster), its output takes it, but was written from its stage file as it was before, which may have
 * put the stage on another cluster (its nodes or `delivery.cluster` changed); `held`, its output takes
 * it, written from its stage file as it is (or a stage kept as recorded).
 */
type Holding = 'new' | 'moved' | 'held';
const HOLDINGS: readonly Holding[] = ['new', 'moved', 'held'];

/** How a stage takes a node port or an address (`Holding`). */
type Held = (stage: string, claim: Claim) => Holding;

/**
 * Of what two stages take, the one reported (the one that takes it newly, whose hint moves it) and
 * the one named: the one that holds it less (`Holding`), else the later; with how each holds it.
 */
function newlyTaken(later: readonly [string, Claim], earlier: readonly [string, Claim], held: Held) {
  const [laterHeld, earlierHeld] = [held(...later), held(...earlier)];
  const swap = HOLDINGS.indexOf(laterHeld) > HOLDINGS.indexOf(earlierHeld);
  return swap
    ? { claim: earlier, other: later, mine: earlierHeld, theirs: laterHeld }
    : { claim: later, other: earlier, mine: laterHeld, theirs: earlierHeld };
}

/** Of a node port that two stages take (`newlyTaken`), why the one reported is refused it, for its message. */
function nodePortWhich({ claim, other, mine, theirs }: ReturnType<typeof newlyTaken>): string {
  const output = (s: string) => `dist/${s}/`;
  return mine === theirs
    ? {
        // both new: either is refused, whichever is applied second
        new: ', whichever of the two is applied second',
        moved: ` (both outputs in dist/ take it already, each written from its stage file as it was before: the stage now on another cluster than then takes it newly)`,
        held: ` (both outputs in dist/ take it already, each written from its stage file as it is: one of the two was refused)`,
      }[mine]
    : mine === 'new'
      ? `, stage ${claim[0]} (stage ${other[0]}'s output takes it already)`
      : `, stage ${claim[0]} (both outputs in dist/ take it already, but ${output(claim[0])} was written from stage ${claim[0]}'s file as it was before, which may have put it on another cluster, and ${output(other[0])} from stage ${other[0]}'s file as it is)`;
}

/**
 * The problems of `stages` (stage name and its claims, in the project's order of stages): each edge
 * address two stages take, and each node port two stages on one cluster take, at the setting of the
 * stage that takes it newly (`held`: the one whose output holds it less, `Holding`, where an address is
 * never `moved`; else the later one's), naming the other's file:line:col.
 * @param defaultCluster the project file's `delivery.cluster`, for a delivered stage that names none
 */
function crossStageProblems(
  stages: readonly (readonly [string, StageClaims])[],
  defaultCluster: string | undefined,
  held: Held,
): Problem[] {
  const problems: Problem[] = [];
  // a suggested port is free in every stage, and suggested once
  const used = new Set(stages.flatMap(([, c]) => c.nodePorts.map((p) => Number(p.value))));
  // an edge machine or floating IP is on no cluster for a stage to move off: an output that has it holds it, whatever
  // stage file it was written from, so of two that have it the later stage's is refused
  const heldAddress: Held = (stage, claim) => (held(stage, claim) === 'new' ? 'new' : 'held');
  stages.forEach(([stage, claims], i) => {
    const earlier = stages.slice(0, i);
    for (const c of claims.addresses) {
      const found = earlier.flatMap(([s, o]) => o.addresses.filter((a) => a.value === c.value).map((a) => [s, a] as const))[0];
      if (!found) continue;
      // at the stage that takes it newly, as a node port: the other's edge may run on it already
      const { claim, other, mine, theirs } = newlyTaken([stage, c], found, heldAddress);
      const [at, taken] = [claim[1], other[1]];
      const running = mine === 'new' && theirs !== 'new' ? `, whose edge in dist/${other[0]}/ has it already` : '';
      problems.push({
        code: 'edge/shared-address',
        location: at.at,
        message: `${at.what} ${shown(at)} of stage ${claim[0]} is ${taken.what} of stage ${other[0]} too (${where(taken)})${running}: each stage's edge writes the whole haproxy.cfg and keepalived.conf of its machines, so the one copied there last replaces the other's and its hosts answer 503; and two floating IPs on one address are two machines answering for it`,
        hint: `give each stage's edge machines and floating IP addresses of their own`,
      });
    }
    for (const c of claims.nodePorts) {
      const found = earlier.flatMap(([s, o]) => {
        const taken = o.nodePorts.find((p) => p.value === c.value);
        const why = taken && sharedCluster(claims, o, defaultCluster);
        return taken && why ? [{ s, taken, why }] : [];
      })[0];
      if (!found) continue;
      const taking = newlyTaken([stage, c], [found.s, found.taken], held);
      const [{ claim, other }, which] = [taking, nodePortWhich(taking)];
      const [at, taken] = [claim[1], other[1]];
      const free = suggestNodePort(`${claim[0]}/${at.what}`, used);
      used.add(free);
      problems.push({
        code: 'api/node-port',
        location: at.at,
        message: `${at.what} of stage ${claim[0]} takes node port ${at.value}, which ${taken.what} of stage ${other[0]} takes too (${where(taken)}), on one cluster (${found.why}): a node port is open on every node of a cluster for one port of one Service, so the API server refuses it to the stage that takes it newly${which}`,
        hint: `give it a node port free in every stage, e.g. ${free} (${NODE_PORT_MIN}-${NODE_PORT_MAX})`,
      });
    }
  });
  return problems;
}

const CLAIMS_NOT_CHECKED = 'synth/claims-not-checked';
const MACHINE_NAME = 'edge/machine-name';

/**
 * A warning at the first edge machine of each stage named by host name, when another stage names
 * its edge machines (or floating IP) by IP address, by the stage it is placed at: the two are never
 * compared (a host name is not resolved at synthesis, which would make the output depend on DNS), so
 * two stages' edges on one machine, written once by name and once by address, are not refused as
 * `edge/shared-address` says.
 */
function machineNameWarnings(stages: readonly (readonly [string, StageClaims])[]): Map<string, Problem[]> {
  const warnings = new Map<string, Problem[]>();
  for (const [stage, claims] of stages) {
    const named = claims.addresses.find((a) => isIP(a.value) === 0);
    const others = stages.flatMap(([s, c]) => {
      const address = s === stage ? undefined : c.addresses.find((a) => isIP(a.value) !== 0);
      return address ? [[s, address] as const] : [];
    });
    if (!named || others.length === 0) continue;
    const listed = andList(others.map(([s, a]) => `stage ${s} (${a.what} ${shown(a)}, ${where(a)})`));
    warnings.set(stage, [
      {
        code: MACHINE_NAME,
        severity: 'warning',
        location: named.at,
        message: `${named.what} ${shown(named)} of stage ${stage} is a host name, where ${listed} ${others.length === 1 ? 'names its edge' : 'name their edges'} by IP address: a host name is not resolved at synthesis (the output would depend on DNS), so whether the two are one machine is not checked, and on one machine the haproxy.cfg copied there last would replace the other's, whose hosts would answer 503`,
        hint: `name every stage's edge machines the same way, by IP address (as stage ${others[0]![0]} does) or all by host name, so that two stages on one machine are refused (edge/shared-address)`,
      },
    ]);
  }
  return warnings;
}

/** The code of an edge machine that leaves a stage's edge (changes.ts), here one that another stage's edge now names. */
const MACHINE_LEAVES = 'edge/machine-leaves';

/** The settings of a stage's edge machines' addresses (`edge.machines.<name>.address`) and of its floating IP, as `stageClaims` names them. */
const MACHINE_SETTING = 'edge.machines.';
const FLOATING_SETTING = 'edge.floatingIp.address';

/** How `movedMachineWarnings` names, in its hint, the files of the stage it is placed at. */
const THIS_STAGE = "this stage's";

/** An edge machine that a compiled stage's edge leaves and another stage's edge now names (`movedMachineWarnings`). */
export interface TakenMachine {
  /** The stage whose edge leaves it, and the machine as its output's haproxy.cfg names it. */
  readonly stage: string;
  readonly name: string;
  readonly address: string;
  /** The stage whose edge now names it, and that stage's setting. */
  readonly by: string;
  readonly at: Claim;
  /** What to do on the machine, said of the stage whose edge now names it (`stage shop's edge files`), and whether that stage was compiled (its own warning says it then). */
  readonly steps: (whose: string) => string;
  readonly byCompiled: boolean;
}

/**
 * A warning at the setting of each stage whose edge now names a machine that the edge of another,
 * compiled, stage leaves (its output in dist/ names the machine, its stage file no longer does: an
 * edge moved from one stage file to another), by that stage, and those machines (`taken`, whose
 * leaving stage's own warning lib/compile.ts tells again: its DNS is not to be pointed away, nor its
 * haproxy stopped). The leaving stage's keepalived, when it moved a floating IP there, is stopped
 * first unless this stage's files have a keepalived.conf for the machine: left running, it keeps the
 * old address and peers, which no longer count it as one, and takes the address as a second master.
 * Only about this change: once the leaving stage's output is written, it no longer names the machine.
 */
function movedMachineWarnings(
  stages: readonly (readonly [string, StageClaims])[],
  compiled: (stage: string) => boolean,
  output: (stage: string) => CompiledOutput | undefined,
): { readonly warnings: Map<string, Problem[]>; readonly taken: TakenMachine[] } {
  const warnings = new Map<string, Problem[]>();
  const taken: TakenMachine[] = [];
  const machineClaims = (claims: StageClaims) => claims.addresses.filter((a) => a.what.startsWith(MACHINE_SETTING));
  const floats = new Map(stages.map(([s, c]) => [s, c.addresses.some((a) => a.what === FLOATING_SETTING)]));
  for (const [stage, claims] of stages) {
    const read = compiled(stage) ? output(stage)?.readOutput : undefined;
    const was = read?.(HAPROXY_PATH);
    if (was === undefined) continue;
    const mine = new Set(machineClaims(claims).map((a) => a.value));
    for (const machine of readHaproxyConfig(was).machines) {
      const value = canonicalAddress(machine.address);
      if (mine.has(value)) continue;
      const taking = stages.flatMap(([s, c]) =>
        s === stage ? [] : machineClaims(c).flatMap((a) => (a.value === value ? [[s, a] as const] : [])),
      );
      const floating = taking.length ? floatingAddressIn(read?.(edgePath(keepalivedFile(machine.name))) ?? '') : undefined;
      const runs = `${HAPROXY_FILE}${floating ? ` and keepalived with ${floating}` : ''}`;
      for (const [other, at] of taking) {
        const keepalived = `dist/${other}/${edgePath(keepalivedFile(at.what.slice(MACHINE_SETTING.length, -'.address'.length)))}`;
        const steps = (whose: string) => {
          const files = `${whose} edge files (dist/${other}/${EDGE_DIR}/)`;
          const install = floats.get(other)
            ? `install ${files} there, ${keepalived} as /etc/keepalived/keepalived.conf, and reload haproxy, then keepalived (sudo systemctl reload-or-restart keepalived)`
            : `install ${files} there and reload haproxy`;
          return floating && !floats.get(other)
            ? `first, on ${machine.name}: sudo systemctl disable --now keepalived (${whose === THIS_STAGE ? 'this stage has' : `stage ${other} has`} no floating IP, so none of its files replaces stage ${stage}'s keepalived.conf there: left running, it holds ${floating} as a second master once stage ${stage}'s other machines no longer count it as a peer); then ${install}, rather than stop haproxy there`
            : `${install}, rather than stop haproxy there`;
        };
        taken.push({ stage, name: machine.name, address: machine.address, by: other, at, steps, byCompiled: compiled(other) });
        warnings.set(other, [
          ...(warnings.get(other) ?? []),
          {
            code: MACHINE_LEAVES,
            severity: 'warning',
            location: at.at,
            message: `${at.what} ${shown(at)} of stage ${other} is edge machine ${machine.name} (${machine.address}) of stage ${stage}'s edge in dist/${stage}/, which its stage file no longer names: it runs stage ${stage}'s ${runs} until this stage's files replace them`,
            hint: steps(THIS_STAGE),
          },
        ]);
      }
    }
  }
  return { warnings, taken };
}

/**
 * Whether `p` is a warning of the comparison across stages placed at one stage's setting
 * (`edge/machine-name`, `edge/machine-leaves` of a machine another stage's edge leaves): kept with that stage's warnings (lib/cli/synth.ts), and made again at every
 * compilation, since whether it holds depends on the other stages too.
 */
export const isPlacedAcrossStages = (p: Problem): boolean => p.code === MACHINE_NAME || p.code === MACHINE_LEAVES;

/**
 * The warning of a compilation of the `named` stages that could not compare what they take with what
 * the stages `unchecked` take: neither a record of them holds nor their output in dist/ (their stage
 * file changed since it was written, or there is none).
 */
export function claimsNotChecked(named: readonly string[], unchecked: readonly string[]): Problem {
  const list = (stages: readonly string[]) => stages.join(', ');
  const one = unchecked.length === 1;
  return {
    code: CLAIMS_NOT_CHECKED,
    severity: 'warning',
    subject: list(named),
    message: `node ports and edge addresses not compared with those of stage${one ? '' : 's'} ${list(unchecked)}: two stages on one cluster may not take one node port, nor two stages' edges one machine or floating IP, but ${one ? 'its stage file changed since its output in dist/ was written (or it has none), so what it takes' : 'their stage files changed since their output in dist/ was written (or they have none), so what they take'} is not known without compiling ${one ? 'it' : 'them'}`,
    hint: 'run npm run synth (every stage) to compare every stage with every other',
  };
}

/**
 * The warnings of the comparison across stages that a command naming `stages` prints: those placed at
 * them (`edge/machine-name`, by stage: a compilation's `Compiled.acrossStages`), and whether they were
 * compared with every other stage (`synth/claims-not-checked`, among `notices`). Diff, switch and
 * promote, which compile the stages they name without synth, print them as synth does, since what they
 * write or show was compared as they say; a warning placed at another stage is that stage's.
 */
export const acrossStagesWarnings = (
  { notices, acrossStages }: { readonly notices: readonly Problem[]; readonly acrossStages: ReadonlyMap<string, readonly Problem[]> },
  stages: readonly string[],
): Problem[] => [...notices.filter((p) => p.code === CLAIMS_NOT_CHECKED), ...stages.flatMap((s) => acrossStages.get(s) ?? [])];

/** What a compiled stage's node port is judged by: its stage file's text, and its output as it is (the files of `dist/<stage>/`). */
export interface CompiledOutput {
  readonly text: string;
  readonly readOutput?: (file: string) => string | undefined;
}

/**
 * How `claim`, a node port or an edge's address of a compiled stage, is taken (`Holding`): whether the
 * file of its output that would hold it does (`outputTakes`), and whether that output was written from
 * the stage file as it is (inventory.txt's `source:` digest). Read only for what two stages take.
 */
function heldInOutput(compiled: CompiledOutput | undefined, claim: Claim): Holding {
  const read = compiled?.readOutput;
  if (claim.file === undefined || read === undefined) return 'new';
  // a floating IP (the address claim of a keepalived.conf) is in every machine's keepalived.conf: any of those the output
  // has (of the machines its haproxy.cfg names), since a machine added since, sorting first, has none there yet
  const floating = claim.object === undefined && claim.file !== HAPROXY_PATH;
  const files = floating ? [...new Set([claim.file, ...keepalivedPathsOf(read)])] : [claim.file];
  const takes = (file: string) => {
    const text = read(file);
    return text !== undefined && outputTakes(file, text, claim);
  };
  if (!files.some(takes)) return 'new';
  return writtenFrom(read(INVENTORY_FILE), compiled!.text) ? 'held' : 'moved';
}

/** The path of `file` in a stage's output, under the edge's directory. */
const edgePath = (file: string) => `${EDGE_DIR}/${file}`;
/** The path of haproxy.cfg in a stage's output: an edge machine's claim is there, a floating IP's in a keepalived.conf. */
const HAPROXY_PATH = edgePath(HAPROXY_FILE);
/** The keepalived.conf files of the machines an output's haproxy.cfg names (`readHaproxyConfig`), which the same synthesis wrote. */
const keepalivedPathsOf = (read: (file: string) => string | undefined): string[] =>
  readHaproxyConfig(read(HAPROXY_PATH) ?? '').machines.map((m) => edgePath(keepalivedFile(m.name)));

/**
 * Whether `text`, file `file` of a stage's output, takes `claim`: a node port, when its Service there
 * has it; an edge's address, when its haproxy.cfg names the machine or its keepalived.conf moves the floating IP.
 */
function outputTakes(file: string, text: string, claim: Claim): boolean {
  if (claim.object === undefined) {
    const addresses =
      file === HAPROXY_PATH ? readHaproxyConfig(text).machines.map((m) => m.address) : [floatingAddressIn(text)?.split('/')[0] ?? ''];
    return addresses.some((a) => canonicalAddress(a) === claim.value);
  }
  try {
    const { objects } = parseManifests([{ file, text }]);
    return objects.some((o) => describeObject(o) === claim.object && nodePortsOf(o).includes(Number(claim.value)));
  } catch {
    // an output that does not parse takes nothing that can be told
    return false;
  }
}

/**
 * `output`, whose stages' files are each read once, however many claims ask: each claim of a stage
 * asks its inventory, and each machine's its haproxy.cfg (its Services' files are read once by
 * `outputTakes` either way). `output` itself only finds a stage's reader, and is asked again.
 */
function outputsReadOnce(output: (stage: string) => CompiledOutput | undefined): (stage: string) => CompiledOutput | undefined {
  const readers = new Map<string, (file: string) => string | undefined>();
  return (stage) => {
    const compiled = output(stage);
    const read = compiled?.readOutput;
    if (!read) return compiled;
    const readOutput = readers.get(stage) ?? readingOnce(read);
    readers.set(stage, readOutput);
    return { ...compiled, readOutput };
  };
}

/** Whether an output's inventory (its text) says it was written from the stage file whose text is `text` (its `source:` line, lib/synth/inventory.ts). */
export function writtenFrom(inventory: string | undefined, text: string): boolean {
  return inventory !== undefined && inventorySource(inventory)?.digest === digest(text);
}

/**
 * `crossStageProblems` of the stages compiled (`declarations`, by stage) and of those kept as
 * recorded (`kept`, whose claims their output takes already), in the order of `rank` (the project's
 * stages), so the same stages give the same problems however many were compiled. A kept stage's
 * record without claims as `stageClaims` makes them is not compared: lib/cli/reuse.ts keeps no such
 * stage. Every other stage of `rank` is compared as its output in dist/ says (`fromOutput`, output-claims.ts),
 * else it is one of `unchecked`; `warnings` are those of an edge machine named by host name where another
 * stage's edge is named by address (`machineNameWarnings`), which the two could not be compared for, by
 * the stage each is placed at.
 * @param output each compiled stage's stage file and output as it is (the files of `dist/<stage>/`), to tell a node port it takes already, from the
 *   stage file as it is, from one it takes newly or took on the cluster its stage file named before
 */
export function claimProblems(
  declarations: ReadonlyMap<string, { readonly claims?: StageClaims }>,
  kept: readonly { readonly stage: string; readonly claims?: unknown }[],
  rank: ReadonlyMap<string, number>,
  defaultCluster: string | undefined,
  output: (stage: string) => CompiledOutput | undefined,
  fromOutput?: (stage: string) => StageClaims | undefined,
): {
  readonly problems: Problem[];
  readonly warnings: ReadonlyMap<string, readonly Problem[]>;
  readonly unchecked: readonly string[];
  readonly taken: readonly TakenMachine[];
} {
  const stages: [string, StageClaims][] = [
    ...[...declarations].flatMap(([stage, d]) => (d.claims ? [[stage, d.claims] as [string, StageClaims]] : [])),
    ...kept.flatMap((k) => (isStageClaims(k.claims) && !declarations.has(k.stage) ? [[k.stage, k.claims] as [string, StageClaims]] : [])),
  ];
  // the project's other stages, from their output while it is of their stage file as it is
  const unchecked: string[] = [];
  for (const s of rank.keys()) {
    if (declarations.has(s) || stages.some(([t]) => t === s)) continue;
    const claims = fromOutput?.(s);
    if (claims) stages.push([s, claims]);
    else unchecked.push(s);
  }
  stages.sort(([a], [b]) => (rank.get(a) ?? rank.size) - (rank.get(b) ?? rank.size) || (a < b ? -1 : a > b ? 1 : 0));
  const outputOnce = outputsReadOnce(output);
  const held: Held = (stage, claim) => (declarations.has(stage) ? heldInOutput(outputOnce(stage), claim) : 'held');
  const warnings = machineNameWarnings(stages);
  const moved = movedMachineWarnings(stages, (s) => declarations.has(s), outputOnce);
  for (const [stage, said] of moved.warnings) warnings.set(stage, [...(warnings.get(stage) ?? []), ...said]);
  return { problems: crossStageProblems(stages, defaultCluster, held), warnings, unchecked, taken: moved.taken };
}

/**
 * `notice`, a warning of the compilation of stage `stage`, told again when it is that stage's
 * `edge/machine-leaves` (changes.ts) of a machine another stage's edge now names (`taken`): compiled
 * alone, it said to point the DNS of its hosts elsewhere and stop haproxy there, unless another
 * stage's edge names the machine; that stage does, whose hosts the machine now serves, so the
 * notice says so, and to do as that stage's warning says (`movedMachineWarnings`) instead; or, when that
 * stage was not compiled (a synthesis of this stage alone, which prints no warning of another), what
 * that warning says to do there, so that it is said.
 */
export function retoldLeaving(notice: Problem, stage: string, taken: readonly TakenMachine[]): Problem {
  const by = taken.find((t) => t.stage === stage && leavesMachine(notice, t.name, t.address));
  if (!by) return notice;
  const now = `point no DNS away from it and stop no haproxy there: stage ${by.by}'s edge now names ${by.address} (${by.at.what}, ${where(by.at)}), whose files replace these there`;
  // that stage's warning is printed with this one only when it was compiled too (a synthesis of this stage alone prints its own)
  return {
    ...notice,
    hint: takenOverHint(
      notice.hint,
      by.byCompiled ? `${now}; do there as stage ${by.by}'s warning says` : `${now}: ${by.steps(`stage ${by.by}'s`)}`,
    ),
  };
}
