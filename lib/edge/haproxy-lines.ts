/**
 * How haproxy.cfg's lines are written (haproxy.ts, haproxy-frontend.ts, haproxy-backend.ts): a value
 * as one plain word, a probe's Host header, a comment, a section with its indented lines. A value that
 * reached them without being checked where it was read (haproxy-words.ts) throws, never written. Pure.
 */
import { haproxyWordProblem, hostHeaderProblem } from './haproxy-words.js';

/**
 * `value`, which haproxy.cfg holds as one word: a value that reached the writer without being
 * checked where it was read is a bug of stagecraft, never written.
 * @throws Error naming the value and the check it escaped
 */
export function word(value: string | number, what: string): string {
  const text = String(value);
  const problem = haproxyWordProblem(text);
  if (problem) throw new Error(`internal: ${what} ${JSON.stringify(text)} reached haproxy.cfg unchecked: ${problem}`);
  return text;
}

/**
 * `host` for the Host header of the health check, whose value HAProxy reads as a log-format string:
 * one that reached the writer without being checked where it was read is a bug, never written.
 * @throws Error naming the value and the check it escaped
 */
export function hostHeader(host: string): string {
  const problem = hostHeaderProblem(host);
  if (problem) throw new Error(`internal: the Host header ${JSON.stringify(host)} reached haproxy.cfg unchecked: ${problem}`);
  return host;
}

/** `text` for a comment line of haproxy.cfg; one with a line break or a control character is a bug, never written. */
export function commentText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  if (/[\u0000-\u001f\u007f\u2028\u2029\u0085]/u.test(text)) {
    throw new Error(`internal: a comment of haproxy.cfg would hold a line break or a control character: ${JSON.stringify(text)}`);
  }
  return text;
}

const INDENT = '    ';

export function section(head: string, lines: readonly string[]): string {
  return [head, ...lines.map((l) => `${INDENT}${l}`)].join('\n');
}
