import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { listFiles } from '../lib/synth/write.js';
import { REPO } from './helpers/cli.js';

/** Values the tests and the articles use as credentials: none may ever be committed. */
const KNOWN_TEST_SECRETS = ['demopassword', 'fromenv', 'fromfile', 's3cr#t'];
const encodings = (v: string) => [v, Buffer.from(v).toString('base64')];

const files = listFiles(join(REPO, 'dist')).map((f) => ({ file: f, text: readFileSync(join(REPO, 'dist', f), 'utf8') }));

describe('no secret data in dist/', () => {
  it('scans some files (dist/ is not empty)', () => {
    expect(files.filter((f) => f.file.endsWith('.yaml')).length).toBeGreaterThanOrEqual(12);
  });

  it.each(files.map((f) => f.file))('%s holds no Secret and no known credential', (file) => {
    const { text } = files.find((f) => f.file === file)!;
    expect(text).not.toMatch(/^kind:\s*Secret\s*$/m);
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS() as { kind?: string; data?: unknown; stringData?: unknown } | null;
      expect(o?.kind).not.toBe('Secret');
      if (o?.kind === 'Secret') {
        expect(o.data).toBeUndefined();
        expect(o.stringData).toBeUndefined();
      }
    }
    for (const value of KNOWN_TEST_SECRETS.flatMap(encodings)) expect(text).not.toContain(value);
  });

  it('refers to the database Secret only by name and key', () => {
    const all = files.map((f) => f.text).join('\n');
    expect(all).toContain('secretKeyRef');
    // 3 secretKeyRefs each in demoapp, mysql and the backup of dev, test and qa; production's and onprem's demoapp run two colors,
    // and production's ExternalSecret names the Secret twice (its own name and its target)
    expect(all.match(/name: mysqlsecret/g)?.length).toBe(3 * 9 + 12 * 2 + 2);
  });
});
