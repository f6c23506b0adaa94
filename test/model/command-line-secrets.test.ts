/** The secret rules that read a client's password on its command line (lib/model/command-line-secrets.ts, positional-passwords.ts). */
import { describe, expect, it } from 'vitest';
import { detectSecret } from '../../lib/model/secret-rules.js';
import { clientPassword } from '../../lib/model/command-line-secrets.js';
import { expectRule } from '../helpers/secret-rules.js';

describe('the secret rules of command lines', () => {
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

  it("find a password given to Elasticsearch's elasticsearch-users -p (useradd, passwd), not a reference nor its roles' flags", () => {
    expectRule(
      'command-password',
      ['elasticsearch-users useradd app -p Xk9vQ2mLr7pT -r superuser', 'bin/elasticsearch-users passwd app -p Xk9vQ2mLr7pT'],
      [
        'elasticsearch-users useradd app -p "$ES_PASSWORD" -r superuser',
        'elasticsearch-users roles app -a superuser',
        'elasticsearch-users list',
      ],
    );
    expect(detectSecret('elasticsearch-users useradd app -p Xk9vQ2mLr7pT')?.given).toBe('elasticsearch-users -p <password>');
  });

  it("find a password given to SQL Server's sqlcmd, OpenLDAP's clients, ipmitool, rabbitmqctl, mosquitto_passwd and the oc, cf and az logins; not a prompt, a reference or az's certificate file", () => {
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
        // a password that starts with a slash or a tilde, which is a file only to az
        'docker login -u ci -p /9vLm+2pQ==x registry.example.com',
        'podman login -u ci -p ~/Hunter2pw quay.io',
        'oc login -u admin -p /Hunter2pw/x https://api.example.com:6443',
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
        'az login --service-principal -u app -p ~/certs/sp.pem --tenant t; az login --service-principal -u app -p sp.pem --tenant t',
      ],
    );
  });

  it("find the password and the key given to openssl enc's -k and -K (a backup script's), not a source of them (-kfile, a reference, -pass env:)", () => {
    expectRule(
      'command-password',
      [
        'openssl enc -aes-256-cbc -salt -in db.sql -out db.sql.enc -k Xk9vQ2mLr7pT',
        'pg_dump shop | gzip | /usr/bin/openssl enc -aes-256-cbc -pbkdf2 -k "Xk9vQ2mLr7pT" > /backup/shop.enc',
        'tar cz /data | openssl enc -aes-256-cbc -K 6f3a9c0d2e7b41a58c9d0e1f2a3b4c5d -iv 00000000000000000000000000000000 > d.enc',
      ],
      [
        'openssl enc -aes-256-cbc -pbkdf2 -in db.sql -out db.enc -kfile /run/secrets/backup-key',
        'openssl enc -aes-256-cbc -pbkdf2 -in db.sql -out db.enc -k "$BACKUP_PASSPHRASE"',
        'openssl enc -d -aes-256-cbc -pbkdf2 -in db.enc -pass env:BACKUP_PASSPHRASE',
        'openssl req -x509 -newkey rsa:4096 -keyout key.pem -out cert.pem -days 365 -nodes -subj "/CN=localhost"',
        'curl -k https://example.com/health',
      ],
    );
    expect(detectSecret('openssl enc -aes-256-cbc -in d -out d.enc -k Xk9vQ2mLr7pT')?.given).toBe('openssl -k <password>');
    expect(detectSecret('openssl enc -aes-256-cbc -in d -out d.enc -K 6f3a9c0d2e7b41a58c9d0e1f2a3b4c5d')?.given).toBe('openssl -K <key>');
    expect(clientPassword(['openssl', 'enc', '-aes-256-cbc', '-k', 'Xk9vQ2mLr7pT'], 4)?.form).toBe('openssl -k <password>');
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

  it("find a password in a command written as a list in a text (a healthcheck's test, an exec form), and leave references and other lists alone", () => {
    expectRule(
      'command-list-password',
      [
        'healthcheck:\n  test: ["CMD", "mysqladmin", "ping", "-h", "localhost", "-uroot", "-pHunter2pwX"]\n',
        'healthcheck:\n  test: ["CMD-SHELL", "mysqladmin ping -uroot -pHunter2pwX"]\n',
        'command: ["redis-server", "--requirepass", "Hunter2pwX"]\n',
        "command: ['redis-cli', '-a', 'Hunter2pwX', 'ping']\n",
        // an escape JSON has not is kept as written: the password still found
        'command: ["redis-server", "--requirepass", "Hunter2\\dpwX"]\n',
      ],
      [
        'healthcheck:\n  test: ["CMD-SHELL", "pg_isready -U postgres"]\n',
        // lists of a text that are no JSON: a regular expression's escapes, a Windows path, a raw tab
        'REDACT_PATTERNS: \'["password=\\S+", "token=\\w+"]\'\n',
        'args: ["C:\\Program Files\\redis\\redis-server.exe", "--port", "6379"]\n',
        'tokens: ["a\tb", "c"]\n',
        'healthcheck:\n  test: ["CMD-SHELL", "mysqladmin ping -uroot -p$$MYSQL_ROOT_PASSWORD"]\n',
        "command: ['redis-server', '--requirepass', '$${REDIS_PASSWORD}']\n",
        'args: ["--log-level", "info", "--password-file", "/run/pw"]\n',
        'CMD ["redis-server", "--appendonly", "yes"]\n',
        '{"tags": ["auth", "token", "password"]}',
      ],
    );
    expect(detectSecret('command: ["redis-cli", "-a", "Hunter2pwX", "ping"]')?.given).toBe('redis-cli -a <password>');
  });

  it("find a user's password piped to chpasswd (echo <user>:<password> | chpasswd), and leave references alone", () => {
    expectRule(
      'piped-password',
      ["echo 'admin:Hunter2pwX' | chpasswd", 'echo "app:Hunter2pwX" | sudo chpasswd', 'set -e; echo root:Hunter2pwX | /usr/sbin/chpasswd'],
      ['echo "root:$ROOT_PASSWORD" | chpasswd', 'echo "$USER:$PASS" | chpasswd', 'echo hunter2k | chpasswd-wrapper'],
    );
    expect(detectSecret("echo 'admin:Hunter2pwX' | chpasswd")?.given).toBe('echo <user>:<password> | chpasswd');
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
      // as in a command or args list: OpenShift's registry login, as helm's
      ['oc registry login -u ciuser -p Qz7pass9 --registry quay.io', 'oc registry login -p <password>'],
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
      [['registry', 'login', '-u', 'ciuser', '-p', 'Qz7pass9'], ['oc'], 'oc registry login -p <password>'],
      [['registry', 'login', '-u', 'ciuser', '-p', 'Qz7pass9'], ['/usr/bin/helm', '--debug'], 'helm registry login -p <password>'],
      // an image whose entrypoint is helm (alpine/helm): no command, or a wrapper's, and the args list's `registry login`
      [['registry', 'login', '-u', 'ciuser', '-p', 'Qz7pass9', 'ghcr.io'], undefined, 'registry login -p <password>'],
      [['registry', 'login', '-u', 'ciuser', '-p', 'Qz7pass9', 'ghcr.io'], ['/entrypoint.sh'], 'registry login -p <password>'],
      [['curl', '-u', 'ciuser:Qz7pass9', 'https://x'], undefined, 'curl -u <user>:<password>'],
      [['-Bbn', 'ciuser', 'Qz7pass9'], ['htpasswd'], 'htpasswd -nb <user> <password>'],
      [['ciuser/Qz7pass9@ORCL'], ['sqlplus', '-s'], 'sqlplus <user>/<password>@<database>'],
      [['-S', 'localhost', '-U', 'sa', '-P', 'Qz7pass9', '-Q', 'SELECT 1'], ['/opt/mssql-tools/bin/sqlcmd'], 'sqlcmd -P <password>'],
      [['change_password', 'ciuser', 'Qz7pass9'], ['rabbitmqctl'], 'rabbitmqctl change_password <user> <password>'],
    ];
    // az's certificate file in a list too, not another login's password that starts with a slash
    expect(
      ['login', '--service-principal', '-u', 'app', '-p', '/certs/sp.pem'].flatMap((_, i, a) => clientPassword(a, i, () => ['az']) ?? []),
    ).toEqual([]);
    expect(['login', '-u', 'ci', '-p', '/9vLm+2pQ==x'].flatMap((_, i, a) => clientPassword(a, i, () => ['docker']) ?? [])).toEqual([
      { password: '/9vLm+2pQ==x', form: 'docker login -p <password>' },
    ]);
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
      ['echo Qz7pass9 | oc registry login --password-stdin', 'echo <password> | oc registry login --password-stdin'],
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
});
