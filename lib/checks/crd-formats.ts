/**
 * The `format` values of a CRD's schema that the Kubernetes 1.25 API server checks, as it checks
 * them: its validator (kube-openapi's copy of go-openapi validate, with the strfmt registry of that
 * time) tests a string value against the format's checker when the format is registered, and
 * ignores every other format (`int32`, `int64`, `float`, `double`, any name of the CRD's own). A
 * format applies to strings only: `format: int32` on an integer checks nothing. Names are read as
 * the API server reads them: without '-' (`date-time` is `datetime`), and otherwise as written, so
 * `dateTime`, `date_time`, `UUID` or `IPv4` name no format it checks (apiextensions-apiserver
 * StripUnsupportedFormatsPostProcess drops them, as kube-openapi strfmt's DefaultNameNormalizer
 * removes only '-' and the registry compares names case-sensitively).
 *
 * Checked here, each as the Go code of that registry reads it (Go 1.19's net package for addresses):
 * - `uuid`, `uuid3`, `uuid4`, `uuid5`, `hexcolor`, `bsonobjectid`: the registry's regular expressions;
 * - `date`: Go's time.Parse with "2006-01-02" (a day that exists in its month);
 * - `datetime`: strfmt.IsDateTime (a date, a "T" in any case, hh:mm:ss, fraction, "Z" or ±hh:mm);
 * - `ipv4`, `ipv6`: net.ParseIP, holding a '.' (ipv4) or a ':' (ipv6), as govalidator reads them
 *   (no leading zero in a dotted part, no zone);
 * - `cidr`: net.ParseCIDR;
 * - `byte`: govalidator.IsBase64 (padded standard base64); the empty string passes here.
 *
 * Not checked, so never a false alarm: formats whose Go parsers JavaScript does not reproduce
 * exactly (`uri`: url.ParseRequestURI; `email`: net/mail.ParseAddress; `hostname`, `mac`,
 * `duration`, `isbn*`, `creditcard`, `ssn`, `rgbcolor`); `password` accepts any string. The
 * server still checks those (kubectl apply --dry-run=server shows it). Pure.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** A format's checker and how a message names what it expects. */
interface FormatCheck {
  readonly expected: string;
  readonly validate: (value: string) => boolean;
}

/** Days in each month of a year that is not a leap year. */
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Go's time.Parse("2006-01-02", s) succeeding: four-digit year, two-digit month and day, a day of that month. */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS[month - 1]);
}

/** strfmt.IsDateTime: split on "t" (case folded), a date before it, its time pattern after, hours to 23, minutes and seconds to 59. */
function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0])) return false;
  const m = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/.exec(parts[1]);
  return m !== null && m[1] <= '23' && m[2] <= '59' && m[3] <= '59';
}

/** net.ParseIP succeeding: Node reads the same dotted and colon forms, except that it takes a zone (`%eth0`), which Go does not. */
const parsesAsIp = (s: string): boolean => isIPv4(s) || (isIPv6(s) && !s.includes('%'));

/** net.ParseCIDR succeeding: an address, '/', decimal digits up to the address's bits (32 for a dotted one, else 128). */
function isCidr(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const [address, bits] = [s.slice(0, slash), s.slice(slash + 1)];
  if (!/^\d+$/.test(bits) || !parsesAsIp(address)) return false;
  return Number(bits) <= (isIPv4(address) ? 32 : 128);
}

/** govalidator's Base64 expression: groups of four, the last padded. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

/** A checker that tests a regular expression. */
const matching = (expected: string, re: RegExp): FormatCheck => ({ expected, validate: (s) => re.test(s) });

/** Checked formats by their name as the registry reads it (formatName). */
const FORMATS: ReadonlyMap<string, FormatCheck> = new Map([
  ['uuid', matching('a UUID', /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i)],
  ['uuid3', matching('a version 3 UUID', /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i)],
  ['uuid4', matching('a version 4 UUID', /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i)],
  ['uuid5', matching('a version 5 UUID', /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i)],
  ['bsonobjectid', matching('a BSON object id (24 hexadecimal digits)', /^[0-9a-fA-F]{24}$/)],
  ['hexcolor', matching('a hexadecimal colour such as #FFFFFF', /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/)],
  ['date', { expected: 'a date such as 2024-05-01 (RFC 3339 full-date)', validate: isDate }],
  ['datetime', { expected: 'a date and time such as 2024-05-01T12:00:00Z (RFC 3339)', validate: isDateTime }],
  ['ipv4', { expected: 'an IPv4 address', validate: (s) => parsesAsIp(s) && s.includes('.') }],
  ['ipv6', { expected: 'an IPv6 address', validate: (s) => parsesAsIp(s) && s.includes(':') }],
  ['cidr', { expected: 'an address range in CIDR notation such as 10.0.0.0/16', validate: isCidr }],
  ['byte', { expected: 'base64 (standard alphabet, padded with =)', validate: (s) => s === '' || BASE64.test(s) }],
]);

/** A format's name as the registry reads it: without '-' (strfmt's DefaultNameNormalizer), case kept. */
const formatName = (format: string): string => format.replace(/-/g, '');

/** The name under which `format` is checked (registered by addFormats), or undefined when the API server ignores it. */
export function checkedFormat(format: unknown): string | undefined {
  const name = typeof format === 'string' ? formatName(format) : undefined;
  return name !== undefined && FORMATS.has(name) ? name : undefined;
}

/** What a value of the checked format `name` must be, for messages. */
export const formatExpected = (name: string): string => FORMATS.get(name)?.expected ?? `format ${name}`;

/** Registers each checked format with an ajv, for strings only, as the API server checks them. */
export function addFormats(ajv: { addFormat(name: string, format: { type: 'string'; validate: (s: string) => boolean }): unknown }): void {
  for (const [name, { validate }] of FORMATS) ajv.addFormat(name, { type: 'string', validate });
}
