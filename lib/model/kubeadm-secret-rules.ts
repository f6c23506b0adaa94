/**
 * Kubernetes' bootstrap tokens (kubeadm's join tokens, `<6>.<16>` lower-case letters and digits), parts of secret-rules.ts's
 * table: in a text, and as an entry of a `command` or `args` list, where the list says the entry is one. Pure and synchronous.
 */
import { oncePerText } from './once-per-text.js';
import type { SecretRule } from './secret-setting.js';

/** What names kubeadm or a bootstrap token (`bootstrapToken`, `bootstrap-token`, `tlsBootstrapToken`). */
const NAMES_BOOTSTRAP_TOKEN = /kubeadm|bootstrap[ _.-]?token/i;

/** Whether a text names kubeadm or a bootstrap token, read once per text. */
const namesBootstrapToken = oncePerText((text) => NAMES_BOOTSTRAP_TOKEN.test(text));

/** A bootstrap token's shape: its id, a `.`, and its secret half, which mixes letters and digits. */
const TOKEN = String.raw`[a-z0-9]{6}\.(?=[a-z]*[0-9])(?=[0-9]*[a-z])[a-z0-9]{16}`;

export const BOOTSTRAP_TOKEN_RULE: SecretRule = {
  id: 'bootstrap-token',
  description:
    'a Kubernetes bootstrap token (<6>.<16> letters and digits, in a text or command line that names kubeadm or a bootstrap token)',
  // kubeadm's join token (`kubeadm token create 9a08jv.c0izixklcxtmnze7`), whose shape alone is a host's name's too: a token
  // only where the text names kubeadm or a bootstrap token, its secret half mixing letters and digits, no name's part around it
  pattern: new RegExp(`(?<![\\w.-])${TOKEN}(?![\\w.-])`, 'g'),
  accept: (_s, m) => namesBootstrapToken(m.input),
};

/** An entry of a command line that is a bootstrap token's shape, whole. */
const TOKEN_ENTRY = new RegExp(`^${TOKEN}$`);

/**
 * Whether the entry `index` of a `command` or `args` list (`argv`) is a bootstrap token given as a word of its own
 * (`[kubeadm, token, create, 9a08jv.c0izixklcxtmnze7]`, `command: [kubeadm]` with `args: [token, delete, <token>]`): its
 * shape, and a word of the list or of the `command` list beside it (`command()`, for an `args` list) names kubeadm or a
 * bootstrap token; the entry's text alone never does.
 */
export function isBootstrapTokenEntry(argv: readonly unknown[], index: number, command?: () => readonly unknown[] | undefined): boolean {
  const entry = argv[index];
  if (typeof entry !== 'string' || !TOKEN_ENTRY.test(entry)) return false;
  const names = (list: readonly unknown[] | undefined) =>
    list?.some((w) => typeof w === 'string' && NAMES_BOOTSTRAP_TOKEN.test(w)) === true;
  return names(argv) || names(command?.());
}
