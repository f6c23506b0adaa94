/** lib/constructs/index.ts: the one module a stack imports its constructs from. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as surface from '../../lib/constructs/index.js';
import { RESTRICTED_CONTAINER, toResources } from '../../lib/constructs/app-deployment.js';
import * as container from '../../lib/constructs/app-container.js';
import { k8s } from '../../lib/k8s.js';
import { REPO } from '../helpers/cli.js';

/** The construct files a stack builds from: every one but the index and the compiler's external-secrets.ts. */
const CONSTRUCT_FILES = readdirSync(join(REPO, 'lib/constructs')).filter(
  (f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'external-secrets.ts',
);

describe('the constructs a stack imports (lib/constructs/index.ts)', () => {
  it('are every export of every construct file, so that a new construct or a helper moved between files is there too', async () => {
    expect(CONSTRUCT_FILES).toContain('app-container.ts');
    const missing: string[] = [];
    for (const file of CONSTRUCT_FILES) {
      const module = (await import(`../../lib/constructs/${file.replace(/\.ts$/, '.js')}`)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module))
        if ((surface as Record<string, unknown>)[name] !== value) missing.push(`${file}: ${name}`);
    }
    expect(missing).toEqual([]);
  });

  it('hold the typed Kubernetes bindings too, for a kind no construct makes, and not the compiler-only ExternalSecrets', () => {
    expect(surface.k8s).toBe(k8s);
    expect(Object.keys(surface)).not.toContain('externalSecrets');
  });

  it('still serve a stack that imports toResources and RESTRICTED_CONTAINER from app-deployment.js, where they were before app-container.ts', () => {
    expect(toResources).toBe(container.toResources);
    expect(RESTRICTED_CONTAINER).toBe(container.RESTRICTED_CONTAINER);
  });
});
