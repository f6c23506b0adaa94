/**
 * Secrets on a command line: the password a client takes on its command line where no name says it
 * is one (`mysql -p<password>`, `curl -u user:password`), in a shell command (the content rule
 * `command-password`, secret-rules.ts) or as entries of a `command` or `args` list (a flag's value, judged by the
 * flag's name: secret-flags.ts). The clients that take it by its position (htpasswd, mc, Oracle's
 * tools) are positional-passwords.ts, a password piped to a login piped-passwords.ts, and where a command starts among
 * the words of a command line command-line-words.ts. Pure and synchronous.
 */
import { atCommandStart, isFlag, programOf } from './command-line-words.js';
import { FILE_PATH } from './secret-shapes.js';
import {
  ORACLE_TOOLS,
  type PositionalClient,
  given,
  isPositional,
  positionalGiven,
  positionalPassword,
  unquote,
} from './positional-passwords.js';

/** MySQL's and MariaDB's clients, and MongoDB's tools, by their programs' names. */
const MYSQL_CLIENTS = 'mysql(?:dump|admin|import|check|show|slap|binlog|pump)?|mariadb(?:-(?:dump|admin|import|check|show|slap|binlog))?';
const MONGO_CLIENTS = 'mongo(?:sh|dump|restore|export|import|stat|top|files)?';
/** Microsoft SQL Server's clients and ipmitool, whose `-P` is the password. */
const DASH_CAPITAL_P_CLIENTS = 'sqlcmd|bcp|ipmitool';
/** OpenLDAP's clients, whose `-w` is the bind password (`-W` prompts for it). */
const LDAP_CLIENTS = 'ldap(?:search|add|modify|delete|modrdn|passwd|whoami|compare|exop)';
/**
 * How many options a container tool takes before its subcommand, at most (`docker --config /tmp/ci --debug login`):
 * a bound, since an option's value may be any word, another `docker` too, from which the options were read again to the
 * line's end (`docker --x docker --x ...`: quadratic).
 */
const MAX_GLOBAL_OPTIONS = 6;
/**
 * A container tool's options before its subcommand, each with its value or not (`docker --config /tmp/ci login`,
 * `podman --log-level debug login`): a value is a word that is no option, so each word is read once.
 */
const GLOBAL_OPTIONS = `(?:[ \\t]+--?[A-Za-z][\\w-]*(?:=\\S*|[ \\t]+[^\\s-]\\S*)?){0,${MAX_GLOBAL_OPTIONS}}?`;

/** The programs whose `login` takes a registry's password (`docker login -p <password>`, OpenShift's `oc login`). */
const LOGIN_PROGRAM_NAMES = 'docker|podman|nerdctl|buildah|skopeo|oras|oc|cf|az';
/** The programs whose `registry login` does (`helm registry login`, `oc registry login`). */
const REGISTRY_LOGIN_PROGRAM_NAMES = 'helm|oc';

/** The clients of PASSWORD_CLIENTS named by their program alone (a registry login and mc's are named by their subcommand too). */
const CLIENT_PROGRAMS = [
  MYSQL_CLIENTS,
  'curl|redis-cli|sshpass|elasticsearch-users',
  MONGO_CLIENTS,
  'keytool|jarsigner|htpasswd|mosquitto_passwd|rabbitmqctl|openssl',
  ORACLE_TOOLS,
  DASH_CAPITAL_P_CLIENTS,
  LDAP_CLIENTS,
].join('|');

