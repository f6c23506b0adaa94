/**
 * Values committed encrypted by design, no secret whatever their setting's name: Sealed Secrets' ciphertext (kubeseal's output, in
 * a text that declares a SealedSecret) and values encrypted for a Spring application (Jasypt's `ENC(...)`, Spring Cloud Config's
 * `{cipher}...`). Told by their form; imports only `oncePerText`, so that secret-shapes.ts, which asks them, may import it. Pure
 * and synchronous.
 */
import { oncePerText } from './once-per-text.js';

/** Text as people and config files write it: printable ASCII, blanks and line breaks (not a digest's or a key's bytes). */
export const PRINTABLE = /^[\t\n\r\x20-\x7e]+$/;

/**
 * A value encrypted for a Spring application, committed as a sealed secret's is: Jasypt's `ENC(<base64>)` (jasypt-spring-boot),
 * its salt (and IV) and ciphertext, whole blocks of 8 bytes, 16 or more; Spring Cloud Config's `{cipher}<hex or base64>`, 16
 * bytes or more. Either decodes to no text (random bytes), and only a key decrypts it, which is judged where it is set
 * (`jasypt.encryptor.password`, `JASYPT_ENCRYPTOR_PASSWORD`, `ENCRYPT_KEY`). Not Jasypt's Maven plugin's `DEC(<plaintext>)`,
 * nor text in either (`ENC(Hunter2xyz)`, base64 of text), nor a key of another length in `ENC()` (an AWS secret key's 30 bytes).
 */
const ENCRYPTED_VALUE = /^(?:ENC\(([A-Za-z0-9+/]{22,}={0,2})\)|\{cipher\}([0-9a-fA-F]{32,}|[A-Za-z0-9+/]{22,}={0,2}))$/;

/** Whether encoded text (`hex`, or base64 in whole quads) decodes to 16 bytes or more, a multiple of `block`, of no text: a ciphertext's. */
function isCiphertext(encoded: string, block: number): boolean {
  const hex = /^[0-9a-fA-F]+$/.test(encoded) && encoded.length % 2 === 0;
  if (!hex && encoded.length % 4 !== 0) return false;
  const bytes = Buffer.from(encoded, hex ? 'hex' : 'base64');
  return bytes.length >= 16 && bytes.length % block === 0 && !PRINTABLE.test(bytes.toString('latin1'));
}

/** The sizes of an RSA key in bytes (2048, 3072 and 4096 bits) a sealing certificate has. */
const SEALING_KEY_BYTES: ReadonlySet<number> = new Set([256, 384, 512]);
/** Base64 whole, of its standard alphabet (kubeseal's output). */
const STANDARD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Whether a value has the form of Sealed Secrets' ciphertext (kubeseal's, a SealedSecret's `encryptedData`, committed by design):
 * base64 of the session key's length (2 bytes, big-endian: the sealing key's, 256, 384 or 512), the session key encrypted with
 * RSA, then the value encrypted with AES-GCM and its 16-byte tag. Only the controller's private key opens it. The RSA block and
 * the AES-GCM output are random bytes of any value, so the form is all that tells it: 3 random base64 values in 65,536 of 368
 * characters or more have it too (a key's, a token's), so it is taken for ciphertext only where a SealedSecret holds it, in
 * its `encryptedData` (lib/checks/secret-strings.ts) or a text that declares one (`inSealedSecret`), never anywhere else.
 */
export function isSealedCiphertext(v: string): boolean {
  if (v.length < 368 || v.length % 4 !== 0 || !STANDARD_BASE64.test(v)) return false;
  const keyBytes = Buffer.from(v.slice(0, 4), 'base64').readUInt16BE(0);
  const bytes = (v.length / 4) * 3 - (v.endsWith('==') ? 2 : v.endsWith('=') ? 1 : 0);
  return SEALING_KEY_BYTES.has(keyBytes) && bytes >= 2 + keyBytes + 16;
}

/**
 * A text that declares a SealedSecret (a manifest's YAML or JSON, as kubeseal writes it): `kind` a mapping's key at its line's
 * start (a List's item too, `- kind: SealedSecret`) or a JSON object's; not a comment's or a string's words (`# was a kind:
 * SealedSecret`, `"note": "kind: SealedSecret"`). Read once per text.
 */
const declaresSealedSecret = oncePerText((text) =>
  /(?:^|\n)[ \t]*(?:-[ \t]+)?kind[ \t]*:[ \t]*(["']?)SealedSecret\1[ \t]*(?:#[^\n]*)?(?:\r?\n|$)|[{,][ \t\r\n]*"kind"[ \t\r\n]*:[ \t\r\n]*"SealedSecret"/.test(
    text,
  ),
);
/** How far before a match `inSealedSecret` reads its line: a key's name (`"api-token": "`, `password: `) and its indentation. */
const SEALED_KEY_CHARS = 256;
/** The end of a mapping's line up to its value (or a JSON object's, after `{` or `,`): the key, maybe quoted, its colon, and a quote the value may start with. */
const BEFORE_MAPPING_VALUE = /(?:^|[\n{,])[ \t]*["']?[\w.-]+["']?[ \t]*:[ \t]*["']?$/;

/**
 * Whether a match (`m`, of `s`) is Sealed Secrets' ciphertext in a text that holds a SealedSecret (a ConfigMap's file, a
 * manifest checked alone): of its form (`isSealedCiphertext`), a mapping's value on its line, in a text that declares one.
 */
export function inSealedSecret(s: string, m: RegExpExecArray): boolean {
  if (!sealedIn(s, m.input)) return false;
  return BEFORE_MAPPING_VALUE.test(m.input.slice(Math.max(0, m.index - SEALED_KEY_CHARS), m.index));
}

/** Whether a setting's value (`password: <value>`, read by the setting rules) is Sealed Secrets' ciphertext in a `text` that declares a SealedSecret. */
export const sealedIn = (value: string, text: string): boolean => isSealedCiphertext(value) && declaresSealedSecret(text);

/** Whether a value is encrypted for a Spring application (`ENCRYPTED_VALUE`): no secret, whatever its setting's name. */
export const isEncryptedValue = (v: string): boolean => {
  const m = ENCRYPTED_VALUE.exec(v);
  return m !== null && (m[1] !== undefined ? isCiphertext(m[1], 8) : isCiphertext(m[2]!, 1));
};

/** Whether a match of encoded text (`m`) is the ciphertext of `ENC(...)` or `{cipher}...`: read from the 8 characters before it and the one after. */
export function inEncryptedValue(m: RegExpExecArray): boolean {
  const { input, index } = m;
  if (input.startsWith('{cipher}', index - 8)) return isCiphertext(m[0], 1);
  return input.startsWith('ENC(', index - 4) && input[index + m[0].length] === ')' && isCiphertext(m[0], 8);
}
