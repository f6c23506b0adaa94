/**
 * An edge machine that one compiled stage's edge leaves and another stage's edge now names (an edge
 * moved from one stage file to another): the warning at the taking stage's setting, and the leaving
 * stage's own warning (changes.ts) told again (retold-leaving.ts, of the machines this finds taken), so that neither says to
 * stop what the other now runs there (across-stages.ts finds them once every stage is compiled); and one that another stage names by the same name at
 * an address of the other family, which may be the same dual-stack machine (`maybeTaking`), said so at its setting; and, by
 * moved-floating-ips.ts, a floating IP one stage's output moves, or a removed stage's, that another's stage file now takes. Pure.
 */
import type { Problem } from '../errors.js';
import type { Claim, StageClaims } from './claims.js';
import { canonicalAddress } from './address.js';
import { HAPROXY_FILE } from './haproxy.js';
import { readHaproxyConfig } from './haproxy-read.js';
import { floatingAddressIn, keepalivedFile } from './keepalived.js';
import { EDGE_DIR } from './index.js';
import { MACHINE_LEAVES, sameMachineMaybe } from './changes.js';
import { installSteps } from './install-steps.js';
import { FLOATING_SETTING, MACHINE_SETTING, shown } from './stage-claims.js';
import { HAPROXY_PATH, edgePath, type CompiledOutput } from './output-holdings.js';
import { removedEdge, type RemovedOutput } from './output-claims.js';
import {
  THIS_STAGE,
  movedFloatingWarnings,
  removedFloatingWarnings,
  replacedFloatingWarning,
  type TakenFloatingIp,
} from './moved-floating-ips.js';

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
  /**
   * Set when that stage names the machine by its name at an address of the other family (`IPv4`, `IPv6`: `maybeTaking`), not
   * by its address: maybe the same dual-stack machine, which no stage file says. @default - named by its address
   */
  readonly family?: string;
}

/** A removed stage takes nothing: its output's machines are all left. */
const NO_CLAIMS: StageClaims = { delivered: false, nodes: [], nodePorts: [], addresses: [] };

/**
 * A warning at the setting of each stage whose edge now names a machine that the edge of another
 * stage leaves (its output in dist/ names the machine, its stage file no longer does: an edge moved
 * from one stage file to another), by that stage, of a stage compiled or whose stage file changed
 * since its output was written (`output`, undefined for any other, whose output is of its stage file), and those machines (`taken`, whose
 * leaving stage's own warning lib/compile.ts tells again: its DNS is not to be pointed away, nor its
 * haproxy stopped). The leaving stage's keepalived, when it moved a floating IP there, is stopped
 * first unless this stage's files have a keepalived.conf for the machine: left running, it keeps the
 * old address and peers, which no longer count it as one, and takes the address as a second master.
 * Of a taking stage whose output is `unwritten` for the machine (not compiled, its stage file changed since;
 * or compiled by `npm run diff`, which writes nothing, while its output in dist/ does not name the machine),
 * its files are installed once its synthesis has written them: its output in dist/ has none for the machine.
 * Only about this change: once the leaving stage's output is written, it no longer names the machine.
 * A `removed` stage (its stage file gone, its output still in dist/: a stage deleted, then another
 * synthesized alone onto its machine) leaves every machine of its output; its warning says that a full
 * synthesis removes that output, and it is in no `taken` (it has no warning of its own to tell again); of one this synthesis
 * removes, the removal line says what to do on its machines, and only a floating IP it moved is warned of (`removedFloatingWarnings`),
 * among `once`: said by this synthesis only, as the next finds that output gone.
 */
