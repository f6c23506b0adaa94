/**
 * The project file, `stagecraft.yaml` at the project root: settings every stage shares (today the
 * defaults of delivery by a GitOps engine). Optional; parsed and validated like a stage file, every
 * problem at its `file:line:col`. Pure: the caller reads the file.
 */
import { LineCounter, parseDocument } from 'yaml';
import { ProblemsError, compareProblems, type PathProblem, type Problem } from '../errors.js';
import { ProjectFileSchema, repositoryMismatches, type ProjectFile } from './delivery.js';
import { locateKey, locateValue } from './locate.js';
import { SchemaValidator } from './validate.js';

export const PROJECT_FILE = 'stagecraft.yaml';
/** Alias expansions allowed: the project file is a handful of settings. */
const MAX_ALIASES = 100;

let validator: SchemaValidator | undefined;

/** @throws ProblemsError with every problem of the file */
export function loadProjectFile(text: string, file = PROJECT_FILE): ProjectFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  if (doc.errors.length) {
    throw new ProblemsError(
      doc.errors.map((e) => ({ code: 'yaml/syntax', location: at(e.pos[0]), message: e.message.replace(/\.$/, '') })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (e) {
    throw new ProblemsError([
      { code: 'yaml/alias', location: at(0), message: String(e instanceof Error ? e.message : e).replace(/\.$/, '') },
    ]);
  }
  const problems: Problem[] = (validator ??= new SchemaValidator(ProjectFileSchema)).problems(data).map(({ path, key, ...p }) => ({
    ...p,
    location: key === undefined ? locateValue(doc, lines, file, path) : locateKey(doc, lines, file, path, key),
  }));
  if (problems.length) throw new ProblemsError(problems.sort(compareProblems));
  const project = data as ProjectFile;
  const refined = refineProject(project).map(({ path, ...p }) => ({ ...p, location: locateValue(doc, lines, file, path) }));
  if (refined.length) throw new ProblemsError(refined.sort(compareProblems));
  return project;
}

/**
 * What the schema cannot say of a valid project file: a default repository that the default
 * engine would misread (a stage that picks another engine or repository is checked when its
 * delivery is planned, lib/delivery/plan.ts).
 */
function refineProject(project: ProjectFile): PathProblem[] {
  const delivery = project.delivery ?? {};
  if (!delivery.engine) return [];
  return repositoryMismatches(delivery.engine, delivery.repository ?? {}).map(({ setting, message, ...p }) => {
    const path = ['delivery', 'repository', setting];
    return { ...p, path, message: `${path.join('.')}: ${message}` };
  });
}
