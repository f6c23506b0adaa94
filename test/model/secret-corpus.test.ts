/**
 * The secret screen measured on real configuration: settings of popular software as their
 * documentation and charts write them (made-up values, none a real credential), each judged as
 * a ConfigMap key and as a line of a `.env` file held in a ConfigMap, as `npm run check` and
 * `npm run synth` judge them. Ordinary settings that merely name a property of a secret (its
 * header, type, lifetime, policy, where it is mounted) must pass; secrets must be refused.
 */
import { describe, expect, it } from 'vitest';
import { checkSecretContent } from '../../lib/checks/secrets.js';
import type { KubeObject } from '../../lib/model/object.js';

type Settings = Readonly<Record<string, readonly (readonly [name: string, value: string])[]>>;

/** Settings that hold no secret, by the software that reads them. */
const NOT_SECRET: Settings = {
  'seen refused on main': [
    ['TOKEN_AUDIENCE', 'api.example.com'],
    ['TOKEN_SCOPE', 'read:all'],
    ['PASSWORD_POLICY', 'strong'],
    ['PASSWORD_MIN', '8'],
    ['SECRET_PROVIDER', 'vault'],
    ['TOKEN_TIMEOUT', '30s'],
    ['CSRF_TOKEN_HEADER', 'X-CSRF-Token'],
    ['AUTH_TOKEN_TYPE', 'bearer'],
    ['password_hash_algorithm', 'bcrypt'],
    ['SECRET_MOUNT', '/etc/secrets'],
    ['VAULT_TOKEN_ROLE', 'app'],
    ['api_key_header', 'X-API-Key'],
    ['SESSION_SECRET_ENV', 'SESSION_SECRET'],
    ['AWS_ACCESS_KEY_ID_VAR', 'AWS_ACCESS_KEY_ID'],
  ],
  grafana: [
    ['GF_SECURITY_ADMIN_USER', 'admin'],
    ['GF_SECURITY_ADMIN_PASSWORD__FILE', '/run/secrets/admin-password'],
    ['GF_AUTH_TOKEN_ROTATION_INTERVAL_MINUTES', '10'],
    ['GF_AUTH_GENERIC_OAUTH_TOKEN_URL', 'https://sso.example.com/oauth/token'],
    ['GF_AUTH_GENERIC_OAUTH_SCOPES', 'openid email profile'],
    ['GF_AUTH_GENERIC_OAUTH_CLIENT_ID', 'grafana'],
    ['GF_AUTH_GENERIC_OAUTH_USE_REFRESH_TOKEN', 'true'],
    ['GF_AUTH_GENERIC_OAUTH_ID_TOKEN_ATTRIBUTE_NAME', 'id_token'],
    ['GF_AUTH_JWT_HEADER_NAME', 'X-JWT-Assertion'],
    ['GF_AUTH_BASIC_ENABLED', 'false'],
    ['GF_AUTH_LOGIN_MAXIMUM_INACTIVE_LIFETIME_DURATION', '7d'],
  ],
  keycloak: [
    ['KC_HOSTNAME', 'sso.example.com'],
    ['KC_DB_USERNAME', 'keycloak'],
    ['KC_HTTPS_CERTIFICATE_KEY_FILE', '/opt/keycloak/conf/tls.key'],
    ['KC_HTTPS_KEY_STORE_FILE', '/opt/keycloak/conf/server.keystore'],
    ['KC_HTTPS_KEY_STORE_TYPE', 'PKCS12'],
    ['KC_HTTPS_CLIENT_AUTH', 'request'],
    ['KC_PROXY_HEADERS', 'xforwarded'],
  ],
  gitlab: [
    ['GITLAB_TIMEZONE', 'Berlin'],
    ['CI_SERVER_URL', 'https://gitlab.example.com'],
    ['RUNNER_EXECUTOR', 'kubernetes'],
    ['GITLAB_PERSONAL_ACCESS_TOKEN_PREFIX', 'glpat-'],
    ['RUNNER_TOKEN_EXPIRES_AT', '2027-01-01T00:00:00Z'],
  ],
  sentry: [
    ['SENTRY_ENVIRONMENT', 'production'],
    ['SENTRY_TRACES_SAMPLE_RATE', '0.2'],
    ['SENTRY_RELEASE', 'web@1.4.2'],
  ],
  airflow: [
    ['AIRFLOW__SECRETS__BACKEND', 'airflow.providers.hashicorp.secrets.vault.VaultBackend'],
    ['AIRFLOW__SECRETS__BACKEND_KWARGS', '{"connections_path": "connections", "mount_point": "airflow"}'],
    ['AIRFLOW__CORE__FERNET_KEY_CMD', 'cat /run/secrets/fernet-key'],
    ['AIRFLOW__API__AUTH_BACKENDS', 'airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session'],
    ['AIRFLOW__CORE__HIDE_SENSITIVE_VAR_CONN_FIELDS', 'True'],
  ],
  'spring boot': [
    ['SERVER_SSL_KEY_STORE', 'classpath:keystore.p12'],
    ['SERVER_SSL_KEY_STORE_TYPE', 'PKCS12'],
    ['SERVER_SSL_KEY_ALIAS', 'tomcat'],
    ['SERVER_SSL_CLIENT_AUTH', 'need'],
    ['SPRING_SECURITY_OAUTH2_CLIENT_PROVIDER_KEYCLOAK_TOKEN_URI', 'https://sso.example.com/realms/app/protocol/openid-connect/token'],
    ['SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_KEYCLOAK_CLIENT_AUTHENTICATION_METHOD', 'client_secret_basic'],
    ['JWT_TOKEN_VALIDITY_SECONDS', '86400'],
    ['server.ssl.key-store', 'classpath:keystore.p12'],
    ['server.ssl.key-store-type', 'PKCS12'],
  ],
  django: [
    ['DJANGO_SETTINGS_MODULE', 'app.settings.production'],
    ['PASSWORD_HASHERS', 'django.contrib.auth.hashers.Argon2PasswordHasher'],
    // what makes or stores it: a hasher's, an encoder's, a generator's name
    ['PASSWORD_HASHER', 'argon2'],
    ['app.security.passwordEncoder', 'bcrypt'],
    ['TOKEN_GENERATOR', 'uuid'],
    ['PASSWORD_RESET_TIMEOUT', '259200'],
    ['CSRF_HEADER_NAME', 'HTTP_X_CSRFTOKEN'],
    ['CSRF_COOKIE_NAME', 'csrftoken'],
    ['ACCESS_TOKEN_LIFETIME', '5m'],
    ['REFRESH_TOKEN_LIFETIME', '1d'],
    ['ROTATE_REFRESH_TOKENS', 'True'],
  ],
  rails: [
    ['RAILS_ENV', 'production'],
    ['RAILS_LOG_TO_STDOUT', 'enabled'],
    ['DEVISE_PASSWORD_LENGTH', '8..128'],
  ],
  'node apps': [
    ['JWT_EXPIRES_IN', '1d'],
    ['ACCESS_TOKEN_EXPIRES_IN', '15m'],
    ['REFRESH_TOKEN_EXPIRES_IN', '7d'],
    ['ACCESS_TOKEN_EXPIRE_MINUTES', '720'],
    ['PASSWORD_RESET_TOKEN_EXPIRES', '1h'],
    ['PASSWORD_SALT_ROUNDS', '12'],
    ['PASSWORD_MAX_ATTEMPTS', '5'],
    ['JWT_ALGORITHM', 'RS256'],
    ['TOKEN_HEADER', 'Authorization'],
    ['TOKEN_PREFIX', 'Bearer'],
    ['TOKEN_ISSUER', 'https://auth.example.com'],
    ['NEXTAUTH_URL', 'https://app.example.com'],
  ],
  'oauth and oidc': [
    ['OIDC_TOKEN_ENDPOINT_AUTH_METHOD', 'client_secret_post'],
    ['OIDC_ID_TOKEN_SIGNING_ALG', 'RS256'],
    ['OIDC_ACCESS_TOKEN_AUDIENCE', 'https://api.example.com'],
    ['OAUTH_TOKEN_ENDPOINT', 'https://sso.example.com/oauth2/token'],
    ['OIDC_SCOPES', 'openid profile email'],
    ['OAUTH2_PROXY_PASS_ACCESS_TOKEN', 'true'],
    ['OAUTH2_PROXY_COOKIE_REFRESH', '1h'],
  ],
  vault: [
    ['VAULT_ADDR', 'https://vault.example.com:8200'],
    ['VAULT_AUTH_METHOD', 'kubernetes'],
    ['VAULT_SECRET_PATH', 'secret/data/app'],
    ['VAULT_SECRETS_ENGINE', 'kv'],
    ['VAULT_SECRET_ENGINE_VERSION', '2'],
    ['VAULT_SECRET_MOUNT', 'secret'],
    ['VAULT_TOKEN_TYPE', 'batch'],
    ['VAULT_TOKEN_POLICIES', 'app-read'],
    ['VAULT_TOKEN_TTL', '1h'],
  ],
  'aws sdk': [
    ['AWS_REGION', 'eu-central-1'],
    ['AWS_ROLE_ARN', 'arn:aws:iam::123456789012:role/app'],
    ['AWS_WEB_IDENTITY_TOKEN_FILE', '/var/run/secrets/eks.amazonaws.com/serviceaccount/token'],
    ['AWS_ROLE_SESSION_NAME', 'app'],
    ['AWS_SHARED_CREDENTIALS_FILE', '/home/app/.aws/credentials'],
    ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'http://169.254.170.23/v1/credentials'],
    ['AWS_STS_REGIONAL_ENDPOINTS', 'regional'],
  ],
  'database images': [
    ['MYSQL_ALLOW_EMPTY_PASSWORD', 'yes'],
    ['MARIADB_ALLOW_EMPTY_ROOT_PASSWORD', '1'],
    ['MARIADB_RANDOM_ROOT_PASSWORD', '1'],
    ['POSTGRES_HOST_AUTH_METHOD', 'scram-sha-256'],
  ],
  'a setting that names a Secret object': [['existingSecret', 'db-creds']],
  'language model clients and rate limiters: counts of tokens': [
    ['OPENAI_MAX_TOKENS', '1024'],
    ['MAX_NEW_TOKENS', '512'],
    ['max_tokens', '4096'],
    ['NUM_TOKENS', '256'],
    ['TOKEN_LIMIT', '8192'],
    ['RATE_LIMIT_TOKEN_BUCKET_SIZE', '100'],
  ],
  'a key by its id (a public identifier)': [
    // gradle.properties of a project that signs its artifacts, a GCP service account key's id
    ['signing.keyId', '24875D73'],
    ['private_key_id', '0123456789abcdef0123456789abcdef01234567'],
    ['AZURE_CLIENT_KEY_ID', 'kid-2024-01'],
  ],
  "a credential by its id (Jenkins' credentials store)": [
    // a JCasC env and a pipeline's credentialsId: the id of the credential Jenkins holds, a name or the UUID Jenkins made
    ['SONAR_TOKEN_CREDENTIALS_ID', 'sonar-token'],
    ['NEXUS_CREDENTIALS_ID', 'nexus-creds'],
    ['credentialsId', 'github-app-creds'],
    ['GIT_CREDENTIALS_ID', '6f1c2d3e-4a5b-4c7d-8e9f-0a1b2c3d4e5f'],
  ],
  // a binding's routing key, a key that names a service or an integration: words and patterns, no key
  "rabbitmq and the like: a routing key, a service's or an integration's name": [
    ['routing_key', 'orders.created'],
    ['ROUTING_KEY', 'user.*.v1'],
    ['SERVICE_KEY', 'payments'],
    ['INTEGRATION_KEY', 'slack'],
    // Duo's integration key is an identifier (its secret is the skey)
    ['DUO_INTEGRATION_KEY', 'DIWJ8X6AEYOR5OMC6TQ1'],
  ],
  // the key of a Secret a chart reads a password from (Bitnami's secretKeys, Grafana's admin.passwordKey)
  "a chart's Secret and the key of a password in it": [
    ['adminPasswordKey', 'postgres-password'],
    ['existingSecretPasswordKey', 'redis-password'],
    ['GF_SECURITY_ADMIN_PASSWORD_KEY', 'admin-password'],
    // the Secret that holds a chart's certificates (Bitnami's tls.certificatesSecret)
    ['certificatesSecret', 'pg-tls'],
  ],
  // a workflow's permissions: `id-token: write` lets a job ask for an OIDC token
  'github actions': [
    ['id-token', 'write'],
    ['id-token', 'none'],
  ],
  'keycloak realm': [['passwordPolicy', 'length(8) and digits(1) and notUsername(undefined)']],
  // a config provider's reference (`${file:<path>:<key>}`): a name after a path's `/` is no setting
  kafka: [
    ['ssl.keystore.password', '$' + '{file:/etc/kafka/secrets/creds.properties:keystore.password}'],
    ['ssl.key.password', '$' + '{directory:/mnt/secrets:key-password}'],
    ['LOG_DIR', '/run/secrets/token:v2'],
  ],
};

