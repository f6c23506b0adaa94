/** Types of lib/cli/root-cache.cjs (plain JavaScript: lib/cli/run.cjs loads it before any bundle exists). */
export declare const MAX_ROOTS: number;
export declare function rootCacheDir(root: string): string;
export declare function claimRootCache(dir: string): boolean;
export declare function evictRootCaches(cache: string, keep: string): void;
