/**
 * A floating IP that one stage's output in dist/ moves and another stage's stage file now takes: of a stage whose stage file moves
 * it no more (`movedFloatingWarnings`, told again by the leaving stage's warning when the taking stage is not compiled, or said at
 * the giving stage's new floating IP, `replacedFloatingWarning`), or of a removed stage (`removedFloatingWarnings`): keepalived on
 * the giving stage's machines holds it until stopped or reloaded there, so the taking stage's started first would be a second
 * master. The floating IP's part of moved-machines.ts, which calls these. Pure.
 */
import type { Problem } from '../errors.js';
import type { Claim, StageClaims } from './claims.js';
import { canonicalAddress } from './address.js';
import { readHaproxyConfig } from './haproxy-read.js';
import { floatingAddressIn, keepalivedFile } from './keepalived.js';
import { EDGE_DIR } from './index.js';
import { FLOATING_IP_LEAVES, MACHINE_LEAVES } from './changes.js';
import { hostsNamed } from './hosts-named.js';
import { andList } from '../model/limits.js';
import { FLOATING_SETTING, MACHINE_SETTING, shown, where } from './stage-claims.js';
import { HAPROXY_PATH, edgePath } from './output-holdings.js';
import { removedEdge, type RemovedOutput } from './output-claims.js';
import { THEN_KEEPALIVED } from './install-steps.js';

/** How the warnings across stages (`movedMachineWarnings`, and these) name, in its hint, the files of the stage it is placed at. */
export const THIS_STAGE = "this stage's";

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

/**
 * A warning at the floating IP of each stage that takes the one a `removed` stage's output moved (keepalived
 * on its machines holds it until stopped there): this stage's keepalived started first, two masters would
 * answer for the address. Its machines that this stage's edge names are left out, whose keepalived.conf
 * this stage's replaces (`movedMachineWarnings` warns of them). Of a stage whose output is `unwritten` for the
 * address, its files are installed once its synthesis has written them. Given by a synthesis of every stage too, which
 * removes that output: its removal line says to stop keepalived there, not that this stage's waits for it.
 */
export function removedFloatingWarnings(
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
          hint: `first, on ${on}: sudo systemctl disable --now keepalived haproxy (stage ${stage}'s edge, whose hosts no longer have a stage); then ${unwritten(other, at) ? `once npm run synth -- ${other} has written them (dist/${other}/ is of its stage file as it was before), ` : ''}install this stage's edge files (dist/${other}/${EDGE_DIR}/) on its machines and reload haproxy, ${THEN_KEEPALIVED}; ${removing ? 'this synthesis removes' : 'and npm run synth (every stage) removes'} dist/${stage}/, printing the command that deletes stage ${stage}'s objects from its cluster`,
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
export function movedFloatingWarnings(
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
      `${unwritten(other, at) ? `once npm run synth -- ${other} has written them (dist/${other}/ is of its stage file as it was before), ` : ''}install ${whose} edge files (dist/${other}/${EDGE_DIR}/) on its machines and reload haproxy, ${THEN_KEEPALIVED}`;
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
export function replacedFloatingWarning(
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
