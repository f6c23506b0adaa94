/**
 * Loading a stage file: YAML text in, a typed stage out, or every problem at once with its
 * `file:line:col`. The text is read by read-stage.ts; the names it gives are checked by names.ts;
 * here its value is validated against the stage schema and each app's stack, and refined by the
 * stacks' and the edge's rules. Pure: the caller reads the file and passes its text.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { ProblemsError, comparePlaces, compareProblems, type Problem, type SourceLocation } from '../errors.js';
import type { AppInstance, ObjectName, SecretDeclaration, StageContext, Stack } from '../stack.js';
import { stageFileSchema } from './stage-schema.js';
import { formatFieldPath as dotted, valueAt, type FieldPath } from '../model/field-path.js';
import { capProblems } from '../model/limits.js';
import { compareCodePoints } from '../model/order.js';
import { SchemaValidator, type PathProblem, type WrittenAt } from './validate.js';
import { refineEdge } from '../edge/refine.js';
import { externalSecretProblems, secretKindConflicts, secretsMadeOutside } from '../required-secrets.js';
import { refineStageImages } from './images.js';
import { readStage, writtenScalars, type LoadOptions } from './read-stage.js';
import { appNameProblems, isAppName, otherStackSetting, stackNamedApps, stageNameProblems, unknownStack, unlistedStack } from './names.js';

export { MAX_ALIAS_COUNT, type LoadOptions } from './read-stage.js';

/** How a stage file is loaded: as read-stage.ts reads it, and what else the project holds. */
export interface StageLoadOptions extends LoadOptions {
  /** The names of the project's stage files, which a new name suggested for this one must not be. @default [] */
  readonly stages?: readonly string[];
}

export type { AppInstance } from '../stack.js';

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
  /**
   * Per app, the codes of the warnings its stack's refine step said of its settings (`warnings`):
   * the checks' findings of those codes on the app's objects say the same thing again, at the object
   * (lib/compile-stage.ts leaves them out).
   */
  readonly warnedCodes: ReadonlyMap<string, ReadonlySet<string>>;
  /** The Secrets the apps declare (each stack's `secrets`), in the order of the apps: asked once, here. */
  readonly secrets: readonly SecretDeclaration[];
  /**
   * Where a setting is written in the stage file: the value at `path`, or the key `key` of the
   * mapping at `path` (`locate(['apps'], 'demoapp')` is the line of `demoapp:` under `apps:`).
   */
  readonly locate: (path: FieldPath, key?: string) => SourceLocation;
  /** Where the stage file declares the Secret `name`: at the first app that declares it, else in `secrets.external`. */
  readonly locateSecret: (name: string) => SourceLocation | undefined;
}

type StackMap = Record<string, Stack>;

