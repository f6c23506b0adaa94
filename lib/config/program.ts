/*
 * The program of a command setting (a container's `command`, a step's, a sidecar's, a `preStop`
 * hook, a probe's `command`): its first item, which the container runtime (or the kubelet, for a
 * probe) runs as it is, with no shell. The API server takes any string there.
 */
import type { PathProblem } from '../errors.js';
import { clientPassword } from '../model/command-line-secrets.js';
import { shorten } from '../model/limits.js';
import { detectSecretOrEncoded, maskValue } from '../model/secret-rules.js';

/** Whitespace inside a program's name: no shell splits it, so the runtime looks for a file of that whole name. */
const WHITESPACE = /\s/;

/** A shell, by name or any path (`/usr/local/bin/bash`), that a command line wrapped in `sh -c` starts. */
const SHELL = /^(?:\S*\/)?(?:sh|bash|ash|dash|zsh|ksh)$/;

/** A shell's options that end in `-c` (`-c`, `-ec`, `-lc`, `-euxc`): its script comes next, then the script's own positional parameters. */
const SHELL_SCRIPT_FLAG = /^-[A-Za-z]*c$/;

/**
 * A flag, then whitespace, then more, in one argument (`--port 8080`, `-p 8080`, `-Xmx512m -Xms256m`):
 * its name starts with a letter after its dashes (so `-1 day` is a value) and holds no `=` (so
 * `--greeting=hello world` is a flag with its value, which may hold spaces).
 */
const JOINED_FLAG = /^(-{1,2}[A-Za-z][^\s=]*)\s+(\S+)/;

/**
 * A flag's name as a flag parser reads one (`--port`, `-p`, `-Xmx512m`, `-jar`): dashes, a letter, then letters, digits,
 * `_`, `.` and `-`. A first word with anything else is a flag with its value glued on (curl's `-HX-Api-Key: abc`, `-uadmin:pw`,
 * java's `-javaagent:/opt/my agent.jar`), one argument as the program takes it, unless a flag follows it (`-XX:+UseG1GC -Xmx1g`).
 */
const FLAG_NAME = /^-{1,2}[A-Za-z][\w.-]*/;
/** A word that starts as a flag does, for the word after a joined flag. */
const FLAG_START = /^-{1,2}[A-Za-z]/;

/**
 * A one-letter flag with a value glued on that starts with a capital or a digit (`-pSecret`,
 * `-p4ss`): getopt, as most programs with one-letter flags, reads the rest of the argument as the
 * value, a space in it too (`-pSecret more`); a flag of several letters after one dash (Go's `-port`,
 * `-listenAddr`) is lowercase at its second letter.
 */
const GLUED_VALUE = /^-[A-Za-z][A-Z0-9]/;

/**
 * The first word of a flag joined by `=` to a value that never holds a space, a number (with a unit:
 * `4096`, `75.0`, `512m`, `1h30m`), an address or a version of dotted numbers with a port or not
 * (`0.0.0.0`, `127.0.0.1:8080`, `:8080`, `1.2.3`) or a boolean: with another flag after it in one
 * argument (`--max-old-space-size=4096 --expose-gc`, `-Dworkers=4 -Dqueue=jobs`, `--bind=0.0.0.0
 * --port=80`) it is two arguments run together, whose program reads the first flag's value as the
 * whole rest (not a number nor an address: refused, or the second flag lost). A value that is a word
 * may be a command line meant to hold spaces (`--cmd=ls -la`), so it is taken. Letters and digits
 * alternate in runs of each, and dots and digits, so that no word is read two ways by one
 * alternative (a pattern that could would take exponential time on `=1aaaa…!`).
 */
const ASSIGNED_SCALAR =
  /^(-{1,2}[A-Za-z][^\s=]*)=(?:[+-]?\d+(?:\.\d+)?(?:[A-Za-z%]+\d+(?:\.\d+)?)*[A-Za-z%]*|(?:\d+(?:\.\d+)+)?:\d+|\d+(?:\.\d+){2,}|true|false)$/i;

/** Arguments after which the next is no flag: the end of the options, and what `-c`/`-e` take (a shell's or an interpreter's script, grep's pattern). */
const END_OF_FLAGS = '--';
const SCRIPT_FLAGS: ReadonlySet<string> = new Set(['-c', '-e']);

