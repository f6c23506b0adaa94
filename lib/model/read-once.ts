/**
 * A reader of files by name that asks for each file once, however many callers ask for it: the
 * compilation of a stage reads its output (dist/<stage>/) for several comparisons (its objects, a
 * blue/green app's live image, its edge files), and the comparison across stages reads the same
 * output again (lib/edge/across-stages.ts). Pure.
 */

/** The readers `readingOnce` made, so that one given again is returned as it is, its texts kept. */
const memos = new WeakSet<(file: string) => string | undefined>();

/**
 * `read`, asking for each file once (its text, or that there is none, kept); `read` itself when it is
 * already such a reader, so that callers that each make sure of it share one memo (lib/compile.ts
 * gives a stage's to both its compilation and the comparison across stages).
 */
export function readingOnce(read: (file: string) => string | undefined): (file: string) => string | undefined {
  if (memos.has(read)) return read;
  const texts = new Map<string, string | undefined>();
  const once = (file: string) => {
    if (!texts.has(file)) texts.set(file, read(file));
    return texts.get(file);
  };
  memos.add(once);
  return once;
}
