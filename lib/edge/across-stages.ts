/**
 * What two stages may not both take, checked across stages (lib/compile.ts, once every stage is
 * compiled or recorded): an edge machine (each stage's haproxy.cfg and keepalived.conf are the whole
 * files of its machines, so the one copied last replaces the other's), a floating IP (two VRRP
 * masters would answer ARP for one address), a node port on one cluster (open on every node for
 * one Service, so the API server refuses the second stage's), and a namespace on one cluster (their
 * objects of one name are one object, which each stage's apply replaces). Each stage's claims are drawn where it
 * is compiled (`stageClaims`), with their places in its stage file, and kept in the record of a stage
 * whose output a synthesis keeps (lib/cli/reuse.ts), so a synthesis of the changed stages sees them too.
 * Its parts: the claims of a stage (stage-claims.ts), whether a stage's output takes one already
 * (output-holdings.ts), and an edge machine one stage leaves and another now names (moved-machines.ts).
 *
 * Not a claim: a VRRP router id. The edge's keepalived speaks unicast to its own peers only
 * (keepalived.ts: `unicast_peer`), so two stages' instances with one `virtual_router_id` on disjoint
 * machines never read each other's adverts. Pure.
 */
import { isIP } from 'node:net';
import type { Problem } from '../errors.js';
import { andList } from '../model/limits.js';
import { NODE_PORT_MAX, NODE_PORT_MIN, suggestNodePort } from './node-ports.js';
import { isStageClaims, type Claim, type StageClaims } from './claims.js';
import { shown, where } from './stage-claims.js';
import { sharedCluster } from './shared-cluster.js';
import { HOLDINGS, heldInOutput, outputsReadOnce, type CompiledOutput, type Held } from './output-holdings.js';
import { FLOATING_IP_LEAVES, MACHINE_LEAVES } from './changes.js';
import { movedMachineWarnings, type TakenMachine } from './moved-machines.js';
import { removedNodePortWarnings } from './removed-node-ports.js';
import type { TakenFloatingIp } from './moved-floating-ips.js';
import type { OutputClaims, RemovedOutput } from './output-claims.js';

// what lib/compile.ts, lib/compile-stage.ts and output-claims.ts take from the comparison across stages, drawn from its parts
export type { StageClaims } from './claims.js';
export { stageClaims, type ClaimSource } from './stage-claims.js';
export { writtenFrom, type CompiledOutput } from './output-holdings.js';
export type { TakenMachine } from './moved-machines.js';
export type { TakenFloatingIp } from './moved-floating-ips.js';
export { retoldLeaving } from './retold-leaving.js';

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

/** Whether `claim` is an edge machine's address (else a floating IP's, or a node port). */
const isMachine = (claim: Claim) => claim.what.startsWith('edge.machines.');

/**
 * Why two stages may not both take one address, by what each takes it as (`a` and `b`: each stage and its claim): of two
 * machines, the files each stage's edge writes for it; of two floating IPs, two keepalived masters; of a machine's and a
 * floating IP, keepalived adding it where the machine has it.
 */
function sharedBecause([aStage, a]: readonly [string, Claim], [bStage, b]: readonly [string, Claim]): string {
  if (isMachine(a) && isMachine(b))
    return "each stage's edge writes the whole haproxy.cfg and keepalived.conf of its machines, so the one copied there last replaces the other's and its hosts answer 503";
  if (!isMachine(a) && !isMachine(b))
    return "keepalived on each stage's machines holds it, so two masters answer for one address and its clients reach one stage's edge or the other's, as the network last heard";
  const [floats, owns] = isMachine(a) ? [bStage, aStage] : [aStage, bStage];
  return `keepalived adds it on stage ${floats}'s machines while stage ${owns}'s edge machine has it as its own, so two machines answer for one address`;
}

/**
 * The steps that finish a move begun in one stage file (`claim`'s stage takes newly an edge machine or
 * floating IP that `other`'s output runs), in order: take it out of the other stage file (that stage's whole
 * `edge:` when it is its last machine), then synthesize both at once, which warns at the taking setting with
 * what to do on the machine (moved-machines.ts); or take it out of the file that took it. A synthesis of
 * some stages names both stages, since one of them alone compares the other as its output in dist/ is.
 */
