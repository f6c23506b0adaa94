/**
 * `npm run check -- --object-exists <kind/name> <files>`: a store or issuer the cluster has, made
 * outside the files (lib/model/existing-objects.ts), which their references may name.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, tempProject } from '../helpers/cli.js';

const MANIFESTS = `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: { name: vaults }
spec: { provider: { fake: { data: [] } } }
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: db, namespace: default }
spec:
  secretStoreRef: { name: vault, kind: ClusterSecretStore }
  data: [{ secretKey: password, remoteRef: { key: db/password } }]
`;

describe('npm run check -- --object-exists', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'object-exists-')), 'es.yaml');
  writeFileSync(file, MANIFESTS);

  it("takes a store made outside the files as one of theirs: a name near the files' own is then no finding", () => {
    const near = runCli('check', [file]);
    expect(near.code).toBe(1);
    expect(near.stdout).toContain(
      "hint: did you mean 'vaults'? Or, if 'vault' is made outside these files, declare it: npm run check -- --object-exists ClusterSecretStore/vault <files>",
    );
    const declared = runCli('check', ['--object-exists', 'ClusterSecretStore/vault', file]);
    expect(declared.stdout).not.toContain('refs/secret-store');
    expect(declared.stdout).not.toContain("'vault'");
    expect(declared.code).toBe(0);
  });

  it('refuses a value of another form, which would declare nothing (exit 2)', () => {
    const r = runCli('check', ['--object-exists', 'vault', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: --object-exists takes ClusterSecretStore/<name>, ClusterIssuer/<name>, SecretStore/<namespace>/<name>, Issuer/<namespace>/<name>, Deployment/<namespace>/<name>, Service/<namespace>/<name> or Gateway/<namespace>/<name> (found 'vault')",
    );
  });
});

/** A project whose stage ops declares namespace monitoring and ClusterSecretStore vault, and makes a ConfigMap in the one and ExternalSecrets of the other. */
function declaringProject(): string {
  const dir = tempProject({
    ops: 'apps:\n  ops: { stack: manifests, include: [in] }\nchecks: { existingNamespaces: [monitoring], existingObjects: [ClusterSecretStore/vault] }\n',
  });
  mkdirSync(join(dir, 'in'));
  cpSync(join(REPO, '../shared/crds/external-secrets'), join(dir, 'crds'), { recursive: true });
  const monitoring = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: monitoring }\ndata: { a: b }\n---\n';
  writeFileSync(join(dir, 'in', 'es.yaml'), monitoring + MANIFESTS.replace('namespace: default', 'namespace: ops'));
  return dir;
}

describe('what a stage file declares the cluster has (checks.existingNamespaces, checks.existingObjects)', () => {
  it('is written to the inventory, so that npm run check -- dist/<stage> checks the output as synth did', () => {
    const dir = declaringProject();
    const synth = runCli('synth', ['ops'], dir);
    expect(synth.code, synth.stderr).toBe(0);
    const inventory = readFileSync(join(dir, 'dist', 'ops', 'inventory.txt'), 'utf8');
    expect(inventory).toContain('\nexisting namespaces: monitoring\nexisting objects: ClusterSecretStore/vault\nobjects: ');
    const check = runCli('check', ['dist/ops'], dir);
    expect(check.stdout).not.toContain(': error: ');
    expect(check.code, check.stdout).toBe(0);
  });

  it('is read from an inventory checked out with CRLF line ends (git core.autocrlf), or hand-edited with tabs', () => {
    const dir = declaringProject();
    expect(runCli('synth', ['ops'], dir).code).toBe(0);
    const path = join(dir, 'dist', 'ops', 'inventory.txt');
    const inventory = readFileSync(path, 'utf8');
    for (const edited of [inventory.replaceAll('\n', '\r\n'), inventory.replace(/^(existing \w+:) /gm, '$1\t')]) {
      writeFileSync(path, edited);
      const check = runCli('check', ['dist/ops'], dir);
      expect(check.stdout).not.toContain(': error: ');
      expect(check.code, check.stdout).toBe(0);
    }
  });
});
