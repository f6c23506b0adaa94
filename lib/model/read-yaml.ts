/**
 * Reading YAML text once, with ONE parser (the `yaml` library, with a LineCounter): the value
 * checked is the value placed. Shared by stage files (lib/config/read-stage.ts), the project file
 * (lib/config/project-file.ts) and manifests (lib/checks/manifests.ts, apps/manifests.ts): each
 * file the block reader does not read comes here. Every problem is located; the bounds of lib/model/limits.ts hold
 * whatever the text: nesting depth, alias expansion (the parser's own `maxAliasCount`).
 *
 * Merge keys (`<<: *defaults`, `<<: [*a, *b]`, YAML 1.1's, which kubectl and kustomize expand) are
 * expanded as they define them: the keys a mapping writes win over merged ones, and of several
 * merged mappings the first wins. A merged key is placed at the merge that brings it in
 * (`mergeOf`), as a value read through an alias is placed at the alias.
 */
import {
  Composer,
  type CST,
  LineCounter,
  Parser,
  YAMLParseError,
  isAlias,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type ErrorCode,
  type Node,
} from 'yaml';
import type { Problem, SourceLocation } from '../errors.js';
import { badMerge, firstAliasOffset, isMergeKey, mergeOf, mergeProblem, unresolvedAlias } from './yaml-aliases.js';

/** Where a merge key is told (lib/model/yaml-aliases.ts), for the stacks that read YAML through this module. */
export { isMergeKey } from './yaml-aliases.js';
import type { FieldPath } from './field-path.js';
import { MAX_DEPTH, shorten } from './limits.js';
import { shownKey } from './secret-rules.js';
import { shownParserMessage } from './secret-parser-messages.js';
import { unreadableText } from './unreadable-text.js';
import { directiveMistake, explained } from './yaml-mistakes.js';

export interface ReadYamlOptions {
  /** Alias expansions allowed per document. */
  readonly maxAliasCount: number;
  /** Several documents (`---`) allowed: manifests; a stage file is one document. */
  readonly multi: boolean;
  /** What the files are, for messages: "stage files", "manifest documents". */
  readonly what: string;
  /** What a key of the files is, for messages: "setting" in a stage file. @default 'key' */
  readonly key?: string;
}

export interface ReadYaml {
  /** Every document, empty ones included (`--- ~` too), in file order. */
  readonly docs: readonly Document[];
  /** Per document, its value (undefined where the document could not be read). */
  readonly values: readonly unknown[];
  readonly lines: LineCounter;
  /** Problems that stop reading the file, located. */
  readonly problems: readonly Problem[];
  at(offset: number): SourceLocation;
}

/**
 * What to do about the yaml library's errors, by code, for those with a usual cause; the others
 * get YAML_HINT. The parser's message says what it found, not what was meant.
 */
const YAML_HINTS: Partial<Record<ErrorCode, string>> = {
  BAD_INDENT:
    'indent the entries of one mapping or list to the same column, with spaces; a list or mapping in brackets ([...], {...}) must be closed',
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs in indentation',
  MISSING_CHAR: 'close the quote or bracket opened before this place',
  BLOCK_AS_IMPLICIT_KEY: 'quote a value that holds ": " (a colon and a space), or write the nested mapping on lines of its own',
  MULTILINE_IMPLICIT_KEY: 'a key is one line: close the quote or bracket on the line before, or quote the value that holds ": "',
  BAD_SCALAR_START: 'quote a value that starts with @ or ` (characters YAML reserves)',
  BAD_DQ_ESCAPE: 'in double quotes, write a backslash as \\\\, or quote the value with single quotes, where a backslash is plain',
  KEY_OVER_1024_CHARS: 'shorten the key (an implicit key is at most 1,024 characters)',
  MULTIPLE_DOCS: 'remove the `---` line and what follows it, or move that document to a file of its own',
  DUPLICATE_KEY: 'keep the one you mean and remove the other',
};
/** The hint of a YAML error without one of its own. */
const YAML_HINT =
  'correct the YAML at this place (the line before is often the cause); quote a value that holds special characters (: # [ ] { } & * ! | > % @ `)';

