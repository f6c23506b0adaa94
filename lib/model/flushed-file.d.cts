/** Types of lib/model/flushed-file.cjs (plain JavaScript: lib/cli/bundle-files.cjs loads it before any bundle exists). */
export declare function writeNew(path: string, data: string | Uint8Array, options?: { flush?: boolean }): void;
