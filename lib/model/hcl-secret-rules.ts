/**
 * The secret rules of HashiCorp's configuration language (HCL), parts of setting-secret-rules.ts's SETTING_RULES: a
 * Terraform (OpenTofu) variable's default under a secret's name, a heredoc under one (`password = <<EOT`, Ruby's and PHP's
 * too), a Consul agent's ACL tokens; and the language's
 * references (`var.db_password`) and type constraints (`pass = string`), which are expressions, not values. Pure and synchronous.
 */
import { nameVerdict } from './secret-names.js';
import { QUANTITY } from './secret-shapes.js';
import { oncePerText } from './once-per-text.js';
import { type SecretRule, secretSetting } from './secret-setting.js';

/** How much of a block the HCL rules read, at most: a bound, since a block need not be closed. */
const BLOCK_CHARS = 2048;

export const TERRAFORM_VARIABLE_RULE: SecretRule = {
  id: 'terraform-variable',
  description: 'a Terraform variable\'s default under a secret\'s name (variable "db_password" { default = "..." })',
  // a module's `variables.tf` (Terraform's or OpenTofu's): the setting's name is the block's label, its value the `default`
  // (not a variable without one, which the tool asks for); read from each `variable` to its block's end (`topLevel`, nested
  // blocks and all: `validation { ... }`, `type = object({ ... })`), BLOCK_CHARS at most and never into the next variable
  pattern: /\bvariable[ \t]+"([A-Za-z_][\w-]*)"[ \t]*\{/g,
  accept: (_s, m) => {
    const value = variableDefault(topLevel(m.input, m.index + m[0].length));
    return value !== undefined && secretSetting(m[1]!, value);
  },
  setting: (m) => m[1],
};

/** How many lines of a heredoc the `heredoc-setting` rule reads before its closing word, at most (a bound: one need not be closed). */
const HEREDOC_LINES = 64;

export const HEREDOC_SETTING_RULE: SecretRule = {
  id: 'heredoc-setting',
  description: "a heredoc under a secret's name (password = <<EOT, then the value on the lines up to EOT)",
  // Terraform's (OpenTofu's) string of lines, `<<EOT` or indented `<<-EOT`, as a resource's attribute or a variable's default
  // writes one; Ruby's `<<~EOS` (`.strip` after it), PHP's `<<<EOT` (`EOT;`) alike: the setting's name, the opening word, then the
  // lines up to the one that holds the word alone. Read from each name, HEREDOC_LINES lines at most (the closing line is no line of the value: each line
  // is tried for it once)
  pattern: new RegExp(
    String.raw`(?<![\w.-])["']?([A-Za-z_][\w.-]*)["']?[ \t]*[:=][ \t]*<{2,3}[-~]?(["']?)([A-Za-z_]\w*)\2(?:\.[A-Za-z_]\w*)*[ \t]*\r?\n((?:(?![ \t]*\3[ \t]*[;,)]?[ \t]*\r?$)[^\n]*\n){1,${HEREDOC_LINES}})[ \t]*\3[ \t]*[;,)]?[ \t]*\r?$`,
    'gm',
  ),
  // only under a secret's own name, or one with a bound, as a YAML block is (`yaml-block-setting`): lines under a name of its
  // property are that property's text (`password_policy = <<EOT`, then Vault's `length = 20` and `rule "charset" {...}`)
  accept: (_s, m) => [true, QUANTITY].includes(nameVerdict(m[1]!)) && secretSetting(m[1]!, m[4]!.trim()),
  setting: (m) => m[1],
};

export const CONSUL_TOKEN_RULE: SecretRule = {
  id: 'consul-token',
  description: 'a Consul ACL token in an agent\'s tokens block (acl { tokens { agent = "<token>" } })',
  // a Consul agent's configuration (HCL or JSON): its tokens by their role's name (`agent`, `default`, `initial_management`...),
  // which no secret's word names, each a UUID (Consul's secret ids are), in the `acl` block (`tokens` its only block); read
  // from each `acl` to its tokens block's end, 2,048 characters at most each. Not design tokens, `"tokens": {"default":
  // "#0055ff"}` nor `tokens { default: "<uuid>" }` outside an `acl` block, nor a reference. A `:` or `=` before a block's
  // `{` is read after the blanks before it, once (`[ \t]*[:=]?[ \t]*` read a run of blanks again from each of its blanks)
  pattern: /\bacl["']?[ \t]*(?:[:=][ \t]*)?\{[^{}]{0,2048}?\btokens["']?[ \t]*(?:[:=][ \t]*)?\{([^{}]{0,2048})\}/g,
  accept: (_s, m) => consulToken(m[1]!) !== undefined,
  setting: (m) => consulToken(m[1]!),
};

/**
 * The text of a variable's block that starts at `from` (after its `{`), its nested blocks left out (`{}` in their place)
 * and its quoted strings kept whole, to the block's `}`: what the block's own attributes say; nothing for a block not
 * closed before the next variable or within BLOCK_CHARS, nor for one without a `default`.
 */
function topLevel(text: string, from: number): string {
  const ahead = text.slice(from, from + BLOCK_CHARS);
  // no variable holds another: a block unclosed before the next ends there, so that each is read once
  const next = ahead.search(NEXT_VARIABLE);
  const block = next < 0 ? ahead : ahead.slice(0, next);
  if (!block.includes('default')) return '';
  let depth = 0;
  const kept: string[] = [];
  let start = 0;
  for (const m of block.matchAll(BLOCK_TOKEN)) {
    if (m[0] === '{') {
      if (depth++ === 0) kept.push(block.slice(start, m.index + 1));
    } else if (m[0] === '}') {
      if (depth === 0) return kept.join('') + block.slice(start, m.index);
      if (--depth === 0) start = m.index;
    }
  }
  return '';
}

/** Where the next variable's block starts. */
const NEXT_VARIABLE = /\bvariable[ \t]+"/;

/** What a block's depth is read by: a brace, or a quoted string on its line (`"${var.x}"`, `"{or more}"`), skipped whole. */
const BLOCK_TOKEN = /[{}]|"(?:[^"\\\n]|\\.)*"?/g;

