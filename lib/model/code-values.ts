/**
 * Values of settings written in code that are no literal, and literals code writes in a shape the `secret-setting` rule does not
 * read: a variable of a secret's name passed on (Go's `Password: password,`, a keyword argument `password=db_password)`), a
 * type (`password: string`, `api_token: Optional[str] = None`), whose default literal is judged instead; a literal converted or
 * typed on its way to a password's variable (`Buffer.from("...")`, `Encoding.UTF8.GetBytes("...")`, `[]byte("...")`, `b"..."`,
 * `let password: &str = "..."`); and the literal a read of a secret's setting falls back to (`props.getProperty("db.password",
 * "...")`, `os.getenv("DB_PASSWORD", "...")`), wherever the read stands. Read for the `secret-setting` rule of
 * setting-secret-rules.ts, and rules of that table. Pure and synchronous.
 */
import { nameVerdict, words } from './secret-names.js';
import { joinedToRead } from './code-settings.js';
import { type SecretRule, secretSetting } from './secret-setting.js';
import { isLabelValue } from './setting-labels.js';

/** A variable or a member by its path (`password`, `cfg.RedisPassword`, `this.dbPassword`). */
const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

/**
 * What code writes after a variable passed on (`,`, `;`, `)`, `}`), or a line's end and then a closing `}` or `)` (a JavaScript
 * object's last member): not YAML's or a properties file's, where a value runs to its line's end.
 */
const AFTER_VARIABLE = /[ \t]*(?:[,;)}]|\r?\n[ \t]*[)}])/y;

/**
 * Whether a setting's value not quoted (`SETTING_TEXT`'s group 4) is a variable of a secret's own name passed on in code: Go's and
 * C#'s `Password: password,` in a struct literal or an initializer, JavaScript's `{ password: dbPassword }`, Python's
 * `connect(password=db_password)`: the variable's last name is a secret's (`nameVerdict`: `password`, `dbPassword`,
 * `RedisPassword`, `accessToken`), and code's punctuation follows it (`AFTER_VARIABLE`). Not a word of YAML's or a properties
 * file's (`password: password`, `password=changeme`, a weak password), nor one of a flow mapping that names no secret
 * (`{user: admin, password: changeme}`).
 */
export function isSecretVariable(m: RegExpExecArray): boolean {
  const value = codeValue(m[4]);
  if (value === undefined) return false;
  // Python's `password=None)`, JavaScript's `token: null }`: no value at all
  if (CODE_NULL.test(value) && value !== m[4]) return true;
  if (!IDENTIFIER_PATH.test(value) || nameVerdict(value.slice(value.lastIndexOf('.') + 1)) !== true) return false;
  // a capitalized name of its own after a colon is a YAML flow mapping's password (`{user: admin, password: MySecretPassword}`),
  // not Go's or JavaScript's variable (`dbPassword`, `cfg.RedisPassword`); C#'s property after `=` is one (`Password = DbPassword`)
  if (settingSetter(m) === ':' && !variableAfterColon(value, m[1]!)) return false;
  if (value !== m[4]) return true;
  AFTER_VARIABLE.lastIndex = m.index + m[0].length;
  return AFTER_VARIABLE.test(m.input);
}

/** How many pieces of an implicit concatenation are read, at most (a bound: each is read a bounded number of times). */
const MAX_PIECES = 16;
/** The next piece of an implicit concatenation, on the line of the one before it (`"Xk" "9vQ2"`). */
const NEXT_PIECE = /[ \t]*(?:"([^"\n]*)"|'([^'\n]*)')/y;
/** The next piece within parentheses, where line breaks may part them (`("Xk9vQ2"` and `"mLr7pT")` on the next line). */
const NEXT_WRAPPED_PIECE = /\s*(?:"([^"\n]*)"|'([^'\n]*)')/y;
/** The parentheses' end after the last piece. */
const PIECES_CLOSED = /\s*\)/y;
/** Python's join of a list or a tuple, after its separator's literal (`"".join([`, `"-".join((`). */
const JOIN_OPENED = /\.join\([ \t]*[[(]/y;
/** The next piece of a joined list, a comma after it but the last's (`"Xk9v",`), line breaks between them. */
const NEXT_LISTED_PIECE = /\s*(?:"([^"\n]*)"|'([^'\n]*)')\s*(,?)/y;
/** The list's or tuple's end, then the call's. */
const JOIN_CLOSED = /\s*[\])]\s*\)/y;

