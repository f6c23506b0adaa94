/**
 * What one compiled stage takes that no other stage may take too (across-stages.ts compares them): its
 * edge machines' and floating IP's addresses, with the edge file of its output that would hold each, its
 * node addresses, and each node port of its Services, with their places in its stage file. Pure.
 */
import type { SourceLocation } from '../errors.js';
import { describeObject, type KubeObject } from '../model/object.js';
import type { StageNode } from '../stack.js';
import { chartFileName } from '../synth/output.js';
import { nodePortSettings, nodePortsOf, type AppStacks, type NodePortSettings } from './node-ports.js';
import type { EdgeSettings } from './settings.js';
import type { Claim, StageClaims } from './claims.js';
import { canonicalAddress } from './address.js';
import { HAPROXY_FILE } from './haproxy.js';
import { keepalivedFile } from './keepalived.js';
import { EDGE_DIR } from './index.js';

/** What `stageClaims` reads of a compiled stage. */
export interface ClaimSource {
  readonly nodes: readonly Pick<StageNode, 'name' | 'address'>[];
  readonly edge?: EdgeSettings;
  readonly delivery?: { readonly cluster?: string };
  /** The rendered apps whose objects were read (a cached app with no node port may be left out), by app name. */
  readonly charts: readonly { readonly name: string; readonly objects: readonly KubeObject[] }[];
  /** The stack of each app (`apps.<app>.stack`, else the app's name). */
  readonly stacks: AppStacks;
  /** The setting that gives each node port of `charts`, when the caller has it already (`StageEdge.nodePortSettings`). @default - read from `charts` */
  readonly nodePortSettings?: NodePortSettings;
  readonly locate: (path: readonly (string | number)[]) => SourceLocation;
  /** The namespace its stage file names (`namespace:`), when it names one. @default - none */
  readonly namedNamespace?: string;
}

const dotted = (path: readonly (string | number)[]) => path.join('.');

/** The claims of one compiled stage, at their places in its stage file. */
export function stageClaims({
  nodes,
  edge,
  delivery,
  charts,
  stacks,
  nodePortSettings: known,
  locate,
  namedNamespace,
}: ClaimSource): StageClaims {
  // an address; an edge's with the file of the stage's output that has it, to tell which stage takes it newly
  const at = (written: string, path: readonly (string | number)[], file?: string): Claim => {
    const value = canonicalAddress(written);
    const output = file === undefined ? {} : { file: `${EDGE_DIR}/${file}` };
    return { value, ...(written === value ? {} : { written }), what: dotted(path), at: locate(path), ...output };
  };
  const settings = known ?? nodePortSettings(charts, stacks);
  const nodePorts = charts.flatMap((c) =>
    c.objects.flatMap((o) =>
      nodePortsOf(o).map((port) => {
        const object = describeObject(o);
        // a manifests app's Service has its port in the files it includes: placed at the app
        const path = settings.get(`${object}:${port}`) ?? ['apps', c.name];
        return { value: String(port), what: `${object} (${dotted(path)})`, at: locate(path), object, file: chartFileName(c.name) };
      }),
    ),
  );
  const machines = Object.entries(edge?.machines ?? {});
  // every machine's keepalived.conf holds the floating IP: the first's by name is named, and any its output has is read (`heldInOutput`)
  const [first] = machines.map(([name]) => name).sort();
  const addresses = [
    ...machines.map(([name, m]) => at(m.address, ['edge', 'machines', name, 'address'], HAPROXY_FILE)),
    ...(edge?.floatingIp && first !== undefined
      ? [at(edge.floatingIp.address.split('/')[0]!, ['edge', 'floatingIp', 'address'], keepalivedFile(first))]
      : []),
  ];
  return {
    ...(delivery?.cluster === undefined ? {} : { cluster: delivery.cluster }),
    delivered: delivery !== undefined,
    nodes: nodes.flatMap((n) => (n.address === undefined ? [] : [at(n.address, ['nodes', n.name, 'address'])])),
    nodePorts,
    addresses,
    ...(namedNamespace === undefined ? {} : { namespace: { value: namedNamespace, what: 'namespace', at: locate(['namespace']) } }),
  };
}

/** The settings of a stage's edge machines' addresses (`edge.machines.<name>.address`) and of its floating IP, as `stageClaims` names them (`what`). */
export const MACHINE_SETTING = 'edge.machines.';
export const FLOATING_SETTING = 'edge.floatingIp.address';

/** Where a claim's setting is in its stage file, `file:line:col`. */
export const where = (c: Claim) => `${c.at.file}:${c.at.line}:${c.at.column}`;
/** An address as its stage file writes it, with the machine it names when that is written otherwise: `fd00:0:0::0005 (fd00::5)`. */
export const shown = (c: Pick<Claim, 'value' | 'written'>) => (c.written === undefined ? c.value : `${c.written} (${c.value})`);
