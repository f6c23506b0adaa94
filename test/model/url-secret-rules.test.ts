/** The secret rules that read URLs and connect strings (lib/model/url-secret-rules.ts). */
import { describe, expect, it } from 'vitest';
import { detectSecret } from '../../lib/model/secret-rules.js';
import { SECRET_SAMPLES } from '../helpers/secret-samples.js';
import { expectRule } from '../helpers/secret-rules.js';

describe('the secret rules of URLs and connect strings', () => {
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

  it("find a Redis URL's password written as its user, as Lettuce reads one (redis://<password>@host); not a user's name, nor a reference", () => {
    expectRule(
      'redis-url-password',
      [
        'RedisClient client = RedisClient.create("redis://Xk9vQ2mLr7pT@redis:6379/0");',
        'spring.data.redis.url=rediss://hunter2pw@cache.example.com:6380',
        // Lettuce's Sentinel URL: the password before the sentinels, the master's name after `#`
        'RedisURI uri = RedisURI.create("redis-sentinel://Xk9vQ2mLr7pT@sentinel-0:26379,sentinel-1:26379/0#mymaster");',
        'spring.data.redis.url=rediss-sentinel://hunter2pw@sentinel:26379#mymaster',
        // a password's word numbered, though a name's shape
        'spring.data.redis.url=redis://hunter2@redis:6379',
        'REDIS_URL=redis://Password123@redis:6379/0',
      ],
      [
        "r = redis.from_url('redis://default@redis:6379/0')",
        'REDIS_URL=redis://cache-user@redis:6379/0',
        // a user named as a team's app is, a numeronym in it
        'REDIS_URL=redis://k8s-app@redis:6379/0',
        'REDIS_URL=rediss://e2e-tests@redis:6380',
        'REDIS_URL=redis://i18n-svc@redis:6379',
        'REDIS_URL=redis://user1@redis:6379',
        'REDIS_URL=redis-sentinel://sentinel-0:26379,sentinel-1:26379/0#mymaster',
        'REDIS_URL=redis-sentinel://default@sentinel-0:26379/0#mymaster',
        'REDIS_URL=redis://$(REDIS_PASSWORD)@redis:6379',
        'REDIS_URL=redis://redis:6379/0',
      ],
    );
    expect(detectSecret('REDIS_URL=redis://:Xk9vQ2mLr7pT@redis:6379/0')?.rule.id).toBe('url-credentials');
  });

  it("leave a connect string code builds with a format string alone (printf's %s, Python's %(name)s, {} and {password}), and find a password written beside a placeholder", () => {
    expectRule(
      'url-credentials',
      [
        'url = "postgresql://app:%sXk9vQ2mLr7pT@db/app"',
        'url = "postgresql://app:{Xk9vQ2mLr7pT}@db/app"',
        'url := fmt.Sprintf("postgres://app:Xk9vQ2mLr7pT@%s:%d/%s", host, port, db)',
      ],
      [
        'url := fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", user, pass, host, port, db)',
        'url = "postgresql://%s:%s@%s/%s" % (user, password, host, db)',
        'url = "postgresql://%(user)s:%(password)s@%(host)s/%(db)s" % cfg',
        'url = "postgresql://{}:{}@{}/{}".format(user, password, host, db)',
        'url = f"postgresql://{user}:{password}@{host}/{db}"',
        'url = f"postgresql://{cfg.user}:{cfg.password!s}@{cfg.host}/app"',
        'var cs = string.Format("mongodb://{0}:{1}@{2}:27017", user, pass, host);',
        'String url = String.format("amqp://%s:%s@%s:5672", user, pass, host);',
      ],
    );
    expectRule(
      'host-credentials',
      ['dsn := fmt.Sprintf("app:Xk9vQ2mLr7pT@tcp(%s)/shop", host)'],
      ['dsn := fmt.Sprintf("%s:%s@tcp(%s)/%s", user, pass, host, name)', 'dsn := fmt.Sprintf("%v:%v@tcp(%v:3306)/shop", u, p, h)'],
    );
  });

  it("leave a connect string's placeholders a person replaces alone (MongoDB Atlas' <password>, USERNAME:PASSWORD) and an example in words on a comment's line; find a password beside them", () => {
    expectRule(
      'url-credentials',
      [
        'MONGO_URI=mongodb+srv://<username>:Xk9vQ2mLr7pT@cluster0.abcde.mongodb.net/app',
        'MONGO_URI=mongodb://app:ADMIN@mongo:27017/app',
        '# DATABASE_URL=postgres://app:Xk9vQ2mLr7pT@db/app',
        'DATABASE_URL=postgres://user:pass@localhost:5432/db',
        'const url = "postgres://user:password@localhost/app"; // local',
      ],
      [
        'MONGO_URI=mongodb+srv://<username>:<password>@cluster0.abcde.mongodb.net/app',
        'MONGO_URI=mongodb://USERNAME:PASSWORD@host:27017/app',
        'AMQP_URL=amqp://:PASSWORD@rabbit:5672',
        '# Example: DATABASE_URL=postgres://user:pass@localhost:5432/db\nLOG_LEVEL=info\n',
        '// const url = "postgres://user:password@localhost/app";',
        '  -- psql postgres://app:changeme@localhost/app',
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

  it("keep a known token's rule id when it is a URL's user, so that an exception that names the id still excuses it", () => {
    expect(detectSecret(`https://${SECRET_SAMPLES['github-token']}@github.com/example/shop.git`)?.rule.id).toBe('github-token');
    expect(detectSecret('ssh://AKIAJ3W7Q5YK2ZXHNM4P@git-codecommit.eu-west-1.amazonaws.com/v1/repos/shop')?.rule.id).toBe(
      'aws-access-key-id',
    );
    // but for the SSH key ID (APKA...) that CodeCommit's ssh URLs name as their user, which IAM gives a public key: no secret
    expect(detectSecret('ssh://APKAJ3W7Q5YK2ZXHNM4P@git-codecommit.eu-west-1.amazonaws.com/v1/repos/shop')).toBeUndefined();
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

  it("find a URL's password that holds a / unencoded (a generated base64 password), and leave a port before a path with @ alone, whatever writes it", () => {
    expectRule(
      'url-credentials',
      [
        'postgres://app:Hun/ter2pw@db:5432/shop',
        'DATABASE_URL=postgres://app:kR3x/9vLm+2pQ==@db.internal:5432/shop?sslmode=require',
        // before an IPv6 address; a password's first piece of a word and digits, or of capitals and digits
        'postgres://app:kR3x/9vLm@[fd00::10]:5432/shop',
        'postgres://app:hunter2/x@db/shop',
        'postgres://app:HUNTER2/x@db/shop',
      ],
      [
        'http://nexus:8081/repository/npm/@scope/pkg',
        'https://host:8443/users/@alice/profile; http://localhost:3000/@vite/client',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as a config file writes it
        'http://api:${API_PORT}/users/@me',
        // an IPv6 address's colons; a port as a template, a placeholder, a word of capitals or a name
        'http://[fd00::10]:8081/repository/npm/@types/node',
        'http://svc:{{.Values.port}}/npm/@scope/pkg',
        'https://HOST:PORT/api/@me; http://host:<port>/@me',
        'http://web:http/@x; http://api:grpc-web/users/@me',
      ],
    );
  });
});
