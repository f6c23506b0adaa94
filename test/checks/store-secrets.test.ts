/**
 * External Secrets' stores and the references to them (lib/checks/store-secrets.ts): a
 * SecretStore's or ClusterSecretStore's credential Secrets (`refs/store-secret`), an ExternalSecret's
 * store of the other kind, of another namespace, or misspelt (`refs/secret-store`).
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CheckOptions, checkObjects } from '../../lib/checks/index.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { toProblem } from '../../lib/checks/finding.js';
import { STORE_SECRETS } from '../../lib/checks/store-refs.js';
import { formatProblem } from '../../lib/errors.js';
import { REPO } from '../helpers/cli.js';
import { objectsIn } from './helpers.js';

const ESO_CRDS = join(REPO, '../shared/crds/external-secrets');
const crds = objectsIn(ESO_CRDS);

/** The problems of checking `text` as one file, after Namespaces web and eso, whose code starts with `prefix`, as the CLI prints them. */
function checked(text: string, prefix = 'refs/', options: CheckOptions = {}): string[] {
  const namespaces =
    'apiVersion: v1\nkind: Namespace\nmetadata: { name: web }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: eso }\n---\n';
  const manifests = parseManifests([{ file: 'app.yaml', text: namespaces + text }]);
  return checkObjects(manifests.objects, { crds, ...options })
    .findings.filter((f) => f.code.startsWith(prefix))
    .map((f) => formatProblem(toProblem(f, manifests.locate(f))));
}

const secret = (name: string, namespace: string, keys: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata: { name: ${name}, namespace: ${namespace} }\nstringData: { ${keys
    .split(',')
    .map((k) => `${k}: x`)
    .join(', ')} }\n---\n`;
const vaultStore = (kind: string, namespace: string, ref: string) => `apiVersion: external-secrets.io/v1
kind: ${kind}
metadata: { name: vault${namespace ? `, namespace: ${namespace}` : ''} }
spec:
  provider:
    vault:
      server: https://vault.example.com
      path: secret
      auth:
        tokenSecretRef: ${ref}
---
`;
const awsStore = `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: aws, namespace: web }
spec:
  provider:
    aws:
      service: SecretsManager
      region: eu-west-1
      auth:
        secretRef:
          accessKeyIDSecretRef: { name: aws-creds, key: access-key }
          secretAccessKeySecretRef: { name: aws-creds, key: secret-key }
