/**
 * V8 flags a command sets while it runs (a large compilation's heap growth, scavenges on one
 * thread, the interrupt budget), and compiling code from a code cache under the flags the process
 * started with. V8 takes a code cache only when the flags it was made under are the flags set at
 * that moment: the validators' caches (validator-code.ts), made at the end of a command under the
 * start flags, were rejected by every large compilation, compiled again on every thread, and
 * written again (bench/README.md).
 */
import { setFlagsFromString } from 'node:v8';
import { underFlagsUndone } from './flags-undone.cjs';

export { givenAtStart } from './launcher-flags.cjs';

/** A flag set while the process runs: what set it, and what undoes it. */
export interface RuntimeFlag {
  /** `--heap-growing-percent=50` */
  readonly flag: string;
  /** The setting it had before: `--heap-growing-percent=0` (V8's own choice). */
  readonly undo: string;
}

/** The flags set now, in the order they were set, each with its setter (a test's fake one too). */
const changed: (RuntimeFlag & { readonly set: (flag: string) => void })[] = [];

/** Sets `flag` until the returned function sets `undo` again. */
export function setRuntimeFlag({ flag, undo }: RuntimeFlag, set: (flag: string) => void = setFlagsFromString): () => void {
  set(flag);
  const entry = { flag, undo, set };
  changed.push(entry);
  return () => {
    changed.splice(changed.indexOf(entry), 1);
    set(undo);
  };
}

/** The flags set now, as plain data: a worker thread shares the process's flags and takes these (`adoptRuntimeFlags`). */
export function runtimeFlags(): RuntimeFlag[] {
  return changed.map(({ flag, undo }) => ({ flag, undo }));
}

/** In a worker thread: the flags the main thread had set when it started it (already the process's). */
export function adoptRuntimeFlags(flags: readonly RuntimeFlag[]): void {
  for (const { flag, undo } of flags) changed.push({ flag, undo, set: setFlagsFromString });
}

/**
 * Runs `f` under the flags the process started with: for compiling code with its code cache, and
 * making one. Flags are the process's: another thread compiling meanwhile may see them too, and
 * at worst has its own cache rejected (then compiled as without one).
 */
export function underStartFlags<T>(f: () => T): T {
  return underFlagsUndone(changed, f);
}