/** A stage's namespace: its `namespace:` setting, else its name. */
export const stageNamespace = (namespace: string | undefined, stage: string): string => namespace ?? stage;

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
   * Parses and validates the stage file `file` (a path as shown to users) whose text is `text`
   * (read-stage.ts: by the block reader where the file is in its subset, else by the yaml library).
   * @throws ProblemsError with every problem found, sorted by position
   */
  load(text: string, file: string, options: StageLoadOptions = {}): LoadedStage<Static<typeof this.schema>> {
    const stageName = file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
    const nameProblems = stageNameProblems(stageName, file, options.stages);
    const { data, locate, end } = readStage(text, file, nameProblems, options);
    return this.validated(data, { file, text, stageName, nameProblems, locate, end });
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
    const stageFile = data as Static<typeof this.schema>;
    const stacks = Object.keys(this.stacks);
    const instances = this.instances(stageFile.apps, written);
    const byName = new Map(instances.apps.map((a) => [a.name, a]));
    // `schedule:` on a service app: the stack that takes it is named (lib/config/names.ts)
    const otherStack = (p: PathProblem) =>
      otherStackSetting(
        p,
        (s) => this.stacks[s].settings,
        stacks,
        (app) => byName.get(app)?.stack,
      );
    const schemaProblems = stackNamedApps(
      this.validator
        .problems(data, [], written)
        .map((p) => otherStack(unlistedStack(unknownStack(p, stacks), stacks, (app) => valueAt(data, ['apps', app, 'stack'])))),
      stageFile.apps,
      stacks,
    );
    const instanceProblems = instances.problems.map(otherStack);
    // a stack names the objects of an app whose settings are valid (it reads no others)
    const invalid = appsWithProblems([...schemaProblems, ...instanceProblems]);
    const objectNames = (name: string): readonly ObjectName[] => {
      const app = byName.get(name);
      return app && !invalid.has(name) ? (this.stacks[app.stack].objectNames?.(name, app.settings as never, stageName) ?? []) : [];
    };
    // a stage name too long for its own Namespace's label is reported once, not again for every app
    const names = nameProblems.length ? [] : appNameProblems(stageFile.apps, stageName, objectNames);
    const problems = [...nameProblems, ...[...schemaProblems, ...instanceProblems, ...names].map(place)];
    if (problems.length) fail(problems);
    const namespace = stageNamespace(stageFile.namespace, stageName);
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
    // a setting refused by its secret-looking name that secrets.allow names is left to the screen of the
    // output (lib/stage-secrets.ts), which excuses it there and lists the exception
    const allowed = new Set((stageFile.secrets?.allow ?? []).map((a) => a.path));
    const warnedCodes = new Map<string, Set<string>>();
    const refined = instances.apps.flatMap(({ name, stack, settings }) =>
      (this.stacks[stack]!.refine?.(settings as never, context, name, instances.apps) ?? []).flatMap((p) => {
        const path = ['apps', name, ...p.path];
        if (p.code === 'config/secret-value' && allowed.has(dotted(path))) return [];
        if (p.severity === 'warning') warnedCodes.set(name, (warnedCodes.get(name) ?? new Set()).add(p.code));
        return [place({ ...p, path, message: `${dotted(path)} ${p.message}` })];
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
    // in the file's order, as errors are: each stack says its warnings by kind (commands, then replicas, ...), not by line
    const warnings = refined.filter((p) => p.severity === 'warning').sort(comparePlaces);
    const images = refineStageImages(stageFile.images).map(place);
    if (refined.length > warnings.length || edge.length || images.length) fail([...refined, ...edge, ...images]);
    // one Secret name both made outside stagecraft (an Ingress's TLS Secret, secrets.external) and made by the stage: refused for every command
    const madeOutside = secretsMadeOutside(stageFile);
    const outsideNames = new Set(madeOutside.map((s) => s.name));
    // an app's Secret that secrets.external names is that one (a cert-manager client certificate mounted by secretFiles):
    // made outside, its keys checked against those listed there like any pod's
    const declared = instances.apps.flatMap(({ name, stack, settings }) =>
      (this.stacks[stack]!.secrets?.(name, settings as never, context) ?? []).map((declaration) => ({
        app: name,
        declaration: outsideNames.has(declaration.name) && !declaration.external ? { ...declaration, external: true } : declaration,
      })),
    );
    const settingsOf = new Map(instances.apps.map((a) => [a.name, a.settings]));
    // a Secret declared by a mapping (`secrets: { shared: { A: a } }`) is named by its key
    const placeDeclared = (app: string, path: FieldPath) => {
      const last = path[path.length - 1];
      const value = valueAt(settingsOf.get(app), path);
      return typeof last === 'string' && typeof value === 'object' && value !== null
        ? locate(['apps', app, ...path.slice(0, -1)], last)
        : locate(['apps', app, ...path]);
    };
    const store = stageFile.secretStore !== undefined;
    const conflicts = secretKindConflicts(declared, placeDeclared, store);
    // secrets.external: each name once, and an app reads only the keys listed there
    const external = externalSecretProblems(madeOutside, declared, (path) => locate(path), placeDeclared);
    if (conflicts.length || external.length) fail([...conflicts, ...external, ...warnings]);
    const secrets = declared.map((d) => d.declaration);
    const locateSecret = (name: string) => {
      const d = declared.find((x) => x.declaration.name === name);
      const outside = d ? undefined : madeOutside.find((x) => x.name === name);
      return d ? placeDeclared(d.app, d.declaration.path) : outside && locate(outside.path);
    };
    return { context, apps: instances.apps, file: stageFile, source: file, locate, locateSecret, warnings, warnedCodes, secrets };
  }
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