/**
 * Clients that take a password on their command line, where no name says it is one: MySQL's and
 * MariaDB's (`-p<password>` or `--password=<password>`; `-p` alone prompts for it, and `--password`
 * takes no next word), curl (`-u user:password`, `--user`, and the proxy's `-U`, `--proxy-user`;
 * a user alone prompts), redis-cli (`-a <password>`), sshpass, Elasticsearch's `elasticsearch-users useradd <user> -p <password>` and MongoDB's tools (`-p <password>`,
 * `-p<password>`; a mongo tool's `-p` before a flag prompts), a registry login (`docker login -p
 * <password>`, podman's, nerdctl's, buildah's, skopeo's, oras', `helm registry login`; OpenShift's, Cloud Foundry's and
 * Azure's, `oc login -p <password>`), SQL Server's sqlcmd and bcp and ipmitool (`-P <password>`), OpenLDAP's clients
 * (`ldapsearch -w <password>`), the JDK's
 * keytool and jarsigner (`-storepass <password>`, `-keypass`, `-srcstorepass`...; not `-storepass:env
 * VAR`, a source), OpenSSL's `enc` (`-k <password>`, `-K <key in hex>`; `-kfile` and `-pass env:VAR` are sources), and those that take it by its position: `htpasswd -b <file> <user> <password>`
 * (`-nb <user> <password>`, and mosquitto_passwd's), MinIO's `mc alias set <alias> <url> <access key> <secret key>` and
 * `rabbitmqctl add_user <user> <password>`.
 * `-p 3306` is a port to many other tools, `docker run -p 8080:80` a port too: only these clients' flags count.
 */
export const PASSWORD_CLIENTS =
  `${CLIENT_PROGRAMS}|(?:${LOGIN_PROGRAM_NAMES})${GLOBAL_OPTIONS}[ \\t]+login|(?:${REGISTRY_LOGIN_PROGRAM_NAMES})${GLOBAL_OPTIONS}[ \\t]+registry[ \\t]+login|` +
  `mc[ \\t]+(?:alias[ \\t]+set|config[ \\t]+host[ \\t]+add)`;

/**
 * What each client's command in PASSWORD_CLIENTS holds, for the screen's first test of a value (secret-rules.ts's
 * CANDIDATE), taken from it: the program's name, a registry login's `login`, or else a URL's `://` (`mc alias set <alias>
 * <url> ...`), which that test holds already.
 */
export const CLIENT_NAME_PARTS = `${CLIENT_PROGRAMS}|login`;

/** How each client takes its password: joined to a flag (`-phunter2`: group 1), or as the word after a flag alone. */
interface ClientFlags {
  readonly joined?: RegExp;
  readonly next?: RegExp;
}

const CLIENT_FLAGS = {
  mysql: { joined: /^(?:-p|--password=)(.+)$/s },
  curl: {},
  redis: { next: /^-a$/ },
  'dash-p': { joined: /^-p(.+)$/s, next: /^-p$/ },
  'dash-P': { joined: /^-P(.+)$/s, next: /^-P$/ },
  ldap: { joined: /^-w(.+)$/s, next: /^-w$/ },
  login: { joined: /^(?:-p|--password=)(.+)$/s, next: /^-p$/ },
  keytool: { next: /^-(?:src|dest)?(?:store|key)pass$|^-new$/ },
  // `openssl enc -k <password>` (a backup script's), `-K <key>`, the key itself in hex; its `-pass pass:<password>` is a
  // setting's text (`pass:`), found by the `secret-setting` rule
  openssl: { next: /^-[kK]$/ },
} satisfies Record<string, ClientFlags>;

type Client = keyof typeof CLIENT_FLAGS | PositionalClient;

/** The clients by the name of their program (a registry login by its `login`, after the program's name). */
const CLIENT_NAMES: readonly (readonly [RegExp, Client])[] = [
  [new RegExp(`^(?:${MYSQL_CLIENTS})$`), 'mysql'],
  [/^curl$/, 'curl'],
  [/^redis-cli$/, 'redis'],
  [new RegExp(`^(?:sshpass|elasticsearch-users|${MONGO_CLIENTS})$`), 'dash-p'],
  [new RegExp(`^(?:${DASH_CAPITAL_P_CLIENTS})$`), 'dash-P'],
  [new RegExp(`^(?:${LDAP_CLIENTS})$`), 'ldap'],
  [/^login$/, 'login'],
  [/^(?:keytool|jarsigner)$/, 'keytool'],
  [/^openssl$/, 'openssl'],
  [/^(?:htpasswd|mosquitto_passwd)$/, 'htpasswd'],
  [/^rabbitmqctl$/, 'rabbitmqctl'],
  [/^mc$/, 'mc'],
  [new RegExp(`^(?:${ORACLE_TOOLS})$`), 'oracle'],
];
/** The programs before a registry's `login` (`helm registry login`: the word before `login` is `registry`), and those before its `registry`. */
const LOGIN_PROGRAMS = new RegExp(`^(?:${LOGIN_PROGRAM_NAMES}|registry)$`);
const REGISTRY_LOGIN_PROGRAMS = new RegExp(`^(?:${REGISTRY_LOGIN_PROGRAM_NAMES})$`);
const CURL_USER_FLAG = /^(?:-[uU]|--(?:proxy-)?user)$/;

