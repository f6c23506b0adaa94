import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SECRET_RULES,
  countSecrets,
  detectSecret,
  isSecretAnnotation,
  isSecretKey,
  isSecretName,
  isSecretSetting,
  maskValue,
} from '../../lib/model/secret-rules.js';
import { parseManifests } from '../../lib/checks/manifests.js';
import { secretStrings } from '../../lib/checks/secret-strings.js';
import { clientPassword } from '../../lib/model/command-line-secrets.js';
import { isSecretFlag } from '../../lib/model/secret-flags.js';
import { isSecretParameter } from '../../lib/model/secret-field-names.js';
import { listFiles } from '../helpers/cli.js';
import { REPO } from '../helpers/cli.js';
import { NGINX_CONF, PUBLIC_CERTIFICATE, SECRET_SAMPLES } from '../helpers/secret-samples.js';

/** Each text of `found` is found by the rule `id` (the first to match), and no text of `passed` by any rule. */
function expectRule(id: string, found: readonly string[], passed: readonly string[] = []): void {
  for (const text of found) expect(detectSecret(text)?.rule.id, text).toBe(id);
  for (const text of passed) expect(detectSecret(text), text).toBeUndefined();
}

/** Parameters whose value is no secret: a Secret's name or key under a name that says so (Tekton's), a template Helm fills in. */
const PARAMETERS_NOT_SECRET: readonly (readonly [string, string])[] = [
  ['docker-password-secret', 'regcred'],
  ['git-token-secret', 'github-token'],
  ['GITHUB_TOKEN_SECRET_KEY', 'token'],
  ['tokenSecretName', 'my-token'],
  // a Helm template, as a values file writes it
  ['API_TOKEN', 'Bearer {{ .Values.token }}'],
];

/** A unit to repeat, or a head and the unit repeated after it (`['- name: a\n  value: x', ' ']`: a run of blanks after a value). */
type Unit = string | readonly [head: string, unit: string];

/** The rule that finds a secret in each unit repeated to 8 MiB, or `none`: screened in a process of its own, which is stopped after 60 s. */
function screenedAlone(units: readonly Unit[]): string[] {
  return runAlone(`import { detectSecret } from ${JSON.stringify(join(REPO, 'lib/model/secret-rules.ts'))};
    for (const u of ${JSON.stringify(units)}) {
      const [head, unit] = typeof u === 'string' ? ['', u] : u;
      console.log(detectSecret(head + unit.repeat(Math.ceil(2 ** 23 / unit.length)) + 'x')?.rule.id ?? 'none');
    }`);
}

/** The lines a module's `script` prints, run in a process of its own, which is stopped after 60 s. */
function runAlone(script: string): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.signal, 'still running after 60 s').toBeNull();
  return r.stdout.trim().split('\n');
}

