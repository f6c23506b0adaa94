/**
 * The API server's rules of a NetworkPolicy that its schema does not say (pkg/apis/networking/validation
 * ValidateNetworkPolicy): ipBlock CIDRs, each except a strict subset of its cidr, and port ranges. One of
 * api-rules-kinds.ts's rules; data in, findings out.
 */
import { isRecord } from '../model/object.js';
import { IPV4, isIpv4 } from './api-rules-ingress.js';
import type { Emit, FieldPath, Finding } from './finding.js';

/** Whether `s` is an IPv4 or IPv6 CIDR as the API server reads it (netutils.ParseCIDRSloppy: IPv4 parts may have leading zeros). */
export function isCidr(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  if (IPV4.test(ip)) return Number(bits) <= 32 && isIpv4(ip);
  return ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip) && Number(bits) <= 128 && ipv6(ip);
}

function ipv6(ip: string): boolean {
  const halves = ip.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  const ok = groups.every((g, i) => /^[0-9a-fA-F]{1,4}$/.test(g) || (i === groups.length - 1 && IPV4.test(g)));
  const count = groups.length + (IPV4.test(groups.at(-1) ?? '') ? 1 : 0);
  return ok && (halves.length === 2 ? count < 8 : count === 8);
}

/** The bytes of an IPv4 address (4) or an IPv6 one (16: `::`, and a last group written as IPv4, read), or undefined. */
function addressBytes(ip: string): number[] | undefined {
  if (IPV4.test(ip)) return isIpv4(ip) ? ip.split('.').map(Number) : undefined;
  if (!ip.includes(':') || !ipv6(ip)) return undefined;
  const words = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!IPV4.test(g)) return [Number.parseInt(g, 16)];
          const [a, b, c, d] = g.split('.').map(Number);
          return [a * 256 + b, c * 256 + d];
        });
  const [head, tail] = ip.split('::');
  const all =
    tail === undefined ? words(head) : [...words(head), ...new Array(8 - words(head).length - words(tail).length).fill(0), ...words(tail)];
  return all.flatMap((w) => [w >> 8, w & 255]);
}

/**
 * Whether CIDR `inner` is a strict subset of CIDR `outer` (both valid, `isCidr`), as the API server asks of an
 * ipBlock's except entries: the same family, a longer prefix, and the outer prefix's bits alike.
 */
function strictSubset(inner: string, outer: string): boolean {
  const [innerIp, innerBits] = inner.split('/');
  const [outerIp, outerBits] = outer.split('/');
  const a = addressBytes(innerIp);
  const b = addressBytes(outerIp);
  if (!a || !b || a.length !== b.length || Number(innerBits) <= Number(outerBits)) return false;
  const bits = Number(outerBits);
  for (let i = 0; i * 8 < bits; i++) {
    const mask = bits - i * 8 >= 8 ? 255 : (255 << (8 - (bits - i * 8))) & 255;
    if ((a[i] & mask) !== (b[i] & mask)) return false;
  }
  return true;
}

function peers(emit: Emit, list: unknown, key: string, at: FieldPath, out: Finding[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((rule: unknown, i) => {
    if (!isRecord(rule)) return;
    const ps = rule[key];
    if (Array.isArray(ps)) {
      ps.forEach((p: unknown, j) => {
        const block = isRecord(p) ? p.ipBlock : undefined;
        if (!isRecord(block)) return;
        const where: FieldPath = [...at, i, key, j, 'ipBlock'];
        if (typeof block.cidr === 'string' && !isCidr(block.cidr)) {
          out.push(
            emit(
              'api/network',
              [...where, 'cidr'],
              `cidr '${block.cidr}' is not a CIDR`,
              'write an address and a prefix length, e.g. 10.0.0.0/16',
            ),
          );
        }
        if (!Array.isArray(block.except)) return;
        block.except.forEach((e: unknown, k) => {
          if (typeof e === 'string' && !isCidr(e)) {
            out.push(
              emit(
                'api/network',
                [...where, 'except', k],
                `except '${e}' is not a CIDR`,
                'write an address and a prefix length, e.g. 10.0.1.0/24',
              ),
            );
          } else if (typeof e === 'string' && typeof block.cidr === 'string' && isCidr(block.cidr) && !strictSubset(e, block.cidr)) {
            out.push(
              emit(
                'api/network',
                [...where, 'except', k],
                `except '${e}' is not within cidr '${block.cidr}' (a smaller range inside it), which the API server refuses`,
                `write a range inside ${block.cidr} with a longer prefix, or remove it`,
              ),
            );
          }
        });
      });
    }
    if (!Array.isArray(rule.ports)) return;
    rule.ports.forEach((p: unknown, j) => {
      if (!isRecord(p) || typeof p.endPort !== 'number') return;
      const port = p.port;
      if (typeof port !== 'number') {
        out.push(
          emit(
            'api/network',
            [...at, i, 'ports', j, 'endPort'],
            'endPort needs port to be a number',
            'give port as a number, the first port of the range',
          ),
        );
      } else if (p.endPort < port) {
        out.push(
          emit(
            'api/network',
            [...at, i, 'ports', j, 'endPort'],
            `endPort ${p.endPort} is less than port ${port}`,
            'make endPort the last port of the range, at least port',
          ),
        );
      }
    });
  });
}

/** A NetworkPolicy's ingress and egress peers and ports, as the API server reads them. */
export const networkPolicy = (emit: Emit, spec: Record<string, unknown>, out: Finding[]): void => {
  peers(emit, spec.ingress, 'from', ['spec', 'ingress'], out);
  peers(emit, spec.egress, 'to', ['spec', 'egress'], out);
};
