/** Types of lib/cli/start-flags.cjs (plain JavaScript: lib/cli/run.cjs loads it before any bundle exists). */
export declare function startFlags(): string;
export declare function pruneCodeCaches(dir: string, name: string): void;
