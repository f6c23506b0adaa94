import { describe, expect, it, vi } from 'vitest';
import { checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { resourcesProblems } from '../../lib/config/workload.js';
import {
  QUANTITY_PATTERN,
  carelessAmount,
  carelessQuantity,
  carelessResources,
  compareQuantities,
  parseQuantity,
  quantityByValue,
  requestsAboveLimits,
} from '../../lib/model/quantity.js';

describe('quantities as numbers', () => {
  it.each([
    ['2Gi', 2 ** 31],
    ['500m', 0.5],
    ['1e3', 1000],
    ['1.5k', 1500],
    [3, 3],
  ])('%j is %d', (q, n) => {
    expect(parseQuantity(q)).toBe(n);
  });

  it('is undefined for what is not a quantity', () => {
    expect(['2Gib', '', 'one', '1 Gi'].map(parseQuantity)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads the suffix E as exa (10^18), not as an exponent written without its number', () => {
    expect(parseQuantity('2E')).toBe(2e18);
    expect(compareQuantities('1E', '999P')).toBe(1);
    expect(compareQuantities('1E', '1e18')).toBe(0);
  });
});

describe('cpu and memory quantities off by their unit', () => {
  it.each([
    ['memory', '512m', 'quantity/memory-milli', '0.512 bytes', '512Mi'],
    ['memory', '1.5m', 'quantity/memory-milli', '0.0015 bytes', '1.5Mi'],
    ['memory', '512', 'quantity/memory-small', '512 bytes', '512Mi'],
    ['memory', 128, 'quantity/memory-small', '128 bytes', '128Mi'],
    ['memory', '100Ki', 'quantity/memory-small', '102400 bytes', '100Mi'],
    ['memory', '4e3', 'quantity/memory-small', '4000 bytes', undefined],
    ['cpu', '500', 'quantity/cpu-large', '500 CPU cores', '500m'],
    ['cpu', 64, 'quantity/cpu-large', '64 CPU cores', '64m'],
    ['cpu', '1k', 'quantity/cpu-large', '1000 CPU cores', undefined],
  ])('%s %j is %s: %s, did you mean %s', (resource, value, code, amount, meant) => {
    expect(carelessQuantity(resource, value)).toMatchObject({ code, amount, meant });
  });

  it.each([
    ['memory', '4Mi'],
    ['memory', '5M'],
    ['memory', '0'],
    ['memory', '512Mi'],
    ['cpu', '63'],
    ['cpu', '63999m'],
    ['cpu', '250m'],
    ['cpu', '0'],
    ['storage', '1'],
    ['memory', 'lots'],
  ])('takes %s %j as it is', (resource, value) => {
    expect(carelessQuantity(resource, value)).toBeUndefined();
  });
});

describe("a container's careless cpu and memory quantities", () => {
  it('are found in requests, then limits, cpu before memory, with where each is and the quantity as written', () => {
    const found = carelessResources({
      limits: { memory: '512', cpu: '2', storage: '1' },
      requests: { memory: '512m', cpu: 500, 'nvidia.com/gpu': 100 },
      other: { cpu: '500' },
    });
    expect(found.map(({ side, resource, value, careless }) => [side, resource, value, careless.code])).toEqual([
      ['requests', 'cpu', 500, 'quantity/cpu-large'],
      ['requests', 'memory', '512m', 'quantity/memory-milli'],
      ['limits', 'memory', '512', 'quantity/memory-small'],
    ]);
    expect(found.map((f) => carelessAmount(f.careless))).toEqual([
      '500 CPU cores (no node is likely to have 64 or more); did you mean 500m?',
      '0.512 bytes (the suffix m means thousandths, not mebibytes); did you mean 512Mi?',
      '512 bytes (no container runs in less than 4Mi); did you mean 512Mi?',
    ]);
  });

  it('are none in resources that are not a mapping, or whose requests and limits are not', () => {
    expect([undefined, null, 'x', [], { requests: 'x', limits: ['500'] }].map(carelessResources)).toEqual([[], [], [], [], []]);
  });

  it('are judged with one reading of the quantity grammar per quantity', () => {
    const test = vi.spyOn(RegExp.prototype, 'test');
    try {
      // a value no earlier test judged: carelessQuantity keeps its verdicts
      expect(carelessQuantity('memory', '731m')?.code).toBe('quantity/memory-milli');
      expect(test.mock.contexts.filter((re) => (re as RegExp).source === QUANTITY_PATTERN)).toHaveLength(1);
    } finally {
      test.mockRestore();
    }
  });
});

describe('compareQuantities', () => {
  it('compares exactly, where floating-point arithmetic rounds: 700m is 0.7, 4100M is 4.1G', () => {
    const equal = [
      ['700m', '0.7'],
      ['350m', '0.35'],
      ['1150m', '1.15'],
      ['4100M', '4.1G'],
      ['1Gi', '1024Mi'],
      ['1.5Gi', '1536Mi'],
      ['1e3', '1k'],
      ['0.5', '500m'],
      [2, '2000m'],
    ];
    expect(equal.map(([a, b]) => compareQuantities(a, b))).toEqual(equal.map(() => 0));
    expect(compareQuantities('701m', '0.7')).toBe(1);
    expect(compareQuantities('1Gi', '1G')).toBe(1);
    expect(compareQuantities('-1', '0')).toBe(-1);
    expect(compareQuantities('1e999999', '1')).toBe(1);
    expect(compareQuantities('2Gib', '1')).toBeUndefined();
  });

  it('refuses no request equal to its limit written another way', () => {
    expect(requestsAboveLimits({ requests: { cpu: '700m', memory: '4100M' }, limits: { cpu: '0.7', memory: '4.1G' } })).toEqual([]);
    expect(requestsAboveLimits({ requests: { cpu: '701m' }, limits: { cpu: '0.7' } })).toEqual([
      { resource: 'cpu', request: '701m', limit: '0.7' },
    ]);
  });
});

describe('a quantity written by its value alone', () => {
  it.each([
    [['1Gi', '1024Mi', '1073741824', '1048576Ki'], '1Gi'],
    [['1', '1000m', 1, '1e0', '0.001k'], '1'],
    [['0.5', '500m', 0.5, '500000u'], '500m'],
    [['1.5Gi', '1536Mi'], '1536Mi'],
    [['1k', '1000', '1e3'], '1k'],
    [['0', '0m', '0Gi'], '0'],
    [['2E', '2e18'], '1953125000000000Ki'],
  ])('is the same for the equal quantities %j (%s)', (quantities, text) => {
    expect(quantities.map(quantityByValue)).toEqual(quantities.map(() => text));
  });

  it('rounds up to a nano, as the API server does, and leaves what is not a quantity as it is', () => {
    expect(['0.1n', '1e-12'].map(quantityByValue)).toEqual(['1n', '1n']);
    expect(['2Gib', null, 'one', '1e999999'].map(quantityByValue)).toEqual(['2Gib', null, 'one', '1e999999']);
  });
});

describe('quantities written as exponent numbers (YAML 1e21, which kubectl sends as the JSON number 1e+21)', () => {
  // YAML numbers as the parser gives them: 1e21 and 1e308 are written with an exponent (1e+21), as
  // Go's encoding/json writes them for kubectl, and the API server parses that text as a quantity
  const numbers = [1e21, 1e-7, 1.5e3, -1e3, 0.1, 1e308];

  it('are read as the number and its exponent: 1e21 is 10^21, 1e-7 is 100n (exact, not rounded)', () => {
    expect(numbers.map(parseQuantity)).toEqual(numbers);
    expect(compareQuantities(1e21, '1e21')).toBe(0);
    expect(compareQuantities(1e21, '1000E')).toBe(0);
    expect(compareQuantities(1e21, '999E')).toBe(1);
    expect(compareQuantities(1e-7, '100n')).toBe(0);
    expect(compareQuantities(1e308, '1e307')).toBe(1);
    expect(compareQuantities(-1e3, '-1k')).toBe(0);
    expect(compareQuantities(0.1, '100m')).toBe(0);
    expect(compareQuantities('1E', 1e18)).toBe(0);
    expect([1e21, 1e-7, 1.5e3, -1e3, 0.1].map(quantityByValue)).toEqual(['953674316406250Mi', '100n', '1500', '-1k', '100m']);
    expect(quantityByValue(1e-10)).toBe('1n');
  });

  it('are judged as their strings are: cpu 1e21 is too many cores, memory 1e-7 too few bytes, with no unit to suggest', () => {
    expect(carelessQuantity('cpu', 1e21)).toMatchObject({ code: 'quantity/cpu-large', amount: '1e+21 CPU cores', meant: undefined });
    expect(carelessQuantity('memory', 1e-7)).toMatchObject({ code: 'quantity/memory-small', amount: '1e-7 bytes', meant: undefined });
    expect(carelessQuantity('cpu', 1e308)).toMatchObject({ code: 'quantity/cpu-large', meant: undefined });
    expect(carelessQuantity('cpu', 1.5e3)).toMatchObject({ code: 'quantity/cpu-large', meant: '1500m' });
    expect(carelessQuantity('cpu', -1e3)).toBeUndefined();
  });

  it('compare a request with its limit, as a stage file setting of that shape would', () => {
    expect(requestsAboveLimits({ requests: { cpu: 1e21, memory: 1e-7 }, limits: { cpu: '1000E', memory: 1e-8 } })).toEqual([
      { resource: 'memory', request: 1e-7, limit: 1e-8 },
    ]);
    expect(resourcesProblems({ requests: { cpu: 1e21 }, limits: { cpu: 1e308 } } as never, ['resources']).map((p) => p.code)).toEqual([
      'quantity/cpu-large',
      'quantity/cpu-large',
    ]);
  });

  it('reach the checks of `npm run check -- f.yaml` as warnings and errors at their lines, not as an internal error', () => {
    const quantities = ['1e21', '1e-7', '1.5e3', '-1e3', '0.1', '1e308', "'1e3'", "'1E'"];
    const text = quantities
      .map(
        (q, i) =>
          `apiVersion: v1\nkind: Pod\nmetadata: { name: p${i}, namespace: shop }\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n` +
          `    resources: { requests: { cpu: ${q}, memory: ${q} }, limits: { cpu: ${q}, memory: ${q} } }\n`,
      )
      .join('---\n');
    const manifests = parseManifests([{ file: 'f.yaml', text }]);
    const codes = (name: string) =>
      checkObjects(manifests.objects)
        .findings.filter((f) => f.object?.metadata.name === name && /^(quantity|api\/workload)/.test(f.code))
        .map((f) => `${f.code} ${f.path.join('.').replace('spec.containers.0.resources.', '')}`)
        .sort();
    expect(codes('p0')).toEqual(['quantity/cpu-large limits.cpu', 'quantity/cpu-large requests.cpu']);
    expect(codes('p1')).toEqual(['quantity/memory-small limits.memory', 'quantity/memory-small requests.memory']);
    expect(codes('p3')).toEqual(['limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory'].map((at) => `api/workload ${at}`));
    expect(codes('p7')).toEqual(['quantity/cpu-large limits.cpu', 'quantity/cpu-large requests.cpu']);
  });
});
