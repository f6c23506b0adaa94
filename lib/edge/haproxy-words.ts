/**
 * What haproxy.cfg can hold as one plain word, and why a value cannot. HAProxy splits a line of its
 * configuration into words at spaces and tabs, starts a comment at `#`, reads `"` and `'` as quoting
 * and `\` as an escape, and ends the line at a line break; a value holding one of these would be cut
 * short, or bring words of its own (a header sent with the health check, a server option). Such
 * values are refused where they are read, at their place in the stage file (refine.ts: certificates
 * and addresses; publish.ts: readiness paths and Host headers, which come from the rendered pods),
 * rather than quoted; haproxy.ts asserts that every value it writes is a plain word. In the config
 * layer (test/imports.test.ts), so that all three can use the rules. Pure.
 */

/** The characters HAProxy's configuration parser treats specially, or that no word can carry. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const SPECIAL = /[\s#"'\\\u0000-\u001f\u007f]/u;

/** What HAProxy would do with `ch`, a character of SPECIAL, in a few words. */
function whyHaproxy(ch: string): string {
  if (ch === '#') return "'#', where HAProxy starts a comment (it would ignore the rest of the line)";
  if (ch === '"' || ch === "'") return `a quote (${ch}), which HAProxy reads as quoting, not as part of the value`;
  if (ch === '\\') return 'a backslash, which HAProxy reads as an escape';
  if (ch === '\n' || ch === '\r') return 'a line break, which would end the line in haproxy.cfg';
  if (ch === ' ') return 'a space, where HAProxy ends the word and reads what follows as more arguments';
  if (ch === '\t') return 'a tab, where HAProxy ends the word and reads what follows as more arguments';
  const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return /\s/u.test(ch) ? `the space character ${code}` : `the control character ${code}, which haproxy.cfg cannot carry`;
}

/**
 * Why `value` cannot be written into haproxy.cfg as one plain word (its first character HAProxy
 * treats specially, and what HAProxy would do with it), or undefined when it can.
 */
export function haproxyWordProblem(value: string): string | undefined {
  if (value === '') return 'it is empty';
  const m = SPECIAL.exec(value);
  return m ? `it holds ${whyHaproxy(m[0])}` : undefined;
}

/**
 * The characters an HTTP request path (with its query) may hold as written (RFC 3986: unreserved,
 * sub-delimiters other than `'`, `:`, `@`, `/`, `?`, and `%` of a percent-encoded byte).
 */
const PATH_CHARACTER = /[A-Za-z0-9\-._~!$&()*+,;=:@/?%]/;

/** A `%` that starts no percent-encoded byte (two hex digits). */
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/** `path` with every character a request path cannot hold as written percent-encoded (UTF-8), a stray `%` as `%25`. */
export function percentEncodePath(path: string): string {
  const encoded = (ch: string) =>
    [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return path.replace(new RegExp(`${STRAY_PERCENT.source}|[^${PATH_CHARACTER.source.slice(1, -1)}]`, 'gu'), encoded);
}

/**
 * Why HAProxy could not send GET `path` as the kubelet does (a path that is not one plain word
 * of HAProxy's, holds a character an HTTP request path cannot hold as written, or does not start
 * with `/`), or undefined when it can.
 */
export function httpPathProblem(path: string): string | undefined {
  const word = haproxyWordProblem(path);
  if (word) return word;
  for (const ch of path) {
    if (!PATH_CHARACTER.test(ch)) {
      const code = ch.codePointAt(0)!;
      const shown = code > 0x7e ? `'${ch}' (U+${code.toString(16).toUpperCase().padStart(4, '0')})` : `'${ch}'`;
      return `it holds ${shown}, which an HTTP request path cannot hold as written (RFC 3986)`;
    }
  }
  // the kubelet's prober cannot parse such a path as a URL, and sends it escaped as a path (%25); HAProxy sends it as written,
  // a request target that strict servers (Go's net/http) answer 400: every server of the backend down, the hosts 503
  if (STRAY_PERCENT.test(path))
    return "it holds '%' not followed by two hex digits, which the kubelet sends as %25 (the path is no valid URL), where HAProxy would send it as written, which a server may answer 400";
  if (!path.startsWith('/')) return "it does not start with '/', so HAProxy would send a request the kubelet does not";
  return undefined;
}

/**
 * A Host header HAProxy can send as written: a host name or an IPv4 address (letters, digits and
 * `-._~`, no `%`), or an IPv6 literal in brackets, with an optional port (RFC 9110, 7.2).
 */
const HOST_HEADER = /^([A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$/;

/**
 * Why HAProxy could not send `host` as the Host header of its health check as written
 * (`http-check send ... hdr Host <value>`, a value HAProxy reads as a log-format string, where `%`
 * starts an expression of its own), or undefined when it can.
 */
export function hostHeaderProblem(host: string): string | undefined {
  const word = haproxyWordProblem(host);
  if (word) return word;
  if (host.includes('%')) return "it holds '%', where HAProxy reads an expression of its own in a header's value (%[...])";
  if (!HOST_HEADER.test(host)) return 'it is not a host name or an IP address (with an optional :port), as a Host header is';
  return undefined;
}

/** A file name a certificate path may be changed to: every character HAProxy treats specially replaced by '-'. */
export const plainPath = (path: string) => path.replace(new RegExp(SPECIAL.source, 'gu'), '-');
