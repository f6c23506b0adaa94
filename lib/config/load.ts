/**
 * Loading a stage file: YAML text in, a typed stage out, or every problem at once with its
 * `file:line:col`. Pure: the caller reads the file and passes its text.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { ProblemsError, compareProblems, type Problem, type SourceLocation } from '../errors.js';
import type { ObjectName, SecretDeclaration, StageContext, Stack } from '../stack.js';
import { maxNameLength, nameRuleOf } from '../model/object-names.js';
import { DNS_LABEL_PATTERN } from './types.js';
import { INSTANCE_LABEL, MAX_LABEL_VALUE, instanceLabel } from '../model/labels.js';
import { APP_NAME, NAMESPACE_CHART, stageFileSchema } from './stage-schema.js';
import { locateKey, locateValue } from './locate.js';
import { formatFieldPath as dotted, valueAt, type FieldPath } from '../model/field-path.js';
import { readYaml } from '../model/read-yaml.js';
import { BlockPlaces, linesOf, readBlockYaml, type BlockYaml } from '../model/block-yaml.js';
import { readStageEntries, type StageEntryStore } from './stage-entries.js';
import { MAX_QUOTED_CHARS, MAX_STAGE_ALIASES, capProblems, describeValue, shorten } from '../model/limits.js';
import { didYouMean } from '../model/did-you-mean.js';
import { compareCodePoints } from '../model/order.js';
import { SchemaValidator, type PathProblem, type WrittenAt } from './validate.js';
import { refineEdge } from '../edge/refine.js';
import { secretKindConflicts } from '../required-secrets.js';
import { refineStageImages } from './images.js';

/** Alias expansions allowed in one stage file; more is an "alias bomb", not configuration. */
export const MAX_ALIAS_COUNT = MAX_STAGE_ALIASES;

/** One app a stage deploys: an instance of a stack, with its settings. */
export interface AppInstance {
  /** The key under `apps:`; names the chart, its output file and the stack's main objects. */
  readonly name: string;
  /** The stack it is an instance of. */
  readonly stack: string;
  /** Its settings, valid for the stack (without the `stack:` key). */
  readonly settings: unknown;
}

export interface LoadedStage<F = unknown> {
  readonly context: StageContext;
  /** The apps the stage deploys, sorted by name. */
  readonly apps: readonly AppInstance[];
  /** The validated contents of the stage file. */
  readonly file: F;
  /** The stage file, as named in messages. */
  readonly source: string;
  /**
   * Warnings about settings, placed where they are written: values the stage takes but that are
   * surely a mistake (a stack's refine step finds them, e.g. memory 512m: lib/config/workload.ts).
   */
  readonly warnings: readonly Problem[];
  /** The Secrets the apps declare (each stack's `secrets`), in the order of the apps: asked once, here. */
  readonly secrets: readonly SecretDeclaration[];
  /**
   * Where a setting is written in the stage file: the value at `path`, or the key `key` of the
   * mapping at `path` (`locate(['apps'], 'demoapp')` is the line of `demoapp:` under `apps:`).
   */
  readonly locate: (path: FieldPath, key?: string) => SourceLocation;
}

type StackMap = Record<string, Stack>;

/** Loads stage files for a fixed set of stacks (the schema is compiled once). */
export class StageLoader<S extends StackMap> {
  readonly schema;
  private readonly validator: SchemaValidator;
  /**
   * Per stack, the validator of its settings, for apps that name their stack with `stack:`;
   * compiled on first use (compiling all of them took longer than the rest of a small synthesis).
   */
  private readonly stackValidators = new Map<string, SchemaValidator>();

  constructor(readonly stacks: S) {
    this.schema = stageFileSchema(
      Object.fromEntries(Object.entries(stacks).map(([name, s]) => [name, s.settings])) as { [K in keyof S]: S[K]['settings'] },
    );
    this.validator = new SchemaValidator(this.schema as TSchema);
  }

  private stackValidator(stack: string): SchemaValidator {
    let v = this.stackValidators.get(stack);
    if (!v) this.stackValidators.set(stack, (v = new SchemaValidator(this.stacks[stack].settings)));
    return v;
  }

