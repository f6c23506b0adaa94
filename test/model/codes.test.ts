import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES, codesMarkdown } from '../../lib/model/codes.js';
import { REPO } from '../helpers/cli.js';

const DOC = join(REPO, 'docs/problem-codes.md');

function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/**
 * The problem codes written as literals in a source: `code: 'area/what'`, and the first argument of
 * the helpers that make findings and problems (`emit('refs/claim', ...)`, `f(...)`, `fail(...)`), and the
 * second of a refine step's `add([path], 'config/...', ...)`.
 * Codes built at run time (`config/${keyword}`, `policy/${control}`, `yaml/...`) come from lists
 * the catalogue is built from.
 */
function codesIn(text: string): string[] {
  const literal = String.raw`(['\`])((?:[a-z][a-z-]*\/[a-z0-9][a-zA-Z0-9-]*)|internal)\1`;
  return [
    ...text.matchAll(
      new RegExp(String.raw`(?:\bcode:\s*|\b(?:emit|f|fail|report|finder\([^)]*\))\(\s*|\badd\(\s*\[[^\]]*\],\s*)${literal}`, 'g'),
    ),
  ].map((m) => m[2]);
}

describe('the catalogue of problem codes', () => {
  it('finds codes in sources as they are written', () => {
    expect(
      codesIn(
        "x.push({ code: 'refs/claim', message }); emit('api/name', ['metadata']); f(`schema/type`, p); finder(o)('refs/namespace', p); add(['ingress', 'port'], 'config/unknown-port', m)",
      ),
    ).toEqual(['refs/claim', 'api/name', 'schema/type', 'refs/namespace', 'config/unknown-port']);
  });

  it('has every code used in lib/ and apps/', () => {
    const known = new Set(CODES.map((c) => c.code));
    const used = new Map<string, string>();
    for (const file of [...sources('lib'), ...sources('apps')])
      for (const code of codesIn(readFileSync(join(REPO, file), 'utf8'))) used.set(code, file);
    const missing = [...used].filter(([code]) => !known.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(used.size).toBeGreaterThan(50);
    expect(missing, `codes missing from lib/model/codes.ts: ${missing.join(', ')}`).toEqual([]);
  });

  it("lists the commands' codes together, cli/ and then diff/, as docs/problem-codes.md prints them", () => {
    const families = CODES.map((c) => c.code.split('/')[0]);
    for (const family of ['cli', 'diff']) {
      const first = families.indexOf(family);
      expect(families.slice(first, families.lastIndexOf(family) + 1).every((f) => f === family)).toBe(true);
    }
    expect(families.lastIndexOf('cli')).toBeLessThan(families.indexOf('diff'));
  });

  it("says that a stage's secrets.allow does not excuse credentials in a repository URL, as the problem itself says", () => {
    const help = CODES.find((c) => c.code === 'delivery/repository-credentials')?.help;
    expect(help).toContain("A stage's secrets.allow does not excuse it");
  });

  it('lists each code once, with a title and help', () => {
    expect(new Set(CODES.map((c) => c.code)).size).toBe(CODES.length);
    expect(CODES.filter((c) => !c.title || !c.help)).toEqual([]);
  });

  it("titles the two image codes after what each reports, not after the other's problem", () => {
    const title = (code: string) => CODES.find((c) => c.code === code)?.title;
    // a kubernetes.io/arch node selector for another architecture than the stage's (lib/transforms/arch-selector.ts)
    expect(title('images/architecture-conflict')).toBe('Pod pinned to another architecture');
    expect(title('images/no-build-for-architecture')).toBe('Image not built for the architecture');
  });

  it('is documented in docs/problem-codes.md (UPDATE_DOCS=1 rewrites it)', () => {
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, codesMarkdown());
    expect(readFileSync(DOC, 'utf8')).toBe(codesMarkdown());
  });
});
