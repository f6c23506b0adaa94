/**
 * Secret values never belong in manifests that are committed: base64 is an encoding, not
 * encryption. A Secret checked on its own (`npm run check -- <files>`) may declare its keys (in the
 * annotation `stagecraft.dev/secret-keys`, or with empty values, which draw a warning since applying
 * them blanks the keys) so that references to them can be checked; its values are put into the cluster another way (kubectl create secret, a sealed or
 * external secret). A Secret a stage writes to dist/ may hold no key at all, not even an empty one
 * (`written`): `kubectl apply -k dist/<stage>` would set the key of the real Secret to ''.
 *
 * Every other string of every object is screened too, by content and by the name of the key that
 * holds it (secret-strings.ts; the rules: lib/model/secret-rules.ts); and no finding ever prints such a value
 * (`maskSecrets`).
 */
import type { KubeObject } from '../model/object.js';
import { isFilledTokenSecret } from './cluster-made.js';
import { describeSecret, detectSecret, maskValue } from '../model/secret-rules.js';
import { countSecrets } from '../model/value-secrets.js';
import { encodedText } from '../model/secret-shapes.js';
import { fieldPath, finder, type Finding, type UsedException } from './finding.js';
import {
  SECRET_ALLOW_ANNOTATION,
  SECRET_NAME_KIND,
  crowdedSecretException,
  declaredSecretExceptions,
  exceptionField,
  secretAllowLines,
  unusedSecretException,
} from './secret-exceptions.js';
import { SECRET_KEYS_ANNOTATION } from './references-pods.js';
import { lastAppliedValues, secretStrings, secretTexts, secretsOfString, type SecretString } from './secret-strings.js';
import { isCookieHeader, secretCookie } from './secret-headers.js';
import { secretsSaid, withinValue } from './secret-places.js';

export { isSecretKey } from '../model/secret-rules.js';

/** How to keep a Secret's values out of a stage's manifests: the app's `secrets:` setting declares it by name and keys. */
export const WRITTEN_SECRET_HINT =
  "remove the Secret from the manifests and declare it, by name and keys, under the app's secrets: setting (secrets: { <name>: [<key>, ...] }): " +
  '`npm run secrets -- <stage>` prints it for kubectl apply with the values of .secrets/<stage>.env, and the Namespace lists it as required';

/** How to keep a Secret's values out of manifests checked on their own. */
const SECRET_KEY_HINT =
  `remove the key from data/stringData (an empty value would blank the key in the cluster when applied) and list it in the annotation ${SECRET_KEYS_ANNOTATION}, ` +
  "then create the Secret in the cluster another way (kubectl create secret); in a stage's manifests, declare it under the app's secrets: setting instead";

export interface SecretValueOptions {
  /**
   * Whether the object is written to dist/ and applied (`checkStage`): then a key with an empty
   * value is refused too, since applying it blanks the key of the Secret in the cluster.
   * @default false
   */
  readonly written?: boolean;
}

/**
 * A finding for each key of a Secret's data and stringData: an error for a value (for any key,
 * empty or not, when `written`), a warning for an empty value otherwise.
 */
export function checkSecretValues(o: KubeObject, { written = false }: SecretValueOptions = {}): Finding[] {
  if (o.kind !== 'Secret') return [];
  const out: Finding[] = [];
  // a token Secret the cluster filled is removed, not moved under secrets: (api/cluster-made says so)
  for (const field of isFilledTokenSecret(o) ? [] : ['data', 'stringData']) {
    const values = o[field];
    if (!values || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values)) {
      const empty = value === '' || value === null;
      // an empty value declares the key for the reference checks, but applying the file blanks it:
      // a warning where the manifests are checked on their own, refused where stagecraft writes them
      out.push(
        finder(o, empty && !written ? 'warning' : 'error')(
          'policy/secret-value',
          [field, key],
          empty
            ? `declares key '${key}' with an empty value; ${written ? 'written to dist/' : 'applied as it is'}, kubectl apply would set the key of the Secret in the cluster to ''${written ? ' (stagecraft never writes Secret values)' : ''}`
            : `holds a value for key '${key}'${field === 'data' ? ' (base64 is an encoding, not encryption)' : ''}; secret values must not be committed`,
          written ? WRITTEN_SECRET_HINT : SECRET_KEY_HINT,
        ),
      );
    }
  }
  out.push(...lastAppliedValues(o));
  return out;
}

/** Codes of the findings about secret values outside Secrets (`checkSecretContent`). */
export const SECRET_CODES: ReadonlySet<string> = new Set(['secrets/value', 'secrets/key-name']);

