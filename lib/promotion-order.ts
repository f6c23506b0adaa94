/**
 * The promotion order: which stage each stage gets its releases from (`promotion: { from: <stage> }`
 * in its stage file), what is wrong with the order declared, and why a move between two stages is
 * out of it. Pure: declarations in, order and problems out; lib/promotion.ts plans a promotion.
 */
import type { Problem, SourceLocation } from './errors.js';
import { didYouMean } from './model/did-you-mean.js';
import { andList } from './model/limits.js';

/**
 * The promotion order, as data: for each stage that declares `promotion: { from: <stage> }` in its
 * stage file, the stage its releases come from. Stages that declare nothing are not promoted to.
 */
export type PromotionOrder = ReadonlyMap<string, string>;

/** A stage's declaration, for `promotionProblems`. */
export interface PromotionDeclaration {
  readonly stage: string;
  /** `promotion.from`, when the stage file sets it. */
  readonly from?: string;
  /** Where `promotion.from` is written. */
  readonly location?: SourceLocation;
}

/** The order declared by `stages`. */
export function promotionOrder(stages: readonly PromotionDeclaration[]): PromotionOrder {
  return new Map(stages.filter((s) => s.from !== undefined).map((s) => [s.stage, s.from!]));
}

/**
 * What is wrong with the declared order: a `from` that names no stage of the project (`existing`),
 * the stage itself, or a cycle. Each problem points at the `promotion.from` that causes it.
 * @param of only the problems of these stages' `promotion.from` (the whole order is still followed) @default - every stage's
 */
export function promotionProblems(stages: readonly PromotionDeclaration[], existing: readonly string[], of?: readonly string[]): Problem[] {
  const order = promotionOrder(stages);
  const problems: Problem[] = [];
  for (const { stage, from, location } of stages) {
    if (from === undefined || (of && !of.includes(stage))) continue;
    const at = { code: 'config/promotion', ...(location ? { location } : { subject: `stage '${stage}'` }) };
    if (from === stage) {
      problems.push({
        ...at,
        message: `promotion.from names the stage itself ('${stage}')`,
        hint: 'name the stage whose releases come here, e.g. promotion: { from: qa }',
      });
    } else if (!existing.includes(from)) {
      // a stage name is often shortened (`prod` for production), as on the command line
      const guess = didYouMean(from, chainCandidates(stage, order, existing), { prefix: true });
      problems.push({
        ...at,
        message: `promotion.from names no stage of the project (found '${from}')${guess ? `; did you mean '${guess}'?` : ''}`,
        hint: `the stages are: ${existing.join(', ')}`,
      });
    } else {
      // follow the chain back: coming back to this stage is a cycle
      const seen = [stage];
      for (let s: string | undefined = from; s !== undefined; s = order.get(s)) {
        if (s === stage) {
          problems.push({
            ...at,
            message: `promotion.from makes a cycle: ${[...seen, stage].reverse().join(' -> ')}`,
            hint: 'one stage of the cycle must not be promoted from another: remove its promotion.from',
          });
          break;
        }
        if (seen.includes(s)) break; // a cycle elsewhere, reported at its own stages
        seen.push(s);
      }
    }
  }
  return problems;
}

/**
 * The stages `stage` could be promoted from, for a "did you mean": not itself, nor a stage its
 * releases reach (a cycle); and when other stages form a promotion chain (a stage promoted from
 * another that exists), only the stages of a chain, not one outside every chain (`lab`, when `qa`
 * was renamed and `production` still names it).
 */
function chainCandidates(stage: string, order: PromotionOrder, existing: readonly string[]): string[] {
  const reaches = (s: string) => {
    const seen = new Set<string>();
    for (let at: string | undefined = s; at !== undefined && !seen.has(at); at = order.get(at)) {
      if (at === stage) return true;
      seen.add(at);
    }
    return false;
  };
  const links = [...order].filter(([s, f]) => s !== stage && existing.includes(s) && existing.includes(f));
  const chained = new Set(links.flat());
  return existing.filter((s) => s !== stage && !reaches(s) && (chained.size === 0 || chained.has(s)));
}

/** The order as people read it: `dev -> test -> qa -> {production, staging}`, one tree per first stage. */
export function formatOrder(order: PromotionOrder): string {
  const next = (stage: string) =>
    [...order]
      .filter(([, f]) => f === stage)
      .map(([s]) => s)
      .sort();
  const tree = (stage: string, depth = 0): string => {
    const after = depth > 50 ? [] : next(stage);
    if (after.length === 0) return stage;
    const rest = after.map((s) => tree(s, depth + 1));
    return `${stage} -> ${rest.length === 1 ? rest[0] : `{${rest.join(', ')}}`}`;
  };
  const roots = [...new Set(order.values())].filter((s) => !order.has(s)).sort();
  return roots.map((r) => tree(r)).join('; ') || '(no stage declares promotion.from)';
}

/** Why moving a release from `from` to `to` is out of order, or undefined when `to` is promoted from `from`. */
export function orderProblem(from: string, to: string, order: PromotionOrder): Problem | undefined {
  if (order.get(to) === from) return undefined;
  const inOrder = (s: string) => order.has(s) || [...order.values()].includes(s);
  // the stages outside the order said in one remark, not one each end to end
  const outside = [from, to].filter((s) => !inOrder(s));
  const where = outside.length
    ? ` (${andList(outside.map((s) => `'${s}'`))} ${outside.length === 1 ? 'is' : 'are'} not in the promotion order)`
    : '';
  const after = [...order]
    .filter(([, f]) => f === from)
    .map(([s]) => s)
    .sort();
  const next = after.length ? `; the next stage after ${from} is ${after.join(' or ')}` : '';
  const source = order.get(to);
  return {
    code: 'promote/order',
    message: `releases move ${formatOrder(order)}, so ${from} is not promoted to ${to}${where}${next}`,
    // a stage joins the order by naming its source: a new stage is the first one promoted to
    hint:
      source === undefined
        ? `environments/${to}.yaml declares no promotion.from: add promotion: { from: ${from} } to it for ${to} to get its releases from ${from}, or pass --force to move this release anyway`
        : `${to} gets its releases from ${source} (promotion.from in environments/${to}.yaml): promote from ${source}, or pass --force to move the release anyway`,
  };
}
