/**
 * Whether a compiled stage's output in dist/ takes a claim already (a node port, an edge machine's or
 * floating IP's address), and from its stage file as it is or as it was: what tells, of two stages that
 * take one, which takes it newly (across-stages.ts). Each stage's files read once. Pure.
 */
import { parseManifests } from '../checks/manifests.js';
import { describeObject } from '../model/object.js';
import { readingOnce } from '../model/read-once.js';
import { INVENTORY_FILE, digest, inventorySource } from '../synth/inventory.js';
import { nodePortsOf } from './node-ports.js';
import type { Claim } from './claims.js';
import { canonicalAddress } from './address.js';
import { HAPROXY_FILE } from './haproxy.js';
import { readHaproxyConfig } from './haproxy-read.js';
import { floatingAddressIn, keepalivedFile } from './keepalived.js';
import { EDGE_DIR } from './index.js';

/**
 * How a stage takes a node port or an edge's address, from the stage that takes it most newly: `new`,
 * its output in `dist/` does not take it; `moved` (a node port only: an edge's address is on no
 * cluster), its output takes it, but was written from its stage file as it was before, which may have
 * put the stage on another cluster (its nodes or `delivery.cluster` changed); `held`, its output takes
 * it, written from its stage file as it is (or a stage kept as recorded).
 */
export type Holding = 'new' | 'moved' | 'held';
export const HOLDINGS: readonly Holding[] = ['new', 'moved', 'held'];

/** How a stage takes a node port or an address (`Holding`). */
export type Held = (stage: string, claim: Claim) => Holding;

/** What a compiled stage's node port is judged by: its stage file's text, and its output as it is (the files of `dist/<stage>/`). */
export interface CompiledOutput {
  readonly text: string;
  readonly readOutput?: (file: string) => string | undefined;
}

/**
 * How `claim`, a node port or an edge's address of a compiled stage, is taken (`Holding`): whether the
 * file of its output that would hold it does (`outputTakes`), and whether that output was written from
 * the stage file as it is (inventory.txt's `source:` digest). Read only for what two stages take.
 */
export function heldInOutput(compiled: CompiledOutput | undefined, claim: Claim): Holding {
  const read = compiled?.readOutput;
  if (claim.file === undefined || read === undefined) return 'new';
  // a floating IP (the address claim of a keepalived.conf) is in every machine's keepalived.conf: any of those the output
  // has (of the machines its haproxy.cfg names), since a machine added since, sorting first, has none there yet
  const floating = claim.object === undefined && claim.file !== HAPROXY_PATH;
  const files = floating ? [...new Set([claim.file, ...keepalivedPathsOf(read)])] : [claim.file];
  const takes = (file: string) => {
    const text = read(file);
    return text !== undefined && outputTakes(file, text, claim);
  };
  if (!files.some(takes)) return 'new';
  return writtenFrom(read(INVENTORY_FILE), compiled!.text) ? 'held' : 'moved';
}

/** The path of `file` in a stage's output, under the edge's directory. */
export const edgePath = (file: string) => `${EDGE_DIR}/${file}`;
/** The path of haproxy.cfg in a stage's output: an edge machine's claim is there, a floating IP's in a keepalived.conf. */
export const HAPROXY_PATH = edgePath(HAPROXY_FILE);
/** The keepalived.conf files of the machines an output's haproxy.cfg names (`readHaproxyConfig`), which the same synthesis wrote. */
const keepalivedPathsOf = (read: (file: string) => string | undefined): string[] =>
  readHaproxyConfig(read(HAPROXY_PATH) ?? '').machines.map((m) => edgePath(keepalivedFile(m.name)));

/**
 * Whether `text`, file `file` of a stage's output, takes `claim`: a node port, when its Service there
 * has it; an edge's address, when its haproxy.cfg names the machine or its keepalived.conf moves the floating IP.
 */
function outputTakes(file: string, text: string, claim: Claim): boolean {
  if (claim.object === undefined) {
    const addresses =
      file === HAPROXY_PATH ? readHaproxyConfig(text).machines.map((m) => m.address) : [floatingAddressIn(text)?.split('/')[0] ?? ''];
    return addresses.some((a) => canonicalAddress(a) === claim.value);
  }
  try {
    const { objects } = parseManifests([{ file, text }]);
    return objects.some((o) => describeObject(o) === claim.object && nodePortsOf(o).includes(Number(claim.value)));
  } catch {
    // an output that does not parse takes nothing that can be told
    return false;
  }
}

/**
 * `output`, whose stages' files are each read once, however many claims ask: each claim of a stage
 * asks its inventory, and each machine's its haproxy.cfg (its Services' files are read once by
 * `outputTakes` either way). `output` itself only finds a stage's reader, and is asked again.
 */
export function outputsReadOnce(output: (stage: string) => CompiledOutput | undefined): (stage: string) => CompiledOutput | undefined {
  const readers = new Map<string, (file: string) => string | undefined>();
  return (stage) => {
    const compiled = output(stage);
    const read = compiled?.readOutput;
    if (!read) return compiled;
    const readOutput = readers.get(stage) ?? readingOnce(read);
    readers.set(stage, readOutput);
    return { ...compiled, readOutput };
  };
}

/** Whether an output's inventory (its text) says it was written from the stage file whose text is `text` (its `source:` line, lib/synth/inventory.ts). */
export function writtenFrom(inventory: string | undefined, text: string): boolean {
  return inventory !== undefined && inventorySource(inventory)?.digest === digest(text);
}
