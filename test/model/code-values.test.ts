/**
 * Settings in code that are no literal (a variable passed on, a type) and literals code writes converted, typed or as a read's
 * fallback (lib/model/code-values.ts); labels of a user interface and commented examples (lib/model/setting-labels.ts).
 */
import { describe, expect, it } from 'vitest';
import { expectRule } from '../helpers/secret-rules.js';
import { detectSecret } from '../../lib/model/secret-rules.js';

describe('settings in code', () => {
  it("leave a variable of a secret's name passed on in code alone: Go's struct literal, C#'s initializer, a call's keyword argument, a JavaScript object", () => {
    expectRule(
      'secret-setting',
      // a word of YAML or a properties file is a (weak) password, and so is a word that names no secret in a flow mapping
      [
        'password: password',
        'password=password\n',
        '{user: admin, password: changeme}',
        'Password: Sup3rS3cret,',
        // a capitalized name of its own in a YAML flow mapping is its password, not a variable
        'db:\n  auth: {user: admin, password: MySecretPassword}\n',
        '{user: admin, token: SuperSecretToken}',
        // and so is a lone word that is not the setting's own
        '{user: postgres, password: mysecretpassword}',
        'db: {password: secret}\n',
      ],
      [
        'cfg := Config{\n\tUser:     user,\n\tPassword: password,\n\tHost:     host,\n}',
        'db := &DB{Password: password, Host: host}',
        'conn := pgx.ConnConfig{Password: dbPassword}',
        'opts := redis.Options{Addr: addr, Password: cfg.RedisPassword, DB: 0}',
        'const client = new Client({ user, password: password, host })',
        'const opts = {\n  user,\n  password: dbPassword\n};',
        'new SqlConnectionStringBuilder { Password = password, UserID = user };',
        'new SqlConnectionStringBuilder { Password = DbPassword, UserID = user };',
        'conn = psycopg2.connect(host=host, user=user, password=db_password)',
        'def connect(user, password=None):',
        'mysql.createConnection({ host: "db", token: null });',
      ],
    );
  });

  it("leave a type a secret's field or parameter is declared with alone, and find the literal it defaults to", () => {
    expectRule(
      'code-literal',
      [
        'password: str = "Sup3rS3cret2024"',
        'class Settings(BaseSettings):\n    db_password: str = "Sup3rS3cret2024"\n',
        "api_token: Optional[str] = 'Sup3rS3cret2024'",
        'const password: string = "Sup3rS3cret2024";',
        'let password: &str = "Sup3rS3cret2024";',
      ],
      [
        'interface User {\n  password: string;\n}',
        'export interface LoginForm { username: string; password: string; }',
        'readonly password: string;',
        "private password: string = '';",
        'def login(user: str, password: str) -> bool:',
        'def connect(user: str, password: str = None):',
        'class User(BaseModel):\n    email: str\n    password: str\n',
        'class Settings(BaseSettings):\n    db_password: SecretStr\n    api_token: Optional[str] = None\n',
        'data class Creds(val user: String, val password: String)',
        'struct Creds { user: String, password: String }',
        'pub password: Option<String>,',
        'password: Secret<String>,',
        'token: string | null;',
        'token: string[]',
        'type Config struct {\n\tPassword string\n\tToken []byte\n}',
        // Swagger's example body
        '{"username": "string", "password": "string"}',
      ],
    );
    // after `=` a type's name is a value, a weak password
    expect(detectSecret('DB_PASSWORD=string\n')?.rule.id).toBe('secret-setting');
    // a union's or a generic type's member that is no type is a value written to look like one
    expect(detectSecret('password: string|Xk3q9Lm2Pz7w\n')?.rule.id).toBe('secret-setting');
    expect(detectSecret('token: Option<Xk3q9Lm2Pz7wQabc>\n')?.rule.id).toBe('secret-setting');
    expect(detectSecret('pub token: Option<Secret<String>>,')).toBeUndefined();
  });

  it("find a literal converted on its way to a variable of a secret's name: Buffer.from, Encoding.UTF8.GetBytes, []byte, a string's prefix", () => {
    expectRule(
      'code-literal',
      [
        'var dbPassword = Buffer.from("S3cr3tPassw0rd");',
        'const password = Buffer.from("S3cr3tPassw0rd", "utf8");',
        'var password = Encoding.UTF8.GetBytes("S3cr3tPassw0rd");',
        'byte[] token = Encoding.ASCII.GetBytes("S3cr3tT0kenValue");',
        'password := []byte("S3cr3tPassw0rd")',
        'SECRET_KEY = b"Sup3rS3cret2024xyz"',
        "password = rb'S3cr3tPassw0rd'",
        'string password = @"S3cr3tPassw0rd";',
        'let token = String::from("S3cr3tT0kenValue");',
        'String password = new String("S3cr3tPassw0rd");',
      ],
      [
        'password = Buffer.from(process.env.DB_PASSWORD)',
        'password := []byte(os.Getenv("DB_PASSWORD"))',
        'password = b""',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference a shell or a container fills in
        'password = Buffer.from("${DB_PASSWORD}")',
        'password = "prefix" + process.env["DB_SUFFIX"]',
        // a label, typed
        'password_hint: str = "Enter your password"',
      ],
    );
    // a literal's own method converts it just as well (found by the setting's rule)
    expect(detectSecret('byte[] password = "S3cr3tPassw0rd".getBytes();')?.rule.id).toBe('secret-setting');
    expect(detectSecret('password = SecretStr("S3cr3tPassw0rd")')?.rule.id).toBe('code-literal');
    expect(detectSecret("password = str('S3cr3tPassw0rd')")?.rule.id).toBe('code-literal');
  });

  it("find a literal decoded on its way to a variable of a secret's name (base64 is an encoding): dotted and nested calls, Go's second result", () => {
    expectRule(
      'code-literal',
      [
        'DB_PASSWORD = base64.b64decode("U3VwM3JTM2NyZXQyMDI0")',
        'password = base64.b64decode("U3VwM3JTM2NyZXQyMDI0").decode()',
        'secret = str(base64.b64decode("U3VwM3JTM2NyZXQyMDI0"), "utf-8")',
        'String password = new String(Base64.getDecoder().decode("U3VwM3JTM2NyZXQyMDI0"));',
        'var password = Encoding.UTF8.GetString(Convert.FromBase64String("U3VwM3JTM2NyZXQyMDI0"));',
        'password, _ := base64.StdEncoding.DecodeString("U3VwM3JTM2NyZXQyMDI0")',
        'token, err := hex.DecodeString("5375703372533363726574323032342a")',
        'password = Base64.decode64("U3VwM3JTM2NyZXQyMDI0")',
        // Apache Commons Codec's and JAXB's decoders, Java's most used besides java.util.Base64
        'String password = new String(Base64.decodeBase64("U3VwM3JTM2NyZXQyMDI0"));',
        'byte[] secret = DatatypeConverter.parseBase64Binary("U3VwM3JTM2NyZXQyMDI0");',
      ],
      [
        'password = base64.b64decode(os.environ["DB_PASSWORD_B64"])',
        'String password = new String(Base64.getDecoder().decode(System.getenv("DB_PASSWORD")));',
        'token, err := base64.StdEncoding.DecodeString(os.Getenv("TOKEN"))',
        // not a secret's name
        'header = base64.b64decode("eyJhbGciOiJIUzI1NiJ9")',
      ],
    );
  });

  it("find the literal a read of a secret's setting falls back to, wherever the read stands", () => {
    expectRule(
      'read-fallback',
      [
        'conn.connect(user, props.getProperty("db.password", "S3cr3tPassw0rd"));',
        "dsn = f\"postgres://app:{os.getenv('DB_PASSWORD', 'S3cr3tPassw0rd')}@db/app\"",
        'x = cfg.get("password", fallback="S3cr3tPassw0rd")',
        'connect(System.getenv().getOrDefault("DB_PASSWORD", "S3cr3tPassw0rd"))',
      ],
      [
        'headers.get("Authorization", "")',
        'flag.String("password", "", "the database password")',
        "request.args.get('token', 'none')",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference a shell or a container fills in
        'props.getProperty("db.password", "${DB_PASSWORD}")',
        'props.getProperty("db.user", "S3cr3tPassw0rd")',
        // a catalogue's label a read falls back to
        'label = t.get("password", "Password")',
        'prompt = messages.getString("password", "Enter your password")',
      ],
    );
    // a PHP array's entry under a secret's name reads it: found by its name (as before)
    expect(detectSecret("'password' => env('DB_PASSWORD', 'S3cr3tPassw0rd'),")?.rule.id).toBe('secret-setting');
  });
});