function moveHint(
  [stage, at]: readonly [string, Claim],
  [from, taken]: readonly [string, Claim],
  named: (stage: string) => boolean,
): string {
  const setting = (c: Claim) => c.what.replace(/\.address$/, '');
  const machine = isMachine(taken);
  const last = machine ? ` (its whole edge: when that is its last machine)` : '';
  const synth = named(stage) && named(from) ? 'npm run synth' : `npm run synth -- ${from} ${stage}`;
  // a floating IP moves between machines of their own: keepalived still holding it on the other's is a second master
  const then = machine
    ? 'do on the machine as its warning (edge/machine-leaves) says'
    : `on stage ${from}'s edge machines stop keepalived (sudo systemctl disable --now keepalived) before stage ${stage}'s start theirs, else two masters answer for the address`;
  return `to move it to stage ${stage}, take ${setting(taken)} out of ${where(taken)}${last}, then run ${synth} and ${then}; to leave it with stage ${from}, take ${setting(at)} out of ${where(at)} instead`;
}

/**
 * The problems of `stages` (stage name and its claims, in the project's order of stages): each edge
 * address two stages take, and each node port two stages on one cluster take, at the setting of the
 * stage that takes it newly (`held`: the one whose output holds it less, `Holding`, where an address is
 * never `moved`; else the later one's), naming the other's file:line:col. Only of two stages one of which
 * is `named` (compiled): a compilation of some stages writes none of the others, so what two of those take (a
 * stage file changed since its output was written, edited for a move not finished) is for their own
 * compilation to refuse, not this one.
 * @param defaultCluster the project file's `delivery.cluster`, for a delivered stage that names none
 */