/** Which client the word `i` of a command line names (`mysql`, `/usr/bin/curl`; `login` after `docker`), if one. */
export function clientAt(words: readonly unknown[], i: number): Client | undefined {
  const word = words[i];
  if (typeof word !== 'string') return undefined;
  const name = programOf(word);
  const client = CLIENT_NAMES.find(([re]) => re.test(name))?.[1];
  if (client !== 'login') return client;
  return loginProgramAt(words, i) >= 0 ? client : undefined;
}

/**
 * Where the program of a registry login at `i` is (`docker login`: i - 1; `docker --config /tmp/ci login`: i - 3;
 * `helm registry login`: i - 2, `helm --debug registry login`: i - 3), back over the program's options and their values;
 * its `registry` when no helm or oc is before it (an args list's `registry login`, whose program is the image's entrypoint,
 * `alpine/helm`, or its command's); -1 when no program is before it.
 */
function loginProgramAt(words: readonly unknown[], i: number): number {
  const j = programBefore(words, i, LOGIN_PROGRAMS);
  const program = words[j] === 'registry' ? programBefore(words, j, REGISTRY_LOGIN_PROGRAMS) : -1;
  return program >= 0 ? program : j;
}

/** Where a program of `programs` is before the word `i`, back over its options and their values (MAX_GLOBAL_OPTIONS at most); -1 when none is. */
function programBefore(words: readonly unknown[], i: number, programs: RegExp): number {
  let j = i - 1;
  for (let options = 0; options <= MAX_GLOBAL_OPTIONS; options++) {
    const w = words[j];
    if (typeof w !== 'string') return -1;
    if (programs.test(programOf(w))) return j;
    const before = words[j - 1];
    if (isFlag(w)) j--;
    else if (typeof before === 'string' && isFlag(before) && !before.includes('=')) j -= 2;
    else return -1;
  }
  return -1;
}

/**
 * A password given to a client, and how: the client's name and flag with placeholders for what they take
 * (`redis-cli -a <password>`, `mysql -p<password>`, `curl -u <user>:<password>`, `htpasswd -nb <user> <password>`):
 * words of the client's own, never the command's, for messages to say where the password is.
 */
export interface ClientPassword {
  readonly password: string;
  readonly form: string;
}

/**
 * The password that `word` gives `client` on its command line (`before`: the word before it), with its flag as the
 * form (`-p<password>`, `-a <password>`), or `undefined`: none, a prompt (`-p`, `-u admin`, `-p --authenticationDatabase admin`),
 * or a reference the shell or the kubelet expands (`-p"$MYSQL_PWD"`, `-u "admin:$(PASS)"`, `-a "$REDIS_PASSWORD"`).
 */
function passwordGiven(client: keyof typeof CLIENT_FLAGS, word: string, before: string | undefined): ClientPassword | undefined {
  // the flag is the word before (matched whole by a flag's pattern), or the part of the word before its value
  let value: string | undefined;
  let flag = `${before} `;
  let placeholder = '<password>';
  if (client === 'curl') {
    const joined = /^(?:-[uU]|--(?:proxy-)?user=)(.+)$/s.exec(word)?.[1];
    const credentials = joined ?? (before !== undefined && CURL_USER_FLAG.test(before) ? word : undefined);
    if (joined !== undefined) flag = word.slice(0, word.length - joined.length);
    const user = credentials === undefined ? undefined : unquote(credentials);
    value = user?.includes(':') ? user.slice(user.indexOf(':') + 1) : undefined;
    placeholder = '<user>:<password>';
  } else {
    const flags: ClientFlags = CLIENT_FLAGS[client];
    value = flags.joined?.exec(word)?.[1];
    if (value !== undefined) flag = word.slice(0, word.length - value.length);
    else if (before !== undefined && flags.next?.test(before) && !word.startsWith('-')) value = word;
    // openssl's `-K` is the key itself (in hex), not a password
    if (client === 'openssl' && before === '-K') placeholder = '<key>';
  }
  const password = given(value);
  return password === undefined ? undefined : { password, form: `${flag}${placeholder}` };
}