/**
 * The hint of a secret-value finding at `field`, of `kind` (`field` undefined: a secret pasted as a
 * key, never excused): where such a value goes instead, and how a value that only looks secret is
 * excused on its object. In a stage (`written`: what no stage-file setting gave, an included file's
 * object) the app declares the Secret; manifests checked on their own read one made in the cluster another way.
 * A value of several secrets (`several`) is excused by no entry: the others are taken out first.
 */
function secretValueHint(field: string | undefined, kind: string, written: boolean, several = false): string {
  const where = written
    ? "declare a Secret under the app's secrets: setting (secrets: { <name>: [<key>] }; values in .secrets/<stage>.env, printed by `npm run secrets`) and read it with secretKeyRef"
    : 'keep it in a Secret made in the cluster another way (kubectl create secret, Sealed Secrets, an ExternalSecret) and read it with secretKeyRef ' +
      '(declared for the checks on its Namespace: stagecraft.dev/required-secrets: <name>=<key>)';
  if (field === undefined) return `rename the key, and ${where}`;
  if (several)
    return `${where}; an exception (annotation ${SECRET_ALLOW_ANNOTATION}) excuses a value of one secret: take the others out of ${field} first`;
  return `${where}; if it is not secret (a public certificate, a known-public token), excuse it on the object${written ? ', in its included file' : ''}: annotation ${SECRET_ALLOW_ANNOTATION}: "${field} (${kind}): <reason>"`;
}

/** The hint of a secret in the annotation secrets.stagecraft.dev/allow, which nothing excuses. */
const ALLOW_TEXT_HINT = `remove it from the annotation ${SECRET_ALLOW_ANNOTATION}: its fields and reasons are text, screened as such and never excused`;

export interface SecretContentOptions {
  /**
   * Whether the object is in a stage's output (`checkStage`): the hints say how a stage declares a Secret.
   * @default false (manifests checked on their own)
   */
  readonly written?: boolean;
}

/** The cookie a Cookie header's message says (`secretCookie`): by its name when that is a plain one, never by its value. */
const cookieSaid = (value: string) => {
  const name = secretCookie(value);
  return name ? `the cookie '${name}', named as a session's or a secret's,` : "a cookie named as a session's or a secret's";
};

/** The kind of secret a string holds, as an exception names it: its rule's id, or `secret-name`. */
const kindOf = (s: SecretString) => s.rule?.id ?? SECRET_NAME_KIND;

/**
 * A finding for each secret string of `o` that the object does not excuse (`secrets.stagecraft.dev/allow`,
 * lib/checks/secret-exceptions.ts: an entry excuses the one secret of its kind at its field, and
 * nothing in the annotation itself): the value is described (rule, length), never shown; and the exceptions used.
 */
