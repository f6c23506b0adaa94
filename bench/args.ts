/**
 * The command line of `npm run bench`: what to measure, or the help, the version, or a refusal.
 * Parsing only, so that tests can call it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exitCodesHelp } from '../lib/cli/main.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_JSON = join(REPO, 'bench', 'out', 'results.json');

export const usage = `Usage: npm run bench [-- options]
       npm run bench -- checks [<apps>]
       npm run bench -- hostile [--max-keys 40000] [--runs 3]   (bench/hostile.ts; --help there)

Measures cold npm run synth and npm run check of the committed stages and of generated fleets
(N demoapp instances x M stages) in temporary projects, the same synthesis started as a plain
cdk8s project starts it (ts-node), and the checks in this process. Prints medians and min-max.
\`checks\` measures the checks alone on one generated stage of <apps> demoapp instances (default 5000).

Options:
  --sizes <n,n,...>  fleet sizes N (default: 10,100,1000; --quick: 10,100)
  --stages <m>       stages per fleet M (default: 4)
  --runs <r>         measured runs of each command (default: 3), after one warm-up run of
                     each command on the committed stages
  --no-plain         skip the plain cdk8s (ts-node) start-up path (about 20 s a run)
  --no-in-process    skip the in-process check rows of the fleets
  --quick            --sizes 10,100 --runs 2 --no-plain
  --against <ref>    also run the release at the git commit <ref> (a worktree with this
                     checkout's packages) side by side with this one, in rounds: the committed
                     stages' cold synth and unchanged check, the largest fleet's one app changed
                     and cold synth, each with its ratio this / <ref> round by round
  --json <file>      where to write the results (default: bench/out/results.json)
  -h, --help         show this help
  -V, --version      print the version

${exitCodesHelp('a benchmark failed (its error is printed)', 'measured')}`;

export interface Options {
  readonly sizes: readonly number[];
  readonly stages: number;
  readonly runs: number;
  readonly plain: boolean;
  /** Whether to measure the checks in this process too. */
  readonly inProcess: boolean;
  readonly json: string;
  /** A git ref of another release to measure side by side (bench/against.ts). @default - none */
  readonly against?: string;
}

/** What to do: print `text` and exit with `code`, measure the checks of `checks` apps, or measure with `options`. */
export type Bench = { readonly text: string; readonly code: 0 | 2 } | { readonly checks: number } | { readonly options: Options };

function wholeNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} takes whole numbers >= 1 (found '${text}')`);
  return n;
}

export function parseBench(argv: readonly string[]): Bench {
  try {
    return parse(argv);
  } catch (e) {
    const parseError = e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS');
    if (!parseError && !(e instanceof RangeError)) throw e;
    return { text: `error: ${e.message}\n\n${usage}`, code: 2 };
  }
}

function parse(argv: readonly string[]): Bench {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      sizes: { type: 'string' },
      stages: { type: 'string' },
      runs: { type: 'string' },
      json: { type: 'string' },
      against: { type: 'string' },
      'no-plain': { type: 'boolean' },
      'no-in-process': { type: 'boolean' },
      quick: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'V' },
    },
  });
  if (values.help) return { text: usage, code: 0 };
  if (values.version) {
    return {
      text: `stagecraft ${(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version}\n`,
      code: 0,
    };
  }
  const [first, ...rest] = positionals;
  if (first === 'checks') {
    const measureOptions = Object.keys(values);
    if (measureOptions.length) throw new RangeError(`checks takes no options but --help (found --${measureOptions[0]})`);
    if (rest.length > 1) throw new RangeError(`checks takes at most one argument, the number of apps (found ${rest.join(' ')})`);
    return { checks: rest.length ? wholeNumber('checks', rest[0]) : 5000 };
  }
  if (first !== undefined) throw new RangeError(`unknown argument '${first}' (the only one is checks)`);
  const quick = values.quick ?? false;
  return {
    options: {
      sizes: (values.sizes ?? (quick ? '10,100' : '10,100,1000')).split(',').map((s) => wholeNumber('--sizes', s)),
      stages: wholeNumber('--stages', values.stages ?? '4'),
      runs: wholeNumber('--runs', values.runs ?? (quick ? '2' : '3')),
      plain: !(values['no-plain'] ?? quick),
      inProcess: !(values['no-in-process'] ?? false),
      json: values.json ?? DEFAULT_JSON,
      ...(values.against !== undefined ? { against: values.against } : {}),
    },
  };
}
