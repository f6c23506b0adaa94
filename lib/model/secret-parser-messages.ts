/**
 * A YAML parser's message, as a problem may print it: the yaml library quotes what it could not read after a colon (`Block scalar
 * header includes extra characters: |Xk9vQ2mLr7pT`, `Could not resolve tag: !a!Xk9vQ2mLr7pT`), which is a password when the line
 * sets a secret's name (`DB_PASSWORD: |Xk9vQ2mLr7pT`, a password that starts with a block scalar's indicator) or a token wherever
 * it is. Pure and synchronous.
 */
import { detectSecretOrEncoded, isSecretName, maskValue } from './secret-rules.js';

/** The name a line of YAML sets, when it is a mapping's line (`  DB_PASSWORD: ...`, `- "api-token": ...`). */
const LINE_SETTING = /^[ \t]*(?:-[ \t]+)*(["']?)([^"'\s:#][^"':#]*?)\1[ \t]*:(?:[ \t]|$)/;

/**
 * `message` (a parser's, of the error on `line`) with the text it quotes from the line said as `(a 13-character value, hidden)`
 * when that is a secret: one the line's setting names (`isSecretName`: under `DB_PASSWORD` whatever could not be read), or one as
 * written or encoded (`detectSecretOrEncoded`). Other messages as they are.
 */
export function shownParserMessage(message: string, line: string): string {
  const at = message.indexOf(': ');
  const quoted = at < 0 ? '' : message.slice(at + 2);
  if (quoted.trim() === '' || !line.includes(quoted)) return message;
  const setting = LINE_SETTING.exec(line)?.[2];
  const secret = (setting !== undefined && isSecretName(setting.trim())) || detectSecretOrEncoded(quoted) !== undefined;
  return secret ? `${message.slice(0, at + 2)}${maskValue(quoted)}` : message;
}