export function checkSecretContent(
  o: KubeObject,
  { written = false }: SecretContentOptions = {},
): { findings: Finding[]; exceptions: UsedException[] } {
  // a CRD's strings are its schema: descriptions with examples, validation patterns; no values
  if (o.kind === 'CustomResourceDefinition') return { findings: [], exceptions: [] };
  const strings = secretStrings(o);
  // most objects: no secret, no exception
  if (strings.length === 0 && secretAllowLines(o).length === 0) return { findings: [], exceptions: [] };
  const declared = declaredSecretExceptions(o, new Set(strings.flatMap((s) => s.line ?? [])));
  const findings = [...declared.findings];
  const exceptions: UsedException[] = [];
  const used = new Set<string>();
  // the field each string is excused by (none: a key, or the annotation's own text)
  const fields = strings.map((s) => (s.atKey || s.line !== undefined ? undefined : exceptionField(o, s.path)));
  strings.forEach((s, i) => {
    const field = fields[i];
    const entry = field === undefined ? undefined : declared.entries.get(field);
    // every secret of a value that holds several (a file's two settings), each said on its own as a stage file's are
    const all = secretsOfString(s);
    const several = secretsSaid(s.value, all);
    if (entry?.kind === kindOf(s)) {
      used.add(entry.field);
      // one secret excused, never a second beside it (found by the name of its key, the value is one)
      // (a value too much for the regular expressions to count is Infinity: never excused)
      // (a value found encoded as a whole, by the text it encodes: base64 of an .env's password and token is two)
      const count =
        several.length > 0
          ? all.length
          : s.rule
            ? countSecrets(s.encoded && s.secret === s.value ? (encodedText(s.value)?.text ?? s.value) : s.value)
            : 1;
      if (count <= 1) {
        exceptions.push({
          object: o,
          control: 'secrets',
          code: s.rule ? 'secrets/value' : 'secrets/key-name',
          reason: entry.reason,
          allows: `${field}: ${s.rule ? describeSecret(s.rule, s.given) : 'a value under a secret-looking name'}`,
        });
        return;
      }
      findings.push(crowdedSecretException(o, entry, count));
    }
    const say = finder(o);
    const ending = `${maskValue(s.value)}; secret values must not be in manifests, which are committed`;
    const hint =
      s.line !== undefined
        ? ALLOW_TEXT_HINT
        : // a field path through a key that is a secret itself is not printed (no secret finding's text is masked again)
          secretValueHint(
            s.path.some((k) => typeof k === 'string' && detectSecret(k)) ? field && '<field>' : field,
            kindOf(s),
            written,
            several.length > 0,
          );
    const onLine = s.line !== undefined ? ` on line ${s.line}` : '';
    if (several.length > 0) {
      // a series: sorted as one message, in the order they are counted (not 'a GitHub token' before 'a setting', 'secret 10' before '2')
      const messages = several.map(({ what, place, among }) => `holds ${what}${onLine}${withinValue(place)}${among} ${ending}`);
      findings.push(
        ...messages.map((message, index) => ({ ...say('secrets/value', s.path, message, hint), series: { first: messages[0]!, index } })),
      );
      return;
    }
    findings.push(
      say(
        s.rule ? 'secrets/value' : 'secrets/key-name',
        s.path,
        s.atKey
          ? `has a key that is ${s.rule!.description} ${maskValue(s.value, 'key')}; secret values must not be in manifests, which are committed`
          : s.rule
            ? `holds ${describeSecret(s.rule, s.given)}${onLine}${withinValue(s)} ${ending}`
            : isCookieHeader(s.key, s.path)
              ? `is a Cookie header that sends ${cookieSaid(s.value)} ${ending}`
              : `is the value of '${detectSecret(s.key!) ? maskValue(s.key, 'key') : s.key}', whose name says it is secret ${ending}`,
        hint,
      ),
    );
  });
  for (const entry of declared.entries.values()) {
    if (used.has(entry.field)) continue;
    const at = strings.findIndex((_, i) => fields[i] === entry.field);
    // an env entry named by its index: the field by name, when the index form names a secret's
    const byIndex = strings.findIndex((s, i) => fields[i] !== undefined && fields[i] !== entry.field && fieldPath(s.path) === entry.field);
    findings.push(
      unusedSecretException(
        o,
        entry,
        at >= 0
          ? { kind: kindOf(strings[at]!), description: strings[at]!.rule?.description ?? 'a value under a secret-looking name' }
          : undefined,
        byIndex >= 0 ? fields[byIndex] : undefined,
      ),
    );
  }
  return { findings, exceptions };
}

/**
 * Findings whose message or hint would print a secret of their object (an API rule quoting a
 * label value, say), with each such value replaced by `(a N-character value, hidden)`; those of
 * `masked` (masked before) are returned as they are.
 */
export function maskSecrets(findings: readonly Finding[], masked: ReadonlySet<Finding> = new Set()): Finding[] {
  const mask = (text: string, secrets: readonly string[], own: readonly string[]) => {
    let t = text;
    for (const s of secrets) {
      if (s.length < 6 && own.includes(s)) {
        // the value of the finding's own field, which its message may quote bare (`found 31337`): masked as a whole word
        const word = new RegExp(`(?<![A-Za-z0-9])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g');
        t = t.replace(word, () => maskValue(s));
        continue;
      }
      // a short value is masked only where it is quoted: elsewhere it is likely an ordinary word
      const forms = s.length < 6 ? [`'${s}'`, JSON.stringify(s)] : [s, JSON.stringify(s).slice(1, -1)];
      for (const form of forms) if (t.includes(form)) t = t.split(form).join(maskValue(s));
    }
    return t;
  };
  /** The secret values at the finding's own field (a schema finding about a numeric password). */
  const ownValues = (f: Finding) =>
    secretStrings(f.object)
      .filter((x) => x.path.length === f.path.length && x.path.every((k, i) => k === f.path[i]))
      .map((x) => x.value);
  return findings.map((f) => {
    if (masked.has(f)) return f;
    const secrets = secretTexts(f.object);
    if (secrets.length === 0) return f;
    const own = ownValues(f);
    // a secret finding's text is made without any value (`checkSecretContent`): masked again, the key's
    // name that holds the value (`SESSION_SECRET_ENV`) or a word of the hint equal to it (`app`) would be
    // garbled, and the garbled word would tell the value
    const made = SECRET_CODES.has(f.code);
    const message = made ? f.message : mask(f.message, secrets, own);
    const hint = f.hint === undefined || made ? f.hint : mask(f.hint, secrets, own);
    // a secret key in the path of a finding (any check's, about the value under it) is not printed either
    const hidden = f.path.some((k) => typeof k === 'string' && secrets.includes(k));
    const path = hidden ? f.path.map((k) => (typeof k === 'string' && secrets.includes(k) ? maskValue(k, 'key') : k)) : f.path;
    return message === f.message && hint === f.hint && !hidden ? f : { ...f, message, path, ...(hint !== undefined ? { hint } : {}) };
  });
}
