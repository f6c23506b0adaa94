/**
 * An address as the machine it names, for the rules that tell two settings name one machine: two
 * edge machines of one stage (refine.ts) and what two stages may not both take (across-stages.ts).
 * In the config layer, with refine.ts. Pure.
 */

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
