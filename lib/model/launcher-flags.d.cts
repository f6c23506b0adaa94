/** Types of lib/model/launcher-flags.cjs (plain JavaScript: lib/cli/run.cjs loads it before any bundle exists). */
export declare function launcherFlags(): readonly string[];
export declare function setLauncherFlags(flags: readonly string[]): void;
export declare function adoptLauncherFlags(flags: readonly string[]): void;
export declare function givenAtStart(name: string, args?: readonly string[]): string | undefined;
export declare const LARGE_COMPILATION_BYTES: number;