  /** The apps of a stage file, with the problems in the settings of apps that name their stack with `stack:`. */
  private instances(apps: unknown, written: WrittenAt): { apps: AppInstance[]; problems: PathProblem[] } {
    const problems: PathProblem[] = [];
    const out: AppInstance[] = [];
    const entries = apps !== null && typeof apps === 'object' ? Object.entries(apps) : [];
    for (const [name, entry] of entries.sort(([a], [b]) => compareCodePoints(a, b))) {
      if (!isAppName(name)) continue; // the stage schema says why
      if (Object.hasOwn(this.stacks, name)) {
        out.push({ name, stack: name, settings: entry });
        continue;
      }
      const { stack, ...settings } = (entry ?? {}) as { stack?: unknown };
      // an entry without a valid `stack:` is reported by the stage schema already
      if (typeof stack !== 'string' || !Object.hasOwn(this.stacks, stack)) continue;
      problems.push(...this.stackValidator(stack).problems(settings, ['apps', name], written));
      out.push({ name, stack, settings });
    }
    return { apps: out, problems };
  }

  /**
   * Parses and validates the stage file `file` (a path as shown to users) whose text is `text`.
   * A file in the plain block style is read by the block reader (lib/model/block-yaml.ts: the
   * value the yaml library reads, with the same places, several times faster on a large fleet);
   * any other by readYaml, which also reports every problem of the YAML itself.
   * @throws ProblemsError with every problem found, sorted by position
   */
  load(text: string, file: string, { blockReader = true, entries }: LoadOptions = {}): LoadedStage<Static<typeof this.schema>> {
    const stageName = file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
    const nameProblems: Problem[] = [];
    if (!new RegExp(DNS_LABEL_PATTERN).test(stageName) || stageName.length > MAX_LABEL_VALUE) {
      nameProblems.push({
        code: 'config/stage-name',
        location: { file, line: 1, column: 1 },
        message: `the stage name '${shorten(stageName)}' (the file name) is not a DNS-1123 label`,
        hint: `rename the file to lowercase letters, digits and '-', at most ${MAX_STAGE_NAME} characters, e.g. '${stageNameLike(stageName)}.yaml'`,
      });
    } else if (!fitsInstanceLabel(NAMESPACE_CHART, stageName)) {
      nameProblems.push({
        code: 'config/instance-label',
        location: { file, line: 1, column: 1 },
        message: `the stage name '${shorten(stageName)}' (the file name) is too long: the label ${INSTANCE_LABEL} of the stage's Namespace would be '${shorten(instanceLabel(NAMESPACE_CHART, stageName))}', longer than the ${MAX_LABEL_VALUE} characters a label value may have`,
        hint: `rename the file to a stage name of at most ${MAX_STAGE_NAME} characters ('${NAMESPACE_CHART}' + '-' + stage name is at most ${MAX_LABEL_VALUE} characters)`,
      });
    }
    // a large file's apps as read before (stage-entries.ts), else the whole file by the block reader;
    // from the entries, the places of settings (only problems need them) come from the whole file when first asked
    const fromEntries = blockReader && entries ? readStageEntries(text, entries) : undefined;
    const block = blockReader && !fromEntries ? readStageBlock(text) : undefined;
    if (fromEntries || block) {
      let places = block && new BlockPlaces(block.nodes, block.roots[0]);
      const outside = fromEntries && new BlockPlaces(fromEntries.outside.nodes, fromEntries.outside.root);
      const placesOf = (): BlockPlaces => {
        const whole = readStageBlock(text);
        if (!whole) throw new Error(`${file}: the block reader read the file's entries but not the file`);
        return new BlockPlaces(whole.nodes, whole.roots[0]);
      };
      const lines = block?.lines ?? linesOf(text);
      const at = (offset: number): SourceLocation => {
        const { line, col } = lines.linePos(offset);
        return { file, line, column: col };
      };
      const locate = (path: FieldPath, key?: string): SourceLocation => {
        // a setting outside apps: from the file read without them (no need to read the whole file)
        if (outside && (path.length === 0 ? key !== 'apps' : path[0] !== 'apps')) {
          return at(fromEntries.outside.offset(key === undefined ? outside.value(path) : outside.key(path, key)));
        }
        places ??= placesOf();
        return at(key === undefined ? places.value(path) : places.key(path, key));
      };
      // a mapping: the block reader reads no other root
      return this.validated((fromEntries?.value ?? block?.values[0]) as object, {
        file,
        text,
        stageName,
        nameProblems,
        locate,
        end: at(text.length),
      });
    }

    // one parser, with positions: the value validated is the value placed in messages
    const read = readYaml(text, file, { maxAliasCount: MAX_ALIAS_COUNT, multi: false, what: 'stage files', key: 'setting' });
    const at = read.at;
    const fail = (problems: Problem[]): never => {
      throw new ProblemsError(capProblems([...problems].sort(compareProblems), at(text.length)));
    };
    if (read.problems.length) fail([...nameProblems, ...read.problems]);
    const doc = read.docs[0];
    if (!doc || doc.contents === null) {
      fail([
        ...nameProblems,
        {
          code: 'config/empty',
          location: at(0),
          message: 'the stage file is empty',
          hint: 'a stage file is a mapping with at least `apps:`; see environments/lab.yaml',
        },
      ]);
    }
    const data: unknown = read.values[0];
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      fail([
        ...nameProblems,
        {
          code: 'config/not-a-mapping',
          location: at(doc.contents?.range?.[0] ?? 0),
          message: `the stage file must be a mapping of settings (found ${Array.isArray(data) ? 'a list' : describeValue(data)})`,
          hint: 'start the file with `apps:`; see environments/lab.yaml',
        },
      ]);
    }
    const locate = (path: FieldPath, key?: string): SourceLocation =>
      key === undefined ? locateValue(doc, read.lines, file, path) : locateKey(doc, read.lines, file, path, key);
    return this.validated(data as object, { file, text, stageName, nameProblems, locate, end: at(text.length) });
  }

  /**
   * The stage whose stage file's value is `data` (a mapping), once the schema and then the refine
   * rules find nothing, each problem placed by `locate`.
   * @throws ProblemsError with the problems of the first step that has any, sorted by position
   */
  private validated(data: object, { file, text, stageName, nameProblems, locate, end }: Source): LoadedStage<Static<typeof this.schema>> {
    const fail = (problems: Problem[]): never => {
      throw new ProblemsError(capProblems([...problems].sort(compareProblems), end));
    };
    const place = (p: PathProblem): Problem => {
      const { path, key, ...rest } = p;
      return { ...rest, location: locate(path, key) };
    };
    const written = writtenScalars(text, locate);
    const schemaProblems = this.validator.problems(data, [], written).map((p) => unknownStack(p, Object.keys(this.stacks)));
    const stageFile = data as Static<typeof this.schema>;
    const instances = this.instances(stageFile.apps, written);
    // a stack names the objects of an app whose settings are valid (it reads no others)
    const invalid = appsWithProblems([...schemaProblems, ...instances.problems]);
    const byName = new Map(instances.apps.map((a) => [a.name, a]));
    const objectNames = (name: string): readonly ObjectName[] => {
      const app = byName.get(name);
      return app && !invalid.has(name) ? (this.stacks[app.stack].objectNames?.(name, app.settings as never, stageName) ?? []) : [];
    };
    // a stage name too long for its own Namespace's label is reported once, not again for every app
    const names = nameProblems.length ? [] : appNameProblems(stageFile.apps, stageName, objectNames);
    const problems = [...nameProblems, ...[...schemaProblems, ...instances.problems, ...names].map(place)];
    if (problems.length) fail(problems);
    const namespace = stageFile.namespace ?? stageName;
    const context: StageContext = {
      name: stageName,
      namespace,
      architecture: stageFile.architecture ?? 'amd64',
      partOf: stageFile.partOf ?? namespace,
      nodes: Object.entries(stageFile.nodes ?? {})
        .sort(([a], [b]) => compareCodePoints(a, b))
        .map(([name, n]) => ({ name, roles: n.roles ?? ['worker'], ...(n.address ? { address: n.address } : {}) })),
      images: { substitute: stageFile.images?.substitute ?? {}, native: stageFile.images?.native ?? [] },
    };
    const refined = instances.apps.flatMap(({ name, stack, settings }) =>
      (this.stacks[stack]!.refine?.(settings as never, context) ?? []).map((p) => {
        const path = ['apps', name, ...p.path];
        return place({ ...p, path, message: `${dotted(path)} ${p.message}` });
      }),
    );
    const edge = stageFile.edge
      ? refineEdge(
          stageFile.edge,
          instances.apps.map((a) => a.name),
          context.nodes,
        ).map(place)
      : [];
    // a refine step's warnings stop nothing; with its errors, they are reported with them
    const warnings = refined.filter((p) => p.severity === 'warning');
    const images = refineStageImages(stageFile.images).map(place);
    if (refined.length > warnings.length || edge.length || images.length) fail([...refined, ...edge, ...images]);
    // one Secret name both made outside stagecraft (an Ingress's TLS Secret) and made by the stage: refused for every command
    const declared = instances.apps.flatMap(({ name, stack, settings }) =>
      (this.stacks[stack]!.secrets?.(name, settings as never, context) ?? []).map((declaration) => ({ app: name, declaration })),
    );
    const settingsOf = new Map(instances.apps.map((a) => [a.name, a.settings]));
    const conflicts = secretKindConflicts(
      declared,
      // a Secret declared by a mapping (`secrets: { shared: { A: a } }`) is named by its key
      (app, path) => {
        const last = path[path.length - 1];
        const value = valueAt(settingsOf.get(app), path);
        return typeof last === 'string' && typeof value === 'object' && value !== null
          ? locate(['apps', app, ...path.slice(0, -1)], last)
          : locate(['apps', app, ...path]);
      },
      stageFile.secretStore !== undefined,
    );
    if (conflicts.length) fail([...conflicts, ...warnings]);
    const secrets = declared.map((d) => d.declaration);
    return { context, apps: instances.apps, file: stageFile, source: file, locate, warnings, secrets };
  }
}

