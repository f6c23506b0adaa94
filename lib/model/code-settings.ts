/**
 * Settings written in code (a settings module, a Jenkinsfile, a Logstash pipeline): a value not quoted that reads the secret
 * from elsewhere (`os.getenv("DB_PASSWORD")`, `ENV["TOKEN"]`, `credentials('<id>')`, a prompt) is none, but a literal it falls
 * back to may be (`os.getenv("SECRET_KEY", "<default>")`); a JavaScript arrow function or a Ruby hash's `=>` is code, not a
 * setting; a literal joined to such code is a part of the value it builds (`"prefix" + os.getenv("X")`). Read for the
 * `secret-setting` rule of setting-secret-rules.ts; and a setting code sets with a setter or a builder's method named after it
 * (`ds.setPassword("...")`, `.password("...")`), a rule of that table. Pure and synchronous.
 */
import { isHclCall, isHclOptional } from './hcl-secret-rules.js';
import { isSecretName, words } from './secret-names.js';
import { NAME } from './secret-shapes.js';
import { oncePerText } from './once-per-text.js';
import { type SecretRule, secretSetting } from './secret-setting.js';
import { isLabelValue } from './setting-labels.js';

/** What ends a Logstash setting's bare value on its line: the line's end, a comment, the block's `}` or the next setting. */
const SETTING_END = /[ \t]*(?:\r?\n|$|[#}]|[A-Za-z_][A-Za-z0-9_]*[ \t]*=>)/y;

/** A section of a Logstash pipeline (`input {`, `filter {`, `output {`): where a bare word after `=>` is a setting's value. */
const LOGSTASH_SECTION = /(?<![\w-])(?:input|filter|output)[ \t\r\n]*\{/;
/** Whether a text is a Logstash pipeline (it has a section), read once per text however many `=>` it holds. */
const isLogstash = oncePerText((text) => LOGSTASH_SECTION.test(text));

/**
 * A call in code, as a value not quoted ends before a quoted argument (`os.getenv(` of `os.getenv('DB_PASSWORD')`, Ruby's
 * `ENV.fetch(`, Laravel's `env(`, Java's `System.getenv(`) or holds one of names (`get_secret(DB_PASSWORD_ID)`, `getPassword()`,
 * Go's `strings.TrimSpace(string(b))`): a settings module reading the secret from elsewhere (Django's settings.py), not the secret;
 * a Jenkinsfile's `credentials('<id>')`, which binds a credential of Jenkins' store; a prompt (mongosh's `passwordPrompt()`,
 * Python's `getpass()`); calls chained after it (`uuid.New().String()`). Only a call's known shape: a dotted name, `env`, `getenv`,
 * `config`, `credentials`, a prompt or a verb's name (`get_secret`, `getPassword`, `read_token`, `generatePassword`), with a name
 * as its argument, a path of Rust's or C++'s (`std::env::var(`); or with a number, only words in its name, no digit within one
 * (`token.substring(7)` of a header's value, `secrets.token_hex(32)`, `generatePassword(16)`; `Sup3r.S3cret(2024)` is a password);
 * `hunter2(prod)`, `x7Kp(q9Lm)` and `hunter2()` are passwords.
 */
const CALL =
  /^(?:(?:env|getenv|config|credentials|getpass|\w*[Pp]rompt|(?:get|read|load|fetch|generate|gen|random|make|create|new)(?:_[A-Za-z]|[A-Z])\w*|[A-Za-z_][\w]*(?:(?:\.|::)[A-Za-z_][\w]*)+)\((?:[A-Za-z_][\w.]*(?:\([A-Za-z_][\w.]*\))?)?|(?:(?:get|read|load|fetch|generate|gen|random|make|create|new)(?:_[A-Za-z]|[A-Z])[A-Za-z_]*|[A-Za-z_]+[0-9]*(?:(?:\.|::)[A-Za-z_]+[0-9]*)+)\([0-9]+)(?:\)(?:\.[A-Za-z_]\w*\(\))*)?$/;

/**
 * The environment as code reads it, a value not quoted ending before its `[` or naming the variable (Python's
 * `os.environ["DJANGO_SECRET_KEY"]`, Ruby's `ENV["DB_PASSWORD"]`, Node's `process.env.API_TOKEN`, Vite's `import.meta.env.VITE_KEY`).
 */
const ENVIRONMENT = /^(?:os\.environ|ENV|process\.env|import\.meta\.env)(?:\.[A-Za-z_$][\w$]*)?$/;

/**
 * The name code reads, quoted, just after a call's `(` or the environment's `[` (`"DB_PASSWORD"]` of `ENV["DB_PASSWORD"]`), and
 * the keys of subscripts after it (`config["database"]["password"]`): no literal of its own.
 */
const READ_NAME = /[ \t]*\[?[ \t]*(["'])[^"'\n]*\1(?:[ \t]*\][ \t]*\[[ \t]*(["'])[^"'\n]*\2)*/y;

/**
 * A subscript with a quoted key, just after a value not quoted (`["database"]` of `config["database"]`), or a Ruby symbol's
 * (`params[:password]`).
 */
const SUBSCRIPT = /[ \t]*\[[ \t]*(?:["']|:[A-Za-z_])/y;

/**
 * A call whose argument is a literal, as a value not quoted ends before it (`input(` of `input('Password: ')`, `getpass.getpass(prompt=`,
 * `req.headers.authorization?.split(`, and a string's prefix, `input(f` of `input(f"Password for {user}: ")`): code, whose literal
 * is an argument (a prompt, a separator), not the value; only a read's fallback among them is judged (`literalsAfter`), and a
 * conversion's by CODE_LITERAL_RULE (code-values.ts: `Buffer.from("...")`).
 */
const CALL_OF_LITERAL = /^[A-Za-z_][\w]*(?:\??\.[A-Za-z_]\w*)*\((?:[A-Za-z_]\w*=)?(?:[fFrRuU]|[fF][rR]|[rR][fF])?$/;

/**
 * A method's call on an object, its arguments code (`hashlib.sha256(raw.encode()).hexdigest()`, `bcrypt.hashpw(password.encode(`,
 * Django's `models.CharField(max_length=128)`, PHP's `Hash::make($request->password)`, Rust's `String::from(env::var(`), or a
 * function's or a class's with a call or a keyword among its arguments (`str(uuid.uuid4())`, SQLAlchemy's `Column(String(64)`;
 * a keyword as Python writes one, lower-case, its first argument: `Summer(2024=fun)`, `Secret(Xk3q9=Lm2P)` are passwords):
 * names of words, a digit only at a name's end (`sha256`, `uuid4`; `Sup3r.S3cret(2024)`, `hunter2(prod)` are passwords), then
 * code's characters: names, numbers, `=`, member operators and parentheses (one class, read once).
 */
const METHOD_CALL =
  /^(?:\$?[A-Za-z_]+[0-9]*(?:(?:\??\.|::|->)\$?[A-Za-z_]+[0-9]*)+\(|[A-Za-z_]+\((?=[^(]*\(|[a-z_][a-z0-9_]*=))[\w$.()?=:>-]*$/;

/** A literal just after a value not quoted (`'Password: '` of `input('Password: ')`). */
const NEXT_LITERAL = /"([^"\n]*)"|'([^'\n]*)'/y;

/** A call that converts a literal, as code-values.ts' `CONVERSION` reads one (`str(`, `SecretStr(`, `Some(`). */
const CONVERSION_CALL = /^(?:bytes|bytearray|String|str|Some|SecretStr|SecretBytes)\($/;

/** A prompt or a separator: a blank within it, or a colon or a question mark at its end (`Password: `, `Token?`, `' '`). */
const PROMPT = /\s|[:?]$/;

/**
 * Whether a value not quoted is a call of a literal, the literal's quote just after it (`CALL_OF_LITERAL`), the literal a prompt
 * or a separator (`PROMPT`), a label (`input("Password")`) or no secret under the setting's name: a secret passed to a call is the
 * secret all the same
 * (`password = atob("U3VwM3JTM2NyZXQ=")`, `trim('Sup3rS3cret2024')`, `token = Token("Xk3q9Lm2Pz7wQabc")`).
 */
function callOfLiteral(m: RegExpMatchArray, value: string): boolean {
  if (!CALL_OF_LITERAL.test(value)) return false;
  // a conversion's literal is CODE_LITERAL_RULE's (code-values.ts: `password = SecretStr("...")`), which says so
  if (CONVERSION_CALL.test(value)) return true;
  const at = m.index! + m[0].length;
  const quote = m.input![at];
  if (quote !== '"' && quote !== "'") return false;
  NEXT_LITERAL.lastIndex = at;
  const literal = NEXT_LITERAL.exec(m.input!);
  // a literal not closed on its line is no value to judge (as a setting's quote that is not closed)
  if (literal === null) return true;
  const text = literal[1] ?? literal[2]!;
  return PROMPT.test(text) || !secretSetting(m[1]!, text) || isLabelValue(text, m[1]!, m.input!);
}

/** Whether a value not quoted, an object's path (`config`, `settings.db`), is read by a quoted key just after it (`config["database"]`). */
function subscripted(m: RegExpMatchArray, value: string): boolean {
  if (!/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/.test(value)) return false;
  SUBSCRIPT.lastIndex = m.index! + m[0].length;
  return SUBSCRIPT.test(m.input!);
}

/** A literal quoted on a line of code; or JavaScript's template literal that interpolates nothing (`\`...\``, `${` in none). */
const LITERAL = /"([^"\n]*)"|'([^'\n]*)'|`((?:[^`$\n]|\$(?!\{))*)`/g;

/** How far along its line the literals after code are read (a bound: a line of many settings is read a bounded number of times). */
const LITERALS_AHEAD = 256;

/**
 * The literals that code, a `SETTING_TEXT` match (setting-secret-rules.ts) that `isCode` tells, holds after the name it reads, to
 * its line's or statement's end, at a fallback's place: what it falls back to when the environment has none, an argument of a
 * read's own call (`os.getenv("SECRET_KEY", "<default>")`, Terraform's `optional(string, "<default>")`, `coalesce(var.pw,
 * "<default>")`) or a literal after `||`, `or`, `??`, `?:`, `else` or a block's `{` (`os.environ["TOKEN"] or "<default>"`,
 * `process.env.TOKEN || "<default>"`, Kotlin's `?: "<default>"`, Rails' `ENV.fetch("KEY") { "<default>" }`, Django's `if DEBUG
 * else '<default>'`): any of them may be the secret itself. Not the arguments of any other call (Go's `strings.TrimPrefix(auth,
 * "Bearer ")`, `flag.String("password", "", "db password")`), nor a literal joined to what comes before it.
 */
function literalsAfter(m: RegExpMatchArray): string[] {
  const input = m.input!;
  let at = m.index! + m[0].length;
  READ_NAME.lastIndex = at;
  if (READ_NAME.test(input)) at = READ_NAME.lastIndex;
  const rest = input.slice(at, at + LITERALS_AHEAD);
  const code = rest.replace(LITERAL, (l) => ' '.repeat(l.length));
  let depth = opened(m[4]!);
  const statement = rest.slice(0, statementEnd(code, depth));
  const known = KNOWN_READ.test(m[4]!);
  // whether a literal is within the value's own call, whose `)` takes the depth to 0 (other calls' parentheses after it are counted too)
  let inCall = depth > 0;
  const literals: string[] = [];
  let after = 0;
  for (const l of statement.matchAll(LITERAL)) {
    const before = code.slice(after, l.index);
    for (const c of before) {
      depth += c === '(' ? 1 : c === ')' ? -1 : 0;
      if (depth <= 0) inCall = false;
    }
    // a literal joined to what comes before it (`os.getenv("A") + " is the service's password"`, PHP's `.`, Lua's `..`) is a
    // part of the string the code builds, text around the secret it reads: not what it falls back to
    const fallback = inCall ? known : FALLBACK.test(before);
    if (fallback && !JOINED.test(before)) literals.push(l[1] ?? l[2] ?? l[3]!);
    after = l.index + l[0].length;
  }
  return literals;
}

/**
 * A read whose arguments after the name may be its default: a value not quoted, up to its `(`, ending in `getenv`, `get`
 * (`os.environ.get`), `fetch`, `env`, `config`, `getProperty`, `getOrDefault`, `getOrElse` or Terraform's `optional`, `coalesce`,
 * `try`, `lookup`.
 */
const KNOWN_READ = /(?:^|[.:])(?:[Gg]etenv|get|fetch|env|config|getProperty|getOrDefault|getOrElse|optional|coalesce|try|lookup)\([^()]*$/;

/** What comes before a literal a value falls back to, in the code after its call (`||`, `or`, `??`, `?:`, `else`, a block's `{`). */
const FALLBACK = /(?:\|\||\?\?|\?:|(?<![\w$])(?:or|else)|\{)[ \t]*$/;

/** How many parentheses a value not quoted leaves open (`os.getenv(`: one, its arguments follow). */
const opened = (value: string): number => value.split('(').length - value.split(')').length;

/**
 * Where the statement of code ends in `code` (its literals blanked), the value's call having `depth` parentheses open: at its
 * line's end, a `;`, or a `,` outside the call (`"PASSWORD": os.environ.get("DB_PASSWORD", ""), "HOST": "db"`: the next entry of
 * a dict, whose literals are no fallback; within the call, `os.getenv("A", "<default>")`, a `,` is the next argument's).
 */
function statementEnd(code: string, depth: number): number {
  for (let at = 0; at < code.length; at++) {
    const c = code[at];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '\n' || c === ';' || (c === ',' && depth <= 0)) return at;
  }
  return code.length;
}

/** An operator that joins strings, before a literal (`+`, PHP's `.`, Lua's `..`). */
const JOINED = /(?:\+|\.)[ \t]*$/;

/**
 * A member of an object in code, by its path (`req.body.password`, `this.config.token`, `cfg2.db.password`): its last name is the
 * group; the object's names are words, a digit only at a name's end (`Sup3rS3cret2024.password` is a password).
 */
const MEMBER = /^[A-Za-z_$][A-Za-z_$]*[0-9]*(?:\.[A-Za-z_$][A-Za-z_$]*[0-9]*)*\.([A-Za-z_$][\w$]*)$/;

/**
 * Whether a value not quoted is a member of an object of the setting's own name (`password = req.body.password`, `token:
 * ctx.state.token`, `db.password=config.db.password`), or of a secret's name of words joined (Django's `token =
 * settings.API_TOKEN`, `secret = settings.SECRET_KEY`, `password = cfg.dbPassword`): code passing the secret on, not the secret
 * (a word of another secret's, `db.password=admin.secret`, is a weak password).
 */
function secretMember(m: RegExpMatchArray, value: string): boolean {
  const name = m[1]!;
  const member = MEMBER.exec(value)?.[1];
  if (member === undefined) return false;
  if (member.toLowerCase() === name.slice(name.lastIndexOf('.') + 1).toLowerCase()) return true;
  return words(member).length > 1 && isSecretName(member) && !isPropertyLine(m);
}

/** A value's end on its line: blanks, then the line's end. */
const LINE_END = /[ \t]*(?:\r?\n|$)/y;

/**
 * Code's marks in a text: a line that ends in `;` or `{`, or a keyword that declares, imports or returns (`const`, `def`, `import`):
 * no properties, .env or YAML file has them. Read once per text.
 */
const isCodeText = oncePerText((text) =>
  /[;{][ \t]*\r?$|(?<![\w.-])(?:const|let|var|val|function|def|class|import|return|using|package)[ \t]/m.test(text),
);

/**
 * Whether a setting is a line of a properties, .env or YAML file: its name just before `=` or `:` (no blank, as those files
 * write one: `spring.datasource.password=Acme.MyPassword`, `password: Acme.MyPassword`), its value the rest of its line, in a
 * text without code's marks (`isCodeText`). There a dotted word is the value as written, a password, not a member read
 * (`password = Settings.DbPassword`, `Password = Config.DbPassword;`, `token = settings.API_TOKEN` are code).
 */
function isPropertyLine(m: RegExpMatchArray): boolean {
  const at = m[0].indexOf(m[1]!) + m[1]!.length;
  if (!/^["']?[=:]/.test(m[0].slice(at))) return false;
  LINE_END.lastIndex = m.index! + m[0].length;
  return LINE_END.test(m.input!) && !isCodeText(m.input!);
}

/** An expression's start after `await` or `yield` (`password = await secrets.get('db-password')`): the code awaited, its name's first character. */
const AWAITED = /[ \t]+[A-Za-z_$]/y;

/** Whether a value not quoted is JavaScript's, Python's or C#'s `await` (or `yield`) of an expression after it: code, not a word. */
function awaits(m: RegExpMatchArray, value: string): boolean {
  if (value !== 'await' && value !== 'yield') return false;
  AWAITED.lastIndex = m.index! + m[0].length;
  return AWAITED.test(m.input!);
}

/**
 * Whether a value not quoted is code that reads the secret from elsewhere: a call (`CALL`, a Terraform function's), the
 * environment, a member of the setting's own name or of a secret's (`secretMember`), an object read by a quoted key, an optional attribute's type,
 * an expression awaited (`awaits`).
 */
const readsElsewhere = (m: RegExpMatchArray, written: string): boolean => {
  // within parentheses that only group it (`DB_PASSWORD = (os.environ["DB_PASSWORD"])`)
  const value = written.replace(/^\(+/, '');
  return (
    (value !== written && POWERSHELL_CMDLET.test(value)) ||
    CALL.test(value) ||
    callOfLiteral(m, value) ||
    METHOD_CALL.test(value) ||
    ENVIRONMENT.test(value) ||
    secretMember(m, value) ||
    subscripted(m, value) ||
    isHclOptional(m, value) ||
    isHclCall(m, value) ||
    awaits(m, value)
  );
};

/**
 * A PowerShell cmdlet, a verb and a noun, run within parentheses for its output (`$env:DB_PASSWORD = (Get-Content /run/secrets/db)`,
 * `(Read-Host -AsSecureString)`, `(Get-Secret db)`): what it reads, not a value.
 */
const POWERSHELL_CMDLET = /^[A-Z][a-z]+(?:[A-Z][a-z]+)?-[A-Z][A-Za-z]+$/;

/** A call of a function by its dotted path, its literal argument next (`str.strip(`, `mylib.unwrap(`, `hashlib.sha256(`). */
const DOTTED_CALL = /^[A-Za-z_]\w*(?:(?:\.|::)[A-Za-z_]\w*)+\($/;
/** A call that reads, asks for or opens what its literal names (`keyring.get_password(`, `vault.read(`, `kms.decrypt(`, `click.prompt(`). */
const READING_CALL =
  /(?:^|[.:])_?(?:get|read|load|fetch|find|lookup|resolve|retrieve|decrypt|unseal|open|prompt|ask|input|query|request|env|getenv|config|getpass|credentials)\w*\($/i;

/** A conversion or a decoder (`Buffer.from(`, `base64.b64decode(`, `Convert.FromBase64String(`): code-values.ts' CODE_LITERAL_RULE says what it does. */
const CONVERTING_CALL =
  /(?:^|[.:])(?:\w*[Dd]ecode\w*|unhexlify|a2b_\w+|fromhex|from|Get(?:Bytes|String)|valueOf|FromBase64String|parseBase64Binary|new)\($/;

/**
 * Whether a value not quoted is a dotted call that only wraps the literal after it (`DOTTED_CALL`, not a read's: `READING_CALL`),
 * the literal a secret under the setting's name (`password = str.strip("  <password>  ")`, `token = mylib.unwrap("<token>")`):
 * the literal is the value the call returns, trimmed or wrapped. Not a name, a key or a path (`boto3.client("secretsmanager")`,
 * `vault.kv.v2("secret/db")`), nor a prompt or a label; a conversion's or a decoder's is CODE_LITERAL_RULE's (`CONVERTING_CALL`).
 */
function wrapsSecretLiteral(m: RegExpMatchArray, name: string): boolean {
  if (!DOTTED_CALL.test(m[4]!) || READING_CALL.test(m[4]!) || CONVERTING_CALL.test(m[4]!)) return false;
  NEXT_LITERAL.lastIndex = m.index! + m[0].length;
  const literal = NEXT_LITERAL.exec(m.input!);
  const text = literal === null ? '' : (literal[1] ?? literal[2]!).trim();
  return !NAME(text) && !/[:?]$/.test(text) && secretSetting(name, text) && !isLabelValue(text, name, m.input!);
}

/**
 * Whether code that reads the secret from elsewhere (`readsElsewhere`) holds a literal after it that is a secret under the
 * setting's name, or only wraps one (`wrapsSecretLiteral`): the secret, not the code.
 */
export const codeLiteralIsSecret = (m: RegExpMatchArray, name: string): boolean =>
  m[4] !== undefined &&
  readsElsewhere(m, m[4]) &&
  (wrapsSecretLiteral(m, name) || literalsAfter(m).some((literal) => secretSetting(name, literal)));

/**
 * Whether a setting of `SETTING_TEXT` is code: a name, `=>` and a value not quoted, a JavaScript arrow function
 * (`password => password.trim()`, `token => token`, `.filter(token => valid)`): a call, the name again, or code after it on
 * its line; or, outside a Logstash pipeline, an identifier (JSX's `onChange={password => setPassword}`, Ruby's
 * `:password => db_password`, a variable). A quoted value after `=>` is a setting, as Logstash's `password => "..."` and
 * Ruby's hashes write one, and so is a bare word that ends its line, its block or comes before the next setting, in a
 * Logstash pipeline (`password => Hunter2xyz`), or one no identifier is (`password => Hunter2!xyz`). And a value not quoted that
 * reads the secret from elsewhere (`readsElsewhere`), whatever comes before it: its literals after it are judged instead.
 */
export function isCode(m: RegExpMatchArray): boolean {
  if (m[4] === undefined) return false;
  if (readsElsewhere(m, m[4])) return true;
  if (!/^[^=]*=>/.test(m[0])) return false;
  if (/[()]/.test(m[4]) || m[4] === m[1]) return true;
  SETTING_END.lastIndex = m.index! + m[0].length;
  return !SETTING_END.test(m.input!) || (/^[A-Za-z_$][\w$]*$/.test(m[4]) && !isLogstash(m.input!));
}

/**
 * An operator that joins strings after a quoted literal (`+`, Lua's `..`, PHP's `.` after a blank: a `.` just after the quote is a
 * method of the literal's, Java's `"...".getBytes(UTF_8)`; Python's `%` formatting), then the blanks after it.
 */
const JOIN = /[ \t]*(\+|\.\.|(?<=[ \t])\.|%)[ \t]*/y;

/** A quoted literal, just after an operator that joins strings (`"app-" + "v2-" + ...`). */
const JOINED_LITERAL = /"([^"\n]*)"|'([^'\n]*)'/y;

/** A placeholder of Python's `%` formatting in a literal (`%s`, `%d`, `%(name)s`). */
const PLACEHOLDER = /%(?:\([\w.-]+\))?[-#0 +]*[0-9]*(?:\.[0-9]+)?[sdrif]/;

/**
 * A read of a variable of the environment by its name: an environment object's member or subscript (`os.environ["X"]`, Ruby's
 * `ENV['X']`, `process.env.X`, `process.env["X"]`, `import.meta.env.X`, PHP's `$_ENV['X']`), or a read's call with the name
 * quoted (`os.getenv("X")`, `getenv('X')`, `env("X")`, `os.environ.get("X")`, Java's `System.getenv("X")`, Go's `os.Getenv("X")`,
 * Ruby's `ENV.fetch("X")`, Rust's `std::env::var("X")`). Not any call (`getSalt()`, `config()`, `env()`, `System.getProperty("x")`),
 * nor the environment as a whole (`process.env`, `os.environ`).
 */
const NAMED_READ =
  /(?:(?:os\.environ|ENV|process\.env|import\.meta\.env|\$_ENV)(?:\.[A-Za-z_$][\w$]*(?![\w$(.])|[ \t]*\[[ \t]*(["'])[^"'\n]+\1[ \t]*\])|(?:(?:os\.)?getenv|env|os\.environ\.get|System\.getenv|os\.Getenv|ENV\.fetch|(?:std::)?env::var)\([ \t]*(["'])[^"'\n]+\2)/y;

/**
 * Whether a setting's quoted value (`SETTING_TEXT`'s group 2 or 3) is joined to a read of a variable of the environment by its name
 * (`NAMED_READ`), other literals joined between them: `password = "prefix" + os.getenv("X")`, `$pass = 'db-' . getenv('SUFFIX')`,
 * `"%s-2024" % os.getenv("X")` (a placeholder in the literal before the `%`): a value built from the environment, of which the
 * literal is only the text around what is read, not the secret. A literal joined to anything else (`+ getSalt()`,
 * `.getBytes(UTF_8)`, `% os.environ`) is judged. Read at most `LITERALS_AHEAD` characters ahead.
 */
export function joinedToRead(m: RegExpMatchArray): boolean {
  if (m[2] === undefined && m[3] === undefined) return false;
  const input = m.input!;
  const bound = m.index! + m[0].length + LITERALS_AHEAD;
  let literal = m[2] ?? m[3]!;
  for (let at = m.index! + m[0].length; at < bound; ) {
    JOIN.lastIndex = at;
    const join = JOIN.exec(input);
    if (join === null || (join[1] === '%' && !PLACEHOLDER.test(literal))) return false;
    NAMED_READ.lastIndex = JOIN.lastIndex;
    if (NAMED_READ.test(input)) return true;
    JOINED_LITERAL.lastIndex = JOIN.lastIndex;
    const next = JOINED_LITERAL.exec(input);
    if (next === null) return false;
    literal = next[1] ?? next[2]!;
    at = JOINED_LITERAL.lastIndex;
  }
  return false;
}

/**
 * The property a setter or a builder's method sets (`setPassword`, `withApiKey`: `password`, `apiKey`; Django's `set_password`:
 * `password`; `.password`: `password`).
 */
const settersProperty = (m: RegExpExecArray): string => m[1] ?? m[3] ?? `${m[2]![0]!.toLowerCase()}${m[2]!.slice(1)}`;

/**
 * A setting code sets by a method named after it, with a literal as its one argument: a Java bean's setter (`ds.setPassword("...")`,
 * Spring's `DataSourceBuilder`), Testcontainers' `withPassword("...")`, Django's `user.set_password("...")`, a builder's
 * `.password("...")` (`.username("app").password("...")`). Not a method that reads or asks (`getSecret("sql-admin-password")` of
 * Azure Key Vault, `credentials.getToken("github")`, `console.readPassword(...)`, `vault.readSecret(...)`: its name starts with
 * get, read, fetch, load, find, is, has or validate), nor a sentence (`.password("Password must be at least 8 characters long")`,
 * `i18n.secret("Secret value")`: a value with a blank). Read from each method's name to its literal's closing quote, on its line
 * (the literal stops at its quote, so each is read once).
 */
export const SETTER_RULE: SecretRule = {
  id: 'setter-setting',
  description: 'a setting code sets by a method named after it (setPassword("..."), withPassword("..."), .password("..."))',
  pattern:
    /(?:\.(?!(?:set|with|get|read|fetch|load|find|is|has|validate)(?:[A-Z]|_[a-z]))([a-z][A-Za-z0-9]*)|(?<![\w$])(?:set|with)(?:([A-Z][A-Za-z0-9]*)|_([a-z][a-z0-9_]*)))\([ \t]*(?:"([^"\n]*)"|'([^'\n]*)')[ \t]*\)/g,
  accept: (_s, m) => !/\s/.test(m[4] ?? m[5]!) && secretSetting(settersProperty(m), m[4] ?? m[5]!),
  setting: settersProperty,
};