/** What to do about an error of the yaml library, by its code (`YAML_HINTS`, else `YAML_HINT`). */
const yamlHint = (code: ErrorCode): string => YAML_HINTS[code] ?? YAML_HINT;

/**
 * The YAML directives (`%YAML 1.1`, `%TAG`) of a stream of manifests, one problem at each, which kubectl and
 * kustomize refuse (`directiveMistake`); one after a document without `...` is the yaml library's error, said alike
 * (yaml-mistakes.ts `explained`).
 */
function directiveProblems(tokens: readonly CST.Token[], at: (offset: number) => SourceLocation): Problem[] {
  return tokens.flatMap((t) =>
    t.type === 'directive' ? [{ code: 'input/yaml-directive', location: at(t.offset), ...directiveMistake(t.source) }] : [],
  );
}

/**
 * The offset of the first collection nested deeper than MAX_DEPTH, found on the parser's token
 * tree (built without recursion) before the composer, which recurses, sees it: so that the depth
 * is refused at the same place with the same message however deep the caller's own stack is.
 */
function tooDeep(tokens: readonly CST.Token[]): number | undefined {
  const stack: { token: CST.Token | null | undefined; depth: number }[] = tokens.map((token) => ({ token, depth: 0 })).reverse();
  while (stack.length) {
    const { token, depth } = stack.pop()!;
    if (token?.type === 'document') stack.push({ token: token.value, depth: 1 });
    else if (token?.type === 'block-map' || token?.type === 'block-seq' || token?.type === 'flow-collection') {
      if (depth > MAX_DEPTH) return token.offset;
      // in file order: the last item pushed first
      for (let i = token.items.length - 1; i >= 0; i--) {
        const item = token.items[i];
        stack.push({ token: item.value, depth: depth + 1 });
        if ('key' in item) stack.push({ token: item.key, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/**
 * The keys a document writes twice in a mapping (with `key`), and those that are a list or a
 * mapping (without), walking it once without recursion (with a set per mapping: the parser's own
 * `uniqueKeys` compares each key with all before it, which made 40,000 keys take a minute).
 */
function badKeys(doc: Document): { offset: number; key?: string }[] {
  const duplicates: { offset: number; key?: string }[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (!isCollection(node)) continue;
    const keys = isMap(node) ? new Set<string>() : undefined;
    for (const item of node.items) {
      if (isPair(item)) {
        // a list or a mapping as a key (`? [a]`, or an alias of one): no setting's name, and no JavaScript object key
        if (isCollection(item.key) || (isAlias(item.key) && isCollection(item.key.resolve(doc)))) {
          duplicates.push({ offset: item.key.range?.[0] ?? 0 });
        } else if (keys && isScalar(item.key) && !isMergeKey(item.key)) {
          // several `<<` in one mapping each merge (as kubectl reads them): no duplicate
          // `1` and "1" are one key once read (a JavaScript object's keys are strings)
          const key = String(item.key.value);
          if (keys.has(key)) duplicates.push({ offset: item.key.range?.[0] ?? 0, key });
          keys.add(key);
        }
        stack.push(item.key, item.value);
      } else stack.push(item);
    }
  }
  // in file order: the walk takes the last item of a collection first
  return duplicates.sort((a, b) => a.offset - b.offset);
}

/** The documents of `tokens`: every one when `multi`, else the first (a second is an error), as parseAllDocuments and parseDocument compose them. */
function compose(
  tokens: readonly CST.Token[],
  text: string,
  { multi, what }: Pick<ReadYamlOptions, 'multi' | 'what'>,
  options: ConstructorParameters<typeof Composer>[0],
): Document[] {
  const composer = new Composer(options);
  if (multi) return [...composer.compose(tokens)];
  const docs: Document[] = [];
  for (const doc of composer.compose(tokens, true, text.length)) {
    if (docs.length === 0) docs.push(doc);
    else {
      docs[0].errors.push(
        new YAMLParseError(
          [doc.range[0], doc.range[1]],
          'MULTIPLE_DOCS',
          `a second YAML document starts here; ${what} hold one document each`,
        ),
      );
      break;
    }
  }
  return docs;
}

const depthProblem = (location: SourceLocation): Problem => ({
  code: 'yaml/too-deep',
  location,
  message: `mappings and lists are nested more than ${MAX_DEPTH} levels deep here`,
  hint: `nest at most ${MAX_DEPTH} levels (Kubernetes objects need about 15)`,
});

/** The hint of a YAML problem where the text is a template's, not YAML. */
const TEMPLATE_HINT =
  'this is template syntax ({{ ... }}, as in a Helm chart), not YAML: render the template first (helm template) and read its output';

/** A quoted scalar on one line, `"..."` or `'...'`. */
const QUOTED = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'/g;

/**
 * Whether the YAML error at `offset` of `text` is a template's: template syntax (`{{`) at it, or
 * outside quotes on its line or the one before it (where a YAML error often starts). A quoted
 * `{{` is a string's text, which YAML reads (a Prometheus rule's `summary: "{{ $labels.instance }} down"`).
 */
function templateAt(text: string, offset: number): boolean {
  if (text.slice(Math.max(0, offset - 1), offset + 2).includes('{{')) return true;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const before = text.lastIndexOf('\n', Math.max(0, lineStart - 2)) + 1;
  return text
    .slice(before, lineEnd < 0 ? text.length : lineEnd)
    .replace(QUOTED, '')
    .includes('{{');
}

/** Reads every document of `text` (shown as `file`), within the bounds of lib/model/limits.ts. */
export function readYaml(text: string, file: string, { maxAliasCount, multi, what, key = 'key' }: ReadYamlOptions): ReadYaml {
  const lines = new LineCounter();
  const at = (offset: number): SourceLocation => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  // duplicate keys are found by `badKeys`, in linear time; merge keys are expanded, as kubectl does
  const options = { lineCounter: lines, prettyErrors: false, uniqueKeys: false, merge: true } as const;
  // before parsing (the line counter is filled by the parser): the place counted by hand
  const counted = (o: number): SourceLocation => ({
    file,
    line: 1 + (text.slice(0, o).match(/\n/g)?.length ?? 0),
    column: o - text.lastIndexOf('\n', o - 1),
  });
  const unread = unreadableText(text, counted);
  if (unread.length) return { docs: [], values: [], lines, problems: unread, at };
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const deep = tooDeep(tokens);
  if (deep !== undefined) return { docs: [], values: [], lines, problems: [depthProblem(at(deep))], at };
  const directives = multi ? directiveProblems(tokens, at) : [];
  if (directives.length) return { docs: [], values: [], lines, problems: directives, at };
  const docs = compose(tokens, text, { multi, what }, options);
  // a stack overflow in the composer would be its RESOURCE_EXHAUSTION error: the nesting bound, in its words
  const problems: Problem[] = docs.flatMap((d) =>
    d.errors.map((e) =>
      e.code === 'RESOURCE_EXHAUSTION'
        ? depthProblem(at(e.pos[0]))
        : {
            code: `yaml/${e.code.toLowerCase().replace(/_/g, '-')}`,
            location: at(e.pos[0]),
            // (what it quotes of a password, `DB_PASSWORD: |Xk9v...`, is never printed)
            message: yamlMessage(shownParserMessage(e.message, lineAt(text, e.pos[0]))),
            // `name: {{ .Release.Name }}-config` left unrendered is no YAML: say so, rather than how to quote
            hint: templateAt(text, e.pos[0]) ? TEMPLATE_HINT : yamlHint(e.code),
            ...explained(e, text, at, multi),
          },
    ),
  );
  if (problems.length) return { docs, values: [], lines, problems: dedupe(afterTabs(problems)), at };
  const values: unknown[] = [];
  for (const doc of docs) {
    const duplicates = badKeys(doc);
    if (duplicates.length) {
      for (const d of duplicates) {
        problems.push(
          d.key === undefined
            ? {
                code: 'yaml/non-string-key',
                location: at(d.offset),
                message: 'a key here is a list or a mapping; keys are plain names',
                // `name: {{ .Values.name }}` reads as a mapping whose key is a mapping (placed at either brace)
                hint: templateAt(text, d.offset) ? TEMPLATE_HINT : 'write the key as a plain name (quoted if it holds special characters)',
              }
            : {
                code: 'yaml/duplicate-key',
                location: at(d.offset),
                message: `duplicate key ${shownKey(d.key)}; each ${key} may appear once per mapping`,
                hint: `keep the one you mean and remove the other`,
              },
        );
      }
      values.push(undefined);
      continue;
    }
    try {
      values.push(flattened(doc.toJS({ maxAliasCount })));
    } catch (e) {
      values.push(undefined);
      // an alias of no anchor before it (one set in an earlier document included), merged or not
      const lost = unresolvedAlias(docs, doc);
      if (lost) {
        problems.push({ ...lost, location: at(lost.offset) });
        continue;
      }
      const merge = badMerge(doc);
      if (merge !== undefined) {
        problems.push(mergeProblem(at(merge)));
        continue;
      }
      const bomb = /excessive alias/i.test(String(e));
      problems.push({
        code: 'yaml/alias',
        location: at(firstAliasOffset(doc)),
        message: bomb
          ? `YAML aliases expand more than ${maxAliasCount} times (an "alias bomb" that would exhaust memory)`
          : shorten(String(e instanceof Error ? e.message : e).replace(/\.$/, ''), 200),
        hint: `${what} may expand YAML aliases at most ${maxAliasCount} times and only after their anchor; write the values out`,
      });
    }
  }
  return { docs, values, lines, problems, at };
}

/**
 * Only the tabs, when a line is indented with one: the lines after it then nest wrongly, and each
 * error the parser finds there (a key on two lines, a nested mapping) comes from the tab.
 */
function afterTabs(problems: Problem[]): Problem[] {
  const tabs = problems.filter((p) => p.code === 'yaml/tab-as-indent');
  return tabs.length ? tabs : problems;
}

/** One problem per place and code: the parser may report a broken line several times. */
function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const id = `${p.location?.line}:${p.location?.column}:${p.code}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** yaml's message, on one line and of bounded length. */
/** The line of `text` that holds `offset`. */
function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end);
}

function yamlMessage(message: string): string {
  return shorten(message.replace(/\.$/, '').split('\n')[0], 200);
}

/**
 * `value` with every string of it flat, as it is. The yaml library builds a double-quoted scalar one character at a
 * time (`res += ch`), which V8 keeps as a rope of one node per character, about 30 bytes each, until something reads
 * the string whole: 45,000 ConfigMaps of one 400-character quoted value each held 589 MB after parsing (24 MB read
 * by the block reader, whose strings are slices), and a check of three 7.4 MB files failed in a heap of 500 MB. Reading
 * a string's last character flattens it in place (V8's String::Flatten), and the rope is let go.
 */
function flattened(value: unknown): unknown {
  if (typeof value === 'string') value.charCodeAt(value.length - 1);
  else if (Array.isArray(value)) for (const v of value) flattened(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) flattened(v);
  return value;
}

/**
 * One document of a file readYaml read without problems, read again alone from its text (`text`: from its first offset,
 * as its `range` gives it, to the one after it), with readYaml's options (merge keys expanded): its places are
 * offsets in `text`. For a caller that let the file's Documents go (lib/checks/source-file.ts).
 */
export function documentAgain(text: string): Document {
  return parseDocument(text, { prettyErrors: false, uniqueKeys: false, merge: true });
}

/**
 * The offset in the text of the node at `path` in `doc` (of its key when `atKey`), or of the
 * deepest node on the way when the path leaves the document (0 when there is none).
 */
export function offsetInDocument(doc: Document | undefined, path: FieldPath, atKey: boolean): number {
  let node: unknown = doc?.contents;
  let keyNode: Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const k = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
      if (!pair) {
        node = (doc && mergeOf(doc, node, k)) ?? node;
        break;
      }
      if (i === path.length - 1 && atKey && isNode(pair.key)) keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof k === 'number' && isNode(node.items[k])) {
      node = node.items[k];
    } else break;
  }
  const target = keyNode ?? (isNode(node) ? node : undefined);
  return target?.range?.[0] ?? 0;
}
