import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/cli.js';

/** Every .ts/.mjs/.cjs file below `dir`, relative to the repo. */
function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|mjs|cjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The repo files a source imports (static, dynamic and type-only imports, re-exports, and a CommonJS file's requires). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => relative(REPO, join(REPO, dirname(file), s)).replace(/\.js$/, '.ts')).filter((f) => !f.endsWith('.json'));
}

/** What a source loads when it runs: the specifiers of its imports and re-exports that are not type-only, and its requires. */
function runtimeImportsOf(file: string): string[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  return [
    ...text.matchAll(/^(?:import\s+(?!type\b)[\w*{]|export\s+(?:\*|\{))[^;]*?\bfrom\s*'([^'\n]+)'/gm),
    ...text.matchAll(/\brequire\(\s*'([^'\n]+)'\s*\)/g),
  ].map((m) => m[1]);
}

/** The npm packages that loading `file` loads, through the repo files it imports, each as `file: package`. */
function packagesLoadedBy(file: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const spec of runtimeImportsOf(f)) {
      if (spec.startsWith('.')) visit(relative(REPO, join(REPO, dirname(f), spec)).replace(/\.js$/, '.ts'));
      else if (!spec.startsWith('node:')) found.push(`${f}: ${spec}`);
    }
  };
  visit(file);
  return found;
}

const FILES = [...sources('lib'), ...sources('apps')];
const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));

/** The import cycles of the graph, each as the files around it (Tarjan's strongly connected components). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)!.includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/**
 * The layers, lowest first: a file may import from its own layer and the layers below it, never
 * from a layer above. The first pattern that matches a file decides its layer.
 */
const LAYERS: readonly (readonly [name: string, pattern: RegExp])[] = [
  ['model', /^lib\/(model\/|errors\.ts$|fs-problems\.ts$|k8s\.ts$|policy\.ts$)/],
  [
    'config',
    /^lib\/(config\/|edge\/(settings|refine|floating-ip|haproxy-words|address)\.ts$|stack\.ts$|release(-order)?\.ts$|secrets\.ts$|required-secrets\.ts$|required-service-accounts\.ts$)/,
  ],
  ['constructs/apps', /^(lib\/constructs\/|apps\/)/],
  ['transforms', /^lib\/transforms\//],
  ['synth', /^lib\/synth\//],
  ['checks', /^lib\/checks\//],
  ['delivery', /^lib\/(delivery|edge)\//],
  [
    'compile',
    /^lib\/(compile|compile-stage|app-findings|load-stage|stage-secrets|stage-references|stage-images|promotion|promotion-order|promotion-apps|promotion-release|promotion-images|live-edits|output-changes|immutable-fields|field-changes|selector-changes|volume-nodes|data-leaves|setting-places|required-secret-changes|config-rollouts|label-only-changes|replica-changes|refused-changes)\.ts$/,
  ],
  ['diff', /^lib\/diff\//],
  ['cli', /^lib\/cli\//],
];
const layerOf = (file: string) => LAYERS.findIndex(([, p]) => p.test(file));

describe('the imports of lib/ and apps/', () => {
  it('are found by this test (it reads the sources it checks)', () => {
    expect(GRAPH.get('lib/compile.ts')).toContain('lib/synth/rendered.ts');
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
  });

  it('have no cycles', () => {
    expect(cycles(GRAPH)).toEqual([]);
  });

  it('put every file in a layer', () => {
    expect(FILES.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('keep checks off the transforms and the stage-file internals, and diff off the constructs', () => {
    const banned: readonly (readonly [from: RegExp, to: RegExp])[] = [
      [/^lib\/checks\//, /^lib\/(transforms|config)\//],
      [/^lib\/diff\//, /^lib\/constructs\//],
    ];
    const found = [...GRAPH].flatMap(([file, imports]) =>
      banned.flatMap(([from, to]) => (from.test(file) ? imports.filter((i) => to.test(i)).map((i) => `${file} imports ${i}`) : [])),
    );
    expect(found).toEqual([]);
  });

  it('keep the fast path of check and synth off every package (lib/cli/run.cjs runs it before loading the compiler)', () => {
    expect(packagesLoadedBy('lib/compile.ts')).toContain('lib/synth/render.ts: cdk8s'); // the test sees packages
    expect(packagesLoadedBy('lib/cli/fast.ts')).toEqual([]);
  });

  it(`go only downward: ${LAYERS.map(([n]) => n).join(' <- ')}`, () => {
    const upward = [...GRAPH].flatMap(([file, imports]) =>
      imports
        .filter((i) => GRAPH.has(i) && layerOf(i) > layerOf(file))
        .map((i) => `${file} (${LAYERS[layerOf(file)][0]}) imports ${i} (${LAYERS[layerOf(i)][0]})`),
    );
    expect(upward).toEqual([]);
  });
});
