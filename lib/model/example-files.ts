/**
 * A file of examples, as a project ships one beside the file it shows (`.env.example`, `config.sample.yaml`, `.env.dist`,
 * `redis.conf.sample`): its values under a secret's name are words a person replaces (`DB_PASSWORD=changeme`, `SECRET_KEY=
 * change-me`, `API_TOKEN=your-api-token-here`, `postgres://user:password@localhost/app`), no secret; a value that looks like a
 * real one (`DB_PASSWORD=Xk9vQ2mLr7pT`, a token, a private key) is one, committed all the same, as a commented-out example's
 * is (setting-labels.ts' isCommentedExample). Read for the screen of a ConfigMap's key and of a stage file's config file by
 * that file's name. Pure and synchronous.
 */
import { NAME } from './secret-shapes.js';

/**
 * A file's name that says it holds examples: its last part, or the part before its extension, `example`, `sample` or `dist`
 * (`.env.example`, `.env.sample`, `config.example.yaml`, `app-sample.properties`, `.env.dist`), and `.env.template`. Not any other
 * `*.template`: the nginx image renders `/etc/nginx/templates/*.conf.template` into the configuration it runs.
 */
const EXAMPLE_FILE = /(?:^|[._-])(?:example|sample|dist)(?:\.[A-Za-z0-9]{1,8})?$|(?:^|\.)env\.template$/i;

/** Whether a file's name (a ConfigMap's key, a config file's under a stage's `config.files`) says it holds examples. */
export const isExampleFile = (name: string): boolean => EXAMPLE_FILE.test(name);

/**
 * A setting's value on its line (`NAME=value`, `name: value`, `export NAME="value"`, `name value`): the text before it (group 1),
 * its quote (2) and the value (3), then a comment or the line's end. Read from each line's start, once.
 */
const SETTING_LINE =
  /^([ \t]*(?:export[ \t]+)?["']?[A-Za-z_][\w.-]*["']?(?:[ \t]*[=:][ \t]*|[ \t]+))(["']?)([^\s"'#;]+)\2[ \t]*(?:;[ \t]*)?(?:[#;][^\n]*)?\r?$/gm;

/** A URL's password (group 2), after its scheme and user (group 1): `postgres://user:password@`. */
const URL_PASSWORD = /(:\/\/[^\s:/@]*:)([^\s:/@]+)@/g;

/**
 * The words an example's value says it is one with: to replace (`changeme`, `your-api-token-here`, `REPLACE_ME`, `xxxx`), the
 * secret's own kind (`password`, `mysecretpassword`, `api-key`) or a well-known default (`admin`, `guest`, `postgres`, `foobared`).
 * Part of a word for the long ones, a word whole (between other characters than letters) for the short.
 */
const PLACEHOLDER_WORDS =
  /change|replace|example|sample|placeholder|your|secret|passw|token|dummy|fake|todo|fixme|xxx|redacted|insert|enter|(?:^|[^a-z])(?:key|pass|pwd?|test|here|admin|root|guest|postgres|mysql|redis|user|default|demo|local|dev|foo|bar|baz|foobar|foobared|value|none)(?![a-z])/i;

/**
 * An example's value: words a person replaces (`NAME`, and one of them `PLACEHOLDER_WORDS`: `changeme`, `CHANGE_ME`,
 * `your-api-token-here`), not a password's mix (`Xk9vQ2mLr7pT`, `Passw0rd!`), nor words that say nothing of an example
 * (`Summer2024`, `correct-horse-battery-staple`: a real password, in a file named an example all the same), nor a URL, whose
 * password is read on its own (`URL_PASSWORD`).
 */
const isExampleWord = (value: string): boolean => NAME(value) && PLACEHOLDER_WORDS.test(value);
const isExampleValue = (value: string): boolean => !value.includes('://') && isExampleWord(value);

/**
 * The text of an example file with each example's value blanked (the same length, so that places in it are the text's): what the
 * rules judge instead of the text, so that a value that looks real is still found, at its line.
 */
export function withoutExamples(text: string): string {
  return text
    .replace(SETTING_LINE, (line: string, before: string, quote: string, value: string) =>
      isExampleValue(value)
        ? `${before}${quote}${' '.repeat(value.length)}${line.slice(before.length + quote.length + value.length)}`
        : line,
    )
    .replace(URL_PASSWORD, (m: string, before: string, password: string) =>
      isExampleWord(password) ? `${before}${' '.repeat(password.length)}@` : m,
    );
}
