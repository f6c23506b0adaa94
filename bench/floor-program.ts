/**
 * The raw-cdk8s-to-JSON floor (issue 19), the program measured: what a plain cdk8s program needs
 * to write the objects of a fleet, with none of stagecraft's work (no stage files, no transforms, no checks, no YAML, no
 * inventory, no transaction). For every app of every stage: a cdk8s App with the app's chart
 * (the same stack from apps/, with the same settings, so the same constructs and objects),
 * `chart.toJson()`, `JSON.stringify`, and one file per app in `<out>/<stage>/<app>.json`.
 *
 * The settings come from a JSON file the harness writes (`floorInput`, from the stage files as
 * stagecraft loads them): a plain cdk8s program would have them as literals in its code, so
 * reading YAML is not part of the floor. bench/floor.ts bundles this file with esbuild like
 * lib/cli/run.cjs bundles a command, so that both start as plain JavaScript.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { STACKS } from '../apps/index.js';
import type { StageContext } from '../lib/stack.js';

/** What the floor builds: per stage, its context and its apps with their settings. */
export interface FloorInput {
  readonly stages: readonly {
    readonly context: StageContext;
    readonly apps: readonly { readonly name: string; readonly stack: string; readonly settings: unknown }[];
  }[];
}

/** Builds, resolves and writes every app of `input` below `outDir`; returns the number of objects. */
export function writeFloor(input: FloorInput, outDir: string): number {
  let objects = 0;
  for (const { context, apps } of input.stages) {
    const dir = join(outDir, context.name);
    mkdirSync(dir, { recursive: true });
    for (const { name, stack, settings } of apps) {
      // one App per app: Chart.toJson() validates and resolves its whole App, as `cdk8s synth` does per chart
      const app = new App({ outdir: dir });
      const json = STACKS[stack as keyof typeof STACKS].chart(app, name, settings as never, context).toJson();
      objects += json.length;
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(json));
    }
  }
  return objects;
}

/** `node <bundle> <input.json> <out-dir>`: the entry of the bundle. */
export function runFloor(argv: readonly string[]): void {
  const [inputFile, outDir] = argv;
  if (!inputFile || !outDir) throw new Error('usage: floor <input.json> <out-dir>');
  const objects = writeFloor(JSON.parse(readFileSync(inputFile, 'utf8')) as FloorInput, outDir);
  process.stdout.write(`${objects} objects\n`);
}