describe('the secret rules', () => {
  it('have a sample each, and each sample is found by its own rule', () => {
    expect(Object.keys(SECRET_SAMPLES).sort()).toEqual(SECRET_RULES.map((r) => r.id).sort());
    for (const [id, sample] of Object.entries(SECRET_SAMPLES)) expect(detectSecret(sample)?.rule.id, id).toBe(id);
  });

  it("find a password given to mysql's or curl's flags in a command line", () => {
    for (const line of [
      'sh -c "mysql -uroot -phunter2k db"',
      "mysql -uroot -p'hunter2k' db",
      '/usr/bin/mariadb-dump --password=hunter2k db > /backup/db.sql',
      'curl -u admin:hunter1w http://x',
      'curl -sS --user=admin:hunter1w http://x',
      'ok=$(curl -U proxy:hunter1w http://x)',
    ])
      expect(detectSecret(line)?.rule.id, line).toBe('command-password');
  });

  it("find a password given to redis-cli's -a, sshpass's and MongoDB tools' -p and a registry login's -p in a shell command", () => {
    expectRule(
      'command-password',
      [
        'sh -c "redis-cli -h redis -a hunter2k ping"',
        "sshpass -p 'hunter2k' ssh backup@host",
        'sshpass -phunter2k rsync -a /data backup@host:/data',
        'mongodump -u admin -p hunter2k --host db --out /backup',
        'echo ok && docker login -u admin -p hunter2k registry.example.com',
        'podman login -phunter2k registry.example.com',
        'helm registry login -u admin -p hunter2k registry.example.com',
      ],
      [
        'redis-cli -h redis -p 6379 -a "$REDIS_PASSWORD" ping',
        'docker run -p 8080:80 nginx',
        'docker login -u admin --password-stdin registry.example.com',
        'mongosh -u admin -p --authenticationDatabase admin',
        'sshpass -f /run/secrets/ssh-password ssh backup@host; sshpass -e ssh backup@host',
        'login -p 8080',
      ],
    );
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

  it("find a password given to SQL Server's sqlcmd, OpenLDAP's clients, ipmitool, rabbitmqctl, mosquitto_passwd and the oc, cf and az logins; not a prompt, a reference or a file", () => {
    expectRule(
      'command-password',
      [
        'sqlcmd -S db -U sa -P Hunter2pw -i /scripts/init.sql',
        'bcp shop.dbo.orders out /tmp/o.dat -S db -U sa -PHunter2pw -c',
        'ldapadd -x -D cn=admin,dc=example,dc=org -w Hunter2pw -f /init.ldif',
        'ldapsearch -x -wHunter2pw -b dc=example,dc=org',
        'ipmitool -I lanplus -H 10.0.0.5 -U admin -P Hunter2pw power status',
        'rabbitmqctl add_user admin Hunter2pw && rabbitmqctl set_user_tags admin administrator',
        'rabbitmqctl -n rabbit@rabbitmq-0 change_password admin Hunter2pw',
        'mosquitto_passwd -b /mosquitto/config/passwd admin Hunter2pw',
        'oc login -u admin -p Hunter2pw https://api.example.com:6443',
        'cf login -a https://api.cf.example.com -u admin -p Hunter2pw',
        'az login --service-principal -u 3f9a1c2b-4d5e-6f70-8192-a3b4c5d6e7f8 -p Hunter2pw~xyz --tenant example.onmicrosoft.com',
      ],
      [
        'sqlcmd -S db -U sa -P "$SA_PASSWORD" -Q "SELECT 1"; sqlcmd -S db -E -Q "SELECT 1"',
        'bcp shop.dbo.orders out /tmp/o.dat -S db -T -c',
        'ldapsearch -x -H ldap://ldap -b dc=example,dc=org -W; ldapadd -x -D cn=admin -w "$LDAP_ADMIN_PASSWORD" -f /init.ldif',
        'ipmitool -I lanplus -H 10.0.0.5 -U admin -E power status',
        'rabbitmqctl add_user admin "$RABBITMQ_PASSWORD"; rabbitmqctl list_users; rabbitmqctl -p shop list_queues',
        'mosquitto_passwd -U /mosquitto/config/passwd; mosquitto_passwd -c /m/passwd admin',
        'oc login --token=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token) https://api:6443; oc login -u admin https://api:6443',
        // a service principal's certificate, as older az takes it
        'az login --service-principal -u app -p /certs/sp.pem --tenant t; cf login --sso; oc get pods -p 8080',
      ],
    );
  });

  it("find a registry login's password after the program's options (docker --config <dir> login -p), and one piped to --password-stdin", () => {
    expectRule(
      'command-password',
      [
        'docker --config /tmp/ci login -u ci -p hunter2k registry.example.com',
        'docker --config=/tmp/ci --debug login -phunter2k registry.example.com',
        'podman --log-level debug login -u ci -p hunter2k quay.io',
        'helm --debug registry login -u ci -p hunter2k registry.example.com',
        'helm --kube-context prod registry login -p hunter2k registry.example.com',
      ],
      ['docker --config /tmp/ci login -u ci --password-stdin registry.example.com', 'docker --context prod run -p 8080:80 login'],
    );
    expectRule(
      'piped-password',
      [
        'echo hunter2k | docker login -u ci --password-stdin registry.example.com',
        "set -e; echo 'hunter2k' | podman login --username ci --password-stdin quay.io",
        "printf '%s' hunter2k | helm registry login -u ci --password-stdin registry.example.com",
        'docker login -u ci --password-stdin <<< "hunter2k" registry.example.com',
      ],
      [
        'docker login -u ci --password-stdin <<< "$CI_REGISTRY_PASSWORD"',
        'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"',
        'cat /run/secrets/registry | docker login -u ci --password-stdin registry.example.com',
        'echo $(cat /run/pw) | docker login --password-stdin; echo done | tee /tmp/log',
      ],
    );
  });

  it("find the password of an Oracle tool's logon with no address after it (sqlplus user/password), and leave the system's own logon alone", () => {
    expectRule(
      'command-password',
      [
        'sqlplus scott/Tiger123',
        'sqlplus -s scott/Tiger123 @report.sql',
        'rman target sys/Tiger123 nocatalog',
        'expdp userid=app/Tiger123 schemas=app',
        // a userid= after other parameters, rman's catalog after target /, a flag's quoted value before the logon
        'expdp directory=DP dumpfile=x.dmp userid=system/Manager1',
        'sqlldr control=load.ctl userid=scott/tiger',
        'rman target / catalog rcat/Rc4tPass@catdb',
        'sqlplus -s -M "HTML ON" scott/tiger@db',
      ],
      [
        'sqlplus / as sysdba',
        'rman target / catalog /@catdb',
        'sqlplus -s -M "HTML ON" /nolog @report.sql',
        'sqlplus -s /nolog @report.sql',
        'sqlplus -s "app/$APP_PASSWORD" @report.sql',
        'rman target / cmdfile=/opt/backup/full.rman',
        'sqlldr control=loads/orders.ctl log=logs/orders.log',
      ],
    );
  });

  it("find a password given by its position to htpasswd and mc, or to keytool's and jarsigner's -storepass and -keypass; not the JDK truststore's changeit", () => {
    expectRule(
      'command-password',
      [
        'htpasswd -b /etc/nginx/.htpasswd admin hunter2k',
        'htpasswd -bc /etc/nginx/.htpasswd admin hunter2k',
        'sh -c "htpasswd -nbB -C 10 admin hunter2k > /auth/htpasswd"',
        'mc alias set minio http://minio:9000 minioadmin minio-Secret123',
        'mc config host add s3 https://s3.example.com AKIAXX hunter2k --api S3v4',
        'keytool -importcert -keystore /tmp/ts.jks -storepass hunter2k -noprompt -file ca.crt',
        'keytool -genkeypair -keystore ks.p12 -keypass hunter2k -storepass:env KS_PASSWORD',
        // the default of every other keystore is a password all the same (KC_HTTPS_KEY_STORE_PASSWORD: changeit is refused)
        'keytool -genkeypair -keystore ks.p12 -storepass changeit',
        'jarsigner -keystore ks.jks -storepass hunter2k app.jar signer',
      ],
      [
        'keytool -import -cacerts -storepass changeit -noprompt -file /certs/ca.crt',
        'keytool -import -keystore $JAVA_HOME/lib/security/cacerts -storepass changeit -noprompt -file ca.crt',
        'keytool -importcert -keystore /tmp/ts.jks -storepass:env STOREPASS -noprompt -file ca.crt',
        'keytool -importcert -keystore /tmp/ts.jks -storepass "$STOREPASS" -noprompt -file ca.crt',
        'htpasswd -c /etc/nginx/.htpasswd admin; htpasswd -nB admin; htpasswd -D /etc/nginx/.htpasswd admin',
        'htpasswd -ib /etc/nginx/.htpasswd admin < /run/pw',
        'htpasswd -nb admin "$ADMIN_PASSWORD"',
        'htpasswd -Bbn admin "$(cat /run/secrets/pw)" > /auth/htpasswd',
        'mc alias set minio http://minio:9000',
        'mc alias set minio http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"',
        'mc alias list; mc cp file.txt minio/bucket/file with many more words',
      ],
    );
  });

  it("say how a command line gives its client the password, with the client's name and flag and placeholders, never a word it was given", () => {
    // a shell command's text, the form the finding says
    const text: readonly (readonly [string, string])[] = [
      ['mysql -uroot -pQz7pass9 shop', 'mysql -p<password>'],
      ['/usr/bin/mysqldump --password=Qz7pass9 shop', 'mysqldump --password=<password>'],
      ['curl -sS -u ciuser:Qz7pass9 https://x', 'curl -u <user>:<password>'],
      ['curl --proxy-user=ciuser:Qz7pass9 https://x', 'curl --proxy-user=<user>:<password>'],
      ['until redis-cli -h redis -a "Qz7pass9" ping; do sleep 1; done', 'redis-cli -a <password>'],
      ["sshpass -p 'Qz7pass9' ssh ciuser@host", 'sshpass -p <password>'],
      ['docker --config /tmp/ci login -u ciuser -p Qz7pass9 registry.example.com', 'docker login -p <password>'],
      ['helm --debug registry login -u ciuser -p Qz7pass9 registry.example.com', 'helm registry login -p <password>'],
      ['keytool -importcert -keystore ts.p12 -storepass Qz7pass9', 'keytool -storepass <password>'],
      ['htpasswd -Bbn ciuser Qz7pass9', 'htpasswd -nb <user> <password>'],
      ['htpasswd -b /etc/nginx/.htpasswd ciuser Qz7pass9', 'htpasswd -b <file> <user> <password>'],
      ['mc alias set s3 https://s3.example.com ciuser Qz7pass9', 'mc alias set <alias> <url> <access key> <secret key>'],
      ['sqlplus -s ciuser/Qz7pass9@ORCL @report.sql', 'sqlplus <user>/<password>@<database>'],
      ['rman target / catalog ciuser/Qz7pass9@catdb', 'rman catalog <user>/<password>@<database>'],
      ['expdp directory=DP userid=ciuser/Qz7pass9 schemas=app', 'expdp userid=<user>/<password>'],
      ['/opt/mssql-tools18/bin/sqlcmd -C -S localhost -U sa -P Qz7pass9 -Q "SELECT 1"', 'sqlcmd -P <password>'],
      ['ldapsearch -x -D cn=admin,dc=example,dc=org -w Qz7pass9 -b dc=example,dc=org', 'ldapsearch -w <password>'],
      ['rabbitmqctl -p shop add_user ciuser Qz7pass9', 'rabbitmqctl add_user <user> <password>'],
      ['mosquitto_passwd -b /mosquitto/config/passwd ciuser Qz7pass9', 'mosquitto_passwd -b <file> <user> <password>'],
      ['oc login -u ciuser -p Qz7pass9 https://api.example.com:6443', 'oc login -p <password>'],
    ];
    for (const [line, form] of text) {
      const found = detectSecret(`set -e\n${line}`);
      expect([found?.rule.id, found?.given], line).toEqual(['command-password', form]);
    }
    // the entries of a command or args list (an args list's client in its command)
    const lists: readonly (readonly [readonly string[], readonly string[] | undefined, string])[] = [
      [['mysql', '-uroot', '-pQz7pass9'], undefined, 'mysql -p<password>'],
      [['-a', 'Qz7pass9', 'ping'], ['redis-cli'], 'redis-cli -a <password>'],
      [['login', '-u', 'ciuser', '-p', 'Qz7pass9', 'quay.io'], ['podman'], 'podman login -p <password>'],
      [['curl', '-u', 'ciuser:Qz7pass9', 'https://x'], undefined, 'curl -u <user>:<password>'],
      [['-Bbn', 'ciuser', 'Qz7pass9'], ['htpasswd'], 'htpasswd -nb <user> <password>'],
      [['ciuser/Qz7pass9@ORCL'], ['sqlplus', '-s'], 'sqlplus <user>/<password>@<database>'],
      [['-S', 'localhost', '-U', 'sa', '-P', 'Qz7pass9', '-Q', 'SELECT 1'], ['/opt/mssql-tools/bin/sqlcmd'], 'sqlcmd -P <password>'],
      [['change_password', 'ciuser', 'Qz7pass9'], ['rabbitmqctl'], 'rabbitmqctl change_password <user> <password>'],
    ];
    for (const [argv, command, form] of lists) {
      const given = argv.flatMap((_, i) => clientPassword(argv, i, () => command) ?? []);
      expect(given, argv.join(' ')).toEqual([{ password: 'Qz7pass9', form }]);
    }
    // a password piped to a login: the login by its client's name
    const piped: readonly (readonly [string, string])[] = [
      ['echo Qz7pass9 | docker login -u ciuser --password-stdin registry.example.com', 'echo <password> | docker login --password-stdin'],
      [
        "printf '%s' Qz7pass9 | helm registry login -u ciuser --password-stdin registry.example.com",
        'echo <password> | helm registry login --password-stdin',
      ],
      ['set -e; podman login -u ciuser --password-stdin <<< "Qz7pass9" quay.io', 'podman login --password-stdin <<< <password>'],
      ['echo Qz7pass9 | ciuser-login --password-stdin', 'echo <password> | <command> --password-stdin'],
    ];
    for (const [line, form] of piped) {
      const found = detectSecret(`set -e\n${line}`);
      expect([found?.rule.id, found?.given], line).toEqual(['piped-password', form]);
    }
    const forms = [...text, ...lists, ...piped].map((t) => t[t.length - 1]).join('\n');
    expect(forms).not.toMatch(
      /Qz7pass9|ciuser|report|catdb|ORCL|nginx|registry\.example|s3\.example|quay|localhost|mosquitto\/|shop|example\.org/,
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

  it("find an Oracle user's password in a JDBC URL or before an Easy Connect address, and leave digests, packages and paths alone", () => {
    expectRule(
      'oracle-credentials',
      [
        'jdbc:oracle:thin:scott/tiger@db.example.com:1521:ORCL',
        'spring.datasource.url=jdbc:oracle:thin:scott/Tiger123@//db:1521/ORCL',
        'jdbc:oracle:thin:app/S3cret@(DESCRIPTION=(ADDRESS=(HOST=db)(PORT=1521)))',
        'sqlplus -s scott/tiger@//db:1521/ORCL @report.sql',
        'conn = cx_Oracle.connect("scott/tiger@db:1521/orclpdb1")',
        'sqlplus -s scott/tiger@db.example.com:1600/ORCL',
        // a password that is no plain word, at any listener's port; TCPS' port
        'DB_CONNECT: app/Pa55w0rd@db.internal:2484/ORCLPDB1',
        'exec myreport --db app_ro/Pa55w0rd@orcl-db:1600/SALES',
        'app/tiger@db.internal:2484/ORCLPDB1',
      ],
      [
        'image: library/nginx@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        'npm i @scope/pkg@1.2.3; git log origin/main@{1}',
        'https://example.com/team/app@host:8080/x',
        'jdbc:oracle:thin:scott/$(DB_PASSWORD)@db:1521:ORCL',
        'jdbc:oracle:thin:@//db:1521/ORCL',
        'sqlplus / as sysdba; sqlplus scott@//db:1521/ORCL',
        // a user and a path before a host and port, where no Oracle tool is named: a web path, a registry, rsync
        'groups/admin@example.com:8080/x',
        'ocid/repo@registry.local:5000/team',
        'backup/nightly@nas01:22/volume1',
      ],
    );
  });

  it('find a secret setting in an XML, INI or properties file: an element, an attribute, pass, pwd, secret', () => {
    for (const file of [
      '<config><db><password>hunter2b</password></db></config>',
      '<secret>hunter2b</secret>',
      '<auth>\n  <token>\n    hunter2b\n  </token>\n</auth>',
      '<db:password type="plain">hunter2b</db:password>',
      '<datasource user="app" password="hunter2b"/>',
      "<user password = 'hunter2b'/>",
      '[db]\nuser = app\npass = hunter2e\n',
      'db.passwd=hunter2e',
      '[client]\npwd = hunter2e',
      'secret: hunter2e',
    ])
      expect(detectSecret(file)?.rule.id, file).toBe('secret-setting');
  });

  it('find the password of a .netrc entry or a .pgpass line, and the credentials of the files that name them', () => {
    for (const file of [
      'machine git.example.com login deploy password Sup3rS3cret',
      'machine git.example.com\n  login deploy\n  account ops\n  password Sup3rS3cret\n',
      'default login deploy password Sup3rS3cret',
    ])
      expect(detectSecret(file)?.rule.id, file).toBe('netrc-password');
    for (const file of ['db.example.com:5432:shop:app:Sup3rS3cret', '# ours\n*:*:*:postgres:Sup3rS3cret\r\n', 'h:5432:d:u:p\\:w0rd2x'])
      expect(detectSecret(file)?.rule.id, file).toBe('pgpass-password');
    // the other files that carry credentials name them as settings
    for (const file of [
      '//registry.npmjs.org/:_authToken=Sup3rS3cretTok3n',
      '_auth=ZGVwbG95OlN1cDNyUzNjcmV0',
      '[pypi]\nusername = __token__\npassword = Sup3rS3cret\n',
      'export DB_PASSWORD="Sup3rS3cret"',
      'db:\n  password: Sup3rS3cret\n',
      '{"db": {"password": "Sup3rS3cret"}}',
      '{"auths":{"registry.example.com":{"auth":"ZGVwbG95OlN1cDNyUzNjcmV0"}}}',
      '[default]\naws_secret_access_key = Sup3rS3cretAccessKey\n',
      'users:\n- name: u\n  user:\n    token: Sup3rS3cretTok3n\n',
      'users:\n- name: u\n  user:\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=\n',
    ])
      expect(detectSecret(file)?.rule.id, file).toBe('secret-setting');
  });

  it('find an annotation named like a secret only when its value looks like one', () => {
    for (const [name, value] of [
      ['vault.example.com/token', 's.Sup3rS3cretTok3n'],
      ['example.com/password', 'hunter2pw'],
      ['example.com/api-key', 'Sup3rS3cretK3y'],
      ['auth-token', 'x9!x9!x9!'],
    ])
      expect(isSecretAnnotation(name, value), `${name}: ${value}`).toBe(true);
    for (const [name, value] of [
      ['vault.hashicorp.com/agent-inject-token', 'true'],
      ['vault.hashicorp.com/agent-inject-secret-db', 'database/creds/db-app'],
      ['nginx.ingress.kubernetes.io/auth-secret', 'basic-auth'],
      ['example.com/credentials', 'Db-Creds-2024'],
      ['example.com/token-path', '/var/run/secrets/token'],
      ['example.com/token', '/var/run/secrets/token'],
      ['example.com/token', 'required'],
      ['example.com/token', 'https://auth.example.com/token'],
      ['example.com/token', '$(TOKEN)'],
      ['example.com/token', 'short1'],
      ['example.com/token', '12345678901'],
      ['example.com/token', 'a word or two'],
      ['password.example.com/enabled', 'Sup3rS3cret'],
    ])
      expect(isSecretAnnotation(name, value), `${name}: ${value}`).toBe(false);
  });

  it('find a secret in a CDATA section of an element named like a secret', () => {
    expect(detectSecret('<db><password><![CDATA[hunter2b]]></password></db>')?.rule.id).toBe('secret-setting');
  });

  it("find an XML setting whose key or name attribute is a secret's: Java properties, .NET appSettings, Spring beans", () => {
    for (const file of [
      '<properties><entry key="password">hunter2b</entry></properties>',
      '<appSettings><add key="DbPassword" value="hunter2b"/></appSettings>',
      "<add value='hunter2b' key='DbPassword' />",
      '<property name="password" value="hunter2b"/>',
      '<bean><property name="password">\n  <value>hunter2b</value>\n</property></bean>',
      '<entry key="api.token"><![CDATA[hunter2b]]></entry>',
    ])
      expect(detectSecret(file)?.rule.id, file).toBe('keyed-setting');
  });

  it("find a name and value pair's secret in text: a Keycloak realm's credential, an env list or Helm parameters in a values file; and leave references alone", () => {
    expectRule(
      'named-value',
      [
        '{"realm": "shop", "users": [{"username": "alice", "credentials": [{"type": "password", "value": "Alic3Pass!", "temporary": false}]}]}',
        'extraEnv: [{name: DB_PASSWORD, value: Hunter2xyz}]',
        'extraEnv:\n  - name: DB_PASSWORD\n    value: Hunter2xyz\n  - name: LOG_LEVEL\n    value: info\n',
        'parameters:\n- name: auth.rootPassword\n  value: "Hunter2xyz"\n',
        '{"parameters": [{"key": "api_token", "value": "Xk3q9vLm2pQ7wZ8r"}]}',
        // CloudFormation's Environment list; a GitLab pipeline variable, named by its key, not its type
        'Environment:\n  - Name: DB_PASSWORD\n    Value: Hunter2xyz\n',
        '{"type":"pipeline_variable","key":"DB_PASSWORD","value":"Hunter2xyz"}',
      ],
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: references as realm imports and values files write them
        '{"credentials": [{"type": "password", "value": "${ALICE_PASSWORD}", "temporary": true}]}',
        'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: { name: db, key: password }\n  - name: TOKEN\n    value: $(API_TOKEN)\n',
        '{"templating": {"list": [{"name": "datasource", "type": "datasource", "current": {"text": "Prometheus", "value": "prom"}}]}}',
        '{"options": [{"selected": true, "text": "prod", "value": "prod"}], "name": "env"}',
        // a value at another column belongs to another mapping (the line after the name's: the pattern matches, the column decides)
        'outer:\n  - name: DB_PASSWORD\nvalue: hunter-two\n',
        ...PARAMETERS_NOT_SECRET.map(([name, value]) => `params:\n  - name: ${name}\n    value: ${JSON.stringify(value)}\n`),
        '{name: docker-password-secret, value: regcred}',
        // Jenkins' JCasC env: a credential's id names it
        'env:\n  - key: "SONAR_TOKEN_CREDENTIALS_ID"\n    value: "sonar-token"\n',
      ],
    );
  });

  it("judge a name and value pair written as text as a custom resource's parameter is judged (a Secret's name, a template)", () => {
    for (const [name, value] of [...PARAMETERS_NOT_SECRET, ['DB_PASSWORD', 'Hunter2xyz'], ['git-token-secret', 'Xk3q9vLm2pQ7wZ8r']]) {
      const task = { apiVersion: 'tekton.dev/v1', kind: 'TaskRun', metadata: { name: 't' }, spec: { params: [{ name, value }] } };
      const text = `params:\n  - name: ${name}\n    value: ${JSON.stringify(value)}\n`;
      expect(detectSecret(text) !== undefined, text).toBe(secretStrings(task).length > 0);
    }
  });

  it('find Logstash\'s password => "...", and leave a JavaScript arrow function alone', () => {
    expectRule(
      'secret-setting',
      [
        'output {\n  elasticsearch {\n    hosts => ["http://es:9200"]\n    user => "elastic"\n    password => "Hunter2xyz"\n  }\n}\n',
        "{ :password => 'Hunter2xyz' }",
        // a bare word, as Logstash takes one: ending its line, before the block's end or the next setting
        'output {\n  elasticsearch {\n    user => elastic\n    password => Hunter2xyz\n  }\n}\n',
        'output { elasticsearch { hosts => ["es:9200"] password => Hunter2xyz } }',
        'output { elasticsearch { password => Hunter2xyz user => elastic } }',
      ],
      [
        'const check = (password) => password.length > 8;\nconst mask = token => token.slice(0, 4);',
        'users.filter(token => valid);\nconst same = password => password\nconst f = secret => secretOf;',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as Logstash writes one
        'output { elasticsearch { user => "elastic" password => "${ES_PASSWORD}" } }',
      ],
    );
  });

  it("find the password of a Redis Sentinel's master (sentinel auth-pass <master> <password>), and leave a reference alone", () => {
    expectRule(
      'sentinel-password',
      [
        'port 26379\nsentinel monitor mymaster redis-0 6379 2\nsentinel auth-pass mymaster Hunter2xyz\n',
        '  sentinel auth-pass mymaster "Hunter 2xyz" # set by hand',
      ],
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as an entrypoint fills it in
        'sentinel monitor mymaster redis-0 6379 2\nsentinel auth-pass mymaster ${REDIS_PASSWORD}\nsentinel down-after-milliseconds mymaster 5000',
      ],
    );
  });

  it("find a Consul agent's ACL tokens in its tokens block (HCL or JSON), and leave design tokens and references alone", () => {
    expectRule(
      'consul-token',
      [
        'acl {\n  enabled = true\n  default_policy = "deny"\n  tokens {\n    agent = "3f9a1c2b-4d5e-6f70-8192-a3b4c5d6e7f8"\n  }\n}\n',
        '{"acl": {"enabled": true, "tokens": {"initial_management": "3f9a1c2b-4d5e-6f70-8192-a3b4c5d6e7f8"}}}',
      ],
      [
        '{"tokens": {"default": "#0055ff", "agent": "spacing-8"}, "build": "123e4567-e89b-12d3-a456-426614174000"}',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as an entrypoint fills it in
        'acl {\n  tokens {\n    agent = "${CONSUL_AGENT_TOKEN}"\n  }\n}\nnode_id = "3f9a1c2b-4d5e-6f70-8192-a3b4c5d6e7f8"',
      ],
    );
  });

  it("find a value given to a tool's config set under a secret's name (aws configure set, npm config set, Redis's CONFIG SET), and leave references and other settings alone", () => {
    expectRule(
      'config-set',
      [
        'aws configure set aws_secret_access_key Hunter2pwSecret --profile ci',
        'redis-cli -h redis CONFIG SET requirepass Hunter2pw',
        'npm config set //registry.npmjs.org/:_authToken npm-Hunter2pw',
        "kubectl config set users.ci.token 'Hunter2pwToken'",
      ],
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as a CI script writes it
        'aws configure set aws_secret_access_key "${AWS_SECRET}"; aws configure set region eu-west-1',
        'gcloud config set auth/disable_credential_file_storage true; npm config set registry https://nexus.example.com/npm/',
        'kubectl config set-credentials ci --exec-command=aws; redis-cli CONFIG SET maxmemory 2gb',
      ],
    );
  });

  it("find a password or its verifier in a PgBouncer userlist, and PostgreSQL's verifiers anywhere; leave two quoted words of a table alone", () => {
    expectRule(
      'userlist-password',
      [
        '"app" "Hunter2xyz"\n"report" "R3port-pw"\n',
        '"app" "md5d2a6b2e1d5a03b38e5f0f39c3bcd4e2f"',
        '"app" "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5c3RvcmVrZXk=:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5c2VydmU="',
      ],
      ['"ru" "Russian"\n"en" "English"', '"app" ""', '"app" "secret"'],
    );
    expectRule('password-hash', [
      "CREATE ROLE app LOGIN PASSWORD 'md5d2a6b2e1d5a03b38e5f0f39c3bcd4e2f';",
      "ALTER ROLE app PASSWORD 'SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5c3RvcmVrZXk=:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5c2VydmU=';",
    ]);
  });

  it('find a setting written as its name, a blank and its value: a line of a Redis or keepalived file, a flag and its value in a shell command', () => {
    expectRule('spaced-setting', [
      'bind 0.0.0.0\nrequirepass hunter2kq\n',
      '  masterauth "hunter2 kq"  # the primary\'s',
      'vrrp_instance VI_1 {\n  authentication {\n    auth_type PASS\n    auth_pass hunter2kq\n  }\n}',
    ]);
    expectRule(
      'flag-argument',
      [
        'redis-server --requirepass hunter2kq --appendonly yes',
        "sh -c './app --db-password 'hunter2kq' --verbose'",
        'exec app -api-key hunter2kq',
        'sh -c "docker login -u ci --password Hunter2kq9 ghcr.io"',
        'gcloud secrets create db --secret Hunter2kq9!',
      ],
      [
        'PasswordAuthentication no\nPermitEmptyPasswords no',
        'auth_type md5',
        // nginx passing a request on, prose, and settings of how a password is stored or checked
        'proxy_pass http://api:8080;\nproxy_pass http://api:8081;',
        'fastcgi_pass unix:/run/php/php-fpm.sock;\nuwsgi_pass 127.0.0.1:3031;\ngrpc_pass grpc://backend:50051;',
        'scgi_pass backend;\nmemcached_pass 127.0.0.1:11211;',
        'Password required\nToken expired',
        'TokenAuthentication enabled',
        'password_encryption scram-sha-256\npassword_encryption = scram-sha-256',
        'requirepass "$REDIS_PASSWORD"',
        'app --token-file /run/secrets/token --password-stdin',
        'app --password $(cat /run/pw) --verbose',
        'git clone --depth 1 https://example.com/x.git',
        'helm install x --set existingSecret=db-creds --existing-secret db-creds',
        // a flag that takes no value, a source of the secret, a secret manager's secret by its name or id
        'sh -c "docker login -u ci --password-stdin registry.example.com"',
        'pg_dump --no-password shop; mysqldump --skip-password shop',
        'aws secretsmanager get-secret-value --secret-id prod/db',
        'gcloud secrets versions access latest --secret my-secret',
        'docker build --secret id=npmrc,src=/run/npmrc .',
        'openssl enc -aes-256-cbc -pass stdin -in x; openssl rsa -passin env:KEY_PW -in k.pem',
      ],
    );
  });

  it('find a user and password before a host without a scheme: an image, a proxy, a Go DSN; not a digest, an e-mail address or a reference', () => {
    expectRule(
      'host-credentials',
      [
        'deploy:hunter2pw@registry.example.com/team/api:1.4',
        'HTTPS_PROXY=proxyuser:hunter2pw@proxy.example.com:3128',
        'app:hunter2pw@tcp(mysql:3306)/shop?parseTime=true',
        '--broker guest:guest@rabbitmq:5672',
        // Go's driver splits a DSN at its last '@': the password may hold '/' and '@'
        'DSN=app:Xk3/9vQ+Lm2p@tcp(db:3306)/shop',
        'DSN=app:Xk3@9vQ+Lm2p@unix(/run/mysqld/mysqld.sock)/shop',
        'HTTPS_PROXY=proxyuser:hunter2pw@10.0.0.5:3128',
      ],
      [
        'registry.example.com:5000/team/api:1.4@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        'mailto:ops@example.com',
        'git@github.com:team/api.git',
        'app:$(DB_PASSWORD)@tcp(mysql:3306)/shop',
        'the standup is at 10:30@office',
        // a package's version, a WebFinger account, a mail header, a Gradle artifact's type
        'npm:lodash@4.17.21',
        'acct:alice@example.com',
        'From:alerts@example.com',
        "implementation 'com.android.support:appcompat@aar'",
      ],
    );
  });

  it("find a YAML block scalar's value under a secret's name, on the lines below it, and leave a reference or a public certificate alone", () => {
    expectRule(
      'yaml-block-setting',
      [
        'password: |\n  hunter2kq\n',
        'auth:\n  token: >-\n    hunter2kq\n  user: app\n',
        'limits:\n  max_auth_token: |\n    a8Fk2LqP9xZ3Wq7\n',
      ],
      [
        'password: |\n  $DB_PASSWORD\n',
        `tls.crt: |\n  ${PUBLIC_CERTIFICATE.replace(/\n(?=.)/g, '\n  ')}`,
        'password: |\nnext: value\n',
        // a block under the name of a secret's property is that property's text
        'passwordPolicy: |\n  length(8) and digits(1)\n',
        'tokenCommand: |\n  vault kv get -field=token secret/app\n',
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

  it("find a secret in a URL's query string, its first parameter too, and leave parameters that name no secret alone", () => {
    expectRule(
      'url-parameter',
      [
        'https://api.example.com/v1/events?token=Kq8vR3nZ7wLp',
        '--upstream=https://api.example.com/v1?access_token=Kq8vR3nZ7wLp&format=json',
        'curl -fsS "https://hooks.example.com/notify?channel=ops&api_key=Kq8vR3nZ7wLp"',
        'https://account.blob.core.windows.net/backups?sv=2022-11-02&sr=c&sig=Xk2%2Bq9WvR3nZ7wLpA0b%3D',
      ],
      [
        'https://sso.example.com/authorize?response_type=token&scope=openid',
        'https://api.example.com/v1?token=$(API_TOKEN)',
        'https://api.example.com/v1?token=%24%7BAPI_TOKEN%7D',
        'https://grafana.example.com/login?auth=true&password_reset=1',
      ],
    );
  });

  it("find a secret setting written within another setting's value, which the outer setting's match took whole", () => {
    expectRule(
      'secret-setting',
      [
        'JAVA_OPTS=-Ddb.password=hunter2k\n',
        'JAVA_OPTS="-Xms1g -Ddb.password=hunter2k"\n',
        "CATALINA_OPTS='-Xms1g -Djavax.net.ssl.keyStorePassword=hunter2k'\n",
        'env:\n  JAVA_OPTS: "-Ddb.password=hunter2k"\n',
        'kubectl create secret generic db --from-literal=password=hunter2k',
        'export OPTS="--db-password=hunter2k"; exec app',
        '{"env":"DB_PASSWORD=hunter2k"}',
        '<jvmArgs>-Ddb.password=hunter2k</jvmArgs>',
        'CONFIG=\'{"password": "hunter2k"}\'\n',
      ],
      [
        'x=a=b=c\n',
        'JAVA_OPTS="-Xms1g -Xmx2g -Dfile.encoding=UTF-8"\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as a .env file writes it
        'JAVA_OPTS="-Djavax.net.ssl.trustStorePassword=${TRUST_PASSWORD}"\n',
        '<jvmArgs>-Xmx1g -Dfile.encoding=UTF-8</jvmArgs>',
      ],
    );
    // a JVM option's setting is named without its -D
    for (const text of [
      'JAVA_OPTS="-Xms1g -Ddb.password=hunter2k"',
      'java -Ddb.password=hunter2k -jar app.jar',
      '<jvmArgs>-Ddb.password=hunter2k</jvmArgs>',
    ])
      expect(detectSecret(text)?.setting, text).toBe('db.password');
  });

  it("take a path under a secret's name for where the secret is kept, not the secret (kubectl's --from-file=password=/tmp/pw)", () => {
    expectRule(
      'secret-setting',
      ['password=/hunter2k', 'password=hunter2/k', '--from-file=password=hunter2k'],
      [
        'kubectl create secret generic db --from-file=password=/tmp/pw',
        '--from-file=ssh-privatekey=~/.ssh/id_rsa',
        'kubectl create secret generic db --from-file=password=./password.txt --from-file=token=token.txt',
        'sh -c "kubectl create secret generic db --from-file=password=./password.txt"',
        '--from-file=password=password.txt',
        'password: /run/secrets/db',
      ],
    );
  });

  it("keep a known token's rule id when it is a URL's user, so that an exception that names the id still excuses it", () => {
    expect(detectSecret(`https://${SECRET_SAMPLES['github-token']}@github.com/example/shop.git`)?.rule.id).toBe('github-token');
    expect(detectSecret('ssh://APKAJ3W7Q5YK2ZXHNM4P@git-codecommit.eu-west-1.amazonaws.com/v1/repos/shop')?.rule.id).toBe(
      'aws-access-key-id',
    );
  });

  it("find a token given as a URL's user, as Git hosts take one, and leave users of words and a Sentry DSN's public key alone", () => {
    expectRule(
      'url-token-user',
      [
        'https://3f9a1c2b4d5e6f708192a3b4c5d6e7f8091a2b3c@github.com\n',
        'git config --global url."https://x3Kq9vLm2pQ7wZ8rT5yU1nB4@github.com/".insteadOf "https://github.com/"',
        'https://k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8o9p0l1k2j3h4g5f6d7s8@dev.azure.com/org/project/_git/repo',
      ],
      [
        'https://git@github.com/example/shop.git',
        'https://deploy-bot-2024@bitbucket.org/example/shop.git',
        'ssh://git@github.com/example/shop.git',
        'https://alice.smith@gitlab.example.com/shop.git',
        'https://0123456789abcdef0123456789abcdef@o123456.ingest.sentry.io/4504',
        'https://ci_runner_for_production@git.example.com/shop.git',
      ],
    );
  });

  it("find a number of 4 digits or more under a password's own name in a file, and leave other numbers alone", () => {
    expectRule(
      'secret-setting',
      [
        'spring.datasource.password=123456\n',
        '[client]\nuser=root\npassword=12345678\n',
        'spring:\n  redis:\n    password: 4711\n',
        'DB_PW=987654\n',
      ],
      [
        'password_max_age=90\ntoken_limit: 4096\npassword_min_length: 8\npass=12\n',
        'max_tokens: 1024\npassword.history=2024\nsecret_version: 2\npassword: 3.14159\n',
      ],
    );
    expectRule('spaced-setting', ['vrrp_instance VI_1 {\n  authentication {\n    auth_type PASS\n    auth_pass 1111\n  }\n}\n']);
    expectRule('netrc-password', ['machine h login u password 12345678']);
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

  it("find a URL's password that holds a / unencoded (a generated base64 password), and leave a port before a path with @ alone", () => {
    expectRule(
      'url-credentials',
      ['postgres://app:Hun/ter2pw@db:5432/shop', 'DATABASE_URL=postgres://app:kR3x/9vLm+2pQ==@db.internal:5432/shop?sslmode=require'],
      [
        'http://nexus:8081/repository/npm/@scope/pkg',
        'https://host:8443/users/@alice/profile; http://localhost:3000/@vite/client',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as a config file writes it
        'http://api:${API_PORT}/users/@me',
      ],
    );
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
  ])('do not take %s for a secret', (_what, value) => {
    expect(detectSecret(value)).toBeUndefined();
  });

  // each run of name, scheme or token characters is read once, and no rule reads all the text
  // before a match: such rules took minutes for a megabyte of `a-a-a-...` or of `sha1:<hex> ...`
  // (a hang guard, as for FIFOs: in a process of its own, since a test's time limit cannot stop
  // them); a run of megabytes, which overflows the regular expressions' backtracking stack, is read
  // in windows rather than failing with a RangeError
  // in four processes, each with its own 60 s: the units took 25-46 s in one on 2 busy cores, and ran out of time at a load of 15 or more
  it.each([
    ['names, tokens, schemes and settings', ['a-', 'token-', 'a.b:', 'password ', 'Ab0+', '"key":"v",', `sha1:${'ab'.repeat(25)} `]],
    [
      "clients' command lines and XML",
      ['mysql -p ', 'curl -u a: ', '-h mysql;', '<password>x ', '<a b="', '<token>v</tok>', 'docker --a b ', 'echo a |', 'sqlplus -s '],
    ],
    [
      'XML attributes, .netrc and .pgpass',
      ['<a key="password"><![CDATA[', '<entry key="token">x', 'machine a login b ', 'default account ', 'h:5432:d:u:', 'h:1:d:u:$P\n'],
    ],
    [
      'escapes, flags, spaced settings, blocks and users',
      ['a\\:', '--token v ', ' -a-', 'pass v\n', ' token: |\n', ':a/b@c', 'a://b:c/', 'a://b:c/d/'],
    ],
    ['name and value pairs', ['{"name": "password", "value": "x', '{a', '- name: token\n  value: $X\n', 'key: pw\n', '"value": "a", ']],
    [
      'password hashes and Oracle users',
      [
        '$y$a',
        ' $1$ab$',
        '{SSHA}',
        ' $argon2id$v=1$m=1,t=1,p=1$a',
        ',a/b',
        ' a/b@',
        'jdbc:oracle:thin:a/',
        ' a/hunter@h:1/x',
        '$1$a$/b/c/d/e/f/g/h/i/j/k/l ',
        'md5',
        'SCRAM-SHA-256$1:a$a:',
      ],
    ],
    [
      'Sentinel lines, userlists, bare Logstash values, Consul tokens and config set',
      [
        'sentinel auth-pass m ',
        '"a" "',
        '"a" "b',
        'password => x ',
        'token => a(',
        'tokens {',
        'tokens { agent = "a',
        '"tokens": {"dns": "0-',
        'config set ',
        'configure set a "',
      ],
    ],
  ])("read 8 MiB (a file's bound) of any shape in one pass, finding nothing in these: %s", (_what, units) => {
    expect(screenedAlone(units)).toEqual(units.map(() => 'none'));
  });

  // a run of blanks after what starts a match: the value of a name and value pair (each blank was read again to the
  // run's end: 21 s for 64K blanks), the words of a private key's header, an echo before a pipe, a registry login's options
  it("read 8 MiB of blanks after a name and value pair, a private key's header, an echo or a registry login's options in one pass", () => {
    const units: Unit[] = [
      ['- name: a\n  value: x', ' \t'],
      ['params:\n  - name: AUTH_MODE\n    value: oidc', ' '],
      ['- name: mode\n  value: "x"', ' \t'],
      ['-----BEGIN', ' \tA'],
      ['echo', ' \t'],
      ['echo x', ' \t'],
      ['docker', ' \t'],
      ['docker --a', ' \t'],
      ['docker login', ' --password-stdin'],
      ['--password-stdin', ' \t<'],
      ['helm', ' --x registry'],
    ];
    expect(screenedAlone(units)).toEqual(units.map(() => 'none'));
  });

  // an option's value may be any word, `docker` too: each `docker` read its options again to the line's end (2.7 s for
  // 64K, hours for 8 MiB), and each `login` of a list walked back over every option before it (76 s for 20,000 pairs)
  it("read 8 MiB of a registry login's options in one pass, in a shell command and in a command or args list", () => {
    expect(screenedAlone([['token', ' docker --x']])).toEqual(['none']);
    const lib = JSON.stringify(join(REPO, 'lib/model/command-line-secrets.ts'));
    const found = runAlone(`import { clientPassword } from ${lib};
      const args = Array.from({ length: 2 ** 20 }, (_, i) => (i % 2 === 0 ? '--x' : 'login'));
      console.log(args.filter((_, i) => clientPassword(args, i) !== undefined).length);`);
    expect(found).toEqual(['0']);
  });

  it("read 8 MiB of settings within settings' values and of registry logins', redis-cli's, htpasswd's, mc's and keytool's command lines in one pass", () => {
    const units = [
      'sqlcmd -P -',
      'ldapsearch -w $',
      'rabbitmqctl list_users ',
      'oc --a b ',
      'x="a=',
      'a=\'b="c=',
      '--a=b=',
      'docker login -p -',
      'redis-cli -a -',
      'helm registry ',
      'htpasswd -b $',
      'mc alias set ',
      'keytool -storepass $',
    ];
    expect(screenedAlone(units)).toEqual(units.map(() => 'none'));
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

describe('secret-looking key names', () => {
  it.each([
    'DB_PASSWORD',
    'DB_PASS',
    'PWD',
    'MYSQL_ROOT_PASSWD',
    'SSH_KEY',
    'TLS_KEY',
    'tls.key',
    'GITHUB_TOKEN',
    'CLIENT_SECRET',
    'apiKey',
    'API_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'PRIVATE_KEY',
    'db-credentials',
    'signingKey',
    'passphrase',
    'token',
    'requirepass',
    'masterauth',
    'MYSQL_ROOTPASSWORD',
    'authtoken',
    'clientSecret',
    'REDIS_AUTH',
    'AUTH',
    'DB_AUTH',
    'basicAuth',
  ])('%s holds a secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'LOG_LEVEL',
    'CERT',
    'CA_CERT',
    'tls.crt',
    'PASSWORD_FILE',
    'SECRET_NAME',
    'TOKEN_URL',
    'KEY',
    'SORT_KEY',
    'CACHE_KEY',
    'PASSENGER_COUNT',
    'DB_HOST',
    'secretKeyRef',
    'APP_ENVIRONMENT',
    'SSH_KEY_PATH',
    'bypass',
    'COMPASS_HEADING',
    'authtoken-file',
    'AUTH_URL',
    'AUTH_MODE',
    'AUTH_ENABLED',
    'OAUTH_ENABLED',
    'OAUTH',
    'AUTHOR',
  ])('%s does not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  it("a value that is a template's reference or a placeholder holds no secret under any name, but a secret beside one does", () => {
    for (const value of [
      '{{ .password }}',
      '((vault:db-password))',
      '#{DbPassword}#',
      '__DB_PASSWORD__',
      '[REDACTED]',
      '<your password>',
      '********',
    ])
      expect(isSecretSetting('DB_PASSWORD', value), value).toBe(false);
    for (const value of ['{{ .user }}hunter2kq{{ .host }}', 'Sup3rS3cret', '11111111'])
      expect(isSecretSetting('DB_PASSWORD', value), value).toBe(true);
  });

  it('a name ending in AUTH holds a secret unless its value says how to authenticate: a method, a switch, a URL, a reference', () => {
    for (const name of ['REDIS_AUTH', 'AUTH', 'DB_AUTH']) expect(isSecretSetting(name, 'hunter2u'), name).toBe(true);
    const notSecret = [
      'basic',
      'none',
      'LOGIN',
      'scram-sha-256',
      'true',
      'off',
      '1',
      'https://auth.example.com/login',
      '$(REDIS_PASSWORD)',
    ];
    for (const value of notSecret) expect(isSecretSetting('REDIS_AUTH', value), value).toBe(false);
    // a method's word under another secret name is a (weak) password all the same
    expect(isSecretSetting('DB_PASSWORD', 'basic')).toBe(true);
    expect(detectSecret('[redis]\nauth = hunter2u\n')?.rule.id).toBe('secret-setting');
    expect(detectSecret('{"auths": {"registry.example.com": {"auth": "YWRtaW46aHVudGVyMg=="}}}')?.rule.id).toBe('secret-setting');
    expect(detectSecret('smtp_auth = login\nauth_mode: basic\noauth_enabled=true\nauth: none\n')).toBeUndefined();
  });

  it('countSecrets counts the secrets of a value once each, however many rules match them: a private key whole, a second setting apart', () => {
    const body = Array.from({ length: 6 }, (_, i) => `MIIEpAIBAAKCAQEAx9f2${i}q8ZrT3vX0pLm2Nk7Yb4Wc9Fh1Jd6Gs5Ae8Ru0Tz3Iv${i}`).join('\n');
    expect(countSecrets(`-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`)).toBe(1);
    const maps = SECRET_SAMPLES['google-api-key']!;
    expect(countSecrets(`maps_api_key = ${maps}\n`)).toBe(1);
    expect(countSecrets(`maps_api_key = ${maps}\ndb_password = Hunter2!xyz\n`)).toBe(2);
    expect(countSecrets(`${PUBLIC_CERTIFICATE}\nmaps_api_key = ${maps}\n`)).toBe(1);
  });

  it("1 and 0 are switches only under a switch's name, and request/need/want modes only under a client's or TLS's AUTH", () => {
    for (const name of ['DB_PASSWORD', 'API_TOKEN', 'REDIS_PASSWORD']) {
      expect(isSecretSetting(name, '1'), name).toBe(true);
      expect(isSecretSetting(name, '0'), name).toBe(true);
    }
    for (const name of ['MARIADB_ALLOW_EMPTY_ROOT_PASSWORD', 'MARIADB_RANDOM_ROOT_PASSWORD', 'SMTP_AUTH', 'USE_TOKEN'])
      expect(isSecretSetting(name, '1'), name).toBe(false);
    expect(isSecretSetting('REDIS_AUTH', 'want')).toBe(true);
    expect(isSecretSetting('KC_HTTPS_CLIENT_AUTH', 'want')).toBe(false);
    expect(isSecretSetting('server.ssl.client-auth', 'need')).toBe(false);
  });

  it('a setting that names a Secret object is judged alike as a key and in a file: existingSecret names one, AUTH_SECRET holds one', () => {
    expect(isSecretSetting('existingSecret', 'db-creds')).toBe(false);
    expect(detectSecret('existingSecret: db-creds\n')).toBeUndefined();
    expect(isSecretSetting('AUTH_SECRET', 'my-nextauth-secret')).toBe(true);
    expect(detectSecret('AUTH_SECRET=my-nextauth-secret\n')?.rule.id).toBe('secret-setting');
  });

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