/** A Terraform variable's `default`, quoted, a heredoc's lines (`<<EOT`, `<<-EOT`: group 4) or not quoted, in the text of its block. */
const VARIABLE_DEFAULT =
  /(?<![\w-])default[ \t]*=[ \t]*(?:"([^"\n]*)"|<<-?([A-Za-z_]\w*)[ \t]*\r?\n((?:(?![ \t]*\2[ \t]*\r?$)[^\n]*\n)*)[ \t]*\2[ \t]*\r?$|([^\s"{}[\]]+))/m;

/** The language's literals that are no value of a secret: `null` (no default), `true`, `false`. */
const HCL_LITERAL = /^(?:null|true|false)$/;

/** The default value a Terraform variable's block (its own attributes' text) gives, if it gives one: not a literal nor a reference. */
function variableDefault(block: string): string | undefined {
  const m = VARIABLE_DEFAULT.exec(block);
  const value = m === null ? undefined : (m[1] ?? m[3]?.trim() ?? m[4]!);
  return value === undefined || (m![4] !== undefined && (HCL_LITERAL.test(value) || HCL_REFERENCE.test(value))) ? undefined : value;
}

/** A token of a Consul agent's `tokens` block, by its role's name, and the UUID it holds. */
const CONSUL_TOKEN =
  /(?<![\w-])["']?(initial_management|master|default|agent|agent_recovery|agent_master|replication|config_file_service_registration|dns)["']?[ \t]*[:=][ \t]*["'][0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}["']/;

/** The name of the first token a Consul agent's `tokens` block (its text) holds (`agent`), if it holds one. */
const consulToken = (block: string): string | undefined => CONSUL_TOKEN.exec(block)?.[1];

/**
 * A reference of Terraform's or OpenTofu's language (`var.db_password`, `data.vault_generic_secret.gh.data`,
 * `local.admin_password`): an expression the tool evaluates, not a value; its names in snake_case, as the language's
 * style writes them (`local.Admin99x`, `data.Pass-2024` are passwords).
 */
const HCL_REFERENCE = /^(?:var|local|data|module|each|self)(?:\.[a-z_][a-z0-9_]*)+$/;

/**
 * A resource's attribute (`random_password.db.result`, `aws_secretsmanager_secret_version.db.secret_string`, a counted
 * one's `random_password.db` before its `[0]`): its type's provider, `_`, its name, in snake_case; a reference only in a
 * Terraform text (`isTerraform`), where a word of that shape is no password (`DB_PASSWORD=hunter_2.x` in a .env file is).
 */
const RESOURCE_REFERENCE = /^[a-z][a-z0-9]*_[a-z0-9_]+(?:\.[a-z_][a-z0-9_-]*)+$/;

/**
 * A call of one of the language's functions (`sensitive(var.token)`, `try(var.api_key`, `jsondecode(data.x.y)`,
 * `coalesce(`): code that reads the value from elsewhere, whose literals after it are judged as a fallback; only in a
 * Terraform text.
 */
const HCL_CALL = /^[a-z][a-z0-9]*\(/;

/** A Terraform (OpenTofu) configuration's block: a resource's, a data source's, a module's, locals, an output's, a provider's. */
const TERRAFORM_BLOCK = /(?:^|\n)[ \t]*(?:resource|data|module|output|provider|locals|terraform)(?:[ \t]+"[^"\n]*")*[ \t]*\{/;
/** Whether a text is a Terraform configuration (it has one of its blocks), read once per text. */
const isTerraform = oncePerText((text) => TERRAFORM_BLOCK.test(text));

/**
 * Whether a setting written as text is given a call of the language's functions in a Terraform configuration (`password =
 * sensitive(var.token)`, `coalesce(var.pw, "<default>")`): code, whose literals setting-secret-rules.ts judges; `=` between
 * name and value, the value not quoted.
 */
export const isHclCall = (m: RegExpMatchArray, value: string): boolean =>
  HCL_CALL.test(value) && !HCL_TYPE.test(value) && isAssignment(m, value) && isTerraform(m.input!);

/**
 * A type constraint of the language (`list(string)`, `object({`, `optional(number)`): what a variable's `type` and the
 * attributes of an object type are given (`type = object({ pass = string })`), not a value. A bare type's name (`string`,
 * `number`, `bool`, `any`: `HCL_TYPE_WORD`) is one only in a text with an object type (`hasObjectType`): `DB_PASSWORD=string`
 * in a .env file is a password.
 */
const HCL_TYPE = /^(?:list|set|map|tuple|object|optional)\(/;
/** A type's name alone, a type constraint only in an object type. */
const HCL_TYPE_WORD = /^(?:string|number|bool|any)$/;
/** Whether a text holds an object type (`object({`), where an attribute's value may be a type's name alone; read once per text. */
const hasObjectType = oncePerText((text) => /(?<![\w.])object\([ \t]*\{/.test(text));

/** An optional attribute's type given a default, its second argument (`optional(string, "<default>")`): `,` after the type. */
const DEFAULT_AFTER = /[ \t]*,/y;

/**
 * Whether a setting written as text is an optional attribute with a default (`token = optional(string, "<default>")`): its
 * type, read no further than `optional(string` (`value`), is code, and the default after it the value (setting-secret-rules.ts
 * judges the literals after code); `=` between name and value.
 */
export function isHclOptional(m: RegExpMatchArray, value: string): boolean {
  if (!value.startsWith('optional(') || !isAssignment(m, value)) return false;
  DEFAULT_AFTER.lastIndex = m.index! + m[0].length;
  return DEFAULT_AFTER.test(m.input!);
}

/** Whether only `=` is between a setting's name and its value (`value`: group 4 of setting-secret-rules.ts's SETTING_TEXT). */
function isAssignment(m: RegExpMatchArray, value: string): boolean {
  const between = m[0].slice(m[0].indexOf(m[1]!) + m[1]!.length, m[0].length - value.length);
  return /^["']?[ \t]*=[ \t]*$/.test(between);
}

/**
 * Whether a setting written as text is an HCL attribute given an expression, not a value: a reference (`db_password =
 * var.db_password`) or a type constraint (`pass = string` in `type = object({ ... })`, `optional(string)`; one with a default
 * is code, `isHclOptional`, asked first); `=` between them, the value not quoted (`value`: group 4 of setting-secret-rules.ts's SETTING_TEXT); not `DB_PASSWORD: var.x`.
 */
export function isHclExpression(m: RegExpMatchArray, value: string | undefined): boolean {
  if (value === undefined || !isAssignment(m, value)) return false;
  if (HCL_REFERENCE.test(value) || (RESOURCE_REFERENCE.test(value) && isTerraform(m.input!))) return true;
  if (HCL_TYPE_WORD.test(value)) return hasObjectType(m.input!);
  return HCL_TYPE.test(value);
}
