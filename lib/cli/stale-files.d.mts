/** Types of lib/cli/stale-files.mjs (plain JavaScript: lib/cli/run.mjs loads it before any bundle exists). */
export declare function removeStaleTemps(dir: string, prefix?: string, suffix?: string): void;
export declare function processAlive(pid: number): boolean;