describe('labels and comments', () => {
  it("leave a label or a message of a user interface alone: prose, the setting's own word, another alphabet, a catalogue's words", () => {
    expectRule(
      'secret-setting',
      // lower-case words stay passwords, and a capitalized word outside a catalogue; a password's mix in a catalogue too
      [
        'password=password',
        'password: changeme',
        'db.password=Passwort\napp.name=orders\n',
        'db.password=correct horse battery staple',
        // a passphrase under a variable of the environment's name, prose as it may be
        'ADMIN_PASSWORD=Welcome to the jungle',
        'DB_PASSWORD: "Correct horse battery staple"',
        "login.title=Se connecter\nlogin.user=Nom d'utilisateur\ndb.password=S3cr3tPassw0rd\n",
        // prose or another alphabet's word that names no secret is a passphrase, and a scheme's word then a token is a token
        'db.password=Correct horse battery staple',
        '{"spring.datasource.password": "Correct horse battery staple"}',
        'spring.datasource.password=Winter 2024!',
        'password: "Summer 2025!"',
        'db.password=Schönwetter',
        'api.token=Bearer Xk3q9Lm2Pz7wQ',
        'token: "Bearer abcdefghijKLMNOPqrstuv"',
        // prose under a secret's own name in a file of prose: a passphrase all the same
        'app.greeting=Hello and welcome\napp.footer=Made with love in Berlin\nserver.port=8080\nspring.datasource.password=Correct horse battery staple\n',
        'title: Orders\nsubtitle: All your orders in one place\npassword: Winter 2024!\n',
      ],
      [
        'password=Password',
        'token: Token',
        'login.password.label=Password',
        'password: "Enter your password"',
        'password: Enter your password',
        'login.password=Mot de passe',
        'password=Mot de passe oublié ?',
        'password: Contraseña',
        '{"login": {"password": "Пароль"}}',
        "login.title=Se connecter\nlogin.user=Nom d'utilisateur\nlogin.password=Passwort\nlogin.submit=Envoyer le formulaire\n",
      ],
    );
  });

  it("leave a catalogue of one line of JSON, an Angular app's upper-case keys in a catalogue, Android's strings and a label with an acronym alone; a password among them is still one", () => {
    for (const text of [
      "login.password=Mot de passe\napi.token=Jeton d'API\napi.key=Clé d'API\n",
      '{"auth": {"password": "Contraseña", "token": "Token de acceso", "secret": "Secreto"}}',
      '{"PASSWORD": "Password", "PASSWORD_CONFIRM": "Confirm password", "TOKEN_EXPIRED": "Your token has expired"}',
      '<resources><string name="password">Password</string><string name="token_hint">Enter your access token</string></resources>',
    ])
      expect(detectSecret(text), text).toBeUndefined();
    for (const text of [
      'APP_GREETING="Hello and welcome"\nAPP_FOOTER="Made with love"\nADMIN_PASSWORD=Welcome to the jungle\n',
      '{"auth": {"password": "Xk9vQ2mLr7pT", "title": "Sign in", "submit": "Log in"}}',
      '<resources><string name="password">Xk9vQ2mLr7pT</string></resources>',
      '{"DB_HOST": "db", "DB_PASSWORD": "Hunter2pw"}',
    ])
      expect(detectSecret(text), text).toBeDefined();
  });

  it("take a label's word for a label only when it names the kind of secret its setting's name says, and a part of a name only in it", () => {
    expectRule(
      'secret-setting',
      [
        // `passe` alone is no label (French `mot de passe` is), and a token's word is none under a password's name
        'db.password=Passe muraille 9',
        'api.password=Token bucket 42',
        'form.password=Jeton',
      ],
      [
        'login.password=Mot de passe',
        'password: Mật khẩu',
        "api.token=Jeton d'accès",
        'token=Токен доступа',
        'secret_key: Clé secrète',
        'es:\n  auth:\n    password: Contraseña\n    token: Token de acceso\n    secret: Clave secreta\n    api_key: Clave de API\n',
        'auth.password=Parola\nauth.secret=Chiave segreta\n',
        '{"password": "パスワード", "token": "トークン"}',
      ],
    );
  });

  it("take a lone capitalized word that names the secret for a label in a text of labels mostly, and for a password beside a configuration's settings", () => {
    expectRule(
      'secret-setting',
      [
        'db.password=Passwort\napp.name=orders\n',
        'spring.datasource.url=jdbc:postgresql://db/app\nspring.datasource.password=Passwort\n',
        'db:\n  user: admin\n  password: Passwort\n',
        // a variable of the environment's name holds a password, whatever the text
        'DB_PASSWORD=Passwort',
        // a word of the name that is not the secret's own: the service or the user the password is for
        'redis.host=redis\nredis.password=Redis\n',
        'admin.password=Admin\n',
        'spring.rabbitmq.password=Rabbitmq\n',
      ],
      ['form.password=Passwort', 'form.user=Benutzer\nform.password=Passwort\n', 'login:\n  title: Anmelden\n  password: Passwort\n'],
    );
  });

  it('leave a commented-out example alone, and find a commented literal that looks like a real password', () => {
    expectRule(
      'secret-setting',
      ['#password=Xk3q9Lm2Pz7w\nhost=db', '# DB_PASSWORD=Sup3rS3cret2024\n', '  # db_password: P@ssw0rd!', '// token: "Sup3rS3cret2024"'],
      [
        '# password=changeme\nhost=db',
        '; password = foobared',
        "// password: 'hunter2'",
        '-- password: admin',
        '#   spring.datasource.password=your-password-here',
        '/*\n * password: secret\n */',
      ],
    );
    // not a comment: a value that starts with `#`, a flag
    expect(detectSecret('password=changeme')?.rule.id).toBe('secret-setting');
  });

  it("leave code that reads or computes a secret alone: a prompt, a hash, a request's parameter, a header split, a variable Compose requires", () => {
    expectRule(
      'secret-setting',
      // a literal of a password's own, and a default Compose falls back to, are found
      [
        'password = "Sup3rS3cret2024"',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a default a shell or Compose fills in
        'POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-Sup3rS3cret2024}',
        'password = Sup3r.S3cret(2024)',
        // a call's shape with no call nor keyword among its arguments
        'db.password=Summer(2024=fun)',
        'password: Secret(Xk3q9=Lm2Pz7w)',
        // a secret passed to a call of a literal, not a prompt nor a separator
        'const password = atob("U3VwM3JTM2NyZXQyMDI0");',
        "password = trim('Sup3rS3cret2024')",
        'token = Token("Xk3q9Lm2Pz7wQabc")',
      ],
      [
        "password = input('Password: ')",
        'password = input("Password")',
        'passphrase = input(f"Passphrase for {key}: ")',
        "password = getpass.getpass(prompt='Password: ')",
        'password = hashlib.sha256(raw.encode()).hexdigest()',
        "password = bcrypt.hashpw(password.encode('utf-8'), bcrypt.gensalt())",
        "const token = req.headers.authorization?.split(' ')[1];",
        'password = params[:password]',
        // a model's or a form's field, a hash made, a value built by calls
        'password = models.CharField(max_length=128)',
        'password = serializers.CharField(write_only=True)',
        "password = forms.CharField(widget=forms.PasswordInput, label='Mot de passe')",
        'token = Column(String(64), unique=True)',
        'password_hash = db.Column(db.String(128))',
        '$this->password = Hash::make($request->password);',
        'password = str(uuid.uuid4())',
        'let password = String::from(env::var("PW").unwrap());',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a variable Compose requires, with its error message
        'services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:?set it}\n',
      ],
    );
  });

  it("find a literal written in pieces side by side (Python's implicit concatenation), on one line or within parentheses, and leave a tuple and a read alone", () => {
    expectRule(
      'secret-setting',
      [
        // a first piece too short to judge alone
        'PASSWORD = "Xk" "9vQ2mLr7pT"',
        'DB_PASSWORD = ("Xk9vQ2"\n               "mLr7pT")\n',
        'SECRET_KEY = (\n    \'Xk9vQ2\'\n    "mLr7pT"\n)\n',
        'api_token = ("Xk" "9vQ2mLr7pT")',
      ],
      [
        'AUTH_USERS = ("admin", "viewer")',
        'password = ("")',
        // parentheses that only group a read
        'DB_PASSWORD = (os.environ["DB_PASSWORD"])',
        'DB_PASSWORD = (os.getenv("DB_PASSWORD"))',
        // a help text in pieces
        'password_help = ("Use at least 12 characters, "\n                 "with a digit.")\n',
      ],
    );
  });

  it("find a literal Python's str.join makes of a list or a tuple of literals, on one line or over several; leave a join of a read or a variable alone", () => {
    expectRule(
      'secret-setting',
      [
        'password = "".join(["Xk9v", "Q2mL", "r7pT"])',
        "DB = {'password': ''.join(('Xk9v', 'Q2mL', 'r7pT'))}",
        'API_TOKEN = "-".join([\n    "Xk9v",\n    "Q2mLr7pT",\n])\n',
      ],
      [
        'password = "".join([prefix, "Q2mLr7pT"])',
        'password = "".join([os.environ["DB_PASSWORD_A"], os.environ["DB_PASSWORD_B"]])',
        'password_help = " ".join(["Use at least 12 characters,", "with a digit."])',
        'password = "".join([])',
      ],
    );
  });

  it("find a literal a dotted call only wraps (str.strip, textwrap.dedent, a library's unwrap), and leave a read's, a client's, a prompt's and a key's name alone", () => {
    expectRule(
      'secret-setting',
      [
        'password = str.strip("  Xk9vQ2mLr7pT  ")',
        'password = mylib.unwrap("Xk9vQ2mLr7pT")',
        'DB_PASSWORD = textwrap.dedent("Xk9vQ2mLr7pT")',
        'const apiToken = String.raw("Xk9vQ2mLr7pT");',
      ],
      [
        'password = keyring.get_password("db", "admin")',
        'password = vault.read("secret/db")',
        'token = boto3.client("secretsmanager")',
        'password = click.prompt("Password", hide_input=True)',
        'password = os.environ.get("DB_PASSWORD")',
        'password = kms.decrypt("AQICAHhXk9vQ2mLr7pTabcdefgh")',
        'password = getpass.getpass("Password for admin: ")',
        'password = i18n.t("Enter your password")',
      ],
    );
  });

  it("find Python's f-string that interpolates nothing and JavaScript's template literal a read falls back to; leave those that interpolate alone", () => {
    expect(detectSecret('DB_PASSWORD = f"Xk9vQ2mLr7pT"')?.rule.id).toBe('code-literal');
    expect(detectSecret('const token = process.env.TOKEN || `Xk9vQ2mLr7pT`;')?.rule.id).toBe('secret-setting');
    for (const text of [
      'DB_PASSWORD = f"{os.environ[\'PW_PREFIX\']}-{suffix}"',
      'password_hint = f"Use {n} characters or more"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript's interpolation
      'const token = process.env.TOKEN || `${prefix}-dev`;',
    ])
      expect(detectSecret(text), text).toBeUndefined();
  });

  it("leave an expression awaited alone (JavaScript's, Python's and C#'s await), and find the word await alone under a password's name", () => {
    expectRule(
      'secret-setting',
      ['password = await\n', 'password: yield\n'],
      [
        "const password = await secrets.get('db-password');",
        'password = await get_secret("db")',
        'var password = await client.GetSecretAsync("db");',
        'token = yield select(getToken)',
      ],
    );
  });

  it("leave a member of a secret's name of words joined alone, as Django's settings are read, and find another secret's word", () => {
    expectRule(
      'secret-setting',
      ['db.password=admin.secret', 'password=hunter2.example', 'password = Sup3r.S3cret2024'],
      ['token = settings.API_TOKEN', 'secret = settings.SECRET_KEY', 'token = app.config.SECRET_TOKEN', 'password = cfg.dbPassword'],
    );
  });

  it('take a dotted, capitalized word on a line of a properties, .env or YAML file for the password it is, and the same in code for a member read', () => {
    expectRule(
      'secret-setting',
      [
        'spring.datasource.password=Acme.MyPassword',
        'app.name=orders\nspring.datasource.password=Acme.MyPassword\r\nserver.port=8080\n',
        'spring:\n  datasource:\n    password: Acme.MyPassword\n',
        'DB_PASSWORD=Acme.MyPassword  \n',
      ],
      [
        'import os\nPASSWORD = Config.DB_PASSWORD\n',
        'token = settings.API_TOKEN',
        'const cfg = {\n  password: Config.DbPassword\n}\n',
        'var o = new Options { Password = Settings.DbPassword };',
        'this.password = Settings.DbPassword;',
        'db.password=config.db.password',
        // a catalogue's label
        'login.password=Password\nlogin.user=User name\n',
      ],
    );
  });

  it('leave a catalogue of labels in words alone, numbers among its prose', () => {
    expect(detectSecret('login:\n  password: Passwort\n  password_hint: Mindestens 8 Zeichen\n  submit: Anmelden\n')).toBeUndefined();
    expect(detectSecret('login.title=Sign in to your account\nlogin.password=Password\nlogin.password_hint=Pflichtfeld\n')).toBeUndefined();
    // a message of sentences, commas among their words, and a compound that ends in the secret's word (German's), in a catalogue
    const catalogue = (extra: string) =>
      `{\n  "login": {\n    "title": "Sign in",\n    "username": "Username",\n    "forgot_password": "Forgot your password?",\n${extra}    "submit": "Sign in"\n  }\n}\n`;
    expect(detectSecret(catalogue('    "token_expired": "Your session token has expired. Please, sign in again.",\n'))).toBeUndefined();
    expect(detectSecret(catalogue('    "token": "Zugangstoken",\n    "otp_password": "Einmalpasswort",\n'))).toBeUndefined();
    expect(detectSecret(catalogue('    "token_expired": "Xk9vQ2mLr7pT. Please sign in again.",\n'))?.rule.id).toBe('secret-setting');
    expect(detectSecret(catalogue('    "token": "Xk9vQ2mLr7pT",\n'))?.rule.id).toBe('secret-setting');
    // a catalogue's message about another secret under a secret's own name (Devise's passwords.no_token); a passphrase there is one
    const devise = (line: string) =>
      `en:\n  devise:\n    passwords:\n      ${line}\n      send_instructions: "You will receive an email with instructions on how to reset your password in a few minutes."\n`;
    expect(detectSecret(devise(`no_token: "You can't access this page without coming from a password reset email."`))).toBeUndefined();
    expect(detectSecret(devise('no_token: "Correct horse battery staple"'))?.setting).toBe('no_token');
    // under a secret's own name a capitalized word that names no secret is one, among labels and prose too (RabbitMQ's guest)
    for (const text of [
      'app.title=Order service\nrabbitmq.host=Rabbit\nrabbitmq.username=Guest\nrabbitmq.password=Guest\n',
      'app.name=Order service\napp.owner=Team Blue\nrabbitmq.password=Guest\n',
    ])
      expect(detectSecret(text)?.setting, text).toBe('rabbitmq.password');
    expect(detectSecret('login:\n  password: S3cr3tPassw0rd\n  password_hint: Mindestens 8 Zeichen\n  submit: Anmelden\n')?.rule.id).toBe(
      'secret-setting',
    );
  });
});
