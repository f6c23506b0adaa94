/**
 * External Secrets' ClusterExternalSecret (lib/checks/cluster-external-secrets.ts): the ExternalSecret
 * it makes in each namespace it chooses is checked as one written there, and a namespace it names
 * that is not there is said.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckOptions, checkObjects } from '../../lib/checks/index.js';
import { toProblem } from '../../lib/checks/finding.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { formatProblem } from '../../lib/errors.js';
import { REPO } from '../helpers/cli.js';
import { objectsIn } from './helpers.js';

const crds = objectsIn(join(REPO, '../shared/crds/external-secrets'));

const namespace = (name: string, labels = '{}') => `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${name}, labels: ${labels} }\n---\n`;
const NAMESPACES = namespace('payments', '{ team: pay }') + namespace('billing', '{ team: bill }') + namespace('shop', '{ team: pay }');
const clusterStore = (conditions: string) =>
  `apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata: { name: vault }\nspec: { conditions: ${conditions}, provider: { fake: { data: [] } } }\n---\n`;
const secretStore = (ns: string) =>
  `apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: { name: vault, namespace: ${ns} }\nspec: { provider: { fake: { data: [] } } }\n---\n`;
const clusterExternalSecret = (choose: string, ref = '{ name: vault, kind: ClusterSecretStore }') => `apiVersion: external-secrets.io/v1
kind: ClusterExternalSecret
metadata: { name: db }
spec:
  ${choose}
  externalSecretSpec:
    secretStoreRef: ${ref}
    target: { name: db }
    data: [{ secretKey: password, remoteRef: { key: db/password } }]
`;

/** The reference problems of `text` after the Namespaces payments, billing and shop, as the CLI prints them. */
function checked(text: string, options: CheckOptions = {}): string[] {
  const manifests = parseManifests([{ file: 'app.yaml', text: NAMESPACES + text }]);
  return checkObjects(manifests.objects, { crds, ...options })
    .findings.filter((f) => f.code.startsWith('refs/'))
    .map((f) => formatProblem(toProblem(f, manifests.locate(f))));
}

