/**
 * Secret values in a stage file, and in what it produces: every string of the stage file is
 * screened by content (lib/model/secret-rules.ts), the values of its `x-` blocks (which no stack
 * reads, so no stack's refine screens) by their key's name too, and every secret the checks found in the
 * rendered objects (lib/checks/secrets.ts) is traced back to the setting it came from, so that
 * it is reported at that setting's `file:line:col` instead of at the object. A stage declares
 * values that only look secret under `secrets.allow` (each by its setting, with a reason); the
 * exceptions it used are listed in the synth summary. No message prints a value. Pure.
 */
import { LineCounter, Scalar, isScalar, parseDocument, type Document } from 'yaml';
import { escapeName, type Problem, type SourceLocation } from './errors.js';
import type { Finding } from './checks/finding.js';
import { SECRET_CODES } from './checks/secrets.js';
import { secretStrings, type SecretString } from './checks/secret-strings.js';
import { placeIn, secretsSaid, withinValue, type ValuePlace } from './checks/secret-places.js';
import { SECRET_ALLOW_ANNOTATION } from './checks/secret-exceptions.js';
import { locateKey, locateValue, type KeyPath } from './config/locate.js';
import { formatFieldPath as dotted } from './model/field-path.js';
import { CONTENT_HASH_LENGTH, describeObject, type KubeObject } from './model/object.js';
import { describeSecret, detectSecret, detectSecretInExample, isSecretSetting, maskValue, type SecretRule } from './model/secret-rules.js';
import { detectSecrets } from './model/value-secrets.js';
import { isProseReason } from './model/secret-reasons.js';
import { NAME } from './model/secret-shapes.js';
import { EXTENSION_KEY } from './config/stage-schema.js';
import { MAX_FILE_BYTES, MAX_STAGE_ALIASES } from './model/limits.js';
import { REPOSITORY_CREDENTIALS_HINT, REPOSITORY_URL, repositoryCredentials } from './config/repository-credentials.js';
import { commentSecretProblems, eachSettingString, inExampleFile, secretSettings, secretsFile } from './secrets.js';

/** One `secrets.allow` entry of a stage file. */
export interface SecretAllowance {
  readonly path: string;
  readonly reason: string;
}

export interface ScreenedStage {
  /** Secret values of the stage file (and of its output, traced back to it), unused or unknown exceptions. */
  readonly problems: readonly Problem[];
  /** The checks' findings without those traced back to the stage file. */
  readonly findings: readonly Finding[];
  /** The synth summary's lines for the exceptions used: `secret allowed: <setting> (<what>): <reason>`. */
  readonly allowed: readonly string[];
}

/**
 * An object as messages about a secret name it: a content hash in its name (`demoapp-config-2549817bd9`)
 * is a hash of the secret too, from which a weak one could be guessed, so it is left out.
 */
function describeHolder(o: KubeObject): string {
  return describeObject(o).replace(new RegExp(`-[0-9a-f]{${CONTENT_HASH_LENGTH}}$`), '-<hash>');
}

/** Every string of the stage file's data with its key path (the exceptions' own section aside). */
function stageStrings(data: unknown): { path: KeyPath; value: string }[] {
  const out: { path: KeyPath; value: string }[] = [];
  eachSettingString(data, (value, path) => out.push({ path: [...path], value }));
  return out;
}

/**
 * The values of the stage file's `x-` blocks (`x-defaults:`, which stagecraft ignores) whose key
 * names a secret (`password: hunter2`, a number too): no stack reads them, so no stack's refine
 * says what it says of `apps.api.env.DB_PASSWORD`, and the block is committed with the file.
 */
