/**
 * ajv validation of a stage file, with every error turned into a problem that names the setting,
 * what it must be and what was found.
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { didYouMean } from '../model/did-you-mean.js';
import type { PathProblem } from '../errors.js';
import type { KeyPath } from './locate.js';
import { formatFieldPath as dotted, fromAjvPath, valueAt } from '../model/field-path.js';
import { describeValue, shorten, yamlTagOf } from '../model/limits.js';
import { detectSecretOrEncoded, isSecretKey, maskValue } from '../model/secret-rules.js';
import { compileValidator } from '../model/validator-code.js';
import { lowercaseName } from '../model/image.js';
import { ownEntry } from '../model/object.js';
import { carelessQuantity } from '../model/quantity.js';
import { yaml11Boolean } from '../model/yaml11.js';
import { blankEndsHint } from '../model/blank-ends.js';
import { IMAGE_PATTERNS, QUANTITY_SETTING_PATTERN } from './types.js';
import { quotedText } from '../model/shown-values.js';

// ajv is published as CommonJS with a default export
const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;

/** Problems before they are located in the source: a key path and, for unknown keys, the key (a view of lib/errors.ts's problem). */
export type { PathProblem };

/** Words for what a schema accepts: "an integer >= 0", "one of 'amd64', 'arm'". */
export function describeSchema(s: Record<string, unknown>): string {
  if (typeof s.expected === 'string') return s.expected;
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => `'${v}'`).join(', ')}`;
  const range = (noun: string) => {
    const min = s.minimum as number | undefined;
    const max = s.maximum as number | undefined;
    if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
    if (min !== undefined) return `${noun} >= ${min}`;
    if (max !== undefined) return `${noun} <= ${max}`;
    return noun;
  };
  switch (s.type) {
    case 'integer':
      return range('an integer');
    case 'number':
      return range('a number');
    case 'boolean':
      return 'true or false';
    case 'array':
      return s.minItems ? `a list of at least ${plural(Number(s.minItems), 'item')}` : 'a list';
    case 'object':
      return 'a mapping';
    case 'string':
      if (s.pattern) return `a string matching ${s.pattern}`;
      if (s.minLength) return 'a non-empty string';
      return 'a string';
    default:
      return 'a valid value';
  }
}

/**
 * How the scalar `value` at `path` is written in the file (`01234`, which YAML reads as the number
 * 1234), when the caller knows; undefined when it does not.
 */
export type WrittenAt = (path: KeyPath, value: unknown) => string | undefined;

/** `/a/b/c`, `/a/b`, `/a`: an instance path and the paths above it. */
function* ancestors(instancePath: string): Generator<string> {
  for (let p = instancePath; p; p = p.slice(0, p.lastIndexOf('/'))) yield p;
}

export class SchemaValidator {
  private readonly validate: ValidateFunction;

  constructor(readonly schema: TSchema) {
    // optimize: false: compiling is most of the cost of a small synthesis, and ajv's optimizing pass over the generated code a good part of it;
    // the code is kept between runs when the CLI gives a store (lib/model/validator-code.ts)
    const options = { allErrors: true, verbose: true, strict: true, strictTuples: false } as const;
    this.validate = compileValidator(
      (source) => {
        const ajv = new Ajv({ ...options, code: { optimize: false, source } });
        ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
        ajv.addKeyword({ keyword: 'unknownKeyHints', schemaType: 'object' });
        return ajv;
      },
      schema,
      JSON.stringify({ options, keywords: ['expected', 'unknownKeyHints'] }),
    );
  }

  /**
   * Every problem in `data`, one per setting; `at` is where `data` sits in the file, `written`
   * how a scalar there is written (for the hint to quote a number given for a string as written).
   */
  problems(data: unknown, at: KeyPath = [], written?: WrittenAt): PathProblem[] {
    if (this.validate(data)) return [];
    // an error about a key's name comes twice: as `propertyNames`, and as the rule the name broke
    const errors = (this.validate.errors ?? []).filter(
      (e) => !['anyOf', 'oneOf', 'if'].includes(e.keyword) && e.propertyName === undefined,
    );
    const seen = new Set<string>();
    const out: PathProblem[] = [];
    // each unknown key's did-you-mean, made once: for its problem, and to tell a required setting misspelt
    const guesses = new Map(
      errors
        .filter((e) => e.keyword === 'additionalProperties')
        .map((e) => [e, didYouMean((e.params as { additionalProperty: string }).additionalProperty, knownKeys(e))] as const),
    );
    // a required setting misspelt (`maxReplica:`) is one problem, the unknown key with its did-you-mean, not also a missing setting
    const misspelt = new Set([...guesses].flatMap(([e, guess]) => (guess === undefined ? [] : [`${e.instancePath}|${guess}`])));
    // a key whose name is invalid is the one problem reported about it (not also what its value lacks)
    const badNames = new Set(
      errors
        .filter((e) => e.keyword === 'propertyNames')
        .map((e) => `${e.instancePath}/${(e.params as { propertyName: string }).propertyName}`),
    );
    for (const e of errors) {
      if (badNames.size && [...ancestors(e.instancePath)].some((p) => badNames.has(p))) continue;
      if (e.keyword === 'required' && misspelt.has(`${e.instancePath}|${(e.params as { missingProperty: string }).missingProperty}`))
        continue;
      const p = this.toProblem(e, data, at, written, guesses.get(e));
      const id = `${dotted(p.path)}|${p.key ?? ''}|${p.code}`;
      if (!seen.has(id)) {
        seen.add(id);
        out.push(p);
      }
    }
    return out;
  }

  /** @param guess an unknown key's did-you-mean (`additionalProperties`), made by `problems` */
  private toProblem(e: ErrorObject, data: unknown, at: KeyPath, written: WrittenAt | undefined, guess?: string): PathProblem {
    const local = fromAjvPath(e.instancePath);
    const path = [...at, ...local];
    const where = shorten(dotted(path), 200);
    const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = knownKeys(e);
      const hints = parent.unknownKeyHints as Record<string, unknown> | undefined;
      // a key that looks like a secret (a token pasted as a key) is not printed
      const secret = detectSecretOrEncoded(key) !== undefined;
      const full = dotted([...path, secret ? maskValue(key, 'key') : shorten(key)]);
      return {
        code: 'config/unknown-key',
        path,
        key,
        message:
          guess && !secret
            ? `${full} is not a known setting; did you mean '${guess}'?`
            : `${full} is not a known setting (known: ${known.join(', ') || 'none'})`,
        // a settings mapping may say why a field Kubernetes has is none of its settings (`unknownKeyHints`, ours as `expected` is)
        ...(typeof hints?.[key] === 'string' ? { hint: hints[key] } : {}),
      };
    }
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return {
        code: 'config/missing',
        path,
        message: `${where || 'the file'} is missing the required setting '${missing}'`,
      };
    }
    if (e.keyword === 'propertyNames') {
      const key = (e.params as { propertyName: string }).propertyName;
      const names = (parent.propertyNames ?? {}) as Record<string, unknown>;
      const meant = lowercaseImage(key, names.pattern);
      if (meant !== undefined) {
        return {
          code: 'config/key-name',
          path,
          key,
          message: `${where}: '${shorten(key)}' is not a valid name: repository names must be lowercase; did you mean '${shorten(meant)}'?`,
          hint: LOWERCASE_HINT,
        };
      }
      return {
        code: 'config/key-name',
        path,
        key,
        // a key that looks like a secret (a token pasted as a name) is not printed, as an unknown key is not
        message: `${where || 'the file'}: ${detectSecretOrEncoded(key) ? maskValue(key, 'key') : `'${shorten(key)}'`} is not a valid name; it must be ${describeSchema(names)}`,
      };
    }
    if (e.keyword === 'enum' && typeof e.data === 'string' && Array.isArray(parent.enum)) {
      const guess = didYouMean(e.data, parent.enum.map(String));
      if (guess) {
        return {
          code: 'config/enum',
          path,
          message: `${where} must be ${describeSchema(parent)} (found ${describeValue(e.data)}); did you mean '${guess}'?`,
        };
      }
    }
    if (e.keyword === 'minProperties') {
      // a mapping with nothing in it: it says nothing, and 'must be a mapping (found a mapping)' would not tell why
      return {
        code: 'config/minProperties',
        path,
        message: `${where} is empty: it needs at least ${(e.params as { limit: number }).limit} entry`,
        hint: 'give what it is for, or remove it',
      };
    }
    if (e.keyword === 'minItems') {
      // an empty list (`preStop: []`): 'must be a list of at least 1 (found a list)' would not tell why
      const limit = (e.params as { limit: number }).limit;
      const items = Array.isArray(e.data) ? e.data.length : 0;
      return {
        code: 'config/minItems',
        path,
        message:
          items === 0
            ? `${where} is empty: it needs at least ${plural(limit, 'item')}`
            : `${where} has ${plural(items, 'item')}: it needs at least ${limit}`,
        hint: items === 0 ? 'give what it is for, or remove it' : 'add the items it needs',
      };
    }
    if (e.keyword === 'uniqueItems') {
      // ajv's params: the two items that are equal (j the earlier); the later one is where to look
      const { i, j } = e.params as { i: number; j: number };
      return {
        code: 'config/uniqueItems',
        path: [...path, Math.max(i, j)],
        message: `${where} lists one item twice (items ${Math.min(i, j)} and ${Math.max(i, j)})`,
        hint: 'remove one of them',
      };
    }
    // a value under a secret-looking key, or that looks secret itself, is never echoed: messages end up in CI logs
    const value = valueAt(data, local);
    const meant = e.keyword === 'pattern' && typeof value === 'string' ? lowercaseImage(value, parent.pattern) : undefined;
    if (meant !== undefined) {
      return {
        code: 'config/pattern',
        path,
        message: `${where}: repository names must be lowercase (found ${describeValue(value)}); did you mean '${shorten(meant)}'?`,
        hint: LOWERCASE_HINT,
      };
    }
    const list = local.length ? valueAt(data, local.slice(0, -1)) : undefined;
    const secret = isSecretKey(path, value, list);
    // nothing written hides nothing: `DB_PASSWORD:` is said to be empty, not a 4-character value
    const found = secret && value !== null ? maskValue(value) : describeValue(value);
    // a value of the wrong shape (a list where a mapping goes, a mapping where a value goes): what the setting is, from its description
    const shape =
      e.keyword === 'type' && (['object', 'array'].includes(String(parent.type)) || (typeof value === 'object' && value !== null));
    // a number or true/false where a string goes (`PORT: 8080`): the same characters, quoted, as written in the file;
    // not a secret's value, which goes in a Secret instead (the secret screen says so once it is a string)
    // and nothing where a string goes (`EMPTY:`): the empty string, written out, when the setting takes it, and
    // under a secret's name (`DB_PASSWORD:`), where the empty string is refused as a secret's value too, a Secret
    const quote =
      e.keyword === 'type' && parent.type === 'string' && !secret && (typeof value === 'number' || typeof value === 'boolean')
        ? quoteHint(path, parent, written?.(path, value) ?? String(value))
        : e.keyword === 'type' && parent.type === 'string' && value === null
          ? secret
            ? emptySecretHint(quoteHint(path, parent, '', 'for no value, write'))
            : quoteHint(path, parent, '', 'for an empty value, write')
          : undefined;
    // true or false is all a boolean's hint prints, so a secret-looking name (automountServiceAccountToken) gets it too
    const unquote = e.keyword === 'type' && (!secret || parent.type === 'boolean') ? unquoteHint(path, parent, value) : undefined;
    // a blank before a path (`path: " /healthz"`): the value without it, unless that is a secret's
    const blank =
      e.keyword === 'pattern' && typeof value === 'string' && !secret && typeof parent.pattern === 'string'
        ? blankEndsHint(value, parent.pattern, describeValue)
        : undefined;
    const hint =
      yamlTagOf(value)?.hint ?? (shape && where ? settingHint(where, parent.description) : undefined) ?? quote ?? unquote ?? blank;
    return {
      code: `config/${e.keyword}`,
      path,
      message: `${where || 'the file'} must be ${describeSchema(parent)} (found ${found})`,
      ...(hint ? { hint } : {}),
    };
  }
}

/** The names of the settings of a mapping's `schema` (its `properties`), for a did-you-mean. */
export function settingNames(schema: unknown): string[] {
  return Object.keys(((schema ?? {}) as { properties?: object }).properties ?? {});
}

/** The settings a mapping knows, for the did-you-mean of a key it does not (an `additionalProperties` error). */
function knownKeys(e: ErrorObject): string[] {
  return settingNames(e.parentSchema);
}

/** `1 item`, `2 items`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * `quote it: PORT: "8080"`: what to write for the scalar at `path`, written as `written` (a list
 * item without its key), when that string is one the setting's `schema` takes (`architecture: 64`
 * is no architecture quoted either); `say` what comes before it.
 */
function quoteHint(path: KeyPath, schema: Record<string, unknown>, written: string, say = 'quote it:'): string | undefined {
  if (
    Array.isArray(schema.enum) ||
    (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(written)) ||
    written.length < Number(schema.minLength ?? 0)
  )
    return undefined;
  const key = path[path.length - 1];
  // `cpu: 500` quoted is 500 cores, which the next load warns of: the quantity meant is the fix, said at once
  // (of a quantity setting only: an environment variable named memory is the app's to read, in its own unit)
  const careless = typeof key === 'string' && schema.pattern === QUANTITY_SETTING_PATTERN ? carelessQuantity(key, written) : undefined;
  if (careless?.meant)
    return `write ${String(key)}: ${careless.meant} (quoted as it is, "${shorten(written)}" is ${careless.amount}: ${careless.why})`;
  return `${say} ${typeof key === 'string' && detectSecretOrEncoded(key) === undefined ? `${shorten(key)}: ` : ''}${quotedText(shorten(written))}`;
}

/** A number quoted, by the type of setting that takes it unquoted. */
const QUOTED_NUMBER: Readonly<Record<string, RegExp>> = { integer: /^-?[0-9]+$/, number: /^-?[0-9]+(\.[0-9]+)?$/ };

/**
 * For a setting left empty under a secret's name (`DB_PASSWORD:`): `""` where the setting takes it (`empty`, what to write),
 * since an empty value holds no secret and is accepted (`isSecretSetting`); for a value, a Secret.
 */
const emptySecretHint = (empty: string | undefined) =>
  `its name says it holds a secret, whose value never goes in a stage file: ${empty ? `${empty} (an empty value is no secret); for a value, ` : ''}read it from a Secret the app declares (a service app's secrets:), or remove it`;

/**
 * `write suspend: true`: for a string where true or false goes, a YAML 1.1 boolean (`yes`, `off`)
 * or a quoted `"true"`, and for a quoted number where a number goes (`"3"`) that the setting's
 * `schema` takes unquoted (not `"-1"` for a count), the value meant; undefined for any other value.
 */
function unquoteHint(path: KeyPath, schema: Record<string, unknown>, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const type = String(schema.type);
  const word = value.toLowerCase();
  const quoted =
    type === 'boolean'
      ? word === 'true' || word === 'false'
      : (ownEntry(QUOTED_NUMBER, type)?.test(value) ?? false) && inRange(Number(value), schema);
  // YAML 1.1's words for true and false (`yes`, `Off`), which YAML 1.2, the stage file's, reads as strings
  const meant = quoted ? word : type === 'boolean' ? yaml11Boolean(value) : undefined;
  if (meant === undefined) return undefined;
  const key = path[path.length - 1];
  const why = quoted ? 'without quotes: quoted, it is a string' : `YAML 1.2, which stagecraft reads, takes ${value} for a string`;
  return `write ${typeof key === 'string' ? `${shorten(key)}: ` : ''}${meant} (${why})`;
}

/** Whether `n` is within the `minimum` and `maximum` of a number's `schema` (those it has). */
function inRange(n: number, schema: Record<string, unknown>): boolean {
  return !(typeof schema.minimum === 'number' && n < schema.minimum) && !(typeof schema.maximum === 'number' && n > schema.maximum);
}

const LOWERCASE_HINT = 'write the registry and repository in lowercase; a tag may keep its capitals (nginx:1.25-Alpine)';

/**
 * For an image reference (`pattern` one of IMAGE_PATTERNS) refused only for capitals in its name
 * (`Team/API:1.0`, `hypriot/RPI-mysql`): the reference with its name in lowercase, which the
 * pattern accepts. Undefined for any other value, and for one that looks secret (never echoed).
 */
function lowercaseImage(value: string, pattern: unknown): string | undefined {
  if (typeof pattern !== 'string' || !IMAGE_PATTERNS.has(pattern) || detectSecretOrEncoded(value) !== undefined) return undefined;
  const meant = lowercaseName(value);
  return meant !== undefined && new RegExp(pattern, 'u').test(meant) ? meant : undefined;
}

/** `apps.api.ports: the container ports by name, each exposed by the Service`, from the setting's description without its `@default`. */
function settingHint(where: string, description: unknown): string | undefined {
  const what =
    typeof description === 'string'
      ? description
          .split(/\s*@default\b/)[0]
          .replace(/\.$/, '')
          .trim()
      : '';
  // lowered as the sentence goes on, but for an acronym's first letter (`URL path prefix`, not `uRL`)
  const said = /^\p{Lu}\p{Lu}/u.test(what) ? what : `${what.charAt(0).toLowerCase()}${what.slice(1)}`;
  return what ? `${where}: ${said} (environments/stage.schema.json describes every setting; editors show it)` : undefined;
}