---
`;

describe("a store's credential Secrets", () => {
  it('are the Secret selectors of the stores CRD, provider by provider', () => {
    for (const file of ['external-secrets.io_secretstores.yaml', 'external-secrets.io_clustersecretstores.yaml']) {
      const crd = parse(readFileSync(join(ESO_CRDS, file), 'utf8'));
      const version = crd.spec.versions.find((v: { storage: boolean }) => v.storage);
      const found: Record<string, string[]> = {};
      const walk = (schema: Record<string, any>, path: string[]) => {
        if (schema?.properties) {
          const keys = Object.keys(schema.properties).sort().join(',');
          const last = path[path.length - 1] ?? '';
          if (keys === 'key,name,namespace' || (keys === 'name,namespace' && last.endsWith('SecretRef'))) {
            (found[path[0]] ??= []).push(path.slice(1).join('.') + (keys === 'name,namespace' ? '!' : ''));
            return;
          }
          for (const [name, child] of Object.entries(schema.properties)) walk(child as Record<string, any>, [...path, name]);
        }
        if (schema?.items) walk(schema.items, [...path, '*']);
      };
      for (const [provider, schema] of Object.entries(version.schema.openAPIV3Schema.properties.spec.properties.provider.properties))
        walk(schema as Record<string, any>, [provider]);
      expect(Object.fromEntries(Object.entries(found).map(([p, paths]) => [p, paths.join(' ')])), file).toEqual(STORE_SECRETS);
    }
  });

  it("are looked up in a SecretStore's namespace, with the key read", () => {
    expect(checked(vaultStore('SecretStore', 'web', '{ name: vault-token, key: token }'))).toEqual([
      "app.yaml:18:33: SecretStore web/vault: spec.provider.vault.auth.tokenSecretRef.name: reads the vault provider's credentials from Secret 'vault-token', but the Secrets in namespace 'web' are: none; External Secrets marks the SecretStore not ready and syncs none of its ExternalSecrets until it is there\n" +
        "  hint: fix the name, or add the Secret (its keys token) to namespace 'web'; if it is made outside them (kubectl create secret, a controller such as Sealed Secrets or cert-manager, a Job), declare it on its Namespace: stagecraft.dev/required-secrets: vault-token=token",
    ]);
    expect(checked(vaultStore('SecretStore', 'web', '{ name: vault-token, key: token }') + secret('vault-token', 'web', 'token'))).toEqual(
      [],
    );
    expect(checked(vaultStore('SecretStore', 'web', '{ name: vault-token, key: token }') + secret('vault-token', 'eso', 'token'))).toEqual([
      expect.stringContaining("from Secret 'vault-token', but the Secrets in namespace 'web' are: none"),
    ]);
    expect(checked(vaultStore('SecretStore', 'web', '{ name: vault-token, key: tokn }') + secret('vault-token', 'web', 'token'))).toEqual([
      "app.yaml:18:51: SecretStore web/vault: spec.provider.vault.auth.tokenSecretRef.key: reads key 'tokn' of Secret 'vault-token' (the vault provider's credentials), which has the keys: token; External Secrets marks the SecretStore not ready and syncs none of its ExternalSecrets until it is there\n" +
        "  hint: did you mean 'token'? Otherwise add 'tokn' to the Secret (or to its stagecraft.dev/secret-keys annotation), or read another key",
    ]);
  });

  it('are said once per Secret, each key checked', () => {
    expect(checked(awsStore)).toEqual([
      expect.stringMatching(
        /Secret 'aws-creds', but the Secrets in namespace 'web' are: none.*\n {2}hint: .*\(its keys access-key, secret-key\).*required-secrets: aws-creds=access-key,secret-key$/,
      ),
    ]);
    expect(checked(awsStore + secret('aws-creds', 'web', 'access-key'))).toEqual([
      expect.stringContaining("secretAccessKeySecretRef.key: reads key 'secret-key' of Secret 'aws-creds'"),
    ]);
    expect(checked(awsStore + secret('aws-creds', 'web', 'access-key,secret-key'))).toEqual([]);
  });

  it("are refused in another namespace than a SecretStore's own, and read in the namespace a ClusterSecretStore's selector names", () => {
    expect(
      checked(
        vaultStore('SecretStore', 'web', '{ name: vault-token, key: token, namespace: eso }') + secret('vault-token', 'eso', 'token'),
      ),
    ).toEqual([
      "app.yaml:18:69: SecretStore web/vault: spec.provider.vault.auth.tokenSecretRef.namespace: reads the vault provider's credentials from Secret 'vault-token' of namespace 'eso', but a SecretStore reads Secrets only in its own namespace ('web'): External Secrets refuses the store (namespace not allowed with namespaced SecretStore)\n" +
        "  hint: remove the namespace and keep the Secret in namespace 'web', or make the store a ClusterSecretStore, which reads it in the namespace named",
    ]);
    expect(
      checked(
        vaultStore('SecretStore', 'web', '{ name: vault-token, key: token, namespace: web }') + secret('vault-token', 'web', 'token'),
      ),
    ).toEqual([]);
    const cluster = vaultStore('ClusterSecretStore', '', '{ name: vault-token, key: token, namespace: eso }');
    expect(checked(cluster + secret('vault-token', 'eso', 'token'))).toEqual([]);
    expect(checked(cluster + secret('vault-token', 'web', 'token'))).toEqual([
      expect.stringContaining(
        "ClusterSecretStore vault: spec.provider.vault.auth.tokenSecretRef.name: reads the vault provider's credentials from Secret 'vault-token', but the Secrets in namespace 'eso' are: none",
      ),
    ]);
    // the Namespace named, when the objects do not make it (External Secrets' own), cannot take the declaration as it is: said
    const hint = (text: string) => checked(text).map((p) => p.split('\n  hint: ')[1]);
    expect(hint(cluster)).toEqual([
      expect.stringMatching(/declare it on Namespace 'eso': stagecraft\.dev\/required-secrets: vault-token=token$/),
    ]);
    expect(hint(vaultStore('ClusterSecretStore', '', '{ name: vault-token, key: token, namespace: external-secrets }'))).toEqual([
      "fix the name, or add the Secret (its keys token) to namespace 'external-secrets'; if it is made outside them, declare it on Namespace 'external-secrets' " +
        '(which the objects do not make: add it, or keep the Secret in a namespace they make and name that one in the reference): stagecraft.dev/required-secrets: vault-token=token',
    ]);
    // without a namespace, each ExternalSecret's: not checked
    expect(checked(vaultStore('ClusterSecretStore', '', '{ name: vault-token, key: token }'))).toEqual([]);
  });
});

const externalSecret = (storeRef: string) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: db, namespace: web }
spec:
  secretStoreRef: ${storeRef}
  data: [{ secretKey: password, remoteRef: { key: db/password } }]
---
`;
const store = (kind: string, name: string, namespace?: string) =>
  `apiVersion: external-secrets.io/v1\nkind: ${kind}\nmetadata: { name: ${name}${namespace ? `, namespace: ${namespace}` : ''} }\nspec: { provider: { fake: { data: [] } } }\n---\n`;

