/**
 * The Secrets an External Secrets SecretStore or ClusterSecretStore reads its provider's credentials
 * from (`STORE_SECRETS`, from the fields of its CRD, ../shared/crds/external-secrets), as references
 * (`storeRefs`): where each is, the Secret's name and namespace as written, and the key read. Checked
 * against the objects by store-secrets.ts (the store's own) and cluster-stores.ts (a ClusterSecretStore's
 * read in each ExternalSecret's namespace). Pure.
 */
import { isRecord } from '../model/object.js';
import type { FieldPath } from './finding.js';
import { valuesAt } from './issuer-secrets.js';

/**
 * By provider (a key of `spec.provider`): the paths below it (`*` every item of a list) of the
 * Secret selectors (`{ name, key, namespace }`) its credentials are read from, as External Secrets'
 * CRD of stores (v1) defines them; a path ending in `!` names a whole Secret (`{ name, namespace }`).
 * test/checks/store-secrets.test.ts holds the table to the CRD.
 */
export const STORE_SECRETS: Readonly<Record<string, string>> = {
  akeyless:
    'authSecretRef.kubernetesAuth.secretRef authSecretRef.secretRef.accessID authSecretRef.secretRef.accessType authSecretRef.secretRef.accessTypeParam',
  aws: 'auth.secretRef.accessKeyIDSecretRef auth.secretRef.secretAccessKeySecretRef auth.secretRef.sessionTokenSecretRef',
  azurekv: 'authSecretRef.clientCertificate authSecretRef.clientId authSecretRef.clientSecret authSecretRef.tenantId',
  barbican: 'auth.password.secretRef auth.username.secretRef',
  beyondtrust:
    'auth.apiKey.secretRef auth.certificate.secretRef auth.certificateKey.secretRef auth.clientId.secretRef auth.clientSecret.secretRef',
  beyondtrustworkloadcredentials: 'auth.apikey.token',
  bitwardensecretsmanager: 'auth.secretRef.credentials',
  chef: 'auth.secretRef.privateKeySecretRef',
  cloudrusm: 'auth.secretRef.accessKeyIDSecretRef auth.secretRef.accessKeySecretSecretRef',
  conjur: 'auth.apikey.apiKeyRef auth.apikey.userRef auth.cert.clientCertRef auth.cert.clientKeyRef auth.jwt.secretRef',
  crd: 'auth.cert.clientCert auth.cert.clientKey auth.token.bearerToken authRef',
  delinea: 'clientId.secretRef clientSecret.secretRef',
  doppler: 'auth.secretRef.dopplerToken',
  dvls: 'auth.secretRef.appId auth.secretRef.appSecret',
  fortanix: 'apiKey.secretRef',
  gcpsm:
    'auth.secretRef.secretAccessKeySecretRef auth.workloadIdentityFederation.awsSecurityCredentials.awsCredentialsSecretRef! auth.workloadIdentityFederation.credConfig',
  github: 'auth.privateKey',
  gitlab: 'auth.SecretRef.accessToken',
  ibm: 'auth.secretRef.secretApiKeySecretRef',
  infisical:
    'auth.awsAuthCredentials.identityId auth.azureAuthCredentials.identityId auth.azureAuthCredentials.resource auth.gcpIamAuthCredentials.identityId ' +
    'auth.gcpIamAuthCredentials.serviceAccountKeyFilePath auth.gcpIdTokenAuthCredentials.identityId auth.jwtAuthCredentials.identityId ' +
    'auth.jwtAuthCredentials.jwt auth.kubernetesAuthCredentials.identityId auth.kubernetesAuthCredentials.serviceAccountTokenPath ' +
    'auth.ldapAuthCredentials.identityId auth.ldapAuthCredentials.ldapPassword auth.ldapAuthCredentials.ldapUsername ' +
    'auth.ociAuthCredentials.fingerprint auth.ociAuthCredentials.identityId auth.ociAuthCredentials.privateKey ' +
    'auth.ociAuthCredentials.privateKeyPassphrase auth.ociAuthCredentials.region auth.ociAuthCredentials.tenancyId ' +
    'auth.ociAuthCredentials.userId auth.tokenAuthCredentials.accessToken auth.universalAuthCredentials.clientId auth.universalAuthCredentials.clientSecret',
  keepersecurity: 'authRef',
  kubernetes: 'auth.cert.clientCert auth.cert.clientKey auth.token.bearerToken authRef',
  nebiusmysterybox: 'auth.serviceAccountCredsSecretRef auth.tokenSecretRef caProvider.certSecretRef',
  ngrok: 'auth.apiKey.secretRef',
  onboardbase: 'auth.apiKeyRef auth.passcodeRef',
  onepassword: 'auth.secretRef.connectTokenSecretRef',
  onepasswordSDK: 'auth.serviceAccountSecretRef',
  openBao: 'auth.appRole.roleRef auth.appRole.secretRef auth.tokenSecretRef auth.userPass.secretRef',
  oracle: 'auth.secretRef.fingerprint auth.secretRef.privatekey',
  ovh: 'auth.mtls.certSecretRef auth.mtls.keySecretRef auth.token.tokenSecretRef',
  passbolt: 'auth.passwordSecretRef auth.privateKeySecretRef',
  passworddepot: 'auth.secretRef.credentials',
  previder: 'auth.secretRef.accessToken',
  pulumi: 'accessToken.secretRef auth.accessToken.secretRef',
  scaleway: 'accessKey.secretRef secretKey.secretRef',
  secretserver: 'password.secretRef token.secretRef username.secretRef',
  senhasegura: 'auth.clientSecretSecretRef',
  vault:
    'auth.appRole.roleRef auth.appRole.secretRef auth.cert.clientCert auth.cert.secretRef auth.gcp.secretRef.secretAccessKeySecretRef ' +
    'auth.iam.secretRef.accessKeyIDSecretRef auth.iam.secretRef.secretAccessKeySecretRef auth.iam.secretRef.sessionTokenSecretRef ' +
    'auth.jwt.secretRef auth.kubernetes.secretRef auth.ldap.secretRef auth.tokenSecretRef auth.userPass.secretRef tls.certSecretRef tls.keySecretRef',
  volcengine: 'auth.secretRef.accessKeyID auth.secretRef.secretAccessKey auth.secretRef.token',
  webhook: 'auth.ntlm.passwordSecret auth.ntlm.usernameSecret secrets.*.secretRef',
  yandexcertificatemanager: 'auth.authorizedKeySecretRef caProvider.certSecretRef',
  yandexlockbox: 'auth.authorizedKeySecretRef caProvider.certSecretRef',
};

