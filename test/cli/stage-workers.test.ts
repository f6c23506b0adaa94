/**
 * Worker threads must never change a byte (lib/cli/stage-workers.ts): the fixture stages and random
 * fleets are compiled in this thread and in worker threads and compared, output, objects, findings
 * and problems alike; and `npm run synth` through the bundle writes the same dist/ with workers.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileStages, type CompileStagesOptions, type Compiled, type StageSource } from '../../lib/compile.js';
import { ProblemsError } from '../../lib/errors.js';
import { diskRenderCache } from '../../lib/cli/render-cache.js';
import { slimChecks, withoutObjects } from '../../lib/cli/staging.js';
import { scavengeAlone, stageWorkers, takeOrder } from '../../lib/cli/stage-workers.js';
import { MIN_WORKER_BYTES, busyElsewhere, workerPlan } from '../../lib/cli/worker-plan.js';
import { fleetStageFile } from '../../bench/fleet.js';
import { REPO, runProcess, snapshotDir, tempProject } from '../helpers/cli.js';
import { random } from '../helpers/random.js';
import { CRASH_ENV } from '../../lib/synth/write.js';

const projects: string[] = [];
afterAll(() => {
  for (const p of projects) rmSync(p, { recursive: true, force: true });
});

/** A temporary project with these stage files, removed after the tests. */
function project(stages: Record<string, string>): string {
  const dir = tempProject(stages);
  projects.push(dir);
  return dir;
}

const FIXTURES = join(REPO, 'test', 'fixtures', 'examples');
const fixtures: Record<string, string> = Object.fromEntries(
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => [f.slice(0, -5), readFileSync(join(FIXTURES, f), 'utf8')]),
);

/** The repository's project file: the delivery defaults the fixture stages rely on. */
const projectFile = { file: 'stagecraft.yaml', text: readFileSync(join(REPO, 'stagecraft.yaml'), 'utf8') };

function sources(stages: Record<string, string>): StageSource[] {
  return Object.entries(stages).map(([stage, text]) => ({ stage, file: `environments/${stage}.yaml`, text }));
}

/** Everything a compilation gives, as text: files, objects, findings, exceptions, allowed secrets. */
function bytes(c: Compiled): string {
  return JSON.stringify({
    tree: [...c.tree].map(([s, f]) => [s, [...f]]),
    stages: c.stages.map((s) => [s.stage, s.source, s.nodeFiles, s.charts.map(({ name, objects }) => [name, objects])]),
    checks: [...c.checks].map(([stage, r]) => [stage, slimChecks(r)]),
    allowed: [...c.allowedSecrets],
  });
}

/** The compilation's text, or its problems and exit code when it fails. */
function outcome(run: () => Compiled): string {
  try {
    return bytes(run());
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    return JSON.stringify({ code: e.exitCode, problems: e.problems });
  }
}

/** A runner whose main thread must not compile: every stage goes through `workers` worker threads. */
function inWorkers(root: string, workers = 2, cache?: ReturnType<typeof diskRenderCache>) {
  return stageWorkers({ root, cache, setting: String(workers) });
}

const mainThreadMustNotCompile = () => {
  throw new Error('the main thread compiled a stage');
};

/** Compiles `stages` in this thread and in worker threads; returns both texts. */
function bothWays(stages: Record<string, string>, options: CompileStagesOptions = {}): [string, string] {
  const root = project(stages);
  const all = { project: projectFile, delivery: true, stages: Object.keys(stages), ...options };
  const plain = outcome(() => compileStages(sources(stages), all));
  const threaded = outcome(() =>
    compileStages(sources(stages), {
      ...all,
      // the runner is given a compile function for the main thread, which it must not call here
      runStages: (s, env, _compile, arrived) => inWorkers(root)(s, env, mainThreadMustNotCompile, arrived),
    }),
  );
  return [plain, threaded];
}

