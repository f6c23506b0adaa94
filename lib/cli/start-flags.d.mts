/** Types of lib/cli/start-flags.mjs (plain JavaScript: lib/cli/run.mjs loads it before any bundle exists). */
export declare function startFlags(): string;
export declare function pruneCodeCaches(dir: string, name: string): void;