/** `STORE_SECRETS` as paths, by provider, made once. */
const PATHS: ReadonlyMap<string, readonly (readonly string[])[]> = new Map(
  Object.entries(STORE_SECRETS).map(([provider, paths]) => [provider, paths.split(' ').map((p) => p.replace(/!$/, '').split('.'))]),
);

/** A store's Secret reference: where, the Secret's name and namespace as written, the key read, and the provider. */
export interface StoreRef {
  readonly path: FieldPath;
  readonly name: string;
  readonly namespace: unknown;
  readonly key: string | undefined;
  readonly provider: string;
}

/** The Secret references of a store's `spec.provider`, in the order of the table. */
export function storeRefs(provider: Record<string, unknown>): StoreRef[] {
  const refs: StoreRef[] = [];
  for (const [name, settings] of Object.entries(provider)) {
    const paths = PATHS.get(name);
    if (!paths || !isRecord(settings)) continue;
    for (const path of paths)
      for (const [at, value] of valuesAt(settings, path, ['spec', 'provider', name])) {
        if (!isRecord(value) || typeof value.name !== 'string' || value.name === '') continue;
        const key = typeof value.key === 'string' && value.key !== '' ? value.key : undefined;
        refs.push({ path: at, name: value.name, namespace: value.namespace, key, provider: name });
      }
  }
  return refs;
}
