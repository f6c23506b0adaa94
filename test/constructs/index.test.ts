/** lib/constructs/index.ts: the one module a stack imports its constructs from. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as surface from '../../lib/constructs/index.js';
import { RESTRICTED_CONTAINER, toResources } from '../../lib/constructs/app-deployment.js';
import * as container from '../../lib/constructs/app-container.js';
import { k8s } from '../../lib/k8s.js';
import { REPO } from '../helpers/cli.js';

/** What an editor marks deprecated (TypeScript's suggestion 6385) in a stack that imports `names` from `module`. */
function deprecatedImports(module: string, names: readonly string[]): string[] {
  const file = join(REPO, 'apps', 'deprecated-import-probe.ts');
  const text = `import { ${names.join(', ')} } from '../lib/constructs/${module}';\nexport const used = [${names.join(', ')}];\n`;
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(join(REPO, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, REPO);
  const service = ts.createLanguageService({
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) =>
      f === file
        ? ts.ScriptSnapshot.fromString(text)
        : ts.sys.fileExists(f)
          ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!)
          : undefined,
    getCurrentDirectory: () => REPO,
    getCompilationSettings: () => config.options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === file || ts.sys.fileExists(f),
    readFile: (f) => (f === file ? text : ts.sys.readFile(f)),
  });
  return service
    .getSuggestionDiagnostics(file)
    .filter((d) => d.code === 6385 && d.start !== undefined && d.start < text.indexOf('\n'))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

/** The construct files a stack builds from: every one but the index and the compiler's external-secrets.ts. */
const CONSTRUCT_FILES = readdirSync(join(REPO, 'lib/constructs')).filter(
  (f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'external-secrets.ts',
);

/** Every stack source of the project's own (apps/), relative to the repo. */
function stackSources(dir = 'apps'): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? stackSources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * What `text` (a module's source) takes from other modules, as TypeScript reads it: each import, re-export and
 * `import()`, its module and the names it takes by their exported names (`*`: all of them, a namespace or a default).
 */
function importsOf(text: string): { module: string; names: string[] }[] {
  const found: { module: string; names: string[] }[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const bindings = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : node.exportClause;
      const named = bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings)) ? bindings.elements : undefined;
      const names = named?.map((e) => (e.propertyName ?? e.name).text) ?? [];
      const whole = !named || (ts.isImportDeclaration(node) && node.importClause?.name !== undefined);
      found.push({ module: node.moduleSpecifier.text, names: whole ? [...names, '*'] : names });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) found.push({ module: arg.text, names: ['*'] });
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('stack.ts', text, ts.ScriptTarget.Latest));
  return found;
}

/** The imports of `text` (in the file `file` of the repo) that take a construct file or lib/k8s.ts's bindings directly. */
const directImports = (file: string, text: string): string[] =>
  importsOf(text)
    .filter(({ module }) => module.startsWith('.'))
    .map(({ module, names }) => ({ names, target: relative(REPO, join(REPO, file, '..', module)) }))
    .filter(
      ({ names, target }) =>
        /^lib\/constructs\/(?!index\.js$)/.test(target) || (target === 'lib/k8s.js' && (names.includes('k8s') || names.includes('*'))),
    )
    .map(({ target }) => `${file}: ${target}`);

describe('the constructs a stack imports (lib/constructs/index.ts)', () => {
  it("are what the project's own stacks import, the example the README gives a team: no construct file, nor lib/k8s.ts's bindings, directly", () => {
    const direct = stackSources().flatMap((file) => directImports(file, readFileSync(join(REPO, file), 'utf8')));
    expect(stackSources()).toContain('apps/service/chart.ts');
    expect(direct).toEqual([]);
  });

  it('are told from every form of import a stack may write, and from nothing else', () => {
    const file = 'apps/shop/chart.ts';
    expect(
      directImports(
        file,
        [
          "import { AppDeployment } from '../../lib/constructs/app-deployment.js';",
          "import type {\n  AppProbe,\n} from '../../lib/constructs/app-container.js';",
          "import * as constructs from '../../lib/constructs/label-service.js';",
          "export { toResources } from '../../lib/constructs/app-container.js';",
          "export * from '../../lib/constructs/one-container-pod.js';",
          "import { k8s as kube } from '../../lib/k8s.js';",
          "import * as bindings from '../../lib/k8s.js';",
          "const late = await import('../../lib/constructs/tls-ingress.js');",
          // what a stack may import
          "import { AppDeployment, k8s } from '../../lib/constructs/index.js';",
          "import { NOT_API_OBJECTS } from '../../lib/k8s.js';",
          "import { Chart } from 'cdk8s';",
          "// import { x } from '../../lib/constructs/app-deployment.js';",
        ].join('\n'),
      ),
    ).toEqual([
      `${file}: lib/constructs/app-deployment.js`,
      `${file}: lib/constructs/app-container.js`,
      `${file}: lib/constructs/label-service.js`,
      `${file}: lib/constructs/app-container.js`,
      `${file}: lib/constructs/one-container-pod.js`,
      `${file}: lib/k8s.js`,
      `${file}: lib/k8s.js`,
      `${file}: lib/constructs/tls-ingress.js`,
    ]);
  });

  it('are every export of every construct file, so that a new construct or a helper moved between files is there too', async () => {
    expect(CONSTRUCT_FILES).toContain('app-container.ts');
    const missing: string[] = [];
    for (const file of CONSTRUCT_FILES) {
      // a path made at run time, each construct file's: Vite is told to leave it as it is
      const module = (await import(/* @vite-ignore */ `../../lib/constructs/${file.replace(/\.ts$/, '.js')}`)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module))
        if ((surface as Record<string, unknown>)[name] !== value) missing.push(`${file}: ${name}`);
    }
    expect(missing).toEqual([]);
  });

  it('hold the typed Kubernetes bindings too, for a kind no construct makes, and not the compiler-only ExternalSecrets', () => {
    expect(surface.k8s).toBe(k8s);
    expect(Object.keys(surface)).not.toContain('externalSecrets');
  });

  it('still serve a stack that imports toResources and RESTRICTED_CONTAINER from app-deployment.js, where they were before app-container.ts', () => {
    expect(toResources).toBe(container.toResources);
    expect(RESTRICTED_CONTAINER).toBe(container.RESTRICTED_CONTAINER);
  });

  it("mark that import deprecated in an editor, and not the index's (a @deprecated on `export { ... } from` marked nothing)", () => {
    const names = ['RESTRICTED_CONTAINER', 'toResources'];
    expect(deprecatedImports('app-deployment.js', names)).toEqual([
      "'RESTRICTED_CONTAINER' is deprecated.",
      "'toResources' is deprecated.",
    ]);
    expect(deprecatedImports('index.js', names)).toEqual([]);
  }, 60_000);
});
