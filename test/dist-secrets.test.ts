import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { listFiles } from './helpers/cli.js';
import { compileStages } from '../lib/compile.js';
import { REPO, repoStage } from './helpers/cli.js';

/** Values the tests and the articles use as credentials: none may ever be committed. */
const KNOWN_TEST_SECRETS = ['demopassword', 'fromenv', 'fromfile', 's3cr#t'];
const encodings = (v: string) => [v, Buffer.from(v).toString('base64')];

const files = listFiles(join(REPO, 'dist')).map((f) => ({ file: f, text: readFileSync(join(REPO, 'dist', f), 'utf8') }));

describe('no secret data in dist/', () => {
  it('scans some files (dist/ is not empty)', () => {
    expect(files.filter((f) => f.file.endsWith('.yaml')).length).toBeGreaterThan(0);
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

  it('refers to Secrets only by name and key', () => {
    const refs: unknown[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === 'secretKeyRef' ? refs.push(x) : walk(x);
    };
    // a fixture stage that refers to its Secret, so that the walk is seen to find references
    for (const c of compileStages([{ stage: 'qa', file: 'environments/qa.yaml', text: repoStage('qa') }]).stages[0].charts) walk(c.objects);
    expect(refs.length).toBeGreaterThan(0);
    for (const f of files.filter((x) => x.file.endsWith('.yaml'))) for (const doc of parseAllDocuments(f.text)) walk(doc.toJS());
    for (const ref of refs) expect(Object.keys(ref as object).sort()).toEqual(['key', 'name']);
  });
});
