/** Types of lib/model/flags-undone.cjs (plain JavaScript: a stage worker runs it before any bundle runs). */
/** A flag set at run time: what set it, what undoes it, and its setter (V8's by default). */
export interface UndoableFlag {
  readonly flag: string;
  readonly undo: string;
  readonly set?: (flag: string) => void;
}
export declare function underFlagsUndone<T>(flags: readonly UndoableFlag[], f: () => T): T;
