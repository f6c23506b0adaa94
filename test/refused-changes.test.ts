/**
 * What the warning of a field the API server refuses to change (lib/refused-changes.ts) prints of a secret, against what
 * npm run diff prints of the same change: one screen hides both (lib/checks/secret-texts.ts), so neither prints a value
 * the other hides.
 */
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileStage } from '../lib/compile-stage.js';
import { formatProblem } from '../lib/errors.js';
import { diffManifests } from '../lib/diff/objects.js';
import { diffLines } from '../lib/diff/lines.js';
import { MANIFESTS, OBJECTS, output, source } from './helpers/output-changes.js';

/** A Secret edited into dist/ by hand (or left by an older stagecraft): read as the output before. */
const HAND_EDITED_SECRET =
  '---\napiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: data }\nstringData: { password: Qm7xLp2vRt }\n';

/** The immutable ConfigMap of the fixture with `data` before and after. */
const withData = (data: string) => OBJECTS.replace('data: { mode: fast }', `data: ${data}`);

/**
 * What each command prints of the change of the immutable ConfigMap's data from `was` to `now`, over an output before that also
 * holds `extra` in the ConfigMap's file: the synth's warnings, and the diff of the output before and after as npm run diff prints it.
 */
function printed(was: string, now: string, extra = ''): { warning: string; diff: string } {
  const dist = output(MANIFESTS, withData(was));
  const file = [...dist.keys()].find((f) => dist.get(f)!.includes('name: settings'))!;
  dist.set(file, `${dist.get(file)!}${extra}`);
  const outcome = compileStage(
    source(MANIFESTS, withData(now), (f) => dist.get(f)),
    {},
  );
  expect(outcome.problems).toEqual([]);
  const warning = (outcome.notices ?? [])
    .filter((p) => p.code === 'output/immutable-field')
    .map(formatProblem)
    .join('\n');
  expect(warning).toContain('data/settings');
  const manifests = (text: string) =>
    parseAllDocuments(text).flatMap((d) => {
      const value = d.toJS() as { kind?: string; metadata?: { name?: string } } | null;
      return value ? [{ id: `${value.kind} ${value.metadata?.name}`, value }] : [];
    });
  const after = new Map([...dist.keys()].map((f) => [f, f === file ? undefined : dist.get(f)]));
  for (const [f, content] of outcome.files!) after.set(f, typeof content === 'string' ? content : String(content));
  const diff = diffLines(diffManifests(manifests(dist.get(file)!), manifests(after.get(file) ?? '')), {
    before: 'dist/data',
    after: 'data',
  }).join('\n');
  return { warning, diff };
}

describe('a refused change and npm run diff hide the same secrets', () => {
  const cases: readonly { what: string; was: string; now: string; secrets: readonly string[]; extra?: string }[] = [
    {
      what: 'a value under a secret name',
      was: '{ DB_PASSWORD: Xk9mQ2vLp7zR4wq }',
      now: '{ DB_PASSWORD: Hk9mQ2vLp7zR4wq }',
      secrets: ['k9mQ2vLp7zR4wq'],
    },
    {
      what: "a URL's password",
      was: '{ DB_URL: "postgres://app:Wz8wErT5yUi9@db/shop" }',
      now: '{ DB_URL: "postgres://app:Wz8wErT5yUi9@db2/shop" }',
      secrets: ['Wz8wErT5yUi9'],
    },
    {
      what: "a file's second secret",
      was: '{ app.conf: "a = 1\\ndb_password = Hunter2!xyzQ\\napi_token = ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5\\n" }',
      now: '{ app.conf: "a = 2\\ndb_password = Hunter2!xyzQ\\napi_token = ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5\\n" }',
      secrets: ['Hunter2', 'ghp_aB3'],
    },
    {
      what: 'a token pasted as a key',
      was: '{ mode: fast }',
      now: '{ mode: fast, ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5: "1" }',
      secrets: ['ghp_aB3'],
    },
    {
      // was: the warning printed 'changes from {"mode":"fast Qm7xLp2vRt"}': only npm run diff hid a Secret's value copied into another object
      what: "a Secret's value copied into the ConfigMap",
      was: '{ mode: "fast Qm7xLp2vRt" }',
      now: '{ mode: "slow Qm7xLp2vRt" }',
      secrets: ['Qm7xLp2vRt'],
      extra: HAND_EDITED_SECRET,
    },
  ];
  for (const c of cases)
    it(`hides ${c.what} in both`, () => {
      const { warning, diff } = printed(c.was, c.now, c.extra);
      for (const s of c.secrets) {
        expect(warning).not.toContain(s);
        expect(diff).not.toContain(s);
      }
      expect(warning).toContain('hidden');
      expect(diff).toContain('hidden');
    });
});
