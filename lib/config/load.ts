/**
 * Loading a stage file: YAML text in, a typed stage out, or every problem at once with its
 * `file:line:col`. Pure: the caller reads the file and passes its text.
 */
import { LineCounter, parseDocument, visit, isAlias, type Document } from 'yaml';
import type { Static, TSchema } from '@sinclair/typebox';
import { ProblemsError, compareProblems, type Problem, type SourceLocation } from '../errors.js';
import type { StageContext, Stack } from '../stack.js';
import { DNS_LABEL_PATTERN } from './types.js';
import { stageFileSchema } from './stage-schema.js';
import { locateKey, locateValue } from './locate.js';
import { SchemaValidator, type PathProblem } from './validate.js';

/** Alias expansions allowed in one stage file; more is an "alias bomb", not configuration. */
export const MAX_ALIAS_COUNT = 100;

export interface LoadedStage<F = unknown> {
  readonly context: StageContext;
  /** The validated contents of the stage file. */
  readonly file: F;
  /** The stage file, as named in messages. */
  readonly source: string;
}

type StackMap = Record<string, Stack>;

/** Loads stage files for a fixed set of stacks (the schema is compiled once). */
export class StageLoader<S extends StackMap> {
  readonly schema;
  private readonly validator: SchemaValidator;

  constructor(readonly stacks: S) {
    this.schema = stageFileSchema(
      Object.fromEntries(Object.entries(stacks).map(([name, s]) => [name, s.settings])) as { [K in keyof S]: S[K]['settings'] },
    );
    this.validator = new SchemaValidator(this.schema as TSchema);
  }

  /**
   * Parses and validates the stage file `file` (a path as shown to users) whose text is `text`.
   * @throws ProblemsError with every problem found, sorted by position
   */
  load(text: string, file: string): LoadedStage<Static<typeof this.schema>> {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const at = (offset: number): SourceLocation => {
      const { line, col } = lines.linePos(offset);
      return { file, line, column: col };
    };
    const fail = (problems: Problem[]): never => {
      throw new ProblemsError([...problems].sort(compareProblems));
    };

    const stageName = file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
    const nameProblems: Problem[] = new RegExp(DNS_LABEL_PATTERN).test(stageName) && stageName.length <= 63
      ? []
      : [{
          code: 'config/stage-name',
          location: at(0),
          message: `the stage name '${stageName}' (the file name) is not a DNS-1123 label`,
          hint: "rename the file to lowercase letters, digits and '-', at most 63 characters, e.g. 'qa.yaml'",
        }];

    if (doc.errors.length > 0) {
      fail([
        ...nameProblems,
        ...doc.errors.map((e) => ({
          code: `yaml/${e.code.toLowerCase().replace(/_/g, '-')}`,
          location: at(e.pos[0]),
          message: yamlMessage(e.code, e.message, text.slice(e.pos[0])),
        })),
      ]);
    }
    if (doc.contents === null) {
      fail([...nameProblems, {
        code: 'config/empty',
        location: at(0),
        message: 'the stage file is empty',
        hint: 'a stage file is a mapping with at least `apps:`; see environments/lab.yaml',
      }]);
    }

    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      fail([...nameProblems, {
        code: 'yaml/alias',
        location: at(firstAliasOffset(doc)),
        message: /excessive alias/i.test(String(e))
          ? `YAML aliases expand more than ${MAX_ALIAS_COUNT} times (an "alias bomb" that would exhaust memory)`
          : String(e instanceof Error ? e.message : e).replace(/\.$/, ''),
        hint: `stage files may expand YAML aliases at most ${MAX_ALIAS_COUNT} times and only after their anchor; write the values out`,
      }]);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      fail([...nameProblems, {
        code: 'config/not-a-mapping',
        location: at(doc.contents?.range?.[0] ?? 0),
        message: `the stage file must be a mapping of settings (found ${Array.isArray(data) ? 'a list' : JSON.stringify(data)})`,
        hint: 'start the file with `apps:`; see environments/lab.yaml',
      }]);
    }

    const place = (p: PathProblem): Problem => {
      const { path, key, ...rest } = p;
      return { ...rest, location: key === undefined ? locateValue(doc as Document, lines, file, path) : locateKey(doc as Document, lines, file, path, key) };
    };
    const schemaProblems = this.validator.problems(data).map(place);
    if (nameProblems.length || schemaProblems.length) fail([...nameProblems, ...schemaProblems]);

    const stageFile = data as Static<typeof this.schema>;
    const namespace = stageFile.namespace ?? stageName;
    const context: StageContext = {
      name: stageName,
      namespace,
      architecture: stageFile.architecture ?? 'amd64',
      partOf: stageFile.partOf ?? namespace,
    };
    const refined = Object.entries(stageFile.apps ?? {}).flatMap(([name, settings]) =>
      (this.stacks[name]?.refine?.(settings as never, context) ?? []).map((p) => place({ ...p, path: ['apps', name, ...p.path] })),
    );
    if (refined.length) fail(refined);
    return { context, file: stageFile, source: file };
  }
}

/** yaml's message, made specific where it is vague; `rest` is the source text from the error on. */
function yamlMessage(code: string, message: string, rest: string): string {
  if (code === 'DUPLICATE_KEY') return `duplicate key '${/^[^:\n]*/.exec(rest)![0].trim()}'; each setting may appear once per mapping`;
  return message.replace(/\.$/, '');
}

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) {
        offset = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}
