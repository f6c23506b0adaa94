/**
 * An edge machine that one compiled stage's edge leaves and another stage's edge now names (an edge
 * moved from one stage file to another): the warning at the taking stage's setting, and the leaving
 * stage's own warning (changes.ts) told again (retold-leaving.ts, of the machines this finds taken), so that neither says to
 * stop what the other now runs there (across-stages.ts finds them once every stage is compiled); and one that another stage names by the same name at
 * an address of the other family, which may be the same dual-stack machine (`maybeTaking`), said so at its setting. Pure.
 */
import type { Problem } from '../errors.js';
import type { Claim, StageClaims } from './claims.js';
import { canonicalAddress } from './address.js';
import { HAPROXY_FILE } from './haproxy.js';
import { readHaproxyConfig } from './haproxy-read.js';
import { floatingAddressIn, keepalivedFile } from './keepalived.js';
import { EDGE_DIR } from './index.js';
import { hostsNamed, sameMachineMaybe } from './changes.js';
import { andList } from '../model/limits.js';
import { installSteps } from './install-steps.js';
import { shown, where } from './stage-claims.js';
import { HAPROXY_PATH, edgePath, type CompiledOutput } from './output-holdings.js';

/** The code of an edge machine that leaves a stage's edge (changes.ts), here one that another stage's edge now names. */
export const MACHINE_LEAVES = 'edge/machine-leaves';

/** The code of a floating IP that one stage's edge moves no more and another's now takes (and of changes.ts' warning of the first). */
export const FLOATING_IP_LEAVES = 'edge/floating-ip-leaves';

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
  /**
   * Set when that stage names the machine by its name at an address of the other family (`IPv4`, `IPv6`: `maybeTaking`), not
   * by its address: maybe the same dual-stack machine, which no stage file says. @default - named by its address
   */
  readonly family?: string;
}

/**
 * A floating IP that a compiled stage's edge moves no more (its stage file's `edge.floatingIp` taken out) and that the edge of
 * another stage, not compiled, now takes (`movedMachineWarnings`): the leaving stage's own warning (changes.ts) is told again
 * with that stage's steps, which come after it (`retoldLeaving`), since no warning of that stage's is printed with it.
 */
export interface TakenFloatingIp {
  /** The stage whose edge moves it no more, and the floating IP as its keepalived.conf moved it (`10.0.1.50/16`). */
  readonly stage: string;
  readonly floating: string;
  /** The stage whose edge now takes it, that stage's setting, and what to do for it once this stage's keepalived is stopped. */
  readonly by: string;
  readonly at: Claim;
  readonly steps: string;
}

/** The output in dist/ of a stage whose stage file (`file`, as its inventory names it) is gone, not yet removed by a synthesis of every stage. */
export interface RemovedOutput {
  readonly stage: string;
  readonly file: string;
  readonly output: CompiledOutput;
  /** The compilation's output removes it (a synthesis of every stage), whose removal line says what its edge machines go on doing. */
  readonly removing: boolean;
  /**
   * git says the project's last commit has none of it (`output` then read as in dist/): no edge machine should run it, but
   * one it was copied to from the working tree all the same does, and the warnings say so, as its removal line does. @default false
   */
  readonly neverCommitted?: boolean;
}

/** How the warnings name a removed stage's edge in dist/ (`RemovedOutput`). */
const removedEdge = ({ stage, file, neverCommitted }: Pick<RemovedOutput, 'stage' | 'file' | 'neverCommitted'>) =>
  `of removed stage ${stage}'s edge in dist/${stage}/ (there is no ${file}${neverCommitted ? `; its output was never committed, so no edge machine should run it, but one it was copied to from the working tree all the same does` : ''})`;

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

/**
 * A warning at the floating IP of each stage that takes the one a `removed` stage's output moved (keepalived
 * on its machines holds it until stopped there): this stage's keepalived started first, two masters would
 * answer for the address. Its machines that this stage's edge names are left out, whose keepalived.conf
 * this stage's replaces (`movedMachineWarnings` warns of them). Of a stage whose output is `unwritten` for the
 * address, its files are installed once its synthesis has written them. Given by a synthesis of every stage too, which
 * removes that output: its removal line says to stop keepalived there, not that this stage's waits for it.
 */
