/** A password passed by its position to a call that takes a user and a password (lib/model/credential-calls.ts). */
import { describe, expect, it } from 'vitest';
import { expectRule } from '../helpers/secret-rules.js';
import { detectSecret } from '../../lib/model/secret-rules.js';

describe('a call that takes a user and a password by position', () => {
  it("finds the password given to PHP's PDO and mysqli after a DSN or a host and a user; not a variable or a read", () => {
    expectRule(
      'credential-call',
      [
        "$pdo = new PDO('mysql:host=db;dbname=app', 'app', 'Xk9vQ2mLr7pT');",
        '$pdo = new \\PDO($dsn, $user, "Xk9vQ2mLr7pT", [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);',
        '$db = mysqli_connect("db", "app", "Xk9vQ2mLr7pT", "shop");',
        "$db = new mysqli('db', 'app', 'Xk9vQ2mLr7pT');",
      ],
      [
        "$pdo = new PDO($dsn, $user, getenv('DB_PASSWORD'));",
        "$pdo = new \\PDO('sqlite:/data/app.db');",
        '$db = mysqli_connect($host, $user, $password);',
      ],
    );
  });

  it('finds a password with blanks in it, and one after a user read by a subscript or a call; not words of a label, nor code passed on', () => {
    expectRule(
      'credential-call',
      [
        'server.login("admin", "Xk9 vQ2mLr7pT")',
        'var c = new NetworkCredential(users[0], "Xk9vQ2mLr7pT");',
        'smtp.login(os.getenv("SMTP_USER"), "Xk9vQ2mLr7pT")',
        'r = requests.get(url, auth=(cfg["user"], "Xk9vQ2mLr7pT"))',
        'Connection c = DriverManager.getConnection(props.getProperty("url"), "app", "Xk9vQ2mLr7pT");',
      ],
      [
        'page.login("user", "Sign in")',
        'smtp.login(os.getenv("SMTP_USER"), os.getenv("SMTP_PASSWORD"))',
        'server.login(users[0], passwords[0])',
      ],
    );
  });

  it("finds the password a database's connect takes after a host and a user (MySQLdb, PyMySQL, Perl's DBI), paramiko's after a port and a user; not a port, a variable or a read", () => {
    expectRule(
      'credential-call',
      [
        'conn = connect(host, "admin", "s3cr3t-Value")',
        'db = MySQLdb.connect("localhost","testuser","test123","TESTDB" )',
        'conn = pymysql.connect(db_host, "app", "Xk9vQ2mLr7pT", "shop")',
        'my $dbh = DBI->connect("dbi:mysql:app", "app", "Xk9vQ2mLr7pT");',
        'client.connect("bastion.example.com", 22, "deploy", "Xk9vQ2mLr7pT")',
        // a call whose first argument, a variable, gave the text nothing else a rule reads
        'Connection c = DriverManager.getConnection(url, "app", "Xk3q9Lm2Pz7w");',
        "$pdo = new PDO($dsn, 'app', 'Xk9vQ2mLr7pT');",
      ],
      [
        'conn = pymysql.connect(host, user, password, db)',
        'conn = pymysql.connect(host, user, os.environ["DB_PASSWORD"])',
        'client.connect("bastion.example.com", 22, "deploy", pkey=key)',
        'client.connect(host, 22, "deploy", password)',
        'conn = sqlite3.connect("app.db", 5.0, 0, "DEFERRED")',
        'sock.connect((host, 443))',
        'const s = net.connect(8080, "localhost", () => {})',
        'client.reconnect(host, "admin", retries)',
        'QObject.connect(button, SIGNAL("clicked()"), self.on_click)',
      ],
    );
  });

  it("finds the password an LDAP bind, ftplib's FTP and PowerShell's ConvertTo-SecureString -AsPlainText take; not a variable, JavaScript's bind nor an encrypted string", () => {
    expectRule(
      'credential-call',
      [
        'conn.simple_bind_s("cn=admin,dc=example,dc=org", "Xk9vQ2mLr7pT")',
        'l.Bind("cn=admin,dc=example,dc=org", "Xk9vQ2mLr7pT")',
        'ftp = FTP("ftp.example.com", "deploy", "Xk9vQ2mLr7pT")',
        '$secure = ConvertTo-SecureString "Xk9vQ2mLr7pT" -AsPlainText -Force',
        "$secure = ConvertTo-SecureString -String 'Xk9vQ2mLr7pT' -Force -AsPlainText",
      ],
      [
        'conn.simple_bind_s(bind_dn, os.environ["LDAP_PASSWORD"])',
        'err = l.Bind(cfg.BindDN, cfg.BindPassword)',
        'const f = handler.bind(this, "click")',
        'ftp = FTP("ftp.example.com")',
        '$secure = ConvertTo-SecureString $env:DB_PASSWORD -AsPlainText -Force',
        '$secure = ConvertTo-SecureString "01000000d08c9ddf0115d1118c7a00c04fc297eb"',
      ],
    );
    expect(detectSecret('$s = ConvertTo-SecureString "Xk9vQ2mLr7pT" -AsPlainText -Force')?.given).toBe(
      'ConvertTo-SecureString <password> -AsPlainText',
    );
  });

  it("finds the password paho-mqtt's username_pw_set, OkHttp's Credentials.basic and superagent's auth take; not a variable, a read nor a scheme", () => {
    expectRule(
      'credential-call',
      [
        'client.username_pw_set("device-42", "Xk9vQ2mLr7pT")',
        'String credential = Credentials.basic("jesse", "Xk9vQ2mLr7pT");',
        "await request(app).get('/admin').auth('admin', 'Xk9vQ2mLr7pT')",
      ],
      [
        'client.username_pw_set("device-42", os.environ["MQTT_PASSWORD"])',
        'client.username_pw_set(user, password)',
        'String credential = Credentials.basic(user, System.getenv("API_PASSWORD"));',
        "await request(app).get('/admin').auth(token, { type: 'bearer' })",
        'const a = firebase.auth()',
        "agent.auth('admin', '')",
      ],
    );
    expect(detectSecret('client.username_pw_set("device-42", "Xk9vQ2mLr7pT")')?.given).toBe('username_pw_set(..., <password>)');
  });

  it("finds the password redis-py, Oracle's drivers, pika, pysmb, Sequelize, Go's smtp and ssh, PHP's ftp, LDAP, SSH and IMAP calls and Ruby's Net::SMTP take by its position; not a variable, a read nor another argument", () => {
    expectRule(
      'credential-call',
      [
        "r = redis.StrictRedis('redis', 6379, 0, 'Xk9vQ2mLr7pT')",
        'r = redis.Redis(host, port, 0, "Xk9vQ2mLr7pT", socket_timeout=5)',
        "conn = cx_Oracle.connect('scott', 'Xk9vQ2mLr7pT', dsn)",
        "creds = pika.PlainCredentials('app', 'Xk9vQ2mLr7pT')",
        "conn = SMBConnection('svc', 'Xk9vQ2mLr7pT', 'client', 'fileserver')",
        "const sequelize = new Sequelize('shop', 'app', 'Xk9vQ2mLr7pT', { host: 'db', dialect: 'postgres' })",
        'auth := smtp.PlainAuth("", "alerts@example.com", "Xk9vQ2mLr7pT", "smtp.example.com")',
        'Auth: []ssh.AuthMethod{ssh.Password("Xk9vQ2mLr7pT")},',
        "ftp_login($conn, 'deploy', 'Xk9vQ2mLr7pT');",
        "ldap_bind($ds, 'cn=admin,dc=example,dc=org', 'Xk9vQ2mLr7pT');",
        "ssh2_auth_password($ssh, 'deploy', 'Xk9vQ2mLr7pT');",
        "$mbox = imap_open('{imap.example.com:993/imap/ssl}INBOX', 'alerts', 'Xk9vQ2mLr7pT');",
        "Net::SMTP.start('smtp.example.com', 587, 'example.com', 'alerts', 'Xk9vQ2mLr7pT', :login)",
      ],
      [
        "r = redis.Redis(host, port, 0, os.environ['REDIS_PASSWORD'])",
        "r = redis.Redis('redis', 6379, 0)",
        "r = redis.Redis('redis', 6379, 0, None)",
        // Oracle's DSN, third, was taken for the password of a `connect(<host>, <user>, <password>)`
        "conn = cx_Oracle.connect('scott', pw, 'db.example.com:1521/ORCLPDB1')",
        "conn = oracledb.connect('scott', os.environ['ORACLE_PASSWORD'], 'db:1521/ORCL')",
        "creds = pika.PlainCredentials('guest', os.environ['RABBIT_PASSWORD'])",
        'const sequelize = new Sequelize(process.env.DB_NAME, process.env.DB_USER, process.env.DB_PASSWORD, { dialect: "postgres" })',
        "const sequelize = new Sequelize('sqlite::memory:')",
        'auth := smtp.PlainAuth("", from, os.Getenv("SMTP_PASSWORD"), host)',
        'Auth: []ssh.AuthMethod{ssh.Password(os.Getenv("SSH_PASSWORD"))},',
        "ldap_bind($ds, $dn, getenv('LDAP_PASSWORD'));",
      ],
    );
    expect(detectSecret("r = redis.StrictRedis('redis', 6379, 0, 'Xk9vQ2mLr7pT')")?.given).toBe('StrictRedis(..., <password>)');
    expect(detectSecret('x := ssh.Password("Xk9vQ2mLr7pT")')?.given).toBe('Password(<password>)');
  });

  it("finds the password literal: requests' auth tuple and classes, a login, .NET's, Java's and Go's credentials", () => {
    expectRule(
      'credential-call',
      [
        'r = requests.get(url, auth=("admin", "Xk3q9Lm2Pz7w"))',
        'r = requests.get(url, auth=requests.auth.HTTPBasicAuth("admin", "Xk3q9Lm2Pz7w"))',
        "server.login('me@example.com', 'Xk3q9Lm2Pz7w')",
        'ftp.login(user, "Xk3q9Lm2Pz7w")',
        'var cred = new NetworkCredential("svc", "Xk3q9Lm2Pz7w");',
        'Connection c = DriverManager.getConnection("jdbc:postgresql://db/app", "app", "Xk3q9Lm2Pz7w");',
        'req.SetBasicAuth("ci", "Xk3q9Lm2Pz7w")',
        // an argument after the password (a domain, authorities) took the place of the password's, and the call was passed
        'var cred = new NetworkCredential("svc", "Xk3q9Lm2Pz7w", "CORP");',
        'auth = new UsernamePasswordAuthenticationToken("admin", "Xk3q9Lm2Pz7w", List.of());',
      ],
      [
        // a variable, a read, a reference, a label's text, an argument that is not the password's
        'r = requests.get(url, auth=(user, password))',
        'r = requests.get(url, auth=("admin", password))',
        'server.login(user, os.environ["SMTP_PASSWORD"])',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference a shell or a container fills in
        'ftp.login("user", "${FTP_PASSWORD}")',
        'form.login("user", "Sign in")',
        'Connection c = DriverManager.getConnection(url, user, password);',
        'DriverManager.getConnection("jdbc:postgresql://db/app", "Xk3q9Lm2Pz7w")',
        'r = requests.get(url, auth=("admin", ""))',
      ],
    );
    // where none is given by name, messages say it is the password, and the call it is given to, without the literals
    expect(detectSecret('ftp.login("u", "Xk3q9Lm2Pz7w")')?.setting).toBe('password');
    const given = (text: string) => detectSecret(text)?.given;
    expect(given('ftp.login("u", "Xk3q9Lm2Pz7w")')).toBe('login(..., <password>)');
    expect(given('conn = connect(host, "admin", "s3cr3t-Value")')).toBe('connect(..., <password>)');
    expect(given('r = requests.get(url, auth = ("admin", "Xk3q9Lm2Pz7w"))')).toBe('auth=(<user>, <password>)');
    expect(given('var cred = new NetworkCredential("svc", "Xk3q9Lm2Pz7w", "CORP");')).toBe('NetworkCredential(..., <password>, ...)');
    expect(given('$pdo = new \\PDO($dsn, $user, "Xk9vQ2mLr7pT");')).toBe('PDO(..., <password>)');
  });
});
