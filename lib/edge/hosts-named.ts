/** How the edge's messages name the hosts an edge publishes: a frontend may publish dozens. Pure. */
import { andList } from '../model/limits.js';

/** How many of an edge's hosts a message names. */
const HOSTS_SHOWN = 3;

/** `hosts` for a message: the first HOSTS_SHOWN, then how many more. */
export function hostsNamed(hosts: readonly string[]): string {
  const more = hosts.length - HOSTS_SHOWN;
  return more > 0 ? `${hosts.slice(0, HOSTS_SHOWN).join(', ')} and ${more} more` : andList(hosts);
}