function removedFloatingWarnings(
  removedOutput: RemovedOutput,
  stages: readonly (readonly [string, StageClaims])[],
  unwritten: (stage: string, floating: Claim) => boolean,
): [string, Problem][] {
  const { stage, output, removing } = removedOutput;
  const was = output.readOutput && floatingOf(output.readOutput);
  if (was === undefined) return [];
  const { floating, address, machines } = was;
  return stages.flatMap(([other, claims]) => {
    const at = claims.addresses.find((a) => a.what === FLOATING_SETTING && a.value === address);
    if (!at) return [];
    const mine = new Set(claims.addresses.filter((a) => a.what.startsWith(MACHINE_SETTING)).map((a) => a.value));
    const holding = machines.filter((m) => !mine.has(canonicalAddress(m.address))).map((m) => `${m.name} (${m.address})`);
    if (holding.length === 0) return [];
    const on = holding.join(', ');
    return [
      [
        other,
        {
          code: MACHINE_LEAVES,
          severity: 'warning',
          location: at.at,
          message: `${at.what} ${shown(at)} of stage ${other} is the floating IP ${floating} ${removedEdge(removedOutput)}, which keepalived on ${holding.length === 1 ? 'its edge machine' : 'its edge machines'} ${on} holds until stopped there: this stage's keepalived started first, two masters would answer for the address`,
          hint: `first, on ${on}: sudo systemctl disable --now keepalived haproxy (stage ${stage}'s edge, whose hosts no longer have a stage); then ${unwritten(other, at) ? `once npm run synth -- ${other} has written them (dist/${other}/ is of its stage file as it was before), ` : ''}install this stage's edge files (dist/${other}/${EDGE_DIR}/) on its machines and reload haproxy, then keepalived (sudo systemctl reload-or-restart keepalived); ${removing ? 'this synthesis removes' : 'and npm run synth (every stage) removes'} dist/${stage}/, printing the command that deletes stage ${stage}'s objects from its cluster`,
        },
      ],
    ];
  });
}

/** The floating IP an output's keepalived.conf files move (`read`, the files of `dist/<stage>/`), and its edge machines; none without one. */
function floatingOf(read: (file: string) => string | undefined) {
  const { machines, routes } = readHaproxyConfig(read(HAPROXY_PATH) ?? '');
  const floating = machines.map((m) => floatingAddressIn(read(edgePath(keepalivedFile(m.name))) ?? '')).find((f) => f !== undefined);
  return floating === undefined ? undefined : { floating, address: canonicalAddress(floating.split('/')[0]!), machines, routes };
}

/**
 * A warning at the floating IP of each stage that takes the one that stage `stage`'s output in dist/ moves (`read`)
 * while its stage file (`claims`) moves it no more (a floating IP moved from one stage file to another, both kept):
 * keepalived on its machines holds it until stopped there, or reloaded with that stage's new keepalived.conf (it
 * moves another address now), so this stage's keepalived started first would be a second master. Its machines that
 * this stage's edge names are left out, whose keepalived.conf this stage's replaces (`movedMachineWarnings`). Of
 * a stage whose output is `unwritten` for the address, its files are installed once its synthesis has written them;
 * so are that stage's new keepalived.conf files, of the address it moves now. That stage's hosts, whose DNS names the
 * address, are pointed away from it first (at its machines' own addresses, as its own warning says, changes.ts), or at
 * the address it moves now once its keepalived holds it: else this stage's edge answers them once it takes the address.
 */
