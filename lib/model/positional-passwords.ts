/**
 * Passwords that a client takes by their position among its words, where no flag says what they are
 * (`htpasswd -nb <user> <password>`, `mc alias set <alias> <url> <access key> <secret key>`, `rabbitmqctl add_user
 * <user> <password>`, an Oracle tool's logon, `sqlplus scott/<password>`), and what every command-line client is given: a word with its quotes aside,
 * not a reference the shell expands (`given`). A part of command-line-secrets.ts, which finds the client. Pure and
 * synchronous.
 */

/** Oracle's tools that take a logon, `user/password` (`sqlplus -s scott/tiger`, `rman target sys/pw`, `expdp userid=app/pw`). */
export const ORACLE_TOOLS = 'sqlplus|rman|expdp|impdp|sqlldr|dgmgrl';

/** A word without the quotes around it (`'hunter2'`, `"$PW"`, `-p'hunter2'` is not unquoted: its value is). */
export const unquote = (w: string) => w.replace(/^(['"])(.*)\1$/s, '$2');

/** A password as given (quotes aside), or `undefined` for none or a reference the shell expands (`"$PW"`, `$(cat /run/pw)`). */
export function given(word: unknown): string | undefined {
  const p = typeof word === 'string' ? unquote(word) : '';
  return p === '' || /^['"]?[$`]/.test(p) ? undefined : p;
}

/**
 * The clients that take the password as a word in its place after the other words (`positionalPassword`), each with its
 * flags that take the next word as their value: htpasswd's (`-C` bcrypt's cost, `-r` rounds), mc's (`--api`, `--path`),
 * sqlplus' (`-M`, `-R`) and rabbitmqctl's (`-n`, `-p` its vhost).
 */
const POSITIONAL_VALUE_FLAGS = {
  htpasswd: /^-[Cr]$/,
  mc: /^--(?:api|path)$/,
  oracle: /^-(?:M|R|C|MARKUP|RESTRICT|COMPATIBILITY)$/i,
  rabbitmqctl: /^(?:-n|--node|-t|--timeout|-p|--vhost)$/,
} as const satisfies Record<string, RegExp>;

/** Clients that take the password as a word in its place after the other words (`positionalPassword`). */
export type PositionalClient = keyof typeof POSITIONAL_VALUE_FLAGS;

/** Whether a client takes its password by its position (`positionalPassword`), not after a flag. */
export const isPositional = (client: string): client is PositionalClient => Object.hasOwn(POSITIONAL_VALUE_FLAGS, client);

/** rabbitmqctl's commands that take a user and its password (`add_user <user> <password>`). */
const RABBITMQ_PASSWORD_COMMANDS = /^(?:add_user|change_password|authenticate_user)$/;

/**
 * Where a positional client's password is in its words (-1 and '': none), and how the client takes it, its words
 * after the program's name with placeholders for what they are (`-nb <user> <password>`, `catalog <user>/<password>`):
 * words of its own, never the command's, for messages.
 */
export type PositionalPassword = readonly [index: number, form: string];

const NONE: PositionalPassword = [-1, ''];

/**
 * The password that a client taking it by its position (`words[at]`) is given: htpasswd's third word after its
 * flags (`-b <file> <user> <password>`), its second with `-n` (`-nb <user> <password>`), only with `-b` (it prompts
 * otherwise), not deleting (`-D`) nor reading standard input (`-i`); mc's fourth after `alias set` or `config host
 * add` (`<alias> <url> <access key> <secret key>`); rabbitmqctl's second after `add_user`, `change_password` or
 * `authenticate_user` (`<user> <password>`); an Oracle tool's logon (`oracleLogon`).
 */
export function positionalPassword(client: PositionalClient, words: readonly unknown[], at: number): PositionalPassword {
  let from = at + 1;
  if (client === 'mc') {
    if (words[at + 1] === 'alias' && words[at + 2] === 'set') from = at + 3;
    else if (words[at + 1] === 'config' && words[at + 2] === 'host' && words[at + 3] === 'add') from = at + 4;
    else return NONE;
  }
  const positions: number[] = [];
  let flags = '';
  for (let i = from; i < words.length; i++) {
    const w = words[i];
    if (typeof w === 'string' && w.length > 1 && w.startsWith('-') && positions.length === 0) {
      if (!w.startsWith('--')) flags += w.slice(1);
      if (POSITIONAL_VALUE_FLAGS[client].test(w)) i++;
    } else positions.push(i);
  }
  if (client === 'oracle') return oracleLogon(words, positions);
  if (client === 'rabbitmqctl') {
    const command = words[positions[0]!];
    return typeof command === 'string' && RABBITMQ_PASSWORD_COMMANDS.test(command) && positions.length > 2
      ? [positions[2]!, `${command} <user> <password>`]
      : NONE;
  }
  const place = client === 'mc' ? 3 : flags.includes('b') && !/[Di]/.test(flags) ? (flags.includes('n') ? 1 : 2) : -1;
  if (place < 0 || place >= positions.length) return NONE;
  const form =
    client === 'mc'
      ? `${from === at + 3 ? 'alias set' : 'config host add'} <alias> <url> <access key> <secret key>`
      : place === 1
        ? '-nb <user> <password>'
        : '-b <file> <user> <password>';
  return [positions[place]!, form];
}

/** The words of rman that its logon follows (`rman target / catalog rcat/pw@catdb`), and the parameters that hold one (`userid=scott/tiger`). */
const LOGON_WORD = /^(?:target|catalog|auxiliary)$/i;
const LOGON_PARAMETER = /^(userid|target|catalog|auxiliary)=/i;

/**
 * The word that gives an Oracle tool's logon a password, among the words at `positions` (its flags aside): the first
 * word (`sqlplus scott/tiger`: `<user>/<password>`), one after rman's `target`, `catalog` or `auxiliary` (`catalog
 * <user>/<password>`), or a `userid=` parameter anywhere among Data Pump's and SQL*Loader's (`expdp directory=DP
 * userid=system/pw`: `userid=<user>/<password>`); `@<database>` after it when the logon names one.
 */
function oracleLogon(words: readonly unknown[], positions: readonly number[]): PositionalPassword {
  const k = positions.findIndex(
    (p, k) =>
      (k === 0 || LOGON_WORD.test(String(words[positions[k - 1]!])) || LOGON_PARAMETER.test(String(words[p]))) &&
      logonPassword(words[p]) !== undefined,
  );
  if (k < 0) return NONE;
  const word = String(words[positions[k]!]);
  const before = k > 0 && LOGON_WORD.exec(String(words[positions[k - 1]!]));
  const parameter = LOGON_PARAMETER.exec(word)?.[1];
  const prefix = parameter !== undefined ? `${parameter.toLowerCase()}=` : before ? `${before[0].toLowerCase()} ` : '';
  return [positions[k]!, `${prefix}<user>/<password>${word.includes('@') ? '@<database>' : ''}`];
}

/**
 * The password of an Oracle logon (`scott/tiger`, `scott/tiger@db`, `userid=scott/tiger`): none for the operating
 * system's authentication (`/`, `/ as sysdba`), `/nolog`, a wallet's `/@db` or a password the shell expands.
 */
const logonPassword = (word: unknown) =>
  given(/^(?:(?:userid|target|catalog|auxiliary)=)?['"]?[A-Za-z][\w$#]*\/([^\s/@'"]+)(?:@\S*)?['"]?$/i.exec(String(word))?.[1]);

/** The password that a client taking it by its position is given in `word`: the word, or an Oracle logon's password. */
export const positionalGiven = (client: PositionalClient, word: unknown) => (client === 'oracle' ? logonPassword(word) : given(word));
