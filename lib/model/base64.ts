/**
 * Base64 as the API server reads a Secret's `data` and a ConfigMap's `binaryData` (Go's
 * encoding/base64 StdEncoding): the standard alphabet padded with `=` to a multiple of 4, every
 * `\r` and `\n` ignored wherever it stands (a YAML block scalar's final line end, `base64`'s lines
 * of 76 columns, PEM's of 64). One reading for the checks, the diff and the secret screen.
 */

/** `value` without the line breaks base64 may be wrapped with (StdEncoding drops every `\r` and `\n`). */
export function unwrapBase64(value: string): string {
  return value.includes('\n') || value.includes('\r') ? value.replace(/[\r\n]/g, '') : value;
}

/**
 * The standard alphabet, then at most two `=`: whole quads are told by the length (`isStandardBase64`),
 * not by a repeated group of four, which overflowed the regular expression's stack above 4 MiB.
 */
const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether `text`, line breaks taken out (`unwrapBase64`), is padded standard base64 (`''` is: no bytes). */
export function isStandardBase64(text: string): boolean {
  return text.length % 4 === 0 && STANDARD_BASE64.test(text);
}