function crossStageProblems(
  stages: readonly (readonly [string, StageClaims])[],
  defaultCluster: string | undefined,
  held: Held,
  named: (stage: string) => boolean,
): Problem[] {
  const problems: Problem[] = [];
  // a suggested port is free in every stage, and suggested once
  const used = new Set(stages.flatMap(([, c]) => c.nodePorts.map((p) => Number(p.value))));
  // an edge machine or floating IP is on no cluster for a stage to move off: an output that has it holds it, whatever
  // stage file it was written from, so of two that have it the later stage's is refused
  const heldAddress: Held = (stage, claim) => (held(stage, claim) === 'new' ? 'new' : 'held');
  stages.forEach(([stage, claims], i) => {
    const earlier = stages.slice(0, i).filter(([s]) => named(stage) || named(s));
    for (const c of claims.addresses) {
      const found = earlier.flatMap(([s, o]) => o.addresses.filter((a) => a.value === c.value).map((a) => [s, a] as const))[0];
      if (!found) continue;
      // at the stage that takes it newly, as a node port: the other's edge may run on it already
      const { claim, other, mine, theirs } = newlyTaken([stage, c], found, heldAddress);
      const [at, taken] = [claim[1], other[1]];
      // a move keeps what the address is: one stage's machine taken as a machine, its floating IP as a floating IP (a machine's own address
      // as a floating IP is no move: the machine's edge/machine-leaves warning would have it run this stage's files)
      const moving = mine === 'new' && theirs !== 'new';
      const moves = moving && isMachine(at) === isMachine(taken);
      const running = moving ? `, whose edge in dist/${other[0]}/ has it already` : '';
      problems.push({
        code: 'edge/shared-address',
        location: at.at,
        message: `${at.what} ${shown(at)} of stage ${claim[0]} is ${taken.what} of stage ${other[0]} too (${where(taken)})${running}: ${sharedBecause([claim[0], at], other)}`,
        hint: moves ? moveHint(claim, other, named) : `give each stage's edge machines and floating IP addresses of their own`,
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
    // two delivered stages: lib/delivery/conflicts.ts's sharedNamespaces refuses one namespace of one cluster; a stage
    // whose file names none writes to its own name, which another's namespace: may name too (two stage names never clash)
    const written = (s: string, c: StageClaims) => c.namespace?.value ?? s;
    const shared = earlier.flatMap(([s, o]) => {
      const why =
        (claims.namespace ?? o.namespace) !== undefined &&
        written(stage, claims) === written(s, o) &&
        !(claims.delivered && o.delivered) &&
        sharedCluster(claims, o, defaultCluster);
      return why ? [{ s, o, why }] : [];
    })[0];
    if (shared) {
      // at the namespace: that names another's, the later stage's, else the earlier's, which names the later's own (its
      // default, or named as its own: zeta's namespace: zeta is where it belongs, so alpha's namespace: zeta is refused)
      const [by, at, other, taken] =
        claims.namespace && claims.namespace.value !== stage
          ? [stage, claims.namespace, shared.s, shared.o.namespace]
          : [shared.s, shared.o.namespace!, stage, claims.namespace];
      const as = !taken
        ? `stage ${other}'s own (its default: its file names none)`
        : taken.value === other
          ? `stage ${other}'s own (${where(taken)})`
          : `as stage ${other} does (${where(taken)})`;
      problems.push({
        code: SHARED_NAMESPACE,
        location: at.at,
        message: `namespace: stage ${by} names the namespace '${at.value}', ${as}, on one cluster (${shared.why}): both write their objects there, so an app of one name in both is one Deployment, Service, ... that each stage's apply replaces with its own, and that a stage which drops it prunes while the other still has it`,
        hint: `give stage ${by} a namespace of its own (namespace: ${by}, its default, or remove namespace:)`,
      });
    }
  });
  return problems;
}

const SHARED_NAMESPACE = 'config/shared-namespace';

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

/**
 * Whether `p` is a warning of the comparison across stages placed at one stage's setting
 * (`edge/machine-name`, `edge/machine-leaves` of a machine another stage's edge leaves, `edge/floating-ip-leaves` of its floating IP): kept with that stage's warnings (lib/cli/synth.ts), and made again at every
 * compilation, since whether it holds depends on the other stages too.
 */
export const isPlacedAcrossStages = (p: Problem): boolean =>
  p.code === MACHINE_NAME || p.code === MACHINE_LEAVES || p.code === FLOATING_IP_LEAVES;

/**
 * A stage whose claims a compilation of others could not all compare: its stage file changed since its
 * output in dist/ was written, so its node ports are not known without compiling it, though its edge
 * addresses (`addresses`, written as such in its stage file) were compared; or, not even those, it has
 * no output, or its stage file does not read.
 */
export interface Unchecked {
  readonly stage: string;
  readonly addresses: boolean;
}

/**
 * The warning of a compilation of the `named` stages that could not compare what they take with what
 * the stages `unchecked` take (`Unchecked`): their node ports, and the edge addresses of those whose
 * stage file does not say them.
 */
export function claimsNotChecked(named: readonly string[], unchecked: readonly Unchecked[]): Problem {
  const whose = (stages: readonly Unchecked[]) => `stage${stages.length === 1 ? '' : 's'} ${stages.map((u) => u.stage).join(', ')}`;
  const [none, ports] = [unchecked.filter((u) => !u.addresses), unchecked.filter((u) => u.addresses)];
  const one = unchecked.length === 1;
  const what = none.length
    ? `node ports and edge addresses not compared with those of ${whose(none)}${ports.length ? `, nor node ports with those of ${whose(ports)}` : ''}`
    : `node ports not compared with those of ${whose(ports)}`;
  const taken = none.length
    ? `two stages on one cluster may not take one node port, nor two stages' edges one machine or floating IP`
    : 'two stages on one cluster may not take one node port';
  const why = `${one ? 'its stage file changed since its output in dist/ was written' : 'their stage files changed since their output in dist/ was written'}${none.length ? ` (or ${one ? 'it has' : 'some have'} none)` : ''}`;
  const compared = ports.length
    ? `; the edge addresses (machines, floating IP) that the stage file${ports.length === 1 ? '' : 's'} of ${whose(ports)} write${ports.length === 1 ? 's' : ''} were compared`
    : '';
  return {
    code: CLAIMS_NOT_CHECKED,
    severity: 'warning',
    subject: named.join(', '),
    message: `${what}: ${taken}, but ${why}, so ${none.length ? 'what' : 'the node ports'} ${one ? 'it takes' : 'they take'} ${none.length ? 'is' : 'are'} not known without compiling ${one ? 'it' : 'them'}${compared}`,
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
  {
    notices,
    acrossStages,
    acrossStagesOnce,
  }: {
    readonly notices: readonly Problem[];
    readonly acrossStages: ReadonlyMap<string, readonly Problem[]>;
    readonly acrossStagesOnce: ReadonlyMap<string, readonly Problem[]>;
  },
  stages: readonly string[],
): Problem[] => [
  ...notices.filter((p) => p.code === CLAIMS_NOT_CHECKED),
  ...stages.flatMap((s) => [...(acrossStages.get(s) ?? []), ...(acrossStagesOnce.get(s) ?? [])]),
];

/**
 * `crossStageProblems` of the stages compiled (`declarations`, by stage) and of those kept as
 * recorded (`kept`, whose claims their output takes already), in the order of `rank` (the project's
 * stages), so the same stages give the same problems however many were compiled. A kept stage's
 * record without claims as `stageClaims` makes them is not compared: lib/cli/reuse.ts keeps no such
 * stage. Every other stage of `rank` is compared as its output in dist/ says (`fromOutput`, output-claims.ts),
 * else it is one of `unchecked`; `warnings` are those of an edge machine named by host name where another
 * stage's edge is named by address (`machineNameWarnings`), which the two could not be compared for, by
 * the stage each is placed at; and an edge machine that a `removed` stage's output in dist/ runs on (its stage file gone) and a
 * stage's edge now names is warned of at that setting (`movedMachineWarnings`); `once`, by stage, those about an output this
 * compilation writes again or removes (a machine a compiled stage's edge leaves, a floating IP of a stage a synthesis of every
 * stage removes), which the next finds gone: said by this compilation only, never kept with a stage's warnings (lib/cli/synth.ts).
 * @param output each compiled stage's stage file and output as it is (the files of `dist/<stage>/`), to tell a node port it takes already, from the
 *   stage file as it is, from one it takes newly or took on the cluster its stage file named before
 * @param writesNothing the compilation writes no output (`npm run diff`): a compiled stage's files for an edge machine its output in dist/
 *   does not name yet are installed once its synthesis has written them
 */
export function claimProblems(
  declarations: ReadonlyMap<string, { readonly claims?: StageClaims }>,
  kept: readonly { readonly stage: string; readonly claims?: unknown }[],
  rank: ReadonlyMap<string, number>,
  defaultCluster: string | undefined,
  output: (stage: string) => CompiledOutput | undefined,
  fromOutput?: (stage: string) => OutputClaims | undefined,
  removed: readonly RemovedOutput[] = [],
  writesNothing = false,
): {
  readonly problems: Problem[];
  readonly warnings: ReadonlyMap<string, readonly Problem[]>;
  readonly unchecked: readonly Unchecked[];
  readonly taken: readonly (TakenMachine | TakenFloatingIp)[];
  readonly once: ReadonlyMap<string, readonly Problem[]>;
} {
  const stages: [string, StageClaims][] = [
    ...[...declarations].flatMap(([stage, d]) => (d.claims ? [[stage, d.claims] as [string, StageClaims]] : [])),
    ...kept.flatMap((k) => (isStageClaims(k.claims) && !declarations.has(k.stage) ? [[k.stage, k.claims] as [string, StageClaims]] : [])),
  ];
  // the project's other stages, from their output and their stage file as it is (`outputClaims`)
  const unchecked: Unchecked[] = [];
  const stale = new Map<string, CompiledOutput>();
  for (const s of rank.keys()) {
    if (declarations.has(s) || stages.some(([t]) => t === s)) continue;
    const found = fromOutput?.(s);
    if (found) stages.push([s, found.claims]);
    if (found?.nodePortsKnown) continue;
    unchecked.push({ stage: s, addresses: found !== undefined });
    if (found) stale.set(s, found.output);
  }
  stages.sort(([a], [b]) => (rank.get(a) ?? rank.size) - (rank.get(b) ?? rank.size) || (a < b ? -1 : a > b ? 1 : 0));
  const outputOnce = outputsReadOnce(output);
  // a compiled stage's output, or one written from a stage file changed since: how it holds what it takes (a kept stage's, or one of its stage file as it is, holds it)
  const outputOfStage = (stage: string) => (declarations.has(stage) ? outputOnce(stage) : stale.get(stage));
  const held: Held = (stage, claim) => (declarations.has(stage) || stale.has(stage) ? heldInOutput(outputOfStage(stage), claim) : 'held');
  const warnings = machineNameWarnings(stages);
  // an edge machine left by a stage's file (compiled, or changed since its output was written) that another stage's now names
  // a stage whose output in dist/ has no files for the machine yet: not compiled, its stage file changed since; or compiled, and written by no one
  const unwritten = (s: string, machine: Claim) => stale.has(s) || (writesNothing && declarations.has(s) && held(s, machine) === 'new');
  const moved = movedMachineWarnings(stages, (s) => declarations.has(s), outputOfStage, unwritten, removed);
  const add = (to: Map<string, Problem[]>, stage: string, said: readonly Problem[]) => to.set(stage, [...(to.get(stage) ?? []), ...said]);
  for (const [stage, said] of moved.warnings) add(warnings, stage, said);
  // a node port a removed stage's Service holds on the cluster of a stage that now declares it: of an output this synthesis removes, said once
  for (const r of removed)
    for (const [stage, warning] of removedNodePortWarnings(r, stages, defaultCluster))
      add(r.removing ? moved.once : warnings, stage, [warning]);
  // the stages this compilation names (`output` has their sources), whether or not they compiled
  const named = (s: string) => declarations.has(s) || output(s) !== undefined;
  return { problems: crossStageProblems(stages, defaultCluster, held, named), warnings, unchecked, taken: moved.taken, once: moved.once };
}
