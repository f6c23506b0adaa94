/**
 * The compiler's pipeline, one step after another: load each stage file (schema and refine),
 * render its charts and node files, transform, check, and plan the files of `dist/<stage>/`.
 * Every problem of every stage is collected and thrown at once. Pure: it takes the texts of
 * stage files and returns the output to write; only `lib/cli/` reads and writes files.
 */
import { STACKS } from '../apps/index.js';
import packageJson from '../package.json' with { type: 'json' };
import { StageLoader } from './config/load.js';
import { ExitCode, ProblemsError, compareProblems, type Problem } from './errors.js';
import { checkObjects, type CheckOptions, type CheckResult } from './checks/index.js';
import { toProblem } from './checks/finding.js';
import type { KubeObject } from './model/object.js';
import { renderStage, type RenderedStage } from './synth/render.js';
import { stageFiles } from './synth/output.js';
import { digest } from './synth/inventory.js';
import type { DistTree } from './synth/write.js';

/** The version of stagecraft itself (its package.json), written on each stage's own objects. */
export const COMPILER_VERSION: string = packageJson.version;

/** The output directory, relative to the project root (also `output` in cdk8s.yaml). */
export const DIST_DIR = 'dist';

let loader: StageLoader<typeof STACKS> | undefined;
/** The loader for the registered stacks (its schema is compiled once per process). */
export function stageLoader(): StageLoader<typeof STACKS> {
  return (loader ??= new StageLoader(STACKS));
}

/** The stage-file JSON Schema as written for editors. */
export function schemaText(): string {
  return JSON.stringify(stageLoader().schema, null, 2) + '\n';
}

/** One stage file to compile. */
export interface StageSource {
  readonly stage: string;
  /** The file as messages name it, relative to the project root: `environments/qa.yaml`. */
  readonly file: string;
  readonly text: string;
}

export interface Compiled {
  readonly stages: readonly RenderedStage[];
  readonly tree: DistTree;
  /** Per stage, what the checks found (warnings only: errors stop the compilation) and the exceptions used. */
  readonly checks: ReadonlyMap<string, CheckResult>;
}

/** Step 1: a stage file, loaded and validated against the schema and the stacks' refine rules. */
export function loadStage({ text, file }: StageSource) {
  return stageLoader().load(text, file);
}

/**
 * Step 3: every check over a rendered stage: its charts' objects, then the static Pods of each
 * node on their own (a kubelet names its static pods after the node, so the same pod on two
 * nodes is no duplicate).
 */
export function checkStage(r: RenderedStage, options: CheckOptions): CheckResult {
  const results = [checkObjects(r.charts.flatMap((c) => c.objects), options)];
  const byNode = new Map<string, KubeObject[]>();
  for (const f of r.nodeFiles) if (f.document.kind === 'Pod') byNode.set(f.node, [...(byNode.get(f.node) ?? []), f.document as KubeObject]);
  for (const pods of byNode.values()) results.push(checkObjects(pods, options));
  return { findings: results.flatMap((c) => c.findings), exceptions: results.flatMap((c) => c.exceptions) };
}

export interface CompileStagesOptions {
  /** Called before each stage is compiled (for a progress line). */
  readonly onStage?: (stage: string, index: number, count: number) => void;
}

/**
 * Loads, renders (step 2, with the transforms), checks and plans the output of every source.
 * @throws ProblemsError with the problems of every stage at once: exit code 2 when a stage file
 *   is wrong, 1 when only the checks of the rendered objects failed
 */
export function compileStages(sources: readonly StageSource[], { onStage }: CompileStagesOptions = {}): Compiled {
  const problems: Problem[] = [];
  const rendered: RenderedStage[] = [];
  const checks = new Map<string, CheckResult>();
  const digests = new Map<string, string>();
  let failedChecks = false;
  for (const [i, source] of sources.entries()) {
    onStage?.(source.stage, i, sources.length);
    try {
      const loaded = loadStage(source);
      const r = renderStage(loaded, STACKS, COMPILER_VERSION);
      rendered.push(r);
      digests.set(source.stage, digest(source.text));
      // every check on every stage, after rendering: an error here means nothing is written
      const result = checkStage(r, loaded.file.checks ?? {});
      checks.set(source.stage, result);
      if (result.findings.some((f) => f.severity === 'error')) failedChecks = true;
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      problems.push(...e.problems);
    }
  }
  const findings = failedChecks ? [...checks.values()].flatMap((c) => c.findings.map((f) => toProblem(f))) : [];
  // a broken stage file is bad input (exit 2); the other stages' findings are shown with it
  if (problems.length) throw new ProblemsError([...[...problems].sort(compareProblems), ...findings]);
  if (failedChecks) throw new ProblemsError(findings, ExitCode.checkFailed);
  const files = (r: RenderedStage) =>
    stageFiles(r, { sourceDigest: digests.get(r.stage.name)!, compilerVersion: COMPILER_VERSION, distDir: DIST_DIR });
  return { stages: rendered, tree: new Map(rendered.map((r) => [r.stage.name, files(r)])), checks };
}