export function movedMachineWarnings(
  stages: readonly (readonly [string, StageClaims])[],
  compiled: (stage: string) => boolean,
  output: (stage: string) => CompiledOutput | undefined,
  unwritten: (stage: string, machine: Claim) => boolean = () => false,
  removed: readonly RemovedOutput[] = [],
): {
  readonly warnings: Map<string, Problem[]>;
  readonly taken: (TakenMachine | TakenFloatingIp)[];
  readonly once: Map<string, Problem[]>;
} {
  const warnings = new Map<string, Problem[]>();
  // of an output this compilation writes again (its stage's, compiled) or removes, said once: the next finds it no longer names the machine
  const once = new Map<string, Problem[]>();
  const add = (to: Map<string, Problem[]>, stage: string, p: Problem) => to.set(stage, [...(to.get(stage) ?? []), p]);
  const taken: (TakenMachine | TakenFloatingIp)[] = [];
  const machineClaims = (claims: StageClaims) => claims.addresses.filter((a) => a.what.startsWith(MACHINE_SETTING));
  const floats = new Map(stages.map(([s, c]) => [s, c.addresses.some((a) => a.what === FLOATING_SETTING)]));
  const gone = new Map(removed.map((r) => [r.stage, r]));
  // the machines of one a synthesis removes: its removal line says what to do there (lib/cli/removed-stage.ts)
  const leaving: (readonly [string, StageClaims])[] = [
    ...stages,
    ...removed.flatMap((r) => (r.removing ? [] : [[r.stage, NO_CLAIMS] as const])),
  ];
  for (const [stage, claims] of leaving) {
    const read = gone.get(stage)?.output.readOutput ?? output(stage)?.readOutput;
    const was = read?.(HAPROXY_PATH);
    if (was === undefined) continue;
    const mine = new Set(machineClaims(claims).map((a) => a.value));
    for (const machine of readHaproxyConfig(was).machines) {
      const value = canonicalAddress(machine.address);
      if (mine.has(value)) continue;
      const taking = stages.flatMap(([s, c]) =>
        s === stage ? [] : machineClaims(c).flatMap((a) => (a.value === value ? [[s, a] as const] : [])),
      );
      // of a machine another stage names by the same name at an address of the other family: maybe the same dual-stack machine
      const maybe = taking.length === 0 && !gone.has(stage) ? maybeTaking(stages, stage, machine) : [];
      const floating = taking.length || maybe.length ? floatingAddressIn(read?.(edgePath(keepalivedFile(machine.name))) ?? '') : undefined;
      const runs = `${HAPROXY_FILE}${floating ? ` and keepalived with ${floating}` : ''}`;
      const stepsOf = (other: string, at: Claim) =>
        takingSteps({ stage, machine, floating, other, at, floats: floats.get(other) === true, unwritten });
      for (const [other, at] of taking) {
        const steps = stepsOf(other, at);
        const removedOutput = gone.get(stage);
        const file = removedOutput?.file;
        if (file === undefined)
          taken.push({ stage, name: machine.name, address: machine.address, by: other, at, steps, byCompiled: compiled(other) });
        // a removed stage's output stays in dist/ until a synthesis of every stage removes it and says what it leaves in its cluster
        const whose =
          removedOutput === undefined
            ? `of stage ${stage}'s edge in dist/${stage}/, which its stage file no longer names`
            : removedEdge(removedOutput);
        const then =
          file === undefined
            ? ''
            : `; and npm run synth (every stage) removes dist/${stage}/, printing the command that deletes stage ${stage}'s objects from its cluster and what its other edge machines go on doing`;
        // of a leaving stage compiled, said once, by the taking stage when compiled too, else by the leaving stage's warning (`retoldLeaving`)
        if (!compiled(stage) || compiled(other))
          add(compiled(stage) ? once : warnings, other, {
            code: MACHINE_LEAVES,
            severity: 'warning',
            location: at.at,
            message: `${at.what} ${shown(at)} of stage ${other} is edge machine ${machine.name} (${machine.address}) ${whose}: it runs stage ${stage}'s ${runs} until this stage's files replace them`,
            hint: `${steps(THIS_STAGE)}${then}`,
          });
      }
      // a machine of the same name named by another stage at an address of the other family: the same dual-stack machine or
      // another, which no stage file says; the leaving stage's own warning says to stop its haproxy (a removed stage's removal
      // line says it both ways itself, lib/cli/removed-stage.ts)
      for (const [other, at, family] of maybe) {
        // told again in the leaving stage's own warning (`retoldLeaving`), which says to stop haproxy there
        taken.push({
          stage,
          name: machine.name,
          address: machine.address,
          by: other,
          at,
          steps: stepsOf(other, at),
          byCompiled: compiled(other),
          family,
        });
        if (compiled(stage) && !compiled(other)) continue;
        add(compiled(stage) ? once : warnings, other, {
          code: MACHINE_LEAVES,
          severity: 'warning',
          location: at.at,
          message: `${at.what} ${shown(at)} of stage ${other} is not edge machine ${machine.name} (${machine.address}) of stage ${stage}'s edge in dist/${stage}/, which its stage file no longer names, unless ${shown(at)} is that machine's ${family} address (one dual-stack machine, which no stage file says: a machine is known by its address): then it runs stage ${stage}'s ${runs} until this stage's files replace them`,
          // the steps of a machine this stage takes by its address (its keepalived stopped first when it holds the leaving stage's floating IP)
          hint: `if it is that machine, ${stepsOf(other, at)(THIS_STAGE)} as stage ${stage}'s warning says`,
        });
      }
    }
  }
  for (const r of removed)
    for (const [stage, warning] of removedFloatingWarnings(r, stages, unwritten)) add(r.removing ? once : warnings, stage, warning);
  for (const [stage, claims] of stages) {
    const read = output(stage)?.readOutput;
    if (read === undefined) continue;
    // as of a machine: of a giving stage compiled, its own warning (changes.ts) says what to do there when the taking stage is not,
    // told again with the taking stage's steps (`retoldLeaving`): a synthesis that compiles the one and not the other prints no warning of the other
    // (one that moves another address now has no such warning: its own floating IP's says so, `replacedFloatingWarning`)
    for (const [other, warning, { now, first, on, ...took }] of movedFloatingWarnings(stage, claims, read, stages, unwritten))
      if (!compiled(stage) || compiled(other)) add(compiled(stage) ? once : warnings, other, warning);
      else if (now) add(once, stage, replacedFloatingWarning(stage, now, on, first, { stage, by: other, ...took }));
      else taken.push({ stage, by: other, ...took });
  }
  return { warnings, taken, once };
}

