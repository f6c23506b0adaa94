/**
 * What a stage takes that no other stage may take too (an edge machine's or floating IP's address,
 * a node port on one cluster), as lib/edge/across-stages.ts draws it from a compiled stage and
 * lib/cli/reuse.ts reads it back from the record of a stage it keeps. Apart from across-stages.ts,
 * whose checks read manifests, so that reading a record loads nothing more (lib/cli/fast.ts). Pure.
 */
import type { SourceLocation } from '../errors.js';
import { isRecord } from '../model/object.js';

/** One thing a stage takes, at the setting of its stage file that takes it. */
export interface Claim {
  /** What is taken: an address (`canonicalAddress`) or a node port. */
  readonly value: string;
  /** An address as the stage file writes it, when that is not `value` (`fd00:0:0::0005` for `fd00::5`). @default - `value` */
  readonly written?: string;
  /** The setting that takes it (`edge.machines.edge1.address`), or the object and its setting (`Service dev/nginx (apps.nginx.service.nodePort)`). */
  readonly what: string;
  readonly at: SourceLocation;
  /**
   * Of a node port: its Service (`Service dev/nginx`) and the file of the stage's output that holds it (`10-nginx.yaml`); of an
   * edge's address, no Service and the edge file that holds it (`edge/haproxy.cfg`, `edge/keepalived-<machine>.conf` of the first machine, though any machine's is read): to tell
   * whether `dist/<stage>/` takes it already. @default - not looked for
   */
  readonly object?: string;
  readonly file?: string;
}

/** What a stage takes that another stage may not take too (see lib/edge/across-stages.ts). */
export interface StageClaims {
  /** The cluster its stage file delivers it to (`delivery.cluster`). @default - the project file's, when it declares `delivery:` */
  readonly cluster?: string;
  /** Whether it declares `delivery:` (a stage that does not has no known cluster but by its nodes). */
  readonly delivered: boolean;
  /** Its nodes' addresses: two stages that name one node share its cluster. */
  readonly nodes: readonly Claim[];
  /** The node ports of its Services. */
  readonly nodePorts: readonly Claim[];
  /** Its edge machines' addresses and its floating IP's (without the prefix length). */
  readonly addresses: readonly Claim[];
  /**
   * The namespace its stage file names (`namespace:`; without it, its default, the stage's name, which
   * another stage's `namespace:` may name too): two stages on one cluster that write to one write one
   * object of each name there. @default - none named
   */
  readonly namespace?: Claim;
}

const isLocation = (v: unknown): v is SourceLocation =>
  isRecord(v) && typeof v.file === 'string' && Number.isInteger(v.line) && Number.isInteger(v.column);
const isClaimList = (v: unknown): v is Claim[] =>
  Array.isArray(v) &&
  v.every(
    (c) =>
      isRecord(c) &&
      typeof c.value === 'string' &&
      typeof c.what === 'string' &&
      isLocation(c.at) &&
      [c.written, c.object, c.file].every((v) => v === undefined || typeof v === 'string'),
  );

/** Whether `v` is a stage's claims as `stageClaims` makes them (a record read back from the fingerprint file). */
export function isStageClaims(v: unknown): v is StageClaims {
  return (
    isRecord(v) &&
    (v.cluster === undefined || typeof v.cluster === 'string') &&
    typeof v.delivered === 'boolean' &&
    isClaimList(v.nodes) &&
    isClaimList(v.nodePorts) &&
    isClaimList(v.addresses) &&
    (v.namespace === undefined || isClaimList([v.namespace]))
  );
}