describe('a ClusterExternalSecret', () => {
  it('makes an ExternalSecret in each namespace its selectors choose, checked there: a ClusterSecretStore that does not serve them is said once, with each namespace', () => {
    const store = clusterStore('[{ namespaceSelector: { matchLabels: { team: pay } } }]');
    expect(checked(store + clusterExternalSecret('namespaceSelectors: [{ matchLabels: { team: pay } }]'))).toEqual([]);
    expect(checked(store + clusterExternalSecret('namespaceSelectors: [{ matchLabels: { team: bill } }]'))).toEqual([
      "app.yaml:24:29: ClusterExternalSecret db: spec.externalSecretSpec.secretStoreRef.name: makes ExternalSecret 'db' in namespace 'billing' (chosen by spec.namespaceSelectors[0]), which names the ClusterSecretStore 'vault', which serves only the namespaces its spec.conditions choose (a namespaceSelector), not 'billing': External Secrets refuses the ExternalSecret (using cluster store \"vault\" is not allowed from namespace \"billing\": denied) and syncs nothing of it\n" +
        "  hint: add 'billing' to the namespaces of a condition of ClusterSecretStore vault (spec.conditions[].namespaces), or name a store that serves namespace 'billing'",
    ]);
    // every namespace, the built-in ones too (of unknown labels, so served by the store above); the older namespaceSelector alike;
    // one finding naming the others
    const all = checked(clusterStore('[{ namespaces: [payments, shop] }]') + clusterExternalSecret('namespaceSelector: {}'));
    expect(all).toHaveLength(1);
    expect(all[0]).toMatch(
      /makes ExternalSecret 'db' in namespace 'billing' \(chosen by spec\.namespaceSelector\), .*; alike in the namespaces default, kube-node-lease, kube-public, kube-system\n/,
    );
  });

  it('makes one in each namespace spec.namespaces names, and says one that is not there', () => {
    const store = clusterStore('[{ namespaces: [payments, shop] }]');
    expect(checked(store + clusterExternalSecret('namespaces: [payments, shop]'))).toEqual([]);
    expect(checked(store + clusterExternalSecret('namespaces: [payments, billing]'))).toEqual([
      expect.stringMatching(
        /makes ExternalSecret 'db' in namespace 'billing' \(chosen by spec\.namespaces\[1\]\), which names the ClusterSecretStore 'vault'/,
      ),
    ]);
    expect(checked(store + clusterExternalSecret('namespaces: [payments, paymnts]'))).toEqual([
      "app.yaml:22:26: ClusterExternalSecret db: spec.namespaces[1]: names namespace 'paymnts', which is neither created in the stage nor known to exist (the stage creates: billing, payments, shop); External Secrets makes no ExternalSecret in a namespace that is not there, and says nothing of it\n" +
        "  hint: did you mean 'payments'? Otherwise add the Namespace to the files checked, or declare that the cluster has it: npm run check -- --namespace-exists paymnts <files>",
    ]);
    expect(checked(store + clusterExternalSecret('namespaces: [payments, orders]'), { existingNamespaces: ['orders'] })).toEqual([
      expect.stringContaining("in namespace 'orders' (chosen by spec.namespaces[1])"),
    ]);
  });

  it('names a SecretStore, which must be in each namespace it chooses; a namespace of unknown labels is not taken as chosen', () => {
    const ref = '{ name: vault }';
    expect(
      checked(
        secretStore('payments') + secretStore('shop') + clusterExternalSecret('namespaceSelectors: [{ matchLabels: { team: pay } }]', ref),
      ),
    ).toEqual([]);
    expect(checked(secretStore('payments') + clusterExternalSecret('namespaceSelectors: [{ matchLabels: { team: pay } }]', ref))).toEqual([
      expect.stringContaining(
        "makes ExternalSecret 'db' in namespace 'shop' (chosen by spec.namespaceSelectors[0]), which names the SecretStore 'vault', but the SecretStores in namespace 'shop' are: none; the objects' SecretStore 'vault' is in namespace 'payments'",
      ),
    ]);
    // a namespace declared as existing has no labels known but its name's: chosen by that, not by others
    const existing = { existingNamespaces: ['orders'] };
    expect(
      checked(
        secretStore('payments') + secretStore('shop') + clusterExternalSecret('namespaceSelectors: [{ matchLabels: { team: pay } }]', ref),
        existing,
      ),
    ).toEqual([]);
    expect(
      checked(
        secretStore('payments') +
          clusterExternalSecret('namespaceSelectors: [{ matchLabels: { kubernetes.io/metadata.name: orders } }]', ref),
        existing,
      ),
    ).toEqual([
      expect.stringContaining("in namespace 'orders' (chosen by spec.namespaceSelectors[0]), which names the SecretStore 'vault'"),
    ]);
  });

  it('says a finding once for the namespaces the same fix is for, and apart where the fix differs (a Secret missing here, a key there)', () => {
    const store = `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: { name: vault }
spec: { provider: { doppler: { auth: { secretRef: { dopplerToken: { name: doppler, key: token } } } } } }
---
`;
    const secret = (keys: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata: { name: doppler, namespace: shop, annotations: { stagecraft.dev/secret-keys: '${keys}' } }\n---\n`;
    const ces = clusterExternalSecret('namespaceSelectors: [{ matchLabels: { team: pay } }]');
    expect(checked(store + ces)).toEqual([
      expect.stringMatching(/in namespace 'payments' .* from Secret 'doppler' .*; alike in the namespaces shop\n/),
    ]);
    const apart = checked(store + secret('other') + ces);
    expect(apart).toEqual([
      expect.stringMatching(
        /in namespace 'payments' .* but the Secrets in namespace 'payments' are: none; External Secrets syncs nothing of it until the Secret is there\n/,
      ),
      expect.stringMatching(
        /in namespace 'shop' .* reads key 'token' of Secret 'doppler' .* has the keys: other; .*until the key is there\n/,
      ),
    ]);
    expect(apart.join('')).not.toContain('alike');
  });
});
