/**
 * Kubernetes quantities in the checks: as numbers, to compare sizes (a claim's request with a
 * volume's capacity, a request with its limit: lib/model/quantity.ts), and the containers' cpu
 * and memory quantities that are valid but surely a mistake of units (warnings).
 */
import { carelessQuantity } from '../model/quantity.js';
import type { FieldPath, Finding, finder } from './finding.js';

export { parseQuantity } from '../model/quantity.js';

/**
 * A warning for each cpu or memory quantity of one container's `resources` that is surely a
 * mistake of units (`carelessQuantity`: memory 512m, memory 512, cpu 500), at its field below
 * `at` (the container's path), with the quantity probably meant.
 */
export function carelessQuantities(emit: ReturnType<typeof finder>, resources: Record<string, unknown>, at: FieldPath): Finding[] {
  const out: Finding[] = [];
  for (const kind of ['requests', 'limits'] as const) {
    const quantities = resources[kind];
    if (!quantities || typeof quantities !== 'object') continue;
    for (const resource of ['cpu', 'memory'] as const) {
      const value = (quantities as Record<string, unknown>)[resource];
      if (value === undefined) continue;
      const careless = carelessQuantity(resource, value);
      if (!careless) continue;
      out.push({
        ...emit(
          careless.code,
          [...at, 'resources', kind, resource],
          `${resource} ${String(value)} is ${careless.amount} (${careless.why})${careless.meant ? `; did you mean ${careless.meant}?` : ''}`,
          careless.hint,
        ),
        severity: 'warning',
      });
    }
  }
  return out;
}
