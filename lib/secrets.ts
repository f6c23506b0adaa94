/**
 * Secret values, kept out of the project: stage files declare Secrets by name and keys; the values
 * live in a git-ignored `.secrets/<stage>.env` or in environment variables, and `npm run secrets`
 * turns them into a Secret manifest on stdout. Pure: the CLI reads the file and the environment.
 */
import type { Problem, SourceLocation } from './errors.js';
import { didYouMean } from './model/did-you-mean.js';
import type { SecretDeclaration } from './stack.js';
import { compareCodePoints } from './model/order.js';
import {
  describeSecret,
  detectEncodedSecret,
  detectSecretInExample,
  detectSecretOrEncoded,
  isExampleFile,
  maskValue,
  type SecretRule,
} from './model/secret-rules.js';
import { commentSecrets } from './model/comment-secrets.js';
import { shownSetting } from './model/value-secrets.js';

/** Where a stage's secret values are kept, relative to the project root (git-ignored). */
export const secretsFile = (stage: string) => `.secrets/${stage}.env`;

/**
 * The comments of a settings file's text (a stage file, the project file) that hold secrets (`commentSecrets`), each said at its `#`
 * by the first and how many more, never printed, and never excused: a comment is committed with the file, and no setting holds
 * it. `committed` says what is committed (`stage files are`), `keep` where the value goes instead.
 */
export function commentSecretProblems(text: string, file: string, committed: string, keep: string): Problem[] {
  return commentSecrets(text).map(({ line, column, secrets }) => {
    const [first] = secrets;
    const more = secrets.length - 1;
    // the setting's name, by which the secret is found in the comment (the value hidden is the setting's text: `token: ...`)
    const setting = shownSetting(first!);
    return {
      code: 'secrets/value',
      location: { file, line, column },
      message:
        `a comment holds ${describeSecret(first!.rule, first!.given)}${setting !== undefined ? ` (setting '${setting}')` : ''} ${maskValue(first!.secret)}${more > 0 ? ` and ${more} more secret${more === 1 ? '' : 's'}` : ''}; ` +
        `${committed} committed, comments too, so secret values never go in them`,
      hint: `remove it from the comment (once committed, it stays in git's history: rotate it), and ${keep}`,
    };
  });
}

/**
 * Calls `visit` with every string of a settings file's data (a stage file, the project file) and its
 * key path, and `visitKey` with every key, the exceptions' own section (`secrets:` at the top) aside.
 * The path is one array, changed as the walk goes: a visitor that keeps it copies it.
 */
export function eachSettingString(
  data: unknown,
  visit: (value: string, path: readonly (string | number)[]) => void,
  visitKey?: (key: string, path: readonly (string | number)[]) => void,
): void {
  const path: (string | number)[] = [];
  const walk = (node: unknown) => {
    if (typeof node === 'string') visit(node, path);
    else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        walk(node[i]);
        path.pop();
      }
    } else if (node && typeof node === 'object') {
      for (const k in node) {
        if (!Object.hasOwn(node, k) || (path.length === 0 && k === 'secrets')) continue;
        visitKey?.(k, path);
        path.push(k);
        walk((node as Record<string, unknown>)[k]);
        path.pop();
      }
    }
  };
  walk(data);
}

/**
 * Whether a stage file's value at `path` is a file of examples by its name (`config.files[".env.example"]`, the ConfigMap's key
 * it becomes): its examples' values are no secret (`DB_PASSWORD=changeme`), as the checks judge that key.
 */
export const inExampleFile = (path: readonly (string | number)[]): boolean => {
  const name = path[path.length - 1];
  return typeof name === 'string' && isExampleFile(name);
};

/** A string of a settings file that the secret rules (lib/model/secret-rules.ts) flag. */
export interface SecretSetting {
  /** Its value's path; for a key, the path of the key's own value. */
  readonly path: readonly (string | number)[];
  /** The value, or the key: never to be printed. */
  readonly value: string;
  readonly rule: SecretRule;
  /** A key that is a secret (a token pasted as a key), not a value. */
  readonly atKey: boolean;
  /** How a client on a command line is given it (`redis-cli -a <password>`: SecretMatch's `given`); never the value. */
  readonly given?: string;
}

