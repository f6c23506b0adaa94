/**
 * Loading and rendering one stage file with the project's stacks, for the stacks' tests: the
 * objects it makes, or the problems it is refused with, as the CLI prints them.
 */
import { STACKS } from '../../apps/index.js';
import { compileStages } from '../../lib/compile.js';
import { StageLoader } from '../../lib/config/load.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import type { KubeObject } from '../../lib/model/object.js';
import { renderStage } from '../../lib/synth/render.js';

const loader = new StageLoader(STACKS);

export type Obj = KubeObject & { spec: any };

/** The objects a stage file makes (refine included: a refused file throws). */
export function render(text: string, file = 'environments/x.yaml'): Obj[] {
  return renderStage(loader.load(text, file) as never, STACKS, '0.0.0').charts.flatMap((c) => c.objects) as Obj[];
}

/** The problems a stage file is refused with, as the CLI prints them (message and hint), or none. */
export function problems(text: string, file = 'environments/x.yaml'): string[] {
  try {
    loader.load(text, file);
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

/** The warnings a stage file loads with (its refine steps'), as the CLI prints them. */
export function warnings(text: string, file = 'environments/x.yaml'): string[] {
  return loader.load(text, file).warnings.map(formatProblem);
}

/** The object of `kind` named `name` (the first of its kind without a name); throws when there is none. */
export function find(objects: readonly Obj[], kind: string, name?: string): Obj {
  const o = objects.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (!o) throw new Error(`no ${kind}${name ? ` ${name}` : ''} among ${objects.map((x) => `${x.kind} ${x.metadata.name}`).join(', ')}`);
  return o;
}

/** A stage file with one service app `name`, its settings given as YAML lines (indented under the app). */
export function serviceStage(settings: readonly string[], name = 'api'): string {
  return ['apps:', `  ${name}:`, '    stack: service', ...settings.map((l) => `    ${l}`), ''].join('\n');
}

/** The errors the checks find in a stage file that loads (what `npm run synth` exits with), as the CLI prints them. */
export function checkErrors(text: string, readSource?: (path: string) => ReadonlyMap<string, string>): string[] {
  try {
    compileStages([{ stage: 'x', file: 'environments/x.yaml', text, readSource }]);
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}
