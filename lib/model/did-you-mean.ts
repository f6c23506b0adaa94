/** "Did you mean": the known name nearest to a misspelled one, for every layer's messages. */
import { closest, distance } from 'fastest-levenshtein';

export interface DidYouMeanOptions {
  /**
   * Also suggest the one known name that starts with `key` (`prod` -> `production`), for names
   * users shorten (stage names, options); not for keys, where a prefix is often another key
   * (`image` of `imagePullPolicy`). @default false
   */
  readonly prefix?: boolean;
}

/**
 * Suggests the known key nearest to a misspelled one, when it is near enough to be a likely typo.
 * Case is ignored (`QA` -> `qa`): a name differing only in case is the nearest of all. A name that
 * keeps none of the input (every character of the longer of the two replaced: `-` or `x` -> `qa`) is
 * no typo of it, however short both are; two characters swapped keep them all (`aq` -> `qa`, which
 * Levenshtein's distance counts as both replaced).
 */
export function didYouMean(key: string, known: readonly string[], { prefix = false }: DidYouMeanOptions = {}): string | undefined {
  if (known.length === 0) return undefined;
  const lower = key.toLowerCase();
  const knownLower = known.map((k) => k.toLowerCase());
  const best = closest(lower, knownLower);
  const d = distance(lower, best);
  const keeps = d < Math.max(lower.length, best.length) || [...lower].sort().join('') === [...best].sort().join('');
  if (d <= Math.max(2, Math.floor(best.length / 3)) && keeps) return known[knownLower.indexOf(best)];
  if (!prefix || lower === '') return undefined;
  const starting = known.filter((_, i) => knownLower[i].startsWith(lower));
  return starting.length === 1 ? starting[0] : undefined;
}