export interface LoadOptions {
  /**
   * Read a file in the plain block style with the block reader (lib/model/block-yaml.ts);
   * false: always with the yaml library (the reference the differential tests compare with).
   * @default true
   */
  readonly blockReader?: boolean;
  /**
   * The entries of this stage file read before (lib/config/stage-entries.ts): with the block
   * reader, a large file's apps are taken from there, or read one by one and kept there.
   * @default - the file is read whole
   */
  readonly entries?: StageEntryStore;
}

/** What `validated` needs of the file besides its value. */
interface Source {
  readonly file: string;
  /** The file's text. */
  readonly text: string;
  readonly stageName: string;
  /** The problems of the file's name, reported with the schema's. */
  readonly nameProblems: readonly Problem[];
  /** The place of the value at a path, or of the key `key` of the mapping there. */
  readonly locate: (path: FieldPath, key?: string) => SourceLocation;
  /** The end of the file, where a count of the problems not shown is placed. */
  readonly end: SourceLocation;
}

/**
 * The block reader's reading of a stage file, when it reads exactly one document the way
 * readYaml reads a stage file: one non-empty document, with at most one `---`, before it (a
 * second marker starts a second document, which readYaml reports); else undefined.
 */
function readStageBlock(text: string): BlockYaml | undefined {
  const block = readBlockYaml(text);
  if (block?.values.length !== 1 || block.markers.length > 1) return undefined;
  const start = block.nodes.data[3 * block.roots[0] + 1];
  return block.markers.every((m) => m < start) ? block : undefined;
}

