/**
 * The names a stage file gives, and those made from them: the stage's (its file name), which must
 * be a DNS-1123 label that leaves room for its Namespace's instance label; its apps' (the keys
 * under `apps:`), each refused at its key when a name made from it (the instance label of its
 * objects, a name of one of the stack's objects) would be longer than it may be; and an app that is
 * no stack and names none, most likely a misspelled stack. Pure.
 */
import type { Problem } from '../errors.js';
import type { ObjectName } from '../stack.js';
import { DNS1035_LABEL, maxNameLength, nameRuleOf } from '../model/object-names.js';
import { DNS_LABEL_PATTERN } from './types.js';
import { INSTANCE_LABEL, MAX_LABEL_VALUE, instanceLabel } from '../model/labels.js';
import { APP_NAME, NAMESPACE_CHART } from './stage-schema.js';
import { formatFieldPath as dotted } from '../model/field-path.js';
import { MAX_QUOTED_CHARS, shorten } from '../model/limits.js';
import { didYouMean } from '../model/did-you-mean.js';
import { detectSecretOrEncoded, maskValue } from '../model/secret-rules.js';
import { settingNames, type PathProblem } from './validate.js';

/**
 * The problems of the stage name `stageName` (the name of the stage file `file`), placed at the file's start.
 * @param stages the names of the project's stage files, so that a new name suggested is not one of them
 *   (`Lab.yaml` beside `lab.yaml`: renaming it so would overwrite lab.yaml)
 */
export function stageNameProblems(stageName: string, file: string, stages: readonly string[] = []): Problem[] {
  if (!new RegExp(DNS_LABEL_PATTERN).test(stageName) || stageName.length > MAX_LABEL_VALUE) {
    const like = stageNameLike(stageName);
    const rule = `lowercase letters, digits and '-', at most ${MAX_STAGE_NAME} characters`;
    return [
      {
        code: 'config/stage-name',
        location: { file, line: 1, column: 1 },
        message: `the stage name '${shorten(stageName)}' (the file name) is not a DNS-1123 label`,
        hint: stages.includes(like)
          ? `${file.replace(/[^\\/]*$/, '')}${like}.yaml exists already, so renaming the file to it would overwrite it: merge the two files into ${like}.yaml and remove this one, or rename the file to a free name of ${rule}, e.g. '${freeName(like, stages)}.yaml'`
          : `rename the file to ${rule}, e.g. '${like}.yaml'`,
      },
    ];
  }
  if (!fitsInstanceLabel(NAMESPACE_CHART, stageName)) {
    return [
      {
        code: 'config/instance-label',
        location: { file, line: 1, column: 1 },
        message: `the stage name '${shorten(stageName)}' (the file name) is too long: the label ${INSTANCE_LABEL} of the stage's Namespace would be '${shorten(instanceLabel(NAMESPACE_CHART, stageName))}', longer than the ${MAX_LABEL_VALUE} characters a label value may have`,
        hint: `rename the file to a stage name of at most ${MAX_STAGE_NAME} characters ('${NAMESPACE_CHART}' + '-' + stage name is at most ${MAX_LABEL_VALUE} characters)`,
      },
    ];
  }
  return [];
}

const APP_NAME_PATTERN = new RegExp(APP_NAME.pattern);
/** Whether `name` is a valid key under `apps:` (the stage schema says why another is not). */
export const isAppName = (name: string) =>
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

/** `<like>-2` (or `-3`, ...), the first that is not one of `stages`, at most MAX_STAGE_NAME characters. */
function freeName(like: string, stages: readonly string[]): string {
  for (let n = 2; ; n++) {
    const name = `${like.slice(0, MAX_STAGE_NAME - `-${n}`.length).replace(/-+$/, '')}-${n}`;
    if (!stages.includes(name)) return name;
  }
}

/** Whether the app's instance label is a label value: app and stage names are DNS-1123 labels, so only its length can fail. */
const fitsInstanceLabel = (app: string, stage: string) => instanceLabel(app, stage).length <= MAX_LABEL_VALUE;

/** `'name' (N characters)`, shortened when it is long (then the length is said inside the quotes). */
const quotedWithLength = (s: string) => (s.length > MAX_QUOTED_CHARS ? `'${shorten(s)}'` : `'${s}' (${s.length} characters)`);

/**
 * Whether a name a setting gives is refused by its kind's grammar: the settings' schema takes
 * DNS-1123 labels, so only a Service's (a DNS-1035 label) can be, by a digit first. A name made
 * from the app's name starts as the app's does, and the Service named after the app is the checks'.
 */
const startsWithoutLetter = (o: ObjectName) => o.given === true && nameRuleOf(o.kind).rule === 'dns1035' && !DNS1035_LABEL.test(o.name);

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
 * a setting gives is refused at that setting, too long or a Service's not starting with a letter.
 * One look at each app's name and its objects' names.
 */
