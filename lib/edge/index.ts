/**
 * The edge load balancer of a stage (section D of the spec): HAProxy outside the cluster, in
 * front of the published apps' NodePort Services. What lives here: the `edge:` schema
 * (settings.ts), its load-time rules (refine.ts), node ports and their clashes (node-ports.ts), the plan drawn from
 * the rendered Services (publish.ts, with which of their ports serves in service-ports.ts), haproxy.cfg (haproxy.ts) and, for a floating IP,
 * keepalived.conf per machine (keepalived.ts), and what two stages may not both take (across-stages.ts). All pure: lib/synth/output.ts
 * puts the files in the stage's output plan, lib/cli/ writes them.
 */
import type { StageContext } from '../stack.js';
import type { EdgeFile } from '../synth/output.js';
import type { RenderedChart } from '../synth/rendered.js';
import { HAPROXY_FILE, haproxyConfig } from './haproxy.js';
import { keepalivedConfigs } from './keepalived.js';
import { nodePortProblems, type AppStacks, type NodePortSettings } from './node-ports.js';
import { planEdge, type EdgeProblem } from './publish.js';
import type { EdgeSettings } from './settings.js';
import type { Finding } from '../checks/finding.js';

/** Where the edge's files go, below the stage's output directory. */
export const EDGE_DIR = 'edge';

export type { EdgeFile } from '../synth/output.js';

export interface StageEdge {
  /** Whether the stage file declares an edge (`edge:`): a stage without one writes no edge file, and its output's, if any, are left behind on its machines. */
  readonly declared: boolean;
  readonly files: readonly EdgeFile[];
  /** Problems at paths of keys in the stage file (errors). */
  readonly problems: readonly EdgeProblem[];
  readonly warnings: readonly Finding[];
  /** Warnings at paths of keys in the stage file. */
  readonly placedWarnings: readonly EdgeProblem[];
  /** The Services whose node-port clash a problem above says at its settings (`Kind namespace/name`): the checks' finding on them says it again, without the place. */
  readonly clashingServices: ReadonlySet<string>;
  /**
   * The setting of the stage file that gives each node port, keyed by `Service namespace/name:port` (node-ports.ts), to place a
   * warning of changes.ts at, and the claims of the stage (across-stages.ts) at, with or without `edge:`.
   */
  readonly nodePortSettings: NodePortSettings;
}

/**
 * The edge files of a rendered stage (none without `edge:`), and the problems that prevent them;
 * with or without `edge:`, a node port two settings give (node-ports.ts).
 * @param stacks the stack of each app, as the stage file says (its objects' labels may say another: a manifests app's upstream ones)
 */
export function stageEdge(
  stage: StageContext,
  source: string,
  edge: EdgeSettings | undefined,
  charts: readonly RenderedChart[],
  stacks: AppStacks,
): StageEdge {
  // a node port taken twice, edge or not, at the settings that gave it (a cached app whose summary
  // is plain has no node port: its objects are not read again)
  const read = charts.filter((c) => !c.summary?.plain);
  const { problems: clashes, services: clashingServices, settings } = nodePortProblems(stage.name, read, stacks);
  const nodePorts = { clashingServices, nodePortSettings: settings, declared: edge !== undefined };
  if (!edge) return { files: [], problems: clashes, warnings: [], placedWarnings: [], ...nodePorts };
  const { plan, problems, warnings, placedWarnings } = planEdge(stage, source, edge, charts, stacks);
  if (!plan || problems.length || clashes.length) {
    return { files: [], problems: [...clashes, ...problems], warnings, placedWarnings, ...nodePorts };
  }
  const keepalived = [...keepalivedConfigs(stage.name, source, edge)].map(([file, content]) => ({ path: `${EDGE_DIR}/${file}`, content }));
  return {
    files: [{ path: `${EDGE_DIR}/${HAPROXY_FILE}`, content: haproxyConfig(plan) }, ...keepalived],
    problems: [],
    warnings,
    placedWarnings,
    ...nodePorts,
  };
}
