import { describe, expect, it } from 'vitest';
import { configKeyProblem } from '../../lib/model/config-key.js';

describe('ConfigMap and Secret keys, as the API server reads them (IsConfigMapKey)', () => {
  it.each(['app.conf', 'APP_CONF', '.hidden', 'a..b', '-', 'k'.repeat(253)])('takes %s', (key) => {
    expect(configKeyProblem(key)).toBeUndefined();
  });

  it('refuses each other key for one reason, the first the API server names', () => {
    expect(['', 'k'.repeat(254), '../x', 'a/b', 'é', '.', '..', '..data'].map(configKeyProblem)).toEqual([
      'it is empty',
      'it has 254 characters, more than 253',
      "it may hold only letters, digits, '-', '_' and '.'",
      "it may hold only letters, digits, '-', '_' and '.'",
      "it may hold only letters, digits, '-', '_' and '.'",
      "it may not be '.'",
      "it may not be '..'",
      "it may not start with '..' (the kubelet's own files in a volume do)",
    ]);
  });
});
