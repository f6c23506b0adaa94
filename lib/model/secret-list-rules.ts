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
 * A key with nothing after it but a comment, then items at its indentation or deeper, each `- <item>` to its line's end; or a key
 * and a flow list on its line (`[...]`, no line break within). A key starts only at its line's start (after its indentation, and
 * a list item's `- `), so each line is read once.
 */
const LIST_PATTERN =
  /^([ \t]*)(?:-[ \t]+)?["']?([A-Za-z_][\w.-]*)["']?:[ \t]*(?:\[([^\]\n]*)\]|(?:#[^\n]*)?\r?\n((?:\1[ \t]*-[ \t]+[^\n]*(?:\r?\n|$))+))/gm;

/** An item that is no plain value: a mapping's key (`name: ci`), a flow collection, an alias, an anchor, a tag or a block scalar. */
const NOT_PLAIN = /^(?:[\w.-]+:(?:\s|$)|[{[&*!|>])/;

/** The plain items of a list match: each without its comment, its blanks and its quotes. */
function itemsOf(m: RegExpExecArray): string[] {
  const items = m[3] !== undefined ? m[3].split(',') : m[4]!.split('\n').map((l) => l.replace(/^[ \t]*-[ \t]+/, ''));
  return items
    .map((item) => item.replace(/[ \t]#.*$/, '').trim())
    .filter((item) => item !== '' && !NOT_PLAIN.test(item))
    .map((item) => item.replace(/^(["'])(.*)\1$/, '$2'));
}

export const SECRET_LIST_RULE: SecretRule = {
  id: 'secret-list',
  description: "a list under a secret's name and its items (passwords:, then - <password>; tokens: [...])",
  pattern: LIST_PATTERN,
  accept: (_s, m) => itemsOf(m).some((item) => !NAME(item) && secretSetting(m[2]!, item)),
  setting: (m) => m[2],
};
