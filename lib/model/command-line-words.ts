/**
 * The words of a command line and where a command starts among them: in a `command` or `args` list (`atCommandStart`:
 * first, or after a prefix, `sudo`, `env X=1`, `docker exec <container>`) and in a shell's text (`atShellCommandStart`,
 * back to a line break, `;`, `|`, `&`, `(` or a backquote), the program a word names and a shell's words. For the rules
 * that read a client's command line (command-line-secrets.ts, piped-passwords.ts, config-set-rule.ts). Pure and synchronous.
 */

/** The program a word of a command line names (`mysql`, `/usr/bin/curl`, `"mysql"`). */
export function programOf(word: string): string {
  const name = word.slice(word.lastIndexOf('/') + 1);
  // asked of most words of every command line the secret screen reads: a regular expression only where a quote is
  return name.includes('"') || name.includes("'") ? name.replace(/['"]/g, '') : name;
}

/** Words after which the next word is a command (`sudo mysql`, `xargs curl`, `kubectl exec db -- mysql`, a shell's `-c`, `then`). */
const COMMAND_PREFIX = /^(?:sudo|exec|time|xargs|nohup|env|command|nice|ionice|timeout|watch|--|-c|then|do|else|if|while|until|!|\{)$/;
/** A prefix's flag that takes the next word as its value (`sudo -u postgres`, `nice -n 10`, `docker exec -e A=1 -w /srv`). */
const PREFIX_VALUE_FLAG = /^(?:-[ugenw]|--(?:user|group|env|workdir))$/;
/** The programs whose `exec <container>` runs the command after it (`docker exec -it db mysql ...`). */
const EXEC_PROGRAMS = /^(?:docker|podman|nerdctl|kubectl|oc)$/;
/** Whether a word is a flag (`-p`, `--user`), not `--`, which ends them. */
export const isFlag = (w: string) => w.length > 1 && w.startsWith('-') && w !== '--';

/**
 * Whether the word `i` of a command line stands where a command does: first, or after a prefix
 * (`sudo`, `exec`, `env X=1`, `time`, `xargs`, `--`, `docker exec <container>`) and its flags; not
 * as another command's argument (`docker run --name mongo -p 27017:27017`, `kubectl logs mongo -p mongod`).
 */
export function atCommandStart(words: readonly unknown[], i: number): boolean {
  for (let j = i - 1; ; j--) {
    if (j < 0) return true;
    const w = words[j];
    if (typeof w !== 'string') return false;
    if (COMMAND_PREFIX.test(programOf(w))) return true;
    if (isFlag(w) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) continue;
    const before = words[j - 1];
    if (typeof before !== 'string') return false;
    // a prefix flag's value (`sudo -u postgres`), timeout's duration, or the container of `docker exec`
    if (PREFIX_VALUE_FLAG.test(before) || (programOf(before) === 'timeout' && /^[0-9]/.test(w))) {
      j--;
      continue;
    }
    let k = j - 1;
    while (k >= 0 && typeof words[k] === 'string' && isFlag(words[k] as string)) k--;
    return words[k] === 'exec' && typeof words[k - 1] === 'string' && EXEC_PROGRAMS.test(programOf(words[k - 1] as string));
  }
}

/** Where the command that `at` is in starts in `text`: after the last line break, `;`, `|`, `&`, `(` or backquote before it. */
export function commandStart(text: string, at: number): number {
  let start = at;
  while (start > 0 && !'\n;|&(`'.includes(text[start - 1]!)) start--;
  return start;
}

/** Whether the text before `at` in `text`, back to the start of its command (a line break, `;`, `|`, `&`, `(`, a backquote), puts a command at `at`. */
export function atShellCommandStart(text: string, at: number): boolean {
  const start = commandStart(text, at);
  // the word glued to the client (`/usr/bin/`, an opening quote) is part of its own word
  const words = text.slice(start, at).replace(/\S*$/, '').split(/\s+/).filter(Boolean);
  return atCommandStart([...words, ''], words.length);
}

/** The words of a command in a shell's text, a quoted word whole (`sqlplus -M "HTML ON" scott/tiger`: `"HTML ON"` is one). */
export const shellWords = (text: string): string[] => text.match(/(?:[^\s"']+|"[^"]*"?|'[^']*'?)+/g) ?? [];
