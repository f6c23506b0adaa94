/** Types of lib/model/crash-point.mjs (plain JavaScript: lib/cli/run.mjs loads it before any bundle exists). */
export declare const CRASH_ENV = 'STAGECRAFT_CRASH_AT';
export declare function crashPoint(step: string): void;
