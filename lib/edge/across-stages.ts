/**
 * What two stages may not both take, checked across stages (lib/compile.ts, once every stage is
 * compiled or recorded): an edge machine (each stage's haproxy.cfg and keepalived.conf are the whole
 * files of its machines, so the one copied last replaces the other's), a floating IP (two VRRP
 * masters would answer ARP for one address), and a node port on one cluster (open on every node for
 * one Service, so the API server refuses the second stage's). Each stage's claims are drawn where it
 * is compiled (`stageClaims`), with their places in its stage file, and kept in the record of a stage
 * whose output a synthesis keeps (lib/cli/reuse.ts), so a synthesis of the changed stages sees them too.
 *
 * Not a claim: a VRRP router id. The edge's keepalived speaks unicast to its own peers only
 * (keepalived.ts: `unicast_peer`), so two stages' instances with one `virtual_router_id` on disjoint
 * machines never read each other's adverts. Pure.
 */
import type { Problem, SourceLocation } from '../errors.js';
import { describeObject, isRecord, type KubeObject } from '../model/object.js';
import type { StageNode } from '../stack.js';
import { NODE_PORT_MAX, NODE_PORT_MIN, nodePortSettings, nodePortsOf, suggestNodePort } from './node-ports.js';
import type { EdgeSettings } from './settings.js';

/** One thing a stage takes, at the setting of its stage file that takes it. */
export interface Claim {
  /** What is taken: an address (lowercase) or a node port. */
  readonly value: string;
  /** The setting that takes it (`edge.machines.edge1.address`), or the object and its setting (`Service dev/nginx (apps.nginx.service.nodePort)`). */
  readonly what: string;
  readonly at: SourceLocation;
}

/** What a stage takes that another stage may not take too (see the module's comment). */
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
}

/** What `stageClaims` reads of a compiled stage. */
export interface ClaimSource {
  readonly nodes: readonly StageNode[];
  readonly edge?: EdgeSettings;
  readonly delivery?: { readonly cluster?: string };
  /** The rendered apps whose objects were read (a cached app with no node port may be left out), by app name. */
  readonly charts: readonly { readonly name: string; readonly objects: readonly KubeObject[] }[];
  readonly locate: (path: readonly (string | number)[]) => SourceLocation;
}

const dotted = (path: readonly (string | number)[]) => path.join('.');

/** The claims of one compiled stage, at their places in its stage file. */
export function stageClaims({ nodes, edge, delivery, charts, locate }: ClaimSource): StageClaims {
  const at = (value: string, path: readonly (string | number)[]): Claim => ({ value, what: dotted(path), at: locate(path) });
  const settings = nodePortSettings(charts);
  const nodePorts = charts.flatMap((c) =>
    c.objects.flatMap((o) =>
      nodePortsOf(o).map((port) => {
        const object = describeObject(o);
        // a manifests app's Service has its port in the files it includes: placed at the app
        const path = settings.get(`${object}:${port}`) ?? ['apps', c.name];
        return { value: String(port), what: `${object} (${dotted(path)})`, at: locate(path) };
      }),
    ),
  );
  const addresses = [
    ...Object.entries(edge?.machines ?? {}).map(([name, m]) => at(m.address.toLowerCase(), ['edge', 'machines', name, 'address'])),
    ...(edge?.floatingIp ? [at(edge.floatingIp.address.split('/')[0]!, ['edge', 'floatingIp', 'address'])] : []),
  ];
  return {
    ...(delivery?.cluster === undefined ? {} : { cluster: delivery.cluster }),
    delivered: delivery !== undefined,
    nodes: nodes.flatMap((n) => (n.address === undefined ? [] : [at(n.address.toLowerCase(), ['nodes', n.name, 'address'])])),
    nodePorts,
    addresses,
  };
}

const isLocation = (v: unknown): v is SourceLocation =>
  isRecord(v) && typeof v.file === 'string' && Number.isInteger(v.line) && Number.isInteger(v.column);
const isClaimList = (v: unknown): v is Claim[] =>
  Array.isArray(v) && v.every((c) => isRecord(c) && typeof c.value === 'string' && typeof c.what === 'string' && isLocation(c.at));

/** Whether `v` is a stage's claims as `stageClaims` makes them (a record read back from the fingerprint file). */
export function isStageClaims(v: unknown): v is StageClaims {
  return (
    isRecord(v) &&
    (v.cluster === undefined || typeof v.cluster === 'string') &&
    typeof v.delivered === 'boolean' &&
    isClaimList(v.nodes) &&
    isClaimList(v.nodePorts) &&
    isClaimList(v.addresses)
  );
}

