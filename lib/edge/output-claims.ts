/**
 * What a stage that is neither compiled nor kept as recorded takes across stages, read from its
 * output in `dist/` and its stage file as it is: its nodes, `delivery.cluster` and edge addresses are
 * its stage file's; its node ports are its Services' in its output while its stage file is the one
 * that output was written from (inventory.txt's `source:` digest), else not known without compiling
 * it. So that a synthesis of some stages compares them with a stage whose record a write forgot
 * (lib/cli/reuse.ts records only what a full synthesis kept), or whose stage file changed since (an
 * edge machine moved from its file to the one compiled), not with nothing. Pure: the files are read
 * through the compiled stages' readers.
 */
import { readStage } from '../config/read-stage.js';
import { parseManifests } from '../checks/manifests.js';
import { isRecord } from '../model/object.js';
import { readingOnce } from '../model/read-once.js';
import { INVENTORY_FILE, inventorySource } from '../synth/inventory.js';
import { chartFileName } from '../synth/output.js';
import type { StageClaims } from './claims.js';
import { stageClaims } from './stage-claims.js';
import { writtenFrom, type CompiledOutput } from './output-holdings.js';
import type { EdgeSettings } from './settings.js';

/** The readers a compiled stage is given (lib/compile-stage.ts `StageSource`). */
interface Readers {
  readonly readOutput?: (file: string) => string | undefined;
  readonly readSource?: (path: string) => ReadonlyMap<string, string> | undefined;
}

/** What `outputClaims` reads of a stage that is not compiled. */
export interface OutputClaims {
  /** Its claims; without node ports when `nodePortsKnown` is false. */
  readonly claims: StageClaims;
  /**
   * Whether its output was written from its stage file as it is, so that its Services' node ports are
   * known; when not, its edge addresses (written as such in its stage file) are, and its output says
   * which edge machines it ran on (moved-machines.ts).
   */
  readonly nodePortsKnown: boolean;
  /** Its stage file's text and its output (the files of `dist/<stage>/`, each read once). */
  readonly output: CompiledOutput;
}

const entries = (v: unknown): [string, Record<string, unknown>][] =>
  isRecord(v) ? Object.entries(v).map(([k, e]) => [k, isRecord(e) ? e : {}]) : [];

/**
 * The claims of a stage read from its output (`read`, the files of `dist/<stage>/`) and its stage file
 * (`readFile`, by the path its inventory names), `OutputClaims`; undefined when it has no output, or
 * its stage file does not read as a stage file with edge addresses written as text, which only
 * compiling it would tell.
 */
