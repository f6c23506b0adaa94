/**
 * The secret rule of a list under a secret's name, as a YAML file in a ConfigMap writes one (`passwords:`, then `- <password>` on
 * each line; `tokens: [<token>, <token>]`), part of setting-secret-rules.ts's SETTING_RULES: each item is judged as the value of
 * a setting of the list's name (`secretSetting`), which the `secret-setting` rule cannot read, a value on the key's own line. An
 * item that is a mapping (`- name: ci`) is read by that rule, its own setting; an item of a name's shape (`NAME`: words, a
 * variable's name) names what the list is of (`secrets: [GITHUB_TOKEN]`, `tokens: [access, refresh]`), so a list of passwords
 * that are words (`changeme`) is let through, one of a password's mix (`Xk9vQ2mLr7pT`, a key's hex) is not. Pure and synchronous.
 */
import { type SecretRule, secretSetting } from './secret-setting.js';
import { NAME } from './secret-shapes.js';

/**
 * A key with nothing after it but a comment, then items at its indentation or deeper, each `- <item>` to its line's end, blank
 * lines and comments among them (`# the old one`); or a key and a flow list after `:` or `=` (`[...]`, TOML's and HCL's
 * `api_keys = [...]`), of one line or several, as JSON is printed (`"apiKeys": [` then an item a line), no `[` nor `{` within (a list of mappings is read by the rules of settings) and
 * 8,192 characters at most (a `[` without its `]` is not read to the text's end). A key starts only at its line's start (after its
 * indentation, and a list item's `- `), so each line is read once; or, for a flow list, after a JSON object's `{` or `,` (a file
 * of one line: `{"apiKeys":["..."]}`).
 */
const LIST_PATTERN = new RegExp(
  String.raw`^([ \t]*)(?:-[ \t]+)?["']?([A-Za-z_][\w.-]*)["']?(?:[ \t]*[:=][ \t]*\[([^\][{]{0,8192})\]|:[ \t]*(?:#[^\n]*)?\r?\n((?:(?:[ \t]*(?:#[^\n]*)?\r?\n)*\1[ \t]*-[ \t]+[^\n]*(?:\r?\n|$))+))` +
    String.raw`|[{,][ \t]*"([A-Za-z_][\w.-]*)"[ \t]*:[ \t]*\[([^\][{]{0,8192})\]`,
  'gm',
);

/** An item that is no plain value: a mapping's key (`name: ci`), a flow collection, an alias, an anchor, a tag or a block scalar. */
const NOT_PLAIN = /^(?:[\w.-]+:(?:\s|$)|[{[&*!|>])/;

/** The list's key of a list match (LIST_PATTERN: at a line's start, or in a JSON object). */
const keyOf = (m: RegExpExecArray): string => m[2] ?? m[5]!;

/** The plain items of a list match: each without its comment, its blanks and its quotes (a block's lines that are no item aside). */
function itemsOf(m: RegExpExecArray): string[] {
  const flow = m[3] ?? m[6];
  const items =
    flow !== undefined
      ? flow.split(/,|\r?\n/)
      : m[4]!
          .split('\n')
          .filter((l) => /^[ \t]*-[ \t]/.test(l))
          .map((l) => l.replace(/^[ \t]*-[ \t]+/, ''));
  return items
    .map((item) => item.replace(/[ \t]#.*$/, '').trim())
    .filter((item) => item !== '' && !NOT_PLAIN.test(item))
    .map((item) => item.replace(/^(["'])(.*)\1$/, '$2'));
}

export const SECRET_LIST_RULE: SecretRule = {
  id: 'secret-list',
  description: "a list under a secret's name and its items (passwords:, then - <password>; tokens: [...])",
  pattern: LIST_PATTERN,
  accept: (_s, m) => itemsOf(m).some((item) => !NAME(item) && secretSetting(keyOf(m), item)),
  setting: keyOf,
};
