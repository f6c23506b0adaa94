/**
 * Node ports: a published app's Service needs a fixed one, declared in the stage file. stagecraft
 * does not pick one silently: a port chosen at synthesis would have to be remembered somewhere
 * (synthesis writes only dist/), and one derived from the app's name alone would move when another
 * app that hashes to the same port arrives. Instead, when a port is missing, the message suggests
 * one that is free in the stage, and the user writes it down once. Pure.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../model/object.js';

/** The range Kubernetes allocates node ports from by default (`--service-node-port-range`). */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

/** The node ports of a Service's ports, in order (those that have one). */
export function nodePortsOf(o: KubeObject): number[] {
  if (o.kind !== 'Service') return [];
  const ports = (o.spec as { ports?: { nodePort?: number }[] } | undefined)?.ports ?? [];
  return ports.map((p) => p.nodePort).filter((p): p is number => typeof p === 'number');
}

/**
 * A node port to suggest for `key` (e.g. `lab/nginx`): derived from a digest of the key, so the
 * same question gets the same answer, then the next port up (wrapping around) that `used` does not hold.
 */
export function suggestNodePort(key: string, used: ReadonlySet<number>): number {
  const size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
  const start = createHash('sha256').update(key).digest().readUInt32BE(0) % size;
  for (let i = 0; i < size; i++) {
    const port = NODE_PORT_MIN + ((start + i) % size);
    if (!used.has(port)) return port;
  }
  throw new Error(`every node port from ${NODE_PORT_MIN} to ${NODE_PORT_MAX} is taken`);
}

/** A node port that two Services of one stage declare. */
export interface NodePortCollision {
  readonly port: number;
  /** The Services, in the order they were found; the first one keeps the port. */
  readonly services: readonly KubeObject[];
}

/** Every node port declared by more than one Service among `objects`. */
export function nodePortCollisions(objects: readonly KubeObject[]): NodePortCollision[] {
  const byPort = new Map<number, KubeObject[]>();
  for (const o of objects) for (const p of nodePortsOf(o)) byPort.set(p, [...(byPort.get(p) ?? []), o]);
  return [...byPort.entries()]
    .filter(([, services]) => services.length > 1)
    .sort(([a], [b]) => a - b)
    .map(([port, services]) => ({ port, services }));
}
