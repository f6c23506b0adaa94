/**
 * Values that only look secret, excused on the object that holds them: the annotation
 * `secrets.stagecraft.dev/allow`, one `<field>: <reason>` per line, the field as the finding names it
 * (`data.MAPS_KEY`, `spec.template.spec.containers[0].env[2].value`). It is for what no stage-file
 * setting holds, so that `secrets.allow` cannot name it: manifests checked on their own
 * (`npm run check -- <files>`) and the included files of a `manifests` app (a stack's annotations
 * may not use stagecraft's prefixes: a stage file's values are excused under its `secrets.allow`).
 * Like a policy exception (`policy.stagecraft.dev/<control>`), it sits on the object it excuses and
 * each one used is listed in the synth summary; like `secrets.allow`, an entry that excuses nothing
 * is an error, so that it cannot hide a later change. A secret pasted as a key is never excused.
 */
import type { KubeObject } from '../model/object.js';
import { finder, type Finding } from './finding.js';

export const SECRET_ALLOW_ANNOTATION = 'secrets.stagecraft.dev/allow';

/** Where the annotation is in an object. */
export const SECRET_ALLOW_PATH = ['metadata', 'annotations', SECRET_ALLOW_ANNOTATION] as const;

/** The form of an entry, for messages. */
const ENTRY_FORM = '<field>: <reason>';

/** A line of the annotation: a field path (no blank in it), a colon, a blank and the reason. */
const ENTRY = /^(\S+):\s+(\S.*)$/;

/** The annotation's text, if the object has one. */
export const secretAllowText = (o: KubeObject): string | undefined => {
  const text = o.metadata?.annotations?.[SECRET_ALLOW_ANNOTATION];
  return typeof text === 'string' ? text : undefined;
};

/** The reasons the annotation gives (each judged alone by the content rules: a reason is no setting). */
export const secretAllowReasons = (text: string): string[] => text.split('\n').flatMap((line) => ENTRY.exec(line.trim())?.[2] ?? []);

export interface SecretExceptions {
  /** The reason for each field the annotation names. */
  readonly reasons: ReadonlyMap<string, string>;
  /** Lines that are no entry, or name a field twice. */
  readonly findings: readonly Finding[];
}

/** What an object without the annotation declares (most objects): made once. */
const NONE: SecretExceptions = { reasons: new Map(), findings: [] };

/** The exceptions `o` declares, by field. */
export function declaredSecretExceptions(o: KubeObject): SecretExceptions {
  const text = secretAllowText(o);
  if (text === undefined) return NONE;
  const reasons = new Map<string, string>();
  const findings: Finding[] = [];
  const emit = finder(o);
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const entry = ENTRY.exec(line);
    if (!entry || reasons.has(entry[1]!)) {
      findings.push(
        emit(
          'secrets/allow-unknown',
          [...SECRET_ALLOW_PATH],
          entry
            ? `line ${i + 1} excuses ${entry[1]} a second time`
            : `line ${i + 1} is not '${ENTRY_FORM}': each line excuses one field, with the reason it is not secret`,
          `write one line per field, '${ENTRY_FORM}', the field as the finding names it (data.MAPS_KEY, spec.template.spec.containers[0].env[2].value)`,
        ),
      );
      return;
    }
    reasons.set(entry[1]!, entry[2]!);
  });
  return { reasons, findings };
}

/** The finding about an entry that excused nothing on `o`. */
export function unusedSecretException(o: KubeObject, field: string): Finding {
  return finder(o)(
    'secrets/allow-unused',
    [...SECRET_ALLOW_PATH],
    `excuses ${field}, which holds no value that looks secret (or is no field of the ${o.kind}): the exception excuses nothing`,
    `remove the line, or name the field as the finding named it (data.MAPS_KEY, spec.template.spec.containers[0].env[2].value)`,
  );
}
