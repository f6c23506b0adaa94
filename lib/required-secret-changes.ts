/**
 * Secrets a change makes the stage's pods read that the cluster may not have yet. stagecraft never
 * writes a Secret into `dist/` (`npm run secrets`, the stage's secret store or whoever makes it
 * outside stagecraft does), so a new Secret, or a new key of one, reaches the pods only when it is
 * applied first: pods that start after `kubectl apply -k dist/<stage>` and read it fail
 * (CreateContainerConfigError), and a rollout with maxUnavailable 0 stops there. Found by comparing
 * the Namespace's `stagecraft.dev/required-secrets` annotation as it was in the output and as it is
 * now (lib/output-changes.ts reads both). Pure.
 */
import type { LoadedStage } from './config/load.js';
import type { Problem } from './errors.js';
import { describeObject, isRecord, type KubeObject } from './model/object.js';
import { requiredSecretsOf, secretsMadeOutside } from './required-secrets.js';
import { secretVariable, secretsFile } from './secrets.js';
import { DIST_DIR } from './synth/disk.js';
import { chartHeads } from './synth/app-summary.js';
import type { RenderedChart } from './synth/rendered.js';

/** The Ingress of the output that serves TLS with the Secret `name` (who reads a TLS Secret of an app), if one does. */
function tlsOf(charts: readonly RenderedChart[], name: string): KubeObject | undefined {
  return charts
    .flatMap((c) => chartHeads(c))
    .find(
      (o) =>
        o.kind === 'Ingress' &&
        isRecord(o.spec) &&
        Array.isArray(o.spec.tls) &&
        o.spec.tls.some((t) => isRecord(t) && t.secretName === name),
    );
}

/**
 * A warning for each Secret the stage's Namespace `now` requires that `old` did not (a new Secret),
 * or with keys that `old` did not list: it is to be made, or given them, before the output is applied.
 */
export function requiredSecretChanges(loaded: LoadedStage, old: KubeObject, now: KubeObject, charts: readonly RenderedChart[]): Problem[] {
  const before = new Map(requiredSecretsOf(old).map((s) => [s.name, s.keys]));
  const { name: stage, namespace } = loaded.context;
  const store = (loaded.file as { secretStore?: { name: string } }).secretStore;
  const outside = new Set([
    ...secretsMadeOutside(loaded.file).map((s) => s.name),
    ...loaded.secrets.filter((d) => d.external).map((d) => d.name),
  ]);
  const problems: Problem[] = [];
  for (const { name, keys } of requiredSecretsOf(now)) {
    const known = before.has(name);
    const had = before.get(name);
    // keys not listed, now or before: any key may be read, so none is known to be new
    const added = known ? (keys && had ? keys.filter((k) => !had.includes(k)) : []) : (keys ?? []);
    if (known && added.length === 0) continue;
    const listed = added.map((k) => `'${k}'`).join(', ');
    const what = known
      ? `the stage now reads key${added.length > 1 ? 's' : ''} ${listed} of it, which its output did not need before`
      : `the stage now needs this Secret${listed ? ` (key${added.length > 1 ? 's' : ''} ${listed})` : ''}, which its output did not need before`;
    const first = known ? `${added.length > 1 ? 'they are' : 'it is'} in the Secret` : 'the Secret exists';
    const hint = outside.has(name)
      ? `${known ? `add ${listed} to the Secret` : 'make the Secret'} where it is made (outside stagecraft) before applying ${DIST_DIR}/${stage}`
      : store
        ? `put ${known ? 'the new keys' : 'its keys'} in the secret store '${store.name}' before applying ${DIST_DIR}/${stage}: the ExternalSecret there reads them, and the Secret is not updated while one is missing`
        : `set ${added.map((k) => secretVariable(name, k)).join(', ') || 'its keys'} in ${secretsFile(stage)} (or the environment), then apply the Secrets first: npm run --silent secrets -- ${stage} | kubectl apply -f -`;
    const ingress = tlsOf(charts, name);
    const fails = ingress
      ? `${describeObject(ingress)} serves the ingress controller's default certificate (or none) after kubectl apply`
      : 'pods that start after kubectl apply fail (CreateContainerConfigError)';
    const message = `${what} (stagecraft never writes a Secret to ${DIST_DIR}/${stage}/): ${fails} until ${first}`;
    const subject = `Secret ${namespace}/${name}`;
    const location = loaded.locateSecret(name);
    problems.push(
      location
        ? { code: 'output/secret-first', severity: 'warning', location, message: `${subject}: ${message}`, hint }
        : { code: 'output/secret-first', severity: 'warning', subject, message, hint },
    );
  }
  return problems;
}
