/**
 * Kubernetes quantities in the checks: as numbers, to compare sizes (a claim's request with a
 * volume's capacity, a request with its limit: lib/model/quantity.ts), and the containers' cpu
 * and memory quantities that are valid but surely a mistake of units (warnings).
 */
import { carelessAmount, carelessResources } from '../model/quantity.js';
import type { FieldPath, Finding, finder } from './finding.js';

export { parseQuantity } from '../model/quantity.js';

/**
 * A warning for each cpu or memory quantity of one container's `resources` that is surely a
 * mistake of units (`carelessResources`: memory 512m, memory 512, cpu 500), at its field below
 * `at` (the container's path), with the quantity probably meant.
 */
export function carelessQuantities(emit: ReturnType<typeof finder>, resources: Record<string, unknown>, at: FieldPath): Finding[] {
  return carelessResources(resources).map(({ side, resource, value, careless }) => ({
    ...emit(
      careless.code,
      [...at, 'resources', side, resource],
      `${resource} ${String(value)} is ${carelessAmount(careless)}`,
      careless.hint,
    ),
    severity: 'warning',
  }));
}
