/** "Did you mean": the known name nearest to a misspelled one, for every layer's messages. */
import { closest, distance } from 'fastest-levenshtein';

/** Suggests the known key nearest to a misspelled one, when it is near enough to be a likely typo. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(key, known as string[]);
  return distance(key.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
