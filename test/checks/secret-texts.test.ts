import { describe, expect, it } from 'vitest';
import { hider, secretTexts } from '../../lib/checks/secret-texts.js';
import type { KubeObject } from '../../lib/model/object.js';

const job = (args: string[], env: Record<string, string>): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'dump', namespace: 'qa' },
  spec: {
    template: {
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'dump', image: 'mysql:8', args, env: Object.entries(env).map(([name, value]) => ({ name, value })) }],
      },
    },
  },
});

describe('the texts npm run diff and a refused change hide', () => {
  it("hides a short password a content rule found wherever it stands, as the refused change's warning did (was: only where it was the whole value)", () => {
    const o = job(['mysql', '-pQz9k', '-h', 'db'], { NOTE: 'backup of db' });
    const hide = hider(secretTexts([], o));
    expect(hide.isSecret('-pQz9k', ['spec'])).toBe(true);
    // the same password in a value the next version writes (a label's, a note's): hidden there too
    expect(hide.isSecret('dump-Qz9k-nightly', ['spec'])).toBe(true);
    expect(hide.isSecret('backup of db', ['spec'])).toBe(false);
  });

  it("hides a ConfigMap's binaryData as written when the text it decodes to holds a secret (was: its base64 printed)", () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    const base64 = Buffer.from(`API_TOKEN=${token}\n`).toString('base64');
    const plain = Buffer.from('LOG_LEVEL=info\n').toString('base64');
    const o: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'qa' },
      binaryData: { 'app.env': base64, 'log.env': plain },
    };
    const hide = hider(secretTexts([], o));
    expect(JSON.stringify(hide.value(o.binaryData, ['binaryData']))).toBe(
      `{"app.env":"(a ${base64.length}-character value, hidden)","log.env":"${plain}"}`,
    );
  });

  it('hides a key that is a secret in a field path, and keeps the rest of the path', () => {
    const token = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    const o: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'qa' }, data: { [token]: '1' } };
    expect(hider(secretTexts([], o)).path(['data', token])).toEqual(['data', '(a 40-character key, hidden)']);
  });
});
