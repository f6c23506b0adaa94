/**
 * Settings under a secret's name that hold no secret because of where they are written: a label or a message of a user interface
 * (a translation file's `password=Password`, `login.password=Mot de passe`, `password: "Enter your password"`, a German catalogue's
 * `login.password=Passwort`), and a commented-out example (`# password=changeme`). A commented literal that looks like a real
 * password (`#password=Xk3q9Lm2Pz7w`) is still one, committed all the same. Read for the `secret-setting` rule of
 * setting-secret-rules.ts. Pure and synchronous.
 */
import { nameVerdict, words } from './secret-names.js';
import { ENV_NAME, NAME, oncePerText } from './secret-shapes.js';

/** How far back a setting's line is read for a comment's marker (a bound: a line of many settings is read a bounded number of times). */
const LINE_BACK = 256;

/** A comment's marker and blanks before a setting, from its line's start: `#`, `;`, `//`, `-- `, a block comment's `/*` or `*`, `<!--`. */
const COMMENT_BEFORE = /^[ \t]*(?:#+|;+|\/\/+|--(?=[ \t])|\/?\*+|<!--)[ \t]*$/;

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

/**
 * Prose, as a user interface says it: sentence case (a capital, then lower-case letters), then more words, in any alphabet, each
 * of letters as a sentence writes them (lower-case, capitalized, an acronym) or a number, and punctuation at its end (`Enter your
 * password`, `Mot de passe oublié ?`, `Passwort eingeben:`, `Mindestens 8 Zeichen`). Not a passphrase of lower-case words
 * (`correct horse battery staple`), nor words with a digit, a symbol or a capital within them (`Bearer Xk3q9Lm2Pz7wQ`,
 * `Basic dXNlcjpwYXNz`: a token after its scheme).
 */
const PROSE = /^\p{Lu}[\p{Ll}\p{M}'’-]*(?:[ \t]+(?:\p{Lu}?[\p{Ll}\p{Lo}\p{Lm}\p{M}'’-]+|\p{Lu}+|\p{N}+))+[ \t]*[.:!?…]?$/u;
/** A word of letters with one outside ASCII at least (`Contraseña`, `Пароль`, `パスワード`): a language's, not a password's. */
const NATIVE_WORD = /^(?=.*\P{ASCII})[\p{L}\p{M}]+(?:[ \t]+[\p{L}\p{M}]+)*$/u;

/**
 * The words a user interface names a password, a token or a secret with, in the languages of its catalogues (lower-case): a label
 * says one (`Mot de passe`, `Passwort eingeben:`, `Contraseña`), a passphrase need not (`Correct horse battery staple`,
 * `Winter 2024!`, `Schönwetter`).
 */
const LABEL_WORDS = new Set([
  ...['passwort', 'kennwort', 'passe', 'contraseña', 'contrasena', 'clave', 'senha', 'wachtwoord', 'lösenord', 'passord'],
  ...['adgangskode', 'salasana', 'hasło', 'haslo', 'heslo', 'jelszó', 'parola', 'parolă', 'şifre', 'sifre', 'пароль', 'пароля'],
  ...['гасло', 'κωδικός', 'סיסמה', 'المرور', 'पासवर्ड', 'sandi', 'khẩu', 'jeton', 'geheimnis', 'secreto', 'segredo', 'schlüssel'],
  ...['clé', 'chiave', 'llave', 'token'],
]);
/** Those words in the alphabets written without blanks between words (`パスワードを入力`, `请输入密码`, `비밀번호`). */
const UNSPACED_LABEL_WORD = /パスワード|暗証番号|密码|密碼|口令|비밀번호|암호|รหัสผ่าน/u;

/**
 * Whether a label under a secret's name (`name`) says what it asks for: a secret's word of the name itself (`password: Enter your
 * password`) or a word of `LABEL_WORDS`.
 */
function namesTheSecret(value: string, name: string): boolean {
  if (UNSPACED_LABEL_WORD.test(value)) return true;
  const own = new Set(words(name).filter((w) => nameVerdict(w) === true));
  return value
    .toLowerCase()
    .split(/[^\p{L}\p{M}]+/u)
    .some((w) => own.has(w) || LABEL_WORDS.has(w));
}
/** A capitalized word of letters (`Password`, `Passwort`, `Jeton`). */
const CAPITALIZED = /^\p{Lu}\p{Ll}+$/u;

/** A line of a message catalogue: a key, `=` or `:`, then prose (`PROSE`, numbers among its words), quoted or not. */
const PROSE_LINE =
  /^[ \t]*["']?[\w.-]+["']?[ \t]*[:=][ \t]*["']?(\p{Lu}[\p{Ll}'’-]*(?:[ \t]+[\p{L}\p{N}'’-]+)+)[ \t]*[.:!?…]?["']?,?[ \t]*\r?$/u;
/** A line of a label: a key, then a capitalized word (`submit: Anmelden`, `"login": "Connexion",`). */
const WORD_LINE = /^[ \t]*["']?[\w.-]+["']?[ \t]*[:=][ \t]*["']?\p{Lu}[\p{Ll}\p{M}]+["']?,?[ \t]*\r?$/u;
/** A line that sets a value (`key=value`, `key: value`; not `key:` alone, a YAML mapping's). */
const SETTING_LINE = /^[ \t]*["']?[\w.-]+["']?[ \t]*[:=][ \t]*[^\s{[]/;

/**
 * Whether a text is a message catalogue (a translation file, `messages_de.properties`, `fr.json`): of its lines that set a value,
 * two or more say prose, or one does and three or more, three quarters of them, are labels (prose or a capitalized word); read
 * once per text.
 */
const isCatalogue = oncePerText((text) => {
  let settings = 0;
  let prose = 0;
  let labels = 0;
  for (const line of text.split('\n')) {
    if (!SETTING_LINE.test(line)) continue;
    settings++;
    if (PROSE_LINE.test(line)) prose++;
    else if (!WORD_LINE.test(line)) continue;
    labels++;
  }
  return (prose >= 2 && prose * 3 >= settings) || (prose >= 1 && labels >= 3 && labels * 4 >= settings * 3);
});

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
  // a variable of the environment (`ADMIN_PASSWORD=Welcome to the jungle`) holds a passphrase: a catalogue's keys are no such names
  if (ENV_NAME(name)) return false;
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
 * Whether a name's last word is a secret's own (`password`, `db.password`, `api_token`), not a property of one (`password_hint`,
 * `password.forgot`): what a catalogue writes under it names the secret (`Mot de passe`); prose that does not is the secret,
 * in a file of prose too (`app.greeting=Hello and welcome`, then `spring.datasource.password=Correct horse battery staple`).
 */
const namesSecretItself = (name: string): boolean => nameVerdict(words(name).at(-1) ?? '') === true;

/**
 * Whether a value under a secret's name (`name`), in a text (`input`), is a label or a message (`isLabel`): prose or a word of
 * another alphabet that names the secret (`namesTheSecret`), or, in a message catalogue, any under a name of a secret's property
 * (`password_hint: Mindestens 8 Zeichen`, `namesSecretItself`); a capitalized word, the name's own (`Password`) or any in a
 * catalogue. Also read for a literal a rule of code-values.ts finds (`t.get("password", "Password")`).
 */
export function isLabelValue(value: string, name: string, input: string): boolean {
  if (PROSE.test(value) || NATIVE_WORD.test(value)) return namesTheSecret(value, name) || (isCatalogue(input) && !namesSecretItself(name));
  if (!CAPITALIZED.test(value)) return false;
  return words(name).includes(value.toLowerCase()) || isCatalogue(input);
}
