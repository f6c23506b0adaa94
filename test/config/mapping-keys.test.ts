/**
 * Keys of mappings (`config:`, `edge.frontends.<x>.hosts:`, `nodes:`, ...) are checked like values:
 * TypeBox's Type.Record alone lets a key that breaks its pattern through unchecked, and a stack's
 * refine rules then met values of any type (a host key `/path: 15` crashed the edge rules).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStage, schemaText } from '../../lib/compile.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import { ProjectFileSchema } from '../../lib/config/delivery.js';
import { REPO } from '../helpers/cli.js';

function problems(stage: string, edit: (text: string) => string): string[] {
  const text = edit(readFileSync(join(REPO, 'test/fixtures/examples', `${stage}.yaml`), 'utf8'));
  try {
    loadStage({ stage, file: `environments/${stage}.yaml`, text });
    return [];
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    return e.problems.map(formatProblem);
  }
}

/** Every schema below `s` that maps names by pattern, with its place. */
function patternMappings(s: unknown, at = '#'): { at: string; schema: Record<string, unknown> }[] {
  if (typeof s !== 'object' || s === null) return [];
  const here = !Array.isArray(s) && 'patternProperties' in s ? [{ at, schema: s as Record<string, unknown> }] : [];
  return [...here, ...Object.entries(s).flatMap(([k, v]) => patternMappings(v, `${at}/${k}`))];
}

describe('the keys of mappings in a stage file', () => {
  it('are refused, located, when they break the pattern, whatever their value', () => {
    const found = problems('onprem', (t) => t.replace(/( +)hosts:\n/, '$1hosts:\n$1  /path: 15\n$1  Bad_Host.example.com: demoapp\n'));
    expect(found).toEqual([
      expect.stringMatching(
        /^environments\/onprem\.yaml:\d+:\d+: edge\.frontends\.\w+\.hosts: '\/path' is not a valid name; it must be a lowercase host name/,
      ),
      expect.stringMatching(
        /^environments\/onprem\.yaml:\d+:\d+: edge\.frontends\.\w+\.hosts: 'Bad_Host\.example\.com' is not a valid name/,
      ),
    ]);
  });

  it('are refused in a stack setting (demoapp config)', () => {
    const found = problems('qa', (t) => t.replace(/( +)config:\n/, '$1config:\n$1  "a b": x\n'));
    expect(found).toEqual([
      expect.stringMatching(/apps\.\w+\.config: 'a b' is not a valid name; it must be a name of at most 253 letters, digits/),
    ]);
  });

  it('are checked for their length too (a node name of 254 characters)', () => {
    const long = `n${'a'.repeat(253)}`;
    const found = problems('mink8s', (t) => t.replace(/^nodes:\n/m, `nodes:\n  ${long}: {}\n`));
    expect(found.join('\n')).toContain('at most 253 characters');
  });

  it('have their names checked in every mapping of the stage-file and project-file schemas', () => {
    const mappings = patternMappings([JSON.parse(schemaText()), ProjectFileSchema]);
    expect(mappings.length).toBeGreaterThan(5);
    expect(
      mappings.filter(({ schema }) => schema.propertyNames === undefined && schema.additionalProperties !== false).map((m) => m.at),
    ).toEqual([]);
  });
});
