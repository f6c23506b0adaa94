/**
 * Secret values never belong in manifests that are committed: base64 is an encoding, not
 * encryption. A Secret may declare its keys (with empty values, or in the annotation
 * `stagecraft.dev/secret-keys`) so that references to them can be checked; its values are put
 * into the cluster another way (kubectl create secret, a sealed or external secret).
 */
import type { KubeObject } from '../model/object.js';
import { finder, type Finding } from './finding.js';
import { SECRET_KEYS_ANNOTATION } from './references-pods.js';

export function checkSecretValues(o: KubeObject): Finding[] {
  if (o.kind !== 'Secret') return [];
  const out: Finding[] = [];
  for (const field of ['data', 'stringData']) {
    const values = o[field];
    if (!values || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values)) {
      if (value === '' || value === null) continue;
      out.push(finder(o)('policy/secret-value', [field, key],
        `holds a value for key '${key}'${field === 'data' ? ' (base64 is an encoding, not encryption)' : ''}; secret values must not be committed`,
        `leave the value empty, or declare the key in the annotation ${SECRET_KEYS_ANNOTATION}, and create the Secret in the cluster another way (kubectl create secret)`));
    }
  }
  return out;
}
