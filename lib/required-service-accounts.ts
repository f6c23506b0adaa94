/**
 * The ServiceAccounts a stage's pods may run as without the stage holding them: made outside
 * stagecraft (by a Helm chart, a cloud's IAM integration, `kubectl create serviceaccount`) and
 * declared in the stage file, `serviceAccounts: { external: [ci-bot] }`. As the Secrets made
 * outside stagecraft (lib/required-secrets.ts), they are written on the stage's Namespace as one
 * annotation, `stagecraft.dev/required-service-accounts: api-reader, ci-bot`: operators see in
 * `dist/` what must exist before the workloads start, and the checks, reading only manifests
 * (`npm run check -- dist` too), know those accounts.
 */
import { compareCodePoints } from './model/order.js';
import { annotationList } from './required-secrets.js';

export const REQUIRED_SERVICE_ACCOUNTS_ANNOTATION = 'stagecraft.dev/required-service-accounts';

/** The names, each once and sorted, as the annotation's value. */
export function formatRequiredServiceAccounts(names: readonly string[]): string {
  return [...new Set(names)].sort(compareCodePoints).join(', ');
}

/** The names in the annotation's value. */
export function parseRequiredServiceAccounts(value: string | undefined): string[] {
  return annotationList(value, ',');
}

/** The ServiceAccounts a stage file declares as made outside stagecraft (`serviceAccounts.external`). */
export function externalServiceAccounts(file: unknown): readonly string[] {
  const external = (file as { serviceAccounts?: { external?: readonly string[] } } | undefined)?.serviceAccounts?.external;
  return external ?? [];
}
