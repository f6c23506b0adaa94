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
    // where none is given by name, messages say it is the password
    expect(detectSecret('ftp.login("u", "Xk3q9Lm2Pz7w")')?.setting).toBe('password');
  });
});
