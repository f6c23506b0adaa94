/**
 * A leaving stage's own warnings (changes.ts: an edge machine that leaves, the floating IP that leaves) told again once every
 * stage is compiled, of the machines and floating IPs another stage's edge now takes (moved-machines.ts finds them): that
 * stage's steps, or to do as its warning says, in place of, or after, stopping what the other now runs. Pure.
 */
import type { Problem } from '../errors.js';
import { anotherGiven, leavesFloating, leavesMachine, takenOverHint } from './changes.js';
import type { TakenMachine } from './moved-machines.js';
import type { TakenFloatingIp } from './moved-floating-ips.js';
import { shown, where } from './stage-claims.js';

/**
 * `notice`, a warning of the compilation of stage `stage`, told again when it is that stage's
 * `edge/machine-leaves` (changes.ts) of a machine another stage's edge now names (`taken`): compiled
 * alone, it said to point the DNS of its hosts elsewhere and stop haproxy there, unless another
 * stage's edge names the machine; that stage does, whose hosts the machine now serves, so the
 * notice says so, and to do as that stage's warning says (`movedMachineWarnings`) instead; or, when that
 * stage was not compiled (a synthesis of this stage alone, which prints no warning of another), what
 * that warning says to do there, so that it is said. Of a machine that stage names by the same name at an address of the other
 * family (`TakenMachine.family`), the notice's steps stand (it may be another machine), and that stage's follow, for the same one.
 */
export function retoldLeaving(notice: Problem, stage: string, taken: readonly (TakenMachine | TakenFloatingIp)[]): Problem {
  const floating = taken.find((t): t is TakenFloatingIp => 'floating' in t && t.stage === stage && leavesFloating(notice, t.floating));
  if (floating) return retoldFloating(notice, floating);
  const by = taken.find((t): t is TakenMachine => 'name' in t && t.stage === stage && leavesMachine(notice, t.name, t.address));
  if (!by) return notice;
  if (by.family !== undefined) {
    // maybe that machine: the notice's steps stand, for another machine, and that stage's follow, for the same one
    const same = `but stage ${by.by}'s edge machine ${by.name} is at ${shown(by.at)} (${by.at.what}, ${where(by.at)}), which may be the ${by.family} address of the same dual-stack machine (a machine is known by its address, so stagecraft cannot tell): if it is, `;
    return {
      ...notice,
      hint: `${notice.hint}; ${same}${by.byCompiled ? `do there as stage ${by.by}'s warning says` : by.steps(`stage ${by.by}'s`)}`,
    };
  }
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

/**
 * `notice`, changes.ts' `edge/floating-ip-leaves` of the floating IP `taken.floating` that stage `taken.stage`'s edge moves no
 * more, told again when another stage's edge, not compiled, now takes it: the notice said only that another stage given it
 * would have two masters; that stage is, and its keepalived takes the address only once this one is stopped, which the
 * notice's steps do, so its steps follow them (`movedMachineWarnings` prints no warning of that stage with this one).
 */
function retoldFloating(notice: Problem, { floating, by, at, steps }: TakenFloatingIp): Problem {
  const address = floating.split('/')[0]!;
  return {
    ...notice,
    message: notice.message.replace(
      `(${anotherGiven(address)})`,
      `(stage ${by}'s edge now takes ${address}, ${at.what} at ${where(at)}: its keepalived started before this one is stopped, two masters would answer for it)`,
    ),
    hint: `${notice.hint}; only then, for stage ${by}, ${steps}`,
  };
}