/** A fleet of 2-5 stages with 1-6 demoapp instances each and random settings. */
function randomFleet(seed: number): Record<string, string> {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const stages = ['dev', 'test', 'qa', 'production', 'staging'].slice(0, 2 + Math.floor(r() * 4));
  return Object.fromEntries(
    stages.map((stage) => {
      const text = fleetStageFile(stage, 1 + Math.floor(r() * 6))
        .replace(/replicas: 2/g, () => `replicas: ${pick([2, 3, 4])}`)
        .replace(/image: demoapp:1/g, () => `image: ${pick(['demoapp:1', 'demoapp:2', 'demoapp:latest'])}`)
        .replace(/LOG_LEVEL: info/g, () => `LOG_LEVEL: ${pick(['info', 'debug'])}`);
      const head = pick(['', `namespace: ${pick(['ns-a', 'ns-b'])}\n`, `partOf: ${pick(['shop', 'store'])}\n`]);
      return [stage, text.replace('apps:\n', `${head}apps:\n`)];
    }),
  );
}

describe('compiling stages in worker threads', () => {
  it('gives the same bytes as one thread for the fixture stages', () => {
    const [plain, threaded] = bothWays(fixtures);
    expect(plain).toContain('"tree"');
    expect(threaded).toBe(plain);
  });

  it('gives the same bytes as one thread for random fleets', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const [plain, threaded] = bothWays(randomFleet(seed));
      expect(threaded, `seed ${seed}`).toBe(plain);
    }
    // eight synths in processes of their own: past vitest's 60 s beside the full suite at a load of 20
  }, 180_000);

  it('reports the same located problems when a stage file is wrong', () => {
    const broken = { ...fixtures, qa: fixtures.qa.replace('apps:\n', 'namespace: Not_A_Name\nnamspace: qa\napps:\n') };
    const [plain, threaded] = bothWays(broken);
    expect(plain).toContain('"problems"');
    expect(plain).toContain('environments/qa.yaml');
    expect(threaded).toBe(plain);
  });

  it('reports the same located problems when a stack refuses its settings', () => {
    const refused = randomFleet(5);
    const last = Object.keys(refused).at(-1)!;
    // refused by demoapp's refine step at the setting (before rendering, its construct refused it)
    refused[last] = refused[last].replace('schedule: "0 2 * * *"', 'schedule: "0 2 * *"');
    const [plain, threaded] = bothWays(refused);
    expect(plain).toContain('"code":"config/invalid","message":"apps.app-0001.database.backup.schedule is not a schedule');
    expect(plain).toContain(`environments/${last}.yaml`);
    expect(threaded).toBe(plain);
  });

  it('compiles at once, in the main thread, the stage of a worker that ended while compiling it', () => {
    const stages = randomFleet(11);
    const last = Object.keys(stages).at(-1)!;
    const root = project(stages);
    const all = { project: projectFile, delivery: true, stages: Object.keys(stages) };
    const plain = outcome(() => compileStages(sources(stages), all));
    // workers copy the environment when they start: the variable is set for the compilation only
    process.env[CRASH_ENV] = `worker-exit-${last}`;
    try {
      const threaded = outcome(() => compileStages(sources(stages), { ...all, runStages: inWorkers(root) }));
      expect(threaded).toBe(plain);
    } finally {
      delete process.env[CRASH_ENV];
    }
    // well within the minute the main thread waits for a worker that says nothing
  }, 30_000);

  it('takes the largest stage first, so that no thread compiles a large stage alone at the end', () => {
    const stages = { dev: fleetStageFile('dev', 1), qa: fleetStageFile('qa', 2), production: fleetStageFile('production', 3) };
    const root = project(stages);
    const taken: string[] = [];
    const all = { project: projectFile, delivery: true, stages: Object.keys(stages) };
    const threaded = outcome(() =>
      compileStages(sources(stages), {
        ...all,
        // one worker compiles every stage, in the order it takes them; each outcome arrives as it is done
        runStages: (s, env, _compile, arrived) =>
          inWorkers(root, 1)(s, env, mainThreadMustNotCompile, (o, i) => {
            taken.push(s[i].stage);
            return arrived(o, i);
          }),
      }),
    );
    expect(taken).toEqual(['production', 'qa', 'dev']);
    expect(threaded).toBe(outcome(() => compileStages(sources(stages), all)));
  });

  it('reports the same findings when the checks fail', () => {
    const failing = randomFleet(7);
    const first = Object.keys(failing)[0];
    failing[first] = failing[first].replace('replicas: ', 'replicas: -');
    const [plain, threaded] = bothWays(failing);
    expect(plain).toContain('"problems"');
    expect(threaded).toBe(plain);
  });

  it('stages render cache entries that the main thread writes, and reads them on the next run', () => {
    const stages = randomFleet(3);
    const options = { stages: Object.keys(stages) };
    const plain = bytes(compileStages(sources(stages), options));
    // as many entries as one thread stores
    const alone = diskRenderCache(project(stages));
    compileStages(sources(stages), { ...options, cache: alone });
    alone.flush();
    expect(alone.stats.stored).toBeGreaterThan(0);
    const root = project(stages);
    const cold = diskRenderCache(root);
    const runStages = inWorkers(root, 2, cold);
    expect(bytes(compileStages(sources(stages), { ...options, cache: cold, runStages }))).toBe(plain);
    expect(cold.stats.misses).toBe(alone.stats.misses);
    cold.flush();
    expect(cold.stats.stored).toBe(alone.stats.stored);
    const warm = diskRenderCache(root);
    expect(bytes(compileStages(sources(stages), { ...options, cache: warm, runStages: inWorkers(root, 2, warm) }))).toBe(plain);
    expect(warm.stats.hits).toBe(cold.stats.stored);
  });

  it('writes the same dist/ through the bundle of npm run synth', () => {
    const one = project(fixtures);
    const two = project(fixtures);
    const a = runProcess('synth', [], one, { STAGECRAFT_WORKERS: '0' });
    const b = runProcess('synth', [], two, { STAGECRAFT_WORKERS: '2' });
    expect(a.stderr).toBe(b.stderr);
    expect(b.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(snapshotDir(join(two, 'dist'))).toEqual(snapshotDir(join(one, 'dist')));
  });
});

