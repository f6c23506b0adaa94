/**
 * Every secret a value holds, each once and in the order written (`detectSecrets`; `countSecrets`): a file's `DB_PASSWORD=...` and
 * `API_TOKEN=...`, a connect string's password and its query's token, where secret-rules.ts' `detectSecret` says whether a value
 * holds one, and the first its rules find. For the messages that say each (lib/checks/secret-strings.ts `secretsSaid`) and the
 * exceptions that excuse a value of one. Pure and synchronous.
 */
import { withoutExamples } from './example-files.js';
import {
  ENTROPY_RULES,
  GLOBAL_PATTERNS,
  PUBLIC_MATERIAL,
  SECRET_RULES,
  detectSecret,
  secretMatch,
  type SecretMatch,
} from './secret-rules.js';

/**
 * The most secrets of one value said each at its place (stage-secrets.ts): a value holding more says its first ones in the order
 * written, and how many more it holds.
 */
export const MAX_SECRETS_SAID = 16;

/** A setting's name that a message may say: a plain name, no secret. */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** The setting's name of a match a message may say (`requirepass`): a plain name, no secret; undefined otherwise. */
export const shownSetting = (found: Pick<SecretMatch, 'setting'>): string | undefined =>
  found.setting !== undefined && PLAIN_NAME.test(found.setting) && !detectSecret(found.setting) ? found.setting : undefined;

/**
 * Every secret a value holds, in the order they are written, each once: a file's `DB_PASSWORD=...` and `API_TOKEN=...` on two
 * lines, a connect string's password and its query's token, a command line's two flags. Each rule's accepted matches in the
 * rules' order, a match that overlaps one kept before it left out (`maps_api_key = AIza...` is one, matched by two rules), as
 * `detectSecret` would say each alone; all of them, however many (a caller says MAX_SECRETS_SAID of them and counts the rest).
 * The first alone (`detectSecret`) for a value too much for the regular expressions; in a file of examples (`inExample`) its
 * examples' values blanked, as `detectSecretInExample`.
 */
export function detectSecrets(value: string, inExample = false): SecretMatch[] {
  const text = inExample ? withoutExamples(value) : value;
  const first = detectSecret(text);
  if (first === undefined) return [];
  const all = secretsIn(text);
  return all === undefined || all.length === 0 ? [first] : all;
}

/** A secret kept by `secretsIn` and the characters it takes: a flag's match with the word it gives. */
interface Kept {
  readonly from: number;
  readonly to: number;
  readonly match: SecretMatch;
}

/**
 * The secrets of `text` (`detectSecrets`), or undefined when it is too much for the regular expressions. Kept in order of their
 * start, none overlapping: each rule's matches come in that order too, so each is judged against the kept ones by one pointer
 * moving forward and merged in once per rule (a value of thousands of settings is not compared with every one kept before).
 */
function secretsIn(text: string): SecretMatch[] | undefined {
  // a flag's match ends with the blank before the word it gives (` --token ` of ` --token glrt-...`): the word is its secret
  const endOf = (index: number, match: string): number => {
    const end = index + match.length;
    return /\s$/.test(match) ? end + (/^\S*/.exec(text.slice(end, end + 4096))?.[0].length ?? 0) : end;
  };
  let kept: Kept[] = [];
  try {
    // a private key's whole PEM block is one secret (its END line is matched alone too, as the rest of a key in another value); the
    // same length blanked: the matches of every rule are places in `text`
    const blocks = text.replace(PRIVATE_KEY_BLOCK, (block, _b, _e, at: number) => {
      kept.push({ from: at, to: at + block.length, match: { rule: PRIVATE_KEY_RULE, secret: block, index: at } });
      return ' '.repeat(block.length);
    });
    const publicRemoved = blocks.replace(PUBLIC_MATERIAL, (pub) => ' '.repeat(pub.length));
    for (const [rule, re] of GLOBAL_PATTERNS) {
      const t = ENTROPY_RULES.has(rule.id) ? publicRemoved : blocks;
      const found: Kept[] = [];
      let next = 0; // the first kept secret that ends after this match starts
      re.lastIndex = 0;
      for (let m = re.exec(t); m; m = re.exec(t)) {
        const from = m.index;
        const to = endOf(from, m[0]);
        while (next < kept.length && kept[next]!.to <= from) next++;
        if ((next < kept.length && kept[next]!.from < to) || (found.at(-1)?.to ?? -1) > from) continue;
        if (!rule.accept || rule.accept(m[0], m)) found.push({ from, to, match: secretMatch(rule, m) });
      }
      if (found.length > 0) kept = byStart(kept, found);
    }
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
  return kept.map((k) => k.match);
}

/** Two lists of secrets, each in order of their start, as one. */
function byStart(a: readonly Kept[], b: readonly Kept[]): Kept[] {
  const merged: Kept[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) merged.push(j >= b.length || (i < a.length && a[i]!.from <= b[j]!.from) ? a[i++]! : b[j++]!);
  return merged;
}

/** The rule that finds a private key (PEM block). */
const PRIVATE_KEY_RULE = SECRET_RULES.find((r) => r.id === 'private-key')!;
/** A private key's whole PEM block: one secret, however many lines of base64 it holds. */
const PRIVATE_KEY_BLOCK =
  /-----BEGIN[A-Z0-9 \t\r\n]*PRIVATE[ \t\r\n]+KEY( BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 \t\r\n]*PRIVATE[ \t\r\n]+KEY( BLOCK)?-----|$)/g;

/**
 * How many secrets a value holds (`detectSecrets`' secrets, each once: `maps_api_key = AIza...`
 * is one, matched by two rules; a second line `db_password = ...` makes two). Asked only where one secret is excused (a value holding more is not); Infinity when the
 * value is too much for the regular expressions.
 */
export function countSecrets(value: string): number {
  return secretsIn(value)?.length ?? Number.POSITIVE_INFINITY;
}