/** A variable set before the program (`PASSWORD=x ./server`), which only a shell reads: its name, without the value. */
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/**
 * How a message names the first word of a command line: never its value when it sets a variable
 * (`PASSWORD=...`: a value of any length, which the secret screen may take as too short to be one,
 * is still not printed back) or looks like a secret; a long one shortened.
 */
function shownWord(word: string): string {
  const assigned = ASSIGNMENT.exec(word);
  if (assigned) return `${assigned[1]}=...`;
  return detectSecretOrEncoded(word) ? maskValue(word) : shorten(word);
}

/**
 * How a message names a flag: by its name (`--port`, `-v`), unless that may hold a value. A flag of
 * several letters after one dash is said by its dash and first letter (`-p...`), since getopt reads
 * what follows the letter as the value glued on (`-psecret`, `-Xmx512m`).
 */
function shownFlag(name: string): string {
  return /^-[A-Za-z][^-]/.test(name) ? `${name.slice(0, 2)}...` : shownWord(name);
}

/** What runs a command's program and what breaks when it cannot start, for the messages. */
export interface ProgramUse {
  /** What runs it, e.g. 'the container runtime starts'. */
  readonly runner: string;
  /** What follows when it cannot start, e.g. 'the container fails at every start'. */
  readonly fails: string;
  /** What to do about an empty program. */
  readonly blankHint: string;
  /** Why an empty program breaks it, after `is ""`. */
  readonly empty: string;
}

/** A container's command (the app's, a step's, a sidecar's): the runtime starts its program. */
export const CONTAINER_PROGRAM: ProgramUse = {
  runner: 'the container runtime starts',
  fails: 'the container fails at every start',
  blankHint: "write the program it runs first, e.g. [/app/server, --port=8080], or leave it out to run the image's entrypoint",
  empty:
    'the program the container runs comes first, and the container runtime starts no program of an empty name (the API server takes it; the container fails at every start, executable file not found)',
};

/** A preStop hook: the kubelet runs it before it stops the container (its empty program is said as a container's). */
export const PRESTOP_PROGRAM: ProgramUse = {
  ...CONTAINER_PROGRAM,
  runner: 'the kubelet runs',
  fails: 'the hook fails before every stop, and the container gets SIGTERM while requests still come',
};

/** A probe's command check: the kubelet runs it in the container at every check. */
export const PROBE_PROGRAM: ProgramUse = {
  runner: 'the kubelet runs',
  fails: 'the check fails every time: a liveness probe restarts the container forever, a readiness probe keeps the pod out of its Services',
  blankHint: 'write the program first, e.g. [redis-cli, ping], or check by http or tcp',
  empty:
    'a command check runs its first item as a program in the container, and none has an empty name, so the check fails every time (a liveness probe restarts the container forever, a readiness probe keeps the pod out of its Services)',
};

/**
 * The problem of a command's program (its first item) at `path`, if any: empty or blank, an error
 * (no program has an empty name); or a whole command line in one item (`["java -jar app.jar"]`), a
 * warning, since the runtime looks for a program named `java -jar app.jar` and finds none ("no such
 * file or directory"), though a program whose own path holds a space can exist (rare in images,
 * which is why it is not refused). Only the program's first word is said (`shownWord`): the rest
 * of a command line may hold a value that must not be printed back, and so may the first word.
 */
export function programProblem(command: readonly string[] | undefined, path: readonly (string | number)[], use: ProgramUse): PathProblem[] {
  const program = command?.[0];
  if (program === undefined) return [];
  if (program.trim() === '') {
    return [
      {
        code: 'config/invalid',
        path: [...path, 0],
        message: `is ${JSON.stringify(program)}: ${use.empty}`,
        hint: use.blankHint,
      },
    ];
  }
  if (!WHITESPACE.test(program)) return [];
  const words = program.trim().split(/\s+/);
  const first = words[0] ?? '';
  const whole = words.length > 1;
  const shown = shownWord(first);
  const variable = ASSIGNMENT.exec(first)?.[1];
  // a word of its own item in a hint only when it is shown as it is
  const item = shown === first ? first : undefined;
  // a shell and its -c already written (`["/bin/sh -c 'java -jar app.jar'"]`): only the script is to be one item
  const shell = whole && item !== undefined && SHELL.test(item) && words[1] === '-c';
  const fix = shell
    ? `give the shell its script as one item, [${item}, -c, "<the script>"], the script without the quotes around it`
    : whole
      ? `give each word its own item${item ? `, [${item}, ...]` : ''}, or run it through a shell, [sh, -c, "<the command line>"]; a program whose own path holds a space may stay as it is`
      : `write it without the whitespace${item ? `, [${item}]` : ''}`;
  return [
    {
      code: 'config/command-line',
      severity: 'warning',
      path: [...path, 0],
      message: `is ${whole ? `a whole command line of ${words.length} words in one item ('${shown}' first)` : `the program '${shown}' with whitespace around it`}: ${use.runner} the first item as one program, with no shell to split it, so it looks for a file of that whole name and finds none (${use.fails}, no such file or directory)`,
      hint: variable
        ? `set ${variable} in the container's environment (env, or a Secret for a secret value), not before the program: only a shell reads it there; and ${fix}`
        : fix,
    },
  ];
}