function extensionSecrets(data: unknown): { path: KeyPath; value: string; key: string }[] {
  const out: { path: KeyPath; value: string; key: string }[] = [];
  // `key`: the nearest key above (a list item is named by its list's); an item of a name's shape names what the list is of, as
  // in a file's text (secret-list-rules.ts: `tokens: [access, refresh]`, `apiKeys: [payments-service]`)
  const walk = (node: unknown, path: KeyPath, key: string, item = false) => {
    if (typeof node === 'string' || (typeof node === 'number' && Number.isFinite(node))) {
      if (!(item && typeof node === 'string' && NAME(node)) && isSecretSetting(key, String(node)))
        out.push({ path, value: String(node), key });
    } else if (Array.isArray(node)) for (const [i, x] of node.entries()) walk(x, [...path, i], key, true);
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...path, k], k);
  };
  if (data !== null && typeof data === 'object')
    for (const [top, block] of Object.entries(data)) if (EXTENSION_KEY.test(top)) walk(block, [top], top);
  return out;
}

/**
 * Whether the stage value `t` is where the output's secret `s` came from: the same value, or one
 * holding the secret; a secret setting (`flagged`) also when the output value was built from it.
 */
function cameFrom(t: string, s: SecretString, flagged: boolean): boolean {
  if (t === s.value || t === s.secret || (s.secret.length >= 8 && t.includes(s.secret))) return true;
  return flagged && t.length >= 8 && s.value.includes(t);
}

interface Hit {
  readonly path: KeyPath;
  readonly value: string;
  rule?: SecretRule;
  /** How a client on a command line is given it (`redis-cli -a <password>`), with `rule`. */
  given?: string;
  key?: string;
  readonly into: Set<string>;
}

/**
 * Where in a stage value of several lines (a file a ConfigMap holds) its secret is, as the checks say
 * it in dist/ (`on line 3 of the value (setting 'requirepass')`): where the value's own match of the rule is.
 */
function placeOf(hit: Hit): ValuePlace {
  if (!hit.rule) return {};
  // (in a file of examples, the first that looks real: an example before it is none)
  const match = inExampleFile(hit.path) ? detectSecretInExample(hit.value) : detectSecret(hit.value);
  return match?.rule.id === hit.rule.id ? placeIn(hit.value, match) : {};
}

/**
 * What a hit's value holds and where, each said on its own: every secret of a value that holds several (`secretsSaid`, as the
 * checks say them in dist/); the hit's own (its rule, or its key's name) for a value of one.
 */
function secretsOf(hit: Hit): { what: string; place: ValuePlace; among: string }[] {
  const several = hit.rule ? secretsSaid(hit.value, detectSecrets(hit.value, inExampleFile(hit.path))) : [];
  if (several.length > 0) return several;
  const what = hit.rule ? describeSecret(hit.rule, hit.given) : `the value of '${hit.key}', whose name says it is secret`;
  return [{ what, place: placeOf(hit), among: '' }];
}

/**
 * Screens one stage: `data` is its validated stage file, `findings` what the checks found in its
 * rendered objects.
 */
