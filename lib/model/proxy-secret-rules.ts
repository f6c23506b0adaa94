/**
 * The secret rules of web servers' and proxies' configuration (nginx, Apache httpd, HAProxy), parts of setting-secret-rules.ts's
 * SETTING_RULES: a header, a parameter or a variable a directive sets under a secret's name (`proxy_set_header X-Api-Key
 * <key>;`), and HAProxy's passwords (a userlist's `insecure-password`, `stats auth <user>:<password>`). Pure and synchronous.
 */
import { isPlaceholderCredential } from './secret-shapes.js';
import { type SecretRule, secretSetting } from './secret-setting.js';

/**
 * The directives that set a named header, parameter or variable to a value: nginx's `proxy_set_header`, `grpc_set_header`,
 * `add_header`, `fastcgi_param`, `uwsgi_param`, `scgi_param`; Apache's `SetEnv`, `RequestHeader set` and `Header set`; HAProxy's
 * `http-request set-header` and `http-response add-header`.
 */
const SETS_NAMED = String.raw`(?:(?:proxy|grpc)_set_header|add_header|(?:fastcgi|uwsgi|scgi)_param|SetEnv|(?:Request)?Header[ \t]+(?:always[ \t]+)?(?:set|add|append)|http-(?:request|response)[ \t]+(?:set|add)-header)`;

/** The headers that carry credentials whatever their name's words: their value after its scheme (`Token <40 hex>`) is the secret. */
const CREDENTIAL_HEADER = /^(?:proxy-)?authorization$/i;

/** Whether a header or parameter `name` set to `value` holds a secret: the credentials of an Authorization header, or a secret's name. */
function namedSecret(name: string, value: string): boolean {
  if (!CREDENTIAL_HEADER.test(name)) return secretSetting(name, value);
  const credentials = value.replace(/^[A-Za-z][A-Za-z0-9_-]*[ \t]+/, '');
  return credentials !== value && !isPlaceholderCredential(credentials);
}

export const PROXY_HEADER_RULE: SecretRule = {
  id: 'proxy-header',
  description: "a header, parameter or variable a web server or proxy sets under a secret's name (proxy_set_header X-Api-Key <key>;)",
  // read from each directive, a word of its own, to its value's end on its line: the name (quoted or not), then the value
  // (quoted, or to a blank or nginx's `;`). Not a variable, `$http_x_api_key`, HAProxy's `%[req.hdr(x-api-key)]` (no values of
  // `secretSetting`), nor an Authorization header's placeholder (`Bearer <token>`); Basic and Bearer credentials are their rules'
  pattern: new RegExp(`(?<![\\w-])${SETS_NAMED}[ \\t]+["']?([A-Za-z][\\w.-]*)["']?[ \\t]+(?:"([^"\\n]*)"|'([^'\\n]*)'|([^\\s"';]+))`, 'g'),
  accept: (_s, m) => namedSecret(m[1]!, m[2] ?? m[3] ?? m[4]!),
  setting: (m) => m[1],
};

export const HAPROXY_PASSWORD_RULE: SecretRule = {
  id: 'haproxy-password',
  description:
    "a password in HAProxy's configuration (a userlist's user <name> insecure-password <password>, stats auth <user>:<password>)",
  // a userlist's password in the clear (`password` takes a crypt hash, found as a password hash), and the statistics page's
  // user and password (quoted or not); each read from its keyword, a word of its own, to its value's end
  pattern: /(?<![\w-])(?:insecure-password[ \t]+|stats[ \t]+auth[ \t]+[^\s:]+:)(?:"([^"\n]*)"|([^\s"#]+))/g,
  accept: (_s, m) => secretSetting('password', m[1] ?? m[2]!),
  setting: () => 'password',
};
