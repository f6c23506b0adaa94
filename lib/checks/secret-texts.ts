/**
 * What a printed change must not show (npm run diff, lib/diff/; the synth's warning of a change the API server refuses,
 * lib/refused-changes.ts: one screen, so that neither prints what the other hides), and how it hides it: the values of every Secret of the diff (its
 * `data` decoded from base64 too), what the checks find secret in an object (lib/checks/secret-strings.ts),
 * and how a value holding one is shown instead (`(a N-character value, hidden)`). Pure.
 */
import { secretStrings } from './secret-strings.js';
import { isStandardBase64, unwrapBase64 } from '../model/base64.js';
import { maskValue } from '../model/secret-rules.js';
import type { KubeObject } from '../model/object.js';
import { isRecord } from '../model/object.js';

/**
 * The note of a change of two hidden values that are one text but for a final newline (base64 of a
 * Secret's `data` decoded): both printed hidden, the change would show as two lengths and nothing else.
 */
export function hiddenNote(from: unknown, to: unknown, isSecret: (s: string) => boolean): { note?: string } {
  if (typeof from !== 'string' || typeof to !== 'string' || !isSecret(from) || !isSecret(to)) return {};
  const [a, b] = [decodedText(from)[0] ?? from, decodedText(to)[0] ?? to];
  if (a.endsWith('\n') === b.endsWith('\n') || a.replace(/\r?\n$/, '') !== b.replace(/\r?\n$/, '')) return {};
  return { note: `the same text but for a final newline ${b.endsWith('\n') ? 'added' : 'removed'}` };
}

/** A secret's text shorter than this hides a value only when it is the whole value: within another, it is likely an ordinary word. */
const SHORT_SECRET = 6;

/** The texts a diff must not print (`secretTexts`), each list longest first. */
export interface SecretTexts {
  /** Secrets found by their content (a token, a password in a URL): hidden wherever they stand within a value. */
  readonly within: readonly string[];
  /**
   * Values secret only by the name of the key that holds them (`DB_PASSWORD: mysqlsecret`): hidden where they
   * are the whole value, never within another (`mysqlsecret-host` is a host's name).
   */
  readonly whole: ReadonlySet<string>;
  /**
   * A Secret's values: hidden wherever they stand within a value (kubectl's last-applied annotation holds them
   * all), each shorter than SHORT_SECRET where it is the whole value, but never in an object's name or labels
   * (`metadata.labels.app: dbadmin-v1` beside `user: dbadmin`: `isNamingField`).
   */
  readonly secret: readonly string[];
}

/**
 * The string values of a Secret's `data` and `stringData`, as written and as the pods read them: each
 * value of `data` decoded from base64 too (the password it holds, not its base64, is what a ConfigMap or
 * an annotation copies), and each value without a final line end (`echo pw | base64` holds `pw\n`, a
 * URL copies `pw`); none for another object.
 */
function valuesOfSecret(v: unknown): string[] {
  if (!isRecord(v) || v.kind !== 'Secret') return [];
  const values = (field: string) => {
    const map = v[field];
    return isRecord(map) ? Object.values(map).filter((x): x is string => typeof x === 'string') : [];
  };
  const texts = [...values('data').flatMap((x) => [x, ...decodedText(x)]), ...values('stringData')];
  return texts.flatMap((t) => {
    const line = t.replace(/\r?\n$/, '');
    return line === t ? [t] : [t, line];
  });
}

/**
 * The text a value of a Secret's `data` holds, when it is base64 of UTF-8 text (a key file's bytes are no text to find), read as
 * the API server reads it: line breaks ignored (`password: |` ends in one, `base64` wraps at 76 columns).
 */
export function decodedText(value: string): string[] {
  const base64 = unwrapBase64(value);
  if (base64 === '' || !isStandardBase64(base64)) return [];
  const bytes = Buffer.from(base64, 'base64');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? [text] : [];
}

/**
 * The values of every Secret among `objects` (both sides of a diff) of SHORT_SECRET characters or more, hidden within any field
 * of any object of the diff (a password copied into a ConfigMap's URL). dist/ holds no Secret, but one edited
 * in by hand, or written by an older stagecraft, is read from there.
 */
