/** What a command is to the code that runs it (./main.ts) and reads its command line (./arguments.ts). */
import type { ParseArgsConfig } from 'node:util';
import type { ExitCode } from '../errors.js';
import type { Io } from './print.js';

export interface Command<V> {
  /** The name after `npm run`, e.g. `synth`. */
  readonly name: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Whether the command writes files (its failures then say that nothing was written). @default true */
  readonly writes?: boolean;
  /**
   * Whether its arguments are paths, which may start with `-` after a second `--` (check). Every other
   * command's are names, none of which starts with `-`: one there was meant as an option (./arguments.ts).
   * @default false
   */
  readonly pathArguments?: boolean;
  /**
   * The values of an option that takes one of a few (check's `--pod-security`): a word among the
   * arguments that is none of them cannot be the value npm passed on when it took the option before
   * `--` (./npm-options.ts). @default - none: any argument may be an option's value
   */
  readonly choices?: Readonly<Record<string, readonly string[]>>;
  run(values: V, positionals: string[], io: Io): ExitCode;
}
