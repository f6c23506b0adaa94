/**
 * A setting's value written with a shell's or Docker Compose's expansions (`${DB_PASSWORD:-<default>}`, `${PREFIX}-<text>`,
 * Kubernetes' `$(VAR)`): the text it holds when its variables are unset, its defaults and the literal text around its references,
 * which may be the secret itself (`POSTGRES_PASSWORD: ${PG_PASSWORD:-<password>}` runs with that password wherever the variable
 * is not set). Read for the `secret-setting` rule of setting-secret-rules.ts. Pure and synchronous.
 */

/**
 * What a default holds besides its text: `$$` (a `$` of its text, as Compose and Kubernetes escape one: `${PG_ROOT:-Rt5$$vB8nQ2wZ}`)
 * and `$NAME`, which takes all its name's letters (`(?!\w)`: read as any run of them, a default its brace never closed was tried
 * at every split of every reference, 40 s for nine, `${A:-$PG_USER-$PG_HOST-...`).
 */
const IN_DEFAULT = String.raw`[^{}$\n]|\$\$|\$[A-Za-z_]\w*(?!\w)`;

/** An expansion within a default (`${B:-<default>}` of `${A:-${B:-<default>}}`): group 1 its default, if any; no brace within it. */
const INNER = String.raw`\$\{[A-Za-z_]\w*(?::?[-=]((?:${IN_DEFAULT})*)|:?[?+][^{}\n]*)?\}`;

/**
 * An expansion at a `$`: `${NAME}`, a default (`${NAME:-word}`, `${NAME-word}`, `${NAME:=word}`: groups 1 and 2), a required
 * variable's message or an alternative (`${NAME:?message}`, `${NAME:+word}`: no text when unset), `$(NAME)` as Kubernetes writes
 * one (or a command's substitution, no parentheses within it), `$NAME`, PowerShell's `$env:NAME`. A default may hold `$NAME`, `$$`
 * and an expansion of its own (`${A:-${B:-<default>}}`, as Compose falls back twice), no brace deeper (`${A:-${B:-${C}}}` is not read).
 */
const EXPANSION = new RegExp(
  String.raw`\$\{[A-Za-z_]\w*(?:(:?[-=])((?:${IN_DEFAULT}|${INNER})*)|:?[?+][^{}\n]*)?\}|\$\([^()\n]*\)|\$(?:env:)?[A-Za-z_]\w*`,
  'y',
);

/** What a default's text is read for: a `$` escaped (`$$`), an expansion within it (`INNER`), a reference (`$DEFAULT_PW`). */
const IN_WORD = new RegExp(String.raw`\$\$|${INNER}|\$[A-Za-z_]\w*`, 'g');

/** A default's text with its variables unset: `$$` a `$`, an expansion within it its own default's text, a reference `unset`. */
const unsetDefault = (word: string, unset: string): string =>
  word.replace(IN_WORD, (r: string, inner?: string) =>
    r === '$$' ? '$' : inner !== undefined ? inner.replace(IN_WORD, (q) => (q === '$$' ? '$' : unset)) : unset,
  );

/** What ends a value not quoted, outside its expansions (as `SETTING_TEXT`'s group 4 ends): a blank, a quote, `,`, `;`, `&`, a bracket or a brace. */
const VALUE_END = /[\s"'`,;&[\]{}]/;

/** How far a value not quoted is read for its expansions (a bound: a line of many settings is read a bounded number of times). */
const VALUE_CHARS = 256;

/**
 * The text a value holds with its variables unset, each reference given as `unset` (`''`, or a word that stands for what is set),
 * each default as written (`${X:-Hunter2xyz}`: `Hunter2xyz`; `${PREFIX}-Hunter2xyz`: `-Hunter2xyz`), each `$$` as `$`; `undefined` for a value of no
 * expansion, or of one not read (a brace within a default, a brace not closed). A value not quoted (`quoted` false) ends where
 * `SETTING_TEXT`'s would (`VALUE_END`), outside its expansions. Each character is read once.
 */
export function unsetText(value: string, quoted: boolean, unset: string): string | undefined {
  let text = '';
  let expansions = 0;
  for (let at = 0; at < value.length; ) {
    if (value[at] === '$' && value[at + 1] === '$') {
      // a `$` escaped, of the text (`$$(PREFIX)` is the text `$(PREFIX)`, no reference)
      text += '$';
      at += 2;
      continue;
    }
    if (value[at] === '$') {
      EXPANSION.lastIndex = at;
      const e = EXPANSION.exec(value);
      if (e !== null) {
        expansions++;
        text += e[1] !== undefined ? unsetDefault(e[2]!, unset) : unset;
        at = EXPANSION.lastIndex;
        continue;
      }
      if (value[at + 1] === '{' || value[at + 1] === '(') return undefined;
    } else if (!quoted && VALUE_END.test(value[at]!)) break;
    text += value[at++];
  }
  return expansions > 0 ? text : undefined;
}

/**
 * The value of a `SETTING_TEXT` match (setting-secret-rules.ts) that starts with an expansion (`$`): a quoted value whole, or one
 * not quoted read on from its `$` (a `${` ends group 4 at its brace), VALUE_CHARS at most.
 */
function expandedValue(m: RegExpExecArray): { readonly value: string; readonly quoted: boolean } | undefined {
  const quoted = m[2] ?? m[3];
  if (quoted !== undefined) return quoted.startsWith('$') ? { value: quoted, quoted: true } : undefined;
  if (m[4]?.startsWith('$') !== true) return undefined;
  const start = m.index + m[0].length - m[4].length;
  return { value: m.input.slice(start, start + VALUE_CHARS), quoted: false };
}

/**
 * Whether a setting's value that starts with an expansion holds a secret under `name` (`isSecret`) with its variables unset
 * (`unsetText`), whether its references stand for nothing or for a word: `${X:-Hunter2xyz}` and `${PREFIX}-Hunter2xyz` do either
 * way; `${SECRETS_DIR}/db-password` under `DB_PASSWORD_FILE` (a path, `/db-password`) and `${RELEASE}-mysql` under
 * `existingSecret` (a Secret's name, `x-mysql`) hold the shape of what their name names one way or the other.
 */
export function expandsToSecret(m: RegExpExecArray, name: string, isSecret: (name: string, value: string) => boolean): boolean {
  const expanded = expandedValue(m);
  if (expanded === undefined) return false;
  const empty = unsetText(expanded.value, expanded.quoted, '');
  return empty !== undefined && isSecret(name, empty) && isSecret(name, unsetText(expanded.value, expanded.quoted, 'x')!);
}

/**
 * The default of an expansion's variable read as a setting within it (`DB_PASSWORD:-<default>` of `${DB_PASSWORD:-<default>}`: its
 * value not quoted, group 4, is `-<default>`), to judge without the operator's `-` (`$DEFAULT_PW`, a reference; `none` under
 * `REDIS_AUTH`, a method); `undefined` for any other setting.
 */
export const expansionDefault = (m: RegExpExecArray): string | undefined =>
  m[4]?.startsWith('-') === true && m.input.startsWith('${', m.index - 2) ? m[4].slice(1) : undefined;
