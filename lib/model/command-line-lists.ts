/**
 * A command written as a list in a text (a docker-compose healthcheck's `test: ["CMD", "mysqladmin", "-p<password>"]`, an exec
 * form's `command: ["redis-server", "--requirepass", "<password>"]` in a values file, a Dockerfile's `CMD [...]`): its entries
 * judged as those of a `command` or `args` list are (command-line-secrets.ts's `clientPassword`, secret-flags.ts'
 * `flagBefore`), the rule `command-list-password` of secret-rules.ts's table. Pure and synchronous.
 */
import { clientPassword, commandPassword } from './command-line-secrets.js';
import { shellWords } from './command-line-words.js';
import { flagBefore, isSecretFlag } from './secret-flags.js';
import { oncePerText } from './once-per-text.js';
import { type SecretRule, secretSetting } from './secret-setting.js';

/** An entry of a list: a JSON string, or one single-quoted (YAML's flow sequence). */
const ENTRY = String.raw`(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')`;
/** How many entries a list is read for, at most: a bound, since a list need not close. */
const ENTRIES = 64;

/** JSON's one-letter escapes, as a double-quoted entry writes them. */
const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * A double-quoted entry's text: JSON's escapes read (`\"`, `\n`, `\u0041`), any other kept as written, since a text's list
 * need be no JSON (a regular expression's `"\d+"`, a Windows path's `"C:\Program Files"`, a raw tab).
 */
function unquote(entry: string): string {
  return entry
    .slice(1, -1)
    .replace(/\\(?:u([0-9A-Fa-f]{4})|(.))/gs, (e, hex: string | undefined, c: string) =>
      hex !== undefined ? String.fromCharCode(Number.parseInt(hex, 16)) : (ESCAPES[c] ?? ('"\\/'.includes(c) ? c : e)),
    );
}

/** The entries of a `COMMAND_LIST` match, unquoted. */
function entries(list: string): string[] {
  return Array.from(list.matchAll(new RegExp(ENTRY, 'g')), ([e]) => (e.startsWith('"') ? unquote(e) : e.slice(1, -1)));
}

/** How a list gives a password: the client's form (`mysqladmin -p<password>`), or the secret flag's (`--requirepass <value>`); read once per list. */
const listPassword = oncePerText((list: string): string | undefined => {
  const all = entries(list);
  // a healthcheck's test: `CMD` before the command's words, `CMD-SHELL` before a shell command
  if (all[0] === 'CMD-SHELL') return all.length === 2 ? commandPassword(shellWords(all[1]!)) : undefined;
  const argv = all[0] === 'CMD' ? all.slice(1) : all;
  for (let i = 0; i < argv.length; i++) {
    const password = clientPassword(argv, i);
    if (password !== undefined) return password.form;
    const flag = flagBefore(argv, i);
    if (flag !== undefined && isSecretFlag(flag, argv[i]!, secretSetting)) return `${argv[i - 1]} <value>`;
  }
  return undefined;
});

export const COMMAND_LIST_RULE: SecretRule = {
  id: 'command-list-password',
  description:
    'a password in a command written as a list (["mysqladmin", "-p<password>"], ["redis-server", "--requirepass", "<password>"])',
  // read from each `[` whose first entry is quoted, ENTRIES entries at most, to its `]`; a list's entries are judged once
  pattern: new RegExp(`\\[[ \\t]*${ENTRY}(?:[ \\t]*,[ \\t]*${ENTRY}){1,${ENTRIES}}[ \\t]*\\]`, 'g'),
  accept: (_s, m) => listPassword(m[0]) !== undefined,
  given: (m) => listPassword(m[0]),
};
