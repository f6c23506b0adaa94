/**
 * The secrets written in a YAML text's comments (`# old password: Xk9v...`, `# token ghp_...`): a stage file is committed whole,
 * its comments too, and no setting holds them, so the screen of its values never reads them. Pure and synchronous.
 */
import { CST, Lexer } from 'yaml';
import { detectSecret, type SecretMatch } from './secret-rules.js';
import { detectSecrets } from './value-secrets.js';

/** A comment's secrets, where the comment starts (its `#`, line and column from 1). */
export interface CommentSecrets {
  readonly line: number;
  readonly column: number;
  /** Each secret of the comment (`detectSecrets`), in the order written: never print one. */
  readonly secrets: readonly SecretMatch[];
}

/** What the lexer yields that is no text of the source: a document's start, a flow collection's end in error, a scalar's start. */
const NOT_SOURCE: ReadonlySet<string> = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/** A byte order mark, which the lexer yields as a token of its own. */
const BOM = '\uFEFF';

/** What may be a comment, at a line's start or after a blank, to its line's end: a quick look before the text is lexed. */
const MAY_BE_COMMENT = /(?:^|[ \t\uFEFF])(#[^\n]*)/gm;

/** A comment as lexed: its text (from its `#`), where it starts, and whether it is its line's only token (after indentation). */
interface Comment {
  readonly text: string;
  readonly line: number;
  readonly column: number;
  readonly ownLine: boolean;
}

/**
 * Each comment of `text` (a YAML document's) that holds a secret (`detectSecrets`: a commented-out example's placeholder,
 * `# password: changeme`, is none; a password's mix there is one), with where it starts. What only looks like a comment (a `#`
 * within a quoted value or a block scalar's lines, which the screen of the values reads) is none: the text is lexed as YAML reads
 * it, and only when something that may be a comment holds a secret (most stage files' comments are words). Comments each on its
 * own line, one after another, are read as one text (`commentBlocks`), and a secret said at the comment it starts in: a
 * commented-out private key is one secret, not one a line (its END line no private key of its own).
 */
export function commentSecrets(text: string): CommentSecrets[] {
  if (!suspectComment(text)) return [];
  const out: CommentSecrets[] = [];
  for (const block of commentBlocks(lexedComments(text))) {
    const joined = block.map((c) => c.text).join('\n');
    const secrets = detectSecrets(joined);
    if (secrets.length === 0) continue;
    // each secret at the comment it starts in: where each comment's text starts in the joined text
    const starts: number[] = [];
    for (let i = 0, at = 0; i < block.length; at += block[i]!.text.length + 1, i++) starts.push(at);
    const byComment = new Map<number, SecretMatch[]>();
    for (const m of secrets) {
      let i = starts.length - 1;
      while (i > 0 && starts[i]! > m.index) i--;
      byComment.set(i, [...(byComment.get(i) ?? []), m]);
    }
    for (const [i, found] of byComment) out.push({ line: block[i]!.line, column: block[i]!.column, secrets: found });
  }
  return out;
}

/** The comments of `text` as YAML's lexer reads it, each with where it starts (line and column from 1). */
function lexedComments(text: string): Comment[] {
  const out: Comment[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  for (const token of new Lexer().lex(text)) {
    if (NOT_SOURCE.has(token)) continue;
    // a byte order mark is no column of its line, as an editor shows it
    if (token === BOM) {
      lineStart = offset += token.length;
      continue;
    }
    if (token.startsWith('#'))
      out.push({ text: token, line, column: offset - lineStart + 1, ownLine: text.slice(lineStart, offset).trim() === '' });
    for (let i = token.indexOf('\n'); i >= 0; i = token.indexOf('\n', i + 1)) {
      line++;
      lineStart = offset + i + 1;
    }
    offset += token.length;
  }
  return out;
}

/** Comments in runs: each on its own line right after the last (`# -----BEGIN ...`, `#   MIIE...`), any other alone. */
function commentBlocks(comments: readonly Comment[]): Comment[][] {
  const blocks: Comment[][] = [];
  for (const c of comments) {
    const block = blocks[blocks.length - 1];
    const last = block?.[block.length - 1];
    if (block && last && c.ownLine && last.ownLine && c.line === last.line + 1) block.push(c);
    else blocks.push([c]);
  }
  return blocks;
}

/** Whether something of `text` that may be a comment (MAY_BE_COMMENT) holds a secret. */
function suspectComment(text: string): boolean {
  for (const m of text.matchAll(MAY_BE_COMMENT)) if (detectSecret(m[1]!) !== undefined) return true;
  return false;
}
