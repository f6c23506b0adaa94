/**
 * Where in a value its secrets are, and how a message says each (`placeIn`, `withinValue`, `secretsSaid`): the line of a value of
 * several lines and the setting's name, and which of how many secrets of one value it is. For the checks' findings (secrets.ts) and
 * a stage file's own (lib/stage-secrets.ts) alike, so that both say a secret the same way. Pure; never a value.
 */
import { describeSecret, maskValue, shownName, type SecretMatch } from '../model/secret-rules.js';
import { describeObject, type KubeObject } from '../model/object.js';
import { MAX_SECRETS_SAID, shownSetting } from '../model/value-secrets.js';

/** Where in a value of several lines its secret is (`placeIn`): the line of the value (from 1) and the setting's name. */
export interface ValuePlace {
  readonly valueLine?: number;
  readonly setting?: string;
}

/**
 * Where in a value of several lines its secret is: the line (from 1) and the setting's name; nothing
 * for a value of one line, nor for a secret on the first line under no setting (a PEM block, the value whole).
 * For the checks' findings in dist/ and a stage file's own (lib/stage-secrets.ts) alike.
 */
export function placeIn(value: string, found: Pick<SecretMatch, 'index' | 'setting'>): ValuePlace {
  if (!value.includes('\n')) return {};
  let line = 1;
  for (let i = value.indexOf('\n'); i >= 0 && i < found.index; i = value.indexOf('\n', i + 1)) line++;
  const setting = shownSetting(found);
  if (line === 1 && setting === undefined) return {};
  return { valueLine: line, ...(setting !== undefined ? { setting } : {}) };
}

/** How a message says `placeIn`'s place: ` on line 2 of the value (setting 'requirepass')`; nothing for a value of one line. */
export const withinValue = (p: ValuePlace) =>
  p.valueLine === undefined ? '' : ` on line ${p.valueLine} of the value${p.setting !== undefined ? ` (setting '${p.setting}')` : ''}`;

/** One secret of a value that holds several, as a message says it (`secretsSaid`). */
export interface SecretSaid {
  /** What it is (`describeSecret`): never the value. */
  readonly what: string;
  /** Where in the value it is (`placeIn`). */
  readonly place: ValuePlace;
  /** Which of how many it is: ` (secret 2 of 3 in the value)`, the last said with how many more are not. */
  readonly among: string;
  /** The secret's own text, for masking only (never print it). */
  readonly secret: string;
}

/**
 * Each secret of a value that holds several (`all`: `detectSecrets`' matches), said on its own, so that none is found only once the
 * first is taken out: MAX_SECRETS_SAID of them at most, in the order written, each at its place and which of how many it is (two of
 * one line, `--db-password=... --api-password=...`, are told apart), the last saying how many more the value holds. For a stage
 * file's values (lib/stage-secrets.ts) and the checks' findings (secrets.ts) alike; empty for a value of one secret, said as its own.
 */
export function secretsSaid(value: string, all: readonly SecretMatch[]): SecretSaid[] {
  if (all.length < 2) return [];
  const said = all.slice(0, MAX_SECRETS_SAID);
  const more = all.length - said.length;
  return said.map((m, i) => ({
    what: describeSecret(m.rule, m.given),
    place: placeIn(value, m),
    among:
      ` (secret ${i + 1} of ${all.length} in the value` +
      (more > 0 && i === said.length - 1 ? `; the ${more} after it are not said one by one: take these out and they are` : '') +
      ')',
    secret: m.secret,
  }));
}

/**
 * The texts of the secrets an object holds (secret-strings.ts' `secretTexts`: its module imports this one, which every finding is
 * made through, and says it here as it loads; findings come from checks, which load it). Until then, none.
 */
let secretTextsOf: (o: KubeObject) => readonly string[] = () => [];

/** Says how the secrets an object holds are found (`secretTextsOf`), for the names that equal one: secret-strings.ts, once. */
export function findObjectSecretsBy(texts: (o: KubeObject) => readonly string[]): void {
  secretTextsOf = texts;
}

/** A secret is said within a name from this many characters (a shorter one is likely a word of it: maskSecrets' rule). */
const SECRET_WITHIN_NAME = 6;

/**
 * A part of an object's heading (its kind, namespace or name) as a message says it: hidden, `(a 15-character name, hidden)`, when
 * it is a secret (`shownName`: a token pasted as a name) or equals or holds one of the object's own secrets (a ConfigMap named as
 * the password it holds, `hunter2-prod-pw`), which its findings would print before messages that hide it.
 */
export function shownPart(o: KubeObject, part: string): string {
  const shown = shownName(part);
  if (shown !== part || part === '') return shown;
  const held = secretTextsOf(o).some((t) => t === part || (t.length >= SECRET_WITHIN_NAME && part.includes(t)));
  return held ? maskValue(part, 'name') : part;
}

/**
 * An object as a message names it (`describeObject`), each of its kind, namespace and name that is a secret (`shownPart`: a token
 * pasted as a name, or a secret the object holds) said as `(a 40-character name, hidden)`.
 */
export function describeShown(o: KubeObject): string {
  const meta = o.metadata;
  let described = describeObject(o);
  for (const part of [o.kind, meta?.namespace, meta?.name, meta?.generateName])
    if (typeof part === 'string' && part !== '') {
      const shown = shownPart(o, part);
      if (shown !== part) described = described.split(part).join(shown);
    }
  return described;
}
