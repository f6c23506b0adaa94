/** A small schema, the ajv that compiles it, and values it accepts and refuses: the fixture of the kept-validator tests. */
import AjvModule from 'ajv';

export const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;

export const SMALL_SCHEMA = {
  type: 'object',
  properties: { a: { type: 'integer', minimum: 0 }, b: { enum: ['x', 'y'] }, c: { type: 'array', items: { type: 'string' } } },
  required: ['a'],
  additionalProperties: false,
};

/** An ajv as the compiler makes them (all errors, verbose), keeping the generated code when `source`. */
export const makeAjv = (source: boolean) => new Ajv({ allErrors: true, verbose: true, code: { optimize: false, source } });

/** Values with errors of several keywords, and valid ones. */
export const SMALL_VALUES: readonly unknown[] = [{ a: -1, b: 'z', c: [1], d: 0 }, { b: 'x' }, { a: 1 }, 'text'];