export function screenStageSecrets(
  source: { readonly stage: string; readonly file: string; readonly text: string },
  data: unknown,
  findings: readonly Finding[],
): ScreenedStage {
  /** Every string with its path, made once a secret finding or `secrets.allow` needs them (most stages have neither). */
  let all: { path: KeyPath; value: string }[] | undefined;
  const strings = () => (all ??= stageStrings(data));
  /** The dotted paths of the stage's values, made once `secrets.allow` names one. */
  let paths: Set<string> | undefined;
  const isValuePath = (path: string) => (paths ??= new Set(strings().map((s) => dotted(s.path)))).has(path);
  const hits = new Map<string, Hit>();
  /** Keys that are secrets (a token pasted as a key), with where they are: reported without being printed, and never excused. */
  const secretKeys = new Map<string, { path: KeyPath; rule: SecretRule; into: Set<string> }>();
  for (const found of secretSettings(data)) {
    if (!found.atKey)
      hits.set(dotted(found.path), { path: found.path, value: found.value, rule: found.rule, given: found.given, into: new Set() });
    else if (!secretKeys.has(found.value)) secretKeys.set(found.value, { path: found.path, rule: found.rule, into: new Set() });
  }
  for (const { path, value, key } of extensionSecrets(data)) {
    if (!hits.has(dotted(path))) hits.set(dotted(path), { path, value, key, into: new Set() });
  }

  const rest: Finding[] = [];
  for (const f of findings) {
    if (!SECRET_CODES.has(f.code)) {
      rest.push(f);
      continue;
    }
    const at = dotted(f.path);
    const secret = secretStrings(f.object).find((s) => dotted(s.path) === at);
    const fromKey = secret?.atKey ? secretKeys.get(secret.value) : undefined;
    if (fromKey) {
      fromKey.into.add(describeHolder(f.object));
      continue;
    }
    const origin =
      secret &&
      (strings().find((t) => hits.has(dotted(t.path)) && cameFrom(t.value, secret, true)) ??
        strings().find((t) => cameFrom(t.value, secret, false)));
    if (!secret || !origin) {
      rest.push(f);
      continue;
    }
    const key = dotted(origin.path);
    const hit = hits.get(key) ?? { path: origin.path, value: origin.value, into: new Set<string>() };
    if (hit.rule === undefined) {
      hit.rule = secret.rule;
      hit.given = secret.given;
    }
    hit.key ??= secret.key;
    hit.into.add(`${describeHolder(f.object)} (${at})`);
    hits.set(key, hit);
  }

  let doc: { doc: Document; lines: LineCounter } | undefined;
  const locate = (path: KeyPath) => {
    if (!doc) {
      const lines = new LineCounter();
      doc = { doc: parseDocument(source.text, { lineCounter: lines }), lines };
    }
    return locateValue(doc.doc, doc.lines, source.file, path);
  };
  /** Where the last key of `path` is written (a secret pasted as a key is said at the key, not at its value). */
  const locateKeyOf = (path: KeyPath): SourceLocation => {
    const at = locate(path.slice(0, -1));
    return doc ? locateKey(doc.doc, doc.lines, source.file, path.slice(0, -1), String(path[path.length - 1])) : at;
  };
  /**
   * Where a secret on line `valueLine` of the value at `path` is written: in a literal block scalar
   * (`redis.conf: |`), whose lines are the file's, that line of the file, at its first character that is no blank;
   * elsewhere (a quoted value's `\n`, a folded block) the value's start.
   */
  const locateIn = (path: KeyPath, value: string, place: ValuePlace): SourceLocation => {
    const at = locate(path);
    // a secret on a value's first line is said without its line (placeIn), but placed there all the same: in a literal block
    // that is the line after its header (a private key's BEGIN line under `tls.key: |`), not the header's `|`
    const valueLine = place.valueLine ?? (value.includes('\n') ? 1 : undefined);
    if (valueLine === undefined || !doc) return at;
    const node = doc.doc.getIn(path, true);
    if (!isScalar(node) || node.type !== Scalar.BLOCK_LITERAL || node.value !== value) return at;
    // the header (`|`) is on the line the value starts on; each line of the value on one of the lines after it
    const text = value.split('\n')[valueLine - 1] ?? '';
    const start = doc.lines.lineStarts[at.line - 1 + valueLine];
    const end = doc.lines.lineStarts[at.line + valueLine] ?? source.text.length;
    const line = start === undefined ? '' : source.text.slice(start, end).replace(/\r?\n$/, '');
    // (the value's line is the file's without the block's indentation: anything else, and the value's start is said)
    const indent = line.length - text.length;
    if (text === '' || indent < 0 || !line.endsWith(text) || line.slice(0, indent).trim() !== '') return at;
    return { file: source.file, line: at.line + valueLine, column: line.search(/\S/) + 1 };
  };

  const problems: Problem[] = [];
  const allowed: string[] = [];
  const allow = (data as { secrets?: { allow?: SecretAllowance[] } }).secrets?.allow ?? [];
  const allowedPaths = new Set<string>();
  // an exception excuses one secret, as an object's does (lib/checks/secrets.ts): a value holding more is said whole, each secret
  const crowded = new Map<string, number>();
  allow.forEach((a, i) => {
    const at = ['secrets', 'allow', i, 'path'];
    const hit = hits.get(a.path);
    const count = hit?.rule ? detectSecrets(hit.value, inExampleFile(hit.path)).length : 1;
    if (hit && count > 1) crowded.set(a.path, count);
    else if (hit) {
      allowedPaths.add(a.path);
      allowed.push(
        escapeName(
          `secret allowed: ${a.path} (${hit.rule ? describeSecret(hit.rule, hit.given) : `the value of '${hit.key}'`}): ${a.reason}`,
        ),
      );
    } else if (isValuePath(a.path)) {
      problems.push({
        code: 'secrets/allow-unused',
        location: locate(at),
        message: `secrets.allow[${i}] excuses ${a.path}, whose value does not look secret: the exception excuses nothing`,
        hint: 'remove the exception',
      });
    } else {
      problems.push({
        code: 'secrets/allow-unknown',
        location: locate(at),
        message: `secrets.allow[${i}] names ${a.path}, which is no value of this stage file`,
        hint:
          'name a setting whose value is a string, as a dotted path such as apps.demoapp.config.CA_BUNDLE (list items as [0]); ' +
          `a value of a manifests app's included file is excused on its object, in that file: annotation ${SECRET_ALLOW_ANNOTATION}: "<field> (<kind>): <reason>"`,
      });
    }
  });

  // the exceptions' own section is text (paths, reasons, names), screened as such and never excused: a reason that quotes a
  // secret (the key it replaced) would be committed with the file, and printed in the synth summary's 'secret allowed:' line
  for (const found of secretSettings((data as { secrets?: unknown }).secrets)) {
    // a reason is prose: one that names a secret's kind (`password: managed by Vault`) holds none
    if (found.path.length === 3 && found.path[0] === 'allow' && found.path[2] === 'reason' && isProseReason(found.value)) continue;
    const path = ['secrets', ...found.path];
    problems.push({
      code: 'secrets/value',
      location: found.atKey ? locateKeyOf(path) : locate(path),
      message:
        `${found.atKey ? `a key under ${dotted(path.slice(0, -1))}` : dotted(path)} holds ${describeSecret(found.rule, found.given)} ${maskValue(found.value, found.atKey ? 'key' : 'value')}; ` +
        'stage files are committed, so secret values never go in them, nor in the exceptions that excuse one',
      hint: 'remove it: secrets: is text (the settings excused, the reasons, the names), screened as such and never excused; say why a value is not secret without quoting a secret',
    });
  }

  // a comment is committed with the file, and no setting holds it: said at the comment, and never excused
  problems.push(
    ...commentSecretProblems(
      source.text,
      source.file,
      'stage files are',
      `keep the value in ${secretsFile(source.stage)} (git-ignored) or the environment; secrets.allow excuses no comment`,
    ),
  );

  for (const [key, hit] of hits) {
    // credentials in the repository URL would go into the engine's objects: said as such, and no exception excuses them
    const credentials = key === REPOSITORY_URL ? repositoryCredentials(hit.value) : undefined;
    if (credentials) {
      const excused = allowedPaths.has(key) ? ` (secrets.allow excuses no credentials in ${key})` : '';
      problems.push({
        code: credentials.code,
        location: locate(hit.path),
        message: `${key}: ${credentials.message}${excused}`,
        hint: credentials.hint,
      });
      continue;
    }
    if (allowedPaths.has(key)) continue;
    const into = [...hit.into].sort();
    const allowHint = crowded.has(key)
      ? `secrets.allow excuses a value of one secret: take the others out of ${key}, or its exception out of secrets.allow`
      : `if it is not secret, add { path: ${key}, reason: <why> } under secrets.allow`;
    const excused = crowded.has(key) ? ` (secrets.allow excuses one secret, and ${key} holds ${crowded.get(key)})` : '';
    const messages = secretsOf(hit).map(
      ({ what, place, among }) =>
        [
          place,
          `${key} holds ${what}${withinValue(place)}${among} ${maskValue(hit.value)}${into.length ? `, which would go into ${into.join(', ')}` : ''}${excused}; ` +
            'stage files and dist/ are committed, so secret values never go in them',
        ] as const,
    );
    for (const [index, [place, message]] of messages.entries())
      problems.push({
        code: hit.rule ? 'secrets/value' : 'secrets/key-name',
        location: locateIn(hit.path, hit.value, place),
        message,
        // a series: sorted as one message, in the order counted (not 'a GitHub token' before 'a setting', 'secret 10' before '2')
        ...(messages.length > 1 ? { series: { first: messages[0]![1], index } } : {}),
        hint:
          key === REPOSITORY_URL
            ? `write the URL without it, and ${REPOSITORY_CREDENTIALS_HINT}; ${allowHint}`
            : `put it in a Secret: declare its key (under the app's secrets:, or demoapp's database.secret.keys) and set the value in ${secretsFile(source.stage)} (git-ignored) ` +
              `or the environment (\`npm run secrets -- ${source.stage}\` prints the Secret); ${allowHint}`,
      });
  }
  for (const [key, hit] of secretKeys) {
    const into = [...hit.into].sort();
    problems.push({
      code: 'secrets/value',
      location: locateKeyOf(hit.path),
      message:
        `a key under ${dotted(hit.path.slice(0, -1))} is ${hit.rule.description} ${maskValue(key, 'key')}${into.length ? `, which would go into ${into.join(', ')}` : ''}; ` +
        'stage files and dist/ are committed, so secret values never go in them, as keys neither',
      hint: `rename the key, and put the secret in a Secret: declare its key and set the value in ${secretsFile(source.stage)} (git-ignored) or the environment`,
    });
  }
  return { problems, findings: rest, allowed: allowed.sort() };
}