/**
 * The literal a setting's value is when it is written in pieces that Python (and Ruby, and C) join, literals side by side
 * (`PASSWORD = "Xk" "9vQ2mLr7pT"`, `DB_PASSWORD = ("Xk9vQ2"` and `"mLr7pT")` on the next line), or Python's `str.join` of a list of
 * literals (`PASSWORD = "".join(["Xk9v", "Q2mL", "r7pT"])`, `joinedList`): the pieces joined; `undefined`
 * for a value of one piece, and for parentheses that hold anything else (a tuple, `("admin", "...")`, is no concatenation:
 * credential-calls.ts). MAX_PIECES at most.
 */
export function joinedPieces(m: RegExpExecArray): string | undefined {
  const wrapped = m[4] === '(';
  if (!wrapped && m[2] === undefined && m[3] === undefined) return undefined;
  if (!wrapped) {
    JOIN_OPENED.lastIndex = m.index + m[0].length;
    if (JOIN_OPENED.test(m.input)) return joinedList(m.input, JOIN_OPENED.lastIndex, m[2] ?? m[3]!);
  }
  const pieces = wrapped ? [] : [m[2] ?? m[3]!];
  const next = wrapped ? NEXT_WRAPPED_PIECE : NEXT_PIECE;
  let at = m.index + m[0].length;
  while (pieces.length < MAX_PIECES) {
    next.lastIndex = at;
    const piece = next.exec(m.input);
    if (piece === null) break;
    pieces.push(piece[1] ?? piece[2]!);
    at = next.lastIndex;
  }
  if (wrapped) {
    PIECES_CLOSED.lastIndex = at;
    return pieces.length > 0 && PIECES_CLOSED.test(m.input) ? pieces.join('') : undefined;
  }
  return pieces.length > 1 ? pieces.join('') : undefined;
}

/**
 * The literal Python's join makes of a list or a tuple of literals (`"".join(["Xk9v", "Q2mL", "r7pT"])`, the list read from `at`), with
 * `separator` between them; `undefined` for a list that holds anything else (`"".join([prefix, "..."])`, a value built). MAX_PIECES at most.
 */
function joinedList(input: string, at: number, separator: string): string | undefined {
  const pieces: string[] = [];
  for (let comma = true; comma && pieces.length < MAX_PIECES; ) {
    NEXT_LISTED_PIECE.lastIndex = at;
    const piece = NEXT_LISTED_PIECE.exec(input);
    if (piece === null) break;
    pieces.push(piece[1] ?? piece[2]!);
    comma = piece[3] === ',';
    at = NEXT_LISTED_PIECE.lastIndex;
  }
  JOIN_CLOSED.lastIndex = at;
  return pieces.length > 0 && JOIN_CLOSED.test(input) ? pieces.join(separator) : undefined;
}

/** A comma after a value not quoted, blanks before it. */
const COMMA_AFTER = /[ \t]*,/y;

/**
 * Whether a setting's value not quoted opens a tuple of variables (`auth=(user, password)` of Python requests, `creds = (username,
 * pwd)`): code passing them on, not a value (a tuple of literals is CREDENTIAL_CALL_RULE's, credential-calls.ts).
 */
export function opensTuple(m: RegExpExecArray): boolean {
  if (!/^\([A-Za-z_][\w.]*$/.test(m[4] ?? '')) return false;
  COMMA_AFTER.lastIndex = m.index + m[0].length;
  return COMMA_AFTER.test(m.input);
}

/** A name of its own, capitalized then lower-case (`MySecretPassword`, `SuperSecretToken`). */
const PASCAL_CASE = /^[A-Z][a-z][\w$]*$/;

/**
 * Whether a value after a colon (`name: value`) may be a variable passed on rather than a YAML flow mapping's password: a member's
 * path (`cfg.RedisPassword`), the setting's own word (Go's `Password: password,`), or a name of words joined (`dbPassword`,
 * `db_password`); not a name of its own capitalized (`MySecretPassword`) nor a lone word (`{password: secret}`,
 * `{user: postgres, password: mysecretpassword}`).
 */
function variableAfterColon(value: string, name: string): boolean {
  if (value.includes('.')) return true;
  if (PASCAL_CASE.test(value)) return false;
  const parts = words(value);
  return parts.length > 1 || parts[0] === words(name).at(-1);
}

/** How a setting of `SETTING_TEXT` is set (`SETTER`: `=`, `:`, `=>`...). */
const settingSetter = (m: RegExpExecArray): string | undefined => SETTER.exec(m[0].slice(m[0].indexOf(m[1]!) + m[1]!.length))?.[0];

/** No value, as code writes it. */
const CODE_NULL = /^(?:None|null|nil|undefined)$/;

/**
 * A value not quoted as code writes it, without the parentheses that close the call it is an argument of and a Python block's
 * `:` after them (`password)` of `connect(password=password)`, `str):` of `def f(password: str):`); itself when it opens none.
 */
function codeValue(value: string | undefined): string | undefined {
  if (value === undefined || value.includes('(')) return value;
  return value.replace(/\)+:?$/, '');
}

