/** Types of lib/model/flushed-file.cjs (plain JavaScript: lib/cli/bundle-files.cjs loads it before any bundle exists). */
export declare function writeFlushed(path: string, data: string | Uint8Array, flags?: 'w' | 'wx'): void;
