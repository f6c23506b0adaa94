import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { afterEach, describe, expect, it } from 'vitest';
import { MysqlBackup } from '../../lib/constructs/mysql-backup.js';

const PROPS = { name: 'mysql-backup', schedule: '0 2 * * *', image: 'mysql:8.0', host: 'mysql', secretName: 's', claimName: 'c' };
/** The script the backup container runs, for `keep`. */
function script(keep?: number): string {
  const c = new Chart(new App(), 'c', { disableResourceNameHashes: true });
  new MysqlBackup(c, 'b', { ...PROPS, keep });
  return (c.toJson()[0] as any).spec.jobTemplate.spec.template.spec.containers[0].command[2];
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the script with /backup in a temporary directory holding `dumps`, and a mysqldump that prints a line or fails; returns the files left. */
function run(text: string, dumps: readonly string[], mysqldump: 'works' | 'fails' = 'works'): string[] {
  const root = mkdtempSync(join(tmpdir(), 'mysql-backup-'));
  dirs.push(root);
  const backup = join(root, 'backup');
  const bin = join(root, 'bin');
  mkdirSync(backup);
  mkdirSync(bin);
  for (const d of dumps) writeFileSync(join(backup, d), 'old\n');
  writeFileSync(join(bin, 'mysqldump'), mysqldump === 'works' ? '#!/bin/sh\necho "-- dump"\n' : '#!/bin/sh\nexit 2\n');
  chmodSync(join(bin, 'mysqldump'), 0o755);
  try {
    execFileSync('/bin/sh', ['-c', text.replaceAll('/backup/', `${backup}/`)], {
      env: { PATH: `${bin}:/usr/bin:/bin`, MYSQL_DATABASE: 'shop', MYSQL_HOST: 'mysql', MYSQL_USER: 'app' },
      stdio: 'pipe',
    });
  } catch {
    // a failed dump: what it left is what the test looks at
  }
  return readdirSync(backup).sort();
}

const OLD = ['shop-20261201T020000Z.sql', 'shop-20261202T020000Z.sql', 'shop-20261203T020000Z.sql', 'shop-20261204T020000Z.sql'];

describe('MysqlBackup keep', () => {
  it('keeps every dump by default', () => {
    expect(run(script(), OLD)).toHaveLength(5);
  });

  it('removes the dumps beyond the newest keep once the new one is complete', () => {
    const left = run(script(2), [...OLD, 'shop-eu.txt']);
    expect(left).toHaveLength(3);
    expect(left).toContain('shop-20261204T020000Z.sql');
    expect(left).toContain('shop-eu.txt');
    expect(left.filter((f) => f.endsWith('.sql') && !OLD.includes(f))).toHaveLength(1);
  });

  it("leaves alone another database's dumps whose name starts with this one's, and keeps this one's newest", () => {
    // database shop-eu writes shop-eu-<time>.sql into the same directory: it sorts after shop-<time>.sql
    const other = ['shop-eu-20261203T020000Z.sql', 'shop-eu-20261204T020000Z.sql'];
    const left = run(script(2), [...OLD, ...other]);
    expect(left.filter((f) => other.includes(f))).toEqual(other);
    const own = left.filter((f) => !other.includes(f));
    expect(own).toHaveLength(2);
    expect(own[0]).toBe('shop-20261204T020000Z.sql');
    expect(own[1]).toMatch(/^shop-\d{8}T\d{6}Z\.sql$/);
    expect(OLD).not.toContain(own[1]);
  });

  it('removes nothing when the dump fails', () => {
    const left = run(script(1), OLD, 'fails');
    expect(left.filter((f) => OLD.includes(f))).toEqual(OLD);
    expect(left.filter((f) => !OLD.includes(f))).toEqual([expect.stringMatching(/^shop-\d{8}T\d{6}Z\.sql\.partial$/)]);
  });

  it('refuses a keep below 1', () => {
    expect(() => script(0)).toThrow("CronJob 'mysql-backup': 'keep' must be an integer of at least 1 (got 0)");
  });
});
