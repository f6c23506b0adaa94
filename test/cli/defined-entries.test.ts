/**
 * The rewrite of cdk8s-plus's generated code in the bundles (lib/cli/defined-entries.mjs): the
 * rewritten expression gives the same objects as the original, every instance in the installed
 * cdk8s-plus is rewritten, and the rewritten module converts props to the same JSON.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFINED_ENTRIES, definedEntries, withDefinedEntries } from '../../lib/cli/defined-entries.mjs';
import { plusPackageFile } from '../../lib/k8s.js';
import { runCommonJs } from '../helpers/commonjs.js';
import { random } from '../helpers/random.js';

/** The expression as cdk8s-plus writes it, and with a conversion of each value. */
// biome-ignore lint/performance/noAccumulatingSpread: the very expression the bundles rewrite
const original = (x: object) => Object.entries(x).reduce((r, i) => (i[1] === undefined ? r : { ...r, [i[0]]: i[1] }), {});
const converted = (x: object) =>
  // biome-ignore lint/performance/noAccumulatingSpread: the very expression the bundles rewrite
  Object.entries(x).reduce((r, i) => (i[1] === undefined ? r : { ...r, [i[0]]: (i[1] as { value?: unknown } | null)?.value }), {});

const K8S = plusPackageFile('lib/imports/k8s.js');
const text = readFileSync(K8S, 'utf8');

/** cdk8s-plus's generated module's exports, from `source`. */
const load = (source: string) => runCommonJs<Record<string, (props: unknown) => unknown>>(source, K8S);

/** The same keys in the same order, the same values (the very same objects), the same prototype. */
function expectSame(a: object, b: object) {
  expect(Reflect.ownKeys(a)).toEqual(Reflect.ownKeys(b));
  for (const k of Reflect.ownKeys(a))
    expect(Object.is((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k])).toBe(true);
  expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
}

describe('definedEntries', () => {
  it('gives what the expression gives on objects with every kind of key and value', () => {
    const next = random(19);
    const keys = ['__proto__', 'constructor', 'toString', '10', '2', '0', '', 'a', 'b-c', 'x.y/z', 'hasOwnProperty'];
    const values = [undefined, null, 0, -0, Number.NaN, '', 'v', false, true, {}, [], { polluted: true }];
    for (let n = 0; n < 2000; n++) {
      const x: Record<string, unknown> = {};
      for (const key of keys) {
        if (next() < 0.5) continue;
        const value = values[Math.floor(next() * values.length)];
        // an own __proto__ key, as JSON.parse makes one
        Object.defineProperty(x, key, { value, enumerable: true, writable: true, configurable: true });
      }
      expectSame(definedEntries(x), original(x));
      expectSame(
        definedEntries(x, (v: { value?: unknown } | null) => v?.value),
        converted(x),
      );
    }
  });
});

describe("cdk8s-plus's generated module, rewritten", () => {
  it('has no such expression left, and each one became a call', () => {
    const rewritten = withDefinedEntries(text);
    const found = text.match(DEFINED_ENTRIES)?.length ?? 0;
    expect(found).toBeGreaterThan(100);
    // every reduce of the module was one of them
    expect(text.split('.reduce(').length - 1).toBe(found);
    expect(rewritten.split('.reduce(').length - 1).toBe(0);
    expect(rewritten.split('__definedEntries(').length - 1).toBe(found);
    // some convert each value (quantities, nested schemas): they keep their conversion
    expect(rewritten).toContain('(__v) => __v?.value');
  });

  it('converts props to the same JSON as the module as installed, key order included', () => {
    const before = load(text);
    const after = load(withDefinedEntries(text));
    const props = {
      metadata: { name: 'web', labels: { app: 'web', '10': 'x', gone: undefined }, annotations: { __proto__: 'kept' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'nginx:1.25',
                env: [
                  { name: 'A', value: '1' },
                  { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
                ],
                resources: { limits: { cpu: { value: '1' } }, requests: undefined },
                ports: [{ containerPort: 8080, name: undefined }],
              },
            ],
            nodeSelector: { 'kubernetes.io/arch': 'arm64' },
          },
        },
      },
    };
    // the annotations map as JSON.parse would give it: __proto__ an own key
    props.metadata.annotations = JSON.parse('{"__proto__": "kept", "b": "c"}');
    const converters = Object.keys(before).filter((k) => k.startsWith('toJson_'));
    expect(converters.length).toBeGreaterThan(100);
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'object', additionalProperties: { type: 'integer' } } },
    };
    const samples: [string, unknown][] = [
      ['toJson_KubeDeploymentProps', props],
      ['toJson_ObjectMeta', props.metadata],
      ['toJson_Container', props.spec.template.spec.containers[0]],
      ['toJson_PersistentVolumeSpec', { capacity: { storage: { value: '2Gi' } }, hostPath: { path: '/data' } }],
      ['toJson_JsonSchemaProps', schema],
      ['toJson_KubeConfigMapProps', { data: { a: '1', b: undefined }, binaryData: {} }],
    ];
    for (const [name, input] of samples) {
      const a = after[name](input);
      const b = before[name](input);
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      expect(a).toStrictEqual(b);
    }
    // every converter, on empty props: the same (undefined fields dropped the same way)
    for (const name of converters) expect(JSON.stringify(after[name]({}))).toBe(JSON.stringify(before[name]({})));
  });
});