export function appNameProblems(apps: unknown, stage: string, objectNames: (app: string) => readonly ObjectName[]): PathProblem[] {
  if (apps === null || typeof apps !== 'object') return [];
  const problems: PathProblem[] = [];
  for (const name of Object.keys(apps)) {
    if (!isAppName(name)) continue; // the stage schema says why
    // almost every app: each name fits, and no message is made
    const names = objectNames(name);
    if (
      instanceLabel(name, stage).length <= MAX_LABEL_VALUE &&
      names.every((o) => o.name.length <= (maxNameLength(o.kind) ?? Number.POSITIVE_INFINITY) && !startsWithoutLetter(o))
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
      } else if (startsWithoutLetter(o) && o.setting) {
        problems.push({
          code: 'config/object-name',
          path: ['apps', name, ...o.setting],
          message: `${dotted(['apps', name, ...o.setting])} names the ${o.kind} '${shorten(o.name)}', which does not start with a letter, as a ${o.kind}'s name must (a DNS-1035 label: it is a host name in the cluster)`,
          hint: "start it with a letter (lowercase letters, digits and '-', ending with a letter or digit)",
        });
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

/** Where a stack of a team's own becomes known (README 'Your own stack', step 2). */
const LIST_YOUR_STACK = 'is known once apps/index.ts imports it and lists it in STACKS';

/**
 * An app under `apps:` that is neither a stack nor says which stack it is an instance of is most
 * likely a misspelled stack, or a team's own stack not yet listed in STACKS: say so, rather than
 * that `stack:` is missing.
 */
export function unknownStack(p: PathProblem, stacks: readonly string[]): PathProblem {
  if (p.code !== 'config/missing' || p.path.length !== 2 || p.path[0] !== 'apps' || !p.message.endsWith("'stack'")) return p;
  const name = String(p.path[1]);
  const guess = didYouMean(name, stacks);
  const secret = detectSecretOrEncoded(name) !== undefined;
  return {
    code: 'config/unknown-stack',
    path: ['apps'],
    key: name,
    // a name that looks like a secret (a token pasted as a key, and a valid name: glpat-...) is not printed, as the schema's keys are not
    message: `${secret ? `apps: ${maskValue(name, 'key')}` : `apps.${name}`} is not a stack${guess ? `; did you mean '${guess}'?` : ` (the stacks are: ${stacks.join(', ')})`}`,
    hint:
      'to deploy another instance of a stack under this name, add `stack: <stack name>` to its settings; ' +
      `a stack of your own (apps/${secret ? '<its name>' : name}.ts) ${LIST_YOUR_STACK}`,
  };
}

/**
 * `stack:` naming a stack there is not, and none close (a misspelled one has the schema's did you
 * mean): a team's own not yet listed in STACKS, as `unknownStack` says of an app named after it.
 * The hint does not repeat the value, which the message shows as the schema's messages show values.
 */
export function unlistedStack(p: PathProblem, stacks: readonly string[], named: (app: string) => unknown): PathProblem {
  if (p.path.length !== 3 || p.path[0] !== 'apps' || p.path[2] !== 'stack' || p.hint !== undefined) return p;
  const stack = named(String(p.path[1]));
  // one close to a stack's name is that stack misspelt: the message says which (did you mean)
  if (typeof stack !== 'string' || stacks.includes(stack) || didYouMean(stack, stacks)) return p;
  return { ...p, hint: `a stack of your own (apps/<its name>.ts) ${LIST_YOUR_STACK}` };
}

/**
 * An unknown setting of an app that its own stack takes nested (`host:` on a `service` app, which
 * has `ingress.host`), or that another stack takes (`schedule:` on a `service` app, from a newcomer
 * who wants the service's nightly job). The hint says the nested setting, or else names the other
 * stack, since what it makes is an app of its own, not a setting of this one; a key that more than
 * MAX_OTHER_STACKS stacks take (`image:`) says nothing of them. `schemaOf` gives each stack's settings
 * schema, `stackOf` an app's stack. A key near one of the app's own settings keeps its did-you-mean alone.
 */
export function otherStackSetting(
  p: PathProblem,
  schemaOf: (stack: string) => unknown,
  stacks: readonly string[],
  stackOf: (app: string) => string | undefined,
): PathProblem {
  if (p.code !== 'config/unknown-key' || p.key === undefined || p.hint !== undefined || p.path.length !== 2 || p.path[0] !== 'apps')
    return p;
  const own = stackOf(String(p.path[1]));
  const key = p.key;
  if (own === undefined || didYouMean(key, settingNames(schemaOf(own))) !== undefined) return p;
  const nested = nestedSettings(schemaOf(own) as SettingsSchema, key);
  if (nested.length) {
    const shown = nested.slice(0, MAX_NESTED_SHOWN);
    const more = nested.length > shown.length ? `, ${shown.pop()} or another` : shown.length > 1 ? ` or ${shown.pop()}` : '';
    return { ...p, hint: `'${own}' takes '${shorten(key)}' under another setting: did you mean ${shown.join(', ')}${more}?` };
  }
  const others = stacks.filter((s) => s !== own && settingNames(schemaOf(s)).includes(key));
  if (others.length === 0 || others.length > MAX_OTHER_STACKS) return p;
  const which = others.map((s) => `'${s}'`).join(', ');
  return {
    ...p,
    hint: `'${shorten(key)}' is a setting of the ${which} stack${others.length > 1 ? 's' : ''}, not of '${own}': what ${others.length > 1 ? 'they make' : 'it makes'} is an app of its own, another key under apps: with ${others.map((s) => `stack: ${s}`).join(' or ')}`,
  };
}

/** More stacks than this taking a key (`image:`) make a hint that names them a list to read past, not a lead. */
const MAX_OTHER_STACKS = 2;
/** The nested settings a hint names at most (`demoapp`'s `command` is in three probes). */
const MAX_NESTED_SHOWN = 3;
/** How deep below an app's settings a key is looked for (the demoapp's `database.backup.schedule` is 3). */
const MAX_NESTED_DEPTH = 5;

/** A settings schema as JSON Schema reads it: the keywords that lead to the settings below a setting. */
type SettingsSchema = {
  readonly properties?: Readonly<Record<string, SettingsSchema>>;
  readonly patternProperties?: Readonly<Record<string, SettingsSchema>>;
  readonly additionalProperties?: SettingsSchema | boolean;
  readonly items?: SettingsSchema;
  readonly anyOf?: readonly SettingsSchema[];
  readonly oneOf?: readonly SettingsSchema[];
  readonly then?: SettingsSchema;
  readonly else?: SettingsSchema;
};

/**
 * Where `key` is a setting below the top of `schema`, shallowest first, as dotted paths
 * (`ingress.host`; `ports.<name>.nodePort` under a mapping's keys, `sidecars[].image` under a list's items).
 */
function nestedSettings(schema: SettingsSchema, key: string): string[] {
  const found: string[] = [];
  let level: (readonly [string, SettingsSchema])[] = [['', schema]];
  for (let depth = 0; depth < MAX_NESTED_DEPTH && level.length; depth++) {
    level = level.flatMap(([path, node]) => {
      if (depth > 0 && node.properties && Object.hasOwn(node.properties, key)) found.push(`${path}.${key}`);
      const join = (k: string) => (path ? `${path}.${k}` : k);
      const values = [
        ...Object.values(node.patternProperties ?? {}),
        ...(typeof node.additionalProperties === 'object' ? [node.additionalProperties] : []),
      ];
      return [
        ...Object.entries(node.properties ?? {}).map(([k, v]) => [join(k), v] as const),
        ...values.map((v) => [join('<name>'), v] as const),
        ...(node.items ? [[`${path}[]`, node.items] as const] : []),
        // the forms a setting may take (a name, or a mapping): their settings are the setting's own
        ...[...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.then ? [node.then] : []), ...(node.else ? [node.else] : [])].map(
          (v) => [path, v] as const,
        ),
      ];
    });
  }
  return [...new Set(found)];
}

/**
 * An app named after a stack is that stack's instance, whose settings are the stack's: a `stack:`
 * in it cannot make it another stack's (`flannel: { stack: manifests, include: [...] }`, as a team
 * bringing its kube-flannel.yml would write). Said once at `stack:`, in place of what the stack's
 * schema makes of the other settings (unknown `include`, missing `paths`...), with the rename.
 * Returns the problems to report: `problems` with those of such apps replaced.
 */
export function stackNamedApps(problems: readonly PathProblem[], apps: unknown, stacks: readonly string[]): PathProblem[] {
  const named = new Map<string, string>();
  if (apps !== null && typeof apps === 'object')
    for (const [name, entry] of Object.entries(apps)) {
      const stack = entry !== null && typeof entry === 'object' ? (entry as { stack?: unknown }).stack : undefined;
      if (stacks.includes(name) && typeof stack === 'string') named.set(name, stack);
    }
  if (named.size === 0) return [...problems];
  // the named stack's schema refuses stack: (and, for another stack, the other's settings): said once below;
  // an app that names its own stack keeps its other problems, which are real
  const own = (p: PathProblem) => {
    if (p.path[0] !== 'apps' || p.path.length < 2 || !named.has(String(p.path[1]))) return false;
    return named.get(String(p.path[1])) !== p.path[1] || p.key === 'stack' || p.path[2] === 'stack';
  };
  return [
    ...problems.filter((p) => !own(p)),
    ...[...named].map(
      ([name, stack]): PathProblem => ({
        code: 'config/stack-named-app',
        path: ['apps', name],
        key: 'stack',
        message:
          stack === name
            ? `apps.${name}.stack: an app named after a stack is that stack's instance already`
            : `apps.${name}.stack: an app named after a stack is that stack's instance ('${name}'), so stack: ${stack} cannot make it another`,
        hint:
          stack === name
            ? 'remove stack:'
            : `give the app a name of its own (its objects and output file are named after it), such as '${name}-${stack}', and keep stack: ${stack}; or remove stack: to deploy the ${name} stack`,
      }),
    ),
  ];
}