const where = (c: Claim) => `${c.at.file}:${c.at.line}:${c.at.column}`;

/**
 * Why stages `a` and `b` are on one cluster (a node address both name, or one `delivery.cluster`),
 * or undefined when nothing says they are. `defaultCluster` is the project file's, for a delivered
 * stage that names none.
 */
function sharedCluster(a: StageClaims, b: StageClaims, defaultCluster: string | undefined): string | undefined {
  const node = a.nodes.find((n) => b.nodes.some((m) => m.value === n.value));
  if (node) return `both name node address ${node.value}`;
  const cluster = (c: StageClaims) => (c.delivered ? (c.cluster ?? defaultCluster) : undefined);
  const [x, y] = [cluster(a), cluster(b)];
  return x !== undefined && x === y ? `both are delivered to cluster ${x}` : undefined;
}

/**
 * The problems of `stages` (stage name and its claims, in the project's order of stages): each
 * address, or node port on one cluster, that a stage takes after an earlier stage took it, at the
 * later one's setting, naming the earlier one's file:line:col.
 * @param defaultCluster the project file's `delivery.cluster`, for a delivered stage that names none
 */
export function crossStageProblems(stages: readonly (readonly [string, StageClaims])[], defaultCluster?: string): Problem[] {
  const problems: Problem[] = [];
  // a suggested port is free in every stage, and suggested once
  const used = new Set(stages.flatMap(([, c]) => c.nodePorts.map((p) => Number(p.value))));
  stages.forEach(([stage, claims], i) => {
    const earlier = stages.slice(0, i);
    for (const c of claims.addresses) {
      const found = earlier.flatMap(([s, o]) => o.addresses.filter((a) => a.value === c.value).map((a) => [s, a] as const))[0];
      if (!found) continue;
      const [other, taken] = found;
      problems.push({
        code: 'edge/shared-address',
        location: c.at,
        message: `${c.what} ${c.value} of stage ${stage} is ${taken.what} of stage ${other} too (${where(taken)}): each stage's edge writes the whole haproxy.cfg and keepalived.conf of its machines, so the one copied there last replaces the other's and its hosts answer 503; and two floating IPs on one address are two machines answering for it`,
        hint: `give each stage's edge machines and floating IP addresses of their own`,
      });
    }
    for (const c of claims.nodePorts) {
      const found = earlier.flatMap(([s, o]) => {
        const taken = o.nodePorts.find((p) => p.value === c.value);
        const why = taken && sharedCluster(claims, o, defaultCluster);
        return taken && why ? [{ s, o, taken, why }] : [];
      })[0];
      if (!found) continue;
      const free = suggestNodePort(`${stage}/${c.what}`, used);
      used.add(free);
      problems.push({
        code: 'api/node-port',
        location: c.at,
        message: `${c.what} of stage ${stage} takes node port ${c.value}, which ${found.taken.what} of stage ${found.s} takes too (${where(found.taken)}), on one cluster (${found.why}): a node port is open on every node of a cluster for one port of one Service, so the API server refuses the second stage's`,
        hint: `give it a node port free in every stage, e.g. ${free} (${NODE_PORT_MIN}-${NODE_PORT_MAX})`,
      });
    }
  });
  return problems;
}

/**
 * `crossStageProblems` of the stages compiled (`declarations`, by stage) and of those kept as
 * recorded (`kept`: a record whose claims are not as `stageClaims` makes them is not compared), in
 * the order of `rank` (the project's stages), so the same stages give the same problems however
 * many were compiled.
 */
export function claimProblems(
  declarations: ReadonlyMap<string, { readonly claims?: StageClaims }>,
  kept: readonly { readonly stage: string; readonly claims?: unknown }[],
  rank: ReadonlyMap<string, number>,
  defaultCluster?: string,
): Problem[] {
  const stages: [string, StageClaims][] = [
    ...[...declarations].flatMap(([stage, d]) => (d.claims ? [[stage, d.claims] as [string, StageClaims]] : [])),
    ...kept.flatMap((k) => (isStageClaims(k.claims) && !declarations.has(k.stage) ? [[k.stage, k.claims] as [string, StageClaims]] : [])),
  ];
  stages.sort(([a], [b]) => (rank.get(a) ?? rank.size) - (rank.get(b) ?? rank.size) || (a < b ? -1 : a > b ? 1 : 0));
  return crossStageProblems(stages, defaultCluster);
}
