/** Types of lib/model/crash-point.cjs (plain JavaScript: lib/cli/run.cjs loads it before any bundle exists). */
export declare const CRASH_ENV = 'STAGECRAFT_CRASH_AT';
export declare function crashPoint(step: string): void;
export declare function atStep(step: string, action: () => void): () => void;