/** The JDK's own password of its truststore, `cacerts`: published with the JDK, and what it keeps are public certificates. */
const JDK_TRUSTSTORE_PASSWORD = 'changeit';

/** Whether a keytool command works on the JDK's truststore (`-cacerts`, `-keystore $JAVA_HOME/lib/security/cacerts`), whose password is no secret. */
const onJdkTruststore = (words: readonly unknown[]) =>
  words.some((w, i) => w === '-cacerts' || (typeof w === 'string' && /cacerts['"]?$/.test(w) && words[i - 1] === '-keystore'));

/**
 * The name of the client at `at` in `words`, as messages say it: its program's (`mysql` for `/usr/bin/mysql`), a
 * registry login's with its program's (`docker login`, `helm registry login`, `oc registry login`); an args list's
 * `registry login` with the program that `command` (the container's command) ends in, when it is helm or oc.
 */
export function clientName(words: readonly unknown[], at: number, client: Client, command?: () => readonly unknown[] | undefined): string {
  if (client !== 'login') return programOf(String(words[at]));
  const p = loginProgramAt(words, at);
  const program = programOf(String(words[p]));
  // `helm registry login`, `oc registry login`: the program's own subcommand between them
  if (program !== 'registry') return words.slice(p + 1, at).includes('registry') ? `${program} registry login` : `${program} login`;
  const list = command?.() ?? [];
  const q = programBefore([...list, 'registry'], list.length, REGISTRY_LOGIN_PROGRAMS);
  return q >= 0 ? `${programOf(String(list[q]))} registry login` : 'registry login';
}

/**
 * Whether `az login`'s `-p` is given a file (`az login --service-principal -p /certs/sp.pem`): a service principal's
 * certificate, as older az takes it, not a password. Only az's: `docker login -p /9vLm+2pQ==x`, `podman login -p ~/Hunter2pw`
 * are passwords that start with a slash or a tilde.
 */
const isCertificateFile = (name: string, password: string) => name === 'az login' && (FILE_PATH.test(password) || /\.pem$/i.test(password));

/**
 * A password `found` for the client at `at` of `words`, its form after the client's name (an args list's `registry login`
 * said with the program of `command`: clientName); none for the JDK truststore's published one, nor for az's certificate file.
 */
function givenTo(
  words: readonly unknown[],
  at: number,
  client: Client,
  found: ClientPassword | undefined,
  command?: () => readonly unknown[] | undefined,
): ClientPassword | undefined {
  if (found === undefined || (found.password === JDK_TRUSTSTORE_PASSWORD && client === 'keytool' && onJdkTruststore(words)))
    return undefined;
  const name = clientName(words, at, client, command);
  return isCertificateFile(name, found.password) ? undefined : { password: found.password, form: `${name} ${found.form}` };
}

/**
 * How a command's words (the client's name first; a registry login's program, then `login`) give the client a
 * password (`redis-cli -a <password>`: ClientPassword's form), or `undefined` when they give it none.
 */
export function commandPassword(words: readonly string[]): string | undefined {
  // the client's name is the first word, or a registry login's `login` after its program and the program's options
  const at = words.findIndex((_, i) => (i === 0 || clientAt(words, 0) === undefined) && clientAt(words, i) !== undefined);
  const client = clientAt(words, at);
  if (!client) return undefined;
  if (isPositional(client)) {
    const [index, form] = positionalPassword(client, words, at);
    const password = positionalGiven(client, words[index]);
    return password === undefined ? undefined : givenTo(words, at, client, { password, form })?.form;
  }
  for (let i = at + 1; i < words.length; i++) {
    const found = givenTo(words, at, client, passwordGiven(client, words[i]!, words[i - 1]));
    if (found) return found.form;
  }
  return undefined;
}

/** For each command or args list, the index of its first entry that names a client of PASSWORD_CLIENTS (-1: none), found once. */
const firstClients = new WeakMap<readonly unknown[], number>();

function firstClient(argv: readonly unknown[]): number {
  let at = firstClients.get(argv);
  if (at === undefined) {
    at = argv.findIndex((_, i) => {
      const client = clientAt(argv, i);
      return client !== undefined && atCommandStart(argv, client === 'login' ? loginProgramAt(argv, i) : i);
    });
    firstClients.set(argv, at);
  }
  return at;
}

/**
 * The password that the entry `index` of a `command` or `args` list gives a client named before it
 * (`[mysql, -uroot, -phunter2]`, `[curl, -u, admin:hunter2, ...]`, `[htpasswd, -Bbn, admin, hunter2]`), or,
 * for an args list, named in `command()` (the container's command), and how (ClientPassword's form); `undefined` when it gives none.
 */
export function clientPassword(
  argv: readonly unknown[],
  index: number,
  command?: () => readonly unknown[] | undefined,
): ClientPassword | undefined {
  const entry = argv[index];
  const before = argv[index - 1];
  if (typeof entry !== 'string') return undefined;
  // one test for most entries: a password is given in a flag (`-p...`, `--user=...`) or after one (`-u`), or by a
  // client that takes it by its position, known once per list
  const flagged = entry.charCodeAt(0) === 45 || (typeof before === 'string' && before.charCodeAt(0) === 45);
  const [positional, positionalClient, positionalForm] = positionalEntry(argv, command);
  if (positionalClient) {
    const password = positional === index ? positionalGiven(positionalClient, entry) : undefined;
    return password === undefined ? undefined : { password, form: positionalForm! };
  }
  if (!flagged) return undefined;
  let at = firstClient(argv);
  let client = at >= 0 && at < index ? clientAt(argv, at) : undefined;
  let words = argv;
  if (!client) {
    // the client in the command, or named across both lists (`command: [docker]`, `args: [login, -p, ...]`)
    const list = command?.();
    if (list && list !== argv) {
      words = [...list, ...argv];
      at = firstClient(words);
      client = at >= 0 && at < list.length + index ? clientAt(words, at) : undefined;
    }
  }
  if (!client || isPositional(client)) return undefined;
  return givenTo(words, at, client, passwordGiven(client, entry, typeof before === 'string' ? before : undefined), command);
}

/** For each command or args list, the index of the entry that is a positional client's password (-1: none), found once. */
const positionalEntries = new WeakMap<readonly unknown[], PositionalEntry>();

/** The index of a positional client's password in a list (-1: none), the client, when one is named, and how it takes it (ClientPassword's form). */
type PositionalEntry = readonly [index: number, client?: PositionalClient, form?: string];

/** The index in `argv` of a positional client's password (`htpasswd -nb user <password>`), its client in `argv` or in `command()` before it; -1 for none. */
function positionalEntry(argv: readonly unknown[], command?: () => readonly unknown[] | undefined): PositionalEntry {
  let found = positionalEntries.get(argv);
  if (found === undefined) {
    found = [-1];
    const at = firstClient(argv);
    const list = at < 0 ? command?.() : undefined;
    const words = list && list !== argv && firstClient(list) >= 0 ? [...list, ...argv] : argv;
    const from = words === argv ? at : firstClient(list!);
    const client = from >= 0 ? clientAt(words, from) : undefined;
    if (client && isPositional(client)) {
      const [index, form] = positionalPassword(client, words, from);
      found = [index - (words.length - argv.length), client, `${clientName(words, from, client)} ${form}`];
    }
    positionalEntries.set(argv, found);
  }
  return found;
}
