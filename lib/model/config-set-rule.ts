/**
 * The secret rule of a tool's `config set <name> <value>` (`aws configure set`, `npm config set`, `kubectl config set`,
 * Redis's `CONFIG SET`), a part of setting-secret-rules.ts's SETTING_RULES: the value judged by the name, as a setting in a
 * file is. Pure and synchronous.
 */
import { atShellCommandStart, shellWords } from './command-line-words.js';
import { unquote } from './positional-passwords.js';
import { type SecretRule, secretSetting } from './secret-setting.js';
import { oncePerText } from './once-per-text.js';

/** How many words after `config set` the `config-set` rule reads: the tool's flags (and their values), a name and its value. */
const CONFIG_SET_WORDS = 8;

/** A name given to `config set` (`aws_secret_access_key`, `//registry.npmjs.org/:_authToken`, `users.ci.token`): no flag. */
const CONFIG_NAME = /^[A-Za-z_/@][^\s=]*$/;

/**
 * A secret's word alone as prose uses it (`token`, `passwords`), which no tool names a setting: with a plain lower-case word
 * after it, a sentence (`# config set token limits`), as is a name and such a word before more lower-case words
 * (`Use config set token limits to cap spend`); only where prose is (`proseAt`).
 */
const PROSE_NOUN = /^(?:password|passphrase|token|secret|credential|key)s?$/;

/**
 * How far before a `config set` its line is read for what it is in (a comment, a command, prose): a bound, since a line
 * of megabytes holds as many matches, each of which read it again back to its start.
 */
const CONTEXT_CHARS = 256;

/** A tool's name, as a command's first word writes it (`npm`, `/usr/local/bin/aws`, `redis-cli`, `"kubectl`): lower case. */
const TOOL_NAME = /^["'(`]?(?:\S*\/)?[a-z][a-z0-9._-]*$/;

export const CONFIG_SET_RULE: SecretRule = {
  id: 'config-set',
  description:
    "a setting with a secret's name given to a tool's config set (aws configure set aws_secret_access_key ..., CONFIG SET requirepass ...)",
  // `aws configure set <name> <value>`, `npm config set <name> <value>`, `kubectl config set users.ci.token <token>`, Redis's
  // `CONFIG SET requirepass <password>`: the value judged by the name, as a setting in a file is, also after the tool's flags
  // (`aws configure set --profile ci aws_secret_access_key <key>`); read from each `config set`, CONFIG_SET_WORDS words at most
  pattern: new RegExp(
    `(?<![\\w-])config(?:ure)?[ \\t]+set((?:[ \\t]+(?:"[^"\\n]*"|'[^'\\n]*'|[^\\s"';|&]+)){2,${CONFIG_SET_WORDS}})`,
    'gi',
  ),
  accept: (_s, m) => configSetting(m) !== undefined,
  setting: configSetting,
};

/** The words after a `config set` (the rule's group 1), split once for its `accept` and its `setting`. */
const configWords = oncePerText(shellWords);

/**
 * The name of the secret setting that the words after `config set` give a value: the first word that is no flag, or the one
 * after a flag's value (`--profile ci --region eu-west-1 aws_secret_access_key <key>`, `--global password <password>`: a
 * flag without `=` may take the next word), and the word after that name; not prose (`PROSE_NOUN`, where `proseAt` says
 * prose may be).
 */
function configSetting(m: RegExpExecArray): string | undefined {
  const words = configWords(m[1]!);
  for (let at = 0; at < words.length; at++) {
    const word = words[at]!;
    const flagValue = word.startsWith('-') && !word.includes('=');
    const name = flagValue ? words[at + 1] : word;
    if (name === undefined || name.startsWith('-')) continue;
    const index = flagValue ? at + 1 : at;
    const [value, next] = [words[index + 1], words[index + 2]];
    if (value !== undefined && CONFIG_NAME.test(name) && secretSetting(name, unquote(value))) {
      const sentence = /^[a-z]+$/.test(value) && (PROSE_NOUN.test(name) || (next !== undefined && /^[a-z]+$/.test(next)));
      if (!(sentence && proseAt(m))) return name;
    }
    // a word that is no flag's value is the name, whose value decides; a flag's value is passed over
    if (!flagValue) return undefined;
    at++;
  }
  return undefined;
}

/**
 * Whether the `config set` of a match may be prose: in a comment line (`#`, `//`), or where it stands neither at a command's
 * start nor after a tool's name (`Use config set token limits`, a description's words); never Redis's upper-case `CONFIG SET`.
 * Its line is read back CONTEXT_CHARS at most (a comment further back is not seen: the value is then judged a secret).
 */
function proseAt(m: RegExpExecArray): boolean {
  if (m[0].startsWith('CONFIG')) return false;
  const from = Math.max(0, m.index - CONTEXT_CHARS);
  const before = m.input.slice(from, m.index);
  const lineStart = before.lastIndexOf('\n');
  const line = before.slice(lineStart + 1);
  if ((lineStart >= 0 || from === 0) && /^[ \t]*(?:#|\/\/)/.test(line)) return true;
  // the word before `config`, when a blank is between them (not `"config set ...`)
  const tool = /[ \t]$/.test(line)
    ? line
        .trimEnd()
        .split(/[ \t]+/)
        .at(-1)!
    : '';
  return !TOOL_NAME.test(tool) && !atShellCommandStart(line, line.length);
}
