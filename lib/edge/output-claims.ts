/**
 * What a stage that is neither compiled nor kept as recorded takes across stages, read from its
 * output in `dist/` while its stage file is the one that output was written from (inventory.txt's
 * `source:` digest): its node ports are its Services' there, its nodes, `delivery.cluster` and edge
 * addresses are its stage file's. So that a synthesis of some stages compares them with a stage
 * whose record a write forgot (lib/cli/reuse.ts records only what a full synthesis kept), not with
 * nothing. Pure: the files are read through the compiled stages' readers.
 */
import { readStage } from '../config/read-stage.js';
import { parseManifests } from '../checks/manifests.js';
import { INVENTORY_FILE, inventorySource } from '../synth/inventory.js';
import { chartFileName } from '../synth/output.js';
import { isRecord } from '../model/object.js';
import type { StageClaims } from './claims.js';
import { stageClaims } from './stage-claims.js';
import { writtenFrom } from './output-holdings.js';
import type { EdgeSettings } from './settings.js';

/** The readers a compiled stage is given (lib/compile-stage.ts `StageSource`). */
interface Readers {
  readonly readOutput?: (file: string) => string | undefined;
  readonly readSource?: (path: string) => ReadonlyMap<string, string> | undefined;
}

const entries = (v: unknown): [string, Record<string, unknown>][] =>
  isRecord(v) ? Object.entries(v).map(([k, e]) => [k, isRecord(e) ? e : {}]) : [];

/**
 * The claims of a stage read from its output (`read`, the files of `dist/<stage>/`) and its stage file
 * (`readFile`, by the path its inventory names); undefined when the output is not of the stage file as
 * it is (or there is none), which only compiling it would tell.
 */
export function outputClaims(
  read: (file: string) => string | undefined,
  readFile: (path: string) => string | undefined,
): StageClaims | undefined {
  const inventory = read(INVENTORY_FILE);
  const file = inventory && inventorySource(inventory)?.file;
  const text = file ? readFile(file) : undefined;
  if (!file || text === undefined || !writtenFrom(inventory, text)) return undefined;
  try {
    const { data, locate } = readStage(text, file, []);
    const stage = data as { nodes?: unknown; edge?: EdgeSettings; delivery?: { cluster?: string }; apps?: unknown };
    const apps = entries(stage.apps);
    // an app's Services are in its chart file; one without a node port is not parsed
    const charts = apps.map(([app]) => {
      const chart = read(chartFileName(app));
      const objects = chart?.includes('nodePort') ? parseManifests([{ file: chartFileName(app), text: chart }]).objects : [];
      return { name: app, objects };
    });
    return stageClaims({
      nodes: entries(stage.nodes).map(([name, n]) => ({ name, ...(typeof n.address === 'string' ? { address: n.address } : {}) })),
      edge: stage.edge,
      delivery: stage.delivery,
      charts,
      stacks: new Map(apps.map(([app, e]) => [app, typeof e.stack === 'string' ? e.stack : app])),
      locate: (path) => locate(path),
    });
  } catch {
    // a stage file or an output that does not read as it was written: not known without compiling it
    return undefined;
  }
}

/**
 * `outputClaims` of any stage, through the readers of a compiled stage of `sources` (a stage's output
 * reads `../<stage>/` as `dist/<stage>/`, as lib/output-changes.ts reads a namespace's; a stage file
 * is a file of the project); undefined when none was given readers.
 */
export function outputClaimsOf(sources: readonly Readers[]): ((stage: string) => StageClaims | undefined) | undefined {
  const via = sources.find((s) => s.readOutput && s.readSource);
  if (!via) return undefined;
  return (stage) =>
    outputClaims(
      (file) => via.readOutput!(`../${stage}/${file}`),
      (path) => {
        try {
          return via.readSource!(path)?.get(path);
        } catch {
          // a stage file that cannot be read (a link leading outside the project): not known
          return undefined;
        }
      },
    );
}
