/**
 * `npm run bench`: how fast stagecraft compiles, at the size of the committed stages and of
 * generated fleets (N demoapp instances in each of M stages), measured as users run it: every
 * figure but the in-process checks is a fresh `npm run ...` process in a temporary project.
 * Prints a table of medians and min-max over several runs after a warm-up, and writes the same
 * as JSON. Not a timed test: figures depend on the machine and its load.
 *
 *   npm run bench [-- --quick] [--sizes 10,100,1000] [--stages 4] [--runs 3] [--no-plain] [--no-in-process] [--json <file>] [--against <ref>]
 *   npm run bench -- checks [<apps>]     the checks' throughput alone (bench/checks.ts)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkoutRelease, type Release } from './against.js';
import { usage, parseBench, type Options } from './args.js';
import { checkFindingsRows } from './check-findings.js';
import { CRD_STAGE_NAME, writeCrdProject } from './crds.js';
import { stageLoadRows } from './stage-load.js';
import { FLEET_STAGES, coldStart, deliverStages, distObjects, fleetStageFiles, oneAppChanger, writeProject } from './fleet.js';
import { bundleFloor, floorCommand } from './floor.js';
import { measure, npmRun, type Command } from './process.js';
import { ratios } from './ratios.js';
import { SETTLE_MS, interleaved, pairedRatio, repeat, type Contender } from './rounds.js';
import { mebibytes, rowsTable, seconds, type Row } from './stats.js';
import { measureValidation, renderProject } from './validation.js';
import { rootCacheDir } from '../lib/cli/root-cache.cjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** What lib/cli/run.cjs keeps to know that its bundle of synth is current; without it, the next start rebuilds the bundle. */
const SYNTH_BUNDLE_MANIFEST = join(rootCacheDir(REPO), 'synth.json');

/**
 * How a default cdk8s project starts its app (`cdk8s.yaml`: `app: npx ts-node main.ts`), here
 * running the same synthesis entry. The package is ESM, and on Node.js 20 `ts-node --esm` and
 * `ts-node-esm` both fail with ERR_UNKNOWN_FILE_EXTENSION; ts-node's own instructions for ESM
 * are its loader, with ts-node's default settings (type-checking every file it compiles).
 */
function plainCdk8s(cwd: string): Command {
  return { program: process.execPath, args: ['--loader', 'ts-node/esm', join('lib', 'cli', 'synth.ts')], cwd };
}

type Stages = ReturnType<typeof renderProject>;

const countObjects = (stages: Stages) => stages.reduce((n, s) => n + s.length, 0);

/** The in-process check rows of a project. */
function validationRows(label: string, stages: Stages, runs: number): Row[] {
  const objects = countObjects(stages);
  const v = measureValidation(stages, runs);
  return [
    {
      name: `${label}: schema + references (in process)`,
      objects,
      seconds: v.schemaAndReferences,
      objectsPerSecond: objects / v.schemaAndReferences.median,
    },
    { name: `${label}: every check (in process)`, objects, seconds: v.everyCheck, objectsPerSecond: objects / v.everyCheck.median },
  ];
}

/** Stage name -> text of the stage files of a checkout (this one by default). */
function committedStageFiles(repo = REPO): Map<string, string> {
  const dir = join(repo, 'environments');
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => [f.slice(0, -5), readFileSync(join(dir, f), 'utf8')]),
  );
}

