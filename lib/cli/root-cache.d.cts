/** Types of lib/cli/root-cache.cjs (plain JavaScript: lib/cli/run.cjs loads it before any bundle exists). */
export declare const MAX_ROOTS: number;
export declare const IDLE_MS: number;
export declare function rootCacheDir(root: string): string;
export declare function useRootCache(dir: string): void;
export declare function evictRootCaches(cache: string, keep: string): void;
