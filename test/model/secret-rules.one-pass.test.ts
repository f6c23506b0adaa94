/**
 * The secret rules read any text in one pass: each shape that once made a rule read it again and again, at 128 KiB and at 1 MiB
 * (a window's size: what 8 MiB, a file's bound, is screened in when a regular expression overflows its stack), in a process of its
 * own: its CPU time at 1 MiB may be at most MAX_GROWTH (24) times its time at 128 KiB, where one pass grows 8 times and a rule
 * that reads the rest of the text from each match 64 times (and at 512 KiB, screened first, 12 times: such a rule is said there);
 * the process is stopped after 3 minutes (a hang guard, as for FIFOs: a
 * test's time limit cannot stop a regular expression). Work, not the clock: other processes' load does not count.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { HANG_MS, type Unit, grownAlone, runAlone, screenedAlone } from '../helpers/secret-rules.js';

// a test's time limit outlasts its processes' (two at most): vitest's own 60 s ended groups beside the full suite at a load of 20
/** Sealed Secrets' ciphertext's form: random-looking bytes (xorshift, the same in each run) after a sealing key's length, 4096 bits. */
const SEALED = (() => {
  let x = 2463534242;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 255;
  };
  return Buffer.from([2, 0, ...Array.from({ length: 600 }, next)]).toString('base64');
})();

