/** Types of lib/cli/closed-at-start.cjs (plain JavaScript: lib/cli/run.cjs loads it before any bundle exists). */
export declare function closedAtStart(fd: number): boolean;
