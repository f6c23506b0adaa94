/**
 * The reasons that excuse a secret (a stage file's `secrets.allow[i].reason`, an entry of the annotation
 * `secrets.stagecraft.dev/allow`) are prose: screened for the secrets they hold, never for the kinds they name. Pure and synchronous.
 */
import { detectSecretOrEncoded } from './secret-rules.js';
import { NAME } from './secret-shapes.js';
import { detectSecrets } from './value-secrets.js';

/**
 * A setting in prose: a name not quoted, a colon and a blank, then a word of lower-case letters and more words (`password: managed
 * by Vault`, `token: rotated by the CI job`), as a sentence names a secret's kind; a value of one word (`password: Hunter2xyzQ`,
 * `password: changeme`), or of a digit or a capital (`password: hunter2 is old`), stays a setting. Its words: to the first mark
 * (`,`, `;`, `.`), so that a passphrase is not made prose by a sentence after it (`password: correct horse battery staple, this is old`).
 */
const PROSE_SETTING = /^[A-Za-z_][\w.-]*[ \t]*:[ \t]+([a-z]+(?:[ \t]+[A-Za-z][\w'-]*)+)/;

/**
 * The little words a sentence is made with (`by`, `in`, `is`, `the`): prose after a setting's colon holds one (`managed by Vault`,
 * `kept in Vault`, `restricted to our referrers`), and a passphrase of words, which a password is as often as not (`correct horse
 * battery staple`), none. A data table, read in lower case.
 */
const PROSE_WORDS: ReadonlySet<string> = new Set([
  ...['a', 'an', 'the', 'this', 'that', 'these', 'those', 'it', 'its', 'our', 'their', 'we', 'you', 'your'],
  ...['by', 'in', 'on', 'at', 'of', 'for', 'from', 'to', 'via', 'with', 'without', 'into', 'per', 'under', 'outside', 'inside'],
  ...['and', 'or', 'but', 'not', 'no', 'never', 'only', 'as', 'so', 'if', 'when', 'until', 'since'],
  ...['is', 'are', 'was', 'were', 'be', 'been', 'being', 'has', 'have', 'had', 'does', 'do', 'will', 'can', 'must'],
]);

/** Whether the words after a setting's colon are a sentence's (`PROSE_WORDS`), not a passphrase's. */
const isSentence = (words: string): boolean => words.split(/[^A-Za-z]+/).some((w) => PROSE_WORDS.has(w.toLowerCase()));

/**
 * A word with a password's mix: 8 characters or more, letters and digits, and no name's shape (`NAME`: `OAuth2Proxy`, `k8s-app`,
 * `2024-06-01`, `v1.2.3` are names; `Sup3rS3cretPw`, `Hunter2xyzQ` are not), as a bare word is no secret to the rules.
 */
const isPasswordShaped = (word: string): boolean =>
  word.length >= 8 && /[0-9]/.test(word) && /[A-Za-z]/.test(word) && !NAME(word.replace(/[.:]+$/, ''));

/**
 * Whether a reason that looks secret is prose that names a secret's kind: every secret found in it as written is a setting said in
 * prose (`PROSE_SETTING`, with a sentence's little words: `isSentence`), and none of its words holds a secret as written or encoded
 * (`detectSecretOrEncoded`: a token, base64 or URL encoding of `password=...` after the prose) or has a password's shape
 * (`isPasswordShaped`). One that holds a value
 * (`password=...`, a token, a setting of one word, a passphrase `password: correct horse battery staple`), or a secret only in what
 * it encodes, is not.
 */
export function isProseReason(reason: string): boolean {
  const found = detectSecrets(reason);
  if (found.length === 0) return false;
  for (const m of found) {
    const prose = m.rule.id === 'secret-setting' ? PROSE_SETTING.exec(reason.slice(m.index)) : null;
    if (prose === null || !isSentence(prose[1]!)) return false;
  }
  // a value after the prose (`password: managed by Vault cGFzc3dvcmQ9...`, `..., Sup3rS3cretPw`): the whole reason is no encoded
  // text, a word may be, or have a password's shape, which no word of a sentence has
  return reason.split(/[\s,;()"'`]+/).every((word) => detectSecretOrEncoded(word) === undefined && !isPasswordShaped(word));
}
