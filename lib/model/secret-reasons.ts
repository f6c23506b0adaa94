/**
 * The reasons that excuse a secret (a stage file's `secrets.allow[i].reason`, an entry of the annotation
 * `secrets.stagecraft.dev/allow`) are prose: screened for the secrets they hold, never for the kinds they name. Pure and synchronous.
 */
import { detectSecrets } from './value-secrets.js';

/**
 * A setting in prose: a name not quoted, a colon and a blank, then a word of lower-case letters and more words (`password: managed
 * by Vault`, `token: rotated by the CI job`), as a sentence names a secret's kind; a value of one word (`password: Hunter2xyzQ`,
 * `password: changeme`), or of a digit or a capital (`password: hunter2 is old`), stays a setting.
 */
const PROSE_SETTING = /^[A-Za-z_][\w.-]*[ \t]*:[ \t]+[a-z]+[ \t]+[A-Za-z]/;

/**
 * Whether a reason that looks secret is prose that names a secret's kind: every secret found in it as written is a setting said in
 * prose (`PROSE_SETTING`). One that holds a value (`password=...`, a token, a setting of one word), or a secret only in what it
 * encodes (base64 or URL encoding of `password=...`), is not.
 */
export function isProseReason(reason: string): boolean {
  const found = detectSecrets(reason);
  return found.length > 0 && found.every((m) => m.rule.id === 'secret-setting' && PROSE_SETTING.test(reason.slice(m.index)));
}