/**
 * Every value and key of a settings file that looks secret, as written or encoded in base64 or hex, in file order: the one
 * screening of stage files and the project file alike, so that both refuse the same values.
 */
export function secretSettings(data: unknown): SecretSetting[] {
  const found: SecretSetting[] = [];
  eachSettingString(
    data,
    (value, path) => {
      const secret = inExampleFile(path) ? (detectSecretInExample(value) ?? detectEncodedSecret(value)) : detectSecretOrEncoded(value);
      if (secret)
        found.push({
          path: [...path],
          value,
          rule: secret.rule,
          atKey: false,
          ...(secret.given !== undefined ? { given: secret.given } : {}),
        });
    },
    (key, path) => {
      const secret = detectSecretOrEncoded(key);
      if (secret) found.push({ path: [...path, key], value: key, rule: secret.rule, atKey: true });
    },
  );
  return found;
}

/** The variable that holds a Secret's key, in the env file and the environment: `MYSQLSECRET_PASSWORD`. */
export function secretVariable(secret: string, key: string): string {
  return `${secret}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** What a stage file is told when it holds a secret value: where such values go instead. */
export function secretValueHint(stage: string, secret: string, key: string): string {
  return (
    `list '${key}' under keys: and set ${secretVariable(secret, key)} in ${secretsFile(stage)} (git-ignored) or in the environment; ` +
    `\`npm run secrets -- ${stage}\` prints the Secret`
  );
}

/**
 * Parses an env file: `NAME=value` lines, `#` comments, blank lines, an optional `export `, and
 * values in single quotes (taken literally) or double quotes (with \n, \" and \\ escapes), each
 * optionally followed by ` # a comment`.
 * @returns the variables, where each is set (`file`, `places`), and a problem for each line that is
 * none of these (a value whose quote is not closed among them: it is no value with a quote in it, and
 * a value never spans lines) and for each variable set a second time
 */
export function parseEnvFile(text: string, file: string): EnvFile & { problems: Problem[] } {
  const values = new Map<string, string>();
  const places = new Map<string, SourceLocation>();
  const problems: Problem[] = [];
  /** The line that set each variable: a second line for one would silently decide which value is deployed. */
  const setOn = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    const value = m ? unquote(m[2]) : undefined;
    if (value === undefined) {
      const quote = m ? m[2][0] : undefined;
      problems.push({
        code: 'secrets/syntax',
        location: { file, line: i + 1, column: raw.length - raw.trimStart().length + 1 + (m ? line.length - m[2].length : 0) },
        message: m ? `the value of ${m[1]} starts with a quote (${quote}) but does not end with it` : 'expected NAME=value',
        hint: m
          ? `close the quote on the same line, where only a # comment may follow it; a value never spans lines: write a line break as \\n inside double quotes (and a \\ as \\\\), or a JSON file minified in single quotes, taken literally`
          : 'write one variable per line, e.g. MYSQLSECRET_PASSWORD=...; lines starting with # are comments',
      });
      return;
    }
    const first = setOn.get(m![1]);
    if (first !== undefined) {
      problems.push({
        code: 'secrets/duplicate',
        location: { file, line: i + 1, column: raw.length - raw.trimStart().length + 1 },
        message: `${m![1]} is set again (first on line ${first}), so which of its two values is meant is not clear`,
        hint: `keep one line for ${m![1]} and remove or comment out the other`,
      });
      return;
    }
    setOn.set(m![1], i + 1);
    values.set(m![1], value);
    places.set(m![1], { file, line: i + 1, column: raw.indexOf(m![1]) + 1 });
  });
  return { file, values, places, problems };
}

/** An env file's variables, and where each is set. */
export interface EnvFile {
  /** The file, as named in messages (`.secrets/qa.env`). */
  readonly file: string;
  readonly values: ReadonlyMap<string, string>;
  readonly places: ReadonlyMap<string, SourceLocation>;
}

