/**
 * Values that only look secret, excused on the object that holds them: the annotation
 * `secrets.stagecraft.dev/allow`, one `<field> (<kind>): <reason>` per line, the field as the finding's
 * hint names it (`data.MAPS_KEY`, `spec.template.spec.containers[0].env[MAPS_KEY].value`: an env entry
 * by its name, which stays with it when the list changes) and the kind of secret it holds (the
 * content rule's id, `google-api-key`, or `secret-name` for a value refused by the name of its key).
 * An entry excuses exactly that one secret: another kind of secret at the field, or a second secret
 * in the same value, is refused all the same.
 *
 * It is for what no stage-file setting holds, so that `secrets.allow` cannot name it: manifests
 * checked on their own (`npm run check -- <files>`) and the included files of a `manifests` app (a
 * stack's annotations may not use stagecraft's prefixes: a stage file's values are excused under its
 * `secrets.allow`). Like a policy exception (`policy.stagecraft.dev/<control>`), it sits on the object
 * it excuses and each one used is listed in the synth summary; like `secrets.allow`, an entry that
 * excuses nothing is an error, so that it cannot hide a later change. A secret pasted as a key, and
 * anything under stagecraft's own prefixes (this annotation itself), are never excused; each line of the
 * annotation is screened as text (lib/checks/secrets.ts), and a line the screen flags is neither
 * honoured nor quoted.
 */
import type { KubeObject } from '../model/object.js';
import { valueAt } from '../model/field-path.js';
import { SECRET_RULES, detectSecret } from '../model/secret-rules.js';
import { fieldPath, finder, type FieldPath, type Finding } from './finding.js';

export const SECRET_ALLOW_ANNOTATION = 'secrets.stagecraft.dev/allow';

/** Where the annotation is in an object. */
export const SECRET_ALLOW_PATH = ['metadata', 'annotations', SECRET_ALLOW_ANNOTATION] as const;

/** The kind of a secret refused by the name of its key (`DB_PASSWORD: ...`), which no content rule found. */
export const SECRET_NAME_KIND = 'secret-name';

/** The kinds an entry may name: the content rules' ids, and `secret-name`. */
const KINDS: ReadonlySet<string> = new Set([...SECRET_RULES.map((r) => r.id), SECRET_NAME_KIND]);

/** The form of an entry, for messages. */
const ENTRY_FORM = '<field> (<kind>): <reason>';

/** How to write an entry, for hints. */
const ENTRY_HINT = `write one line per secret, '${ENTRY_FORM}', as the finding's hint gives it (data.MAPS_KEY (google-api-key): <reason>)`;

/** A line of the annotation: a field path (no blank in it), the kind in parentheses, a colon, a blank and the reason. */
const ENTRY = /^(\S+)\s+\(([a-z0-9-]+)\):\s+(\S.*)$/;

/** One line of the annotation, read once. */
export interface AllowLine {
  /** Its number, from 1. */
  readonly line: number;
  /** Its text, trimmed (never printed: it may hold what the screen flags). */
  readonly text: string;
  /** What it says, when it is an entry. */
  readonly entry?: { readonly field: string; readonly kind: string; readonly reason: string };
}

/** The annotation's lines, per object (checked objects are not changed): read by the screen and by the exceptions. */
const parsed = new WeakMap<KubeObject, readonly AllowLine[]>();

/** The annotation's lines that are not blank, parsed; none when the object has no annotation. */
export function secretAllowLines(o: KubeObject): readonly AllowLine[] {
  let lines = parsed.get(o);
  if (!lines) {
    const text = o.metadata?.annotations?.[SECRET_ALLOW_ANNOTATION];
    lines =
      typeof text !== 'string'
        ? []
        : text.split('\n').flatMap((raw, i) => {
            const line = raw.trim();
            if (!line) return [];
            const m = ENTRY.exec(line);
            return [{ line: i + 1, text: line, ...(m ? { entry: { field: m[1]!, kind: m[2]!, reason: m[3]! } } : {}) }];
          });
    parsed.set(o, lines);
  }
  return lines;
}

/**
 * The field of `path` as an entry names it: an env entry by its name (`env[DB_PASSWORD]`), which
 * stays with it when entries are added or removed, where its index would then name another.
 */