/**
 * What to do on `machine`, which `stage`'s edge leaves, for `other`, whose edge now names it (`at`): install that stage's edge files
 * there (`whose`: how they are named), with its keepalived.conf when it moves a floating IP (`floats`); when it does not and the
 * leaving stage's keepalived held `floating` there, that keepalived stopped first; once `other`'s synthesis has written its files for
 * the machine when they are not yet (`unwritten`); rather than stop haproxy there, as the leaving stage's own warning says.
 */
function takingSteps({
  stage,
  machine,
  floating,
  other,
  at,
  floats,
  unwritten,
}: {
  readonly stage: string;
  readonly machine: { readonly name: string };
  readonly floating: string | undefined;
  readonly other: string;
  readonly at: Claim;
  readonly floats: boolean;
  readonly unwritten: (stage: string, machine: Claim) => boolean;
}): (whose: string) => string {
  const keepalived = `dist/${other}/${edgePath(keepalivedFile(at.what.slice(MACHINE_SETTING.length, -'.address'.length)))}`;
  return (whose) => {
    const steps = installSteps({
      files: `${whose} edge files (dist/${other}/${EDGE_DIR}/)`,
      there: 'there',
      // a stage not compiled whose stage file changed since its output was written: that output has no files for the machine yet
      ...(unwritten(other, at)
        ? {
            pending: `once npm run synth -- ${other} has written its files for the machine (dist/${other}/ is of its stage file as it was before), `,
          }
        : {}),
      ...(floats ? { keepalived: [keepalived] } : {}),
      ...(floating && !floats
        ? {
            stopFirst: {
              on: machine.name,
              why: `${whose === THIS_STAGE ? 'this stage has' : `stage ${other} has`} no floating IP, so none of its files replaces stage ${stage}'s keepalived.conf there: left running, it holds ${floating} as a second master once stage ${stage}'s other machines no longer count it as a peer`,
            },
          }
        : {}),
    });
    return `${floating && !floats ? 'first, ' : ''}${steps}, rather than stop haproxy there`;
  };
}

/**
 * The machines of other stages than `stage` that have the name of `machine` (one of `stage`'s output) at an address of its
 * other family (`sameMachineMaybe`): each stage, its claim of the machine's address, and the family of that address.
 */
function maybeTaking(
  stages: readonly (readonly [string, StageClaims])[],
  stage: string,
  machine: { readonly name: string; readonly address: string },
): (readonly [string, Claim, string])[] {
  const setting = `${MACHINE_SETTING}${machine.name}.address`;
  return stages.flatMap(([s, c]) =>
    s === stage
      ? []
      : c.addresses.flatMap((a) => {
          const family = a.what === setting ? sameMachineMaybe(machine.address, a.value) : undefined;
          return family ? [[s, a, family] as const] : [];
        }),
  );
}
