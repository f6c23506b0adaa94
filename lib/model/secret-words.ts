/**
 * The words that make a name a secret's (secret-names.ts reads a name's words with them): a secret's own words (`password`,
 * `token`), the words they end a run-together word as (`ROOTPASSWORD`), `pass` run together with whose it is (`DBPASS`), the
 * qualifiers before `key` that make it a key (`SSH_KEY`), the words that say so as a name's last word only (`REDIS_AUTH`), and
 * how a word numbered or in the plural (`PASSWORD2`, `passwords`, `apiKeys`) is read. Data tables and pure functions.
 */

/** A key with one of these words holds a secret: `DB_PASS`, `PWD`, `API_TOKEN`, `CLIENT_SECRET`. */
const SECRET_WORDS: ReadonlySet<string> = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
  'creds',
  'apikey',
  'privatekey',
  'secretkey',
  'accesskey',
  // Redis's passwords, by the names of its own settings and flags (`--requirepass`, `--masterauth`)
  'requirepass',
  'masterauth',
  // the password sshpass reads from its environment (`SSHPASS=... sshpass -e ssh ...`)
  'sshpass',
  // OpenLDAP's: a client's bind password (ldap.conf's `BINDPW`, nslcd's `bindpw`), the directory's root password (slapd.conf's `rootpw`)
  'bindpw',
  'rootpw',
]);
/**
 * A word that ends in one of these is a secret word run together with another
 * (`ROOTPASSWORD`, `--authtoken`, `clientsecret`); `pass` is left out (`bypass`, `compass`).
 */
export const SECRET_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token'];
/** `<word>_KEY` holds a key when the word says which: `SSH_KEY`, `TLS_KEY`, `API_KEY`, `tls.key`. */
export const KEY_QUALIFIERS: ReadonlySet<string> = new Set([
  'api',
  'private',
  'secret',
  'access',
  'ssh',
  'tls',
  'ssl',
  'signing',
  'encryption',
  'master',
  'client',
  'auth',
  'license',
  'session',
  'hmac',
  // Airflow's AIRFLOW__CORE__FERNET_KEY, which encrypts its connections; Vault's unseal keys
  'fernet',
  'unseal',
  // an Azure storage account's key (`AZURE_STORAGE_ACCOUNT_KEY`, a connection string's `AccountKey=`), a cloud service account's
  'account',
  // a PagerDuty integration's key (`PAGERDUTY_KEY`), with which anyone pages the service's on-call
  'pagerduty',
]);
/** Words that name a secret as a name's last word only: `REDIS_AUTH`, `DB_PW`. */
export const LAST_WORD_SECRETS: ReadonlySet<string> = new Set(['auth', 'pw']);

/**
 * Words that end in a number as a product's name does, not a secret's word numbered: Auth0, the identity provider
 * (`auth0: enabled`, `SSO_AUTH0: dev-abc.us.auth0.com`, `AUTH0: dev-abc`, as Auth0's SDKs and charts name its settings).
 */
const NAMED_WITH_NUMBER: ReadonlySet<string> = new Set(['auth0']);

/**
 * Words run together with `pass` that say whose password it is (`DBPASS`, `rootpass`, `SMTPPASS`, as images and scripts name
 * them): `pass` alone at a word's end is left out of SECRET_SUFFIXES (`bypass`, `compass`); Vault's `userpass`, an authentication
 * method's name, is none of these, and keytool's `-storepass` and `-keypass` are read by its own rule (command-line-secrets.ts:
 * the JDK truststore's `changeit` is no secret).
 */
const PASS_OWNERS: ReadonlySet<string> = new Set([
  'root',
  'admin',
  'master',
  'bind',
  'db',
  'mysql',
  'redis',
  'ldap',
  'smtp',
  'mail',
  'ftp',
  'sasl',
]);

/** A secret's word: of SECRET_WORDS, ending in one of SECRET_SUFFIXES, or `pass` run together with whose (PASS_OWNERS). */
export const isSecretWord = (x: string): boolean =>
  SECRET_WORDS.has(x) || SECRET_SUFFIXES.some((s) => x.endsWith(s)) || (x.endsWith('pass') && PASS_OWNERS.has(x.slice(0, -4)));

/**
 * A word as namesSecret reads it: numbered (`PASSWORD2`, `DB_PW1`, `apiKey2`), the word (a second password, as `PASSWORD_2` is);
 * in the plural (`passwords`, `DB_PASSWORDS`, `apiKeys`, `dbpasswords`: a list or map of them), the word too. Not a plural of
 * another word (`passes`, `bypasses`), nor a product's name with a number (`auth0`).
 */
export function secretWordOf(x: string): string {
  if (NAMED_WITH_NUMBER.has(x)) return x;
  const unnumbered = x.replace(/(?<=[a-z])[0-9]+$/, '');
  const one = unnumbered.endsWith('s') ? unnumbered.slice(0, -1) : undefined;
  return one !== undefined && (one === 'key' || LAST_WORD_SECRETS.has(one) || isSecretWord(one)) ? one : unnumbered;
}