export function outputClaims(
  read: (file: string) => string | undefined,
  readFile: (path: string) => string | undefined,
): OutputClaims | undefined {
  const readOutput = readingOnce(read);
  const inventory = readOutput(INVENTORY_FILE);
  const file = inventory && inventorySource(inventory)?.file;
  const text = file ? readFile(file) : undefined;
  if (!file || text === undefined) return undefined;
  const nodePortsKnown = writtenFrom(inventory, text);
  try {
    const { data, locate } = readStage(text, file, []);
    const stage = data as { nodes?: unknown; edge?: EdgeSettings; delivery?: { cluster?: string }; apps?: unknown };
    // a stage file changed since is not validated: an address that is not text is what its compilation refuses
    const machines = entries(stage.edge?.machines).map(([, m]) => m.address);
    if (![...machines, ...(stage.edge?.floatingIp ? [stage.edge.floatingIp.address] : [])].every((a) => typeof a === 'string'))
      return undefined;
    const apps = entries(stage.apps);
    // an app's Services are in its chart file; one without a node port is not parsed; none of an output written from another stage file
    const charts = nodePortsKnown
      ? apps.map(([app]) => {
          const chart = readOutput(chartFileName(app));
          const objects = chart?.includes('nodePort') ? parseManifests([{ file: chartFileName(app), text: chart }]).objects : [];
          return { name: app, objects };
        })
      : [];
    const claims = stageClaims({
      nodes: entries(stage.nodes).map(([name, n]) => ({ name, ...(typeof n.address === 'string' ? { address: n.address } : {}) })),
      edge: stage.edge,
      delivery: stage.delivery,
      charts,
      stacks: new Map(apps.map(([app, e]) => [app, typeof e.stack === 'string' ? e.stack : app])),
      locate: (path) => locate(path),
    });
    return { claims, nodePortsKnown, output: { text, readOutput } };
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
export function outputClaimsOf(sources: readonly Readers[]): ((stage: string) => OutputClaims | undefined) | undefined {
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

/** The output in dist/ of a stage whose stage file (`file`, as its inventory names it) is gone, not yet removed by a synthesis of every stage. */
export interface RemovedOutput {
  readonly stage: string;
  readonly file: string;
  readonly output: CompiledOutput;
  /** The compilation's output removes it (a synthesis of every stage), whose removal line says what its edge machines go on doing. */
  readonly removing: boolean;
  /**
   * git says the project's last commit has none of it (`output` then read as in dist/): no edge machine should run it, but
   * one it was copied to from the working tree all the same does, and the warnings say so, as its removal line does. @default false
   */
  readonly neverCommitted?: boolean;
  /**
   * What it takes across stages (its cluster: its nodes' addresses and `delivery.cluster`; its Services' node ports), from its
   * output as deployed and the stage file it was written from, as the project's last commit has that file (`RemovedStages.committed`:
   * its inventory's digest of it matches). @default - not known (no git, or no commit has that stage file): its edge's haproxy.cfg alone says its nodes
   */
  readonly claims?: StageClaims;
}

/** How the warnings name a removed stage's edge in dist/ (`RemovedOutput`). */
export const removedEdge = ({ stage, file, neverCommitted }: Pick<RemovedOutput, 'stage' | 'file' | 'neverCommitted'>) =>
  `of removed stage ${stage}'s edge in dist/${stage}/ (there is no ${file}${neverCommitted ? `; its output was never committed, so no edge machine should run it, but one it was copied to from the working tree all the same does` : ''})`;

/**
 * The stages whose output is in dist/ but whose stage file is gone, not yet removed by a synthesis of every stage
 * (lib/cli/project.ts `removedStages`), as a compilation is told of them.
 */
export interface RemovedStages {
  readonly stages: readonly string[];
  /** This compilation's output removes theirs (a synthesis of every stage, whose removal lines say what their edge machines go on doing). @default false */
  readonly removing?: boolean;
  /**
   * A removed stage's output as it was deployed, the files of `dist/<stage>/` as the project's last commit has them (git's
   * HEAD: a file never committed reads as none, as no machine was given it; an output none of whose files was, as in dist/,
   * `RemovedOutput.neverCommitted`); undefined when that is not known (no git
   * repository, dist/ ignored by git), when its output in dist/ is read as it is (`inDist`, also for a file git
   * could not answer for). @default its output in dist/
   */
  readonly deployed?: (stage: string, inDist: (file: string) => string | undefined) => ((file: string) => string | undefined) | undefined;
  /**
   * A file of the project (a removed stage's stage file, by the path its inventory names) as the project's last commit has it, else as
   * the commit before the one that deleted it had it; undefined when git cannot say or no commit has it (lib/cli/committed-file.ts).
   * @default - none known
   */
  readonly committed?: (path: string) => string | undefined;
}

/**
 * A removed stage's output as deployed: `committed`, the reader of its files as the project's last commit has them
 * (`RemovedStages.deployed`'s), else, when git cannot say (undefined), `inDist`, those of dist/; and those of dist/ too when
 * it was never committed (`neverCommitted`: the last commit has the project's dist/, not the stage's inventory, which every
 * output has), for an edge machine its files were copied to from the working tree all the same. One rule for the
 * compilation's warnings (`removedOutputsOf`) and the removal line (lib/cli/removed-stage.ts), which read one output alike.
 */
export function asDeployed(
  committed: ((file: string) => string | undefined) | undefined,
  inDist: (file: string) => string | undefined,
): { readonly read: (file: string) => string | undefined; readonly neverCommitted: boolean } {
  let neverCommitted = false;
  try {
    neverCommitted = committed !== undefined && committed(INVENTORY_FILE) === undefined;
  } catch {
    // read as in dist/ (git stopped) and unreadable there: not known to be never committed
  }
  return { read: committed === undefined || neverCommitted ? inDist : committed, neverCommitted };
}

/**
 * The outputs of the `removed` stages (their stage files gone, not yet removed by a synthesis of every stage) as
 * deployed (`RemovedStages.deployed`), else in dist/ through the readers of a compiled stage of `sources`, as
 * `outputClaimsOf` reads them: those whose inventory names the stage file it was written from; none without readers.
 */
export function removedOutputsOf(sources: readonly Readers[], removed: RemovedStages | undefined): RemovedOutput[] {
  const via = sources.find((s) => s.readOutput);
  if (!via || !removed) return [];
  return removed.stages.flatMap((stage) => {
    const inDist = (file: string) => via.readOutput!(`../${stage}/${file}`);
    const { read, neverCommitted } = asDeployed(removed.deployed?.(stage, inDist), inDist);
    const readOutput = readingOnce(read);
    const inventory = readOutput(INVENTORY_FILE);
    const file = inventory && inventorySource(inventory)?.file;
    if (!file) return [];
    // its cluster and node ports, from the stage file its output was written from (a stage file committed since, unlike its output, says nothing)
    const found = removed.committed && outputClaims(readOutput, removed.committed);
    const claims = found?.nodePortsKnown ? { claims: found.claims } : {};
    return [{ stage, file, output: { text: '', readOutput }, removing: removed.removing === true, neverCommitted, ...claims }];
  });
}