/** A type that holds a secret's value; a union's other member and a generic type's argument are one too (`string|Xk3q9` is a value). */
const TYPE_NAME = '(?:string|str|String|bytes|Buffer|SecretStr|SecretBytes|SecretString|CharArray|ByteArray)';
/** A generic type that holds another (`Option<String>`, `Secret<String>`, `Optional[str]`). */
const WRAPPER = '(?:Option|Optional|Maybe|Nullable|Secret|SecretBox|Box|Arc|Rc)';

/**
 * A type a secret's field or parameter is declared with (TypeScript's `string`, Python's `str`, `bytes` and pydantic's `SecretStr`,
 * Kotlin's and Rust's `String`, a union, an array): `password: string;`, `token: string | null`. Also Swagger's example of a
 * string field, `"password": "string"`.
 */
const TYPE = new RegExp(String.raw`^${TYPE_NAME}(?:\[\]|\?|\|(?:${TYPE_NAME}|null|undefined|None|Uint8Array))*$`);
/** A generic type holding a secret's (`Option<String>`, `Secret<String>`, `Optional[str]`: its `[` after the value). */
const GENERIC_TYPE = new RegExp(`^${WRAPPER}(?:<(?:${WRAPPER}<)*&?(?:${TYPE_NAME}|u8|Vec<u8>)>+)?$`);

/** How a setting of `SETTING_TEXT` is set: `=`, `:`, `=>`, `:=`... (a type is declared after a colon alone). */
const SETTER = /=>|::?=|\?=|[:=]/;

/**
 * Whether a setting's value, after a colon, is a type the setting is declared with (`TYPE`, `GENERIC_TYPE`), and so no value; its
 * default, when a literal, is judged by `CODE_LITERAL_RULE` (`password: str = "..."`). After `=` a type's name is a value
 * (`DB_PASSWORD=string`, a weak password).
 */
export function isDeclaredType(m: RegExpExecArray): boolean {
  const value = codeValue(m[4]) ?? m[2] ?? m[3];
  if (value === undefined || settingSetter(m) !== ':') return false;
  if (TYPE.test(value)) return true;
  return m[4] !== undefined && GENERIC_TYPE.test(value) && (value.includes('<') || m.input[m.index + m[0].length] === '[');
}

/**
 * A call that decodes a literal into the secret it encodes, base64 or hex (which is an encoding, not encryption): Python's
 * `base64.b64decode(`, `codecs.decode(`, `binascii.unhexlify(`, `bytes.fromhex(`, Java's `Base64.getDecoder().decode(` (Apache
 * Commons' `Base64.decodeBase64(`, JAXB's `DatatypeConverter.parseBase64Binary(`), C#'s
 * `Convert.FromBase64String(`, Go's `base64.StdEncoding.DecodeString(`, `hex.DecodeString(`, Ruby's `Base64.decode64(`, PHP's
 * `base64_decode(`, JavaScript's `atob(`.
 */
const DECODER = String.raw`base64\.(?:b64decode|standard_b64decode|urlsafe_b64decode|b32decode|decodebytes|(?:Raw)?(?:Std|URL)Encoding\.DecodeString)|codecs\.decode|binascii\.(?:unhexlify|a2b_base64|a2b_hex)|bytes\.fromhex|hex\.DecodeString|Base64\.(?:get(?:Mime|Url)?Decoder\(\)\.decode|decodeBase64|decode64|strict_decode64|urlsafe_decode64)|DatatypeConverter\.parseBase64Binary|Convert\.FromBase64String|base64_decode|atob`;

/**
 * What converts a literal into the value a variable holds, written just before it: Node's `Buffer.from(`, .NET's
 * `Encoding.UTF8.GetBytes(`, Go's `[]byte(`, Python's `bytes(`, `bytearray(` and a string's prefix (`b"..."`, `rb'...'`, `r"..."`,
 * `u"..."`, `f"..."`), C#'s verbatim `@"..."`, Rust's `String::from(` and `Some(`, Java's `new String(` and `String.valueOf(`, Python's `str(`, `new TextEncoder().encode(`,
 * pydantic's `SecretStr(`, Rust's `Secret::new(`; or decodes it (`DECODER`). Conversions nest (`new String(Base64.getDecoder().decode(`,
 * `Encoding.UTF8.GetString(Convert.FromBase64String(`): each is a name and its `(`, read once.
 */