/** Secrets, by the software that reads them. */
const SECRET: Settings = {
  'refused on main, and must stay so': [
    ['GRAFANA_ADMIN_PASSWORD', 'admin'],
    ['DB_PASSWORD', 'hunter2-Xk9#pLm2qZ'],
    ['DATABASE_URL', 'postgres://app:s3cr3t-pw@db.internal:5432/app'],
    ['TLS_PRIVATE', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB7x\n-----END EC PRIVATE KEY-----\n'],
    ['TOKEN_GITHUB', 'x9Kq2LmP7vRt4WzY'],
    ['SECRET_STRIPE', 'whsec_5Fq8Lp2Xc9Vb7Nm3'],
    ['PASSWORD_2', 'Tr0ub4dor&3'],
    // a property's name with a value of no name's shape is the secret
    ['PASSWORD_ENCODER', 'Xk9mQ2vL!p8'],
  ],
  'a name that names a property of a secret, holding the secret itself (no shape of that property)': [
    ['VAULT_TOKEN_ROLE', 's.Abc123XyZ987'],
    ['SESSION_SECRET_ENV', 'Sup3rS3cret!'],
    ['DB_PASSWORD_VAR', 'Hunter2!xyz'],
    ['GITHUB_TOKEN_BACKEND', 'abcDEF123'],
    ['ENCRYPTION_KEY_VERSION', 'k3yMaterialAbc'],
    ['SMTP_PASSWORD_CMD', 'echo Hunter2!xyz'],
    ['ADMIN_PASSWORD_AT', 'Hunter2!xyz'],
    ['PASSWORD_IN', 'Hunter2!xyz'],
    ['JWT_SECRET_ALIAS', 'Hunter2!xyz'],
    ['TOKEN_TIMEOUT', 'Sup3rS3cret'],
    ['PASSWORD_FILE', 'Hunter2!xyz'],
    ['TOKEN_URL', 'Sup3rS3cret'],
  ],
  'a name of a key or an access level, holding the secret itself': [
    ['adminPasswordKey', 'Xk9mQ2vLp8!'],
    ['certificatesSecret', 'S3cr3t!Passw0rd'],
    ['id-token', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2lnbmF0dXJlMTIzNA'],
    ['ID_TOKEN', 'Xk9mQ2vLp8aZ'],
    ['passwordPolicy', 'Hunter2!xyz'],
  ],
  'a secret under a name that could name a Secret, or a mode': [
    ['AUTH_SECRET', 'my-nextauth-secret'],
    ['REDIS_AUTH', 'request'],
  ],
  grafana: [
    ['GF_SECURITY_ADMIN_PASSWORD', 'Grafana2024!'],
    ['GF_SECURITY_SECRET_KEY', 'SW2YcwTIb9zpOOhoPsMm'],
    ['GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET', 'q8Lr2Vx7Nw3Kp9Zt'],
  ],
  keycloak: [
    ['KEYCLOAK_ADMIN_PASSWORD', 'admin'],
    ['KC_DB_PASSWORD', 'keycloak'],
    ['KC_HTTPS_KEY_STORE_PASSWORD', 'changeit'],
  ],
  gitlab: [
    ['GITLAB_ROOT_PASSWORD', 'Gitlab-R00t!'],
    ['GITLAB_SHARED_RUNNERS_REGISTRATION_TOKEN', 'GR1348941xYzAbCdEf'],
    ['RUNNER_TOKEN', 'glrt-2CR8_eVxiioB1QmzPZwa'],
    ['GITLAB_SECRETS_DB_KEY_BASE', 'long-and-random-alphanumeric-string'],
  ],
  sentry: [
    ['SENTRY_SECRET_KEY', 'k3n!x9#q2w@e5r7t'],
    ['SENTRY_AUTH_TOKEN', 'sntrys_eyJpYXQiOjE3MDAwMDAwMDB9'],
  ],
  airflow: [
    ['AIRFLOW__CORE__FERNET_KEY', '81HqDtbqAywKSOumSha3BhWNOdQ26slT6K0YaZeZyPs='],
    ['AIRFLOW__WEBSERVER__SECRET_KEY', 'a25mQ1FHTUh3MnFRSkNm'],
    ['AIRFLOW__DATABASE__SQL_ALCHEMY_CONN', 'postgresql+psycopg2://airflow:airflow@postgres/airflow'],
  ],
  'spring boot': [
    ['SPRING_DATASOURCE_PASSWORD', 'S3cr3tP4ss'],
    ['SERVER_SSL_KEY_STORE_PASSWORD', 'changeit'],
    ['SERVER_SSL_KEY_PASSWORD', 'tomcat-key'],
    ['SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_GOOGLE_CLIENT_SECRET', 'GOCSPX-1a2b3c4d5e6f'],
    ['spring.datasource.password', 'S3cr3tP4ss'],
  ],
  django: [
    ['DJANGO_SECRET_KEY', 'django-insecure-7x#q!2m@k9'],
    ['SECRET_KEY', 'k9$w2!x7@q4#m8'],
    ['EMAIL_HOST_PASSWORD', 'smtp-pass-42'],
    ['DJANGO_SUPERUSER_PASSWORD', 'admin123'],
  ],
  rails: [
    ['SECRET_KEY_BASE', 'f1e2d3c4b5a6978877665544'],
    ['RAILS_MASTER_KEY', '0a1b2c3d4e5f60718293a4b5'],
  ],
  'node apps': [
    ['JWT_SECRET', 'my-jwt-secret'],
    ['SESSION_SECRET', 'keyboard cat'],
    ['COOKIE_SECRET', 'c00kie-s3cret'],
    ['NEXTAUTH_SECRET', 'nextauth-dev-secret'],
    ['REFRESH_TOKEN_SECRET', 'r3fresh-s3cret'],
  ],
  'oauth and oidc': [
    ['OIDC_CLIENT_SECRET', 'q8Lr2Vx7Nw3Kp9Zt'],
    ['OAUTH2_PROXY_COOKIE_SECRET', 'OQINaROshtE9TcZkNAm-5Zs2Pv3xaWytBmc5W7sPX7w='],
    ['OAUTH2_PROXY_CLIENT_SECRET', 'proxy-client-secret'],
  ],
  vault: [
    ['VAULT_TOKEN', 'hvs.CAESIJlWh4hSD7ed'],
    ['VAULT_SECRET_ID', '6a174c20-f6de-a53c-74d2-6018fcceff64'],
    ['VAULT_UNSEAL_KEY', 'aGVsbG8td29ybGQtdW5zZWFs'],
    ['VAULT_DEV_ROOT_TOKEN_ID', 'root'],
  ],
  'aws sdk': [
    ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'],
    ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['AWS_SESSION_TOKEN', 'IQoJb3JpZ2luX2VjEJr'],
  ],
  'database images': [
    ['MYSQL_ROOT_PASSWORD', 'r00tpw'],
    ['POSTGRES_PASSWORD', 'postgres'],
    ['MONGO_INITDB_ROOT_PASSWORD', 'mongo-pw-1'],
    ['RABBITMQ_DEFAULT_PASS', 'guest-pw'],
    ['REDIS_PASSWORD', 'redis-pw-9'],
    ['MINIO_SECRET_KEY', 'minio-secret-123'],
  ],
  'a password named PW': [
    ['DB_PW', 'hunter2-Xk9#pLm2qZ'],
    ['MYSQL_ROOT_PW', 'redis-pw-9'],
  ],
  azure: [
    ['AZURE_STORAGE_ACCOUNT_KEY', 'dev-account-key-1'],
    ['AccountKey', 'abc123XYZ=='],
    ['GOOGLE_SERVICE_ACCOUNT_KEY', 'sa-key-Hunter2'],
    ['SECRET_KEY_ID', 'Hunter2!xyz'],
  ],
  'a secret under a credential id, of no id': [['DB_CREDENTIALS_ID', 'Hunter2!xyz']],
  // an Alertmanager receiver's key (pagerduty_configs), or one in an app's environment: 32 hex digits, an MD5's length
  pagerduty: [
    ['routing_key', '3f9a1c2b4d5e6f708192a3b4c5d6e7f8'],
    ['service_key', '3f9a1c2b4d5e6f708192a3b4c5d6e7f8'],
    ['PAGERDUTY_INTEGRATION_KEY', 'e93facc04764012d7bfb002500d5d1a6'],
    ['PAGERDUTY_KEY', 'pd-key-Hunter2'],
  ],
  sshpass: [['SSHPASS', 'Hunter2!xyz']],
  'a secret under a name with a bound word, of no quantity': [
    ['MAX_TOKENS', 'x9Kq2LmP7vRt4WzY'],
    ['TOKEN_LIMIT', 'hunter2-Xk9#pLm2qZ'],
  ],
};

const configMap = (data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app', namespace: 'default' },
  data,
});

/** Where the screen refuses the setting: as a ConfigMap key (`key`), as a line of a `.env` file in a ConfigMap (`app.env`). */
function refusedAs(name: string, value: string): string[] {
  const forms: string[] = [];
  if (checkSecretContent(configMap({ [name]: value })).findings.length) forms.push('key');
  if (checkSecretContent(configMap({ 'app.env': `${name}=${value}\n` })).findings.length) forms.push('app.env');
  return forms;
}

const each = (table: Settings) =>
  Object.entries(table).flatMap(([source, pairs]) => pairs.map(([name, value]) => ({ source, name, value })));

describe('the secret screen on real configuration', () => {
  it('refuses no ordinary setting that only names a property of a secret (its header, type, lifetime, policy, mount)', () => {
    const falseAlarms = each(NOT_SECRET)
      .filter(({ name, value }) => refusedAs(name, value).length > 0)
      .map(({ source, name, value }) => `${source}: ${name}=${value} (refused as ${refusedAs(name, value).join(', ')})`);
    expect(falseAlarms).toEqual([]);
  });

  it('refuses every secret, as a ConfigMap key and in a .env file', () => {
    const missed = each(SECRET)
      .filter(({ name, value }) => refusedAs(name, value).length < 2)
      .map(({ source, name, value }) => `${source}: ${name} (refused as ${refusedAs(name, value).join(', ') || 'neither'})`);
    expect(missed).toEqual([]);
  });
});
