/**
 * Settings under a secret's name that hold no secret because of where they are written: a label or a message of a user interface
 * (a translation file's `password=Password`, `login.password=Mot de passe`, `password: "Enter your password"`, a German catalogue's
 * `login.password=Passwort`), and a commented-out example (`# password=changeme`). A commented literal that looks like a real
 * password (`#password=Xk3q9Lm2Pz7w`) is still one, committed all the same. Read for the `secret-setting` rule of
 * setting-secret-rules.ts. Pure and synchronous.
 */
import { nameVerdict, words } from './secret-names.js';
import { ENV_NAME, NAME } from './secret-shapes.js';
import { oncePerText } from './once-per-text.js';

/** How far back a setting's line is read for a comment's marker (a bound: a line of many settings is read a bounded number of times). */
const LINE_BACK = 256;

/** A comment's marker and blanks before a setting, from its line's start: `#`, `;`, `//`, `-- `, a block comment's `/*` or `*`, `<!--`. */
const COMMENT_BEFORE = /^[ \t]*(?:#+|;+|\/\/+|--(?=[ \t])|\/?\*+|<!--)[ \t]*$/;

/** A comment's marker at a line's start, then anything (`# Example: DATABASE_URL=...`, `// see postgres://...`, `-- `, `;`). */
const COMMENT_LINE = /^[ \t]*(?:#|;|\/\/(?=[ \t]|$)|--(?=[ \t])|\/?\*|<!--)/;

/**
 * Whether the text at `index` of `input` is on a comment's line (`COMMENT_LINE`), read at most LINE_BACK characters back: where
 * an example in words is written for a person (`# DATABASE_URL=postgres://user:pass@localhost/db`).
 */
export function inCommentLine(input: string, index: number): boolean {
  const from = Math.max(0, index - LINE_BACK);
  const before = input.slice(from, index);
  const lineStart = before.lastIndexOf('\n');
  if (lineStart === -1 && from > 0) return false;
  return COMMENT_LINE.test(before.slice(lineStart + 1));
}

/**
 * Whether a setting (a `SETTING_TEXT` match, setting-secret-rules.ts) is commented out and its value an example, words
 * (`NAME`: `changeme`, `your-password-here`, `foobared`, `secret`): a commented default, no secret. A value of a password's mix
 * (`Xk3q9Lm2Pz7w`, `Passw0rd!`) is a secret in a comment too.
 */
export function isCommentedExample(m: RegExpExecArray, value: string): boolean {
  if (!NAME(value)) return false;
  const from = Math.max(0, m.index - LINE_BACK);
  const before = m.input.slice(from, m.index);
  const lineStart = before.lastIndexOf('\n');
  if (lineStart === -1 && from > 0) return false;
  return COMMENT_BEFORE.test(before.slice(lineStart + 1));
}

/** A sentence as a user interface says it: sentence case, then more words, each of letters (lower-case, capitalized, an acronym) or a number, a comma after it. */
const SENTENCE_WORDS = String.raw`\p{Lu}[\p{Ll}\p{M}'’-]*,?(?:[ \t]+(?:\p{Lu}?[\p{Ll}\p{Lo}\p{Lm}\p{M}'’-]+|\p{Lu}+|\p{N}+|\p{Ll}+['’]\p{Lu}\p{L}*),?)+`;

/**
 * Prose, as a user interface says it: sentences (`SENTENCE_WORDS`), in any alphabet, one after another, and punctuation at its end
 * (`Enter your password`, `Mot de passe oublié ?`, `Passwort eingeben:`, `Mindestens 8 Zeichen`, `Your session token has expired.
 * Please sign in again.`). Not a passphrase of lower-case words (`correct horse battery staple`), nor words with a digit, a symbol
 * or a capital within them (`Bearer Xk3q9Lm2Pz7wQ`, `Basic dXNlcjpwYXNz`: a token after its scheme).
 */
const PROSE = new RegExp(String.raw`^${SENTENCE_WORDS}(?:[ \t]*[.!?…][ \t]+${SENTENCE_WORDS})*[ \t]*[.:!?…]?$`, 'u');
/** A word of letters with one outside ASCII at least (`Contraseña`, `Пароль`, `パスワード`): a language's, not a password's. */
const NATIVE_WORD = /^(?=.*\P{ASCII})[\p{L}\p{M}]+(?:[ \t]+[\p{L}\p{M}]+)*$/u;

/** What a secret's word names: a password, a token, a secret, a key. */
type SecretKind = 'password' | 'token' | 'secret' | 'key';

/**
 * The words a user interface names a password, a token, a secret or a key with, in the languages of its catalogues (lower-case),
 * each with what it names: a label says one (`Passwort eingeben:`, `Contraseña`, `Jeton d'accès`), a passphrase need not
 * (`Correct horse battery staple`, `Winter 2024!`, `Schönwetter`). A word that is only a part of its language's name of a
 * password is a label only in that name (`LABEL_PHRASES`: French `passe` in `mot de passe`; `Passe muraille 9` is a passphrase).
 */
const LABEL_WORDS: ReadonlyMap<string, readonly SecretKind[]> = new Map<string, readonly SecretKind[]>([
  ...['passwort', 'kennwort', 'contraseña', 'contrasena', 'senha', 'wachtwoord', 'lösenord', 'passord', 'adgangskode', 'salasana'].map(
    (w) => [w, ['password']] as const,
  ),
  ...['hasło', 'haslo', 'heslo', 'jelszó', 'parola', 'parolă', 'şifre', 'sifre', 'пароль', 'пароля', 'гасло', 'κωδικός', 'סיסמה'].map(
    (w) => [w, ['password']] as const,
  ),
  ['पासवर्ड', ['password']],
  // Spanish `clave`: a password (`Clave de acceso`) and a key (`Clave secreta`, a secret key)
  ['clave', ['password', 'key', 'secret']],
  ...['jeton', 'token', 'токен', 'токена'].map((w) => [w, ['token']] as const),
  // a secret and a key are one (`Chiave segreta`, `Secret key`)
  ...['geheimnis', 'secreto', 'secreta', 'segredo', 'segreto', 'segreta', 'secrète'].map((w) => [w, ['secret', 'key']] as const),
  ...['schlüssel', 'clé', 'chiave', 'llave'].map((w) => [w, ['key', 'secret']] as const),
]);
/** The names of a password of several words, one of which alone is no label (French `mot de passe`, Vietnamese, Indonesian, Arabic). */
const LABEL_PHRASES = ['mot de passe', 'mật khẩu', 'kata sandi', 'كلمة المرور'];
/** Those words in the alphabets written without blanks between words (`パスワードを入力`, `请输入密码`, `비밀번호`, `トークン`). */
const UNSPACED_LABEL_WORD = /パスワード|暗証番号|密码|密碼|口令|비밀번호|암호|รหัสผ่าน|トークン|令牌/u;

/** What a word of a name says its secret is (`password`, `dbPass`, `MYSQL_ROOT_PW`: a password; `apiToken`: a token), if it says. */
function kindOf(word: string): SecretKind | undefined {
  if (/pass|pwd|^pw$|rootpw$|bindpw$|masterauth$/.test(word)) return 'password';
  if (word.includes('token')) return 'token';
  if (word.includes('secret')) return 'secret';
  return word.endsWith('key') ? 'key' : undefined;
}

/**
 * Whether a label under a secret's name (`name`) says what it asks for: a secret's word of the name itself (`password: Enter your
 * password`), a word or a phrase of `LABEL_WORDS` that names the kind of secret the name says (`Mot de passe`, `Passwort
 * eingeben:` under a password's name, `Jeton d'accès` under a token's; not `Token bucket 42` under `api.password`), or any of them
 * when the name says no kind (`auth`, `credentials`).
 */
function namesTheSecret(value: string, name: string): boolean {
  if (UNSPACED_LABEL_WORD.test(value)) return true;
  const nameWords = words(name);
  const own = new Set(nameWords.filter((w) => nameVerdict(w) === true));
  const kinds = new Set(nameWords.map(kindOf).filter((k) => k !== undefined));
  const said = value
    .toLowerCase()
    .split(/[^\p{L}\p{M}]+/u)
    .filter(Boolean);
  if (said.some((w) => namesKind(w, own, kinds))) return true;
  // a label's word of another kind beside a word of the name that says what the secret is for (`api_token: Clé API`, an API's
  // key for its token): the field's label in that language
  if (said.some((w) => LABEL_WORDS.has(w)) && said.some((w) => !own.has(w) && !LABEL_WORDS.has(w) && nameWords.includes(w))) return true;
  const phrase = ` ${said.join(' ')} `;
  return (kinds.size === 0 || kinds.has('password')) && LABEL_PHRASES.some((p) => phrase.includes(` ${p} `));
}
/**
 * Whether a word a label says (`word`, lower-case) names a secret of the name: its own secret's word (`own`: `password`, `token`), a
 * word of `LABEL_WORDS` of a kind the name says (`kinds`, any when none), or a compound that ends in either, as German makes one
 * (`Zugangstoken`, `Einmalpasswort`).
 */
function namesKind(word: string, own: ReadonlySet<string>, kinds: ReadonlySet<SecretKind>): boolean {
  const names = (w: string) => own.has(w) || LABEL_WORDS.get(w)?.some((k) => kinds.size === 0 || kinds.has(k)) === true;
  if (names(word)) return true;
  for (const w of [...own, ...LABEL_WORDS.keys()]) if (word.length > w.length && word.endsWith(w) && names(w)) return true;
  return false;
}

/**
 * Words as a title or a label writes them, capitalized or an acronym first, then capitalized, lower-case or an acronym, joined by
 * blanks or `-` (`API-Token`, `Api Token`, `DB Password`, `API token`, `Confirm password`).
 */
const TITLE_WORDS = /^(?:\p{Lu}\p{Ll}+|\p{Lu}{2,})(?:[ \t-](?:\p{L}\p{Ll}+|\p{Lu}{2,}))+$/u;

/**
 * Whether a value is the name's own words as a title or a label says them (`TITLE_WORDS`), the secret's word among them
 * (`api.token=API-Token`, `db_password: DB Password`, `api_token: "API token"`): the field's label, as `password=Password` is.
 */
function isNameSaid(value: string, name: string): boolean {
  if (!TITLE_WORDS.test(value)) return false;
  const nameWords = words(name);
  const said = value.toLowerCase().split(/[ \t-]+/);
  return said.every((w) => nameWords.includes(w)) && said.some((w) => nameVerdict(w) === true);
}

/** A capitalized word of letters (`Password`, `Passwort`, `Jeton`). */
const CAPITALIZED = /^\p{Lu}\p{Ll}+$/u;

/** A line of a message catalogue: a key, `=` or `:`, then prose (`PROSE`, numbers among its words, a comma after one), quoted or not. */
const PROSE_LINE =
  /^[ \t]*["']?[\w.-]+["']?[ \t]*[:=][ \t]*["']?(\p{Lu}[\p{Ll}'’-]*,?(?:[ \t]+[\p{L}\p{N}'’-]+,?)+)[ \t]*[.:!?…]?["']?,?[ \t]*\r?$/u;
/** A line of a label: a key, then a capitalized word (`submit: Anmelden`, `"login": "Connexion",`). */
const WORD_LINE = /^[ \t]*["']?[\w.-]+["']?[ \t]*[:=][ \t]*["']?\p{Lu}[\p{Ll}\p{M}]+["']?,?[ \t]*\r?$/u;
/** A line that sets a value (`key=value`, `key: value`; not `key:` alone, a YAML mapping's). */
const SETTING_LINE = /^[ \t]*["']?[\w.-]+["']?[ \t]*[:=][ \t]*[^\s{[]/;

/** Where a JSON object's next entry starts after a comma: its key quoted, then a colon. */
const NEXT_ENTRY = /,(?=[ \t]*["'][\w.-]+["'][ \t]*:)/;
/** What opens an entry of a JSON object written on one line: braces and the keys of the objects it is within (`{"auth": {`). */
const OPENERS = /^[ \t]*(?:[{[]+[ \t]*)?(?:["']?[\w.-]+["']?[ \t]*:[ \t]*[{[]+[ \t]*)*/;

/** An entry without the blanks, braces and brackets that close it and the objects it is within (read back from its end once). */
function withoutClosers(entry: string): string {
  let end = entry.length;
  while (end > 0 && ' \t\r}]'.includes(entry[end - 1]!)) end--;
  return entry.slice(0, end);
}

/**
 * A text's entries, each a line, or in a JSON object written on one line (a minified catalogue, `{"auth": {"password":
 * "Contraseña", "token": "Token de acceso"}}`) each of its entries, without the braces and keys that open the objects it is
 * within and those that close them: as lines of settings are read.
 */
function entries(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line) => (line.includes('{') ? line.split(NEXT_ENTRY).map((e) => withoutClosers(e.replace(OPENERS, ''))) : [line]));
}

/** How many of a text's lines set a value, and how many of those say prose or are labels (prose or a capitalized word); read once per text. */
const labelLines = oncePerText((text) => {
  let settings = 0;
  let prose = 0;
  let labels = 0;
  for (const line of entries(text)) {
    if (!SETTING_LINE.test(line)) continue;
    settings++;
    if (PROSE_LINE.test(line)) prose++;
    else if (!WORD_LINE.test(line)) continue;
    labels++;
  }
  return { settings, prose, labels };
});

/**
 * Whether a text is a message catalogue (a translation file, `messages_de.properties`, `fr.json`): of its lines that set a value,
 * two or more say prose, or one does and three or more, three quarters of them, are labels (`labelLines`).
 */
function isCatalogue(text: string): boolean {
  const { settings, prose, labels } = labelLines(text);
  return (prose >= 2 && prose * 3 >= settings) || (prose >= 1 && labels >= 3 && labels * 4 >= settings * 3);
}

/**
 * Whether most of a text's settings are labels (`labelLines`: more than half), as a form's few labels are (`form.password=Passwort`,
 * alone or beside `form.user=Benutzer`), not a configuration's settings (`db.host=db`, `app.name=orders`, then `db.password=Passwort`).
 */
function mostlyLabels(text: string): boolean {
  const { settings, labels } = labelLines(text);
  return labels * 2 > settings;
}

/** How far along its line the rest of a value not quoted is read (a properties file's or YAML's value runs to the line's end). */
const REST_OF_LINE = 256;

/**
 * Whether a setting under a secret's name (`name`, a `SETTING_TEXT` match) is a label or a message of a user interface, not the
 * secret: prose (`PROSE`) or a word of another alphabet (`NATIVE_WORD`) that names the secret (`namesTheSecret`: `Enter your
 * password`, `Mot de passe`, `Contraseña`), its value quoted or, not quoted, with the rest of its line; the name's own word
 * capitalized (`password=Password`, `token: Token`); or, in a message catalogue (`isCatalogue`), any of those. Lower-case words
 * stay passwords (`password=password`, `password: changeme`), prose that names no secret outside a catalogue too (`Correct horse
 * battery staple`, `Winter 2024!`, `Bearer Xk3q9Lm2Pz7wQ`), and so does any value under a name written as a variable of the
 * environment's (`ADMIN_PASSWORD=Welcome to the jungle`).
 */
export function isLabel(m: RegExpExecArray, name: string): boolean {
  // a variable of the environment (`ADMIN_PASSWORD=Welcome to the jungle`) holds a passphrase; a catalogue's keys are such names
  // only in a catalogue (an Angular app's `{"PASSWORD": "Password", "PASSWORD_CONFIRM": "Confirm password", ...}`)
  if (ENV_NAME(name) && !isCatalogue(m.input)) return false;
  let value = m[2] ?? m[3];
  if (value === undefined) {
    const end = m.index + m[0].length;
    const rest = m.input.slice(end, end + REST_OF_LINE);
    const lineEnd = rest.search(/\r?\n/);
    value = `${m[4]!}${lineEnd === -1 ? rest : rest.slice(0, lineEnd)}`;
  }
  return isLabelValue(value.trim(), name, m.input);
}

/**
 * Whether prose names a secret of any kind (`You can't access this page without coming from a password reset email.` under Devise's
 * `no_token`): a catalogue's message about secrets, not a passphrase (`Correct horse battery staple`).
 */
const namesASecret = (value: string): boolean =>
  value
    .toLowerCase()
    .split(/[^\p{L}\p{M}]+/u)
    .some((w) => w !== '' && (kindOf(w) !== undefined || LABEL_WORDS.has(w) || UNSPACED_LABEL_WORD.test(w)));

/**
 * Whether prose is a message of a sentence's grammar: five words or more, a comma among them or punctuation at its end (`Verwenden
 * Sie einen Satz, den Sie sich merken können.` under a catalogue's `login.passphrase`, a hint of what to choose); a catalogue writes
 * such under a secret's own name, where a passphrase is written as words alone (`Correct horse battery staple`, `Winter 2024!`),
 * which stay found. A passphrase written as a sentence of five words, its full stop too, passes in a catalogue, as its messages do;
 * under a password's or a token's name (`login.password=Correct horse battery staple, today`) such words are the secret.
 */
/** Whether a name's last word is a passphrase's (`login.passphrase`): the only secret a catalogue's hint under its own name is a sentence of. */
const namesPassphrase = (name: string): boolean => words(name).at(-1) === 'passphrase';
const isMessage = (value: string): boolean => /[,.!?…:][ \t]*$|,[ \t]/u.test(value) && value.trim().split(/[ \t]+/).length >= 5;

/**
 * Whether a name's last word is a secret's own (`password`, `db.password`, `api_token`), not a property of one (`password_hint`,
 * `password.forgot`): what a catalogue writes under it names the secret (`Mot de passe`); prose that does not is the secret,
 * in a file of prose too (`app.greeting=Hello and welcome`, then `spring.datasource.password=Correct horse battery staple`).
 */
const namesSecretItself = (name: string): boolean => nameVerdict(words(name).at(-1) ?? '') === true;

/**
 * Whether a value under a secret's name (`name`), in a text (`input`), is a label or a message (`isLabel`): prose or a word of
 * another alphabet that names the secret (`namesTheSecret`), or, in a message catalogue, any under a name of a secret's property
 * (`password_hint: Mindestens 8 Zeichen`, `namesSecretItself`); a capitalized word, the name's own (`Password`), one that names
 * the secret in a catalogue or a text of labels mostly (`form.password=Passwort`, `mostlyLabels`; beside a configuration's
 * settings, `db.host=db`, a password), or any under a name of a secret's property in a catalogue (`password_hint: Pflichtfeld`):
 * under a secret's own name a word that names no secret is one (`rabbitmq.password: Guest`, in a catalogue too). Also read for a literal a rule of code-values.ts finds (`t.get("password",
 * "Password")`).
 */
export function isLabelValue(value: string, name: string, input: string): boolean {
  if (PROSE.test(value) || NATIVE_WORD.test(value))
    return (
      namesTheSecret(value, name) ||
      (isCatalogue(input) && (!namesSecretItself(name) || namesASecret(value) || (namesPassphrase(name) && isMessage(value))))
    );
  if (isNameSaid(value, name)) return true;
  if (!CAPITALIZED.test(value)) return false;
  // under a secret's own name a word that does not name it is the secret, in a catalogue too (`rabbitmq.password: Guest` among
  // `rabbitmq.host: Rabbit` and `app.title: Order service`)
  if (namesItsSecret(value, name)) return true;
  return namesTheSecret(value, name) ? mostlyLabels(input) || isCatalogue(input) : isCatalogue(input) && !namesSecretItself(name);
}

/**
 * Whether a capitalized word is the name's own secret's word (`password=Password`, `token: Token`): the field's label. Not another
 * word of the name (`redis.password: Redis`, `admin.password: Admin`): a password named after what it is for.
 */
function namesItsSecret(value: string, name: string): boolean {
  const word = value.toLowerCase();
  return nameVerdict(word) === true && words(name).includes(word);
}

/**
 * Whether the value of a ConfigMap's key under a secret's name (`name`) is a label of a user interface (`isLabelValue`), read in
 * `text`, the ConfigMap's settings of one line (`login.password: Passwort`, alone or beside `login.user: Benutzer`; `api.token:
 * API-Token`; `api_token: Clé API`), in a ConfigMap of labels mostly (`mostlyLabels`) or the name's own words as a title
 * (`isNameSaid`): not beside a configuration's settings (`db.host: postgres`, then `db.password: Password`), nor under a name
 * written as a variable of the environment's (`ADMIN_PASSWORD`), which a container reads.
 */
export const isConfigLabel = (name: string, value: string, text: string): boolean =>
  !ENV_NAME(name) &&
  !value.includes('\n') &&
  isLabelValue(value.trim(), name, text) &&
  (mostlyLabels(text) || isNameSaid(value.trim(), name));
