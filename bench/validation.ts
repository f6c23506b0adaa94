/**
 * The checks measured in this process, on one core: a project's stages are loaded and rendered
 * once (not timed), then checked again and again. Validators compile on first use, so the first
 * pass is a warm-up and left out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STACKS } from '../apps/index.js';
import { checkObjects } from '../lib/checks/index.js';
import { ObjectIndex } from '../lib/checks/object-index.js';
import { checkReferences } from '../lib/checks/references.js';
import { checkSchema } from '../lib/checks/schema.js';
import { COMPILER_VERSION, ENVIRONMENTS_DIR, openProject, stageLoader } from '../lib/cli/project.js';
import { renderStage } from '../lib/synth/render.js';
import type { KubeObject } from '../lib/model/object.js';
import { summarize, type Summary } from './stats.js';

/** The objects of each stage of the project in `dir` (what `npm run synth` counts), rendered in memory. */
export function renderProject(dir: string): KubeObject[][] {
  return openProject(dir).stages.map((stage) => {
    const path = join(ENVIRONMENTS_DIR, `${stage}.yaml`);
    const loaded = stageLoader().load(readFileSync(join(dir, path), 'utf8'), path);
    return renderStage(loaded, STACKS, COMPILER_VERSION).charts.flatMap((c) => [...c.objects]);
  });
}

export interface ValidationTimes {
  /** Seconds for the schema check and the reference checks over every stage. */
  readonly schemaAndReferences: Summary;
  /** Seconds for every check (as synthesis runs them) over every stage. */
  readonly everyCheck: Summary;
}

function timed(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Times the checks over `stages` (each checked on its own, as synthesis does) `runs` times after a warm-up. */
export function measureValidation(stages: readonly (readonly KubeObject[])[], runs: number): ValidationTimes {
  const schemaAndReferences = () => {
    for (const objects of stages) {
      for (const o of objects) checkSchema(o);
      checkReferences(new ObjectIndex(objects));
    }
  };
  const everyCheck = () => {
    for (const objects of stages) checkObjects(objects);
  };
  everyCheck(); // warm-up: compiles the validators of every kind the stages use
  const times = { schemaAndReferences: [] as number[], everyCheck: [] as number[] };
  for (let i = 0; i < runs; i++) {
    times.schemaAndReferences.push(timed(schemaAndReferences));
    times.everyCheck.push(timed(everyCheck));
  }
  return { schemaAndReferences: summarize(times.schemaAndReferences), everyCheck: summarize(times.everyCheck) };
}
