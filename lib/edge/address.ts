/**
 * An address as the machine it names, for the rules that tell two settings name one machine: two
 * edge machines of one stage (refine.ts) and what two stages may not both take (across-stages.ts);
 * and an IPv4 or IPv6 address as a number, for the rules of a floating IP's network (refine.ts).
 * In the config layer, with refine.ts. Pure.
 */
import { isIP } from 'node:net';

/**
 * An address as the machine it names: an IPv6 address in its canonical form (`fd00:0::5` and
 * `FD00::5` are `fd00::5`, as the URL parser writes it), any other lower-cased (a host name's case
 * names no other machine).
 */
export function canonicalAddress(address: string): string {
  const lower = address.toLowerCase();
  if (!lower.includes(':')) return lower;
  try {
    return new URL(`http://[${lower}]/`).hostname.slice(1, -1);
  } catch {
    return lower;
  }
}

/** The two address families, by the number of bits of their addresses. */
export const ADDRESS_BITS = { 4: 32, 6: 128 } as const;
export type Family = keyof typeof ADDRESS_BITS;

/**
 * Why `text` is not a decimal number from 0 to `max` written plainly, or undefined when it is. A
 * leading zero is refused: inet_aton (and so some tools) reads `010` as octal 8.
 */
export function numberProblem(text: string, max: number, what: string): string | undefined {
  if (!/^\d+$/.test(text)) return `${what} '${text}' is not a decimal number`;
  if (text.length > 1 && text.startsWith('0')) return `${what} ${text} has a leading zero, which some tools read as octal`;
  return Number(text) > max ? `${what} ${text} is more than ${max}` : undefined;
}

/** An IPv4 address as a 32-bit number, or why `text` is not one (four numbers 0-255, no leading zeros). */
export function parseIpv4(text: string): { value: number } | { problem: string } {
  const octets = text.split('.');
  if (octets.length !== 4) return { problem: `'${text}' does not have four numbers separated by '.'` };
  for (const o of octets) {
    const problem = numberProblem(o, 255, 'the number');
    if (problem) return { problem };
  }
  return { value: octets.reduce((n, o) => n * 256 + Number(o), 0) };
}

/** `value` (32 bits) in dotted notation. */
export const formatIpv4 = (value: number) => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');

/**
 * An IPv6 address as a 128-bit number, or why `text` is not one. A zone (`fe80::1%eth0`) is no part
 * of an address a machine holds, and is refused; an IPv4 address at its end (`::ffff:10.0.0.1`) is read.
 */
export function parseIpv6(text: string): { value: bigint } | { problem: string } {
  if (text.includes('%')) return { problem: `'${text}' has a zone index (%...), which names an interface, not an address` };
  if (isIP(text) !== 6) return { problem: `'${text}' is not written as an IPv6 address is (eight groups of hex digits, :: for zeros)` };
  // the URL parser writes it canonically, in hex groups only (an IPv4 end as two groups)
  const [head = '', tail] = canonicalAddress(text).split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const written = [
    ...groups(head),
    ...(tail === undefined ? [] : [...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)]),
  ];
  return { value: written.reduce((n, g) => (n << 16n) + BigInt(`0x${g}`), 0n) };
}

/** `value` (128 bits) as an IPv6 address, canonically written. */
export function formatIpv6(value: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  return canonicalAddress(groups.join(':'));
}

/** An address of either family as a number: its family, or why it is neither. */
export function parseIp(text: string): { family: Family; value: bigint } | { problem: string } {
  if (text.includes(':')) {
    const ip = parseIpv6(text);
    return 'value' in ip ? { family: 6, value: ip.value } : ip;
  }
  const ip = parseIpv4(text);
  return 'value' in ip ? { family: 4, value: BigInt(ip.value) } : ip;
}

/** `value` as an address of `family`, written as refine.ts names it in a message. */
export const formatIp = (family: Family, value: bigint) => (family === 4 ? formatIpv4(Number(value)) : formatIpv6(value));

/** The first and the last address of the network of `prefix` bits of `family` that holds `value`. */
export function networkOf(family: Family, value: bigint, prefix: number): { first: bigint; last: bigint } {
  const size = 1n << BigInt(ADDRESS_BITS[family] - prefix);
  const first = (value / size) * size;
  return { first, last: first + size - 1n };
}