describe('the secret rules on 1 MiB of text', { timeout: 2 * HANG_MS + 30_000 }, () => {
  // each run of name, scheme or token characters is read once, and no rule reads all the text
  // before a match: such rules took minutes for a megabyte of `a-a-a-...` or of `sha1:<hex> ...`
  // (a hang guard, as for FIFOs: in a process of its own, since a test's time limit cannot stop
  // them); a run of megabytes, which overflows the regular expressions' backtracking stack, is read
  // in windows rather than failing with a RangeError
  // in four processes, each with its own time limit: the units took 25-46 s in one on 2 busy cores
  it.each([
    ['names, tokens, schemes and settings', ['a-', 'token-', 'a.b:', 'password ', 'Ab0+', '"key":"v",', `sha1:${'ab'.repeat(25)} `]],
    [
      "JSON Web Keys' public members, integrity digests, webhook secrets and Terraform variables",
      ['"n": "a', '"x5c": [', '"x": "Ab0', 'whsec_', 'sha512-Ab0', 'variable "a" {', 'variable "password" { default = "a'],
    ],
    [
      "clients' command lines and XML",
      [
        'mysql -p ',
        'curl -u a: ',
        '-h mysql;',
        '<password>x ',
        '<a b="',
        '<token>v</tok>',
        'docker --a b ',
        'echo a |',
        'echo a | chpasswd ',
        // a command written as a list: each list read once, 64 entries at most
        '["a", ',
        '["mysql", "-p',
        "['a', 'b'] ",
        'sqlplus -s ',
      ],
    ],
    [
      'XML attributes, .netrc and .pgpass',
      ['<a key="password"><![CDATA[', '<entry key="token">x', 'machine a login b ', 'default account ', 'h:5432:d:u:', 'h:1:d:u:$P\n'],
    ],
    [
      'escapes, flags, spaced settings, blocks and users',
      [
        'a\\:',
        '--token v ',
        ' -a-',
        'pass v\n',
        ' token: |\n',
        ':a/b@c',
        'a://b:c/',
        'a://b:c/d/',
        // a proxy's headers and HAProxy's passwords, each read from its directive
        'proxy_set_header a ',
        'http-request set-header a $b ',
        'stats auth a:$b ',
        'insecure-password $a ',
      ],
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
        // a userlist's line in a text that is none: the text is judged once, not at each line
        '"a" "b!cd"\nx\n',
        'password => x ',
        'token => a(',
        // an identifier after =>: the text is looked at for a Logstash section once, not at each
        'password => abc\n',
        'tokens {',
        'tokens { agent = "a',
        '"tokens": {"dns": "0-',
        'config set ',
        'configure set a "',
        'config set --a b ',
        'acl { ',
        'acl { tokens { agent = "a',
      ],
    ],
    [
      "a JSON Web Key's chain, Terraform variables' blocks and config set's prose",
      [
        // a candidate's word, so that the screen reads the chain (`"x5c": [` alone is passed over by its first test)
        '"x5c": [ pass ',
        // a variable's block read to its end, nested blocks and strings within it
        'variable "password" {',
        'variable "password" { validation { ',
        'variable "password" { x = "{',
        'variable "password" { default = null ',
        // prose (a comment, a description's words) before a password's word, on one line of 8 MiB: each read back a bound
        '# config set token limits\n',
        'Use config set token limits ',
        'config set --a b --c d --e f ',
        // a Terraform configuration's resource references and calls: the text looked at for its blocks once
        'resource "a" "b" {\n  password = random_password.a.b\n  token = try(var.a, ',
      ],
    ],
    [
      "code's calls and fallbacks",
      // the literals after each call read a bound along its line (a quoted text after code under a secret's name is judged:
      // `password = os.getenv("` repeated is a password, `password = os.getenv(`, quoted)
      ['password = os.getenv("a") ', 'token = process.env.A || "$A" ', 'token = process.env.A || '],
    ],
    // (in two processes: 21-24 s for the six alone at a load of 10, past 60 s under the full suite's at a load of 20)
    ["code's calls and fallbacks, continued", ['password = f(" ', 'SECRET_KEY = os.environ["a"] or ', 'pass=os.getenv("a", ']],
    [
      "a package.json's objects, a read's statement, Go's and make's assignments",
      [
        // a package.json's scripts objects, each read once to its end (a string to its quote or line's end)
        '"scripts": {',
        '"devDependencies": {"jsonwebtoken": "^9", ',
        '"scripts": {"token": "a b", "',
        '"scripts": {"token": "\\',
        // a read's statement, cut at a dict's next entry, its parentheses counted a bound ahead; Go's and make's assignments
        '"PASSWORD": os.getenv("a", "b"), ',
        'password = os.getenv("a", (',
        'a := ',
        'a ?= ',
      ],
    ],
    [
      'members and keys read, literals joined before a read, setters',
      [
        'password = a.password || ',
        'a = b["c"]["',
        "m.put('a', '",
        // literals joined to a read after them, looked at a bound ahead
        'password = "a" + "b" . ',
        "password = 'ab' % os.getenv(",
        // a setter's or a builder's method and its literal, each read once
        '.password("',
        "setPassword('",
        "withToken(' ",
      ],
    ],
    [
      'joined literals, encrypted values, storage ids and defined settings',
      [
        // literals joined to the value read, each looked at a bound back; Jasypt's ciphertext, decoded per value
        'password = os.getenv("a") + "b" . "c" ',
        'password = ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm) ',
        // a storage id in braces before a value, read once
        'password={a',
        'a={noop}{',
        // a call's name and literals, each read once
        "define('a', '",
        "set('a', 'b') ",
      ],
    ],
    [
      "literals joined to a named read, a call's arguments and fallbacks, setters that read",
      [
        // the literals and joins after a quoted value, a bound ahead; the name a read quotes, to its quote
        'password = "a" + "b" + ',
        'password = "%s" % os.environ[',
        "password = 'a' . os.getenv(\"",
        // a call's parentheses counted once along its statement; a call's arguments and chained calls
        'token := strings.TrimPrefix(a, "b", (',
        'pw := a.f(g(b)).h() || ',
        'password = a.b(1) ',
        // a setter's name and literal, each read once
        '.set_password("',
        '.getToken("a b") ',
      ],
    ],
    [
      "variables and types in code, converted literals and reads' fallbacks",
      [
        // a variable passed on, a type and what may follow it, each looked at a bound ahead
        'Password: password, ',
        'token: string | ',
        'a: Optional[',
        'password: a = ',
        'x: &',
        // a conversion before a literal, a read's name and its fallback
        'password = Buffer.from(',
        'a = b"',
        'getProperty("password", ',
      ],
    ],
    // (in two processes, as the groups above: 55 s for the fourteen alone at a load of 10)
    [
      'labels, comments and code computing a value',
      [
        // a comment's marker looked for a bound behind each setting; a catalogue's lines read once per text
        '# password=changeme\n',
        'login.password=Passwort\nlogin.title=Se connecter\n',
        // a form's labels, counted once per text; a label's words and phrases read once per value
        'form.password=Passwort\n',
        'password: Mot de passe de ',
        // code computing a value, a prompt, a symbol's subscript, a required variable
        'password = a.b(c.d()).e() ',
        // a run of digits in a call's arguments, read once (alternatives of names and numbers read it again at each split)
        'password = a.b(11111111111111111111111111111111x ',
        "password = input('",
        'password=${A:?',
        'password = a[:b',
        // a nested key's parent, its text's keys read once with their indentation
        ['csrf:\n', '  token-id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n'] as const,
      ],
    ],
    [
      "expansions' defaults and decoded literals",
      [
        // a value of expansions read once from its `$`, a bound ahead when not quoted; a quoted one once whole
        'password: ${a:-',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's expansion
        'a=${b}-x',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's expansion
        'password="${a:-$b}" ',
        'a=${b:-$',
        'a=${b:-${c:-$d$$',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's expansion
        ['password="${a:-', '${b:-$c}$d-'] as const,
        // conversions and decoders one after another, each a name and its parenthesis read once
        'password = new String(Base64.getDecoder().decode(',
        'a, _ := base64.StdEncoding.DecodeString(',
        // a call's dotted name read once, its arguments before the password a bound
        'a.b.c.',
        'auth=(a, ',
        'new NetworkCredential("a", ',
        'x.login(a, b, ',
        'DriverManager.getConnection(a, b, ',
        // a shell's set commands, each at a line's start or after ; & |; PowerShell's $env: before a name
        'set -x a ',
        ';setx a ',
        'set --export -x ',
        ';setx /M a ',
        '$env:a$env:',
      ],
    ],
    // a reference's ${ looked for a bound behind each setting
    ["code's literals and references", ['password = env() "a" ', 'a=${b:c/password=d ', 'password = System.getenv("a") ?: ']],
    // each password's statement looked for a bound behind it
    [
      'SQL statements',
      [
        "CREATE USER a PASSWORD '' ",
        'CREATE USER a IDENTIFIED BY ;',
        "GRANT a IDENTIFIED WITH b BY '$",
        "SET PASSWORD FOR a = PASSWORD(''",
      ],
    ],
    // an ACL line's words read once to its first > or #, an ACL SETUSER's 32 at most
    ['Redis ACL rules', ['user a b ', 'user a >$b ', 'ACL SETUSER a ']],
    [
      'tokens told by their text',
      // the bare shapes, in a text that does not name what they are: the text is read once for its words, not once per shape
      // (without oncePerText, 22-24 s per MiB); near Twilio's name, a bound either side of each shape
      [
        '0123456789abcdef0123456789abcdef ',
        'abcdef.0123456789abcdeg ',
        '"k":"AAAAAAAAAAAAAAAAAAAA" ',
        'key-0123456789abcdef0123456789abcdef ',
        'twilio 0123456789abcdef0123456789abcdef ',
      ],
    ],
    // each prefix's body read once
    ['tokens told by their prefix', ['glrt-a ', 'glrt-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ', 'ATATT3a ']],
    [
      "heredocs, openssl's -k and literals in pieces",
      [
        // a heredoc never closed, read 64 lines ahead of each name at most; a variable's default within its block's bound
        'password = <<E\n',
        ['password = <<E\n', 'x\n'] as const,
        'variable "password" { default = <<E\n',
        'openssl -k $A ',
        // pieces side by side, 16 at most, and parentheses that never close
        ['password = (', '"a" '] as const,
        'password = ("a" ',
        'password = "a" "b" ',
      ],
    ],
    // (in two processes: 44 s for the eight alone at a load of 8)
    ["wrapping calls and credential calls' subscripts", ['password = a.b("c" ', 'x.login(a[0], ', 'auth=(a["b"], ', '.login(a(b']],
    // a catalogue's entries of one line of JSON, each split once at its comma; Android's strings
    [
      "labels in one line of JSON and Android's strings",
      [['{', '"a": "Password", '] as const, '{"password": "Passwort", "b": {', '<string name="password">Password</string>'],
    ],
    // PHP's connections, a template literal never closed after a fallback, passwd lines under a setting's name; the calls that take
    // a password by its position after a count of arguments (redis-py's fourth, Ruby's Net::SMTP's fifth), each argument read once
    [
      "PHP's connections, template literals, passwd lines, calls' positions and Redis URLs",
      [
        'new PDO(a, b, ',
        'mysqli_connect(a, b, ',
        'token = a.b || `c ',
        'passwd: a:x:1:1:b:c:d\n',
        'redis.Redis(a, b, ',
        'Net::SMTP.start(a, b, ',
        // a Redis URL's user, read once from its scheme
        'rediss://a@b ',
      ],
    ],
    // a database's connect, its port before the user; a join's list never closed, 16 pieces at most; a catalogue under a password's name
    [
      "database connects, joined lists and catalogues' capitalized words",
      [
        'connect(a, b, ',
        'x.connect(a, 22, b, ',
        'password = "".join([',
        ['password = "".join([', '"a", '] as const,
        'app.title=Order service\npassword=Passwort\n',
      ],
    ],
    [
      "LDAP binds, FTP, PowerShell's SecureString and cmdlets, MQTT's and HTTP clients' logins",
      [
        'x.simple_bind_s(a, ',
        'FTP(a, b, ',
        'ConvertTo-SecureString "a" ',
        '$env:A = (Get-Content ',
        'x.username_pw_set(a, ',
        'Credentials.basic(a, ',
        '.auth(a, ',
      ],
    ],
    // a connect string's placeholders and formats, and a comment's line read back a bound for each URL on it
    [
      "connect strings' placeholders, formats and comments",
      ['# x://a:b@c\n', 'x://<a>:<b>@c ', 'x://A:B@c ', '"x://%s:%s@%s" ', 'x://{}:{}@{} '],
    ],
    [
      "member reads, labels and Secrets' names",
      [
        // a properties line looked at once; a text's code marks read once
        'token = settings.API_TOKEN\n',
        'api.token: API-Token\n',
        'passwordSecret: a-b\n',
        'password_help = "ab cd ef" ',
        // a SealedSecret's values of a ciphertext's form, each read a bound back for its key, the text for its kind once, in YAML
        // and in JSON of one line; a CI context's name of 8 MiB read once
        ['kind: SealedSecret\nspec:\n  encryptedData:\n', `    k: ${SEALED}\n`],
        ['{"kind":"SealedSecret","spec":{"encryptedData":{', `"password":"${SEALED}",`],
        ['password: env.', 'a_'],
        // an annotation's prefix read back a bound from each name's `/`; a catalogue's messages with commas, each line read once
        'a.b.io/auth-secret: c ',
        ['x', 'a-b.c/x-secret: d\n'],
        'login.passphrase=Verwenden Sie einen Satz, den Sie merken.\n',
        'a.b=Bitte melden Sie sich an, dann, \n',
      ],
    ],
  ] as const)("read 1 MiB (a window of 8 MiB, a file's bound) of any shape in one pass, finding nothing in these: %s", (_what, units) => {
    expect(screenedAlone(units)).toEqual(units.map(() => 'none'));
  });

  // a run of blanks after what starts a match: the value of a name and value pair (each blank was read again to the
  // run's end: 21 s for 64K blanks), the words of a private key's header, an echo before a pipe, a registry login's options
  it("read 1 MiB of blanks after a name and value pair, a private key's header, an echo or a registry login's options in one pass", () => {
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
      // an acl block's `:` or `=` after a run of blanks: each blank read the run again (14.6 s for 64 KiB)
      ['token acl', ' '],
      ['acl { tokens', ' \t'],
    ];
    expect(screenedAlone(units)).toEqual(units.map(() => 'none'));
  });

  // a nested key's settings on one line under its parent (`csrf:`, then `  token-id: <uuid> token-id: <uuid> ...`): each was read
  // back to the line's start to tell whether it is the line's key (4.8 s for 512 KiB, about 20 minutes for 8 MiB); only the
  // indentation before it is read back, and the second, not the line's key, is judged by its own name (a token's id)
  it("read 1 MiB of a nested key's settings on one line in one pass", () => {
    expect(screenedAlone([['csrf:\n  ', 'token-id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301 ']])).toEqual(['secret-setting']);
  });

  // an object read by quoted keys: each read looks at its keys and the literals after them a bound ahead (a process of its own:
  // 256 characters read per setting of 17)
  it('read 1 MiB of settings read from an object by its keys in one pass', () => {
    expect(screenedAlone(['password = a["b"]'])).toEqual(['none']);
  });

  // a file of examples' values are blanked line by line, each line read once: a run of blanks after a value (read again from each
  // of its blanks by two runs of blanks side by side), a line of one word, examples and URLs' passwords one after another
  it('read 1 MiB of a file of examples (.env.example) in one pass: blanks after a value, one long word, settings and URLs', () => {
    const rules = JSON.stringify(join(REPO, 'lib/model/secret-rules.ts'));
    const texts = [
      "'a x' + ' '.repeat(chars) + 'y'",
      "'a'.repeat(chars)",
      "'DB_PASSWORD=changeme\\n'.repeat(chars / 21)",
      "'u=x://a:pass@'.repeat(chars / 13)",
    ];
    const found = grownAlone(
      `import { detectSecretInExample } from ${rules};`,
      texts.map((text) => `(chars) => detectSecretInExample(${text})?.rule.id ?? 'none'`),
    );
    expect(found).toEqual(['none', 'none', 'none', 'none']);
  });

  // a manifest is parsed once per text (1 MiB at most), not once per script's setting: 38,000 of them parsed 1 MiB each
  it("read a package.json of 1 MiB, of scripts under a secret's name, in one pass", () => {
    const lib = JSON.stringify(join(REPO, 'lib/model/secret-rules.ts'));
    const found = runAlone(`import { detectSecret } from ${lib};
      const manifest = '{"name": "app", "scripts": {' + '"password": "node a.js", '.repeat(38_000) + '"token": "tsc"}}';
      console.log(manifest.length < 2 ** 20, detectSecret(manifest)?.rule.id ?? 'none');`);
    expect(found).toEqual(['true none']);
  });

  // a password's storage ids one after another (`{noop}{noop}...`): each was a call of its own and a copy of the rest, which
  // took the stack from 10,000 on (an internal error, the RangeError taken for a regular expression's) and quadratic time
  it('read a value of storage ids one after another, quoted or not, up to 1 MiB, in one pass', () => {
    const rules = JSON.stringify(join(REPO, 'lib/model/secret-rules.ts'));
    const found = runAlone(`import { detectSecret } from ${rules};
      for (const n of [10_000, 100_000])
        console.log(detectSecret('password="' + '{noop}'.repeat(n) + 'x"')?.rule.id ?? 'none');`);
    expect(found).toEqual(['none', 'none']);
    const grown = grownAlone(`import { detectSecret } from ${rules};`, [
      `(chars) => detectSecret('password="' + '{noop}'.repeat(chars / 6) + 'x"')?.rule.id ?? 'none'`,
    ]);
    expect(grown).toEqual(['none']);
    // not quoted: the ids one after another are read once, and once more back when no value follows them
    expect(screenedAlone([['password=', '{noop}']])).toEqual(['none']);
  });

  // a default's reference was read as any run of its name's letters, one way for each split (`$PG_USER` as `$PG_U` and `SER`...):
  // a default its brace never closed tried every split of every reference, 40 s for a line of nine (synth hung on a ConfigMap's
  // `DB_PASSWORD="${DB_PASSWORD:-$PG_USER-$PG_HOST-...`)
  it("read a default of references that no brace closes once, a key's value and a text's setting, up to 1 MiB", () => {
    const names = JSON.stringify(join(REPO, 'lib/model/secret-names.ts'));
    const rules = JSON.stringify(join(REPO, 'lib/model/secret-rules.ts'));
    const judged = (n: string) => `'\${A:-' + '$PG_USER- '.repeat(${n})`;
    const found = grownAlone(`import { isSecretSetting } from ${names}; import { detectSecret } from ${rules};`, [
      // (a line of nine, at each size)
      `() => isSecretSetting('DB_PASSWORD', ${judged('20')}) + ' ' + (detectSecret('DB_PASSWORD="' + ${judged('20')} + '"\\n')?.rule.id ?? 'none')`,
      `(chars) => isSecretSetting('DB_PASSWORD', ${judged('chars / 10')})`,
      `(chars) => detectSecret('DB_PASSWORD="' + ${judged('chars / 10')} + '"\\n')?.rule.id ?? 'none'`,
    ]);
    expect(found).toEqual(['true none', 'true', 'none']);
  });

  // a value of references is judged by the text it holds with them unset, and that text was read for references again: a `$` kept
  // before each expansion (`$$$(x)(x)`, read before `$$` was a `$` escaped: `$$(x)(x)`, then `$(x)`...) was a call of its own and
  // a copy of the rest, which took the stack from 8,000 on (an internal error for a 40 KB ConfigMap value) and quadratic time (1 s
  // for 4,000); with `$$` a `$` escaped, a run of 2^n - 1 of them before n expansions is read n times, each twice (unset as '' and
  // as a word)
  it("read a setting's value of 1 MiB of expansions, a `$` kept before each, once: a key's value and a text's setting", () => {
    const names = JSON.stringify(join(REPO, 'lib/model/secret-names.ts'));
    const rules = JSON.stringify(join(REPO, 'lib/model/secret-rules.ts'));
    // 10,001 of each, then as many as 1 MiB holds, then a run of 2^n - 1 before n (n = 17 and 20 for 128 KiB and 1 MiB)
    const values = ["'$'.repeat(10_001) + '(x)'.repeat(10_001)", "'$'.repeat(chars / 4) + '(x)'.repeat(chars / 4)"];
    values.push("'$'.repeat(2 ** Math.round(Math.log2(chars)) - 1) + '(x)'.repeat(Math.round(Math.log2(chars)))");
    const found = grownAlone(
      `import { isSecretSetting } from ${names}; import { detectSecret } from ${rules};`,
      values.map(
        (value) =>
          `(chars) => isSecretSetting('DB_PASSWORD_FILE', ${value}) + ' ' + (detectSecret('DB_PASSWORD_FILE: "' + ${value} + '"')?.rule.id ?? 'none')`,
      ),
    );
    expect(found).toEqual(['true none', 'true none', 'true none']);
  });

  // an option's value may be any word, `docker` too: each `docker` read its options again to the line's end (2.7 s for
  // 64K, hours for 8 MiB), and each `login` of a list walked back over every option before it (76 s for 20,000 pairs)
  it("read 1 MiB of a registry login's options in one pass, in a shell command and in a command or args list", () => {
    expect(screenedAlone([['token', ' docker --x']])).toEqual(['none']);
    const lib = JSON.stringify(join(REPO, 'lib/model/command-line-secrets.ts'));
    const found = runAlone(`import { clientPassword } from ${lib};
      const args = Array.from({ length: 2 ** 20 }, (_, i) => (i % 2 === 0 ? '--x' : 'login'));
      console.log(args.filter((_, i) => clientPassword(args, i) !== undefined).length);`);
    expect(found).toEqual(['0']);
  });

  it("read 1 MiB of settings within settings' values and of registry logins', redis-cli's, htpasswd's, mc's and keytool's command lines in one pass", () => {
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

  // the guard itself: a screen that counts the lines from the text's start every 1024 characters (as a rule counting a match's line
  // from the start would) is said by its growth, at 512 KiB (16 times 128 KiB's alone) before the 1 MiB that takes it 4 times as
  // long, or at 1 MiB when its first 128 KiB were slow: a rule doing so at each line of `key: pw` lines ran past HANG_MS at 1 MiB
  // under load, and the process's timeout was all that was said
  it('says a screen that reads the text again and again by its growth, not only by the process running out', () => {
    const square = `(chars) => {
      const t = 'key: pw\\n'.repeat(chars / 8);
      let lines = 0;
      for (let at = 0; at < t.length; at += 1024) for (let i = 0; i < at; i++) lines += t.charCodeAt(i) === 10 ? 1 : 0;
      return lines;
    }`;
    expect(() => grownAlone('', [square], ['lines counted from the start'])).toThrow(
      /lines counted from the start: (512 KiB|1 MiB) took \d+ ms of CPU, [\d.]+ times 128 KiB's \((4|8) in one pass, at most (12|24)\)/,
    );
  });

  // a screen whose CPU time is the square of its text's size exactly (a wait on process.cpuUsage, 20 ms at 128 KiB): said at 512 KiB,
  // 16 times 128 KiB's, without the 1 MiB (1.3 s here; a rule's minutes) that the guard screened before it said anything
  it('says a square at 512 KiB, before screening 1 MiB, and names the case', () => {
    const square = `(chars) => {
      const cpu = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
      const until = cpu() + 20 * (chars / 2 ** 17) ** 2;
      while (cpu() < until);
      return 'none';
    }`;
    expect(() => grownAlone('', ['() => "none"', square], ['nothing', 'a square'])).toThrow(
      /^a square: 512 KiB took \d+ ms of CPU, (1[3-9]|2\d)\.\d times 128 KiB's \(4 in one pass, at most 12\)/,
    );
  });

  // base64 told by a repeated group of four overflowed the regular expression's stack above 4 MiB (a RangeError, an internal error)
  it('read 8 MiB of base64 or hex in one pass, decoding its first 64 KiB: a secret there is found, said with its encoding', () => {
    const lib = JSON.stringify(join(REPO, 'lib/model/secret-rules.ts'));
    const found = runAlone(`import { detectEncodedSecret } from ${lib};
      const n = 2 ** 23;
      const text = 'password=Hunter2pw\\n' + 'a=b\\n'.repeat(n / 4);
      const wrapped = Buffer.from(text).toString('base64').replace(/.{1,76}/g, '$&\\n');
      for (const v of ['Q'.repeat(n), 'A'.repeat(n), 'A'.repeat(n + 1), 'QUFB'.repeat(n / 4) + '==', 'QUFB\\n'.repeat(n / 5), 'QU-_'.repeat(n / 4), 'Q\\n'.repeat(n / 2), Buffer.from(text).toString('base64'), Buffer.from(text).toString('hex'), Buffer.from(text).toString('base64url'), wrapped])
        console.log(detectEncodedSecret(v)?.given ?? 'none');`);
    expect(found).toEqual(['none', 'none', 'none', 'none', 'none', 'none', 'none', 'in base64', 'in hex', 'in base64', 'in base64']);
  });
});