/** A value as written after `NAME=`, without its quotes and comment; undefined when it opens a quote it does not close. */
function unquote(v: string): string | undefined {
  // a quoted value, then perhaps a comment: `"admin" # the user` is admin, not "admin" with its quotes
  const single = /^'([^']*)'(?:\s+#.*)?$/.exec(v);
  if (single) return single[1];
  const double = /^"((?:[^"\\]|\\.)*)"(?:\s+#.*)?$/.exec(v);
  if (double) return unescapeDouble(double[1]);
  // a quote inside the quotes ('it's'), as read before comments after quotes were: all between the outer two
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return unescapeDouble(v.slice(1, -1));
  }
  if (v.startsWith("'") || v.startsWith('"')) return undefined;
  return v.replace(/\s+#.*$/, '');
}

/** The escapes of a double-quoted value: \n, \" and \\. */
function unescapeDouble(v: string): string {
  return v.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/** The declarations of several apps, merged by Secret name (two apps may share one Secret). */
export function mergeDeclarations(declarations: readonly SecretDeclaration[]): SecretDeclaration[] {
  const byName = new Map<string, SecretDeclaration>();
  for (const d of declarations) {
    const seen = byName.get(d.name);
    byName.set(d.name, seen ? { ...seen, keys: [...new Set([...seen.keys, ...d.keys])] } : { ...d, keys: [...d.keys] });
  }
  return [...byName.values()].sort((a, b) => compareCodePoints(a.name, b.name));
}

export interface SecretManifestInput {
  readonly stage: string;
  readonly namespace: string;
  readonly declarations: readonly SecretDeclaration[];
  /** The variables: the environment over the env file. */
  readonly values: ReadonlyMap<string, string>;
  /**
   * The env file they were read from, whose variables that no key reads are, when one is named like a
   * missing key's, where that key is told to be set (a misspelt name). @default - none
   */
  readonly file?: EnvFile;
}

/**
 * The Secret objects of a stage, with every declared key's value; or, when a value is missing,
 * one problem per missing key, naming the variable to set and where.
 */
export function secretManifests(input: SecretManifestInput): { objects: Record<string, unknown>[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const merged = mergeDeclarations(input.declarations);
  // keys whose variable is one name (db-pass and db_pass, or Secret a-b's key c and Secret a's key b-c)
  // would silently get one value: each key needs a variable of its own
  const readers = new Map<string, string[]>();
  for (const d of merged)
    for (const key of d.keys)
      readers.set(secretVariable(d.name, key), [...(readers.get(secretVariable(d.name, key)) ?? []), `${d.name}/${key}`]);
  for (const [variable, keys] of readers) {
    if (keys.length < 2) continue;
    problems.push({
      code: 'secrets/same-variable',
      subject: `Secret ${input.namespace}/${keys[0].split('/')[0]}`,
      message: `the keys ${keys.map((k) => `'${k}'`).join(' and ')} are all set by ${variable}, so they could only have one value`,
      hint: 'rename one of the keys in the stage file: a key is read from <SECRET>_<KEY> in capitals, every other character as _',
    });
  }
  // the env file's variables that no key reads: where a misspelt one is looked for
  const unread = [...(input.file?.places.keys() ?? [])].filter((v) => !readers.has(v));
  const objects = merged.map((d) => {
    const data: Record<string, string> = {};
    for (const key of [...d.keys].sort()) {
      const variable = secretVariable(d.name, key);
      const value = input.values.get(variable);
      if (value === undefined || value === '') {
        const misspelt = value === undefined && input.file ? didYouMean(variable, unread) : undefined;
        problems.push({
          code: 'secrets/missing',
          subject: `Secret ${input.namespace}/${d.name}`,
          ...(misspelt
            ? {
                location: input.file!.places.get(misspelt)!,
                // placed in the env file, so the Secret is named here
                message: `key '${key}' of Secret ${input.namespace}/${d.name} has no value (${variable} is not set; ${input.file!.file} sets ${misspelt}, which no key reads)`,
                hint: `rename ${misspelt} to ${variable} in ${input.file!.file}`,
              }
            : {
                message: `key '${key}' has no value (${variable} is ${value === undefined ? 'not set' : 'set, but empty'})`,
                hint: `set ${variable}=... in ${secretsFile(input.stage)} or in the environment`,
              }),
        });
        continue;
      }
      data[key] = Buffer.from(value, 'utf8').toString('base64');
    }
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: d.name, namespace: input.namespace, labels: { 'stagecraft.dev/stage': input.stage } },
      type: 'Opaque',
      data,
    };
  });
  return { objects, problems };
}
