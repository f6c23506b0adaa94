/**
 * Node ports: a published app's Service needs a fixed one, declared in the stage file. stagecraft
 * does not pick one silently: a port chosen at synthesis would have to be remembered somewhere
 * (synthesis writes only dist/), and one derived from the app's name alone would move when another
 * app that hashes to the same port arrives. Instead, when a port is missing, the message suggests
 * one that is free in the stage, and the user writes it down once. Pure.
 */
import { createHash } from 'node:crypto';
import { describeObject, type KubeObject } from '../model/object.js';
import { COLORS, colorName } from '../release.js';
import type { PathProblem } from '../errors.js';

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

/**
 * The stack of each app of a stage, by app name: `apps.<app>.stack` in the stage file, which a
 * stack's objects do not say (a manifests app's Service keeps the `app.kubernetes.io/name` label its
 * upstream files give it, such as `nginx`).
 */
export type AppStacks = ReadonlyMap<string, string>;

/** The stack of app `app`: as the stage file says, else its name (an app under a stack's name is that stack's). */
export const stackOf = (stacks: AppStacks, app: string): string => stacks.get(app) ?? app;

/** The stacks of `apps` (a loaded stage file's), as `AppStacks`. */
export const appStacks = (apps: readonly { readonly name: string; readonly stack: string }[]): AppStacks =>
  new Map(apps.map((a) => [a.name, a.stack]));

/**
 * Where the stacks take a Service's node port from, below apps.<app>, by stack (`stackOf`): for the Service named after the app (by the name of its port), and
 * for a color's Service `<app>-<color>`. Another stack's Services (e.g. `manifests`, whose ports
 * are in the files it includes) are left to the check api/node-port, which places them there.
 */
const NODE_PORT_SETTING: Readonly<Record<string, (port: string | undefined) => readonly string[]>> = {
  nginx: () => ['service', 'nodePort'],
  demoapp: () => ['service', 'nodePort'],
  service: (port) => ['ports', port ?? '', 'nodePort'],
};

/**
 * How the stage file declares node port `nodePort` for port `port` of the Service named after an
 * app of stack `stack` (`Service`): the setting (below apps.<app>, as `NODE_PORT_SETTING` says) and the
 * YAML to write there, with type NodePort when the Service has another; undefined for another stack.
 */
export function nodePortDeclaration(
  stack: string,
  service: KubeObject,
  port: { readonly name?: string; readonly port?: number },
  nodePort: number,
): { readonly setting: readonly string[]; readonly yaml: string } | undefined {
  if (!Object.hasOwn(NODE_PORT_SETTING, stack)) return undefined;
  const setting = NODE_PORT_SETTING[stack]!(port.name);
  if (stack !== 'service') return { setting, yaml: `service: { type: NodePort, nodePort: ${nodePort} }` };
  const type = (service.spec as { type?: string } | undefined)?.type;
  const declared = `ports: { ${port.name}: { port: ${port.port}, nodePort: ${nodePort} } }`;
  return { setting, yaml: type === 'NodePort' || type === 'LoadBalancer' ? declared : `service: { type: NodePort }, ${declared}` };
}

/** Where a node port of a published Service is written (below apps.<app>), and the YAML; or, when its stack has no such setting, what to do instead. */
export interface NodePortHint {
  readonly setting: readonly string[];
  readonly yaml: string;
  /** The whole hint, when there is no setting to write the YAML at. @default - declare the YAML at the setting */
  readonly hint?: string;
}

/**
 * The hint for a published Service of an app of stack `stack` that has no node port setting
 * (nodePortDeclaration knows those that have one), at apps.<app>: a manifests app's Service takes
 * it in the file it comes from; another stack's cannot, so the app goes to a stack that has one.
 */
export function stackWithoutNodePort(
  stack: string,
  app: string,
  service: KubeObject,
  port: { readonly name?: string } | undefined,
  free: number,
  stage: string,
): NodePortHint {
  const on = port?.name ? ` on its port '${port.name}'` : '';
  // each stack's whole setting, as the stage file writes it below apps.<app>
  const ways = [
    `an nginx or demoapp app with service: { type: NodePort, nodePort: ${free} }`,
    `a service app with service: { type: NodePort } and ports: { <port>: { port: <port>, nodePort: ${free} } }`,
    `a manifests app whose Service has type: NodePort and nodePort: ${free}`,
  ];
  const hint =
    stack === 'manifests'
      ? `give ${describeObject(service)}, in the files apps.${app} includes, type: NodePort and${on} a nodePort, e.g. ${free} (free in stage ${stage}; written down once, it never moves)`
      : `the ${stack} stack of apps.${app} has no node port setting: publish the app through a stack that has one, as ${ways.join('; or ')} (${free} is free in stage ${stage})`;
  // no setting to place it at or YAML to write there: the app's own place, and the hint alone
  return { setting: [], yaml: '', hint };
}