/** What `screenStageSecrets` says of the stage file's own strings, whatever its output holds. */
const CONTENT_CODES: ReadonlySet<string> = new Set(['secrets/value', 'secrets/key-name']);

/**
 * The secret values of a stage file whose compilation stopped before its output was screened (a schema's or a stack's refusal,
 * `config/secret-value` of a setting named like a secret, a check's error): its strings, keys and `x-` blocks screened as they are
 * once it compiles, so that every problem is said at once, not one synth later (a URL's password beside a refused `DB_PASSWORD`).
 * Not whether its exceptions are used, which its output decides, nor a place `said` already names; none for a file that does not
 * parse.
 */
export function screenUnfinishedStage(
  source: { readonly stage: string; readonly file: string; readonly text: string },
  said: readonly Problem[],
): Problem[] {
  // a file past the reader's bound is not read again (its size is the loader's problem)
  if (source.text.length > MAX_FILE_BYTES) return [];
  const places = new Set(said.flatMap((p) => (p.location ? [`${p.location.file}:${p.location.line}:${p.location.column}`] : [])));
  try {
    const doc = parseDocument(source.text);
    if (doc.errors.length) return [];
    return screenStageSecrets(source, doc.toJS({ maxAliasCount: MAX_STAGE_ALIASES }), []).problems.filter(
      (p) => CONTENT_CODES.has(p.code) && !(p.location && places.has(`${p.location.file}:${p.location.line}:${p.location.column}`)),
    );
  } catch {
    // a value of a shape the loader refused (`secrets.allow: 3`), aliases past the reader's bound or nesting past the stack's: the
    // loader's problems say it
    return [];
  }
}
