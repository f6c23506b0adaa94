/** Running the checks over fixture manifests, as `npm run check -- <file>` does, without a process. */
import { readFileSync, readdirSync } from 'node:fs';
import type { KubeObject } from '../../lib/model/object.js';
import { join, relative } from 'node:path';
import { checkObjects, type CheckOptions } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { exceptionLines, toProblem } from '../../lib/checks/finding.js';
import { compareProblems, formatPlace } from '../../lib/errors.js';
import { REPO } from '../helpers/cli.js';

export const MANIFESTS = join(REPO, 'test/fixtures/manifests');

/** Every finding in the fixture files, as `file:line:col: message` (without hints), sorted by place. */
export function findingsIn(files: readonly string[], options: CheckOptions = {}, severity: 'error' | 'warning' = 'error'): string[] {
  const manifests = parseManifests(
    files.map((f) => ({ file: relative(MANIFESTS, join(MANIFESTS, f)), text: readFileSync(join(MANIFESTS, f), 'utf8') })),
  );
  return checkObjects(manifests.objects, options)
    .findings.filter((f) => f.severity === severity)
    .map((f) => toProblem(f, manifests.locate(f)))
    .sort(compareProblems)
    .map((p) => `${formatPlace(p)}: ${p.message}`);
}

/** The synth summary's exception lines for the fixture files. */
export function exceptionsIn(files: readonly string[], options: CheckOptions = {}): string[] {
  const manifests = parseManifests(files.map((f) => ({ file: f, text: readFileSync(join(MANIFESTS, f), 'utf8') })));
  return exceptionLines(checkObjects(manifests.objects, options).exceptions);
}

/** Warnings every hand-written fixture gets (no pinned tag, resources or probes): left out of rule tests. */
const BACKGROUND = new Set(['policy/image-tag', 'policy/resources', 'policy/probes']);

/** Every finding in the fixture files (both severities, without the background warnings), as `code file:line:col: message`. */
export function codedFindingsIn(files: readonly string[], options: CheckOptions = {}): string[] {
  const manifests = parseManifests(
    files.map((f) => ({ file: relative(MANIFESTS, join(MANIFESTS, f)), text: readFileSync(join(MANIFESTS, f), 'utf8') })),
  );
  return checkObjects(manifests.objects, options)
    .findings.filter((f) => !BACKGROUND.has(f.code))
    .map((f) => ({ code: f.code, p: toProblem(f, manifests.locate(f)) }))
    .sort((a, b) => compareProblems(a.p, b.p))
    .map(({ code, p }) => `${code} ${formatPlace(p)}: ${p.message}`);
}

/** The objects of YAML files anywhere (CRD folders such as ../shared/crds/cert-manager). */
export function objectsIn(dir: string): readonly KubeObject[] {
  return parseManifests(
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') })),
  ).objects;
}