describe('scavengeAlone', () => {
  it('turns parallel scavenges off while the threads fill every core, unless Node.js was told otherwise', () => {
    const calls: string[] = [];
    const set = (flag: string) => void calls.push(flag);
    // a core to spare: V8's helpers may use it
    scavengeAlone(1, 2, [], set)();
    scavengeAlone(2, 4, [], set)();
    expect(calls).toEqual([]);
    const restore = scavengeAlone(2, 2, [], set);
    expect(calls).toEqual(['--no-parallel-scavenge']);
    restore();
    expect(calls).toEqual(['--no-parallel-scavenge', '--parallel-scavenge']);
    scavengeAlone(3, 2, ['--parallel_scavenge'], set)();
    scavengeAlone(2, 2, ['--max-semi-space-size=4 --no-parallel-scavenge'], set)();
    expect(calls.length).toBe(2);
  });
});

describe('withoutObjects (what npm run check keeps of each stage)', () => {
  it('gives the same files, delivery, findings and problems, holding no object', () => {
    const all = { project: projectFile, delivery: true, stages: Object.keys(fixtures) };
    const whole = compileStages(sources(fixtures), all);
    const kept: ReturnType<typeof withoutObjects>[] = [];
    const keep: typeof withoutObjects = (o) => {
      kept.push(withoutObjects(o));
      return kept[kept.length - 1];
    };
    const lean = compileStages(sources(fixtures), { ...all, keep });
    // an outcome without objects already (what a worker sends) stays as it is: its findings are not named again
    expect(kept.length).toBe(Object.keys(fixtures).length);
    for (const o of kept) expect(withoutObjects(o)).toBe(o);
    const files = (c: Compiled) => JSON.stringify([...c.tree].map(([s, f]) => [s, [...f]]));
    expect(files(lean)).toBe(files(whole));
    expect(lean.tree.size).toBeGreaterThan(1);
    expect(JSON.stringify([...lean.checks])).toBe(JSON.stringify([...whole.checks].map(([s, r]) => [s, slimChecks(r)])));
    expect(lean.stages.map((s) => s.charts.length + s.nodeFiles.length)).toEqual(lean.stages.map(() => 0));
    expect(whole.stages.some((s) => s.charts.length > 0)).toBe(true);
    // workers that send no objects: the same again
    const root = project(fixtures);
    const sent: number[] = [];
    const threaded = compileStages(sources(fixtures), {
      ...all,
      keep: withoutObjects,
      runStages: (s, env, _compile, arrived) =>
        stageWorkers({ root, setting: '2', objects: false })(s, env, mainThreadMustNotCompile, (o, i) => {
          sent.push(o.rendered?.charts.length ?? -1);
          return arrived(o, i);
        }),
    });
    // what came from the workers held no chart
    expect(sent).toEqual(Object.keys(fixtures).map(() => 0));
    expect(files(threaded)).toBe(files(whole));
    expect(JSON.stringify([...threaded.checks])).toBe(JSON.stringify([...lean.checks]));
    expect(threaded.stages.map((s) => s.charts.length + s.nodeFiles.length)).toEqual(threaded.stages.map(() => 0));
    const broken = { ...fixtures, qa: fixtures.qa.replace('apps:\n', 'namespace: Not_A_Name\nnamspace: qa\napps:\n') };
    const problems = (keep?: typeof withoutObjects) => outcome(() => compileStages(sources(broken), { ...all, keep }));
    expect(problems(withoutObjects)).toBe(problems());
  });
});

