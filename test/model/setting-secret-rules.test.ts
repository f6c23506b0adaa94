/** The secret rules that read settings written as text (lib/model/setting-secret-rules.ts). */
import { describe, expect, it } from 'vitest';
import { detectSecret } from '../../lib/model/secret-rules.js';
import { secretStrings } from '../../lib/checks/secret-strings.js';
import { PUBLIC_CERTIFICATE } from '../helpers/secret-samples.js';
import { expectRule } from '../helpers/secret-rules.js';

/** Parameters whose value is no secret: a Secret's name or key under a name that says so (Tekton's), a template Helm fills in. */
const PARAMETERS_NOT_SECRET: readonly (readonly [string, string])[] = [
  ['docker-password-secret', 'regcred'],
  ['git-token-secret', 'github-token'],
  ['GITHUB_TOKEN_SECRET_KEY', 'token'],
  ['tokenSecretName', 'my-token'],
  // a Helm template, as a values file writes it
  ['API_TOKEN', 'Bearer {{ .Values.token }}'],
];

describe('the secret rules of settings written as text', () => {
  it("find the items of a YAML list under a secret's name, a block's or a flow's, of a password's mix; not a list of names, mappings or references", () => {
    // was: nothing found, a list's items being no value on the key's line
    for (const text of [
      'users:\n  passwords:\n    - Xk9vQ2mLr7pT\n',
      'password:\n- hunter2x # the old one\n',
      'api_keys:\n  - abcdef0123456789abcdef0123456789\n',
      "tokens: ['kR3x9vLm2pQ7', Xk9vQ2mLr7pT]\n",
      '- name: ci\n  tokens:\n    - "kR3x9vLm2pQ7"\n',
    ])
      expect(detectSecret(text)?.rule.id, text).toBe('secret-list');
    for (const text of [
      'secrets:\n  - GITHUB_TOKEN\n  - NPM_TOKEN\n',
      'tokens: [access, refresh]\n',
      'imagePullSecrets:\n  - name: regcred\n',
      'tokens:\n  - type: bearer\n    value: $(TOKEN)\n',
      'passwords:\n  - $' + '{DB_PASSWORD}\n  - "{{ .Values.pw }}"\n',
      'auth:\n  tokens:\n    - /run/secrets/token\n',
      'secretKeys: [password, username]\n',
      'passwordPolicy:\n  - length(8)\n',
      'hosts:\n  - Xk9vQ2mLr7pT\n',
    ])
      expect(detectSecret(text), text).toBeUndefined();
  });

  it("find a secret list's items among blank lines and comments, and a flow list of several lines, after = or in JSON; not a list of mappings", () => {
    // was: nothing found, a blank line or a comment ending the list, and a flow list read on its key's line only
    for (const text of [
      'passwords:\n  # the old one\n  - Xk9vQ2mLr7pT\n',
      'db:\n  passwords:\n    - hunter2x\n\n    - Xk9vQ2mLr7pT\n',
      '{\n  "apiKeys": [\n    "Xk9vQ2mLr7pT",\n    "Yb8wR3nMs6qU"\n  ]\n}\n',
      '{"name":"shop","apiKeys":["Xk9vQ2mLr7pT"]}',
      'api_keys = [\n  "Xk9vQ2mLr7pT",\n]\n',
      'passwords: [\n  Xk9vQ2mLr7pT,\n]\n',
    ])
      expect(detectSecret(text)?.rule.id, text).toBe('secret-list');
    for (const text of [
      'tokens:\n  # which to issue\n  - access\n\n  - refresh\n',
      '{\n  "tokens": [\n    "access",\n    "refresh"\n  ],\n  "secrets": ["db-creds"]\n}\n',
      'scopes = ["read:packages"]\napi_keys = []\n',
      '{"keys": [{"kty": "RSA", "kid": "2024-01", "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc"}]}',
      'hosts:\n  - a.example.com\n# passwords:\n- Xk9vQ2mLr7pT\n',
      `passwords: [${'x, '.repeat(5000)}`,
    ])
      expect(detectSecret(text), text.slice(0, 80)).toBeUndefined();
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

  it('find Logstash\'s password => "...", and leave a JavaScript arrow function, a JSX handler and a Ruby variable alone', () => {
    expectRule(
      'secret-setting',
      [
        'output {\n  elasticsearch {\n    hosts => ["http://es:9200"]\n    user => "elastic"\n    password => "Hunter2xyz"\n  }\n}\n',
        "{ :password => 'Hunter2xyz' }",
        // a bare word, as Logstash takes one: ending its line, before the block's end or the next setting
        'output {\n  elasticsearch {\n    user => elastic\n    password => Hunter2xyz\n  }\n}\n',
        'output { elasticsearch { hosts => ["es:9200"] password => Hunter2xyz } }',
        'output { elasticsearch { password => Hunter2xyz user => elastic } }',
        // a bare word no identifier is, wherever it is
        'password => Hunter2!xyz\n',
      ],
      [
        'const check = (password) => password.length > 8;\nconst mask = token => token.slice(0, 4);',
        'users.filter(token => valid);\nconst same = password => password\nconst f = secret => secretOf;',
        // an identifier after =>, outside a Logstash pipeline: JSX's handlers, a Ruby hash's variable
        '<form onSubmit={token => save}>\n<input onChange={password => setPassword} />',
        'connect(:user => db_user, :password => db_password)\nopts = { :token => api_token }',
        ':password => db_password\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as Logstash writes one
        'output { elasticsearch { user => "elastic" password => "${ES_PASSWORD}" } }',
      ],
    );
  });

  it("leave a settings module's code alone (a call, the environment), and find the literal it falls back to", () => {
    // Django's settings.py, a Rails or Laravel config, a Node or Java program's: the secret is read from elsewhere
    for (const text of [
      'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\n',
      "SECRET_KEY = os.getenv('DJANGO_SECRET_KEY')\n",
      '"PASSWORD": os.environ.get("DB_PASSWORD"),\n',
      'api_key = ENV.fetch("API_KEY")\n',
      "password: ENV['DB_PASSWORD']\n",
      'module.exports = { token: process.env.API_TOKEN };\n',
      'String password = System.getenv("DB_PASSWORD");\n',
      "'password' => env('DB_PASSWORD'),\n",
      'password = get_secret(DB_PASSWORD_ID)\n',
      'password = os.getenv("DB_PASSWORD", "")\n',
      'const token = process.env.TOKEN ?? "";\n',
      // a literal of the next statement on the line is that statement's
      'password = os.getenv("DB_PASSWORD"); banner = "Welcome to Xk9mQ2vLp8 staging"\n',
      // a literal joined to the value read is text of the string the code builds, not a fallback
      'password = os.getenv("DB_PASSWORD") + " is the password used by the service"\n',
      '$password = getenv("DB_PASSWORD") . " (read from the environment)";\n',
      "local token = os.getenv('API_TOKEN') .. ' Xk9mQ2vLp8'\n",
      // and before it: a value built from the environment, the literal its text around what is read
      'password = "prefix" + os.getenv("X")\n',
      'password = "prefix" + os.environ["X"]\n',
      "$pass = 'db-' . getenv('DB_SUFFIX');\n",
      'headers = {"token": "Bearer " + process.env.API_TOKEN}\n',
      'password = "app-" + "v2-" + System.getenv("DB_PASSWORD")\n',
      'DB_PASSWORD = "%s-2024" % os.getenv("DB_SUFFIX")\n',
      // a dict's next entry after a read is no fallback of it; a call with a number, a header's value cut
      '"PASSWORD": os.environ.get("DB_PASSWORD", ""), "HOST": "db", "PORT": "5432"\n',
      "DATABASES = {'default': {'PASSWORD': os.getenv('DB_PASSWORD'), 'USER': 'app'}}\n",
      'if (token.startsWith("Bearer ")) { token = token.substring(7); }\n',
      'password := os.Getenv("DB_PASSWORD")\n',
      // a member of the setting's own name, passed on (a request's body, a config object's)
      'const password = req.body.password;\n',
      'token: ctx.state.token,\n',
      'db.password=config.db.password\n',
      // an object read by its keys, a Jenkinsfile's variable bound to a credential
      'password = config["database"]["password"]\n',
      'password = settings["database"]["secret"]\n',
      'var token = configuration["Jwt:Key"];\n',
      "withCredentials([usernamePassword(credentialsId: 'db', usernameVariable: 'USER', passwordVariable: 'PASS')]) { sh 'x' }\n",
      // a Jenkinsfile's binding of a credential of Jenkins' store, by its id
      "pipeline {\n  environment {\n    REGISTRY_CREDS = credentials('registry-creds')\n  }\n}\n",
      // a prompt for it: mongosh's, Python's
      "db.createUser({user: 'app', pwd: passwordPrompt(), roles: []});\n",
      'password = getpass()\n',
    ])
      expect(detectSecret(text), text).toBeUndefined();
    expectRule('secret-setting', [
      'password = os.getenv("DB_PASSWORD", "Hunter2xyz")\n',
      "SECRET_KEY = os.environ.get('SECRET_KEY', default='django-insecure-8f2kx9q')\n",
      'SECRET_KEY = os.environ["SECRET_KEY"] or "Xk9mQ2vLp8"\n',
      'const token = process.env.TOKEN || "Xk9mQ2vLp8abc";\n',
      // a password with parentheses is no call
      'password: Hunter2(xyz)\n',
      'password = Hunter2xyz(\n',
      'password: Pa$$w0rd(1)\n',
      // nor a word and parentheses in a .env file: no call's shape (a dotted name, env, getenv, config, a getter's name)
      'DB_PASSWORD=hunter2(prod)\n',
      'DB_PASSWORD=x7Kp(q9Lm)\n',
      'DB_PASSWORD=hunter2()\n',
      // a literal anywhere after the call on its line: Kotlin's `?:`, Rails' block, Django's conditional
      'val password = System.getenv("DB_PASSWORD") ?: "Xk9mQ2vLp8"\n',
      '$password = getenv("DB_PASSWORD") ?: "Xk9mQ2vLp8";\n',
      'config.secret_key_base = ENV.fetch("SECRET_KEY_BASE") { "8f2kQx9Lm3pZ7vW1" }\n',
      "SECRET_KEY = os.environ.get('SECRET_KEY') if DEBUG else 'django-insecure-8f2kx9qLm3'\n",
      // a `;` within the fallback ends no statement
      "password = os.getenv('A', 'pa;Hunter2pwX')\n",
      // the fallback is judged whatever is joined after it
      'password = os.getenv("DB_PASSWORD", "Hunter2xyz") + " is the password"\n',
      "const token = process.env.TOKEN + '-suffix' || 'Xk9mQ2vLp8abc';\n",
      // a literal joined to anything but a read of the environment, or read on another line, is the value
      'password = "Hunter2xyz" + suffix\n',
      'password = "Hunter2xyz" + "abc"\n',
      'password = "Hunter2xyz"  # os.getenv("X")\n',
      'password = "Hunter2xyz"\nother = "a" + os.getenv("X")\n',
      // a fallback within the call, whatever follows it
      '"PASSWORD": os.environ.get("DB_PASSWORD", "Xk9mQ2vLp8"), "HOST": "db"\n',
      // set as Go and a Makefile set a variable
      'password := "Xk9mQ2vLp8"\n',
      'DB_PASSWORD ?= Xk9mQ2vLp8\n',
      'DB_PASSWORD := Xk9mQ2vLp8\n',
      // a member's fallback is judged, and a member of another name is no code of this one
      'const password = req.body.password || "Xk9mQ2vLp8";\n',
      'password: app.Pass\n',
      // a fallback after the keys read
      'password = config["database"]["password"] or "Xk9mQ2vLp8"\n',
    ]);
  });

  it("leave a package.json's scripts and dependencies alone under any name (token, password, jsonwebtoken), and find a secret their commands hold or a setting after them", () => {
    const pkg = (scripts: string, rest = '') => `{\n  "name": "app",\n  "scripts": {\n${scripts}\n  }${rest}\n}\n`;
    const file = pkg('    "token": "node gen.js",\n    "password:reset": "node reset.js",\n    "secret": "echo \\"}\\" && node s.js"');
    expect(detectSecret(file), file).toBeUndefined();
    // a ConfigMap's package.json, as the checks screen it
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app' }, data: { 'package.json': file } };
    expect(secretStrings(configMap)).toEqual([]);
    expect(detectSecret('{"scripts": {"token": "node gen.js"}, "private": true}')).toBeUndefined();
    // its dependencies: a package's name and its version (composer.json's require too)
    for (const text of [
      '{"dependencies": {"jsonwebtoken": "^9.0.0", "passport-jwt": "~4.0.1"}, "devDependencies": {"@types/jsonwebtoken": "^9.0.5"}}',
      '{"require": {"php": ">=8.1", "lcobucci/jwt": "^5.0"}, "require-dev": {"secret-handshake/x": "1.0.0"}}',
    ])
      expect(detectSecret(text), text).toBeUndefined();
    // a dependency's URL with a password is refused by the URL rules
    expect(detectSecret('{"dependencies": {"lib": "git+https://deploy:Xk9mQ2vLp8zz@git.example.com/org/lib.git"}}')?.rule.id).toBe(
      'url-credentials',
    );
    for (const [text, setting] of [
      // a command's own settings and flags
      [pkg('    "deploy": "NPM_TOKEN=Hunter2xyzQ npm publish"'), 'NPM_TOKEN'],
      [pkg('    "token": "node gen.js --password=Hunter2xyz"'), 'password'],
      // a setting after the scripts, or in another object, is a setting
      [pkg('    "token": "node gen.js"', ',\n  "config": {"token": "Hunter2xyzQ"}'), 'token'],
      ['{"token": "Hunter2xyzQ", "scripts": {"token": "node gen.js"}}', 'token'],
    ] as const)
      expect(detectSecret(text)?.setting, text).toBe(setting);
  });

  it("leave Jasypt's and Spring Cloud Config's encrypted values alone (ENC(<ciphertext>), {cipher}<ciphertext>), and find the encryptor's password, plaintext in DEC(), ENC() or after {noop}, and a key of another length", () => {
    // jasypt-spring-boot: salt and ciphertext, 24 bytes (PBEWithMD5AndDES) or 48 (PBEWITHHMACSHA512ANDAES_256)
    const des = 'ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)';
    const aes = 'ENC(bo51h4tANUF3nYfOEaHCCA0x3n5YIvIXPagbhLBIdOGWk4oP+rHaa9CzrpkT+gP1)';
    expectRule(
      'secret-setting',
      [
        `spring.datasource.password=${des}\njasypt.encryptor.password=Sup3rSecretKey!\n`,
        'spring.datasource.password=DEC(Hunter2pw!x)\n',
        'spring.datasource.password: ENC(Hunter2pw!x)\n',
        // base64 of text is no ciphertext
        `password: ENC(${Buffer.from('Hunter2pw!xHunter2pw!xAB').toString('base64')})\n`,
      ],
      [
        `spring.datasource.password=${des}\n`,
        `spring:\n  datasource:\n    username: app\n    password: ${aes}\n`,
        `<property name="password" value="${des}"/>\n`,
        `DB_PASSWORD=${aes}\n`,
      ],
    );
    // Spring Cloud Config's: hex (a symmetric key's) or base64 (an RSA key's); Spring Security's storage ids before a password
    const hex = '68b92e50b63a23fedcb46dd8de9176a3fded38a070adbbc1cef53eaa2adbc6d2e0618f43a961765cd5a4ace0d25c0277';
    const rsa = 'AQhZzWAST+Jbw3YTEmS4TwrDARPPQk5bAxIzfjynFNL3aAH7wYROeUmkdUIi7wUmCb0bTMHlTw5xoRrYKz8Abkzm185pMfiHLFViJxCrtv+hB+akMWNyAEue';
    expectRule(
      'secret-setting',
      [
        'spring.security.user.password={noop}Hunter2pwX\n',
        "spring:\n  security:\n    user:\n      password: '{noop}Hunter2pwX'\n",
        'spring.datasource.password={cipher}Hunter2pwX\n',
        `spring.datasource.password={cipher}${Buffer.from('Hunter2pwXHunter2pwX').toString('hex')}\n`,
      ],
      [
        `spring.datasource.password={cipher}${hex}\n`,
        `spring:\n  cloud:\n    config:\n      server:\n        git:\n          password: '{cipher}${rsa}'\n`,
        // a template of a name, not a storage id
        'token_format={token}-{ts}\n',
      ],
    );
    // a hash after its storage id is a hash's (found as one either way); a plaintext after ids one after another, the password
    expect(
      detectSecret('spring.security.user.password={bcrypt}$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG\n')?.rule.id,
    ).toBe('password-hash');
    expect(detectSecret('password="{noop}{noop}Hunter2pwX"\n')?.rule.id).toBe('secret-setting');
    // not quoted too: a value of one id was read, and the ids after it ended the value before the password
    for (const file of ['password={noop}{noop}secretvalue\n', 'spring.security.user.password={noop}{noop}{noop}Hunter2pwX\n'])
      expect(detectSecret(file)?.setting, file).toMatch(/password$/);
    expect(detectSecret('password={noop}{bcrypt}\n')).toBeUndefined();
    // an AWS secret key's 30 bytes are no blocks of 8: the key, wrapped
    expect(detectSecret('aws.secret-key=ENC(wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY)\n')).toBeDefined();
    const env = (value: string) =>
      secretStrings({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app' }, data: { DB_PASSWORD: value } }).map(
        (f) => f.rule?.id ?? 'name',
      );
    expect(env(aes)).toEqual([]);
    expect(env(des)).toEqual([]);
    expect(env(`{cipher}${hex}`)).toEqual([]);
    expect(env('ENC(Hunter2pw!x)')).toEqual(['name']);
  });

  it("find a setting code defines under a secret's name (WordPress' define, setdefault, a config's set), and leave code, other settings and WordPress' sample salt alone", () => {
    expectRule(
      'defined-setting',
      [
        "define( 'DB_NAME', 'wordpress' );\ndefine( 'DB_PASSWORD', 'Hunter2pwX' );\n",
        "define('AUTH_KEY', 'k#9$Lm2@pZ7!wB4^nT8&yU6*qR1%vX3');\n",
        "os.environ.setdefault('DJANGO_SECRET_KEY', 'Hunter2pwX')\n",
        'config.set("token", "Xk9mQ2vLp8")\n',
        // Java's system properties and maps, Go's environment
        'System.setProperty("javax.net.ssl.keyStorePassword", "Xk9mQ2vLp8");\n',
        'props.put("password", "Xk9mQ2vLp8");\n',
        'os.Setenv("DB_PASSWORD", "Xk9mQ2vLp8")\n',
      ],
      [
        "define( 'DB_USER', 'wp' );\ndefine( 'AUTH_KEY',         'put your unique phrase here' );\ndefine( 'WP_DEBUG', false );\n",
        "define( 'DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD') );\n",
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'app.settings')\n",
        "app.set('view engine', 'pug');\ncache.set('token', token);\n",
        'System.setProperty("javax.net.ssl.keyStore", "/etc/ssl/ks.p12");\nheaders.put("token", token);\n',
      ],
    );
  });

  it("find a setting code sets with a setter or a builder's method named after it, and leave other calls and references alone", () => {
    expectRule(
      'setter-setting',
      [
        'ds.setPassword("Xk9mQ2vLp8");\n',
        "cfg.setApiKey('Xk9mQ2vLp8abc');\n",
        'new PostgreSQLContainer("postgres:16").withPassword("Xk9mQ2vLp8")\n',
        'DataSourceBuilder.create().username("app").password("Xk9mQ2vLp8").build();\n',
      ],
      [
        'ds.setPassword(password);\n',
        'ds.setPassword("");\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder Spring fills in
        'ds.setPassword("${DB_PASSWORD}");\n',
        'x.setTokenType("Bearer");\n',
        'x.setPasswordEncoder("bcrypt");\n',
        'x.setSecretName("db-secret");\n',
        'header.split("token");\n',
        'req.header("Authorization");\n',
        'x.withTokenTtl("3600");\n',
      ],
    );
    // messages name the property set, never the value
    expect(detectSecret('ds.setPassword("Xk9mQ2vLp8");')?.setting).toBe('password');
  });

  it("find a setting whose name follows a path's / (a key path, an annotation's prefix), and leave a config provider's key alone", () => {
    expectRule(
      'secret-setting',
      [
        'config/app/db/password: Hunter2xyz\n',
        '{"db/password": "Hunter2xyz"}\n',
        'example.com/token: Hunter2xyz\n',
        // a Spring placeholder's default is a value, not a config provider's key
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Spring placeholder
        'spring.datasource.password=${DB_PASSWORD:Hunter2pwX}\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Spring placeholder
        'x: ${db.password:Hunter2pwX}\n',
      ],
      [
        // Kafka's ${file:<path>:<key>}: the key names the secret the file holds; each setting within a reference is left alone
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a config provider's reference
        'ssl.keystore.password=${file:/etc/kafka/secrets/creds.properties:keystore.password}\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a config provider's reference
        'sasl.jaas.config=${file:/opt/kafka/creds/db/password:value}\n',
      ],
    );
  });

  it("leave a CI system's secret named in an expression's context alone (secrets.DB_PASSWORD, vars.X, env.X), and find a password after such a word's dot", () => {
    expectRule(
      'secret-setting',
      [
        'password: secrets.Xk9vQ2mLr7pT\n',
        'DB_PASSWORD=secrets.S3cr3tValue9\n',
        'api_token: vars.Xk9vQ2mLr7pT\n',
        'password: Xk9vQ2mLr7pT\n',
        // a password of words and digits after a context's word: no variable's name
        'password: env.Summer2024\n',
        'DB_PASSWORD=secrets.hunter2\n',
        'password: env.Summer_2024\n',
        'api_token: inputs.P4ssw0rd\n',
        // words of a password's mix (digits within a word) joined as a name's, a `-` where GitHub's secrets and variables take none
        'password: vars.p4ss_w0rd\n',
        'password: secrets.s3cr3t_pa55\n',
        'password: secrets.hunter-two\n',
        'password: env.dragon-fly\n',
      ],
      [
        'password: secrets.DB_PASSWORD\n',
        'password: inputs.registry-password\n',
        'password: inputs.registryPassword\n',
        'password: secrets.GH_PAT_V2\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
        '      - uses: docker/login-action@v3\n        with:\n          username: ${{ github.actor }}\n          password: secrets.GHCR_TOKEN\n',
        'API_TOKEN=env.API_TOKEN\n',
        'registry:\n  password: secrets.registry_password\n',
      ],
    );
  });

  it("leave a property Maven's resource filtering fills in alone (Spring Boot's @db.password@, a build's @@API_TOKEN@@), and find a password between @", () => {
    expectRule(
      'secret-setting',
      [
        'password=@Summer2024@\n',
        'password=@Xk9vQ2mLr7pT@\n',
        'password=@Summer_2024@\n',
        'password=@db.pass1word@\n',
        'password=@db.password@@\n',
        // words between @ that name no secret: a passphrase, not a property that holds one
        'password=@hunter.two@\n',
        'password=@correct.horse.battery.staple@\n',
        'password=@dragon-fly@\n',
        'api_token: "@monkey_banana@"\n',
      ],
      [
        'spring.datasource.password=@db.password@\n',
        'spring:\n  datasource:\n    password: "@db.password@"\n',
        'password=@env.DB_PASSWORD@\n',
        'auth_token: @@AUTH_TOKEN@@\n',
        'spring.datasource.password=@jdbc.pwd@\n',
        'api.key=@maps.apiKey@\n',
      ],
    );
  });

  it('leave a PowerShell cmdlet run for its output alone ($env:DB_PASSWORD = (Get-Content ...)), and find a password within parentheses or quoted', () => {
    expectRule(
      'secret-setting',
      ['$env:DB_PASSWORD = (Xk9vQ2-mLr7pT)', '$env:DB_PASSWORD = "Xk9vQ2mLr7pT"'],
      [
        '$env:DB_PASSWORD = (Get-Content /run/secrets/db)',
        '$Password = (Read-Host -AsSecureString "Password")',
        '$token = (Get-Secret -Name api)',
      ],
    );
  });

  it("find a password a SQL statement gives a user (an init script's CREATE USER, ALTER ROLE, GRANT, SET PASSWORD), and leave columns, parameters and references alone", () => {
    expectRule(
      'sql-password',
      [
        "CREATE USER app WITH PASSWORD 'pgAppPw2024x';\n",
        "CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'pgAppPw2024x';\n",
        "ALTER ROLE app\n  WITH LOGIN\n  PASSWORD 'pgAppPw2024x';\n",
        "CREATE USER 'app'@'%' IDENTIFIED BY 'myAppPw2024x';\n",
        "ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY 'rootPw2024x';\n",
        "GRANT ALL ON app.* TO 'app'@'%' IDENTIFIED BY 'myAppPw2024x';\n",
        // mysql_native_password's hash: a client logs in with it
        "GRANT ALL ON app.* TO 'app'@'%' IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9';\n",
        "SET PASSWORD FOR 'app'@'%' = 'myAppPw2024x';\n",
        "SET PASSWORD FOR 'app'@'%' = PASSWORD('myAppPw2024x');\n",
        // Oracle's, quoted with " or not at all
        'CREATE USER app IDENTIFIED BY "OraPw2024x";\n',
        'CREATE USER app IDENTIFIED BY OraPw2024x;\n',
      ],
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference, as envsubst fills one in
        "CREATE USER app WITH PASSWORD '${DB_PASSWORD}';\n",
        'CREATE USER app WITH PASSWORD NULL;\nCREATE USER app IDENTIFIED BY PASSWORD;\n',
        // a program's statement, its parameter filled in; a psql variable
        'cur.execute("CREATE USER app PASSWORD \'%s\'" % pw)\n',
        "CREATE USER app WITH PASSWORD :'app_password';\n",
        // a column named password, in a statement that gives no user one
        "CREATE TABLE users (id int, password text);\nSELECT id FROM users WHERE password <> '';\n",
        "CREATE USER app;\nINSERT INTO audit (note) VALUES ('x');\n",
      ],
    );
    // a statement ends at its `;`: a password after one is another statement's
    expect(detectSecret("CREATE USER app;\nSELECT 'x' AS password;\n")).toBeUndefined();
  });

  it('find a password in a Redis ACL rule (a users.acl file, ACL SETUSER), and leave a user without one alone', () => {
    expectRule(
      'redis-acl-password',
      [
        'user default off\nuser app on >s3cr3tAppPw ~app:* +@all\n',
        'user app >Hunter2xyz on ~* &* +@all\n',
        'redis-cli ACL SETUSER app on >Hunter2xyz ~* +@all\n',
        // a password's SHA-256, unsalted: a weak password is found from it
        `user ci on #${'a1b2c3d4e5f60718293a4b5c6d7e8f90'.repeat(2)} ~* +@all\n`,
      ],
      [
        'user app on nopass ~* +@all\nuser ci off resetpass ~*\n',
        'user nginx;\nworker_processes auto;\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference
        'user app on >${REDIS_APP_PASSWORD} ~* +@all\n',
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
        // design tokens whose values are ids, outside an acl block
        'tokens {\n  default: "3f9a1c2b-4d5e-6f70-8192-a3b4c5d6e7f8"\n}\n',
        '{"theme": {"tokens": {"default": "3f9a1c2b-4d5e-6f70-8192-a3b4c5d6e7f8"}}}',
      ],
    );
  });

  it("find a Terraform variable's default under a secret's name, and leave a variable without one, other variables and the language's references alone", () => {
    expectRule(
      'terraform-variable',
      [
        'variable "db_password" {\n  type    = string\n  default = "Hunter2pwX"\n}\n',
        'variable "api_token" { default = "glpat-like-Hunter2pwX" }',
        'variable "admin_pw" {\n  default = 84612379\n}',
        // after a nested block, braces in its strings too
        'variable "db_password" {\n  type = string\n  validation {\n    condition     = length(var.db_password) >= 12\n    error_message = "Use 12 characters {or more}."\n  }\n  default = "Hunter2pwX"\n}\n',
        'variable "db_password" {\n  type = object({ user = string, port = number })\n  default = "Hunter2pwX"\n}\n',
      ],
      [
        'variable "db_password" {\n  type      = string\n  sensitive = true\n}\n',
        // the language's literals: no default
        'variable "db_password" { type = string sensitive = true default = null }',
        'variable "db_password" {\n  sensitive = true\n  default   = false\n}\n',
        // a default within a nested block is none of the variable's
        'variable "db_password" {\n  type = object({\n    user = string\n  })\n  default = {\n    user = "Hunter2pwX"\n  }\n}\n',
        'variable "region" {\n  default = "eu-west-1"\n}\nvariable "token_ttl" {\n  default = "1h"\n}\n',
      ],
    );
    // a reference of the language is an expression, not a value (a module's main.tf, a provider's block)
    for (const text of [
      'module "db" {\n  db_password = var.db_password\n}\n',
      'provider "github" {\n  token = data.vault_generic_secret.gh.data["token"]\n}\n',
      'admin_password = local.admin_password\n',
      // a type constraint: an object type's attributes, a variable's type
      'variable "db" {\n  type = object({\n    user = string\n    pass = string\n    token = optional(string)\n    creds = list(object({\n      key = string\n    }))\n  })\n}\n',
      'variable "api" {\n  type = object({ pass = string, port = number })\n}\n',
      // in a Terraform configuration, a resource's attribute and a call of the language's functions
      'resource "aws_db_instance" "db" {\n  password = random_password.db.result\n}\n',
      'resource "kubernetes_secret" "db" {\n  data = {\n    password = aws_secretsmanager_secret_version.db.secret_string\n  }\n}\n',
      'locals {\n  db_password = random_password.db[0].result\n}\n',
      'module "db" {\n  token   = sensitive(var.token)\n  api_key = try(var.api_key, null)\n}\n',
      'resource "x" "y" {\n  password = jsondecode(data.aws_secretsmanager_secret_version.db.secret_string)["password"]\n}\n',
    ])
      expect(detectSecret(text), text).toBeUndefined();
    expect(detectSecret('db_password = "Hunter2pwX"\nregion = "eu-west-1"\n')?.rule.id).toBe('secret-setting');
    // only in HCL (`name = <reference>`) and in snake_case: elsewhere a password that starts like one
    expectRule('secret-setting', [
      'spring.datasource.password=local.Admin99x',
      'DB_PASSWORD=data.Pass-2024',
      'password: self.Destruct9',
      'db_password = local.Admin99x',
      // a function's literal fallback; and a resource's shape or a call outside a Terraform configuration
      'resource "x" "y" {\n  password = coalesce(var.pw, "Hunter2pwX")\n}\n',
      'DB_PASSWORD = random_password.db.result\n',
      'DB_PASSWORD = upper(hunter2)\n',
      // a type's name after `=`, or quoted, is a value; and outside an object type (a .env file's) a word like any other
      'pass = "string"',
      'password = string\n',
      'DB_PASSWORD=string\n',
      'DB_PASSWORD=number\n',
      'DB_PASSWORD=bool\n',
      // an optional attribute's default, its second argument, is a value
      'variable "api" {\n  type = object({ token = optional(string, "Xk9mQ2vLp8abcd") })\n}\n',
      'variable "api" {\n  type = object({\n    pass = optional(string, \'Hunter2pwX\')\n  })\n}\n',
    ]);
  });

  it("find a heredoc under a secret's name (Terraform's <<EOT and <<-EOT, a variable's default, Ruby's <<~, PHP's <<<), and leave references, other names and an unclosed one alone", () => {
    expectRule(
      'heredoc-setting',
      [
        'resource "aws_db_instance" "db" {\n  username = "admin"\n  password = <<EOT\nXk9vQ2mLr7pT\nEOT\n}\n',
        'resource "x" "y" {\n  password = <<-EOT\n    Xk9vQ2mLr7pT\n  EOT\n}\n',
        'ADMIN_PASSWORD = <<~PWD.strip\n  Xk9vQ2mLr7pT\nPWD\n',
        "$password = <<<'EOT'\nXk9vQ2mLr7pT\nEOT;\n",
        'locals {\n  api_token = <<EOT\r\nXk9vQ2mLr7pT\r\nEOT\r\n}\r\n',
      ],
      [
        'resource "aws_iam_policy" "p" {\n  policy = <<EOT\n{"Version": "2012-10-17", "Statement": []}\nEOT\n}\n',
        // a name of a secret's property: that property's text (Vault's password policy, as a local a resource reads)
        'locals {\n  password_policy = <<EOT\nlength = 20\nrule "charset" {\n  charset = "abcdefghijklmnopqrstuvwxyz"\n}\nEOT\n}\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's reference, which it fills in
        'resource "x" "y" {\n  password = <<-EOT\n    ${random_password.db.result}\n  EOT\n}\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference a shell fills in
        'cat > /etc/app.conf <<EOF\npassword = ${DB_PASSWORD}\nEOF\n',
        // never closed: no value (and a closing word of another heredoc is no end of it)
        'resource "x" "y" {\n  password = <<EOT\nXk9vQ2mLr7pT\nEOF\n}\n',
      ],
    );
    expectRule('terraform-variable', ['variable "db_password" {\n  type    = string\n  default = <<-EOT\n    Xk9vQ2mLr7pT\n  EOT\n}\n']);
  });

  it("find a value given to a tool's config set under a secret's name (aws configure set, npm config set, Redis's CONFIG SET), and leave references and other settings alone", () => {
    expectRule(
      'config-set',
      [
        'aws configure set aws_secret_access_key Hunter2pwSecret --profile ci',
        'redis-cli -h redis CONFIG SET requirepass Hunter2pw',
        'npm config set //registry.npmjs.org/:_authToken npm-Hunter2pw',
        "kubectl config set users.ci.token 'Hunter2pwToken'",
        // after the tool's flags, with their values or not
        'aws configure set --profile ci aws_secret_access_key Hunter2pwSecret',
        'npm config set --location=project //registry.npmjs.org/:_authToken npm-Hunter2pw',
        'npm config set --global _password Hunter2pw',
        // every flag and its value before the name
        'aws configure set --profile ci --region eu-west-1 aws_secret_access_key Hunter2pwSecret',
        // lower-case passwords: after a tool's name or at a command's start no following word makes a sentence, nor
        // Redis's upper-case CONFIG SET
        'redis-cli CONFIG SET requirepass quietlongriver masterauth quietlongriver',
        'redis-cli -h redis config set requirepass quietlongriver masterauth quietlongriver',
        'npm config set password correcthorsebatterystaple',
        'RUN npm config set password correcthorsebatterystaple',
        'config set requirepass quietlongriver',
      ],
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference as a CI script writes it
        'aws configure set aws_secret_access_key "${AWS_SECRET}"; aws configure set region eu-west-1',
        'gcloud config set auth/disable_credential_file_storage true; npm config set registry https://nexus.example.com/npm/',
        'kubectl config set-credentials ci --exec-command=aws; redis-cli CONFIG SET maxmemory 2gb',
        'aws configure set --profile ci region eu-west-1',
        // prose, in a comment or a description
        '# config set token limits\nmodel: gpt',
        'Use config set token limits to cap what each user spends',
        '// config set password hints for new users',
        `{"description": "${'Set the spend of each user. '.repeat(12)}Use config set token limits to cap it"}`,
      ],
    );
  });

  it("find a password or its verifier in a PgBouncer userlist, and PostgreSQL's verifiers anywhere; leave two quoted words of a table, or of a text that is no userlist, alone", () => {
    expectRule(
      'userlist-password',
      [
        '"app" "Hunter2xyz"\n"report" "R3port-pw"\n',
        // its comments and blank lines
        '; the pool\'s users\n"app" "Hunter2xyz"\n\n"report" "R3port-pw"\r\n',
        '"app" "md5d2a6b2e1d5a03b38e5f0f39c3bcd4e2f"',
        '"app" "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5c3RvcmVrZXk=:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5c2VydmU="',
      ],
      [
        '"ru" "Russian"\n"en" "English"',
        '"app" ""',
        '"app" "secret"',
        // a userlist's line among other lines is no userlist: a bash array
        'opts=(\n  "--user" "Hunter2xyz"\n)',
      ],
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
      // OpenLDAP's bind and root passwords (ldap.conf, nslcd.conf, slapd.conf)
      'BASE dc=example,dc=com\nBINDDN cn=admin,dc=example,dc=com\nBINDPW Hunter2pwX\n',
      'binddn cn=nslcd,dc=example,dc=com\nbindpw Hunter2pwX\n',
      'database mdb\nrootdn cn=admin,dc=example,dc=com\nrootpw Hunter2pwX\n',
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
        // OpenVPN's digest of its packets
        'auth-user-pass /etc/openvpn/auth.txt\nauth SHA256\ncipher AES-256-GCM\n',
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

  it("find a variable a shell sets under a secret's name: fish's set -x, Windows' setx, PowerShell's $env:; and leave other set commands, references and paths alone", () => {
    expectRule(
      'set-variable',
      [
        "set -gx GITHUB_TOKEN 'Xk3q9Lm2Pz7wQabc'",
        'set -x DB_PASSWORD Xk3q9Lm2Pz7w',
        'setx DB_PASSWORD "Xk3q9Lm2Pz7w"',
        // fish's long options, and setx's /M (the machine's environment), passed
        'set --global --export DB_PASSWORD Xk3q9Lm2Pz7w',
        'setx /M DB_PASSWORD "Xk3q9Lm2Pz7w"',
      ],
      [
        'set -euo pipefail',
        'set -x\necho DB_PASSWORD Xk3q9Lm2Pz7w',
        'set -e DB_PASSWORD',
        'set -gx DB_PASSWORD $argv[1]',
        'setx DB_PASSWORD_FILE C:\\secrets\\db',
        // fish's command substitution reads the secret when the shell starts, as a keychain or a password manager gives it
        'set -gx DB_PASSWORD (cat ~/.secrets/db)',
        'set -x OPENAI_API_KEY (security find-generic-password -s openai -w)',
        'set -gx NPM_TOKEN (pass show npm)',
      ],
    );
    expectRule(
      'secret-setting',
      ['$env:DB_PASSWORD = "Xk3q9Lm2Pz7w"', "$env:API_TOKEN='Xk3q9Lm2Pz7wQabc'"],
      // another variable of the environment, PowerShell's `$env:NAME`, is a reference
      ['$env:DB_PASSWORD = $Secret', '$env:DB_PASSWORD = $env:OTHER_PASSWORD', '$env:API_TOKEN = "$env:CI_TOKEN"'],
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
      ['password=/hunter2k', 'password=hunter2/k', '--from-file=password=hunter2k', 'vault kv put secret/app password=@Hunter2pwX'],
      [
        'kubectl create secret generic db --from-file=password=/tmp/pw',
        // Vault's and curl's @file: the value read from a file
        'vault kv put secret/app password=@/run/secrets/pw',
        '--from-file=ssh-privatekey=~/.ssh/id_rsa',
        'kubectl create secret generic db --from-file=password=./password.txt --from-file=token=token.txt',
        'sh -c "kubectl create secret generic db --from-file=password=./password.txt"',
        '--from-file=password=password.txt',
        'password: /run/secrets/db',
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

  it('find a literal joined to anything but a read of a variable named (a method of its own, a call, the environment whole), and leave one joined to a named read alone', () => {
    expectRule(
      'secret-setting',
      [
        // Java's method of the literal: a `.` just after the quote is no join
        'byte[] secretKey = "Sup3rS3cretJwtKey2024".getBytes(StandardCharsets.UTF_8);\n',
        // a call that reads no variable of the environment by its name
        'password = "Sup3rS3cret2024" + getSalt()\n',
        'password = "Sup3rS3cret2024" + String.valueOf(2024)\n',
        'password = "Sup3rS3cret2024" + str.strip()\n',
        'password = "Sup3rS3cret2024" + config()\n',
        'password = "Sup3rS3cret2024" + env()\n',
        'password = "Sup3rS3cret2024" + System.getProperty("x")\n',
        // the environment as a whole, no variable named; `%` with no placeholder in the literal
        'password = "Sup3rS3cret2024" + process.env\n',
        'password = "Sup3rS3cret2024" % os.environ\n',
        'password = "Sup3rS3cret2024" % os.getenv("X")\n',
      ],
      [
        'password = "prefix" + process.env["DB_SUFFIX"]\n',
        'password = "prefix" + import.meta.env.VITE_SUFFIX\n',
        "password = 'prefix' .. os.getenv('X')\n",
        'password = "prefix-" + ENV.fetch("X")\n',
        'String password = "prefix-" + System.getenv("X");\n',
        'password = "%(env)s-2024" % os.environ["X"]\n',
      ],
    );
  });

  it("find a script's, a dependency's or an override's value that is no command and no version, and any in a text that is no manifest", () => {
    expectRule('secret-setting', [
      '{"overrides": {"DB_PASSWORD": "Sup3rS3cret2024"}}',
      '{"scripts": {"password": "Sup3rS3cret2024"}}',
      '{"dependencies": {"password": "Sup3rS3cret2024"}}',
      '{"resolutions": {"token": "Sup3rS3cret2024"}}',
      // a manifest's object below its top is no scripts object
      '{"config": {"scripts": {"password": "Sup3rS3cret2024"}}}',
      // an object not closed: no JSON, no manifest, to its end
      '{\n  "scripts": {\n    "build": "tsc",\n    password: "Sup3rS3cret2024"\n',
      '"scripts": {\n  "token": "node gen.js",\n  "password": "Sup3rS3cret2024"\n',
    ]);
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app' },
      data: { 'package.json': '{"overrides": {"DB_PASSWORD": "Sup3rS3cret2024"}}' },
    };
    expect(secretStrings(configMap).map((f) => f.rule?.id)).toEqual(['secret-setting']);
    // a command, one tool's name, a version of any kind
    for (const text of [
      '{"scripts": {"token": "tsc", "password:reset": "./reset.sh", "secret": "node s.js"}}',
      '{"dependencies": {"secret-a": "npm:secret-b@^1.0.0", "token-b": "workspace:*", "token-c": "file:../token-c", "secret-d": "latest", "token-e": "owner/token-e#v1.2.0", "token-f": ">=1.2.3 <2.0.0 || ^3.0.0", "token-g": "1.x"}}',
      '{"require": {"secret/lib": "dev-main", "token/lib": ">=1.0,<2.0", "secret/x": "^1.0@beta"}}',
    ])
      expect(detectSecret(text), text).toBeUndefined();
  });

  it('leave methods that read or ask (get, read, fetch...), sentences and other calls alone, and find snake-case setters', () => {
    expectRule(
      'setter-setting',
      ['user.set_password("Xk9mQ2vLp8")\n', 'client.with_token("Xk9mQ2vLp8abc")\n', '.password("Xk9mQ2vLp8")\n'],
      [
        'KeyVaultSecret s = secretClient.getSecret("sql-admin-password");\n',
        'String t = credentials.getToken("github");\n',
        'char[] pw = console.readPassword("Password for %s: ");\n',
        'vault.readSecret("secret/data/db");\n',
        'store.fetchToken("ci-deploy");\n',
        'repo.findPassword("admin-2024");\n',
        'if (user.isPassword("x7Kp9qLm")) {}\n',
        '.password("Password must be at least 8 characters long")\n',
        'i18n.secret("Secret value")\n',
      ],
    );
    expect(detectSecret('user.set_password("Xk9mQ2vLp8")')?.setting).toBe('password');
  });

  it("leave Go's declarations from a call alone (its arguments are no fallback), and find the fallbacks of a read", () => {
    expectRule(
      'secret-setting',
      [
        'password = os.getenv("X", "Sup3rS3cret2024")\n',
        'const password = process.env.X || "Sup3rS3cret2024";\n',
        'password = os.environ.get("X") or "Sup3rS3cret2024"\n',
        'const token = process.env.TOKEN ?? "Sup3rS3cret2024";\n',
        "password = config('db.password', 'Sup3rS3cret2024')\n",
        // a fallback after another call's arguments
        'password = strings.TrimSpace(os.Getenv("X")) || "Sup3rS3cret2024"\n',
      ],
      [
        'token := strings.TrimPrefix(auth, "Bearer ")\n',
        'password := flag.String("password", "", "db password")\n',
        'token := uuid.New().String()\n',
        'password := generatePassword(16)\n',
        'pw := strings.TrimSpace(string(b))\n',
        'password = hash.Sum(x7Kp9qLm, "Sup3rS3cret2024")\n',
        'SECRET_KEY = secrets.token_urlsafe(50)\n',
        'password = process.env.X || fmt("Sup3rS3cret2024")\n',
      ],
    );
  });

  it("find a password that has a call's or a member's shape but digits within its words", () => {
    expectRule(
      'secret-setting',
      ['password = Sup3r.S3cret(2024)\n', 'token = Sup3rS3cret.substring(7)\n', 'password = Sup3rS3cret2024.password\n'],
      ['token = token.substring(7)\n', 'password = cfg2.db.password\n', 'password = os.urandom(32)\n'],
    );
  });
});