/** The warning of a flag written with whitespace around it, said by its name alone (`name`; `whole`: nothing follows the name, no `=value`). */
function paddedFlag(path: (string | number)[], name: string, whole: boolean): PathProblem {
  const shown = shownFlag(name);
  return {
    code: 'config/command-line',
    severity: 'warning',
    path,
    message: `is the flag '${shown}'${whole ? '' : ' and its value'} with whitespace around it: the program gets the whitespace in its argument, with no shell to trim it, so its flag parser reads no flag it knows${whole ? '' : ', or a value with the whitespace in it'}`,
    hint: `write it without the whitespace${shown === name && whole ? `, ${name}` : ''}`,
  };
}

/** Where a container's (or a hook's, or a probe's) command and arguments are set, for `argumentProblems`. */
export interface CommandPaths {
  readonly command: readonly (string | number)[];
  /** @default - no arguments setting (a hook, a probe) */
  readonly args?: readonly (string | number)[];
}

/**
 * The arguments (the command's items after its program, then `args`, or every item of `args`
 * when the image's entrypoint is the program) that hold a flag and its value in one item
 * (`args: ["--port 8080"]`), or two flags, the first joined to a number, an address or a boolean
 * (`--max-old-space-size=4096 --expose-gc`: `ASSIGNED_SCALAR`), a warning at each: the program
 * gets one argument with a space in it, which its flag parser reads as no flag it knows (`--port
 * 8080`) or as a value that starts with a space (`-p 8080`). Values with spaces are arguments as
 * they are: a flag joined to its value by `=`, or glued to it (`-HX-Api-Key: abc`,
 * `-javaagent:/opt/my agent.jar`: `FLAG_NAME`; a one-letter flag's value that starts with a capital
 * or a digit, `-pSecret more`: `GLUED_VALUE`; a client's password, `mysql -psecret more`, `curl
 * -uadmin:pw x`), a word that is no flag, what
 * follows `--`, a script after `-c` or `-e`, and every argument of a shell given `-c` (`-ec`, `-lc`:
 * its script and the script's own positional parameters). A flag with whitespace around it
 * (`" --verbose"`, `"--debug "`) is warned of too, though not a value that ends in a space
 * (`--separator=", "`). Only the flag's name is said, never what follows it or is glued to it (a
 * value, maybe a variable's or a password; `shownFlag`).
 */
