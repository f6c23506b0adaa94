import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

/**
 * The exports of a CommonJS module run from `source` as if it were the file `file` (as Node.js
 * would load it), its `require` answering from there unless another is given: for tests that run
 * a package's module and its rewritten text side by side.
 */
export function runCommonJs<T>(source: string, file: string, require: (id: string) => unknown = createRequire(file)): T {
  const module = { exports: {} as T };
  vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${source}\n})`)(
    module.exports,
    require,
    module,
    file,
    dirname(file),
  );
  return module.exports;
}
