/**
 * The files of a stage's output directory, as a plan (relative path -> content). Pure.
 */
import { chartHeads } from './app-summary.js';
import { NAMESPACE_CHART, chartFileHeader, serializeObjects, type RenderedStage } from './rendered.js';
import { generatedLine } from './disk.js';
import { toYaml } from './serialize.js';
import { INVENTORY_FILE, digest, inventoryEntry, inventoryText, type InventoryEntry } from './inventory.js';
import { compareCodePoints } from '../model/order.js';
import type { StageFileTree } from './file-content.js';

/** A file for the edge machines (lib/edge/), by path below the stage's output directory. */
export interface EdgeFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The kustomization's file name. Not `kustomization.yaml`: `kubectl apply -f dist/<stage>` reads every
 * .yaml, .yml and .json file of the directory as a manifest and fails on `kind: Kustomization`
 * (no such API); kustomize also accepts a file named `Kustomization`, which `-f` skips.
 */
export const KUSTOMIZATION_FILE = 'Kustomization';
/** Where node files go, below the stage's directory: `nodes/<node>/<file>`. */
export const NODES_DIR = 'nodes';

/**
 * The file a chart is written to. The prefix makes `kubectl apply -f dist/<stage>` (which goes
 * through a directory in name order) create the namespace before anything that lives in it.
 */
export function chartFileName(chart: string): string {
  return `${chart === NAMESPACE_CHART ? '00' : '10'}-${chart}.yaml`;
}

/** What the inventory says besides the objects: who compiled them, from which stage file. */
export interface StageProvenance {
  /** Digest of the stage file's bytes (`digest()` of its text). */
  readonly sourceDigest: string;
  readonly compilerVersion: string;
  /** The output directory as users name it (`dist`), for the prune command. */
  readonly distDir: string;
  /** What the stage file declares the cluster has, which `npm run check -- dist/<stage>` reads (`InventoryInput.existing`). @default - none */
  readonly existing?: { readonly namespaces?: readonly string[]; readonly objects?: readonly string[] };
}

/**
 * The output files of one stage: one file per chart plus a kustomization listing them, the
 * inventory, and the node files under `nodes/<node>/`, which the kustomization does not list
 * (they are for a node's kubelet, not for kubectl; `kubectl apply -f dist/<stage>` does not
 * descend into directories). The edge machines' files (`edge/haproxy.cfg`) are not for kubectl
 * either: they are listed in the inventory only.
 */
export function stageFiles(rendered: RenderedStage, provenance: StageProvenance, edgeFiles: readonly EdgeFile[] = []): StageFileTree {
  // one header for every chart file (a stage of 1,000 apps has as many)
  const headerLines = chartFileHeader(rendered.source);
  const files: StageFileTree = new Map();
  const entries: InventoryEntry[] = [];
  for (const chart of rendered.charts) {
    // an app from the render cache is named by its summary: its objects are not read
    const objects = chartHeads(chart);
    if (objects.length === 0) continue;
    // each object is serialized once: for its file and for its digest
    const { stream, digests } = chart.serialized ?? serializeObjects(chart.objects);
    objects.forEach((o, i) => {
      entries.push(inventoryEntry(o, digests[i]));
    });
    // the header, then the documents as they are (text, or an app's bytes from the render cache): not
    // joined into one string, which writing and hashing would copy again as a whole (V8 flattens it)
    const pieces = [headerLines, stream];
    const file = chart.serialized?.file;
    files.set(chartFileName(chart.name), file?.source === rendered.source ? { pieces, sha256: file.sha256 } : pieces);
  }
  const resources = [...files.keys()].sort();
  // the first line of the files that are not charts' (a chart file's is in its header)
  const generated = `# ${generatedLine(rendered.source)}\n`;
  files.set(KUSTOMIZATION_FILE, generated + toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }));
  const nodeFiles: { path: string; digest: string }[] = [];
  for (const { node, file, document } of rendered.nodeFiles) {
    const nodeHeader = `${generated}# For node ${node}'s kubelet (see the README on node files), not for kubectl apply.\n`;
    const text = toYaml(document);
    nodeFiles.push({ path: `${NODES_DIR}/${node}/${file}`, digest: digest(text) });
    files.set(`${NODES_DIR}/${node}/${file}`, nodeHeader + text);
  }
  for (const { path, content } of edgeFiles) files.set(path, content);
  const edge = edgeFiles.map(({ path, content }) => ({ path, digest: digest(content) }));
  files.set(
    INVENTORY_FILE,
    inventoryText({ stage: rendered.stage.name, source: rendered.source, objects: entries, nodeFiles, edgeFiles: edge, ...provenance }),
  );
  return new Map([...files.entries()].sort(([a], [b]) => compareCodePoints(a, b)));
}