function movedFloatingWarnings(
  stage: string,
  claims: StageClaims,
  read: (file: string) => string | undefined,
  stages: readonly (readonly [string, StageClaims])[],
  unwritten: (stage: string, floating: Claim) => boolean,
): [string, Problem, Pick<TakenFloatingIp, 'floating' | 'at' | 'steps'> & { now?: Claim; first: string; on: string }][] {
  const was = floatingOf(read);
  if (was === undefined || claims.addresses.some((a) => a.what === FLOATING_SETTING && a.value === was.address)) return [];
  const nowFloating = claims.addresses.find((a) => a.what === FLOATING_SETTING);
  const named = new Map(claims.addresses.filter((a) => a.what.startsWith(MACHINE_SETTING)).map((a) => [a.value, a]));
  return stages.flatMap(([other, theirs]) => {
    const at = theirs.addresses.find((a) => a.what === FLOATING_SETTING && a.value === was.address);
    if (!at || other === stage) return [];
    const mine = new Set(theirs.addresses.filter((a) => a.what.startsWith(MACHINE_SETTING)).map((a) => a.value));
    const holding = was.machines.filter((m) => !mine.has(canonicalAddress(m.address)));
    if (holding.length === 0) return [];
    const pending = nowFloating && unwritten(stage, nowFloating) ? `once npm run synth -- ${stage} has written them, ` : '';
    // what to do on each machine, the machines of one step together
    const steps = new Map<string, string[]>();
    for (const m of holding) {
      const still = named.get(canonicalAddress(m.address));
      const file = still && `dist/${stage}/${edgePath(keepalivedFile(still.what.slice(MACHINE_SETTING.length, -'.address'.length)))}`;
      const step = !still
        ? `sudo systemctl disable --now keepalived haproxy (it leaves stage ${stage}'s edge)`
        : !nowFloating
          ? `sudo systemctl disable --now keepalived (stage ${stage}'s edge moves no floating IP now; its haproxy stays)`
          : `${pending}install ${file} as /etc/keepalived/keepalived.conf and reload keepalived (stage ${stage}'s edge moves ${shown(nowFloating)} now)`;
      steps.set(step, [...(steps.get(step) ?? []), `${m.name} (${m.address})`]);
    }
    const on = holding.map((m) => `${m.name} (${m.address})`).join(', ');
    // its hosts, whose DNS names the address: this stage's edge answers them once it holds it, so their DNS goes where that stage's edge now is
    const hosts = hostsNamed([...new Set(was.routes.map((r) => r.host))]);
    const staying = [...named.values()].map(shown);
    const dns =
      hosts && staying.length
        ? nowFloating
          ? `point the DNS of ${hosts} at ${shown(nowFloating)}`
          : `point the DNS of ${hosts} at stage ${stage}'s edge machines' own addresses (${andList(staying)}) or elsewhere`
        : undefined;
    const onMachines = [...steps].map(([step, machines]) => `on ${machines.join(', ')}: ${step}`).join('; ');
    const first = dns === undefined ? onMachines : nowFloating ? `${onMachines}; then ${dns}` : `${dns}; then, ${onMachines}`;
    const install = (whose: string) =>
      `${unwritten(other, at) ? `once npm run synth -- ${other} has written them (dist/${other}/ is of its stage file as it was before), ` : ''}install ${whose} edge files (dist/${other}/${EDGE_DIR}/) on its machines and reload haproxy, then keepalived (sudo systemctl reload-or-restart keepalived)`;
    return [
      [
        other,
        {
          code: FLOATING_IP_LEAVES,
          severity: 'warning',
          location: at.at,
          message: `${at.what} ${shown(at)} of stage ${other} is the floating IP ${was.floating} of stage ${stage}'s edge in dist/${stage}/, which its stage file no longer names: keepalived on ${holding.length === 1 ? 'its edge machine' : 'its edge machines'} ${on} holds it until stopped or reloaded there, so this stage's keepalived started first would be a second master answering for the address`,
          hint: `first, ${first}; then ${install(THIS_STAGE)}`,
        },
        { floating: was.floating, at, steps: install('its'), now: nowFloating, first, on },
      ],
    ];
  });
}

/**
 * A warning at the floating IP that stage `stage`'s edge moves `now`, which replaces the one its output in dist/ moved (`taken.floating`,
 * which keepalived holds `on` its machines until reloaded there with this stage's new files) while the edge of another stage, not
 * compiled with it, takes that one (`taken.by`): that stage's warning, printed by no synthesis of this stage alone, is said here,
 * its steps after this stage's (`first`), since its keepalived reloaded first would be a second master answering for the address.
 */
function replacedFloatingWarning(
  stage: string,
  now: Claim,
  on: string,
  first: string,
  { floating, by, at, steps }: TakenFloatingIp,
): Problem {
  const address = floating.split('/')[0]!;
  return {
    code: FLOATING_IP_LEAVES,
    severity: 'warning',
    location: now.at,
    message: `${now.what} ${shown(now)} of stage ${stage} replaces the floating IP ${floating}, which keepalived on its edge machines ${on} holds until reloaded there, and stage ${by}'s edge now takes ${address} (${at.what} at ${where(at)}): its keepalived reloaded before these are would be a second master answering for it`,
    hint: `first, ${first}; only then, for stage ${by}, ${steps}`,
  };
}