export function exceptionField(o: KubeObject, path: FieldPath): string {
  if (!path.includes('env')) return fieldPath(path);
  return fieldPath(
    path.map((k, i) => {
      if (typeof k !== 'number' || path[i - 1] !== 'env') return k;
      const name = (valueAt(o, path.slice(0, i + 1)) as { name?: unknown } | undefined)?.name;
      // a name that is itself a secret stays out of the field, which hints print
      return typeof name === 'string' && /^[^\s[\]]+$/.test(name) && !detectSecret(name) ? `[${name}]` : k;
    }),
  );
}

/** An entry the annotation declares. */
export interface SecretException {
  readonly field: string;
  readonly kind: string;
  readonly reason: string;
  readonly line: number;
}

export interface SecretExceptions {
  /** The entries, by field. */
  readonly entries: ReadonlyMap<string, SecretException>;
  /** Lines that are no entry, name a field twice, name no kind or name what is never excused. */
  readonly findings: readonly Finding[];
}

/** What an object without the annotation declares (most objects): made once. */
const NONE: SecretExceptions = { entries: new Map(), findings: [] };

/** Whether a field is stagecraft's own (its annotations and labels, this one among them): never excused. */
const isStagecraftField = (field: string) => field.includes('stagecraft.dev/');

/** The exceptions `o` declares, by field; the lines of `flagged` (which the screen found a secret on) are left out, unquoted. */
export function declaredSecretExceptions(o: KubeObject, flagged: ReadonlySet<number>): SecretExceptions {
  const lines = secretAllowLines(o);
  if (lines.length === 0) return NONE;
  const entries = new Map<string, SecretException>();
  const findings: Finding[] = [];
  const refuse = (message: string, hint = ENTRY_HINT) =>
    findings.push(finder(o)('secrets/allow-unknown', [...SECRET_ALLOW_PATH], message, hint));
  for (const { line, entry } of lines) {
    if (flagged.has(line)) continue;
    if (!entry) refuse(`line ${line} is not '${ENTRY_FORM}': each line excuses one secret, with the reason it is not secret`);
    else if (!KINDS.has(entry.kind))
      refuse(
        `line ${line} names no kind of secret ('${entry.kind}')`,
        `name the kind the finding's hint gives: one of ${[...KINDS].join(', ')}`,
      );
    else if (isStagecraftField(entry.field))
      refuse(
        `line ${line} excuses ${entry.field}, under stagecraft's own prefix: what stagecraft reads there (this annotation among it) is never excused`,
        'remove the line, and the secret from that annotation or label',
      );
    else if (entries.has(entry.field)) refuse(`line ${line} excuses ${entry.field} a second time`);
    else entries.set(entry.field, { ...entry, line });
  }
  return { entries, findings };
}

/** What a field holds instead of the secret an entry names: its kind and its description. */
export interface HeldSecret {
  readonly kind: string;
  readonly description: string;
}

/**
 * The finding about an entry that excused nothing on `o`: `held` is what its field holds instead (another
 * kind of secret), `byName` the field's form by name when the entry named an env entry by its index.
 */
export function unusedSecretException(o: KubeObject, e: SecretException, held?: HeldSecret, byName?: string): Finding {
  const emit = finder(o);
  const at = [...SECRET_ALLOW_PATH];
  if (byName)
    return emit(
      'secrets/allow-unused',
      at,
      `line ${e.line} names an env entry by its index (${e.field}), which would excuse another entry once the list changes`,
      `name the entry by its name: '${byName} (${e.kind}): <reason>'`,
    );
  if (held)
    return emit(
      'secrets/allow-unused',
      at,
      `line ${e.line} excuses ${e.field} (${e.kind}), but it holds ${held.description} (${held.kind}): an exception excuses the one kind of secret it names`,
      'move the value to a Secret; if it too is not secret, name its kind in the line',
    );
  return emit(
    'secrets/allow-unused',
    at,
    `line ${e.line} excuses ${e.field} (${e.kind}), which holds no such value (or is no field of the ${o.kind}): the exception excuses nothing`,
    "remove the line, or name the field and kind as the finding's hint gives them (data.MAPS_KEY (google-api-key), spec.template.spec.containers[0].env[MAPS_KEY].value (google-api-key))",
  );
}

/** The finding about an entry whose field holds more than the one secret it excuses. */
export function crowdedSecretException(o: KubeObject, e: SecretException, count: number): Finding {
  return finder(o)(
    'secrets/allow-unknown',
    [...SECRET_ALLOW_PATH],
    `line ${e.line} cannot excuse ${e.field}: it holds ${Number.isFinite(count) ? count : 'too many'} values that look secret, and an exception excuses one`,
    'move the secrets to a Secret (read with secretKeyRef, or mounted as a file), and keep only the value that is not secret in the field',
  );
}
