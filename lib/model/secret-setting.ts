/**
 * What the secret rules of settings share (setting-secret-rules.ts, config-set-rule.ts, hcl-secret-rules.ts,
 * url-secret-rules.ts): the shape of a rule of the table (secret-rules.ts's SECRET_RULES) and the judgement of a
 * value read under a setting's name. Pure and synchronous.
 */
import { isSecretSetting, words } from './secret-names.js';
import { FILE_PATH } from './secret-shapes.js';
import { isEncryptedValue } from './sealed-secret-values.js';

/** A rule of the table (secret-rules.ts's SECRET_RULES). */
export interface SecretRule {
  /** Stable id, used in problem codes and tests: `private-key`, `url-credentials`, ... */
  readonly id: string;
  /** What a value matching the rule is, for messages: "a private key (PEM block)". */
  readonly description: string;
  /** Finds the secret in a value; `match[0]` is the secret itself, or the name before it when the value is read ahead (never printed). */
  readonly pattern: RegExp;
  /** Further test of a match, for what a pattern cannot say (entropy, decoded content). */
  readonly accept?: (secret: string, match: RegExpExecArray) => boolean;
  /** The name of the setting a match read (`requirepass`), for a rule that reads one: messages say it, never the value. */
  readonly setting?: (match: RegExpExecArray) => string | undefined;
  /**
   * How the secret of a match is given, for a rule that reads it (`redis-cli -a <password>`): words of the rule's
   * own with placeholders, never the value's, which messages say in place of the examples of `description`.
   */
  readonly given?: (match: RegExpExecArray) => string | undefined;
}

/**
 * The last word of a setting's name that is a password's own (`spring.datasource.password`, `auth_pass`,
 * `MYSQL_ROOT_PW`, `rootPassword`): under it a number of 4 digits or more is the password (`password=123456`).
 */
const PASSWORD_WORD = /^(?:pass|pwd|pw|passphrase)$|passw(?:or)?d$/;

/**
 * A password's storage id before it, as Spring Security writes one (`{noop}`, plain text; `{bcrypt}`, `{pbkdf2}`, a hash) and
 * Spring Cloud Config (`{cipher}`, encrypted: `isEncryptedValue`) and LDAP (`{SSHA}`); not a template's `{token}-{ts}` nor `{{`.
 */
const STORAGE_ID = /\{(?:noop|bcrypt|pbkdf2|scrypt|argon2|sha-?(?:1|256)|md[45]|ldap|cipher|s?sha|crypt|smd5)\}(?=\S)/iy;

/**
 * Whether `value` is what the setting `name` holds as a secret, by the rule of a key (`byName`, by default
 * `isSecretSetting`: a reference, a switch, a Secret's name under `existingSecret` are none), and
 * the value is not a reference of a template (`{{ .Values.pw }}`, `%(pw)s`), a number other than a
 * password's own (`password_max_age: 90`, `token_limit: 4096`; not `password=123456`), a path
 * (`FILE_PATH`) nor a structure that follows (`password:` then an indented block). (A reference of Terraform's
 * language, `var.db_password`, is none only in its text: hcl-secret-rules.ts.)
 */
export function secretSetting(name: string, value: string, byName: (name: string, value: string) => boolean = isSecretSetting): boolean {
  // a password's storage id (`{noop}<password>`, `{cipher}<ciphertext>`): the value after it is judged, unless encrypted; ids
  // one after another are read in one loop and the value cut once (a call and a copy per id took the stack and quadratic time
  // for `{noop}` ten thousand times over)
  let end = 0;
  let last = -1;
  for (STORAGE_ID.lastIndex = 0; STORAGE_ID.test(value); end = STORAGE_ID.lastIndex) last = end;
  if (last >= 0 && isEncryptedValue(value.slice(last))) return false;
  const judged = end === 0 ? value : value.slice(end);
  // a file the value is read from (Vault's and curl's `password=@/run/secrets/pw`) is none either
  if (judged.length < 4 || /^[${%<|>*&![]/.test(judged) || FILE_PATH.test(judged.replace(/^@/, ''))) return false;
  if (/^[-+]?[0-9.]+$/.test(judged) && !(/^[0-9]+$/.test(judged) && PASSWORD_WORD.test(words(name).at(-1) ?? ''))) return false;
  return byName(name, judged);
}
