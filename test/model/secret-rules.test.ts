import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_RULES, detectSecret, isSecretKey, maskValue } from '../../lib/model/secret-rules.js';
import { countSecrets } from '../../lib/model/value-secrets.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { isSecretFlag } from '../../lib/model/secret-flags.js';
import { isSecretParameter } from '../../lib/model/secret-field-names.js';
import { listFiles } from '../helpers/cli.js';
import { REPO } from '../helpers/cli.js';
import { NGINX_CONF, PUBLIC_CERTIFICATE, SECRET_SAMPLES } from '../helpers/secret-samples.js';
import { expectRule } from '../helpers/secret-rules.js';

// the rules of each family are tested beside it: command-line-secrets, setting-secret-rules, url-secret-rules,
// secret-names, and secret-rules.one-pass for 8 MiB of text
describe('the secret rules', () => {
  it('have a sample each, and each sample is found by its own rule', () => {
    expect(Object.keys(SECRET_SAMPLES).sort()).toEqual(SECRET_RULES.map((r) => r.id).sort());
    for (const [id, sample] of Object.entries(SECRET_SAMPLES)) expect(detectSecret(sample)?.rule.id, id).toBe(id);
  });

  it("find a private key of any kind, its header's words split over lines, its END line alone, an SSH2 or PuTTY key file, an age identity", () => {
    expectRule(
      'private-key',
      [
        '-----BEGIN DH PRIVATE KEY-----\nMIIBIwIBAAKBgQ\n-----END DH PRIVATE KEY-----',
        'tls.key: "-----BEGIN RSA PRIVATE\n  KEY-----\n  MIIEpAIBAAKCAQEAx9f2"',
        // the second half of a key split over two values
        'hZ9pQ2\nx9f2Lm==\n-----END RSA PRIVATE KEY-----\n',
        '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: "rsa-key-20240101"\nP2/56wAAA',
        'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\nAAAAC3Nza\nPrivate-Lines: 1\nAAAAIHx',
        'AGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQY',
      ],
      [
        '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----',
        '-----BEGIN RSA PUBLIC KEY-----\nMEgCQQCo9+BpMRYQ\n-----END RSA PUBLIC KEY-----',
        '---- BEGIN SSH2 PUBLIC KEY ----\nComment: "deploy"\nAAAAB3NzaC1yc2E\n---- END SSH2 PUBLIC KEY ----',
        'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
      ],
    );
    // a key whose header is split is one secret, however many lines of base64 it holds
    expect(
      countSecrets(
        `-----BEGIN RSA PRIVATE\nKEY-----\n${'Xk3q9vLm2pQ7wZ8rTb4Nq6Yc1Hs5Ud0JfAe8Ru0Tz3IvQ\n'.repeat(3)}-----END RSA PRIVATE KEY-----`,
      ),
    ).toBe(1);
  });

  it("find a provider's API token by its prefix where its body is hex or too plain for the randomness rule, and leave names that start alike alone", () => {
    expectRule(
      'provider-token',
      [
        'gitlab-runner register --token glrt-2CR8_eVxiioB1QmzPZwa\n',
        'deploy: gldt-Xk9mQ2vLp8aZ3nR7tY1u',
        `ATATT3${'xFfGF0T8sK2nQ9mP4vL7wR1zY6uE3oI5aS8dF0gH2jK4lZ6xC9vB1'.repeat(3)}=A1B2C3D4`,
        'SHOPIFY=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',
        'doctl auth init -t dop_v1_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b',
        'pulumi login --token pul-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
        'databricks: dapi1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d-2',
        'NRAK-XK9MQ2VLP8AZ3NR7TY1UE3OI5AS',
        'mailgun: key-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d',
        'MAILGUN_API_KEY=key-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d',
        'smtp:\n  relay: smtp.mailgun.org\n  login: key-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d\n',
        'supabase login --token sbp_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
        'bkua_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
        'FLY_API_TOKEN="FlyV1 fm2_lJPECAAAAAAAAg3qxBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"',
      ],
      [
        'cache-key-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d',
        'name: glrt-runner-config',
        'image: registry/pul-1a2b:1',
        'shpat_1a2b',
        // a name of words and hyphens after a GitLab prefix, a cache's key named by its hash (no token's name, no Mailgun)
        'template: glrt-runner-configuration-template-name\n',
        'agent: glagent-my-cluster-agent-configuration\n',
        'cache: key-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d\n',
        'restore_keys:\n  - key-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d\n',
      ],
    );
  });

  it("find a Twilio auth token, a bootstrap token and a JSON Web Key's symmetric key where the text says what they are, and leave the same shapes alone elsewhere", () => {
    expectRule(
      'twilio-auth-token',
      [
        'client = Client("AC0123456789abcdef0123456789abcdef", "9f8e7d6c5b4a39281706f5e4d3c2b1a0")\n',
        'from twilio.rest import Client\nclient = Client(account_sid, "9f8e7d6c5b4a39281706f5e4d3c2b1a0")\n',
        'twilio:\n  account: AC0123456789abcdef0123456789abcdef\n  key: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n',
        'notify:\n  twilio:\n    sid: ACx\n    auth_token: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n',
        'TWILIO_AUTH_TOKEN=9f8e7d6c5b4a39281706f5e4d3c2b1a0\n',
      ],
      [
        // an MD5's length: a digest, an etag, a SID, anywhere else or named by its algorithm
        'etag: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n',
        'account: AC0123456789abcdef0123456789abcdef\n',
        'twilio checksum md5:9f8e7d6c5b4a39281706f5e4d3c2b1a0\n',
        // in a text that names Twilio: a Sentry DSN's public key (a URL's user part), a digest or an id under its own name
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference, as envsubst fills one in
        'twilio:\n  sid: ${TWILIO_SID}\nsentry:\n  dsn: https://9f8e7d6c5b4a39281706f5e4d3c2b1a0@o12345.ingest.sentry.io/1\n',
        'image: twilio/notify:1.0\nconfig-hash: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n',
        '{"service": "twilio-notify", "trace_id": "9f8e7d6c5b4a39281706f5e4d3c2b1a0"}\n',
        // a checksum of 34 hex digits that starts with 'ac' is no account SID (`AC` in capitals), so nothing names Twilio
        'sum: ac0123456789abcdef0123456789abcdef\nchecksums = ["9f8e7d6c5b4a39281706f5e4d3c2b1a0"]\n',
        // quoted, but far from Twilio's name (a JSON log of another service in the same file)
        `twilio: {}\n${'x'.repeat(300)}\nchecksums = ["9f8e7d6c5b4a39281706f5e4d3c2b1a0"]\n`,
      ],
    );
    expectRule(
      'bootstrap-token',
      ['kubeadm token create 9a08jv.c0izixklcxtmnze7 --ttl 0\n', '{"bootstrapToken": {"id": "x"}, "t": "9a08jv.c0izixklcxtmnze7"}'],
      [
        // the shape alone, or a host's name
        'host: 9a08jv.c0izixklcxtmnze7\n',
        'kubeadm init --apiserver-advertise-address abcdef.0123456789abcdef.example.com\n',
        'kubeadm token delete 9a08jv\n',
      ],
    );
    expectRule(
      'jwk-symmetric-key',
      [
        '{"keys":[{"kty":"oct","kid":"hmac","alg":"HS256","k":"GawgguFyGrWKav7AX4VKUg"}]}',
        '{\n  "kty": "oct",\n  "k": "AyM1SysPpbyDfgZld3umj1qz"\n}\n',
      ],
      // no octet key: an RSA key's members are public, and "k" names anything elsewhere
      ['{"kty":"RSA","e":"AQAB","k":"GawgguFyGrWKav7AX4VKUg"}', '{"k": "GawgguFyGrWKav7AX4VKUg"}'],
    );
  });

  it('find a password hash of htpasswd, bcrypt, crypt or argon2 (a weak password is found from it offline), and leave $1 and the like alone', () => {
    expectRule(
      'password-hash',
      [
        'admin:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\n',
        // Traefik's basicAuth users, Prometheus' web config: bcrypt, which the randomness rule found before under its own name
        'users: ["test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"]',
        'basic_auth_users:\n  admin: $2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG\n',
        'root:$6$rounds=5000$saltsalt$Jz9vH6o3S7Wc5F1lq8V0xM2bY4aN6eK3dR7tP9uQ1wE5rT8yU0iO2pA4sD6fG8hJ0kL2zX4cV6bN8mQ0wE2rT.:19000:0:99999:7:::',
        'admin:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=',
        'hash: $argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$Zm9vYmFyYmF6cXV4cXV1eHh5eno',
      ],
      [
        'relabel: { replacement: "$1:$2", regex: "(.*);(.*)" }',
        'sed -e "s/a/$1$2/" && echo "$1$HOME/x"',
        'htpasswd uses {SHA} or $apr1$ hashes',
        // a shell line's positional parameters and variables before a path
        'cp "$1$dir$/usr/local/share/app/config/defaults"',
        'echo "$1"$5$PREFIX$/var/lib/postgresql/data/pgdata',
      ],
    );
  });

  it("find an Authorization header's credentials whatever the scheme, and leave references and templates alone", () => {
    expectRule(
      'authorization-header',
      [
        'curl -H "Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b" https://api.example.com/',
        '{"headers": {"Authorization": "SSWS 00Qx9vR3nZ7wLp2Kq8"}}',
        'headers:\n  Proxy-Authorization: Negotiate YIIC9QYGKwYBBQUCoIIC6TCC',
      ],
      [
        'curl -H "Authorization: Bearer $(API_TOKEN)" https://api.example.com/',
        'Authorization: Token {{ .Values.token }}',
        'Authorization: Bearer <your token>',
        'the Authorization header carries the token',
        // placeholders, as examples and templates leave them, and prose
        'Authorization: Token YOUR_API_TOKEN',
        'Authorization: Bearer REPLACE_WITH_TOKEN',
        'Authorization: Bearer xxxxxxxxxxxxxxxx',
        'Authorization: Bearer ((vault:token))',
        'Authorization: Bearer #{ApiToken}#',
        'Authorization: Bearer __API_TOKEN__',
        'Authorization: Bearer [REDACTED]',
        'Authorization: none required for health checks',
      ],
    );
  });

  it('find chat webhooks (Discord, Teams) and the tokens of SendGrid, Slack apps, Docker Hub, Hugging Face, Grafana, PyPI and Telegram bots by their format', () => {
    expectRule(
      'webhook-url',
      [
        'webhook_configs:\n  - url: https://discord.com/api/webhooks/1234567890123456789/Xk3q9vLm2pQ7wZ8rTb4Nq6Yc1Hs5Ud0Jf-Ae8Ru0Tz3Iv_kR3x9vLm2pQ7wZ8rTb4Nq6Yc1Hs5',
        'DISCORD_HOOK=https://discordapp.com/api/webhooks/123456789012/abcdefghijklmnopqrstuvwxyz',
        // the API's version in the path, as Discord's own documentation writes it
        'DISCORD_HOOK=https://discord.com/api/v10/webhooks/123456789012/abcdefghijklmnopqrstuvwxyz',
        'https://contoso.webhook.office.com/webhookb2/0f8fad5b-d9cb-469f-a165-70867728950e@7c9e6679-7425-40de-944b-e07fc1f90ae7/IncomingWebhook/3f9a1c2b4d5e6f708192a3b4c5d6e7f8/0f8fad5b-d9cb-469f-a165-70867728950e',
      ],
      ['https://discord.com/invite/kubernetes', 'https://discord.com/api/webhooks', 'https://outlook.office.com/mail/inbox'],
    );
    expectRule('slack-token', ['SLACK_APP_TOKEN=xapp-1-A0123456789-1234567890123-abcdef0123456789']);
    expectRule(
      'service-token',
      [
        `SENDGRID=SG.${'aB3dE6gH9jK2mN5pQ8sT1v'}.${'Xk3q9vLm2pQ7wZ8rTb4Nq6Yc1Hs5Ud0Jf-Ae8Ru0Tz3I'}`,
        'docker login -u ci --password-stdin <<< dckr_pat_2Z8r-Tb4Nq6Yc1Hs5Ud0JfAe8Ru',
        'HF_HUB=hf_abcdefghijklmnopqrstuvwxyzABCDEFGH',
        'GRAFANA=glsa_Xk3q9vLm2pQ7wZ8rTb4Nq6Yc1Hs5Ud0J_0a1b2c3d',
        `[pypi]\nusername = __token__\n${'x'.repeat(0)}token = pypi-AgEIcHlwaS5vcmcCJGE4YjQ5ZDIzLTU1ZmEtNGI2Ni05YzJlLWQ0ZmI3NTk0NmQ1MgACKlszLCJmZ`,
        'https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawA/sendMessage',
      ],
      ['SG.example.com', 'hf_transfer', 'pypi-simple', 'at 12:30:45 the build 123456789:AA started'],
    );
  });

  it("find Vault's tokens by their format, where no name says what they are (vault login <token>), and leave a word after s. alone", () => {
    expectRule(
      'service-token',
      [
        'vault login hvs.CAESIJ3kq9vLm2pQ7wZ8rT5yU1nB4xHk2LmP7vRt4WzYGh4KHGh2cy5YbTJwUTd3WjhyVDV5VTFuQjQ',
        'vault login s.Xk3q9vLm2pQ7wZ8rT5yU1nB4',
      ],
      ['kubectl get pods.ThisIsAVeryLongCamelCaseName', 'logs.abcdefghijklmnopqrstuvwx', 's.abcdefghijklmnopqrstuvwx'],
    );
  });

  it("leave public material alone: a JWKS's public keys, a Subresource Integrity digest, Stripe's publishable key, kubeadm's CA certificate pin; and find a JWK's private d and Stripe's webhook secret", () => {
    const modulus =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v';
    const jwks = `{"keys": [{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256", "n": "${modulus}", "e": "AQAB", "x5c": ["MIIC+DCCAeCgAwIBAgIJAOWzW4bRrKq7MA0GCSqGSIb3DQEBBQUAMCMxITAfBgNVBAMTGGN1c3RvbWVyLWRlbW8tMTg3"], "x5t": "bGnI8VKUYVXA2yOa9ujpDq4GXs0"}, {"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`;
    const pin = 'sha256:7c1a2b3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
    for (const value of [
      jwks,
      'integrity sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUR2BSCNmKMgRi6S7g==',
      '<script src="/app.js" integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"></script>',
      'STRIPE_PUBLISHABLE_KEY=pk_live_4eC39HqLyjWDarjtT1zdp7dc',
      `kubeadm join 10.0.0.1:6443 --token "$BOOTSTRAP_TOKEN" --discovery-token-ca-cert-hash ${pin}`,
    ])
      expect(detectSecret(value)?.rule.id, value).toBeUndefined();
    const privateKey = jwks.replace('"e": "AQAB"', '"e": "AQAB", "d": "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN45JHzk2b1qf"');
    expect(detectSecret(privateKey)?.rule.id).toBe('high-entropy');
    expect(detectSecret('STRIPE_WEBHOOK=whsec_5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c')?.rule.id).toBe('service-token');
    expect(detectSecret(`--discovery-token-ca-cert-hash ${pin.slice(7)}x1`)?.rule.id).toBe('flag-argument');
  });

  it('take an AWS access key id as AWS issues it, in upper case; a lower-case akia... is no credential, and the secret key beside it is found by its own rule', () => {
    // AWS issues key ids in upper case (AKIA long-term, ASIA temporary) and matches them exactly: `akia...` signs no request
    for (const id of ['AKIAIOSFODNN7EXAMPLE', 'ASIAY34FZKBOKMUTVV7A']) expect(detectSecret(`aws_access_key_id = ${id}`)?.secret).toBe(id);
    for (const text of ['akiaiosfodnn7example', 'host: akiaiosfodnn7example.internal', 'Akiaiosfodnn7example'])
      expect(detectSecret(text)).toBeUndefined();
    // the secret access key is mixed case: found whatever case the id beside it is written in
    expect(detectSecret('akiaiosfodnn7example:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')?.rule.id).toBe('aws-secret-access-key');
  });

  it('find a secret inside a longer value', () => {
    expect(detectSecret('--db=postgres://app:s3cretpass@pg/app --verbose')?.rule.id).toBe('url-credentials');
    // a password without a user, as Redis URLs carry one
    expect(detectSecret('redis://:s3cretpx@redis:6379')?.secret).toBe('redis://:s3cretpx@redis:6379');
    expect(detectSecret('--url=mongodb://:hunter1y@mongo/db')?.rule.id).toBe('url-credentials');
    expect(detectSecret('Authorization: Bearer 8f3kQz71LmA0pX9wQv2b')?.secret).toBe('Bearer 8f3kQz71LmA0pX9wQv2b');
    expect(detectSecret('key id AKIAIOSFODNN7EXAMPLE in a sentence')?.secret).toBe('AKIAIOSFODNN7EXAMPLE');
    expect(detectSecret('a hex key 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08ffaa33')?.rule.id).toBe('high-entropy');
    // random base64 that holds a `/` is no path of words
    expect(detectSecret('key: kR3x9vLm2pQ7/wZ8rTb4Nq6Yc1Hs5Ud0Jf')?.rule.id).toBe('high-entropy');
    expect(detectSecret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY')?.rule.id).toBe('high-entropy');
  });

  it.each([
    ['an image digest', 'registry.example.com/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ['a bare sha256 digest', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ['a digest after sha512:', 'sha512:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a089f86d081884c7d659a2feaa0c55ad015'],
    ['a ConfigMap name with its content hash', 'demoapp-config-2b243d54d3'],
    ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
    ['a git commit in a label', '7f69361c2d4b8e0a1f3e5d6c7b8a9f0e1d2c3b4a'],
    ['a public certificate', PUBLIC_CERTIFICATE],
    [
      'a public key',
      '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA3xZ34NLK/FpjUsHbLzZ3V7zcWB0BXzlM9suRojRvptI=\n-----END PUBLIC KEY-----\n',
    ],
    ['an OpenSSH public key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN3xZ34NLK/FpjUsHbLzZ3V7zcWB0BXzlM9suRojRvptI ops@example.com'],
    ['a URL without a password', 'https://user@example.com/path?q=1'],
    ['a URL whose password is an env reference', 'mysql://app:$(DB_PASSWORD)@mysql:3306/app'],
    ['a long path', '/var/lib/kubelet/pods/volumes/kubernetes.io~configmap/config'],
    ['an image', 'gcr.io/google_containers/kube-registry-proxy:0.4'],
    ['a flag with a file', '--service-account-key-file=/etc/kubernetes/pki/sa.pub'],
    ['the word Basic in prose', 'Basic authentication is off'],
    ['the word Bearer in prose', 'Bearer tokens are checked upstream'],
    ['a DNS name', 'kube-registry.kube-system.svc.cluster.local'],
    ['a long word', 'ThisIsAVeryLongCamelCaseIdentifierName'],
    // runs of one character are hex digits, but not random: names and tags of the longest lengths allowed
    ['an app name of one repeated letter', 'b'.repeat(57)],
    ['a service account name of one repeated letter', 'a'.repeat(63)],
    ['an image tag of one repeated letter', `team/web:${'a'.repeat(200)}`],
    ['a CronJob name of one repeated letter', 'c'.repeat(53)],
    ['a long run of two hex digits in turn', `${'ab'.repeat(30)}1`],
    ['a setting naming a Secret', 'existingSecret: db-creds\ntlsSecret: demoapp-tls'],
    ['the Secrets and keys a stage needs', 'demoapp-tls=tls.crt,tls.key; mysqlsecret=database,password,username'],
    ['settings of a password policy', 'password_max_age=90\npassword_min_length: 8\nrequire_password: true'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: references as config files write them
    ['settings that refer to a secret', 'password=${DB_PASSWORD}\ntoken: "{{ .Values.token }}"\npassword: $(DB_PASSWORD)\npassword: ""'],
    [
      'XML elements that refer to a secret, name a Secret, are empty, or are no secret',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as an XML file writes it
      '<password>${DB_PASSWORD}</password><password></password><existingSecret>db-creds</existingSecret><passwordMinLength>8</passwordMinLength><token>true</token><title>Password reset</title>',
    ],
    ['the names of Secrets', 'secrets: db-creds\ntlsSecret: demoapp-tls'],
    [
      'XML settings named by an attribute that refer to a secret, are empty, or are no secret',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as an XML file writes it
      '<entry key="password"></entry><entry key="password">${DB_PASSWORD}</entry><add key="PasswordMinLength" value="8"/><property name="username" value="app"/><entry key="title">Password reset</entry><property name="existingSecret" value="db-creds"/>',
    ],
    ['nginx passing a request on', 'location / { proxy_pass http://backend:8080; }'],
    [
      'prose within a quoted value, a word and a colon and a blank before more words',
      'summary: "Vault token: expires within the hour"\nERROR_TEXT="Invalid token: please log in again"\n' +
        'description: "Enter the password: minimum twelve characters"\nALERT_TEXT="secret: rotated on schedule"',
    ],
    [
      "Playwright's settings, where pw is no name's last word",
      'PW_TEST_REPORTER=html\nPW_TEST_HTML_REPORT_OPEN=never\nPW_CHROMIUM_ATTACH_TO_OTHER=1',
    ],
    ["an nginx reverse proxy's configuration", NGINX_CONF],
    ['a MySQL client that prompts for its password', 'mysql -uroot -p shop && mysqldump -p -h db shop'],
    ['a MySQL password the shell expands', 'mysql -uroot -p"$MYSQL_PWD" shop; mysqladmin -p$(cat /run/pw) ping'],
    ['a port flag of other tools, or of a client of a host named mysql', 'iperf3 -p 5201; redis-cli -p6379; psql -h mysql -p5432'],
    [
      'a container or pod named like a client, where no command stands',
      'docker run -d --name mongo -p 27017:27017 mongo:7 && npm test; podman run --name sshpass -p 2222:22 img; kubectl logs mongo -p mongod',
    ],
    ['curl given a user alone, or a password the shell expands', 'curl -u admin http://x; curl -u "admin:$PASS" http://x'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: references as credential files write them
    ['a .netrc or .pgpass that refers to its password', 'machine h login u password $(GIT_PASSWORD)\n*:*:*:app:${PGPASSWORD}'],
    ['a .netrc entry with no password', 'machine g login u'],
    ['prose about passwords and machines', 'Enter your password below; the machine learning team keeps the password policy.'],
    [
      'times, addresses and other lines of colons',
      '12:30:45\n[fe80::1]:8080\n00:11:22:33:44:55\nroot:x:0:0:root:/root:/bin/bash\na:5432:b:c:d:e',
    ],
    ['a password file and an empty password', 'password_file = /run/secrets/db\npassword =\n'],
    ["the keys a Secret declares, in kubectl's copy", '{"metadata":{"annotations":{"stagecraft.dev/secret-keys":"token"}}}'],
    [
      "a GCP workload identity federation's credential configuration, whose audience is a path of words",
      '{"type": "external_account", "audience": "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/providers/actions", ' +
        '"service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/ci@proj.iam.gserviceaccount.com:generateAccessToken"}',
    ],
    ['a path of words of 40 characters', 'locations/global/workloadIdentityPools42'],
    // two quoted words on a line, as a PgBouncer userlist writes a user and its password, in what is no userlist
    ["a bash array's options", 'curl_opts=(\n  "--retry" "5"\n  "--user-agent" "ci-bot/1.0 (+https://example.com)"\n)'],
    ["a bash array's option and its value alone", '"--user-agent" "ci-bot/1.0 (+https://example.com)"'],
    ['JVM options', '"-Xmx512m" "-Dspring.profiles.active=prod"'],
    ["a translation's line", '"en" "Hello, world!"'],
    ["an HTTP header's name and value", '"Content-Type" "application/json; charset=utf-8"'],
    ["a shell's arguments and one more", '"$@" "--extra-vars=@vars.yml"'],
  ])('do not take %s for a secret', (_what, value) => {
    expect(detectSecret(value)).toBeUndefined();
  });

  it('find nothing in any string of the committed stage files and dist/', () => {
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    const env = join(REPO, 'environments');
    for (const f of readdirSync(env).filter((n) => n.endsWith('.yaml'))) strings.push(readFileSync(join(env, f), 'utf8'));
    const dist = join(REPO, 'dist');
    const files = listFiles(dist).filter((f) => f.endsWith('.yaml'));
    walk(parseManifests(files.map((f) => ({ file: f, text: readFileSync(join(dist, f), 'utf8') }))).objects);
    expect(strings.length).toBeGreaterThan(0);
    expect(strings.filter((s) => detectSecret(s))).toEqual([]);
  });
});

describe("a path's value masked", () => {
  it('isSecretKey judges the last key of a path, or the value when given', () => {
    expect(isSecretKey(['apps', 'demoapp', 'config', 'DB_PASSWORD'])).toBe(true);
    expect(isSecretKey(['apps', 'demoapp', 'probes', 'liveness', 'command', 0])).toBe(false);
    expect(isSecretKey(['apps', 'nginx', 'image'], 'mysql://a:hunter2pw@b')).toBe(true);
    expect(isSecretKey(['apps', 'nginx', 'image'], 'nginx:1.25')).toBe(false);
  });

  it('isSecretKey masks a value under a name with a bound that is no count, and shows a count', () => {
    for (const name of ['MAX_AUTH_TOKEN', 'RATE_LIMIT_TOKEN', 'COUNT_API_TOKEN'])
      expect(isSecretKey(['apps', 'api', 'config', name], 'a8Fk2LqP9xZ3W'), name).toBe(true);
    expect(isSecretKey(['apps', 'api', 'config', 'MAX_AUTH_TOKEN'], '4096')).toBe(false);
  });

  it("isSecretKey shows a Secret's name under a name that names one (ingress.tlsSecret) and true or false under a secret's name, and hides a number or a secret there", () => {
    const at = (key: string, value: unknown) => isSecretKey(['apps', 'demoapp', 'x', key], value);
    expect([at('tlsSecret', 'Web_TLS'), at('existingSecret', 'DB Creds'), at('DB_PASSWORD', true), at('SMTP_AUTH', false)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect([
      at('tlsSecret', SECRET_SAMPLES['github-token']),
      at('DB_PASSWORD', 31337),
      at('DB_PASSWORD', 'Hunter2pw'),
      at('DB_PASSWORD', null),
    ]).toEqual([true, true, true, true]);
    // under a name that names a Secret, what is no name as written is a password put in the wrong place, and a number is
    // hidden too (the schema's hint to quote it would put it in dist/)
    expect(
      [
        at('tlsSecret', 'S3cr3t!Passw0rd'),
        at('existingSecret', 'hunter2!x'),
        at('imagePullSecrets', 'Qz7pass9x#'),
        at('REGISTRY_SECRETS', 31337),
        at('sshKeys', 'S3cr3t!Passw0rd'),
      ],
      'hidden',
    ).toEqual([true, true, true, true, true]);
  });

  it('isSecretKey judges an entry of a command or args list by the flag before it, given the list', () => {
    const args = ['--port', 8080, '--password', 31337, '--password-file', '/run/pw', '--token', '--verbose'];
    const at = (i: number) => isSecretKey(['apps', 'api', 'args', i], args[i], args);
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter(at)).toEqual([3]);
    expect(isSecretKey(['apps', 'api', 'ports', 1], 31337, ['--password', 31337])).toBe(false);
    expect(isSecretKey(['apps', 'api', 'args', 1], 31337)).toBe(false);
  });
});

describe('maskValue', () => {
  it('says how long the value is, never what it is', () => {
    expect(maskValue('hunter2pw')).toBe('(a 9-character value, hidden)');
    expect(maskValue(98765432101)).toBe('(a 11-character value, hidden)');
  });
});

describe("what the screen still finds beside the forms it lets pass (review of the false alarms' fixes)", () => {
  const hex = 'a3f9c1d2e4b5a6978c0d1e2f3a4b5c6d7e8f9a0b';
  it.each([
    ['a password before a Service of one label', 'app:Xk3q9vLm2pQ7wZ8r@mysql', 'host-credentials'],
    ['the same in an AMQP line', 'amqp app:Xk3q9vLm2pQ7wZ8r@rabbitmq', 'host-credentials'],
    ['a password named db_pass, with a blank', 'db_pass Xk3q9vLm2pQ7wZ8r', 'spaced-setting'],
    ['a password named smtp_pass, with a blank', 'smtp_pass Xk3q9vLm2pQ7wZ8r', 'spaced-setting'],
    ['a capitalized name and a random value', 'Password Xk3q9vLm2pQ7wZ8r', 'spaced-setting'],
    ['a password ended by a semicolon', 'password correcthorsebatterystaple;', 'spaced-setting'],
  ])('finds %s', (_, text, rule) => {
    expect(detectSecret(text)?.rule.id).toBe(rule);
  });

  it.each([
    ['nginx passing to an upstream', 'scgi_pass backend;'],
    ['a sentence', 'Password required'],
    ["a Gradle artifact's type", "implementation 'com.android.support:appcompat@aar'"],
  ])('lets %s pass', (_, text) => {
    expect(detectSecret(text)).toBeUndefined();
  });

  it("finds a client secret of hex or random letters under a parameter named …secret, and a flag's --secret value, but not a Secret's name", () => {
    expect(isSecretParameter('dex.clientSecret', hex)).toBe(true);
    expect(isSecretParameter('client-secret', 'k8fj2mqp9xlz4vrtw7ybq3')).toBe(true);
    expect(isSecretParameter('docker-password-secret', 'regcred')).toBe(false);
    expect(isSecretFlag('secret', `${hex}${hex.slice(0, 24)}`)).toBe(true);
    expect(isSecretFlag('secret', 'k8fj2mqp9xlz4vrtw7yb')).toBe(true);
    expect(isSecretFlag('secret', 'my-secret')).toBe(false);
  });
});
