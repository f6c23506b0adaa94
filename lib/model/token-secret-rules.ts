/**
 * The secret rules of tokens told by their format (secret-rules.ts holds the rest of the table, in which these come after
 * the authorization headers): a JSON Web Token, a cloud's or a service's API token by its prefix (AWS, Google, GitHub,
 * Slack, Stripe, GitLab...), a chat's incoming webhook URL, a Twilio auth token or a Mailgun key where the text names
 * them, a kubeadm bootstrap token (kubeadm-secret-rules.ts) and a JSON Web Key's symmetric key. Each is told by its text
 * alone, with no setting's name (secret-setting.ts' rules read those). Pure and synchronous.
 */
import { BOOTSTRAP_TOKEN_RULE } from './kubeadm-secret-rules.js';
import { oncePerText } from './once-per-text.js';
import type { SecretRule } from './secret-setting.js';

/** Twilio's name, or a Twilio account's SID (`AC` and 32 hex digits). */
const TWILIO = /[Tt]wilio|TWILIO|(?<![0-9A-Za-z])AC[0-9a-f]{32}(?![0-9A-Za-z])/;
/** Whether a text names Twilio or holds a Twilio account's SID, read once per text. */
const namesTwilio = oncePerText((text) => TWILIO.test(text));
/** How many characters either side of a 32-hex-digit value Twilio's name or an account's SID is looked for (`isTwilioToken`). */
const TWILIO_NEAR = 200;
/** The name of a setting just before a value (`auth_token: `, `TWILIO_AUTH_TOKEN=`, `"authToken": "`, `config-hash: `). */
const NAME_BEFORE = /([A-Za-z_][\w.-]*)["']?[ \t]*[:=][ \t]*["']?$/;
/** A name a Twilio auth token is given: a token's, authentication's, a secret's, a key's (`key`, `api_key`: an API key's secret). */
const TWILIO_TOKEN_NAME = /token|auth|secret|passw|^(?:api[_.-]?)?key$/i;

/**
 * Whether 32 lower-case hex digits (`m`) are a Twilio auth token: in a text that names Twilio (`namesTwilio`, once per text),
 * Twilio's name or an account's SID within `TWILIO_NEAR` characters, and the value under a token's name (`auth_token:
 * <hex>`), or quoted with no name before it (`Client("AC...", "<hex>")`). Not a value under another name (`config-hash: <md5>`,
 * `"trace_id": "<hex>"`, `md5:<hex>`), nor a URL's user part (a Sentry DSN's public key, `https://<hex>@o1.ingest.sentry.io/1`:
 * neither named nor quoted).
 */
function isTwilioToken(m: RegExpExecArray): boolean {
  const text = m.input;
  const end = m.index + m[0].length;
  if (!namesTwilio(text)) return false;
  if (!TWILIO.test(text.slice(Math.max(0, m.index - TWILIO_NEAR), end + TWILIO_NEAR))) return false;
  const name = NAME_BEFORE.exec(text.slice(Math.max(0, m.index - 64), m.index))?.[1];
  if (name !== undefined) return TWILIO_TOKEN_NAME.test(name);
  const quote = text[m.index - 1];
  return (quote === '"' || quote === "'") && text[end] === quote;
}
/** Whether a text holds a JSON Web Key of the octet type (`"kty": "oct"`), read once per text. */
const hasOctetKey = oncePerText((text) => /"kty"[ \t]*:[ \t]*"oct"/.test(text));

/** Whether a text names Mailgun, read once per text. */
const namesMailgun = oncePerText((text) => /mailgun/i.test(text));
/** A name a Mailgun API key is given: a token's, a secret's, an API key's (`api_key`, `MAILGUN_KEY`), not a cache's `key`. */
const MAILGUN_KEY_NAME = /token|secret|passw|api[_.-]?key|mailgun/i;

/** Whether `key-<32 hex>` (`m`, a `provider-token` match) is Mailgun's API key: under such a name, or in a text that names Mailgun. */
function isMailgunKey(m: RegExpExecArray): boolean {
  const name = NAME_BEFORE.exec(m.input.slice(Math.max(0, m.index - 64), m.index))?.[1];
  return (name !== undefined && MAILGUN_KEY_NAME.test(name)) || namesMailgun(m.input);
}

/** An AWS CodeCommit host's ssh user part's end (`@git-codecommit.us-east-2.amazonaws.com/`, `.amazonaws.com.cn:`). */
const CODECOMMIT_SSH_HOST = /^@git-codecommit\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?(?:[/:]|$)/;

/** An AWS CodeCommit ssh URL up to its path, its user the SSH key ID of a public key (`isCodeCommitSshUser`; url-secret-rules.ts' token user). */
export const CODECOMMIT_SSH_KEY_USER = /^ssh:\/\/APKA[A-Z0-9]{16}@git-codecommit\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?(?::\d+)?$/i;

/**
 * Whether an `APKA...` match (`m`) is the user of an AWS CodeCommit ssh URL (`ssh://APKA...@git-codecommit.<region>.amazonaws.com/v1/repos/<name>`,
 * or scp-style): the SSH key ID IAM gives an uploaded public key, which CodeCommit's documentation writes there.
 */
function isCodeCommitSshUser(m: RegExpExecArray): boolean {
  const before = m.input.slice(Math.max(0, m.index - 6), m.index);
  return (/ssh:\/\/$/i.test(before) || /(?:^|[\s"'=])$/.test(before)) && CODECOMMIT_SSH_HOST.test(m.input.slice(m.index + m[0].length));
}

/** The rules of tokens by their format, in the order the table tries them. */
export const TOKEN_RULES: readonly SecretRule[] = [
  {
    id: 'jwt',
    description: 'a JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/,
  },
  {
    id: 'aws-access-key-id',
    description: 'an AWS access key id',
    pattern: /\b(AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b/,
    // but the SSH key ID (APKA...) an AWS CodeCommit ssh URL names as its user, which IAM gives for a public key: no secret
    accept: (_s, m) => !(m[1] === 'APKA' && isCodeCommitSshUser(m)),
  },
  {
    id: 'google-api-key',
    description: 'a Google API key',
    pattern: /\bAIza[0-9A-Za-z_-]{35}/,
  },
  {
    id: 'github-token',
    description: 'a GitHub token',
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/,
  },
  {
    id: 'slack-token',
    description: 'a Slack token or webhook',
    // a bot's, a user's and an app-level token (`xapp-1-...`), an incoming webhook
    pattern:
      /\bxox[abposr]-[A-Za-z0-9-]{10,}|\bxapp-[0-9]-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/,
  },
  {
    id: 'webhook-url',
    description: "a chat's incoming webhook URL (Discord, Microsoft Teams), whose path is its credential",
    // anyone holding the URL posts to the channel: Discord's `/api/webhooks/<id>/<token>` (or `/api/v10/webhooks/...`), a Teams connector's
    // `webhookb2/<guid>@<guid>/IncomingWebhook/<hex>/<guid>`
    pattern:
      /\bdiscord(?:app)?\.com\/api\/(?:v[0-9]{1,2}\/)?webhooks\/[0-9]{5,20}\/[A-Za-z0-9_-]{16,}|\.office\.com\/webhook(?:b2)?\/[0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/[0-9a-f]{16,}/,
  },
  {
    id: 'service-token',
    description: 'an API token (npm, Stripe, GitLab, OpenAI, Vault style)',
    // Stripe's webhook signing secret (`whsec_`), of 32 hex digits that the randomness rule leaves to digests
    // and SendGrid's (`SG.<22>.<43>`), Docker Hub's (`dckr_pat_`), Hugging Face's (`hf_`), a Grafana service account's
    // (`glsa_`), PyPI's (`pypi-AgEIcHlwaS5vcmc...`, base64 of `pypi.org`) and a Telegram bot's (`<bot id>:AA...`, also in its API's `/bot<token>/`)
    // Vault's tokens: `hvs.` (or a batch's `hvb.`, a recovery's `hvr.`) and more, or before Vault 1.10 `s.` and 24
    // letters and digits, mixed (`vault login s.…`, where no name says it is one; not `s.` before a word)
    pattern:
      /(?:\b|(?<=\/bot))(whsec_[A-Za-z0-9+/]{32,}|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}|dckr_pat_[A-Za-z0-9_-]{27}|hf_[A-Za-z]{34}\b|glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}|[0-9]{8,10}:AA[A-Za-z0-9_-]{33}\b|npm_[A-Za-z0-9]{36}|[sr]k_live_[0-9a-zA-Z]{24,}|glpat-[A-Za-z0-9_-]{20}|sk-[A-Za-z0-9_-]{32,}|hv[sbr]\.[A-Za-z0-9_-]{24,}|s\.(?=[A-Za-z]*[0-9])(?=[a-z0-9]*[A-Z])(?=[A-Z0-9]*[a-z])[A-Za-z0-9]{24}\b)/,
  },
  {
    id: 'provider-token',
    description:
      'an API token of a provider, by its prefix (GitLab runner or deploy, Atlassian, Shopify, DigitalOcean, Pulumi, Databricks, New Relic, Mailgun, Supabase, Buildkite, Fly.io)',
    // tokens whose body is hex, or too short or too plain for the randomness rule, told by the prefix their issuer gives them
    // (as gitleaks' rules do): GitLab's other tokens (`glrt-` a runner's, `gldt-` a deploy token, `glptt-`, `glft-`...),
    // Atlassian's `ATATT3`, Shopify's `shpat_`, DigitalOcean's `dop_v1_`, Pulumi's `pul-`, Databricks' `dapi`, New Relic's
    // `NRAK-`, Mailgun's `key-`, Supabase's `sbp_`, Buildkite's `bkua_`, Fly.io's `FlyV1 fm2_`; each a word of its own.
    // GitLab's body is random, upper and lower case (not `glrt-runner-configuration-template-name`), and Mailgun's `key-<32
    // hex>` a cache's key too: a token only under a token's name or in a text that names Mailgun (`isMailgunKey`)
    pattern:
      /(?<![\w-])(?:gl(?:rt|dt|ptt|ft|cbt|imt|oas|soat|agent|wt)-(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[a-z])[A-Za-z0-9_-]{20,}|ATATT3[A-Za-z0-9_=-]{150,}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}|do[opr]_v1_[a-f0-9]{64}|pul-[a-f0-9]{40}|dapi[a-f0-9]{32}(?:-[0-9]+)?|NRAK-[A-Z0-9]{27}|key-[0-9a-f]{32}|sbp_[a-f0-9]{40}|bkua_[a-f0-9]{40}|FlyV1 fm[12][ar]?_[A-Za-z0-9+/=_,-]{32,})(?![\w-])/,
    accept: (_s, m) => !m[0].startsWith('key-') || isMailgunKey(m),
  },
  {
    id: 'twilio-auth-token',
    description: "a Twilio auth token (32 hex digits, in a text that names Twilio or holds an account's SID)",
    // an MD5's length, which the randomness rule leaves to digests: a token only where the text says it is Twilio's, near
    // it, quoted or under a token's name (`Client("AC<32 hex>", "<token>")`, `auth_token:` in a `twilio:` block: `isTwilioToken`);
    // not the SIDs themselves (`AC`, `SK`, `SM` before their hex)
    pattern: /(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])/g,
    accept: (_s, m) => isTwilioToken(m),
  },
  BOOTSTRAP_TOKEN_RULE,
  {
    id: 'jwk-symmetric-key',
    description: 'a JSON Web Key\'s symmetric key (its "k", of "kty": "oct")',
    // an HMAC key as a JWKS file or a JWT library's config writes it: too short for the randomness rule (`HS256`'s 128-bit
    // key is 22 characters); only in a text with an octet key (`"kty": "oct"`), read once per text
    pattern: /"k"[ \t]*:[ \t]*"[A-Za-z0-9_-]{16,}={0,2}"/g,
    accept: (_s, m) => hasOctetKey(m.input),
  },
];
