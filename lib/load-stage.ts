/**
 * Step 1 of compiling one stage (lib/compile-stage.ts): its stage file loaded and validated against
 * the schema and the stacks' refine rules, with the files its apps include read and the custom
 * kinds it knows at cluster scope, and its `promotion.from`. Pure: files come through
 * `StageSource.readSource`, which the CLI gives.
 */
import type { TSchema } from '@sinclair/typebox';
import { STACKS } from '../apps/index.js';
import { StageLoader, type LoadedStage } from './config/load.js';
import type { StageEntryStore } from './config/stage-entries.js';
import { editorSchema } from './config/stage-schema.js';
import { formatFieldPath as dotted } from './model/field-path.js';
import { compareCodePoints } from './model/order.js';
import type { PromotionDeclaration } from './promotion-order.js';
import { ProblemsError, type Problem } from './errors.js';
import { clusterScopedKinds } from './checks/crds.js';
import { crdsIn } from './checks/manifests.js';
import type { KubeObject } from './model/object.js';
import type { OutputReader } from './live-edits.js';

let loader: StageLoader<typeof STACKS> | undefined;
/** The loader for the registered stacks (its schema is compiled once per process). */
export function stageLoader(): StageLoader<typeof STACKS> {
  return (loader ??= new StageLoader(STACKS));
}

/** The stage-file JSON Schema as written for editors. */
export function schemaText(): string {
  return JSON.stringify(editorSchema(stageLoader().schema as TSchema, STACKS), null, 2) + '\n';
}

/** One stage file to compile. */
export interface StageSource {
  readonly stage: string;
  /** The file as messages name it, relative to the project root: `environments/qa.yaml`. */
  readonly file: string;
  readonly text: string;
  /**
   * Reads a file or folder of the project that an app includes (`Stack.sources`): path (relative
   * to the project root, with `/`) -> text of each file, or undefined when there is none. Given
   * by the CLI, the only layer that reads files.
   * @default - no files: an app that includes one is reported
   */
  readonly readSource?: (path: string) => ReadonlyMap<string, string> | undefined;
  /**
   * Reads a file of the stage's output as it is (`dist/<stage>/<file>`), for the warnings about
   * what this compilation changes there (lib/live-edits.ts, lib/output-changes.ts, which reads
   * `../<namespace>/<file>` for a stage with no output yet whose namespace was a stage's whose file is gone). Given by the CLI.
   * @default - no output: nothing to compare with
   */
  readonly readOutput?: OutputReader;
  /**
   * The apps of this stage file as read before (lib/config/stage-entries.ts), kept by the CLI.
   * @default - the stage file is read whole
   */
  readonly entries?: StageEntryStore;
  /** The names of the project's stage files, for the hint of a stage file misnamed (lib/config/names.ts). @default [] */
  readonly stages?: readonly string[];
}

/** Step 1: a stage file, loaded and validated against the schema and the stacks' refine rules. */
export function loadStage({ text, file, entries, stages }: StageSource) {
  return stageLoader().load(text, file, { entries, stages });
}

/**
 * Step 1b: the repository files the stage's apps include, read through `source.readSource` and
 * given to the stacks in `context.files`; a path that names nothing is a problem at its setting.
 * @throws ProblemsError with every path that names no file
 */
export function withSources<L extends LoadedStage>(loaded: L, source: StageSource): L {
  const refs = loaded.apps.flatMap((a) =>
    (STACKS[a.stack as keyof typeof STACKS].sources?.(a.settings as never) ?? []).map((r) => ({ ...r, app: a.name })),
  );
  if (refs.length === 0) return loaded;
  const files = new Map<string, string>();
  const problems: Problem[] = [];
  for (const ref of refs) {
    const found = source.readSource?.(ref.path);
    if (found?.size) {
      for (const [path, text] of found) files.set(path, text);
      continue;
    }
    const path = ['apps', ref.app, ...ref.at];
    problems.push({
      code: 'config/missing-file',
      location: loaded.locate(path),
      message: `${dotted(path)} names no file or folder of the project with manifests (found '${ref.path}')`,
      hint: 'name a file, or a folder of .yaml, .yml or .json files, relative to the project root',
    });
  }
  if (problems.length) throw new ProblemsError(problems);
  return { ...loaded, context: { ...loaded.context, files: new Map([...files].sort(([a], [b]) => compareCodePoints(a, b))) } };
}

/**
 * Step 1c: the custom kinds the stage knows at cluster scope (`StageContext.clusterScopedKinds`),
 * from the CRDs of the project's `crds/` and of the files its apps include (these win), so that the
 * namespace transform gives their objects no namespace, as it does the built-in cluster-scoped kinds.
 */
export function withCustomKinds<L extends LoadedStage>(loaded: L, projectCrds: readonly KubeObject[] = []): L {
  const kinds = clusterScopedKinds([...projectCrds, ...(loaded.context.files ? crdsIn(loaded.context.files) : [])]);
  return kinds.length ? { ...loaded, context: { ...loaded.context, clusterScopedKinds: kinds } } : loaded;
}

/** A stage's `promotion.from`, located in its stage file. */
export function promotionDeclaration(loaded: LoadedStage): PromotionDeclaration {
  const stage = loaded.context.name;
  const from = (loaded.file as { promotion?: { from?: string } }).promotion?.from;
  return from === undefined ? { stage } : { stage, from, location: loaded.locate(['promotion', 'from']) };
}
