/**
 * A judgement of a whole text made once however many of its matches ask it: a module of no imports, so that any module may make
 * one at its load (`const namesOracle = oncePerText(...)`) whatever the order the modules that import each other are loaded in.
 */

/**
 * A judgement of a whole text that a rule asks of each of its matches, made once per text: the last text's verdict is
 * kept, so that however many matches a text holds (8 MiB of them), it is read once and the screen stays linear; and a
 * match that a rule's `accept` reads is read once more by its `given` (the command-password rule's words) for free.
 */
export function oncePerText<T>(judge: (text: string) => T): (text: string) => T {
  let last: string | undefined;
  let verdict: T;
  return (text) => {
    if (text !== last) {
      verdict = judge(text);
      last = text;
    }
    return verdict;
  };
}