describe("an ExternalSecret's store", () => {
  it('is a SecretStore of its namespace without kind: one of that name that is a ClusterSecretStore is named', () => {
    expect(checked(externalSecret('{ name: vault }') + store('ClusterSecretStore', 'vault'))).toEqual([
      "app.yaml:13:27: ExternalSecret web/db: spec.secretStoreRef.name: names the SecretStore 'vault' (no kind: a SecretStore), but 'vault' is a ClusterSecretStore, and the SecretStores in namespace 'web' are: none; External Secrets syncs nothing of it until the store is there\n" +
        '  hint: set kind: ClusterSecretStore beside name: vault',
    ]);
    expect(checked(externalSecret('{ name: vault, kind: ClusterSecretStore }') + store('ClusterSecretStore', 'vault'))).toEqual([]);
    expect(checked(externalSecret('{ name: vault, kind: ClusterSecretStore }') + store('SecretStore', 'vault', 'web'))).toEqual([
      expect.stringMatching(
        /spec\.secretStoreRef\.kind: names the ClusterSecretStore 'vault', but 'vault' is a SecretStore of namespace 'web'/,
      ),
    ]);
  });

  it("is refused only in another namespace or near a store's name: a store the objects do not make is made outside them", () => {
    expect(checked(externalSecret('{ name: vault }') + store('SecretStore', 'vault', 'eso'))).toEqual([
      expect.stringContaining(
        "names the SecretStore 'vault', but the SecretStores in namespace 'web' are: none; the objects' SecretStore 'vault' is in namespace 'eso', and a SecretStore serves only the ExternalSecrets of its own namespace",
      ),
    ]);
    expect(checked(externalSecret('{ name: valut, kind: ClusterSecretStore }') + store('ClusterSecretStore', 'vault'))).toEqual([
      expect.stringMatching(
        /names the ClusterSecretStore 'valut', but the objects' ClusterSecretStores are: vault; .*\n {2}hint: did you mean 'vault'\? Or, if 'valut' is made outside these files, declare it: npm run check -- --object-exists ClusterSecretStore\/valut <files>$/,
      ),
    ]);
    expect(checked(externalSecret('{ name: aws, kind: ClusterSecretStore }') + store('ClusterSecretStore', 'vault'))).toEqual([]);
    expect(checked(externalSecret('{ name: vault }'))).toEqual([]);
    expect(checked(externalSecret('{ name: vault }') + store('SecretStore', 'vault', 'web'))).toEqual([]);
  });

  it('declared as made outside the objects (existingObjects) is one of the stores: a near name is a mistake only when none declared matches', () => {
    const near = externalSecret('{ name: vault, kind: ClusterSecretStore }') + store('ClusterSecretStore', 'vaults');
    expect(checked(near)).toEqual([expect.stringContaining("did you mean 'vaults'?")]);
    expect(checked(near, 'refs/', { existingObjects: ['ClusterSecretStore/vault'] })).toEqual([]);
    expect(checked(near, 'refs/', { existingObjects: ['SecretStore/web/vault', 'ClusterIssuer/vault'] })).toHaveLength(1);
    // a SecretStore of the ExternalSecret's namespace made outside, while the objects make one of that name elsewhere
    const elsewhere = externalSecret('{ name: vault }') + store('SecretStore', 'vault', 'eso');
    expect(checked(elsewhere, 'refs/', { existingObjects: ['SecretStore/eso/vault'] })).toHaveLength(1);
    expect(checked(elsewhere, 'refs/', { existingObjects: ['SecretStore/web/vault'] })).toEqual([]);
    // a declared one is near-matched as the objects' are, and not said to be the objects'
    expect(
      checked(externalSecret('{ name: valut, kind: ClusterSecretStore }'), 'refs/', { existingObjects: ['ClusterSecretStore/vault'] }),
    ).toEqual([
      expect.stringContaining(
        "names the ClusterSecretStore 'valut', but the objects' ClusterSecretStores (with those declared as made outside them) are: vault;",
      ),
    ]);
    // the kind declared decides as the objects' do
    expect(checked(externalSecret('{ name: vault }'), 'refs/', { existingObjects: ['ClusterSecretStore/vault'] })).toEqual([
      expect.stringMatching(/'vault' is a ClusterSecretStore.*\n {2}hint: set kind: ClusterSecretStore beside name: vault$/),
    ]);
  });

  it('made among the objects serves only the namespaces its spec.conditions choose: an ExternalSecret of another is refused', () => {
    const conditioned = (conditions: string) =>
      `apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata: { name: vault }\nspec: { conditions: ${conditions}, provider: { fake: { data: [] } } }\n---\n`;
    const using = externalSecret('{ name: vault, kind: ClusterSecretStore }');
    expect(checked(using + conditioned('[{ namespaces: [eso] }, { namespaceRegexes: ["^billing-"] }]'))).toEqual([
      'app.yaml:13:27: ExternalSecret web/db: spec.secretStoreRef.name: names the ClusterSecretStore \'vault\', which serves only the namespaces its spec.conditions choose (namespaces eso; namespaceRegexes ^billing-), not \'web\': External Secrets refuses the ExternalSecret (using cluster store "vault" is not allowed from namespace "web": denied) and syncs nothing of it\n' +
        "  hint: add 'web' to the namespaces of a condition of ClusterSecretStore vault (spec.conditions[].namespaces), or name a store that serves namespace 'web'",
    ]);
    // any condition serves: by name, by a Go expression matched anywhere in the name, by the Namespace's labels (its name's too)
    for (const served of [
      '[{ namespaces: [eso] }, { namespaces: [web] }]',
      '[{ namespaceRegexes: ["e"] }]',
      '[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: web } } }]',
      '[]',
    ])
      expect(checked(using + conditioned(served)), served).toEqual([]);
    expect(checked(using + conditioned('[{ namespaceSelector: { matchLabels: { team: web } } }]'))).toHaveLength(1);
    // the labels of a namespace the objects do not make are not known: taken as served
    const elsewhere = using.replace('namespace: web', 'namespace: shop');
    expect(
      checked(elsewhere + conditioned('[{ namespaceSelector: { matchLabels: { team: web } } }]'), 'refs/secret-store', {
        existingNamespaces: ['shop'],
      }),
    ).toEqual([]);
    expect(checked(elsewhere + conditioned('[{ namespaces: [web] }]'), 'refs/secret-store', { existingNamespaces: ['shop'] })).toHaveLength(
      1,
    );
    // but its name's label is the API server's: a selector that refuses its name refuses it, whatever its other labels
    const byName = (selector: string) =>
      checked(elsewhere + conditioned(`[{ namespaceSelector: ${selector} }]`), 'refs/secret-store', { existingNamespaces: ['shop'] });
    for (const refused of [
      '{ matchLabels: { kubernetes.io/metadata.name: web } }',
      '{ matchLabels: { kubernetes.io/metadata.name: web, team: web } }',
      '{ matchExpressions: [{ key: kubernetes.io/metadata.name, operator: In, values: [web, eso] }] }',
      '{ matchExpressions: [{ key: kubernetes.io/metadata.name, operator: NotIn, values: [shop] }, { key: team, operator: Exists }] }',
      '{ matchExpressions: [{ key: kubernetes.io/metadata.name, operator: DoesNotExist }] }',
    ])
      expect(byName(refused), refused).toEqual([expect.stringContaining("(a namespaceSelector), not 'shop'")]);
    for (const served of [
      '{ matchLabels: { kubernetes.io/metadata.name: shop } }',
      '{ matchExpressions: [{ key: kubernetes.io/metadata.name, operator: NotIn, values: [web] }] }',
      '{ matchLabels: { kubernetes.io/metadata.name: shop, team: web } }',
      '{ matchExpressions: [{ key: team, operator: DoesNotExist }] }',
      '{}',
    ])
      expect(byName(served), served).toEqual([]);
  });

  it("reads a condition's namespaceRegexes as Go's RE2 does, in time linear in the name, even ones a backtracking RegExp takes minutes on", () => {
    const conditioned = (expression: string) =>
      `apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata: { name: vault }\nspec: { conditions: [{ namespaceRegexes: [${JSON.stringify(expression)}] }], provider: { fake: { data: [] } } }\n---\n`;
    const using = (ns: string) => externalSecret('{ name: vault, kind: ClusterSecretStore }').replace('namespace: web', `namespace: ${ns}`);
    // the longest name: JavaScript's RegExp backtracks for minutes (30 'a's) or ever (63) on each; RE2 answers at once
    const as = 'a'.repeat(62);
    for (const hostile of ['^(a+)+b', '(a|aa)*b', `${'(a|a)'.repeat(30)}b`, '^(?:a*)*b', 'a*a*a*a*a*b']) {
      expect(
        checked(using(`${as}a`) + conditioned(hostile), 'refs/secret-store', { existingNamespaces: [`${as}a`] }),
        hostile,
      ).toHaveLength(1);
      expect(checked(using(`${as}b`) + conditioned(hostile), 'refs/secret-store', { existingNamespaces: [`${as}b`] }), hostile).toEqual([]);
    }
    // Go's syntax, not JavaScript's: a POSIX class, \z, a Unicode class, a flag group
    for (const expression of ['^[[:alpha:]]+-[[:digit:]]+\\z', '^\\pL+-\\d+$', '(?i)^WEB-1$'])
      expect(checked(using('web-1') + conditioned(expression), 'refs/secret-store', { existingNamespaces: ['web-1'] }), expression).toEqual(
        [],
      );
    // a namespace not chosen is refused; an expression RE2 refuses is taken as serving it (External Secrets cannot use it)
    expect(checked(externalSecret('{ name: vault, kind: ClusterSecretStore }') + conditioned('^[a-z]+-[a-z]+-[a-z]+$'))).toEqual([
      expect.stringContaining("not 'web': External Secrets refuses the ExternalSecret"),
    ]);
    expect(checked(using('web-1') + conditioned('^x'), 'refs/secret-store', { existingNamespaces: ['web-1'] })).toHaveLength(1);
    expect(checked(using('web-1') + conditioned('^(x'), 'refs/secret-store', { existingNamespaces: ['web-1'] })).toEqual([]);
  });

  it("made among the objects reads a credential Secret named without a namespace in each ExternalSecret's namespace", () => {
    const referent = `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: { name: vault }
spec:
  provider:
    vault: { server: https://vault.example.com, auth: { tokenSecretRef: { name: vault-token, key: token } } }
---
`;
    const using = externalSecret('{ name: vault, kind: ClusterSecretStore }');
    expect(checked(using + referent)).toEqual([
      expect.stringMatching(
        /^app\.yaml:13:27: ExternalSecret web\/db: spec\.secretStoreRef\.name: names the ClusterSecretStore 'vault', which reads the vault provider's credentials from Secret 'vault-token' \(spec\.provider\.vault\.auth\.tokenSecretRef, no namespace: in each ExternalSecret's\), but the Secrets in namespace 'web' are: db; .*\n {2}hint: add the Secret 'vault-token' \(its key token\) to namespace 'web'/,
      ),
    ]);
    expect(checked(using + referent + secret('vault-token', 'web', 'token'))).toEqual([]);
    expect(checked(using + referent + secret('vault-token', 'eso', 'token'))).toHaveLength(1);
    expect(checked(using + referent + secret('vault-token', 'web', 'tokn'))).toEqual([
      expect.stringContaining(
        "reads key 'token' of Secret 'vault-token' (spec.provider.vault.auth.tokenSecretRef, no namespace: in each ExternalSecret's), but that Secret in namespace 'web' has the keys: tokn",
      ),
    ]);
  });

  it("of an entry's sourceRef is checked as secretStoreRef", () => {
    const text = externalSecret('{ name: vault, kind: ClusterSecretStore }').replace(
      'data: [{ secretKey: password, remoteRef: { key: db/password } }]',
      'data: [{ secretKey: password, remoteRef: { key: db/password }, sourceRef: { storeRef: { name: aws } } }]',
    );
    expect(checked(text + store('ClusterSecretStore', 'vault') + store('ClusterSecretStore', 'aws'))).toEqual([
      expect.stringMatching(/spec\.data\[0\]\.sourceRef\.storeRef\.name: names the SecretStore 'aws' \(no kind: a SecretStore\)/),
    ]);
  });
});
