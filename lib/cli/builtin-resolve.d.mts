/** Types of lib/cli/builtin-resolve.mjs (plain JavaScript: lib/cli/run.cjs loads it before any bundle exists). */
export declare const BUILTIN_RESOLVE_MODULE: string;
export declare const RESOLVERS_LINE: string;
export declare function withBuiltInResolve(text: string): string;
export declare const INSERTION_KEYS: number;
export declare const SORT_KEYS: string;
export declare const SORTED_KEYS_LINE: string;
export declare function withSortedKeys(text: string): string;
export declare const SANITIZE_CALL: string;
export declare function withResolveSanitized(text: string, resolveText: string): string;
export declare const builtInResolvePlugin: { name: string; setup(build: unknown): void };
