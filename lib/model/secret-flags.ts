/**
 * Flags on a command line and the values they take: whether a flag's value is a secret (`--requirepass hunter2`,
 * `--password=hunter2`; not `--password-stdin`, `-pass env:PW`, `--secret my-secret`), and the flag whose value an
 * entry of a `command` or `args` list is (`--password`, `hunter2`). A part of command-line-secrets.ts, which finds the
 * passwords that clients take where no flag's name says what they are. Pure and synchronous.
 */
import { isSecretSetting } from './secret-names.js';
import { NAME } from './secret-shapes.js';

/**
 * A flag that takes no value: it turns a password off or reads it from standard input
 * (`--no-password`, `mysqldump --skip-password`, `docker login --password-stdin`), so the word after it is no password.
 */
const NO_VALUE_FLAG = /^(?:no|skip|without)[-_]|[-_]stdin$/i;

/** A flag's value that says where the secret is read from, not the secret (openssl's `-pass stdin`, `env:PW`, `file:/run/pw`, `fd:3`). */
const SECRET_SOURCE = /^(?:stdin|env:[A-Za-z_][A-Za-z0-9_]*|file:\S+|fd:[0-9]+)$/;

/** A flag that names a secret of a secret manager (`gcloud secrets versions access 1 --secret my-secret`, `podman run --secret db`, `docker build --secret id=npm,src=...`). */
const SECRET_NAME_FLAG = /^secrets?$/i;
/**
 * A flag that names a secret by its id (`aws secretsmanager get-secret-value --secret-id prod/db`): as
 * a flag only, since a setting's `*_TOKEN_ID` or `secret_id` is the token itself (Vault's dev root
 * token, an AppRole's secret id).
 */
const SECRET_ID_FLAG = /[-_]id$/i;

/**
 * Whether `value`, given to the flag `flag` (`--requirepass hunter2`, in a shell command or as the
 * next entry of a `command` or `args` list; `--flag=value`), is a secret: by `setting`, the rule of a
 * key (`isSecretSetting`) or of a setting in a file's text, but not after a flag that takes no value
 * (`--password-stdin`), nor a source of the secret (`-pass stdin`), nor the name of a secret that a
 * secret manager's flag takes (`--secret my-secret`, `--secret id=npm,src=/run/npmrc`) or its id (`--secret-id prod/db`).
 */
export function isSecretFlag(flag: string, value: string, setting: (name: string, value: string) => boolean = isSecretSetting): boolean {
  // the name first: most flags are no secret's, a verdict known by name
  if (!setting(flag, value) || NO_VALUE_FLAG.test(flag) || SECRET_SOURCE.test(value)) return false;
  if (SECRET_NAME_FLAG.test(flag) && (NAME(value) || value.startsWith('id='))) return false;
  return !(SECRET_ID_FLAG.test(flag) && NAME(value));
}

/**
 * A JVM option's `-D`, before the property it sets (`-Ddb.password=x`, `-DDB_PASSWORD=x`): a capital after it
 * starts the property when a name character follows (`-DB_PASSWORD=x` is a flag named `DB_PASSWORD`).
 */
export const JVM_OPTION = /^-D(?=[a-z]|[A-Z][A-Za-z0-9])/;

/** An argv entry that is a flag with its value: `--db-password=hunter2`, `-token=x`; a JVM option by the property it sets (`-Ddb.password=x`: `db.password`). */
export const FLAG_WITH_VALUE = new RegExp(`(?:${JVM_OPTION.source}|^--?)([A-Za-z][A-Za-z0-9_.-]*)=([\\s\\S]*)$`);
/** An argv entry that is a flag alone, whose value may be the next entry: `--password`, `-token`. */
const FLAG_ALONE = /^--?([A-Za-z][A-Za-z0-9_.-]*)$/;
/** An argv entry that is no flag's value: a flag (`-v`, `--db-token=x`), `--` (the end of flags) or `-` (standard input). */
const FLAG_LIKE = /^--?([A-Za-z]|$)/;

/** Whether `path` is an entry of a `command` or `args` list (a container's, a kubeconfig exec's, a stack's setting). */
export const isArgvEntry = (path: readonly (string | number)[]): boolean =>
  typeof path[path.length - 1] === 'number' && (path[path.length - 2] === 'command' || path[path.length - 2] === 'args');

/**
 * The name of the flag whose value the entry `index` of `argv` is, when it is written as two
 * entries (`--password`, `hunter2`: `password`); `undefined` when the entry before is no flag
 * alone, or the entry is itself a flag (`--password --verbose`: a prompt, not a value), or the flag
 * takes no value (`--password-stdin`, `--no-password`).
 */
export function flagBefore(argv: readonly unknown[], index: number): string | undefined {
  const before = argv[index - 1];
  // one test of the entry before: most entries follow no flag, and the patterns are not run for them
  if (typeof before !== 'string' || before.charCodeAt(0) !== 45 /* - */) return undefined;
  const entry = argv[index];
  if (typeof entry === 'string' && FLAG_LIKE.test(entry)) return undefined;
  const flag = FLAG_ALONE.exec(before)?.[1];
  return flag !== undefined && NO_VALUE_FLAG.test(flag) ? undefined : flag;
}