export function argumentProblems(
  command: readonly string[] | undefined,
  args: readonly string[] | undefined,
  at: CommandPaths,
): PathProblem[] {
  const items: [path: (string | number)[], value: string][] = [
    ...(command ?? []).map((value, i): [(string | number)[], string] => [[...at.command, i], value]),
    ...(at.args ? (args ?? []) : []).map((value, i): [(string | number)[], string] => [[...(at.args ?? []), i], value]),
  ];
  const program = command?.length ? command[0]?.trim() : undefined;
  const shell = program !== undefined && SHELL.test(program);
  const argv = items.map(([, value]) => value);
  const problems: PathProblem[] = [];
  for (let i = program === undefined ? 0 : 1; i < items.length; i++) {
    const [path, value] = items[i] as [(string | number)[], string];
    if (value === END_OF_FLAGS || (shell && SHELL_SCRIPT_FLAG.test(value))) break;
    if (SCRIPT_FLAGS.has(value)) {
      i++;
      continue;
    }
    // what follows whitespace at the start (a template's `" {{flags}}"`) is judged as the rest is, and the whitespace said too
    const start = value.trimStart();
    const leading = start !== value;
    const [first = '', second] = start.split(/\s+/, 2);
    const assigned = second !== undefined && FLAG_START.test(second) ? ASSIGNED_SCALAR.exec(first) : null;
    if (assigned) {
      problems.push(assignedThenFlag(path, assigned[1], value));
      continue;
    }
    const joined = JOINED_FLAG.exec(start);
    const [, flag = '', next = ''] = joined ?? [];
    const name = FLAG_NAME.exec(flag)?.[0] ?? flag;
    const nextIsFlag = FLAG_START.test(next);
    // a flag with its value glued on (`-HX-Api-Key: abc`), or a client's password so (`mysql -pMy Secret`, `curl -uadmin:pw x`):
    // one argument as it is; not a one-letter flag, then a space (`mysql "-p hunter2"`: the password ' hunter2')
    const oneLetter = /^-[A-Za-z]$/.test(flag);
    const glued = name !== flag || GLUED_VALUE.test(flag);
    if (!joined || (glued && !nextIsFlag) || (!oneLetter && clientPassword(argv, i) !== undefined)) {
      // a flag with whitespace around it (`" --verbose"`, `"--verbose "`, `" -pSecret more"`, a template's): one argument with
      // the whitespace in it, which no flag parser reads as a flag (a value may end in a space on purpose, `--separator=", "`:
      // only a flag alone is said for trailing whitespace)
      const trimmed = value.trim();
      const padded = value !== trimmed && (leading || !WHITESPACE.test(trimmed)) ? FLAG_NAME.exec(trimmed)?.[0] : undefined;
      const whole = padded === trimmed;
      if (padded !== undefined && (whole || leading) && clientPassword(argv, i) === undefined)
        problems.push(paddedFlag(path, padded, whole));
      continue;
    }
    const words = value.trim().split(/\s+/).length;
    // only the flag's name, never a value glued to it (`-XX:+UseG1GC` is said as '-X...', `--token:x` as '--token...')
    const shown = name === flag || shownFlag(name) !== name ? shownFlag(name) : `${name}...`;
    const item = shown === flag ? flag : '<the flag>';
    // one dash and several letters: a flag of its own (Go's `-port`), or a letter with a value glued on whose space is meant
    const letter = shown === item ? undefined : /^-[A-Za-z]/.exec(flag)?.[0];
    problems.push({
      code: 'config/command-line',
      severity: 'warning',
      path,
      message: `is a flag and what follows it in one item ('${shown}' first, ${words} words): the program gets them as one argument with a space in it, not as ${words} arguments, so its flag parser reads no flag it knows (or a value that starts with a space)`,
      hint:
        words === 2 && !nextIsFlag
          ? `give each word its own item, [${item}, "<the value>"]${
              // a one-letter flag takes no `=` (getopt reads `-a=x` as the value '=x'): a long one may, `--port=8080`
              oneLetter ? '' : `, or join a flag and its value with =, "${item}=<the value>", where the program takes that form`
            }${letter ? `; or, where ${letter} takes its value glued on (getopt's ${letter}<value>) and the space belongs in it, leave it as it is` : ''}`
          : `give each word its own item, [${item}, ...]`,
    });
  }
  return problems;
}

/** The warning of a flag joined to a number, an address or a boolean, then another flag, in one item (`ASSIGNED_SCALAR`), said by the first flag's name. */
function assignedThenFlag(path: (string | number)[], flag: string, value: string): PathProblem {
  const words = value.trim().split(/\s+/).length;
  // the name as a flag parser reads one, and '...' where more is glued to it (`-XX:MaxRAMPercentage`)
  const name = FLAG_NAME.exec(flag)?.[0] ?? flag;
  const shown = name === flag || shownFlag(name).endsWith('...') ? shownFlag(name) : `${shownFlag(name)}...`;
  return {
    code: 'config/command-line',
    severity: 'warning',
    path,
    message: `is a flag with its value and another flag in one item ('${shown}' first, ${words} words): the program gets them as one argument with a space in it, so it reads the whole rest of the item as the first flag's value, which is a number, an address or a boolean followed by more (refused as one, or the next flag lost)`,
    hint: `give each flag its own item, [${shown === name ? `"${name}=<the value>"` : '<the flag>'}, ...]`,
  };
}
