/** Addresses as numbers (lib/edge/address.ts), which the floating IP's network rules compare: IPv4 and IPv6 alike. */
import { describe, expect, it } from 'vitest';
import { formatIp, networkOf, parseIp, parseIpv6 } from '../../lib/edge/address.js';

describe('an IPv6 address as a number', () => {
  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['fd00::5', (0xfd00n << 112n) + 5n],
    ['FD00:0:0:0::5', (0xfd00n << 112n) + 5n],
    ['1:2:3:4:5:6:7:8', 0x00010002000300040005000600070008n],
    ['::ffff:10.0.0.1', 0xffff0a000001n],
  ])('reads %s', (text, value) => {
    expect(parseIpv6(text)).toEqual({ value });
  });

  it.each([
    ['fd00:::1', "'fd00:::1' is not written as an IPv6 address is (eight groups of hex digits, :: for zeros)"],
    ['fe80::1%eth0', "'fe80::1%eth0' has a zone index (%...), which names an interface, not an address"],
    ['10.0.0.1', "'10.0.0.1' is not written as an IPv6 address is (eight groups of hex digits, :: for zeros)"],
  ])('says why %s is none', (text, problem) => {
    expect(parseIpv6(text)).toEqual({ problem });
  });

  it('is written back canonically, and its network bounds are those of its prefix', () => {
    const ip = parseIp('fd00:0:0:1::10');
    expect(ip).toEqual({ family: 6, value: (0xfd00n << 112n) + (1n << 64n) + 0x10n });
    if (!('value' in ip)) throw new Error('not read');
    const { first, last } = networkOf(6, ip.value, 48);
    expect([formatIp(6, first), formatIp(6, last)]).toEqual(['fd00::', 'fd00::ffff:ffff:ffff:ffff:ffff']);
    expect(formatIp(6, ip.value)).toBe('fd00:0:0:1::10');
  });

  it('leaves IPv4 as it was: a 32-bit number, its network by prefix', () => {
    const ip = parseIp('10.1.0.100');
    expect(ip).toEqual({ family: 4, value: 0x0a010064n });
    if (!('value' in ip)) throw new Error('not read');
    const { first, last } = networkOf(4, ip.value, 24);
    expect([formatIp(4, first), formatIp(4, last)]).toEqual(['10.1.0.0', '10.1.0.255']);
  });
});
