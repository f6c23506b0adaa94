/** Git's merge conflict markers: what a file left as a merge conflict holds. */

/** A line git writes around the two sides of a merge conflict. */
export const CONFLICT_MARKER = /^(?:<{7}|={7}|>{7})(?: |$)/m;

/** Whether `text` holds git merge conflict markers. */
export function hasConflictMarkers(text: string): boolean {
  return CONFLICT_MARKER.test(text);
}
