import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { StageLoader } from '../../lib/config/load.js';
import { Settings, Type } from '../../lib/config/types.js';
import { formatProblem } from '../../lib/errors.js';
import { defineStack, type Stack } from '../../lib/stack.js';
import { renderStage } from '../../lib/synth/render.js';
import { objectsReport, withObjects, type KeptApp, type RenderCache } from '../../lib/synth/rendered.js';
import { compileStage } from '../../lib/compile-stage.js';
import { imageSubstitutions } from '../../lib/transforms/images.js';
import { problemsThrownBy } from '../helpers/problems.js';
import { repoStage } from '../helpers/cli.js';

/** A construct that validates its props in its constructor, as cdk8s's own do (a plain Error). */
class Schedule extends Construct {
  constructor(scope: Construct, id: string, expression: string) {
    super(scope, id);
    if (expression.split(' ').length !== 5) throw new Error(`cron expression '${expression}' must have 5 fields`);
  }
}

/** A stack that builds a Schedule from its settings. */
const cron = defineStack({
  name: 'cron',
  settings: Settings({ schedule: Type.String() }),
  version: () => '1',
  chart: (app, name, s) => {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    new Schedule(chart, 'schedule', s.schedule);
    return chart;
  },
});
const stacks = { cron } as Record<string, Stack>;

const problemsOf = (text: string) =>
  problemsThrownBy(() => renderStage(new StageLoader(stacks).load(text, 'environments/t.yaml') as never, stacks, '0.0.0'));

describe('an Error thrown by a construct', () => {
  it("becomes a problem with a code, placed at the app's key in the stage file", () => {
    const [problem, ...rest] = problemsOf(
      'namespace: t\napps:\n  ok: {stack: cron, schedule: "0 2 * * *"}\n  nightly:\n    stack: cron\n    schedule: "0 2 * *"\n',
    );
    expect(rest).toEqual([]);
    expect(problem.code).toBe('construct/error');
    expect(problem.location).toEqual({ file: 'environments/t.yaml', line: 4, column: 3 });
    expect(formatProblem(problem)).toBe(
      "environments/t.yaml:4:3: synthesizing stage 't', chart 'nightly': cron expression '0 2 * *' must have 5 fields\n" +
        "  hint: a construct of stack 'cron' refused what apps.nightly asks for: check its settings",
    );
  });
});

describe('the report of a rendered stage (objectsReport)', () => {
  it('takes the image substitutions of the apps rendered now from the summaries the render cache keeps: they are found once, the same', () => {
    const kept = new Map<string, KeptApp>();
    const cache: RenderCache = {
      get: (key, render) => {
        const app = kept.get(key);
        return app && withObjects({ ...app }, render);
      },
      set: (key, app) => kept.set(key, app),
    };
    const source = { stage: 'raspberry', file: 'environments/raspberry.yaml', text: repoStage('raspberry') };
    const outcome = compileStage(source, { cache });
    expect(outcome.problems).toEqual([]);
    const charts = outcome.rendered!.charts;
    const { images } = objectsReport(charts);
    expect(images).toEqual(charts.flatMap((c) => imageSubstitutions(c.objects)));
    expect(images.length).toBeGreaterThan(0);
    // the very substitutions the summaries hold: not found again in the objects
    const summarized = [...kept.values()].flatMap((app) => app.summary.images);
    expect(images.every((s) => summarized.includes(s))).toBe(true);
    // and from the cache, the same report
    const again = compileStage(source, { cache });
    expect(objectsReport(again.rendered!.charts)).toEqual(objectsReport(charts));
  });
});
