/**
 * Whether two stages are on one cluster, as what each takes across stages says (`StageClaims`): for a node port two stages
 * take (across-stages.ts) and one a removed stage's Service still holds (removed-node-ports.ts). Pure.
 */
import type { Claim, StageClaims } from './claims.js';
import { shown } from './stage-claims.js';

/** What says a stage's cluster: of `StageClaims`, its delivery and its nodes' addresses (those of a removed stage's haproxy.cfg's servers too). */
export type ClusterOf = Pick<StageClaims, 'delivered' | 'cluster'> & { readonly nodes: readonly Pick<Claim, 'value' | 'written'>[] };

/**
 * Why stages `a` and `b` are on one cluster, or undefined when nothing says they are. Their
 * `delivery.cluster`s decide when both are known (`defaultCluster` is the project file's, for a
 * delivered stage that names none): private addresses (10.0.0.1) and host names (kubemaster) are
 * reused from one site to the next, so a node address both name says one cluster only when at least
 * one of their clusters is unknown. Nothing else does: a stage's node addresses are every node of its
 * cluster (each a server of every backend), and a stage that names neither nodes nor a cluster runs
 * wherever kubectl's context points, which synthesis cannot know (the API server refuses such a clash
 * at the second apply); taken as one cluster, every node port reused across clusters would be refused.
 */
export function sharedCluster(a: ClusterOf, b: ClusterOf, defaultCluster: string | undefined): string | undefined {
  const cluster = (c: ClusterOf) => (c.delivered ? (c.cluster ?? defaultCluster) : undefined);
  const [x, y] = [cluster(a), cluster(b)];
  if (x !== undefined && y !== undefined) return x === y ? `both are delivered to cluster ${x}` : undefined;
  const node = a.nodes.find((n) => b.nodes.some((m) => m.value === n.value));
  return node ? `both name node address ${shown(node)}` : undefined;
}