/** The committed stages: synth, the plain cdk8s path on the same sources, check with nothing changed. */
async function committedRows(options: Options): Promise<Row[]> {
  const project = writeProject(REPO, committedStageFiles(), 'committed');
  try {
    const stages = renderProject(project);
    const objects = countObjects(stages);
    const warmUp = { warmUp: true };
    // without .stagecraft/ (no fingerprint, no render cache): a synthesis that renders everything
    const noState = () => rmSync(join(project, '.stagecraft'), { recursive: true, force: true });
    const rows = [
      await repeat('committed stages: npm run synth', objects, npmRun('synth', project), options.runs, { warmUp: true, before: noState }),
    ];
    rows.push(await repeat('committed stages: npm run synth, nothing changed', objects, npmRun('synth', project), options.runs, warmUp));
    // the first start after a source change bundles the sources again (lib/cli/run.cjs)
    const sourcesChanged = () => rmSync(SYNTH_BUNDLE_MANIFEST, { force: true });
    rows.push(
      await repeat('committed stages: npm run synth, sources changed', objects, npmRun('synth', project), options.runs, {
        warmUp: true,
        before: () => {
          noState();
          sourcesChanged();
        },
      }),
    );
    if (options.plain)
      rows.push(await repeat('committed stages: plain cdk8s (ts-node)', objects, plainCdk8s(project), options.runs, warmUp));
    rows.push(
      await repeat('committed stages: npm run check, unchanged', objects, npmRun('check', project), options.runs, {
        ...warmUp,
        settled: true,
      }),
    );
    rows.push(...validationRows('committed stages', stages, options.runs));
    return rows;
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/** A fleet of `apps` x `options.stages`: synth, check with nothing changed, the checks in process. */
async function fleetRows(apps: number, options: Options, floorBundle: string): Promise<Row[]> {
  const label = `fleet ${apps} x ${options.stages}`;
  const project = writeProject(REPO, fleetStageFiles(apps, options.stages), `fleet-${apps}`);
  // the same objects built, resolved and written as JSON by plain cdk8s (bench/floor.ts)
  const floor = floorCommand(floorBundle, project);
  try {
    const stages = renderProject(project);
    const objects = countObjects(stages);
    const stateDir = join(project, '.stagecraft');
    const cold = coldStart(project);
    const oneAppChanged = oneAppChanger(project, FLEET_STAGES[0]);
    const noFingerprint = () => rmSync(join(stateDir, 'fingerprint.json'), { force: true });
    return [
      // the floor and the cold synths in rounds (`interleaved`): their ratios are the point of them.
      // The first cold synth runs as users run it; then in one thread, and in two worker threads
      // whatever the load (lib/cli/stage-workers.ts; by default workers start only on idle cores)
      ...(await interleaved(
        [
          { name: `${label}: raw cdk8s to JSON (floor)`, command: floor.command, before: floor.clean },
          { name: `${label}: npm run synth, cold (no dist/)`, command: npmRun('synth', project), before: cold },
          {
            name: `${label}: npm run synth, cold, STAGECRAFT_WORKERS=0`,
            command: { ...npmRun('synth', project), env: { STAGECRAFT_WORKERS: '0' } },
            before: cold,
          },
          {
            name: `${label}: npm run synth, cold, STAGECRAFT_WORKERS=2`,
            command: { ...npmRun('synth', project), env: { STAGECRAFT_WORKERS: '2' } },
            before: cold,
          },
        ],
        objects,
        options.runs,
      )),
      await repeat(`${label}: npm run synth, nothing changed`, objects, npmRun('synth', project), options.runs, { warmUp: false }),
      await repeat(`${label}: npm run synth, one app changed`, objects, npmRun('synth', project), options.runs, {
        warmUp: false,
        before: oneAppChanged,
      }),
      // as before stages were kept (lib/cli/reuse.ts): every stage loaded, rendered (from the render cache) and checked
      await repeat(`${label}: npm run synth, one app changed, no fingerprint`, objects, npmRun('synth', project), options.runs, {
        warmUp: false,
        before: () => {
          oneAppChanged();
          noFingerprint();
        },
      }),
      // as before the render cache and the fingerprint: every app rendered again
      await repeat(
        `${label}: npm run synth -- --no-cache, one app changed`,
        objects,
        npmRun('synth', project, ['--no-cache']),
        options.runs,
        { warmUp: false, before: oneAppChanged },
      ),
      await repeat(`${label}: npm run check, unchanged`, objects, npmRun('check', project), options.runs, { warmUp: true, settled: true }),
      await repeat(`${label}: npm run check, unchanged, no fingerprint`, objects, npmRun('check', project), options.runs, {
        warmUp: false,
        before: noFingerprint,
      }),
      // the same fleet delivered by Argo CD: dist/delivery/ is planned from every stage, the kept ones by their record
      await repeat(`${label}, delivered: npm run synth, one app changed`, objects, npmRun('synth', project), options.runs, {
        warmUp: true,
        before: () => {
          deliverStages(project);
          oneAppChanged();
        },
      }),
      ...(options.inProcess ? validationRows(label, stages, options.runs) : []),
    ];
  } finally {
    floor.dispose();
    rmSync(project, { recursive: true, force: true });
  }
}

/** The fleet apps of the stage that includes CRDs (bench/crds.ts), and about how many bytes of CRDs it includes. */
const CRD_STAGE = { apps: 100, bytes: 3_000_000 } as const;
const crdLabel = `stage of ${CRD_STAGE.apps} apps and ${CRD_STAGE.bytes / 1e6} MB of CRDs`;

/**
 * A stage that brings an operator's CRDs with it (adoption: bench/crds.ts): its cold synth (the
 * included files read, every app rendered) and one fleet app changed (the CRDs' app from the
 * render cache, the files still read for the custom kinds and the checks).
 */
async function crdRows(options: Options): Promise<Row[]> {
  const project = writeCrdProject(REPO, CRD_STAGE.apps, CRD_STAGE.bytes);
  try {
    await measure(npmRun('synth', project));
    const objects = distObjects(project);
    return [
      await repeat(`${crdLabel}: npm run synth, cold (no dist/)`, objects, npmRun('synth', project), options.runs, {
        warmUp: false,
        before: coldStart(project),
      }),
      await repeat(`${crdLabel}: npm run synth, one app changed`, objects, npmRun('synth', project), options.runs, {
        warmUp: true,
        before: oneAppChanger(project, CRD_STAGE_NAME),
      }),
    ];
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/**
 * This checkout and the release at `release.ref` side by side, in rounds, on the same stage files:
 * the committed stages' cold synth and unchanged check, and the largest fleet's one app changed and
 * cold synth. Each pair of rows gives the median of its ratios per round (`pairedRatio`).
 */
async function againstRows(release: Release, options: Options): Promise<{ rows: Row[]; ratios: Record<string, number> }> {
  const apps = Math.max(...options.sizes);
  const fleet = fleetStageFiles(apps, options.stages);
  const sides = [
    { name: 'this', repo: REPO },
    { name: release.ref, repo: release.repo },
  ].map((side, i) => {
    const project = writeProject(side.repo, fleet, `against-fleet-${i}`);
    // as in fleetRows: one app of the first stage changes, to a LOG_LEVEL no run had before
    const changeOneApp = oneAppChanger(project, FLEET_STAGES[0]);
    const crds = writeCrdProject(side.repo, CRD_STAGE.apps, CRD_STAGE.bytes);
    return {
      ...side,
      // each release's own committed stages: a release may not read a later one's stage files
      committed: writeProject(side.repo, committedStageFiles(side.repo), `against-committed-${i}`),
      fleet: project,
      changeOneApp,
      crds,
      changeCrdStage: oneAppChanger(crds, CRD_STAGE_NAME),
    };
  });
  type Side = (typeof sides)[number];
  const rows: Row[] = [];
  const ratios: Record<string, number> = {};
  const pair = async (label: string, objects: number, contender: (s: Side) => Omit<Contender, 'name'>) => {
    const [mine, theirs] = await interleaved(
      sides.map((s) => ({ name: `${label} (${s.name})`, ...contender(s) })),
      objects,
      options.runs,
    );
    rows.push(mine, theirs);
    ratios[`${label}: this / ${release.ref}, round by round`] = pairedRatio(mine, theirs);
  };
  const synthOnce = async (project: string) => void (await measure(npmRun('synth', project)));
  try {
    // each side's first start bundles its sources and compiles its validators: not measured
    for (const s of sides) await synthOnce(s.committed);
    const committed = countObjects(renderProject(sides[0].committed));
    await pair('against: committed stages: npm run synth', committed, (s) => ({
      command: npmRun('synth', s.committed),
      before: () => rmSync(join(s.committed, '.stagecraft'), { recursive: true, force: true }),
    }));
    for (const s of sides) await synthOnce(s.committed);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    for (const s of sides) await measure(npmRun('check', s.committed));
    await pair('against: committed stages: npm run check, unchanged', committed, (s) => ({
      command: npmRun('check', s.committed),
      before: () => {},
    }));
    for (const s of sides) await synthOnce(s.fleet);
    const label = `against: fleet ${apps} x ${options.stages}`;
    const objects = distObjects(sides[0].fleet);
    await pair(`${label}: npm run synth, one app changed`, objects, (s) => ({ command: npmRun('synth', s.fleet), before: s.changeOneApp }));
    await pair(`${label}: npm run synth, cold (no dist/)`, objects, (s) => ({
      command: npmRun('synth', s.fleet),
      before: coldStart(s.fleet),
    }));
    for (const s of sides) await synthOnce(s.crds);
    await pair(`against: ${crdLabel}: npm run synth, one app changed`, distObjects(sides[0].crds), (s) => ({
      command: npmRun('synth', s.crds),
      before: s.changeCrdStage,
    }));
    return { rows, ratios };
  } finally {
    for (const s of sides) for (const dir of [s.committed, s.fleet, s.crds]) rmSync(dir, { recursive: true, force: true });
  }
}

function machine() {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory: mebibytes(totalmem()),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function printTable(rows: readonly Row[], ratioLines: Record<string, number>): void {
  process.stdout.write(rowsTable(rows, ratioLines));
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'hostile' && argv.some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(usage);
    return 0;
  }
  if (argv[0] === 'hostile') {
    // hostile stage files: linear in the problems and the bytes (bench/hostile.ts parses its own options)
    return (
      spawnSync(process.execPath, [...process.execArgv, join(REPO, 'bench', 'hostile.ts'), ...argv.slice(1)], { stdio: 'inherit' })
        .status ?? 1
    );
  }
  const parsed = parseBench(argv);
  if ('text' in parsed) {
    (parsed.code === 0 ? process.stdout : process.stderr).write(parsed.text);
    return parsed.code;
  }
  if ('checks' in parsed) {
    // the checks' throughput over one large generated stage, as before this suite existed
    return (
      spawnSync(process.execPath, [...process.execArgv, join(REPO, 'bench', 'checks.ts'), String(parsed.checks)], { stdio: 'inherit' })
        .status ?? 1
    );
  }
  const options = parsed.options;
  let release: Release | undefined;
  if (options.against !== undefined) {
    try {
      release = checkoutRelease(REPO, options.against);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
  }
  try {
    return await measureAll(options, release);
  } finally {
    release?.dispose();
  }
}

async function measureAll(options: Options, release: Release | undefined): Promise<number> {
  const start = process.hrtime.bigint();
  process.stderr.write(`measuring (${options.runs} runs of each; sizes ${options.sizes.join(', ')} x ${options.stages} stages)\n`);
  const rows = await committedRows(options);
  const findings = await checkFindingsRows(REPO, options.runs);
  rows.push(...findings.rows);
  // cheap (about a second a run): at least 5 runs, for a median that says something
  const loading = stageLoadRows(Math.max(5, options.runs));
  rows.push(...loading.rows);
  const floorBundle = await bundleFloor(REPO);
  for (const apps of options.sizes) rows.push(...(await fleetRows(apps, options, floorBundle)));
  rows.push(...(await crdRows(options)));
  const against = release && (await againstRows(release, options));
  if (against) rows.push(...against.rows);
  const ratioLines = {
    ...ratios(rows, options),
    'check with findings, in process: yaml library / block reader': findings.ratio,
    'loading a stage file, in process: yaml library / block reader': loading.ratio,
    ...against?.ratios,
  };
  printTable(rows, ratioLines);
  mkdirSync(dirname(options.json), { recursive: true });
  writeFileSync(
    options.json,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: machine(),
        options,
        ...(release ? { against: { ref: release.ref, commit: release.commit, samePackages: release.samePackages } } : {}),
        rows,
        ratios: ratioLines,
      },
      null,
      2,
    ) + '\n',
  );
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (release) {
    const packages = release.samePackages ? 'the same packages' : "this checkout's packages (its lockfile differs)";
    process.stdout.write(`against: ${release.ref} is commit ${release.commit.slice(0, 12)}, run with ${packages}\n`);
  }
  process.stdout.write(
    `${machine().cpus} x ${machine().cpu}, ${machine().memory}, Node.js ${process.version}; ${seconds(elapsed)} in all; JSON: ${options.json}\n`,
  );
  return 0;
}

// the process ends when its output has drained
process.exitCode = await main(process.argv.slice(2));
