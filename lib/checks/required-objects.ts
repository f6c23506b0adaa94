/**
 * The objects a stage's Namespaces say it needs but never holds, as the reference checks see them:
 * the Secrets of `stagecraft.dev/required-secrets` (lib/required-secrets.ts) and the ServiceAccounts
 * of `stagecraft.dev/required-service-accounts` (lib/required-service-accounts.ts), and the Secrets
 * the stage's operators make (a cert-manager Certificate's, an ExternalSecret's: operator-secrets.ts). They are looked
 * up in the traced checks' index (check-run.ts), never written anywhere.
 */
import type { KubeObject } from '../model/object.js';
import { requiredSecretsOf } from '../required-secrets.js';
import { REQUIRED_SERVICE_ACCOUNTS_ANNOTATION, parseRequiredServiceAccounts } from '../required-service-accounts.js';
import { DEFAULT_NAMESPACE } from './object-index.js';
import { operatorSecrets } from './operator-secrets.js';
import { DECLARED_SECRETS, SECRET_KEYS_ANNOTATION } from './declared-secrets.js';

/**
 * The Secrets that Namespaces say their stage needs, as value-less Secrets listing their keys
 * (marked in `DECLARED_SECRETS`), the ServiceAccounts made outside the stage that it does not
 * define itself, and the Secrets its operators make that it neither defines nor declares.
 */
export function requiredObjects(objects: readonly KubeObject[]): KubeObject[] {
  // metadata may be null as written (`metadata:` with nothing under it): the schema check says what it lacks
  const namespaces = objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1' && o.metadata?.name);
  const declared = namespaces.length ? declaredObjects(objects, namespaces) : [];
  // the names taken only once an operator makes a Secret: most stages have none, and this runs on every check
  const made = operatorSecrets(objects, () =>
    [...objects, ...declared]
      .filter((o) => o.kind === 'Secret' && o.apiVersion === 'v1' && typeof o.metadata?.name === 'string')
      .map((o) => `${o.metadata.namespace ?? DEFAULT_NAMESPACE}/${o.metadata.name}`),
  );
  return made.length ? [...declared, ...made] : declared;
}

/** The Secrets and ServiceAccounts `namespaces` require of the stage of `objects`. */
function declaredObjects(objects: readonly KubeObject[], namespaces: readonly KubeObject[]): KubeObject[] {
  const accounts = new Set(
    objects
      .filter((o) => o.kind === 'ServiceAccount' && o.apiVersion === 'v1' && o.metadata)
      .map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
  );
  return namespaces.flatMap((ns) => [
    ...requiredSecretsOf(ns).map(({ name, keys }) => {
      // a Secret declared without its keys has no list of them: a pod may read any key (references-pods.ts)
      const secret: KubeObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: ns.metadata.name, ...(keys ? { annotations: { [SECRET_KEYS_ANNOTATION]: keys.join(',') } } : {}) },
      };
      DECLARED_SECRETS.add(secret);
      return secret;
    }),
    ...parseRequiredServiceAccounts(ns.metadata.annotations?.[REQUIRED_SERVICE_ACCOUNTS_ANNOTATION])
      .filter((name) => !accounts.has(`${ns.metadata.name}/${name}`))
      .map((name): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns.metadata.name } })),
  ]);
}
