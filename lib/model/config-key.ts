/**
 * What the API server allows of a ConfigMap's or Secret's key (k8s.io/apimachinery
 * validation.IsConfigMapKey): the one rule for the keys an object holds (lib/checks/api-rules.ts)
 * and the keys a pod reads from one (secretKeyRef, configMapKeyRef, volume items:
 * lib/checks/api-rules-pods.ts).
 */
import { MAX_SUBDOMAIN_NAME } from './object-names.js';

/** The longest key: a DNS-1123 subdomain's length. */
export const MAX_CONFIG_KEY = MAX_SUBDOMAIN_NAME;
/** The characters of a key (IsConfigMapKey's configMapKeyFmt). */
const CONFIG_KEY_CHARACTERS = /^[-._a-zA-Z0-9]+$/;

/**
 * What is wrong with `key` as a ConfigMap or Secret key, as a clause for messages (`it may not be
 * '..'`), or undefined when the API server takes it: 1 to 253 letters, digits, '-', '_' and '.',
 * not '.' or '..' and not starting with '..' (the kubelet's own files in a volume do: `..data`).
 */
export function configKeyProblem(key: string): string | undefined {
  if (key === '') return 'it is empty';
  if (key.length > MAX_CONFIG_KEY) return `it has ${key.length} characters, more than ${MAX_CONFIG_KEY}`;
  if (!CONFIG_KEY_CHARACTERS.test(key)) return "it may hold only letters, digits, '-', '_' and '.'";
  if (key === '.' || key === '..') return `it may not be '${key}'`;
  if (key.startsWith('..')) return "it may not start with '..' (the kubelet's own files in a volume do)";
  return undefined;
}

/** The hint of every finding on a key that `configKeyProblem` refuses. */
export const CONFIG_KEY_HINT = `use at most ${MAX_CONFIG_KEY} letters, digits, '-', '_' and '.', not '.' or '..' and not starting with '..'`;
