/** Types of lib/cli/defined-entries.mjs (plain JavaScript: lib/cli/run.cjs loads it before any bundle exists). */
export declare const DEFINED_ENTRIES_MODULE: string;
export declare const DEFINED_ENTRIES: RegExp;
export declare function definedEntries<T>(value: object, convert?: (value: T) => unknown): Record<string, unknown>;
export declare function withDefinedEntries(text: string): string;
export declare const definedEntriesPlugin: { name: string; setup(build: unknown): void };