const CONVERSION = String.raw`(?:Buffer\.from|Encoding\.[A-Za-z0-9]+\.Get(?:Bytes|String)|\[\]byte|bytes|bytearray|String::from|(?:new[ \t]+)?String(?:\.valueOf)?|str|Some|(?:new[ \t]+)?TextEncoder\(\)\.encode|SecretStr|SecretBytes|Secret(?:String)?::new|${DECODER})[ \t]*\([ \t]*|(?:[bB][rR]?|[rR][bB]?|[uU]|[fF][rR]?|[rR][fF]|@)(?=["'])`;

/** An assignment, not a comparison nor an arrow: `=`, Go's `:=`. */
const ASSIGN = String.raw`(?::=|=(?![=>]))[ \t]*`;

/**
 * A literal assigned to a variable through a conversion (`CONVERSION`) or with a type the `secret-setting` rule does not read
 * (`let password: &str = "..."`): the variable's name, then the literal. A name starts where no name's character is before it, a
 * type is read at most 64 characters, so that each is read a bounded number of times.
 */
export const CODE_LITERAL_RULE: SecretRule = {
  id: 'code-literal',
  description:
    'a literal code assigns to a variable of a secret\'s name, converted or typed (password = Buffer.from("..."), token := []byte("..."), secret = b"...")',
  pattern: new RegExp(
    `(?<![\\w$.-])([A-Za-z_][\\w.]*)[ \\t]*(?:,[ \\t]*(?:_|err)[ \\t]*)?(?::[ \\t]*[^\\s=;,(){}"']{1,64}[ \\t]*${ASSIGN}(?:${CONVERSION})*|${ASSIGN}(?:${CONVERSION})+)(?:"([^"\\n]*)"|'([^'\\n]*)')`,
    'g',
  ),
  // a literal joined to a read of the environment is a part of the value built (code-settings.ts' joinedToRead); a label is no
  // secret (`password_hint: str = "Enter your password"`, setting-labels.ts)
  accept: (_s, m) =>
    secretSetting(m[1]!, m[2] ?? m[3]!) && !joinedToRead(m) && !isLabelValue(m[2] ?? m[3]!, m[1]!, m.input) && !interpolates(m),
  setting: (m) => m[1],
};

/** Whether a code literal is Python's f-string that interpolates (`f"{prefix}-{suffix}"`): a value built, not written. */
const interpolates = (m: RegExpExecArray): boolean =>
  /[fF][rR]?$|[rR][fF]$/.test(m.input.slice(m.index, m.index + m[0].length - (m[2] ?? m[3]!).length - 1)) &&
  /\{[^{}]*\}/.test(m[2] ?? m[3]!);

/**
 * A read of a setting by its name whose second argument is the literal it falls back to: Java's `props.getProperty("db.password",
 * "...")` and `getOrDefault(`, Python's `os.getenv("DB_PASSWORD", "...")`, `os.environ.get(`, configparser's `.get(..., fallback=
 * "...")`, Ruby's `ENV.fetch(`, Laravel's `env(`, .NET's `GetValue<string>(`: the literal is the secret's value wherever the read
 * stands (an argument, a string's interpolation), not only assigned to a variable of its name.
 */
export const READ_FALLBACK_RULE: SecretRule = {
  id: 'read-fallback',
  description:
    'a literal a read of a secret\'s setting falls back to (props.getProperty("db.password", "..."), os.getenv("DB_PASSWORD", "..."))',
  pattern:
    /(?<![\w$])(?:getProperty|getenv|Getenv|get|getOrDefault|getOrElse|fetch|env|config|getString|GetValue(?:<\w+>)?|getValue)\([ \t]*(["'])([A-Za-z_][\w.:-]*)\1[ \t]*,[ \t]*(?:(?:fallback|default)[ \t]*=[ \t]*)?(?:"([^"\n]*)"|'([^'\n]*)')/g,
  // a label a catalogue's read falls back to is none (`t.get("password", "Password")`, setting-labels.ts)
  accept: (_s, m) => secretSetting(m[2]!, m[3] ?? m[4]!) && !isLabelValue(m[3] ?? m[4]!, m[2]!, m.input),
  setting: (m) => m[2],
};