/** The scalars of YAML 1.2's core schema that are not strings: what the yaml library and the block reader resolve. */
const CORE_BOOLEAN = /^(true|True|TRUE|false|False|FALSE)$/;
const CORE_NUMBER =
  /^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;

/** What the plain scalar `text` reads as when it is a number or a boolean of the core schema; else undefined. */
function coreScalar(text: string): number | boolean | undefined {
  if (CORE_BOOLEAN.test(text)) return text[0] === 't' || text[0] === 'T';
  if (!CORE_NUMBER.test(text)) return undefined;
  if (/nan$/i.test(text)) return Number.NaN;
  if (/inf$/i.test(text)) return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number(text); // decimal, 0x and 0o as JavaScript reads them, which is as YAML does
}

/**
 * How a scalar is written in `text` (`01234` for the number 1234), for messages: the plain scalar
 * where `locate` places the value, when it reads as the value; undefined otherwise (a value
 * from an alias or a merge key is placed at the `*` or the `<<`). The lines are indexed when first
 * asked for, so that placing many values stays linear.
 */
function writtenScalars(text: string, locate: (path: FieldPath) => SourceLocation): WrittenAt {
  let starts: number[] | undefined;
  return (path, value) => {
    if (typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    const { line, column } = locate(path);
    const from = (starts[line - 1] ?? text.length) + column - 1;
    // a number or boolean is a short run of these characters: a longer one is said by its value
    const run = /^[^\s,[\]{}#]+/.exec(text.slice(from, from + 64))?.[0];
    return run !== undefined && Object.is(coreScalar(run), value) ? run : undefined;
  };
}

const APP_NAME_PATTERN = new RegExp(APP_NAME.pattern);
const isAppName = (name: string) =>
  APP_NAME_PATTERN.test(name) && name.length <= APP_NAME.maxLength && !(APP_NAME.not.enum as readonly string[]).includes(name);

/**
 * The longest stage name: a DNS-1123 label may have 63 characters, but the instance label of the
 * stage's own Namespace, `namespace-<stage>`, is a label value too. Both problems of a stage name
 * state this limit, so that a name renamed after the first does not meet the second.
 */
const MAX_STAGE_NAME = MAX_LABEL_VALUE - instanceLabel(NAMESPACE_CHART, '').length;

/**
 * A stage name like `name` that is valid, for a hint: lowercased, every run of other characters
 * one '-', at most MAX_STAGE_NAME characters (`Staging` -> `staging`, `Bad_Name` -> `bad-name`);
 * `qa` when nothing of it is left.
 */
function stageNameLike(name: string): string {
  const like = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_STAGE_NAME)
    .replace(/-+$/, '');
  return like || 'qa';
}

/** Whether the app's instance label is a label value: app and stage names are DNS-1123 labels, so only its length can fail. */
const fitsInstanceLabel = (app: string, stage: string) => instanceLabel(app, stage).length <= MAX_LABEL_VALUE;

/** The apps that a problem is about (at a path under `apps.<name>`, or at the key `<name>` of `apps:`). */
function appsWithProblems(problems: readonly PathProblem[]): Set<string> {
  const apps = new Set<string>();
  for (const p of problems) {
    if (p.path[0] !== 'apps') continue;
    if (p.path.length > 1) apps.add(String(p.path[1]));
    else if (p.key !== undefined) apps.add(p.key);
  }
  return apps;
}

/** `'name' (N characters)`, shortened when it is long (then the length is said inside the quotes). */
const quotedWithLength = (s: string) => (s.length > MAX_QUOTED_CHARS ? `'${shorten(s)}'` : `'${s}' (${s.length} characters)`);

/** A name made from an app's name, and the most characters it may have. */
interface MadeName {
  /** What it is, in messages: `the label app.kubernetes.io/instance of the app's objects`, `the CronJob`. */
  readonly what: string;
  readonly value: string;
  readonly limit: number;
  /** Why the limit is what it is, when the kind allows fewer characters than its grammar. */
  readonly why?: string;
  readonly kind?: string;
  /** The setting that names the object instead. */
  readonly setting?: readonly (string | number)[];
}

/**
 * The apps whose name, valid on its own, makes a name longer than it may be: with the stage's
 * name, the instance label every object of the app carries (`config/instance-label`); with what
 * the stack adds to it, the name of one of its objects for its kind (`config/object-name`, from
 * the stack's `objectNames`: a CronJob `<app>-mysql-backup` has at most 52 characters). Caught
 * here, at the app's key, with the longest app name that makes every such name fit, rather than as
 * an invalid label or name of every object the app renders (exit 1, placed nowhere). A name that
 * a setting gives is refused at that setting. One look at each app's name and its objects' names.
 */
function appNameProblems(apps: unknown, stage: string, objectNames: (app: string) => readonly ObjectName[]): PathProblem[] {
  if (apps === null || typeof apps !== 'object') return [];
  const problems: PathProblem[] = [];
  for (const name of Object.keys(apps)) {
    if (!isAppName(name)) continue; // the stage schema says why
    // almost every app: each name fits, and no message is made
    const names = objectNames(name);
    if (
      instanceLabel(name, stage).length <= MAX_LABEL_VALUE &&
      names.every((o) => o.name.length <= (maxNameLength(o.kind) ?? Number.POSITIVE_INFINITY))
    )
      continue;
    const made: MadeName[] = [
      { what: `the label ${INSTANCE_LABEL} of the app's objects`, value: instanceLabel(name, stage), limit: MAX_LABEL_VALUE },
    ];
    for (const o of names) {
      const limit = maxNameLength(o.kind);
      if (limit === undefined) continue;
      const { why } = nameRuleOf(o.kind);
      if (!o.given) {
        made.push({ what: `the ${o.kind}`, value: o.name, limit, why, kind: o.kind, setting: o.setting });
      } else if (o.name.length > limit && o.setting) {
        problems.push({
          code: 'config/object-name',
          path: ['apps', name, ...o.setting],
          message: `${dotted(['apps', name, ...o.setting])} names the ${o.kind} ${quotedWithLength(o.name)}, longer than the ${limit} characters a ${o.kind}'s name may have${why ? ` (${why})` : ''}`,
          hint: `use a name of at most ${limit} characters`,
        });
      }
    }
    // the longest app name with which every name made from it fits; names made without it cannot be shortened with it
    let longest = Number.POSITIVE_INFINITY;
    let binding: MadeName | undefined;
    for (const m of made) {
      const room = m.value.includes(name) ? m.limit - (m.value.length - name.length) : m.value.length > m.limit ? -1 : Infinity;
      if (room < longest) [longest, binding] = [room, m];
    }
    if (!binding || name.length <= longest) continue;
    if (binding === made[0]) {
      problems.push({
        code: 'config/instance-label',
        path: ['apps'],
        key: name,
        message: `apps.${name}: ${binding.what} would be '${shorten(binding.value)}', longer than the ${MAX_LABEL_VALUE} characters a label value may have`,
        hint: `shorten the app name to at most ${longest} characters: app name + '-' + stage name ('${stage}') is at most ${MAX_LABEL_VALUE} characters`,
      });
      continue;
    }
    const instead = binding.setting && `name the ${binding.kind} with ${dotted(binding.setting)}`;
    problems.push({
      code: 'config/object-name',
      path: ['apps'],
      key: name,
      message: `apps.${name}: ${binding.what} would be named ${quotedWithLength(binding.value)}, longer than the ${binding.limit} characters a ${binding.kind}'s name may have${binding.why ? ` (${binding.why})` : ''}`,
      hint:
        longest > 0
          ? `shorten the app name to at most ${longest} characters (the ${binding.kind}'s name adds ${binding.value.length - name.length} to it)${instead ? `, or ${instead}` : ''}`
          : (instead ?? `the stack names the ${binding.kind} so whatever the app is called: change the stack`),
    });
  }
  return problems;
}

/**
 * An app under `apps:` that is neither a stack nor says which stack it is an instance of is most
 * likely a misspelled stack: say so, rather than that `stack:` is missing.
 */
function unknownStack(p: PathProblem, stacks: readonly string[]): PathProblem {
  if (p.code !== 'config/missing' || p.path.length !== 2 || p.path[0] !== 'apps' || !p.message.endsWith("'stack'")) return p;
  const name = String(p.path[1]);
  const guess = didYouMean(name, stacks);
  return {
    code: 'config/unknown-stack',
    path: ['apps'],
    key: name,
    message: `apps.${name} is not a stack${guess ? `; did you mean '${guess}'?` : ` (the stacks are: ${stacks.join(', ')})`}`,
    hint: 'to deploy another instance of a stack under this name, add `stack: <stack name>` to its settings',
  };
}
