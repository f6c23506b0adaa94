/** The problems a step reports: what it throws as a ProblemsError (none when it succeeds). */
import { ProblemsError, type Problem } from '../../lib/errors.js';

export function problemsThrownBy(run: () => unknown): readonly Problem[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems;
    throw e;
  }
  return [];
}