/** A node port as the stage file gives it: the Service, and the path of the setting (from `apps`). */
interface DeclaredNodePort {
  readonly service: KubeObject;
  readonly port: number;
  readonly setting: readonly (string | number)[];
}

/** The node ports of app `app`'s Services (of stack `stack`) whose setting in the stage file is known. */
function declaredNodePorts(app: string, stack: string, objects: readonly KubeObject[]): DeclaredNodePort[] {
  return objects.flatMap((o) => {
    if (o.kind !== 'Service' || !Object.hasOwn(NODE_PORT_SETTING, stack)) return [];
    const color = COLORS.find((c) => o.metadata.name === colorName(app, c));
    if (o.metadata.name !== app && !color) return [];
    const ports = (o.spec as { ports?: { name?: string; nodePort?: number }[] } | undefined)?.ports ?? [];
    return ports.flatMap((p) => {
      if (typeof p.nodePort !== 'number') return [];
      const below = color ? ['service', 'colorNodePorts', color] : NODE_PORT_SETTING[stack]!(p.name);
      return [{ service: o, port: p.nodePort, setting: ['apps', app, ...below] }];
    });
  });
}

/**
 * The setting of the stage file (from `apps`) that gives each node port of the rendered apps'
 * Services, keyed by `Kind namespace/name:port` (as haproxy.cfg names a backend's Service), where it is known.
 * @param charts the rendered apps, by app name
 * @param stacks the stack of each app
 */
export function nodePortSettings(charts: readonly { name: string; objects: readonly KubeObject[] }[], stacks: AppStacks): NodePortSettings {
  return settingsOf(stageNodePorts(charts, stacks));
}

/** The setting that gives each node port, keyed by `Kind namespace/name:port` (`nodePortSettings`). */
export type NodePortSettings = ReadonlyMap<string, readonly (string | number)[]>;

/** The node ports every app of a stage declares (`declaredNodePorts`), read once for the clashes and the settings. */
const stageNodePorts = (charts: readonly { name: string; objects: readonly KubeObject[] }[], stacks: AppStacks) =>
  charts.flatMap((c) => declaredNodePorts(c.name, stackOf(stacks, c.name), c.objects));

const settingsOf = (declared: readonly DeclaredNodePort[]): NodePortSettings =>
  new Map(declared.map((d) => [`${describeObject(d.service)}:${d.port}`, d.setting]));

/**
 * A node port two settings of the stage file give to two Services (or twice to one), at the later
 * setting, with a port that is free in the stage: a node port is open on every node for one Service,
 * so the API server refuses the second. The same clash is also a finding of the checks
 * (api/node-port, lib/checks/api-limits.ts), which says which objects, not which settings: `services`
 * names the Services of the clashes said here (`Kind namespace/name`), whose findings the compiler drops;
 * `settings` is `nodePortSettings` of the same apps, from the node ports read once for both.
 * @param charts the rendered apps, by app name
 * @param stacks the stack of each app
 */
export function nodePortProblems(
  stage: string,
  charts: readonly { name: string; objects: readonly KubeObject[] }[],
  stacks: AppStacks,
): { readonly problems: PathProblem[]; readonly services: ReadonlySet<string>; readonly settings: NodePortSettings } {
  const declared = stageNodePorts(charts, stacks);
  const used = new Set(charts.flatMap((c) => c.objects.flatMap(nodePortsOf)));
  const first = new Map<number, DeclaredNodePort>();
  const problems: PathProblem[] = [];
  const services = new Set<string>();
  for (const d of declared) {
    const holder = first.get(d.port);
    if (!holder) {
      first.set(d.port, d);
      continue;
    }
    const free = suggestNodePort(`${stage}/${d.service.metadata.name}`, used);
    used.add(free);
    const same = holder.service === d.service;
    services.add(describeObject(holder.service)).add(describeObject(d.service));
    problems.push({
      code: 'api/node-port',
      path: d.setting,
      message: `${d.setting.join('.')} gives ${describeObject(d.service)} node port ${d.port}, which ${holder.setting.join('.')} gives ${same ? 'it' : describeObject(holder.service)} too: a node port is open on every node for one port of one Service, so the API server refuses the second`,
      hint: `give it a free node port, e.g. ${free} (free in stage ${stage}; ${NODE_PORT_MIN}-${NODE_PORT_MAX})`,
    });
  }
  return { problems, services, settings: settingsOf(declared) };
}
