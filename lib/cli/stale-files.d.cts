/** Types of lib/cli/stale-files.cjs (plain JavaScript: lib/cli/run.cjs loads it before any bundle exists). */
export declare function removeStaleTemps(dir: string, prefix?: string, suffix?: string): void;
export declare function processAlive(pid: number): boolean;