describe('takeOrder', () => {
  it('puts the largest stage file first, and stages of one size in the order of their files', () => {
    const texts = (...t: string[]) => t.map((text) => ({ text }));
    expect(takeOrder(texts('a', 'abc', 'ab'))).toEqual([1, 2, 0]);
    expect(takeOrder(texts('ab', 'cd', 'e', 'fg'))).toEqual([0, 1, 3, 2]);
    expect(takeOrder([])).toEqual([]);
  });
});

describe('workerPlan', () => {
  const small = sources({ a: 'apps: {}\n', b: 'apps: {}\n' });
  const large = sources({ a: 'x'.repeat(MIN_WORKER_BYTES), b: 'apps: {}\n' });

  it('starts no worker for little work, one stage, one core, or busy cores', () => {
    expect(workerPlan(small, undefined, 4, 0)).toEqual({ workers: 0, mainTakesStages: true });
    expect(workerPlan(large.slice(0, 1), undefined, 4, 0)).toEqual({ workers: 0, mainTakesStages: true });
    expect(workerPlan(large, undefined, 1, 0)).toEqual({ workers: 0, mainTakesStages: true });
    expect(workerPlan(large, undefined, 2, 1.5)).toEqual({ workers: 0, mainTakesStages: true });
    expect(workerPlan(large, undefined, 2, 6)).toEqual({ workers: 0, mainTakesStages: true });
  });

  it('lets the other idle cores help the main thread when there is enough work', () => {
    expect(workerPlan(large, undefined, 2, 0.4)).toEqual({ workers: 1, mainTakesStages: true });
    expect(workerPlan([...large, ...large], undefined, 8, 0)).toEqual({ workers: 3, mainTakesStages: true });
    expect(workerPlan([...large, ...large], undefined, 8, 5.5)).toEqual({ workers: 2, mainTakesStages: true });
  });

  it('counts as busy what other processes used of the cores since the command started, not its own time', () => {
    const at = (ms: number, idle: number, own: number) => ({ at: ms, idle, own });
    // 2 cores for 1 s: this process used one, the other was idle
    expect(busyElsewhere(at(0, 0, 0), at(1000, 1000, 1000), 2)).toBe(0);
    // the other core was busy with another process
    expect(busyElsewhere(at(0, 0, 0), at(1000, 0, 1000), 2)).toBe(1);
    // this process slept: both cores idle
    expect(busyElsewhere(at(0, 0, 0), at(500, 1000, 0), 2)).toBe(0);
  });

  it('follows STAGECRAFT_WORKERS: 0 for none, n for n workers and a main thread that only waits', () => {
    expect(workerPlan(large, '0', 8, 0)).toEqual({ workers: 0, mainTakesStages: true });
    expect(workerPlan(small, '2', 1, 9)).toEqual({ workers: 2, mainTakesStages: false });
    expect(workerPlan(small, '5', 1, 0)).toEqual({ workers: 2, mainTakesStages: false });
    expect(() => workerPlan(small, 'two', 1, 0)).toThrow("STAGECRAFT_WORKERS takes a whole number >= 0 (found 'two')");
  });
});