export function secretValues(objects: readonly unknown[]): string[] {
  const found = new Set(objects.flatMap(valuesOfSecret));
  return [...found].filter((t) => t.length >= SHORT_SECRET);
}

/**
 * The texts of two versions of one object that a diff must not print: every string the checks find
 * secret (secretStrings), by its content (the secret in it, wherever it stands) or by the name of
 * the key that holds it (the value whole), the object's own Secret values, and `shared`: those of
 * every Secret of the diff.
 */
export function secretTexts(shared: readonly string[], ...versions: unknown[]): SecretTexts {
  const within = new Set<string>();
  const whole = new Set<string>();
  const secret = new Set(shared);
  for (const v of versions) {
    if (!isRecord(v) || typeof v.kind !== 'string') continue;
    for (const s of secretStrings(v as unknown as KubeObject)) {
      whole.add(s.value);
      if (s.rule) within.add(s.secret);
      // a ConfigMap's binaryData is found in the text it decodes to (`value`), but printed as written: its base64 is the secret
      const raw = binaryDataOf(v, s.path);
      if (raw !== undefined) whole.add(raw);
    }
    for (const x of valuesOfSecret(v)) secret.add(x);
  }
  whole.delete('');
  secret.delete('');
  const longestFirst = (texts: Iterable<string>) => [...texts].filter((t) => t !== '').sort((a, b) => b.length - a.length);
  return { within: longestFirst(within), whole, secret: longestFirst(secret) };
}

/** The base64 as written of a ConfigMap's binaryData at `path`, whose decoded text the checks read; undefined elsewhere. */
function binaryDataOf(v: Record<string, unknown>, path: readonly (string | number)[]): string | undefined {
  if (v.kind !== 'ConfigMap' || path.length !== 2 || path[0] !== 'binaryData' || !isRecord(v.binaryData)) return undefined;
  const raw = v.binaryData[path[1]!];
  return typeof raw === 'string' ? raw : undefined;
}

/** A field that names its object (`metadata.name`, a label): a Secret's value there is a name, shown (`dbadmin-v1`). */
function isNamingField(path: readonly (string | number)[]): boolean {
  return path[0] === 'metadata' && (path[1] === 'labels' || (path[1] === 'name' && path.length === 2));
}

/**
 * What prints a field's value in a diff without the `secrets` in it: a string that is one or holds
 * one (as `SecretTexts` says where) as `(a N-character value, hidden)`, within a value of several
 * fields too (a data map added whole), and a key that is one (a token pasted as a ConfigMap key) as
 * `(a N-character key, hidden)`, and a field path through such a key (`path`). `path` is where the value stands in its
 * object, as microdiff gives it. For npm run diff and the warning of a change the API server refuses (lib/refused-changes.ts) alike.
 */
export function hider({ within, whole, secret }: SecretTexts) {
  const none = within.length === 0 && whole.size === 0 && secret.length === 0;
  const holds = (texts: readonly string[], s: string) => texts.some((t) => s === t || (t.length >= SHORT_SECRET && s.includes(t)));
  // what a content rule found is a secret wherever it stands, however short (`mysql -pQz9k`'s password within a URL beside it)
  const holdsFound = (s: string) => within.some((t) => s.includes(t));
  const isSecret = (s: string, path: readonly (string | number)[]) =>
    !none && (whole.has(s) || holdsFound(s) || (!isNamingField(path) && holds(secret, s)));
  const value = (v: unknown, path: readonly (string | number)[]): unknown => {
    if (none) return v;
    if (typeof v === 'string') return isSecret(v, path) ? new Hidden(maskValue(v)) : v;
    if (Array.isArray(v)) return v.map((x, i) => value(x, [...path, i]));
    if (!isRecord(v)) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [isSecret(k, path) ? maskValue(k, 'key') : k, value(x, [...path, k])]));
  };
  /** `path` with each key that is a secret as `(a N-character key, hidden)`: a field path printed (`data.<token>`). */
  const field = (path: readonly (string | number)[]): (string | number)[] =>
    path.map((k, i) => (typeof k === 'string' && isSecret(k, path.slice(0, i)) ? maskValue(k, 'key') : k));
  return { isSecret, value, path: field };
}

/** A value a diff shows as this text instead (`hider`): printed bare as the field's value, as a string within another. */
export class Hidden {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}
