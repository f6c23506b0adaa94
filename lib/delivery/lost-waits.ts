/**
 * The stages whose delivery no longer waits for the stage before them because one of the two moved
 * to the other engine: Flux applies a stage only once the Kustomization it depends on (`dependsOn`,
 * the stage before it in the promotion order: lib/delivery/flux.ts) is ready at the same commit, but
 * it waits only for a Kustomization, and Argo CD waits for no stage. Said once, by the synthesis that
 * makes the change (lib/cli/delivery-moves.ts); `npm run diff` shows the `dependsOn` that goes. Pure.
 */
import type { Problem } from '../errors.js';
import { ENGINES, type Engine, engineName } from '../model/engines.js';
import { andList } from '../model/limits.js';
import type { StageTarget } from './target.js';

/** The engine and target of `stage` in `targets` (by `<engine>/<stage>`), when one delivers it. */
function delivered(targets: ReadonlyMap<string, StageTarget>, stage: string): { engine: Engine; target: StageTarget } | undefined {
  for (const engine of ENGINES) {
    const target = targets.get(`${engine}/${stage}`);
    if (target) return { engine, target };
  }
  return undefined;
}

/**
 * Each stage that Flux applied only after another (`before`: the targets of `dist/delivery/` as it
 * was) and that the new `dist/delivery/` (`after`) applies without waiting for it, because that stage
 * or this one is delivered by the other engine now, as a warning naming both and what to do. A stage
 * that waits for another one now (its promotion order changed, the one before it suspended: the
 * README says so), or whose stage before it is delivered no more, is not said.
 * @param before the targets as they were, perhaps of some stages only (npm run diff): the stage of a Kustomization waited for is then found by its name in `whole`
 * @param whole the targets of the whole new dist/delivery/, when `after` holds those of some stages only (npm run diff)
 */
export function lostWaits(
  before: ReadonlyMap<string, StageTarget>,
  after: ReadonlyMap<string, StageTarget>,
  whole: ReadonlyMap<string, StageTarget> = after,
): Problem[] {
  // the stage of each Kustomization waited for: `before` may hold some stages' objects only (npm run diff of one), and
  // the new output names a stage's delivery object as the old did (`<project>-<stage>`, whatever its engine)
  const fluxStages = new Map([
    ...[...whole.values()].map((t) => [t.name, t.stage] as const),
    ...[...before].flatMap(([key, t]) => (key.startsWith('flux/') ? [[t.name, t.stage] as const] : [])),
  ]);
  return [...before].flatMap(([key, was]): Problem[] => {
    if (!key.startsWith('flux/') || !was.waitsFor) return [];
    const stage = was.stage;
    const now = delivered(after, stage);
    if (!now) return [];
    return was.waitsFor.flatMap((name): Problem[] => {
      const first = fluxStages.get(name);
      const then = first === undefined ? undefined : delivered(whole, first);
      // the stage before it delivered no more, or both still Flux's (waiting, or not for a reason of its own: the stage before it suspended)
      if (first === undefined || !then || (now.engine === 'flux' && then.engine === 'flux')) return [];
      // what Argo CD delivers of the two now
      const moved = [first, stage].filter((_, i) => [then, now][i].engine !== 'flux');
      const ready =
        then.engine === 'flux'
          ? `flux get kustomization ${then.target.name} shows it Ready`
          : `argocd app wait ${then.target.name} --health`;
      return [
        {
          code: 'delivery/wait-lost',
          severity: 'warning',
          subject: now.target.subject,
          message:
            `no longer waits for ${first}: Flux applied ${stage} only once ${first} was ready at the same commit (dependsOn ${name}), ` +
            `but ${then.engine === now.engine ? `${engineName(now.engine)} delivers ${first} and ${stage} now` : `${engineName(then.engine)} delivers ${first} now and ${engineName(now.engine)} ${stage}`}, and only Flux waits, for a Kustomization: ` +
            `a commit is applied to ${stage} at once, whether or not ${first} took it`,
          hint:
            `to keep ${stage} after ${first}, deliver ${andList(moved)} with Flux again (delivery: { engine: flux } in ${andList(moved.map((s) => `environments/${s}.yaml`))}); ` +
            `else push a promotion to ${stage} only once ${first} is healthy at the release it promotes (${ready})`,
        },
      ];
    });
  });
}
