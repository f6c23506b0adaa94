/**
 * The Secrets an operator makes from an object of the stage (lib/model/operator-secrets.ts: a
 * cert-manager Certificate's, an Ingress's with a cert-manager issuer, an ExternalSecret's), as the
 * reference checks see them: such a Secret exists once the operator runs, so a pod, an Ingress or
 * an image pull that names it refers to something real. The checks look it up among these
 * value-less Secrets (check-run.ts), which are never written. Pure.
 */
import type { KubeObject } from '../model/object.js';
import { certManagerControllerArgs, hasDefaultIssuer, secretsMadeBy } from '../model/operator-secrets.js';
import { DEFAULT_NAMESPACE } from './object-index.js';
import { DECLARED_SECRETS, MADE_SECRETS, SECRET_KEYS_ANNOTATION } from './declared-secrets.js';

/**
 * The Secrets `operatorSecrets` made: looked up, never checked themselves (the object that makes
 * one is checked, its namespace too).
 */
export const OPERATOR_SECRETS = new WeakSet<KubeObject>();

/** The annotation of a value-less Secret `operatorSecrets` made that names the object making it. */
const MADE_BY_ANNOTATION = 'stagecraft.dev/made-by';

/**
 * The Secrets the operators of the stage's objects make (`secretsMadeBy`), as value-less Secrets listing
 * their keys (a Secret whose keys are not known is marked in DECLARED_SECRETS, as one declared
 * without keys: any key), but for those of a name `taken` already holds (`namespace/name`: the
 * stage's own Secrets and those it declares; an object without a namespace is in `default`; asked
 * once, when the first such Secret is found: most stages make none), and each once.
 * An app of such an object is never seen through stand-ins (lib/synth/app-summary.ts `plain`): the
 * Secrets are made of what its objects hold.
 */
export function operatorSecrets(objects: readonly KubeObject[], taken: () => Iterable<string>): KubeObject[] {
  const made: KubeObject[] = [];
  let seen: Set<string> | undefined;
  // asked only of an Ingress that asks for the default issuer: most stages have none
  let shim: boolean | undefined;
  const defaultIssuer = () => (shim ??= hasShimDefault(objects));
  for (const o of objects) {
    for (const { name, namespace, type, keys, otherKey } of secretsMadeBy(o, defaultIssuer)) {
      const key = `${namespace ?? DEFAULT_NAMESPACE}/${name}`;
      seen ??= new Set(taken());
      if (seen.has(key)) continue;
      seen.add(key);
      const secret: KubeObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name,
          ...(namespace === undefined ? {} : { namespace }),
          // the maker named too: a finding's hint names it, so a cached app's kept lookup of this Secret
          // must not match once another object makes it with the same keys
          annotations: {
            [MADE_BY_ANNOTATION]: `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`,
            ...(keys ? { [SECRET_KEYS_ANNOTATION]: [...keys].sort().join(',') } : {}),
          },
        },
        type,
      };
      if (keys) MADE_SECRETS.set(secret, otherKey);
      else DECLARED_SECRETS.add(secret);
      OPERATOR_SECRETS.add(secret);
      made.push(secret);
    }
  }
  return made;
}

/**
 * Whether ingress-shim has a default issuer for `kubernetes.io/tls-acme` (`namesIssuer`): the
 * --default-issuer-name of cert-manager's controller among `objects` (a stand-in answers from its
 * app's summary), none without it (cert-manager's Helm chart sets none by default); taken as set
 * when the controller is not among them (installed outside the stage).
 */
export function hasShimDefault(objects: readonly KubeObject[]): boolean {
  for (const o of objects) {
    if (o?.kind !== 'Deployment') continue;
    const args = certManagerControllerArgs(o);
    if (args) return hasDefaultIssuer(args);
  }
  return true;
}
